"""Loading libqclr and declaring the C prototypes (ctypes).

Lookup order (first hit wins):
  1. the environment variable QCLR_LIBRARY (a path to libqclr.so);
  2. the build tree, when this package is imported from a built source
     checkout: <checkout>/.libs/libqclr.so (libtool's output directory);
  3. the library directory of the ./configure prefix, recorded in _config.py
     by `make install`;
  4. the dynamic linker's search path (ctypes.util.find_library).

Only what the public headers declare is mirrored here.  The options structs
start with `size_t size`; they are always filled by the library's own
qclr_*_default() function and their size is checked against ctypes' idea of
the layout, so a changed header gives a clear error instead of a silent
mismatch.
"""
import ctypes
import ctypes.util
import os

from ._version import __version__

c_int, c_int64, c_double, c_size_t, c_char_p, c_void_p, c_uint64 = (
    ctypes.c_int, ctypes.c_int64, ctypes.c_double, ctypes.c_size_t, ctypes.c_char_p,
    ctypes.c_void_p, ctypes.c_uint64)
P = ctypes.POINTER
c_double_p = P(c_double)
c_int64_p = P(c_int64)


class LibraryNotFound(ImportError):
    pass


def _candidates():
    env = os.environ.get("QCLR_LIBRARY")
    if env:
        return [("QCLR_LIBRARY", env)], True
    out = []
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    if os.path.exists(os.path.join(top, "configure.ac")):
        for name in ("libqclr.so", "libqclr.dylib"):
            out.append(("build tree", os.path.join(top, ".libs", name)))
    try:
        from . import _config
        libdir = getattr(_config, "LIBDIR", None)
        if libdir:
            for name in ("libqclr.so", "libqclr.dylib"):
                out.append(("configure prefix", os.path.join(libdir, name)))
    except ImportError:
        pass
    found = ctypes.util.find_library("qclr")
    if found:
        out.append(("system", found))
    return out, False


def _load():
    cands, forced = _candidates()
    tried = []
    for where, path in cands:
        if forced or where == "system" or os.path.exists(path):
            try:
                return ctypes.CDLL(path), path
            except OSError as e:
                tried.append("%s (%s): %s" % (path, where, e))
                if forced:
                    break
        else:
            tried.append("%s (%s): not found" % (path, where))
    raise LibraryNotFound("qclr: libqclr not found; set QCLR_LIBRARY to the path of libqclr.so. Tried:\n  "
                          + "\n  ".join(tried or ["nothing"]))


lib, path = _load()


def _fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_fn("qclr_version", c_char_p)
library_version = lib.qclr_version().decode()
if library_version != __version__:
    raise ImportError("qclr: the Python package is version %s but the library %s is version %s; "
                      "install matching versions (or point QCLR_LIBRARY at the right libqclr)"
                      % (__version__, path, library_version))

# ---- errors, threads
_fn("qclr_strerror", c_char_p, c_int)
_fn("qclr_last_error", c_char_p)
_fn("qclr_set_threads", c_int, c_int)
_fn("qclr_get_threads", c_int)

# ---- options structs (mirroring include/qclr/*.h; size checked at import)


class CholeskyOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("tol", c_double), ("max_rank", c_int64), ("pivot", c_int),
                ("seed", c_uint64), ("block", c_int64)]


class DFOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("tol", c_double), ("rule", c_int)]


class FCIOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("nroots", c_int), ("tol", c_double), ("max_iter", c_int),
                ("max_bytes", c_size_t), ("progress", c_void_p), ("progress_ctx", c_void_p),
                ("guess_size", c_int), ("residual_tol", c_double)]


class TTOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("eps", c_double), ("max_rank", c_int64), ("method", c_int),
                ("overwrite", c_int)]


class TTInfo(ctypes.Structure):
    _fields_ = [("norm", c_double), ("error", c_double), ("rel_error", c_double), ("rank_capped", c_int)]


class GroupsOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("merge_tol", c_double), ("merge", c_int), ("min_angle", c_double)]


class FcidumpReadOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t)]  # opaque beyond `size`: only the library's defaults are used


class FcidumpWriteOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("zero_tol", c_double)]


class FactorMetrics(ctypes.Structure):
    _fields_ = [("max_abs_error", c_double), ("frobenius_error", c_double), ("lambda_", c_double),
                ("e_ref_error", c_double)]


def options(struct, default_name, exact=True):
    """A struct filled by the library's default function, its size checked."""
    buf = ctypes.create_string_buffer(max(ctypes.sizeof(struct), 4096))
    getattr(lib, default_name)(buf)
    size = c_size_t.from_buffer(buf).value
    if (exact and size != ctypes.sizeof(struct)) or size > len(buf) or size < ctypes.sizeof(c_size_t):
        raise ImportError("qclr: %s says the struct has %d bytes, the Python mirror %d: the package "
                          "and the library's headers disagree" % (default_name, size, ctypes.sizeof(struct)))
    if exact:
        return struct.from_buffer_copy(buf.raw[:size])
    return buf


for _s, _d in ((CholeskyOptions, "qclr_cholesky_options_default"), (DFOptions, "qclr_df_options_default"),
               (FCIOptions, "qclr_fci_options_default"), (TTOptions, "qclr_tt_options_default"),
               (GroupsOptions, "qclr_groups_options_default"),
               (FcidumpWriteOptions, "qclr_fcidump_write_options_default")):
    _fn(_d, None, c_void_p)
    options(_s, _d)  # size check now, at import
_fn("qclr_fcidump_read_options_default", None, c_void_p)

H = c_void_p  # opaque handles
# ---- Hamiltonian
_fn("qclr_hamiltonian_from_full", c_int, c_int64, c_int, c_int, c_double, c_double_p, c_double_p, P(H))
_fn("qclr_hamiltonian_from_packed", c_int, c_int64, c_int, c_int, c_double, c_double_p, c_double_p, P(H))
_fn("qclr_hamiltonian_free", None, H)
for _n in ("norb", "npair"):
    _fn("qclr_hamiltonian_" + _n, c_int64, H)
for _n in ("nelec", "ms2", "nalpha", "nbeta"):
    _fn("qclr_hamiltonian_" + _n, c_int, H)
_fn("qclr_hamiltonian_e_core", c_double, H)
_fn("qclr_hamiltonian_h", c_double_p, H)
_fn("qclr_hamiltonian_vpair", c_double_p, H)
_fn("qclr_hamiltonian_eri_full", c_int, H, c_double_p)
_fn("qclr_hamiltonian_e_ref", c_int, H, c_double_p)
_fn("qclr_fcidump_read", c_int, c_char_p, c_void_p, P(H), c_void_p)
_fn("qclr_fcidump_write", c_int, c_char_p, H, c_void_p)
_fn("qclr_model_build", c_int, c_char_p, P(H))
# ---- factor
_fn("qclr_cholesky_compute", c_int, H, c_void_p, P(c_void_p))
_fn("qclr_eigen_factor", c_int, H, c_double, c_int64, P(c_void_p))
_fn("qclr_lowrank_rank", c_int64, c_void_p)
_fn("qclr_lowrank_dim", c_int64, c_void_p)
_fn("qclr_lowrank_vectors", c_double_p, c_void_p)
_fn("qclr_lowrank_converged", c_int, c_void_p)
_fn("qclr_lowrank_max_residual", c_double, c_void_p)
_fn("qclr_lowrank_pivots", c_int64_p, c_void_p)
_fn("qclr_lowrank_free", None, c_void_p)
_fn("qclr_pair_unpack", c_int, c_int64, c_int64, c_double_p, c_double_p)
_fn("qclr_df_compute", c_int, H, c_void_p, c_void_p, P(c_void_p))
for _n in ("norb", "nfactors", "nterms"):
    _fn("qclr_df_" + _n, c_int64, c_void_p)
_fn("qclr_df_factor_size", c_int64, c_void_p, c_int64)
_fn("qclr_df_source", c_int64, c_void_p, c_int64)
_fn("qclr_df_eigenvalues", c_double_p, c_void_p, c_int64)
_fn("qclr_df_rotation", c_double_p, c_void_p, c_int64)
_fn("qclr_df_one_body", c_double_p, c_void_p)
_fn("qclr_df_free", None, c_void_p)
_fn("qclr_factor_one_body", c_int, H, c_double_p, c_double_p)
_fn("qclr_lowrank_metrics", c_int, H, c_void_p, P(FactorMetrics))
_fn("qclr_df_metrics", c_int, H, c_void_p, P(FactorMetrics))
_fn("qclr_factor_lambda", c_int, H, c_void_p, c_void_p, c_double_p, c_double_p)
# ---- FCI
_fn("qclr_fci_solve", c_int, H, c_void_p, P(c_void_p))
_fn("qclr_fci_energy", c_double, c_void_p, c_int)
_fn("qclr_fci_converged", c_int, c_void_p)
_fn("qclr_fci_civec", c_double_p, c_void_p, c_int)
_fn("qclr_fci_nstrings_alpha", c_int64, c_void_p)
_fn("qclr_fci_nstrings_beta", c_int64, c_void_p)
_fn("qclr_fci_iterations", c_int, c_void_p)
_fn("qclr_fci_residual", c_double, c_void_p, c_int)
_fn("qclr_fci_free", None, c_void_p)
_fn("qclr_fci_rdm12", c_int, H, c_double_p, c_double_p, c_double_p)
_fn("qclr_fci_spin_square", c_int, H, c_double_p, c_double_p)
# ---- TT
_fn("qclr_tt_svd", c_int, c_double_p, c_int, c_int64_p, c_void_p, P(c_void_p), P(TTInfo))
_fn("qclr_tt_svd_ci", c_int, c_int64, c_int, c_int, c_double_p, c_int, c_void_p, P(c_void_p), P(TTInfo))
_fn("qclr_tt_copy", c_int, c_void_p, P(c_void_p))
_fn("qclr_tt_free", None, c_void_p)
_fn("qclr_tt_ndim", c_int, c_void_p)
_fn("qclr_tt_dims", c_int64_p, c_void_p)
_fn("qclr_tt_ranks", c_int64_p, c_void_p)
_fn("qclr_tt_dense_size", c_int64, c_void_p)
_fn("qclr_tt_core_copy", c_int, c_void_p, c_int, c_double_p)
_fn("qclr_tt_scale", c_double, c_void_p)
_fn("qclr_tt_full", c_int, c_void_p, c_double_p)
_fn("qclr_tt_dot", c_int, c_void_p, c_void_p, c_double_p)
_fn("qclr_tt_norm", c_int, c_void_p, c_double_p)
_fn("qclr_tt_round", c_int, c_void_p, c_void_p, P(TTInfo))
_fn("qclr_tt_bond_entropies", c_int, c_void_p, c_double_p)
_fn("qclr_tt_orbital_entropies", c_int, c_int64, c_int, c_int, c_double_p, c_double_p, c_double_p)
# ---- groups
_fn("qclr_groups_from_df", c_int, H, c_void_p, c_void_p, P(c_void_p))
_fn("qclr_groups_free", None, c_void_p)
_fn("qclr_groups_count", c_int64, c_void_p)
_fn("qclr_groups_norb", c_int64, c_void_p)
_fn("qclr_groups_constant", c_double, c_void_p)
_fn("qclr_groups_rotation", c_double_p, c_void_p, c_int64)
_fn("qclr_groups_givens", c_void_p, c_void_p, c_int64)
_fn("qclr_groups_coefficients", c_double_p, c_void_p, c_int64)
_fn("qclr_groups_nmerged", c_int64, c_void_p, c_int64)
_fn("qclr_groups_moments", c_int, c_void_p, c_int, c_int, c_double_p, c_double_p, c_double_p)
_fn("qclr_groups_moments_det", c_int, c_void_p, c_int, c_int, c_void_p, c_void_p, c_double_p, c_double_p)
_fn("qclr_groups_shots", c_int, c_int64, c_double_p, c_double, c_int64_p, c_int64_p)
_fn("qclr_groups_split_shots", c_int, c_int64, c_double_p, c_int64, c_int64_p)
_fn("qclr_givens_nlayers", c_int64, c_void_p)
_fn("qclr_givens_count", c_int64, c_void_p)
_fn("qclr_qasm_string", c_int, c_void_p, c_int, c_char_p, P(c_void_p))
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [c_void_p]
_libc.free.restype = None
free = _libc.free

# ---- 3-index vectors (qclr/factor.h)
QCLR_VECTORS_PACKED, QCLR_VECTORS_SQUARE = 0, 1


class DFSummary(ctypes.Structure):
    _fields_ = [("nfactors", c_int64), ("nterms", c_int64), ("lambda_sf", c_double), ("lambda_df", c_double)]


_fn("qclr_lowrank_from_vectors", c_int, c_int64, c_int64, c_double_p, c_int, P(c_void_p))
_fn("qclr_lowrank_recompress", c_int, c_void_p, c_void_p, P(c_void_p), c_double_p)
_fn("qclr_df_compute_vectors", c_int, c_int64, c_double_p, c_void_p, c_void_p, P(c_void_p))
_fn("qclr_df_summary_compute", c_int, c_int64, c_double_p, c_int64, c_double_p, c_void_p, P(DFSummary))
_fn("qclr_groups_from_factors", c_int, c_int64, c_double, c_double_p, c_int64, c_int64_p, P(c_double_p),
    P(c_double_p), c_void_p, P(c_void_p))

# ---- hydrogen models from 3-index vectors (qclr/model.h, qclr/hydrogen.h); the
# model parameters stay opaque (filled by qclr_model_parse in a large buffer)
_fn("qclr_model_parse", c_int, c_char_p, c_void_p)
_fn("qclr_model_geometry", c_int, c_void_p, P(c_double_p), c_int64_p)
_fn("qclr_hydrogen_cholesky", c_int, c_int64, c_double_p, c_int, c_void_p, P(c_void_p))
_fn("qclr_hydrogen_factors_free", None, c_void_p)
_fn("qclr_hydrogen_factors_norb", c_int64, c_void_p)
_fn("qclr_hydrogen_factors_nelec", c_int, c_void_p)
_fn("qclr_hydrogen_factors_rank", c_int64, c_void_p)
_fn("qclr_hydrogen_factors_vectors", c_double_p, c_void_p)
_fn("qclr_hydrogen_factors_h", c_double_p, c_void_p)
_fn("qclr_hydrogen_factors_e_core", c_double, c_void_p)

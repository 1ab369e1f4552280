"""Array-level API over libqclr (see the package docstring for conventions)."""
import contextlib
import ctypes
import warnings

import numpy as np

from . import _lib
from ._lib import lib, c_double, c_double_p, c_int64, c_int64_p, c_void_p

# ---------------------------------------------------------------- errors


class Error(Exception):
    """A libqclr call failed; .code is the QCLR_E* status, the message is the library's."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class InvalidArgumentError(Error, ValueError):
    """QCLR_EINVAL: an argument the library refused."""


class OutOfMemoryError(Error, MemoryError):
    """QCLR_ENOMEM."""


class ParseError(Error, ValueError):
    """QCLR_EPARSE: malformed input file."""


class TooLargeError(Error):
    """QCLR_ETOOLARGE: the problem does not fit in memory (or in LAPACK's int)."""


class NotPSDError(Error):
    """QCLR_ENOTPSD: a matrix expected positive semidefinite is not."""


class FileError(Error, OSError):
    """QCLR_EIO: a file could not be opened, read or written."""


class UnsupportedError(Error):
    """QCLR_EUNSUPPORTED."""


class NumericError(Error, ArithmeticError):
    """QCLR_ENUMERIC: a numerical routine failed."""


class CallbackError(Error):
    """QCLR_ECALLBACK."""


class QclrWarning(UserWarning):
    """A usable result with a warning (rank cap hit, not converged)."""


_ERRORS = {-1: InvalidArgumentError, -2: OutOfMemoryError, -3: ParseError, -4: TooLargeError,
           -5: NotPSDError, -6: FileError, -7: UnsupportedError, -8: NumericError, -9: CallbackError}


def _check(rc, what):
    """Raise for rc < 0, warn for rc > 0 (message from qclr_last_error, same thread)."""
    if rc == 0:
        return 0
    msg = (lib.qclr_last_error() or b"").decode(errors="replace")
    name = lib.qclr_strerror(rc).decode(errors="replace")
    text = "%s: %s%s" % (what, name, (": " + msg) if msg else "")
    if rc < 0:
        raise _ERRORS.get(rc, Error)(rc, text)
    warnings.warn(text, QclrWarning, stacklevel=3)
    return rc


def _check_threads(threads):
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, (int, np.integer))
                                or threads < 0):
        raise ValueError("threads must be an integer >= 0 (0 = OpenMP's default), got %r" % (threads,))


@contextlib.contextmanager
def _threads(threads):
    """qclr_set_threads is per calling thread: set it here, restore it after."""
    if threads is None:
        yield
        return
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 0:
        raise ValueError("threads must be an integer >= 0 (0 = OpenMP's default), got %r" % (threads,))
    old = lib.qclr_get_threads()
    lib.qclr_set_threads(int(threads))
    try:
        yield
    finally:
        lib.qclr_set_threads(old)


# ---------------------------------------------------------------- argument checks


def _array(x, name, ndim=None, shape=None, allow_empty=False):
    """float64, C-contiguous, finite: the array itself when it already is one (zero copy)."""
    if isinstance(x, np.ndarray):
        a = x
        if a.dtype != np.float64:
            if a.dtype.kind not in "fiu" or a.dtype.kind == "f" and a.dtype.itemsize > 8:
                raise ValueError("%s: dtype %s is not a real number type (float64 expected)" % (name, a.dtype))
            a = a.astype(np.float64)
        elif not a.flags.c_contiguous:
            raise ValueError("%s: array is not C-contiguous (pass np.ascontiguousarray(%s))" % (name, name))
    else:
        try:
            a = np.asarray(x)
        except Exception as e:  # ragged lists and the like
            raise ValueError("%s: not an array of numbers (%s)" % (name, e)) from None
        if a.dtype.kind not in "fiu":
            raise ValueError("%s: not an array of real numbers (dtype %s)" % (name, a.dtype))
        a = np.ascontiguousarray(a, dtype=np.float64)
    if ndim is not None and a.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        raise ValueError("%s: expected %s dimensions, got shape %s" % (name, ndim, a.shape))
    if shape is not None and a.shape != tuple(shape):
        raise ValueError("%s: expected shape %s, got %s" % (name, tuple(shape), a.shape))
    if a.size == 0 and not allow_empty:
        raise ValueError("%s: empty array (shape %s)" % (name, a.shape))
    if not np.isfinite(a).all():
        bad = np.argwhere(~np.isfinite(a))[0]
        raise ValueError("%s: non-finite value %r at index %s" % (name, a[tuple(bad)], tuple(int(i) for i in bad)))
    return a


def _float(x, name, lo=None, lo_open=False):
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError("%s must be a real number, got %r" % (name, x)) from None
    if isinstance(x, (bool, np.bool_)) or not np.isfinite(v):
        raise ValueError("%s must be a finite real number, got %r" % (name, x))
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise ValueError("%s must be %s %g, got %g" % (name, ">" if lo_open else ">=", lo, v))
    return v


def _int(x, name, lo=None, hi=None):
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise ValueError("%s must be an integer, got %r" % (name, x))
    x = int(x)
    if lo is not None and x < lo:
        raise ValueError("%s must be >= %d, got %d" % (name, lo, x))
    if hi is not None and x > hi:
        raise ValueError("%s must be <= %d, got %d" % (name, hi, x))
    return x


def _ptr(a):
    return a.ctypes.data_as(c_double_p)


def _view(p, shape):
    """Copy of a C array of doubles (owned by a qclr object) into a new numpy array."""
    n = int(np.prod(shape)) if len(shape) else 1
    if n == 0:
        return np.zeros(shape)
    return np.ctypeslib.as_array(p, shape=(n,)).reshape(shape).copy()


def _nelec(nelec, norb):
    if nelec is None:
        return 0, 0
    if isinstance(nelec, (tuple, list)):
        if len(nelec) != 2:
            raise ValueError("nelec must be an integer or a pair (n_alpha, n_beta), got %r" % (nelec,))
        na, nb = (_int(v, "nelec", 0, 2**31 - 1) for v in nelec)
    else:
        n = _int(nelec, "nelec", 0, 2**31 - 1)
        na, nb = (n + 1) // 2, n // 2
    if na > norb or nb > norb:
        raise ValueError("nelec=(%d, %d) does not fit in %d orbitals" % (na, nb, norb))
    return na, nb


# ---------------------------------------------------------------- Hamiltonian


class Hamiltonian:
    """Molecular Hamiltonian in N real spatial orbitals (Hartree)

        H = e_core + sum_pq h1[p,q] E_pq + 1/2 sum_pqrs eri[p,q,r,s] (E_pq E_rs - d_qr E_ps)

    h1: (N, N) symmetric.  eri in chemists' notation (pq|rs), 8-fold symmetric,
    given either as the full array (N, N, N, N), as PySCF's 4-fold pair-packed
    matrix (npair, npair) with pair index pq = p(p+1)/2 + q (p >= q), or as the
    8-fold packed vector (npair(npair+1)/2,) of pyscf.ao2mo.restore(8, ...).
    nelec: total electrons (alpha gets the odd one) or (n_alpha, n_beta).
    cholesky=B instead of eri: 3-index vectors (density fitting or Cholesky)
    B[P, p, q] or pair-packed B[P, pq] with (pq|rs) = sum_P B[P,pq] B[P,rs];
    then cholesky, double_factorized, double_factorization, lambdas and
    groups work in O(N^2 rank) memory (the vectors are recompressed by a
    pivoted Cholesky to tol, with the exact error against the given ones);
    fci and .eri build the N^4 array when called.
    The arrays are copied into the library (you keep yours).
    """

    def __init__(self, h1, eri=None, e_core=0.0, nelec=None, *, cholesky=None):
        h1 = _array(h1, "h1", ndim=2)
        n = h1.shape[0]
        if h1.shape != (n, n):
            raise ValueError("h1: expected a square matrix, got shape %s" % (h1.shape,))
        e_core = _float(e_core, "e_core")
        na, nb = _nelec(nelec, n)
        npair = n * (n + 1) // 2
        if (eri is None) == (cholesky is None):
            raise ValueError("give exactly one of eri (N^4 integrals) and cholesky (3-index vectors)")
        self._vec = None
        if cholesky is not None:
            # 3-index mode: no N^4 array unless something needs the ERIs (fci, .eri, ...)
            self._vec = _vectors(cholesky, n)
            self._h1, self._e_core, self._nelec, self._hh = h1.copy(), e_core, (na, nb), None
            return
        else:
            eri = _array(eri, "eri", ndim=(1, 2, 4))
            if eri.shape == (n, n, n, n):
                packed = False
            elif eri.shape == (npair, npair):
                packed = True
            elif eri.shape == (npair * (npair + 1) // 2,):
                full = np.zeros((npair, npair))
                full[np.tril_indices(npair)] = eri
                eri = full + np.tril(full, -1).T
                packed = True
            else:
                raise ValueError("eri: shape %s fits neither (N,N,N,N), (npair,npair) nor "
                                 "(npair(npair+1)/2,) for N=%d" % (eri.shape, n))
            if packed and not np.allclose(eri, eri.T, rtol=0, atol=1e-10 * max(1.0, np.abs(eri).max())):
                raise ValueError("eri: the pair-packed matrix is not symmetric")
        out = c_void_p()
        fn = lib.qclr_hamiltonian_from_packed if packed else lib.qclr_hamiltonian_from_full
        _check(fn(n, na + nb, na - nb, e_core, _ptr(h1), _ptr(eri), ctypes.byref(out)), "Hamiltonian")
        self._hh = out

    @classmethod
    def _wrap(cls, handle):
        self = cls.__new__(cls)
        self._hh, self._vec = handle, None
        return self

    @property
    def is_vectors(self):
        """True when built from 3-index vectors (cholesky=): no N^4 array held."""
        return self._vec is not None

    @property
    def vectors(self):
        """(rank, npair) copy of the pair-packed 3-index vectors (None unless cholesky= was given)."""
        return None if self._vec is None else self._vec.copy()

    @property
    def _h(self):
        """The library's Hamiltonian; for 3-index vectors built on first use (O(N^4) memory)."""
        if self._hh is None and self._vec is not None:
            n = self._h1.shape[0]
            V = np.ascontiguousarray(self._vec.T @ self._vec)
            na, nb = self._nelec
            out = c_void_p()
            _check(lib.qclr_hamiltonian_from_packed(n, na + nb, na - nb, self._e_core, _ptr(self._h1), _ptr(V),
                                                    ctypes.byref(out)), "Hamiltonian from vectors")
            self._hh = out
        return self._hh

    @classmethod
    def from_fcidump(cls, path):
        """Read an FCIDUMP (plain or .gz); N, electrons, MS2 and E_core come from the file."""
        out = c_void_p()
        _check(lib.qclr_fcidump_read(_path(path), None, ctypes.byref(out), None), "from_fcidump")
        return cls._wrap(out)

    def write_fcidump(self, path):
        """Write an FCIDUMP (8-fold unique integrals, exact zeros omitted), atomically."""
        _check(lib.qclr_fcidump_write(_path(path), self._h, None), "write_fcidump")

    def __del__(self):
        h = getattr(self, "_hh", None)
        if h:
            lib.qclr_hamiltonian_free(h)
            self._hh = None

    @property
    def norb(self):
        if self._vec is not None:
            return self._h1.shape[0]
        return int(lib.qclr_hamiltonian_norb(self._h))

    @property
    def nelec(self):
        """(n_alpha, n_beta)"""
        if self._vec is not None:
            return self._nelec
        return int(lib.qclr_hamiltonian_nalpha(self._h)), int(lib.qclr_hamiltonian_nbeta(self._h))

    @property
    def e_core(self):
        if self._vec is not None:
            return self._e_core
        return float(lib.qclr_hamiltonian_e_core(self._h))

    @property
    def h1(self):
        """(N, N) copy of the one-electron integrals."""
        if self._vec is not None:
            return self._h1.copy()
        n = self.norb
        return _view(lib.qclr_hamiltonian_h(self._h), (n, n))

    @property
    def eri_packed(self):
        """(npair, npair) copy of the pair-packed ERIs (PySCF's 4-fold layout)."""
        m = int(lib.qclr_hamiltonian_npair(self._h))
        return _view(lib.qclr_hamiltonian_vpair(self._h), (m, m))

    @property
    def eri(self):
        """(N, N, N, N) copy of the ERIs, chemists' notation."""
        n = self.norb
        out = np.empty((n, n, n, n))
        _check(lib.qclr_hamiltonian_eri_full(self._h, _ptr(out)), "eri")
        return out

    def e_ref(self):
        """Energy of the reference determinant (lowest orbitals occupied), with e_core."""
        e = c_double()
        _check(lib.qclr_hamiltonian_e_ref(self._h, ctypes.byref(e)), "e_ref")
        return e.value

    def __repr__(self):
        return "qclr.Hamiltonian(norb=%d, nelec=%s, e_core=%.12g)" % (self.norb, self.nelec, self.e_core)


def _path(path):
    import os
    p = os.fsencode(path)
    if b"\0" in p:
        raise ValueError("path contains a NUL byte")
    return p


def _vectors(B, n):
    """3-index tensor B[P, p, q] or B[P, pq] (pair-packed) -> pair vectors (rank, npair)."""
    B = _array(B, "cholesky", ndim=(2, 3), allow_empty=True)
    npair = n * (n + 1) // 2
    if B.ndim == 3:
        if B.shape[1:] != (n, n):
            raise ValueError("cholesky: expected shape (rank, %d, %d), got %s" % (n, n, B.shape))
        if B.shape[0] and not np.allclose(B, B.transpose(0, 2, 1), rtol=0,
                                          atol=1e-12 * max(1.0, np.abs(B).max())):
            raise ValueError("cholesky: the vectors B[P] are not symmetric matrices")
        i, j = np.tril_indices(n)
        return np.ascontiguousarray(B[:, i, j])
    if B.shape[1] != npair:
        raise ValueError("cholesky: expected shape (rank, %d) (pair-packed) or (rank, %d, %d), got %s"
                         % (npair, n, n, B.shape))
    return B


def _as_hamiltonian(x, name="eri_or_H"):
    if isinstance(x, Hamiltonian):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        a = _array(x, name, ndim=(2, 4))
        n = a.shape[0] if a.ndim == 4 else int(round((np.sqrt(8 * a.shape[0] + 1) - 1) / 2))
        return Hamiltonian(np.zeros((n, n)), a)
    raise ValueError("%s: expected a qclr.Hamiltonian or an ERI array, got %s" % (name, type(x).__name__))


# ---------------------------------------------------------------- factorizations

_PIVOTS = {"greedy": 0, "random": 1, "block": 2}
_RULES = {"default": 0, "openfermion": 1}


class _LowRank:
    def __init__(self, handle):
        self._p = handle

    def __del__(self):
        if getattr(self, "_p", None):
            lib.qclr_lowrank_free(self._p)
            self._p = None


def _lowrank_prepare(tol, max_rank, pivot, method, seed):
    """Validated stage-1 settings (no C call beyond filling the defaults)."""
    tol = _float(tol, "tol", 0.0)
    max_rank = 0 if max_rank is None else _int(max_rank, "max_rank", 0)
    if method == "cholesky":
        if pivot not in _PIVOTS:
            raise ValueError("pivot must be one of %s, got %r" % (sorted(_PIVOTS), pivot))
        o = _lib.options(_lib.CholeskyOptions, "qclr_cholesky_options_default")
        o.tol, o.max_rank, o.pivot, o.seed = tol, max_rank, _PIVOTS[pivot], _int(seed, "seed", 0, 2**64 - 1)
        return method, o
    if method == "eigen":
        return method, (tol, max_rank)
    raise ValueError("method must be 'cholesky' or 'eigen', got %r" % (method,))


def _lowrank(H, prep):
    method, o = prep
    out = c_void_p()
    if method == "cholesky":
        rc = lib.qclr_cholesky_compute(H._h, ctypes.byref(o), ctypes.byref(out))
    else:
        rc = lib.qclr_eigen_factor(H._h, o[0], o[1], ctypes.byref(out))
    lr = _LowRank(out)  # owns the handle even when _check raises below
    _check(rc, method)
    return lr


def _lowrank_any(H, prep):
    """Stage 1: from H's ERIs, or (3-index mode) the given vectors recompressed to tol."""
    if H._vec is None:
        return _lowrank(H, prep)
    method, o = prep
    if method != "cholesky":
        raise ValueError("method='eigen' needs the N^4 ERIs; a Hamiltonian from 3-index vectors uses 'cholesky'")
    n = H.norb
    vec = H._vec
    src = c_void_p()
    rc = lib.qclr_lowrank_from_vectors(n, vec.shape[0], _ptr(vec), _lib.QCLR_VECTORS_PACKED, ctypes.byref(src))
    given = _LowRank(src)
    _check(rc, "vectors")
    out, err = c_void_p(), c_double()
    rc = lib.qclr_lowrank_recompress(given._p, ctypes.byref(o), ctypes.byref(out), ctypes.byref(err))
    lr = _LowRank(out)
    _check(rc, "recompression")
    lr.vector_error = err.value
    lr.vectors_given = vec.shape[0]
    return lr


def _exchange_coulomb(Lv):
    """K = sum_l L^l L^l and J = sum_l tr(L^l) L^l of (rank, N, N) vectors."""
    if Lv.shape[0] == 0:
        n = Lv.shape[1]
        return np.zeros((n, n)), np.zeros((n, n))
    K = np.tensordot(Lv, Lv, axes=([0, 2], [0, 1]))
    return 0.5 * (K + K.T), np.einsum("l,lpq->pq", np.einsum("lpp->l", Lv), Lv)


def _h_shift(H, lr):
    """The ERIs are the *given* vectors, the factors the recompressed ones: T and T'
    must come from the given ones.  The C routines build T (T') from the vectors they
    factorize, so they get h + [X(given) - X(kept)], X = -1/2 K (+ J for T')."""
    if getattr(lr, "_shift", None) is None:
        n = H.norb
        Kg, Jg = _exchange_coulomb(_unpack_vectors(H._vec, n))
        Kk, Jk = _exchange_coulomb(_unpack(lr, n))
        lr._shift = (np.ascontiguousarray(H._h1 - 0.5 * (Kg - Kk)),
                     np.ascontiguousarray(H._h1 - 0.5 * (Kg - Kk) + (Jg - Jk)))
    return lr._shift


def _unpack_vectors(vec, n):
    out = np.empty((vec.shape[0], n, n))
    if vec.shape[0]:
        _check(lib.qclr_pair_unpack(n, vec.shape[0], _ptr(vec), _ptr(out)), "unpack")
    return out


def _df_any(H, lr, dfo):
    if H._vec is None:
        return _df(H, lr, dfo)
    out = c_void_p()
    hT, _ = _h_shift(H, lr)
    rc = lib.qclr_df_compute_vectors(H.norb, _ptr(hT), lr._p, ctypes.byref(dfo), ctypes.byref(out))
    d = _DFHandle(out)
    _check(rc, "double factorization (vectors)")
    return d


def _unpack(lr, n):
    R = int(lib.qclr_lowrank_rank(lr._p))
    L = np.empty((R, n, n))
    if R:
        _check(lib.qclr_pair_unpack(n, R, lib.qclr_lowrank_vectors(lr._p), _ptr(L)), "unpack")
    return L


def cholesky(eri_or_H, tol=1e-6, pivot="greedy", *, max_rank=None, seed=1, threads=None):
    """Pivoted Cholesky of the ERIs: eri[p,q,r,s] ~= sum_l L[l,p,q] L[l,r,s].

    Stops when the largest residual diagonal is <= tol, so every ERI element is
    reproduced within tol.  pivot: "greedy" (largest residual diagonal),
    "random" (Chen et al. 2022, seeded) or "block" (BLAS-3).  Returns
    (L[rank, N, N], info) with info = {"rank", "converged", "max_residual",
    "pivots" (pair indices pq = p(p+1)/2+q)}.  A rank cap hit before tol warns
    (qclr.QclrWarning).
    """
    prep = _lowrank_prepare(tol, max_rank, pivot, "cholesky", seed)
    _check_threads(threads)
    H = _as_hamiltonian(eri_or_H)
    with _threads(threads):
        lr = _lowrank_any(H, prep)
    n = H.norb
    L = _unpack(lr, n)
    R = L.shape[0]
    piv = lib.qclr_lowrank_pivots(lr._p)
    info = {"rank": R, "converged": bool(lib.qclr_lowrank_converged(lr._p)),
            "max_residual": float(lib.qclr_lowrank_max_residual(lr._p)),
            "pivots": np.ctypeslib.as_array(piv, shape=(R,)).copy() if R and piv else np.zeros(0, np.int64)}
    if H._vec is not None:
        info["vector_error"] = lr.vector_error  # exact max |V_given - V| over all elements
    return L, info


class DoubleFactorization:
    """qclr's double factorization of a Hamiltonian (conventions: docs/conventions.md §2).

    eri ~= sum_l L^l_pq L^l_rs,  L^l = U^l diag(f^l) U^lT.
    Attributes: rank (stage-1 vectors), nfactors (L), nterms (L xi),
    eigenvalues (list of L arrays: the kept f^l, |f| descending), sizes,
    rotations (L, N, N; column k = eigenvector of f^l_k), source (stage-1
    index of each factor), T = h - 1/2 sum_r (pr|rq), Tprime = T + sum_r (pq|rr),
    lambda_sf, lambda_df (Lee et al. 2021), and when errors=True the exact
    max_abs_error, frobenius_error and e_ref_error of the truncated DF (None
    for a Hamiltonian from 3-index vectors: there vector_error is the exact
    max |V_given - V| of the recompression, over all ERI elements).
    """

    def __repr__(self):
        return "qclr.DoubleFactorization(norb=%d, rank=%d, nfactors=%d, nterms=%d, lambda_df=%.10g)" % (
            self.norb, self.rank, self.nfactors, self.nterms, self.lambda_df)

    def coulomb_mats(self):
        """ffsim's diag_coulomb_mats: (L, N, N), Z^l = f^l f^lT (kept f only)."""
        n, L = self.norb, self.nfactors
        f = np.zeros((L, n))
        for l, e in enumerate(self.eigenvalues):
            f[l, :len(e)] = e
        return f[:, :, None] * f[:, None, :]


def _df_prepare(df_tol, rule):
    o = _lib.options(_lib.DFOptions, "qclr_df_options_default")
    o.tol = _float(df_tol, "df_tol", 0.0)
    if rule not in _RULES:
        raise ValueError("rule must be one of %s, got %r" % (sorted(_RULES), rule))
    o.rule = _RULES[rule]
    return o


def _df(H, lr, o):
    out = c_void_p()
    rc = lib.qclr_df_compute(H._h, lr._p, ctypes.byref(o), ctypes.byref(out))
    d = _DFHandle(out)
    _check(rc, "double factorization")
    return d


class _DFHandle:
    def __init__(self, p):
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            lib.qclr_df_free(self._p)
            self._p = None


def double_factorization(eri_or_H, tol=1e-6, *, df_tol=0.0, rule="default", method="cholesky",
                         pivot="greedy", max_vecs=None, seed=1, errors=True, threads=None):
    """qclr's double factorization with its own figures (a DoubleFactorization).

    Stage 1: pivoted Cholesky (method="cholesky", stop at residual diagonal
    <= tol) or eigendecomposition (method="eigen", drop eigenvalues <= tol) of
    the pair-space ERIs, at most max_vecs vectors.  Stage 2: eigendecompose
    every L^l and keep f_k with |f_k| sum_j |f_j| > df_tol (rule "default"
    drops a factor left empty, "openfermion" stops there).
    """
    prep = _lowrank_prepare(tol, max_vecs, pivot, method, seed)
    dfo = _df_prepare(df_tol, rule)
    _check_threads(threads)
    H = _as_hamiltonian(eri_or_H)
    n = H.norb
    with _threads(threads):
        lr = _lowrank_any(H, prep)
        d = _df_any(H, lr, dfo)
        lsf, ldf = c_double(), c_double()
        m = None
        if H._vec is None:
            _check(lib.qclr_factor_lambda(H._h, lr._p, d._p, ctypes.byref(lsf), ctypes.byref(ldf)), "lambda")
            if errors:
                m = _lib.FactorMetrics()
                _check(lib.qclr_df_metrics(H._h, d._p, ctypes.byref(m)), "DF metrics")
        else:
            sm = _lib.DFSummary()
            R = int(lib.qclr_lowrank_rank(lr._p))
            _, hTp = _h_shift(H, lr)
            _check(lib.qclr_df_summary_compute(n, _ptr(hTp), R, lib.qclr_lowrank_vectors(lr._p) if R else None,
                                               ctypes.byref(dfo), ctypes.byref(sm)), "lambda (vectors)")
            lsf.value, ldf.value = sm.lambda_sf, sm.lambda_df
    r = DoubleFactorization()
    r.norb = n
    r.rank = int(lib.qclr_lowrank_rank(lr._p))
    r.nfactors = L = int(lib.qclr_df_nfactors(d._p))
    r.nterms = int(lib.qclr_df_nterms(d._p))
    r.sizes = np.array([lib.qclr_df_factor_size(d._p, l) for l in range(L)], dtype=np.int64)
    r.source = np.array([lib.qclr_df_source(d._p, l) for l in range(L)], dtype=np.int64)
    r.eigenvalues = [_view(lib.qclr_df_eigenvalues(d._p, l), (n,))[:r.sizes[l]] for l in range(L)]
    r.rotations = np.empty((L, n, n))
    for l in range(L):
        ctypes.memmove(r.rotations[l].ctypes.data, lib.qclr_df_rotation(d._p, l), 8 * n * n)
    r.T = np.empty((n, n))
    r.Tprime = np.empty((n, n))
    if H._vec is None:
        _check(lib.qclr_factor_one_body(H._h, _ptr(r.T), _ptr(r.Tprime)), "one-body")
        r.vector_error = None
    else:  # T from the DF; T' = T + sum_l tr(L^l) L^l of the (recompressed) vectors
        r.T = _view(lib.qclr_df_one_body(d._p), (n, n))
        r.Tprime = r.T + _exchange_coulomb(_unpack_vectors(H._vec, n))[1]
        r.vector_error = lr.vector_error
    r.max_abs_error = r.frobenius_error = r.e_ref_error = None
    r.lambda_sf, r.lambda_df = lsf.value, ldf.value
    r.converged = bool(lib.qclr_lowrank_converged(lr._p))
    if m is not None:
        r.max_abs_error, r.frobenius_error, r.e_ref_error = m.max_abs_error, m.frobenius_error, m.e_ref_error
    return r


def double_factorized(eri_or_H, *, tol=1e-8, max_vecs=None, return_df=False, threads=None):
    """Drop-in for ffsim.linalg.double_factorized (no optimization).

    Returns (diag_coulomb_mats, orbital_rotations), shapes (L, N, N) and
    (L, N, N), with
        eri[p,q,r,s] ~= sum_t sum_ij U[t,p,i] U[t,q,i] Z[t,i,j] U[t,r,j] U[t,s,j]
    (Z = diag_coulomb_mats, U = orbital_rotations, chemists' (pq|rs)); every
    element within tol (greedy pivoted Cholesky stopped at residual diagonal
    <= tol, all eigenpairs kept).  return_df=True also returns the
    DoubleFactorization (lambda, T, exact errors).
    """
    if return_df:
        df = double_factorization(eri_or_H, tol, max_vecs=max_vecs, errors=True, threads=threads)
        return df.coulomb_mats(), df.rotations, df
    # the two C calls and the copies only (no lambda / one-body / error passes)
    prep = _lowrank_prepare(tol, max_vecs, "greedy", "cholesky", 1)
    dfo = _df_prepare(0.0, "default")
    _check_threads(threads)
    H = _as_hamiltonian(eri_or_H)
    n = H.norb
    with _threads(threads):
        lr = _lowrank_any(H, prep)
        d = _df_any(H, lr, dfo)
    L = int(lib.qclr_df_nfactors(d._p))
    U = np.empty((L, n, n))
    f = np.zeros((L, n))
    for l in range(L):
        ctypes.memmove(U[l].ctypes.data, lib.qclr_df_rotation(d._p, l), 8 * n * n)
        k = int(lib.qclr_df_factor_size(d._p, l))
        if k:
            ctypes.memmove(f[l].ctypes.data, lib.qclr_df_eigenvalues(d._p, l), 8 * k)
    return f[:, :, None] * f[:, None, :], U


def lambdas(eri_or_H, tol=1e-6, *, df_tol=0.0, rule="default", method="cholesky", pivot="greedy", threads=None):
    """1-norms of the factorized Hamiltonian (Lee et al., PRX Quantum 2, 030305):
    {"lambda_sf", "lambda_df", "rank", "nfactors", "nterms"}."""
    df = double_factorization(eri_or_H, tol, df_tol=df_tol, rule=rule, method=method, pivot=pivot,
                              errors=False, threads=threads)
    return {"lambda_sf": df.lambda_sf, "lambda_df": df.lambda_df, "rank": df.rank, "nfactors": df.nfactors,
            "nterms": df.nterms}


# ---------------------------------------------------------------- FCI


class FCIResult:
    """energies (nroots,), civecs (nroots, n_alpha_strings, n_beta_strings),
    converged, iterations, residuals; rdm1 (nroots, N, N) and rdm2
    (nroots, N, N, N, N) when asked for.  nelec, norb as the Hamiltonian's."""

    def __repr__(self):
        return "qclr.FCIResult(energies=%s, converged=%s)" % (np.array2string(self.energies, precision=10),
                                                              self.converged)


def fci(H, nroots=1, *, rdms=False, tol=1e-10, max_iter=200, threads=None):
    """Lowest nroots eigenpairs of H in its (n_alpha, n_beta) space (Davidson).

    CI vectors are in PySCF's order and sign: c[ia, ib], alpha and beta
    strings ascending as integers (orbital p is bit p), determinant
    (prod_alpha a+)(prod_beta a+)|vac> with ascending orbitals, so they are
    interchangeable with pyscf.fci.  RDMs are spin-summed as PySCF's
    make_rdm12: rdm1[p,q] = <E_pq>, rdm2[p,q,r,s] = <E_pq E_rs - d_qr E_ps>.
    Energies in Hartree, with e_core.  Not converged after max_iter: QclrWarning.
    """
    if not isinstance(H, Hamiltonian):
        raise ValueError("fci: expected a qclr.Hamiltonian, got %s" % type(H).__name__)
    o = _lib.options(_lib.FCIOptions, "qclr_fci_options_default")
    o.nroots = _int(nroots, "nroots", 1, 10000)
    o.tol = _float(tol, "tol", 0.0, lo_open=True)
    o.max_iter = _int(max_iter, "max_iter", 1, 2**31 - 1)
    _check_threads(threads)
    out = c_void_p()
    n = H.norb
    with _threads(threads):
        rc = lib.qclr_fci_solve(H._h, ctypes.byref(o), ctypes.byref(out))
        try:
            _check(rc, "fci")
            na, nb = int(lib.qclr_fci_nstrings_alpha(out)), int(lib.qclr_fci_nstrings_beta(out))
            r = FCIResult()
            r.norb, r.nelec = n, H.nelec
            r.energies = np.array([lib.qclr_fci_energy(out, k) for k in range(o.nroots)])
            r.residuals = np.array([lib.qclr_fci_residual(out, k) for k in range(o.nroots)])
            r.converged = bool(lib.qclr_fci_converged(out))
            r.iterations = int(lib.qclr_fci_iterations(out))
            r.civecs = np.empty((o.nroots, na, nb))
            for k in range(o.nroots):
                ctypes.memmove(r.civecs[k].ctypes.data, lib.qclr_fci_civec(out, k), 8 * na * nb)
        finally:
            lib.qclr_fci_free(out)
        if rdms:
            r.rdm1 = np.empty((o.nroots, n, n))
            r.rdm2 = np.empty((o.nroots, n, n, n, n))
            for k in range(o.nroots):
                _check(lib.qclr_fci_rdm12(H._h, _ptr(r.civecs[k]), _ptr(r.rdm1[k]), _ptr(r.rdm2[k])), "rdm12")
    return r


# ---------------------------------------------------------------- tensor trains

_SITES = {"spatial": 0, "spin": 1}


class TT:
    """Tensor train x = scale * G_1 G_2 ... G_d; cores G_k of shape
    (r_{k-1}, n_k, r_k), C order, site 1 slowest, r_0 = r_d = 1
    (docs/conventions.md §2).  ranks: the d+1 bond dimensions; error,
    rel_error, norm: of the TT-SVD (or last rounding), exact."""

    def __init__(self, handle, info=None):
        self._p = handle
        if info is not None:
            self.norm_input, self.error, self.rel_error = info.norm, info.error, info.rel_error
            self.rank_capped = bool(info.rank_capped)

    def __del__(self):
        if getattr(self, "_p", None):
            lib.qclr_tt_free(self._p)
            self._p = None

    @property
    def ndim(self):
        return int(lib.qclr_tt_ndim(self._p))

    @property
    def dims(self):
        return tuple(int(v) for v in np.ctypeslib.as_array(lib.qclr_tt_dims(self._p), shape=(self.ndim,)))

    @property
    def ranks(self):
        return tuple(int(v) for v in np.ctypeslib.as_array(lib.qclr_tt_ranks(self._p), shape=(self.ndim + 1,)))

    @property
    def max_rank(self):
        return max(self.ranks)

    @property
    def scale(self):
        return float(lib.qclr_tt_scale(self._p))

    @property
    def cores(self):
        """List of core copies (scale not folded in)."""
        r, d = self.ranks, self.dims
        out = []
        for k in range(self.ndim):
            c = np.empty((r[k], d[k], r[k + 1]))
            _check(lib.qclr_tt_core_copy(self._p, k, _ptr(c)), "core")
            out.append(c)
        return out

    def full(self):
        """The dense tensor, shape dims."""
        out = np.empty(self.dims)
        _check(lib.qclr_tt_full(self._p, _ptr(out)), "full")
        return out

    def dot(self, other):
        """Inner product <self|other> (same dims)."""
        if not isinstance(other, TT):
            raise ValueError("dot: expected a qclr.TT")
        if other.dims != self.dims:
            raise ValueError("dot: dims %s and %s differ" % (self.dims, other.dims))
        v = c_double()
        _check(lib.qclr_tt_dot(self._p, other._p, ctypes.byref(v)), "dot")
        return v.value

    def norm(self):
        v = c_double()
        _check(lib.qclr_tt_norm(self._p, ctypes.byref(v)), "norm")
        return v.value

    def entropies(self):
        """Von Neumann entropy (nats) of each of the d-1 bonds."""
        S = np.empty(max(self.ndim - 1, 0))
        if S.size:
            _check(lib.qclr_tt_bond_entropies(self._p, _ptr(S)), "entropies")
        return S

    def round(self, eps=1e-10, max_rank=None):
        """A recompressed copy (QR + truncated SVD sweeps, ||x - x'|| <= eps ||x||)."""
        o = _tt_options(eps, max_rank)
        out = c_void_p()
        _check(lib.qclr_tt_copy(self._p, ctypes.byref(out)), "round")
        t = TT(out)
        info = _lib.TTInfo()
        _check(lib.qclr_tt_round(t._p, ctypes.byref(o), ctypes.byref(info)), "round")
        t.norm_input, t.error, t.rel_error, t.rank_capped = info.norm, info.error, info.rel_error, bool(info.rank_capped)
        return t

    def __repr__(self):
        return "qclr.TT(dims=%s, ranks=%s)" % (self.dims, self.ranks)


def _tt_options(eps, max_rank):
    o = _lib.options(_lib.TTOptions, "qclr_tt_options_default")
    o.eps = _float(eps, "eps", 0.0)
    o.max_rank = 0 if max_rank is None else _int(max_rank, "max_rank", 1)
    return o


def tt_svd(array_or_civec, eps=1e-10, max_rank=None, *, norb=None, nelec=None, site="spatial", threads=None):
    """TT-SVD (Oseledets 2011): ||x - x_TT|| <= eps ||x||, exact error reported.

    array_or_civec: a dense tensor (any shape, C order; its dims are the TT's),
    an FCIResult (ground state), or a CI vector (n_alpha_strings,
    n_beta_strings) with norb and nelec=(n_alpha, n_beta).  A CI vector
    becomes a TT over norb sites with the local basis {0, a, b, ab}
    (site="spatial") or over 2 norb sites (site="spin"), fermionic sign as in
    docs/conventions.md §2.
    """
    o = _tt_options(eps, max_rank)
    out = c_void_p()
    info = _lib.TTInfo()
    if isinstance(array_or_civec, FCIResult):
        f = array_or_civec
        array_or_civec, norb, nelec = f.civecs[0], f.norb, f.nelec
    with _threads(threads):
        if norb is not None or nelec is not None:
            if norb is None or nelec is None:
                raise ValueError("tt_svd: a CI vector needs both norb and nelec")
            norb = _int(norb, "norb", 1, 64)
            na, nb = _nelec(nelec, norb)
            if site not in _SITES:
                raise ValueError("site must be 'spatial' or 'spin', got %r" % (site,))
            from math import comb
            c = _array(array_or_civec, "civec", ndim=(1, 2))
            if c.size != comb(norb, na) * comb(norb, nb):
                raise ValueError("civec: %d entries, the (%d, %d)-electron space of %d orbitals has %d"
                                 % (c.size, na, nb, norb, comb(norb, na) * comb(norb, nb)))
            rc = lib.qclr_tt_svd_ci(norb, na, nb, _ptr(c), _SITES[site], ctypes.byref(o), ctypes.byref(out),
                                    ctypes.byref(info))
        else:
            x = _array(array_or_civec, "array", ndim=tuple(range(1, 64)))
            dims = np.array(x.shape, dtype=np.int64)
            rc = lib.qclr_tt_svd(_ptr(x), x.ndim, dims.ctypes.data_as(c_int64_p), ctypes.byref(o),
                                 ctypes.byref(out), ctypes.byref(info))
    t = TT(out, info)
    _check(rc, "tt_svd")
    return t


def orbital_entropies(civec, norb, nelec):
    """Single-orbital entropies s1 (norb,) and mutual information I (norb, norb), nats."""
    norb = _int(norb, "norb", 1, 64)
    na, nb = _nelec(nelec, norb)
    from math import comb
    c = _array(civec, "civec", ndim=(1, 2))
    if c.size != comb(norb, na) * comb(norb, nb):
        raise ValueError("civec: wrong size %d for norb=%d nelec=(%d, %d)" % (c.size, norb, na, nb))
    s1, mi = np.empty(norb), np.empty((norb, norb))
    _check(lib.qclr_tt_orbital_entropies(norb, na, nb, _ptr(c), _ptr(s1), _ptr(mi)), "orbital_entropies")
    return s1, mi


# ---------------------------------------------------------------- measurement groups


class Groups:
    """Basis-rotation measurement groups (Huggins et al. 2021; include/qclr/groups.h).

    count (1 + two-body groups), constant (E_core), rotations (count, N, N),
    coefficients (list: t for group 0, W for the others), merged (factors per
    group), layers and gates of each group's Givens circuit, qasm (list of
    OpenQASM strings), mean, var (per-shot variance) of every group in the
    state, shots (the budget for target error epsilon, or a split of a fixed
    total), total_shots.
    """

    def __repr__(self):
        return "qclr.Groups(count=%d, total_shots=%d)" % (self.count, self.total_shots)


def groups(H, tol=1e-6, *, df_tol=0.0, method="cholesky", merge=True, state="hf", epsilon=1.6e-3,
           shots=None, qasm_version=3, threads=None):
    """Measurement groups of H from its double factorization, their circuits and shots.

    state: "hf" (the reference determinant, lowest orbitals occupied) or a
    normalized CI vector (n_alpha_strings, n_beta_strings) in PySCF order, or an
    FCIResult (its ground state).  shots=None gives the optimal budget for a
    standard error epsilon (Hartree): m_g = ceil(M sigma_g / sum sigma),
    M = (sum sigma)^2 / epsilon^2; shots=N splits N shots in proportion to sigma_g.
    """
    if not isinstance(H, Hamiltonian):
        raise ValueError("groups: expected a qclr.Hamiltonian, got %s" % type(H).__name__)
    if qasm_version not in (2, 3):
        raise ValueError("qasm_version must be 2 or 3")
    epsilon = _float(epsilon, "epsilon", 0.0, lo_open=True)
    if shots is not None:
        shots = _int(shots, "shots", 0)
    na, nb = H.nelec
    n = H.norb
    civec = None
    if isinstance(state, FCIResult):
        state = state.civecs[0]
    if isinstance(state, str):
        if state != "hf":
            raise ValueError("state must be 'hf', a CI vector or an FCIResult, got %r" % (state,))
    else:
        from math import comb
        civec = _array(state, "state", ndim=(1, 2))
        if civec.size != comb(n, na) * comb(n, nb):
            raise ValueError("state: %d entries, the CI space has %d" % (civec.size, comb(n, na) * comb(n, nb)))
    go = _lib.options(_lib.GroupsOptions, "qclr_groups_options_default")
    go.merge = 1 if merge else 0
    prep = _lowrank_prepare(tol, None, "greedy", method, 1)
    dfo = _df_prepare(df_tol, "default")
    _check_threads(threads)
    with _threads(threads):
        lr = _lowrank_any(H, prep)
        d = _df_any(H, lr, dfo)
        out = c_void_p()
        if H._vec is None:
            rc = lib.qclr_groups_from_df(H._h, d._p, ctypes.byref(go), ctypes.byref(out))
        else:
            L = int(lib.qclr_df_nfactors(d._p))
            sizes = (c_int64 * max(L, 1))(*[lib.qclr_df_factor_size(d._p, l) for l in range(L)])
            rots = (c_double_p * max(L, 1))(*[lib.qclr_df_rotation(d._p, l) for l in range(L)])
            eigs = (c_double_p * max(L, 1))(*[lib.qclr_df_eigenvalues(d._p, l) for l in range(L)])
            rc = lib.qclr_groups_from_factors(n, H.e_core, lib.qclr_df_one_body(d._p), L, sizes, rots, eigs,
                                              ctypes.byref(go), ctypes.byref(out))
        try:
            _check(rc, "groups")
            G = Groups()
            G.count = cnt = int(lib.qclr_groups_count(out))
            G.constant = float(lib.qclr_groups_constant(out))
            G.rotations = np.stack([_view(lib.qclr_groups_rotation(out, g), (n, n)) for g in range(cnt)])
            G.coefficients = [_view(lib.qclr_groups_coefficients(out, g), (n,) if g == 0 else (n, n))
                              for g in range(cnt)]
            G.merged = np.array([lib.qclr_groups_nmerged(out, g) for g in range(cnt)], dtype=np.int64)
            G.layers, G.gates, G.qasm = [], [], []
            for g in range(cnt):
                gv = lib.qclr_groups_givens(out, g)
                G.layers.append(int(lib.qclr_givens_nlayers(gv)))
                G.gates.append(int(lib.qclr_givens_count(gv)))
                s = c_void_p()
                _check(lib.qclr_qasm_string(gv, qasm_version, ("qclr group %d" % g).encode(), ctypes.byref(s)),
                       "qasm")
                try:
                    G.qasm.append(ctypes.string_at(s).decode())
                finally:
                    _lib.free(s)
            G.mean, G.var = np.empty(cnt), np.empty(cnt)
            if civec is None:
                rc = lib.qclr_groups_moments_det(out, na, nb, None, None, _ptr(G.mean), _ptr(G.var))
            else:
                rc = lib.qclr_groups_moments(out, na, nb, _ptr(civec), _ptr(G.mean), _ptr(G.var))
            _check(rc, "group moments")
        finally:
            lib.qclr_groups_free(out)
    G.shots = np.empty(cnt, dtype=np.int64)
    tot = c_int64()
    if shots is None:
        _check(lib.qclr_groups_shots(cnt, _ptr(G.var), epsilon, G.shots.ctypes.data_as(c_int64_p),
                                     ctypes.byref(tot)), "shots")
        G.total_shots = int(tot.value)
    else:
        _check(lib.qclr_groups_split_shots(cnt, _ptr(G.var), shots, G.shots.ctypes.data_as(c_int64_p)), "shots")
        G.total_shots = shots
    G.epsilon = epsilon
    G.energy = G.constant + float(G.mean.sum())
    return G

"""Model Hamiltonians built by libqclr (same builders as `qclr-model`)."""
from . import _core


def _build(spec):
    import ctypes
    out = ctypes.c_void_p()
    _core._check(_core.lib.qclr_model_build(spec.encode(), ctypes.byref(out)), "model " + spec)
    return _core.Hamiltonian._wrap(out)


def _num(x, name):
    return repr(_core._float(x, name))


def hydrogen_chain(atoms=10, spacing=1.0, *, bohr=False, nelec=None, cholesky=0.0):
    """Linear H_n chain, STO-3G, RHF molecular orbitals; spacing in Angstrom (bohr=True: bohr).
    cholesky > 0: integral-direct AO Cholesky to that tolerance."""
    s = "chain:atoms=%d,spacing=%s,bohr=%d" % (_core._int(atoms, "atoms", 1), _num(spacing, "spacing"), bool(bohr))
    if nelec is not None:
        s += ",nelec=%d" % _core._int(nelec, "nelec", 0)
    if cholesky:
        s += ",cholesky=%s" % _num(cholesky, "cholesky")
    return _build(s)


def hubbard(nx, ny=1, *, t=1.0, u=4.0, periodic=False, nelec=None):
    """Fermi-Hubbard model on an nx x ny lattice (sites as orbitals); half filling by default."""
    s = "hubbard:nx=%d,ny=%d,t=%s,u=%s,periodic=%d" % (_core._int(nx, "nx", 1), _core._int(ny, "ny", 1),
                                                       _num(t, "t"), _num(u, "u"), bool(periodic))
    if nelec is not None:
        s += ",nelec=%d" % _core._int(nelec, "nelec", 0)
    return _build(s)


def jellium(nelec, grid=3, *, rs=None, length=None, bohr=False, plane_wave=False):
    """Jellium in a cubic cell, grid^3 dual-basis points (plane_wave=True: plane waves);
    the cell from the Wigner-Seitz radius rs (bohr) or its side length."""
    s = "jellium:nelec=%d,grid=%d,bohr=%d,basis=%s" % (_core._int(nelec, "nelec", 0), _core._int(grid, "grid", 1),
                                                      bool(bohr), "planewave" if plane_wave else "dual")
    if rs is not None:
        s += ",rs=%s" % _num(rs, "rs")
    if length is not None:
        s += ",length=%s" % _num(length, "length")
    return _build(s)


def hydrogen_chain_vectors(atoms=10, spacing=1.0, *, bohr=False):
    """The H_n chain of hydrogen_chain as 3-index vectors, never forming N^4:
    integral-direct AO Cholesky (tol 1e-6), RHF from the vectors, MO vectors
    (qclr_hydrogen_cholesky).  Returns Hamiltonian(h1, cholesky=B, ...)."""
    import ctypes
    import numpy as np
    spec = ("chain:atoms=%d,spacing=%s,bohr=%d" % (_core._int(atoms, "atoms", 1), _num(spacing, "spacing"),
                                                   bool(bohr))).encode()
    lib = _core.lib
    p = ctypes.create_string_buffer(8192)
    _core._check(lib.qclr_model_parse(spec, p), "model")
    xyz, natom = _core.c_double_p(), ctypes.c_int64()
    _core._check(lib.qclr_model_geometry(p, ctypes.byref(xyz), ctypes.byref(natom)), "geometry")
    f = ctypes.c_void_p()
    try:
        rc = lib.qclr_hydrogen_cholesky(natom.value, xyz, int(natom.value), None, ctypes.byref(f))
    finally:
        _core._lib.free(ctypes.cast(xyz, ctypes.c_void_p))
    try:
        _core._check(rc, "hydrogen Cholesky")
        n, R = int(lib.qclr_hydrogen_factors_norb(f)), int(lib.qclr_hydrogen_factors_rank(f))
        B = _core._view(lib.qclr_hydrogen_factors_vectors(f), (R, n * (n + 1) // 2))
        h1 = _core._view(lib.qclr_hydrogen_factors_h(f), (n, n))
        ne = int(lib.qclr_hydrogen_factors_nelec(f))
        e_core = float(lib.qclr_hydrogen_factors_e_core(f))
    finally:
        lib.qclr_hydrogen_factors_free(f)
    return _core.Hamiltonian(h1, cholesky=np.ascontiguousarray(B), e_core=e_core, nelec=ne)

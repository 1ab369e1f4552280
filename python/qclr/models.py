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

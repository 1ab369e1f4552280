#!/usr/bin/env python3
"""The qclr Python package against independent references:
  * double_factorized vs a numpy implementation of ffsim's published
    algorithm (tests/peers/factor_peer.py: modified Cholesky of the N^2 x N^2
    ERI matrix, numpy eigh per vector) on N2/cc-pVDZ: same rank at the same
    tol, reconstruction within the tolerance;
  * FCI energies vs Psi4 (inputs/reference.json) and the CI vector vs a
    Fock-space second-quantized H (tests/peers/orbital_rdm.py's operators):
    ||H psi - E psi|| checks PySCF string order and sign; RDM energy;
  * TT-SVD vs numpy SVD of the unfoldings (error, bond entropies);
  * lambdas vs factor_peer's lambda_SF / lambda_DF;
  * apps vs Python: qclr-factor / qclr-fci / qclr-groups JSON on shipped
    inputs give the same numbers as the package (same library, so to 1e-12);
  * threads=1 vs threads=2 identical discrete results, numbers to 1e-10.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyqclr import qclr, builddir, inputs  # noqa: E402
import factor_peer  # noqa: E402
import orbital_rdm  # noqa: E402

fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def ref_record(name):
    with open(os.path.join(inputs, "reference.json")) as f:
        d = json.load(f)
    for r in d["records"]:
        if r.get("id") == name:
            return r
    return None


def app(name, *args):
    out = subprocess.run([os.path.join(builddir, "apps", name)] + list(args), check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


# ---- version
check(qclr.__version__ == qclr.library_version, "package version %s = library version" % qclr.__version__)

# ---- Hamiltonian round trips (full, 4-fold packed, 8-fold packed, FCIDUMP)
h2o = os.path.join(inputs, "h2o_sto-3g.fcidump")
H = qclr.Hamiltonian.from_fcidump(h2o)
ham = factor_peer.read_fcidump(h2o)
n = H.norb
check(n == ham["norb"], "norb %d" % n)
eri = H.eri
h1 = H.h1
peer_eri = ham["eri"]
check(np.abs(eri - peer_eri).max() < 1e-14, "ERIs = numpy FCIDUMP reader")
H2 = qclr.Hamiltonian(h1, eri, e_core=H.e_core, nelec=H.nelec)
H3 = qclr.Hamiltonian(h1, H.eri_packed, e_core=H.e_core, nelec=sum(H.nelec))
npair = n * (n + 1) // 2
V = H.eri_packed
H4 = qclr.Hamiltonian(h1, V[np.tril_indices(npair)], e_core=H.e_core, nelec=H.nelec)
check(all(np.array_equal(x.eri, eri) for x in (H2, H3, H4)), "full / 4-fold / 8-fold packed ERIs agree")
check(H3.nelec == H.nelec and H3.e_core == H.e_core, "nelec as a total, e_core")
import tempfile  # noqa: E402
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "x.fcidump")
    H2.write_fcidump(p)
    H5 = qclr.Hamiltonian.from_fcidump(p)
    check(np.array_equal(H5.eri, eri) and np.array_equal(H5.h1, h1), "write_fcidump round trip")

# ---- double_factorized vs ffsim's algorithm in numpy (N2/cc-pVDZ)


def rebuild(Z, U):
    """sum_t sum_ij U[t,p,i] U[t,q,i] Z[t,i,j] U[t,r,j] U[t,s,j], using Z_t = f f^T
    (checked here) so that it is sum_t M_t[p,q] M_t[r,s], M_t = U diag(f) U^T."""
    k = np.argmax(np.abs(np.einsum("tii->ti", Z)), axis=1)
    d = Z[np.arange(len(Z)), k, k]
    f = Z[np.arange(len(Z)), :, k] / np.sqrt(np.where(d > 0, d, 1.0))[:, None]
    assert np.allclose(f[:, :, None] * f[:, None, :], Z, atol=1e-12), "Z_t is not f f^T"
    M = np.einsum("tpi,ti,tqi->tpq", U, f, U)
    return np.einsum("tpq,trs->pqrs", M, M, optimize=True)


# the generic 5-index contraction (ffsim's documented meaning) on H2O/STO-3G
Z7, U7 = qclr.double_factorized(eri, tol=1e-8)
rec7 = np.einsum("tpi,tqi,tij,trj,tsj->pqrs", U7, U7, Z7, U7, U7, optimize=True)
check(np.abs(rec7 - eri).max() <= 1e-8 and np.abs(rebuild(Z7, U7) - rec7).max() < 1e-12,
      "H2O: ffsim's contraction of (Z, U) reproduces the ERIs within tol (%.2e)" % np.abs(rec7 - eri).max())
n2 = os.path.join(inputs, "n2_cc-pvdz.fcidump")
HN = qclr.Hamiltonian.from_fcidump(n2)
N = HN.norb
eriN = HN.eri
for tol in (1e-4, 1e-6):
    Z, U = qclr.double_factorized(eriN, tol=tol)
    Lp = factor_peer.modified_cholesky(eriN.reshape(N * N, N * N), tol).reshape(-1, N, N)
    # ffsim: eigh of every L^l; Z = outer(e, e), U = eigenvectors
    ev, Up = np.linalg.eigh(Lp)
    Zp = ev[:, :, None] * ev[:, None, :]
    rec, recp = rebuild(Z, U), rebuild(Zp, Up)
    check(Z.shape == (Lp.shape[0], N, N) and U.shape == Z.shape,
          "tol %g: shapes %s = ffsim peer's (rank %d)" % (tol, Z.shape, Lp.shape[0]))
    e1, e2 = np.abs(rec - eriN).max(), np.abs(recp - eriN).max()
    check(e1 <= tol and e2 <= tol and np.abs(rec - recp).max() <= 2 * tol,
          "tol %g: max|eri - rec| qclr %.2e, peer %.2e, between %.2e (all <= tol)" % (tol, e1, e2,
                                                                                     np.abs(rec - recp).max()))
    check(np.allclose(np.einsum("tpi,tqi->tpq", U, U), np.eye(N)[None], atol=1e-12), "rotations orthogonal")
    Zr, Ur, df = qclr.double_factorized(HN, tol=tol, return_df=True)
    check(np.array_equal(Zr, Z) and np.array_equal(Ur, U), "Hamiltonian and array input give the same factors")
    check(df.max_abs_error <= tol and abs(df.max_abs_error - e1) <= 1e-12,
          "DF object: exact max error %.3e = numpy's %.3e" % (df.max_abs_error, e1))

# ---- cholesky vs the peer's modified Cholesky (same greedy pivots)
L, info = qclr.cholesky(HN, tol=1e-6)
Lp = factor_peer.modified_cholesky(eriN.reshape(N * N, N * N), 1e-6).reshape(-1, N, N)
check(L.shape == Lp.shape and info["converged"] and info["max_residual"] <= 1e-6,
      "cholesky: rank %d = peer's %d" % (L.shape[0], Lp.shape[0]))
check(np.abs(np.einsum("lpq,lrs->pqrs", L, L) - eriN).max() <= 1e-6, "cholesky reconstruction within tol")

# ---- lambdas vs the peer's formulas
peer = factor_peer.run(factor_peer.read_fcidump(h2o), "cholesky", 1e-6, 0.0, "default", errors=False)
lam = qclr.lambdas(H, tol=1e-6)
check(abs(lam["lambda_sf"] - peer["lambda_sf"]) < 1e-9 and abs(lam["lambda_df"] - peer["lambda_df"]) < 1e-9,
      "lambda_SF %.10f, lambda_DF %.10f = numpy peer" % (lam["lambda_sf"], lam["lambda_df"]))

# ---- FCI: Psi4 energy and the CI vector in PySCF order (Fock-space H)
lih = os.path.join(inputs, "lih_sto-3g.fcidump")
HL = qclr.Hamiltonian.from_fcidump(lih)
f = qclr.fci(HL, nroots=2, rdms=True)
rec = ref_record("lih_sto-3g")
check(rec is not None and rec.get("e_fci") is not None, "Psi4 FCI reference for LiH present")
if rec is not None and rec.get("e_fci") is not None:
    check(abs(f.energies[0] - rec["e_fci"]) < 1e-8, "LiH FCI %.10f = Psi4 %.10f" % (f.energies[0], rec["e_fci"]))
nl = HL.norb
na, nb = HL.nelec
ann = orbital_rdm.annihilators(2 * nl)
cre = [a.T.tocsr() for a in ann]
h1l, eril = HL.h1, HL.eri


def hpsi(psi):
    out = HL.e_core * psi
    for p in range(nl):
        for q in range(nl):
            for s in (0, 1):
                if h1l[p, q]:
                    out = out + h1l[p, q] * (cre[2 * p + s] @ (ann[2 * q + s] @ psi))
    # 1/2 sum (pq|rs) a+_{p u} a+_{r t} a_{s t} a_{q u}: a_{q u} acts first
    for q in range(nl):
        for u in (0, 1):
            v1 = ann[2 * q + u] @ psi
            for s_ in range(nl):
                for t in (0, 1):
                    v2 = ann[2 * s_ + t] @ v1
                    if not v2.any():
                        continue
                    for r in range(nl):
                        w = cre[2 * r + t] @ v2
                        if not w.any():
                            continue
                        for p in range(nl):
                            c = eril[p, q, r, s_]
                            if c != 0:
                                out = out + 0.5 * c * (cre[2 * p + u] @ w)
    return out


for k in range(2):
    psi = orbital_rdm.fock_vector(f.civecs[k], nl, na, nb)
    res = np.linalg.norm(hpsi(psi) - f.energies[k] * psi)
    check(res < 1e-6, "root %d: ||H psi - E psi|| = %.2e in Fock space (PySCF order and sign)" % (k, res))
e_rdm = HL.e_core + np.einsum("pq,pq", h1l, f.rdm1[0]) + 0.5 * np.einsum("pqrs,pqrs", eril, f.rdm2[0])
check(abs(e_rdm - f.energies[0]) < 1e-9, "RDM energy %.12f = E" % e_rdm)

# ---- TT-SVD vs numpy SVD
rng = np.random.default_rng(7)
x = rng.standard_normal((4, 5, 6, 3))
t = qclr.tt_svd(x, eps=0.3)
s_err2, r = 0.0, 1
full = np.asarray(t.full())
check(abs(np.linalg.norm(x - full) - t.error) < 1e-10 and t.error <= 0.3 * np.linalg.norm(x),
      "TT error %.6f = ||x - full|| (exact)" % t.error)
t0 = qclr.tt_svd(x, eps=0.0)
ent = []
for k in range(1, 4):
    s = np.linalg.svd(x.reshape(int(np.prod(x.shape[:k])), -1), compute_uv=False)
    p = s**2 / (s**2).sum()
    p = p[p > 0]
    ent.append(-(p * np.log(p)).sum())
check(np.allclose(t0.entropies(), ent, atol=1e-10), "bond entropies = numpy SVD of the unfoldings")
check(abs(t0.dot(t0) - (x * x).sum()) < 1e-9 * (x * x).sum() and abs(t.dot(t0) - (full * x).sum()) < 1e-9 * 100,
      "inner products")
tr = t0.round(0.3)
check(tr.ranks == t.ranks and abs(tr.error - t.error) < 1e-9, "rounding the exact TT = TT-SVD at the same eps")
cores = t0.cores
y = cores[0]
for c in cores[1:]:
    y = np.tensordot(y, c, axes=([-1], [0]))
check(np.allclose(t0.scale * y.reshape(x.shape), x, atol=1e-12), "cores contract to x (times scale)")
# CI vector -> TT -> entropies: bond entropies of the spatial TT = numpy SVD of the Fock tensor
tci = qclr.tt_svd(f, eps=0.0)
psi = orbital_rdm.fock_vector(f.civecs[0], nl, na, nb)  # bit 2p = p alpha, 2p+1 = p beta
T4 = psi.reshape([2] * (2 * nl))[::-1]  # reversed axes: mode 2nl-1 first
T4 = np.transpose(psi.reshape([2] * (2 * nl)), list(range(2 * nl - 1, -1, -1)))  # axis m = mode m
ent = []
for k in range(1, nl):
    s = np.linalg.svd(T4.reshape(4**k, -1), compute_uv=False)
    p = s**2
    p = p[p > 1e-300]
    ent.append(-(p * np.log(p)).sum())
check(np.allclose(tci.entropies(), ent, atol=1e-9), "CI -> TT bond entropies = Schmidt values of the Fock state")

# ---- apps vs Python on shipped inputs (same library underneath: equal to rounding)


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


for name in ("h2o_sto-3g", "lih_sto-3g", "n2_sto-3g"):
    path = os.path.join(inputs, name + ".fcidump")
    Hx = qclr.Hamiltonian.from_fcidump(path)
    for tol, df_tol in ((1e-6, 0.0), (1e-3, 1e-4)):
        ja = app("qclr-factor", "--json", "-", "--tol", repr(tol), "--df-tol", repr(df_tol), path)
        d = qclr.double_factorization(Hx, tol, df_tol=df_tol)
        check(ja["rank"] == d.rank and ja["df_factors"] == d.nfactors and ja["df_terms"] == d.nterms
              and close(ja["lambda_sf"], d.lambda_sf) and close(ja["lambda_df"], d.lambda_df)
              and abs(ja["df_eri_max_abs_error"] - d.max_abs_error) < 1e-14
              and abs(ja["df_energy_ref_error"] - d.e_ref_error) < 1e-12,
              "%s tol %g df-tol %g: qclr-factor = Python (rank %d, L %d, lambda_DF %.10f)"
              % (name, tol, df_tol, d.rank, d.nfactors, d.lambda_df))
    jg = app("qclr-groups", "--state", "hf", "--no-pauli", "--json", "-", path)
    G = qclr.groups(Hx, 1e-6, state="hf")
    check(jg["ngroups"] == G.count and [g["shots"] for g in jg["groups"]] == G.shots.tolist()
          and [g["layers"] for g in jg["groups"]] == G.layers
          and all(close(g["mean"], m, 1e-10) for g, m in zip(jg["groups"], G.mean))
          and all(close(g["variance"], v, 1e-10) for g, v in zip(jg["groups"], G.var))
          and close(jg["energy_groups"], G.energy, 1e-12),
          "%s: qclr-groups = Python (%d groups, %d shots)" % (name, G.count, G.total_shots))
    check(close(G.energy, Hx.e_ref(), 1e-10), "%s: sum of group means = E_ref %.10f" % (name, Hx.e_ref()))
jf = app("qclr-fci", "--json", "-", "--nroots", "2", lih)
check(all(close(a, b, 1e-11) for a, b in zip(jf["energy_roots"], f.energies)), "qclr-fci = Python (2 roots)")

rng = np.random.default_rng(11)
# ---- Hamiltonians from 3-index vectors (no N^4): same DF, lambda and groups as the N^4 path
# A 16-orbital H chain's Cholesky vectors with a small random symmetric perturbation (so
# that no two pivot candidates tie exactly, as the chain's mirror symmetry would make them:
# exact ties are broken by rounding differently on the two paths); the N^4 path gets
# V = sum_P B_P B_P^T from numpy.
H16 = qclr.models.hydrogen_chain(16)
Lfull, _ = qclr.cholesky(H16, tol=1e-8)
E = rng.standard_normal(Lfull.shape) * 1e-3
Lfull = np.ascontiguousarray(Lfull + E + E.transpose(0, 2, 1))
iu = np.tril_indices(H16.norb)
Bp = np.ascontiguousarray(Lfull[:, iu[0], iu[1]])
Hc = qclr.Hamiltonian(H16.h1, Bp.T @ Bp, e_core=H16.e_core, nelec=H16.nelec)
for layout, B in (("[P,N,N]", Lfull), ("[P,pq]", Bp)):
    Hv = qclr.Hamiltonian(Hc.h1, cholesky=np.ascontiguousarray(B), e_core=Hc.e_core, nelec=Hc.nelec)
    for tol in (1e-6, 1e-3):
        a, b = qclr.double_factorization(Hc, tol), qclr.double_factorization(Hv, tol)
        check(a.rank == b.rank and a.nfactors == b.nfactors and a.nterms == b.nterms
              and abs(a.lambda_sf - b.lambda_sf) < 1e-9 * a.lambda_sf and abs(a.lambda_df - b.lambda_df) < 1e-9 * a.lambda_df
              and np.abs(a.T - b.T).max() < 1e-10 and np.abs(a.Tprime - b.Tprime).max() < 1e-10
              and b.vector_error <= tol * (1 + 1e-9),
              "vectors %s tol %g: rank %d, L xi %d, lambda_DF %.10f = N^4 path (%.10f); recompression error %.2e"
              % (layout, tol, b.rank, b.nterms, b.lambda_df, a.lambda_df, b.vector_error))
        ga, gb = qclr.groups(Hc, tol), qclr.groups(Hv, tol)
        check(ga.count == gb.count and np.array_equal(ga.shots, gb.shots) and abs(ga.energy - gb.energy) < 1e-9,
              "vectors %s tol %g: same %d groups and shots as the N^4 path" % (layout, tol, ga.count))
    # the recompression error is exact: max |V_given - V_kept| from numpy
    Lk, info = qclr.cholesky(Hv, tol=1e-3)
    Vg = np.einsum("lpq,lrs->pqrs", Lfull, Lfull)
    err = np.abs(Vg - np.einsum("lpq,lrs->pqrs", Lk, Lk)).max()
    check(abs(info["vector_error"] - err) < 1e-12, "vectors %s: recompression error %.6e = numpy's %.6e"
          % (layout, info["vector_error"], err))

# the model route: an H10 chain as vectors only (integral-direct AO Cholesky, no N^4) vs
# qclr-model's cholesky= route, which rebuilds the N^4 ERIs from the same MO vectors
Hv10 = qclr.models.hydrogen_chain_vectors(10)
H10 = qclr.models.hydrogen_chain(10, cholesky=1e-6)
a, b = qclr.double_factorization(H10, 1e-6), qclr.double_factorization(Hv10, 1e-6)
ga, gb = qclr.groups(H10), qclr.groups(Hv10)
check(Hv10.is_vectors and a.rank == b.rank and a.nterms == b.nterms and abs(a.lambda_df - b.lambda_df) < 1e-9
      and ga.count == gb.count and np.array_equal(ga.shots, gb.shots),
      "H10 chain as vectors: rank %d, lambda_DF %.10f, %d groups = N^4 route" % (b.rank, b.lambda_df, gb.count))

# ---- threads: discrete results identical, numbers to 1e-10 (rounding order only)
d1 = qclr.double_factorization(HN, 1e-5, threads=1)
d2 = qclr.double_factorization(HN, 1e-5, threads=2)
check(d1.rank == d2.rank and d1.nterms == d2.nterms and abs(d1.lambda_df - d2.lambda_df) < 1e-10 * d1.lambda_df,
      "threads=1 and 2: same rank %d, lambda_DF to 1e-10" % d1.rank)
g1 = qclr.groups(H, threads=1)
g2 = qclr.groups(H, threads=2)
check(g1.count == g2.count and np.array_equal(g1.shots, g2.shots) and g1.qasm == g2.qasm,
      "threads=1 and 2: same groups, shots and circuits")
check(qclr._lib.lib.qclr_get_threads() == 0, "threads= restored afterwards")

if fails:
    print("%d FAILED" % fails)
    sys.exit(1)
print("all passed")

#!/usr/bin/env python3
"""Independent numpy reference for qclr-factor, written from the published
definitions (not from qclr's code):

  * ffsim-style modified Cholesky of the full N^2 x N^2 ERI matrix, laid out
    as ffsim's linalg.modified_cholesky (vectors as columns of a
    dim x (max_vecs+1) array): greedy pivot = argmax of the residual diagonal
    (first index on ties), stop when the largest residual diagonal <= tol
    (docs/conventions.md; ffsim stops at < tol, which differs only on exact ties);
  * eigendecomposition of the N^2 x N^2 matrix, eigenvalues <= tol dropped
    (OpenFermion resource_estimates' eigendecomp);
  * per-factor numpy.linalg.eigh (eigenvalues and orbital rotations, as
    ffsim's double_factorized) and OpenFermion resource_estimates
    df.factorize's second-stage rule: keep |f_k| * sum_j |f_j| > tau2, stop
    at the first factor with none left ("openfermion") or skip it ("default",
    docs/conventions.md); tau2 = 0 keeps all;
  * T' = h - 1/2 sum_r (pr|rq) + sum_r (pq|rr),
    lambda_SF = sum |T'_pq| + 1/4 sum_l (sum_pq |L^l_pq|)^2,
    lambda_DF = sum |eig(T')| + 1/4 sum_l (sum_k |f^l_k|)^2   (Lee et al. 2021).

Usage: factor_peer.py FCIDUMP [--method cholesky|eigen] [--tol X] [--df-tol X]
       [--df-rule default|openfermion] [--time-only [--repeat R]]  -> JSON on stdout
"""
import argparse
import json
import re
import sys
import time

import numpy as np


def read_fcidump(path):
    """Minimal FCIDUMP reader (8- or 4-fold records, 1-based)."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"(&END|/|\$END)", text, re.IGNORECASE)
    header, body = text[: m.start()], text[m.end():]
    norb = int(re.search(r"NORB\s*=\s*(\d+)", header, re.I).group(1))
    nelec = int(re.search(r"NELEC\s*=\s*(\d+)", header, re.I).group(1))
    ms2m = re.search(r"MS2\s*=\s*(-?\d+)", header, re.I)
    ms2 = int(ms2m.group(1)) if ms2m else 0
    n = norb
    eri = np.zeros((n, n, n, n))
    h = np.zeros((n, n))
    ecore = 0.0
    for line in body.splitlines():
        t = line.split()
        if len(t) < 5:
            continue
        v = float(t[0].replace("D", "E").replace("d", "e"))
        i, j, k, l = (int(x) for x in t[1:5])
        if k == 0 and l == 0:
            if i == 0 and j == 0:
                ecore = v
            elif j != 0:
                h[i - 1, j - 1] = h[j - 1, i - 1] = v
        else:
            i, j, k, l = i - 1, j - 1, k - 1, l - 1
            for a, b, c, d in ((i, j, k, l), (j, i, k, l), (i, j, l, k), (j, i, l, k)):
                eri[a, b, c, d] = eri[c, d, a, b] = v
    return dict(norb=n, nelec=nelec, ms2=ms2, h=h, eri=eri, ecore=ecore)


def modified_cholesky(mat, tol, max_vecs=None):
    """Greedy pivoted Cholesky of a PSD matrix (ffsim's layout and loop);
    returns the vectors as rows (a transposed view)."""
    dim = mat.shape[0]
    max_vecs = dim if max_vecs is None else max_vecs
    vecs = np.zeros((dim, max_vecs + 1))
    errors = np.diagonal(mat).copy()
    index = 0
    for index in range(max_vecs + 1):
        piv = int(np.argmax(errors))
        err = errors[piv]
        if err <= tol or index == max_vecs:
            break
        vecs[:, index] = mat[:, piv]
        if index:
            vecs[:, index] -= vecs[:, 0:index] @ vecs[piv, 0:index]
        vecs[:, index] /= np.sqrt(err)
        errors -= vecs[:, index] ** 2
        errors[piv] = 0.0
    return vecs[:, :index].T


def eigen_factor(mat, tol):
    w, v = np.linalg.eigh(mat)
    keep = w > tol
    w, v = w[keep][::-1], v[:, keep][:, ::-1]
    return (v * np.sqrt(w)).T


def double_factor(L, n, tau2, rule, rotations=None):
    """Per-factor eigh with the tau2 rule; returns the list of kept eigenvalue
    arrays.  If rotations is a list, the eigenvector matrices of the kept
    factors are appended to it (ffsim's orbital rotations)."""
    kept = []
    for vec in L:
        f, u = np.linalg.eigh(vec.reshape(n, n))
        s = np.sum(np.abs(f))
        sel = np.ones(f.size, bool) if tau2 == 0 else np.abs(f) * s > tau2  # tau2 = 0 keeps all
        if not sel.any():
            if rule == "openfermion":
                break
            continue
        kept.append(f[sel])
        if rotations is not None:
            rotations.append(u[:, sel])
    return kept


def tprime(ham):
    eri, h = ham["eri"], ham["h"]
    return h - 0.5 * np.einsum("prrq->pq", eri) + np.einsum("pqrr->pq", eri)


def lambda_sf(ham, L):
    n = ham["norb"]
    two = sum(0.25 * np.sum(np.abs(v)) ** 2 for v in L.reshape(-1, n * n))
    return float(np.sum(np.abs(tprime(ham))) + two)


def lambda_df(ham, kept):
    one = np.sum(np.abs(np.linalg.eigvalsh(tprime(ham))))
    return float(one + sum(0.25 * np.sum(np.abs(f)) ** 2 for f in kept))


def eri_errors(ham, L):
    n = ham["norb"]
    L = L.reshape(-1, n * n)
    d = ham["eri"].reshape(n * n, n * n) - L.T @ L
    return float(np.max(np.abs(d))), float(np.linalg.norm(d))


def with_eri(ham, eri):
    """The same Hamiltonian with other ERIs (N x N x N x N)."""
    out = dict(ham)
    out["eri"] = eri
    return out


def df_eri(n, f, U, sizes):
    """ERIs sum_l (U^l f^l U^lT)_pq (U^l f^l U^lT)_rs from the --out DF arrays
    (f: [L, N] zero-padded, U: [L, N, N] columns = eigenvectors, sizes: [L])."""
    mats = np.array([(U[l][:, : sizes[l]] * f[l, : sizes[l]]) @ U[l][:, : sizes[l]].T for l in range(len(sizes))])
    return np.einsum("lpq,lrs->pqrs", mats, mats) if len(sizes) else np.zeros((n,) * 4)


def e_ref(ham):
    """Energy of the determinant with the lowest orbitals occupied (na alpha, nb beta)."""
    n, h, eri = ham["norb"], ham["h"], ham["eri"]
    na = (ham["nelec"] + ham["ms2"]) // 2
    nb = ham["nelec"] - na
    occ = [np.arange(na), np.arange(nb)]
    e = ham["ecore"]
    for o in occ:
        e += np.sum(h[o, o])
    for o1 in occ:
        for o2 in occ:
            e += 0.5 * np.sum(eri[o1][:, o1][:, :, o2][:, :, :, o2].diagonal(0, 0, 1).diagonal(0, 0, 1))
        e -= 0.5 * np.sum(eri[o1][:, o1][:, :, o1][:, :, :, o1].transpose(0, 3, 1, 2).diagonal(0, 0, 1)
                          .diagonal(0, 0, 1))
    return float(e)


def mp2_energy(ham):
    """Closed-shell MP2 total energy E_ref + E2 in semicanonical orbitals: the
    occupied and virtual blocks of the Fock matrix are diagonalized (the
    occupied-virtual block, nonzero for a factorized Hamiltonian, is left
    out), E2 = sum_ijab (ia|jb)[2 (ia|jb) - (ib|ja)] / (e_i + e_j - e_a - e_b)."""
    n, h, eri = ham["norb"], ham["h"], ham["eri"]
    no = ham["nelec"] // 2
    F = h + 2 * np.einsum("pqii->pq", eri[:, :, :no, :no]) - np.einsum("piiq->pq", eri[:, :no, :no, :])
    eo, Uo = np.linalg.eigh(F[:no, :no])
    ev, Uv = np.linalg.eigh(F[no:, no:])
    ovov = np.einsum("pi,qa,rj,sb,pqrs->iajb", Uo, Uv, Uo, Uv, eri[:no, no:, :no, no:], optimize=True)
    den = eo[:, None, None, None] - ev[None, :, None, None] + eo[None, None, :, None] - ev[None, None, None, :]
    e2 = np.sum(ovov * (2 * ovov - ovov.transpose(0, 3, 2, 1)) / den)
    return e_ref(ham) + float(e2)


def run(ham, method, tol, tau2, rule, errors=True):
    n = ham["norb"]
    mat = ham["eri"].reshape(n * n, n * n)
    t0 = time.perf_counter()
    L = modified_cholesky(mat, tol) if method == "cholesky" else eigen_factor(mat, tol)
    t1 = time.perf_counter()
    rot = []
    kept = double_factor(L, n, tau2, rule, rot)
    t2 = time.perf_counter()
    lsf, ldf = lambda_sf(ham, L), lambda_df(ham, kept)
    seconds = time.perf_counter() - t0
    mx, fro = eri_errors(ham, L) if errors else (None, None)
    return dict(norb=n, method=method, tol=tol, df_tol=tau2, df_rule=rule, rank=int(L.shape[0]),
                df_factors=len(kept), df_terms=int(sum(f.size for f in kept)), lambda_sf=lsf,
                lambda_df=ldf, eri_max_abs_error=mx, eri_frobenius_error=fro, seconds=seconds,
                seconds_stage1=t1 - t0, seconds_df=t2 - t1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fcidump")
    ap.add_argument("--method", default="cholesky", choices=["cholesky", "eigen"])
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--df-tol", type=float, default=0.0)
    ap.add_argument("--df-rule", default="default", choices=["default", "openfermion"])
    ap.add_argument("--time-only", action="store_true",
                    help="print 'seconds lambda_DF rank stage1_seconds df_seconds' of the pipeline "
                         "(stage 1 + DF + lambdas) only")
    ap.add_argument("--repeat", type=int, default=1, help="with --time-only: best of R runs")
    a = ap.parse_args()
    ham = read_fcidump(a.fcidump)
    if a.time_only:
        best = None
        for _ in range(max(1, a.repeat)):
            r = run(ham, a.method, a.tol, a.df_tol, a.df_rule, errors=False)
            best = r if best is None or r["seconds"] < best["seconds"] else best
        print("%.9g %.17g %d %.9g %.9g" % (best["seconds"], best["lambda_df"], best["rank"], best["seconds_stage1"],
                                           best["seconds_df"]))
        return
    json.dump(run(ham, a.method, a.tol, a.df_tol, a.df_rule), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""qclr-factor against independent references, on every shipped input,
every method and pivot:

  * the numpy peer tests/peers/factor_peer.py (ffsim-style Cholesky of the
    N^2 x N^2 matrix, its eigendecomposition, OpenFermion's tau_2 rule, the
    published lambda_SF / lambda_DF, numpy MP2) and the greedy Cholesky
    vector counts of inputs/reference.json;
  * Psi4's FCI and MP2 energies (reference.json) and CheMPS2's FCI (Debian
    python3-chemps2) for the energy errors of the factorized Hamiltonian.

Tolerances: ranks and term counts exact; lambda 1e-10 relative; reported
ERI errors equal the recomputed ones to 1e-12 absolute + 1e-9 relative and
are <= tol; 1 vs 2 threads (OpenMP and BLAS) bitwise; energies 1e-8 Ha
(FCI) and 1e-9 Ha (MP2)."""
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

srcdir = os.environ.get("top_srcdir", ".")
builddir = os.environ.get("top_builddir", ".")
inputs = os.environ.get("QCLR_INPUTS", os.path.join(srcdir, "inputs"))
sys.path.insert(0, os.path.join(srcdir, "tests", "peers"))
import factor_peer as peer  # noqa: E402

APP = os.path.join(builddir, "apps", "qclr-factor")
CHEMPS2 = os.path.join(srcdir, "tests", "peers", "fci_peers.py")
fails = 0
checks = 0


def check(cond, msg):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", msg)


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def app(*args, expect=0, threads=None):
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(threads)
        args = (*args, "--threads", threads)
    p = subprocess.run([APP, *map(str, args)], capture_output=True, text=True, env=env)
    check(p.returncode == expect, f"qclr-factor {' '.join(map(str, args))}: exit {p.returncode}, "
          f"want {expect}; stderr: {p.stderr.strip()}")
    return p


def run_json(*args, expect=0, threads=None):
    p = app(*args, "--json", "-", "--quiet", expect=expect, threads=threads)
    return json.loads(p.stdout) if p.returncode == 0 else None


def chemps2_energy(path):
    p = subprocess.run([sys.executable, CHEMPS2, "chemps2", path], capture_output=True, text=True)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1])["energy"] if p.returncode == 0 and lines else None


ref = {r["file"]: r for r in json.load(open(os.path.join(inputs, "reference.json")))["records"]}
files = sorted(glob.glob(os.path.join(inputs, "*.fcidump")))
check(len(files) >= 9, "shipped inputs found")
tmp = tempfile.mkdtemp(prefix="qclr-factor-test-")
KEYS = ("program", "version", "input", "norb", "nalpha", "nbeta", "e_core", "seconds", "nelec", "method", "pivot",
        "tol", "df_tol", "rank", "df_terms", "converged", "eri_max_abs_error", "eri_frobenius_error", "lambda_sf",
        "lambda_df", "energy_ref_error", "seconds_factor")

for path in files:
    name = os.path.basename(path)
    ham = peer.read_fcidump(path)
    n = ham["norb"]
    # greedy counts: reference.json (N^2 x N^2 greedy) and the numpy peer, at 1e-4, 1e-6, 1e-8
    scan = run_json(path, "--scan", "1e-4,1e-6,1e-8")
    if scan:
        check(len(scan["scan"]) == 3 and [r["tol"] for r in scan["scan"]] == [1e-4, 1e-6, 1e-8], f"{name}: scan rows")
        check("rank" not in scan, f"{name}: a scan without --energy selects no row")
        for row in scan["scan"]:
            key = "%.0e" % row["tol"]
            if name in ref:  # generated inputs (c2h4) have no reference.json record: peer only
                want = ref[name]["cholesky"]["n_vectors"][key]
                check(row["rank"] == want, f"{name} greedy tol {key}: rank {row['rank']} vs reference.json {want}")
                check(row["rank"] == ref[name]["cholesky"]["n_vectors_packed_pairs"][key], f"{name} packed count")
            p = peer.run(ham, "cholesky", row["tol"], 0.0, "default")
            check(row["rank"] == p["rank"], f"{name} greedy tol {key}: rank {row['rank']} vs peer {p['rank']}")
            check(rel(row["lambda_sf"], p["lambda_sf"]) < 1e-10, f"{name} lambda_SF {row['lambda_sf']} vs {p['lambda_sf']}")
            check(rel(row["lambda_df"], p["lambda_df"]) < 1e-10, f"{name} lambda_DF {row['lambda_df']} vs {p['lambda_df']}")
            check(row["eri_max_abs_error"] <= row["tol"], f"{name} max err <= tol")
            check(abs(row["eri_max_abs_error"] - p["eri_max_abs_error"]) < 1e-12, f"{name} max err vs peer")
            check(row["df_terms"] == p["df_terms"], f"{name} df_terms {row['df_terms']} vs {p['df_terms']}")
    # every method / pivot: arrays recomputed by the peer; 1 vs 2 threads (OpenMP and BLAS)
    for method, pivot in (("cholesky", "greedy"), ("cholesky", "random"), ("cholesky", "block"), ("eigen", None)):
        tol, tau2 = 1e-5, 1e-6
        what = f"{name} {method}/{pivot}"
        out = os.path.join(tmp, f"{name}-{method}-{pivot}")
        extra = ["--pivot", pivot] if pivot else []
        j = run_json(path, "--method", method, *extra, "--tol", tol, "--df-tol", tau2, "--out", out, threads=1)
        j2 = run_json(path, "--method", method, *extra, "--tol", tol, "--df-tol", tau2, "--out", out + "-2t",
                      threads=2)
        if not j or not j2:
            continue
        check(all(k in j for k in KEYS), f"{what}: JSON keys {sorted(set(KEYS) - set(j))} missing")
        L = np.load(os.path.join(out, "L.npy"))
        check(L.shape == (j["rank"], n, n), f"{what}: L.npy shape {L.shape}")
        check(np.array_equal(L, L.transpose(0, 2, 1)), f"{what}: L symmetric")
        mx, fro = peer.eri_errors(ham, L)
        check(j["eri_max_abs_error"] <= tol, f"{what}: max err {j['eri_max_abs_error']} > tol")
        check(abs(j["eri_max_abs_error"] - mx) <= 1e-12 + 1e-9 * mx, f"{what}: max err {j['eri_max_abs_error']} vs {mx}")
        check(abs(j["eri_frobenius_error"] - fro) <= 1e-12 + 1e-9 * fro, f"{what}: frobenius {j['eri_frobenius_error']} vs {fro}")
        check(rel(j["lambda_sf"], peer.lambda_sf(ham, L)) < 1e-10, f"{what}: lambda_SF")
        check(abs(j["energy_ref_error"] - (peer.e_ref(peer.with_eri(ham, np.einsum("lpq,lrs->pqrs", L, L))) -
                                      peer.e_ref(ham))) < 1e-11, f"{what}: e_ref_error")
        f = np.load(os.path.join(out, "df_eigenvalues.npy"))
        sizes = np.load(os.path.join(out, "df_sizes.npy")).astype(int)
        src = np.load(os.path.join(out, "df_source.npy")).astype(int)
        U = np.load(os.path.join(out, "df_rotations.npy"))
        kept = peer.double_factor(L, n, tau2, "default")
        check(len(kept) == j["df_factors"] == len(sizes) == len(src), f"{what}: df factors")
        check(int(sizes.sum()) == j["df_terms"] == sum(k.size for k in kept), f"{what}: df terms")
        check(rel(j["lambda_df"], peer.lambda_df(ham, kept)) < 1e-10, f"{what}: lambda_DF vs peer")
        check(rel(j["lambda_df"], peer.lambda_df(ham, [f[l, : sizes[l]] for l in range(len(sizes))])) < 1e-10,
              f"{what}: lambda_DF from the arrays")
        err = 0.0
        for l in range(len(sizes)):  # U orthogonal; the kept eigenpairs rebuild L^source up to the dropped ones
            err = max(err, np.max(np.abs(U[l].T @ U[l] - np.eye(n))))
            w = np.linalg.eigvalsh(L[src[l]])
            dropped = np.sort(np.abs(w))[: n - sizes[l]]
            rebuilt = (U[l][:, : sizes[l]] * f[l, : sizes[l]]) @ U[l][:, : sizes[l]].T
            check(np.max(np.abs(rebuilt - L[src[l]])) <= (dropped.max() if dropped.size else 0) + 1e-12,
                  f"{what}: factor {l} rebuilt")
            check(np.all(np.diff(np.abs(f[l, : sizes[l]])) <= 0), f"{what}: |f| descending")
        check(err < 1e-12, f"{what}: rotations orthogonal ({err:.1e})")
        mx2 = np.max(np.abs(ham["eri"] - peer.df_eri(n, f, U, sizes)))
        check(abs(j["df_eri_max_abs_error"] - mx2) <= 1e-12 + 1e-9 * mx2, f"{what}: DF max err")
        T = np.load(os.path.join(out, "T.npy"))
        Tp = np.load(os.path.join(out, "Tprime.npy"))
        check(np.allclose(Tp, peer.tprime(ham), atol=1e-12, rtol=0), f"{what}: T'")
        check(np.allclose(T, ham["h"] - 0.5 * np.einsum("prrq->pq", ham["eri"]), atol=1e-12, rtol=0), f"{what}: T")
        if method == "eigen":
            pe = peer.run(ham, "eigen", tol, tau2, "default")
            check(j["rank"] == pe["rank"], f"{what}: eigen rank {j['rank']} vs peer {pe['rank']}")
            w = np.linalg.eigvalsh(np.einsum("lpq,lrs->pqrs", L, L).reshape(n * n, n * n))
            wref = np.linalg.eigvalsh(ham["eri"].reshape(n * n, n * n))
            check(np.allclose(np.sort(w)[::-1][: j["rank"]], np.sort(wref)[::-1][: j["rank"]], atol=1e-10),
                  f"{what}: kept eigenvalues equal those of the N^2 x N^2 matrix")
        # 1 vs 2 threads
        for k in ("rank", "df_factors", "df_terms", "converged"):
            check(j[k] == j2[k], f"{what}: threads {k} {j[k]} vs {j2[k]}")
        # bitwise: sequential LAPACK and fixed-order sums (docs/conventions.md §2, Determinism)
        for k in ("lambda_sf", "lambda_df", "eri_max_abs_error", "eri_frobenius_error", "energy_ref_error"):
            check(j[k] == j2[k], f"{what}: threads {k}: {j[k]!r} vs {j2[k]!r}")
        L2 = np.load(os.path.join(out + "-2t", "L.npy"))
        check(L2.shape == L.shape and np.array_equal(L2, L),
              f"{what}: threads: L differs by {np.max(np.abs(L2 - L), initial=0) if L2.shape == L.shape else 'shape'}")
    # a deliberately capped rank: warning, converged = false, exit 0, max residual above tol
    for method, pivot in (("cholesky", "greedy"), ("cholesky", "random"), ("cholesky", "block"), ("eigen", None)):
        extra = ["--pivot", pivot] if pivot else []
        cap = max(1, n // 2)
        p = app(path, "--method", method, *extra, "--tol", 1e-8, "--max-rank", cap, "--json", "-", "--quiet")
        if p.returncode == 0:
            j = json.loads(p.stdout)
            check(j["rank"] == cap and j["converged"] is False and j["eri_max_abs_error"] > 1e-8,
                  f"{name} {method}/{pivot}: rank cap -> rank {j['rank']}, converged {j['converged']}")
            check("warning" in p.stderr and "rank cap" in p.stderr, f"{name} {method}/{pivot}: cap warning: {p.stderr}")

# OpenFermion check case (docs/conventions.md §2): n2_cc-pvdz, eigen, tau = 0, tau2 = 1e-4
n2 = os.path.join(inputs, "n2_cc-pvdz.fcidump")
ham = peer.read_fcidump(n2)
for rule, L, Lxi in (("openfermion", 170, 2832), ("default", 174, 2841)):
    j = run_json(n2, "--method", "eigen", "--tol", 0, "--df-tol", 1e-4, "--df-rule", rule)
    p = peer.run(ham, "eigen", 0.0, 1e-4, rule)
    check(p["df_factors"] == L and p["df_terms"] == Lxi, f"peer {rule}: L {p['df_factors']}, Lxi {p['df_terms']}")
    if j:
        check(j["df_factors"] == L == p["df_factors"], f"{rule}: L {j['df_factors']} (peer {p['df_factors']}), want {L}")
        check(j["df_terms"] == Lxi == p["df_terms"], f"{rule}: Lxi {j['df_terms']} (peer {p['df_terms']}), want {Lxi}")
        check(rel(j["lambda_df"], p["lambda_df"]) < 1e-10, f"{rule}: lambda_DF {j['lambda_df']} vs peer {p['lambda_df']}")
        if rule == "openfermion":
            check(abs(j["lambda_df"] - 392.06) < 0.005, f"lambda_DF {j['lambda_df']} vs OpenFermion 392.06")
            check(abs(p["lambda_df"] - 392.06) < 0.005, f"peer lambda_DF {p['lambda_df']} vs OpenFermion 392.06")

# not PSD: (11|22) larger than sqrt((11|11)(22|22)) breaks PSD -> exit 1, every method and pivot
bad = os.path.join(tmp, "notpsd.fcidump")
with open(os.path.join(inputs, "h2_sto-3g.fcidump")) as f:
    lines = f.read().splitlines()
with open(bad, "w") as f:
    for line in lines:
        t = line.split()
        if len(t) == 5 and t[1:] in (["1", "1", "2", "2"], ["2", "2", "1", "1"]):
            line = "  5.0 %s" % " ".join(t[1:])
        f.write(line + "\n")
for m in (["--pivot", "greedy"], ["--pivot", "random"], ["--pivot", "block"], ["--method", "eigen"]):
    p = app(bad, *m, "--out", os.path.join(tmp, "notpsd-out"), expect=1)
    check("not PSD" in p.stderr, f"not-PSD message: {p.stderr}")
    check(not os.path.exists(os.path.join(tmp, "notpsd-out")), "no output after a failure")
# usage errors
for args in (("--method", "svd"), ("--tol", "abc"), ("--tol", "-1"), ("--scan", "1e-3,x"), ("--energy", "ccsd"),
             ("--target-energy-error", "1e-3"), ("--tol", "1e-3", "--scan", "1e-3"), ("--bogus",)):
    app(n2, *args, expect=2)
app(os.path.join(tmp, "missing.fcidump"), expect=2)
app(n2, "--scan", "1e-3,1e-4", "--out", os.path.join(tmp, "x"), expect=2)
app(expect=2)

# --write-fcidump: the written ERIs are those of the DF-truncated factors; h and e_core kept;
# the written file reproduces the reported energies (FCI by CheMPS2, E_ref and MP2 by numpy)
for name, tol, tau2 in (("h2o_sto-3g.fcidump", 1e-3, 1e-3), ("lih_sto-3g.fcidump", 1e-2, 0.0)):
    src = os.path.join(inputs, name)
    wf = os.path.join(tmp, "trunc-" + name)
    out = os.path.join(tmp, "wf-" + name)
    h0 = peer.read_fcidump(src)
    j = run_json(src, "--tol", tol, "--df-tol", tau2, "--energy", "fci", "--write-fcidump", wf, "--out", out)
    if not j:
        continue
    w = peer.read_fcidump(wf)
    f = np.load(os.path.join(out, "df_eigenvalues.npy"))
    sizes = np.load(os.path.join(out, "df_sizes.npy")).astype(int)
    U = np.load(os.path.join(out, "df_rotations.npy"))
    check(np.max(np.abs(w["eri"] - peer.df_eri(h0["norb"], f, U, sizes))) < 1e-12, f"{name}: written FCIDUMP ERIs")
    check(np.max(np.abs(w["h"] - h0["h"])) < 1e-14 and abs(w["ecore"] - h0["ecore"]) < 1e-14, f"{name}: h, e_core kept")
    check(abs(j["energy_exact"] - ref[name]["e_fci"]) < 1e-8, f"{name}: E_FCI {j['energy_exact']} vs Psi4 {ref[name]['e_fci']}")
    ec = chemps2_energy(wf)
    check(ec is not None and abs(j["energy_factorized"] - ec) < 1e-8, f"{name}: E_FCI(factorized) {j['energy_factorized']} vs CheMPS2 {ec}")
    e0 = chemps2_energy(src)
    check(e0 is not None and abs(j["energy_error"] - (ec - e0)) < 1e-8, f"{name}: dE_FCI vs CheMPS2")
    check(abs(j["df_energy_ref_error"] - (peer.e_ref(w) - peer.e_ref(h0))) < 1e-11, f"{name}: DF e_ref_error")
    jm = run_json(src, "--tol", tol, "--df-tol", tau2, "--energy", "mp2")
    if jm:
        check(abs(jm["energy_exact"] - ref[name]["e_mp2"]) < 1e-9, f"{name}: E_MP2 {jm['energy_exact']} vs Psi4")
        check(abs(jm["energy_factorized"] - peer.mp2_energy(w)) < 1e-9, f"{name}: E_MP2(factorized) vs numpy")
        check(abs(jm["energy_error"] - (peer.mp2_energy(w) - peer.mp2_energy(h0))) < 1e-9, f"{name}: dE_MP2")
# the energy target: automatic decade search stops at the first (loosest) tol meeting it
src = os.path.join(inputs, "n2_sto-3g.fcidump")
for kind in ("fci", "mp2"):
    j = run_json(src, "--energy", kind, "--target-energy-error", 1e-4)
    if j:
        rows = j["scan"]
        check(j["target_met"] and j["selected_tol"] == rows[-1]["tol"] == j["tol"], f"{kind}: selected the last row")
        check(abs(rows[-1]["energy_error"]) <= 1e-4 and all(abs(r["energy_error"]) > 1e-4 for r in rows[:-1]),
              f"{kind}: the loosest decade meeting 1e-4: {[r['energy_error'] for r in rows]}")
        check([r["tol"] for r in rows] == [10.0 ** -(k + 1) for k in range(len(rows))], f"{kind}: decades")
        check(all(k in j for k in KEYS + ("energy_factorized", "energy_error", "energy_exact")), f"{kind}: JSON keys")
# among --scan rows: the loosest meeting the target, whatever the order
j = run_json(src, "--energy", "mp2", "--scan", "1e-6,1e-2,1e-4,1e-3")
if j:
    ok = [r["tol"] for r in j["scan"] if abs(r["energy_error"]) <= 1.6e-3]
    check(j["selected_tol"] == max(ok) == j["tol"], f"scan selection {j['selected_tol']} vs {ok}")
    check(all(r["meets_target"] == (abs(r["energy_error"]) <= 1.6e-3) for r in j["scan"]), "meets_target flags")
# an unreachable target (the rank cap keeps |dE| large): exit 1 in the automatic search, no output written
p = app(os.path.join(inputs, "h2o_sto-3g.fcidump"), "--energy", "mp2", "--target-energy-error", 1e-6,
        "--max-rank", 5, "--write-fcidump", os.path.join(tmp, "never.fcidump"), expect=1)
check("no tol" in p.stderr and not os.path.exists(os.path.join(tmp, "never.fcidump")), f"unreachable: {p.stderr}")
# FCI too large for the machine: refused before any factorization, with a hint
p = app(n2, "--energy", "fci", expect=2)
check("mp2" in p.stderr, f"FCI too large: {p.stderr}")

print(f"test_factor_app.py: {checks} checks, {fails} failed")
sys.exit(1 if fails else 0)

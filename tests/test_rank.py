"""qclr/rank.h checked against independent numpy/scipy evaluations:
principal angles against scipy.linalg.subspace_angles (to 1e-12, also for
angles of 1e-10 where cosine formulas fail); AIC against a direct numpy
evaluation of the published formula, and its rank recovery on synthetic
rank-r matrices plus Gaussian noise (m x n and symmetric); the gap rule on
the same; Wedin's bound holding for random perturbations; error paths."""
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.linalg

top_builddir = os.environ.get("top_builddir", ".")
drv = os.path.join(top_builddir, "tests", "rank_driver")
tmp = tempfile.mkdtemp(prefix="qclr-rank-")
failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL:", what)


def run(*args, expect=0):
    p = subprocess.run([drv] + [str(a) for a in args], capture_output=True, text=True)
    if p.returncode != expect:
        print(p.stderr)
        raise SystemExit("rank_driver %s exited %d, expected %d" % (args, p.returncode, expect))
    return p.stdout


def npy(name, a):
    path = os.path.join(tmp, name)
    np.save(path, np.ascontiguousarray(a, dtype=np.float64))
    return path


rng = np.random.default_rng(17)

# ---- principal angles vs scipy (scipy lists them descending) ----
worst = 0.0
cases = []
for (m, ka, kb) in [(10, 3, 3), (20, 5, 2), (20, 2, 5), (50, 10, 10), (7, 7, 3), (30, 1, 1)]:
    cases.append((rng.standard_normal((m, ka)), rng.standard_normal((m, kb))))
A = rng.standard_normal((40, 6))
cases.append((A, A + 1e-10 * rng.standard_normal((40, 6))))          # tiny angles
cases.append((A, A @ rng.standard_normal((6, 6))))                   # same span: all zero
Q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
cases.append((Q[:, :4], Q[:, 4:8]))                                  # orthogonal: all pi/2
# overlapping spans, exact angles (0, 0, pi/2, pi/2) known: here scipy's own
# result is off by 1.5e-8 (cosines of equal spans), so the reference is exact
exact = {len(cases): [0, 0, np.pi / 2, np.pi / 2], len(cases) + 1: [0, 0, np.pi / 2, np.pi / 2]}
cases.append((Q[:, :4], Q[:, 2:6]))
cases.append((Q[:, :4] * 1e-150, Q[:, 2:6] * 1e150))                 # scales
for i, (A, B) in enumerate(cases):
    got = np.array([float(x) for x in run("angles", npy("A%d.npy" % i, A), npy("B%d.npy" % i, B)).split()])
    ref = np.array(exact[i]) if i in exact else np.sort(scipy.linalg.subspace_angles(A, B))
    err = np.max(np.abs(got - ref))
    worst = max(worst, err)
    check(got.shape == ref.shape and err < 1e-12, "angles case %d: max diff %.3g" % (i, err))
print("principal angles: %d cases, max |diff| vs scipy %.2e" % (len(cases), worst))
# dependent columns are refused
A = rng.standard_normal((10, 3))
A[:, 2] = A[:, 0] + A[:, 1]
run("angles", npy("Ad.npy", A), npy("Bd.npy", rng.standard_normal((10, 2))), expect=1)


# ---- AIC (corrected, Hurvich & Tsai): direct numpy evaluation of
#      D log(RSS_r / D) + 2 P + 2 P (P + 1) / (D - P - 1) ----
def aic_ref(s, kind, m, n, r):
    rss = float(np.sum(np.asarray(s[r:], dtype=np.float64) ** 2))
    if kind == 0:
        D, P = m * n, r * (m + n - r)
    else:
        D, P = n * (n + 1) / 2, r * n - r * (r - 1) / 2
        rss *= (n + 1) / (2 * n)
    if P >= D - 1:
        return np.inf
    return D * np.log(rss / D) + 2 * P + 2 * P * (P + 1) / (D - P - 1)


def noisy(m, n, r, noise, top=10.0, bottom=1.0):
    U, _ = np.linalg.qr(rng.standard_normal((m, r)))
    V, _ = np.linalg.qr(rng.standard_normal((n, r)))
    s = np.linspace(top, bottom, r)
    return (U * s) @ V.T + noise * rng.standard_normal((m, n))


worst = 0.0
recovered = 0
trials = 0
for (m, n, r, noise) in [(60, 40, 5, 0.01), (100, 30, 8, 0.02), (50, 50, 3, 0.05), (200, 20, 4, 0.01)]:
    for t in range(3):
        X = noisy(m, n, r, noise)
        s = np.linalg.svd(X, compute_uv=False)
        v = npy("s.npy", s)
        for rr in (0, 1, r, r + 3, len(s) - 1):
            ref = aic_ref(s, 0, m, n, rr)
            if not np.isfinite(ref):  # no residual degrees of freedom: refused
                run("aic", v, 0, m, n, rr, expect=1)
                continue
            a = float(run("aic", v, 0, m, n, rr))
            worst = max(worst, abs(a - ref) / max(1.0, abs(ref)))
        out = run("suggest", v, 0, m, n, 1, len(s) - 1).split()
        aic = int(out[2])
        # the gap rule over the leading half (the trailing singular values of a
        # square noise matrix fall towards 0 and make gaps of their own)
        gap = int(run("suggest", v, 0, m, n, 1, min(m, n) // 2).split()[0])
        # the minimizer agrees with numpy's over the same range
        ref_min = 1 + int(np.argmin([aic_ref(s, 0, m, n, k) for k in range(1, len(s))]))
        check(aic == ref_min, "AIC argmin %d vs numpy %d (m %d n %d r %d)" % (aic, ref_min, m, n, r))
        # the gap is visible where the weakest signal (1) stands well above the
        # noise edge noise (sqrt(m) + sqrt(n)) relative to the signal's own ratios
        if noise * (np.sqrt(m) + np.sqrt(n)) < 0.25:
            check(gap == r, "gap rank %d, true rank %d (m %d n %d noise %g)" % (gap, r, m, n, noise))
        trials += 1
        recovered += aic == r
check(recovered == trials, "AIC recovered the rank in %d of %d noisy matrices" % (recovered, trials))
# symmetric: rank-r PSD plus symmetric noise, |eigenvalues|
for (n, r, noise) in [(40, 4, 0.01), (80, 6, 0.02)]:
    U, _ = np.linalg.qr(rng.standard_normal((n, r)))
    M = (U * np.linspace(5, 1, r)) @ U.T
    E = noise * rng.standard_normal((n, n))
    M = M + (E + E.T) / np.sqrt(2)
    ev = np.sort(np.abs(np.linalg.eigvalsh(M)))[::-1]
    v = npy("ev.npy", ev)
    a = float(run("aic", v, 1, 0, n, r))
    worst = max(worst, abs(a - aic_ref(ev, 1, n, n, r)) / max(1.0, abs(a)))
    out = run("suggest", v, 1, 0, n, 1, n // 2).split()
    check(int(out[2]) == r and int(out[0]) == r, "symmetric n %d: AIC %s gap %s, true %d" % (n, out[2], out[0], r))
check(worst < 1e-12, "AIC values vs numpy: max rel diff %.3g" % worst)
print("AIC: values vs numpy max rel diff %.2e; rank recovered in %d/%d noisy matrices" % (worst, recovered, trials))
# no noise model: AIC is not computed
out = run("suggest", npy("s0.npy", [3.0, 2.0, 1e-9]), 0, 0, 0, 1, 2).split()
check(out[2] == "-1" and out[0] == "2", "no noise model: %s" % out)
# bad spectra are refused
run("suggest", npy("bad1.npy", [1.0, 2.0]), 0, 3, 3, 1, 1, expect=1)
run("suggest", npy("bad2.npy", [1.0, -1.0]), 0, 3, 3, 1, 1, expect=1)
run("suggest", npy("bad3.npy", [np.nan, 1.0]), 0, 3, 3, 1, 1, expect=1)

# ---- Wedin: sin(theta_max) <= |E|_2 / (s_r - s_{r+1} - |E|_2) ----
held = 0
tight = 0.0
for t in range(40):
    m, n, r = 30, 20, 4
    s = np.concatenate([np.linspace(10, 5, r), np.linspace(5 * rng.uniform(0.1, 0.9), 0.01, n - r)])
    U, _ = np.linalg.qr(rng.standard_normal((m, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (U * s) @ V.T
    E = rng.standard_normal((m, n))
    E *= rng.uniform(0.01, 1.5) / np.linalg.norm(E, 2)
    e2 = np.linalg.norm(E, 2)
    Ua = np.linalg.svd(A)[0][:, :r]
    Ub = np.linalg.svd(A + E)[0][:, :r]
    smax = np.sin(np.max(scipy.linalg.subspace_angles(Ua, Ub)))
    b = float(run("wedin", repr(s[r - 1]), repr(s[r]), repr(e2)))
    held += smax <= b + 1e-12
    if b < 1:
        tight = max(tight, smax / b)
check(held == 40, "Wedin bound held in %d of 40 perturbations" % held)
print("Wedin: bound held in %d/40 random perturbations (largest sin/bound %.2f)" % (held, tight))
check(float(run("wedin", 1.0, 0.5, 0.6)) == 1.0, "no gap left: bound 1")
run("wedin", 0.5, 1.0, 0.1, expect=1)

if failures:
    print("%d failures" % failures)
    sys.exit(1)
print("ok")

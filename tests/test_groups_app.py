#!/usr/bin/env python3
"""qclr-groups end to end, against numbers computed here with numpy alone:
the Jordan-Wigner fermion operators are built from occupation bitstrings
(blocked order: qubit p = (p, alpha), qubit N+p = (p, beta)), the integrals
read by the peer FCIDUMP reader of tests/peers/factor_peer.py.

Checked from the JSON report: with tau = tau_2 = 0 the groups (constant +
sum of D_g built from the rotations and eigenvalues) equal H as an operator
to 1e-10, and each D_g equals its qubit form (qubit_linear, qubit_quadratic)
in the rotated orbitals' number operators; the Givens list recomposes to U^T
(1e-12, N(N-1)/2 rotations kept + dropped + folded, <= N layers, disjoint layers); means, variances
and shots in the Hartree-Fock determinant and a CI vector from a .npy file
(1e-9) and in the FCI state (1e-6: the app's Davidson residual is ~1e-5); the Pauli sum equals H, QWC groups commute qubit-wise and
follow sorted insertion, their variances and shots; Psi4's FCI energies of
inputs/reference.json (1e-9); simulated estimates within 4 sigma; model:
inputs equal qclr-model's FCIDUMP; Hubbard and dual jellium give 2 groups;
1 vs 2 threads; bad input exits 2 and leaves no JSON behind."""
import itertools
import json
import math
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

APP = os.path.join(builddir, "apps", "qclr-groups")
MODEL = os.path.join(builddir, "apps", "qclr-model")
fails = 0
checks = 0
tmp = tempfile.mkdtemp(prefix="qclr-groups-test-")
ref = {r["file"]: r for r in json.load(open(os.path.join(inputs, "reference.json")))["records"]}


def check(cond, msg):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", msg)


def app(*args, expect=0):
    p = subprocess.run([APP, *map(str, args)], capture_output=True, text=True)
    check(p.returncode == expect, f"qclr-groups {' '.join(map(str, args))}: exit {p.returncode}, want {expect}; "
          f"stderr: {p.stderr.strip()}")
    return p


def run_json(*args):
    p = app(*args, "--json", "-")
    return json.loads(p.stdout) if p.returncode == 0 else None


class Fock:
    """Operators on the 2^(2N) qubit space as dense matrices (N <= 4)."""

    def __init__(self, n):
        self.n, self.nq = n, 2 * n
        self.dim = 1 << self.nq
        self.cache = {}

    def hop(self, P, Q):
        """a+_P a_Q on spin orbitals (qubits) P, Q."""
        key = (P, Q)
        if key not in self.cache:
            m = np.zeros((self.dim, self.dim))
            for b in range(self.dim):
                if not (b >> Q) & 1:
                    continue
                s = (-1) ** bin(b & ((1 << Q) - 1)).count("1")
                c = b ^ (1 << Q)
                if (c >> P) & 1:
                    continue
                s *= (-1) ** bin(c & ((1 << P) - 1)).count("1")
                m[c | (1 << P), b] = s
            self.cache[key] = m
        return self.cache[key]

    def one_body(self, A):
        """sum_pq A_pq E_pq (both spins)."""
        n = self.n
        return sum(A[p, q] * (self.hop(p, q) + self.hop(n + p, n + q))
                   for p in range(n) for q in range(n) if A[p, q] != 0)

    def hamiltonian(self, ham):
        n = self.n
        E = {(p, q): self.hop(p, q) + self.hop(n + p, n + q) for p in range(n) for q in range(n)}
        eri = ham["eri"]
        H = ham["ecore"] * np.eye(self.dim) + self.one_body(ham["h"])
        for p, q in itertools.product(range(n), repeat=2):
            V = sum(eri[p, q, r, s] * E[r, s] for r in range(n) for s in range(n))
            H += 0.5 * E[p, q] @ V
            H -= 0.5 * sum(eri[p, r, r, q] for r in range(n)) * E[p, q]
        return H

    def det(self, occ_a, occ_b):
        """state (prod_{p in alpha} a+_p)(prod_{q in beta} a+_{N+q})|0>, ascending in each product."""
        v = np.zeros(self.dim)
        v[0] = 1.0
        ops = [p for p in sorted(occ_a)] + [self.n + q for q in sorted(occ_b)]
        for P in reversed(ops):
            m = np.zeros((self.dim, self.dim))
            for b in range(self.dim):
                if not (b >> P) & 1:
                    m[b | (1 << P), b] = (-1) ** bin(b & ((1 << P) - 1)).count("1")
            v = m @ v
        return v

    def civec_state(self, c, na, nb):
        """CI vector [alpha string][beta string] (strings ascending as integers) -> qubit state."""
        n = self.n
        sa = sorted(sum(1 << p for p in o) for o in itertools.combinations(range(n), na))
        sb = sorted(sum(1 << p for p in o) for o in itertools.combinations(range(n), nb))
        c = np.asarray(c).reshape(len(sa), len(sb))
        psi = np.zeros(self.dim)
        for i, a in enumerate(sa):
            for j, b in enumerate(sb):
                occ_a = [p for p in range(n) if (a >> p) & 1]
                occ_b = [p for p in range(n) if (b >> p) & 1]
                psi += c[i, j] * self.det(occ_a, occ_b)
        return psi

    def sector(self, na, nb):
        n = self.n
        return np.array([b for b in range(self.dim)
                         if bin(b & ((1 << n) - 1)).count("1") == na and bin(b >> n).count("1") == nb])


def group_operators(F, j):
    """D_g from rotation + eigenvalues, and from the qubit form in rotated number operators."""
    n = j["norb"]
    ops, qops = [], []
    for g in j["groups"]:
        U = np.array(g["rotation"])
        if g["index"] == 0:
            D = F.one_body(U @ np.diag(g["eigenvalues"]) @ U.T)
        else:
            D = 0
            for f in g["eigenvalues"]:
                O = F.one_body(U @ np.diag(f) @ U.T)
                D = D + 0.5 * O @ O
        ops.append(D)
        # rotated number operators: n~_(k,s) = sum_pq U_pk U_qk a+_(p,s) a_(q,s)
        num = []
        for s in range(2):
            for k in range(n):
                num.append(sum(U[p, k] * U[q, k] * F.hop(s * n + p, s * n + q)
                               for p in range(n) for q in range(n)))
        a = np.array(g["qubit_linear"])
        b = np.array(g["qubit_quadratic"]) if "qubit_quadratic" in g else np.zeros((2 * n, 2 * n))
        Q = sum(a[i] * num[i] for i in range(2 * n))
        for i in range(2 * n):
            for k in range(i + 1, 2 * n):
                if b[i, k] != 0:
                    Q = Q + b[i, k] * num[i] @ num[k]
        check(np.allclose(np.tril(b), 0), "qubit_quadratic strictly upper triangular")
        qops.append(Q)
    return ops, qops


def givens_checks(j, name):
    n = j["norb"]
    for g in j["groups"]:
        U = np.array(g["rotation"])
        check(np.abs(U.T @ U - np.eye(n)).max() < 1e-12, f"{name} group {g['index']}: U orthogonal")
        M = np.eye(n)
        for (i, k, th, phi) in g["givens"]:
            i, k = int(i), int(k)
            check(k == i + 1 and phi == 0, f"{name}: nearest-neighbour real rotation")
            G = np.eye(n)
            G[i, i] = G[k, k] = math.cos(th)
            G[i, k], G[k, i] = -math.sin(th), math.sin(th)
            M = G @ M
        M = np.diag(g["final_signs"]) @ M
        check(np.abs(M - U.T).max() <= 1e-12, f"{name} group {g['index']}: Givens recompose to U^T: "
              f"{np.abs(M - U.T).max():.3g}")
        check(len(g["givens"]) + g["givens_dropped"] + g["givens_folded"] == n * (n - 1) // 2
              and g["givens_naive"] == n * (n - 1) // 2 and g["two_qubit_gates"] == 4 * len(g["givens"]),
              f"{name}: rotation count (2 CX per rotation and spin block)")
        check(all(abs(th) >= 1e-12 * math.pi and abs(th) <= math.pi * (1 - 1e-12) for (_, _, th, _) in g["givens"]),
              f"{name}: no rotation by ~0 or ~pi kept")
        check(g["layers"] <= n and max(g["givens_layer"] + [-1]) + 1 == g["layers"], f"{name}: layers {g['layers']}")
        seen = {}
        for (i, _, _, _), lay in zip(g["givens"], g["givens_layer"]):
            for m in (int(i), int(i) + 1):
                check(seen.get((lay, m)) is None, f"{name}: layer {lay} uses mode {m} twice")
                seen[(lay, m)] = True


def moments(op, psi):
    m = psi @ op @ psi
    return m, (op @ psi) @ (op @ psi) - m * m


def shots_check(var, eps, shots, total, name):
    sig = np.sqrt(np.maximum(var, 0))
    M = sig.sum() ** 2 / eps ** 2
    want = [math.ceil(M * s / sig.sum()) if sig.sum() > 0 else 0 for s in sig]
    check(all(abs(a - b) <= 1 for a, b in zip(want, shots)), f"{name}: shots {shots[:5]}... vs {want[:5]}...")
    check(sum(shots) == total, f"{name}: shot total {total} vs {sum(shots)}")


def pauli_matrix(label):
    P = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
         "Z": np.diag([1.0, -1.0])}
    m = np.array([[1.0]])
    for ch in reversed(label):  # qubit 0 is the least significant bit
        m = np.kron(m, P[ch])
    return m


def qwc_sorted_insertion(labels):
    groups, out = [], []
    for lab in labels:
        if set(lab) == {"I"}:
            out.append(-1)
            continue
        for gi, members in enumerate(groups):
            if all(a == "I" or b == "I" or a == b for m in members for a, b in zip(m, lab)):
                members.append(lab)
                out.append(gi)
                break
        else:
            groups.append([lab])
            out.append(len(groups) - 1)
    return out, len(groups)


def full_check(path, ham, name, e_ref=None):
    """Operator-level checks for N <= 4 in the FCI state, HF and a random CI vector."""
    n = ham["norb"]
    nel, ms2 = ham["nelec"], ham["ms2"]
    na, nb = (nel + ms2) // 2, (nel - ms2) // 2
    F = Fock(n)
    H = F.hamiltonian(ham)
    sec = F.sector(na, nb)
    w, v = np.linalg.eigh(H[np.ix_(sec, sec)])
    e0 = w[0]
    psi0 = np.zeros(F.dim)
    psi0[sec] = v[:, 0]
    nondeg = w[1] - w[0] > 1e-6
    if e_ref is not None:
        check(abs(e0 - e_ref) < 1e-9, f"{name}: numpy E_FCI {e0} vs Psi4 {e_ref}")
    eps = 2e-3
    j = run_json(path, "--tol", 0, "--epsilon", eps, "--state", "fci")
    if not j:
        return
    check(j["norb"] == n and j["nqubits"] == 2 * n and j["nalpha"] == na and j["nbeta"] == nb, f"{name}: sizes")
    check(j["qubit_order"].startswith("blocked Jordan-Wigner"), f"{name}: qubit_order")
    check(abs(j["e_core"] - ham["ecore"]) < 1e-12, f"{name}: e_core (the constant of the groups)")
    check(j["ngroups"] == len(j["groups"]), f"{name}: ngroups")
    givens_checks(j, name)
    ops, qops = group_operators(F, j)
    Hg = j["e_core"] * np.eye(F.dim) + sum(ops)
    check(np.abs(Hg - H).max() < 1e-10, f"{name}: constant + sum of groups = H: {np.abs(Hg - H).max():.3g}")
    dq = max(np.abs(a - b).max() for a, b in zip(ops, qops))
    check(dq < 1e-10, f"{name}: D_g = its qubit form in the rotated number operators: {dq:.3g}")
    check(abs(j["energy_exact"] - e0) < 1e-9 and abs(j["energy_groups"] - e0) < 1e-9,
          f"{name}: energies {j['energy_exact']}, {j['energy_groups']} vs numpy {e0}")
    # the app's FCI vector is converged to a residual of ~1e-5 (energy 1e-10), so
    # moments in it agree with the exact eigenvector to ~1e-7, not 1e-9
    if nondeg:
        mv = [moments(D, psi0) for D in ops]
        err = max(abs(g["mean"] - m) + abs(g["variance"] - s) for g, (m, s) in zip(j["groups"], mv))
        check(err < 1e-6, f"{name}: FCI group means/variances vs numpy: {err:.3g}")
    shots_check([g["variance"] for g in j["groups"]], eps, [g["shots"] for g in j["groups"]],
                j["shots_total_basis_rotation"], name)
    # Pauli baseline
    labels = [t["string"] for t in j["pauli"]]
    check(j["pauli_terms"] == len(labels), f"{name}: pauli_terms")
    Hp = sum(t["coefficient"] * pauli_matrix(t["string"]) for t in j["pauli"])
    check(np.abs(Hp - H).max() < 1e-10, f"{name}: Pauli sum = H: {np.abs(Hp - H).max():.3g}")
    mine, ng = qwc_sorted_insertion(labels)
    check(mine == [t["qwc_group"] for t in j["pauli"]] and ng == j["qwc_groups"],
          f"{name}: QWC assignment is sorted insertion ({ng} vs {j['qwc_groups']} groups)")
    if nondeg:
        err = 0
        for gi, grp in enumerate(j["qwc"]):
            A = sum(t["coefficient"] * pauli_matrix(t["string"]) for t in j["pauli"] if t["qwc_group"] == gi)
            m = np.real(psi0 @ A @ psi0)
            s = np.real((A @ psi0).conj() @ (A @ psi0)) - m * m
            err = max(err, abs(m - grp["mean"]) + abs(s - grp["variance"]))
        check(err < 1e-6, f"{name}: QWC means/variances vs numpy: {err:.3g}")
    shots_check([g["variance"] for g in j["qwc"]], eps, [g["shots"] for g in j["qwc"]], j["shots_total_pauli"], name)
    # Hartree-Fock determinant (lowest orbitals)
    jh = run_json(path, "--tol", 0, "--state", "hf")
    if jh:
        phf = F.det(range(na), range(nb))
        err = max(abs(g["mean"] - m) + abs(g["variance"] - s)
                  for g, (m, s) in zip(jh["groups"], (moments(D, phf) for D in ops)))
        check(err < 1e-9, f"{name}: HF group means/variances vs numpy: {err:.3g}")
        check(abs(jh["energy_exact"] - phf @ H @ phf) < 1e-9, f"{name}: HF energy")
        err = 0
        for gi, grp in enumerate(jh["qwc"]):
            A = sum(t["coefficient"] * pauli_matrix(t["string"]) for t in jh["pauli"] if t["qwc_group"] == gi)
            m = np.real(phf @ A @ phf)
            err = max(err, abs(m - grp["mean"]) + abs(np.real((A @ phf).conj() @ (A @ phf)) - m * m - grp["variance"]))
        check(err < 1e-9, f"{name}: HF QWC moments vs numpy: {err:.3g}")
    # a random CI vector from a file, both accepted shapes
    rng = np.random.default_rng(5)
    ca, cb = math.comb(n, na), math.comb(n, nb)
    c = rng.standard_normal((ca, cb))
    for shape in ((ca, cb), (ca * cb,)):
        f = os.path.join(tmp, f"{name}-civec.npy")
        np.save(f, 3.0 * c.reshape(shape))  # not normalized: the app normalizes
        jc = run_json(path, "--tol", 0, "--state", f)
        if not jc:
            continue
        psi = F.civec_state(c / np.linalg.norm(c), na, nb)
        check(abs(jc["energy_exact"] - psi @ H @ psi) < 1e-9, f"{name}: CI-vector energy {jc['energy_exact']} vs "
              f"{psi @ H @ psi}")
        err = max(abs(g["mean"] - m) + abs(g["variance"] - s)
                  for g, (m, s) in zip(jc["groups"], (moments(D, psi) for D in ops)))
        check(err < 1e-9, f"{name}: CI-vector group moments vs numpy: {err:.3g}")
    return j


# ---- H2/STO-3G and H4 (model chain, via qclr-model and model:) ----
h2 = os.path.join(inputs, "h2_sto-3g.fcidump")
j = full_check(h2, peer.read_fcidump(h2), "H2", ref["h2_sto-3g.fcidump"]["e_fci"])
if j:
    check(j["pauli_terms"] == 15 and j["qwc_groups"] == 5, f"H2: {j['pauli_terms']} Pauli terms (want 15), "
          f"{j['qwc_groups']} QWC groups (want 5)")
h4 = os.path.join(tmp, "h4.fcidump")
spec = "model:chain:atoms=4,spacing=0.9"
p = subprocess.run([MODEL, "chain", "--atoms", "4", "--spacing", "0.9", "-o", h4, "--quiet"], capture_output=True,
                   text=True)
check(p.returncode == 0, f"qclr-model chain: {p.stderr}")
if p.returncode == 0:
    jf = full_check(h4, peer.read_fcidump(h4), "H4 chain")
    jm = run_json(spec, "--tol", 0, "--state", "fci")
    if jf and jm:  # the FCIDUMP (17 digits) and the in-memory model agree
        check(abs(jf["energy_exact"] - jm["energy_exact"]) < 1e-10 and jf["ngroups"] == jm["ngroups"]
              and jf["pauli_terms"] == jm["pauli_terms"], "model: input = qclr-model FCIDUMP")
hub = "model:hubbard:nx=2,ny=2,u=4"
jh = run_json(hub, "--tol", 0)
if jh:
    check(jh["ngroups"] == 2 and jh["groups"][1]["merged"] == jh["df_factors"],
          f"Hubbard 2x2: {jh['ngroups']} groups (want 2: one-body + one two-body)")
hubf = os.path.join(tmp, "hub.fcidump")
if subprocess.run([MODEL, "hubbard", "--nx", "2", "--ny", "2", "--u", "4", "-o", hubf, "--quiet"]).returncode == 0:
    full_check(hubf, peer.read_fcidump(hubf), "Hubbard 2x2")
jel = run_json("model:jellium:grid=3,nelec=2,rs=2,bohr=1", "--no-pauli", "--state", "hf")
if jel:
    check(jel["ngroups"] == 2 and jel["norb"] == 27, f"jellium 3^3: {jel['ngroups']} groups (want 2)")
    check(jel["pauli_terms"] is None and jel["shots_total_pauli"] is None, "--no-pauli: nulls")

# ---- molecules: Psi4 energies, default tolerance, HF for big spaces ----
for name in ("lih_sto-3g.fcidump", "h2o_sto-3g.fcidump", "beh2_sto-3g.fcidump"):
    path = os.path.join(inputs, name)
    jt = run_json(path, "--tol", 0)
    if jt:
        check(jt["state"] == "fci", f"{name}: default state fci")
        check(abs(jt["energy_exact"] - ref[name]["e_fci"]) < 1e-9 and abs(jt["energy_groups"] - ref[name]["e_fci"]) < 1e-9,
              f"{name}: energies {jt['energy_exact']}, {jt['energy_groups']} vs Psi4 {ref[name]['e_fci']}")
        givens_checks(jt, name)
        if name == "h2o_sto-3g.fcidump":
            check(jt["pauli_terms"] == 1086, f"H2O: {jt['pauli_terms']} Pauli terms, want 1086")
    jhf = run_json(path, "--state", "hf")
    if jhf:
        check(abs(jhf["energy_exact"] - ref[name]["e_scf"]) < 1e-8, f"{name}: HF energy vs Psi4 SCF")
        e_pauli = jhf["pauli"][0]["coefficient"] + sum(g["mean"] for g in jhf["qwc"])
        check(abs(e_pauli - ref[name]["e_scf"]) < 1e-8, f"{name}: QWC means in HF sum to E_SCF")
# H2O/6-31G has 1.66e6 determinants: the default state is still FCI; C2H4 is HF
jc = run_json(os.path.join(inputs, "c2h4_sto-3g.fcidump"), "--no-pauli")
if jc:
    check(jc["state"] == "hf", "C2H4: default state hf (9e6 determinants)")

# ---- simulated experiment (LiH, FCI state) ----
lih = os.path.join(inputs, "lih_sto-3g.fcidump")
within = 0
for seed in (1, 2, 3):
    js = run_json(lih, "--simulate", "--epsilon", 1e-2, "--seed", seed)
    if js:
        s = js["simulation"]
        within += abs(s["energy"] - s["energy_groups"]) <= 4 * s["energy_stderr"]
        check(s["discarded"] == 0 and s["kept"] == s["shots"] == js["shots_total_basis_rotation"], "noiseless: all kept")
        check(0.5e-2 < s["energy_stderr"] < 2e-2, f"seed {seed}: stderr {s['energy_stderr']} vs target 1e-2")
check(within == 3, f"LiH: {within} of 3 simulated estimates within 4 sigma")
js = run_json(lih, "--simulate", "--shots", 20000, "--noise", 0.01, "--seed", 4)
if js:
    s = js["simulation"]
    check(s["shots"] == 20000 and 0 < s["discarded"] < s["shots"] and s["kept"] + s["discarded"] == s["shots"],
          f"noise: shots {s['shots']}, kept {s['kept']}, discarded {s['discarded']}")
j1 = run_json(lih, "--threads", 1, "--simulate", "--seed", 7)
j2 = run_json(lih, "--threads", 2, "--simulate", "--seed", 7)
if j1 and j2:
    d = max(abs(a["variance"] - b["variance"]) + abs(a["mean"] - b["mean"]) for a, b in zip(j1["groups"], j2["groups"]))
    check(d == 0, f"1 vs 2 threads: group moments differ by {d:.3g} (bitwise expected)")
    check(j1["simulation"]["energy"] == j2["simulation"]["energy"], "1 vs 2 threads: same simulated estimate")

# ---- QASM files ----
qd = os.path.join(tmp, "qasm")
jq = run_json(h2, "--qasm", qd)
if jq:
    for g in jq["groups"]:
        for k in ("qasm2", "qasm3"):
            f = os.path.join(qd, g[k])
            check(os.path.exists(f), f"{f} written")
            head = open(f).readline() if os.path.exists(f) else ""
            check(head.startswith("OPENQASM 2.0;" if k == "qasm2" else "OPENQASM 3.0;"), f"{f}: header")

# ---- bad input: exit 2, a clear message, no JSON left behind ----
out = os.path.join(tmp, "bad.json")
badvec = os.path.join(tmp, "bad.npy")
np.save(badvec, np.zeros(7))
nanvec = os.path.join(tmp, "nan.npy")
np.save(nanvec, np.full((2, 2), np.nan))
zerovec = os.path.join(tmp, "zero.npy")
np.save(zerovec, np.zeros((2, 2)))
garbage = os.path.join(tmp, "garbage.fcidump")
open(garbage, "w").write("&FCI NORB=2,NELEC=2,\n&END\n 1.0 3 1 1 1\n")
for args, what in (([h2, "--state", badvec], "shape"), ([h2, "--state", nanvec], "non-finite"),
                   ([h2, "--state", zerovec], "zero"), ([h2, "--state", "nope.npy"], "cannot open"),
                   ([h2, "--state", "foo"], "--state"), ([garbage], "garbage.fcidump:3"),
                   ([h2, "--tol", "-1"], "--tol"), ([h2, "--shots", "5"], "--simulate"),
                   ([h2, "--qasm", os.path.join(tmp, "no", "such", "dir")], "No such file or directory"),
                   (["model:nosuch"], "model"), ([h2, "--method", "x"], "--method"), ([], "missing")):
    p = app(*args, "--json", out, expect=2)
    check(what in p.stderr, f"{args}: message {p.stderr.strip()!r} lacks {what!r}")
    check(not os.path.exists(out), f"{args}: JSON written despite the error")
p = app(h2, "--help")
check("--state" in p.stdout and "--qasm" in p.stdout, "--help lists the options")

print(f"test_groups_app: {checks} checks, {fails} failed")
sys.exit(1 if fails else 0)

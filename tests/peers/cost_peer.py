"""Second, independent implementation of the qubitized-phase-estimation cost
formulas (Toffolis per step, total Toffolis, logical qubits), written in
Python from the published step lists:

  SF   Berry, Gidney, Motta, McClean, Babbush, Quantum 3, 208 (2019), App. C,
       steps 1-10 and its qubit list (as used in Lee et al. 2021, App. B);
  DF   von Burg et al., PRR 3, 033055 (2021), refined in Lee et al., PRX
       Quantum 2, 030305 (2021), App. C (Eqs. C27-C40 and the qubit list);
  THC  Lee et al. 2021, Eqs. (27)-(44) and the qubit list of Sec. III.

Every cost is built from the same primitives:
  qrom(d, w)      advanced QROM over d items of w bits, k = 2^j-fold
                  parallel, cost ceil(d/k) + w(k-1), j the better of
                  floor/ceil of log2(d/w)/2 (d >= w required);
  unqrom(d)       its measurement-based erasure, ceil(d/k) + k;
  qrom2(d1,d2,w)  two-index QROM, k1, k2 in 2^1..2^16;
  rotbits(...)    bits of the amplitude-amplification rotation, minimizing
                  steps (1/P - 1) + 4 b over b = 1..20, with P continued to
                  complex arguments as the published notebooks do (the
                  argument of arccos exceeds 1 for SF and DF).
The total is (Toffolis per step) x ceil(pi lambda / (2 dE)); the rotation
bits are chosen in a first pass with 20000 steps and a second pass with the
first pass's Toffolis per step.  Used by tests/test_cost_app.py.
"""
import cmath
import math


class DomainError(ValueError):
    pass


def nbits(x):
    """ceil(log2 x) for an integer x >= 1 (exact, no floating point)."""
    return (x - 1).bit_length()


def nbits_ratio(a, b):
    """ceil(log2(a/b)) for integers a, b >= 1 (may be negative)."""
    k = 0
    if a > b:
        while b * 2 ** k < a:
            k += 1
        return k
    while a * 2 ** (-k + 1) <= b:
        k -= 1
    return k


def trailing_twos(m):
    return (m & -m).bit_length() - 1


def qrom(d, w):
    if d < w:
        raise DomainError("QROM over %d items of %d bits" % (d, w))
    x = math.log2(d / w) / 2
    cand = []
    for j in (math.floor(x), math.ceil(x)):
        cand.append((d / 2.0 ** j + w * (2.0 ** j - 1), j))
    best = min(cand, key=lambda c: c[0])  # ties: floor (listed first)
    j = best[1]
    return j, -(-d // 2 ** j) + w * (2 ** j - 1)


def unqrom(d):
    x = math.log2(d) / 2
    cand = [(d / 2.0 ** j + 2.0 ** j, j) for j in (math.floor(x), math.ceil(x))]
    j = min(cand, key=lambda c: c[0])[1]
    return j, -(-d // 2 ** j) + 2 ** j


def qrom2(d1, d2, w):
    best = None
    for j1 in range(1, 17):
        for j2 in range(1, 17):
            c = (-(-d1 // 2 ** j1)) * (-(-d2 // 2 ** j2)) + w * (2 ** (j1 + j2) - 1)
            if best is None or c < best[0]:
                best = (c, 2 ** j1, 2 ** j2)
    return best[1], best[2], best[0]


def rotbits(steps, count, reg_bits):
    reg = 2.0 ** reg_bits
    root = math.sqrt(count)
    theta = cmath.acos(complex(reg / root / 2, 0.0))
    vals = []
    for b in range(1, 21):
        t = theta * (2.0 ** b / (2 * math.pi))
        v = complex(round(t.real), round(t.imag))
        amp = cmath.cos(v * 2 * math.pi / 2.0 ** b) * root / reg
        s = cmath.sin(3 * cmath.asin(amp))
        vals.append((steps * (1 / s ** 2 - 1) + 4 * b).real)
    return 1 + min(range(20), key=lambda i: (vals[i], i))


def walk_steps(lam, dE):
    return math.ceil(math.pi * lam / (dE * 2))


def _sf_once(n, lam, dE, L, chi, steps):
    it = walk_steps(lam, dE)
    eta, nL, nN = trailing_twos(L + 1), nbits(L + 1), nbits(n // 2)
    b1 = rotbits(steps, (L + 1) // 2 ** eta, nL)
    pq = n * n // 8 + n // 4  # number of (p, q) with p <= q per spin
    b2 = rotbits(20000, pq, 2 * nN)  # the published notebook fixes 20000 here
    w = 2 * nN + chi + 2
    k1, k2, qa = qrom2(L + 1, pq, w)
    qb = qrom2(L, pq, w)[2]
    tof = (2 * (3 * nL - 3 * eta + 2 * b1 - 9)
           + qrom(L + 1, nL + chi + 2)[1] + unqrom(L + 1)[1]
           + 2 * (chi + nL + 1)
           + 4 * (6 * nN + 2 * b2 - 7)
           + 4 * (nN ** 2 + nN - 1)
           + qa + unqrom((L + 1) * pq)[1] + qb + unqrom(L * pq)[1]
           + 4 * (chi + 2 * nN)
           + 4 * nN + (4 * n - 8) + (2 * nN + chi + 3) + 1
           + (nL + 2 * nN + 2 * chi + 2) + 2)
    qub = ((2 * nbits(it) - 1) + n + (nL + 2) + (nL + 2 * chi + 3) + (2 * nN + 2)
           + nbits(pq) + chi + b2
           + k1 * k2 * w + nbits_ratio(L + 1, k1) + nbits_ratio(pq, k2))
    return tof, tof * it, qub


def _df_once(n, lam, dE, L, Lxi, chi, beta, steps):
    it = walk_steps(lam, dE)
    half = n // 2
    nxi, nLxi, nL, eta = nbits(half), nbits(Lxi + half), nbits(L + 1), trailing_twos(L + 1)
    b = rotbits(steps, (L + 1) // 2 ** eta, nL)
    b2 = 7  # rotation bits of the second register's equal superposition (fixed in the paper)
    bo = nxi + nLxi + b2 + 1  # Eq. (C29): the data output includes that rotation angle
    w2 = nxi + chi + 2
    wrot = n * beta // 2
    jrot, qrot = qrom(Lxi + half, wrot)
    tof = (2 * (3 * nL + 2 * b - 3 * eta - 9) + qrom(L + 1, nL + chi)[1] + unqrom(L + 1)[1] + 2 * (chi + nL)
           + qrom(L + 1, bo)[1] + unqrom(L + 1)[1]
           + 4 * (7 * nxi + 2 * b2 - 6) + 4 * (nLxi - 1)
           + qrom(Lxi + half, w2)[1] + unqrom(Lxi + half)[1] + qrom(Lxi, w2)[1] + unqrom(Lxi)[1]
           + 4 * (nxi + chi)
           + 4 * (nLxi - 1) + qrot + unqrom(Lxi + half)[1] + qrom(Lxi, wrot)[1] + unqrom(Lxi)[1]
           + 2 * n + 4 * n * (beta - 2) + 3
           + (nxi + chi + 2) + (nL + nxi + chi + 1) + 2)
    qub = ((2 * nbits(it + 1) - 1) + n + (nL + 2) + (nL + 2 * chi + 1) + bo + (nxi + 2) + w2 + (chi + 1)
           + 2 ** jrot * wrot + beta + 1 + 1)
    return tof, tof * it, qub


def _thc_once(n, lam, dE, M, chi, beta, steps):
    it = walk_steps(lam, dE)
    half = n // 2
    nM = nbits(M + 1)
    d = M * (M + 1) // 2 + half
    w = 2 * nM + 2 + chi
    b = rotbits(steps, d, nM)
    jt, qd = qrom(d, w)
    k1 = 2 ** unqrom(M + half)[0]
    prep = (2 * (10 * nM + 2 * b - 9) + 2 * (nM ** 2 + nM - 1) + qd + unqrom(d)[1]
            + 2 * chi + 4 * nM + 2 * nM + 2)
    sel = (2 * n + (M + half - 2) + (M - 2) + 4 * n * (beta - 2) + 2
           + (-(-M // k1)) + (-(-half // k1)) + k1 + unqrom(M)[1])
    tof = prep + sel + 2 * nM + chi + 4
    base = (2 * nbits(it + 1) - 1) + n + 2 * nM + chi + 7 + beta + nbits(d)
    kt = 2 ** jt
    qub = base + max(w * kt + nbits_ratio(d, kt), beta * half + beta - 2 + w)
    return tof, tof * it, qub


def cost_sf(n, lam, dE, L, chi=10, steps=20000):
    first = _sf_once(n, lam, dE, L, chi, steps)
    return _sf_once(n, lam, dE, L, chi, first[0])


def cost_df(n, lam, dE, L, Lxi, chi=10, beta=16, steps=20000):
    first = _df_once(n, lam, dE, L, Lxi, chi, beta, steps)
    return _df_once(n, lam, dE, L, Lxi, chi, beta, first[0])


def cost_thc(n, lam, dE, M, chi=10, beta=16, steps=20000):
    first = _thc_once(n, lam, dE, M, chi, beta, steps)
    return _thc_once(n, lam, dE, M, chi, beta, first[0])


if __name__ == "__main__":
    import json
    import sys
    data = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "inputs/costs.json"))
    for c in data["cases"]:
        if c["method"] == "sf":
            got = cost_sf(c["n_spin_orbitals"], c["lam"], c["dE"], c["L"], c["chi"])
        elif c["method"] == "df":
            got = cost_df(c["n_spin_orbitals"], c["lam"], c["dE"], c["L"], c["Lxi"], c["chi"], c["beta"])
        else:
            got = cost_thc(c["n_spin_orbitals"], c["lam"], c["dE"], c["M"], c["chi"], c["beta"])
        print(c["case"], list(got), c["result"], "ok" if list(got) == c["result"] else "MISMATCH")

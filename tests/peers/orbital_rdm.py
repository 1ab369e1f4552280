#!/usr/bin/env python3
"""Brute-force orbital entanglement of a CI vector (numpy/scipy), the
independent reference for qclr_tt_orbital_entropies.

The CI vector (PySCF order: [alpha string, beta string], strings ascending
as integers, determinant = (prod a+_{p alpha})(prod a+_{q beta})|vac>) is
expanded in the Fock space of 2N modes with explicit creation operators, and
the one- and two-orbital reduced density matrices are evaluated from their
fermionic definition,
    rho_{x,y} = <psi| C_x P0 C_y^+ |psi>,
C_x the product of the creation operators of local state x of the orbitals
(in the order i alpha, i beta, j alpha, j beta), P0 the projector on their
vacuum: no Jordan-Wigner bookkeeping, no orbital permutation.
Entropies in nats; I_ij = 1/2 (s_i + s_j - s_ij), I_ii = 0.

  orbital_rdm.py CIVEC.npy NORB NALPHA NBETA
prints one JSON line {"single_orbital_entropies", "mutual_information"}.
"""
import json
import sys

import numpy as np
import scipy.sparse as sp


def strings(norb, nel):
    return [s for s in range(1 << norb) if bin(s).count("1") == nel]


def fock_vector(c, norb, na, nb):
    """psi over 2 norb modes (mode 2p = p alpha, 2p+1 = p beta; mode m is bit m)."""
    sa, sb = strings(norb, na), strings(norb, nb)
    psi = np.zeros(1 << (2 * norb))
    for i, a in enumerate(sa):
        for j, b in enumerate(sb):
            modes = [2 * p for p in range(norb) if a >> p & 1] + [2 * p + 1 for p in range(norb) if b >> p & 1]
            state, sign = 0, 1
            for m in reversed(modes):  # rightmost creation operator acts first
                sign *= -1 if bin(state & ((1 << m) - 1)).count("1") & 1 else 1
                state |= 1 << m
            psi[state] += sign * c[i, j]
    return psi


def annihilators(nmodes):
    dim = 1 << nmodes
    idx = np.arange(dim)
    ops = []
    for m in range(nmodes):
        cols = idx[(idx >> m) & 1 == 1]
        below = np.array([bin(x & ((1 << m) - 1)).count("1") & 1 for x in cols])
        ops.append(sp.csr_matrix(((-1.0) ** below, (cols ^ (1 << m), cols)), shape=(dim, dim)))
    return ops


def entropy(rho):
    w = np.linalg.eigvalsh(rho)
    w = w[w > 1e-300]
    return float(-np.sum(w * np.log(w)))


def orbital_rdm(psi, ann, orbs):
    modes = [m for o in orbs for m in (2 * o, 2 * o + 1)]
    # v_y = P0 C_y^+ psi; then rho_{xy} = v_x . v_y (P0 is a projector)
    vs = []
    for y in range(1 << len(modes)):
        v = psi
        for k in range(len(modes)):  # C_y^+ = (a+_{m1} a+_{m2} ...)^+ = ... a_{m2} a_{m1}
            if y >> k & 1:
                v = ann[modes[k]] @ v
        for m in modes:  # P0 = prod (1 - n_m)
            v = v - ann[m].T @ (ann[m] @ v)
        vs.append(v)
    V = np.array(vs)
    return V @ V.T


def main(argv):
    c = np.load(argv[0])
    norb, na, nb = int(argv[1]), int(argv[2]), int(argv[3])
    c = c.reshape(len(strings(norb, na)), len(strings(norb, nb)))
    psi = fock_vector(c, norb, na, nb)
    psi /= np.linalg.norm(psi)
    ann = annihilators(2 * norb)
    s1 = [entropy(orbital_rdm(psi, ann, [i])) for i in range(norb)]
    mi = np.zeros((norb, norb))
    for i in range(norb):
        for j in range(i + 1, norb):
            mi[i, j] = mi[j, i] = 0.5 * (s1[i] + s1[j] - entropy(orbital_rdm(psi, ann, [i, j])))
    print(json.dumps({"single_orbital_entropies": s1, "mutual_information": mi.tolist()}))


if __name__ == "__main__":
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    main(sys.argv[1:])

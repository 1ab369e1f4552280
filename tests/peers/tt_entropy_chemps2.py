#!/usr/bin/env python3
"""Orbital entanglement of an FCIDUMP ground state from CheMPS2, the peer of
qclr-tt's single-orbital entropies and mutual information.

CheMPS2 (spin-adapted DMRG, C1, orbitals in the FCIDUMP order) is run with a
bond dimension large enough to be exact for small molecules; its
Correlations object gives s_i = -tr rho_i ln rho_i and
I_ij = 1/2 (s_i + s_j - s_ij)(1 - delta_ij), the conventions of docs/conventions.md.

  tt_entropy_chemps2.py FCIDUMP [D]
prints one JSON line: {"energy", "single_orbital_entropies", "mutual_information"}.
"""
import ctypes
import json
import os
import sys
import tempfile

import numpy as np


def read_fcidump(path):
    text = open(path).read()
    up = text.upper()
    end = min(k for k in (up.find("&END"), up.find("/\n"), up.find("$END")) if k >= 0)
    hdr, body = text[:end], text[end:].split("\n", 1)[1]

    def key(name):
        k = hdr.upper().find(name + "=")
        return int(hdr[k + len(name) + 1:].split(",")[0])

    records = []
    for line in body.split("\n"):
        p = line.split()
        if len(p) != 5:
            continue
        records.append((float(p[0].replace("D", "E").replace("d", "e")), *(int(x) for x in p[1:])))
    return key("NORB"), key("NELEC"), key("MS2"), records


def main(argv):
    import PyCheMPS2
    path = argv[0]
    D = int(argv[1]) if len(argv) > 1 else 800
    L, nel, ms2, records = read_fcidump(path)
    init = PyCheMPS2.PyInitialize()
    init.Init()
    ham = PyCheMPS2.PyHamiltonian(L, 0, np.zeros([L], dtype=ctypes.c_int))
    ham.setEconst(0.0)
    for v, i, j, k, l in records:
        if l:
            ham.setVmat(i - 1, k - 1, j - 1, l - 1, v)  # physics <ik|jl> = chemists (ij|kl)
        elif j:
            ham.setTmat(i - 1, j - 1, v)
            ham.setTmat(j - 1, i - 1, v)
        elif i == 0:
            ham.setEconst(v)
    prob = PyCheMPS2.PyProblem(ham, ms2, nel, 0)  # TwoS = MS2: the high-spin member is the ground state here
    scheme = PyCheMPS2.PyConvergenceScheme(3)
    scheme.setInstruction(0, D, 1e-10, 10, 0.05)
    scheme.setInstruction(1, D, 1e-12, 10, 0.0)
    scheme.setInstruction(2, D, 1e-13, 10, 0.0)
    cwd = os.getcwd()
    tmp = tempfile.mkdtemp()
    os.chdir(tmp)  # CheMPS2 may write scratch files in the working directory
    best = None
    try:
        # CheMPS2 prints its progress on stdout: silence the C-level stdout
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        sys.stdout.flush()
        os.dup2(devnull, 1)
        try:
            # DMRG from a random start can settle in an excited state: keep the
            # lowest of three runs
            for _ in range(3):
                dmrg = PyCheMPS2.PyDMRG(prob, scheme, False, tmp.encode())
                e = dmrg.Solve()
                if best is None or e < best[0] - 1e-9:
                    dmrg.calc2DMandCorrelations()
                    s1 = [dmrg.getSingleOrbEntropy(i) for i in range(L)]
                    mi = [[dmrg.getMutInfo(i, j) if i != j else 0.0 for j in range(L)] for i in range(L)]
                    best = (e, s1, mi)
                dmrg.deleteStoredMPS()
                del dmrg
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(devnull)
            os.close(saved)
    finally:
        os.chdir(cwd)
    print(json.dumps({"energy": best[0], "single_orbital_entropies": best[1], "mutual_information": best[2]}))


if __name__ == "__main__":
    if not sys.argv[1:]:
        raise SystemExit(__doc__)
    main(sys.argv[1:])

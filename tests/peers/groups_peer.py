#!/usr/bin/env python3
"""numpy peer for `qclr-bench groups`: the same job as qclr's groups step on
the same synthetic double factorization, the way Python tools do it today
(OpenFermion's givens_decomposition_square / ffsim-style loops over numpy
rows): diagonalize T, decompose every rotation U^T into nearest-neighbour
Givens rotations (Clements order, angles from atan2), check the
recomposition, and write OpenQASM 2.0 and 3.0 text for every group.

usage: groups_peer.py T.npy U.npy     (U: L x N x N rotations)
prints: "<seconds: eigh + Givens> <seconds: QASM text> <groups> <two-qubit gates> <QASM bytes> <max recomposition error>"
"""
import math
import sys
import time

import numpy as np


def givens(m):
    """Clements decomposition of an orthogonal m: list of (i, theta), signs d with m = D G_K..G_1."""
    n = m.shape[0]
    a = m.copy()
    left, right = [], []
    for i in range(n - 1):
        if i % 2 == 0:
            for j in range(i + 1):
                r, c = n - 1 - j, i - j
                th = math.atan2(-a[r, c], a[r, c + 1])
                cs, sn = math.cos(th), math.sin(th)
                x, y = a[:, c].copy(), a[:, c + 1].copy()
                a[:, c], a[:, c + 1] = cs * x + sn * y, -sn * x + cs * y
                right.append((c, th))
        else:
            for j in range(1, i + 2):
                r, c = n + j - i - 2, j - 1
                th = math.atan2(-a[r, c], a[r - 1, c])
                cs, sn = math.cos(th), math.sin(th)
                x, y = a[r - 1].copy(), a[r].copy()
                a[r - 1], a[r] = cs * x - sn * y, sn * x + cs * y
                left.append((r - 1, th))
    d = np.where(np.diag(a) < 0, -1.0, 1.0)
    rot = [(c, -th) for c, th in right] + [(i, -th * d[i] * d[i + 1]) for i, th in reversed(left)]
    return rot, d


def recompose(n, rot, d):
    out = np.eye(n)
    for i, th in rot:
        cs, sn = math.cos(th), math.sin(th)
        x, y = out[i].copy(), out[i + 1].copy()
        out[i], out[i + 1] = cs * x - sn * y, sn * x + cs * y
    return d[:, None] * out


def layers(n, rot):
    last = [0] * n
    lay = []
    for i, _ in rot:
        l = max(last[i], last[i + 1])
        lay.append(l)
        last[i] = last[i + 1] = l + 1
    return lay


def qasm(n, rot, d, version):
    lay = layers(n, rot)
    out = ["OPENQASM 3.0;\ninclude \"stdgates.inc\";\n" if version == 3 else "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n"]
    out.append("gate givens(theta) a,b { cx b,a; ry(theta) b; cx a,b; ry(-theta) b; cx a,b; cx b,a; }\n")
    out.append(f"qubit[{2 * n}] q;\nbit[{2 * n}] c;\n" if version == 3 else f"qreg q[{2 * n}];\ncreg c[{2 * n}];\n")
    sep = "], q[" if version == 3 else "],q["
    for l in range(max(lay) + 1 if lay else 0):
        for (i, th), li in zip(rot, lay):
            if li == l:
                out.append(f"givens({th!r}) q[{i}{sep}{i + 1}];\n")
                out.append(f"givens({th!r}) q[{i + n}{sep}{i + 1 + n}];\n")
    for k in range(n):
        if d[k] < 0:
            out.append(f"z q[{k}];\nz q[{k + n}];\n")
    out.append("c = measure q;\n" if version == 3 else "measure q -> c;\n")
    return "".join(out)


def main():
    T = np.load(sys.argv[1])
    U = np.load(sys.argv[2])
    t0 = time.perf_counter()
    _, w = np.linalg.eigh(T)
    rots = [w] + [U[l] for l in range(U.shape[0])]
    n = T.shape[0]
    nets = [givens(R.T.copy()) for R in rots]
    t1 = time.perf_counter()
    nbytes = sum(len(qasm(n, rot, d, v)) for rot, d in nets for v in (2, 3))
    t2 = time.perf_counter()
    err = max(float(np.abs(recompose(n, rot, d) - R.T).max()) for (rot, d), R in zip(nets, rots))
    gates = sum(2 * len(rot) for rot, _ in nets)
    print(f"{t1 - t0:.6f} {t2 - t1:.6f} {len(rots)} {gates} {nbytes} {err:.3e}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Textbook numpy TT-SVD (Oseledets 2011), the peer of qclr's TT-SVD.

Two kernels, written the way TT codes in Python usually are (ttpy/tntorch
style): 'gesdd' = np.linalg.svd of every unfolding; 'gram' = eigh of A A^T on
wide unfoldings.  Same truncation rule as qclr: delta = eps/sqrt(d-1) ||x||,
optional max rank after.

CLI (used by qclr-bench tt):
  tt_svd.py --kernel gesdd|gram --eps EPS [--max-rank R] [--dims d1,d2,..] FILE.npy
prints one JSON line: {"time_s", "ranks", "rel_error", "maxrss_kb"}.
"""
import json
import resource
import sys
import time

import numpy as np


def tt_svd(x, dims, eps, kernel="gesdd", max_rank=0):
    d = len(dims)
    norm2 = float(np.dot(x.ravel(), x.ravel()))
    delta2 = eps * eps / max(d - 1, 1) * norm2
    cores, ranks, err2 = [], [1], 0.0
    W = x.reshape(-1)
    r = 1
    for k in range(d - 1):
        A = W.reshape(r * dims[k], -1)
        m, n = A.shape
        if kernel == "gram" and m <= n:
            w, V = np.linalg.eigh(A @ A.T)
            w, V = np.maximum(w[::-1], 0), V[:, ::-1]
            s2 = w
        else:
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            s2 = s * s
        tail = np.cumsum(s2[::-1])[::-1]  # tail[i] = sum_{j>=i} s2[j]
        rk = len(s2)
        while rk > 1 and tail[rk - 1] <= delta2:
            rk -= 1
        if max_rank and rk > max_rank:
            rk = max_rank
        err2 += float(np.sum(s2[rk:]))
        if kernel == "gram" and m <= n:
            Uk = V[:, :rk]
            W = Uk.T @ A
        else:
            Uk = U[:, :rk]
            W = s[:rk, None] * Vt[:rk]
        cores.append(Uk.reshape(r, dims[k], rk))
        r = rk
        ranks.append(rk)
    cores.append(W.reshape(r, dims[-1], 1))
    ranks.append(1)
    return cores, ranks, np.sqrt(err2 / norm2) if norm2 > 0 else 0.0


def tt_full(cores):
    x = np.ones((1, 1))
    for G in cores:
        x = np.tensordot(x, G, axes=([-1], [0]))
    return x.reshape(-1)


def main(argv):
    kernel, eps, max_rank, dims, path = "gesdd", 1e-6, 0, None, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--kernel":
            kernel = argv[i + 1]; i += 2
        elif a == "--eps":
            eps = float(argv[i + 1]); i += 2
        elif a == "--max-rank":
            max_rank = int(argv[i + 1]); i += 2
        elif a == "--dims":
            dims = [int(v) for v in argv[i + 1].split(",")]; i += 2
        else:
            path = a; i += 1
    x = np.load(path)
    if dims is None:
        dims = list(x.shape) if x.ndim > 1 else [2] * int(round(np.log2(x.size)))
    t0 = time.perf_counter()
    cores, ranks, err = tt_svd(x, dims, eps, kernel, max_rank)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"time_s": dt, "ranks": ranks, "rel_error": err, "maxrss_kb": rss}))


if __name__ == "__main__":
    main(sys.argv[1:])

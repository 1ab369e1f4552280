#!/usr/bin/env python3
"""FCIDUMP reader written the way a Python user would: skip the namelist
header, np.loadtxt the integral lines, fill an N^4 ERI array with the 8-fold
symmetry and a symmetric h.  Peer of qclr's reader for `qclr-bench fcidump`.

usage: fcidump_numpy.py FILE [REPS]
prints one JSON object: best read seconds, bytes, norb and checksums
(sum of the full ERI array, of h, and e_core) so the caller can check that
both readers saw the same numbers."""
import json
import os
import re
import sys
import time

import numpy as np


def read_fcidump(path):
    with open(path) as f:
        header = []
        for line in f:
            header.append(line)
            if re.search(r"&END|^\s*/\s*$|\$END", line, re.IGNORECASE):
                break
        text = " ".join(header)
        norb = int(re.search(r"NORB\s*=\s*(\d+)", text, re.IGNORECASE).group(1))
        nelec = int(re.search(r"NELEC\s*=\s*(\d+)", text, re.IGNORECASE).group(1))
        data = np.loadtxt(f, dtype=np.float64, ndmin=2)
    v = data[:, 0]
    idx = data[:, 1:].astype(np.int64)
    i, j, k, l = idx[:, 0], idx[:, 1], idx[:, 2], idx[:, 3]
    eri = np.zeros((norb,) * 4)
    h = np.zeros((norb, norb))
    two = (k > 0)
    a, b, c, d, w = i[two] - 1, j[two] - 1, k[two] - 1, l[two] - 1, v[two]
    for (p, q, r, s) in ((a, b, c, d), (b, a, c, d), (a, b, d, c), (b, a, d, c),
                         (c, d, a, b), (d, c, a, b), (c, d, b, a), (d, c, b, a)):
        eri[p, q, r, s] = w
    one = (k == 0) & (j > 0)
    h[i[one] - 1, j[one] - 1] = v[one]
    h[j[one] - 1, i[one] - 1] = v[one]
    core = v[(i == 0) & (j == 0) & (k == 0) & (l == 0)]
    e_core = float(core[-1]) if core.size else 0.0
    return norb, nelec, h, eri, e_core


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    best = None
    for _ in range(reps):
        t0 = time.perf_counter()
        norb, nelec, h, eri, e_core = read_fcidump(path)
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    print(json.dumps({"seconds": best, "bytes": os.path.getsize(path), "norb": norb,
                      "eri_sum": float(eri.sum()), "h_sum": float(h.sum()),
                      "e_core": e_core, "numpy": np.__version__}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write inputs/mps12.npy: a random MPS of bond dimension 4 on 12 qubits
(cores with independent standard normal entries, seed 12), contracted to a
dense vector of 2^12 entries in C order (site 1 slowest), normalized, plus
Gaussian noise of relative norm 1e-6 (the qclr-tt example of
docs/apps/qclr-tt.md).  Usage: python3 inputs/make_mps.py [OUT.npy]"""
import sys
import numpy as np

rng = np.random.default_rng(12)
d, r = 12, 4
ranks = [1] + [min(r, 2 ** k, 2 ** (d - k)) for k in range(1, d)] + [1]
x = np.ones((1, 1))
for k in range(d):
    core = rng.standard_normal((ranks[k], 2, ranks[k + 1]))
    x = np.einsum("ia,ajb->ijb", x, core).reshape(-1, ranks[k + 1])
x = x.reshape(-1)
x /= np.linalg.norm(x)
noise = rng.standard_normal(x.size)
x += 1e-6 * noise / np.linalg.norm(noise)
np.save(sys.argv[1] if len(sys.argv) > 1 else "inputs/mps12.npy", x)

#!/usr/bin/env python3
"""Python-call overhead of qclr.double_factorized against the bare C calls.

Both run in this process on the same Hamiltonian (default: a 58-orbital H
chain, STO-3G, built once, not timed): "C" is qclr_cholesky_compute +
qclr_df_compute called directly (one ctypes call each, no copies), "Python"
is qclr.double_factorized (argument checks, options from the C defaults, the
same two calls, the results copied into numpy arrays (L, N, N)).  Prints the
median of --repeat runs of each and the overhead in percent.

  python3 bench/python_overhead.py [--atoms 58] [--tol 1e-6] [--repeat 5] [FCIDUMP]
(run from a built checkout, or with qclr installed / QCLR_LIBRARY set)
"""
import argparse
import ctypes
import os
import statistics
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "python"))
import qclr  # noqa: E402
from qclr import _lib  # noqa: E402


def c_call(H, tol):
    lib = _lib.lib
    o = _lib.options(_lib.CholeskyOptions, "qclr_cholesky_options_default")
    o.tol = tol
    lr, df = ctypes.c_void_p(), ctypes.c_void_p()
    t0 = time.perf_counter()
    rc = lib.qclr_cholesky_compute(H._h, ctypes.byref(o), ctypes.byref(lr))
    rc2 = lib.qclr_df_compute(H._h, lr, None, ctypes.byref(df))
    t = time.perf_counter() - t0
    assert rc == 0 and rc2 == 0
    lib.qclr_df_free(df)
    lib.qclr_lowrank_free(lr)
    return t


def py_call(H, tol):
    t0 = time.perf_counter()
    Z, U = qclr.double_factorized(H, tol=tol)
    return time.perf_counter() - t0, Z.shape


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("fcidump", nargs="?")
    ap.add_argument("--atoms", type=int, default=58)
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    H = qclr.Hamiltonian.from_fcidump(a.fcidump) if a.fcidump else qclr.models.hydrogen_chain(a.atoms)
    tc, tp = [], []
    shape = None
    for _ in range(a.repeat):  # interleaved, so load changes hit both alike
        tc.append(c_call(H, a.tol))
        t, shape = py_call(H, a.tol)
        tp.append(t)
    mc, mp = statistics.median(tc), statistics.median(tp)
    print("norb %d, tol %g, factors %s, %d repeats, threads OMP_NUM_THREADS=%s" % (
        H.norb, a.tol, shape, a.repeat, os.environ.get("OMP_NUM_THREADS", "default")))
    print("C       median %.4f s  (min %.4f)" % (mc, min(tc)))
    print("Python  median %.4f s  (min %.4f)" % (mp, min(tp)))
    print("overhead %.2f %% (median), %.2f %% (min)" % (100 * (mp / mc - 1), 100 * (min(tp) / min(tc) - 1)))


if __name__ == "__main__":
    main()

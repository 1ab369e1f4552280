#!/usr/bin/env python3
"""DF, lambda and measurement groups of an H_n chain given only as 3-index
vectors (qclr.models.hydrogen_chain_vectors: integral-direct AO Cholesky, no
N^4 array anywhere), with the peak resident memory of this process.

  python3 bench/python_vectors.py [--atoms 200] [--tol 1e-6] [--compare]
--compare also builds the N^4 Hamiltonian from the same vectors (npair^2
doubles) in a second process and checks that rank, L xi, lambda and the
groups agree.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "python"))
import qclr  # noqa: E402


def run(atoms, tol, n4):
    t0 = time.perf_counter()
    H = qclr.models.hydrogen_chain_vectors(atoms)
    if n4:
        H = qclr.Hamiltonian(H.h1, H.eri_packed, e_core=H.e_core, nelec=H.nelec)
    t1 = time.perf_counter()
    d = qclr.double_factorization(H, tol, df_tol=1e-4, errors=False)
    G = qclr.groups(H, tol, df_tol=1e-4)
    t2 = time.perf_counter()
    return dict(path="N^4" if n4 else "vectors", norb=H.norb, rank=d.rank, nterms=d.nterms,
                lambda_sf=d.lambda_sf, lambda_df=d.lambda_df, groups=G.count, shots=G.total_shots,
                seconds_build=round(t1 - t0, 2), seconds_df_groups=round(t2 - t1, 2),
                peak_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atoms", type=int, default=200)
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--n4", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    r = run(a.atoms, a.tol, a.n4)
    print(json.dumps(r))
    if a.compare and not a.n4:
        out = subprocess.run([sys.executable, __file__, "--atoms", str(a.atoms), "--tol", str(a.tol), "--n4"],
                             check=True, capture_output=True, text=True).stdout
        s = json.loads(out)
        print(out.strip())
        same = all(r[k] == s[k] for k in ("rank", "nterms", "groups", "shots")) and \
            abs(r["lambda_df"] - s["lambda_df"]) < 1e-9 * s["lambda_df"]
        print("same DF, lambda and groups:", same)


if __name__ == "__main__":
    main()

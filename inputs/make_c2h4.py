#!/usr/bin/env python3
"""Regenerate inputs/c2h4_sto-3g.fcidump (and, with --fci, Psi4's FCI energy).

Run with Debian's python3 and Psi4 1.3.2 (apt-get install psi4); the psi4
Python package lives in Debian's multiarch directory, added to sys.path below.
Settings match shared/reference (scf_type pk, e_convergence 1e-10,
d_convergence 1e-8, C1, no frozen core, one thread for a bitwise reproducible
file).
"""
import math
import sys
import time

sys.path.insert(0, "/usr/lib/x86_64-linux-gnu")
import psi4  # noqa: E402

# ethylene, planar, experimental r_e: C=C 1.339 A, C-H 1.086 A, angle HCH 117.6 deg
RCC, RCH, ANG = 1.339, 1.086, 117.6
half = math.radians(ANG / 2)
z = RCC / 2 + RCH * math.cos(half)
x = RCH * math.sin(half)
GEOM = f"""
0 1
C 0.0 0.0 {-RCC / 2:.10f}
C 0.0 0.0 {RCC / 2:.10f}
H {x:.10f} 0.0 {z:.10f}
H {-x:.10f} 0.0 {z:.10f}
H {x:.10f} 0.0 {-z:.10f}
H {-x:.10f} 0.0 {-z:.10f}
units angstrom
symmetry c1
no_com
no_reorient
"""

# shared with tests/peers/fci_peers.py (the FCI benchmark runs detci on it)
OPTIONS = {"basis": "sto-3g", "scf_type": "pk", "e_convergence": 1e-10,
           "d_convergence": 1e-8, "reference": "rhf", "freeze_core": False,
           "detci__r_convergence": 1e-6, "detci__ci_maxiter": 100}


def main():
    psi4.set_memory("8 GB")
    psi4.set_num_threads(1)
    psi4.core.set_output_file("c2h4_sto-3g.out", False)
    psi4.geometry(GEOM)
    psi4.set_options(OPTIONS)
    e_scf, wfn = psi4.energy("scf", return_wfn=True)
    psi4.fcidump(wfn, "c2h4_sto-3g.fcidump")
    print("E_SCF %.10f" % e_scf)
    if "--fci" in sys.argv:
        t = time.time()
        e_fci = psi4.energy("fci")
        print("E_FCI %.10f (detci, %.0f s)" % (e_fci, time.time() - t))


if __name__ == "__main__":
    main()

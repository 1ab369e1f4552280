#!/usr/bin/env python3
"""Psi4 RHF/STO-3G energies of the hydrogen geometries tested in
tests/test_model.c (test_psi4_geometries), built from the same definitions as
src/geometry.c: chain on z centred, ring = regular polygon with edge R (4k+2 atoms: closed shell), lattice
nx x ny square grid with step R.  Settings as inputs/reference.json (scf_type
pk, e_convergence 1e-10, d_convergence 1e-8, c1, no_com, no_reorient).

Run with the Debian python (numpy + psi4):  /usr/bin/python3 tests/peers/psi4_hydrogen.py
"""
import math
import os
import sys
import tempfile

sys.path.insert(0, "/usr/lib/x86_64-linux-gnu")
import psi4  # noqa: E402


def chain(n, r):
    return [(0.0, 0.0, (i - 0.5 * (n - 1)) * r) for i in range(n)]


def ring(n, r):
    rad = r / (2 * math.sin(math.pi / n))
    return [(rad * math.cos(2 * math.pi * i / n), rad * math.sin(2 * math.pi * i / n), 0.0) for i in range(n)]


def lattice(nx, ny, r):
    return [((x - 0.5 * (nx - 1)) * r, (y - 0.5 * (ny - 1)) * r, 0.0) for x in range(nx) for y in range(ny)]


CASES = [("chain_50_1.0", chain(50, 1.0)), ("ring_10_1.0", ring(10, 1.0)), ("lattice_2x4_1.2", lattice(2, 4, 1.2))]

os.chdir(tempfile.mkdtemp())  # psi4 leaves timer.dat and scratch files in the working directory
psi4.set_memory("2 GB")
psi4.set_num_threads(1)
psi4.core.set_output_file("/dev/null", False)
psi4.set_options({"basis": "sto-3g", "scf_type": "pk", "e_convergence": 1e-10, "d_convergence": 1e-8,
                  "maxiter": 200, "ints_tolerance": 1e-12})
for name, xyz in CASES:
    psi4.core.clean()
    g = "\n".join("H %.12f %.12f %.12f" % a for a in xyz)
    psi4.geometry(g + "\nunits angstrom\nno_com\nno_reorient\nsymmetry c1\n")
    print("%-18s %.14f" % (name, psi4.energy("scf")))

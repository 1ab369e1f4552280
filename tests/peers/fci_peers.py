#!/usr/bin/env python3
"""Peer FCI runs for `qclr-bench fci` (one JSON line on stdout).

  fci_peers.py psi4 --record ID --reference inputs/reference.json [--threads N]
      Psi4 detci FCI (C1, no frozen core) on the molecule, basis and settings of
      that record: SCF first (untimed), then the FCI stage timed alone.
  fci_peers.py psi4 --hchain N --spacing R [--fcidump OUT] [--threads N]
      Linear H_N chain, STO-3G: same, and optionally write the FCIDUMP of the
      SCF orbitals (psi4.fcidump) so that qclr and CheMPS2 run the same Hamiltonian.
  fci_peers.py chemps2 FCIDUMP
      CheMPS2's determinant FCI (PyFCI.GSDavidson) on the FCIDUMP, C1.

Convergence: detci e_convergence 1e-10 and r_convergence 1e-5 (qclr's
defaults: |dE| <= 1e-10 and residual <= sqrt(1e-10)); CheMPS2's Davidson
tolerance is fixed internally.  Psi4 comes from the Debian package
(PYTHONPATH must hold its parent directory)."""
import json
import sys
import time


def psi4_run(args):
    import psi4
    psi4.core.be_quiet()
    threads = 1
    rec = None
    fcidump = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--record": rec = args[i + 1]; i += 2
        elif a == "--reference": ref = args[i + 1]; i += 2
        elif a == "--threads": threads = int(args[i + 1]); i += 2
        elif a == "--hchain": nh = int(args[i + 1]); i += 2; rec = "hchain"
        elif a == "--spacing": spacing = float(args[i + 1]); i += 2
        elif a == "--fcidump": fcidump = args[i + 1]; i += 2
        else: raise SystemExit("fci_peers.py psi4: unknown argument " + a)
    if rec == "hchain":
        atoms = [("H", 0.0, 0.0, k * spacing) for k in range(nh)]
        basis, charge, mult = "sto-3g", 0, 1
    else:
        data = json.load(open(ref))
        r = [x for x in data["records"] if x["id"] == rec][0]
        atoms = [tuple(a) for a in r["geometry_angstrom"]]
        basis, charge, mult = r["basis"], r["charge"], r["multiplicity"]
    geom = "%d %d\n" % (charge, mult) + "\n".join("%s %.10f %.10f %.10f" % a for a in atoms)
    geom += "\nsymmetry c1\nno_com\nno_reorient\nunits angstrom\n"
    psi4.set_memory("8 GB")
    psi4.set_num_threads(threads)
    psi4.geometry(geom)
    psi4.set_options({"basis": basis, "scf_type": "pk", "e_convergence": 1e-10, "d_convergence": 1e-8,
                      "freeze_core": False, "detci__r_convergence": 1e-5, "detci__e_convergence": 1e-10,
                      "detci__ci_maxiter": 200, "ints_tolerance": 1e-12})
    e_scf, wfn = psi4.energy("scf", return_wfn=True)
    if fcidump:
        psi4.fcidump(wfn, fcidump)
    t = time.perf_counter()
    e = psi4.energy("fci", ref_wfn=wfn)
    dt = time.perf_counter() - t
    print(json.dumps({"program": "psi4 detci", "energy": e, "seconds": dt, "e_scf": e_scf}))


def chemps2_run(path):
    import ctypes
    import numpy as np
    import PyCheMPS2
    text = open(path).read()
    up = text.upper()
    end = min(k for k in (up.find("&END"), up.find("/\n"), up.find("$END")) if k >= 0)
    hdr, body = text[:end], text[end:].split("\n", 1)[1]
    def key(name):
        k = hdr.upper().find(name + "=")
        return int(hdr[k + len(name) + 1:].split(",")[0])
    L, nel, ms2 = key("NORB"), key("NELEC"), key("MS2")
    init = PyCheMPS2.PyInitialize()
    init.Init()
    ham = PyCheMPS2.PyHamiltonian(L, 0, np.zeros([L], dtype=ctypes.c_int))
    ham.setEconst(0.0)
    for line in body.split("\n"):
        p = line.split()
        if len(p) != 5: continue
        v = float(p[0].replace("D", "E").replace("d", "e"))
        i, j, k, l = (int(x) for x in p[1:])
        if l: ham.setVmat(i - 1, k - 1, j - 1, l - 1, v)  # physics notation <ik|jl> = (ij|kl)
        elif j: ham.setTmat(i - 1, j - 1, v); ham.setTmat(j - 1, i - 1, v)
        elif i == 0: ham.setEconst(v)
    nup, ndown = (nel + ms2) // 2, (nel - ms2) // 2
    t = time.perf_counter()
    fci = PyCheMPS2.PyFCI(ham, nup, ndown, 0, 4000.0, 0)
    vec = np.zeros([fci.getVecLength()], dtype=ctypes.c_double)
    vec[fci.LowestEnergyDeterminant()] = 1.0
    e = fci.GSDavidson(vec)
    dt = time.perf_counter() - t
    print(json.dumps({"program": "CheMPS2 FCI", "energy": e, "seconds": dt}))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    if sys.argv[1] == "psi4": psi4_run(sys.argv[2:])
    elif sys.argv[1] == "chemps2": chemps2_run(sys.argv[2])
    else: raise SystemExit(__doc__)

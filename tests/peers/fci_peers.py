#!/usr/bin/env python3
"""Peer FCI runs for `qclr-bench fci` (one JSON line on stdout).

  fci_peers.py psi4 (--record ID --reference inputs/reference.json | --generator inputs/make_X.py)
               [--threads N] [--e-conv E] [--r-conv R]
      Psi4 detci FCI (C1, no frozen core) on the molecule, basis and SCF
      settings of that reference.json record or of the generator script that
      wrote the FCIDUMP (its GEOM and OPTIONS): RHF first (untimed), then the
      FCI stage timed alone.  Prints energy, seconds (wall), cpu_seconds
      (all threads) and the Davidson iterations (the "@CI" lines of Psi4's
      output).
  fci_peers.py chemps2 FCIDUMP
      CheMPS2's determinant FCI (PyFCI.GSDavidson, C1) on the FCIDUMP; threads
      from OMP_NUM_THREADS.  Timed: the FCI object and its Davidson.

Convergence: detci e_convergence / r_convergence default to 1e-10 / 1e-5,
qclr's defaults (|dE| <= 1e-10 Ha and residual norm <= sqrt(1e-10)).
CheMPS2 1.8.12 fixes its Davidson residual tolerance at 1e-10 internally.
Psi4 comes from the Debian package (its parent directory on PYTHONPATH)."""
import atexit
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time


def psi4_run(args):
    # Psi4 writes timer.dat and scratch files into the working directory,
    # also at exit: work in a temporary directory, removed after Psi4's own
    # exit handler (registered at import, so it runs before this one)
    tmp = tempfile.mkdtemp(prefix="qclr-bench-psi4-")
    atexit.register(shutil.rmtree, tmp, True)
    args = [os.path.abspath(a) if a.endswith((".json", ".py")) else a for a in args]
    os.chdir(tmp)
    import psi4
    threads, rec, ref, gen = 1, None, None, None
    econv, rconv = 1e-10, 1e-5
    i = 0
    while i < len(args):
        a = args[i]
        if i + 1 >= len(args):
            raise SystemExit("fci_peers.py psi4: %s needs a value" % a)
        v = args[i + 1]
        if a == "--record": rec = v
        elif a == "--reference": ref = v
        elif a == "--generator": gen = v
        elif a == "--threads": threads = int(v)
        elif a == "--e-conv": econv = float(v)
        elif a == "--r-conv": rconv = float(v)
        else: raise SystemExit("fci_peers.py psi4: unknown argument " + a)
        i += 2
    if gen:
        spec = importlib.util.spec_from_file_location("generator", gen)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        geom, options = mod.GEOM, dict(mod.OPTIONS)
    elif rec and ref:
        data = json.load(open(ref))
        r = [x for x in data["records"] if x["id"] == rec][0]
        atoms = [tuple(a) for a in r["geometry_angstrom"]]
        geom = "%d %d\n" % (r["charge"], r["multiplicity"])
        geom += "\n".join("%s %.10f %.10f %.10f" % a for a in atoms)
        geom += "\nsymmetry c1\nno_com\nno_reorient\nunits angstrom\n"
        options = {"basis": r["basis"], "scf_type": "pk", "e_convergence": 1e-10, "d_convergence": 1e-8,
                   "freeze_core": False, "ints_tolerance": 1e-12}
    else:
        raise SystemExit("fci_peers.py psi4: give --record and --reference, or --generator")
    options.update({"detci__e_convergence": econv, "detci__r_convergence": rconv, "detci__ci_maxiter": 200})
    out = os.path.join(tmp, "psi4.out")
    psi4.core.set_output_file(out, False)
    psi4.set_memory("8 GB")
    psi4.set_num_threads(threads)
    psi4.geometry(geom)
    psi4.set_options(options)
    e_scf, wfn = psi4.energy("scf", return_wfn=True)
    t, tc = time.perf_counter(), time.process_time()
    e = psi4.energy("fci", ref_wfn=wfn)
    dt, dc = time.perf_counter() - t, time.process_time() - tc
    psi4.core.close_outfile()
    iters = sum(1 for line in open(out) if line.lstrip().startswith("@CI"))
    print(json.dumps({"program": "psi4 detci", "energy": e, "seconds": dt, "cpu_seconds": dc, "iterations": iters,
                      "e_scf": e_scf}))


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
    t, tc = time.perf_counter(), time.process_time()
    fci = PyCheMPS2.PyFCI(ham, nup, ndown, 0, 8000.0, 0)
    vec = np.zeros([fci.getVecLength()], dtype=ctypes.c_double)
    vec[fci.LowestEnergyDeterminant()] = 1.0
    e = fci.GSDavidson(vec)
    dt, dc = time.perf_counter() - t, time.process_time() - tc
    print(json.dumps({"program": "CheMPS2 FCI", "energy": e, "seconds": dt, "cpu_seconds": dc}))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    if sys.argv[1] == "psi4": psi4_run(sys.argv[2:])
    elif sys.argv[1] == "chemps2": chemps2_run(sys.argv[2])
    else: raise SystemExit(__doc__)

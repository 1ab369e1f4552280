#!/usr/bin/env python3
"""Write the large benchmark case of `qclr-bench factor`: H2O/cc-pVTZ
(N = 58) or another basis, RHF with Psi4 (Debian package), all orbitals
active, as an FCIDUMP (8-fold unique records, 1-based, chemists' notation).

Too large to ship (about 60 MB); generated in ~10 s.  Same geometry and
settings as inputs/h2o_*.fcidump (scf_type pk, e_convergence 1e-10,
d_convergence 1e-8, C1, one thread).  The MO integrals come from Psi4's AO
integrals transformed here with numpy (Psi4's own fcidump writer is much
slower at this size); integrals with |value| <= 1e-12 are omitted, as Psi4
does.

usage: make_large_fcidump.py OUT.fcidump [--basis cc-pvtz]
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, "/usr/lib/x86_64-linux-gnu")
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--basis", default="cc-pvtz")
    a = ap.parse_args()
    a.out = os.path.abspath(a.out)
    os.chdir(tempfile.mkdtemp(prefix="qclr-psi4-"))  # psi4 leaves timer.dat and scratch files in the cwd
    import psi4  # noqa: E402

    psi4.set_memory("4 GB")
    psi4.set_num_threads(1)
    psi4.core.set_output_file(os.devnull, False)
    psi4.geometry("""
0 1
O 0.0 0.0 0.0
H 0.75722 0.0 0.586514
H -0.75722 0.0 0.586514
units angstrom
symmetry c1
no_com
no_reorient
""")
    psi4.set_options({"basis": a.basis, "scf_type": "pk", "e_convergence": 1e-10,
                      "d_convergence": 1e-8, "reference": "rhf"})
    e_scf, wfn = psi4.energy("scf", return_wfn=True)
    mints = psi4.core.MintsHelper(wfn.basisset())
    C = np.asarray(wfn.Ca())
    n = C.shape[1]
    h = C.T @ (np.asarray(mints.ao_kinetic()) + np.asarray(mints.ao_potential())) @ C
    eri = np.asarray(mints.ao_eri())
    for _ in range(4):  # contract the leading AO index, append an MO index: [p,q,r,s] after 4
        eri = np.tensordot(eri, C, axes=([0], [0]))
    nelec = 2 * wfn.nalpha()
    ecore = wfn.molecule().nuclear_repulsion_energy()
    tri = np.tril_indices(n)
    pairs = eri[tri[0], tri[1]][:, tri[0], tri[1]]  # npair x npair, pair order (0,0),(1,0),(1,1),...
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("&FCI NORB=%d,NELEC=%d,MS2=0,\n ORBSYM=%s\n ISYM=1,\n&END\n" % (n, nelec, "1," * n))
        ip, iq = tri[0] + 1, tri[1] + 1
        for a_ in range(len(ip)):
            row = pairs[a_, : a_ + 1]
            keep = np.nonzero(np.abs(row) > 1e-12)[0]
            if keep.size:
                block = np.column_stack([row[keep], np.full(keep.size, ip[a_]), np.full(keep.size, iq[a_]),
                                         ip[keep], iq[keep]])
                np.savetxt(f, block, fmt=["%23.16e", "%d", "%d", "%d", "%d"])
        for p in range(n):
            for q in range(p + 1):
                if abs(h[p, q]) > 1e-12:
                    f.write("%23.16e %d %d 0 0\n" % (h[p, q], p + 1, q + 1))
        f.write("%23.16e 0 0 0 0\n" % ecore)
    os.replace(tmp, a.out)
    scratch = os.getcwd()
    os.chdir("/")
    shutil.rmtree(scratch, ignore_errors=True)
    print("%s: %s N=%d nelec=%d E_SCF=%.10f" % (a.out, a.basis, n, nelec, e_scf))


if __name__ == "__main__":
    main()

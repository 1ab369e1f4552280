#!/bin/sh
# tests/qclr-fci.sh: the qclr-fci driver: exit statuses, JSON keys, .npy
# outputs (checked with numpy when available: civec shape and norm, rdm1
# trace = NELEC, energy rebuilt from the RDMs and the FCIDUMP integrals read
# independently in Python, to 1e-9 Ha), Psi4 reference energies (FCI, MP2,
# also --mp2-only on N2/cc-pVDZ; MS2 = 2 against the triplet) to 1e-8 Ha,
# refusal of a space too large.
set -u
bin="${top_builddir:-.}/apps/qclr-fci"
in="${QCLR_INPUTS:-inputs}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qclr-fci-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # expected-status description command...
  want=$1; what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
  if [ "$got" != "$want" ]; then echo "FAIL: $what: exit $got, want $want"; cat "$tmp/err"; fail=1; fi
}
expect 0 "--help" "$bin" --help
expect 0 "--version" "$bin" --version
expect 2 "no input" "$bin"
expect 2 "unknown option" "$bin" --bogus "$in/h2_sto-3g.fcidump"
expect 2 "bad --nroots" "$bin" --nroots 0 "$in/h2_sto-3g.fcidump"
expect 2 "bad --tol" "$bin" --tol abc "$in/h2_sto-3g.fcidump"
expect 2 "bad --rtol" "$bin" --rtol -1 "$in/h2_sto-3g.fcidump"
expect 2 "bad --guess" "$bin" --guess 0 "$in/h2_sto-3g.fcidump"
expect 2 "bad --threads" "$bin" --threads x "$in/h2_sto-3g.fcidump"
expect 2 "missing file" "$bin" "$tmp/nonexistent.fcidump"
grep -q "nonexistent" "$tmp/err" || { echo "FAIL: error message does not name the file"; fail=1; }
expect 2 "memory limit" "$bin" --max-memory 1e-6 "$in/h2o_sto-3g.fcidump"
grep -q "bytes" "$tmp/err" || { echo "FAIL: memory refusal does not give the bytes"; cat "$tmp/err"; fail=1; }
expect 1 "not converged" "$bin" --max-iter 1 --guess 1 --quiet "$in/h2o_sto-3g.fcidump"
expect 0 "h2o_sto-3g" "$bin" --nroots 2 --json "$tmp/r.json" --out "$tmp/o" "$in/h2o_sto-3g.fcidump"
grep -q "converged yes" "$tmp/out" || { echo "FAIL: table"; cat "$tmp/out"; fail=1; }
for k in program version input nalpha nbeta energy_fci energy_roots converged ndet s2 residuals iterations sigma_vectors tol rtol seconds energy_ref energy_mp2 e_core memory_bytes nstrings_alpha nstrings_beta; do
  grep -q "\"$k\"" "$tmp/r.json" || { echo "FAIL: JSON key $k missing"; fail=1; }
done
for f in civec.npy civec_1.npy rdm1.npy rdm2.npy natural_occupations.npy; do
  [ -s "$tmp/o/$f" ] || { echo "FAIL: $f not written"; fail=1; }
done
ls "$tmp/o" | grep -v '\.npy$' && { echo "FAIL: stray files in --out"; fail=1; }
expect 2 "--mp2-only with --out" "$bin" --mp2-only --out "$tmp/m" "$in/h2o_sto-3g.fcidump"
expect 0 "--mp2-only on a file too large for FCI" "$bin" --mp2-only --json "$tmp/m.json" "$in/n2_cc-pvdz.fcidump"
grep -q '"energy_mp2"' "$tmp/m.json" || { echo "FAIL: --mp2-only JSON"; fail=1; }
expect 2 "FCI too large for the memory" "$bin" "$in/n2_cc-pvdz.fcidump"
grep -q "bytes" "$tmp/err" || { echo "FAIL: refusal does not give the bytes"; cat "$tmp/err"; fail=1; }
# open shell: the same integrals with MS2 = 2 (6 alpha, 4 beta electrons)
sed 's/^MS2=0,/MS2=2,/' "$in/h2o_sto-3g.fcidump" > "$tmp/t.fcidump"
expect 0 "MS2 = 2" "$bin" --quiet --json "$tmp/t.json" "$tmp/t.fcidump"
expect 0 "json to stdout" "$bin" --quiet --json - "$in/h2_sto-3g.fcidump"
grep -q '"energy_fci"' "$tmp/out" || { echo "FAIL: --json - printed nothing"; fail=1; }
if [ -n "${PYTHON_NUMPY:-}" ]; then
  "$PYTHON_NUMPY" - "$tmp/r.json" "$tmp/o" "$in/h2o_sto-3g.fcidump" "$in/reference.json" "$tmp/m.json" "$tmp/t.json" <<'PY' || fail=1
import json, sys, numpy as np
r = json.load(open(sys.argv[1])); d = sys.argv[2]
ref = [x for x in json.load(open(sys.argv[4]))["records"] if x["file"] == "h2o_sto-3g.fcidump"][0]
ok = True
def check(c, msg):
    global ok
    if not c: print("FAIL:", msg); ok = False
check(abs(r["energy_fci"] - ref["e_fci"]) < 1e-8, "energy %r vs psi4 %r" % (r["energy_fci"], ref["e_fci"]))
# the lowest MS2 = 2 state is the lowest triplet: Psi4's second root of the MS2 = 0 sector
t = json.load(open(sys.argv[6]))
check(t["ndet"] == 35 * 7 and abs(t["energy_fci"] - ref["fci"]["spin_sector_check"]["e_root1"]) < 1e-8,
      "MS2 = 2: ndet %r, energy %r vs psi4 triplet %r" % (t["ndet"], t["energy_fci"], ref["fci"]["spin_sector_check"]["e_root1"]))
check(abs(t["s2"][0] - 2) < 1e-8 and t["energy_mp2"] is None, "MS2 = 2: <S^2> = 2, no closed-shell MP2")
m = json.load(open(sys.argv[5]))
ref2 = [x for x in json.load(open(sys.argv[4]))["records"] if x["file"] == "n2_cc-pvdz.fcidump"][0]
check(abs(m["energy_mp2"] - ref2["e_mp2"]) < 1e-8, "--mp2-only N2/cc-pVDZ %r vs psi4 %r" % (m["energy_mp2"], ref2["e_mp2"]))
check(abs(r["energy_mp2"] - ref["e_mp2"]) < 1e-8, "energy_mp2 %r vs psi4 %r" % (r["energy_mp2"], ref["e_mp2"]))
check(abs(r["energy_ref"] - ref["e_scf"]) < 1e-8, "energy_ref vs psi4 e_scf")
check(r["ndet"] == 441 and len(r["energy_roots"]) == 2 and r["converged"] is True, "ndet/energies/converged")
check(abs(r["s2"][0]) < 1e-8, "<S^2> of the ground state")
c = np.load(d + "/civec.npy"); check(c.shape == (21, 21), "civec shape %r" % (c.shape,))
check(abs(np.linalg.norm(c) - 1) < 1e-12, "civec norm")
# integrals read here, independently of the library
N = 7; h = np.zeros((N, N)); g = np.zeros((N, N, N, N)); ec = 0.0
body = open(sys.argv[3]).read().upper().split("&END")[1].split("\n")
for line in body:
    t = line.split()
    if len(t) != 5: continue
    v = float(t[0].replace("D", "E")); i, j, k, l = (int(x) - 1 for x in t[1:])
    if l >= 0:
        for a, b, cc, dd in [(i,j,k,l),(j,i,k,l),(i,j,l,k),(j,i,l,k),(k,l,i,j),(l,k,i,j),(k,l,j,i),(l,k,j,i)]:
            g[a, b, cc, dd] = v
    elif j >= 0: h[i, j] = h[j, i] = v
    elif i < 0: ec = v
r1 = np.load(d + "/rdm1.npy"); r2 = np.load(d + "/rdm2.npy")
check(abs(np.trace(r1) - 10) < 1e-10, "trace rdm1")
e = ec + np.einsum("pq,pq", h, r1) + 0.5 * np.einsum("pqrs,pqrs", g, r2)
check(abs(e - r["energy_fci"]) < 1e-9, "energy from RDMs %r vs %r" % (e, r["energy_fci"]))
occ = np.load(d + "/natural_occupations.npy")
check(np.allclose(occ, np.sort(np.linalg.eigvalsh(r1))[::-1], atol=1e-12), "natural occupations")
sys.exit(0 if ok else 1)
PY
fi
exit $fail

#!/bin/sh
# tests/model_app.sh: qclr-model end to end.  The H10 chain written by
# qclr-model is read back by qclr-fci and must give Psi4's FCI energy
# (inputs/reference.json, h10_chain_sto-3g: -5.379954745944286, tol 1e-8);
# bad input exits 2 and leaves no output file.
set -u
b=${top_builddir:-.}
tmp=${TMPDIR:-/tmp}/model_app.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
num() { sed -n "s/.*\"$1\": *\([-0-9.eE+]*\).*/\1/p" "$2" | head -1; }
close() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

"$b/apps/qclr-model" chain --atoms 10 --spacing 1.0 -o "$tmp/h10.fcidump" --json "$tmp/h10.json" >"$tmp/out" 2>&1 \
  && ok "chain" || { bad "chain run"; cat "$tmp/out"; }
ehf=$(num energy_hf "$tmp/h10.json")
close "$ehf" -5.2140688027539355 1e-8 && ok "e_hf $ehf" || bad "e_hf $ehf vs Psi4 -5.2140688027539355"
if [ -x "$b/apps/qclr-fci" ]; then
  "$b/apps/qclr-fci" --json "$tmp/fci.json" --quiet "$tmp/h10.fcidump" || bad "qclr-fci on our FCIDUMP"
  efci=$(tr -d '\n ' <"$tmp/fci.json" | sed -n 's/.*"energy_roots":\[\([-0-9.eE+]*\).*/\1/p')
  close "$efci" -5.379954745944286 1e-8 && ok "e_fci $efci" || { bad "e_fci '$efci' vs Psi4 -5.379954745944286"; head -c 600 "$tmp/fci.json"; }
else
  echo "note: qclr-fci not built; FCI of the written file checked in test_model only"
fi
# ring in bohr and the same ring in Angstrom agree
"$b/apps/qclr-model" ring --atoms 6 --spacing 1.8897261254578281 --bohr --json "$tmp/r1.json" --quiet || bad "ring bohr"
"$b/apps/qclr-model" ring --atoms 6 --spacing 1.0 --json "$tmp/r2.json" --quiet || bad "ring angstrom"
close "$(num energy_hf "$tmp/r1.json")" "$(num energy_hf "$tmp/r2.json")" 1e-9 && ok "bohr/angstrom" || bad "bohr vs angstrom"

# Hubbard and jellium build and write
"$b/apps/qclr-model" hubbard --nx 2 --ny 3 --u 8 --periodic -o "$tmp/hub.fcidump" --quiet || bad "hubbard"
grep -q "NORB=6" "$tmp/hub.fcidump" && ok "hubbard NORB" || bad "hubbard header"
"$b/apps/qclr-model" jellium --grid 3 --rs 2 --nelec 4 -o "$tmp/jel.fcidump" --json - >"$tmp/jel.json" || bad "jellium"
grep -q '"norb": 27' "$tmp/jel.json" && ok "jellium norb" || bad "jellium json"

# xyz file = the same chain; lattice runs
printf '4\nH4 chain\nH 0 0 -1.5\nH 0 0 -0.5\nH 0 0 0.5\nH 0 0 1.5\n' >"$tmp/h4.xyz"
"$b/apps/qclr-model" xyz "$tmp/h4.xyz" --json "$tmp/x.json" --quiet || bad "xyz run"
"$b/apps/qclr-model" chain --atoms 4 --json "$tmp/c4.json" --quiet || bad "chain 4"
close "$(num energy_hf "$tmp/x.json")" "$(num energy_hf "$tmp/c4.json")" 1e-10 && ok "xyz = chain" || bad "xyz vs chain"
"$b/apps/qclr-model" lattice --nx 2 --ny 3 --spacing 1.2 --json "$tmp/l.json" --quiet || bad "lattice"
grep -q '"norb": 6' "$tmp/l.json" && ok "lattice norb" || bad "lattice json"

# plane-wave jellium: h = k^2/2 on the diagonal, same norb
"$b/apps/qclr-model" jellium --grid 3 --rs 2 --nelec 2 --plane-wave --json "$tmp/pw.json" -o "$tmp/pw.fcidump" --quiet \
  && ok "plane-wave jellium" || bad "plane-wave jellium"
grep -q '"norb": 27' "$tmp/pw.json" && ok "plane-wave norb" || bad "plane-wave json"
close "$(num energy_ref "$tmp/pw.json")" 0 1e-12 && ok "plane-wave HF of 2 electrons = 0" || bad "plane-wave e_ref"

# integral-direct route: same SCF energy to the Cholesky accuracy, vectors written
"$b/apps/qclr-model" chain --atoms 10 --cholesky 1e-9 --out "$tmp/chol" --json "$tmp/ch.json" -o "$tmp/ch.fcidump" --quiet \
  || bad "cholesky run"
close "$(num energy_hf "$tmp/ch.json")" -5.2140688027539355 1e-7 && ok "cholesky energy_hf" || bad "cholesky energy_hf $(num energy_hf "$tmp/ch.json")"
for f in L h C; do [ -s "$tmp/chol/$f.npy" ] && ok "$f.npy" || bad "$f.npy missing"; done
if [ -n "${PYTHON_NUMPY:-}" ]; then
  "$PYTHON_NUMPY" - "$tmp/chol" <<'PY' && ok "L.npy/h.npy give E_HF (numpy)" || bad "numpy check of L.npy"
import sys, numpy as np
d = sys.argv[1]
L, h = np.load(d + "/L.npy"), np.load(d + "/h.npy")
assert L.ndim == 3 and L.shape[1:] == (10, 10) and np.allclose(L, L.transpose(0, 2, 1))
o = slice(0, 5)
J = np.einsum("lii,ljj->", L[:, o, o], L[:, o, o])
K = np.einsum("lij,lij->", L[:, o, o], L[:, o, o])
e = 2 * np.trace(h[o, o]) + 2 * J - K + 10.207660401059009
assert abs(e - -5.2140688027539355) < 1e-7, e
PY
fi

# other apps take model:KIND:key=value,... in place of an FCIDUMP
if [ -x "$b/apps/qclr-fci" ]; then
  "$b/apps/qclr-fci" --json "$tmp/mf.json" --quiet model:chain:atoms=10,spacing=1.0 || bad "qclr-fci model:"
  efci=$(tr -d '\n ' <"$tmp/mf.json" | sed -n 's/.*"energy_roots":\[\([-0-9.eE+]*\).*/\1/p')
  close "$efci" -5.379954745944286 1e-8 && ok "qclr-fci model: e_fci" || bad "qclr-fci model: '$efci'"
  "$b/apps/qclr-fci" --quiet model:chain:atoms=4,spaing=1 2>"$tmp/err"; rc=$?
  [ $rc -eq 2 ] && grep -q "unknown key 'spaing'" "$tmp/err" && ok "bad model key exit 2" || bad "bad model key exit $rc"
fi
"$b/apps/qclr-info" --quiet --json "$tmp/mi.json" model:chain:atoms=10 || bad "qclr-info model:"
close "$(num energy_ref "$tmp/mi.json")" -5.2140688027539355 1e-8 && ok "qclr-info model: e_ref" || bad "qclr-info e_ref"
if [ -x "$b/apps/qclr-factor" ]; then
  "$b/apps/qclr-factor" --quiet --json "$tmp/mfa.json" model:ring:atoms=6 && ok "qclr-factor model:" || bad "qclr-factor model:"
fi
if [ -x "$b/apps/qclr-tt" ]; then
  "$b/apps/qclr-tt" --quiet --json "$tmp/mtt.json" model:hubbard:nx=4,u=4 && ok "qclr-tt model:" || bad "qclr-tt model:"
fi
# theory: Hubbard and dual-basis jellium give 2 groups (one-body + one two-body)
if [ -x "$b/apps/qclr-groups" ]; then
  for m in model:hubbard:nx=2,ny=3,u=4,periodic=1 model:jellium:grid=3,rs=2,nelec=4; do
    "$b/apps/qclr-groups" --quiet --state hf --json "$tmp/g.json" "$m" || bad "qclr-groups $m"
    ng=$(grep -o '"rotation"' "$tmp/g.json" | wc -l)
    [ "$ng" -eq 2 ] && ok "$m: 2 groups" || bad "$m: $ng groups, want 2"
  done
fi

# errors: exit 2, no file left behind
printf '2\nH2\nH 0 0 0\nLi 0 0 1\n' >"$tmp/bad.xyz"
"$b/apps/qclr-model" xyz "$tmp/bad.xyz" -o "$tmp/bad.fcidump" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && ok "bad xyz exit 2" || bad "bad xyz exit $rc"
grep -q "bad.xyz:4:" "$tmp/err" && ok "file:line in message" || { bad "message"; cat "$tmp/err"; }
[ ! -e "$tmp/bad.fcidump" ] && ok "no partial output" || bad "output left behind"
"$b/apps/qclr-model" sphere --atoms 2 2>/dev/null; [ $? -eq 2 ] && ok "unknown model" || bad "unknown model"
"$b/apps/qclr-model" chain --atoms 0 2>/dev/null; [ $? -eq 2 ] && ok "atoms 0" || bad "atoms 0"
"$b/apps/qclr-model" jellium --grid 4 --rs 1 --nelec 2 2>/dev/null; [ $? -eq 2 ] && ok "even grid" || bad "even grid"
"$b/apps/qclr-model" jellium --grid 3 2>/dev/null; [ $? -eq 2 ] && ok "jellium without nelec" || bad "jellium nelec"
"$b/apps/qclr-model" chain --atoms 3 2>/dev/null; [ $? -eq 2 ] && ok "odd electrons refused" || bad "odd electrons"
"$b/apps/qclr-model" hubbard --cholesky 1e-6 2>/dev/null; [ $? -eq 2 ] && ok "--cholesky on hubbard" || bad "--cholesky hubbard"
"$b/apps/qclr-model" chain --out "$tmp/x" 2>/dev/null; [ $? -eq 2 ] && ok "--out without --cholesky" || bad "--out"
"$b/apps/qclr-model" chain --plane-wave 2>/dev/null; [ $? -eq 2 ] && ok "--plane-wave on chain" || bad "--plane-wave"
for case in 'x\n' '2\nc\nH 0 0 0\n' '1\nc\nH 0 0 0 extra\n' '1\nc\nH 0 nan 0\n' '2\nc\nH 0 0 0\nH 0 0 0\n' '1\nc\nH 0 0 0\nH 1 1 1\n'; do
  printf "$case" >"$tmp/e.xyz"
  "$b/apps/qclr-model" xyz "$tmp/e.xyz" -o "$tmp/e.fcidump" 2>"$tmp/err"; rc=$?
  if [ $rc -eq 2 ] && grep -q "e.xyz:[0-9]*:" "$tmp/err" && [ ! -e "$tmp/e.fcidump" ]; then ok "bad xyz: $(head -c 80 "$tmp/err")"
  else bad "bad xyz '$case' exit $rc: $(cat "$tmp/err")"; fi
done
"$b/apps/qclr-model" --help >/dev/null || bad "--help"
exit $fail

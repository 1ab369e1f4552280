#!/bin/sh
# tests/qasm_sim.sh: the OpenQASM 2.0 circuits, simulated by the npm package
# quantum-circuit (tests/js), map basis states as their rotations predict.
# SKIP (77) without node or without tests/js/node_modules (npm install there).
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
js="$srcdir/tests/js"
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found"; exit 77; }
[ -d "$js/node_modules/quantum-circuit" ] || { echo "SKIP: run npm install in $js"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qclr-qasm.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
check() {
  node "$js/check_qasm.js" "$@" >"$tmp/out" 2>&1
  rc=$?
  grep -v -e INVALID_ALT_NUMBER -e trace-warnings "$tmp/out"
  return $rc
}
"$builddir/tests/test_qasm_gen" "$tmp" || exit 1
check "$tmp" "$tmp/circuits.json" 6 || exit 1
groups="$builddir/apps/qclr-groups"
if [ -x "$groups" ]; then
  for mol in h2_sto-3g lih_sto-3g; do
    mkdir -p "$tmp/$mol"
    "$groups" --quiet --state hf --qasm "$tmp/$mol" --json "$tmp/$mol/groups.json" \
      "${QCLR_INPUTS:-$srcdir/inputs}/$mol.fcidump" || exit 1
    check "$tmp/$mol" "$tmp/$mol/groups.json" 6 3 || exit 1
  done
fi

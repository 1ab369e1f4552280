#!/bin/sh
# tests/qclr-info.sh: qclr-info exit codes, messages and JSON keys.
set -u
bin="${top_builddir:-.}/apps/qclr-info"
inputs="${QCLR_INPUTS:-${top_srcdir:-.}/inputs}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qclr-info-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  desc=$1; shift
  if "$@"; then :; else echo "FAIL: $desc"; fail=1; fi
}

# a good file: exit 0, table and JSON with the documented keys
"$bin" --json "$tmp/h2o.json" "$inputs/h2o_sto-3g.fcidump" >"$tmp/out" 2>"$tmp/err"
check "exit 0 on a good file" test $? -eq 0
check "table shows norb" grep -q '^norb  *7$' "$tmp/out"
check "table shows e_ref" grep -q '^e_ref  *-74.96302654' "$tmp/out"
for key in program version input norb nalpha nbeta e_core seconds nelec ms2 energy_ref nonzero memory_bytes max_duplicate_discrepancy listing \
           records lines orbsym; do
  check "JSON key $key" grep -q "\"$key\":" "$tmp/h2o.json"
done
check "JSON norb" grep -q '"norb": *7' "$tmp/h2o.json"
check "JSON listing" grep -q '"listing": *"4-fold"' "$tmp/h2o.json"
"$bin" --quiet --json - "$inputs/h2_sto-3g.fcidump" >"$tmp/stdout.json"
check "--json - writes JSON to stdout" grep -q '"nelec": *2' "$tmp/stdout.json"
check "--quiet prints no table" sh -c "! grep -q '^file ' '$tmp/stdout.json'"

# a broken file: exit 2, file:line on stderr, no JSON left behind
printf '&FCI NORB=2,NELEC=2,\n&END\n 0.5 1 1 1 1\n 0.25 1 3 1 1\n' >"$tmp/bad.fcidump"
"$bin" --json "$tmp/bad.json" "$tmp/bad.fcidump" >"$tmp/out" 2>"$tmp/err"
check "exit 2 on a broken file" test $? -eq 2
check "file:line on stderr" grep -q "bad.fcidump:4:" "$tmp/err"
check "no JSON file after a failure" test ! -e "$tmp/bad.json"
check "no temporary left" sh -c "! ls '$tmp' | grep -q tmp"

printf '&FCI NORB=2,NELEC=2,UHF=.TRUE.\n&END\n 0.5 1 1 1 1\n' >"$tmp/uhf.fcidump"
"$bin" "$tmp/uhf.fcidump" >/dev/null 2>"$tmp/err"
check "exit 2 on UHF" test $? -eq 2
check "UHF named" grep -q "UHF" "$tmp/err"

"$bin" "$tmp/missing.fcidump" >/dev/null 2>"$tmp/err"
check "exit 2 on a missing file" test $? -eq 2
"$bin" >/dev/null 2>&1
check "exit 2 without FILE" test $? -eq 2
"$bin" --bogus x >/dev/null 2>&1
check "exit 2 on an unknown option" test $? -eq 2
"$bin" --max-bytes 1000 "$inputs/h2o_sto-3g.fcidump" >/dev/null 2>"$tmp/err"
check "exit 2 when --max-bytes is exceeded" test $? -eq 2
check "--max-bytes message gives bytes" grep -q "bytes" "$tmp/err"
"$bin" --help >/dev/null
check "--help exits 0" test $? -eq 0
"$bin" --version >/dev/null
check "--version exits 0" test $? -eq 0

test $fail -eq 0 && echo "qclr-info.sh: all checks passed"
exit $fail

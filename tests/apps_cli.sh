#!/bin/sh
# tests/apps_cli.sh: the command-line contract every qclr-* app keeps
# (docs/conventions.md §3): --help and --version exit 0; a bad option, a missing
# input or an unwritable output is a usage error (exit 2) whose message names
# the program (not libtool's .libs/ path) and what is wrong; outputs that
# cannot be written are refused before any computation, and nothing is left
# behind; a broken FCIDUMP is reported with file:line by every app.
set -u
apps="${top_builddir:-.}/apps"
inputs="${QCLR_INPUTS:-${top_srcdir:-.}/inputs}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qclr-cli-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
h2="$inputs/h2_sto-3g.fcidump"
printf '&FCI NORB=2,NELEC=2,\n&END\n 0.5 1 1 1 1\n 0.25 1 x 1 1\n' >"$tmp/bad.fcidump"

# expect STATUS PATTERN DESCRIPTION -- COMMAND...: exit status and a line of stderr
expect() {
  want=$1 pat=$2 desc=$3
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $desc: exit $got, expected $want"; sed 's/^/  stderr: /' "$tmp/err" | head -3; fail=1
  elif [ -n "$pat" ] && ! grep -q -e "$pat" "$tmp/err"; then
    echo "FAIL: $desc: stderr lacks '$pat'"; sed 's/^/  stderr: /' "$tmp/err" | head -3; fail=1
  fi
  if grep -q '\.libs/' "$tmp/err"; then echo "FAIL: $desc: message names libtool's .libs path"; fail=1; fi
}

# one command-line style (apps/app.c): -h/--help and -V/--version everywhere,
# help in the form help2man reads, the common options' help lines identical
for a in qclr-info qclr-factor qclr-fci qclr-groups qclr-tt qclr-model qclr-cost; do
  bin="$apps/$a"
  for h in --help -h; do
    expect 0 "" "$a $h" -- "$bin" $h
    grep -q '^Usage: '"$a " "$tmp/out" || { echo "FAIL: $a $h has no 'Usage: $a' line"; fail=1; }
    grep -q '^Options:$\|^[A-Z][a-z ()-]*:$' "$tmp/out" || { echo "FAIL: $a $h has no Options: section"; fail=1; }
    grep -q '^Exit status:' "$tmp/out" || { echo "FAIL: $a $h has no exit status"; fail=1; }
    # help2man reads an indented line starting with '-' as a new option
    grep -q '^                        *-' "$tmp/out" &&
      { echo "FAIL: $a $h: a continuation line starts with '-'"; fail=1; }
  done
  sed -n '/^Common options/,/^$/p' "$tmp/out" >"$tmp/common.$a"
  for o in '-h, --help' '-V, --version' '-q, --quiet' '--json FILE' '--threads N' '--progress'; do
    grep -q -e "^  .*$o " "$tmp/common.$a" || { echo "FAIL: $a --help lacks '$o' among the common options"; fail=1; }
  done
  cmp -s "$tmp/common.$a" "$tmp/common.qclr-info" || { echo "FAIL: $a: common option help differs from qclr-info's"; fail=1; }
  for v in --version -V; do
    expect 0 "" "$a $v" -- "$bin" $v
    grep -q "^$a (qclr) [0-9]" "$tmp/out" || { echo "FAIL: $a $v: $(cat "$tmp/out")"; fail=1; }
  done
  expect 2 "^$a: .*--no-such-option" "$a unknown option" -- "$bin" --no-such-option
  expect 2 "^$a: " "$a without arguments" -- "$bin"
done

# the five apps that read a Hamiltonian: model: inputs documented, errors on inputs
for a in qclr-info qclr-factor qclr-fci qclr-groups qclr-tt qclr-cost; do
  bin="$apps/$a"
  "$bin" --help | grep -q 'model:' || { echo "FAIL: $a --help does not mention model: inputs"; fail=1; }
  expect 2 "$tmp/missing.fcidump: cannot open" "$a missing input" -- "$bin" "$tmp/missing.fcidump"
  expect 2 "bad.fcidump:4" "$a broken FCIDUMP names file:line" -- "$bin" "$tmp/bad.fcidump"
  expect 2 "^$a: --json $tmp/no/such/x.json: cannot create a temporary file in its directory: No such file or directory" \
    "$a unwritable --json" -- "$bin" --json "$tmp/no/such/x.json" "$h2"
  expect 2 "^$a: --json $tmp: is a directory" "$a --json onto a directory" -- "$bin" --json "$tmp" "$h2"
  expect 2 "^$a: option '--json' needs a value" "$a --json without FILE" -- "$bin" "$h2" --json
  expect 2 "^$a: --threads must be between" "$a --threads -1" -- "$bin" --threads -1 "$h2"
  # a good run: --json written whole (parses as JSON) and no temporary files left; -q: no table
  expect 0 "" "$a good run" -- "$bin" -q --threads 1 --json "$tmp/ok.json" "$h2"
  [ -s "$tmp/out" ] && { echo "FAIL: $a -q printed on stdout"; fail=1; }
  "${PYTHON_NUMPY:-python3}" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/ok.json" ||
    { echo "FAIL: $a --json is not valid JSON"; fail=1; }
  rm -f "$tmp/ok.json"
  # --json - : the JSON alone on stdout
  expect 0 "" "$a --json -" -- "$bin" --json - "$h2"
  "${PYTHON_NUMPY:-python3}" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" ||
    { echo "FAIL: $a --json - mixes a table into stdout"; fail=1; }
done
expect 0 "" "qclr-model -q --json" -- "$apps/qclr-model" chain --atoms 2 -q --json "$tmp/m.json"
[ -s "$tmp/out" ] && { echo "FAIL: qclr-model -q printed on stdout"; fail=1; }
expect 2 "^qclr-model: option '--json' needs a value" "qclr-model --json without FILE" -- \
  "$apps/qclr-model" chain --json
expect 2 "^qclr-factor: --out $tmp/no/d: cannot create a staging directory beside it: No such file or directory" "qclr-factor unwritable --out" -- \
  "$apps/qclr-factor" --out "$tmp/no/d" "$h2"
expect 2 "^qclr-factor: --write-fcidump" "qclr-factor unwritable --write-fcidump" -- \
  "$apps/qclr-factor" --write-fcidump "$tmp/no/x.fcidump" "$h2"
echo x >"$tmp/afile"
expect 2 "^qclr-fci: --out $tmp/afile: exists and is not a directory" "qclr-fci --out onto a file" -- \
  "$apps/qclr-fci" --out "$tmp/afile" "$h2"
expect 2 "^qclr-fci: --out $h2: is the input" "qclr-fci --out onto its input" -- \
  "$apps/qclr-fci" --out "$h2" "$h2"
expect 2 "^qclr-groups: --qasm" "qclr-groups unwritable --qasm" -- "$apps/qclr-groups" --qasm "$tmp/no/a/b" "$h2"
expect 2 "^qclr-tt: --out" "qclr-tt unwritable --out" -- "$apps/qclr-tt" --out "$tmp/no/a" "$h2"
expect 2 "^qclr-model: --output" "qclr-model unwritable --output" -- \
  "$apps/qclr-model" chain --atoms 2 --output "$tmp/no/x.fcidump"
expect 2 "^qclr-model: unknown option '--atoms' before MODEL" "qclr-model option before MODEL" -- \
  "$apps/qclr-model" --atoms 2 chain
left=$(find "$tmp" -name '*.tmp.*' | head -1)
[ -z "$left" ] || { echo "FAIL: temporary file left behind: $left"; fail=1; }
exit $fail

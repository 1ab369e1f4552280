#!/bin/sh
# tests/outputs_app.sh: the apps' outputs never destroy anything (issue 11):
# an output that is an input (directly or through another name) is refused
# before computing; special files are written in place, never replaced;
# unwritable destinations are refused up front, naming the reason; a
# planted symlink at the old predictable temporary name is not followed;
# directory outputs appear whole.
set -u
apps="${top_builddir:-.}/apps"
inputs="${QCLR_INPUTS:-${top_srcdir:-.}/inputs}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qclr-outputs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { :; }
bad() { echo "FAIL: $*"; fail=1; }
cp "$inputs/h2o_sto-3g.fcidump" "$tmp/in.fcidump"
ln -s in.fcidump "$tmp/alias.fcidump"
ln "$tmp/in.fcidump" "$tmp/hard.fcidump"
sum0=$(cksum <"$tmp/in.fcidump")
for c in "qclr-info --json X" "qclr-fci --json X" "qclr-factor --json X" "qclr-factor --write-fcidump X" \
         "qclr-groups --json X" "qclr-tt --json X"; do
  for x in "$tmp/in.fcidump" "$tmp/alias.fcidump" "$tmp/hard.fcidump" "$tmp/./in.fcidump"; do
    set -- $c
    prog=$1; opt=$2
    "$apps/$prog" "$opt" "$x" "$tmp/in.fcidump" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -q "input" "$tmp/err" || bad "$prog $opt $x: exit $rc, want 2 naming the input"
  done
done
[ "$(cksum <"$tmp/in.fcidump")" = "$sum0" ] || bad "the input was modified"
# special files: written in place, still special afterwards
"$apps/qclr-info" --quiet --json /dev/null "$tmp/in.fcidump" || bad "--json /dev/null"
[ -c /dev/null ] || bad "/dev/null is no longer a character device"
if [ -w /dev/full ]; then
  "$apps/qclr-info" --quiet --json /dev/full "$tmp/in.fcidump" 2>"$tmp/err"; rc=$?
  [ $rc -ne 0 ] && grep -q "/dev/full" "$tmp/err" && grep -qi "no space" "$tmp/err" || bad "--json /dev/full: exit $rc"
  [ -c /dev/full ] || bad "/dev/full is no longer a character device"
fi
if mkfifo "$tmp/fifo" 2>/dev/null; then
  cat "$tmp/fifo" >"$tmp/fifo.out" &
  "$apps/qclr-info" --quiet --json "$tmp/fifo" "$tmp/in.fcidump" || bad "--json FIFO"
  wait
  grep -q '"norb": *7' "$tmp/fifo.out" || bad "the FIFO reader did not get the report"
  [ -p "$tmp/fifo" ] || bad "the FIFO was replaced"
fi
# a directory, or a missing one, refused before computing, with the reason
"$apps/qclr-fci" --json "$tmp" "$tmp/in.fcidump" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "directory" "$tmp/err" || bad "--json DIR: exit $rc"
"$apps/qclr-fci" --json "$tmp/no/such/x.json" "$tmp/in.fcidump" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "No such file" "$tmp/err" || bad "--json in a missing directory: exit $rc"
"$apps/qclr-fci" --out "$tmp/no/such/dir" "$tmp/in.fcidump" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || bad "--out in a missing parent: exit $rc"
# the old predictable temporary name, planted as a symlink to a victim
echo precious >"$tmp/victim"
sh -c 'ln -s "$1/victim" "$1/out.json.tmp.$$"; exec "$2/qclr-info" --quiet --json "$1/out.json" "$1/in.fcidump"' \
  sh "$tmp" "$apps" || bad "qclr-info with a planted temporary name"
[ "$(cat "$tmp/victim")" = precious ] || bad "a planted symlink was followed: the victim was overwritten"
grep -q '"norb"' "$tmp/out.json" || bad "the report was not written"
rm -f "$tmp"/out.json.tmp.*
# a symlink destination keeps pointing at its (updated) target
echo old >"$tmp/target.json"; ln -s target.json "$tmp/link.json"
"$apps/qclr-info" --quiet --json "$tmp/link.json" "$tmp/in.fcidump" || bad "--json through a symlink"
[ -L "$tmp/link.json" ] && grep -q '"norb"' "$tmp/target.json" || bad "the symlink was replaced instead of its target"
# directory outputs appear whole, and only after success; nothing staged is left
"$apps/qclr-groups" --quiet --qasm "$tmp/circ" "$tmp/in.fcidump" || bad "--qasm"
n=$(ls "$tmp/circ" | wc -l)
[ "$n" -gt 2 ] || bad "--qasm wrote $n files"
ls -a "$tmp" | grep -q 'tmp' && bad "a temporary or staging name was left: $(ls -a "$tmp" | grep tmp)"
test $fail -eq 0 && echo "outputs_app.sh: all checks passed"
exit $fail

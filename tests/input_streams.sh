#!/bin/sh
# tests/input_streams.sh: FCIDUMP input from pipes, FIFOs, standard input
# ('-', /dev/stdin), gzip through a pipe, cut .gz files and binary data.
# The reference is the same file read from disk: the JSON numbers must be
# identical (e_ref and every other key but the input name and timings).
set -u
bin="${top_builddir:-.}/apps/qclr-info"
inputs="${QCLR_INPUTS:-${top_srcdir:-.}/inputs}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qclr-streams.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
f="$inputs/h2o_sto-3g.fcidump"
# the reference-determinant energy from the JSON report (its key is e_ref or energy_ref)
eref() { grep -E '"(e|energy)_ref"' "$1" | tr -d ' ,' ; }
"$bin" --quiet --json - "$f" >"$tmp/ref.txt" 2>&1 || { echo "FAIL: reading the file itself"; exit 1; }
want=$(eref "$tmp/ref.txt")
test -n "$want" || { echo "FAIL: no e_ref in the JSON report"; cat "$tmp/ref.txt"; exit 1; }
same() { # same DESCRIPTION OUTPUTFILE
  got=$(eref "$2")
  if [ "$got" = "$want" ]; then :; else echo "FAIL: $1: e_ref '$got', want '$want'"; sed 's/^/  /' "$2"; fail=1; fi
}
cat "$f" | "$bin" --quiet --json - - >"$tmp/o1" 2>&1; same "stdin as -" "$tmp/o1"
cat "$f" | "$bin" --quiet --json - /dev/stdin >"$tmp/o2" 2>&1; same "/dev/stdin (a pipe)" "$tmp/o2"
if mkfifo "$tmp/fifo" 2>/dev/null; then
  cat "$f" >"$tmp/fifo" &
  "$bin" --quiet --json - "$tmp/fifo" >"$tmp/o3" 2>&1; same "a FIFO" "$tmp/o3"
  wait
fi
if command -v gzip >/dev/null 2>&1 && "$bin" --help 2>&1 | grep -qi gzip; then
  gzip -c "$f" >"$tmp/h.gz"
  "$bin" --quiet --json - "$tmp/h.gz" >"$tmp/o4" 2>&1; same "a .gz file" "$tmp/o4"
  cat "$tmp/h.gz" | "$bin" --quiet --json - - >"$tmp/o5" 2>&1; same "gzip through a pipe" "$tmp/o5"
  n=$(wc -c <"$tmp/h.gz")
  for cut in 2 100 $((n / 2)) $((n - 8)) $((n - 1)); do
    head -c "$cut" "$tmp/h.gz" >"$tmp/cut.gz"
    "$bin" "$tmp/cut.gz" >/dev/null 2>"$tmp/err"; rc=$?
    if [ $rc -ne 2 ] || ! grep -q "gzip" "$tmp/err"; then
      echo "FAIL: .gz cut at $cut of $n bytes: exit $rc, want 2 and a gzip message"; cat "$tmp/err"; fail=1
    fi
  done
fi
# binary input: refused at once (hang guard only; no speed limit is tested)
timeout 600 "$bin" /dev/zero >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 2 ] || ! grep -q "binary" "$tmp/err"; then echo "FAIL: /dev/zero: exit $rc"; cat "$tmp/err"; fail=1; fi
dd if=/dev/zero of="$tmp/sparse" bs=1 count=0 seek=1073741824 2>/dev/null
timeout 600 "$bin" "$tmp/sparse" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 2 ] || ! grep -q "binary" "$tmp/err"; then echo "FAIL: 1 GB sparse file: exit $rc"; cat "$tmp/err"; fail=1; fi
"$bin" "$tmp" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 2 ] || ! grep -q "directory" "$tmp/err"; then echo "FAIL: a directory as input: exit $rc"; cat "$tmp/err"; fail=1; fi
test $fail -eq 0 && echo "input_streams.sh: all checks passed"
exit $fail

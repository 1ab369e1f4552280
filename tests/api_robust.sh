#!/bin/sh
# Every function libqclr exports has generated robustness calls
# (tests/gen_api_robust.py), and they all pass: bad arguments are refused
# with QCLR_EINVAL, accessors return their safe value, nothing crashes.
set -u
build=${top_builddir:-.}
prog=$build/tests/api_robust
[ -x "$prog" ] || { echo "ERROR: $prog not built"; exit 99; }
# the exported symbols: the shared library's dynamic table, or in a
# static-only build (the sanitizer build) the archive's global text symbols
if [ -f "$build/.libs/libqclr.so" ]; then
  syms=$(nm -D --defined-only "$build/.libs/libqclr.so" | awk 'NF >= 3 && $2 == "T" {print $3}')
else
  syms=$(nm --defined-only "$build/.libs/libqclr.a" | awk 'NF >= 3 && $2 == "T" && $3 ~ /^qclr_[a-z]/ {print $3}')
fi
n=$(echo "$syms" | grep -c .)
[ "$n" -ge 50 ] || { echo "ERROR: only $n exported symbols found (nm failed?)"; exit 99; }
covered=$("$prog" --list) || { echo "ERROR: $prog --list failed"; exit 99; }
missing=$(echo "$syms" | sort -u | while read -r s; do
  echo "$covered" | grep -qx "$s" || echo "$s"
done)
if [ -n "$missing" ]; then
  echo "FAIL: exported functions without generated calls (declare them in include/qclr/*.h;"
  echo "      tests/gen_api_robust.py must know their parameter types):"
  echo "$missing"
  exit 1
fi
echo "api_robust.sh: all $n exported functions covered"
exec "$prog"

#!/bin/sh
# The shared library exports only the public qclr_[a-z]* symbols (internal
# helpers are qclr__*, static, or hidden by -export-symbols-regex).
set -u
build=${top_builddir:-.}
lib=$build/.libs/libqclr.so
[ -f "$lib" ] || { echo "SKIP: $lib not built (static-only build)"; exit 77; }
syms=$(nm -D --defined-only "$lib" | awk 'NF >= 3 {print $3}') || exit 99
total=$(echo "$syms" | grep -c .)
bad=$(echo "$syms" | grep -v '^qclr_[a-z]')
if [ "$total" -lt 50 ]; then
  echo "FAIL: only $total exported symbols (nm -D failed?)"; exit 1
fi
if [ -n "$bad" ]; then
  echo "FAIL: symbols outside ^qclr_[a-z] exported by libqclr.so:"; echo "$bad"; exit 1
fi
echo "exports.sh: $total symbols, all ^qclr_[a-z]"
exit 0

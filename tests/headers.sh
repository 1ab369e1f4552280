#!/bin/sh
# Every public header listed in the Makefile compiles on its own (as the only
# include) as C99 with -pedantic -Werror and as C++11; qclr.h includes them
# all and compiles the same way; no header in include/qclr/ is left unlisted.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
CC=${CC:-cc}
CXX=${CXX:-c++}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# headers as the Makefile lists them (qclrinclude_HEADERS, include_HEADERS, nodist_...)
listed=$(cat "$src/Makefile.am" "$src"/mk/*.am | grep -o 'include/qclr[a-z_/]*\.h' | sort -u)
[ -n "$listed" ] || { echo "FAIL: no headers found in the Makefile fragments"; exit 1; }
echo "$listed" | grep -qx 'include/qclr.h' || { echo "FAIL: include/qclr.h not listed"; fail=1; }

for f in "$src"/include/qclr/*.h; do
  h=include/qclr/$(basename "$f")
  echo "$listed" | grep -qx "$h" || { echo "FAIL: $h is not listed in Makefile.am / mk/*.am"; fail=1; }
done

inc="-I$src/include -I$build/include"
n=0
for h in $listed; do
  name=${h#include/}
  if [ ! -f "$src/$h" ] && [ ! -f "$build/$h" ]; then
    echo "FAIL: $h listed but missing"; fail=1; continue
  fi
  if [ "$name" != qclr.h ] && ! grep -q "#include \"$name\"" "$src/include/qclr.h"; then
    echo "FAIL: qclr.h does not include $name"; fail=1
  fi
  printf '#include "%s"\nint qclr_headers_test_dummy;\n' "$name" >"$tmp/t.c"
  if ! $CC -std=c99 -pedantic -Werror -Wall -Wextra -fsyntax-only $inc "$tmp/t.c" 2>"$tmp/err"; then
    echo "FAIL: $name alone, C99 -pedantic -Werror:"; cat "$tmp/err"; fail=1
  fi
  if ! $CXX -x c++ -std=c++11 -pedantic -Werror -Wall -Wextra -fsyntax-only $inc "$tmp/t.c" 2>"$tmp/err"; then
    echo "FAIL: $name alone, C++11 -pedantic -Werror:"; cat "$tmp/err"; fail=1
  fi
  n=$((n + 1))
done

# qclr.h twice (include guards) and with another header first
printf '#include "qclr/tt.h"\n#include "qclr.h"\n#include "qclr.h"\nint main(void) { return qclr_strerror(0)[0] == 0; }\n' >"$tmp/u.c"
$CC -std=c99 -pedantic -Werror -Wall -Wextra -fsyntax-only $inc "$tmp/u.c" 2>"$tmp/err" ||
  { echo "FAIL: qclr.h included twice, C99:"; cat "$tmp/err"; fail=1; }
$CXX -x c++ -std=c++11 -pedantic -Werror -Wall -Wextra -fsyntax-only $inc "$tmp/u.c" 2>"$tmp/err" ||
  { echo "FAIL: qclr.h included twice, C++11:"; cat "$tmp/err"; fail=1; }

echo "headers checked: $n"
[ "$n" -ge 10 ] || { echo "FAIL: only $n headers found"; fail=1; }
exit $fail

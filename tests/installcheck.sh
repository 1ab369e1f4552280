#!/bin/sh
# Compile and run a tiny program against an installed qclr using pkg-config.
# usage: installcheck.sh PREFIX
set -e
prefix=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/hello.c" <<'EOC'
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <qclr.h>
int main(void) {
  qclr_hamiltonian *H = NULL;
  double h[4] = {-1.25, 0.0, 0.0, -0.47};
  double eri[16] = {0};
  eri[0] = 0.67; eri[15] = 0.70;
  if (qclr_hamiltonian_from_full(2, 2, 0, 0.71, h, eri, &H)) return 1;
  double e;
  qclr_hamiltonian_e_ref(H, &e);
  qclr_hamiltonian_free(H);
  if (strcmp(qclr_version(), QCLR_VERSION_STRING)) return 1;
  printf("qclr %s e_ref %.6f\n", qclr_version(), e);
  /* 0.71 + 2*(-1.25) + 0.67 */
  return fabs(e + 1.12) < 1e-12 ? 0 : 1;
}
EOC
PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$PKG_CONFIG_PATH"
export PKG_CONFIG_PATH
${CC:-cc} -o "$tmp/hello" "$tmp/hello.c" $(pkg-config --cflags --libs qclr) -lm
LD_LIBRARY_PATH="$prefix/lib:$LD_LIBRARY_PATH" "$tmp/hello"
echo "installcheck: ok"

/* src/fcidump_write.c: FCIDUMP writer.
 *
 * 8-fold unique two-electron elements (pq >= rs, p >= q, r >= s), then the
 * lower triangle of h, then the core energy, each with 17 significant digits
 * ("%.16E"), which any correctly rounding reader turns back into the same
 * double.  The header is the Molpro/PySCF form with one key group per line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/fcidump.h"

void qclr_fcidump_write_options_default(qclr_fcidump_write_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->zero_tol = 0.0;
}

static int keep(double v, double tol) { return tol > 0 ? fabs(v) > tol : v != 0.0; }

int qclr_fcidump_write(const char *path, const qclr_hamiltonian *H,
                       const qclr_fcidump_write_options *opts) {
  qclr__clear();
  if (!path || !H) return qclr__error(QCLR_EINVAL, "qclr_fcidump_write: NULL path or Hamiltonian");
  QCLR__CHECK_OPTIONS(opts, "qclr_fcidump_write_options_default");
  qclr_fcidump_write_options def;
  if (!opts) {
    qclr_fcidump_write_options_default(&def);
    opts = &def;
  }
  if (!(opts->zero_tol >= 0))
    return qclr__error(QCLR_EINVAL, "qclr_fcidump_write: zero_tol = %g must be >= 0", opts->zero_tol);
  char *tmp;
  FILE *f = qclr__atomic_open(path, &tmp);
  if (!f) return QCLR_EIO;
  static const size_t bufsize = 1 << 20;
  char *iobuf = malloc(bufsize);
  if (iobuf) setvbuf(f, iobuf, _IOFBF, bufsize);
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  const double *V = qclr_hamiltonian_vpair(H), *h = qclr_hamiltonian_h(H);
  const int *orbsym = qclr_hamiltonian_orbsym(H);
  double tol = opts->zero_tol;
  int ok = fprintf(f, "&FCI NORB=%lld,NELEC=%d,MS2=%d,\n ORBSYM=", (long long)N,
                   qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H)) > 0;
  for (int64_t p = 0; p < N && ok; p++) ok = fprintf(f, "%d,", orbsym[p]) > 0;
  ok = ok && fprintf(f, "\n ISYM=%d,\n&END\n", qclr_hamiltonian_isym(H)) > 0;
  for (int64_t p = 0; p < N && ok; p++)
    for (int64_t q = 0; q <= p && ok; q++) {
      int64_t pq = qclr__pair(p, q);
      for (int64_t r = 0; r <= p && ok; r++)
        for (int64_t s = 0; s <= r; s++) {
          int64_t rs = qclr__pair(r, s);
          if (rs > pq) break;
          double v = V[(size_t)pq * (size_t)np + (size_t)rs];
          if (!keep(v, tol)) continue;
          if (fprintf(f, "% .16E %4lld %4lld %4lld %4lld\n", v, (long long)p + 1, (long long)q + 1,
                      (long long)r + 1, (long long)s + 1) < 0) {
            ok = 0;
            break;
          }
        }
    }
  for (int64_t p = 0; p < N && ok; p++)
    for (int64_t q = 0; q <= p && ok; q++) {
      double v = h[p * N + q];
      if (keep(v, tol))
        ok = fprintf(f, "% .16E %4lld %4lld    0    0\n", v, (long long)p + 1, (long long)q + 1) > 0;
    }
  ok = ok && fprintf(f, "% .16E    0    0    0    0\n", qclr_hamiltonian_e_core(H)) > 0;
  int rc = qclr__atomic_close(f, tmp, path, ok);
  free(iobuf);
  return rc;
}

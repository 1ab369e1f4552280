/* src/hubbard.c: Fermi-Hubbard model in the site basis.
 * H = -t sum_<ij>,s (a+_is a_js + h.c.) + U sum_i n_ia n_ib, i.e. h_ij = -t for
 * bonded sites and (ii|ii) = U, all other integrals zero. */
#include <math.h>

#include "core/internal.h"
#include "qclr/model.h"

static void bond(double *h, int64_t n, int64_t i, int64_t j, double t) {
  if (i == j) return;
  h[i * n + j] = h[j * n + i] = -t;
}

int qclr_hubbard(int64_t nx, int64_t ny, double t, double u, int periodic, int nelec,
                 qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_hubbard: out is NULL");
  *out = NULL;
  if (nx < 1 || ny < 1)
    return qclr__error(QCLR_EINVAL, "hubbard: lattice sides must be >= 1, got %lld x %lld",
                       (long long)nx, (long long)ny);
  if (!isfinite(t) || !isfinite(u))
    return qclr__error(QCLR_EINVAL, "hubbard: t and U must be finite");
  if (nx > INT32_MAX / ny)
    return qclr__error(QCLR_EINVAL, "hubbard: %lld x %lld sites is too many", (long long)nx, (long long)ny);
  int64_t n = nx * ny;
  if (nelec < 0 || nelec > 2 * n)
    return qclr__error(QCLR_EINVAL, "hubbard: %d electrons do not fit %lld sites", nelec, (long long)n);
  qclr_hamiltonian *H = NULL;
  int rc = qclr_hamiltonian_new(n, nelec, nelec % 2, &H);
  if (rc) return rc;
  double *h = qclr_hamiltonian_h_mut(H), *V = qclr_hamiltonian_vpair_mut(H);
  int64_t npair = qclr_hamiltonian_npair(H);
  for (int64_t x = 0; x < nx; x++)
    for (int64_t y = 0; y < ny; y++) {
      int64_t i = x * ny + y;
      /* a periodic side of 2 has a single bond, not a doubled one */
      if (x + 1 < nx) bond(h, n, i, (x + 1) * ny + y, t);
      else if (periodic && nx > 2) bond(h, n, i, y, t);
      if (y + 1 < ny) bond(h, n, i, x * ny + y + 1, t);
      else if (periodic && ny > 2) bond(h, n, i, x * ny, t);
      int64_t ii = qclr__pair(i, i);
      V[ii * npair + ii] = u;
    }
  *out = H;
  return 0;
}

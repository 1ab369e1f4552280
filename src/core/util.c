/* src/util.c: checked allocation, sizes, threads, atomic file writes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/internal.h"
#include "qclr/version.h"

const char *qclr_version(void) { return QCLR_VERSION_STRING; }

int qclr__mul_size(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a)
    return qclr__error(QCLR_ETOOLARGE, "size overflow: %zu x %zu", a, b);
  *out = a * b;
  return 0;
}

static void *alloc_common(size_t nmemb, size_t size, const char *what, int zero) {
  size_t bytes;
  if (qclr__mul_size(nmemb, size, &bytes)) return NULL;
  if (bytes == 0) bytes = 1;
  void *p = zero ? calloc(1, bytes) : malloc(bytes);
  if (!p)
    qclr__error(QCLR_ENOMEM, "cannot allocate %s: %zu bytes (%.3g GiB) needed", what ? what : "array",
                bytes, (double)bytes / 1073741824.0);
  return p;
}

void *qclr__malloc(size_t nmemb, size_t size, const char *what) {
  return alloc_common(nmemb, size, what, 0);
}
void *qclr__calloc(size_t nmemb, size_t size, const char *what) {
  return alloc_common(nmemb, size, what, 1);
}

int qclr__check_finite(const char *fn, const char *array, const double *x, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return qclr__error(QCLR_EINVAL, "%s: %s[%lld] is %g", fn, array, (long long)i, x[i]);
  return 0;
}

int qclr__check_lapack_int(int64_t n, const char *what) {
  if (n < 0 || n > INT_MAX)
    return qclr__error(QCLR_ETOOLARGE, "%s = %lld exceeds the LAPACK integer range (%d)",
                       what, (long long)n, INT_MAX);
  return 0;
}

void qclr__unpair(int64_t pq, int64_t *p, int64_t *q) {
  int64_t a = (int64_t)((sqrt(8.0 * (double)pq + 1.0) - 1.0) / 2.0);
  while (a * (a + 1) / 2 > pq) a--;
  while ((a + 1) * (a + 2) / 2 <= pq) a++;
  *p = a;
  *q = pq - a * (a + 1) / 2;
}

void qclr__omp_blas_serial(void) {
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
}

int qclr_pair_unpack(int64_t norb, int64_t count, const double *packed, double *full) {
  qclr__clear();
  if (norb < 0 || count < 0) return qclr__error(QCLR_EINVAL, "qclr_pair_unpack: negative size");
  if ((norb > 0 && count > 0) && (!packed || !full)) return qclr__error(QCLR_EINVAL, "qclr_pair_unpack: NULL array");
  const int64_t np = norb * (norb + 1) / 2;
  for (int64_t l = 0; l < count; l++)
    for (int64_t p = 0; p < norb; p++)
      for (int64_t q = 0; q <= p; q++)
        full[(l * norb + p) * norb + q] = full[(l * norb + q) * norb + p] = packed[l * np + p * (p + 1) / 2 + q];
  return 0;
}

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

int qclr__nthreads(int requested) {
  if (requested > 0) return requested;
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

void qclr__omp_blas_serial(void) {
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
}

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
#include "qclr/output.h"
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

FILE *qclr__atomic_open(const char *path, char **tmp) {
  size_t n = strlen(path);
  *tmp = malloc(n + 32);
  if (!*tmp) {
    qclr__error(QCLR_ENOMEM, "cannot allocate a file name");
    return NULL;
  }
  snprintf(*tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(*tmp, "wb");
  if (!f) {
    qclr__error(QCLR_EIO, "%s: cannot create (temporary %s): %s", path, *tmp, strerror(errno));
    free(*tmp);
    *tmp = NULL;
  }
  return f;
}

int qclr__atomic_close(FILE *f, char *tmp, const char *path, int ok) {
  int bad = !ok || ferror(f);
  if (fclose(f) != 0) bad = 1;
  if (!bad && rename(tmp, path) != 0) bad = 2;
  int rc = 0;
  if (bad) {
    if (ok) rc = qclr__error(QCLR_EIO, "%s: write failed: %s", path, strerror(errno));
    else rc = QCLR_EIO;
    remove(tmp);
  }
  free(tmp);
  return rc;
}

int qclr__write_atomic(const char *path, const void *data, size_t len) {
  char *tmp;
  FILE *f = qclr__atomic_open(path, &tmp);
  if (!f) return QCLR_EIO;
  int ok = (len == 0 || fwrite(data, 1, len, f) == len);
  return qclr__atomic_close(f, tmp, path, ok);
}

int qclr_write_file(const char *path, const void *data, size_t len) {
  qclr__clear();
  if (!path || (!data && len > 0)) return qclr__error(QCLR_EINVAL, "qclr_write_file: NULL argument");
  return qclr__write_atomic(path, data, len);
}

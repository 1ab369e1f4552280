/* src/internal.h: helpers shared by library sources; not installed. */
#ifndef QCLR_INTERNAL_H
#define QCLR_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "qclr/error.h"

/* Set this thread's detailed error message and return code (printf format). */
int qclr__error(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Clear the calling thread's last-error message.  Every public function that
 * can fail calls this on entry, so that after a successful call
 * qclr_last_error() is "" (a warning set later in the call stays). */
void qclr__clear(void);

/* Options structs carry their size as first member, set by
 * qclr_<x>_options_default: a struct the caller did not initialize that way
 * (or built against another version of the header) is refused.  NULL passes
 * (the caller then substitutes the defaults).  Returns from the function. */
#define QCLR__CHECK_OPTIONS(o, init)                                                                   \
  do {                                                                                               \
    if ((o) && (o)->size != sizeof *(o))                                                             \
      return qclr__error(QCLR_EINVAL, "options not initialized with " init);                        \
  } while (0)

/* 0 if x[0..n-1] are all finite, else QCLR_EINVAL with the message
 * "fn: array[i] is nan" naming the first offending index.  O(n). */
int qclr__check_finite(const char *fn, const char *array, const double *x, int64_t n);

/* malloc/calloc wrappers that check size overflow; on failure they set
 * QCLR_ENOMEM with the byte count and return NULL. `what` names the array. */
void *qclr__malloc(size_t nmemb, size_t size, const char *what);
void *qclr__calloc(size_t nmemb, size_t size, const char *what);

/* nmemb*size without overflow; returns 0 and sets *out, or QCLR_ETOOLARGE. */
int qclr__mul_size(size_t a, size_t b, size_t *out);

/* Check that n fits the LAPACK/CBLAS integer type (32-bit here). */
int qclr__check_lapack_int(int64_t n, const char *what);

/* Bytes this process may still allocate: the smallest of physical memory,
 * RLIMIT_AS less the mapped address space, and the cgroup (v2 or v1) limit
 * less its usage; 0 if none is known.  *source (if not NULL) names the
 * binding limit, for messages. */
size_t qclr__memory_available(const char **source);
/* QCLR_ETOOLARGE, with "WHAT needs N bytes (G GiB), more than the M bytes
 * (G GiB) left under SOURCE", when `bytes` more will not fit
 * (qclr__memory_available); else 0.  For allocations that scale with the
 * problem, before they are made. */
int qclr__memory_check(size_t bytes, const char *what);

/* Largest magnitude accepted for an input number (integral, model
 * parameter): with |v| <= 1e100 every product the library forms (squares in
 * MP2 and 1-norms, sums over N^4 terms) stays far below DBL_MAX (1.8e308). */
#define QCLR__MAX_MAGNITUDE 1e100

/* Pair index p>=q -> p(p+1)/2+q, and its inverse. */
static inline int64_t qclr__pair(int64_t p, int64_t q) {
  return p >= q ? p * (p + 1) / 2 + q : q * (q + 1) / 2 + p;
}
void qclr__unpair(int64_t pq, int64_t *p, int64_t *q);

/* Threads for qclr's own OpenMP regions: the calling thread's
 * qclr_set_threads setting if > 0, else OpenMP's default (1 without OpenMP). */
int qclr__nthreads(void);
/* Call first thing inside a parallel region whose threads call BLAS/LAPACK:
 * it sets this task's nthreads ICV to 1, so OpenBLAS's OpenMP build runs
 * those calls on the calling thread.  Without it, a region of one thread
 * (nthreads = 1, an inactive region) lets OpenBLAS open a nested team of
 * omp_get_max_threads() threads for every small call (measured: the DF
 * summary of H150 took 9 s instead of 0.5 s).  Affects only this region. */
void qclr__omp_blas_serial(void);

/* Write `len` bytes to `path` whole or not at all (src/core/output.c:
 * exclusive temporary beside the resolved target, then rename; stdout,
 * FIFOs and character devices in place).  Used by every writer. */
int qclr__write_atomic(const char *path, const void *data, size_t len);

/* Streamed variant: qclr__atomic_open returns the stream to write (NULL with
 * the message set on failure) and sets *tmp (malloc'd; NULL when the
 * destination is written in place); then qclr__atomic_close(f, tmp, path, ok)
 * renames on ok != 0 and no stream error, removes the temporary otherwise,
 * frees tmp, and names `path` and the system's reason in any error. */
#include <stdio.h>
FILE *qclr__atomic_open(const char *path, char **tmp);
int qclr__atomic_close(FILE *f, char *tmp, const char *path, int ok);

#endif

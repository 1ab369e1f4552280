/* src/core/threads.c: the per-calling-thread thread count (qclr/threads.h). */
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/internal.h"
#include "qclr/threads.h"

/* 0 = OpenMP's default.  Thread-local: no mutable state shared between threads. */
static _Thread_local int requested_threads;

int qclr_set_threads(int n) {
  qclr__clear();
  if (n < 0) return qclr__error(QCLR_EINVAL, "qclr_set_threads: n = %d must be >= 0", n);
  requested_threads = n;
  return 0;
}

int qclr_get_threads(void) { return requested_threads; }

/* qclr_set_threads without clearing the error message (src/core/eigen.c) */
void qclr__set_threads_keep_error(int n) { requested_threads = n; }

int qclr__nthreads() {
  if (requested_threads > 0) return requested_threads;
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/* src/core/threads.c: the per-calling-thread thread count (qclr/threads.h). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdio.h>
#include <time.h>
#ifdef __linux__
#include <sched.h>
#include <unistd.h>
#endif

#include "core/internal.h"
#include "qclr/threads.h"

/* 0 = OpenMP's default.  Thread-local: no mutable state shared between threads. */
static _Thread_local int requested_threads;

int qclr_set_threads(int n) {
  qclr__clear();
  if (n < 0 || n > QCLR_MAX_THREADS)
    return qclr__error(QCLR_EINVAL, "qclr_set_threads: n = %d must be in [0, %d]", n, QCLR_MAX_THREADS);
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

/* Other runnable tasks on the machine now: the fewest seen in 5 reads of
 * /proc/loadavg's "running/total" field 0.25 ms apart (the kernel's
 * nr_running, which counts the reading thread itself; the minimum discards
 * tasks that were only passing through).  -1 if it cannot be read. */
static long other_runnable(void) {
#ifdef __linux__
  long best = -1;
  for (int k = 0; k < 5; k++) {
    if (k) {
      struct timespec ts = {0, 250000};
      nanosleep(&ts, NULL);
    }
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f) return -1;
    double l1, l5, l15;
    long run = -1, tot = -1;
    int got = fscanf(f, "%lf %lf %lf %ld/%ld", &l1, &l5, &l15, &run, &tot);
    fclose(f);
    if (got != 5 || run < 1) return -1;
    if (best < 0 || run - 1 < best) best = run - 1;
  }
  return best;
#else
  return -1;
#endif
}

int qclr_threads_idle(void) {
  qclr__clear();
  int max = 1;
#ifdef _OPENMP
  max = omp_get_max_threads();
#endif
  if (max <= 1) return 1;
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int naff = CPU_COUNT(&set);
    if (naff >= 1 && naff < max) max = naff;
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN), others = other_runnable();
  if (online < 1 || others < 0) return max;
  long idle = online - others;
  if (idle < 1) idle = 1;
  return idle < max ? (int)idle : max;
#else
  return max;
#endif
}

/* qclr/threads.h: how many OpenMP threads qclr's own loops use.
 *
 * One policy for the whole library: a per-calling-thread setting.  Every qclr
 * function called from a thread uses that thread's setting for the OpenMP
 * regions it opens (the DF loop over factors, sigma = H c, group moments, AO
 * integrals, ...).  Nothing is shared between threads, so two host threads
 * may use different counts at the same time.  qclr never calls
 * omp_set_num_threads on the caller's behalf.  BLAS/LAPACK calls use
 * OpenBLAS's own threads (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS).  Results
 * do not depend on the count beyond rounding (~1e-12).
 */
#ifndef QCLR_THREADS_H
#define QCLR_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Threads for qclr calls made from the calling thread: n > 0 uses n, n = 0
 * restores OpenMP's default (omp_get_max_threads() of the calling thread).
 * Returns 0, or QCLR_EINVAL for n < 0 or n > QCLR_MAX_THREADS (setting
 * unchanged).  O(1). */
#define QCLR_MAX_THREADS 4096
int qclr_set_threads(int n);

/* The calling thread's setting (0 = OpenMP's default; initially 0). */
int qclr_get_threads(void);

/* A thread count suited to the load now: the CPUs that other runnable
 * tasks leave idle (the CPUs online minus the other tasks the kernel counts
 * as running or waiting to run, the fewest in 5 samples taken over ~1 ms),
 * at most the calling thread's CPUs (affinity mask) and omp_get_max_threads(),
 * at least 1.  On a quiet machine that is all the CPUs; beside 2 busy
 * processes on 2 CPUs it is 1, which avoids threads waiting for each other
 * while the busy processes hold the CPUs.  The apps use it when neither
 * --threads nor OMP_NUM_THREADS is given.  Changes no setting (pass the
 * result to qclr_set_threads).  Without Linux's /proc or OpenMP: 1 or
 * omp_get_max_threads().  Never fails; ~1 ms. */
int qclr_threads_idle(void);

#ifdef __cplusplus
}
#endif
#endif

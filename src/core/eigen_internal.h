/* src/core/eigen_internal.h: the one symmetric eigensolver of the library (internal).
 *
 * Results must not depend on the thread count (docs/conventions.md §2,
 * "Determinism"): LAPACK runs on the calling thread only (the OpenMP build of
 * OpenBLAS splits dsymv/dsyr2k sums by thread, so a threaded dsyevd gives
 * other round-off with OMP_NUM_THREADS=1 and =2), and the eigenvectors get a
 * deterministic sign. */
#ifndef QCLR_CORE_EIGEN_INTERNAL_H
#define QCLR_CORE_EIGEN_INTERNAL_H

#include <stdint.h>

/* Run fn(ctx) with BLAS/LAPACK on the calling thread (OpenBLAS's thread count
 * pinned to 1 around the call and restored; in the OpenMP build a one-thread
 * region whose nthreads ICV is 1).  Returns fn's value. */
int qclr__lapack_serial(int (*fn)(void *ctx), void *ctx);

/* The same as a bracket, for LAPACK sequences that do not fit one call:
 *   qclr__serial_state st = qclr__lapack_serial_begin(); ...; qclr__lapack_serial_end(st);
 * In between, BLAS/LAPACK run on the calling thread (the calling task's
 * OpenMP nthreads ICV, or OpenBLAS's own count without OpenMP, is 1), while
 * qclr's own parallel regions keep the thread count they had (qclr__nthreads
 * is pinned to its value at begin).  Everything is restored at end (the error
 * message is kept). */
typedef struct {
  int saved, requested;
} qclr__serial_state;
qclr__serial_state qclr__lapack_serial_begin(void);
void qclr__lapack_serial_end(qclr__serial_state st);
void qclr__set_threads_keep_error(int n); /* src/core/threads.c */

/* Eigenvalues (ascending, in w[0..n-1]) and, for jobz 'V', eigenvectors of
 * the symmetric n x n matrix A (row-major, leading dimension lda >= n; the
 * upper triangle is read, as LAPACKE_dsyevd 'U').  On return with 'V',
 * column j of A is the eigenvector of w[j], with the deterministic gauge of
 * qclr__gauge_columns.  Sequential dsyevd (qclr__lapack_serial).  `what`
 * names the matrix in the error message (QCLR_ENUMERIC on failure). */
int qclr__eigh_sym(char jobz, int64_t n, double *A, int64_t lda, double *w, const char *what);

/* Deterministic sign of the k columns of the row-major m x k matrix V
 * (leading dimension ldv): the component of largest magnitude becomes
 * positive; components within a relative 1e-8 of the largest count as ties,
 * and the lowest row index among them decides.  Used after every
 * eigensolver and SVD whose vectors are reported. */
void qclr__gauge_columns(int64_t m, int64_t k, double *V, int64_t ldv);

/* The same for k rows of length m (row r at V + r*ldv). */
void qclr__gauge_rows(int64_t k, int64_t m, double *V, int64_t ldv);

#endif

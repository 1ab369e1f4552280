/* src/core/eigen.c: sequential symmetric eigensolver and eigenvector gauge
 * (src/core/eigen_internal.h). */
#include <math.h>

#include <lapacke.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "qclr/threads.h"

/* OpenBLAS's own thread count (weak: other BLAS have no such call and are
 * taken as they come; their LAPACK is sequential or their own business). */
extern int openblas_get_num_threads(void) __attribute__((weak));
extern void openblas_set_num_threads(int) __attribute__((weak));

int qclr__lapack_serial(int (*fn)(void *ctx), void *ctx) {
  int rc = 0;
#ifdef _OPENMP
  /* A one-thread region whose nthreads ICV is 1 keeps OpenBLAS's OpenMP
   * build on the calling thread (it sizes its team from omp_get_max_threads
   * and runs serially inside an active region). */
#pragma omp parallel num_threads(1)
  {
    qclr__omp_blas_serial();
    rc = fn(ctx);
  }
#else
  int saved = openblas_get_num_threads ? openblas_get_num_threads() : 1;
  if (saved > 1 && openblas_set_num_threads) openblas_set_num_threads(1);
  rc = fn(ctx);
  if (saved > 1 && openblas_set_num_threads) openblas_set_num_threads(saved);
#endif
  return rc;
}

qclr__serial_state qclr__lapack_serial_begin(void) {
  qclr__serial_state st;
  st.requested = qclr_get_threads();
  if (st.requested == 0) qclr__set_threads_keep_error(qclr__nthreads());
#ifdef _OPENMP
  /* OpenBLAS's OpenMP build sizes each call's team from omp_get_max_threads()
   * (and runs on the calling thread inside an active parallel region) */
  st.saved = omp_get_max_threads();
  omp_set_num_threads(1);
#else
  st.saved = openblas_get_num_threads ? openblas_get_num_threads() : 1;
  if (st.saved > 1 && openblas_set_num_threads) openblas_set_num_threads(1);
#endif
  return st;
}

void qclr__lapack_serial_end(qclr__serial_state st) {
#ifdef _OPENMP
  omp_set_num_threads(st.saved);
#else
  if (st.saved > 1 && openblas_set_num_threads) openblas_set_num_threads(st.saved);
#endif
  qclr__set_threads_keep_error(st.requested);
}

typedef struct {
  char jobz;
  lapack_int n, lda;
  double *A, *w;
} syevd_call;

static int run_syevd(void *p) {
  syevd_call *c = p;
  return (int)LAPACKE_dsyevd(LAPACK_ROW_MAJOR, c->jobz, 'U', c->n, c->A, c->lda, c->w);
}

static int64_t gauge_pivot(int64_t m, const double *v, int64_t stride) {
  double big = 0.0;
  for (int64_t i = 0; i < m; i++)
    if (fabs(v[i * stride]) > big) big = fabs(v[i * stride]);
  for (int64_t i = 0; i < m; i++)
    if (fabs(v[i * stride]) >= big * (1.0 - 1e-8)) return i;
  return 0;
}

void qclr__gauge_columns(int64_t m, int64_t k, double *V, int64_t ldv) {
  for (int64_t j = 0; j < k; j++) {
    int64_t i = gauge_pivot(m, V + j, ldv);
    if (m > 0 && V[i * ldv + j] < 0)
      for (int64_t r = 0; r < m; r++) V[r * ldv + j] = -V[r * ldv + j];
  }
}

void qclr__gauge_rows(int64_t k, int64_t m, double *V, int64_t ldv) {
  for (int64_t r = 0; r < k; r++) {
    double *v = V + r * ldv;
    int64_t i = gauge_pivot(m, v, 1);
    if (m > 0 && v[i] < 0)
      for (int64_t c = 0; c < m; c++) v[c] = -v[c];
  }
}

int qclr__eigh_sym(char jobz, int64_t n, double *A, int64_t lda, double *w, const char *what) {
  if (n <= 0) return 0;
  int rc = qclr__check_lapack_int(lda > n ? lda : n, what);
  if (rc) return rc;
  syevd_call c = {jobz, (lapack_int)n, (lapack_int)lda, A, w};
  int info = qclr__lapack_serial(run_syevd, &c);
  if (info) return qclr__error(QCLR_ENUMERIC, "%s: dsyevd failed (info %d)", what, info);
  if (jobz == 'V' || jobz == 'v') qclr__gauge_columns(n, n, A, lda);
  return 0;
}

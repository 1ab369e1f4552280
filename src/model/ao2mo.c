/* src/ao2mo.c: AO -> MO transformation of pair-space integrals.
 *
 * Each pair-space row (a symmetric N x N matrix once unpacked) is transformed
 * as C^T M C with two DGEMMs: the first half-transformation over (kl) for every
 * AO pair (ij), then, on the transposed intermediate, over (ij).  O(N^5). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/internal.h"
#include "qclr/model.h"

/* out(packed) = C^T unpack(in) C; M, T: N x N work. */
static void transform_packed(int64_t n, const double *C, const double *in, double *out, double *M,
                             double *T) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) M[i * n + j] = M[j * n + i] = in[qclr__pair(i, j)];
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, M, (int)n, C,
              (int)n, 0.0, T, (int)n);
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, C, (int)n, T,
              (int)n, 0.0, M, (int)n);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q <= p; q++) out[qclr__pair(p, q)] = 0.5 * (M[p * n + q] + M[q * n + p]);
}

static int transform_rows(int64_t n, const double *C, int64_t nrow, int64_t stride_in,
                          const double *in, double *out) {
  int rc = 0;
  int nt = qclr__nthreads();
  (void)nt;
#pragma omp parallel num_threads(nt)
  {
    qclr__omp_blas_serial();
    double *M = malloc(sizeof(double) * (size_t)(2 * n * n));
    if (!M) {
#pragma omp atomic write
      rc = 1;
    } else {
#pragma omp for schedule(static)
      for (int64_t r = 0; r < nrow; r++)
        transform_packed(n, C, in + r * stride_in, out + r * stride_in, M, M + n * n);
    }
    free(M);
  }
  if (rc) return qclr__error(QCLR_ENOMEM, "ao2mo: out of memory for %lld-byte work arrays",
                             (long long)(16 * n * n));
  return 0;
}

int qclr_ao2mo_vectors(int64_t n, const double *C, int64_t rank, double *vectors) {
  qclr__clear();
  if (n < 1 || rank < 0 || !C || (rank > 0 && !vectors))
    return qclr__error(QCLR_EINVAL, "qclr_ao2mo_vectors: n = %lld, rank = %lld or a NULL array", (long long)n,
                       (long long)rank);
  int rc = qclr__check_lapack_int(n * n, "ao2mo matrix");
  if (rc) return rc;
  return transform_rows(n, C, rank, n * (n + 1) / 2, vectors, vectors);
}

int qclr_ao2mo(int64_t n, const double *C, const double *hcore, const double *vpair_ao,
               double e_core, int nelec, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_ao2mo: out is NULL");
  *out = NULL;
  if (n < 1 || !C || !hcore || !vpair_ao)
    return qclr__error(QCLR_EINVAL, "qclr_ao2mo: n = %lld or a NULL array", (long long)n);
  if (!isfinite(e_core)) return qclr__error(QCLR_EINVAL, "qclr_ao2mo: e_core is %g", e_core);
  int rc = qclr__check_lapack_int(n * n, "ao2mo matrix");
  if (rc) return rc;
  int64_t npair = n * (n + 1) / 2;
  qclr_hamiltonian *H = NULL;
  rc = qclr_hamiltonian_new(n, nelec, nelec % 2, &H);
  if (rc) return rc;
  double *W = qclr__malloc((size_t)npair * (size_t)npair, sizeof(double), "half-transformed ERIs");
  double *M = qclr__malloc((size_t)(2 * n * n), sizeof(double), "ao2mo work");
  if (!W || !M) {
    free(W);
    free(M);
    qclr_hamiltonian_free(H);
    return QCLR_ENOMEM;
  }
  double *V = qclr_hamiltonian_vpair_mut(H);
  /* W[ij, pq] = sum_kl (ij|kl) C_kp C_lq */
  rc = transform_rows(n, C, npair, npair, vpair_ao, W);
  if (!rc) {
    /* V[pq, rs] = sum_ij W[ij, pq] C_ir C_js: transpose W, transform rows again */
    for (int64_t a = 0; a < npair; a++)
      for (int64_t b = 0; b < npair; b++) V[a * npair + b] = W[b * npair + a];
    rc = transform_rows(n, C, npair, npair, V, V);
  }
  free(W);
  if (!rc) {
    for (int64_t a = 0; a < npair; a++)
      for (int64_t b = 0; b < a; b++) {
        double s = 0.5 * (V[a * npair + b] + V[b * npair + a]);
        V[a * npair + b] = V[b * npair + a] = s;
      }
    double *h = qclr_hamiltonian_h_mut(H);
    memcpy(M, hcore, sizeof(double) * (size_t)(n * n));
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, M, (int)n,
                C, (int)n, 0.0, M + n * n, (int)n);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, C, (int)n,
                M + n * n, (int)n, 0.0, h, (int)n);
    for (int64_t p = 0; p < n; p++)
      for (int64_t q = 0; q < p; q++) h[p * n + q] = h[q * n + p] = 0.5 * (h[p * n + q] + h[q * n + p]);
    qclr_hamiltonian_set_e_core(H, e_core);
  }
  free(M);
  if (rc) {
    qclr_hamiltonian_free(H);
    return rc;
  }
  *out = H;
  return 0;
}

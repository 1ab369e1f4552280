/* src/fci_rdm.c: spin-summed one- and two-particle density matrices.
 * With D_rs = E_rs c over all determinants, <E_pq E_rs> = D_qp . D_rs, so
 * the 2-RDM is one symmetric rank-k update (dsyrk) per block of alpha
 * strings; blocks are summed in a fixed order (thread-count independent). */
#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "fci/fci_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

int qclr_fci_rdm12(const qclr_hamiltonian *H, const double *c, double *rdm1, double *rdm2) {
  qclr__clear();
  if (!H || !c || !rdm1) return qclr__error(QCLR_EINVAL, "qclr_fci_rdm12: NULL argument");
  const int N = (int)qclr_hamiltonian_norb(H);
  if (N > 64) return qclr__error(QCLR_EUNSUPPORTED, "FCI supports at most 64 orbitals (NORB = %d)", N);
  const int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  const int nt = qclr__nthreads();
  qclr__fci_strings sa, sb;
  int rc = qclr__fci_strings_build(N, na, &sa);
  if (rc) return rc;
  if ((rc = qclr__fci_strings_build(N, nb, &sb))) {
    qclr__fci_strings_free(&sa);
    return rc;
  }
  const int64_t nsa = sa.nstr, nsb = sb.nstr, N2 = (int64_t)N * N;
  /* block of alpha rows so that D holds about 2^22 doubles */
  int64_t blk = (int64_t)(4194304 / (N2 * nsb));
  if (blk < 1) blk = 1;
  if (blk > nsa) blk = nsa;
  size_t cols = (size_t)blk * (size_t)nsb;
  double *D = qclr__malloc(cols * (size_t)N2, sizeof(double), "RDM intermediate");
  double *M = rdm2 ? qclr__calloc((size_t)(N2 * N2), sizeof(double), "2-RDM accumulator") : NULL;
  if (!D || (rdm2 && !M)) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  if ((rc = qclr__check_lapack_int((int64_t)cols, "RDM block"))) goto done;
  memset(rdm1, 0, (size_t)N2 * sizeof(double));
  for (int64_t a0 = 0; a0 < nsa; a0 += blk) {
    int64_t a1 = a0 + blk < nsa ? a0 + blk : nsa, nI = (a1 - a0) * nsb;
    memset(D, 0, (size_t)N2 * cols * sizeof(double));
#pragma omp parallel for num_threads(nI >= 64 ? nt : 1) schedule(dynamic, 1)
    for (int64_t Ia = a0; Ia < a1; Ia++) {
      const qclr__fci_link *La = sa.link + (size_t)Ia * sa.nlink;
      size_t off = (size_t)(Ia - a0) * nsb;
      for (int l = 0; l < sa.nlink; l++) { /* <Ia|E_qp|Ja> = sign */
        double *d = D + (size_t)(La[l].q * N + La[l].p) * cols + off;
        const double *src = c + (size_t)La[l].J * nsb;
        double s = La[l].sign;
        for (int64_t Ib = 0; Ib < nsb; Ib++) d[Ib] += s * src[Ib];
      }
      const double *crow = c + (size_t)Ia * nsb;
      for (int64_t Ib = 0; Ib < nsb; Ib++) {
        const qclr__fci_link *Lb = sb.link + (size_t)Ib * sb.nlink;
        for (int l = 0; l < sb.nlink; l++)
          D[(size_t)(Lb[l].q * N + Lb[l].p) * cols + off + Ib] += Lb[l].sign * crow[Lb[l].J];
      }
    }
    const double *cb = c + (size_t)a0 * nsb;
    for (int64_t pq = 0; pq < N2; pq++) rdm1[pq] += qclr__fci_dot(nI, D + (size_t)pq * cols, cb, 1);
    if (M)
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)N2, (int)nI, 1.0, D, (int)cols, 1.0, M,
                  (int)N2);
  }
  if (rdm2) {
    for (int64_t i = 0; i < N2; i++)
      for (int64_t j = 0; j < i; j++) M[i * N2 + j] = M[j * N2 + i];
    for (int p = 0; p < N; p++)
      for (int q = 0; q < N; q++)
        for (int r = 0; r < N; r++)
          for (int s = 0; s < N; s++) {
            double x = M[(size_t)(q * N + p) * N2 + (r * N + s)];
            if (q == r) x -= rdm1[p * N + s];
            rdm2[((size_t)(p * N + q) * N + r) * N + s] = x;
          }
  }
done:
  free(D);
  free(M);
  qclr__fci_strings_free(&sa);
  qclr__fci_strings_free(&sb);
  return rc;
}

int qclr_fci_natural_occupations(int64_t norb, const double *rdm1, double *occ) {
  qclr__clear();
  if (!rdm1 || !occ || norb <= 0) return qclr__error(QCLR_EINVAL, "qclr_fci_natural_occupations: bad argument");
  int rc = qclr__check_lapack_int(norb, "NORB");
  if (rc) return rc;
  double *a = qclr__malloc((size_t)(norb * norb), sizeof(double), "1-RDM copy");
  if (!a) return QCLR_ENOMEM;
  for (int64_t p = 0; p < norb; p++)
    for (int64_t q = 0; q < norb; q++) a[p * norb + q] = 0.5 * (rdm1[p * norb + q] + rdm1[q * norb + p]);
  int info = qclr__eigh_sym('N', norb, a, norb, occ, "1-RDM");
  free(a);
  if (info) return info;
  for (int64_t i = 0; i < norb / 2; i++) {
    double t = occ[i];
    occ[i] = occ[norb - 1 - i];
    occ[norb - 1 - i] = t;
  }
  return 0;
}

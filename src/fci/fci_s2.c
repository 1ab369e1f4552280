/* src/fci_s2.c: <S^2> = |S+ c|^2 + S_z + S_z^2, with S+ = sum_p a+_{p,alpha} a_{p,beta}
 * mapping the (na, nb) space to (na+1, nb-1).  Signs follow the determinant
 * order of docs/conventions.md (all alpha creators left of the beta ones).
 *
 * Each element of t = S+ c is gathered from its sources,
 *   t[A, B] = sum_{p in A, p not in B} (-1)^(na + #A_below_p + #B_below_p) c[A - p, B + p],
 * one row A per task, so the work is parallel and |t|^2 is summed per row and
 * then over rows in order (independent of the thread count). */
#include <stdlib.h>
#include <string.h>

#include "fci/fci_internal.h"
#include "core/internal.h"
#include "qclr/strings.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int qclr_fci_spin_square(const qclr_hamiltonian *H, const double *c, double *s2) {
  qclr__clear();
  if (!H || !c || !s2) return qclr__error(QCLR_EINVAL, "qclr_fci_spin_square: NULL argument");
  const int N = (int)qclr_hamiltonian_norb(H);
  if (N > 64) return qclr__error(QCLR_EUNSUPPORTED, "FCI supports at most 64 orbitals (NORB = %d)", N);
  const int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  const double sz = 0.5 * (na - nb);
  *s2 = sz * sz + sz;
  if (nb == 0 || na == N) return 0;
  const int nt = qclr__nthreads();
  uint64_t *sa2 = NULL, *sb2 = NULL;
  int64_t nsa2, nsb2;
  int rc = qclr_ci_strings(N, na + 1, &sa2, &nsa2);
  if (!rc) rc = qclr_ci_strings(N, nb - 1, &sb2, &nsb2);
  if (rc) {
    free(sa2);
    return rc;
  }
  const int64_t nsb = qclr__fci_nstrings(N, nb);
  int32_t *ia = qclr__malloc((size_t)nsa2 * (size_t)N, sizeof *ia, "S+ alpha sources");
  int32_t *ib = qclr__malloc((size_t)nsb2 * (size_t)N, sizeof *ib, "S+ beta sources");
  double *rowsum = qclr__malloc((size_t)nsa2, sizeof *rowsum, "S+ row norms");
  double *tall = qclr__malloc((size_t)nt, (size_t)nsb2 * sizeof(double), "S+ rows");
  if (!ia || !ib || !rowsum || !tall) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  /* ia[A][p] = index of A - p (p in A), ib[B][p] = index of B + p (p not in B), else -1 */
  for (int64_t A = 0; A < nsa2; A++)
    for (int p = 0; p < N; p++)
      ia[A * N + p] = sa2[A] >> p & 1 ? (int32_t)qclr_ci_string_index(sa2[A] & ~(1ull << p)) : -1;
  for (int64_t B = 0; B < nsb2; B++)
    for (int p = 0; p < N; p++)
      ib[B * N + p] = sb2[B] >> p & 1 ? -1 : (int32_t)qclr_ci_string_index(sb2[B] | (1ull << p));
#pragma omp parallel num_threads(nsa2 * nsb2 >= 64 ? nt : 1)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    double *t = tall + (size_t)tid * (size_t)nsb2;
#pragma omp for schedule(dynamic, 4)
    for (int64_t A = 0; A < nsa2; A++) {
      memset(t, 0, (size_t)nsb2 * sizeof(double));
      const uint64_t x = sa2[A];
      for (int p = 0; p < N; p++) {
        if (!(x >> p & 1)) continue;
        const uint64_t below = (1ull << p) - 1;
        const int pa = na + __builtin_popcountll(x & below);
        const double *crow = c + (size_t)ia[A * N + p] * nsb;
        for (int64_t B = 0; B < nsb2; B++) {
          const int32_t J = ib[B * N + p];
          if (J < 0) continue;
          const double v = crow[J];
          t[B] += (pa + __builtin_popcountll(sb2[B] & below)) & 1 ? -v : v;
        }
      }
      double s = 0.0;
      for (int64_t B = 0; B < nsb2; B++) s += t[B] * t[B];
      rowsum[A] = s;
    }
  }
  double s = 0.0;
  for (int64_t A = 0; A < nsa2; A++) s += rowsum[A];
  *s2 += s;
done:
  free(ia);
  free(ib);
  free(rowsum);
  free(tall);
  free(sa2);
  free(sb2);
  return rc;
}

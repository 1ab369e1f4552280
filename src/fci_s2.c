/* src/fci_s2.c: <S^2> = |S+ c|^2 + S_z + S_z^2, with S+ = sum_p a+_{p,alpha} a_{p,beta}
 * mapping the (na, nb) space to (na+1, nb-1).  Signs follow the determinant
 * order of CONVENTIONS (all alpha creators left of the beta ones). */
#include <stdlib.h>
#include <string.h>

#include "fci_internal.h"
#include "internal.h"

int qclr_fci_spin_square(const qclr_hamiltonian *H, const double *c, double *s2, int nthreads) {
  if (!H || !c || !s2) return qclr__error(QCLR_EINVAL, "qclr_fci_spin_square: NULL argument");
  const int N = (int)qclr_hamiltonian_norb(H);
  if (N > 64) return qclr__error(QCLR_EUNSUPPORTED, "FCI supports at most 64 orbitals (NORB = %d)", N);
  const int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  const double sz = 0.5 * (na - nb);
  *s2 = sz * sz + sz;
  if (nb == 0 || na == N) return 0;
  const int nt = qclr__nthreads(nthreads);
  uint64_t *sa = NULL, *sb = NULL;
  int64_t nsa, nsb;
  int rc = qclr_fci_strings(N, na, &sa, &nsa);
  if (!rc) rc = qclr_fci_strings(N, nb, &sb, &nsb);
  if (rc) {
    free(sa);
    return rc;
  }
  const int64_t nsb2 = qclr__fci_nstrings(N, nb - 1), nsa2 = qclr__fci_nstrings(N, na + 1);
  double *t = qclr__calloc((size_t)nsa2 * (size_t)nsb2, sizeof(double), "S+ c");
  if (!t) {
    free(sa);
    free(sb);
    return QCLR_ENOMEM;
  }
  /* Several source determinants reach the same target: the scatter runs
   * serially, in a fixed order (O(ndet N), small next to one sigma). */
  for (int64_t Ia = 0; Ia < nsa; Ia++) {
    uint64_t x = sa[Ia];
    for (int64_t Ib = 0; Ib < nsb; Ib++) {
      double cv = c[(size_t)Ia * nsb + Ib];
      if (cv == 0.0) continue;
      uint64_t y = sb[Ib], m = y & ~x;
      while (m) {
        int p = __builtin_ctzll(m);
        m &= m - 1;
        uint64_t below = (1ull << p) - 1;
        int ph = na + __builtin_popcountll(y & below) + __builtin_popcountll(x & below);
        int64_t A = qclr_fci_string_index(x | (1ull << p)), B = qclr_fci_string_index(y & ~(1ull << p));
        t[(size_t)A * nsb2 + B] += (ph & 1) ? -cv : cv;
      }
    }
  }
  *s2 += qclr__fci_dot(nsa2 * nsb2, t, t, nt);
  free(t);
  free(sa);
  free(sb);
  return 0;
}

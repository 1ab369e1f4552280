/* src/groups_df.c: basis-rotation groups from the factor module's double
 * factorization (T from qclr_df_one_body, one factor per kept L^l). */
#include <stdlib.h>

#include "core/internal.h"
#include "qclr/factor.h"
#include "qclr/groups.h"

int qclr_groups_from_df(const qclr_hamiltonian *H, const qclr_df *df, const qclr_groups_options *o,
                        qclr_groups **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_groups_from_df: out is NULL");
  *out = NULL;
  if (!H || !df) return qclr__error(QCLR_EINVAL, "qclr_groups_from_df: NULL argument");
  QCLR__CHECK_OPTIONS(o, "qclr_groups_options_default");
  int64_t n = qclr_df_norb(df), L = qclr_df_nfactors(df);
  if (n != qclr_hamiltonian_norb(H))
    return qclr__error(QCLR_EINVAL, "groups: factorization has %lld orbitals, Hamiltonian %lld", (long long)n,
                       (long long)qclr_hamiltonian_norb(H));
  int64_t *size = qclr__malloc((size_t)L + 1, sizeof *size, "factor sizes");
  const double **rot = qclr__malloc((size_t)L + 1, sizeof *rot, "factor rotations");
  const double **ev = qclr__malloc((size_t)L + 1, sizeof *ev, "factor eigenvalues");
  int rc = (!size || !rot || !ev) ? QCLR_ENOMEM : 0;
  for (int64_t l = 0; !rc && l < L; l++) {
    size[l] = qclr_df_factor_size(df, l);
    rot[l] = qclr_df_rotation(df, l);
    ev[l] = qclr_df_eigenvalues(df, l);
  }
  if (!rc)
    rc = qclr_groups_from_factors(n, qclr_hamiltonian_e_core(H), qclr_df_one_body(df), L, size, rot, ev, o, out);
  free(size), free(rot), free(ev);
  return rc;
}

/* src/hydrogen.c: STO-3G hydrogen clusters end to end (integrals, RHF, MO
 * transformation) with the exact N^4 AO ERIs; for small and medium N. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "qclr/model.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int qclr_hydrogen_build(int64_t natom, const double *xyz, int nelec, const qclr_rhf_options *rhf,
                        qclr_hamiltonian **out, qclr_hydrogen_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_hydrogen_build: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(rhf, "qclr_rhf_options_default");
  if (natom < 1) return qclr__error(QCLR_EINVAL, "hydrogen: need at least one atom");
  if (nelec < 0 || nelec % 2 || nelec > 2 * natom)
    return qclr__error(QCLR_EINVAL, "hydrogen: closed-shell RHF needs an even electron count in [0, %lld], got %d",
                       (long long)(2 * natom), nelec);
  int64_t n = natom, npair = n * (n + 1) / 2;
  size_t bytes;
  int rc = qclr_hamiltonian_memory_bytes(n, &bytes);
  if (rc) return rc;
  /* the AO ERIs and the MO Hamiltonian, both N^4/4 */
  if (bytes > SIZE_MAX / 2) return qclr__error(QCLR_ETOOLARGE, "hydrogen model: %lld orbitals overflow", (long long)n);
  if ((rc = qclr__memory_check(2 * bytes, "the hydrogen model's AO ERIs and MO Hamiltonian"))) return rc;
  qclr_hydrogen_info inf;
  memset(&inf, 0, sizeof inf);
  double t0 = now();
  double *S = qclr__malloc((size_t)(n * n) * 4, sizeof(double), "one-electron matrices");
  double *V = qclr__malloc((size_t)npair * (size_t)npair, sizeof(double), "AO ERIs");
  int64_t *cols = qclr__malloc((size_t)npair, sizeof(int64_t), "column list");
  qclr_sto3g_eri *eri = NULL;
  if (!S || !V || !cols) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  double *T = S + n * n, *Hc = T + n * n, *C = Hc + n * n;
  rc = qclr_sto3g_one_electron(n, xyz, S, T, Hc);
  if (rc) goto done;
  for (int64_t x = 0; x < n * n; x++) Hc[x] += T[x];
  rc = qclr_sto3g_eri_new(n, xyz, &eri);
  if (rc) goto done;
  for (int64_t k = 0; k < npair; k++) cols[k] = k;
  rc = qclr_sto3g_eri_columns(eri, npair, cols, V);
  if (rc) goto done;
  for (int64_t a = 0; a < npair; a++)
    for (int64_t b = 0; b < a; b++) {
      double s = 0.5 * (V[a * npair + b] + V[b * npair + a]);
      V[a * npair + b] = V[b * npair + a] = s;
    }
  inf.e_nuc = qclr_geometry_nuclear_repulsion(n, xyz);
  double t1 = now();
  inf.integral_seconds = t1 - t0;
  int rrc = qclr_rhf_solve(n, nelec / 2, S, Hc, inf.e_nuc, V, 0, NULL, rhf, C, NULL, &inf.e_hf,
                           &inf.rhf_iterations);
  if (rrc < 0) {
    rc = rrc;
    goto done;
  }
  inf.rhf_converged = rrc == 0;
  double t2 = now();
  inf.rhf_seconds = t2 - t1;
  rc = qclr_ao2mo(n, C, Hc, V, inf.e_nuc, nelec, out);
  inf.transform_seconds = now() - t2;
  if (!rc && rrc) rc = rrc;
  if (rc == QCLR_WNOTCONVERGED) qclr__error(rc, "hydrogen: RHF not converged in %d iterations", inf.rhf_iterations);
done:
  free(S);
  free(V);
  free(cols);
  qclr_sto3g_eri_free(eri);
  if (info) *info = inf;
  return rc;
}

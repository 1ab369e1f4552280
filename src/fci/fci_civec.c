/* src/fci/fci_civec.c: a CI vector from a .npy file, checked against the
 * Hamiltonian's determinant space, normalized, with its energy.  Shared by
 * qclr-groups --state FILE and qclr-tt --civec FILE. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/fci.h"
#include "qclr/npy.h"
#include "qclr/strings.h"

int qclr_fci_civec_read(const qclr_hamiltonian *H, const char *path, double **c, int64_t *ndet,
                        double *energy) {
  qclr__clear();
  if (!c || !ndet) return qclr__error(QCLR_EINVAL, "qclr_fci_civec_read: NULL output");
  *c = NULL;
  *ndet = 0;
  if (!H || !path) return qclr__error(QCLR_EINVAL, "qclr_fci_civec_read: NULL argument");
  int64_t n = qclr_hamiltonian_norb(H);
  int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  int64_t ca = 0, cb = 0;
  size_t sz = 0;
  int rc = n > 64 ? QCLR_ETOOLARGE : qclr_binomial(n, na, &ca);
  if (!rc) rc = qclr_binomial(n, nb, &cb);
  if (!rc) rc = qclr__mul_size((size_t)ca, (size_t)cb, &sz);
  const int64_t total = (int64_t)sz;
  if (rc || total > ((int64_t)1 << 40))
    return qclr__error(QCLR_ETOOLARGE, "%s: the determinant space of %d alpha and %d beta electrons in %lld "
                       "orbitals is too large for a CI vector", path, na, nb, (long long)n);
  double *x = NULL;
  int nd = 0;
  int64_t shape[QCLR_NPY_MAXDIM];
  if ((rc = qclr_npy_read(path, &x, &nd, shape))) return rc;
  int ok = (nd == 1 && shape[0] == total) || (nd == 2 && shape[0] == ca && shape[1] == cb);
  if (!ok) {
    char got[160] = "";
    size_t off = 0;
    for (int k = 0; k < nd && off < sizeof got - 24; k++)
      off += (size_t)snprintf(got + off, sizeof got - off, "%s%lld", k ? ", " : "", (long long)shape[k]);
    free(x);
    return qclr__error(QCLR_EINVAL, "%s: expected a CI vector of shape (%lld,) or (%lld, %lld) (alpha strings, "
                       "beta strings: %d alpha and %d beta electrons in %lld orbitals), got (%s%s)", path,
                       (long long)total, (long long)ca, (long long)cb, na, nb, (long long)n, got,
                       nd == 1 ? "," : "");
  }
  double nrm = 0;
  for (int64_t k = 0; k < total; k++) nrm += x[k] * x[k];
  if (!(nrm > 0 && isfinite(nrm))) {
    free(x);
    return qclr__error(QCLR_EINVAL, "%s: the CI vector has zero or non-finite norm (%g)", path, sqrt(nrm));
  }
  const double s = sqrt(nrm);
  for (int64_t k = 0; k < total; k++) x[k] /= s;
  if (energy) {
    double *sig = qclr__malloc((size_t)total, sizeof(double), "sigma vector");
    if (!sig) {
      free(x);
      return QCLR_ENOMEM;
    }
    if ((rc = qclr_fci_sigma(H, x, sig))) {
      free(x);
      free(sig);
      return rc;
    }
    double e = 0;
    for (int64_t k = 0; k < total; k++) e += x[k] * sig[k];
    free(sig);
    *energy = e;
  }
  *c = x;
  *ndet = total;
  return 0;
}

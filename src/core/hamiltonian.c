/* src/hamiltonian.c: the qclr_hamiltonian object, reference energy, Fock. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/error.h"
#include "qclr/hamiltonian.h"

struct qclr_hamiltonian {
  int64_t norb, npair;
  int nelec, ms2, isym;
  double e_core;
  double *h;     /* N x N */
  double *v;     /* npair x npair */
  int *orbsym;   /* N */
};

int qclr_hamiltonian_memory_bytes(int64_t norb, size_t *bytes) {
  qclr__clear();
  if (norb < 0) return qclr__error(QCLR_EINVAL, "norb = %lld is negative", (long long)norb);
  if (!bytes) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_memory_bytes: NULL bytes");
  size_t n = (size_t)norb, np, vv, hh, total;
  if (qclr__mul_size(n, n + 1, &np) || (np /= 2, qclr__mul_size(np, np, &vv)) ||
      qclr__mul_size(vv, sizeof(double), &vv) || qclr__mul_size(n, n, &hh) ||
      qclr__mul_size(hh, sizeof(double), &hh) ||
      (total = vv + hh + n * sizeof(int) + sizeof(struct qclr_hamiltonian)) < vv) {
    double need = 8.0 * ((double)norb * ((double)norb + 1) / 2) * ((double)norb * ((double)norb + 1) / 2);
    return qclr__error(QCLR_ETOOLARGE, "NORB = %lld needs about %.3g bytes, more than this machine can address",
                       (long long)norb, need);
  }
  *bytes = total;
  return 0;
}

static int check_electrons(int64_t norb, int nelec, int ms2) {
  if (nelec < 0) return qclr__error(QCLR_EINVAL, "NELEC = %d is negative", nelec);
  if (ms2 < -nelec || ms2 > nelec || (((int64_t)nelec + ms2) & 1))
    return qclr__error(QCLR_EINVAL, "MS2 = %d is incompatible with NELEC = %d", ms2, nelec);
  int na = (int)(((int64_t)nelec + ms2) / 2), nb = (int)(((int64_t)nelec - ms2) / 2);
  if (na > norb || nb > norb)
    return qclr__error(QCLR_EINVAL,
                       "NELEC = %d, MS2 = %d needs %d alpha and %d beta electrons in %lld orbitals",
                       nelec, ms2, na, nb, (long long)norb);
  return 0;
}

int qclr_hamiltonian_new(int64_t norb, int nelec, int ms2, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_new: out is NULL");
  *out = NULL;
  if (norb <= 0) return qclr__error(QCLR_EINVAL, "NORB = %lld must be positive", (long long)norb);
  int rc = check_electrons(norb, nelec, ms2);
  if (rc) return rc;
  size_t bytes;
  if ((rc = qclr_hamiltonian_memory_bytes(norb, &bytes))) return rc;
  char what[80];
  snprintf(what, sizeof what, "a Hamiltonian with NORB = %lld", (long long)norb);
  if ((rc = qclr__memory_check(bytes, what))) return rc;
  qclr_hamiltonian *H = calloc(1, sizeof *H);
  if (!H) return qclr__error(QCLR_ENOMEM, "cannot allocate a Hamiltonian");
  H->norb = norb;
  H->npair = norb * (norb + 1) / 2;
  H->nelec = nelec;
  H->ms2 = ms2;
  H->isym = 1;
  H->h = qclr__calloc((size_t)(norb * norb), sizeof(double), "h");
  H->orbsym = qclr__malloc((size_t)norb, sizeof(int), "orbsym");
  H->v = calloc((size_t)H->npair * (size_t)H->npair, sizeof(double));
  if (!H->h || !H->orbsym || !H->v) {
    qclr_hamiltonian_free(H);
    return qclr__error(QCLR_ETOOLARGE,
                       "a Hamiltonian with NORB = %lld needs %zu bytes (%.3g GiB), which cannot be allocated",
                       (long long)norb, bytes, (double)bytes / 1073741824.0);
  }
  for (int64_t p = 0; p < norb; p++) H->orbsym[p] = 1;
  *out = H;
  return 0;
}

void qclr_hamiltonian_free(qclr_hamiltonian *H) {
  if (!H) return;
  free(H->h);
  free(H->v);
  free(H->orbsym);
  free(H);
}

/* New Hamiltonian for a constructor from arrays: validates the sizes
 * (qclr_hamiltonian_new), then refuses NaN/Inf in e_core and h. */
static int new_checked(const char *fn, int64_t norb, int nelec, int ms2, double e_core, const double *h,
                       qclr_hamiltonian **out) {
  if (!isfinite(e_core)) return qclr__error(QCLR_EINVAL, "%s: e_core is %g", fn, e_core);
  int rc = qclr_hamiltonian_new(norb, nelec, ms2, out);
  if (!rc && (rc = qclr__check_finite(fn, "h", h, norb * norb))) {
    qclr_hamiltonian_free(*out);
    *out = NULL;
  }
  return rc;
}

int qclr_hamiltonian_from_full(int64_t norb, int nelec, int ms2, double e_core, const double *h,
                               const double *eri, qclr_hamiltonian **out) {
  qclr__clear();
  if (out) *out = NULL;
  if (!h || !eri) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_from_full: NULL array");
  int rc = new_checked("qclr_hamiltonian_from_full", norb, nelec, ms2, e_core, h, out);
  if (rc) return rc;
  qclr_hamiltonian *H = *out;
  int64_t N = norb, np = H->npair;
  memcpy(H->h, h, (size_t)(N * N) * sizeof(double));
  H->e_core = e_core;
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++) {
      int64_t pq = qclr__pair(p, q);
      for (int64_t r = 0; r < N; r++)
        for (int64_t s = 0; s <= r; s++) {
          int64_t rs = qclr__pair(r, s), idx = ((p * N + q) * N + r) * N + s;
          double x = eri[idx];
          if (!isfinite(x)) {
            qclr_hamiltonian_free(H);
            *out = NULL;
            return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_from_full: eri[%lld] = (%lld %lld|%lld %lld) is %g",
                               (long long)idx, (long long)p, (long long)q, (long long)r, (long long)s, x);
          }
          H->v[pq * np + rs] = x;
        }
    }
  return 0;
}

int qclr_hamiltonian_from_packed(int64_t norb, int nelec, int ms2, double e_core, const double *h,
                                 const double *vpair, qclr_hamiltonian **out) {
  qclr__clear();
  if (out) *out = NULL;
  if (!h || !vpair) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_from_packed: NULL array");
  int rc = new_checked("qclr_hamiltonian_from_packed", norb, nelec, ms2, e_core, h, out);
  if (rc) return rc;
  qclr_hamiltonian *H = *out;
  if ((rc = qclr__check_finite("qclr_hamiltonian_from_packed", "vpair", vpair, H->npair * H->npair))) {
    qclr_hamiltonian_free(H);
    *out = NULL;
    return rc;
  }
  memcpy(H->h, h, (size_t)(norb * norb) * sizeof(double));
  memcpy(H->v, vpair, (size_t)H->npair * (size_t)H->npair * sizeof(double));
  H->e_core = e_core;
  return 0;
}

int qclr_hamiltonian_copy(const qclr_hamiltonian *H, qclr_hamiltonian **out) {
  qclr__clear();
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_copy: NULL Hamiltonian");
  int rc = qclr_hamiltonian_from_packed(H->norb, H->nelec, H->ms2, H->e_core, H->h, H->v, out);
  if (rc) return rc;
  memcpy((*out)->orbsym, H->orbsym, (size_t)H->norb * sizeof(int));
  (*out)->isym = H->isym;
  return 0;
}

/* Accessors: safe values for a NULL handle (qclr/error.h). */
int64_t qclr_hamiltonian_norb(const qclr_hamiltonian *H) { return H ? H->norb : 0; }
int64_t qclr_hamiltonian_npair(const qclr_hamiltonian *H) { return H ? H->npair : 0; }
int qclr_hamiltonian_nelec(const qclr_hamiltonian *H) { return H ? H->nelec : 0; }
int qclr_hamiltonian_ms2(const qclr_hamiltonian *H) { return H ? H->ms2 : 0; }
int qclr_hamiltonian_nalpha(const qclr_hamiltonian *H) { return H ? (H->nelec + H->ms2) / 2 : 0; }
int qclr_hamiltonian_nbeta(const qclr_hamiltonian *H) { return H ? (H->nelec - H->ms2) / 2 : 0; }
int qclr_hamiltonian_isym(const qclr_hamiltonian *H) { return H ? H->isym : 0; }
double qclr_hamiltonian_e_core(const qclr_hamiltonian *H) { return H ? H->e_core : NAN; }
void qclr_hamiltonian_set_e_core(qclr_hamiltonian *H, double e_core) {
  if (!H || !isfinite(e_core)) {
    qclr__error(QCLR_EINVAL, "qclr_hamiltonian_set_e_core: %s (ignored)", H ? "non-finite value" : "NULL Hamiltonian");
    return;
  }
  H->e_core = e_core;
}
void qclr_hamiltonian_set_isym(qclr_hamiltonian *H, int isym) {
  if (!H) {
    qclr__error(QCLR_EINVAL, "qclr_hamiltonian_set_isym: NULL Hamiltonian (ignored)");
    return;
  }
  H->isym = isym;
}

int qclr_hamiltonian_set_electrons(qclr_hamiltonian *H, int nelec, int ms2) {
  qclr__clear();
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_set_electrons: NULL Hamiltonian");
  int rc = check_electrons(H->norb, nelec, ms2);
  if (rc) return rc;
  H->nelec = nelec;
  H->ms2 = ms2;
  return 0;
}

const double *qclr_hamiltonian_h(const qclr_hamiltonian *H) { return H ? H->h : NULL; }
const double *qclr_hamiltonian_vpair(const qclr_hamiltonian *H) { return H ? H->v : NULL; }
const int *qclr_hamiltonian_orbsym(const qclr_hamiltonian *H) { return H ? H->orbsym : NULL; }
double *qclr_hamiltonian_h_mut(qclr_hamiltonian *H) { return H ? H->h : NULL; }
double *qclr_hamiltonian_vpair_mut(qclr_hamiltonian *H) { return H ? H->v : NULL; }
int *qclr_hamiltonian_orbsym_mut(qclr_hamiltonian *H) { return H ? H->orbsym : NULL; }

double qclr_hamiltonian_eri(const qclr_hamiltonian *H, int64_t p, int64_t q, int64_t r, int64_t s) {
  if (!H || p < 0 || q < 0 || r < 0 || s < 0 || p >= H->norb || q >= H->norb || r >= H->norb || s >= H->norb)
    return NAN;
  return H->v[qclr__pair(p, q) * H->npair + qclr__pair(r, s)];
}

int qclr_hamiltonian_eri_full(const qclr_hamiltonian *H, double *eri) {
  qclr__clear();
  if (!H || !eri) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_eri_full: NULL argument");
  int64_t N = H->norb, np = H->npair;
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q < N; q++) {
      const double *row = H->v + qclr__pair(p, q) * np;
      double *dst = eri + (p * N + q) * N * N;
      for (int64_t r = 0; r < N; r++)
        for (int64_t s = 0; s < N; s++) dst[r * N + s] = row[qclr__pair(r, s)];
    }
  return 0;
}

int qclr_hamiltonian_det_energy(const qclr_hamiltonian *H, const unsigned char *occ_a,
                                const unsigned char *occ_b, double *energy) {
  qclr__clear();
  if (!H || !occ_a || !occ_b || !energy)
    return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_det_energy: NULL argument");
  int64_t N = H->norb;
  double e1 = 0.0, e2 = 0.0;
  for (int64_t i = 0; i < N; i++) {
    int ni = (occ_a[i] != 0) + (occ_b[i] != 0);
    if (!ni) continue;
    e1 += ni * H->h[i * N + i];
    for (int64_t j = 0; j < N; j++) {
      int nj = (occ_a[j] != 0) + (occ_b[j] != 0);
      if (!nj) continue;
      double J = qclr_hamiltonian_eri(H, i, i, j, j), K = qclr_hamiltonian_eri(H, i, j, j, i);
      int same = (occ_a[i] && occ_a[j]) + (occ_b[i] && occ_b[j]);
      e2 += 0.5 * (ni * nj * J - same * K);
    }
  }
  *energy = H->e_core + e1 + e2;
  return 0;
}

int qclr_hamiltonian_e_ref(const qclr_hamiltonian *H, double *energy) {
  qclr__clear();
  if (!H || !energy) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_e_ref: NULL argument");
  int64_t N = H->norb;
  unsigned char *occ = qclr__calloc((size_t)(2 * N), 1, "occupations");
  if (!occ) return QCLR_ENOMEM;
  int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  for (int i = 0; i < na; i++) occ[i] = 1;
  for (int i = 0; i < nb; i++) occ[N + i] = 1;
  int rc = qclr_hamiltonian_det_energy(H, occ, occ + N, energy);
  free(occ);
  return rc;
}

int qclr_hamiltonian_fock(const qclr_hamiltonian *H, double *fock_a, double *fock_b) {
  qclr__clear();
  if (!H || !fock_a) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_fock: NULL argument");
  int64_t N = H->norb;
  int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  for (int spin = 0; spin < 2; spin++) {
    double *F = spin ? fock_b : fock_a;
    int ns = spin ? nb : na;
    if (!F) continue;
    for (int64_t p = 0; p < N; p++)
      for (int64_t q = 0; q < N; q++) {
        double f = H->h[p * N + q];
        for (int64_t i = 0; i < N; i++) {
          int ni = (i < na) + (i < nb);
          if (!ni) break;
          f += ni * qclr_hamiltonian_eri(H, p, q, i, i);
          if (i < ns) f -= qclr_hamiltonian_eri(H, p, i, i, q);
        }
        F[p * N + q] = f;
      }
  }
  return 0;
}

int qclr_hamiltonian_symmetry_error(const qclr_hamiltonian *H, double *h_asym, double *v_asym) {
  qclr__clear();
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_hamiltonian_symmetry_error: NULL Hamiltonian");
  int64_t N = H->norb, np = H->npair;
  double eh = 0.0, ev = 0.0;
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q < p; q++) eh = fmax(eh, fabs(H->h[p * N + q] - H->h[q * N + p]));
  for (int64_t a = 0; a < np; a++)
    for (int64_t b = 0; b < a; b++) ev = fmax(ev, fabs(H->v[a * np + b] - H->v[b * np + a]));
  if (h_asym) *h_asym = eh;
  if (v_asym) *v_asym = ev;
  return 0;
}

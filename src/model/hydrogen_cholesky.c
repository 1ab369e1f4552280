/* src/hydrogen_cholesky.c: integral-direct Cholesky of STO-3G hydrogen
 * clusters.  The AO pair-space ERI matrix is handed to the factor module's
 * qclr_cholesky_direct as callbacks (diagonal, columns on request from the
 * Gaussian integrals), RHF builds J and K from the AO vectors, and the
 * vectors are transformed to the canonical MOs.  N^4 is never formed: the
 * largest arrays are the AO and MO vectors, rank x npair each. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "core/internal.h"
#include "qclr/model.h"

struct qclr_hydrogen_factors {
  int64_t n, rank;
  int nelec;
  double *vec; /* rank x npair, MO basis */
  double *h;   /* N x N, MO basis */
  double *C;   /* N x N */
  qclr_hydrogen_factors_info info;
};

typedef struct {
  const qclr_sto3g_eri *e;
} eri_ctx;

static int cb_diag(void *ctx, double *d) {
  const eri_ctx *c = ctx;
  return qclr_sto3g_eri_diag(c->e, d) ? 1 : 0;
}

static int cb_columns(void *ctx, int64_t ncol, const int64_t *cols, double *out) {
  const eri_ctx *c = ctx;
  return qclr_sto3g_eri_columns(c->e, ncol, cols, out) ? 1 : 0;
}

static int sto3g_cholesky(const qclr_sto3g_eri *e, const qclr_cholesky_options *o, qclr_lowrank **out) {
  *out = NULL;
  if (!e) return qclr__error(QCLR_EINVAL, "sto3g Cholesky: no ERI evaluator");
  int64_t n = qclr_sto3g_eri_norb(e);
  eri_ctx ctx = {e};
  qclr_pair_operator op = {.n = n * (n + 1) / 2, .diag = cb_diag, .columns = cb_columns, .ctx = &ctx};
  return qclr_cholesky_direct(&op, o, out);
}

int qclr_sto3g_cholesky(const qclr_sto3g_eri *e, const qclr_cholesky_options *o, qclr_lowrank **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_sto3g_cholesky: out is NULL");
  *out = NULL;
  if (!e) return qclr__error(QCLR_EINVAL, "qclr_sto3g_cholesky: NULL evaluator");
  QCLR__CHECK_OPTIONS(o, "qclr_cholesky_options_default");
  return sto3g_cholesky(e, o, out);
}

void qclr_hydrogen_cholesky_options_default(qclr_hydrogen_cholesky_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  qclr_cholesky_options_default(&o->chol);
  o->chol.pivot = QCLR_PIVOT_BLOCK;
  qclr_rhf_options_default(&o->rhf);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void qclr_hydrogen_factors_free(qclr_hydrogen_factors *f) {
  if (!f) return;
  free(f->vec);
  free(f->h);
  free(f->C);
  free(f);
}

int qclr_hydrogen_cholesky(int64_t natom, const double *xyz, int nelec,
                           const qclr_hydrogen_cholesky_options *opt, qclr_hydrogen_factors **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_hydrogen_cholesky: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opt, "qclr_hydrogen_cholesky_options_default");
  if (natom < 1 || !xyz) return qclr__error(QCLR_EINVAL, "hydrogen Cholesky: need at least one atom");
  if (nelec < 0 || nelec % 2 || nelec > 2 * natom)
    return qclr__error(QCLR_EINVAL,
                       "hydrogen Cholesky: closed-shell RHF needs an even electron count in [0, %lld], got %d",
                       (long long)(2 * natom), nelec);
  qclr_hydrogen_cholesky_options o;
  if (opt) o = *opt;
  else qclr_hydrogen_cholesky_options_default(&o);
  int64_t n = natom, npair = n * (n + 1) / 2;
  int rc = qclr__check_lapack_int(npair, "hydrogen Cholesky pair count");
  if (rc) return rc;
  qclr_hydrogen_factors *f = qclr__calloc(1, sizeof *f, "hydrogen factors");
  if (!f) return QCLR_ENOMEM;
  f->n = n;
  f->nelec = nelec;
  qclr_hydrogen_factors_info *inf = &f->info;
  qclr_sto3g_eri *eri = NULL;
  qclr_lowrank *lr = NULL;
  double *S = qclr__malloc((size_t)(n * n) * 3, sizeof(double), "one-electron matrices");
  f->h = qclr__malloc((size_t)(n * n), sizeof(double), "MO one-electron integrals");
  f->C = qclr__malloc((size_t)(n * n), sizeof(double), "MO coefficients");
  if (!S || !f->h || !f->C) {
    rc = QCLR_ENOMEM;
    goto fail;
  }
  double *T = S + n * n, *Hc = T + n * n;
  double t0 = now();
  if ((rc = qclr_sto3g_one_electron(n, xyz, S, T, Hc))) goto fail;
  for (int64_t x = 0; x < n * n; x++) Hc[x] += T[x];
  if ((rc = qclr_sto3g_eri_new(n, xyz, &eri))) goto fail;
  inf->e_nuc = qclr_geometry_nuclear_repulsion(n, xyz);
  double t1 = now();
  inf->integral_seconds = t1 - t0;

  int crc = sto3g_cholesky(eri, &o.chol, &lr);
  if (crc < 0) {
    rc = crc;
    goto fail;
  }
  qclr_sto3g_eri_free(eri);
  eri = NULL;
  f->rank = qclr_lowrank_rank(lr);
  inf->rank = f->rank;
  inf->cholesky_converged = qclr_lowrank_converged(lr);
  inf->max_residual = qclr_lowrank_max_residual(lr);
  double t2 = now();
  inf->cholesky_seconds = t2 - t1;

  const double *ao = qclr_lowrank_vectors(lr);
  int rrc = qclr_rhf_solve(n, nelec / 2, S, Hc, inf->e_nuc, NULL, f->rank, f->rank ? ao : S, &o.rhf,
                           f->C, NULL, &inf->e_hf, &inf->rhf_iterations);
  if (rrc < 0) {
    rc = rrc;
    goto fail;
  }
  inf->rhf_converged = rrc == 0;
  double t3 = now();
  inf->rhf_seconds = t3 - t2;

  /* MO vectors: a copy of the AO ones transformed in place, then the AO
   * vectors are released (peak 2 rank npair doubles) */
  f->vec = qclr__malloc((size_t)(f->rank ? f->rank : 1) * (size_t)npair, sizeof(double), "MO Cholesky vectors");
  if (!f->vec) {
    rc = QCLR_ENOMEM;
    goto fail;
  }
  if (f->rank) memcpy(f->vec, ao, sizeof(double) * (size_t)f->rank * (size_t)npair);
  qclr_lowrank_free(lr);
  lr = NULL;
  if ((rc = qclr_ao2mo_vectors(n, f->C, f->rank, f->vec))) goto fail;
  /* h_mo = C^T h C */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, Hc, (int)n, f->C, (int)n,
              0.0, T, (int)n);
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, f->C, (int)n, T, (int)n,
              0.0, f->h, (int)n);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < p; q++) f->h[p * n + q] = f->h[q * n + p] = 0.5 * (f->h[p * n + q] + f->h[q * n + p]);
  inf->transform_seconds = now() - t3;
  free(S);
  *out = f;
  if (!inf->rhf_converged) {
    qclr__error(QCLR_WNOTCONVERGED, "hydrogen Cholesky: RHF not converged in %d iterations", inf->rhf_iterations);
    return QCLR_WNOTCONVERGED;
  }
  if (crc > 0) {
    qclr__error(crc, "hydrogen Cholesky: rank cap %lld reached, largest AO residual %.3g > tol %.3g",
                (long long)o.chol.max_rank, inf->max_residual, o.chol.tol);
    return crc;
  }
  return 0;
fail:
  free(S);
  qclr_sto3g_eri_free(eri);
  qclr_lowrank_free(lr);
  qclr_hydrogen_factors_free(f);
  return rc;
}

int64_t qclr_hydrogen_factors_norb(const qclr_hydrogen_factors *f) { return f ? f->n : 0; }
int qclr_hydrogen_factors_nelec(const qclr_hydrogen_factors *f) { return f ? f->nelec : 0; }
int64_t qclr_hydrogen_factors_rank(const qclr_hydrogen_factors *f) { return f ? f->rank : 0; }
const double *qclr_hydrogen_factors_vectors(const qclr_hydrogen_factors *f) { return f ? f->vec : NULL; }
const double *qclr_hydrogen_factors_h(const qclr_hydrogen_factors *f) { return f ? f->h : NULL; }
const double *qclr_hydrogen_factors_mo(const qclr_hydrogen_factors *f) { return f ? f->C : NULL; }
double qclr_hydrogen_factors_e_core(const qclr_hydrogen_factors *f) { return f ? f->info.e_nuc : NAN; }
const qclr_hydrogen_factors_info *qclr_hydrogen_factors_info_get(const qclr_hydrogen_factors *f) {
  return f ? &f->info : NULL;
}

int qclr_hydrogen_factors_hamiltonian(const qclr_hydrogen_factors *f, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_hydrogen_factors_hamiltonian: out is NULL");
  *out = NULL;
  if (!f) return qclr__error(QCLR_EINVAL, "qclr_hydrogen_factors_hamiltonian: no factors");
  qclr_hamiltonian *H = NULL;
  int rc = qclr_hamiltonian_new(f->n, f->nelec, 0, &H);
  if (rc) return rc;
  int64_t np = qclr_hamiltonian_npair(H);
  double *V = qclr_hamiltonian_vpair_mut(H);
  if (f->rank > 0) {
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)np, (int)f->rank, 1.0, f->vec, (int)np, 0.0, V,
                (int)np);
    for (int64_t a = 0; a < np; a++)
      for (int64_t b = 0; b < a; b++) V[b * np + a] = V[a * np + b];
  }
  memcpy(qclr_hamiltonian_h_mut(H), f->h, sizeof(double) * (size_t)(f->n * f->n));
  qclr_hamiltonian_set_e_core(H, f->info.e_nuc);
  *out = H;
  return 0;
}

/* src/double_factor.c: double factorization.  Every stage-1 vector, read as
 * a symmetric N x N matrix L^l, is eigendecomposed (OpenMP over l, one small
 * dense solve each, src/symeig.c); eigenpairs are sorted by |f| descending and the tau_2 rule of
 * docs/conventions.md §2 keeps those with |f_k| * sum_j |f_j| > tau_2 (a prefix). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

void qclr_df_options_default(qclr_df_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->tol = 0.0;
  o->rule = QCLR_DF_RULE_DEFAULT;
}

int qclr__df_options_check(const qclr_df_options *o, const char *who) {
  if (!(o->tol >= 0.0) || !isfinite(o->tol))
    return qclr__error(QCLR_EINVAL, "%s: tau_2 must be finite and >= 0 (got %g)", who, o->tol);
  if (o->rule != QCLR_DF_RULE_DEFAULT && o->rule != QCLR_DF_RULE_OPENFERMION)
    return qclr__error(QCLR_EINVAL, "%s: unknown rule %d", who, o->rule);
  return 0;
}

int64_t qclr__df_keep(int64_t n, const double *f, double tol, double *abs_kept) {
  double sum = 0.0;
  for (int64_t k = 0; k < n; k++) sum += fabs(f[k]);
  int64_t m = 0; /* tau_2 = 0 keeps all, exact zeros included (docs/conventions.md §2) */
  double s = 0.0;
  while (m < n && (tol == 0.0 || fabs(f[m]) * sum > tol)) s += fabs(f[m++]);
  if (abs_kept) *abs_kept = s;
  return m;
}

int64_t qclr__df_rule_limit(const int64_t *kept, int64_t R, int rule) {
  if (rule != QCLR_DF_RULE_OPENFERMION) return R;
  int64_t l = 0;
  while (l < R && kept[l] > 0) l++;
  return l;
}

/* Eigendecompose one factor into f (N, |f| descending) and U (N x N,
 * row-major, column k = eigenvector of f_k), count the kept eigenpairs.
 * A, Z: N x N scratch, work: 3N doubles, ord: N indices. */
static int factor_one(int64_t N, const double *v, double tol, double *f, double *U, double *A, double *Z,
                      double *w, double *work, int64_t *ord, int64_t *kept) {
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++) A[p * N + q] = A[q * N + p] = v[qclr__pair(p, q)];
  if (qclr__symeig(N, A, w, Z, work)) return -1;
  /* order: |f| descending, ties by ascending f then by index (stable insertion sort
   * on a list presorted by value), so the order does not depend on the solver's */
  for (int64_t k = 0; k < N; k++) ord[k] = k;
  for (int64_t k = 1; k < N; k++) {
    int64_t t = ord[k], j = k;
    while (j > 0 && (fabs(w[ord[j - 1]]) < fabs(w[t]) ||
                     (fabs(w[ord[j - 1]]) == fabs(w[t]) && w[ord[j - 1]] > w[t]))) {
      ord[j] = ord[j - 1];
      j--;
    }
    ord[j] = t;
  }
  for (int64_t k = 0; k < N; k++) f[k] = w[ord[k]];
  /* columns of U in sorted order; deterministic sign: largest |component| positive */
  for (int64_t k = 0; k < N; k++) {
    const double *z = Z + ord[k] * N;
    int64_t arg = 0;
    for (int64_t i = 0; i < N; i++)
      if (fabs(z[i]) > fabs(z[arg]) + 1e-12) arg = i;
    double s = z[arg] < 0 ? -1.0 : 1.0;
    for (int64_t i = 0; i < N; i++) U[i * N + k] = s * z[i];
  }
  *kept = qclr__df_keep(N, f, tol, NULL);
  return 0;
}

int qclr_df_compute(const qclr_hamiltonian *H, const qclr_lowrank *lr, const qclr_df_options *o, qclr_df **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_df_compute: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(o, "qclr_df_options_default");
  if (!H || !lr) return qclr__error(QCLR_EINVAL, "qclr_df_compute: NULL argument");
  return qclr__df_compute(qclr_hamiltonian_norb(H), H, NULL, lr, o, out);
}

int qclr__df_compute(int64_t N, const qclr_hamiltonian *H, const double *T, const qclr_lowrank *lr,
                     const qclr_df_options *o, qclr_df **out) {
  qclr_df_options def;
  if (!o) {
    qclr_df_options_default(&def);
    o = &def;
  }
  int rc = qclr__df_options_check(o, "double factorization");
  if (rc) return rc;
  int64_t np = N * (N + 1) / 2, R = lr->rank;
  if (lr->dim != np)
    return qclr__error(QCLR_EINVAL, "double factorization: vectors of length %lld, npair is %lld",
                       (long long)lr->dim, (long long)np);
  if ((rc = qclr__check_lapack_int(N, "norb"))) return rc;
  qclr_df *df = qclr__calloc(1, sizeof *df, "double factorization");
  if (!df) return QCLR_ENOMEM;
  df->norb = N;
  size_t NN = (size_t)(N * N), nU;
  double *fall = NULL, *Uall = NULL;
  int64_t *kept = NULL;
  if ((rc = qclr__mul_size((size_t)(R ? R : 1), NN ? NN : 1, &nU))) goto fail;
  fall = qclr__malloc((size_t)(R ? R : 1) * (size_t)(N ? N : 1), sizeof(double), "DF eigenvalues");
  Uall = qclr__malloc(nU, sizeof(double), "DF rotations");
  kept = qclr__calloc((size_t)(R ? R : 1), sizeof(int64_t), "DF sizes");
  df->T = qclr__malloc(NN ? NN : 1, sizeof(double), "one-body T");
  if (!fall || !Uall || !kept || !df->T) {
    rc = QCLR_ENOMEM;
    goto fail;
  }
  if (H) {
    if ((rc = qclr_factor_one_body(H, df->T, NULL))) goto fail;
  } else {
    memcpy(df->T, T, NN * sizeof(double));
  }
  int failed = 0;
  int nth = qclr__nthreads();
  /* below ~20 Mflop (R N^3 < 2e6) a thread team costs more than it saves */
  int par = nth > 1 && R > 1 && (double)R * (double)N * (double)N * (double)N > 2e6;
  (void)nth, (void)par;
#pragma omp parallel num_threads(nth) reduction(| : failed) if (par)
  {
    double *A = malloc((NN ? 2 * NN : 1) * sizeof(double));
    double *w = malloc((size_t)(N ? 4 * N : 1) * sizeof(double));
    int64_t *ord = malloc((size_t)(N ? N : 1) * sizeof(int64_t));
    if (!A || !w || !ord) failed = 1;
#pragma omp for schedule(dynamic, 4)
    for (int64_t l = 0; l < R; l++) {
      if (!A || !w || !ord) continue;
      if (factor_one(N, lr->vec + l * np, o->tol, fall + l * N, Uall + (size_t)l * NN, A, A + NN, w, w + N,
                     ord, &kept[l]))
        failed = 1;
    }
    free(A);
    free(w);
    free(ord);
  }
  if (failed) {
    rc = qclr__error(QCLR_ENUMERIC, "double factorization: an eigendecomposition did not converge, or out of memory");
    goto fail;
  }
  int64_t L = 0, limit = qclr__df_rule_limit(kept, R, o->rule);
  for (int64_t l = 0; l < limit; l++) L += kept[l] > 0;
  /* compact in place (factor j <= l), no second copy of the rotations */
  df->size = kept;
  df->source = qclr__malloc((size_t)(L ? L : 1), sizeof(int64_t), "DF sources");
  df->f = fall;
  df->U = Uall;
  kept = NULL;
  fall = Uall = NULL;
  if (!df->source) {
    rc = QCLR_ENOMEM;
    qclr_df_free(df);
    return rc;
  }
  int64_t j = 0;
  for (int64_t l = 0; l < R && j < L; l++) {
    if (df->size[l] == 0) continue;
    df->size[j] = df->size[l];
    df->source[j] = l;
    df->nterms += df->size[l];
    if (j != l) {
      memmove(df->f + j * N, df->f + l * N, (size_t)N * sizeof(double));
      memmove(df->U + (size_t)j * NN, df->U + (size_t)l * NN, NN * sizeof(double));
    }
    j++;
  }
  df->nfactors = L;
  if (L < R && L > 0) { /* give back what the dropped factors held (failure keeps the larger block) */
    double *U = realloc(df->U, (size_t)L * NN * sizeof(double));
    if (U) df->U = U;
  }
  *out = df;
  return 0;
fail:
  free(fall);
  free(Uall);
  free(kept);
  qclr_df_free(df);
  return rc;
}

int64_t qclr_df_norb(const qclr_df *df) { return df ? df->norb : 0; }
int64_t qclr_df_nfactors(const qclr_df *df) { return df ? df->nfactors : 0; }
int64_t qclr_df_nterms(const qclr_df *df) { return df ? df->nterms : 0; }
int64_t qclr_df_factor_size(const qclr_df *df, int64_t l) {
  return df && l >= 0 && l < df->nfactors ? df->size[l] : 0;
}
const double *qclr_df_eigenvalues(const qclr_df *df, int64_t l) {
  return df && l >= 0 && l < df->nfactors ? df->f + l * df->norb : NULL;
}
const double *qclr_df_rotation(const qclr_df *df, int64_t l) {
  return df && l >= 0 && l < df->nfactors ? df->U + (size_t)l * (size_t)(df->norb * df->norb) : NULL;
}
const double *qclr_df_one_body(const qclr_df *df) { return df ? df->T : NULL; }
int64_t qclr_df_source(const qclr_df *df, int64_t l) {
  return df && l >= 0 && l < df->nfactors ? df->source[l] : -1;
}

void qclr_df_free(qclr_df *df) {
  if (!df) return;
  free(df->size);
  free(df->source);
  free(df->f);
  free(df->U);
  free(df->T);
  free(df);
}

int qclr__df_pair_vectors(const qclr_df *df, double **out) {
  int64_t N = df->norb, np = N * (N + 1) / 2, L = df->nfactors;
  double *v = qclr__calloc((size_t)(L ? L : 1) * (size_t)(np ? np : 1), sizeof(double), "DF pair vectors");
  *out = v;
  if (!v) return QCLR_ENOMEM;
  for (int64_t l = 0; l < L; l++) {
    const double *U = df->U + (size_t)l * (size_t)(N * N), *f = df->f + l * N;
    for (int64_t p = 0; p < N; p++)
      for (int64_t q = 0; q <= p; q++) {
        double s = 0.0;
        for (int64_t k = 0; k < df->size[l]; k++) s += U[p * N + k] * f[k] * U[q * N + k];
        v[l * np + qclr__pair(p, q)] = s;
      }
  }
  return 0;
}

int qclr_df_hamiltonian(const qclr_hamiltonian *H, const qclr_df *df, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_df_hamiltonian: out is NULL");
  *out = NULL;
  if (!H || !df) return qclr__error(QCLR_EINVAL, "qclr_df_hamiltonian: NULL argument");
  if (df->norb != qclr_hamiltonian_norb(H))
    return qclr__error(QCLR_EINVAL, "qclr_df_hamiltonian: norb %lld does not match H (%lld)",
                       (long long)df->norb, (long long)qclr_hamiltonian_norb(H));
  double *v;
  int rc = qclr__df_pair_vectors(df, &v);
  if (!rc) rc = qclr__pairvec_hamiltonian(H, v, df->nfactors, out);
  free(v);
  return rc;
}

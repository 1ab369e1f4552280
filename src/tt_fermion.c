/* src/tt_fermion.c: CI vectors <-> occupation-number tensors and TTs.
 *
 * A determinant is (prod_{p in alpha, asc} a+_{p alpha})(prod_{q in beta, asc}
 * a+_{q beta})|vac>, while the occupation-number basis of the TT orders the
 * operators by site, alpha before beta: a+_{0a} a+_{0b} a+_{1a} ... .  Moving
 * each beta operator left past the alpha operators of higher orbitals gives
 * the sign (-1)^{#{(p in alpha, q in beta): p > q}}. */
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

int qclr_tt_fermion_sign(uint64_t alpha, uint64_t beta) {
  int n = 0;
  while (beta) {
    int q = __builtin_ctzll(beta);
    beta &= beta - 1;
    uint64_t above = q >= 63 ? 0 : alpha >> (q + 1);
    n += __builtin_popcountll(above);
  }
  return (n & 1) ? -1 : 1;
}

int64_t qclr_tt_det_index(int norb, uint64_t alpha, uint64_t beta, int site_kind) {
  int64_t idx = 0;
  for (int p = 0; p < norb; p++) {
    int na = (int)((alpha >> p) & 1), nb = (int)((beta >> p) & 1);
    int digit = site_kind == QCLR_TT_SPIN ? 2 * na + nb : na + 2 * nb;
    idx = idx * 4 + digit;
  }
  return idx;
}

int qclr_tt_strings(int norb, int nel, uint64_t **s, int64_t *count) {
  *s = NULL;
  *count = 0;
  if (norb < 0 || norb > 63 || nel < 0 || nel > norb)
    return qclr__error(QCLR_EINVAL, "strings: %d electrons in %d orbitals", nel, norb);
  double cnt = 1;
  for (int i = 0; i < nel; i++) cnt = cnt * (norb - i) / (i + 1);
  int64_t n = (int64_t)(cnt + 0.5);
  uint64_t *v = qclr__malloc((size_t)n, sizeof(uint64_t), "strings");
  if (!v) return QCLR_ENOMEM;
  uint64_t x = nel ? (((uint64_t)1 << nel) - 1) : 0;
  for (int64_t i = 0; i < n; i++) {
    v[i] = x;
    if (x == 0) break;
    /* Gosper's hack: next integer with the same popcount */
    uint64_t c = x & -x, r = x + c;
    x = (((r ^ x) >> 2) / c) | r;
  }
  *s = v;
  *count = n;
  return 0;
}

/* binomial table C[n][k] for n <= 64 */
static void binom_table(int64_t C[65][65]) {
  for (int n = 0; n <= 64; n++) {
    C[n][0] = 1;
    for (int k = 1; k <= 64; k++) C[n][k] = n == 0 ? 0 : C[n - 1][k - 1] + C[n - 1][k];
  }
}

/* rank of a string among those of its popcount in ascending order
 * (combinatorial number system: sum_i C(p_i, i+1)) */
static int64_t string_rank(uint64_t s, int64_t C[65][65]) {
  int64_t r = 0;
  int i = 0;
  while (s) {
    int p = __builtin_ctzll(s);
    s &= s - 1;
    r += C[p][i + 1];
    i++;
  }
  return r;
}

static int check_space(int norb, int na, int nb, int maxorb) {
  if (norb < 1 || norb > maxorb || na < 0 || nb < 0 || na > norb || nb > norb)
    return qclr__error(QCLR_EINVAL, "CI space: %d alpha and %d beta electrons in %d orbitals "
                       "(at most %d orbitals here)", na, nb, norb, maxorb);
  return 0;
}

static int ci_dense_common(int norb, int na, int nb, double *c, double *dense, int kind, int to) {
  int rc = check_space(norb, na, nb, 26);
  if (rc) return rc;
  if (!c || !dense) return qclr__error(QCLR_EINVAL, "CI/dense conversion: NULL array");
  uint64_t *sa, *sb;
  int64_t ca, cb;
  if ((rc = qclr_tt_strings(norb, na, &sa, &ca))) return rc;
  if ((rc = qclr_tt_strings(norb, nb, &sb, &cb))) {
    free(sa);
    return rc;
  }
  if (to) memset(dense, 0, ((size_t)1 << (2 * norb)) * sizeof(double));
  for (int64_t i = 0; i < ca; i++)
    for (int64_t j = 0; j < cb; j++) {
      int64_t idx = qclr_tt_det_index(norb, sa[i], sb[j], kind);
      int sg = qclr_tt_fermion_sign(sa[i], sb[j]);
      if (to) dense[idx] = sg * c[i * cb + j];
      else c[i * cb + j] = sg * dense[idx];
    }
  free(sa);
  free(sb);
  return 0;
}

int qclr_tt_ci_to_dense(int norb, int nalpha, int nbeta, const double *c, int site_kind,
                        double *dense) {
  return ci_dense_common(norb, nalpha, nbeta, (double *)c, dense, site_kind, 1);
}

int qclr_tt_dense_to_ci(int norb, int nalpha, int nbeta, const double *dense, int site_kind,
                        double *c) {
  return ci_dense_common(norb, nalpha, nbeta, c, (double *)dense, site_kind, 0);
}

/* depth-first evaluation of the TT on all determinants, sharing prefixes */
typedef struct {
  const qclr_tt *tt;
  int norb, na, nb, kind;
  int64_t cb;
  double *c;
  double **vec; /* vec[p]: row vector after p orbitals */
  double *tmp;
  int64_t (*C)[65];
} dfs_ctx;

static void vecmat(const double *v, int64_t r0, const double *G, int64_t n, int64_t i, int64_t r1,
                   double *out) {
  for (int64_t b = 0; b < r1; b++) out[b] = 0;
  for (int64_t a = 0; a < r0; a++) {
    double va = v[a];
    if (va == 0) continue;
    const double *row = G + (a * n + i) * r1;
    for (int64_t b = 0; b < r1; b++) out[b] += va * row[b];
  }
}

static void dfs(dfs_ctx *x, int p, int ea, int eb, uint64_t a, uint64_t b) {
  if (p == x->norb) {
    int64_t ia = string_rank(a, x->C), ib = string_rank(b, x->C);
    x->c[ia * x->cb + ib] = x->vec[p][0] * x->tt->scale * qclr_tt_fermion_sign(a, b);
    return;
  }
  int left = x->norb - p - 1; /* orbitals after p */
  for (int na = 0; na <= 1; na++) {
    int ra = x->na - ea - na;
    if (ra < 0 || ra > left) continue;
    for (int nb = 0; nb <= 1; nb++) {
      int rb = x->nb - eb - nb;
      if (rb < 0 || rb > left) continue;
      const qclr_tt *t = x->tt;
      if (x->kind == QCLR_TT_SPIN) {
        int s = 2 * p;
        vecmat(x->vec[p], t->ranks[s], t->cores[s], 2, na, t->ranks[s + 1], x->tmp);
        vecmat(x->tmp, t->ranks[s + 1], t->cores[s + 1], 2, nb, t->ranks[s + 2], x->vec[p + 1]);
      } else {
        vecmat(x->vec[p], t->ranks[p], t->cores[p], 4, na + 2 * nb, t->ranks[p + 1],
               x->vec[p + 1]);
      }
      dfs(x, p + 1, ea + na, eb + nb, a | ((uint64_t)na << p), b | ((uint64_t)nb << p));
    }
  }
}

int qclr_tt_to_ci(const qclr_tt *tt, int norb, int nalpha, int nbeta, double *c) {
  int rc = check_space(norb, nalpha, nbeta, 63);
  if (rc) return rc;
  if (!tt || !c) return qclr__error(QCLR_EINVAL, "qclr_tt_to_ci: NULL argument");
  int kind;
  if (tt->d == norb) kind = QCLR_TT_SPATIAL;
  else if (tt->d == 2 * norb) kind = QCLR_TT_SPIN;
  else
    return qclr__error(QCLR_EINVAL, "qclr_tt_to_ci: TT of %d sites for %d orbitals", tt->d, norb);
  for (int k = 0; k < tt->d; k++)
    if (tt->dims[k] != (kind == QCLR_TT_SPIN ? 2 : 4))
      return qclr__error(QCLR_EINVAL, "qclr_tt_to_ci: site %d has dimension %lld, expected %d", k,
                         (long long)tt->dims[k], kind == QCLR_TT_SPIN ? 2 : 4);
  int64_t (*C)[65] = qclr__malloc(65, sizeof *C, "binomials");
  double **vec = qclr__calloc((size_t)norb + 1, sizeof(double *), "TT evaluation");
  int64_t rmax = qclr_tt_max_rank(tt);
  double *tmp = qclr__malloc((size_t)rmax, sizeof(double), "TT evaluation");
  rc = 0;
  if (!C || !vec || !tmp) rc = QCLR_ENOMEM;
  for (int p = 0; !rc && p <= norb; p++)
    if (!(vec[p] = qclr__malloc((size_t)rmax, sizeof(double), "TT evaluation"))) rc = QCLR_ENOMEM;
  if (!rc) {
    binom_table(C);
    int64_t cb = C[norb][nbeta], ca = C[norb][nalpha];
    memset(c, 0, (size_t)(ca * cb) * sizeof(double));
    dfs_ctx x = {tt, norb, nalpha, nbeta, kind, cb, c, vec, tmp, C};
    vec[0][0] = 1.0;
    dfs(&x, 0, 0, 0, 0, 0);
  }
  if (vec)
    for (int p = 0; p <= norb; p++) free(vec[p]);
  free(vec);
  free(tmp);
  free(C);
  return rc;
}

/* parity of the permutation sorting the new labels of the occupied orbitals */
static int relabel(uint64_t s, const int *inv, uint64_t *out) {
  int lab[64], n = 0, inv_count = 0;
  uint64_t t = 0;
  while (s) {
    int p = __builtin_ctzll(s);
    s &= s - 1;
    lab[n++] = inv[p];
    t |= (uint64_t)1 << inv[p];
  }
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) inv_count += lab[i] > lab[j];
  *out = t;
  return (inv_count & 1) ? -1 : 1;
}

int qclr_tt_ci_permute(int norb, int nalpha, int nbeta, const int *perm, const double *c,
                       double *cout) {
  int rc = check_space(norb, nalpha, nbeta, 63);
  if (rc) return rc;
  if (!perm || !c || !cout) return qclr__error(QCLR_EINVAL, "qclr_tt_ci_permute: NULL argument");
  int inv[64];
  for (int i = 0; i < norb; i++) inv[i] = -1;
  for (int i = 0; i < norb; i++) {
    if (perm[i] < 0 || perm[i] >= norb || inv[perm[i]] >= 0)
      return qclr__error(QCLR_EINVAL, "qclr_tt_ci_permute: perm is not a permutation of 0..%d",
                         norb - 1);
    inv[perm[i]] = i;
  }
  uint64_t *sa, *sb;
  int64_t ca, cb;
  if ((rc = qclr_tt_strings(norb, nalpha, &sa, &ca))) return rc;
  if ((rc = qclr_tt_strings(norb, nbeta, &sb, &cb))) {
    free(sa);
    return rc;
  }
  int64_t (*C)[65] = qclr__malloc(65, sizeof *C, "binomials");
  int64_t *jb = qclr__malloc((size_t)cb, sizeof(int64_t), "string map");
  int *sgb = qclr__malloc((size_t)cb, sizeof(int), "string signs");
  if (!C || !jb || !sgb) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  binom_table(C);
  for (int64_t j = 0; j < cb; j++) {
    uint64_t t;
    sgb[j] = relabel(sb[j], inv, &t);
    jb[j] = string_rank(t, C);
  }
  for (int64_t i = 0; i < ca; i++) {
    uint64_t t;
    int sg = relabel(sa[i], inv, &t);
    int64_t ia = string_rank(t, C);
    for (int64_t j = 0; j < cb; j++) cout[ia * cb + jb[j]] = sg * sgb[j] * c[i * cb + j];
  }
done:
  free(C);
  free(jb);
  free(sgb);
  free(sa);
  free(sb);
  return rc;
}

/* src/tt_fermion.c: CI vectors <-> occupation-number tensors and TTs.
 *
 * A determinant is (prod_{p in alpha, asc} a+_{p alpha})(prod_{q in beta, asc}
 * a+_{q beta})|vac>, while the occupation-number basis of the TT orders the
 * operators by site, alpha before beta: a+_{0a} a+_{0b} a+_{1a} ... .  Moving
 * each beta operator left past the alpha operators of higher orbitals gives
 * the sign (-1)^{#{(p in alpha, q in beta): p > q}}. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "tt/tt_internal.h"

int qclr_tt_fermion_sign(uint64_t alpha, uint64_t beta) {
  qclr__clear();
  int n = 0;
  while (beta) {
    int q = __builtin_ctzll(beta);
    beta &= beta - 1;
    uint64_t above = q >= 63 ? 0 : alpha >> (q + 1);
    n += __builtin_popcountll(above);
  }
  return (n & 1) ? -1 : 1;
}

int64_t qclr_tt_det_index(int64_t norb, uint64_t alpha, uint64_t beta, int site_kind) {
  /* 4^norb must fit int64_t; no occupied orbital beyond norb */
  if (norb < 1 || norb > 31 || (site_kind != QCLR_TT_SPATIAL && site_kind != QCLR_TT_SPIN) ||
      (alpha >> norb) || (beta >> norb))
    return -1;
  int64_t idx = 0;
  for (int p = 0; p < norb; p++) {
    int na = (int)((alpha >> p) & 1), nb = (int)((beta >> p) & 1);
    int digit = site_kind == QCLR_TT_SPIN ? 2 * na + nb : na + 2 * nb;
    idx = idx * 4 + digit;
  }
  return idx;
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
  if (kind != QCLR_TT_SPATIAL && kind != QCLR_TT_SPIN)
    return qclr__error(QCLR_EINVAL, "CI/dense conversion: site_kind %d is neither QCLR_TT_SPATIAL nor QCLR_TT_SPIN", kind);
  if (!c || !dense) return qclr__error(QCLR_EINVAL, "CI/dense conversion: NULL array");
  uint64_t *sa, *sb;
  int64_t ca, cb;
  if ((rc = qclr_ci_strings(norb, na, &sa, &ca))) return rc;
  if ((rc = qclr_ci_strings(norb, nb, &sb, &cb))) {
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

int qclr_tt_ci_to_dense(int64_t norb, int nalpha, int nbeta, const double *c, int site_kind,
                        double *dense) {
  qclr__clear();
  if (norb < 1 || norb > 64)
    return qclr__error(QCLR_EINVAL, "%s: norb = %lld outside [1, 64]", __func__, (long long)norb);
  return ci_dense_common(norb, nalpha, nbeta, (double *)c, dense, site_kind, 1);
}

int qclr_tt_dense_to_ci(int64_t norb, int nalpha, int nbeta, const double *dense, int site_kind,
                        double *c) {
  qclr__clear();
  if (norb < 1 || norb > 64)
    return qclr__error(QCLR_EINVAL, "%s: norb = %lld outside [1, 64]", __func__, (long long)norb);
  return ci_dense_common(norb, nalpha, nbeta, c, (double *)dense, site_kind, 0);
}

/* ---- CI vector of a TT: sector environments met in the middle ----
 *
 * Left environments: for every particle-number sector q = (a, b) of the
 * sites 0..h-1, the matrix L_q (configurations x bond columns) of the
 * partial products G_0[i_0] ... G_{h-1}[i_{h-1}]; right environments R_q
 * likewise for the sites h..d-1.  Each is built site by site with one GEMM
 * per (sector, digit); the amplitudes of all determinants of a sector pair
 * are then one GEMM L_q R_q^T.  With sector labels (qclr_tt_svd_ci) only the
 * bond columns of the sector take part, so the work follows the block
 * structure; without them every column does (a dense TT). */

typedef struct {
  int32_t q;       /* (n_alpha, n_beta) of the configurations' sites */
  int64_t n, k;    /* configurations, bond columns */
  int64_t c0;      /* the bond columns are [c0, c0 + k) */
  double *E;       /* n x k */
  uint64_t *sa, *sb;
} env_block;

typedef struct {
  int nb;          /* blocks in use */
  env_block b[65 * 65];
} env_level;

static void env_free(env_level *L) {
  for (int i = 0; i < L->nb; i++) {
    free(L->b[i].E);
    free(L->b[i].sa);
    free(L->b[i].sb);
  }
  L->nb = 0;
}

typedef struct {
  const qclr_tt *tt;
  int kind, norb, na, nb;
  int slots_a[130], slots_b[130]; /* alpha / beta sites among sites [0, k) */
} ci_shape;

static void site_counts(const ci_shape *cs, int k, int digit, int *da, int *db, int *orb) {
  int32_t q = qclr__tt_digit_qn(cs->kind, k, digit);
  *da = QCLR__TT_QN_A(q);
  *db = QCLR__TT_QN_B(q);
  *orb = cs->kind == QCLR_TT_SPIN ? k / 2 : k;
}

static int find_block(env_level *L, int32_t q) {
  for (int i = 0; i < L->nb; i++)
    if (L->b[i].q == q) return i;
  return -1;
}

/* One site of a left (dir > 0: site k joins on the right of the prefix) or
 * right (dir < 0: site k joins on the left of the suffix) environment. */
static int env_step(const ci_shape *cs, int k, int dir, env_level *in, env_level *out) {
  const qclr_tt *tt = cs->tt;
  int d = tt->d, rc = 0;
  int64_t nd = tt->dims[k];
  out->nb = 0;
  /* sizes of the new blocks */
  for (int pass = 0; pass < 2 && !rc; pass++) {
    for (int bi = 0; bi < in->nb && !rc; bi++) {
      env_block *src = &in->b[bi];
      for (int dg = 0; dg < nd && !rc; dg++) {
        int da, db, orb;
        site_counts(cs, k, dg, &da, &db, &orb);
        int a = QCLR__TT_QN_A(src->q) + da, b = QCLR__TT_QN_B(src->q) + db;
        /* the other side must be able to hold the rest */
        int other_a = dir > 0 ? cs->slots_a[d] - cs->slots_a[k + 1] : cs->slots_a[k];
        int other_b = dir > 0 ? cs->slots_b[d] - cs->slots_b[k + 1] : cs->slots_b[k];
        if (a > cs->na || b > cs->nb || cs->na - a > other_a || cs->nb - b > other_b) continue;
        int32_t q = QCLR__TT_QN(a, b);
        int t = find_block(out, q);
        if (pass == 0) {
          if (t < 0) {
            t = out->nb++;
            memset(&out->b[t], 0, sizeof out->b[t]);
            out->b[t].q = q;
            /* bond k+1 (left env) or bond k (right env) columns of this sector */
            int bond = dir > 0 ? k + 1 : k;
            int32_t lq = dir > 0 ? q : QCLR__TT_QN(cs->na - a, cs->nb - b);
            qclr__tt_range(tt, bond, lq, &out->b[t].c0, &out->b[t].k);
          }
          out->b[t].n += src->n;
          continue;
        }
        env_block *dst = &out->b[t];
        if (dst->k == 0 || src->k == 0) {
          /* no bond columns: the amplitudes are zero; keep the configurations */
          for (int64_t i = 0; i < src->n; i++) {
            dst->sa[dst->n + i] = src->sa[i] | ((uint64_t)da << orb);
            dst->sb[dst->n + i] = src->sb[i] | ((uint64_t)db << orb);
          }
          dst->n += src->n;
          continue;
        }
        const double *P;
        int64_t ld;
        if (dir > 0) {
          /* dst rows = src E (n x k) * G_k[src cols, dg, dst cols] (k x k') */
          qclr__tt_view(tt, k, src->c0, dg, dst->c0, dst->k, &P, &ld);
          if (P)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)src->n, (int)dst->k, (int)src->k, 1.0,
                        src->E, (int)src->k, P, (int)ld, 0.0, dst->E + dst->n * dst->k, (int)dst->k);
        } else {
          /* dst rows = src E (n x k) * G_k[dst cols, dg, src cols]^T (k x k') */
          qclr__tt_view(tt, k, dst->c0, dg, src->c0, src->k, &P, &ld);
          if (P)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)src->n, (int)dst->k, (int)src->k, 1.0,
                        src->E, (int)src->k, P, (int)ld, 0.0, dst->E + dst->n * dst->k, (int)dst->k);
        }
        for (int64_t i = 0; i < src->n; i++) {
          dst->sa[dst->n + i] = src->sa[i] | ((uint64_t)da << orb);
          dst->sb[dst->n + i] = src->sb[i] | ((uint64_t)db << orb);
        }
        dst->n += src->n;
      }
    }
    if (pass == 0 && !rc)
      for (int t = 0; t < out->nb; t++) {
        env_block *b = &out->b[t];
        size_t ne;
        if (qclr__mul_size((size_t)b->n, (size_t)(b->k > 0 ? b->k : 1), &ne)) {
          rc = QCLR_ETOOLARGE;
          break;
        }
        b->E = qclr__calloc(ne, sizeof(double), "TT environment");
        b->sa = qclr__malloc((size_t)b->n, sizeof(uint64_t), "TT environment");
        b->sb = qclr__malloc((size_t)b->n, sizeof(uint64_t), "TT environment");
        if (!b->E || !b->sa || !b->sb) {
          rc = QCLR_ENOMEM;
          break;
        }
        b->n = 0; /* refilled in pass 1 */
      }
  }
  return rc;
}

/* The environment at an end of the train: one block of weight 1 and empty
 * strings, on the bond-`bond` indices of label q. */
static int env_seed(env_level *A, const qclr_tt *tt, int bond, int32_t q) {
  A->nb = 1;
  env_block *e0 = &A->b[0];
  memset(e0, 0, sizeof *e0);
  e0->q = QCLR__TT_QN(0, 0);
  e0->n = 1;
  e0->E = qclr__malloc(1, sizeof(double), "TT environment");
  e0->sa = qclr__calloc(1, sizeof(uint64_t), "TT environment");
  e0->sb = qclr__calloc(1, sizeof(uint64_t), "TT environment");
  if (!e0->E || !e0->sa || !e0->sb) return QCLR_ENOMEM;
  qclr__tt_range(tt, bond, q, &e0->c0, &e0->k);
  e0->E[0] = 1.0;
  return 0;
}

int qclr_tt_to_ci(const qclr_tt *tt, int64_t norb, int nalpha, int nbeta, double *c) {
  qclr__clear();
  if (norb < 1 || norb > 64)
    return qclr__error(QCLR_EINVAL, "%s: norb = %lld outside [1, 64]", __func__, (long long)norb);
  int rc = check_space(norb, nalpha, nbeta, 63);
  if (rc) return rc;
  if (!tt || !c) return qclr__error(QCLR_EINVAL, "qclr_tt_to_ci: NULL argument");
  ci_shape cs;
  memset(&cs, 0, sizeof cs);
  cs.tt = tt;
  cs.norb = norb;
  cs.na = nalpha;
  cs.nb = nbeta;
  if (tt->d == norb) cs.kind = QCLR_TT_SPATIAL;
  else if (tt->d == 2 * norb) cs.kind = QCLR_TT_SPIN;
  else
    return qclr__error(QCLR_EINVAL, "qclr_tt_to_ci: TT of %d sites for %d orbitals", tt->d, (int)norb);
  int nloc = cs.kind == QCLR_TT_SPIN ? 2 : 4;
  for (int k = 0; k < tt->d; k++)
    if (tt->dims[k] != nloc)
      return qclr__error(QCLR_EINVAL, "qclr_tt_to_ci: site %d has dimension %lld, expected %d", k,
                         (long long)tt->dims[k], nloc);
  int d = tt->d;
  for (int k = 0; k < d; k++) {
    int32_t top = qclr__tt_digit_qn(cs.kind, k, nloc - 1);
    cs.slots_a[k + 1] = cs.slots_a[k] + QCLR__TT_QN_A(top);
    cs.slots_b[k + 1] = cs.slots_b[k] + QCLR__TT_QN_B(top);
  }
  int64_t (*C)[65] = qclr__malloc(65, sizeof *C, "binomials");
  env_level *A = qclr__calloc(1, sizeof *A, "TT environments"), *B = qclr__calloc(1, sizeof *B, "TT environments");
  env_level *Lh = qclr__calloc(1, sizeof *Lh, "TT environments");
  double *buf = NULL, *rsg = NULL;
  int64_t *rra = NULL, *rrb = NULL;
  if (!C || !A || !B || !Lh) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  qclr__binom_table_fill(C);
  int64_t ca = C[norb][nalpha], cb = C[norb][nbeta];
  memset(c, 0, (size_t)(ca * cb) * sizeof(double));
  int h = d / 2;
  /* left environments up to bond h */
  if ((rc = env_seed(A, tt, 0, QCLR__TT_QN(0, 0)))) goto done;
  for (int k = 0; k < h; k++) {
    rc = env_step(&cs, k, 1, A, B);
    env_free(A);
    env_level *t = A;
    A = B;
    B = t;
    if (rc) goto done;
  }
  env_level *t = Lh;
  Lh = A;
  A = t;
  /* right environments down to bond h */
  if ((rc = env_seed(A, tt, d, QCLR__TT_QN(nalpha, nbeta)))) goto done;
  for (int k = d - 1; k >= h; k--) {
    rc = env_step(&cs, k, -1, A, B);
    env_free(A);
    env_level *u = A;
    A = B;
    B = u;
    if (rc) goto done;
  }
  /* amplitudes: one GEMM per sector pair, then signs and CI indices */
  int64_t maxbuf = 1;
  for (int i = 0; i < Lh->nb; i++) {
    int j = find_block(A, QCLR__TT_QN(nalpha - QCLR__TT_QN_A(Lh->b[i].q), nbeta - QCLR__TT_QN_B(Lh->b[i].q)));
    if (j >= 0 && Lh->b[i].n * A->b[j].n > maxbuf) maxbuf = Lh->b[i].n * A->b[j].n;
  }
  int64_t maxr = 1;
  for (int j = 0; j < A->nb; j++)
    if (A->b[j].n > maxr) maxr = A->b[j].n;
  buf = qclr__malloc((size_t)maxbuf, sizeof(double), "TT amplitudes");
  rra = qclr__malloc((size_t)maxr, sizeof(int64_t), "TT amplitudes");
  rrb = qclr__malloc((size_t)maxr, sizeof(int64_t), "TT amplitudes");
  rsg = qclr__malloc((size_t)maxr, sizeof(double), "TT amplitudes");
  if (!buf || !rra || !rrb || !rsg) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  for (int i = 0; i < Lh->nb; i++) {
    env_block *L = &Lh->b[i];
    int a = QCLR__TT_QN_A(L->q), b = QCLR__TT_QN_B(L->q);
    int j = find_block(A, QCLR__TT_QN(nalpha - a, nbeta - b));
    if (j < 0) continue;
    env_block *R = &A->b[j];
    if (L->k == 0 || R->k == 0 || L->n == 0 || R->n == 0) continue;
    /* both blocks use the bond-h columns of sector (a, b) in the same order */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)L->n, (int)R->n, (int)L->k, tt->scale, L->E,
                (int)L->k, R->E, (int)R->k, 0.0, buf, (int)R->n);
    /* signs: within each part, times the pairs (alpha right of the split,
     * beta left of it), all in the wrong order: (nalpha - a) * b of them */
    double cross = ((nalpha - a) * b) & 1 ? -1.0 : 1.0;
    for (int64_t y = 0; y < R->n; y++) {
      rra[y] = qclr__ci_rank_from(R->sa[y], a, C);
      rrb[y] = qclr__ci_rank_from(R->sb[y], b, C);
      rsg[y] = cross * qclr_tt_fermion_sign(R->sa[y], R->sb[y]);
    }
    for (int64_t x = 0; x < L->n; x++) {
      int64_t la = qclr__ci_rank_from(L->sa[x], 0, C), lb = qclr__ci_rank_from(L->sb[x], 0, C);
      double sl = qclr_tt_fermion_sign(L->sa[x], L->sb[x]);
      const double *row = buf + x * R->n;
      for (int64_t y = 0; y < R->n; y++) c[(la + rra[y]) * cb + lb + rrb[y]] = sl * rsg[y] * row[y];
    }
  }
done:
  if (A) env_free(A);
  if (B) env_free(B);
  if (Lh) env_free(Lh);
  free(A);
  free(B);
  free(Lh);
  free(buf);
  free(rra);
  free(rrb);
  free(rsg);
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

int qclr_tt_ci_permute(int64_t norb, int nalpha, int nbeta, const int *perm, const double *c,
                       double *cout) {
  qclr__clear();
  if (norb < 1 || norb > 64)
    return qclr__error(QCLR_EINVAL, "%s: norb = %lld outside [1, 64]", __func__, (long long)norb);
  int rc = check_space(norb, nalpha, nbeta, 63);
  if (rc) return rc;
  if (!perm || !c || !cout) return qclr__error(QCLR_EINVAL, "qclr_tt_ci_permute: NULL argument");
  int inv[64];
  for (int i = 0; i < norb; i++) inv[i] = -1;
  for (int i = 0; i < norb; i++) {
    if (perm[i] < 0 || perm[i] >= norb || inv[perm[i]] >= 0)
      return qclr__error(QCLR_EINVAL, "qclr_tt_ci_permute: perm is not a permutation of 0..%d",
                         (int)norb - 1);
    inv[perm[i]] = i;
  }
  uint64_t *sa, *sb;
  int64_t ca, cb;
  if ((rc = qclr_ci_strings(norb, nalpha, &sa, &ca))) return rc;
  if ((rc = qclr_ci_strings(norb, nbeta, &sb, &cb))) {
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
  qclr__binom_table_fill(C);
  for (int64_t j = 0; j < cb; j++) {
    uint64_t t;
    sgb[j] = relabel(sb[j], inv, &t);
    jb[j] = qclr__ci_rank(t, C);
  }
  for (int64_t i = 0; i < ca; i++) {
    uint64_t t;
    int sg = relabel(sa[i], inv, &t);
    int64_t ia = qclr__ci_rank(t, C);
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

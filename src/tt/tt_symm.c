/* src/tt_symm.c: symmetry-blocked TT-SVD of a CI vector.
 *
 * The occupation-number tensor T of a state with fixed (N_alpha, N_beta) has
 * block-diagonal unfoldings: a left configuration with (a, b) electrons only
 * meets right configurations with (N_alpha - a, N_beta - b).  We therefore
 * keep, for every sector q = (a, b) of the current bond, the matrix W_q
 * (r_q bond vectors x right configurations of that sector), split the next
 * site off the right configurations by gathering columns, and decompose each
 * new sector's matrix on its own.  The truncation is global: all sectors'
 * singular values are pooled and cut with the same delta as the dense
 * TT-SVD, so ranks and errors equal those of qclr_tt_svd on the 4^N tensor.
 * Total W size never exceeds ndet (r_q <= left configurations of q), so the
 * memory is O(ndet + TT size).
 *
 * Right configurations of a sector are (alpha substring, beta substring)
 * pairs over the unsplit orbitals, [alpha rank][beta rank] with substrings
 * ascending as integers; the next orbital to split is bit 0 of each. */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "tt/tt_internal.h"

typedef struct {
  int64_t r;     /* bond vectors in this sector (0 = sector absent) */
  int64_t ca, cb; /* right alpha / beta substring counts */
  double *W;     /* r x (ca cb) */
  int64_t off;   /* offset of the sector in the bond index */
} sector;

typedef struct {
  int64_t rows, cols;
  double *M;     /* rows x cols (destroyed by the decomposition) */
  int64_t *src_q, *src_i; /* per row: old sector index and vector index */
  int *src_digit;
  int64_t k;     /* spectrum size */
  double *s2;    /* spectrum (sigma^2 descending) */
  double *U;     /* rows x k */
  double *Vt;    /* k x cols (SVD path) or NULL (Gram path) */
  int64_t keep;
} block;

/* map[j] = index in strings(m, e) of (rest_j << 1) | bit, rest_j over m-1 orbitals */
static int split_map(int m, int e, int bit, int64_t C[65][65], int64_t **map, int64_t *n) {
  uint64_t *rest;
  int64_t cnt;
  int rc = qclr_ci_strings(m - 1, e - bit, &rest, &cnt);
  if (rc) return rc;
  int64_t *mp = qclr__malloc((size_t)(cnt ? cnt : 1), sizeof(int64_t), "string map");
  if (!mp) {
    free(rest);
    return QCLR_ENOMEM;
  }
  for (int64_t j = 0; j < cnt; j++) mp[j] = qclr__ci_rank((rest[j] << 1) | (uint64_t)bit, C);
  free(rest);
  *map = mp;
  *n = cnt;
  return 0;
}

static int cmp_desc(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? 1 : x > y ? -1 : 0;
}

static void free_block(block *b) {
  free(b->M);
  free(b->src_q);
  free(b->src_i);
  free(b->src_digit);
  free(b->s2);
  free(b->U);
  free(b->Vt);
  memset(b, 0, sizeof *b);
}

/* Decompose one block: U (rows x k) and the spectrum; Vt for the SVD path. */
static int decompose(block *b, int use_gram) {
  int64_t m = b->rows, n = b->cols;
  int rc;
  if ((rc = qclr__check_lapack_int(m, "sector rows")) || (rc = qclr__check_lapack_int(n, "sector columns")))
    return rc;
  if (use_gram && m <= n) {
    double *G = qclr__malloc((size_t)(m * m), sizeof(double), "sector Gram matrix");
    double *w = qclr__malloc((size_t)m, sizeof(double), "sector eigenvalues");
    b->U = qclr__malloc((size_t)(m * m), sizeof(double), "sector vectors");
    b->s2 = qclr__malloc((size_t)m, sizeof(double), "sector spectrum");
    if (!G || !w || !b->U || !b->s2) {
      free(G);
      free(w);
      return QCLR_ENOMEM;
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)m, (int)n, 1.0, b->M, (int)n, 0.0, G,
                (int)m);
    int info = qclr__eigh_sym('V', m, G, m, w, "sector Gram matrix");
    if (info) {
      free(G);
      free(w);
      return info;
    }
    for (int64_t j = 0; j < m; j++) {
      b->s2[j] = w[m - 1 - j] > 0 ? w[m - 1 - j] : 0.0;
      for (int64_t i = 0; i < m; i++) b->U[i * m + j] = G[i * m + (m - 1 - j)];
    }
    b->k = m;
    free(G);
    free(w);
    return 0;
  }
  double *U, *s, *Vt, disc;
  int64_t r;
  int capped;
  /* keep everything here; the global cut comes later */
  if ((rc = qclr__tt_tsvd(b->M, m, n, QCLR_TT_GESDD, 0.0, 0, &U, &s, &Vt, &r, &disc, &capped, NULL,
                          NULL)))
    return rc;
  int64_t k = m < n ? m : n;
  /* tsvd compacted U to r columns; r == k unless trailing sigma were exactly zero */
  b->U = U;
  b->Vt = Vt;
  b->k = r;
  b->s2 = s;
  for (int64_t i = 0; i < r; i++) s[i] = s[i] * s[i];
  (void)k;
  free(b->M);
  b->M = NULL;
  return 0;
}

/* Core `site` as blocks: the rows of each sector block come in segments of
 * one (old sector, digit) each, and every segment with kept columns is one
 * block (old sector's rows) x (new sector's kept columns).  S2 == NULL: the
 * last core (one column, values M[i] * scale). */
static int store_blocks(qclr_tt *tt, int site, const sector *S, const block *B, int nb, const sector *S2,
                        double scale) {
  int64_t nblk = 0, size = 0;
  for (int pass = 0; pass < 2; pass++) {
    int64_t ib = 0, off = 0;
    for (int q2 = 0; q2 < nb; q2++) {
      const block *bl = &B[q2];
      int64_t kq = S2 ? S2[q2].r : 1;
      if (kq == 0 || bl->rows == 0) continue;
      for (int64_t i = 0; i < bl->rows;) {
        int64_t e = i + 1;
        while (e < bl->rows && bl->src_q[e] == bl->src_q[i] && bl->src_digit[e] == bl->src_digit[i]) e++;
        if (pass == 1) {
          qclr__tt_block *tb = &tt->blk[site][ib];
          tb->r0 = S[bl->src_q[i]].off;
          tb->nr = e - i;
          tb->c0 = S2 ? S2[q2].off : 0;
          tb->nc = kq;
          tb->digit = bl->src_digit[i];
          tb->off = off;
          double *dst = tt->bdata[site] + off;
          for (int64_t a = 0; a < e - i; a++)
            for (int64_t j = 0; j < kq; j++)
              dst[a * kq + j] = S2 ? bl->U[(i + a) * bl->k + j] : bl->M[i + a] * scale;
        }
        ib++;
        off += (e - i) * kq;
        i = e;
      }
    }
    if (pass == 0) {
      nblk = ib;
      size = off;
      if (!tt->blk) {
        tt->nblk = qclr__calloc((size_t)tt->d, sizeof(int64_t), "TT blocks");
        tt->blk = qclr__calloc((size_t)tt->d, sizeof(qclr__tt_block *), "TT blocks");
        tt->bdata = qclr__calloc((size_t)tt->d, sizeof(double *), "TT blocks");
        if (!tt->nblk || !tt->blk || !tt->bdata) return QCLR_ENOMEM;
      }
      tt->blk[site] = qclr__malloc((size_t)(nblk > 0 ? nblk : 1), sizeof(qclr__tt_block), "TT blocks");
      tt->bdata[site] = qclr__malloc((size_t)(size > 0 ? size : 1), sizeof(double), "TT blocks");
      if (!tt->blk[site] || !tt->bdata[site]) return QCLR_ENOMEM;
      tt->nblk[site] = nblk;
    }
  }
  (void)size;
  return 0;
}

static int tt_tt_svd_ci_impl(int64_t norb, int nalpha, int nbeta, const double *c, int site_kind,
                   const qclr_tt_options *opt, qclr_tt **out, qclr_tt_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_tt_svd_ci: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opt, "qclr_tt_options_default");
  if (!c) return qclr__error(QCLR_EINVAL, "qclr_tt_svd_ci: c is NULL");
  if (norb < 1 || norb > 62 || nalpha < 0 || nbeta < 0 || nalpha > norb || nbeta > norb)
    return qclr__error(QCLR_EINVAL, "qclr_tt_svd_ci: %d alpha, %d beta electrons in %lld orbitals",
                       nalpha, nbeta, (long long)norb);
  if (site_kind != QCLR_TT_SPATIAL && site_kind != QCLR_TT_SPIN)
    return qclr__error(QCLR_EINVAL, "qclr_tt_svd_ci: unknown site kind %d", site_kind);
  qclr_tt_options o;
  if (opt) o = *opt;
  else qclr_tt_options_default(&o);
  int rc = qclr__tt_check_options("qclr_tt_svd_ci", o.eps, o.max_rank, o.method), pexp = 0;
  if (rc) return rc;
  int use_gram = o.method == QCLR_TT_GRAM || (o.method == QCLR_TT_AUTO && o.eps >= QCLR_TT_GRAM_MIN_EPS);
  int spin = site_kind == QCLR_TT_SPIN;
  int d = spin ? 2 * norb : norb;
  int64_t *dims = qclr__malloc((size_t)d, sizeof(int64_t), "TT dims");
  if (!dims) return QCLR_ENOMEM;
  for (int k = 0; k < d; k++) dims[k] = spin ? 2 : 4;
  qclr_tt *tt;
  rc = qclr__tt_alloc(d, dims, &tt); /* no qclr__tt_begin: 4^norb dense entries may exceed size_t */
  free(dims);
  if (rc) return rc;
  int64_t (*C)[65] = qclr__malloc(65, sizeof *C, "binomials");
  int nq = (nalpha + 1) * (nbeta + 1);
  sector *S = qclr__calloc((size_t)nq, sizeof(sector), "sectors");
  sector *S2 = qclr__calloc((size_t)nq, sizeof(sector), "sectors");
  block *B = qclr__calloc((size_t)nq, sizeof(block), "sector blocks");
  uint64_t *sa = NULL, *sb = NULL;
  double *pool = NULL;
  int32_t **lab = qclr__calloc((size_t)d + 1, sizeof(int32_t *), "bond labels");
  if (!C || !S || !S2 || !B || !lab) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  qclr__binom_table_fill(C);
  /* initial sector (0,0): the signed CI vector, 1 x ndet */
  int64_t ca, cb;
  if ((rc = qclr_ci_strings(norb, nalpha, &sa, &ca)) || (rc = qclr_ci_strings(norb, nbeta, &sb, &cb)))
    goto done;
  if ((rc = qclr__check_finite("qclr_tt_svd_ci", "c", c, ca * cb))) goto done;
  S[0].r = 1;
  S[0].ca = ca;
  S[0].cb = cb;
  S[0].W = qclr__malloc((size_t)(ca * cb), sizeof(double), "signed CI vector");
  if (!S[0].W) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  for (int64_t i = 0; i < ca; i++)
    for (int64_t j = 0; j < cb; j++) S[0].W[i * cb + j] = qclr_tt_fermion_sign(sa[i], sb[j]) * c[i * cb + j];
  double norm2;
  if ((rc = qclr__tt_input_norm("qclr_tt_svd_ci", S[0].W, (size_t)(ca * cb), &pexp, &norm2))) goto done;
  if (pexp) qclr__tt_unscale(S[0].W, S[0].W, (size_t)(ca * cb), pexp); /* out of the range of squares */
  double delta2 = qclr__tt_delta2(o.eps, d, norm2);
  double err2 = 0;
  int capped_any = 0;
  int ka = 0, kb = 0; /* next unsplit alpha / beta orbital */
  for (int site = 0; site < d; site++) {
    int split_a = !spin || site % 2 == 0, split_b = !spin || site % 2 == 1;
    int ma = norb - ka, mb = norb - kb; /* unsplit orbitals before this site */
    int nd = spin ? 2 : 4;
    int last = site == d - 1;
    /* gather the new sectors' matrices */
    for (int q2 = 0; q2 < nq; q2++) {
      int a2 = q2 / (nbeta + 1), b2 = q2 % (nbeta + 1);
      int64_t ca2 = qclr__binom_at(C, ma - split_a, nalpha - a2), cb2 = qclr__binom_at(C, mb - split_b, nbeta - b2);
      block *bl = &B[q2];
      memset(bl, 0, sizeof *bl);
      if (ca2 == 0 || cb2 == 0) continue;
      int64_t rows = 0;
      for (int dg = 0; dg < nd; dg++) {
        int ba = spin ? (split_a ? dg : 0) : (dg & 1), bb = spin ? (split_b ? dg : 0) : (dg >> 1);
        int a = a2 - ba, b = b2 - bb;
        if (a < 0 || b < 0) continue;
        rows += S[a * (nbeta + 1) + b].r;
      }
      if (rows == 0) continue;
      bl->rows = rows;
      bl->cols = ca2 * cb2;
      bl->M = qclr__malloc((size_t)rows * (size_t)bl->cols, sizeof(double), "sector matrix");
      bl->src_q = qclr__malloc((size_t)rows, sizeof(int64_t), "sector rows");
      bl->src_i = qclr__malloc((size_t)rows, sizeof(int64_t), "sector rows");
      bl->src_digit = qclr__malloc((size_t)rows, sizeof(int), "sector rows");
      if (!bl->M || !bl->src_q || !bl->src_i || !bl->src_digit) {
        rc = QCLR_ENOMEM;
        goto done;
      }
      int64_t row = 0;
      for (int dg = 0; dg < nd; dg++) {
        int ba = spin ? (split_a ? dg : 0) : (dg & 1), bb = spin ? (split_b ? dg : 0) : (dg >> 1);
        int a = a2 - ba, b = b2 - bb;
        if (a < 0 || b < 0) continue;
        int q = a * (nbeta + 1) + b;
        sector *sq = &S[q];
        if (sq->r == 0) continue;
        int64_t *mapa = NULL, *mapb = NULL, na_ = 0, nb_ = 0;
        if (split_a) rc = split_map(ma, nalpha - a, ba, C, &mapa, &na_);
        if (!rc && split_b) rc = split_map(mb, nbeta - b, bb, C, &mapb, &nb_);
        if (rc) {
          free(mapa);
          free(mapb);
          goto done;
        }
        for (int64_t i = 0; i < sq->r; i++) {
          const double *src = sq->W + i * sq->ca * sq->cb;
          double *dst = bl->M + (row + i) * bl->cols;
          for (int64_t x = 0; x < ca2; x++) {
            int64_t ia = split_a ? mapa[x] : x;
            const double *srow = src + ia * sq->cb;
            double *drow = dst + x * cb2;
            if (split_b)
              for (int64_t y = 0; y < cb2; y++) drow[y] = srow[mapb[y]];
            else
              memcpy(drow, srow, (size_t)cb2 * sizeof(double));
          }
          bl->src_q[row + i] = q;
          bl->src_i[row + i] = i;
          bl->src_digit[row + i] = dg;
        }
        row += sq->r;
        free(mapa);
        free(mapb);
      }
    }
    ka += split_a;
    kb += split_b;
    for (int q = 0; q < nq; q++) {
      free(S[q].W);
      S[q].W = NULL;
    }
    if (last) {
      /* one sector (nalpha, nbeta) with one column: the last core */
      block *bl = &B[nq - 1];
      double s2 = 0;
      for (int64_t i = 0; i < bl->rows; i++) s2 += bl->M[i] * bl->M[i];
      double nrm = sqrt(s2);
      if ((rc = store_blocks(tt, site, S, B + nq - 1, 1, NULL, nrm > 0 ? 1.0 / nrm : 0.0))) goto done;
      tt->ranks[site + 1] = 1;
      tt->scale = nrm;
      break;
    }
    /* decompose every block, then cut globally */
    int64_t npool = 0, newtot = 0;
    double disc = 0;
    int capped = 0;
    for (int q2 = 0; q2 < nq; q2++)
      if (B[q2].rows && (rc = decompose(&B[q2], use_gram))) goto done;
    for (int attempt = 0; attempt < 2; attempt++) {
      npool = 0;
      for (int q2 = 0; q2 < nq; q2++) npool += B[q2].k;
      free(pool);
      pool = qclr__malloc((size_t)(npool ? npool : 1), sizeof(double), "pooled spectrum");
      if (!pool) {
        rc = QCLR_ENOMEM;
        goto done;
      }
      int64_t t = 0;
      for (int q2 = 0; q2 < nq; q2++)
        for (int64_t j = 0; j < B[q2].k; j++) pool[t++] = B[q2].s2[j];
      qsort(pool, (size_t)npool, sizeof(double), cmp_desc);
      int64_t keep = qclr__tt_trunc_rank(pool, npool, delta2, o.max_rank, &disc, &capped);
      /* keep the `keep` largest values of all sectors.  Sectors related by a
       * symmetry (alpha <-> beta at M_S = 0, say) have equal spectra, so the
       * cut may fall inside a multiplet: values within 1e-10 of the last kept
       * one count as ties and go by sector order, so that rounding (e.g. the
       * thread count) does not pick the sector.  Values above the ties are
       * all kept first. */
      double vk = pool[keep - 1], hi = vk * (1.0 + 1e-10), lo = vk * (1.0 - 1e-10);
      int64_t left = keep;
      for (int q2 = 0; q2 < nq; q2++) {
        int64_t kq = 0;
        while (kq < B[q2].k && B[q2].s2[kq] > hi) kq++;
        B[q2].keep = kq;
        left -= kq;
      }
      newtot = 0;
      double noise = 0; /* of the Gram eigenvalues the cut sums (see tt_svd.c) */
      for (int q2 = 0; q2 < nq; q2++) {
        int64_t kq = B[q2].keep;
        while (left > 0 && kq < B[q2].k && B[q2].s2[kq] >= lo) {
          kq++;
          left--;
        }
        B[q2].keep = kq;
        S2[q2].off = newtot;
        newtot += kq;
        if (B[q2].k && !B[q2].Vt) noise += (double)(B[q2].k - kq) * 4.0 * DBL_EPSILON * B[q2].s2[0];
      }
      if (attempt == 1 || !(delta2 > 0 && noise > 0.25 * delta2)) break;
      /* the Gram eigenvalues cannot place this cut: SVD of the Gram blocks */
      for (int q2 = 0; q2 < nq; q2++)
        if (B[q2].k && !B[q2].Vt) {
          free(B[q2].U);
          free(B[q2].s2);
          B[q2].U = NULL;
          B[q2].s2 = NULL;
          if ((rc = decompose(&B[q2], 0))) goto done;
        }
    }
    if (newtot == 0) { /* zero vector: keep one vector of the first block */
      for (int q2 = 0; q2 < nq; q2++)
        if (B[q2].k) {
          B[q2].keep = 1;
          newtot = 1;
          for (int q3 = q2 + 1; q3 < nq; q3++) S2[q3].off = 1;
          break;
        }
    }
    err2 += disc;
    capped_any |= capped;
    /* core: (rank, nd, newtot), stored as blocks */
    for (int q2 = 0; q2 < nq; q2++) S2[q2].r = B[q2].keep;
    if ((rc = store_blocks(tt, site, S, B, nq, S2, 1.0))) goto done;
    tt->ranks[site + 1] = newtot;
    double *sv = qclr__malloc((size_t)newtot, sizeof(double), "Schmidt values");
    lab[site + 1] = qclr__malloc((size_t)newtot, sizeof(int32_t), "bond labels");
    if (!sv || !lab[site + 1]) {
      free(sv);
      rc = QCLR_ENOMEM;
      goto done;
    }
    for (int q2 = 0; q2 < nq; q2++)
      for (int64_t j = 0; j < B[q2].keep; j++)
        lab[site + 1][S2[q2].off + j] = QCLR__TT_QN(q2 / (nbeta + 1), q2 % (nbeta + 1));
    int64_t nsv = 0;
    for (int q2 = 0; q2 < nq; q2++) {
      block *bl = &B[q2];
      int64_t kq = bl->keep;
      S2[q2].r = kq;
      S2[q2].ca = qclr__binom_at(C, norb - ka, nalpha - q2 / (nbeta + 1));
      S2[q2].cb = qclr__binom_at(C, norb - kb, nbeta - q2 % (nbeta + 1));
      if (kq == 0) continue;
      for (int64_t j = 0; j < kq; j++) sv[nsv++] = sqrt(bl->s2[j]);
      S2[q2].W = qclr__malloc((size_t)kq * (size_t)bl->cols, sizeof(double), "sector matrix");
      if (!S2[q2].W) {
        free(sv);
        rc = QCLR_ENOMEM;
        goto done;
      }
      if (bl->Vt) {
        for (int64_t j = 0; j < kq; j++) {
          double s = sqrt(bl->s2[j]);
          for (int64_t x = 0; x < bl->cols; x++) S2[q2].W[j * bl->cols + x] = s * bl->Vt[j * bl->cols + x];
        }
      } else {
        /* W = U[:, :kq]^T M */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)kq, (int)bl->cols, (int)bl->rows, 1.0,
                    bl->U, (int)bl->k, bl->M, (int)bl->cols, 0.0, S2[q2].W, (int)bl->cols);
      }
      free_block(bl);
    }
    qsort(sv, (size_t)nsv, sizeof(double), cmp_desc);
    rc = qclr__tt_set_sv(tt, site, sv, nsv);
    free(sv);
    free(pool);
    pool = NULL;
    if (rc) goto done;
    for (int q2 = 0; q2 < nq; q2++) free_block(&B[q2]);
    sector *tmp = S;
    S = S2;
    S2 = tmp;
    memset(S2, 0, (size_t)nq * sizeof(sector));
  }
  /* sector labels: bond 0 is (0, 0), bond d (nalpha, nbeta) */
  if ((rc = qclr__tt_alloc_labels(tt, site_kind))) goto done;
  for (int k = 1; k < d; k++) memcpy(tt->qn[k], lab[k], (size_t)tt->ranks[k] * sizeof(int32_t));
  tt->qn[d][0] = QCLR__TT_QN(nalpha, nbeta);
  rc = qclr__tt_finish(tt, pexp, norm2, err2, capped_any, o.max_rank, info);
done:
  if (lab)
    for (int k = 0; k <= d; k++) free(lab[k]);
  free(lab);
  if (B)
    for (int q = 0; q < nq; q++) free_block(&B[q]);
  if (S)
    for (int q = 0; q < nq; q++) free(S[q].W);
  if (S2)
    for (int q = 0; q < nq; q++) free(S2[q].W);
  free(S);
  free(S2);
  free(B);
  free(C);
  free(sa);
  free(sb);
  free(pool);
  if (rc < 0) {
    qclr_tt_free(tt);
    return rc;
  }
  *out = tt;
  return rc;
}

/* BLAS/LAPACK on the calling thread: the OpenMP OpenBLAS reorders sums with its
 * thread count, and the cores must not depend on it (docs/conventions.md §2) */
int qclr_tt_svd_ci(int64_t norb, int nalpha, int nbeta, const double *c, int site_kind,
                   const qclr_tt_options *opt, qclr_tt **out, qclr_tt_info *info) {
  qclr__serial_state saved = qclr__lapack_serial_begin();
  int rc = tt_tt_svd_ci_impl(norb, nalpha, nbeta, c, site_kind, opt, out, info);
  qclr__lapack_serial_end(saved);
  return rc;
}

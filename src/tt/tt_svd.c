/* src/tt_svd.c: dense TT-SVD (Oseledets 2011) with a Gram/eigen kernel for
 * wide unfoldings and LAPACK SVD otherwise.
 *
 * The working tensor W is updated in place: after truncating the unfolding A
 * (m x n, row-major) to A ~ U (U^T A), the r x n matrix U^T A is written over
 * the first r rows of A, one column block at a time (each block is read before
 * it is overwritten).  Its reshape ((r n_{k+1}) x n/n_{k+1}) is the next
 * unfolding, so the whole sweep needs at most one working copy of the input
 * (none when the caller allows overwriting, and only the first projected
 * matrix, r x n, when the ranks grow before the first truncation) plus small
 * matrices.
 *
 * Gram kernel, several sites per pass over W.  The Gram matrix of a deeper
 * unfolding (rows: W's row index and the next L sites) holds those of the
 * shallower ones as partial traces over the trailing sites, and the Gram
 * matrix of a projected unfolding is P^T G P.  So one dsyrk gives the
 * spectra of L consecutive unfoldings, exactly the matrices the site-by-site
 * algorithm would decompose, and one projection by the composite left basis
 * Phi (the product of the block's cores) replaces L projections.  A site that
 * keeps its full rank gets the identity as its core (any orthonormal basis of
 * the whole space is exact), so while the ranks grow W is not touched at all.
 * The depth is chosen so that the block's rows stay within twice those of a
 * single step (64 at least): about 2.5x fewer flops than site by site on
 * inputs whose ranks grow, the same where they saturate. */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "tt/tt_internal.h"

void qclr_tt_options_default(qclr_tt_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->eps = 1e-10;
  o->max_rank = 0;
  o->method = QCLR_TT_AUTO;
  o->overwrite = 0;
}

#define TT_TMP_DOUBLES ((int64_t)1 << 20)

/* A[0:r, :] = Ut (r x m) * A (m x n), in place by column blocks; each block
 * is one multithreaded dgemm into tmp (tmp_n >= r doubles, allocated once per
 * sweep: fresh pages for every step cost more than the dgemms). */
static void project_in_place(const double *Ut, int64_t r, double *A, int64_t m, int64_t n, double *tmp,
                             int64_t tmp_n) {
  int64_t w = tmp_n / (r > 0 ? r : 1);
  if (w > n) w = n;
  for (int64_t c0 = 0; c0 < n; c0 += w) {
    int64_t wb = n - c0 < w ? n - c0 : w;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)wb, (int)m, 1.0, Ut, (int)m,
                A + c0, (int)n, 0.0, tmp, (int)wb);
    for (int64_t i = 0; i < r; i++) memcpy(A + i * n + c0, tmp + i * wb, (size_t)wb * sizeof(double));
  }
}

typedef struct {
  qclr_tt *tt;
  double delta2;
  int64_t max_rank;
  double err2;
  int capped;
} sweep;

/* Levels k..k+L-1 from G, the (full, symmetric) Gram matrix of the unfolding
 * with rows (W's r0 rows, sites k..k+L-1): cores, Schmidt values, ranks.
 * G is destroyed (the last level works in it).
 * On return *nlev <= L levels are done (fewer when the Gram spectrum cannot
 * decide a cut), *phi is their composite basis (m x rL, row-major, m = r0
 * times their dims) or NULL when it is the identity (every level kept its
 * full rank); *rL the new rank. */
static int gram_block(sweep *sw, int k, int L, int64_t r0, double *G, int64_t mL, double **phi_out,
                      int64_t *rL, int *full_last, int *nlev) {
  const int64_t *dims = sw->tt->dims;
  int rc = 0;
  double *phi = NULL; /* NULL: identity of size mprev */
  double *Gj = NULL, *P = NULL, *Gr = NULL, *w = NULL, *s2 = NULL, *core = NULL, *tmp = NULL, *d = NULL, *Z = NULL;
  int64_t mprev = r0, rprev = r0; /* rows of the original / reduced coordinates so far */
  *full_last = 0;
  *nlev = L;
  for (int j = 0; j < L; j++) {
    int64_t n = dims[k + j], mj = mprev * n, nr = rprev * n, s = mL / mj;
    int lastj = j == L - 1; /* then Gj is G itself (s = 1) */
    /* Gram of level j in the block's original coordinates: partial trace */
    Gj = lastj ? G : qclr__malloc((size_t)(mj * mj), sizeof(double), "Gram matrix");
    Gr = lastj && !phi ? G : qclr__malloc((size_t)(nr * nr), sizeof(double), "Gram matrix");
    w = qclr__malloc((size_t)nr, sizeof(double), "Gram eigenvalues");
    s2 = qclr__malloc((size_t)nr, sizeof(double), "Gram spectrum");
    if (!Gj || !Gr || !w || !s2) {
      rc = QCLR_ENOMEM;
      goto fail;
    }
    if (!lastj)
      for (int64_t x = 0; x < mj; x++)
        for (int64_t y = 0; y < mj; y++) {
          double acc = 0;
          const double *g = G + (x * s) * mL + y * s;
          for (int64_t t = 0; t < s; t++) acc += g[t * mL + t];
          Gj[x * mj + y] = acc;
        }
    /* reduced coordinates: Gr = P^T Gj P with P = phi (x) I_n */
    if (phi) {
      P = qclr__calloc((size_t)(mj * nr), sizeof(double), "Gram basis");
      tmp = qclr__malloc((size_t)(nr * mj), sizeof(double), "Gram basis");
      if (!P || !tmp) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      for (int64_t x = 0; x < mprev; x++)
        for (int64_t a = 0; a < rprev; a++)
          for (int64_t i = 0; i < n; i++) P[(x * n + i) * nr + a * n + i] = phi[x * rprev + a];
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nr, (int)mj, (int)mj, 1.0, P, (int)nr, Gj, (int)mj,
                  0.0, tmp, (int)mj);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, (int)nr, (int)mj, 1.0, tmp, (int)mj, P,
                  (int)nr, 0.0, Gr, (int)nr);
      free(tmp);
      tmp = NULL;
    } else if (Gr != Gj)
      memcpy(Gr, Gj, (size_t)(nr * nr) * sizeof(double));
    if (Gj != G) free(Gj);
    Gj = NULL;
    /* Eigenvalues first: Householder reduction in place (Gr is symmetric, so
     * its row-major storage is the column-major matrix; 'U', the reduction
     * LAPACKE's row-major dsyevd 'U' does, so that a cut inside a degenerate
     * multiplet keeps the same subspace as the sector kernel of tt_symm.c)
     * and the root-free QR of the tridiagonal.  The vectors (tridiagonal divide and conquer, then
     * the reflectors) are computed only if this level truncates: a level
     * that keeps its full rank gets the identity, and skipping the vectors
     * saves about two thirds of the work on the large unfoldings of
     * incompressible inputs. */
    d = qclr__malloc((size_t)(3 * nr), sizeof(double), "tridiagonal");
    if (!d) {
      rc = QCLR_ENOMEM;
      goto fail;
    }
    double *e = d + nr, *tau = e + nr;
    /* sequential LAPACK (results independent of the thread count) */
    qclr__serial_state saved = qclr__lapack_serial_begin();
    lapack_int info = LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'U', (lapack_int)nr, Gr, (lapack_int)nr, d, e, tau);
    if (info == 0) {
      memcpy(w, d, (size_t)nr * sizeof(double));
      memcpy(s2, e, (size_t)(nr > 1 ? nr - 1 : 0) * sizeof(double)); /* s2: scratch until below */
      info = LAPACKE_dsterf((lapack_int)nr, w, s2);
    }
    qclr__lapack_serial_end(saved);
    if (info != 0) {
      rc = qclr__error(QCLR_ENUMERIC, "symmetric eigenvalues failed (info %d) on a %lld x %lld Gram matrix",
                       (int)info, (long long)nr, (long long)nr);
      goto fail;
    }
    /* descending; rounding can make tiny eigenvalues negative */
    for (int64_t i = 0; i < nr; i++) s2[i] = w[nr - 1 - i] > 0 ? w[nr - 1 - i] : 0.0;
    double disc;
    int capped;
    int64_t r = qclr__tt_trunc_rank(s2, nr, sw->delta2, sw->max_rank, &disc, &capped);
    /* The eigenvalues of a computed Gram matrix are off by ~u lambda_max each
     * (measured: 0.1-0.5 u lambda_max); the cut sums nr - r of them.  When
     * that sum could reach a quarter of the budget delta^2 (many small
     * eigenvalues near the cut, e.g. a large chemistry unfolding at eps near
     * 1e-6), this level is left to the SVD: the block ends before it. */
    if (sw->delta2 > 0 && (double)(nr - r) * 4.0 * DBL_EPSILON * s2[0] > 0.25 * sw->delta2) {
      *nlev = j;
      break;
    }
    sw->err2 += disc;
    sw->capped |= capped;
    int full = r == nr;
    /* the core (rprev n x r): identity when the full rank is kept */
    core = qclr__calloc((size_t)(nr * r), sizeof(double), "TT core");
    if (!core) {
      rc = QCLR_ENOMEM;
      goto fail;
    }
    if (full) {
      for (int64_t i = 0; i < nr; i++) core[i * r + i] = 1.0;
    } else {
      /* all eigenvectors of the tridiagonal (column-major Z, ascending), then
       * Q applied to the r wanted ones: column nr-1-c of Q Z is vector c */
      Z = qclr__malloc((size_t)(nr * nr), sizeof(double), "Gram eigenvectors");
      if (!Z) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      saved = qclr__lapack_serial_begin();
      info = LAPACKE_dstedc(LAPACK_COL_MAJOR, 'I', (lapack_int)nr, d, e, Z, (lapack_int)nr);
      if (info == 0 && r > 0)
        info = LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'U', 'N', (lapack_int)nr, (lapack_int)r, Gr, (lapack_int)nr,
                              tau, Z + (nr - r) * nr, (lapack_int)nr);
      qclr__lapack_serial_end(saved);
      if (info != 0) {
        rc = qclr__error(QCLR_ENUMERIC, "symmetric eigenvectors failed (info %d) on a %lld x %lld Gram matrix",
                         (int)info, (long long)nr, (long long)nr);
        goto fail;
      }
      for (int64_t i = 0; i < nr; i++)
        for (int64_t c = 0; c < r; c++) core[i * r + c] = Z[(nr - 1 - c) * nr + i];
      free(Z);
      Z = NULL;
    }
    free(d);
    d = NULL;
    for (int64_t i = 0; i < r; i++) s2[i] = sqrt(s2[i]);
    if ((rc = qclr__tt_set_sv(sw->tt, k + j, s2, r))) goto fail;
    /* composite basis: phi_new = P core (mj x r) */
    double *phin = NULL;
    if (phi || !full) {
      phin = qclr__malloc((size_t)(mj * r), sizeof(double), "TT basis");
      if (!phin) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      if (phi)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mj, (int)r, (int)nr, 1.0, P, (int)nr, core,
                    (int)r, 0.0, phin, (int)r);
      else
        memcpy(phin, core, (size_t)(mj * r) * sizeof(double));
    }
    qclr__tt_set_core(sw->tt, k + j, core, r);
    core = NULL;
    free(phi);
    phi = phin;
    free(P);
    P = NULL;
    if (Gr != G) free(Gr);
    free(w);
    free(s2);
    Gr = w = s2 = NULL;
    mprev = mj;
    rprev = r;
    *full_last = full;
  }
  if (*nlev < L) {
    free(d);
    if (Gj != G) free(Gj);
    free(P);
    if (Gr != G) free(Gr);
    free(w);
    free(s2);
  }
  *phi_out = phi;
  *rL = rprev;
  return 0;
fail:
  free(phi);
  if (Gj != G) free(Gj);
  free(P);
  if (Gr != G) free(Gr);
  free(w);
  free(s2);
  free(core);
  free(tmp);
  free(d);
  free(Z);
  return rc;
}

static int tt_tt_svd_impl(double *x, int ndim, const int64_t *dims, const qclr_tt_options *opt,
                qclr_tt **out, qclr_tt_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_tt_svd: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opt, "qclr_tt_options_default");
  if (!x) return qclr__error(QCLR_EINVAL, "qclr_tt_svd: x is NULL");
  qclr_tt_options o;
  if (opt) o = *opt;
  else qclr_tt_options_default(&o);
  int rc = qclr__tt_check_options("qclr_tt_svd", o.eps, o.max_rank, o.method), pexp;
  qclr_tt *tt;
  size_t total;
  if (rc || (rc = qclr__tt_begin(ndim, dims, &tt, &total))) return rc;
  double norm2, *W = x;
  if ((rc = qclr__check_finite("qclr_tt_svd", "x", x, (int64_t)total))) {
    qclr_tt_free(tt);
    return rc;
  }
  if ((rc = qclr__tt_input_norm("qclr_tt_svd", x, total, &pexp, &norm2))) {
    qclr_tt_free(tt);
    return rc;
  }
  if (pexp) { /* out of the range of squares: sweep over x 2^-pexp */
    if (!o.overwrite && !(W = qclr__malloc(total, sizeof(double), "scaled TT-SVD input"))) {
      qclr_tt_free(tt);
      return QCLR_ENOMEM;
    }
    qclr__tt_unscale(W, x, total, pexp);
  }
  sweep sw = {tt, qclr__tt_delta2(o.eps, ndim, norm2), o.max_rank, 0.0, 0};
  int use_gram = o.method == QCLR_TT_GRAM || (o.method == QCLR_TT_AUTO && o.eps >= QCLR_TT_GRAM_MIN_EPS);

  /* W starts as x itself (or its scaled copy).  Without overwrite, x is
   * copied only when it would be written: the first projection writes its
   * (smaller) result into a new buffer of exactly that size, and an SVD level
   * copies the current W.  The Gram levels before (ranks growing, identity
   * cores) only read x. */
  double *tmp = NULL, *G = NULL, *phi = NULL;
  int64_t tmp_n = 0;
  int64_t r = 1;
  size_t rest = total;
  int growing = 1;   /* the last level kept its full rank */
  int svd_next = 0;  /* the Gram spectrum could not decide the next level */
  for (int k = 0; k + 1 < ndim;) {
    int64_t m = r * dims[k];
    int64_t n = (int64_t)(rest / (size_t)dims[k]);
    if ((rc = qclr__check_lapack_int(m, "TT unfolding rows")) ||
        (rc = qclr__check_lapack_int(n, "TT unfolding columns")))
      goto fail;
    if (use_gram && m <= n && !svd_next) {
      /* depth: rows within max(64, 2m) while the ranks grow, one site otherwise */
      int L = 1;
      int64_t mL = m, nL = n, cap = growing ? (2 * m > 64 ? 2 * m : 64) : m;
      while (k + L + 1 < ndim && mL * dims[k + L] <= cap && mL * dims[k + L] <= nL / dims[k + L]) {
        mL *= dims[k + L];
        nL /= dims[k + L];
        L++;
      }
      if (!(G = qclr__malloc((size_t)(mL * mL), sizeof(double), "Gram matrix"))) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)mL, (int)nL, 1.0, W, (int)nL, 0.0, G, (int)mL);
      for (int64_t i = 0; i < mL; i++)
        for (int64_t j = 0; j < i; j++) G[i * mL + j] = G[j * mL + i];
      int64_t rL = 0;
      int full = 0, done = 0;
      rc = gram_block(&sw, k, L, r, G, mL, &phi, &rL, &full, &done);
      free(G);
      G = NULL;
      if (rc) goto fail;
      if (done < L) { /* the block ends early; the SVD takes the next level */
        svd_next = 1;
        mL = r;
        for (int j = 0; j < done; j++) mL *= dims[k + j];
        nL = (int64_t)(rest / (size_t)(mL / r));
        if (done == 0) continue;
        L = done;
      }
      if (phi) {
        if (rL > TT_TMP_DOUBLES) {
          rc = qclr__error(QCLR_ETOOLARGE, "TT rank %lld too large", (long long)rL);
          goto fail;
        }
        /* the projection's block buffer: at most TT_TMP_DOUBLES and 1/16 of the
         * input (64 Ki doubles at least, and at least one column of width
         * rL), no more than this W needs, kept for the later blocks */
        int64_t cap = (int64_t)(total / 16) > 65536 ? (int64_t)(total / 16) : 65536;
        if (cap > TT_TMP_DOUBLES) cap = TT_TMP_DOUBLES;
        if (cap < 64 * rL) cap = 64 * rL;
        int64_t need = rL * nL < cap ? rL * nL : cap;
        if (need > tmp_n) {
          free(tmp);
          if (!(tmp = qclr__malloc((size_t)need, sizeof(double), "projection workspace"))) {
            rc = QCLR_ENOMEM;
            goto fail;
          }
          tmp_n = need;
        }
        /* W[0:rL, :] = phi^T W (mL x nL) */
        double *phit = qclr__malloc((size_t)(rL * mL), sizeof(double), "TT basis");
        if (!phit) {
          rc = QCLR_ENOMEM;
          goto fail;
        }
        for (int64_t i = 0; i < mL; i++)
          for (int64_t c = 0; c < rL; c++) phit[c * mL + i] = phi[i * rL + c];
        if (W == x && !o.overwrite) { /* first write: the result goes to its own buffer */
          double *Wn = qclr__malloc((size_t)(rL * nL), sizeof(double), "TT-SVD working array");
          if (!Wn) {
            free(phit);
            rc = QCLR_ENOMEM;
            goto fail;
          }
          cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rL, (int)nL, (int)mL, 1.0, phit, (int)mL, W,
                      (int)nL, 0.0, Wn, (int)nL);
          W = Wn;
        } else {
          project_in_place(phit, rL, W, mL, nL, tmp, tmp_n);
        }
        free(phit);
        free(phi);
        phi = NULL;
      }
      r = rL;
      rest = (size_t)nL;
      growing = full;
      k += L;
      continue;
    }
    svd_next = 0;
    if (W == x && !o.overwrite) { /* the SVD destroys its input: work on a copy */
      double *Wn = qclr__malloc((size_t)m * (size_t)n, sizeof(double), "TT-SVD working copy");
      if (!Wn) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      memcpy(Wn, x, (size_t)m * (size_t)n * sizeof(double));
      W = Wn;
    }
    double disc = 0, *s, *U, *Vt;
    int capped = 0;
    int64_t rnew;
    int meth = o.method == QCLR_TT_GESVD ? QCLR_TT_GESVD : QCLR_TT_GESDD;
    if ((rc = qclr__tt_tsvd(W, m, n, meth, sw.delta2, o.max_rank, &U, &s, &Vt, &rnew, &disc, &capped, NULL, NULL)))
      goto fail;
    if ((rc = qclr__tt_store_step(tt, k, U, s, Vt, rnew, n, W))) goto fail;
    sw.err2 += disc;
    sw.capped |= capped;
    growing = rnew == m;
    r = rnew;
    rest = (size_t)n;
    k++;
  }
  {
    /* last core: r x n_d, normalized; the norm goes to the scale */
    size_t nl = (size_t)r * (size_t)dims[ndim - 1];
    double *core = qclr__malloc(nl, sizeof(double), "TT core");
    if (!core) {
      rc = QCLR_ENOMEM;
      goto fail;
    }
    double s2 = qclr__tt_sumsq(W, nl);
    double nrm = sqrt(s2), inv = nrm > 0 ? 1.0 / nrm : 0.0;
    for (size_t i = 0; i < nl; i++) core[i] = W[i] * inv;
    if (nrm == 0) core[0] = 1.0; /* zero tensor: any unit core, scale 0 */
    qclr__tt_set_core(tt, ndim - 1, core, 1);
    tt->scale = nrm;
  }
  if (W != x) free(W);
  free(tmp);
  *out = tt;
  return qclr__tt_finish(tt, pexp, norm2, sw.err2, sw.capped, o.max_rank, info);
fail:
  if (W != x) free(W);
  free(tmp);
  free(G);
  free(phi);
  qclr_tt_free(tt);
  return rc;
}

/* BLAS/LAPACK on the calling thread: the OpenMP OpenBLAS reorders sums with its
 * thread count, and the cores must not depend on it (docs/conventions.md §2) */
int qclr_tt_svd(double *x, int ndim, const int64_t *dims, const qclr_tt_options *opt,
                qclr_tt **out, qclr_tt_info *info) {
  qclr__serial_state saved = qclr__lapack_serial_begin();
  int rc = tt_tt_svd_impl(x, ndim, dims, opt, out, info);
  qclr__lapack_serial_end(saved);
  return rc;
}

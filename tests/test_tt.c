/* tests/test_tt.c: tensor trains.  References are dense tensors rebuilt in
 * this file, brute-force determinant code for the fermionic signs, and
 * closed-form entropies.  Tolerances are stated at each check. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qclr.h"
#include "testutil.h"

static unsigned long long seed = 12345;

/* random TT with the given ranks (cores uniform in [-1,1)) */
static qclr_tt *random_tt(int d, const int64_t *dims, const int64_t *ranks) {
  qclr_tt *t;
  if (qclr_tt_new(d, dims, ranks, &t)) return NULL;
  for (int k = 0; k < d; k++) {
    double *c = qclr_tt_core_mut(t, k);
    int64_t n = ranks[k] * dims[k] * ranks[k + 1];
    for (int64_t i = 0; i < n; i++) c[i] = test_rand(&seed);
  }
  return t;
}

static int64_t prod(int d, const int64_t *dims) {
  int64_t p = 1;
  for (int k = 0; k < d; k++) p *= dims[k];
  return p;
}

static double diffnorm(const double *a, const double *b, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
  return sqrt(s);
}
static double vnorm(const double *a, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += a[i] * a[i];
  return sqrt(s);
}

/* ---- TT-SVD recovers known ranks ---- */
static void test_known_ranks(void) {
  int64_t dims[8] = {2, 3, 2, 4, 2, 3, 2, 2};
  int64_t ranks[9] = {1, 2, 4, 5, 5, 4, 3, 2, 1};
  qclr_tt *t = random_tt(8, dims, ranks);
  int64_t N = prod(8, dims);
  double *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
  CHECK_RC(qclr_tt_full(t, x), 0);
  int methods[3] = {QCLR_TT_GESDD, QCLR_TT_GESVD, QCLR_TT_GRAM};
  for (int mi = 0; mi < 3; mi++) {
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.method = methods[mi];
    o.eps = methods[mi] == QCLR_TT_GRAM ? 1e-6 : 1e-12;
    qclr_tt *s;
    qclr_tt_info info;
    CHECK_RC(qclr_tt_svd(x, 8, dims, &o, &s, &info), 0);
    for (int k = 0; k <= 8; k++)
      CHECK(qclr_tt_ranks(s)[k] == ranks[k], "method %d bond %d: rank %lld, want %lld", mi, k,
            (long long)qclr_tt_ranks(s)[k], (long long)ranks[k]);
    CHECK_RC(qclr_tt_full(s, y), 0);
    double tol = methods[mi] == QCLR_TT_GRAM ? 1e-9 : 1e-13;
    CHECK(diffnorm(x, y, N) <= tol * vnorm(x, N), "method %d: exact TT recovered to %.3g (tol %.1g)",
          mi, diffnorm(x, y, N) / vnorm(x, N), tol);
    /* Gram eigenvalues resolve sigma only to ~1e-8 |x|: the reported error is noise there */
    CHECK(info.rel_error <= (methods[mi] == QCLR_TT_GRAM ? 1e-7 : tol), "method %d: reported error %.3g",
          mi, info.rel_error);
    /* cores 1..d-1 left-orthonormal: sum_{a,i} G[a,i,b] G[a,i,c] = delta_bc (1e-12) */
    double worst = 0;
    for (int k = 0; k < 7; k++) {
      const double *G = qclr_tt_core(s, k);
      int64_t m = ranks[k] * dims[k], r = ranks[k + 1];
      for (int64_t b = 0; b < r; b++)
        for (int64_t c = 0; c < r; c++) {
          double acc = 0;
          for (int64_t i = 0; i < m; i++) acc += G[i * r + b] * G[i * r + c];
          worst = fmax(worst, fabs(acc - (b == c)));
        }
    }
    CHECK(worst < 1e-12, "method %d: left orthonormality off by %.3g", mi, worst);
    qclr_tt_free(s);
  }
  free(x);
  free(y);
  qclr_tt_free(t);
}

/* ---- error <= eps on random dense and low-rank-plus-noise tensors ---- */
static void test_error_bound(void) {
  double epss[4] = {0.3, 0.1, 1e-2, 1e-5};
  int ncase = 0;
  for (int trial = 0; trial < 24; trial++) {
    int d = 3 + trial % 5;
    int64_t dims[8];
    for (int k = 0; k < d; k++) dims[k] = 2 + (int64_t)((test_rand(&seed) + 1) * 1.5);
    int64_t N = prod(d, dims);
    if (N > 40000) continue;
    double *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
    for (int64_t i = 0; i < N; i++) x[i] = test_rand(&seed);
    if (trial % 2) { /* decaying spectrum: low rank plus small noise */
      int64_t ranks[9];
      ranks[0] = ranks[d] = 1;
      for (int k = 1; k < d; k++) ranks[k] = 2;
      qclr_tt *t = random_tt(d, dims, ranks);
      qclr_tt_full(t, y);
      for (int64_t i = 0; i < N; i++) x[i] = y[i] + 1e-3 * x[i];
      qclr_tt_free(t);
    }
    for (int e = 0; e < 4; e++) {
      int64_t ref_ranks[9];
      double ref_err = 0;
      for (int meth = 1; meth <= 3; meth++) {
        if (meth == QCLR_TT_GRAM && epss[e] < QCLR_TT_GRAM_MIN_EPS) continue;
        qclr_tt_options o;
        qclr_tt_options_default(&o);
        o.eps = epss[e];
        o.method = meth;
        qclr_tt *s;
        qclr_tt_info info;
        CHECK_RC(qclr_tt_svd(x, d, dims, &o, &s, &info), 0);
        qclr_tt_full(s, y);
        double err = diffnorm(x, y, N) / vnorm(x, N);
        CHECK(err <= epss[e] * (1 + 1e-10), "trial %d eps %g method %d: error %.6g > eps", trial,
              epss[e], meth, err);
        CHECK_CLOSE(info.rel_error, err, 1e-9, "reported error equals the true error");
        /* all kernels (the Gram one working several sites per pass) make the
         * same truncations as gesdd */
        if (meth == QCLR_TT_GESDD) {
          memcpy(ref_ranks, qclr_tt_ranks(s), (size_t)(d + 1) * sizeof(int64_t));
          ref_err = info.rel_error;
        } else {
          int same = 1;
          for (int k = 0; k <= d; k++) same &= qclr_tt_ranks(s)[k] == ref_ranks[k];
          CHECK(same, "trial %d eps %g method %d: ranks differ from gesdd", trial, epss[e], meth);
          CHECK_CLOSE(info.rel_error, ref_err, 1e-9, "error equals gesdd's");
        }
        qclr_tt_free(s);
        ncase++;
      }
    }
    free(x);
    free(y);
  }
  CHECK(ncase > 100, "enough cases: %d", ncase);
}

/* ---- the Gram kernel's multi-site blocks: identity cores while the rank
 * is full, a truncation inside a block, composite projections ---- */
static void test_gram_blocks(void) {
  enum { D = 16 };
  int64_t dims[D], ranks[D + 1];
  for (int k = 0; k < D; k++) dims[k] = 2;
  ranks[0] = ranks[D] = 1;
  for (int k = 1; k < D; k++) {
    int e = k < D - k ? k : D - k;
    ranks[k] = e >= 4 ? 12 : (int64_t)1 << e;
  }
  qclr_tt *t = random_tt(D, dims, ranks);
  int64_t N = (int64_t)1 << D;
  double *x = malloc(N * sizeof(double)), *y1 = malloc(N * sizeof(double)), *y2 = malloc(N * sizeof(double));
  qclr_tt_full(t, x);
  double xn = vnorm(x, N);
  for (int64_t i = 0; i < N; i++) x[i] += 1e-4 * xn / sqrt((double)N) * test_rand(&seed);
  double epss[3] = {1e-2, 1e-3, 1e-5};
  for (int e = 0; e < 3; e++) {
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.eps = epss[e];
    o.method = QCLR_TT_GESDD;
    qclr_tt *a, *b;
    qclr_tt_info ia, ib;
    CHECK_RC(qclr_tt_svd(x, D, dims, &o, &a, &ia), 0);
    o.method = QCLR_TT_GRAM;
    CHECK_RC(qclr_tt_svd(x, D, dims, &o, &b, &ib), 0);
    int same = 1;
    for (int k = 0; k <= D; k++) same &= qclr_tt_ranks(a)[k] == qclr_tt_ranks(b)[k];
    CHECK(same, "eps %g: Gram blocks give the gesdd ranks", epss[e]);
    if (epss[e] >= 1e-3) /* above the noise: the rank profile of the TT */
      CHECK(qclr_tt_ranks(b)[3] == 8 && qclr_tt_ranks(b)[5] <= 12, "eps %g: rank profile", epss[e]);
    CHECK_CLOSE(ib.rel_error, ia.rel_error, 1e-9, "Gram blocks: error of gesdd");
    qclr_tt_full(a, y1);
    qclr_tt_full(b, y2);
    /* the same truncations project onto the same subspaces */
    CHECK(diffnorm(y1, y2, N) <= 1e-9 * xn, "eps %g: Gram and gesdd TTs agree to %.3g", epss[e],
          diffnorm(y1, y2, N) / xn);
    CHECK_CLOSE(ib.rel_error, diffnorm(x, y2, N) / xn, 1e-9, "Gram blocks: reported error is the true error");
    double worst = 0;
    for (int k = 0; k + 1 < D; k++) {
      const double *G = qclr_tt_core(b, k);
      int64_t m = qclr_tt_ranks(b)[k] * 2, r = qclr_tt_ranks(b)[k + 1];
      for (int64_t p = 0; p < r; p++)
        for (int64_t q = 0; q < r; q++) {
          double acc = 0;
          for (int64_t i = 0; i < m; i++) acc += G[i * r + p] * G[i * r + q];
          worst = fmax(worst, fabs(acc - (p == q)));
        }
    }
    CHECK(worst < 1e-12, "Gram blocks: left-orthonormal cores (%.3g)", worst);
    /* the Schmidt values of the full-rank levels are those of gesdd */
    for (int k = 0; k + 1 < D; k++) {
      int64_t n1, n2;
      const double *s1 = qclr_tt_singular_values(a, k, &n1), *s2 = qclr_tt_singular_values(b, k, &n2);
      double w = 0;
      for (int64_t i = 0; i < n1 && n1 == n2; i++) w = fmax(w, fabs(s1[i] - s2[i]));
      CHECK(n1 == n2 && w < 1e-8, "bond %d Schmidt values Gram vs gesdd", k);
    }
    qclr_tt_free(a);
    qclr_tt_free(b);
  }
  free(x);
  free(y1);
  free(y2);
  qclr_tt_free(t);
  /* near the Gram kernel's limit: eps 1e-6 with a dense noise spectrum at the
   * cut (4^8 tensor, noise 3e-7): levels whose cut the Gram eigenvalues cannot
   * resolve go to the SVD, so the truncations are still gesdd's */
  int64_t d4[8], r4[9];
  for (int k = 0; k < 8; k++) d4[k] = 4;
  r4[0] = r4[8] = 1;
  for (int k = 1; k < 8; k++) r4[k] = (k == 1 || k == 7) ? 4 : 12;
  t = random_tt(8, d4, r4);
  N = (int64_t)1 << 16;
  x = malloc(N * sizeof(double));
  y1 = malloc(N * sizeof(double));
  qclr_tt_full(t, x);
  xn = vnorm(x, N);
  for (int64_t i = 0; i < N; i++) x[i] += 3e-7 * xn / sqrt((double)N) * test_rand(&seed);
  for (int pass = 0; pass < 2; pass++) {
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.eps = pass ? 2e-6 : 1e-6;
    o.method = QCLR_TT_GESDD;
    qclr_tt *a, *b;
    qclr_tt_info ia, ib;
    CHECK_RC(qclr_tt_svd(x, 8, d4, &o, &a, &ia), 0);
    o.method = QCLR_TT_GRAM;
    CHECK_RC(qclr_tt_svd(x, 8, d4, &o, &b, &ib), 0);
    int same = 1;
    for (int k = 0; k <= 8; k++) same &= qclr_tt_ranks(a)[k] == qclr_tt_ranks(b)[k];
    CHECK(same, "eps %g, dense spectrum at the cut: Gram ranks = gesdd ranks", o.eps);
    /* Gram's discarded eigenvalues carry ~1e-17 |x|^2 of noise each */
    CHECK_CLOSE(ib.rel_error * ib.rel_error, ia.rel_error * ia.rel_error, 1e-15,
                "dense spectrum: Gram error = gesdd error (squares)");
    qclr_tt_full(b, y1);
    CHECK(diffnorm(x, y1, N) <= o.eps * xn, "dense spectrum: error <= eps");
    qclr_tt_free(a);
    qclr_tt_free(b);
  }
  free(x);
  free(y1);
  qclr_tt_free(t);
}

/* ---- the Gram kernel hands a cut it cannot resolve to the SVD: a 2-site
 * tensor U diag(sigma) V^T (Householder U, V) with one large singular value
 * and 599 tiny ones (1e-8 |x|), eps set so that the cut falls among the tiny
 * ones, where the Gram eigenvalues are rounding noise ---- */
static void test_gram_limit(void) {
  enum { M = 600, NN = 1500 };
  double *v = malloc(M * sizeof(double)), *w = malloc(NN * sizeof(double)), *sg = malloc(M * sizeof(double));
  double *x = malloc((size_t)M * NN * sizeof(double)), *y = malloc((size_t)M * NN * sizeof(double));
  double vn = 0, wn = 0;
  for (int i = 0; i < M; i++) {
    v[i] = test_rand(&seed);
    vn += v[i] * v[i];
  }
  for (int j = 0; j < NN; j++) {
    w[j] = test_rand(&seed);
    wn += w[j] * w[j];
  }
  for (int i = 0; i < M; i++) v[i] /= sqrt(vn);
  for (int j = 0; j < NN; j++) w[j] /= sqrt(wn);
  for (int k = 0; k < M; k++) sg[k] = k == 0 ? 1.0 : 1e-8 * (1.0 + (double)k / M);
  /* Y = Sigma (I - 2 w w^T), X = (I - 2 v v^T) Y */
  for (int k = 0; k < M; k++)
    for (int j = 0; j < NN; j++) y[(size_t)k * NN + j] = sg[k] * ((k == j) - 2 * w[k] * w[j]);
  double *vy = calloc(NN, sizeof(double));
  for (int k = 0; k < M; k++)
    for (int j = 0; j < NN; j++) vy[j] += v[k] * y[(size_t)k * NN + j];
  for (int i = 0; i < M; i++)
    for (int j = 0; j < NN; j++) x[(size_t)i * NN + j] = y[(size_t)i * NN + j] - 2 * v[i] * vy[j];
  /* keep 300 of the tiny ones: the tail is the smallest 299 (k = 1..299) */
  double tail = 0, tot = 0;
  for (int k = 0; k < M; k++) tot += sg[k] * sg[k];
  for (int k = 1; k < 300; k++) tail += sg[k] * sg[k];
  int64_t dims[2] = {M, NN};
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = sqrt(tail / tot) * 1.0001;
  qclr_tt *a, *b;
  qclr_tt_info ia, ib;
  o.method = QCLR_TT_GESDD;
  CHECK_RC(qclr_tt_svd(x, 2, dims, &o, &a, &ia), 0);
  o.method = QCLR_TT_GRAM;
  CHECK_RC(qclr_tt_svd(x, 2, dims, &o, &b, &ib), 0);
  CHECK(qclr_tt_ranks(a)[1] == 301, "gesdd rank %lld", (long long)qclr_tt_ranks(a)[1]);
  CHECK(qclr_tt_ranks(b)[1] == qclr_tt_ranks(a)[1], "Gram at its limit: rank %lld (gesdd %lld)",
        (long long)qclr_tt_ranks(b)[1], (long long)qclr_tt_ranks(a)[1]);
  CHECK_CLOSE(ib.rel_error, ia.rel_error, 1e-6 * ia.rel_error, "Gram at its limit: the SVD's error");
  qclr_tt_free(a);
  qclr_tt_free(b);
  free(v);
  free(w);
  free(sg);
  free(x);
  free(y);
  free(vy);
}

/* ---- max rank cap: warning, ranks bounded, exact error ---- */
static void test_rank_cap(void) {
  int64_t dims[6] = {3, 3, 3, 3, 3, 3};
  int64_t N = prod(6, dims);
  double *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
  for (int64_t i = 0; i < N; i++) x[i] = test_rand(&seed);
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = 1e-3;
  o.max_rank = 4;
  qclr_tt *s;
  qclr_tt_info info;
  CHECK_RC(qclr_tt_svd(x, 6, dims, &o, &s, &info), QCLR_WRANKCAP);
  CHECK(qclr_tt_max_rank(s) == 4, "max rank %lld", (long long)qclr_tt_max_rank(s));
  CHECK(info.rank_capped == 1, "rank_capped flag");
  qclr_tt_full(s, y);
  CHECK_CLOSE(info.error, diffnorm(x, y, N), 1e-10 * vnorm(x, N), "capped error is exact");
  qclr_tt_free(s);
  /* overwrite mode gives the same result */
  o.max_rank = 0;
  o.eps = 0.2;
  qclr_tt *a, *b;
  qclr_tt_info ia, ib;
  CHECK_RC(qclr_tt_svd(x, 6, dims, &o, &a, &ia), 0);
  o.overwrite = 1;
  CHECK_RC(qclr_tt_svd(x, 6, dims, &o, &b, &ib), 0);
  CHECK_CLOSE(ia.error, ib.error, 1e-14, "overwrite: same error");
  for (int k = 0; k <= 6; k++) CHECK(qclr_tt_ranks(a)[k] == qclr_tt_ranks(b)[k], "overwrite ranks");
  qclr_tt_free(a);
  qclr_tt_free(b);
  free(x);
  free(y);
}

/* ---- without overwrite the input is never written ----
 * The sweep reads x until its first write (a projection or an SVD level),
 * which goes to a buffer of its own.  Inputs that take each path: a
 * compressible tensor (ranks grow, then a projection), a dense one (identity
 * cores, then SVD levels past the middle), a capped one, and the SVD kernel
 * throughout. */
static void test_input_kept(void) {
  enum { D = 12 };
  unsigned long long kseed = 77; /* its own stream: the other tests keep their inputs */
  int64_t dims[D], ranks[D + 1];
  for (int k = 0; k < D; k++) dims[k] = 2;
  ranks[0] = ranks[D] = 1;
  for (int k = 1; k < D; k++) {
    int64_t a = (int64_t)1 << k, b = (int64_t)1 << (D - k), m = a < b ? a : b;
    ranks[k] = m < 6 ? m : 6;
  }
  int64_t N = prod(D, dims);
  double *x = malloc(N * sizeof(double)), *x0 = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
  for (int kind = 0; kind < 4; kind++) {
    if (kind == 0 || kind == 3) { /* an exact rank-6 TT */
      qclr_tt *t;
      CHECK_RC(qclr_tt_new(D, dims, ranks, &t), 0);
      for (int k = 0; k < D; k++) {
        double *c = qclr_tt_core_mut(t, k);
        for (int64_t i = 0; i < ranks[k] * 2 * ranks[k + 1]; i++) c[i] = test_rand(&kseed);
      }
      qclr_tt_full(t, x);
      qclr_tt_free(t);
    } else {
      for (int64_t i = 0; i < N; i++) x[i] = test_rand(&kseed);
    }
    memcpy(x0, x, N * sizeof(double));
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.eps = 1e-6;
    if (kind == 2) o.max_rank = 5;
    if (kind == 3) o.method = QCLR_TT_GESDD;
    qclr_tt *a;
    qclr_tt_info info;
    int rc = qclr_tt_svd(x, D, dims, &o, &a, &info);
    CHECK(rc == 0 || (kind == 2 && rc == QCLR_WRANKCAP), "input kept %d: status %d", kind, rc);
    CHECK(memcmp(x, x0, N * sizeof(double)) == 0, "input kept %d: x unchanged", kind);
    if (a) {
      qclr_tt_full(a, y);
      /* the Gram kernel's discarded eigenvalues carry ~u lambda_max each, so its
       * reported error has a floor of ~sqrt(u) |x|; the SVD's is exact */
      double tol = (kind == 3 ? 1e-12 : 1e-7) * vnorm(x, N);
      CHECK(fabs(diffnorm(x, y, N) - info.error) <= tol, "input kept %d: reported error %.3g, actual %.3g", kind,
            info.error, diffnorm(x, y, N));
      if (kind == 0 || kind == 3) CHECK(qclr_tt_max_rank(a) == 6, "input kept %d: rank 6", kind);
    }
    qclr_tt_free(a);
  }
  free(x);
  free(x0);
  free(y);
}

/* ---- thread independence ----
 * The TT kernels are BLAS/LAPACK calls, threaded by the BLAS; with OpenBLAS
 * its thread count is switched here (weak symbol: other BLASes skip this
 * part, and `make check` still runs the whole suite with 1 and 2 threads). */
extern void openblas_set_num_threads(int) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));

static void set_blas_threads(int n) {
  if (openblas_set_num_threads) openblas_set_num_threads(n);
}

static void test_threads(void) {
  if (!openblas_set_num_threads || !openblas_get_num_threads) {
    printf("test_tt: not OpenBLAS, in-process thread comparison skipped\n");
    return;
  }
  int saved = openblas_get_num_threads();
  /* 2^18 entries, bond dimensions up to 32, plus noise: unfoldings large
   * enough for OpenBLAS to use both threads */
  enum { D = 18 };
  int64_t dims[D], ranks[D + 1];
  for (int k = 0; k < D; k++) dims[k] = 2;
  ranks[0] = ranks[D] = 1;
  for (int k = 1; k < D; k++) {
    int e = k < D - k ? k : D - k;
    ranks[k] = e >= 5 ? 32 : (int64_t)1 << e;
  }
  qclr_tt *t = random_tt(D, dims, ranks);
  int64_t N = (int64_t)1 << D;
  double *x = malloc(N * sizeof(double)), *y1 = malloc(N * sizeof(double)),
         *y2 = malloc(N * sizeof(double));
  qclr_tt_full(t, x);
  double xn = vnorm(x, N);
  for (int64_t i = 0; i < N; i++) x[i] += 1e-4 * xn / sqrt((double)N) * test_rand(&seed);
  for (int meth = QCLR_TT_GESDD; meth <= QCLR_TT_GESVD + 1; meth++) {
    qclr_tt *a = NULL, *b = NULL;
    qclr_tt_info ia, ib;
    for (int nt = 1; nt <= 2; nt++) {
      set_blas_threads(nt);
      CHECK(openblas_get_num_threads() == nt, "BLAS threads set to %d", nt);
      qclr_tt **dst = nt == 1 ? &a : &b;
      qclr_tt_info *inf = nt == 1 ? &ia : &ib;
      if (meth <= QCLR_TT_GESVD) {
        qclr_tt_options o;
        qclr_tt_options_default(&o);
        o.eps = 1e-3;
        o.method = meth;
        CHECK_RC(qclr_tt_svd(x, D, dims, &o, dst, inf), 0);
      } else { /* randomized, eps mode */
        qclr_tt_random_options o;
        qclr_tt_random_options_default(&o);
        o.eps = 1e-3;
        CHECK_RC(qclr_tt_svd_random(x, D, dims, &o, dst, inf), 0);
      }
    }
    int same = 1;
    for (int k = 0; k <= D; k++) same &= qclr_tt_ranks(a)[k] == qclr_tt_ranks(b)[k];
    CHECK(same, "method %d: 1 vs 2 threads: same ranks", meth);
    CHECK(qclr_tt_max_rank(a) == 32, "method %d: rank 32 recovered (%lld)", meth, (long long)qclr_tt_max_rank(a));
    qclr_tt_full(a, y1);
    qclr_tt_full(b, y2);
    CHECK(diffnorm(y1, y2, N) <= 1e-12 * xn, "method %d: 1 vs 2 threads: %.3g", meth, diffnorm(y1, y2, N) / xn);
    /* the error comes from sums of squares of O(|x|) numbers: compare squares */
    CHECK(fabs(ia.rel_error * ia.rel_error - ib.rel_error * ib.rel_error) <= 1e-13,
          "method %d: 1 vs 2 threads error %.17g vs %.17g", meth, ia.rel_error, ib.rel_error);
    qclr_tt_free(a);
    qclr_tt_free(b);
  }
  set_blas_threads(saved);
  free(x);
  free(y1);
  free(y2);
  qclr_tt_free(t);
}

/* ---- operations and rounding ---- */
static void test_ops_round(void) {
  int64_t dims[6] = {2, 3, 4, 2, 3, 2};
  int64_t ra[7] = {1, 2, 3, 4, 3, 2, 1}, rb[7] = {1, 2, 2, 2, 2, 2, 1};
  qclr_tt *a = random_tt(6, dims, ra), *b = random_tt(6, dims, rb);
  qclr_tt_set_scale(a, 0.7);
  int64_t N = prod(6, dims);
  double *xa = malloc(N * sizeof(double)), *xb = malloc(N * sizeof(double)),
         *xc = malloc(N * sizeof(double));
  qclr_tt_full(a, xa);
  qclr_tt_full(b, xb);
  double dot, ref = 0;
  for (int64_t i = 0; i < N; i++) ref += xa[i] * xb[i];
  CHECK_RC(qclr_tt_dot(a, b, &dot), 0);
  CHECK_CLOSE(dot, ref, 1e-12 * fabs(ref) + 1e-12, "dot vs dense");
  double nrm;
  qclr_tt_norm(a, &nrm);
  CHECK_CLOSE(nrm, vnorm(xa, N), 1e-12 * nrm, "norm vs dense");
  qclr_tt *c;
  CHECK_RC(qclr_tt_add(2.0, a, -0.5, b, &c), 0);
  qclr_tt_full(c, xc);
  double worst = 0;
  for (int64_t i = 0; i < N; i++) worst = fmax(worst, fabs(xc[i] - (2 * xa[i] - 0.5 * xb[i])));
  CHECK(worst < 1e-12 * vnorm(xc, N), "add vs dense: %.3g", worst);
  CHECK(qclr_tt_ranks(c)[3] == 6, "add ranks");
  /* rounding an exact TT changes nothing (1e-12) and keeps its ranks */
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = 1e-14;
  qclr_tt *a2;
  qclr_tt_copy(a, &a2);
  qclr_tt_info info;
  CHECK_RC(qclr_tt_round(a2, &o, &info), 0);
  qclr_tt_full(a2, xc);
  CHECK(diffnorm(xa, xc, N) <= 1e-12 * vnorm(xa, N), "round exact: %.3g",
        diffnorm(xa, xc, N) / vnorm(xa, N));
  for (int k = 0; k <= 6; k++)
    CHECK(qclr_tt_ranks(a2)[k] == ra[k], "round keeps rank %d: %lld", k,
          (long long)qclr_tt_ranks(a2)[k]);
  /* a + a has doubled ranks; rounding restores them, value 2a */
  qclr_tt *aa;
  qclr_tt_add(1.0, a, 1.0, a, &aa);
  o.eps = 1e-12;
  CHECK_RC(qclr_tt_round(aa, &o, &info), 0);
  for (int k = 0; k <= 6; k++) CHECK(qclr_tt_ranks(aa)[k] == ra[k], "round a+a rank %d", k);
  qclr_tt_full(aa, xc);
  for (int64_t i = 0; i < N; i++) xc[i] -= 2 * xa[i];
  CHECK(vnorm(xc, N) <= 1e-12 * vnorm(xa, N), "round a+a = 2a: %.3g", vnorm(xc, N));
  /* truncating rounding: error <= eps and reported exactly; compare with TT-SVD */
  qclr_tt *s;
  qclr_tt_info is;
  for (int e = 0; e < 3; e++) {
    double eps = e == 0 ? 0.3 : e == 1 ? 0.05 : 0.01;
    qclr_tt_free(a2);
    qclr_tt_copy(a, &a2);
    o.eps = eps;
    CHECK_RC(qclr_tt_round(a2, &o, &info), 0);
    qclr_tt_full(a2, xc);
    double err = diffnorm(xa, xc, N);
    CHECK(err <= eps * vnorm(xa, N) * (1 + 1e-10), "round eps %g: error %.3g", eps,
          err / vnorm(xa, N));
    CHECK_CLOSE(info.error, err, 1e-10 * vnorm(xa, N), "round error exact");
    /* TT-SVD of the dense tensor makes the same truncation */
    o.method = QCLR_TT_GESDD;
    qclr_tt_svd(xa, 6, dims, &o, &s, &is);
    for (int k = 0; k <= 6; k++)
      CHECK(qclr_tt_ranks(s)[k] == qclr_tt_ranks(a2)[k], "round vs svd rank %d", k);
    CHECK_CLOSE(is.error, info.error, 1e-10 * vnorm(xa, N), "round vs svd error");
    qclr_tt_free(s);
  }
  /* diagonal expectation: sum_k n(i_k) with n = (0,1,1,2) vs dense */
  int64_t nmax = 4;
  double *f = calloc(6 * 6 * nmax, sizeof(double));
  for (int t = 0; t < 6; t++)
    for (int k = 0; k < 6; k++)
      for (int i = 0; i < dims[k]; i++) f[(t * 6 + k) * nmax + i] = (t == k) ? (double)(i * i) : 1.0;
  double ex;
  CHECK_RC(qclr_tt_expect_diag(a, 6, f, &ex), 0);
  double exref = 0;
  for (int64_t idx = 0; idx < N; idx++) {
    int64_t r = idx;
    double w = 0;
    for (int k = 5; k >= 0; k--) {
      int64_t i = r % dims[k];
      r /= dims[k];
      w += (double)(i * i);
    }
    exref += w * xa[idx] * xa[idx];
  }
  CHECK_CLOSE(ex, exref, 1e-11 * fabs(exref), "diagonal expectation vs dense");
  free(f);
  free(xa);
  free(xb);
  free(xc);
  qclr_tt_free(a);
  qclr_tt_free(a2);
  qclr_tt_free(aa);
  qclr_tt_free(b);
  qclr_tt_free(c);
}

/* ---- fermionic signs: 1-RDM from the TT vs determinant code ---- */

/* brute-force strings (independent of qclr_ci_strings) */
static int make_strings(int norb, int nel, uint64_t *out) {
  int n = 0;
  for (uint64_t s = 0; s < ((uint64_t)1 << norb); s++)
    if (__builtin_popcountll(s) == nel) out[n++] = s;
  return n;
}
static int find_string(const uint64_t *s, int n, uint64_t x) {
  for (int i = 0; i < n; i++)
    if (s[i] == x) return i;
  return -1;
}

/* gamma^sigma_pq = <a+_p a_q> for spin sigma, from determinants */
static void rdm1_dets(int norb, int na, int nb, const double *c, double *ga, double *gb) {
  uint64_t sa[256], sb[256];
  int ca = make_strings(norb, na, sa), cb = make_strings(norb, nb, sb);
  memset(ga, 0, norb * norb * sizeof(double));
  memset(gb, 0, norb * norb * sizeof(double));
  for (int i = 0; i < ca; i++)
    for (int j = 0; j < cb; j++)
      for (int spin = 0; spin < 2; spin++) {
        uint64_t s = spin ? sb[j] : sa[i];
        for (int q = 0; q < norb; q++) {
          if (!((s >> q) & 1)) continue;
          for (int p = 0; p < norb; p++) {
            if (p != q && ((s >> p) & 1)) continue;
            uint64_t t = (s & ~((uint64_t)1 << q)) | ((uint64_t)1 << p);
            int lo = p < q ? p : q, hi = p < q ? q : p;
            uint64_t between = s & ((((uint64_t)1 << hi) - 1) & ~((((uint64_t)1 << (lo + 1)) - 1)));
            double sg = (__builtin_popcountll(between) & 1) ? -1 : 1;
            int i2 = spin ? i : find_string(sa, ca, t), j2 = spin ? find_string(sb, cb, t) : j;
            double v = sg * c[i2 * cb + j2] * c[i * cb + j];
            if (spin) gb[p * norb + q] += v;
            else ga[p * norb + q] += v;
          }
        }
      }
}

/* <x| prod_k O_k |x> for per-site n_k x n_k operators (O_k[i'*n + i]) */
static double product_expect(const qclr_tt *t, double **O) {
  int d = qclr_tt_ndim(t);
  const int64_t *r = qclr_tt_ranks(t), *n = qclr_tt_dims(t);
  double *M = calloc(1, sizeof(double));
  M[0] = 1;
  for (int k = 0; k < d; k++) {
    const double *G = qclr_tt_core(t, k);
    double *M2 = calloc(r[k + 1] * r[k + 1], sizeof(double));
    for (int64_t ip = 0; ip < n[k]; ip++)
      for (int64_t i = 0; i < n[k]; i++) {
        double o = O[k][ip * n[k] + i];
        if (o == 0) continue;
        for (int64_t a = 0; a < r[k]; a++)
          for (int64_t b = 0; b < r[k]; b++) {
            double m = M[a * r[k] + b] * o;
            if (m == 0) continue;
            for (int64_t a1 = 0; a1 < r[k + 1]; a1++)
              for (int64_t b1 = 0; b1 < r[k + 1]; b1++)
                M2[a1 * r[k + 1] + b1] +=
                    m * G[(a * n[k] + ip) * r[k + 1] + a1] * G[(b * n[k] + i) * r[k + 1] + b1];
          }
      }
    free(M);
    M = M2;
  }
  double v = M[0] * qclr_tt_scale(t) * qclr_tt_scale(t);
  free(M);
  return v;
}

/* Jordan-Wigner single-mode operators on {|0>,|1>}: O[i'*2+i] */
static const double I2[4] = {1, 0, 0, 1}, Z2[4] = {1, 0, 0, -1}, SP[4] = {0, 0, 1, 0},
                    SM[4] = {0, 1, 0, 0}, N2[4] = {0, 0, 0, 1};

/* mode operators for a+_i a_j over nmode modes (JW, mode order as in the TT) */
static void hop_modes(int nmode, int i, int j, const double **m) {
  for (int k = 0; k < nmode; k++) m[k] = I2;
  if (i == j) {
    m[i] = N2;
    return;
  }
  int lo = i < j ? i : j, hi = i < j ? j : i;
  for (int k = lo + 1; k < hi; k++) m[k] = Z2;
  m[i] = SP;
  m[j] = SM;
}

static void test_fermion_rdm(void) {
  int norb = 5, na = 3, nb = 2;
  uint64_t sa[256], sb[256];
  int ca = make_strings(norb, na, sa), cb = make_strings(norb, nb, sb);
  int nd = ca * cb;
  double *c = malloc(nd * sizeof(double)), *c2 = malloc(nd * sizeof(double));
  double nrm = 0;
  for (int i = 0; i < nd; i++) {
    c[i] = test_rand(&seed);
    nrm += c[i] * c[i];
  }
  for (int i = 0; i < nd; i++) c[i] /= sqrt(nrm);
  double ga[25], gb[25];
  rdm1_dets(norb, na, nb, c, ga, gb);
  double tr = 0;
  for (int p = 0; p < norb; p++) tr += ga[p * norb + p];
  CHECK_CLOSE(tr, na, 1e-12, "trace of gamma_alpha");
  int64_t D = (int64_t)1 << (2 * norb);
  double *dense = malloc(D * sizeof(double));
  for (int kind = 0; kind < 2; kind++) {
    CHECK_RC(qclr_tt_ci_to_dense(norb, na, nb, c, kind, dense), 0);
    int d = kind == QCLR_TT_SPIN ? 2 * norb : norb;
    int64_t dims[10];
    for (int k = 0; k < d; k++) dims[k] = kind == QCLR_TT_SPIN ? 2 : 4;
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.eps = 1e-13;
    qclr_tt *t;
    CHECK_RC(qclr_tt_svd(dense, d, dims, &o, &t, NULL), 0);
    /* TT -> CI round trip */
    CHECK_RC(qclr_tt_to_ci(t, norb, na, nb, c2), 0);
    CHECK(diffnorm(c, c2, nd) < 1e-12, "kind %d: tt_to_ci round trip %.3g", kind,
          diffnorm(c, c2, nd));
    CHECK_RC(qclr_tt_dense_to_ci(norb, na, nb, dense, kind, c2), 0);
    CHECK(diffnorm(c, c2, nd) < 1e-15, "kind %d: dense_to_ci", kind);
    double worst = 0;
    double *ops[10], buf[10][16];
    for (int spin = 0; spin < 2; spin++)
      for (int p = 0; p < norb; p++)
        for (int q = 0; q < norb; q++) {
          const double *m[10];
          /* modes ordered (0a, 0b, 1a, 1b, ...) */
          hop_modes(2 * norb, 2 * p + spin, 2 * q + spin, m);
          for (int k = 0; k < d; k++) {
            if (kind == QCLR_TT_SPIN) {
              memcpy(buf[k], m[k], 4 * sizeof(double));
            } else {
              /* site index n_a + 2 n_b: O[(a',b'),(a,b)] = Oa[a',a] Ob[b',b] */
              const double *Oa = m[2 * k], *Ob = m[2 * k + 1];
              for (int ap = 0; ap < 2; ap++)
                for (int bp = 0; bp < 2; bp++)
                  for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                      buf[k][(ap + 2 * bp) * 4 + (a + 2 * b)] = Oa[ap * 2 + a] * Ob[bp * 2 + b];
            }
            ops[k] = buf[k];
          }
          double v = product_expect(t, ops);
          double ref = spin ? gb[p * norb + q] : ga[p * norb + q];
          worst = fmax(worst, fabs(v - ref));
        }
    CHECK(worst < 1e-12, "kind %d: 1-RDM from TT vs determinants: %.3g", kind, worst);
    qclr_tt_free(t);
  }
  /* the fci module's spin-summed 1-RDM agrees with the determinant code */
  qclr_hamiltonian *H;
  CHECK_RC(qclr_hamiltonian_new(norb, na + nb, na - nb, &H), 0);
  double rdm1[25], *rdm2 = malloc(625 * sizeof(double)), w1 = 0;
  CHECK_RC(qclr_fci_rdm12(H, c, rdm1, rdm2), 0);
  for (int i = 0; i < 25; i++) w1 = fmax(w1, fabs(rdm1[i] - ga[i] - gb[i]));
  CHECK(w1 < 1e-12, "qclr_fci_rdm12 1-RDM vs determinants: %.3g", w1);
  free(rdm2);
  qclr_hamiltonian_free(H);
  /* orbital permutation: gamma' = gamma[perm][perm] */
  int perm[5] = {3, 0, 4, 2, 1};
  CHECK_RC(qclr_tt_ci_permute(norb, na, nb, perm, c, c2), 0);
  double ga2[25], gb2[25], worst = 0;
  rdm1_dets(norb, na, nb, c2, ga2, gb2);
  for (int p = 0; p < norb; p++)
    for (int q = 0; q < norb; q++) {
      worst = fmax(worst, fabs(ga2[p * norb + q] - ga[perm[p] * norb + perm[q]]));
      worst = fmax(worst, fabs(gb2[p * norb + q] - gb[perm[p] * norb + perm[q]]));
    }
  CHECK(worst < 1e-13, "permuted 1-RDM: %.3g", worst);
  int bad[5] = {0, 0, 1, 2, 3};
  CHECK_RC(qclr_tt_ci_permute(norb, na, nb, bad, c, c2), QCLR_EINVAL);
  free(dense);
  free(c);
  free(c2);
}

/* ---- entropies ---- */
static void test_entropy(void) {
  /* product state: rank-1 TT */
  int64_t dims[4] = {2, 3, 2, 4}, r1[5] = {1, 1, 1, 1, 1};
  qclr_tt *p = random_tt(4, dims, r1);
  double S[3];
  CHECK_RC(qclr_tt_bond_entropies(p, S), 0);
  for (int k = 0; k < 3; k++) CHECK_CLOSE(S[k], 0.0, 1e-14, "product state entropy");
  qclr_tt_free(p);
  /* Bell-like (|00> + |11>)/sqrt2 and GHZ on 3 sites: ln 2 per bond */
  double ghz[8] = {M_SQRT1_2, 0, 0, 0, 0, 0, 0, M_SQRT1_2};
  int64_t d2[3] = {2, 2, 2};
  qclr_tt *g;
  CHECK_RC(qclr_tt_svd(ghz, 3, d2, NULL, &g, NULL), 0);
  CHECK_RC(qclr_tt_bond_entropies(g, S), 0);
  CHECK_CLOSE(S[0], log(2.0), 1e-14, "GHZ bond 1 = ln 2");
  CHECK_CLOSE(S[1], log(2.0), 1e-14, "GHZ bond 2 = ln 2");
  /* same after mutating a core (forces canonicalization path) */
  qclr_tt_core_mut(g, 0);
  CHECK_RC(qclr_tt_bond_entropies(g, S), 0);
  CHECK_CLOSE(S[0], log(2.0), 1e-13, "GHZ bond 1 recomputed");
  qclr_tt_free(g);
  /* orbital entropies: single determinant -> 0; (|20> + |02>)/sqrt2 -> ln2, I = ln2 */
  double det[4] = {0, 0, 0, 1}; /* 2 orbitals, 1a 1b: strings {01, 10} */
  double s1[2], I[4];
  CHECK_RC(qclr_tt_orbital_entropies(2, 1, 1, det, s1, I), 0);
  CHECK_CLOSE(s1[0] + s1[1] + I[1], 0.0, 1e-14, "determinant entropies");
  double pair[4] = {M_SQRT1_2, 0, 0, M_SQRT1_2};
  CHECK_RC(qclr_tt_orbital_entropies(2, 1, 1, pair, s1, I), 0);
  CHECK_CLOSE(s1[0], log(2.0), 1e-14, "pair state s1");
  CHECK_CLOSE(I[1], log(2.0), 1e-13, "pair state I_01 (1/2 convention)");
  CHECK_CLOSE(I[0], 0.0, 0, "I diagonal");
  /* mutual information is invariant under a relabeling of orbitals */
  int norb = 4, na = 2, nb = 2;
  double c[36], c2[36], s1a[4], s1b[4], Ia[16], Ib[16];
  for (int i = 0; i < 36; i++) c[i] = test_rand(&seed);
  double nrm = vnorm(c, 36);
  for (int i = 0; i < 36; i++) c[i] /= nrm;
  int perm[4] = {2, 0, 3, 1};
  qclr_tt_ci_permute(norb, na, nb, perm, c, c2);
  qclr_tt_orbital_entropies(norb, na, nb, c, s1a, Ia);
  qclr_tt_orbital_entropies(norb, na, nb, c2, s1b, Ib);
  double worst = 0;
  for (int i = 0; i < 4; i++) {
    worst = fmax(worst, fabs(s1b[i] - s1a[perm[i]]));
    for (int j = 0; j < 4; j++) worst = fmax(worst, fabs(Ib[i * 4 + j] - Ia[perm[i] * 4 + perm[j]]));
  }
  CHECK(worst < 1e-12, "entropies permutation invariant: %.3g", worst);
  /* I_01 from a brute-force 2-orbital RDM of the dense occupation tensor
   * (orbitals 0, 1 lead, so no Jordan-Wigner strings): 16 x rest */
  double dense[256];
  qclr_tt_ci_to_dense(norb, na, nb, c, QCLR_TT_SPATIAL, dense);
  double rho[256] = {0};
  for (int x = 0; x < 16; x++)
    for (int y = 0; y < 16; y++)
      for (int e = 0; e < 16; e++) rho[x * 16 + y] += dense[x * 16 + e] * dense[y * 16 + e];
  /* eigenvalues by Jacobi-free route: use the TT's bond entropy at bond 2 of
   * the 4-site TT, which is the entropy of exactly this rho */
  int64_t d4[4] = {4, 4, 4, 4};
  qclr_tt *t4;
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = 0;
  qclr_tt_svd(dense, 4, d4, &o, &t4, NULL);
  double S4[3];
  qclr_tt_bond_entropies(t4, S4);
  CHECK_CLOSE(Ia[1], 0.5 * (s1a[0] + s1a[1] - S4[1]), 1e-12, "I_01 vs bond entropy");
  CHECK_CLOSE(s1a[0], S4[0], 1e-12, "s1_0 vs first bond entropy");
  qclr_tt_free(t4);
  /* Fiedler ordering of a shuffled path graph recovers the path */
  int n = 7, lab[7] = {3, 6, 0, 5, 1, 4, 2}, ord[7];
  double W[49] = {0};
  for (int i = 0; i + 1 < n; i++) {
    W[lab[i] * n + lab[i + 1]] = W[lab[i + 1] * n + lab[i]] = 1.0;
  }
  CHECK_RC(qclr_tt_fiedler_order(n, W, ord), 0);
  int fwd = 1, bwd = 1;
  for (int i = 0; i < n; i++) {
    fwd &= ord[i] == lab[i];
    bwd &= ord[i] == lab[n - 1 - i];
  }
  CHECK(fwd || bwd, "Fiedler order recovers the path");
}

/* ---- symmetry-blocked TT-SVD equals dense TT-SVD ---- */
static void test_blocked(void) {
  /* case 3 is spin symmetric (c[a][b] = c[b][a], n_alpha = n_beta): sectors
   * (a, b) and (b, a) have equal spectra, so cuts fall inside multiplets */
  int cases[5][3] = {{5, 3, 2}, {4, 2, 2}, {6, 2, 1}, {5, 2, 2}, {7, 5, 5}};
  /* eps = 0 is left out: the dense SVD then keeps roundoff-level sigma that the
   * blocked one knows to be exactly zero */
  double epss[5] = {1e-12, 1e-8, 1e-3, 0.05, 0.3};
  /* case 4: the FCI ground state of H2O/STO-3G (spin symmetric, with the
   * degeneracies of a real molecule) */
  for (int cs = 0; cs < 5; cs++) {
    int norb = cases[cs][0], na = cases[cs][1], nb = cases[cs][2];
    uint64_t tmp[256];
    int nsa = make_strings(norb, na, tmp), nsb = make_strings(norb, nb, tmp), nd = nsa * nsb;
    double *c = malloc(nd * sizeof(double)), *c2 = malloc(nd * sizeof(double));
    /* decaying amplitudes so that truncations are meaningful */
    for (int i = 0; i < nd; i++) c[i] = test_rand(&seed) * exp(-0.15 * i);
    if (cs == 3)
      for (int i = 0; i < nsa; i++)
        for (int j = 0; j < i; j++) c[j * nsb + i] = c[i * nsb + j];
    if (cs == 4) {
      qclr_hamiltonian *H;
      qclr_fci *F;
      CHECK_RC(qclr_fcidump_read(test_input("h2o_sto-3g.fcidump"), NULL, &H, NULL), 0);
      CHECK_RC(qclr_fci_solve(H, NULL, &F), 0);
      CHECK(qclr_fci_ndet(F) == nd, "H2O determinants");
      memcpy(c, qclr_fci_civec(F, 0), nd * sizeof(double));
      qclr_fci_free(F);
      qclr_hamiltonian_free(H);
    }
    int64_t D = (int64_t)1 << (2 * norb);
    double *dense = malloc(D * sizeof(double)), *y1 = malloc(D * sizeof(double)),
           *y2 = malloc(D * sizeof(double));
    for (int kind = 0; kind < 2; kind++) {
      qclr_tt_ci_to_dense(norb, na, nb, c, kind, dense);
      int d = kind == QCLR_TT_SPIN ? 2 * norb : norb;
      int64_t dims[16];
      for (int k = 0; k < d; k++) dims[k] = kind == QCLR_TT_SPIN ? 2 : 4;
      for (int e = 0; e < 5; e++)
        for (int meth = QCLR_TT_GESDD; meth <= QCLR_TT_GRAM; meth++) {
          if (meth == QCLR_TT_GRAM && epss[e] < QCLR_TT_GRAM_MIN_EPS) continue;
          qclr_tt_options o;
          qclr_tt_options_default(&o);
          o.eps = epss[e];
          o.method = meth;
          qclr_tt *a, *b;
          qclr_tt_info ia, ib;
          CHECK_RC(qclr_tt_svd(dense, d, dims, &o, &a, &ia), 0);
          CHECK_RC(qclr_tt_svd_ci(norb, na, nb, c, kind, &o, &b, &ib), 0);
          int same = 1;
          for (int k = 0; k <= d; k++) same &= qclr_tt_ranks(a)[k] == qclr_tt_ranks(b)[k];
          CHECK(same, "case %d kind %d eps %g method %d: blocked ranks = dense ranks", cs, kind,
                epss[e], meth);
          CHECK_CLOSE(ia.error, ib.error, meth == QCLR_TT_GRAM ? 1e-8 : 1e-12, "blocked error = dense error");
          qclr_tt_full(a, y1);
          qclr_tt_full(b, y2);
          /* the same tensor, unless a cut falls inside a multiplet of equal
           * Schmidt values (the spin-symmetric cases), where any subspace of
           * it is an equally good choice: then only ranks and errors agree */
          if (cs < 3)
            CHECK(diffnorm(y1, y2, D) <= 1e-9 * vnorm(dense, D), "blocked tensor = dense tensor: %.3g",
                  diffnorm(y1, y2, D));
          CHECK(diffnorm(dense, y2, D) <= epss[e] * vnorm(dense, D) * (1 + 1e-10) + 1e-14,
                "blocked error <= eps");
          CHECK_CLOSE(ib.error, diffnorm(dense, y2, D), 1e-9, "blocked reported error exact");
          for (int k = 0; k + 1 < d; k++) {
            int64_t n1, n2;
            const double *s1 = qclr_tt_singular_values(a, k, &n1), *s2 = qclr_tt_singular_values(b, k, &n2);
            double w = 0;
            for (int64_t i = 0; i < n1 && n1 == n2; i++) w = fmax(w, fabs(s1[i] - s2[i]));
            CHECK(n1 == n2 && w < 1e-8, "bond %d Schmidt values", k);
          }
          if (e == 0) {
            qclr_tt_to_ci(b, norb, na, nb, c2);
            CHECK(diffnorm(c, c2, nd) < 1e-12 * vnorm(c, nd), "blocked TT -> CI round trip");
          }
          /* block-sparse storage: copy, dense copies of the cores, densify,
           * dot, rounding and the dense operations see the same tensor */
          CHECK(qclr_tt_is_block_sparse(b) && !qclr_tt_is_block_sparse(a), "blocked TT is block-sparse");
          CHECK(qclr_tt_core(b, 0) == NULL && qclr_tt_size(b) <= qclr_tt_dense_size(b), "block-sparse core view");
          {
            qclr_tt *bc, *bd;
            CHECK_RC(qclr_tt_copy(b, &bc), 0);
            CHECK(qclr_tt_is_block_sparse(bc) && qclr_tt_size(bc) == qclr_tt_size(b), "copy stays block-sparse");
            CHECK_RC(qclr_tt_new(d, dims, qclr_tt_ranks(b), &bd), 0);
            for (int k = 0; k < d; k++) CHECK_RC(qclr_tt_core_copy(b, k, qclr_tt_core_mut(bd, k)), 0);
            qclr_tt_set_scale(bd, qclr_tt_scale(b));
            double *y3 = malloc(D * sizeof(double));
            qclr_tt_full(bd, y3);
            CHECK(diffnorm(y2, y3, D) <= 1e-15 * vnorm(y2, D), "dense copies of the blocks rebuild the tensor");
            qclr_tt_full(bc, y3);
            CHECK(diffnorm(y2, y3, D) == 0, "block-sparse copy");
            double dab, dbb;
            CHECK_RC(qclr_tt_dot(a, bc, &dab), 0);
            CHECK_RC(qclr_tt_dot(bc, bc, &dbb), 0);
            double ref = 0;
            for (int64_t i = 0; i < D; i++) ref += y1[i] * y2[i];
            CHECK_CLOSE(dab, ref, 1e-12 * fabs(ref), "dot(dense, block-sparse)");
            CHECK_CLOSE(dbb, vnorm(y2, D) * vnorm(y2, D), 1e-12 * dbb, "dot(block-sparse, block-sparse)");
            CHECK_RC(qclr_tt_densify(bc), 0);
            CHECK(!qclr_tt_is_block_sparse(bc) && qclr_tt_core(bc, 0) != NULL, "densified");
            qclr_tt_full(bc, y3);
            CHECK(diffnorm(y2, y3, D) == 0, "densified tensor unchanged");
            qclr_tt_free(bc);
            CHECK_RC(qclr_tt_copy(b, &bc), 0);
            qclr_tt_options ro;
            qclr_tt_options_default(&ro);
            ro.eps = 1e-14;
            CHECK_RC(qclr_tt_round(bc, &ro, NULL), 0);
            qclr_tt_full(bc, y3);
            CHECK(diffnorm(y2, y3, D) <= 1e-12 * vnorm(y2, D), "rounding a block-sparse TT changes nothing");
            /* a truncated TT-SVD can leave redundant bond vectors (later cuts
             * make earlier ones unnecessary, e.g. with the exact zeros of a
             * symmetric molecule): an exact rounding may only lower ranks */
            for (int k = 0; k <= d; k++)
              CHECK(cs >= 3 ? qclr_tt_ranks(bc)[k] <= qclr_tt_ranks(b)[k] : qclr_tt_ranks(bc)[k] == qclr_tt_ranks(b)[k],
                    "rounded ranks");
            free(y3);
            qclr_tt_free(bc);
            qclr_tt_free(bd);
          }
          /* CI amplitudes of the truncated TT (sector path of qclr_tt_to_ci)
           * equal those of its dense reconstruction */
          double *c3 = malloc(nd * sizeof(double));
          CHECK_RC(qclr_tt_to_ci(b, norb, na, nb, c2), 0);
          qclr_tt_dense_to_ci(norb, na, nb, y2, kind, c3);
          CHECK(diffnorm(c2, c3, nd) <= 1e-13 * vnorm(c, nd), "eps %g: tt_to_ci of the blocked TT: %.3g", epss[e],
                diffnorm(c2, c3, nd));
          CHECK_RC(qclr_tt_to_ci(a, norb, na, nb, c2), 0);
          qclr_tt_dense_to_ci(norb, na, nb, y1, kind, c3);
          CHECK(diffnorm(c2, c3, nd) <= 1e-13 * vnorm(c, nd), "eps %g: tt_to_ci of the dense TT", epss[e]);
          free(c3);
          /* bond entropies: dense TT, blocked TT (sector sweep) and the
           * blocked TT without its structure (generic rounding path) agree */
          double Sa[16], Sb[16], Sc[16];
          CHECK_RC(qclr_tt_bond_entropies(a, Sa), 0);
          CHECK_RC(qclr_tt_bond_entropies(b, Sb), 0);
          qclr_tt *bc;
          qclr_tt_copy(b, &bc);
          qclr_tt_core_mut(bc, 0);
          CHECK_RC(qclr_tt_bond_entropies(bc, Sc), 0);
          qclr_tt_free(bc);
          double we = 0;
          for (int k = 0; k + 1 < d; k++) we = fmax(we, fmax(fabs(Sa[k] - Sb[k]), fabs(Sb[k] - Sc[k])));
          /* and the entropies of the unfoldings of the dense reconstruction
           * (an untruncated TT-SVD stores exactly their singular values) */
          qclr_tt_options eo;
          qclr_tt_options_default(&eo);
          eo.eps = 0;
          eo.method = QCLR_TT_GESVD;
          qclr_tt *ex;
          CHECK_RC(qclr_tt_svd(y2, d, dims, &eo, &ex, NULL), 0);
          for (int k = 0; k + 1 < d; k++) {
            int64_t ns;
            const double *sv = qclr_tt_singular_values(ex, k, &ns);
            double ent = 0;
            for (int64_t i = 0; i < ns; i++)
              if (sv[i] * sv[i] > 1e-300) ent -= sv[i] * sv[i] * log(sv[i] * sv[i]);
            we = fmax(we, fabs(ent - Sb[k]));
          }
          qclr_tt_free(ex);
          CHECK(we < 1e-10, "case %d kind %d eps %g: bond entropies dense/blocked/generic differ by %.3g", cs, kind,
                epss[e], we);
          qclr_tt_free(a);
          qclr_tt_free(b);
        }
      /* rank cap */
      qclr_tt_options o;
      qclr_tt_options_default(&o);
      o.eps = 1e-6;
      o.max_rank = 3;
      o.method = QCLR_TT_GESDD;
      qclr_tt *a, *b;
      qclr_tt_info ia, ib;
      int ra = qclr_tt_svd(dense, d, dims, &o, &a, &ia), rb = qclr_tt_svd_ci(norb, na, nb, c, kind, &o, &b, &ib);
      CHECK(ra == rb && qclr_tt_max_rank(a) == qclr_tt_max_rank(b) && qclr_tt_max_rank(b) <= 3, "capped ranks");
      /* a cap of 3 can cut inside a multiplet of a spin-symmetric state,
       * where the two kernels keep different (equally good) vectors and the
       * later bonds then see different tensors: equal errors only without */
      if (cs < 3) CHECK_CLOSE(ia.error, ib.error, 1e-12, "capped errors");
      qclr_tt_full(b, y2);
      CHECK_CLOSE(ib.error, diffnorm(dense, y2, D), 1e-10, "capped blocked error is its true error");
      qclr_tt_free(a);
      qclr_tt_free(b);
    }
    free(c);
    free(c2);
    free(dense);
    free(y1);
    free(y2);
  }
  /* a cut among rounding-level Gram eigenvalues: one determinant (alpha =
   * beta = orbitals {0, 3, 4}, so that its sector at the middle bond holds
   * many others) plus 1e-8 noise, eps inside the noise.  The Gram blocks of
   * its sectors cannot place the cut; the site is redone with SVDs and
   * matches the dense gesdd TT-SVD */
  {
    int norb = 6, na = 3, nb = 3;
    uint64_t tmp[256];
    int ns = make_strings(norb, na, tmp), nd = ns * ns;
    int ref = find_string(tmp, ns, 0x19) * ns + find_string(tmp, ns, 0x19);
    double *c = malloc(nd * sizeof(double)), tn = 0;
    for (int i = 0; i < nd; i++) {
      c[i] = i == ref ? 1.0 : 1e-8 * test_rand(&seed);
      if (i != ref) tn += c[i] * c[i];
    }
    int64_t D = (int64_t)1 << (2 * norb), dims[6] = {4, 4, 4, 4, 4, 4};
    double *dense = malloc(D * sizeof(double));
    qclr_tt_ci_to_dense(norb, na, nb, c, QCLR_TT_SPATIAL, dense);
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.eps = 0.3 * sqrt(tn);
    o.method = QCLR_TT_GESDD;
    qclr_tt *a, *b;
    qclr_tt_info ia, ib;
    CHECK_RC(qclr_tt_svd(dense, norb, dims, &o, &a, &ia), 0);
    o.method = QCLR_TT_GRAM;
    CHECK_RC(qclr_tt_svd_ci(norb, na, nb, c, QCLR_TT_SPATIAL, &o, &b, &ib), 0);
    int same = 1;
    for (int k = 0; k <= norb; k++) same &= qclr_tt_ranks(a)[k] == qclr_tt_ranks(b)[k];
    CHECK(same && qclr_tt_max_rank(a) > 4, "blocked Gram at its limit: gesdd ranks (max %lld vs %lld)",
          (long long)qclr_tt_max_rank(b), (long long)qclr_tt_max_rank(a));
    CHECK_CLOSE(ib.rel_error, ia.rel_error, 1e-6 * ia.rel_error, "blocked Gram at its limit: gesdd's error");
    qclr_tt_free(a);
    qclr_tt_free(b);
    free(c);
    free(dense);
  }
  double c1[1] = {1};
  qclr_tt *t;
  CHECK_RC(qclr_tt_svd_ci(0, 0, 0, c1, 0, NULL, &t, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_tt_svd_ci(2, 1, 1, c1, 7, NULL, &t, NULL), QCLR_EINVAL);
}

/* ---- randomized TT-SVD ---- */
static void test_random(void) {
  int64_t dims[12];
  for (int k = 0; k < 12; k++) dims[k] = 2;
  int64_t ranks[13] = {1, 2, 4, 8, 12, 12, 12, 12, 12, 8, 4, 2, 1};
  qclr_tt *t = random_tt(12, dims, ranks);
  int64_t N = 1 << 12;
  double *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double)), *z = malloc(N * sizeof(double));
  qclr_tt_full(t, x);
  qclr_tt_random_options o;
  qclr_tt_random_options_default(&o);
  o.ranks = ranks + 1;
  o.oversample = 5;
  qclr_tt *s;
  qclr_tt_info info;
  CHECK_RC(qclr_tt_svd_random(x, 12, dims, &o, &s, &info), 0);
  qclr_tt_full(s, y);
  CHECK(diffnorm(x, y, N) <= 1e-11 * vnorm(x, N), "random: exact ranks recovered: %.3g",
        diffnorm(x, y, N) / vnorm(x, N));
  for (int k = 0; k <= 12; k++) CHECK(qclr_tt_ranks(s)[k] == ranks[k], "random rank %d", k);
  qclr_tt_free(s);
  /* eps mode on a noisy tensor: error <= eps, reported error = true error */
  for (int64_t i = 0; i < N; i++) x[i] += 1e-3 * vnorm(x, 1) * test_rand(&seed);
  double epss[3] = {0.2, 0.05, 1e-2};
  for (int e = 0; e < 3; e++) {
    qclr_tt_random_options_default(&o);
    o.eps = epss[e];
    o.block = 4;
    CHECK_RC(qclr_tt_svd_random(x, 12, dims, &o, &s, &info), 0);
    qclr_tt_full(s, y);
    double err = diffnorm(x, y, N) / vnorm(x, N);
    CHECK(err <= epss[e] * (1 + 1e-9), "random eps %g: error %.4g", epss[e], err);
    CHECK_CLOSE(info.rel_error, err, 1e-8, "random: reported error is the true error");
    /* the same seed gives the same result */
    qclr_tt *s2;
    qclr_tt_svd_random(x, 12, dims, &o, &s2, NULL);
    qclr_tt_full(s2, z);
    CHECK(diffnorm(y, z, N) == 0, "random: seeded reproducibility");
    qclr_tt_free(s);
    qclr_tt_free(s2);
  }
  o.block = 0;
  CHECK_RC(qclr_tt_svd_random(x, 12, dims, &o, &s, NULL), QCLR_EINVAL);
  free(x);
  free(y);
  free(z);
  qclr_tt_free(t);
}

/* Randomized TT-SVD at target ranks against its bounds.  tau_k = the
 * optimal rank-r_k error of unfolding k of x (exact SVD).
 * Lower bound: any TT with these ranks has error >= max_k tau_k.
 * Upper bounds, per step with sketch size r + p (Halko, Martinsson & Tropp
 * 2011): E ||A - QQ^T A||_F^2 <= (1 + r/(p-1)) tau^2 (Thm 10.5), and with
 * probability > 1 - 5e-4 (p >= 5; Thm 10.7 with t = e, u = 4)
 * ||A - QQ^T A||_F <= c tau, c = 1 + t sqrt(3r/(p+1)) + u t e sqrt(r+p)/(p+1).
 * Truncating the sketch to rank r adds at most tau^2 (Pythagoras, and
 * sigma_j(QQ^T A) <= sigma_j(A)); the step matrices' spectra are bounded by
 * those of x's unfoldings; the steps' errors add in squares.  So
 * err^2 <= sum (c^2 + 1) tau^2 for each seed and
 * mean err^2 <= sum (2 + r/(p-1)) tau^2 over seeds. */
static void test_random_bound(void) {
  enum { D = 8, NSEED = 20 };
  int64_t dims[D], r12[D + 1], rt[D + 1];
  for (int k = 0; k < D; k++) dims[k] = 4;
  r12[0] = r12[D] = rt[0] = rt[D] = 1;
  for (int k = 1; k < D; k++) {
    int e = k < D - k ? k : D - k;
    r12[k] = e >= 2 ? 12 : 4;
    rt[k] = e >= 2 ? 8 : 4;
  }
  int64_t N = (int64_t)1 << (2 * D);
  double *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
  /* decaying spectrum: a TT of the target ranks, 0.05 x a rank-12 TT, 1e-3 noise */
  qclr_tt *t1 = random_tt(D, dims, rt), *t2 = random_tt(D, dims, r12);
  qclr_tt_full(t1, x);
  qclr_tt_full(t2, y);
  double n1 = vnorm(x, N), n2 = vnorm(y, N);
  for (int64_t i = 0; i < N; i++) x[i] = x[i] / n1 + 0.05 * y[i] / n2 + 1e-3 * test_rand(&seed) / sqrt((double)N);
  double xn = vnorm(x, N);
  qclr_tt_options eo;
  qclr_tt_options_default(&eo);
  eo.eps = 0;
  eo.method = QCLR_TT_GESVD;
  qclr_tt *ex;
  CHECK_RC(qclr_tt_svd(x, D, dims, &eo, &ex, NULL), 0);
  for (int p = 5; p <= 10; p += 5) {
    double lower = 0, upper2 = 0, mean2 = 0, tt2 = 0;
    for (int k = 0; k + 1 < D; k++) {
      int64_t ns;
      const double *sv = qclr_tt_singular_values(ex, k, &ns);
      double tail = 0;
      for (int64_t j = rt[k + 1]; j < ns; j++) tail += sv[j] * sv[j] * xn * xn;
      double r = (double)rt[k + 1], t = M_E, u = 4;
      double c = 1 + t * sqrt(3 * r / (p + 1)) + u * t * M_E * sqrt(r + p) / (p + 1);
      lower = fmax(lower, sqrt(tail));
      upper2 += (c * c + 1) * tail;
      mean2 += (2 + r / (p - 1)) * tail;
      tt2 += tail;
    }
    double sum2 = 0, worst = 0;
    for (uint64_t sd = 1; sd <= NSEED; sd++) {
      qclr_tt_random_options o;
      qclr_tt_random_options_default(&o);
      o.ranks = rt + 1;
      o.oversample = p;
      o.seed = sd;
      qclr_tt *s;
      qclr_tt_info info;
      CHECK_RC(qclr_tt_svd_random(x, D, dims, &o, &s, &info), 0);
      int same = 1;
      for (int k = 0; k <= D; k++) same &= qclr_tt_ranks(s)[k] == rt[k];
      CHECK(same, "random: target ranks used");
      qclr_tt_full(s, y);
      double err = diffnorm(x, y, N);
      CHECK_CLOSE(info.error, err, 1e-10 * xn, "random (ranks): reported error is the true error");
      CHECK(err >= lower * (1 - 1e-10), "p %d seed %llu: error %.4g below the optimum %.4g?", p,
            (unsigned long long)sd, err, lower);
      CHECK(err <= sqrt(upper2), "p %d seed %llu: error %.4g above the bound %.4g", p, (unsigned long long)sd,
            err, sqrt(upper2));
      sum2 += err * err;
      worst = fmax(worst, err);
      qclr_tt_free(s);
    }
    CHECK(sum2 / NSEED <= mean2, "p %d: mean squared error %.4g above the expectation bound %.4g", p,
          sum2 / NSEED, mean2);
    if (getenv("TT_VERBOSE"))
      printf("random bound p %d: max_k tau %.4g, TT-SVD bound %.4g, rms err %.4g (E bound %.4g), worst %.4g (bound %.4g)\n",
             p, lower, sqrt(tt2), sqrt(sum2 / NSEED), sqrt(mean2), worst, sqrt(upper2));
  }
  qclr_tt_free(ex);
  qclr_tt_free(t1);
  qclr_tt_free(t2);
  free(x);
  free(y);
}

static void test_errors(void) {
  qclr_tt *t;
  int64_t dims[2] = {2, 0}, ranks[3] = {1, 2, 1};
  double x[4] = {1, 2, 3, 4};
  CHECK_RC(qclr_tt_new(2, dims, ranks, &t), QCLR_EINVAL);
  dims[1] = 2;
  ranks[0] = 2;
  CHECK_RC(qclr_tt_new(2, dims, ranks, &t), QCLR_EINVAL);
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = -1;
  CHECK_RC(qclr_tt_svd(x, 2, dims, &o, &t, NULL), QCLR_EINVAL);
  o.eps = 0.1;
  o.method = 99;
  CHECK_RC(qclr_tt_svd(x, 2, dims, &o, &t, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_tt_svd(NULL, 2, dims, NULL, &t, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_tt_svd(x, 0, dims, NULL, &t, NULL), QCLR_EINVAL);
  qclr_tt_free(NULL);
  /* zero tensor: scale 0, error 0 */
  double z[4] = {0, 0, 0, 0}, y[4];
  qclr_tt_info info;
  CHECK_RC(qclr_tt_svd(z, 2, dims, NULL, &t, &info), 0);
  qclr_tt_full(t, y);
  CHECK(y[0] == 0 && y[3] == 0 && info.rel_error == 0, "zero tensor");
  qclr_tt *u;
  int64_t d3[3] = {2, 2, 2};
  CHECK_RC(qclr_tt_svd(x, 2, dims, NULL, &u, NULL), 0);
  double dd;
  qclr_tt *w;
  qclr_tt_new(3, d3, (int64_t[]){1, 1, 1, 1}, &w);
  CHECK_RC(qclr_tt_dot(u, w, &dd), QCLR_EINVAL);
  double c[4];
  CHECK_RC(qclr_tt_to_ci(u, 3, 1, 1, c), QCLR_EINVAL);
  qclr_tt_free(t);
  qclr_tt_free(u);
  qclr_tt_free(w);
}

/* ---- every driver over input scales 1e-300 .. 1e300 ----
 * The squares of such entries leave the double range (1e-170^2 = 0,
 * 1e160^2 = inf); the drivers must give the same ranks, relative error and
 * (scaled) reconstruction as for the unscaled input, and report the scaled norm. */
static void scale_case(const char *what, qclr_tt *t, int rc, const qclr_tt_info *in, double s, const qclr_tt *t0,
                       const qclr_tt_info *in0, const double *y0, int64_t N, double *y, int *bad) {
  if (rc != 0 || !t) {
    fprintf(stderr, "%s at scale %g: rc %d (%s)\n", what, s, rc, qclr_last_error());
    (*bad)++;
    return;
  }
  int d = qclr_tt_ndim(t);
  int ok = fabs(in->norm / (s * in0->norm) - 1) <= 1e-12 && fabs(in->rel_error - in0->rel_error) <= 1e-9 * in0->rel_error &&
           fabs(in->error / (s * in0->error) - 1) <= 1e-9 && in0->rel_error > 0;
  for (int k = 0; k <= d; k++) ok &= qclr_tt_ranks(t)[k] == qclr_tt_ranks(t0)[k];
  qclr_tt_densify(t);
  qclr_tt_full(t, y);
  for (int64_t i = 0; i < N; i++) y[i] /= s;
  ok &= diffnorm(y, y0, N) <= 1e-12 * vnorm(y0, N);
  if (!ok) {
    fprintf(stderr, "%s at scale %g: norm %.17g (want %.17g), rel_error %.17g (want %.17g), recon %.3g\n", what, s,
            in->norm, s * in0->norm, in->rel_error, in0->rel_error, diffnorm(y, y0, N) / vnorm(y0, N));
    (*bad)++;
  }
}

static void test_scales(void) {
  enum { D = 6 };
  int64_t dims[D] = {3, 3, 3, 3, 3, 3}, ranks[D + 1] = {1, 2, 3, 3, 3, 2, 1};
  qclr_tt *t = random_tt(D, dims, ranks);
  int64_t N = prod(D, dims);
  double *x0 = malloc(N * sizeof(double)), *x = malloc(N * sizeof(double)), *y = malloc(N * sizeof(double));
  double *y0[3];
  qclr_tt_full(t, x0);
  for (int64_t i = 0; i < N; i++) x0[i] += 1e-2 * test_rand(&seed);
  qclr_tt_options o[2];
  qclr_tt_random_options ro;
  qclr_tt *r0[3];
  qclr_tt_info i0[3];
  for (int m = 0; m < 2; m++) {
    qclr_tt_options_default(&o[m]);
    o[m].eps = 0.05;
    o[m].method = m ? QCLR_TT_GESDD : QCLR_TT_GRAM;
  }
  qclr_tt_random_options_default(&ro);
  ro.eps = 0.05;
  ro.block = 4;
  /* the unscaled references */
  for (int m = 0; m < 3; m++) {
    memcpy(x, x0, N * sizeof(double));
    int rc = m < 2 ? qclr_tt_svd(x, D, dims, &o[m], &r0[m], &i0[m]) : qclr_tt_svd_random(x, D, dims, &ro, &r0[m], &i0[m]);
    CHECK_RC(rc, 0);
    y0[m] = malloc(N * sizeof(double));
    qclr_tt_full(r0[m], y0[m]);
  }
  /* a CI vector: 5 orbitals, 2 alpha, 2 beta electrons (100 determinants) */
  int norb = 5, nci = 100;
  double c0[100], c[100], cy0[100], cy[100];
  for (int i = 0; i < nci; i++) c0[i] = test_rand(&seed) * exp(-0.05 * i);
  qclr_tt *ct0;
  qclr_tt_info ci0;
  qclr_tt_options co;
  qclr_tt_options_default(&co);
  co.eps = 0.05;
  CHECK_RC(qclr_tt_svd_ci(norb, 2, 2, c0, QCLR_TT_SPATIAL, &co, &ct0, &ci0), 0);
  CHECK_RC(qclr_tt_to_ci(ct0, norb, 2, 2, cy0), 0);
  int bad = 0, cases = 0;
  for (int e = -300; e <= 300; e += 10) {
    double s = pow(10.0, e);
    for (int m = 0; m < 3; m++) {
      for (int64_t i = 0; i < N; i++) x[i] = s * x0[i];
      qclr_tt *ts = NULL;
      qclr_tt_info in;
      int rc = m < 2 ? qclr_tt_svd(x, D, dims, &o[m], &ts, &in) : qclr_tt_svd_random(x, D, dims, &ro, &ts, &in);
      scale_case(m == 0 ? "TT-SVD gram" : m == 1 ? "TT-SVD gesdd" : "TT-SVD random", ts, rc, &in, s, r0[m], &i0[m],
                 y0[m], N, y, &bad);
      qclr_tt_free(ts);
      cases++;
    }
    for (int i = 0; i < nci; i++) c[i] = s * c0[i];
    qclr_tt *ts = NULL;
    qclr_tt_info in;
    int rc = qclr_tt_svd_ci(norb, 2, 2, c, QCLR_TT_SPATIAL, &co, &ts, &in);
    if (rc == 0) rc = qclr_tt_to_ci(ts, norb, 2, 2, cy);
    int ok = rc == 0 && fabs(in.norm / (s * ci0.norm) - 1) <= 1e-12 &&
             fabs(in.rel_error - ci0.rel_error) <= 1e-9 * ci0.rel_error && ci0.rel_error > 0;
    for (int i = 0; ok && i < nci; i++) cy[i] /= s;
    ok = ok && diffnorm(cy, cy0, nci) <= 1e-12 * vnorm(cy0, nci);
    if (!ok) {
      fprintf(stderr, "TT-SVD ci at scale %g: rc %d, norm %.17g, rel_error %.17g (want %.17g)\n", s, rc, in.norm,
              in.rel_error, ci0.rel_error);
      bad++;
    }
    qclr_tt_free(ts);
    cases++;
  }
  CHECK(bad == 0, "%d of %d scaled inputs (1e-300..1e300) differ from the unscaled ones", bad, cases);
  /* the overwrite path scales in place */
  for (int64_t i = 0; i < N; i++) x[i] = 1e-170 * x0[i];
  qclr_tt_options ow = o[0];
  ow.overwrite = 1;
  qclr_tt *ts;
  qclr_tt_info in;
  CHECK_RC(qclr_tt_svd(x, D, dims, &ow, &ts, &in), 0);
  CHECK(fabs(in.norm / (1e-170 * i0[0].norm) - 1) <= 1e-12, "overwrite at 1e-170: norm %g", in.norm);
  qclr_tt_free(ts);
  /* zero and non-finite inputs */
  memset(x, 0, N * sizeof(double));
  CHECK_RC(qclr_tt_svd(x, D, dims, &o[0], &ts, &in), 0);
  CHECK(in.norm == 0 && in.rel_error == 0 && qclr_tt_scale(ts) == 0, "zero tensor");
  qclr_tt_free(ts);
  x[7] = INFINITY;
  CHECK_RC(qclr_tt_svd(x, D, dims, &o[0], &ts, &in), QCLR_EINVAL);
  x[7] = NAN;
  CHECK_RC(qclr_tt_svd_random(x, D, dims, &ro, &ts, &in), QCLR_EINVAL);
  x[7] = 1e300;
  x[8] = 1e300; /* finite entries whose squares overflow */
  CHECK_RC(qclr_tt_svd(x, D, dims, &o[1], &ts, &in), 0);
  CHECK(fabs(in.norm / (sqrt(2.0) * 1e300) - 1) <= 1e-15, "two entries 1e300: norm %.17g", in.norm);
  qclr_tt_free(ts);
  for (int m = 0; m < 3; m++) {
    qclr_tt_free(r0[m]);
    free(y0[m]);
  }
  qclr_tt_free(ct0);
  qclr_tt_free(t);
  free(x0);
  free(x);
  free(y);
}

int main(void) {
  test_known_ranks();
  test_error_bound();
  test_gram_blocks();
  test_gram_limit();
  test_rank_cap();
  test_input_kept();
  test_threads();
  test_ops_round();
  test_fermion_rdm();
  test_entropy();
  test_blocked();
  test_random();
  test_random_bound();
  test_errors();
  test_scales();
  return test_done("test_tt");
}

/* tests/test_givens.c: Givens networks (recomposition, depth, disjoint layers,
 * errors) and their action on CI vectors against a brute-force determinant
 * transformation (minors of the single-particle map). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qclr/error.h"
#include "qclr/givens.h"
#include "qclr/strings.h"
#include "testutil.h"

static double det(int k, double *a) { /* Gaussian elimination with pivoting, destroys a */
  double d = 1;
  for (int c = 0; c < k; c++) {
    int p = c;
    for (int r = c + 1; r < k; r++)
      if (fabs(a[r * k + c]) > fabs(a[p * k + c])) p = r;
    if (a[p * k + c] == 0) return 0;
    if (p != c) {
      for (int j = 0; j < k; j++) {
        double t = a[c * k + j];
        a[c * k + j] = a[p * k + j];
        a[p * k + j] = t;
      }
      d = -d;
    }
    d *= a[c * k + c];
    for (int r = c + 1; r < k; r++) {
      double f = a[r * k + c] / a[c * k + c];
      for (int j = c; j < k; j++) a[r * k + j] -= f * a[c * k + j];
    }
  }
  return d;
}

/* det M[rows of I, cols of J] for occupation bit patterns I, J */
static double minor(int n, const double *m, uint64_t I, uint64_t J) {
  int ri[64], cj[64], k = 0, l = 0;
  for (int p = 0; p < n; p++) {
    if ((I >> p) & 1) ri[k++] = p;
    if ((J >> p) & 1) cj[l++] = p;
  }
  double a[64];
  for (int x = 0; x < k; x++)
    for (int y = 0; y < k; y++) a[x * k + y] = m[ri[x] * n + cj[y]];
  return det(k, a);
}

static void test_network(int n, unsigned long long seed) {
  double *m = malloc(sizeof(double) * n * n), *keep = malloc(sizeof(double) * n * n),
         *r = malloc(sizeof(double) * n * n);
  test_random_orthogonal(n, m, &seed);
  if (n > 1) /* make det = -1 sometimes */
    for (int i = 0; i < n; i++) m[i * n + (seed & 1 ? 0 : n - 1)] *= -1;
  memcpy(keep, m, sizeof(double) * n * n);
  qclr_givens *g = NULL;
  CHECK_RC(qclr_givens_decompose(n, m, &g), 0);
  if (!g) return;
  CHECK(!memcmp(keep, m, sizeof(double) * n * n), "input modified");
  CHECK(qclr_givens_count(g) == (int64_t)n * (n - 1) / 2, "count %lld", (long long)qclr_givens_count(g));
  CHECK(qclr_givens_nlayers(g) <= n, "N=%d: %lld layers", n, (long long)qclr_givens_nlayers(g));
  qclr_givens_recompose(g, r);
  double err = 0;
  for (int i = 0; i < n * n; i++) err = fmax(err, fabs(r[i] - m[i]));
  CHECK(err <= 1e-12, "N=%d recomposition error %.3g", n, err);
  /* rotations sharing a layer act on disjoint modes */
  const qclr_givens_rotation *rot = qclr_givens_rotations(g);
  int bad = 0;
  for (int64_t a = 0; a < qclr_givens_count(g); a++) {
    if (rot[a].j != rot[a].i + 1 || rot[a].phi != 0) bad++;
    for (int64_t b = a + 1; b < qclr_givens_count(g); b++)
      if (rot[a].layer == rot[b].layer && labs((long)(rot[a].i - rot[b].i)) < 2) bad++;
  }
  CHECK(bad == 0, "N=%d: %d rotations overlap in a layer or are not nearest-neighbour", n, bad);
  qclr_givens_free(g);
  free(m), free(keep), free(r);
}

static void test_civec(int n, int na, int nb, unsigned long long seed) {
  double *m = malloc(sizeof(double) * n * n);
  test_random_orthogonal(n, m, &seed);
  for (int i = 0; i < n; i++) m[i * n + 1] *= -1;
  qclr_givens *g = NULL;
  CHECK_RC(qclr_givens_decompose(n, m, &g), 0);
  uint64_t *sa, *sb;
  int64_t ca, cb;
  CHECK_RC(qclr_ci_strings(n, na, &sa, &ca), 0);
  CHECK_RC(qclr_ci_strings(n, nb, &sb, &cb), 0);
  /* strings ascending with the right popcount */
  int ok = 1;
  for (int64_t k = 0; k < ca; k++)
    if (__builtin_popcountll(sa[k]) != na || (k && sa[k] <= sa[k - 1]) || sa[k] >> n) ok = 0;
  CHECK(ok, "alpha strings");
  double *c = malloc(sizeof(double) * ca * cb), *ref = calloc(ca * cb, sizeof(double));
  for (int64_t k = 0; k < ca * cb; k++) c[k] = test_rand(&seed);
  for (int64_t I = 0; I < ca; I++)
    for (int64_t J = 0; J < cb; J++)
      for (int64_t K = 0; K < ca; K++) {
        double mk = minor(n, m, sa[I], sa[K]);
        for (int64_t L = 0; L < cb; L++) ref[I * cb + J] += mk * minor(n, m, sb[J], sb[L]) * c[K * cb + L];
      }
  CHECK_RC(qclr_givens_rotate_civec(g, na, nb, c), 0);
  double err = 0;
  for (int64_t k = 0; k < ca * cb; k++) err = fmax(err, fabs(c[k] - ref[k]));
  CHECK(err <= 1e-12, "N=%d (%d,%d): rotated CI vector vs minors: %.3g", n, na, nb, err);
  free(c), free(ref), free(sa), free(sb), free(m);
  qclr_givens_free(g);
}

/* qclr_givens_simplify: exact zeros and +-pi rotations of a structured map
 * (identity blocks, sign flips) are removed with the map unchanged to 1e-12;
 * with a large min_angle the single-particle map moves by at most the
 * reported bound (sum of 2|sin(delta/2)| >= the spectral norm, >= max entry). */
static void test_simplify(int n, unsigned long long seed) {
  double *m = calloc((size_t)(n * n), sizeof(double)), *r = malloc(sizeof(double) * n * n);
  double sub[9];
  test_random_orthogonal(3, sub, &seed);
  for (int i = 0; i < n; i++) m[i * n + i] = (i % 3 == 1) ? -1.0 : 1.0; /* sign flips */
  for (int i = 0; i < 3; i++) /* a dense block on modes 1..3, the rest diagonal */
    for (int j = 0; j < 3; j++) m[(i + 1) * n + j + 1] = sub[i * 3 + j];
  qclr_givens *g = NULL, *s = NULL;
  CHECK_RC(qclr_givens_decompose(n, m, &g), 0);
  CHECK_RC(qclr_givens_simplify(g, 1e-12 * M_PI, &s), 0);
  int64_t K = qclr_givens_count(s);
  CHECK(K + qclr_givens_ndropped(s) + qclr_givens_nfolded(s) == (int64_t)n * (n - 1) / 2,
        "N=%d: kept %lld + dropped %lld + folded %lld", n, (long long)K, (long long)qclr_givens_ndropped(s),
        (long long)qclr_givens_nfolded(s));
  CHECK(K < (int64_t)n * (n - 1) / 2 && qclr_givens_ndropped(s) + qclr_givens_nfolded(s) > 0,
        "N=%d: nothing removed", n);
  CHECK(qclr_givens_nlayers(s) <= qclr_givens_nlayers_before(s), "layers grew");
  qclr_givens_recompose(s, r);
  double err = 0;
  for (int i = 0; i < n * n; i++) err = fmax(err, fabs(r[i] - m[i]));
  CHECK(err <= 1e-12, "N=%d simplified recomposition error %.3g", n, err);
  CHECK(qclr_givens_dropped_error(s) <= 1e-11, "N=%d: dropped error %.3g", n, qclr_givens_dropped_error(s));
  const qclr_givens_rotation *rot = qclr_givens_rotations(s);
  for (int64_t k = 0; k < K; k++) CHECK(rot[k].i >= 1 && rot[k].j <= 3, "kept rotation outside the block");
  for (int64_t k = 0; k < K; k++)
    CHECK(fabs(rot[k].theta) >= 1e-12 * M_PI && fabs(rot[k].theta) <= M_PI * (1 - 1e-12), "kept angle %.17g",
          rot[k].theta);
  qclr_givens_free(g), qclr_givens_free(s);
  /* a random map with a coarse threshold: error within the bound */
  test_random_orthogonal(n, m, &seed);
  CHECK_RC(qclr_givens_decompose(n, m, &g), 0);
  CHECK_RC(qclr_givens_simplify(g, 0.7, &s), 0);
  CHECK(qclr_givens_ndropped(s) + qclr_givens_nfolded(s) > 0, "N=%d: nothing dropped at 0.7", n);
  qclr_givens_recompose(s, r);
  err = 0;
  for (int i = 0; i < n * n; i++) err = fmax(err, fabs(r[i] - m[i]));
  CHECK(err <= qclr_givens_dropped_error(s) + 1e-12 && err > 0, "N=%d: error %.3g vs bound %.3g", n, err,
        qclr_givens_dropped_error(s));
  /* the bound is met by construction: recompute it from the full network */
  double bound = 0, sign[64];
  const qclr_givens_rotation *full = qclr_givens_rotations(g);
  for (int i = 0; i < n; i++) sign[i] = 1;
  for (int64_t k = 0; k < qclr_givens_count(g); k++) {
    double th = full[k].theta * sign[full[k].i] * sign[full[k].j];
    if (fabs(th) < 0.7) bound += 2 * fabs(sin(th / 2));
    else if (fabs(th) > M_PI - 0.7) {
      bound += 2 * fabs(sin((fabs(th) - M_PI) / 2));
      sign[full[k].i] *= -1, sign[full[k].j] *= -1;
    }
  }
  CHECK(fabs(bound - qclr_givens_dropped_error(s)) <= 1e-14, "bound %.17g vs %.17g", bound,
        qclr_givens_dropped_error(s));
  qclr_givens_free(s);
  CHECK_RC(qclr_givens_simplify(g, -1, &s), QCLR_EINVAL);
  CHECK_RC(qclr_givens_simplify(g, NAN, &s), QCLR_EINVAL);
  CHECK_RC(qclr_givens_simplify(NULL, 0, &s), QCLR_EINVAL);
  qclr_givens_free(g);
  free(m), free(r);
}

int main(void) {
  for (int n = 4; n <= 9; n++) test_simplify(n, 500 + n);
  for (int n = 1; n <= 24; n++) test_network(n, 1000 + n);
  test_network(60, 7);
  test_civec(5, 2, 3, 11);
  test_civec(6, 3, 3, 12);
  test_civec(4, 0, 4, 13);
  test_civec(7, 1, 2, 14);

  /* errors */
  double bad[4] = {1, 0.5, 0, 1};
  qclr_givens *g = (qclr_givens *)1;
  CHECK_RC(qclr_givens_decompose(2, bad, &g), QCLR_EINVAL);
  CHECK(g == NULL, "output set on error");
  CHECK_RC(qclr_givens_decompose(0, bad, &g), QCLR_EINVAL);
  double nan4[4] = {NAN, 0, 0, 1};
  CHECK_RC(qclr_givens_decompose(2, nan4, &g), QCLR_EINVAL);
  double id[4] = {1, 0, 0, 1};
  CHECK_RC(qclr_givens_decompose(2, id, &g), 0);
  double c1[1] = {1};
  CHECK_RC(qclr_givens_rotate_civec(g, 3, 0, c1), QCLR_EINVAL);
  qclr_givens_free(g);
  qclr_givens_free(NULL);
  return test_done("test_givens");
}

/* src/givens.c: Clements decomposition of a real orthogonal matrix into
 * nearest-neighbour Givens rotations (see include/qclr/givens.h).
 *
 * Elements below the diagonal are nulled along anti-diagonals, alternately by
 * rotations acting on columns (from the right) and on rows (from the left), so
 * that L_m..L_1 M R_1..R_n = D.  The left rotations are then moved through D
 * (D G(i,t) D = G(i, d_i d_{i+1} t)), giving M = D (D L_1^T D)..(D L_m^T D)
 * R_n^T..R_1^T: one product of rotations followed by a diagonal of signs. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/givens.h"

struct qclr_givens {
  int64_t n, count, nlayers;
  qclr_givens_rotation *rot;
  double *diag;
  /* set by qclr_givens_simplify (0 for a full decomposition) */
  int64_t count_before, nlayers_before, ndropped, nfolded;
  double dropped_error;
};

void qclr_givens_free(qclr_givens *g) {
  if (!g) return;
  free(g->rot);
  free(g->diag);
  free(g);
}

int64_t qclr_givens_norb(const qclr_givens *g) { return g ? g->n : 0; }
int64_t qclr_givens_count(const qclr_givens *g) { return g ? g->count : 0; }
int64_t qclr_givens_nlayers(const qclr_givens *g) { return g ? g->nlayers : 0; }
const qclr_givens_rotation *qclr_givens_rotations(const qclr_givens *g) { return g ? g->rot : NULL; }
const double *qclr_givens_diagonal(const qclr_givens *g) { return g ? g->diag : NULL; }
int64_t qclr_givens_count_before(const qclr_givens *g) { return g ? g->count_before : 0; }
int64_t qclr_givens_nlayers_before(const qclr_givens *g) { return g ? g->nlayers_before : 0; }
int64_t qclr_givens_ndropped(const qclr_givens *g) { return g ? g->ndropped : 0; }
int64_t qclr_givens_nfolded(const qclr_givens *g) { return g ? g->nfolded : 0; }
double qclr_givens_dropped_error(const qclr_givens *g) { return g ? g->dropped_error : NAN; }

/* as-soon-as-possible layers of rot[0..count) (application order); last: n zeros */
static int64_t assign_layers(qclr_givens_rotation *rot, int64_t count, int64_t *last) {
  int64_t nlayers = 0;
  for (int64_t t = 0; t < count; t++) {
    int64_t i = rot[t].i;
    int64_t l = last[i] > last[i + 1] ? last[i] : last[i + 1];
    rot[t].layer = l;
    last[i] = last[i + 1] = l + 1;
    if (l + 1 > nlayers) nlayers = l + 1;
  }
  return nlayers;
}

static void rotate_columns(double *a, int64_t n, int64_t c, double cs, double sn) {
  for (int64_t k = 0; k < n; k++) {
    double x = a[k * n + c], y = a[k * n + c + 1];
    a[k * n + c] = cs * x + sn * y;
    a[k * n + c + 1] = -sn * x + cs * y;
  }
}

static void rotate_rows(double *a, int64_t n, int64_t r, double cs, double sn) {
  double *u = a + r * n, *v = a + (r + 1) * n;
  for (int64_t k = 0; k < n; k++) {
    double x = u[k], y = v[k];
    u[k] = cs * x - sn * y;
    v[k] = sn * x + cs * y;
  }
}

int qclr_givens_decompose(int64_t n, const double *m, qclr_givens **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_givens_decompose: out is NULL");
  *out = NULL;
  if (n < 1 || !m) return qclr__error(QCLR_EINVAL, "givens: need N >= 1 and a matrix (N = %lld)", (long long)n);
  if (n > INT64_MAX / n) return qclr__error(QCLR_ETOOLARGE, "givens: N = %lld too large", (long long)n);
  int rc0 = qclr__check_finite("qclr_givens_decompose", "m", m, n * n);
  if (rc0) return rc0;
  double err = 0.0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      double s = 0.0;
      for (int64_t k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
      double e = fabs(s - (i == j ? 1.0 : 0.0));
      if (e > err || e != e) err = e > err ? e : INFINITY; /* NaN stays fatal */
    }
  if (!(err <= 1e-8))
    return qclr__error(QCLR_EINVAL, "givens: matrix is not orthogonal (max |M^T M - I| = %.3g > 1e-8)", err);

  int64_t count = n * (n - 1) / 2;
  qclr_givens *g = qclr__calloc(1, sizeof *g, "givens network");
  if (!g) return QCLR_ENOMEM;
  g->n = n;
  g->count = count;
  double *a = qclr__malloc((size_t)(n * n), sizeof *a, "givens work matrix");
  qclr_givens_rotation *left = qclr__malloc((size_t)(count + 1), sizeof *left, "givens rotations");
  qclr_givens_rotation *right = qclr__malloc((size_t)(count + 1), sizeof *right, "givens rotations");
  int64_t *last = qclr__calloc((size_t)n, sizeof *last, "givens layers");
  g->rot = qclr__malloc((size_t)(count + 1), sizeof *g->rot, "givens rotations");
  g->diag = qclr__malloc((size_t)n, sizeof *g->diag, "givens diagonal");
  if (!a || !left || !right || !last || !g->rot || !g->diag) {
    free(a), free(left), free(right), free(last);
    qclr_givens_free(g);
    return QCLR_ENOMEM;
  }
  memcpy(a, m, (size_t)(n * n) * sizeof *a);
  /* An element at rounding level (the matrix is orthogonal: entries <= 1,
   * computed to ~n eps) is an exact zero here: its angle would be decided by
   * the sign of the rounding (atan2(-tiny, y) is 0 or +-pi, atan2(tiny, tiny)
   * anything), so the circuit, its dropped and folded rotations and their
   * counts would change with the compiler's rounding. */
  const double zero_tol = 64.0 * (double)n * DBL_EPSILON;
  int64_t nl = 0, nr = 0;
  for (int64_t i = 0; i + 1 < n; i++) {
    if (i % 2 == 0) {
      for (int64_t j = 0; j <= i; j++) {
        int64_t r = n - 1 - j, c = i - j;
        if (fabs(a[r * n + c]) <= zero_tol) a[r * n + c] = 0.0;
        if (fabs(a[r * n + c + 1]) <= zero_tol) a[r * n + c + 1] = 0.0;
        double th = a[r * n + c] == 0.0 ? (a[r * n + c + 1] < 0 ? M_PI : 0.0) : atan2(-a[r * n + c], a[r * n + c + 1]);
        rotate_columns(a, n, c, cos(th), sin(th));
        a[r * n + c] = 0.0;
        right[nr++] = (qclr_givens_rotation){c, c + 1, th, 0.0, 0};
      }
    } else {
      for (int64_t j = 1; j <= i + 1; j++) {
        int64_t r = n + j - i - 2, c = j - 1;
        if (fabs(a[r * n + c]) <= zero_tol) a[r * n + c] = 0.0;
        if (fabs(a[(r - 1) * n + c]) <= zero_tol) a[(r - 1) * n + c] = 0.0;
        double th = a[r * n + c] == 0.0 ? (a[(r - 1) * n + c] < 0 ? M_PI : 0.0) : atan2(-a[r * n + c], a[(r - 1) * n + c]);
        rotate_rows(a, n, r - 1, cos(th), sin(th));
        a[r * n + c] = 0.0;
        left[nl++] = (qclr_givens_rotation){r - 1, r, th, 0.0, 0};
      }
    }
  }
  for (int64_t k = 0; k < n; k++) g->diag[k] = a[k * n + k] < 0 ? -1.0 : 1.0;
  int64_t k = 0;
  for (int64_t t = 0; t < nr; t++) {
    g->rot[k] = right[t];
    g->rot[k++].theta = -right[t].theta;
  }
  for (int64_t t = nl - 1; t >= 0; t--) {
    g->rot[k] = left[t];
    g->rot[k++].theta = -left[t].theta * g->diag[left[t].i] * g->diag[left[t].j];
  }
  g->nlayers = assign_layers(g->rot, count, last);
  g->count_before = count;
  g->nlayers_before = g->nlayers;
  free(a), free(left), free(right), free(last);
  *out = g;
  return 0;
}

int qclr_givens_simplify(const qclr_givens *g, double min_angle, qclr_givens **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_givens_simplify: out is NULL");
  *out = NULL;
  if (!g) return qclr__error(QCLR_EINVAL, "qclr_givens_simplify: network is NULL");
  if (!(min_angle >= 0 && min_angle < M_PI / 4))
    return qclr__error(QCLR_EINVAL, "givens: min_angle must be in [0, pi/4) (got %g)", min_angle);
  int64_t n = g->n;
  qclr_givens *s = qclr__calloc(1, sizeof *s, "givens network");
  if (!s) return QCLR_ENOMEM;
  s->n = n;
  s->rot = qclr__malloc((size_t)(g->count + 1), sizeof *s->rot, "givens rotations");
  s->diag = qclr__malloc((size_t)n, sizeof *s->diag, "givens diagonal");
  int64_t *last = qclr__calloc((size_t)n, sizeof *last, "givens layers");
  if (!s->rot || !s->diag || !last) {
    free(last);
    qclr_givens_free(s);
    return QCLR_ENOMEM;
  }
  /* After t rotations the network so far is S K (S = diag(sign), K the kept
   * rotations).  G(i, th) S = S G(i, s_i s_{i+1} th); a rotation by pi is
   * diag(-1, -1) on (i, i+1) and goes into S. */
  for (int64_t k = 0; k < n; k++) s->diag[k] = 1.0;
  double err = 0;
  for (int64_t t = 0; t < g->count; t++) {
    qclr_givens_rotation r = g->rot[t];
    double th = r.theta * s->diag[r.i] * s->diag[r.j];
    if (fabs(th) < min_angle || th == 0) {
      s->ndropped++;
      err += 2 * fabs(sin(th / 2));
    } else if (fabs(th) > M_PI - min_angle || fabs(th) == M_PI) {
      s->nfolded++;
      err += 2 * fabs(sin((th - copysign(M_PI, th)) / 2));
      s->diag[r.i] = -s->diag[r.i];
      s->diag[r.j] = -s->diag[r.j];
    } else {
      r.theta = th;
      s->rot[s->count++] = r;
    }
  }
  for (int64_t k = 0; k < n; k++) s->diag[k] *= g->diag[k];
  s->nlayers = assign_layers(s->rot, s->count, last);
  s->count_before = g->count_before;
  s->nlayers_before = g->nlayers_before;
  s->ndropped += g->ndropped;
  s->nfolded += g->nfolded;
  s->dropped_error = g->dropped_error + err;
  free(last);
  *out = s;
  return 0;
}

int qclr_givens_recompose(const qclr_givens *g, double *out) {
  qclr__clear();
  if (!g || !out) return qclr__error(QCLR_EINVAL, "qclr_givens_recompose: network or output is NULL");
  int64_t n = g->n;
  memset(out, 0, (size_t)(n * n) * sizeof *out);
  for (int64_t k = 0; k < n; k++) out[k * n + k] = 1.0;
  for (int64_t t = 0; t < g->count; t++) {
    double cs = cos(g->rot[t].theta), sn = sin(g->rot[t].theta);
    rotate_rows(out, n, g->rot[t].i, cs, sn);
  }
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < n; j++) out[k * n + j] *= g->diag[k];
  return 0;
}

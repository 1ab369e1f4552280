/* src/tt.c: the qclr_tt object (cores, ranks, scale, Schmidt values). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

int qclr__tt_alloc(int d, const int64_t *dims, qclr_tt **out) {
  *out = NULL;
  if (d < 1) return qclr__error(QCLR_EINVAL, "tensor train: ndim = %d, must be >= 1", d);
  if (!dims) return qclr__error(QCLR_EINVAL, "tensor train: dims is NULL");
  for (int k = 0; k < d; k++)
    if (dims[k] < 1)
      return qclr__error(QCLR_EINVAL, "tensor train: dims[%d] = %lld, must be >= 1", k,
                         (long long)dims[k]);
  qclr_tt *t = qclr__calloc(1, sizeof *t, "tensor train");
  if (!t) return QCLR_ENOMEM;
  t->d = d;
  t->scale = 1.0;
  t->dims = qclr__malloc((size_t)d, sizeof(int64_t), "TT dims");
  t->ranks = qclr__malloc((size_t)d + 1, sizeof(int64_t), "TT ranks");
  t->cores = qclr__calloc((size_t)d, sizeof(double *), "TT cores");
  t->sv = qclr__calloc((size_t)d, sizeof(double *), "TT Schmidt values");
  t->nsv = qclr__calloc((size_t)d, sizeof(int64_t), "TT Schmidt counts");
  if (!t->dims || !t->ranks || !t->cores || !t->sv || !t->nsv) {
    qclr_tt_free(t);
    return QCLR_ENOMEM;
  }
  memcpy(t->dims, dims, (size_t)d * sizeof(int64_t));
  for (int k = 0; k <= d; k++) t->ranks[k] = 1;
  *out = t;
  return 0;
}

int qclr_tt_new(int ndim, const int64_t *dims, const int64_t *ranks, qclr_tt **out) {
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_tt_new: out is NULL");
  *out = NULL;
  if (!ranks) return qclr__error(QCLR_EINVAL, "qclr_tt_new: ranks is NULL");
  if (ndim >= 1 && (ranks[0] != 1 || ranks[ndim] != 1))
    return qclr__error(QCLR_EINVAL, "qclr_tt_new: boundary ranks must be 1 (got %lld, %lld)",
                       (long long)ranks[0], (long long)ranks[ndim]);
  for (int k = 0; k <= ndim; k++)
    if (ranks[k] < 1)
      return qclr__error(QCLR_EINVAL, "qclr_tt_new: ranks[%d] = %lld, must be >= 1", k,
                         (long long)ranks[k]);
  qclr_tt *t;
  int rc = qclr__tt_alloc(ndim, dims, &t);
  if (rc) return rc;
  memcpy(t->ranks, ranks, (size_t)(ndim + 1) * sizeof(int64_t));
  for (int k = 0; k < ndim; k++) {
    size_t n;
    if (qclr__mul_size((size_t)ranks[k] * (size_t)dims[k], (size_t)ranks[k + 1], &n)) {
      qclr_tt_free(t);
      return QCLR_ETOOLARGE;
    }
    t->cores[k] = qclr__calloc(n, sizeof(double), "TT core");
    if (!t->cores[k]) {
      qclr_tt_free(t);
      return QCLR_ENOMEM;
    }
  }
  *out = t;
  return 0;
}

void qclr_tt_free(qclr_tt *t) {
  if (!t) return;
  if (t->cores)
    for (int k = 0; k < t->d; k++) free(t->cores[k]);
  if (t->sv)
    for (int k = 0; k < t->d; k++) free(t->sv[k]);
  free(t->cores);
  free(t->sv);
  free(t->nsv);
  free(t->dims);
  free(t->ranks);
  free(t);
}

int qclr_tt_copy(const qclr_tt *tt, qclr_tt **out) {
  qclr_tt *t;
  int rc = qclr_tt_new(tt->d, tt->dims, tt->ranks, &t);
  if (rc) return rc;
  for (int k = 0; k < tt->d; k++)
    memcpy(t->cores[k], tt->cores[k],
           (size_t)(tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1]) * sizeof(double));
  for (int k = 0; k + 1 < tt->d; k++)
    if (tt->sv[k] && (rc = qclr__tt_set_sv(t, k, tt->sv[k], tt->nsv[k]))) {
      qclr_tt_free(t);
      return rc;
    }
  t->scale = tt->scale;
  *out = t;
  return 0;
}

int qclr_tt_ndim(const qclr_tt *tt) { return tt->d; }
const int64_t *qclr_tt_dims(const qclr_tt *tt) { return tt->dims; }
const int64_t *qclr_tt_ranks(const qclr_tt *tt) { return tt->ranks; }
int64_t qclr_tt_max_rank(const qclr_tt *tt) {
  int64_t m = 1;
  for (int k = 0; k <= tt->d; k++)
    if (tt->ranks[k] > m) m = tt->ranks[k];
  return m;
}
int64_t qclr_tt_size(const qclr_tt *tt) {
  int64_t s = 0;
  for (int k = 0; k < tt->d; k++) s += tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1];
  return s;
}
const double *qclr_tt_core(const qclr_tt *tt, int k) {
  return (k >= 0 && k < tt->d) ? tt->cores[k] : NULL;
}
double *qclr_tt_core_mut(qclr_tt *tt, int k) {
  if (k < 0 || k >= tt->d) return NULL;
  /* the caller may change the tensor: stored Schmidt values become stale */
  for (int b = 0; b + 1 < tt->d; b++) {
    free(tt->sv[b]);
    tt->sv[b] = NULL;
    tt->nsv[b] = 0;
  }
  return tt->cores[k];
}
double qclr_tt_scale(const qclr_tt *tt) { return tt->scale; }
void qclr_tt_set_scale(qclr_tt *tt, double s) { tt->scale = s; }

const double *qclr_tt_singular_values(const qclr_tt *tt, int bond, int64_t *n) {
  if (bond < 0 || bond + 1 >= tt->d || !tt->sv[bond]) {
    if (n) *n = 0;
    return NULL;
  }
  if (n) *n = tt->nsv[bond];
  return tt->sv[bond];
}

void qclr__tt_set_core(qclr_tt *tt, int k, double *core, int64_t rnew) {
  free(tt->cores[k]);
  tt->cores[k] = core;
  tt->ranks[k + 1] = rnew;
}

int qclr__tt_set_sv(qclr_tt *tt, int k, const double *s, int64_t n) {
  double *c = qclr__malloc((size_t)(n > 0 ? n : 1), sizeof(double), "Schmidt values");
  if (!c) return QCLR_ENOMEM;
  double t = 0;
  for (int64_t i = 0; i < n; i++) t += s[i] * s[i];
  t = t > 0 ? 1.0 / sqrt(t) : 0.0;
  for (int64_t i = 0; i < n; i++) c[i] = s[i] * t;
  free(tt->sv[k]);
  tt->sv[k] = c;
  tt->nsv[k] = n;
  return 0;
}

int64_t qclr__tt_trunc_rank(const double *s2, int64_t n, double delta2, int64_t max_rank,
                            double *disc, int *capped) {
  /* s2 descending: accumulate the tail from the smallest */
  double tail = 0;
  int64_t r = n;
  while (r > 1 && tail + s2[r - 1] <= delta2) {
    tail += s2[r - 1];
    r--;
  }
  *capped = 0;
  if (max_rank > 0 && r > max_rank) {
    for (int64_t i = max_rank; i < r; i++) tail += s2[i];
    r = max_rank;
    *capped = 1;
  }
  *disc = tail;
  return r;
}

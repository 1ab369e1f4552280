/* src/tt.c: the qclr_tt object (cores, ranks, scale, Schmidt values). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tt/tt_internal.h"

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
  qclr__clear();
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

void qclr__tt_drop_labels(qclr_tt *t) {
  if (t->qn)
    for (int k = 0; k <= t->d; k++) free(t->qn[k]);
  if (t->qd)
    for (int k = 0; k < t->d; k++) free(t->qd[k]);
  free(t->qn);
  free(t->qd);
  t->qn = t->qd = NULL;
}

int32_t qclr__tt_digit_qn(int site_kind, int site, int digit) {
  if (site_kind == QCLR_TT_SPIN) return site % 2 == 0 ? QCLR__TT_QN(digit, 0) : QCLR__TT_QN(0, digit);
  return QCLR__TT_QN(digit & 1, digit >> 1);
}

int qclr__tt_alloc_labels(qclr_tt *t, int site_kind) {
  qclr__tt_drop_labels(t);
  t->qn = qclr__calloc((size_t)t->d + 1, sizeof(int32_t *), "TT sector labels");
  t->qd = qclr__calloc((size_t)t->d, sizeof(int32_t *), "TT sector labels");
  if (!t->qn || !t->qd) goto nomem;
  for (int k = 0; k <= t->d; k++)
    if (!(t->qn[k] = qclr__calloc((size_t)t->ranks[k], sizeof(int32_t), "TT sector labels"))) goto nomem;
  for (int k = 0; k < t->d; k++) {
    if (!(t->qd[k] = qclr__malloc((size_t)t->dims[k], sizeof(int32_t), "TT sector labels"))) goto nomem;
    for (int64_t i = 0; i < t->dims[k]; i++) t->qd[k][i] = qclr__tt_digit_qn(site_kind, k, (int)i);
  }
  return 0;
nomem:
  qclr__tt_drop_labels(t);
  return QCLR_ENOMEM;
}

static void free_blocks(qclr_tt *t) {
  if (t->blk)
    for (int k = 0; k < t->d; k++) {
      free(t->blk[k]);
      free(t->bdata[k]);
    }
  free(t->blk);
  free(t->bdata);
  free(t->nblk);
  t->blk = NULL;
  t->bdata = NULL;
  t->nblk = NULL;
}

void qclr_tt_free(qclr_tt *t) {
  if (!t) return;
  free_blocks(t);
  qclr__tt_drop_labels(t);
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
  qclr__clear();
  if (!tt || !out) return qclr__error(QCLR_EINVAL, "qclr_tt_copy: NULL argument");
  *out = NULL;
  qclr_tt *t;
  int rc;
  if (tt->blk) {
    if ((rc = qclr__tt_alloc(tt->d, tt->dims, &t))) return rc;
    memcpy(t->ranks, tt->ranks, (size_t)(tt->d + 1) * sizeof(int64_t));
    t->nblk = qclr__calloc((size_t)tt->d, sizeof(int64_t), "TT blocks");
    t->blk = qclr__calloc((size_t)tt->d, sizeof(qclr__tt_block *), "TT blocks");
    t->bdata = qclr__calloc((size_t)tt->d, sizeof(double *), "TT blocks");
    rc = (t->nblk && t->blk && t->bdata) ? 0 : QCLR_ENOMEM;
    for (int k = 0; !rc && k < tt->d; k++) {
      int64_t nb = tt->nblk[k], sz = 0;
      for (int64_t b = 0; b < nb; b++) sz += tt->blk[k][b].nr * tt->blk[k][b].nc;
      t->nblk[k] = nb;
      t->blk[k] = qclr__malloc((size_t)(nb > 0 ? nb : 1), sizeof(qclr__tt_block), "TT blocks");
      t->bdata[k] = qclr__malloc((size_t)(sz > 0 ? sz : 1), sizeof(double), "TT blocks");
      if (!t->blk[k] || !t->bdata[k]) rc = QCLR_ENOMEM;
      else {
        memcpy(t->blk[k], tt->blk[k], (size_t)nb * sizeof(qclr__tt_block));
        memcpy(t->bdata[k], tt->bdata[k], (size_t)sz * sizeof(double));
      }
    }
    if (rc) {
      qclr_tt_free(t);
      return rc;
    }
  } else {
    if ((rc = qclr_tt_new(tt->d, tt->dims, tt->ranks, &t))) return rc;
    for (int k = 0; k < tt->d; k++)
      memcpy(t->cores[k], tt->cores[k],
             (size_t)(tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1]) * sizeof(double));
  }
  for (int k = 0; k + 1 < tt->d; k++)
    if (tt->sv[k] && (rc = qclr__tt_set_sv(t, k, tt->sv[k], tt->nsv[k]))) {
      qclr_tt_free(t);
      return rc;
    }
  t->scale = tt->scale;
  t->left_orth = tt->left_orth;
  if (tt->qn) {
    t->qn = qclr__calloc((size_t)tt->d + 1, sizeof(int32_t *), "TT sector labels");
    t->qd = qclr__calloc((size_t)tt->d, sizeof(int32_t *), "TT sector labels");
    rc = (t->qn && t->qd) ? 0 : QCLR_ENOMEM;
    for (int k = 0; !rc && k <= tt->d; k++) {
      if (!(t->qn[k] = qclr__malloc((size_t)tt->ranks[k], sizeof(int32_t), "TT sector labels"))) rc = QCLR_ENOMEM;
      else memcpy(t->qn[k], tt->qn[k], (size_t)tt->ranks[k] * sizeof(int32_t));
      if (!rc && k < tt->d) {
        if (!(t->qd[k] = qclr__malloc((size_t)tt->dims[k], sizeof(int32_t), "TT sector labels"))) rc = QCLR_ENOMEM;
        else memcpy(t->qd[k], tt->qd[k], (size_t)tt->dims[k] * sizeof(int32_t));
      }
    }
    if (rc) {
      qclr_tt_free(t);
      return rc;
    }
  }
  *out = t;
  return 0;
}

/* Accessors: safe values (qclr/error.h) for a NULL tensor train. */
int qclr_tt_ndim(const qclr_tt *tt) { return tt ? tt->d : 0; }
const int64_t *qclr_tt_dims(const qclr_tt *tt) { return tt ? tt->dims : NULL; }
const int64_t *qclr_tt_ranks(const qclr_tt *tt) { return tt ? tt->ranks : NULL; }
int64_t qclr_tt_max_rank(const qclr_tt *tt) {
  if (!tt) return 0;
  int64_t m = 1;
  for (int k = 0; k <= tt->d; k++)
    if (tt->ranks[k] > m) m = tt->ranks[k];
  return m;
}
int64_t qclr_tt_size(const qclr_tt *tt) {
  if (!tt) return 0;
  int64_t s = 0;
  for (int k = 0; k < tt->d; k++)
    if (tt->blk)
      for (int64_t b = 0; b < tt->nblk[k]; b++) s += tt->blk[k][b].nr * tt->blk[k][b].nc;
    else
      s += tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1];
  return s;
}
int64_t qclr_tt_dense_size(const qclr_tt *tt) {
  if (!tt) return 0;
  int64_t s = 0;
  for (int k = 0; k < tt->d; k++) s += tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1];
  return s;
}
int qclr_tt_is_block_sparse(const qclr_tt *tt) { return tt && tt->blk != NULL; }
const double *qclr_tt_core(const qclr_tt *tt, int k) {
  return (tt && k >= 0 && k < tt->d) ? tt->cores[k] : NULL;
}
int qclr_tt_core_copy(const qclr_tt *tt, int k, double *out) {
  qclr__clear();
  if (!tt || !out || k < 0 || k >= tt->d) return qclr__error(QCLR_EINVAL, "qclr_tt_core_copy: bad argument");
  size_t n = (size_t)(tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1]);
  if (!tt->blk) {
    memcpy(out, tt->cores[k], n * sizeof(double));
    return 0;
  }
  memset(out, 0, n * sizeof(double));
  int64_t nd = tt->dims[k], r1 = tt->ranks[k + 1];
  for (int64_t b = 0; b < tt->nblk[k]; b++) {
    const qclr__tt_block *B = &tt->blk[k][b];
    const double *src = tt->bdata[k] + B->off;
    for (int64_t a = 0; a < B->nr; a++)
      memcpy(out + ((B->r0 + a) * nd + B->digit) * r1 + B->c0, src + a * B->nc, (size_t)B->nc * sizeof(double));
  }
  return 0;
}
const double *qclr__tt_dense_core(const qclr_tt *tt, int k, double **tmp) {
  *tmp = NULL;
  if (!tt->blk) return tt->cores[k];
  size_t n = (size_t)(tt->ranks[k] * tt->dims[k] * tt->ranks[k + 1]);
  if (!(*tmp = qclr__malloc(n, sizeof(double), "dense TT core"))) return NULL;
  qclr_tt_core_copy(tt, k, *tmp);
  return *tmp;
}
int qclr__tt_densify(qclr_tt *tt) {
  if (!tt->blk) return 0;
  double **c = qclr__calloc((size_t)tt->d, sizeof(double *), "TT cores");
  int rc = c ? 0 : QCLR_ENOMEM;
  for (int k = 0; !rc && k < tt->d; k++) {
    double *tmp;
    if (!qclr__tt_dense_core(tt, k, &tmp)) rc = QCLR_ENOMEM;
    c[k] = tmp;
  }
  if (rc) {
    if (c)
      for (int k = 0; k < tt->d; k++) free(c[k]);
    free(c);
    return rc;
  }
  for (int k = 0; k < tt->d; k++) {
    free(tt->cores[k]);
    tt->cores[k] = c[k];
  }
  free(c);
  free_blocks(tt);
  return 0;
}
int qclr_tt_densify(qclr_tt *tt) {
  qclr__clear();
  if (!tt) return qclr__error(QCLR_EINVAL, "qclr_tt_densify: tt is NULL");
  return qclr__tt_densify(tt);
}

void qclr__tt_sectors(const qclr_tt *tt, int k, qclr__tt_sector *sec, int *ns) {
  int64_t r = tt->ranks[k];
  int n = 0;
  if (!tt->qn) {
    sec[0].q = 0;
    sec[0].off = 0;
    sec[0].n = r;
    *ns = 1;
    return;
  }
  for (int64_t i = 0; i < r; i++) {
    if (n == 0 || tt->qn[k][i] != sec[n - 1].q) {
      sec[n].q = tt->qn[k][i];
      sec[n].off = i;
      sec[n].n = 0;
      n++;
    }
    sec[n - 1].n++;
  }
  *ns = n;
}

void qclr__tt_range(const qclr_tt *tt, int k, int32_t q, int64_t *off, int64_t *n) {
  int64_t r = tt->ranks[k];
  *off = 0;
  *n = 0;
  if (!tt->qn) {
    *n = r;
    return;
  }
  for (int64_t i = 0; i < r; i++)
    if (tt->qn[k][i] == q) {
      if (*n == 0) *off = i;
      (*n)++;
    }
}

void qclr__tt_view(const qclr_tt *tt, int k, int64_t r0, int digit, int64_t c0, int64_t nc, const double **p,
                   int64_t *ld) {
  if (!tt->blk) {
    int64_t r1 = tt->ranks[k + 1];
    *p = tt->cores[k] + (r0 * tt->dims[k] + digit) * r1 + c0;
    *ld = tt->dims[k] * r1;
    return;
  }
  *p = NULL;
  *ld = 1;
  for (int64_t b = 0; b < tt->nblk[k]; b++) {
    const qclr__tt_block *B = &tt->blk[k][b];
    if (B->digit == digit && B->r0 == r0 && c0 >= B->c0 && c0 + nc <= B->c0 + B->nc) {
      *p = tt->bdata[k] + B->off + (c0 - B->c0);
      *ld = B->nc;
      return;
    }
  }
}

double *qclr_tt_core_mut(qclr_tt *tt, int k) {
  if (!tt || k < 0 || k >= tt->d) return NULL;
  if (tt->blk && qclr__tt_densify(tt)) return NULL;
  /* the caller may change the tensor: stored Schmidt values, the
   * orthonormality and the block structure are no longer known */
  for (int b = 0; b + 1 < tt->d; b++) {
    free(tt->sv[b]);
    tt->sv[b] = NULL;
    tt->nsv[b] = 0;
  }
  tt->left_orth = 0;
  qclr__tt_drop_labels(tt);
  return tt->cores[k];
}
double qclr_tt_scale(const qclr_tt *tt) { return tt ? tt->scale : NAN; }
void qclr_tt_set_scale(qclr_tt *tt, double s) {
  if (!tt || !isfinite(s)) {
    qclr__error(QCLR_EINVAL, "qclr_tt_set_scale: %s (ignored)", tt ? "non-finite scale" : "NULL tensor train");
    return;
  }
  tt->scale = s;
}

const double *qclr_tt_singular_values(const qclr_tt *tt, int bond, int64_t *n) {
  if (!tt || bond < 0 || bond >= tt->d - 1 || !tt->sv || !tt->sv[bond]) {
    if (n) *n = 0;
    return NULL;
  }
  if (n) *n = tt->nsv[bond];
  return tt->sv[bond];
}

void qclr__tt_set_core(qclr_tt *tt, int k, double *core, int64_t rnew) {
  if (tt->qn && rnew != tt->ranks[k + 1]) qclr__tt_drop_labels(tt);
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

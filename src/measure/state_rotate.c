/* src/state_rotate.c: an orbital rotation applied to a CI vector as its Givens
 * network, one rotation at a time on the occupation strings -- the same
 * sequence of two-qubit gates the exported circuits run. */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "measure/measure_internal.h"
#include "qclr/strings.h"
#include "qclr/givens.h"

static int64_t find_string(const uint64_t *s, int64_t n, uint64_t x) {
  int64_t lo = 0, hi = n - 1;
  while (lo <= hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (s[mid] == x) return mid;
    if (s[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* For each mode pair (i, i+1): the string pairs (a, b), a holding i, b holding
 * i+1, otherwise equal.  pairs + off[i] .. pairs + off[i+1] (two entries each). */
typedef struct {
  int64_t ns;
  uint64_t *str;
  int64_t *off, *pairs;
  double *sign; /* per string: product of the diagonal signs it occupies */
} spin_block;

static void block_free(spin_block *b) {
  free(b->str), free(b->off), free(b->pairs), free(b->sign);
}

static int block_build(spin_block *b, const qclr_givens *g, int nel) {
  int norb = (int)qclr_givens_norb(g);
  int rc = qclr_ci_strings(norb, nel, &b->str, &b->ns);
  if (rc) return rc;
  int64_t np = 0;
  for (int64_t k = 0; k < b->ns; k++)
    for (int i = 0; i + 1 < norb; i++)
      if (((b->str[k] >> i) & 3u) == 1u) np++;
  b->off = qclr__malloc((size_t)norb + 1, sizeof *b->off, "string pairs");
  b->pairs = qclr__malloc((size_t)(2 * np + 1), sizeof *b->pairs, "string pairs");
  b->sign = qclr__malloc((size_t)b->ns, sizeof *b->sign, "string signs");
  if (!b->off || !b->pairs || !b->sign) return QCLR_ENOMEM;
  const double *d = qclr_givens_diagonal(g);
  int64_t t = 0;
  for (int i = 0; i < norb; i++) {
    b->off[i] = t;
    for (int64_t k = 0; i + 1 < norb && k < b->ns; k++)
      if (((b->str[k] >> i) & 3u) == 1u) {
        b->pairs[2 * t] = k;
        b->pairs[2 * t + 1] = find_string(b->str, b->ns, b->str[k] ^ (3ull << i));
        t++;
      }
  }
  b->off[norb] = t;
  for (int64_t k = 0; k < b->ns; k++) {
    double s = 1.0;
    for (int p = 0; p < norb; p++)
      if ((b->str[k] >> p) & 1u) s *= d[p];
    b->sign[k] = s;
  }
  return 0;
}

int qclr__givens_rotate_civec(const qclr_givens *g, int nalpha, int nbeta, double *c, int nthreads) {
  int64_t norb = qclr_givens_norb(g);
  if (norb > 64 || nalpha < 0 || nbeta < 0 || nalpha > norb || nbeta > norb || !c)
    return qclr__error(QCLR_EINVAL, "rotate CI vector: need 0 <= nalpha, nbeta <= norb <= 64 (%d, %d, %lld)",
                       nalpha, nbeta, (long long)norb);
  spin_block A = {0}, B = {0};
  int rc = block_build(&A, g, nalpha);
  if (!rc) rc = block_build(&B, g, nbeta);
  if (rc) {
    block_free(&A), block_free(&B);
    return rc;
  }
  int nt = nthreads > 0 ? nthreads : 1;
  (void)nt;
  int64_t na = A.ns, nb = B.ns;
  const qclr_givens_rotation *rot = qclr_givens_rotations(g);
  int64_t K = qclr_givens_count(g);
  for (int64_t t = 0; t < K; t++) {
    int64_t i = rot[t].i;
    double cs = cos(rot[t].theta), sn = sin(rot[t].theta);
    /* alpha: rows of c */
    int64_t p0 = A.off[i], p1 = A.off[i + 1];
#pragma omp parallel for num_threads(nt) schedule(static) if ((p1 - p0) * nb > 20000)
    for (int64_t q = p0; q < p1; q++) {
      double *x = c + A.pairs[2 * q] * nb, *y = c + A.pairs[2 * q + 1] * nb;
      for (int64_t k = 0; k < nb; k++) {
        double u = x[k], v = y[k];
        x[k] = cs * u - sn * v;
        y[k] = sn * u + cs * v;
      }
    }
    /* beta: columns of c */
    int64_t q0 = B.off[i], q1 = B.off[i + 1];
#pragma omp parallel for num_threads(nt) schedule(static) if (na * (q1 - q0) > 20000)
    for (int64_t r = 0; r < na; r++) {
      double *row = c + r * nb;
      for (int64_t q = q0; q < q1; q++) {
        int64_t a = B.pairs[2 * q], b = B.pairs[2 * q + 1];
        double u = row[a], v = row[b];
        row[a] = cs * u - sn * v;
        row[b] = sn * u + cs * v;
      }
    }
  }
  for (int64_t r = 0; r < na; r++)
    for (int64_t k = 0; k < nb; k++) c[r * nb + k] *= A.sign[r] * B.sign[k];
  block_free(&A), block_free(&B);
  return 0;
}

int qclr_givens_rotate_civec(const qclr_givens *g, int nalpha, int nbeta, double *c) {
  qclr__clear();
  if (!g) return qclr__error(QCLR_EINVAL, "rotate CI vector: g is NULL");
  return qclr__givens_rotate_civec(g, nalpha, nbeta, c, qclr__nthreads());
}

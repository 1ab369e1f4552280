/* src/factor/cholesky_direct.c: the pivoted-Cholesky driver: validates the
 * options and dispatches to the greedy, random or block variant.  Every variant
 * works on a qclr_pair_operator (diagonal + columns on request), so an
 * integral-direct host never forms V; the in-memory Hamiltonian is one client
 * of it.  The kernels the variants share are in cholesky_kernels.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "factor/factor_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"

void qclr_cholesky_options_default(qclr_cholesky_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->tol = 1e-6;
  o->max_rank = 0;
  o->pivot = QCLR_PIVOT_GREEDY;
  o->seed = 1;
  o->block = 0;
}

int qclr_cholesky_direct(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_cholesky_direct: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(o, "qclr_cholesky_options_default");
  qclr_cholesky_options def;
  if (!o) {
    qclr_cholesky_options_default(&def);
    o = &def;
  }
  if (!op || !op->diag || !op->columns || op->n < 0)
    return qclr__error(QCLR_EINVAL, "qclr_cholesky_direct: operator without dimension or callbacks");
  if (!(o->tol >= 0.0) || !isfinite(o->tol))
    return qclr__error(QCLR_EINVAL, "Cholesky: tolerance must be finite and >= 0 (got %g)", o->tol);
  if (o->max_rank < 0 || o->block < 0)
    return qclr__error(QCLR_EINVAL, "Cholesky: max_rank and block must be >= 0");
  if (o->pivot != QCLR_PIVOT_GREEDY && o->pivot != QCLR_PIVOT_RANDOM && o->pivot != QCLR_PIVOT_BLOCK)
    return qclr__error(QCLR_EINVAL, "Cholesky: unknown pivot rule %d", o->pivot);
  int rc = qclr__check_lapack_int(op->n, "Cholesky dimension");
  if (rc) return rc;
  qclr_lowrank *lr;
  int64_t cap = op->n < 64 ? op->n : 64;
  if (o->max_rank > 0 && o->max_rank < cap) cap = o->max_rank;
  if ((rc = qclr__lowrank_new(op->n, cap, 1, &lr))) return rc;
  /* BLAS on the calling thread: the OpenMP OpenBLAS rounds its gemv/gemm sums
   * differently with 1 and 2 threads (docs/conventions.md §2, Determinism) */
  qclr__serial_state serial = qclr__lapack_serial_begin();
  switch (o->pivot) {
    case QCLR_PIVOT_RANDOM: rc = qclr__cholesky_random(op, o, lr); break;
    case QCLR_PIVOT_BLOCK: rc = qclr__cholesky_block(op, o, lr); break;
    default: rc = qclr__cholesky_greedy(op, o, lr); break;
  }
  qclr__lapack_serial_end(serial);
  if (rc < 0) {
    qclr_lowrank_free(lr);
    return rc;
  }
  if (!lr->converged)
    rc = qclr__error(QCLR_WRANKCAP,
                     "Cholesky: rank cap %lld reached with largest residual diagonal %.6g > tol %.3g",
                     (long long)o->max_rank, lr->max_residual, o->tol);
  *out = lr;
  return rc;
}

/* In-memory client: V is symmetric, so column j is row j. */
static int mem_diag(void *ctx, double *d) {
  const qclr_hamiltonian *H = ctx;
  int64_t n = qclr_hamiltonian_npair(H);
  const double *V = qclr_hamiltonian_vpair(H);
  for (int64_t i = 0; i < n; i++) d[i] = V[i * n + i];
  return 0;
}

static int mem_columns(void *ctx, int64_t ncol, const int64_t *cols, double *out) {
  const qclr_hamiltonian *H = ctx;
  int64_t n = qclr_hamiltonian_npair(H);
  const double *V = qclr_hamiltonian_vpair(H);
  for (int64_t k = 0; k < ncol; k++) memcpy(out + k * n, V + cols[k] * n, (size_t)n * sizeof(double));
  return 0;
}

static int mem_block(void *ctx, int64_t m, const int64_t *idx, double *out) {
  const qclr_hamiltonian *H = ctx;
  int64_t n = qclr_hamiltonian_npair(H);
  const double *V = qclr_hamiltonian_vpair(H);
  for (int64_t t = 0; t < m; t++) {
    const double *row = V + idx[t] * n;
    for (int64_t c = 0; c < m; c++) out[t * m + c] = row[idx[c]];
  }
  return 0;
}

int qclr_cholesky_compute(const qclr_hamiltonian *H, const qclr_cholesky_options *o, qclr_lowrank **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_cholesky_compute: out is NULL");
  *out = NULL;
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_cholesky_compute: H is NULL");
  qclr_pair_operator op = {qclr_hamiltonian_npair(H), mem_diag, mem_columns, (void *)H, mem_block};
  return qclr_cholesky_direct(&op, o, out);
}

/* src/tt_internal.h: the qclr_tt structure, shared by the src/tt_*.c files. */
#ifndef QCLR_TT_INTERNAL_H
#define QCLR_TT_INTERNAL_H

#include "core/ci_strings.h"
#include "core/internal.h"
#include "qclr/tt.h"

struct qclr_tt {
  int d;
  int64_t *dims;   /* d */
  int64_t *ranks;  /* d+1 */
  double **cores;  /* d, each r_k n_k r_{k+1} */
  double scale;
  double **sv;     /* d-1 Schmidt spectra (may be NULL) */
  int64_t *nsv;    /* d-1 */
  /* cores 0..d-2 left-orthonormal (sum_{a,i} G[a,i,b] G[a,i,c] = delta_bc) */
  int left_orth;
  /* Optional particle-number sector labels (NULL when unknown): qn[k][b] is
   * the code QCLR__TT_QN(n_alpha, n_beta) of the sites left of bond k for
   * bond index b (k = 0..d, ranks[k] entries), qd[k][i] the code of digit i of
   * site k; G_k[a, i, b] != 0 only if qn[k+1][b] == qn[k][a] + qd[k][i].
   * Set by qclr_tt_svd_ci; kept by copies and scalings; dropped by anything
   * that may break the block structure. */
  int32_t **qn;
  int32_t **qd;
  /* Block-sparse storage (qclr_tt_svd_ci; requires labels whose equal values
   * are contiguous): core k is the list blk[k][0..nblk[k]-1] of dense blocks
   * (row-major, in bdata[k]) and cores[k] is NULL.  Entries outside the
   * blocks are zero. */
  int64_t *nblk;
  struct qclr__tt_block **blk;
  double **bdata;
};

typedef struct qclr__tt_block {
  int64_t r0, nr; /* rows: bond-k indices [r0, r0 + nr) (one sector) */
  int64_t c0, nc; /* columns: bond-(k+1) indices [c0, c0 + nc) (one sector) */
  int digit;
  int64_t off;    /* start in bdata[k] */
} qclr__tt_block;

/* A sector of a bond: its label and index range. */
typedef struct {
  int32_t q;
  int64_t off, n;
} qclr__tt_sector;

/* The sectors of bond k (0..d): *ns ranges, in index order.  Without labels,
 * one sector (label 0) covering the bond.  sec must hold ranks[k] entries. */
void qclr__tt_sectors(const qclr_tt *tt, int k, qclr__tt_sector *sec, int *ns);
/* Index range of label q at bond k (n = 0 if absent; the whole bond without
 * labels). */
void qclr__tt_range(const qclr_tt *tt, int k, int32_t q, int64_t *off, int64_t *n);
/* Strided view of core k: rows [r0, r0+nr) of bond k, digit i, columns
 * [c0, c0+nc) of bond k+1.  For a block-sparse core the rows must be one
 * block's row range; *p = NULL when no block covers the columns (zero). */
void qclr__tt_view(const qclr_tt *tt, int k, int64_t r0, int digit, int64_t c0, int64_t nc, const double **p,
                   int64_t *ld);
/* Core k as a dense array: tt->cores[k], or a malloc'd copy in *tmp (free it);
 * NULL on allocation failure. */
const double *qclr__tt_dense_core(const qclr_tt *tt, int k, double **tmp);
/* Convert block-sparse cores to dense ones in place. */
int qclr__tt_densify(qclr_tt *tt);

#define QCLR__TT_QN(na, nb) ((int32_t)(((na) << 16) | (nb)))
#define QCLR__TT_QN_A(q) ((int)((q) >> 16))
#define QCLR__TT_QN_B(q) ((int)((q) & 0xffff))

/* Forget the sector labels (the cores may no longer respect them). */
void qclr__tt_drop_labels(qclr_tt *tt);
/* Give tt the labels of the CI sites (site_kind QCLR_TT_SPATIAL / QCLR_TT_SPIN):
 * qd from the local basis, qn[0] = 0; qn[1..d] allocated with ranks[k]
 * entries, to be filled by the caller.  0 or QCLR_ENOMEM. */
int qclr__tt_alloc_labels(qclr_tt *tt, int site_kind);
/* Local digit codes of a CI site: the (n_alpha, n_beta) of digit i. */
int32_t qclr__tt_digit_qn(int site_kind, int site, int digit);

/* Replace core k by a malloc'd array of shape (r_k, n_k, rnew) and set
 * ranks[k+1] = rnew (the caller keeps the next core consistent). */
void qclr__tt_set_core(qclr_tt *tt, int k, double *core, int64_t rnew);
/* Replace the Schmidt values of bond k by a copy of s[0..n-1] normalized. */
int qclr__tt_set_sv(qclr_tt *tt, int k, const double *s, int64_t n);
/* Allocate an empty TT (cores NULL) with given dims; ranks set to 1. */
int qclr__tt_alloc(int d, const int64_t *dims, qclr_tt **out);

/* Truncation rank: smallest r with sum_{i>=r} s_i^2 <= delta2, then capped to
 * max_rank (0 = none) and at least 1.  *disc = the discarded sum of squares,
 * *capped = 1 if the cap cut more than delta2 allowed. */
int64_t qclr__tt_trunc_rank(const double *s2, int64_t n, double delta2, int64_t max_rank,
                            double *disc, int *capped);

/* Truncated SVD of the m x n row-major matrix A (destroyed): returns U (m x r),
 * s (r) and Vt (r x n) malloc'd, with rank chosen by qclr__tt_trunc_rank on
 * sigma^2.  method: QCLR_TT_GESDD (gesvd fallback) or QCLR_TT_GESVD. */
int qclr__tt_tsvd(double *A, int64_t m, int64_t n, int method, double delta2, int64_t max_rank,
                  double **U, double **s, double **Vt, int64_t *r, double *disc, int *capped,
                  double **sall, int64_t *nall);

/* The parts every TT-SVD driver shares (tt_sweep.c). */
/* sum x_i^2 in four partial sums (no scaling: for data of moderate size). */
double qclr__tt_sumsq(const double *x, size_t n);
/* eps finite >= 0, max_rank >= 0, method a QCLR_TT_* (pass QCLR_TT_AUTO when
 * there is none); who names the caller in the message. */
int qclr__tt_check_options(const char *who, double eps, int64_t max_rank, int method);
/* An empty TT with these dims (qclr__tt_alloc) and *total = prod dims, or
 * QCLR_ETOOLARGE. */
int qclr__tt_begin(int ndim, const int64_t *dims, qclr_tt **tt, size_t *total);
/* ||x||^2 = 2^(2 *pexp) *norm2 without overflow or underflow: *pexp = 0 and the
 * plain sum when that lies in [2^-600, 2^600], else the sweep must run on
 * x 2^-pexp (qclr__tt_unscale).  QCLR_EINVAL on a non-finite entry. */
int qclr__tt_input_norm(const char *who, const double *x, size_t n, int *pexp, double *norm2);
/* dst = src 2^-pexp (exact; dst may be src). */
void qclr__tt_unscale(double *dst, const double *src, size_t n, int pexp);
/* One truncated step of a sweep: W (r x n) = diag(s) Vt, U becomes core k
 * (ownership passes), s the Schmidt values of bond k; Vt and s are freed. */
int qclr__tt_store_step(qclr_tt *tt, int k, double *U, double *s, double *Vt, int64_t r, int64_t n, double *W);
/* The truncation rule (docs/conventions.md §2): each unfolding may discard
 * delta^2 = eps^2 ||x||^2 / (d - 1) of squared singular values (0 for d = 1). */
double qclr__tt_delta2(double eps, int d, double norm2);
/* Put 2^pexp back into the scale, mark the cores left-orthonormal and fill
 * info (norm, error = sqrt(err2), relative error) for a sweep over x 2^-pexp
 * with ||x 2^-pexp||^2 = norm2.  Returns QCLR_WRANKCAP (message set) if capped. */
int qclr__tt_finish(qclr_tt *tt, int pexp, double norm2, double err2, int capped, int64_t max_rank,
                    qclr_tt_info *info);

#endif

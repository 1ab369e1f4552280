/* qclr/rank.h: how much rank is real, and how stable is the kept subspace.
 *
 * Every truncation in qclr (pivoted-Cholesky residual diagonals, eigen and
 * double-factorization eigenvalues, the singular values of each TT-SVD
 * unfolding) cuts a decreasing spectrum s_1 >= s_2 >= ... >= s_n >= 0.  Next
 * to the tolerance rule each module applies, this module suggests ranks from
 * the spectrum itself:
 *
 *  - the spectral gap: the rank k in the candidate range with the largest
 *    relative gap s_k / s_{k+1} (a cut in a large gap is stable, one in a
 *    small gap is not: the kept subspace moves by about |E| / gap);
 *  - the Akaike information criterion for a matrix observed with i.i.d.
 *    Gaussian noise of unknown variance, with the small-sample correction of
 *    Hurvich & Tsai (Biometrika 76, 297, 1989):
 *        AIC(r) = D log(RSS_r / D) + 2 P(r) + 2 P(r) (P(r) + 1) / (D - P(r) - 1),
 *    with, for an m x n matrix (singular values), D = m n, P(r) = r (m + n - r),
 *    RSS_r = sum_{k>r} s_k^2; for a symmetric n x n matrix (|eigenvalues|),
 *    D = n (n + 1) / 2 unique entries, P(r) = r n - r (r - 1) / 2, and
 *    RSS_r = (n + 1) / (2 n) sum_{k>r} s_k^2 (the unique-entry share of the
 *    Frobenius residual when the noise is i.i.d. on unique entries).
 *    RSS_r below the round-off floor D (eps_mach s_1)^2 is taken at that
 *    floor; ranks with P(r) >= D - 1 are no candidates.  Without the
 *    correction the criterion keeps falling as r approaches min(m, n) (the
 *    largest noise directions are fitted at a price the plain count
 *    underestimates): it picked r = min(m, n) - 1 on every noisy test matrix
 *    of tests/test_rank.py, where the corrected one finds the true rank.
 *    AIC needs a noise model: exact integrals have none, and the
 *    callers then report "not applicable" rather than a number.
 *
 * Subspace stability: principal angles between two column spaces
 * (Bjorck-Golub, with the sine formula of Knyazev-Argentati for small angles),
 * and the Wedin / Davis-Kahan bound sin(theta_max) <= |E| / delta.
 */
#ifndef QCLR_RANK_H
#define QCLR_RANK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* rank rules, as selected by `--rank-rule tol|gap|aic` in the apps */
enum { QCLR_RANK_TOL = 0, QCLR_RANK_GAP = 1, QCLR_RANK_AIC = 2 };

/* what the values are */
enum {
  QCLR_SPECTRUM_SINGULAR = 0, /* singular values of an m x n matrix */
  QCLR_SPECTRUM_SYMMETRIC = 1 /* |eigenvalues| of a symmetric n x n matrix (m ignored) */
};

typedef struct {
  size_t size;      /* sizeof(qclr_rank_options), set by qclr_rank_options_default */
  int kind;         /* QCLR_SPECTRUM_* (default SINGULAR) */
  int64_t m, n;     /* matrix shape for AIC; n = 0 (default): no noise model, no AIC */
  int64_t min_rank; /* candidate ranks k in [min_rank, max_rank] (default 1) */
  int64_t max_rank; /* 0 (default): nvalues - 1 */
  double floor;     /* relative round-off floor (default 1e-14): values below floor*s_1 are
                       raised to it in gap ratios, and ranks whose s_k is below it are no candidates */
} qclr_rank_options;

void qclr_rank_options_default(qclr_rank_options *o);

typedef struct {
  int64_t rank_gap;       /* k with the largest s_k / s_{k+1} in the range (-1: no candidate) */
  double gap_ratio;       /* that ratio (>= 1) */
  int64_t gap_ranks[3];   /* the three largest gaps' ranks, largest first (-1 where fewer) */
  double gap_ratios[3];   /* and their ratios (0 where fewer) */
  int64_t rank_aic;       /* AIC minimizer in the range; -1 without a noise model */
  double aic;             /* AIC(rank_aic) (0 without a noise model) */
} qclr_rank_report;

/* Rank suggestions from a spectrum `values` (nvalues >= 1, finite, >= 0,
 * non-increasing; values beyond nvalues are taken as 0).  QCLR_EINVAL on a
 * bad spectrum or options (message says which). */
int qclr_rank_suggest(int64_t nvalues, const double *values, const qclr_rank_options *o, qclr_rank_report *out);

/* AIC(r) as defined above for one rank r (0 <= r <= nvalues). */
int qclr_rank_aic(int64_t nvalues, const double *values, const qclr_rank_options *o, int64_t r, double *out);

/* Principal angles (radians, ascending, min(ka, kb) of them) between the
 * column spaces of A (m x ka) and B (m x kb), both C order (row-major, row
 * stride ka resp. kb).  Columns must be linearly independent (QCLR_EINVAL
 * otherwise).  Accurate for small angles: sines come from the part of B
 * orthogonal to A.  Same as scipy.linalg.subspace_angles, which lists them in
 * descending order. */
int qclr_principal_angles(int64_t m, int64_t ka, const double *A, int64_t kb, const double *B, double *angles);

/* Wedin's bound for the kept rank-r singular subspace of A when A + E is
 * observed: sin(theta_max) <= |E|_2 / delta with delta = s_r - s_{r+1} - |E|_2
 * (Weyl).  *out = min(1, that); 1 when delta <= 0 (no bound: the cut is
 * unstable).  s_r >= s_{r+1} >= 0, enorm >= 0. */
int qclr_wedin_bound(double s_r, double s_r1, double enorm, double *out);

#ifdef __cplusplus
}
#endif
#endif

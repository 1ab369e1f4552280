/* qclr/thc.h: tensor hypercontraction (THC) of the two-electron integrals by
 * interpolative decomposition of a double factorization.
 *
 *   (pq|rs) ~= sum_{mu,nu} chi_p^mu chi_q^mu Z_{mu nu} chi_r^nu chi_s^nu
 *
 * A double factorization is already a THC whose points are its Lxi
 * eigenvectors u (chi^mu = u, unit vectors) and whose Z is block diagonal.
 * qclr_thc_from_df keeps M of those candidates, chosen by column-subset
 * selection on the pair-space product vectors (u_p u_q) (weighted so that the
 * pair-space Frobenius norm is the one over all N^4 elements):
 *   QCLR_THC_SELECT_GKS      randomized Golub-Klema-Stewart: a Gaussian sketch
 *                            of the leading right singular subspace (M + 10
 *                            rows), orthonormalized, then column-pivoted QR on
 *                            it (Armstrong, Buzali, Damle, arXiv:2310.09452);
 *   QCLR_THC_SELECT_CPQR     deterministic column-pivoted QR of all products;
 *   QCLR_THC_SELECT_UNIFORM  M candidates uniformly at random;
 * then fits Z by least squares over all N^4 elements of the exact ERIs,
 * Z = B^+ V B^+T.  lambda_THC is Lee et al., PRX Quantum 2, 030305 (2021),
 * Eqs. (11)-(13), (18): lambda_T + lambda_z with T' = h - 1/2 sum_r (pr|rq)
 * + sum_r (pq|rr)_THC, lambda_T = sum |eig T'|, lambda_z = 1/2 sum |Z'|, Z' =
 * Z scaled by the squared norms of its points.
 */
#ifndef QCLR_THC_H
#define QCLR_THC_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/factor.h"
#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { QCLR_THC_SELECT_GKS = 0, QCLR_THC_SELECT_CPQR = 1, QCLR_THC_SELECT_UNIFORM = 2 };

typedef struct {
  size_t size;   /* sizeof(qclr_thc_options), set by qclr_thc_options_default */
  int select;    /* QCLR_THC_SELECT_* (default GKS) */
  uint64_t seed; /* GKS sketch and uniform selection (default 1) */
} qclr_thc_options;
void qclr_thc_options_default(qclr_thc_options *o);

typedef struct qclr_thc qclr_thc;

/* THC of rank M (1 <= M <= min(qclr_df_nterms(df), N(N+1)/2)) from the double factorization
 * df of H.  *out owned by the caller (qclr_thc_free).  QCLR_EINVAL for a bad
 * M or select; QCLR_ENUMERIC if LAPACK fails.  Time O(npair^2 M + npair Lxi
 * M), memory O(npair^2 + npair Lxi), npair = N(N+1)/2. */
int qclr_thc_from_df(const qclr_hamiltonian *H, const qclr_df *df, int64_t M, const qclr_thc_options *o,
                     qclr_thc **out);
void qclr_thc_free(qclr_thc *t);
int64_t qclr_thc_rank(const qclr_thc *t);             /* M */
int64_t qclr_thc_norb(const qclr_thc *t);             /* N */
const double *qclr_thc_points(const qclr_thc *t);     /* chi, M x N row-major: chi[mu*N + p] */
const double *qclr_thc_z(const qclr_thc *t);          /* Z, M x M row-major, symmetric */
const int64_t *qclr_thc_selected(const qclr_thc *t);  /* M candidate indices (DF eigenpair order) */
double qclr_thc_lambda(const qclr_thc *t);            /* lambda_THC (Hartree) */
double qclr_thc_max_abs_error(const qclr_thc *t);     /* exact max |(pq|rs) - (pq|rs)_THC| */
double qclr_thc_frobenius_error(const qclr_thc *t);   /* over all N^4 elements */
/* Hamiltonian with the THC ERIs (same h, e_core, electrons) into *out. */
int qclr_thc_hamiltonian(const qclr_hamiltonian *H, const qclr_thc *t, qclr_hamiltonian **out);

#ifdef __cplusplus
}
#endif
#endif

/* qclr/groups.h: basis-rotation measurement groups (Huggins et al., npj
 * Quantum Inf. 7, 23 (2021)) from a double factorization
 *
 *   H = E_const + sum_pq T_pq E_pq + 1/2 sum_l (sum_pq L^l_pq E_pq)^2,
 *   L^l = U^l diag(f^l) U^lT,  T = U^0 diag(t) U^0T.
 *
 * Group 0 is D_0 = sum_k t_k n~_k, group g >= 1 is D_g = 1/2 sum_kl W_kl n~_k n~_l
 * with W = sum over the factors merged into it of f f^T, n~_k = n_k,alpha +
 * n_k,beta the occupation of rotated orbital k (column k of U).  On the qubits
 * (blocked Jordan-Wigner, qubit k = (k, alpha), N+k = (k, beta)), after the
 * group's circuit, D_g = const + sum_i a_i n_i + sum_{i<j} b_ij n_i n_j with
 *   group 0:   a_(k,s) = t_k,          b = 0
 *   group >=1: a_(k,s) = W_kk / 2,     b_{(k,s),(l,s')} = W_kl  (n^2 = n folded in)
 * Factors whose two-body operators share an eigenbasis (they commute) are
 * merged into one group: factor l joins the first group g in whose basis L^l
 * is block diagonal, to merge_tol, over the blocks of columns degenerate in
 * all of g's members; each block is then rotated to diagonalize L^l too (the
 * members are scalar there), so the group's rotation is a common eigenbasis
 * and a Hamiltonian whose two-body part is diagonal in one basis gives one
 * two-body group whatever eigenbasis each factor came with.
 *
 * Measuring group g: run its circuit (qclr_groups_givens: the network of the
 * single-particle map M = U^T, so mode k afterwards is rotated orbital k), read
 * the 2N bits, evaluate D_g.  sum_g <D_g> + constant = <H>.
 */
#ifndef QCLR_GROUPS_H
#define QCLR_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/factor.h"
#include "qclr/givens.h"
#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  size_t size;      /* sizeof(qclr_groups_options), set by qclr_groups_options_default */
  double merge_tol; /* merging tolerance on off-diagonal elements and on equal eigenvalues
                       (default 1e-10, times max(1, max|f^l|)) */
  int merge;        /* 1 = merge coinciding rotations (default), 0 = one group per factor */
  double min_angle; /* circuits: Givens rotations with |theta| below it are dropped, within it of
                       +-pi folded into Z gates (qclr_givens_simplify; default 1e-12 pi, [0, pi/4)) */
} qclr_groups_options;
void qclr_groups_options_default(qclr_groups_options *o);

typedef struct qclr_groups qclr_groups;

/* Build the groups from arrays (all copied; caller keeps ownership):
 * T (N x N symmetric, Hartree), constant (E_core), nfactors factors with
 * rotation[l] (N x N row-major orthogonal, column k the eigenvector of
 * eigenvalues[l][k]) and size[l] eigenvalues kept (columns >= size[l] carry
 * f = 0).  QCLR_EINVAL on a non-orthogonal rotation or NaN/Inf in constant,
 * T, a rotation or a kept eigenvalue.  o NULL = defaults.  *out owned by
 * the caller (qclr_groups_free).  O(L N^3 + L^2 N^2). */
int qclr_groups_from_factors(int64_t norb, double constant, const double *T, int64_t nfactors,
                             const int64_t *size, const double *const *rotation,
                             const double *const *eigenvalues, const qclr_groups_options *o,
                             qclr_groups **out);
void qclr_groups_free(qclr_groups *gs);

/* Same from the factor module's double factorization (qclr/factor.h): T =
 * qclr_df_one_body, constant = e_core of H, one factor per kept L^l.
 * o NULL = defaults. */
int qclr_groups_from_df(const qclr_hamiltonian *H, const qclr_df *df, const qclr_groups_options *o,
                        qclr_groups **out);

int64_t qclr_groups_norb(const qclr_groups *gs);
int64_t qclr_groups_count(const qclr_groups *gs);       /* 1 + two-body groups */
double qclr_groups_constant(const qclr_groups *gs);     /* Hartree */
const double *qclr_groups_rotation(const qclr_groups *gs, int64_t g);  /* U, N x N */
/* network of U^T as the circuit runs it (qclr_givens_simplify with min_angle;
 * moments and the simulation use it) and the full decomposition */
const qclr_givens *qclr_groups_givens(const qclr_groups *gs, int64_t g);
const qclr_givens *qclr_groups_givens_full(const qclr_groups *gs, int64_t g);
/* group 0: t (N); group g >= 1: W (N x N, row-major, symmetric) */
const double *qclr_groups_coefficients(const qclr_groups *gs, int64_t g);
/* factors merged into group g >= 1 (0 for group 0) and their eigenvalues, each
 * N entries in the order of U's columns (zeros where not kept): W = sum_j f_j f_j^T.
 * A group's U is its first factor's rotation, re-diagonalized inside degenerate
 * blocks when later factors merge. */
int64_t qclr_groups_nmerged(const qclr_groups *gs, int64_t g);
const double *qclr_groups_eigenvalues(const qclr_groups *gs, int64_t g, int64_t j);
/* Qubit form of group g: a (2N) and b (2N x 2N, only i < j filled, rest 0). */
int qclr_groups_qubit_terms(const qclr_groups *gs, int64_t g, double *a, double *b);
/* Value of D_g (without the constant) for measured occupations occ[q] in {0,1}, q < 2N. */
double qclr_groups_value(const qclr_groups *gs, int64_t g, const unsigned char *occ);

/* Mean and variance (per shot) of every group in the state c (CI vector of
 * nalpha/nbeta electrons, docs/conventions.md order, normalized; not modified): the
 * state is rotated by each group's network and <D>, <D^2> - <D>^2 taken over
 * |c_det|^2.  mean, var: count entries.  norb <= 64.  O(count N^2 dim). */
int qclr_groups_moments(const qclr_groups *gs, int nalpha, int nbeta, const double *c, double *mean,
                        double *var);

/* Same in a Slater determinant, without a CI vector (any N; src/groups_det.c):
 * ca (N x nalpha) and cb (N x nbeta), row-major, hold the occupied orbitals'
 * coefficients in the Hamiltonian's orbital basis (orthonormal columns, else
 * QCLR_EINVAL); NULL = the lowest orbitals, i.e. the reference (Hartree-Fock)
 * determinant of an FCIDUMP.  Exact (Wick / determinantal-process cumulants),
 * equal to qclr_groups_moments on that determinant's CI vector.
 * O(count N^3) (O(N^4) for a group with more than ~sqrt(2N) merged factors). */
int qclr_groups_moments_det(const qclr_groups *gs, int nalpha, int nbeta, const double *ca, const double *cb,
                            double *mean, double *var);

/* Optimal shots for a target standard error eps (Hartree) of the total:
 * m_g = ceil(M sigma_g / sum sigma), M = (sum sigma)^2 / eps^2.  shots: n
 * entries; *total = sum m_g.  QCLR_EINVAL for eps <= 0. */
int qclr_groups_shots(int64_t n, const double *var, double eps, int64_t *shots, int64_t *total);

/* A fixed budget of total shots split over n groups in proportion to
 * sigma_g = sqrt(var_g) (equally when every var_g is 0): x_g = total sigma_g /
 * sum sigma, shots[g] = floor(x_g), then the remaining shots go one each to
 * the groups with the largest fractional parts x_g - floor(x_g) (lowest index
 * first on ties), so sum shots = total exactly (largest-remainder rounding;
 * it minimizes sum_g (shots[g] - x_g)^2).  var_g < 0 counts as 0.  QCLR_EINVAL
 * for n < 1, total < 0 or a non-finite var.  O(n^2) at most. */
int qclr_groups_split_shots(int64_t n, const double *var, int64_t total, int64_t *shots);

/* Simulated experiment (src/sample.c).  Per group: rotate the state, draw
 * shots[g] bitstrings from |c|^2 (GSL mt19937 seeded with seed + g * 0x9E3779B97F4A7C15), flip each
 * bit with probability noise, discard bitstrings whose alpha or beta count
 * differs from nalpha/nbeta, and average D_g over the rest.  stderr_ is the
 * sample standard error (0 with one kept shot); a group that kept no shot
 * gets mean = stderr_ = NaN.  noise in [0, 0.5] (else QCLR_EINVAL).
 * Results do not depend on the thread count (qclr_set_threads).
 * O(sum shots * N^2 + count * K * dim). */
typedef struct {
  double mean, stderr_; /* estimate of <D_g> and its standard error */
  int64_t kept, discarded;
} qclr_groups_estimate;
int qclr_groups_simulate(const qclr_groups *gs, int nalpha, int nbeta, const double *c,
                         const int64_t *shots, double noise, uint64_t seed, qclr_groups_estimate *est);

#ifdef __cplusplus
}
#endif
#endif

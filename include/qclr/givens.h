/* qclr/givens.h: nearest-neighbour Givens networks for real orbital rotations.
 *
 * A single-particle map M (N x N real orthogonal: creation operators transform as
 * a+_p -> sum_q M_qp a+_q) is written as
 *
 *     M = D * G_K * ... * G_2 * G_1,
 *
 * G_k the k-th rotation in application order and D = diag(+-1).  G(i, theta)
 * is the identity except on modes (i, i+1):
 *     G[i][i] = cos(theta)   G[i][i+1] = -sin(theta)
 *     G[i+1][i] = sin(theta) G[i+1][i+1] = cos(theta)
 * so a+_i -> cos a+_i + sin a+_{i+1}.  Because the two modes are adjacent in
 * Jordan-Wigner order no parity string appears: on qubits (i, i+1) it is the
 * two-qubit gate that rotates |10>,|01> and leaves |00>,|11> alone.  D_k = -1
 * is a Z gate on mode k (a phase (-1)^{n_k}; it never changes measurement
 * probabilities).  phi is kept for complex networks and is 0 here.
 *
 * The decomposition is Clements et al. (Optica 3, 1460 (2016)) for real
 * matrices: N(N-1)/2 rotations in at most N layers (rotations of one layer act
 * on disjoint mode pairs and run in parallel).
 */
#ifndef QCLR_GIVENS_H
#define QCLR_GIVENS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int64_t i, j;  /* modes, j = i + 1 */
  double theta;  /* radians, from atan2 */
  double phi;    /* 0 for real rotations */
  int64_t layer; /* 0-based layer (as-soon-as-possible schedule) */
} qclr_givens_rotation;

typedef struct qclr_givens qclr_givens;

/* Decompose the N x N row-major orthogonal matrix M (not modified).
 * QCLR_EINVAL if N < 1, M holds NaN/Inf (message names the index) or M is
 * not orthogonal to 1e-8 (max |M^T M - I|).
 * O(N^3).  Free with qclr_givens_free. */
int qclr_givens_decompose(int64_t n, const double *m, qclr_givens **out);
void qclr_givens_free(qclr_givens *g);

int64_t qclr_givens_norb(const qclr_givens *g);
int64_t qclr_givens_count(const qclr_givens *g);   /* K = N(N-1)/2 (fewer after qclr_givens_simplify) */
int64_t qclr_givens_nlayers(const qclr_givens *g); /* depth in rotations, <= N */
const qclr_givens_rotation *qclr_givens_rotations(const qclr_givens *g); /* K, application order */
const double *qclr_givens_diagonal(const qclr_givens *g);         /* D, N entries +-1 */

/* Simplify a network for a circuit (the rotations are a real experiment's
 * two-qubit gates): walking the rotations in application order with a running
 * sign diagonal S (initially I),
 *   - G(i, th) S = S G(i, s_i s_{i+1} th), so the angle is taken with those signs;
 *   - |th| < min_angle (or th == 0): the rotation is dropped;
 *   - |th| > pi - min_angle (or |th| == pi): G(i, +-pi) = diag(-1, -1) on
 *     modes (i, i+1), a Z gate on each, which is folded into S;
 *   - otherwise the rotation is kept;
 * and D_new = D S.  The kept rotations are re-layered as soon as possible
 * (layer compaction).  Every dropped or folded rotation with residual angle
 * delta changes the circuit's unitary by 2|sin(delta/2)| in operator norm, so
 * || U_circuit - U_exact || <= qclr_givens_dropped_error per spin block
 * (triangle inequality).  min_angle in [0, pi/4) (else QCLR_EINVAL).
 * *out is a new network (qclr_givens_free); g is not modified.  O(K + N). */
int qclr_givens_simplify(const qclr_givens *g, double min_angle, qclr_givens **out);
int64_t qclr_givens_count_before(const qclr_givens *g);   /* rotations of the full decomposition */
int64_t qclr_givens_nlayers_before(const qclr_givens *g); /* its layers */
int64_t qclr_givens_ndropped(const qclr_givens *g);       /* rotations dropped as |th| < min_angle */
int64_t qclr_givens_nfolded(const qclr_givens *g);        /* rotations by +-pi folded into signs */
double qclr_givens_dropped_error(const qclr_givens *g);   /* sum of 2|sin(delta/2)| (0 if none) */

/* Rebuild M = D G_K ... G_1 into out (N x N row-major).  O(N^3). */
int qclr_givens_recompose(const qclr_givens *g, double *out);

/* Apply the network to a CI vector in place: both spin blocks get the same map
 * M (docs/conventions.md: c[alpha string][beta string], strings ascending, orbital p is
 * bit p), exactly as the circuit acts on the blocked Jordan-Wigner qubits:
 * |psi> -> U(M)|psi> with U(M) a+_p U(M)^+ = sum_q M_qp a+_q.  Each rotation
 * mixes the string pairs that differ by one electron moved between i and i+1
 * (no fermionic sign: the modes are adjacent).  norb <= 64, 0 <= nalpha, nbeta
 * <= norb.  O(K * dim), OpenMP over the string pairs (qclr_set_threads). */
int qclr_givens_rotate_civec(const qclr_givens *g, int nalpha, int nbeta, double *c);

#ifdef __cplusplus
}
#endif
#endif

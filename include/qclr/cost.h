/* qclr/cost.h: fault-tolerant cost of qubitized phase estimation for a
 * factorized molecular Hamiltonian (Toffolis per walk step, total Toffolis,
 * logical qubits).
 *
 * Three published block encodings:
 *   SF   single factorization, Berry, Gidney, Motta, McClean, Babbush,
 *        Quantum 3, 208 (2019), App. C, as costed in Lee et al. (below);
 *   DF   double factorization, von Burg et al., Phys. Rev. Research 3,
 *        033055 (2021), refined in Lee et al. App. C;
 *   THC  tensor hypercontraction, Lee, Berry, Gidney, Huggins, McClean,
 *        Wiebe, Babbush, PRX Quantum 2, 030305 (2021), Sec. III and App. B.
 *
 * Inputs: n spin orbitals (2 x spatial orbitals, even, >= 2), lambda (the
 * 1-norm of the block encoding, Hartree), dE (the phase-estimation error,
 * Hartree), the ranks, chi (aleph: bits of the keep probabilities) and beta
 * (beth: bits of the rotation angles).  The number of walk steps is
 * ceil(pi lambda / (2 dE)).
 *
 * Step-count refinement (as in the papers' tables): the number of bits of the
 * rotation that prepares an equal superposition by amplitude amplification
 * minimizes steps * (1/P - 1) + 4 b over b = 1..20 (P the success
 * probability); a first pass uses steps = 20000 (opts->steps), a second pass
 * (opts->refine) uses the first pass's Toffolis per step, and the second
 * pass's triple is the result.  The published formula evaluates P through
 * arccos/arcsin continued to complex arguments (the argument of arccos exceeds
 * 1 for SF and DF); the real part is taken, exactly as the published tables do.
 *
 * Domain limits: every QROM of the construction reads at least as many items
 * as its output width (the optimal split k = log2(items/width)/2 must be
 * >= 0); a rank too small for that is refused with QCLR_EINVAL and a message
 * naming the input to raise (or chi/beta to lower).
 */
#ifndef QCLR_COST_H
#define QCLR_COST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  size_t size;   /* sizeof(qclr_cost_options), set by qclr_cost_options_default */
  double de;     /* phase-estimation error in Hartree (default 0.0016, chemical accuracy) */
  int chi;       /* aleph bits for the keep probabilities (default 10), 1..60 */
  int beta;      /* beth bits for the rotations (default 16), 3..60; not used by SF */
  int64_t steps; /* first-pass step count for the rotation precision (default 20000) */
  int refine;    /* 1 (default): second pass with steps = first pass's Toffolis per step */
} qclr_cost_options;

void qclr_cost_options_default(qclr_cost_options *o);

typedef struct {
  int64_t toffolis_per_step; /* Toffolis of one walk step */
  int64_t toffolis_total;    /* toffolis_per_step * walk_steps */
  int64_t logical_qubits;    /* logical qubits, ancillas and system */
  int64_t walk_steps;        /* ceil(pi lambda / (2 dE)) */
} qclr_cost_result;

/* Single factorization with rank L (Cholesky vectors).  n_spin even, >= 4;
 * lambda > 0 finite; L >= 1; opts NULL = defaults.  QCLR_EINVAL names the
 * input to change (e.g. L too small for the QROM on L+1 items of width
 * log2(L+1) + chi + 2).  O(1). */
int qclr_cost_sf(int64_t n_spin, double lambda, int64_t L, const qclr_cost_options *opts,
                 qclr_cost_result *out);

/* Double factorization: rank L of the first factorization and lxi, the total
 * number of eigenvectors kept over all L (lxi >= L).  The rotation QROMs
 * output n_spin * beta / 2 bits, so lxi >= n_spin * beta / 2 is needed. */
int qclr_cost_df(int64_t n_spin, double lambda, int64_t L, int64_t lxi, const qclr_cost_options *opts,
                 qclr_cost_result *out);

/* Tensor hypercontraction with rank M (THC points).  The state-preparation
 * QROM reads M(M+1)/2 + n_spin/2 items of 2 log2(M+1) + chi + 2 bits. */
int qclr_cost_thc(int64_t n_spin, double lambda, int64_t M, const qclr_cost_options *opts,
                  qclr_cost_result *out);

#ifdef __cplusplus
}
#endif
#endif

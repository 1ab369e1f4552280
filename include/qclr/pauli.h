/* qclr/pauli.h: the Jordan-Wigner Pauli sum of a Hamiltonian and its
 * qubit-wise-commuting (QWC) measurement groups -- the baseline that
 * basis-rotation grouping is compared with.
 *
 * Qubits: blocked Jordan-Wigner (docs/conventions.md), qubit p = (p, alpha), qubit
 * N+p = (p, beta); a_j = Z_0..Z_{j-1} (X_j + iY_j)/2.  A Pauli string is two
 * bit masks over the 2N <= 64 qubits: on qubit k it is I (x=0,z=0), X (1,0),
 * Z (0,1) or Y (1,1).  Coefficients are real (H is real symmetric).
 */
#ifndef QCLR_PAULI_H
#define QCLR_PAULI_H

#include <stdint.h>

#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qclr_pauli_sum qclr_pauli_sum;

/* H = sum_k c_k P_k: equal strings combined, |c_k| < drop dropped (default
 * rule: drop = 1e-12), identity (the constant, e_core included) first, then
 * sorted by |c| descending.  QCLR_ETOOLARGE if 2N > 64.  O(N^4). */
int qclr_pauli_from_hamiltonian(const qclr_hamiltonian *H, double drop, qclr_pauli_sum **out);
void qclr_pauli_free(qclr_pauli_sum *ps);

int qclr_pauli_nqubits(const qclr_pauli_sum *ps);
int64_t qclr_pauli_count(const qclr_pauli_sum *ps);  /* terms, identity included if nonzero */
/* Term k: masks and coefficient (Hartree); x, z, coef may be NULL.
 * QCLR_EINVAL (outputs untouched) for a NULL sum or k outside [0, count). */
int qclr_pauli_term(const qclr_pauli_sum *ps, int64_t k, uint64_t *x, uint64_t *z, double *coef);
/* Term k as text, qubit 0 first, e.g. "XXYYIIII" (buf holds nqubits+1 chars).
 * QCLR_EINVAL for NULL arguments or k outside [0, count). */
int qclr_pauli_label(const qclr_pauli_sum *ps, int64_t k, char *buf);

/* QWC grouping by sorted insertion (Crawford et al., Quantum 5, 385 (2021)):
 * terms by |c| descending, each into the first group it qubit-wise commutes
 * with entirely, else a new group.  group[k] (caller array, count entries) gets
 * the group of term k, -1 for the identity (never measured).  *ngroups set.
 * O(terms * groups). */
int qclr_pauli_qwc_groups(const qclr_pauli_sum *ps, int64_t *group, int64_t *ngroups);

/* Mean and variance (per shot) of each QWC group's estimator sum_{k in g} c_k P_k
 * in the state c (CI vector of norb orbitals, nalpha/nbeta electrons,
 * docs/conventions.md order, normalized): var_g = <A_g^2> - <A_g>^2, computed exactly
 * from the sparse vector A_g|psi> (cost terms x determinants, no 2^{2N}
 * state vector, so any 2N <= 64 works).  mean, var: ngroups entries. */
int qclr_pauli_group_moments(const qclr_pauli_sum *ps, const int64_t *group, int64_t ngroups, int nalpha,
                             int nbeta, const double *civec, double *mean, double *var);

/* Same for a state given as nstates (bitstring, amplitude) pairs, qubit q =
 * bit q (alpha orbital p = bit p, beta orbital p = bit N+p), normalized, no
 * bitstring twice; e.g. the Hartree-Fock determinant as one bitstring, for any
 * 2N <= 64 whatever the size of the determinant space.  O(terms x nstates). */
int qclr_pauli_group_moments_sparse(const qclr_pauli_sum *ps, const int64_t *group, int64_t ngroups,
                                    int64_t nstates, const uint64_t *bits, const double *amp, double *mean,
                                    double *var);

#ifdef __cplusplus
}
#endif
#endif

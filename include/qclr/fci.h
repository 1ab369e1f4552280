/* qclr/fci.h: determinant full configuration interaction (FCI), RDMs, <S^2>.
 *
 * The CI space of a Hamiltonian with n_alpha, n_beta electrons in N orbitals
 * is the product of alpha and beta strings (docs/conventions.md §2): strings sorted
 * ascending as integers (orbital p is bit p), the CI vector indexed
 * [alpha string][beta string] in C order, each determinant
 * (prod_{p in alpha, ascending} a+_{p,alpha})(prod_{q in beta, ascending} a+_{q,beta})|vac>.
 * This is PySCF's order and sign, so CI vectors interchange with it.
 *
 * sigma = H c is computed directly from h and the pair-space ERIs (never
 * storing H): same-spin parts as sparse string-space matrices, the
 * alpha-beta part as one dense matrix product per alpha string.
 */
#ifndef QCLR_FCI_H
#define QCLR_FCI_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called after every Davidson iteration (optional; from the calling thread).
 * energies, residuals: nroots values (Hartree incl. e_core; residual 2-norms). */
typedef void (*qclr_fci_progress_fn)(void *ctx, int iteration, int nroots, const double *energies,
                                     const double *residuals);

typedef struct {
  size_t size;        /* sizeof(qclr_fci_options), set by qclr_fci_options_default */
  int nroots;         /* default 1 */
  double tol;         /* energy convergence, default 1e-10 Ha: |E_k - E_k(previous iteration)| <= tol
                         and residual norm |H x_k - E_k x_k| <= residual_tol for every root */
  int max_iter;       /* default 200 */
  size_t max_bytes;   /* 0 = no limit; refuse with QCLR_ETOOLARGE and the bytes needed */
  qclr_fci_progress_fn progress; /* default NULL */
  void *progress_ctx;
  int guess_size;     /* determinants of the H0 block whose eigenvectors start Davidson
                         (lowest diagonal energies); 0 = default 400 */
  double residual_tol; /* 0 = default sqrt(tol) */
} qclr_fci_options;

/* Defaults as documented in the struct. */
void qclr_fci_options_default(qclr_fci_options *o);

typedef struct qclr_fci qclr_fci;

/* Lowest nroots eigenpairs of H in its (n_alpha, n_beta) space by Davidson
 * with a diagonal preconditioner.  Returns 0, QCLR_WNOTCONVERGED (result in
 * *out, converged = 0) after max_iter iterations, QCLR_ETOOLARGE when the
 * estimated memory (see qclr_fci_memory_bytes) exceeds o->max_bytes or the
 * machine, QCLR_EINVAL for bad options.  *out freed with qclr_fci_free.
 * Cost per iteration: one sigma (see qclr_fci_sigma) per new vector.
 * o NULL = defaults (from qclr_fci_options_default, else QCLR_EINVAL). */
int qclr_fci_solve(const qclr_hamiltonian *H, const qclr_fci_options *o, qclr_fci **out);

/* Bytes qclr_fci_solve would allocate for H with these options (CI vectors,
 * Davidson subspace, string tables, sigma work space) with the calling
 * thread's thread count.  o NULL = defaults. */
int qclr_fci_memory_bytes(const qclr_hamiltonian *H, const qclr_fci_options *o, size_t *bytes);

double qclr_fci_energy(const qclr_fci *f, int root);        /* Hartree, includes e_core */
int qclr_fci_converged(const qclr_fci *f);                  /* 1 if all roots converged */
const double *qclr_fci_civec(const qclr_fci *f, int root);  /* [n_alpha_strings][n_beta_strings], C order, normalized */
int64_t qclr_fci_nstrings_alpha(const qclr_fci *f);
int64_t qclr_fci_nstrings_beta(const qclr_fci *f);
int64_t qclr_fci_ndet(const qclr_fci *f);                   /* n_alpha_strings * n_beta_strings */
int qclr_fci_nroots(const qclr_fci *f);
int qclr_fci_iterations(const qclr_fci *f);                 /* Davidson iterations done */
int64_t qclr_fci_nsigma(const qclr_fci *f);                 /* sigma vectors computed */
double qclr_fci_residual(const qclr_fci *f, int root);      /* final residual 2-norm */
/* Free; accepts NULL. */
void qclr_fci_free(qclr_fci *f);

/* sigma = H c for a CI vector c in the (nalpha, nbeta) space of H (includes
 * e_core * c).  c and sigma: n_alpha_strings * n_beta_strings doubles, must
 * not overlap.  Builds the string tables on every call (O(n_str * links^2));
 * the sum itself costs about 2 * npair * links_a * ndet flops. */
int qclr_fci_sigma(const qclr_hamiltonian *H, const double *c, double *sigma);

/* Read a CI vector of H's determinant space from a .npy file (float64,
 * shape (n_alpha_strings, n_beta_strings) or (ndet,), the order of
 * docs/conventions.md §2), normalize it, and give its energy <c|H|c>
 * (Hartree, e_core included; energy may be NULL to skip the sigma product).
 * *c is malloc'd (ndet doubles; the caller frees it).  Errors: QCLR_EINVAL
 * for a wrong shape or a zero or non-finite norm (the message names the
 * file, the expected and the found shape), QCLR_ETOOLARGE, the .npy
 * reader's errors.  O(ndet) plus one sigma product. */
int qclr_fci_civec_read(const qclr_hamiltonian *H, const char *path, double **c, int64_t *ndet,
                        double *energy);

/* The sigma operator with its string tables built once, for repeated
 * products (qclr_fci_sigma rebuilds them on every call).  The Hamiltonian
 * must outlive the operator (its ERIs are read, not copied). */
typedef struct qclr_fci_op qclr_fci_op;
/* The operator uses the thread count of the thread that created it. */
int qclr_fci_op_new(const qclr_hamiltonian *H, qclr_fci_op **out);
/* sigma = H c, as qclr_fci_sigma; c and sigma of qclr_fci_op_ndet doubles, not overlapping. */
int qclr_fci_op_apply(const qclr_fci_op *op, const double *c, double *sigma);
int64_t qclr_fci_op_ndet(const qclr_fci_op *op);
/* Free; accepts NULL. */
void qclr_fci_op_free(qclr_fci_op *op);

/* Spin-summed RDMs of a normalized CI vector: rdm1[p*N+q] = <E_pq>,
 * rdm2[((p*N+q)*N+r)*N+s] = <E_pq E_rs - d_qr E_ps>, so
 * E = e_core + sum h rdm1 + 1/2 sum (pq|rs) rdm2.  rdm2 may be NULL.
 * Cost O(N^4 ndet) flops (dense products over blocks of determinants). */
int qclr_fci_rdm12(const qclr_hamiltonian *H, const double *c, double *rdm1, double *rdm2);

/* Natural occupation numbers: eigenvalues of the N x N rdm1, descending. */
int qclr_fci_natural_occupations(int64_t norb, const double *rdm1, double *occ);

/* <S^2> of a normalized CI vector of H's (nalpha, nbeta) space. */
int qclr_fci_spin_square(const qclr_hamiltonian *H, const double *c, double *s2);

#ifdef __cplusplus
}
#endif
#endif

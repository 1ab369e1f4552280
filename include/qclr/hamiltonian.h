/* qclr/hamiltonian.h: the molecular Hamiltonian in spatial orbitals.
 *
 *   H = e_core + sum_pq h_pq E_pq + 1/2 sum_pqrs (pq|rs) (E_pq E_rs - d_qr E_ps)
 *
 * N real orbitals; h is N x N, symmetric, row-major.  The ERIs (chemists'
 * notation, 8-fold symmetric) are stored once, as the pair-space matrix
 * V[pq, rs] of size npair x npair, npair = N(N+1)/2, pq = p(p+1)/2 + q for
 * p >= q (0-based), row-major and symmetric (both triangles filled).
 */
#ifndef QCLR_HAMILTONIAN_H
#define QCLR_HAMILTONIAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qclr_hamiltonian qclr_hamiltonian;

/* Pair index of (p, q), either order, 0-based. */
static inline int64_t qclr_pair_index(int64_t p, int64_t q) {
  return p >= q ? p * (p + 1) / 2 + q : q * (q + 1) / 2 + p;
}

/* Unpack count pair-packed symmetric matrices (packed[l*npair + pair(p,q)],
 * npair = norb(norb+1)/2) into full ones: full[(l*norb + p)*norb + q].
 * Returns 0 or QCLR_EINVAL (NULL array, negative size).  O(count norb^2). */
int qclr_pair_unpack(int64_t norb, int64_t count, const double *packed, double *full);

/* Bytes needed to hold a Hamiltonian of norb orbitals (h + V + orbsym).
 * Returns 0, or QCLR_ETOOLARGE if the count overflows size_t. */
int qclr_hamiltonian_memory_bytes(int64_t norb, size_t *bytes);

/* New Hamiltonian with all integrals zero, e_core = 0, orbsym all 1.
 * norb >= 1; nelec >= 0, ms2 = n_alpha - n_beta with |ms2| <= nelec and the
 * same parity, n_alpha, n_beta <= norb (else QCLR_EINVAL).  QCLR_ETOOLARGE
 * (message gives the bytes) when it cannot be allocated.  *out owned by the
 * caller (qclr_hamiltonian_free); NULL on failure.  O(N^4) memory. */
int qclr_hamiltonian_new(int64_t norb, int nelec, int ms2, qclr_hamiltonian **out);

/* From caller arrays (copied; the caller keeps ownership), Hartree:
 * h: N x N row-major; eri: full chemists' array eri[((p*N+q)*N+r)*N+s] = (pq|rs)
 * (only the p>=q, r>=s elements are read; 8-fold symmetry assumed).  NaN or
 * Inf in e_core, h or a read eri element: QCLR_EINVAL naming the array and
 * index.  Size rules and *out as qclr_hamiltonian_new.  O(N^4). */
int qclr_hamiltonian_from_full(int64_t norb, int nelec, int ms2, double e_core, const double *h,
                               const double *eri, qclr_hamiltonian **out);

/* From a pair-packed ERI matrix vpair (npair x npair row-major, symmetric);
 * otherwise as qclr_hamiltonian_from_full (NaN/Inf refused). */
int qclr_hamiltonian_from_packed(int64_t norb, int nelec, int ms2, double e_core, const double *h,
                                 const double *vpair, qclr_hamiltonian **out);

/* Deep copy of H into *out (owned by the caller).  O(N^4). */
int qclr_hamiltonian_copy(const qclr_hamiltonian *H, qclr_hamiltonian **out);

/* Free; accepts NULL. */
void qclr_hamiltonian_free(qclr_hamiltonian *H);

/* Sizes and scalars. */
int64_t qclr_hamiltonian_norb(const qclr_hamiltonian *H);
int64_t qclr_hamiltonian_npair(const qclr_hamiltonian *H);
int qclr_hamiltonian_nelec(const qclr_hamiltonian *H);
int qclr_hamiltonian_ms2(const qclr_hamiltonian *H);
int qclr_hamiltonian_nalpha(const qclr_hamiltonian *H);
int qclr_hamiltonian_nbeta(const qclr_hamiltonian *H);
int qclr_hamiltonian_isym(const qclr_hamiltonian *H);
double qclr_hamiltonian_e_core(const qclr_hamiltonian *H);
void qclr_hamiltonian_set_e_core(qclr_hamiltonian *H, double e_core);
void qclr_hamiltonian_set_isym(qclr_hamiltonian *H, int isym);
/* Change electron count / spin (same validity rules as _new). */
int qclr_hamiltonian_set_electrons(qclr_hamiltonian *H, int nelec, int ms2);

/* Views (owned by H, valid until it is freed).  The _mut variants let a
 * builder fill the arrays; keep h and V symmetric. */
const double *qclr_hamiltonian_h(const qclr_hamiltonian *H);      /* N x N */
const double *qclr_hamiltonian_vpair(const qclr_hamiltonian *H);  /* npair x npair */
const int *qclr_hamiltonian_orbsym(const qclr_hamiltonian *H);    /* N, 1-based irreps */
double *qclr_hamiltonian_h_mut(qclr_hamiltonian *H);
double *qclr_hamiltonian_vpair_mut(qclr_hamiltonian *H);
int *qclr_hamiltonian_orbsym_mut(qclr_hamiltonian *H);

/* Element access, any index order, 0-based, no bounds check beyond assert. */
double qclr_hamiltonian_eri(const qclr_hamiltonian *H, int64_t p, int64_t q, int64_t r, int64_t s);

/* Expand to the full chemists' N^4 array (caller allocates N^4 doubles). */
int qclr_hamiltonian_eri_full(const qclr_hamiltonian *H, double *eri);

/* Energy of the reference determinant: the n_alpha lowest-index orbitals
 * occupied alpha, the n_beta lowest occupied beta (closed or open shell).
 * Hartree, includes e_core. */
int qclr_hamiltonian_e_ref(const qclr_hamiltonian *H, double *energy);

/* Energy of an arbitrary determinant given alpha and beta occupation flags
 * (arrays of N chars, 1 = occupied).  Includes e_core. */
int qclr_hamiltonian_det_energy(const qclr_hamiltonian *H, const unsigned char *occ_a,
                                const unsigned char *occ_b, double *energy);

/* Fock matrices of the reference determinant (N x N each, row-major):
 * F^s_pq = h_pq + sum_i [ (pq|ii)(n_ia + n_ib) - (pi|iq) n_is ],  s = a, b.
 * fock_b may be NULL; for a closed shell they are equal. */
int qclr_hamiltonian_fock(const qclr_hamiltonian *H, double *fock_a, double *fock_b);

/* Closed-shell MP2 correlation energy (Hartree) with respect to the reference
 * determinant (lowest n/2 orbitals doubly occupied; src/core/mp2.c).  The
 * occupied-occupied and virtual-virtual Fock blocks are diagonalized first
 * (semicanonical orbitals), so non-canonical orbitals give the same answer.
 * Total MP2 energy = qclr_hamiltonian_e_ref + e_corr.  QCLR_EUNSUPPORTED for
 * MS2 != 0.  Time O(N^5), memory O(N^4). */
int qclr_mp2_energy(const qclr_hamiltonian *H, double *e_corr);

/* Largest |h_pq - h_qp| and |V - V^T| (should be 0 for a valid Hamiltonian). */
int qclr_hamiltonian_symmetry_error(const qclr_hamiltonian *H, double *h_asym, double *v_asym);

#ifdef __cplusplus
}
#endif
#endif

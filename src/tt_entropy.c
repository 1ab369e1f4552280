/* src/tt_entropy.c: bond entropies, orbital entropies and mutual
 * information, and Fiedler orderings.
 *
 * Orbital reduced density matrices are computed from the CI vector.  The
 * one-orbital RDM is diagonal (fixed N_alpha, N_beta).  For a pair (i, j) the
 * orbitals are first moved to positions 0 and 1 (qclr_tt_ci_permute, with the
 * fermionic signs) and the vector is read in the site-ordered occupation basis
 * (qclr_tt_fermion_sign): for the leading sites the Jordan-Wigner strings are
 * trivial, so the ordinary partial trace over the other sites is the fermionic
 * two-orbital RDM (16 x 16, block diagonal in the pair's N_alpha, N_beta). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

static double entropy_of_probs(const double *p, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    if (p[i] > 1e-300) s -= p[i] * log(p[i]);
  return s;
}

int qclr_tt_bond_entropies(const qclr_tt *tt, double *S) {
  if (!tt || !S) return qclr__error(QCLR_EINVAL, "qclr_tt_bond_entropies: NULL argument");
  const qclr_tt *src = tt;
  qclr_tt *copy = NULL;
  int have = 1;
  for (int k = 0; k + 1 < tt->d; k++)
    if (!tt->sv[k]) have = 0;
  if (!have) {
    int rc = qclr_tt_copy(tt, &copy);
    if (rc) return rc;
    qclr_tt_options o;
    qclr_tt_options_default(&o);
    o.eps = 0;
    if ((rc = qclr_tt_round(copy, &o, NULL)) < 0) {
      qclr_tt_free(copy);
      return rc;
    }
    src = copy;
  }
  for (int k = 0; k + 1 < src->d; k++) {
    double s = 0;
    for (int64_t i = 0; i < src->nsv[k]; i++) {
      double p = src->sv[k][i] * src->sv[k][i];
      if (p > 1e-300) s -= p * log(p);
    }
    S[k] = s;
  }
  qclr_tt_free(copy);
  return 0;
}

/* eigenvalue entropy of a symmetric n x n matrix (destroyed) */
static int matrix_entropy(double *A, int n, double *S) {
  double w[16];
  lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', n, A, n, w);
  if (info) return qclr__error(QCLR_ENUMERIC, "dsyev failed (info %d) on an orbital RDM", (int)info);
  *S = entropy_of_probs(w, n);
  return 0;
}

int qclr_tt_orbital_entropies(int norb, int nalpha, int nbeta, const double *c, double *s1,
                              double *mi) {
  if (!c || !s1 || norb < 1 || norb > 63 || nalpha < 0 || nbeta < 0 || nalpha > norb ||
      nbeta > norb)
    return qclr__error(QCLR_EINVAL, "qclr_tt_orbital_entropies: bad arguments");
  uint64_t *sa, *sb;
  int64_t ca, cb;
  int rc;
  if ((rc = qclr_tt_strings(norb, nalpha, &sa, &ca))) return rc;
  if ((rc = qclr_tt_strings(norb, nbeta, &sb, &cb))) {
    free(sa);
    return rc;
  }
  double *cp = NULL;
  int *perm = NULL;
  /* single orbitals: diagonal RDMs from the determinant weights */
  double (*p1)[4] = qclr__calloc((size_t)norb, sizeof *p1, "orbital RDMs");
  if (!p1) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  for (int64_t i = 0; i < ca; i++)
    for (int64_t j = 0; j < cb; j++) {
      double w = c[i * cb + j] * c[i * cb + j];
      if (w == 0) continue;
      for (int p = 0; p < norb; p++) p1[p][((sa[i] >> p) & 1) + 2 * ((sb[j] >> p) & 1)] += w;
    }
  for (int p = 0; p < norb; p++) s1[p] = entropy_of_probs(p1[p], 4);
  if (!mi) goto done;
  memset(mi, 0, (size_t)norb * (size_t)norb * sizeof(double));
  if (norb < 2) goto done;
  cp = qclr__malloc((size_t)(ca * cb), sizeof(double), "permuted CI vector");
  perm = qclr__malloc((size_t)norb, sizeof(int), "orbital permutation");
  if (!cp || !perm) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  for (int i = 0; i < norb; i++)
    for (int j = i + 1; j < norb; j++) {
      int t = 0;
      perm[t++] = i;
      perm[t++] = j;
      for (int k = 0; k < norb; k++)
        if (k != i && k != j) perm[t++] = k;
      if ((rc = qclr_tt_ci_permute(norb, nalpha, nbeta, perm, c, cp))) goto done;
      /* rho = sum over environments of v v^T, v[x] = the amplitudes whose first
       * two orbitals are in state x.  Strings are sorted integers, so the
       * strings sharing an environment s >> 2 form a contiguous run (of one
       * or two strings, as the run's low bits have a fixed popcount). */
      double rho[256];
      memset(rho, 0, sizeof rho);
      for (int64_t ia = 0; ia < ca;) {
        int64_t ea = ia + 1;
        while (ea < ca && (sa[ea] >> 2) == (sa[ia] >> 2)) ea++;
        for (int64_t jb = 0; jb < cb;) {
          int64_t eb = jb + 1;
          while (eb < cb && (sb[eb] >> 2) == (sb[jb] >> 2)) eb++;
          double v[4];
          int x[4], nv = 0;
          for (int64_t a = ia; a < ea; a++)
            for (int64_t b = jb; b < eb; b++) {
              uint64_t A = sa[a], B = sb[b];
              v[nv] = qclr_tt_fermion_sign(A, B) * cp[a * cb + b];
              x[nv++] = (int)((A & 1) + 2 * (B & 1)) * 4 + (int)(((A >> 1) & 1) + 2 * ((B >> 1) & 1));
            }
          for (int u = 0; u < nv; u++)
            for (int w = 0; w < nv; w++) rho[x[u] * 16 + x[w]] += v[u] * v[w];
          jb = eb;
        }
        ia = ea;
      }
      double Sij = 0;
      if ((rc = matrix_entropy(rho, 16, &Sij))) goto done;
      mi[i * norb + j] = mi[j * norb + i] = 0.5 * (s1[i] + s1[j] - Sij);
    }
done:
  free(p1);
  free(cp);
  free(perm);
  free(sa);
  free(sb);
  return rc;
}

int qclr_tt_fiedler_order(int n, const double *W, int *perm) {
  if (n < 1 || !W || !perm) return qclr__error(QCLR_EINVAL, "qclr_tt_fiedler_order: bad arguments");
  if (n <= 2) {
    for (int i = 0; i < n; i++) perm[i] = i;
    return 0;
  }
  double *L = qclr__malloc((size_t)n * n, sizeof(double), "graph Laplacian");
  double *w = qclr__malloc((size_t)n, sizeof(double), "Laplacian eigenvalues");
  if (!L || !w) {
    free(L);
    free(w);
    return QCLR_ENOMEM;
  }
  for (int i = 0; i < n; i++) {
    double dsum = 0;
    for (int j = 0; j < n; j++) {
      double v = i == j ? 0.0 : 0.5 * (fabs(W[i * n + j]) + fabs(W[j * n + i]));
      L[i * n + j] = -v;
      dsum += v;
    }
    L[i * n + i] = dsum;
  }
  lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', n, L, n, w);
  if (info) {
    free(L);
    free(w);
    return qclr__error(QCLR_ENUMERIC, "dsyevd failed (info %d) on the graph Laplacian", (int)info);
  }
  double *f = w; /* reuse: Fiedler vector = column 1 */
  for (int i = 0; i < n; i++) f[i] = L[i * n + 1];
  if (f[0] > f[n - 1])
    for (int i = 0; i < n; i++) f[i] = -f[i];
  for (int i = 0; i < n; i++) perm[i] = i;
  /* insertion sort by value, ties by index: deterministic */
  for (int i = 1; i < n; i++) {
    int p = perm[i], j = i - 1;
    while (j >= 0 && (f[perm[j]] > f[p] || (f[perm[j]] == f[p] && perm[j] > p))) {
      perm[j + 1] = perm[j];
      j--;
    }
    perm[j + 1] = p;
  }
  free(L);
  free(w);
  return 0;
}

int qclr_tt_exchange_matrix(const qclr_hamiltonian *H, double *K) {
  if (!H || !K) return qclr__error(QCLR_EINVAL, "qclr_tt_exchange_matrix: NULL argument");
  int n = (int)qclr_hamiltonian_norb(H);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) K[i * n + j] = i == j ? 0.0 : fabs(qclr_hamiltonian_eri(H, i, j, j, i));
  return 0;
}

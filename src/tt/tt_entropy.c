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
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "tt/tt_internal.h"

static double entropy_of_probs(const double *p, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    if (p[i] > 1e-300) s -= p[i] * log(p[i]);
  return s;
}

/* Right-to-left sweep over a TT whose cores 0..d-2 are left-orthonormal.
 * With the part left of bond k orthonormal and the part right of it made
 * orthonormal by the previous steps, the singular values of the current core
 * (rows: bond k) are the Schmidt values of bond k.  Only T = U S travels
 * left: for every sector q of bond k, the block
 *   M_q = [ G_k[q rows, i, q + qd(i) cols] T_{q + qd(i)} ]_i   (side by side)
 * is decomposed, M_q = U S V^T, and T_q = U S (bond-k rows of sector q x the
 * reduced basis).  Without labels there is one sector per bond. */
typedef struct {
  int32_t q;
  int64_t off, n; /* sector rows of the bond */
  int64_t m;      /* reduced dimension */
  double *T;      /* n x m */
} carry;

static void free_carry(carry *c, int n) {
  for (int i = 0; i < n; i++) free(c[i].T);
}

static int sweep_entropies(const qclr_tt *tt, double *S) {
  int d = tt->d, rc = 0;
  int64_t rmax = qclr_tt_max_rank(tt);
  qclr__tt_sector *sec = qclr__malloc((size_t)rmax, sizeof(qclr__tt_sector), "entropy sweep");
  carry *cur = qclr__calloc((size_t)rmax, sizeof(carry), "entropy sweep");
  carry *nxt = qclr__calloc((size_t)rmax, sizeof(carry), "entropy sweep");
  double *pool = qclr__malloc((size_t)rmax, sizeof(double), "entropy sweep");
  int64_t nmax = 1;
  for (int k = 0; k < d; k++)
    if (tt->dims[k] > nmax) nmax = tt->dims[k];
  int *idx = qclr__malloc((size_t)nmax, sizeof(int), "entropy sweep");
  int ncur = 0, nnxt = 0;
  if (!sec || !cur || !nxt || !pool || !idx) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  /* bond d: one index, T = [1] */
  cur[0].q = tt->qn ? tt->qn[d][0] : 0;
  cur[0].off = 0;
  cur[0].n = 1;
  cur[0].m = 1;
  if (!(cur[0].T = qclr__malloc(1, sizeof(double), "entropy sweep"))) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  cur[0].T[0] = 1.0;
  ncur = 1;
  for (int k = d - 1; k >= 1; k--) {
    int ns;
    qclr__tt_sectors(tt, k, sec, &ns);
    int64_t n = tt->dims[k], npool = 0;
    nnxt = 0;
    for (int si = 0; si < ns; si++) {
      int32_t q = sec[si].q;
      int64_t r0 = sec[si].off, nr = sec[si].n;
      /* the carried sectors of bond k+1 reached by each digit */
      int64_t width = 0;
      for (int64_t i = 0; i < n; i++) {
        int32_t q1 = tt->qn ? q + tt->qd[k][i] : 0;
        idx[i] = -1;
        for (int c = 0; c < ncur; c++)
          if (cur[c].q == q1) idx[i] = c;
        if (idx[i] >= 0) width += cur[idx[i]].m;
      }
      if (width == 0) continue;
      double *Mq = qclr__calloc((size_t)(nr * width), sizeof(double), "entropy sweep");
      if (!Mq) {
        rc = QCLR_ENOMEM;
        goto done;
      }
      int64_t col = 0;
      for (int64_t i = 0; i < n; i++) {
        if (idx[i] < 0) continue;
        carry *c1 = &cur[idx[i]];
        const double *P;
        int64_t ld;
        qclr__tt_view(tt, k, r0, (int)i, c1->off, c1->n, &P, &ld);
        if (P)
          cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, (int)c1->m, (int)c1->n, 1.0, P, (int)ld,
                      c1->T, (int)c1->m, 0.0, Mq + col, (int)width);
        col += c1->m;
      }
      double *U, *s, *Vt, disc;
      int64_t kr;
      int capped;
      rc = qclr__tt_tsvd(Mq, nr, width, QCLR_TT_GESDD, 0.0, 0, &U, &s, &Vt, &kr, &disc, &capped, NULL, NULL);
      free(Mq);
      if (rc) goto done;
      free(Vt);
      if (s[0] == 0) { /* an all-zero block carries nothing */
        free(U);
        free(s);
        continue;
      }
      for (int64_t j = 0; j < kr; j++) pool[npool++] = s[j];
      for (int64_t x = 0; x < nr; x++)
        for (int64_t j = 0; j < kr; j++) U[x * kr + j] *= s[j];
      free(s);
      nxt[nnxt].q = q;
      nxt[nnxt].off = r0;
      nxt[nnxt].n = nr;
      nxt[nnxt].m = kr;
      nxt[nnxt].T = U;
      nnxt++;
    }
    double t = 0, e = 0;
    for (int64_t j = 0; j < npool; j++) t += pool[j] * pool[j];
    for (int64_t j = 0; j < npool; j++) {
      double p = t > 0 ? pool[j] * pool[j] / t : 0;
      if (p > 1e-300) e -= p * log(p);
    }
    S[k - 1] = e;
    free_carry(cur, ncur);
    carry *sw = cur;
    cur = nxt;
    nxt = sw;
    ncur = nnxt;
    nnxt = 0;
    if (ncur == 0) { /* zero tensor */
      for (int j = 0; j < k - 1; j++) S[j] = 0;
      break;
    }
  }
done:
  if (cur) free_carry(cur, ncur);
  if (nxt) free_carry(nxt, nnxt);
  free(sec);
  free(cur);
  free(nxt);
  free(pool);
  free(idx);
  return rc;
}

int qclr_tt_bond_entropies(const qclr_tt *tt, double *S) {
  qclr__clear();
  if (!tt || !S) return qclr__error(QCLR_EINVAL, "qclr_tt_bond_entropies: NULL argument");
  if (tt->d < 2) return 0;
  if (tt->left_orth) return sweep_entropies(tt, S);
  /* otherwise make it left-orthonormal first: an untruncated rounding of a
   * copy (its sweep also yields the Schmidt values, but the labels, if any,
   * are lost there, so the sweep above is used only on orthonormal TTs) */
  qclr_tt *copy = NULL;
  int rc = qclr_tt_copy(tt, &copy);
  if (rc) return rc;
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = 0;
  if ((rc = qclr_tt_round(copy, &o, NULL)) < 0) {
    qclr_tt_free(copy);
    return rc;
  }
  for (int k = 0; k + 1 < copy->d; k++) {
    double s = 0;
    for (int64_t i = 0; i < copy->nsv[k]; i++) {
      double p = copy->sv[k][i] * copy->sv[k][i];
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
  int info = qclr__eigh_sym('N', n, A, n, w, "orbital RDM");
  if (info) return info;
  *S = entropy_of_probs(w, n);
  return 0;
}

int qclr_tt_orbital_entropies(int64_t norb, int nalpha, int nbeta, const double *c, double *s1,
                              double *mi) {
  qclr__clear();
  if (!c || !s1 || norb < 1 || norb > 63 || nalpha < 0 || nbeta < 0 || nalpha > norb ||
      nbeta > norb)
    return qclr__error(QCLR_EINVAL, "qclr_tt_orbital_entropies: bad arguments");
  uint64_t *sa, *sb;
  int64_t ca, cb;
  int rc;
  if ((rc = qclr_ci_strings(norb, nalpha, &sa, &ca))) return rc;
  if ((rc = qclr_ci_strings(norb, nbeta, &sb, &cb))) {
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

int qclr_tt_fiedler_order(int64_t n, const double *W, int *perm) {
  qclr__clear();
  if (n < 1 || !W || !perm) return qclr__error(QCLR_EINVAL, "qclr_tt_fiedler_order: bad arguments");
  int rc0 = qclr__check_lapack_int(n * n, "qclr_tt_fiedler_order: n^2");
  if (rc0) return rc0;
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
  int info = qclr__eigh_sym('V', n, L, n, w, "graph Laplacian");
  if (info) {
    free(L);
    free(w);
    return info;
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
  qclr__clear();
  if (!H || !K) return qclr__error(QCLR_EINVAL, "qclr_tt_exchange_matrix: NULL argument");
  int n = (int)qclr_hamiltonian_norb(H);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) K[i * n + j] = i == j ? 0.0 : fabs(qclr_hamiltonian_eri(H, i, j, j, i));
  return 0;
}

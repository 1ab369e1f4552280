/* src/fci_guess.c: Davidson start vectors from an "H0 block": the Hamiltonian
 * on the L determinants of lowest diagonal energy, built from the
 * Slater-Condon rules and diagonalized exactly (as in Psi4's detci).
 *
 * Unit vectors on the lowest diagonal elements would only ever explore the
 * symmetry sectors they start in: with point-group symmetry hidden in a C1
 * FCIDUMP, sigma maps each sector to itself exactly (zero integrals), so a
 * lower state of another sector could be missed.  The H0 block spans the
 * sectors of all its determinants and starts much closer to the answer.
 *
 * The block is closed under ties of the diagonal (degenerate determinants are
 * taken together, up to 2 L) and, for n_alpha = n_beta, under exchanging the
 * alpha and beta strings, so its eigenvectors keep the spin symmetries. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fci/fci_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

/* Phase of a+_p a_q |x> (q in x, p not in x or p = q): (-1)^(occupied strictly between). */
static int exc_sign(uint64_t x, int p, int q) {
  uint64_t y = x & ~(1ull << q);
  int n = __builtin_popcountll(y & ((1ull << p) - 1)) + __builtin_popcountll(x & ((1ull << q) - 1));
  return n & 1 ? -1 : 1;
}

static double eri(const qclr__fci_space *sp, int p, int q, int r, int s) {
  return sp->v[qclr__pair(p, q) * sp->npair + qclr__pair(r, s)];
}

/* <I|H|J> for determinants I = (ia, ib), J = (ja, jb) as bit strings, I != J. */
static double offdiag(const qclr__fci_space *sp, const double *h, uint64_t ia, uint64_t ib, uint64_t ja,
                      uint64_t jb) {
  const int N = sp->norb;
  uint64_t da = ia ^ ja, db = ib ^ jb;
  int ea = __builtin_popcountll(da) / 2, eb = __builtin_popcountll(db) / 2;
  if (ea + eb > 2) return 0.0;
  if (ea + eb == 1) { /* single: J -> I by a+_p a_q in spin s */
    uint64_t x = ea ? ja : jb, other = ea ? jb : ja, d = ea ? da : db;
    int p = __builtin_ctzll(d & ~x), q = __builtin_ctzll(d & x);
    double v = h[p * N + q];
    for (int k = 0; k < N; k++) {
      if ((x >> k & 1) && k != q) v += eri(sp, p, q, k, k) - eri(sp, p, k, k, q);
      if (other >> k & 1) v += eri(sp, p, q, k, k);
    }
    return exc_sign(x, p, q) * v;
  }
  if (ea == 1 && eb == 1) {
    int p = __builtin_ctzll(da & ~ja), q = __builtin_ctzll(da & ja);
    int r = __builtin_ctzll(db & ~jb), s = __builtin_ctzll(db & jb);
    return exc_sign(ja, p, q) * exc_sign(jb, r, s) * eri(sp, p, q, r, s);
  }
  /* same-spin double: holes q1 < q2 in J, particles p1 < p2 in I;
   * <I|a+_p1 a+_p2 a_q2 a_q1|J> = <I|E_p1q1 E_p2q2|J> (all four distinct) */
  uint64_t x = ea ? ja : jb, d = ea ? da : db;
  uint64_t holes = d & x, parts = d & ~x;
  int q1 = __builtin_ctzll(holes), q2 = 63 - __builtin_clzll(holes);
  int p1 = __builtin_ctzll(parts), p2 = 63 - __builtin_clzll(parts);
  int s1 = exc_sign(x, p2, q2);
  uint64_t y = (x & ~(1ull << q2)) | (1ull << p2);
  int s2 = exc_sign(y, p1, q1);
  return s1 * s2 * (eri(sp, p1, q1, p2, q2) - eri(sp, p1, q2, p2, q1));
}

typedef struct {
  double d;
  int64_t i;
} entry;

static int entry_less(const entry *a, const entry *b) { return a->d < b->d || (a->d == b->d && a->i < b->i); }

/* max-heap on (d, i) */
static void sift_down(entry *h, int64_t n, int64_t k) {
  for (;;) {
    int64_t l = 2 * k + 1, r = l + 1, m = k;
    if (l < n && entry_less(&h[m], &h[l])) m = l;
    if (r < n && entry_less(&h[m], &h[r])) m = r;
    if (m == k) return;
    entry t = h[k];
    h[k] = h[m];
    h[m] = t;
    k = m;
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int qclr__fci_guess(const qclr__fci_space *sp, const qclr_hamiltonian *H, const double *diag, int nr,
                    int64_t L, double *V, double *e0) {
  const int64_t n = sp->ndet, nsb = sp->b.nstr;
  if (L > n) L = n;
  if (L < nr) L = nr;
  const int64_t cap = 2 * L < n ? 2 * L : n; /* ties; the spin partners at most double it */
  int rc = 0;
  entry *heap = qclr__malloc((size_t)L, sizeof *heap, "guess selection");
  int64_t *sel = qclr__malloc((size_t)(2 * cap), sizeof *sel, "guess determinants");
  double *Hb = NULL, *w = NULL;
  if (!heap || !sel) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  /* the L lowest (diag, index) */
  int64_t hn = 0;
  for (int64_t i = 0; i < n; i++) {
    entry e = {diag[i], i};
    if (hn < L) {
      heap[hn++] = e;
      if (hn == L)
        for (int64_t k = L / 2; k >= 0; k--) sift_down(heap, hn, k);
    } else if (entry_less(&e, &heap[0])) {
      heap[0] = e;
      sift_down(heap, hn, 0);
    }
  }
  /* close under ties of the diagonal (within 1e-9 Ha), at most cap */
  const double thr = heap[0].d + 1e-9;
  int64_t ns = 0;
  for (int64_t i = 0; i < n && ns <= cap; i++)
    if (diag[i] <= thr) sel[ns++] = i;
  if (ns > cap) { /* massive degeneracy: the strict L lowest */
    ns = hn;
    for (int64_t k = 0; k < hn; k++) sel[k] = heap[k].i;
    qsort(sel, (size_t)ns, sizeof *sel, cmp_i64);
  }
  /* close under alpha <-> beta exchange */
  if (sp->na == sp->nb) {
    int64_t ns0 = ns;
    for (int64_t k = 0; k < ns0; k++) {
      int64_t ia = sel[k] / nsb, ib = sel[k] % nsb, t = ib * nsb + ia;
      if (!bsearch(&t, sel, (size_t)ns0, sizeof *sel, cmp_i64)) sel[ns++] = t;
    }
    qsort(sel, (size_t)ns, sizeof *sel, cmp_i64);
  }
  if ((rc = qclr__check_lapack_int(ns, "H0 block"))) goto done;
  Hb = qclr__malloc((size_t)ns * (size_t)ns, sizeof *Hb, "H0 block");
  w = qclr__malloc((size_t)ns, sizeof *w, "H0 block eigenvalues");
  if (!Hb || !w) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  const double *h = qclr_hamiltonian_h(H);
#pragma omp parallel for num_threads(ns >= 64 ? sp->nthreads : 1) schedule(dynamic, 8)
  for (int64_t r = 0; r < ns; r++) {
    uint64_t ia = sp->a.str[sel[r] / nsb], ib = sp->b.str[sel[r] % nsb];
    Hb[(size_t)r * ns + r] = diag[sel[r]];
    for (int64_t s = 0; s < r; s++) {
      uint64_t ja = sp->a.str[sel[s] / nsb], jb = sp->b.str[sel[s] % nsb];
      double x = offdiag(sp, h, ia, ib, ja, jb);
      Hb[(size_t)r * ns + s] = Hb[(size_t)s * ns + r] = x;
    }
  }
  if ((rc = qclr__eigh_sym('V', ns, Hb, ns, w, "H0 block"))) goto done;
  for (int k = 0; k < nr; k++) {
    double *v = V + (size_t)k * n;
    memset(v, 0, (size_t)n * sizeof(double));
    for (int64_t r = 0; r < ns; r++) v[sel[r]] = Hb[(size_t)r * ns + k];
    if (e0) e0[k] = w[k];
  }
done:
  free(heap);
  free(sel);
  free(Hb);
  free(w);
  return rc;
}

int qclr__fci_hblock(const qclr_hamiltonian *H, int64_t nsel, const int64_t *sel, double *Hout) {
  qclr__fci_space sp;
  int rc = qclr__fci_space_build(H, &sp);
  if (rc) return rc;
  const int64_t nsb = sp.b.nstr;
  const double *h = qclr_hamiltonian_h(H);
  double *d = qclr__malloc((size_t)sp.ndet, sizeof *d, "diagonal");
  if (!d) {
    qclr__fci_space_free(&sp);
    return QCLR_ENOMEM;
  }
  qclr__fci_space_diag(&sp, H, d);
  for (int64_t r = 0; r < nsel; r++)
    for (int64_t s = 0; s < nsel; s++) {
      uint64_t ia = sp.a.str[sel[r] / nsb], ib = sp.b.str[sel[r] % nsb];
      uint64_t ja = sp.a.str[sel[s] / nsb], jb = sp.b.str[sel[s] % nsb];
      Hout[r * nsel + s] = r == s || sel[r] == sel[s] ? d[sel[r]] : offdiag(&sp, h, ia, ib, ja, jb);
    }
  free(d);
  qclr__fci_space_free(&sp);
  return 0;
}

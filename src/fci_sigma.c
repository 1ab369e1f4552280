/* src/fci_sigma.c: direct sigma = H c over alpha x beta strings.
 *
 * H = H_alpha + H_beta + sum_{pq,rs} (pq|rs) E^a_pq E^b_rs + e_core, with the
 * same-spin parts H_s = sum k_pq E^s_pq + 1/2 sum (pq|rs) E^s_pq E^s_rs,
 * k = h - 1/2 sum_r (pr|rq).  The same-spin parts are small sparse matrices
 * in string space (rows of fixed width: diagonal, singles, doubles), built
 * once.  For the alpha-beta part each output alpha row Ia gathers the
 * rows c[Ja, :] reached by E^a (one per nonzero pair, the diagonal pairs
 * merged), multiplies them by the matching rows of V with one dgemm
 * (U = T^T V_sub: n_beta_str x npair, 2 npair k n_beta_str flops), and
 * contracts U with the beta replacement lists.  Every output row is written
 * by one thread only, in a fixed order: the result does not depend on the
 * thread count. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fci_internal.h"
#include "internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

static int spinmat_width(int norb, int n) {
  int v = norb - n;
  return 1 + n * v + (n * (n - 1) / 2) * (v * (v - 1) / 2);
}

static void spinmat_free(qclr__fci_spinmat *m) {
  free(m->col);
  free(m->val);
  m->col = NULL;
  m->val = NULL;
}

/* Same-spin Hamiltonian rows from the replacement lists: E_pq E_rs |I>. */
static int spinmat_build(const qclr__fci_strings *s, const double *kmat, const double *v,
                         int64_t npair, int nthreads, qclr__fci_spinmat *m) {
  int N = s->norb;
  m->nstr = s->nstr;
  m->width = spinmat_width(N, s->nel);
  size_t tot = (size_t)m->nstr * (size_t)m->width;
  m->col = qclr__malloc(tot, sizeof *m->col, "same-spin Hamiltonian columns");
  m->val = qclr__calloc(tot, sizeof *m->val, "same-spin Hamiltonian values");
  int32_t *posall = qclr__malloc((size_t)nthreads * (size_t)s->nstr, sizeof *posall, "string map");
  if (!m->col || !m->val || !posall) {
    spinmat_free(m);
    free(posall);
    return QCLR_ENOMEM;
  }
  for (size_t i = 0; i < (size_t)nthreads * (size_t)s->nstr; i++) posall[i] = -1;
  int bad = 0;
#pragma omp parallel num_threads(nthreads) reduction(| : bad)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    int32_t *pos = posall + (size_t)tid * (size_t)s->nstr;
#pragma omp for schedule(dynamic, 16)
    for (int64_t I = 0; I < s->nstr; I++) {
      int32_t *col = m->col + (size_t)I * m->width;
      double *val = m->val + (size_t)I * m->width;
      int cnt = 0;
      col[cnt] = (int32_t)I;
      pos[I] = cnt++;
      const qclr__fci_link *L1 = s->link + (size_t)I * s->nlink;
      for (int a = 0; a < s->nlink; a++) {
        int32_t K = L1[a].J;
        int r = L1[a].p, t = L1[a].q;
        double s1 = L1[a].sign;
        if (pos[K] < 0) {
          if (cnt >= m->width) { bad = 1; break; }
          col[cnt] = K;
          pos[K] = cnt++;
        }
        val[pos[K]] += s1 * kmat[r * N + t];
        const double *vrow = v + qclr__pair(r, t) * npair;
        const qclr__fci_link *L2 = s->link + (size_t)K * s->nlink;
        for (int b = 0; b < s->nlink; b++) {
          int32_t J = L2[b].J;
          if (pos[J] < 0) {
            if (cnt >= m->width) { bad = 1; break; }
            col[cnt] = J;
            pos[J] = cnt++;
          }
          val[pos[J]] += 0.5 * s1 * L2[b].sign * vrow[qclr__pair(L2[b].p, L2[b].q)];
        }
      }
      for (int k = 0; k < cnt; k++) pos[col[k]] = -1;
      for (int k = cnt; k < m->width; k++) col[k] = (int32_t)I; /* val stays 0 */
    }
  }
  free(posall);
  if (bad) {
    spinmat_free(m);
    return qclr__error(QCLR_ENUMERIC, "internal: same-spin row wider than expected");
  }
  return 0;
}

double qclr__fci_space_bytes_est(int norb, int na, int nb) {
  double b = 0;
  int ns[2] = {na, nb};
  for (int k = 0; k < 2; k++) {
    double nstr = (double)qclr__fci_nstrings(norb, ns[k]);
    b += nstr * (8.0 + 8.0 * ns[k] * (norb - ns[k] + 1) + 12.0 * spinmat_width(norb, ns[k]) + 4.0 * 2);
  }
  b += (double)qclr__fci_nstrings(norb, na) * 8.0 * norb * (norb + 1) / 2;
  return b;
}

void qclr__fci_space_free(qclr__fci_space *sp) {
  if (!sp) return;
  qclr__fci_strings_free(&sp->a);
  qclr__fci_strings_free(&sp->b);
  spinmat_free(&sp->ha);
  spinmat_free(&sp->hb);
  free(sp->vocc_a);
  free(sp->work);
  sp->vocc_a = NULL;
  sp->work = NULL;
}

int qclr__fci_space_build(const qclr_hamiltonian *H, int nthreads, qclr__fci_space *sp) {
  memset(sp, 0, sizeof *sp);
  int64_t N = qclr_hamiltonian_norb(H);
  if (N > 64) return qclr__error(QCLR_EUNSUPPORTED, "FCI supports at most 64 orbitals (NORB = %lld)", (long long)N);
  sp->norb = (int)N;
  sp->na = qclr_hamiltonian_nalpha(H);
  sp->nb = qclr_hamiltonian_nbeta(H);
  sp->npair = qclr_hamiltonian_npair(H);
  sp->e_core = qclr_hamiltonian_e_core(H);
  sp->v = qclr_hamiltonian_vpair(H);
  sp->nthreads = qclr__nthreads(nthreads);
  int64_t nsa = qclr__fci_nstrings(sp->norb, sp->na), nsb = qclr__fci_nstrings(sp->norb, sp->nb);
  if (nsa < 0 || nsb < 0 || (double)nsa * (double)nsb > 9.0e15)
    return qclr__error(QCLR_ETOOLARGE, "FCI space C(%d,%d) x C(%d,%d) is too large to address",
                       sp->norb, sp->na, sp->norb, sp->nb);
  sp->ndet = nsa * nsb;
  int rc;
  double *kmat = qclr__malloc((size_t)(N * N), sizeof *kmat, "k matrix");
  if (!kmat) return QCLR_ENOMEM;
  const double *h = qclr_hamiltonian_h(H);
  for (int p = 0; p < N; p++)
    for (int q = 0; q < N; q++) {
      double x = h[p * N + q];
      for (int r = 0; r < N; r++) x -= 0.5 * sp->v[qclr__pair(p, r) * sp->npair + qclr__pair(r, q)];
      kmat[p * N + q] = x;
    }
  if ((rc = qclr__fci_strings_build(sp->norb, sp->na, &sp->a)) ||
      (rc = qclr__fci_strings_build(sp->norb, sp->nb, &sp->b)) ||
      (rc = spinmat_build(&sp->a, kmat, sp->v, sp->npair, sp->nthreads, &sp->ha)) ||
      (rc = spinmat_build(&sp->b, kmat, sp->v, sp->npair, sp->nthreads, &sp->hb))) {
    free(kmat);
    qclr__fci_space_free(sp);
    return rc;
  }
  free(kmat);
  sp->vocc_a = qclr__calloc((size_t)nsa * (size_t)sp->npair, sizeof(double), "occupied ERI rows");
  if (!sp->vocc_a) {
    qclr__fci_space_free(sp);
    return QCLR_ENOMEM;
  }
  for (int64_t I = 0; I < nsa; I++) {
    double *dst = sp->vocc_a + (size_t)I * sp->npair;
    for (int p = 0; p < N; p++)
      if (sp->a.str[I] >> p & 1) {
        const double *src = sp->v + qclr__pair(p, p) * sp->npair;
        for (int64_t k = 0; k < sp->npair; k++) dst[k] += src[k];
      }
  }
  const int kmax = 1 + sp->na * (sp->norb - sp->na);
  sp->work_per = (size_t)kmax * (size_t)nsb + (size_t)kmax * (size_t)sp->npair + (size_t)nsb * (size_t)sp->npair;
  size_t tot = (size_t)sp->nthreads * sp->work_per + 2 * (size_t)sp->ndet;
  sp->work = qclr__malloc(tot, sizeof(double), "sigma work space");
  if (!sp->work) {
    qclr__fci_space_free(sp);
    return QCLR_ENOMEM;
  }
  return 0;
}

int qclr__fci_space_sigma(const qclr__fci_space *sp, const double *c, double *sigma) {
  const int64_t nsa = sp->a.nstr, nsb = sp->b.nstr, npair = sp->npair;
  const int nt = sp->nthreads;
  const int kmax = 1 + sp->na * (sp->norb - sp->na);
  const int do_ab = sp->na > 0 && sp->nb > 0;
  const size_t per = sp->work_per;
  double *ct = sp->work + (size_t)nt * per, *sbt = ct + sp->ndet;
  const qclr__fci_spinmat *ha = &sp->ha, *hb = &sp->hb;
  enum { TB = 32 }; /* transpose tile */
#pragma omp parallel num_threads(nt)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    double *T = sp->work + (size_t)tid * per;
    double *Vs = T + (size_t)kmax * (size_t)nsb;
    double *U = Vs + (size_t)kmax * (size_t)npair;
    /* beta-beta on the transposed vector, so that it is a sum of contiguous rows */
#pragma omp for schedule(static)
    for (int64_t b0 = 0; b0 < nsb; b0 += TB)
      for (int64_t a0 = 0; a0 < nsa; a0 += TB)
        for (int64_t Ib = b0; Ib < b0 + TB && Ib < nsb; Ib++)
          for (int64_t Ia = a0; Ia < a0 + TB && Ia < nsa; Ia++) ct[(size_t)Ib * nsa + Ia] = c[(size_t)Ia * nsb + Ib];
#pragma omp for schedule(dynamic, 4)
    for (int64_t Ib = 0; Ib < nsb; Ib++) {
      double *dst = sbt + (size_t)Ib * nsa;
      memset(dst, 0, (size_t)nsa * sizeof(double));
      const int32_t *bcol = hb->col + (size_t)Ib * hb->width;
      const double *bval = hb->val + (size_t)Ib * hb->width;
      for (int j = 0; j < hb->width; j++) {
        const double w = bval[j];
        if (w == 0.0) continue;
        const double *src = ct + (size_t)bcol[j] * nsa;
#pragma omp simd
        for (int64_t Ia = 0; Ia < nsa; Ia++) dst[Ia] += w * src[Ia];
      }
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t Ia = 0; Ia < nsa; Ia++) {
      double *out = sigma + (size_t)Ia * nsb;
      const double *crow = c + (size_t)Ia * nsb;
      const double ec = sp->e_core;
#pragma omp simd
      for (int64_t Ib = 0; Ib < nsb; Ib++) out[Ib] = ec * crow[Ib];
      for (int64_t Ib = 0; Ib < nsb; Ib++) out[Ib] += sbt[(size_t)Ib * nsa + Ia];
      /* alpha-alpha: rows of c combined */
      const int32_t *acol = ha->col + (size_t)Ia * ha->width;
      const double *aval = ha->val + (size_t)Ia * ha->width;
      for (int j = 0; j < ha->width; j++) {
        const double w = aval[j];
        if (w == 0.0) continue;
        const double *src = c + (size_t)acol[j] * nsb;
#pragma omp simd
        for (int64_t Ib = 0; Ib < nsb; Ib++) out[Ib] += w * src[Ib];
      }
      if (!do_ab) continue;
      /* alpha-beta */
      const qclr__fci_link *La = sp->a.link + (size_t)Ia * sp->a.nlink;
      memcpy(T, crow, (size_t)nsb * sizeof(double));
      memcpy(Vs, sp->vocc_a + (size_t)Ia * npair, (size_t)npair * sizeof(double));
      int k = 1;
      for (int l = sp->na; l < sp->a.nlink; l++) {
        const double *src = c + (size_t)La[l].J * nsb;
        double *dst = T + (size_t)k * nsb;
        if (La[l].sign > 0) {
          memcpy(dst, src, (size_t)nsb * sizeof(double));
        } else {
#pragma omp simd
          for (int64_t Ib = 0; Ib < nsb; Ib++) dst[Ib] = -src[Ib];
        }
        memcpy(Vs + (size_t)k * npair, sp->v + qclr__pair(La[l].p, La[l].q) * npair,
               (size_t)npair * sizeof(double));
        k++;
      }
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nsb, (int)npair, k, 1.0, T, (int)nsb,
                  Vs, (int)npair, 0.0, U, (int)npair);
      for (int64_t Ib = 0; Ib < nsb; Ib++) {
        const qclr__fci_link *Lb = sp->b.link + (size_t)Ib * sp->b.nlink;
        double acc = 0.0;
        for (int l = 0; l < sp->b.nlink; l++)
          acc += (double)Lb[l].sign * U[(size_t)Lb[l].J * npair + qclr__pair(Lb[l].p, Lb[l].q)];
        out[Ib] += acc;
      }
    }
  }
  return 0;
}

void qclr__fci_space_diag(const qclr__fci_space *sp, const qclr_hamiltonian *H, double *d) {
  const int N = sp->norb;
  const int64_t nsb = sp->b.nstr;
  (void)H;
#pragma omp parallel for num_threads(sp->nthreads) schedule(static)
  for (int64_t Ia = 0; Ia < sp->a.nstr; Ia++) {
    double w[64] = {0};
    for (int i = 0; i < N; i++)
      if (sp->a.str[Ia] >> i & 1)
        for (int j = 0; j < N; j++) w[j] += sp->v[qclr__pair(i, i) * sp->npair + qclr__pair(j, j)];
    double ea = sp->ha.val[(size_t)Ia * sp->ha.width];
    for (int64_t Ib = 0; Ib < nsb; Ib++) {
      double e = sp->e_core + ea + sp->hb.val[(size_t)Ib * sp->hb.width];
      uint64_t x = sp->b.str[Ib];
      while (x) {
        e += w[__builtin_ctzll(x)];
        x &= x - 1;
      }
      d[(size_t)Ia * nsb + Ib] = e;
    }
  }
}

double qclr__fci_dot(int64_t n, const double *x, const double *y, int nthreads) {
  enum { NCHUNK = 64 };
  double part[NCHUNK];
  int64_t chunk = (n + NCHUNK - 1) / NCHUNK;
#pragma omp parallel for num_threads(nthreads) schedule(static)
  for (int k = 0; k < NCHUNK; k++) {
    int64_t lo = k * chunk, hi = lo + chunk < n ? lo + chunk : n;
    double s = 0.0;
    for (int64_t i = lo; i < hi; i++) s += x[i] * y[i];
    part[k] = s;
  }
  double s = 0.0;
  for (int k = 0; k < NCHUNK; k++) s += part[k];
  return s;
}

int qclr_fci_sigma(const qclr_hamiltonian *H, const double *c, double *sigma, int nthreads) {
  if (!H || !c || !sigma) return qclr__error(QCLR_EINVAL, "qclr_fci_sigma: NULL argument");
  qclr__fci_space sp;
  int rc = qclr__fci_space_build(H, nthreads, &sp);
  if (rc) return rc;
  rc = qclr__fci_space_sigma(&sp, c, sigma);
  qclr__fci_space_free(&sp);
  return rc;
}

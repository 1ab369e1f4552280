/* src/fci_sigma.c: direct sigma = H c over alpha x beta strings.
 *
 * H = H_alpha + H_beta + sum_{pq,rs} (pq|rs) E^a_pq E^b_rs + e_core, with the
 * same-spin parts H_s = sum k_pq E^s_pq + 1/2 sum (pq|rs) E^s_pq E^s_rs,
 * k = h - 1/2 sum_r (pr|rq).
 *
 * Same-spin parts: small sparse matrices in string space (diagonal, singles,
 * doubles; exact zeros dropped), built once and applied to panels of the CI
 * vector narrow enough to stay in cache: alpha-alpha to column panels
 * c[:, b0:b0+P], beta-beta to transposed row panels c[a0:a0+P, :]^T.
 *
 * Alpha-beta part (the cost): for each output alpha string Ia, the k =
 * 1 + n_a (N - n_a) rows c[Ja, :] reached by E^a_pq (the diagonal pairs merged
 * into one row with sum_{p in Ia} V[pp, :]) meet the matching rows of V, sign
 * folded in, in one dgemm per block of beta strings Jb:
 *   U[Jb, rs] = sum_k c[Ja_k, Jb] sign_k V[pq_k, rs]   (2 k npair flops per Jb),
 * and U is scattered along the beta replacement lists of Jb:
 *   sigma[Ia, Ib] += sign U[Jb, rs] for E^b_rs |Jb> = sign |Ib>.
 * The block of U stays in cache and the output row in L1.
 *
 * Every output element is written by one thread only, in a fixed order: the
 * result does not depend on the thread count. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fci/fci_internal.h"
#include "core/internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

/* Hot loops are compiled for several x86-64 levels and picked at load time. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__) && \
    !defined(QCLR_NO_CLONES)
#define FCI_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FCI_CLONES
#endif

static int spinmat_width(int norb, int n) {
  int v = norb - n;
  return 1 + n * v + (n * (n - 1) / 2) * (v * (v - 1) / 2);
}

static void spinmat_free(qclr__fci_spinmat *m) {
  free(m->row);
  free(m->col);
  free(m->val);
  free(m->diag);
  m->row = NULL;
  m->col = NULL;
  m->val = NULL;
  m->diag = NULL;
}

/* Same-spin Hamiltonian rows from the replacement lists: E_pq E_rs |I>.
 * Built in fixed-width rows, then compressed (nonzeros only, in the order
 * found: diagonal, then strings as first reached). */
static int spinmat_build(const qclr__fci_strings *s, const double *kmat, const double *v,
                         int64_t npair, int nthreads, qclr__fci_spinmat *m) {
  int N = s->norb;
  const int width = spinmat_width(N, s->nel);
  memset(m, 0, sizeof *m);
  m->nstr = s->nstr;
  size_t tot = (size_t)m->nstr * (size_t)width;
  int32_t *wcol = qclr__malloc(tot, sizeof *wcol, "same-spin Hamiltonian columns");
  double *wval = qclr__calloc(tot, sizeof *wval, "same-spin Hamiltonian values");
  int32_t *posall = qclr__malloc((size_t)nthreads * (size_t)s->nstr, sizeof *posall, "string map");
  int *cnt = qclr__malloc((size_t)s->nstr, sizeof *cnt, "row lengths");
  m->row = qclr__malloc((size_t)s->nstr + 1, sizeof *m->row, "same-spin row offsets");
  m->diag = qclr__malloc((size_t)s->nstr, sizeof *m->diag, "same-spin diagonal");
  int rc = 0;
  if (!wcol || !wval || !posall || !cnt || !m->row || !m->diag) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < (size_t)nthreads * (size_t)s->nstr; i++) posall[i] = -1;
  int bad = 0;
#pragma omp parallel num_threads(s->nstr >= 64 ? nthreads : 1) reduction(| : bad)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    int32_t *pos = posall + (size_t)tid * (size_t)s->nstr;
#pragma omp for schedule(dynamic, 16)
    for (int64_t I = 0; I < s->nstr; I++) {
      int32_t *col = wcol + (size_t)I * width;
      double *val = wval + (size_t)I * width;
      int n = 0;
      col[n] = (int32_t)I;
      pos[I] = n++;
      const qclr__fci_link *L1 = s->link + (size_t)I * s->nlink;
      for (int a = 0; a < s->nlink && !bad; a++) {
        int32_t K = L1[a].J;
        int r = L1[a].p, t = L1[a].q;
        double s1 = L1[a].sign;
        if (pos[K] < 0) {
          if (n >= width) { bad = 1; break; }
          col[n] = K;
          pos[K] = n++;
        }
        val[pos[K]] += s1 * kmat[r * N + t];
        const double *vrow = v + qclr__pair(r, t) * npair;
        const qclr__fci_link *L2 = s->link + (size_t)K * s->nlink;
        for (int b = 0; b < s->nlink; b++) {
          int32_t J = L2[b].J;
          if (pos[J] < 0) {
            if (n >= width) { bad = 1; break; }
            col[n] = J;
            pos[J] = n++;
          }
          val[pos[J]] += 0.5 * s1 * L2[b].sign * vrow[qclr__pair(L2[b].p, L2[b].q)];
        }
      }
      for (int k = 0; k < n; k++) pos[col[k]] = -1;
      int nz = 0;
      for (int k = 0; k < n; k++) nz += val[k] != 0.0;
      cnt[I] = nz;
      m->diag[I] = val[0];
    }
  }
  if (bad) {
    rc = qclr__error(QCLR_ENUMERIC, "internal: same-spin row wider than expected");
    goto done;
  }
  m->row[0] = 0;
  for (int64_t I = 0; I < s->nstr; I++) m->row[I + 1] = m->row[I] + cnt[I];
  size_t nnz = (size_t)m->row[s->nstr];
  m->col = qclr__malloc(nnz ? nnz : 1, sizeof *m->col, "same-spin Hamiltonian columns");
  m->val = qclr__malloc(nnz ? nnz : 1, sizeof *m->val, "same-spin Hamiltonian values");
  if (!m->col || !m->val) {
    rc = QCLR_ENOMEM;
    goto done;
  }
#pragma omp parallel for num_threads(s->nstr >= 64 ? nthreads : 1) schedule(static)
  for (int64_t I = 0; I < s->nstr; I++) {
    const int32_t *col = wcol + (size_t)I * width;
    const double *val = wval + (size_t)I * width;
    int64_t o = m->row[I];
    for (int k = 0; k < width; k++)
      if (val[k] != 0.0) {
        m->col[o] = col[k];
        m->val[o++] = val[k];
      }
  }
done:
  free(wcol);
  free(wval);
  free(posall);
  free(cnt);
  if (rc) spinmat_free(m);
  return rc;
}

/* Panel widths and dgemm block (measured on Zen 4; a panel of nstr x P
 * doubles is streamed from L2/L3, so P = 64 unless the panel would pass
 * 8 MiB; the alpha-beta block of U stays near 320 KiB). */
static int panel_width(int64_t nstr, int64_t other) {
  int64_t p = 1048576 / (nstr > 0 ? nstr : 1);
  p = p / 8 * 8;
  if (p < 8) p = 8;
  if (p > 64) p = 64;
  int64_t o8 = (other + 7) / 8 * 8;
  return (int)(p < o8 ? p : (o8 > 0 ? o8 : 8));
}

static int ab_block(int64_t npair, int64_t nsb) {
  int64_t b = 40960 / (npair > 0 ? npair : 1);
  if (b < 16) b = 16;
  if (b > 512) b = 512;
  return (int)(b < nsb ? b : (nsb > 0 ? nsb : 1));
}

static size_t work_doubles(int norb, int na, int64_t nsa, int64_t nsb, int64_t npair, int blk, int pa, int pb) {
  size_t kmax = (size_t)(1 + na * (norb - na)) + (size_t)norb; /* + copies of the diagonal row */
  size_t ab = kmax * (size_t)npair + kmax * (size_t)blk + (size_t)blk * (size_t)npair;
  size_t pan_a = 2 * (size_t)nsa * (size_t)pa, pan_b = 2 * (size_t)nsb * (size_t)pb;
  size_t w = ab > pan_a ? ab : pan_a;
  return w > pan_b ? w : pan_b;
}

/* Per thread: kmax row pointers, then 4 ints per component. */
static size_t iwork_bytes(int norb, int na, int64_t npair) {
  size_t kmax = (size_t)(1 + na * (norb - na)) + (size_t)norb;
  return kmax * sizeof(double *) + 4 * (size_t)npair * sizeof(int32_t) + 64;
}

/* Connected components of the nonzero graph of V (union-find, exact zeros). */
static int pair_components(qclr__fci_space *sp) {
  const int64_t np = sp->npair;
  int32_t *par = qclr__malloc((size_t)np, sizeof *par, "pair components");
  sp->pcomp = qclr__malloc((size_t)np, sizeof *sp->pcomp, "pair components");
  sp->pperm = qclr__malloc((size_t)np, sizeof *sp->pperm, "pair order");
  sp->cstart = qclr__malloc((size_t)np + 1, sizeof *sp->cstart, "component offsets");
  sp->vp = qclr__malloc((size_t)np * (size_t)np, sizeof *sp->vp, "ERIs by component");
  if (!par || !sp->pcomp || !sp->pperm || !sp->cstart || !sp->vp) {
    free(par);
    return QCLR_ENOMEM;
  }
  for (int64_t i = 0; i < np; i++) par[i] = (int32_t)i;
  for (int64_t i = 0; i < np; i++)
    for (int64_t j = 0; j < i; j++) {
      if (sp->v[i * np + j] == 0.0 && sp->v[j * np + i] == 0.0) continue;
      int32_t a = (int32_t)i, b = (int32_t)j;
      while (par[a] != a) a = par[a] = par[par[a]];
      while (par[b] != b) b = par[b] = par[par[b]];
      if (a != b) par[a > b ? a : b] = a < b ? a : b;
    }
  /* components numbered by their first pair; pairs keep their order inside */
  int nc = 0;
  for (int64_t i = 0; i < np; i++) {
    int32_t a = (int32_t)i;
    while (par[a] != a) a = par[a];
    sp->pcomp[i] = a == i ? nc++ : sp->pcomp[a];
  }
  sp->ncomp = nc;
  for (int c = 0; c <= nc; c++) sp->cstart[c] = 0;
  for (int64_t i = 0; i < np; i++) sp->cstart[sp->pcomp[i] + 1]++;
  for (int c = 0; c < nc; c++) sp->cstart[c + 1] += sp->cstart[c];
  for (int c = 0; c < nc; c++) par[c] = sp->cstart[c];
  for (int64_t i = 0; i < np; i++) sp->pperm[i] = par[sp->pcomp[i]]++;
  for (int64_t i = 0; i < np; i++)
    for (int64_t j = 0; j < np; j++) sp->vp[(size_t)sp->pperm[i] * np + sp->pperm[j]] = sp->v[i * np + j];
  free(par);
  return 0;
}

double qclr__fci_space_bytes_est(int norb, int na, int nb, int nthreads) {
  double b = 0;
  int ns[2] = {na, nb};
  int64_t nstr[2];
  for (int k = 0; k < 2; k++) {
    nstr[k] = qclr__fci_nstrings(norb, ns[k]);
    double n = (double)nstr[k], w = spinmat_width(norb, ns[k]);
    /* strings, replacement lists, same-spin rows (dense build, then compressed), diag, offsets */
    b += n * (8.0 + 8.0 * ns[k] * (norb - ns[k] + 1) + 12.0 * w * 2 + 8.0 + 8.0 + 4.0 + 4.0 * nthreads);
  }
  double npair = norb * (norb + 1) / 2.0;
  b += (double)nstr[0] * 8.0 * npair;                         /* vocc_a */
  b += npair * npair * 8.0 + npair * 16.0;                    /* V by component, pair maps */
  b += (double)nthreads * iwork_bytes(norb, na, (int64_t)npair);
  b += (double)nstr[1] * (8.0 * nb * (norb - nb + 1) + 2.0);  /* beta scatter lists */
  int blk = ab_block((int64_t)npair, nstr[1]);
  int pa = panel_width(nstr[0], nstr[1]), pb = panel_width(nstr[1], nstr[0]);
  b += 8.0 * nthreads * (double)work_doubles(norb, na, nstr[0], nstr[1], (int64_t)npair, blk, pa, pb);
  b += 8.0 * norb * norb;
  return b;
}

void qclr__fci_space_free(qclr__fci_space *sp) {
  if (!sp) return;
  qclr__fci_strings_free(&sp->a);
  qclr__fci_strings_free(&sp->b);
  spinmat_free(&sp->ha);
  spinmat_free(&sp->hb);
  free(sp->vocc_a);
  free(sp->pcomp);
  free(sp->pperm);
  free(sp->cstart);
  free(sp->vp);
  free(sp->iwork);
  free(sp->bto);
  free(sp->bpq);
  free(sp->bnpos);
  free(sp->work);
  sp->vocc_a = NULL;
  sp->pcomp = sp->pperm = sp->cstart = NULL;
  sp->vp = NULL;
  sp->iwork = NULL;
  sp->bto = sp->bpq = NULL;
  sp->bnpos = NULL;
  sp->work = NULL;
}

int qclr__fci_space_build(const qclr_hamiltonian *H, qclr__fci_space *sp) {
  memset(sp, 0, sizeof *sp);
  int64_t N = qclr_hamiltonian_norb(H);
  if (N > 64) return qclr__error(QCLR_EUNSUPPORTED, "FCI supports at most 64 orbitals (NORB = %lld)", (long long)N);
  sp->norb = (int)N;
  sp->na = qclr_hamiltonian_nalpha(H);
  sp->nb = qclr_hamiltonian_nbeta(H);
  sp->npair = qclr_hamiltonian_npair(H);
  sp->e_core = qclr_hamiltonian_e_core(H);
  sp->v = qclr_hamiltonian_vpair(H);
  sp->nthreads = qclr__nthreads();
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
  if ((rc = pair_components(sp))) {
    qclr__fci_space_free(sp);
    return rc;
  }
  sp->vocc_a = qclr__calloc((size_t)nsa * (size_t)sp->npair, sizeof(double), "occupied ERI rows");
  size_t nbl = (size_t)nsb * (size_t)sp->b.nlink;
  sp->bto = qclr__malloc(nbl ? nbl : 1, sizeof *sp->bto, "beta scatter lists");
  sp->bpq = qclr__malloc(nbl ? nbl : 1, sizeof *sp->bpq, "beta scatter lists");
  if (!sp->vocc_a || !sp->bto || !sp->bpq) {
    qclr__fci_space_free(sp);
    return QCLR_ENOMEM;
  }
  for (int64_t I = 0; I < nsa; I++) {
    double *dst = sp->vocc_a + (size_t)I * sp->npair;
    for (int p = 0; p < N; p++)
      if (sp->a.str[I] >> p & 1) {
        const double *src = sp->vp + (size_t)sp->pperm[qclr__pair(p, p)] * sp->npair;
        for (int64_t k = 0; k < sp->npair; k++) dst[k] += src[k];
      }
  }
  /* per beta string: the diagonal replacements first (they all land on J
   * itself), then those with sign +1, then those with sign -1 */
  sp->bnpos = qclr__malloc((size_t)nsb + 1, sizeof *sp->bnpos, "beta scatter counts");
  if (!sp->bnpos) {
    qclr__fci_space_free(sp);
    return QCLR_ENOMEM;
  }
  for (int64_t J = 0; J < nsb; J++) {
    const qclr__fci_link *L = sp->b.link + (size_t)J * sp->b.nlink;
    int32_t *to = sp->bto + (size_t)J * sp->b.nlink, *pq = sp->bpq + (size_t)J * sp->b.nlink;
    int n = 0;
    for (int pass = 0; pass < 3; pass++) {
      for (int l = 0; l < sp->b.nlink; l++) {
        int diag = L[l].p == L[l].q;
        if ((pass == 0 && diag) || (pass == 1 && !diag && L[l].sign > 0) || (pass == 2 && !diag && L[l].sign < 0)) {
          to[n] = L[l].J;
          pq[n++] = sp->pperm[qclr__pair(L[l].p, L[l].q)];
        }
      }
      if (pass == 1) sp->bnpos[J] = (uint16_t)(n - sp->nb);
    }
  }
  sp->blk = ab_block(sp->npair, nsb);
  sp->pa = panel_width(nsa, nsb);
  sp->pb = panel_width(nsb, nsa);
  sp->work_per = work_doubles(sp->norb, sp->na, nsa, nsb, sp->npair, sp->blk, sp->pa, sp->pb);
  sp->work = qclr__malloc((size_t)sp->nthreads, sp->work_per * sizeof(double), "sigma work space");
  sp->iwork_per = iwork_bytes(sp->norb, sp->na, sp->npair);
  sp->iwork = qclr__malloc((size_t)sp->nthreads, sp->iwork_per, "sigma index space");
  if (!sp->work || !sp->iwork) {
    qclr__fci_space_free(sp);
    return QCLR_ENOMEM;
  }
  return 0;
}

/* Y[i, :P] += sum_j val_ij X[col_ij, :P] for the rows of a compressed matrix. */
FCI_CLONES static void panel_spmm(int64_t nrow, const int64_t *row, const int32_t *col, const double *val,
                                  const double *restrict X, double *restrict Y, int P) {
  for (int64_t i = 0; i < nrow; i++) {
    double *restrict y = Y + (size_t)i * P;
    for (int64_t j = row[i]; j < row[i + 1]; j++) {
      const double w = val[j];
      const double *restrict x = X + (size_t)col[j] * P;
      for (int t = 0; t < P; t += 8)
        for (int u = 0; u < 8; u++) y[t + u] += w * x[t + u];
    }
  }
}

/* out[to] += sign U[J - j0, pq] along the beta scatter lists of J in [j0, j1):
 * nd diagonal entries (to = J), then npos[J] with sign +1, the rest -1. */
FCI_CLONES static void ab_scatter(const int32_t *bto, const int32_t *bpq, const uint16_t *npos, int nl, int nd,
                                  int64_t j0, int64_t j1, const double *U, int64_t npair, double *out) {
  for (int64_t J = j0; J < j1; J++) {
    const double *restrict u = U + (size_t)(J - j0) * npair;
    const int32_t *restrict to = bto + (size_t)J * nl, *restrict pq = bpq + (size_t)J * nl;
    double d = 0.0;
    for (int l = 0; l < nd; l++) d += u[pq[l]];
    out[J] += d;
    const int e = nd + npos[J];
    for (int l = nd; l < e; l++) out[to[l]] += u[pq[l]];
    for (int l = e; l < nl; l++) out[to[l]] -= u[pq[l]];
  }
}

int qclr__fci_space_sigma(const qclr__fci_space *sp, const double *c, double *sigma) {
  const int64_t nsa = sp->a.nstr, nsb = sp->b.nstr, npair = sp->npair;
  const int nt = sp->nthreads, blk = sp->blk, pa = sp->pa, pb = sp->pb;
  const size_t per = sp->work_per;
  const double ec = sp->e_core;
  const qclr__fci_spinmat *ha = &sp->ha, *hb = &sp->hb;
  const int64_t npan_a = (nsb + pa - 1) / pa, npan_b = (nsa + pb - 1) / pb;
  const int do_ab = sp->na > 0 && sp->nb > 0;
#pragma omp parallel num_threads(sp->ndet >= 64 ? nt : 1)
  {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    double *wk = sp->work + (size_t)tid * per;
    /* alpha-alpha and e_core on column panels: sigma[:, b0:b0+pa] = (e_core + H_a) c[:, b0:b0+pa] */
#pragma omp for schedule(dynamic, 1)
    for (int64_t k = 0; k < npan_a; k++) {
      const int64_t b0 = k * pa, w = nsb - b0 < pa ? nsb - b0 : pa;
      double *X = wk, *Y = wk + (size_t)nsa * pa;
      for (int64_t J = 0; J < nsa; J++) {
        const double *src = c + (size_t)J * nsb + b0;
        double *x = X + (size_t)J * pa, *y = Y + (size_t)J * pa;
        for (int64_t t = 0; t < w; t++) x[t] = src[t], y[t] = ec * src[t];
        for (int64_t t = w; t < pa; t++) x[t] = y[t] = 0.0;
      }
      panel_spmm(nsa, ha->row, ha->col, ha->val, X, Y, pa);
      for (int64_t I = 0; I < nsa; I++) memcpy(sigma + (size_t)I * nsb + b0, Y + (size_t)I * pa, (size_t)w * sizeof(double));
    }
    /* beta-beta on transposed row panels: sigma[a0:a0+pb, :] += c[a0:a0+pb, :] H_b^T */
#pragma omp for schedule(dynamic, 1)
    for (int64_t k = 0; k < npan_b; k++) {
      const int64_t a0 = k * pb, w = nsa - a0 < pb ? nsa - a0 : pb;
      double *X = wk, *Y = wk + (size_t)nsb * pb;
      for (int64_t J = 0; J < nsb; J++) {
        double *x = X + (size_t)J * pb;
        for (int64_t t = 0; t < w; t++) x[t] = c[(size_t)(a0 + t) * nsb + J];
        for (int64_t t = w; t < pb; t++) x[t] = 0.0;
      }
      memset(Y, 0, (size_t)nsb * pb * sizeof(double));
      panel_spmm(nsb, hb->row, hb->col, hb->val, X, Y, pb);
      for (int64_t t = 0; t < w; t++) {
        double *out = sigma + (size_t)(a0 + t) * nsb;
        for (int64_t I = 0; I < nsb; I++) out[I] += Y[(size_t)I * pb + t];
      }
    }
    /* alpha-beta, one dgemm per component of V and block of beta strings */
    if (do_ab) {
      const int kmax = 1 + sp->na * (sp->norb - sp->na) + sp->norb, nc = sp->ncomp;
      double *Vs = wk, *T = Vs + (size_t)kmax * npair, *U = T + (size_t)kmax * blk;
      const double **rows = (const double **)((char *)sp->iwork + (size_t)tid * sp->iwork_per);
      int32_t *kc = (int32_t *)(rows + kmax), *roff = kc + nc, *fill = roff + nc, *dg = fill + nc;
      const int32_t *cst = sp->cstart;
#pragma omp for schedule(dynamic, 1)
      for (int64_t Ia = 0; Ia < nsa; Ia++) {
        double *out = sigma + (size_t)Ia * nsb;
        const qclr__fci_link *La = sp->a.link + (size_t)Ia * sp->a.nlink;
        /* rows of c and of V grouped by component: the merged diagonal row
         * once in every component holding a pair pp with p in Ia, then the
         * single replacements */
        for (int g = 0; g < nc; g++) kc[g] = dg[g] = 0;
        for (int l = 0; l < sp->na; l++) dg[sp->pcomp[qclr__pair(La[l].p, La[l].p)]] = 1;
        for (int g = 0; g < nc; g++) kc[g] = dg[g];
        for (int l = sp->na; l < sp->a.nlink; l++) kc[sp->pcomp[qclr__pair(La[l].p, La[l].q)]]++;
        int ktot = 0;
        for (int g = 0; g < nc; g++) {
          roff[g] = ktot;
          ktot += kc[g];
          fill[g] = 0;
        }
        /* row r of Vs (stride npair) holds the columns of its component only */
        for (int g = 0; g < nc; g++) {
          if (!dg[g]) continue;
          const int64_t w = cst[g + 1] - cst[g];
          int r = roff[g] + fill[g]++;
          rows[r] = c + (size_t)Ia * nsb;
          memcpy(Vs + (size_t)r * npair, sp->vocc_a + (size_t)Ia * npair + cst[g], (size_t)w * sizeof(double));
        }
        for (int l = sp->na; l < sp->a.nlink; l++) {
          const int64_t pq = qclr__pair(La[l].p, La[l].q);
          const int g = sp->pcomp[pq];
          const int64_t w = cst[g + 1] - cst[g];
          int r = roff[g] + fill[g]++;
          rows[r] = c + (size_t)La[l].J * nsb;
          const double *src = sp->vp + (size_t)sp->pperm[pq] * npair + cst[g];
          double *dst = Vs + (size_t)r * npair;
          if (La[l].sign > 0) memcpy(dst, src, (size_t)w * sizeof(double));
          else for (int64_t x = 0; x < w; x++) dst[x] = -src[x];
        }
        for (int64_t j0 = 0; j0 < nsb; j0 += blk) {
          const int64_t m = nsb - j0 < blk ? nsb - j0 : blk;
          for (int r = 0; r < ktot; r++) memcpy(T + (size_t)r * m, rows[r] + j0, (size_t)m * sizeof(double));
#if defined(__GNUC__)
          if (j0 + m < nsb) { /* the rows of c come from all over the vector: fetch the next block early */
            const int64_t m2 = nsb - j0 - m < blk ? nsb - j0 - m : blk;
            for (int r = 0; r < ktot; r++)
              for (int64_t x = 0; x < m2; x += 8) __builtin_prefetch(rows[r] + j0 + m + x, 0, 1);
          }
#endif
          for (int g = 0; g < nc; g++) {
            const int64_t w = cst[g + 1] - cst[g];
            if (kc[g])
              cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)w, kc[g], 1.0,
                          T + (size_t)roff[g] * m, (int)m, Vs + (size_t)roff[g] * npair, (int)npair, 0.0,
                          U + cst[g], (int)npair);
            else
              for (int64_t j = 0; j < m; j++) memset(U + (size_t)j * npair + cst[g], 0, (size_t)w * sizeof(double));
          }
          ab_scatter(sp->bto, sp->bpq, sp->bnpos, sp->b.nlink, sp->nb, j0, j0 + m, U, npair, out);
        }
      }
    }
  }
  return 0;
}

void qclr__fci_space_diag(const qclr__fci_space *sp, const qclr_hamiltonian *H, double *d) {
  const int N = sp->norb;
  const int64_t nsb = sp->b.nstr;
  (void)H;
#pragma omp parallel for num_threads(sp->ndet >= 32768 ? sp->nthreads : 1) schedule(static)
  for (int64_t Ia = 0; Ia < sp->a.nstr; Ia++) {
    double w[64] = {0};
    for (int i = 0; i < N; i++)
      if (sp->a.str[Ia] >> i & 1)
        for (int j = 0; j < N; j++) w[j] += sp->v[qclr__pair(i, i) * sp->npair + qclr__pair(j, j)];
    double ea = sp->ha.diag[Ia];
    for (int64_t Ib = 0; Ib < nsb; Ib++) {
      double e = sp->e_core + ea + sp->hb.diag[Ib];
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
#pragma omp parallel for num_threads(n >= 32768 ? nthreads : 1) schedule(static)
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

int qclr_fci_sigma(const qclr_hamiltonian *H, const double *c, double *sigma) {
  qclr__clear();
  if (!H || !c || !sigma) return qclr__error(QCLR_EINVAL, "qclr_fci_sigma: NULL argument");
  qclr__fci_space sp;
  int rc = qclr__fci_space_build(H, &sp);
  if (rc) return rc;
  rc = qclr__fci_space_sigma(&sp, c, sigma);
  qclr__fci_space_free(&sp);
  return rc;
}

struct qclr_fci_op {
  qclr__fci_space sp;
};

int qclr_fci_op_new(const qclr_hamiltonian *H, qclr_fci_op **out) {
  qclr__clear();
  if (!H || !out) return qclr__error(QCLR_EINVAL, "qclr_fci_op_new: NULL argument");
  *out = NULL;
  qclr_fci_op *op = qclr__malloc(1, sizeof *op, "FCI operator");
  if (!op) return QCLR_ENOMEM;
  int rc = qclr__fci_space_build(H, &op->sp);
  if (rc) {
    free(op);
    return rc;
  }
  *out = op;
  return 0;
}

int qclr_fci_op_apply(const qclr_fci_op *op, const double *c, double *sigma) {
  qclr__clear();
  if (!op || !c || !sigma) return qclr__error(QCLR_EINVAL, "qclr_fci_op_apply: NULL argument");
  return qclr__fci_space_sigma(&op->sp, c, sigma);
}

int64_t qclr_fci_op_ndet(const qclr_fci_op *op) { return op ? op->sp.ndet : 0; }

void qclr_fci_op_free(qclr_fci_op *op) {
  if (!op) return;
  qclr__fci_space_free(&op->sp);
  free(op);
}

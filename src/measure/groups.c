/* src/groups.c: basis-rotation groups from double-factorized factors, their
 * merging, moments in a CI state and the optimal shot allocation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "qclr/strings.h"
#include "measure/measure_internal.h"
#include "qclr/groups.h"

typedef struct {
  double *U, *coef, *f; /* f: nm x N, each member's eigenvalues in U's column order */
  int64_t nm, cap;
  int64_t *label;       /* column k's block: columns sharing a label are degenerate in every member */
  int64_t nlabel;
  qclr_givens *net, *full; /* the circuit's network (qclr_givens_simplify) and the full one */
} group;

struct qclr_groups {
  int64_t n, count;
  double constant;
  group *g;
};

void qclr_groups_options_default(qclr_groups_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->merge_tol = 1e-10;
  o->merge = 1;
  o->min_angle = 1e-12 * M_PI;
}

void qclr_groups_free(qclr_groups *gs) {
  if (!gs) return;
  for (int64_t i = 0; i < gs->count; i++) {
    free(gs->g[i].U), free(gs->g[i].coef), free(gs->g[i].f), free(gs->g[i].label);
    qclr_givens_free(gs->g[i].net);
    qclr_givens_free(gs->g[i].full);
  }
  free(gs->g);
  free(gs);
}

/* Accessors: safe values (qclr/error.h) for a NULL set or a group outside [0, count). */
#define GROUP_OK(gs, g) ((gs) && (g) >= 0 && (g) < (gs)->count)
int64_t qclr_groups_norb(const qclr_groups *gs) { return gs ? gs->n : 0; }
int64_t qclr_groups_count(const qclr_groups *gs) { return gs ? gs->count : 0; }
double qclr_groups_constant(const qclr_groups *gs) { return gs ? gs->constant : NAN; }
const double *qclr_groups_rotation(const qclr_groups *gs, int64_t g) { return GROUP_OK(gs, g) ? gs->g[g].U : NULL; }
const qclr_givens *qclr_groups_givens(const qclr_groups *gs, int64_t g) {
  return GROUP_OK(gs, g) ? gs->g[g].net : NULL;
}
const qclr_givens *qclr_groups_givens_full(const qclr_groups *gs, int64_t g) {
  return GROUP_OK(gs, g) ? gs->g[g].full : NULL;
}
const double *qclr_groups_coefficients(const qclr_groups *gs, int64_t g) {
  return GROUP_OK(gs, g) ? gs->g[g].coef : NULL;
}
int64_t qclr_groups_nmerged(const qclr_groups *gs, int64_t g) { return GROUP_OK(gs, g) ? gs->g[g].nm : 0; }
const double *qclr_groups_eigenvalues(const qclr_groups *gs, int64_t g, int64_t j) {
  if (!GROUP_OK(gs, g) || j < 0 || j >= gs->g[g].nm) return NULL;
  return gs->g[g].f + j * gs->n;
}

/* scratch shared by the merge steps of one build (all N x N or N) */
typedef struct {
  double *B, *C, *sub, *x, *y, *old;
  int64_t *idx;
  struct vk { double v; int64_t k; } *sort;
} scratch;

static void scratch_free(scratch *w) {
  free(w->B), free(w->C), free(w->sub), free(w->x), free(w->y), free(w->old), free(w->idx), free(w->sort);
}

static int scratch_init(scratch *w, int64_t n) {
  memset(w, 0, sizeof *w);
  size_t nn = (size_t)(n * n);
  w->B = qclr__malloc(nn, sizeof *w->B, "groups work");
  w->C = qclr__malloc(nn, sizeof *w->C, "groups work");
  w->sub = qclr__malloc(nn, sizeof *w->sub, "groups work");
  w->x = qclr__malloc((size_t)n, sizeof *w->x, "groups work");
  w->y = qclr__malloc((size_t)n, sizeof *w->y, "groups work");
  w->old = qclr__malloc((size_t)n, sizeof *w->old, "groups work");
  w->idx = qclr__malloc((size_t)n, sizeof *w->idx, "groups work");
  w->sort = qclr__malloc((size_t)n, sizeof *w->sort, "groups work");
  if (!w->B || !w->C || !w->sub || !w->x || !w->y || !w->old || !w->idx || !w->sort) {
    scratch_free(w);
    return QCLR_ENOMEM;
  }
  return 0;
}

static int cmp_vk(const void *a, const void *b) {
  double x = ((const struct vk *)a)->v, y = ((const struct vk *)b)->v;
  return x < y ? -1 : x > y;
}

/* Split the columns idx[0..s) (one block) by the values v: sorted, a gap
 * > tol starts a new block.  New labels from G->nlabel on. */
static void split_block(group *G, const int64_t *idx, int64_t s, const double *v, double tol, scratch *w) {
  for (int64_t i = 0; i < s; i++) w->sort[i] = (struct vk){v[idx[i]], idx[i]};
  qsort(w->sort, (size_t)s, sizeof *w->sort, cmp_vk);
  int64_t lab = G->nlabel++;
  for (int64_t i = 0; i < s; i++) {
    if (i && w->sort[i].v - w->sort[i - 1].v > tol) lab = G->nlabel++;
    G->label[w->sort[i].k] = lab;
  }
}

/* new group with rotation U (copied) and no members yet; every column in one block */
static int group_init(group *G, int64_t n, const double *U) {
  memset(G, 0, sizeof *G);
  G->U = qclr__malloc((size_t)(n * n), sizeof *G->U, "group rotation");
  G->coef = qclr__calloc((size_t)(n * n), sizeof *G->coef, "group coefficients");
  G->label = qclr__calloc((size_t)n, sizeof *G->label, "group blocks");
  if (!G->U || !G->coef || !G->label) return QCLR_ENOMEM;
  memcpy(G->U, U, (size_t)(n * n) * sizeof *U);
  G->nlabel = 1;
  return 0;
}

static int group_push(group *G, int64_t n, const double *f) {
  if (G->nm == G->cap) {
    int64_t cap = G->cap ? 2 * G->cap : 2;
    double *nf = realloc(G->f, (size_t)(cap * n) * sizeof *nf);
    if (!nf) return qclr__error(QCLR_ENOMEM, "groups: out of memory");
    G->f = nf;
    G->cap = cap;
  }
  memcpy(G->f + G->nm * n, f, (size_t)n * sizeof *f);
  G->nm++;
  return 0;
}

/* columns carrying label lab, into idx; returns their count */
static int64_t block_members(const group *G, int64_t n, int64_t lab, int64_t *idx) {
  int64_t s = 0;
  for (int64_t k = 0; k < n; k++)
    if (G->label[k] == lab) idx[s++] = k;
  return s;
}

/* Factor L = V diag(f) V^T joins group G if it is block diagonal in G's basis
 * (blocks = columns degenerate in all members so far), i.e. it commutes with
 * every member.  Then each block is rotated to diagonalize L (the members are
 * scalar on it, so they stay diagonal), f is appended in the new column order
 * and the blocks are split by f.  Returns 1 merged, 0 not, < 0 error.
 * A cheap O(N^2) test on column 0 rejects most candidates first. */
static int try_merge(group *G, int64_t n, const double *V, const double *f, double tol, scratch *w) {
  const double *U = G->U;
  for (int64_t j = 0; j < n; j++) {
    double s = 0;
    for (int64_t p = 0; p < n; p++) s += V[p * n + j] * U[p * n];
    w->x[j] = s * f[j];
  }
  for (int64_t p = 0; p < n; p++) {
    double s = 0;
    for (int64_t j = 0; j < n; j++) s += V[p * n + j] * w->x[j];
    w->y[p] = s;
  }
  for (int64_t k = 1; k < n; k++) {
    if (G->label[k] == G->label[0]) continue;
    double s = 0;
    for (int64_t p = 0; p < n; p++) s += U[p * n + k] * w->y[p];
    if (fabs(s) > tol) return 0;
  }
  /* C = (U^T V) diag(f) (U^T V)^T = U^T L U */
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, U, (int)n, V, (int)n, 0.0,
              w->B, (int)n);
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < n; j++) w->sub[k * n + j] = w->B[k * n + j] * f[j];
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)n, 1.0, w->sub, (int)n, w->B, (int)n,
              0.0, w->C, (int)n);
  for (int64_t k = 0; k < n; k++)
    for (int64_t l = 0; l < n; l++)
      if (G->label[k] != G->label[l] && fabs(w->C[k * n + l]) > tol) return 0;
  int rc = group_push(G, n, f); /* placeholder row, overwritten below */
  if (rc) return rc;
  double *fnew = G->f + (G->nm - 1) * n;
  int64_t nlab = G->nlabel;
  for (int64_t lab = 0; lab < nlab; lab++) {
    int64_t s = block_members(G, n, lab, w->idx);
    if (s == 0) continue;
    if (s == 1) {
      fnew[w->idx[0]] = w->C[w->idx[0] * n + w->idx[0]];
      G->label[w->idx[0]] = G->nlabel++;
      continue;
    }
    double *R = w->sub, *e = w->x;
    for (int64_t a = 0; a < s; a++)
      for (int64_t b = 0; b < s; b++) R[a * s + b] = w->C[w->idx[a] * n + w->idx[b]];
    int info = qclr__eigh_sym('V', s, R, s, e, "groups: block eigendecomposition");
    if (info) return info;
    for (int64_t p = 0; p < n; p++) { /* U[:, idx] <- U[:, idx] R */
      double *row = G->U + p * n;
      for (int64_t b = 0; b < s; b++) {
        double t = 0;
        for (int64_t a = 0; a < s; a++) t += row[w->idx[a]] * R[a * s + b];
        w->y[b] = t;
      }
      for (int64_t b = 0; b < s; b++) row[w->idx[b]] = w->y[b];
    }
    for (int64_t m = 0; m + 1 < G->nm; m++) { /* member m was diagonal (to tol) on the block */
      double *fm = G->f + m * n;
      for (int64_t a = 0; a < s; a++) w->old[a] = fm[w->idx[a]];
      for (int64_t b = 0; b < s; b++) {
        double t = 0;
        for (int64_t a = 0; a < s; a++) t += R[a * s + b] * R[a * s + b] * w->old[a];
        fm[w->idx[b]] = t;
      }
    }
    for (int64_t b = 0; b < s; b++) fnew[w->idx[b]] = e[b];
    split_block(G, w->idx, s, fnew, tol, w);
  }
  /* every column was relabeled from nlab on: shift back to 0.. */
  for (int64_t k = 0; k < n; k++) G->label[k] -= nlab;
  G->nlabel -= nlab;
  return 1;
}

/* the Givens network of M = U^T, in full and simplified for the circuit */
static int group_network(group *G, int64_t n, double min_angle) {
  double *ut = qclr__malloc((size_t)(n * n), sizeof *ut, "group rotation");
  if (!ut) return QCLR_ENOMEM;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) ut[i * n + j] = G->U[j * n + i];
  int rc = qclr_givens_decompose(n, ut, &G->full);
  free(ut);
  if (!rc) rc = qclr_givens_simplify(G->full, min_angle, &G->net);
  return rc;
}

int qclr_groups_from_factors(int64_t n, double constant, const double *T, int64_t nfactors,
                             const int64_t *size, const double *const *rotation,
                             const double *const *eigenvalues, const qclr_groups_options *opt,
                             qclr_groups **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_groups_from_factors: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opt, "qclr_groups_options_default");
  qclr_groups_options def;
  if (!opt) qclr_groups_options_default(&def), opt = &def;
  if (n < 1 || nfactors < 0 || !T || (nfactors && (!size || !rotation || !eigenvalues)))
    return qclr__error(QCLR_EINVAL, "groups: need N >= 1, T and the factor arrays");
  if (!(opt->merge_tol >= 0))
    return qclr__error(QCLR_EINVAL, "groups: merge tolerance must be >= 0 (got %g)", opt->merge_tol);
  double min_angle = opt->min_angle;
  if (!(min_angle >= 0 && min_angle < M_PI / 4))
    return qclr__error(QCLR_EINVAL, "groups: min_angle must be in [0, pi/4) (got %g)", min_angle);
  int rc = qclr__check_lapack_int(n, "groups: orbitals");
  if (rc) return rc;
  for (int64_t l = 0; l < nfactors; l++)
    if (size[l] < 0 || size[l] > n || !rotation[l] || (size[l] && !eigenvalues[l]))
      return qclr__error(QCLR_EINVAL, "groups: factor %lld keeps %lld eigenpairs (N = %lld) or is missing",
                         (long long)l, (long long)size[l], (long long)n);
  if (!isfinite(constant)) return qclr__error(QCLR_EINVAL, "qclr_groups_from_factors: constant is %g", constant);
  if ((rc = qclr__check_finite("qclr_groups_from_factors", "T", T, n * n))) return rc;
  for (int64_t l = 0; l < nfactors; l++) {
    char name[64];
    snprintf(name, sizeof name, "rotation[%lld]", (long long)l);
    if ((rc = qclr__check_finite("qclr_groups_from_factors", name, rotation[l], n * n))) return rc;
    snprintf(name, sizeof name, "eigenvalues[%lld]", (long long)l);
    if ((rc = qclr__check_finite("qclr_groups_from_factors", name, eigenvalues[l], size[l]))) return rc;
  }
  qclr_groups *gs = qclr__calloc(1, sizeof *gs, "groups");
  if (!gs) return QCLR_ENOMEM;
  gs->n = n;
  gs->constant = constant;
  gs->g = qclr__calloc((size_t)nfactors + 1, sizeof *gs->g, "groups");
  double *w = qclr__malloc((size_t)(n * n), sizeof *w, "T eigenvectors");
  double *ev = qclr__malloc((size_t)n, sizeof *ev, "T eigenvalues");
  double *f = qclr__malloc((size_t)n, sizeof *f, "factor eigenvalues");
  scratch sc;
  int have_sc = scratch_init(&sc, n) == 0;
  if (!gs->g || !w || !ev || !f || !have_sc) rc = QCLR_ENOMEM;
  if (!rc) {
    memcpy(w, T, (size_t)(n * n) * sizeof *w);
    rc = qclr__eigh_sym('V', n, w, n, ev, "groups: eigendecomposition of T");
  }
  if (!rc) {
    gs->count = 1;
    rc = group_init(&gs->g[0], n, w);
  }
  if (!rc) memcpy(gs->g[0].coef, ev, (size_t)n * sizeof *ev);
  for (int64_t l = 0; !rc && l < nfactors; l++) {
    double fmaxabs = 0;
    for (int64_t k = 0; k < n; k++) {
      f[k] = k < size[l] ? eigenvalues[l][k] : 0.0;
      fmaxabs = fmax(fmaxabs, fabs(f[k]));
    }
    double tol = opt->merge_tol * fmax(1.0, fmaxabs);
    int merged = 0;
    for (int64_t g = 1; opt->merge && g < gs->count && !merged && rc >= 0; g++) {
      int r = try_merge(&gs->g[g], n, rotation[l], f, tol, &sc);
      if (r < 0) rc = r;
      else merged = r;
    }
    if (!rc && !merged) {
      group *G = &gs->g[gs->count++];
      rc = group_init(G, n, rotation[l]);
      if (!rc) rc = group_push(G, n, f);
      if (!rc) {
        for (int64_t k = 0; k < n; k++) sc.idx[k] = k;
        G->nlabel = 0;
        split_block(G, sc.idx, n, f, tol, &sc);
      }
    }
  }
  free(w), free(ev), free(f);
  if (have_sc) scratch_free(&sc);
  for (int64_t g = 1; !rc && g < gs->count; g++) { /* W = sum of f f^T over the members */
    group *G = &gs->g[g];
    for (int64_t m = 0; m < G->nm; m++)
      for (int64_t k = 0; k < n; k++)
        for (int64_t l2 = 0; l2 < n; l2++) G->coef[k * n + l2] += G->f[m * n + k] * G->f[m * n + l2];
  }
  if (!rc) {
    int nt = qclr__nthreads(), first = 0;
    (void)nt;
#pragma omp parallel for num_threads(nt) schedule(dynamic)
    for (int64_t g = 0; g < gs->count; g++) {
      int r = group_network(&gs->g[g], n, min_angle);
      if (r) {
#pragma omp critical(qclr_groups_network)
        if (!first) first = r;
      }
    }
    /* the detailed message was set in the failing thread; restate it here */
    if (first) rc = qclr__error(first, "groups: a rotation is not orthogonal (max |U^T U - I| > 1e-8) or out of memory");
  }
  if (rc) {
    qclr_groups_free(gs);
    return rc;
  }
  *out = gs;
  return 0;
}

int qclr_groups_qubit_terms(const qclr_groups *gs, int64_t g, double *a, double *b) {
  qclr__clear();
  if (!GROUP_OK(gs, g) || !a || !b)
    return qclr__error(QCLR_EINVAL, "qclr_groups_qubit_terms: %s", GROUP_OK(gs, g) ? "NULL array" : "no such group");
  int64_t n = gs->n, nq = 2 * n;
  const double *c = gs->g[g].coef;
  memset(b, 0, (size_t)(nq * nq) * sizeof *b);
  for (int64_t i = 0; i < nq; i++) a[i] = g == 0 ? c[i % n] : 0.5 * c[(i % n) * n + i % n];
  if (g == 0) return 0;
  for (int64_t i = 0; i < nq; i++)
    for (int64_t j = i + 1; j < nq; j++) b[i * nq + j] = c[(i % n) * n + j % n];
  return 0;
}

double qclr_groups_value(const qclr_groups *gs, int64_t g, const unsigned char *occ) {
  if (!GROUP_OK(gs, g) || !occ) return NAN;
  int64_t n = gs->n;
  const double *c = gs->g[g].coef;
  double v = 0;
  if (g == 0) {
    for (int64_t k = 0; k < n; k++) v += c[k] * (occ[k] + occ[n + k]);
    return v;
  }
  for (int64_t k = 0; k < n; k++) {
    int nk = occ[k] + occ[n + k];
    if (!nk) continue;
    double s = 0;
    for (int64_t l = 0; l < n; l++) s += c[k * n + l] * (occ[l] + occ[n + l]);
    v += nk * s;
  }
  return 0.5 * v;
}

/* <D>, <D^2> over |c|^2 for a rotated CI vector; D of determinant (a, b) from
 * per-string parts: 1/2 n~^T W n~ = 1/2 na W na + 1/2 nb W nb + (W na) . nb */
static int diag_moments(const qclr_groups *gs, int64_t g, const uint64_t *sa, int64_t na, const uint64_t *sb,
                        int64_t nb, const double *c, double *mean, double *var) {
  int64_t n = gs->n;
  const double *W = gs->g[g].coef;
  double *ea = qclr__malloc((size_t)(na + nb), sizeof *ea, "group moments");
  double *va = qclr__malloc((size_t)(na * n), sizeof *va, "group moments");
  if (!ea || !va) {
    free(ea), free(va);
    return QCLR_ENOMEM;
  }
  double *eb = ea + na;
  for (int s = 0; s < 2; s++) {
    const uint64_t *str = s ? sb : sa;
    int64_t ns = s ? nb : na;
    double *e = s ? eb : ea;
    for (int64_t i = 0; i < ns; i++) {
      double v = 0;
      for (int64_t k = 0; k < n; k++) {
        if (!((str[i] >> k) & 1)) {
          if (!s && g) va[i * n + k] = 0;
          continue;
        }
        if (g == 0) {
          v += W[k];
          continue;
        }
        double t = 0;
        for (int64_t l = 0; l < n; l++)
          if ((str[i] >> l) & 1) t += W[k * n + l];
        v += 0.5 * t;
      }
      e[i] = v;
      if (!s && g)
        for (int64_t l = 0; l < n; l++) {
          double t = 0;
          for (int64_t k = 0; k < n; k++)
            if ((str[i] >> k) & 1) t += W[k * n + l];
          va[i * n + l] = t;
        }
    }
  }
  double m = 0, m2 = 0;
  for (int64_t i = 0; i < na; i++)
    for (int64_t j = 0; j < nb; j++) {
      double p = c[i * nb + j] * c[i * nb + j];
      if (p == 0) continue;
      double d = ea[i] + eb[j];
      if (g)
        for (int64_t l = 0; l < n; l++)
          if ((sb[j] >> l) & 1) d += va[i * n + l];
      m += p * d;
      m2 += p * d * d;
    }
  *mean = m;
  *var = fmax(m2 - m * m, 0.0);
  free(ea), free(va);
  return 0;
}

int qclr_groups_moments(const qclr_groups *gs, int nalpha, int nbeta, const double *c, double *mean,
                        double *var) {
  qclr__clear();
  if (!gs || !c || !mean || !var) return qclr__error(QCLR_EINVAL, "qclr_groups_moments: NULL argument");
  int64_t n = gs->n;
  if (nalpha < 0 || nbeta < 0 || nalpha > n || nbeta > n)
    return qclr__error(QCLR_EINVAL, "group moments: electrons (%d, %d) do not fit %lld orbitals", nalpha, nbeta,
                       (long long)n);
  uint64_t *sa = NULL, *sb = NULL;
  int64_t na = 0, nb = 0;
  if (n > 64) return qclr__error(QCLR_ETOOLARGE, "group moments: %lld orbitals (at most 64)", (long long)n);
  int rc = qclr_ci_strings((int)n, nalpha, &sa, &na);
  if (!rc) rc = qclr_ci_strings((int)n, nbeta, &sb, &nb);
  if (rc) {
    free(sa);
    return rc;
  }
  int nt = qclr__nthreads();
  int bad = 0;
  (void)nt;
#pragma omp parallel for num_threads(nt) schedule(dynamic) reduction(| : bad)
  for (int64_t g = 0; g < gs->count; g++) {
    double *x = malloc((size_t)(na * nb) * sizeof *x);
    if (!x) {
      bad |= 1;
      continue;
    }
    memcpy(x, c, (size_t)(na * nb) * sizeof *x);
    if (qclr__givens_rotate_civec(gs->g[g].net, nalpha, nbeta, x, 1) ||
        diag_moments(gs, g, sa, na, sb, nb, x, &mean[g], &var[g]))
      bad |= 1;
    free(x);
  }
  free(sa), free(sb);
  if (bad) return qclr__error(QCLR_ENOMEM, "group moments: out of memory (%lld doubles per group)",
                              (long long)(na * nb));
  return 0;
}

int qclr_groups_shots(int64_t n, const double *var, double eps, int64_t *shots, int64_t *total) {
  qclr__clear();
  if (!(eps > 0) || !isfinite(eps))
    return qclr__error(QCLR_EINVAL, "shots: target error must be finite and > 0 (got %g)", eps);
  if (n < 0 || (n > 0 && (!var || !shots)) || !total)
    return qclr__error(QCLR_EINVAL, "shots: n = %lld groups or a NULL array", (long long)n);
  double ss = 0;
  for (int64_t g = 0; g < n; g++) {
    if (!(var[g] >= 0) || !isfinite(var[g]))
      return qclr__error(QCLR_EINVAL, "shots: variance %lld is %g (must be finite and >= 0)", (long long)g, var[g]);
    ss += sqrt(var[g]);
  }
  if (!isfinite(ss * ss / (eps * eps)))
    return qclr__error(QCLR_EINVAL, "shots: the shot count (sum sigma / eps)^2 overflows (eps = %g)", eps);
  double M = ss * ss / (eps * eps);
  int64_t tot = 0;
  for (int64_t g = 0; g < n; g++) {
    double m = ss > 0 ? ceil(M * sqrt(fmax(var[g], 0.0)) / ss) : 0.0;
    if (m > 9e18) return qclr__error(QCLR_ETOOLARGE, "shots: %.3g shots overflow", m);
    shots[g] = (int64_t)m;
    tot += shots[g];
  }
  *total = tot;
  return 0;
}

int qclr_groups_split_shots(int64_t n, const double *var, int64_t total, int64_t *shots) {
  qclr__clear();
  if (n < 1 || total < 0 || !var || !shots)
    return qclr__error(QCLR_EINVAL, "split shots: need n >= 1 groups, total >= 0 and arrays (got %lld, %lld)",
                       (long long)n, (long long)total);
  double ss = 0;
  for (int64_t g = 0; g < n; g++) {
    if (!isfinite(var[g])) return qclr__error(QCLR_EINVAL, "split shots: variance %lld is not finite", (long long)g);
    ss += sqrt(fmax(var[g], 0.0));
  }
  int64_t used = 0;
  for (int64_t g = 0; g < n; g++) {
    double x = ss > 0 ? (double)total * sqrt(fmax(var[g], 0.0)) / ss : (double)total / (double)n;
    shots[g] = (int64_t)floor(x);
    used += shots[g];
  }
  while (used < total) { /* fewer than n left (floor drops < 1 per group) */
    int64_t best = 0;
    double bf = -1;
    for (int64_t g = 0; g < n; g++) {
      double x = ss > 0 ? (double)total * sqrt(fmax(var[g], 0.0)) / ss : (double)total / (double)n;
      double fr = x - (double)shots[g];
      if (fr > bf) bf = fr, best = g;
    }
    shots[best]++, used++;
  }
  return 0;
}

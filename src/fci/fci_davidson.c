/* src/fci_davidson.c: lowest eigenpairs of the FCI Hamiltonian by Davidson's
 * method with the diagonal preconditioner in Olsen's form,
 * t = (r - eps x) / (theta - H_II), several roots, collapse to the Ritz
 * vectors when the subspace is full. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fci/fci_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

struct qclr_fci {
  int nroots, converged, iterations;
  int64_t nsa, nsb, ndet, nsigma;
  double *energy, *residual;
  double *civec; /* nroots x ndet */
};

void qclr_fci_options_default(qclr_fci_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->nroots = 1;
  o->tol = 1e-10;
  o->max_iter = 200;
}

static int max_subspace(int nroots, int64_t ndet) {
  int64_t m = 4 * (int64_t)nroots + 8;
  return (int)(m < ndet ? m : ndet);
}

int qclr_fci_memory_bytes(const qclr_hamiltonian *H, const qclr_fci_options *o, size_t *bytes) {
  qclr__clear();
  if (!H || !bytes) return qclr__error(QCLR_EINVAL, "qclr_fci_memory_bytes: NULL argument");
  QCLR__CHECK_OPTIONS(o, "qclr_fci_options_default");
  qclr_fci_options d;
  if (!o) qclr_fci_options_default(&d), o = &d;
  int N = (int)qclr_hamiltonian_norb(H), na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  if (N > 64) return qclr__error(QCLR_EUNSUPPORTED, "FCI supports at most 64 orbitals (NORB = %d)", N);
  int64_t nsa = qclr__fci_nstrings(N, na), nsb = qclr__fci_nstrings(N, nb);
  if (nsa < 0 || nsb < 0)
    return qclr__error(QCLR_ETOOLARGE, "FCI space C(%d,%d) x C(%d,%d) has more than 2^31 strings per spin", N,
                       na, N, nb);
  double ndet = (double)nsa * (double)nsb;
  int nroots = o->nroots > 0 ? o->nroots : 1;
  int m = max_subspace(nroots, (int64_t)(ndet < 1e18 ? ndet : 1e18));
  int nt = qclr__nthreads();
  /* basis V and sigma vectors W (m each), Ritz vectors and their sigma
   * vectors (nroots each), the diagonal, chunk sums, subspace matrices, the
   * H0 block, and the string tables and sigma work space */
  int64_t L = o->guess_size > 0 ? o->guess_size : 400;
  double nsel = 4.0 * (double)L < ndet ? 4.0 * (double)L : ndet; /* H0 block size bound (fci_guess.c) */
  double b = 8.0 * ndet * (2.0 * m + 2.0 * nroots + 1.0) + 8.0 * (ndet / 2048 + 1) * (m > nroots ? m : nroots) + 16.0 * (ndet / 2048 + 1) +
             qclr__fci_space_bytes_est(N, na, nb, nt) + 8.0 * m * m * 4 + 8.0 * nsel * nsel + 40.0 * nsel + 16.0 * L;
  if (b > 1.8e19) return qclr__error(QCLR_ETOOLARGE, "FCI needs about %.3g bytes", b);
  *bytes = (size_t)b;
  return 0;
}

static int solve_small(int m, const double *hs, double *evec, double *eval) {
  memcpy(evec, hs, (size_t)m * m * sizeof(double));
  return qclr__eigh_sym('V', m, evec, m, eval, "Davidson subspace");
}

/* Long-vector kernels.  Reductions are summed over fixed chunks of CH
 * elements, then over the chunks in order: the result does not depend on
 * the thread count. */
enum { CH = 2048, SMALL = 32768 /* below this length, threads cost more than they save */ };

static int64_t nchunks(int64_t n) { return (n + CH - 1) / CH; }

/* out[i] = X_i . y for i < m (X: m vectors, stride n); part: nchunks(n) * m doubles. */
static void multidot(int64_t n, int m, const double *X, const double *y, double *out, double *part, int nt) {
  const int64_t nc = nchunks(n);
#pragma omp parallel for num_threads(n >= SMALL ? nt : 1) schedule(static)
  for (int64_t c = 0; c < nc; c++) {
    const int64_t lo = c * CH, hi = lo + CH < n ? lo + CH : n;
    for (int i = 0; i < m; i++) {
      const double *x = X + (size_t)i * n;
      double s = 0.0;
#pragma omp simd reduction(+ : s)
      for (int64_t k = lo; k < hi; k++) s += x[k] * y[k];
      part[c * m + i] = s;
    }
  }
  for (int i = 0; i < m; i++) {
    double s = 0.0;
    for (int64_t c = 0; c < nc; c++) s += part[c * m + i];
    out[i] = s;
  }
}

/* y -= sum_i a[i] X_i */
static void subtract(int64_t n, int m, const double *X, const double *a, double *y, int nt) {
  const int64_t nc = nchunks(n);
#pragma omp parallel for num_threads(n >= SMALL ? nt : 1) schedule(static)
  for (int64_t c = 0; c < nc; c++) {
    const int64_t lo = c * CH, hi = lo + CH < n ? lo + CH : n;
    for (int i = 0; i < m; i++) {
      const double *x = X + (size_t)i * n, ai = a[i];
      for (int64_t k = lo; k < hi; k++) y[k] -= ai * x[k];
    }
  }
}

static inline double precond(double theta, double d) {
  double den = theta - d;
  if (fabs(den) < 1e-8) den = den < 0 ? -1e-8 : 1e-8;
  return 1.0 / den;
}

/* ab[0] = x . P r, ab[1] = x . P x with r = wx - theta x, P = precond. */
static void precond_dots(int64_t n, const double *x, const double *wx, const double *diag, double theta,
                         double *ab, double *part, int nt) {
  const int64_t nc = nchunks(n);
#pragma omp parallel for num_threads(n >= SMALL ? nt : 1) schedule(static)
  for (int64_t c = 0; c < nc; c++) {
    const int64_t lo = c * CH, hi = lo + CH < n ? lo + CH : n;
    double a = 0.0, b = 0.0;
    for (int64_t i = lo; i < hi; i++) {
      double px = precond(theta, diag[i]) * x[i];
      a += px * (wx[i] - theta * x[i]);
      b += px * x[i];
    }
    part[2 * c] = a;
    part[2 * c + 1] = b;
  }
  ab[0] = ab[1] = 0.0;
  for (int64_t c = 0; c < nc; c++) {
    ab[0] += part[2 * c];
    ab[1] += part[2 * c + 1];
  }
}

/* Ritz vectors and their residual norms for the nr lowest subspace pairs:
 * x_k = sum_j ev[j][k] V_j, wx_k = sum_j ev[j][k] W_j, res[k] = |wx_k - th_k x_k|. */
static void ritz(int64_t n, int m, int nr, const double *V, const double *W, const double *ev, const double *th,
                 double *X, double *WX, double *res, double *part, int nt) {
  const int64_t nc = nchunks(n);
#pragma omp parallel for num_threads(n >= SMALL ? nt : 1) schedule(static)
  for (int64_t c = 0; c < nc; c++) {
    const int64_t lo = c * CH, hi = lo + CH < n ? lo + CH : n;
    for (int k = 0; k < nr; k++) {
      double *x = X + (size_t)k * n, *wx = WX + (size_t)k * n;
      for (int64_t i = lo; i < hi; i++) x[i] = wx[i] = 0.0;
      for (int j = 0; j < m; j++) {
        const double e = ev[(size_t)j * m + k], *v = V + (size_t)j * n, *w = W + (size_t)j * n;
        for (int64_t i = lo; i < hi; i++) {
          x[i] += e * v[i];
          wx[i] += e * w[i];
        }
      }
      double s = 0.0;
#pragma omp simd reduction(+ : s)
      for (int64_t i = lo; i < hi; i++) {
        double r = wx[i] - th[k] * x[i];
        s += r * r;
      }
      part[c * nr + k] = s;
    }
  }
  for (int k = 0; k < nr; k++) {
    double s = 0.0;
    for (int64_t c = 0; c < nc; c++) s += part[c * nr + k];
    res[k] = sqrt(s);
  }
}

/* With n_alpha = n_beta an eigenvector of H that is not degenerate with
 * another spin parity is symmetric or antisymmetric under exchanging the
 * alpha and beta strings (c[I][J] = +-c[J][I]); rounding breaks this at the
 * 1e-15 level.  Restore it exactly when it holds to 1e-8, so that users of
 * the vector (spin-blocked tensor trains, RDMs) see exact spin symmetry.
 * Mixed-parity vectors (degenerate roots) are left alone. */
static void spin_flip_project(int64_t ns, double *x) {
  double dm = 0.0, dp = 0.0, nn = 0.0;
  for (int64_t i = 0; i < ns; i++)
    for (int64_t j = 0; j < ns; j++) {
      double a = x[(size_t)i * ns + j], b = x[(size_t)j * ns + i];
      dm += (a - b) * (a - b);
      dp += (a + b) * (a + b);
      nn += a * a;
    }
  double sgn;
  if (dm <= 1e-16 * nn) sgn = 1.0;
  else if (dp <= 1e-16 * nn) sgn = -1.0;
  else return;
  for (int64_t i = 0; i < ns; i++) {
    x[(size_t)i * ns + i] = sgn > 0 ? x[(size_t)i * ns + i] : 0.0;
    for (int64_t j = 0; j < i; j++) {
      double a = x[(size_t)i * ns + j], b = x[(size_t)j * ns + i];
      double m = 0.5 * (a + sgn * b);
      x[(size_t)i * ns + j] = m;
      x[(size_t)j * ns + i] = sgn * m;
    }
  }
}

int qclr_fci_solve(const qclr_hamiltonian *H, const qclr_fci_options *opt, qclr_fci **out) {
  qclr__clear();
  if (!H || !out) return qclr__error(QCLR_EINVAL, "qclr_fci_solve: NULL argument");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opt, "qclr_fci_options_default");
  qclr_fci_options o;
  if (opt) o = *opt; else qclr_fci_options_default(&o);
  if (o.nroots < 1) return qclr__error(QCLR_EINVAL, "nroots = %d must be at least 1", o.nroots);
  if (!(o.tol > 0) || !isfinite(o.tol)) return qclr__error(QCLR_EINVAL, "tol = %g must be positive", o.tol);
  if (o.max_iter < 1) return qclr__error(QCLR_EINVAL, "max_iter = %d must be at least 1", o.max_iter);
  if (!(o.residual_tol >= 0) || !isfinite(o.residual_tol))
    return qclr__error(QCLR_EINVAL, "residual_tol = %g must be >= 0", o.residual_tol);
  if (o.guess_size < 0) return qclr__error(QCLR_EINVAL, "guess_size = %d must be >= 0", o.guess_size);
  const double rtol = o.residual_tol > 0 ? o.residual_tol : sqrt(o.tol);
  size_t need;
  int rc = qclr_fci_memory_bytes(H, &o, &need);
  if (rc) return rc;
  if (o.max_bytes && need > o.max_bytes)
    return qclr__error(QCLR_ETOOLARGE, "FCI needs about %zu bytes (%.3g GiB), more than the limit of %zu bytes",
                       need, need / 1073741824.0, o.max_bytes);
  {
    const char *limit = NULL;
    size_t avail = qclr__memory_available(&limit);
    if (avail > 0 && need > avail)
      return qclr__error(QCLR_ETOOLARGE, "FCI needs about %zu bytes (%.3g GiB), more than the %.3g GiB left under %s",
                         need, need / 1073741824.0, avail / 1073741824.0, limit);
  }
  qclr__fci_space sp;
  if ((rc = qclr__fci_space_build(H, &sp))) return rc;
  const int64_t n = sp.ndet;
  const int nt = sp.nthreads;
  if (o.nroots > n) {
    qclr__fci_space_free(&sp);
    return qclr__error(QCLR_EINVAL, "nroots = %d exceeds the %lld determinants", o.nroots, (long long)n);
  }
  const int nr = o.nroots, msub = max_subspace(nr, n);
  const int64_t nc = nchunks(n);
  const int npart = (msub > nr ? msub : nr) > 2 ? (msub > nr ? msub : nr) : 2;
  qclr_fci *f = calloc(1, sizeof *f);
  double *V = qclr__malloc((size_t)msub, (size_t)n * sizeof(double), "Davidson basis");
  double *W = qclr__malloc((size_t)msub, (size_t)n * sizeof(double), "Davidson sigma vectors");
  double *X = qclr__malloc((size_t)nr, (size_t)n * sizeof(double), "Ritz vectors");
  double *WX = qclr__malloc((size_t)nr, (size_t)n * sizeof(double), "Ritz sigma vectors");
  double *diag = qclr__malloc((size_t)n, sizeof(double), "Hamiltonian diagonal");
  double *part = qclr__malloc((size_t)nc * (size_t)npart, sizeof(double), "partial sums");
  double *hs = qclr__calloc((size_t)msub * msub, sizeof(double), "subspace matrix");
  double *ev = qclr__malloc((size_t)msub * msub, sizeof(double), "subspace vectors");
  double *tmp = qclr__malloc((size_t)msub * msub, sizeof(double), "subspace copy");
  double *th = qclr__malloc((size_t)msub, sizeof(double), "subspace eigenvalues");
  double *dots = qclr__malloc((size_t)msub, sizeof(double), "overlaps");
  double *thprev = qclr__malloc((size_t)nr, sizeof(double), "previous energies");
  double *res = qclr__malloc((size_t)nr, sizeof(double), "residual norms");
  int *conv = qclr__calloc((size_t)nr, sizeof(int), "convergence flags");
  if (!f || !V || !W || !X || !WX || !diag || !part || !hs || !ev || !tmp || !th || !dots || !thprev || !res ||
      !conv) {
    rc = f ? QCLR_ENOMEM : qclr__error(QCLR_ENOMEM, "cannot allocate the FCI result");
    goto done;
  }
  f->nroots = nr;
  f->nsa = sp.a.nstr;
  f->nsb = sp.b.nstr;
  f->ndet = n;
  qclr__fci_space_diag(&sp, H, diag);

  /* start: lowest eigenvectors of the H0 block (orthonormal) */
  if ((rc = qclr__fci_guess(&sp, H, diag, nr, o.guess_size > 0 ? o.guess_size : 400, V, NULL))) goto done;
  int m = nr;
  for (int k = 0; k < nr; k++) thprev[k] = INFINITY;
  int mold = 0, iter = 0, allconv = 0;
  while (1) {
    for (int j = mold; j < m; j++) {
      if ((rc = qclr__fci_space_sigma(&sp, V + (size_t)j * n, W + (size_t)j * n))) goto done;
      f->nsigma++;
      multidot(n, j + 1, V, W + (size_t)j * n, dots, part, nt);
      for (int i = 0; i <= j; i++) hs[(size_t)i * msub + j] = hs[(size_t)j * msub + i] = dots[i];
    }
    mold = m;
    iter++;
    for (int i = 0; i < m; i++) memcpy(tmp + (size_t)i * m, hs + (size_t)i * msub, (size_t)m * sizeof(double));
    if ((rc = solve_small(m, tmp, ev, th))) goto done;
    ritz(n, m, nr, V, W, ev, th, X, WX, res, part, nt);
    allconv = 1;
    for (int k = 0; k < nr; k++) {
      conv[k] = fabs(th[k] - thprev[k]) <= o.tol && res[k] <= rtol;
      if (res[k] < 1e-13) conv[k] = 1; /* exact within the subspace (tiny spaces) */
      allconv &= conv[k];
      thprev[k] = th[k];
    }
    if (o.progress) o.progress(o.progress_ctx, iter, nr, th, res);
    if (allconv || iter >= o.max_iter) break;
    int nnew = 0;
    for (int k = 0; k < nr; k++) nnew += !conv[k];
    if (m + nnew > msub) { /* collapse onto the current Ritz vectors */
      memcpy(V, X, (size_t)nr * n * sizeof(double));
      memcpy(W, WX, (size_t)nr * n * sizeof(double));
      memset(hs, 0, (size_t)msub * msub * sizeof(double));
      for (int k = 0; k < nr; k++) hs[(size_t)k * msub + k] = th[k];
      m = mold = nr;
    }
    int added = 0;
    for (int k = 0; k < nr; k++) {
      if (conv[k] || m >= msub) continue;
      /* correction (Olsen): t = P (r - eps x), P = 1 / (theta - H_II),
       * r = W x - theta x, eps = x.P r / x.P x, so that t is orthogonal to x
       * to first order (plain Davidson, eps = 0, nearly reproduces x) */
      double *t = V + (size_t)m * n;
      const double *x = X + (size_t)k * n, *wx = WX + (size_t)k * n, tk = th[k];
      double ab[2];
      precond_dots(n, x, wx, diag, tk, ab, part, nt);
      const double eps = ab[1] != 0.0 ? ab[0] / ab[1] : 0.0;
#pragma omp parallel for num_threads(n >= SMALL ? nt : 1) schedule(static)
      for (int64_t i = 0; i < n; i++) t[i] = precond(tk, diag[i]) * (wx[i] - tk * x[i] - eps * x[i]);
      multidot(n, 1, t, t, dots, part, nt);
      double nrm0 = sqrt(dots[0]);
      if (!(nrm0 > 0) || !isfinite(nrm0)) continue;
      /* Gram-Schmidt against the basis, repeated once if it removed most of t */
      double nrm = nrm0;
      for (int pass = 0; pass < 2; pass++) {
        double before = nrm;
        multidot(n, m, V, t, dots, part, nt);
        subtract(n, m, V, dots, t, nt);
        multidot(n, 1, t, t, dots, part, nt);
        nrm = sqrt(dots[0]);
        if (nrm > 0.5 * before) break;
      }
      if (nrm < 1e-10 * nrm0 || nrm < 1e-300) continue;
#pragma omp parallel for num_threads(n >= SMALL ? nt : 1) schedule(static)
      for (int64_t i = 0; i < n; i++) t[i] /= nrm;
      m++;
      added++;
    }
    if (!added) {
      allconv = 1; /* subspace cannot grow: Ritz pairs are exact to rounding */
      for (int k = 0; k < nr; k++) allconv &= res[k] <= rtol;
      break;
    }
  }
  f->iterations = iter;
  f->converged = allconv;
  f->energy = qclr__malloc((size_t)nr, sizeof(double), "energies");
  f->residual = qclr__malloc((size_t)nr, sizeof(double), "residual norms");
  if (!f->energy || !f->residual) { rc = QCLR_ENOMEM; goto done; }
  for (int k = 0; k < nr; k++) {
    f->energy[k] = th[k];
    f->residual[k] = res[k];
    double *x = X + (size_t)k * n;
    if (sp.na == sp.nb) spin_flip_project(sp.a.nstr, x);
    double nx = sqrt(qclr__fci_dot(n, x, x, nt));
    for (int64_t i = 0; i < n; i++) x[i] /= nx;
  }
  f->civec = X;
  X = NULL;
  rc = allconv ? 0 : qclr__error(QCLR_WNOTCONVERGED, "Davidson did not converge in %d iterations", iter);
done:
  if (rc < 0) {
    qclr_fci_free(f);
    f = NULL;
  }
  free(V); free(W); free(X); free(WX); free(diag); free(part); free(hs); free(ev); free(tmp); free(th);
  free(dots); free(thprev); free(res); free(conv);
  qclr__fci_space_free(&sp);
  *out = f;
  return rc;
}

void qclr_fci_free(qclr_fci *f) {
  if (!f) return;
  free(f->energy);
  free(f->residual);
  free(f->civec);
  free(f);
}

double qclr_fci_energy(const qclr_fci *f, int root) {
  return (f && root >= 0 && root < f->nroots) ? f->energy[root] : NAN;
}
int qclr_fci_converged(const qclr_fci *f) { return f ? f->converged : 0; }
const double *qclr_fci_civec(const qclr_fci *f, int root) {
  return (f && root >= 0 && root < f->nroots) ? f->civec + (size_t)root * f->ndet : NULL;
}
int64_t qclr_fci_nstrings_alpha(const qclr_fci *f) { return f ? f->nsa : 0; }
int64_t qclr_fci_nstrings_beta(const qclr_fci *f) { return f ? f->nsb : 0; }
int64_t qclr_fci_ndet(const qclr_fci *f) { return f ? f->ndet : 0; }
int qclr_fci_nroots(const qclr_fci *f) { return f ? f->nroots : 0; }
int qclr_fci_iterations(const qclr_fci *f) { return f ? f->iterations : 0; }
int64_t qclr_fci_nsigma(const qclr_fci *f) { return f ? f->nsigma : 0; }
double qclr_fci_residual(const qclr_fci *f, int root) {
  return (f && root >= 0 && root < f->nroots) ? f->residual[root] : NAN;
}

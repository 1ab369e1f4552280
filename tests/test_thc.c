/* tests/test_thc.c: THC by interpolative decomposition (include/qclr/thc.h).
 *
 * References, all computed here from the definitions on the full N^4 arrays:
 *  - the ERIs rebuilt from the returned points chi and Z by the THC formula,
 *    against the exact ERIs: the reported max |Delta V| and ||Delta V||_F to
 *    1e-12 (absolute + 1e-10 relative);
 *  - least-squares optimality of Z: the gradient sum chi chi (V - V_THC) chi chi
 *    vanishes (1e-9 x ||V||);
 *  - M = N(N+1)/2 columns chosen by pivoted QR span the pair space: exact fit;
 *  - lambda_THC = sum |eig T'| + 1/2 sum |Z| (unit points), T' = h - 1/2
 *    sum_r (pr|rq) + sum_r (pq|rr)_THC, eigenvalues by a Jacobi sweep here;
 *  - the three selections give M distinct candidates; argument errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qclr.h"
#include "qclr/thc.h"
#include "testutil.h"

/* eigenvalues of a symmetric n x n matrix (destroyed) by cyclic Jacobi */
static void jacobi_eigenvalues(int64_t n, double *a, double *ev) {
  for (int sweep = 0; sweep < 100; sweep++) {
    double off = 0;
    for (int64_t p = 0; p < n; p++)
      for (int64_t q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off < 1e-30) break;
    for (int64_t p = 0; p < n; p++)
      for (int64_t q = p + 1; q < n; q++) {
        if (fabs(a[p * n + q]) < 1e-300) continue;
        double th = 0.5 * atan2(2 * a[p * n + q], a[q * n + q] - a[p * n + p]);
        double c = cos(th), s = sin(th);
        for (int64_t k = 0; k < n; k++) {
          double x = a[k * n + p], y = a[k * n + q];
          a[k * n + p] = c * x - s * y;
          a[k * n + q] = s * x + c * y;
        }
        for (int64_t k = 0; k < n; k++) {
          double x = a[p * n + k], y = a[q * n + k];
          a[p * n + k] = c * x - s * y;
          a[q * n + k] = s * x + c * y;
        }
      }
  }
  for (int64_t p = 0; p < n; p++) ev[p] = a[p * n + p];
}

static void check_thc(const qclr_hamiltonian *H, const qclr_thc *t, const double *eri, const char *what) {
  const int64_t n = qclr_thc_norb(t), M = qclr_thc_rank(t), n2 = n * n;
  const double *chi = qclr_thc_points(t), *Z = qclr_thc_z(t);
  /* rebuild: W[mu][pq] = chi_p chi_q, V = W^T Z W */
  double *W = malloc((size_t)(M * n2) * sizeof *W), *VZ = malloc((size_t)(M * n2) * sizeof *VZ);
  double *D = malloc((size_t)(n2 * n2) * sizeof *D);
  for (int64_t m = 0; m < M; m++)
    for (int64_t pq = 0; pq < n2; pq++) W[m * n2 + pq] = chi[m * n + pq / n] * chi[m * n + pq % n];
  for (int64_t m = 0; m < M; m++)
    for (int64_t rs = 0; rs < n2; rs++) {
      double v = 0;
      for (int64_t k = 0; k < M; k++) v += Z[m * M + k] * W[k * n2 + rs];
      VZ[m * n2 + rs] = v;
    }
  double mx = 0, fr = 0, vn = 0;
  for (int64_t pq = 0; pq < n2; pq++)
    for (int64_t rs = 0; rs < n2; rs++) {
      double v = 0;
      for (int64_t m = 0; m < M; m++) v += W[m * n2 + pq] * VZ[m * n2 + rs];
      D[pq * n2 + rs] = eri[pq * n2 + rs] - v;
      if (fabs(D[pq * n2 + rs]) > mx) mx = fabs(D[pq * n2 + rs]);
      fr += D[pq * n2 + rs] * D[pq * n2 + rs];
      vn += eri[pq * n2 + rs] * eri[pq * n2 + rs];
    }
  fr = sqrt(fr);
  CHECK_CLOSE(qclr_thc_max_abs_error(t), mx, 1e-12 + 1e-10 * mx, what);
  CHECK_CLOSE(qclr_thc_frobenius_error(t), fr, 1e-12 + 1e-10 * fr, what);
  /* gradient of ||D||^2 with respect to Z */
  double gmax = 0;
  for (int64_t a = 0; a < M; a++)
    for (int64_t b = 0; b < M; b++) {
      double g = 0;
      for (int64_t pq = 0; pq < n2; pq++) {
        double row = 0;
        for (int64_t rs = 0; rs < n2; rs++) row += D[pq * n2 + rs] * W[b * n2 + rs];
        g += W[a * n2 + pq] * row;
      }
      if (fabs(g) > gmax) gmax = fabs(g);
    }
  CHECK(gmax <= 1e-9 * sqrt(vn), "%s: least-squares gradient %.3g (||V|| %.3g)", what, gmax, sqrt(vn));
  /* lambda */
  const double *h = qclr_hamiltonian_h(H);
  double *T = malloc((size_t)n2 * sizeof *T), *ev = malloc((size_t)n * sizeof *ev);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < n; q++) {
      double v = h[p * n + q];
      for (int64_t r = 0; r < n; r++) {
        double thc = eri[(p * n + q) * n2 + r * n + r] - D[(p * n + q) * n2 + r * n + r];
        v += -0.5 * eri[(p * n + r) * n2 + r * n + q] + thc;
      }
      T[p * n + q] = v;
    }
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < p; q++) T[p * n + q] = T[q * n + p] = 0.5 * (T[p * n + q] + T[q * n + p]);
  jacobi_eigenvalues(n, T, ev);
  double lam = 0;
  for (int64_t p = 0; p < n; p++) lam += fabs(ev[p]);
  for (int64_t i = 0; i < M * M; i++) lam += 0.5 * fabs(Z[i]);
  CHECK_CLOSE(qclr_thc_lambda(t), lam, 1e-9 * lam, what);
  /* distinct selection */
  const int64_t *sel = qclr_thc_selected(t);
  int dup = 0;
  for (int64_t i = 1; i < M; i++) dup += sel[i] <= sel[i - 1];
  CHECK(dup == 0, "%s: %d repeated or unsorted candidates", what, dup);
  free(T);
  free(ev);
  free(W);
  free(VZ);
  free(D);
}

int main(void) {
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_fcidump_read(test_input("h2o_sto-3g.fcidump"), NULL, &H, NULL), 0);
  if (!H) return test_done("test_thc");
  const int64_t n = qclr_hamiltonian_norb(H), n2 = n * n;
  double *eri = malloc((size_t)(n2 * n2) * sizeof *eri);
  CHECK_RC(qclr_hamiltonian_eri_full(H, eri), 0);
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  co.tol = 1e-10;
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  CHECK_RC(qclr_cholesky_compute(H, &co, &lr), 0);
  CHECK_RC(qclr_df_compute(H, lr, NULL, &df), 0);
  const int64_t nc = qclr_df_nterms(df);
  qclr_factor_metrics dm;
  CHECK_RC(qclr_df_metrics(H, df, &dm), 0);
  qclr_thc_options o;
  qclr_thc_options_default(&o);
  const char *names[] = {"gks", "cpqr", "uniform"};
  for (int s = 0; s < 3; s++) {
    o.select = s;
    int64_t ms[] = {10, 20, nc < 28 ? nc : 28}; /* npair = 28 */
    for (int i = 0; i < 3; i++) {
      qclr_thc *t = NULL;
      char what[64];
      snprintf(what, sizeof what, "%s M=%lld", names[s], (long long)ms[i]);
      CHECK_RC(qclr_thc_from_df(H, df, ms[i], &o, &t), 0);
      if (!t) continue;
      check_thc(H, t, eri, what);
      /* M = npair pivoted columns span the pair space: the fit is exact (the DF with
       * tau 1e-10 is itself exact to dm.max_abs_error) */
      if (ms[i] == 28 && s == QCLR_THC_SELECT_CPQR)
        CHECK(qclr_thc_max_abs_error(t) <= 1e-10, "%s: THC at M = npair %.3g (DF %.3g)", what,
              qclr_thc_max_abs_error(t), dm.max_abs_error);
      qclr_hamiltonian *R = NULL;
      CHECK_RC(qclr_thc_hamiltonian(H, t, &R), 0);
      if (R) { /* its ERIs are the THC ones: same max deviation from the exact ERIs */
        double mx = 0;
        for (int64_t p = 0; p < n; p++)
          for (int64_t q = 0; q < n; q++)
            for (int64_t r = 0; r < n; r++)
              for (int64_t u = 0; u < n; u++) {
                double d = fabs(qclr_hamiltonian_eri(R, p, q, r, u) - eri[(p * n + q) * n2 + r * n + u]);
                if (d > mx) mx = d;
              }
        CHECK_CLOSE(mx, qclr_thc_max_abs_error(t), 1e-12, what);
        CHECK(qclr_hamiltonian_h(R)[1] == qclr_hamiltonian_h(H)[1], "%s: h kept", what);
      }
      qclr_hamiltonian_free(R);
      qclr_thc_free(t);
    }
  }
  qclr_thc *t = NULL;
  CHECK_RC(qclr_thc_from_df(H, df, 0, &o, &t), QCLR_EINVAL);
  CHECK_RC(qclr_thc_from_df(H, df, nc + 1, &o, &t), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "Lxi") != NULL, "message names Lxi: %s", qclr_last_error());
  CHECK_RC(qclr_thc_from_df(H, df, 29, &o, &t), QCLR_EINVAL); /* > npair */
  o.select = 7;
  CHECK_RC(qclr_thc_from_df(H, df, 5, &o, &t), QCLR_EINVAL);
  o.size = 1;
  CHECK_RC(qclr_thc_from_df(H, df, 5, &o, &t), QCLR_EINVAL);
  CHECK_RC(qclr_thc_from_df(H, NULL, 5, NULL, &t), QCLR_EINVAL);
  qclr_df_free(df);
  qclr_lowrank_free(lr);
  qclr_hamiltonian_free(H);
  free(eri);
  return test_done("test_thc");
}

/* src/jellium.c: jellium (uniform electron gas) in a cubic cell, dual plane-wave
 * (position) basis of Babbush et al., PRX 8, 011044 (2018):
 *   T_pq = 1/N sum_nu k_nu^2/2 cos(k_nu . (r_p - r_q))
 *   V_pq = 4 pi/Omega sum_{nu != 0} cos(k_nu . (r_p - r_q)) / k_nu^2
 * Both depend only on the grid difference r_p - r_q, so each is one 3-D DFT of
 * a function of nu (FFTW), then an O(N^2) gather. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "core/internal.h"
#include "qclr/model.h"

double qclr_jellium_length(double rs, int nelec) {
  if (!(rs > 0) || !isfinite(rs) || nelec < 1) return NAN;
  return cbrt(4.0 / 3.0 * M_PI * rs * rs * rs * (double)nelec);
}

static int check(int n, double length) {
  if (n < 1 || n % 2 == 0 || n > 31)
    return qclr__error(QCLR_EINVAL, "jellium: grid points per side must be odd and in [1, 31], got %d", n);
  if (!(length > 0) || !isfinite(length))
    return qclr__error(QCLR_EINVAL, "jellium: cell length must be positive, got %g", length);
  return 0;
}

/* signed frequency of DFT index i on an n-point grid (n odd) */
static int freq(int i, int n) { return i <= (n - 1) / 2 ? i : i - n; }

/* gather: M[p, q] = f[(d_p - d_q) mod n per axis], p = (x*n + y)*n + z */
static void gather(int n, const double *f, double *M) {
  int64_t N = (int64_t)n * n * n;
  for (int64_t p = 0; p < N; p++) {
    int px = (int)(p / (n * n)), py = (int)(p / n % n), pz = (int)(p % n);
    for (int64_t q = 0; q < N; q++) {
      int qx = (int)(q / (n * n)), qy = (int)(q / n % n), qz = (int)(q % n);
      int dx = (px - qx + n) % n, dy = (py - qy + n) % n, dz = (pz - qz + n) % n;
      M[p * N + q] = f[((int64_t)dx * n + dy) * n + dz];
    }
  }
}

/* T and V as functions of the grid difference d (n^3 each). */
static int dual_tables(int n, double length, double *tdiff, double *vdiff) {
  int64_t N = (int64_t)n * n * n;
  double omega = length * length * length, g = 2.0 * M_PI / length;
  fftw_complex *a = fftw_malloc(sizeof(fftw_complex) * (size_t)N);
  fftw_complex *b = fftw_malloc(sizeof(fftw_complex) * (size_t)N);
  if (!a || !b) {
    fftw_free(a);
    fftw_free(b);
    return qclr__error(QCLR_ENOMEM, "jellium: out of memory for FFT arrays");
  }
  /* FFTW's planner is not thread-safe: plan before any parallel work. */
  fftw_plan plan = fftw_plan_dft_3d(n, n, n, a, b, FFTW_FORWARD, FFTW_ESTIMATE);
  if (!plan) {
    fftw_free(a);
    fftw_free(b);
    return qclr__error(QCLR_ENUMERIC, "jellium: FFTW planning failed");
  }
  for (int pass = 0; pass < 2; pass++) {
    for (int x = 0; x < n; x++)
      for (int y = 0; y < n; y++)
        for (int z = 0; z < n; z++) {
          double kx = g * freq(x, n), ky = g * freq(y, n), kz = g * freq(z, n);
          double k2 = kx * kx + ky * ky + kz * kz;
          int64_t i = ((int64_t)x * n + y) * n + z;
          a[i][0] = pass == 0 ? 0.5 * k2 / (double)N : (k2 > 0 ? 4.0 * M_PI / (omega * k2) : 0.0);
          a[i][1] = 0.0;
        }
    fftw_execute(plan);
    /* the input is even in nu, so the transform is real: keep the real part */
    double *dst = pass == 0 ? tdiff : vdiff;
    for (int64_t i = 0; i < N; i++) dst[i] = b[i][0];
  }
  fftw_destroy_plan(plan);
  fftw_free(a);
  fftw_free(b);
  return 0;
}

int qclr_jellium_dual(int n, double length, int nelec, qclr_hamiltonian **out, double *kinetic,
                      double *potential) {
  qclr__clear();
  if (out) *out = NULL;
  int rc = check(n, length);
  if (rc) return rc;
  int64_t N = (int64_t)n * n * n;
  if (out && (nelec < 0 || nelec > 2 * N))
    return qclr__error(QCLR_EINVAL, "jellium: %d electrons do not fit %lld orbitals", nelec, (long long)N);
  double *tab = qclr__malloc((size_t)(2 * N + 2 * N * N), sizeof(double), "jellium tables");
  if (!tab) return QCLR_ENOMEM;
  double *td = tab, *vd = td + N, *T = vd + N, *V = T + N * N;
  rc = dual_tables(n, length, td, vd);
  qclr_hamiltonian *H = NULL;
  if (!rc && out) rc = qclr_hamiltonian_new(N, nelec, nelec % 2, &H);
  if (rc) {
    free(tab);
    return rc;
  }
  gather(n, td, T);
  gather(n, vd, V);
  if (H) {
    double *h = qclr_hamiltonian_h_mut(H), *vp = qclr_hamiltonian_vpair_mut(H);
    int64_t npair = N * (N + 1) / 2;
    for (int64_t x = 0; x < N * N; x++) h[x] = T[x];
    for (int64_t p = 0; p < N; p++)
      for (int64_t q = 0; q < N; q++) vp[qclr__pair(p, p) * npair + qclr__pair(q, q)] = V[p * N + q];
    *out = H;
  }
  if (kinetic)
    for (int64_t x = 0; x < N * N; x++) kinetic[x] = T[x];
  if (potential)
    for (int64_t x = 0; x < N * N; x++) potential[x] = V[x];
  free(tab);
  return 0;
}

int qclr_jellium_dual_direct(int n, double length, double *kinetic, double *potential) {
  qclr__clear();
  int rc = check(n, length);
  if (rc) return rc;
  int64_t N = (int64_t)n * n * n;
  double omega = length * length * length, g = 2.0 * M_PI / length, h = length / n;
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q < N; q++) {
      double r[3] = {h * (double)(p / (n * n) - q / (n * n)), h * (double)(p / n % n - q / n % n),
                     h * (double)(p % n - q % n)};
      double t = 0, v = 0;
      for (int x = -(n - 1) / 2; x <= (n - 1) / 2; x++)
        for (int y = -(n - 1) / 2; y <= (n - 1) / 2; y++)
          for (int z = -(n - 1) / 2; z <= (n - 1) / 2; z++) {
            double k[3] = {g * x, g * y, g * z}, k2 = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
            double c = cos(k[0] * r[0] + k[1] * r[1] + k[2] * r[2]);
            t += 0.5 * k2 * c;
            if (k2 > 0) v += c / k2;
          }
      if (kinetic) kinetic[p * N + q] = t / (double)N;
      if (potential) potential[p * N + q] = 4.0 * M_PI / omega * v;
    }
  return 0;
}

/* Real plane waves on the grid, ordered by |m|^2 (stable over the
 * lexicographic order of m): column 0 the constant 1/sqrt(N), then for every
 * m whose first nonzero component is positive, sqrt(2/N) cos(k.r_p) and
 * sqrt(2/N) sin(k.r_p) (k.r_p = 2 pi m.idx_p / n).  Orthogonal because the
 * grid is odd (no Nyquist frequency). */
static int plane_wave_rotation(int n, double *O) {
  int64_t N = (int64_t)n * n * n, h = (n - 1) / 2, count = 0;
  int *m = malloc(sizeof(int) * 3 * (size_t)N);
  int64_t *ord = malloc(sizeof(int64_t) * (size_t)N);
  if (!m || !ord) {
    free(m);
    free(ord);
    return qclr__error(QCLR_ENOMEM, "jellium: out of memory for the plane-wave list");
  }
  for (int x = -(int)h; x <= (int)h; x++)
    for (int y = -(int)h; y <= (int)h; y++)
      for (int z = -(int)h; z <= (int)h; z++) {
        int first = x ? x : y ? y : z;
        if (first < 0) continue;
        m[3 * count] = x, m[3 * count + 1] = y, m[3 * count + 2] = z;
        ord[count] = count;
        count++;
      }
  /* stable insertion sort by |m|^2 */
  for (int64_t i = 1; i < count; i++) {
    int64_t t = ord[i], j = i;
    int kt = m[3 * t] * m[3 * t] + m[3 * t + 1] * m[3 * t + 1] + m[3 * t + 2] * m[3 * t + 2];
    while (j > 0) {
      int64_t u = ord[j - 1];
      int ku = m[3 * u] * m[3 * u] + m[3 * u + 1] * m[3 * u + 1] + m[3 * u + 2] * m[3 * u + 2];
      if (ku <= kt) break;
      ord[j] = u;
      j--;
    }
    ord[j] = t;
  }
  double c0 = 1.0 / sqrt((double)N), c1 = sqrt(2.0 / (double)N);
  int64_t col = 0;
  for (int64_t i = 0; i < count; i++) {
    const int *mv = m + 3 * ord[i];
    int zero = !mv[0] && !mv[1] && !mv[2];
    for (int64_t p = 0; p < N; p++) {
      int64_t px = p / ((int64_t)n * n), py = p / n % n, pz = p % n;
      /* phase 2 pi m.idx / n, reduced mod n for accuracy */
      int64_t d = ((mv[0] * px + mv[1] * py + mv[2] * pz) % n + n) % n;
      double phi = 2.0 * M_PI * (double)d / (double)n;
      if (zero) {
        O[p * N + col] = c0;
      } else {
        O[p * N + col] = c1 * cos(phi);
        O[p * N + col + 1] = c1 * sin(phi);
      }
    }
    col += zero ? 1 : 2;
  }
  free(m);
  free(ord);
  return 0;
}

int qclr_jellium_plane_wave(int n, double length, int nelec, qclr_hamiltonian **out, double *rotation) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_jellium_plane_wave: out is NULL");
  *out = NULL;
  int rc = check(n, length);
  if (rc) return rc;
  int64_t N = (int64_t)n * n * n;
  if (nelec < 0 || nelec > 2 * N)
    return qclr__error(QCLR_EINVAL, "jellium: %d electrons do not fit %lld orbitals", nelec, (long long)N);
  size_t bytes;
  if ((rc = qclr_hamiltonian_memory_bytes(N, &bytes))) return rc;
  double *O = qclr__malloc((size_t)(2 * N * N), sizeof(double), "plane-wave rotation");
  if (!O) return QCLR_ENOMEM;
  double *T = O + N * N;
  qclr_hamiltonian *D = NULL;
  rc = plane_wave_rotation(n, O);
  if (!rc) rc = qclr_jellium_dual(n, length, nelec, &D, T, NULL);
  if (!rc) rc = qclr_ao2mo(N, O, T, qclr_hamiltonian_vpair(D), 0.0, nelec, out);
  qclr_hamiltonian_free(D);
  if (!rc && rotation) memcpy(rotation, O, sizeof(double) * (size_t)(N * N));
  free(O);
  return rc;
}

/* tests/test_lattice_models.c: Hubbard and dual-basis jellium Hamiltonians.
 * References: the closed-form two-site Hubbard ground state, a brute-force
 * exact diagonalization of the one-alpha one-beta sector written here, and
 * direct O(N^3) plane-wave sums for jellium (1e-12). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "qclr.h"
#include "testutil.h"

/* Lowest eigenvalue of H in the sector n_alpha = n_beta = 1: basis |i_a j_b>,
 * <ij|H|kl> = h_ik d_jl + d_ik h_jl + (ik|jl) + e_core (no fermionic signs). */
static double ed_one_one(const qclr_hamiltonian *H) {
  int64_t n = qclr_hamiltonian_norb(H), d = n * n;
  const double *h = qclr_hamiltonian_h(H);
  double *M = calloc((size_t)(d * d), sizeof(double)), *w = malloc(sizeof(double) * (size_t)d);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      for (int64_t k = 0; k < n; k++)
        for (int64_t l = 0; l < n; l++) {
          double v = qclr_hamiltonian_eri(H, i, k, j, l);
          if (j == l) v += h[i * n + k];
          if (i == k) v += h[j * n + l];
          if (i == k && j == l) v += qclr_hamiltonian_e_core(H);
          M[(i * n + j) * d + k * n + l] = v;
        }
  LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (int)d, M, (int)d, w);
  double e = w[0];
  free(M);
  free(w);
  return e;
}

static void test_hubbard(void) {
  const double t = 1.3, us[3] = {0.0, 4.0, 10.0};
  for (int k = 0; k < 3; k++) {
    qclr_hamiltonian *H = NULL;
    CHECK_RC(qclr_hubbard(2, 1, t, us[k], 0, 2, &H), 0);
    double u = us[k], exact = u / 2 - sqrt(u * u / 4 + 4 * t * t);
    CHECK_CLOSE(ed_one_one(H), exact, 1e-12, "two-site Hubbard E0");
    qclr_hamiltonian_free(H);
    /* periodic with 2 sites must not double the bond */
    CHECK_RC(qclr_hubbard(2, 1, t, us[k], 1, 2, &H), 0);
    CHECK_CLOSE(ed_one_one(H), exact, 1e-12, "two-site periodic Hubbard E0");
    qclr_hamiltonian_free(H);
  }
  /* structure: 3x4 periodic has 4 neighbours per site, open 3x4 has 17 bonds */
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hubbard(3, 4, 1.0, 8.0, 1, 12, &H), 0);
  const double *h = qclr_hamiltonian_h(H);
  int bad = 0;
  for (int i = 0; i < 12; i++) {
    int nb = 0;
    for (int j = 0; j < 12; j++) nb += h[i * 12 + j] == -1.0;
    bad += nb != 4 || h[i * 12 + i] != 0.0;
  }
  CHECK(bad == 0, "%d sites without 4 neighbours", bad);
  CHECK_CLOSE(qclr_hamiltonian_eri(H, 5, 5, 5, 5), 8.0, 0, "U on site");
  CHECK_CLOSE(qclr_hamiltonian_eri(H, 5, 5, 6, 6), 0.0, 0, "no inter-site V");
  CHECK(qclr_hamiltonian_nelec(H) == 12 && qclr_hamiltonian_ms2(H) == 0, "half filling");
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_hubbard(3, 4, 1.0, 8.0, 0, 11, &H), 0);
  h = qclr_hamiltonian_h(H);
  int bonds = 0;
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < i; j++) bonds += h[i * 12 + j] == -1.0;
  CHECK(bonds == 3 * 3 + 2 * 4, "open 3x4 bonds %d", bonds);
  CHECK(qclr_hamiltonian_ms2(H) == 1, "odd electron count gives ms2 = 1");
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_hubbard(0, 1, 1.0, 1.0, 0, 0, &H), QCLR_EINVAL);
  CHECK_RC(qclr_hubbard(2, 1, 1.0, 1.0, 0, 5, &H), QCLR_EINVAL);
  CHECK_RC(qclr_hubbard(2, 1, NAN, 1.0, 0, 2, &H), QCLR_EINVAL);
}

static void test_jellium(void) {
  const int grids[3] = {1, 3, 5};
  for (int g = 0; g < 3; g++) {
    int n = grids[g];
    int64_t N = (int64_t)n * n * n;
    double L = qclr_jellium_length(1.5, 4);
    double *T = malloc(sizeof(double) * (size_t)(4 * N * N));
    double *V = T + N * N, *Td = V + N * N, *Vd = Td + N * N;
    CHECK_RC(qclr_jellium_dual(n, L, 0, NULL, T, V), 0);
    CHECK_RC(qclr_jellium_dual_direct(n, L, Td, Vd), 0);
    double et = 0, ev = 0, tr = 0, asym = 0;
    for (int64_t x = 0; x < N * N; x++) {
      et = fmax(et, fabs(T[x] - Td[x]));
      ev = fmax(ev, fabs(V[x] - Vd[x]));
    }
    for (int64_t p = 0; p < N; p++) {
      tr += T[p * N + p];
      for (int64_t q = 0; q < p; q++) asym = fmax(asym, fabs(V[p * N + q] - V[q * N + p]));
    }
    CHECK(et <= 1e-12, "n=%d kinetic FFT vs direct %g", n, et);
    CHECK(ev <= 1e-12, "n=%d potential FFT vs direct %g", n, ev);
    CHECK(asym <= 1e-15, "n=%d V symmetric %g", n, asym);
    /* trace of T = sum over plane waves of k^2/2 (T is k^2/2 in the plane-wave basis) */
    double sum = 0, gk = 2 * M_PI / L;
    for (int x = -(n - 1) / 2; x <= (n - 1) / 2; x++)
      for (int y = -(n - 1) / 2; y <= (n - 1) / 2; y++)
        for (int z = -(n - 1) / 2; z <= (n - 1) / 2; z++) sum += 0.5 * gk * gk * (x * x + y * y + z * z);
    CHECK_CLOSE(tr, sum, 1e-11 * fmax(1, sum), "trace T");
    free(T);
  }
  /* Hamiltonian layout: h = T, (pp|qq) = V_pq, everything else zero */
  qclr_hamiltonian *H = NULL;
  double L = 4.0, T[27 * 27], V[27 * 27];
  CHECK_RC(qclr_jellium_dual(3, L, 4, &H, T, V), 0);
  CHECK(qclr_hamiltonian_norb(H) == 27, "norb");
  CHECK_CLOSE(qclr_hamiltonian_h(H)[3 * 27 + 7], T[3 * 27 + 7], 0, "h = T");
  CHECK_CLOSE(qclr_hamiltonian_eri(H, 3, 3, 7, 7), V[3 * 27 + 7], 0, "(pp|qq) = V_pq");
  CHECK_CLOSE(qclr_hamiltonian_eri(H, 3, 7, 3, 7), 0.0, 0, "(pq|pq) = 0");
  CHECK_CLOSE(qclr_hamiltonian_eri(H, 3, 3, 3, 3), V[3 * 27 + 3], 0, "on-site");
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_jellium_dual(4, L, 2, &H, NULL, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_jellium_dual(3, -1.0, 2, &H, NULL, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_jellium_dual(3, L, 60, &H, NULL, NULL), QCLR_EINVAL);
  CHECK_CLOSE(qclr_jellium_length(1.0, 3), cbrt(4.0 * M_PI), 1e-14, "rs -> length");
}

/* H2 at 0.7414 A: our integrals + exact 1a1b diagonalization vs Psi4 FCI. */
static void test_h2_fci(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_chain(2, 0.7414 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  qclr_hamiltonian *H = NULL;
  qclr_hydrogen_info info;
  CHECK_RC(qclr_hydrogen_build(2, xyz, 2, NULL, &H, &info), 0);
  CHECK_CLOSE(info.e_hf, -1.1166843870661936, 1e-9, "H2 e_scf vs Psi4");
  CHECK_CLOSE(ed_one_one(H), -1.1372701746571046, 1e-9, "H2 e_fci vs Psi4");
  qclr_hamiltonian_free(H);
  free(xyz);
}

/* Groups of a Hamiltonian: Cholesky (tol 1e-12) -> DF (tau_2 = 0) -> groups. */
static qclr_groups *groups_of(const qclr_hamiltonian *H, qclr_df **dfo) {
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  co.tol = 1e-12;
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  qclr_groups *gs = NULL;
  CHECK_RC(qclr_cholesky_compute(H, &co, &lr), 0);
  if (lr) CHECK_RC(qclr_df_compute(H, lr, NULL, &df), 0);
  if (df) CHECK_RC(qclr_groups_from_df(H, df, NULL, &gs), 0);
  qclr_lowrank_free(lr);
  *dfo = df;
  return gs;
}

/* max |M_ij| - [M is a signed permutation], i.e. how far U is from a
 * relabelling of the site/grid basis (0 for a signed permutation). */
static double perm_distance(int64_t n, const double *U) {
  double worst = 0;
  for (int64_t j = 0; j < n; j++) {
    int64_t arg = 0;
    for (int64_t i = 0; i < n; i++)
      if (fabs(U[i * n + j]) > fabs(U[arg * n + j])) arg = i;
    for (int64_t i = 0; i < n; i++)
      worst = fmax(worst, i == arg ? fabs(1.0 - fabs(U[i * n + j])) : fabs(U[i * n + j]));
  }
  return worst;
}

/* Theory (issue 7): the two-body parts of Hubbard and of dual-basis jellium
 * are diagonal in the site/grid basis, so all their factors merge into one
 * two-body group whose rotation is a (signed) permutation of that basis; for
 * jellium the one-body group (kinetic energy) is diagonal in the plane-wave
 * basis: U0^T T U0 = diag(k^2/2 + const), i.e. 2 groups in all. */
static void test_groups_theory(void) {
  qclr_hamiltonian *H = NULL;
  qclr_df *df = NULL;
  CHECK_RC(qclr_hubbard(3, 4, 1.0, 6.0, 1, 12, &H), 0);
  qclr_groups *gs = groups_of(H, &df);
  if (gs) {
    CHECK(qclr_groups_count(gs) == 2, "Hubbard 3x4: %lld groups (want 1 + 1 two-body)", (long long)qclr_groups_count(gs));
    CHECK(qclr_df_nfactors(df) == 12, "Hubbard: %lld Cholesky factors, one per site", (long long)qclr_df_nfactors(df));
    if (qclr_groups_count(gs) >= 2) {
      double d = perm_distance(12, qclr_groups_rotation(gs, 1));
      CHECK(d < 1e-10, "Hubbard two-body rotation is the site basis (distance %g)", d);
      /* merged W = sum f f^T over the site factors: U on the diagonal, no inter-site terms */
      const double *W = qclr_groups_coefficients(gs, 1);
      double off = 0, diag = 0;
      for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++) {
          if (i == j) diag = fmax(diag, fabs(W[i * 12 + j] - 6.0));
          else off = fmax(off, fabs(W[i * 12 + j]));
        }
      CHECK(diag < 1e-10 && off < 1e-10, "Hubbard W = U 1: diag err %g, off %g", diag, off);
    }
  }
  qclr_groups_free(gs);
  qclr_df_free(df);
  qclr_hamiltonian_free(H);

  const int n = 3;
  const int64_t N = 27;
  double L = qclr_jellium_length(2.0, 4);
  CHECK_RC(qclr_jellium_dual(n, L, 4, &H, NULL, NULL), 0);
  gs = groups_of(H, &df);
  if (gs) {
    CHECK(qclr_groups_count(gs) == 2, "jellium 3^3: %lld groups (want 2)", (long long)qclr_groups_count(gs));
    CHECK(qclr_df_nfactors(df) > 1, "jellium: %lld factors merged", (long long)qclr_df_nfactors(df));
    if (qclr_groups_count(gs) >= 2) {
      double d = perm_distance(N, qclr_groups_rotation(gs, 1));
      CHECK(d < 1e-10, "jellium potential group in the dual basis (distance %g)", d);
    }
    /* group 0: U0 diagonalizes T (= h - 1/2 sum_r (pr|rq)), eigenvalues k^2/2 - V_00/2 */
    const double *U0 = qclr_groups_rotation(gs, 0), *t = qclr_groups_coefficients(gs, 0);
    const double *T = qclr_df_one_body(df);
    double off = 0;
    for (int64_t a = 0; a < N; a++)
      for (int64_t b = 0; b < N; b++) {
        double s = 0;
        for (int64_t i = 0; i < N; i++)
          for (int64_t j = 0; j < N; j++) s += U0[i * N + a] * T[i * N + j] * U0[j * N + b];
        if (a != b) off = fmax(off, fabs(s));
      }
    CHECK(off < 1e-10, "U0^T T U0 diagonal (off %g)", off);
    /* the spectrum of T is that of the plane waves: k^2/2 shifted by -V_00/2 */
    double k2[27], g = 2 * M_PI / L, shift = -0.5 * qclr_hamiltonian_eri(H, 0, 0, 0, 0);
    int c = 0;
    for (int x = -1; x <= 1; x++)
      for (int y = -1; y <= 1; y++)
        for (int z = -1; z <= 1; z++) k2[c++] = 0.5 * g * g * (x * x + y * y + z * z) + shift;
    double tt[27];
    memcpy(tt, t, sizeof tt);
    for (int i = 1; i < 27; i++)
      for (int j = i; j > 0 && tt[j - 1] > tt[j]; j--) {
        double a = tt[j];
        tt[j] = tt[j - 1];
        tt[j - 1] = a;
      }
    for (int i = 1; i < 27; i++)
      for (int j = i; j > 0 && k2[j - 1] > k2[j]; j--) {
        double a = k2[j];
        k2[j] = k2[j - 1];
        k2[j - 1] = a;
      }
    double de = 0;
    for (int i = 0; i < 27; i++) de = fmax(de, fabs(tt[i] - k2[i]));
    CHECK(de < 1e-10, "group 0 eigenvalues = plane-wave k^2/2 (max diff %g)", de);
  }
  qclr_groups_free(gs);
  qclr_df_free(df);
  qclr_hamiltonian_free(H);
}

/* Plane-wave form against the momentum-space formula written here: with
 * complex plane waves chi_a, (ab|cd) = 4 pi/(Omega k_nu^2) when
 * nu = m_a - m_b = m_d - m_c (mod n per axis, nu != 0), else 0; the real
 * orbitals are cos = (chi_m + chi_-m)/sqrt2, sin = (chi_m - chi_-m)/(i sqrt2)
 * in the documented order.  Also h = diag(k^2/2), O orthogonal, and the
 * 1 alpha 1 beta ground state equal in both forms. */
static int wrap(int v, int n) {
  int h = (n - 1) / 2;
  v = ((v % n) + n) % n;
  return v > h ? v - n : v;
}

static void test_jellium_plane_wave(void) {
  const int n = 3;
  const int64_t N = 27;
  double L = qclr_jellium_length(1.0, 2), g = 2 * M_PI / L, omega = L * L * L;
  double *O = malloc(sizeof(double) * (size_t)(N * N));
  qclr_hamiltonian *P = NULL, *D = NULL;
  CHECK_RC(qclr_jellium_plane_wave(n, L, 2, &P, O), 0);
  CHECK_RC(qclr_jellium_dual(n, L, 2, &D, NULL, NULL), 0);
  if (!P || !D) goto done;
  /* the documented orbital list: (m, type) type 0 const, 1 cos, 2 sin */
  int m[27][3], type[27], cnt = 0, cand[27][3], nc = 0;
  for (int x = -1; x <= 1; x++)
    for (int y = -1; y <= 1; y++)
      for (int z = -1; z <= 1; z++) {
        int first = x ? x : y ? y : z;
        if (first >= 0) cand[nc][0] = x, cand[nc][1] = y, cand[nc][2] = z, nc++;
      }
  for (int k2 = 0; k2 <= 3; k2++)
    for (int c = 0; c < nc; c++) {
      int *v = cand[c];
      if (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] != k2) continue;
      for (int t = (k2 ? 1 : 0); t <= (k2 ? 2 : 0); t++) {
        memcpy(m[cnt], v, sizeof m[cnt]);
        type[cnt++] = t;
      }
    }
  CHECK(cnt == 27, "orbital list %d", cnt);
  /* O: orthogonal, and its columns are the documented functions */
  double orth = 0, form = 0;
  for (int a = 0; a < 27; a++) {
    for (int b = 0; b < 27; b++) {
      double s = 0;
      for (int p = 0; p < 27; p++) s += O[p * N + a] * O[p * N + b];
      orth = fmax(orth, fabs(s - (a == b)));
    }
    for (int p = 0; p < 27; p++) {
      double ph = 2 * M_PI / n * (m[a][0] * (p / 9) + m[a][1] * (p / 3 % 3) + m[a][2] * (p % 3));
      double want = type[a] == 0 ? 1 / sqrt(27.0) : sqrt(2.0 / 27) * (type[a] == 1 ? cos(ph) : sin(ph));
      form = fmax(form, fabs(O[p * N + a] - want));
    }
  }
  CHECK(orth < 1e-13, "O^T O = 1 (%g)", orth);
  CHECK(form < 1e-13, "columns of O are the documented plane waves (%g)", form);
  const double *h = qclr_hamiltonian_h(P);
  double dh = 0;
  for (int a = 0; a < 27; a++)
    for (int b = 0; b < 27; b++) {
      double k2 = 0.5 * g * g * (m[a][0] * m[a][0] + m[a][1] * m[a][1] + m[a][2] * m[a][2]);
      dh = fmax(dh, fabs(h[a * N + b] - (a == b ? k2 : 0.0)));
    }
  CHECK(dh < 1e-12, "h = diag(k^2/2) (%g)", dh);
  /* complex coefficients of each real orbital: up to two (sign s of m, weight w) */
  double complex_re[27][2], complex_im[27][2];
  int sgn[27][2], nterm[27];
  for (int a = 0; a < 27; a++) {
    if (type[a] == 0) {
      nterm[a] = 1, sgn[a][0] = 1, complex_re[a][0] = 1, complex_im[a][0] = 0;
    } else if (type[a] == 1) {
      nterm[a] = 2;
      sgn[a][0] = 1, complex_re[a][0] = M_SQRT1_2, complex_im[a][0] = 0;
      sgn[a][1] = -1, complex_re[a][1] = M_SQRT1_2, complex_im[a][1] = 0;
    } else {
      nterm[a] = 2;
      sgn[a][0] = 1, complex_re[a][0] = 0, complex_im[a][0] = -M_SQRT1_2;
      sgn[a][1] = -1, complex_re[a][1] = 0, complex_im[a][1] = M_SQRT1_2;
    }
  }
  double dv = 0, imag = 0;
  for (int a = 0; a < 27; a++)
    for (int b = 0; b < 27; b++)
      for (int c = 0; c < 27; c++)
        for (int d = 0; d < 27; d++) {
          double re = 0, im = 0;
          for (int ia = 0; ia < nterm[a]; ia++)
            for (int ib = 0; ib < nterm[b]; ib++)
              for (int ic = 0; ic < nterm[c]; ic++)
                for (int id = 0; id < nterm[d]; id++) {
                  int ok = 1, zero = 1;
                  double k2 = 0;
                  for (int x = 0; x < 3; x++) {
                    int ab = wrap(sgn[a][ia] * m[a][x] - sgn[b][ib] * m[b][x], n);
                    int dc = wrap(sgn[d][id] * m[d][x] - sgn[c][ic] * m[c][x], n);
                    ok &= ab == dc;
                    zero &= ab == 0;
                    k2 += g * g * ab * ab;
                  }
                  if (!ok || zero) continue;
                  double G = 4 * M_PI / (omega * k2);
                  /* conj(w_a) w_b conj(w_c) w_d */
                  double xr = complex_re[a][ia], xi = -complex_im[a][ia];
                  double yr = xr * complex_re[b][ib] - xi * complex_im[b][ib];
                  double yi = xr * complex_im[b][ib] + xi * complex_re[b][ib];
                  double zr = yr * complex_re[c][ic] + yi * complex_im[c][ic];
                  double zi = yi * complex_re[c][ic] - yr * complex_im[c][ic];
                  re += G * (zr * complex_re[d][id] - zi * complex_im[d][id]);
                  im += G * (zr * complex_im[d][id] + zi * complex_re[d][id]);
                }
          imag = fmax(imag, fabs(im));
          dv = fmax(dv, fabs(re - qclr_hamiltonian_eri(P, a, b, c, d)));
        }
  CHECK(imag < 1e-14, "real-orbital ERIs are real (%g)", imag);
  CHECK(dv < 1e-12, "plane-wave ERIs vs momentum-space formula (%g)", dv);
  CHECK_CLOSE(ed_one_one(P), ed_one_one(D), 1e-10, "1a1b ground state: plane-wave vs dual form");
  double eref;
  CHECK_RC(qclr_hamiltonian_e_ref(P, &eref), 0);
  CHECK_CLOSE(eref, 0.0, 1e-12, "HF of 2 electrons in k = 0 (G = 0 dropped)");
  qclr_hamiltonian *Q = NULL;
  CHECK_RC(qclr_jellium_plane_wave(4, L, 2, &Q, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_jellium_plane_wave(3, L, 60, &Q, NULL), QCLR_EINVAL);
done:
  free(O);
  qclr_hamiltonian_free(P);
  qclr_hamiltonian_free(D);
}

/* RHF of the lattice models through qclr_model_build_params: closed forms for
 * Hubbard (2 sites: -2t + U/2; 6-site ring at half filling: -8t + 3U/2), and
 * for jellium the dual-basis RHF equals the plane-wave determinant of the
 * lowest shells (14 electrons = k = 0 and |m| = 1 filled); open shells give
 * no e_hf. */
static void test_lattice_rhf(void) {
  qclr_model_params p;
  qclr_model_info inf;
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_model_parse("hubbard:sites=2,t=1.3,u=3", &p), 0);
  CHECK_RC(qclr_model_build_params(&p, &H, &inf), 0);
  CHECK(inf.rhf_converged, "two-site RHF converged");
  CHECK_CLOSE(inf.e_hf, -2 * 1.3 + 1.5, 1e-10, "two-site Hubbard RHF");
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_model_parse("hubbard:sites=6,periodic=1,t=1,u=4", &p), 0);
  CHECK_RC(qclr_model_build_params(&p, &H, &inf), 0);
  CHECK_CLOSE(inf.e_hf, -8.0 + 6.0, 1e-10, "6-ring Hubbard RHF");
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_model_parse("hubbard:nx=4,ny=4,periodic=1", &p), 0);
  CHECK_RC(qclr_model_build_params(&p, &H, &inf), 0);
  CHECK(isnan(inf.e_hf) && !inf.rhf_converged, "4x4 half filling is an open shell: e_hf %g", inf.e_hf);
  CHECK_CLOSE(inf.e_ref, 32.0, 1e-12, "e_ref = lowest 8 sites doubly occupied, 8 U");
  qclr_hamiltonian_free(H);
  double e_dual = NAN, e_pw = NAN;
  CHECK_RC(qclr_model_parse("jellium:grid=3,rs=2,nelec=14", &p), 0);
  CHECK_RC(qclr_model_build_params(&p, &H, &inf), 0);
  e_dual = inf.e_hf;
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_model_parse("jellium:grid=3,rs=2,nelec=14,basis=planewave", &p), 0);
  CHECK_RC(qclr_model_build_params(&p, &H, &inf), 0);
  e_pw = inf.e_ref;
  CHECK_CLOSE(inf.e_hf, e_pw, 1e-10, "plane-wave RHF = its reference determinant");
  qclr_hamiltonian_free(H);
  CHECK_CLOSE(e_dual, e_pw, 1e-10, "jellium RHF: dual basis vs plane-wave determinant");
  CHECK_RC(qclr_model_parse("jellium:grid=3,rs=2,nelec=4,basis=sideways", &p), QCLR_EPARSE);
}

/* Specs that would give a silent wrong answer are refused: a key given twice
 * (no "last wins"), aliases included, and magnitudes that overflow later. */
static void test_spec_refusals(void) {
  qclr_model_params p;
  static const char *bad[] = {"chain:atoms=4,atoms=6", "hubbard:sites=4,nx=4", "hubbard:t=1,u=2,t=3",
                              "hubbard:t=1e308,u=1e308", "hubbard:u=-1e101", "chain:spacing=1e200"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = qclr_model_parse(bad[i], &p);
    CHECK(rc == QCLR_EPARSE, "'%s' accepted (rc %d)", bad[i], rc);
  }
  CHECK(strstr((qclr_model_parse("chain:atoms=4,atoms=6", &p), qclr_last_error()), "twice") != NULL,
        "message names the repeated key: %s", qclr_last_error());
  CHECK_RC(qclr_model_parse("hubbard:t=1e50,u=1e50", &p), 0);
}

int main(void) {
  test_spec_refusals();
  test_hubbard();
  test_jellium();
  test_h2_fci();
  test_groups_theory();
  test_jellium_plane_wave();
  test_lattice_rhf();
  return test_done("test_lattice_models");
}

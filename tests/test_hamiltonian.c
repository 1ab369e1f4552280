/* tests/test_hamiltonian.c: the Hamiltonian object, reference energy, Fock,
 * .npy round trip.  References: a spin-orbital Slater-rule energy computed
 * here from the full N^4 array, and the identity E_ref = e_core +
 * 1/2 sum_{i occ} (h_ii + F_ii). */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "qclr.h"
#include "testutil.h"

/* Random 8-fold symmetric ERI and symmetric h. */
static void random_ints(int N, double *h, double *eri, unsigned long long seed) {
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++) h[p * N + q] = h[q * N + p] = test_rand(&seed);
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++)
      for (int r = 0; r < N; r++)
        for (int s = 0; s <= r; s++) {
          if (r * (r + 1) / 2 + s > p * (p + 1) / 2 + q) continue;
          double v = test_rand(&seed);
          int idx[8][4] = {{p, q, r, s}, {q, p, r, s}, {p, q, s, r}, {q, p, s, r},
                           {r, s, p, q}, {s, r, p, q}, {r, s, q, p}, {s, r, q, p}};
          for (int k = 0; k < 8; k++)
            eri[((idx[k][0] * N + idx[k][1]) * N + idx[k][2]) * N + idx[k][3]] = v;
        }
}

/* Slater-Condon diagonal in spin orbitals: sum_i h_ii + 1/2 sum_ij (<ij||ij>). */
static double slater_energy(int N, const double *h, const double *eri, double ecore,
                            const int *occa, const int *occb) {
  int so[64], spin[64], n = 0;
  for (int p = 0; p < N; p++) {
    if (occa[p]) so[n] = p, spin[n++] = 0;
    if (occb[p]) so[n] = p, spin[n++] = 1;
  }
  double e = ecore;
  for (int i = 0; i < n; i++) {
    e += h[so[i] * N + so[i]];
    for (int j = 0; j < n; j++) {
      int a = so[i], b = so[j];
      double J = eri[((a * N + a) * N + b) * N + b];
      double K = spin[i] == spin[j] ? eri[((a * N + b) * N + b) * N + a] : 0.0;
      e += 0.5 * (J - K);
    }
  }
  return e;
}

/* ---- API contracts (issue 18): threads, last error, options size, NaN ---- */

static void *other_thread(void *arg) {
  int *seen = arg;
  seen[0] = qclr_get_threads(); /* a new thread starts at 0 whatever main set */
  seen[1] = qclr_set_threads(5);
  seen[2] = qclr_get_threads();
  return NULL;
}

static void test_threads(void) {
  CHECK(qclr_get_threads() == 0, "initial setting 0 (OpenMP default), got %d", qclr_get_threads());
  CHECK_RC(qclr_set_threads(-1), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "qclr_set_threads") != NULL, "message: %s", qclr_last_error());
  CHECK(qclr_get_threads() == 0, "refused value leaves the setting");
  CHECK_RC(qclr_set_threads(3), 0);
  CHECK(qclr_get_threads() == 3, "set 3, got %d", qclr_get_threads());
  int seen[3] = {-1, -1, -1};
  pthread_t t;
  CHECK(pthread_create(&t, NULL, other_thread, seen) == 0, "pthread_create");
  pthread_join(t, NULL);
  CHECK(seen[0] == 0 && seen[1] == 0 && seen[2] == 5, "other thread: %d %d %d", seen[0], seen[1], seen[2]);
  CHECK(qclr_get_threads() == 3, "per calling thread: still 3 here, got %d", qclr_get_threads());
  CHECK_RC(qclr_set_threads(0), 0);
  CHECK(qclr_get_threads() == 0, "back to the default");
}

static void test_last_error_cleared(int N, const double *h, const double *eri) {
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hamiltonian_new(2, 6, 0, &H), QCLR_EINVAL);
  CHECK(qclr_last_error()[0] != '\0', "failure leaves a message");
  CHECK_RC(qclr_hamiltonian_from_full(N, 2, 0, 0.5, h, eri, &H), 0);
  CHECK(!strcmp(qclr_last_error(), ""), "success clears the message, got '%s'", qclr_last_error());
  double e;
  CHECK_RC(qclr_hamiltonian_e_ref(NULL, &e), QCLR_EINVAL);
  CHECK_RC(qclr_hamiltonian_e_ref(H, &e), 0);
  CHECK(!strcmp(qclr_last_error(), ""), "e_ref success clears the message, got '%s'", qclr_last_error());
  /* a warning keeps its message: Cholesky (of a PSD Hubbard V) stopped by a rank cap */
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_hubbard(4, 1, 1.0, 4.0, 0, 4, &H), 0);
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  co.max_rank = 1;
  qclr_lowrank *lr = NULL;
  CHECK_RC(qclr_cholesky_compute(H, &co, &lr), QCLR_WRANKCAP);
  CHECK(strstr(qclr_last_error(), "rank cap") != NULL, "warning message kept: '%s'", qclr_last_error());
  qclr_factor_metrics m;
  CHECK_RC(qclr_lowrank_metrics(H, lr, &m), 0);
  CHECK(!strcmp(qclr_last_error(), ""), "next success clears the warning, got '%s'", qclr_last_error());
  qclr_lowrank_free(lr);
  /* a model whose hydrogen RHF stops early: warning and its message survive the build */
  qclr_model_params p;
  CHECK_RC(qclr_model_parse("chain:atoms=4,cholesky=1e-8", &p), 0);
  p.rhf.max_iter = 1;
  qclr_hamiltonian *Hm = NULL;
  CHECK_RC(qclr_model_build_params(&p, &Hm, NULL), QCLR_WNOTCONVERGED);
  CHECK(strstr(qclr_last_error(), "not converged") != NULL, "model warning message: '%s'", qclr_last_error());
  qclr_hamiltonian_free(Hm);
  qclr_hamiltonian_free(H);
}

/* Options structs must come from qclr_<x>_options_default (size member). */
static void test_options_size(int N, const double *h, const double *eri) {
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hubbard(N, 1, 1.0, 4.0, 0, 2, &H), 0); /* PSD ERIs for the Cholesky */
  if (!H) return;
#define REFUSED(call, name)                                                                         \
  do {                                                                                              \
    CHECK_RC(call, QCLR_EINVAL);                                                                    \
    CHECK(strstr(qclr_last_error(), "options not initialized with " name) != NULL, "%s: '%s'", name, \
          qclr_last_error());                                                                       \
  } while (0)
  qclr_cholesky_options co;
  memset(&co, 0, sizeof co);
  co.tol = 1e-6;
  qclr_lowrank *lr = NULL;
  REFUSED(qclr_cholesky_compute(H, &co, &lr), "qclr_cholesky_options_default");
  CHECK(lr == NULL, "no result on refusal");
  CHECK_RC(qclr_cholesky_compute(H, NULL, &lr), 0); /* NULL = defaults */
  qclr_cholesky_options_default(&co);
  CHECK(co.size == sizeof co, "default sets size");
  co.size = sizeof co - 1;
  qclr_lowrank *lr2 = NULL;
  REFUSED(qclr_cholesky_compute(H, &co, &lr2), "qclr_cholesky_options_default");
  qclr_df_options dfo = {0};
  qclr_df *df = NULL;
  REFUSED(qclr_df_compute(H, lr, &dfo, &df), "qclr_df_options_default");
  qclr_df_summary sum;
  REFUSED(qclr_df_summary_compute(N, h, 0, NULL, &dfo, &sum), "qclr_df_options_default");
  qclr_fci_options fo = {0};
  qclr_fci *f = NULL;
  size_t bytes;
  REFUSED(qclr_fci_solve(H, &fo, &f), "qclr_fci_options_default");
  REFUSED(qclr_fci_memory_bytes(H, &fo, &bytes), "qclr_fci_options_default");
  qclr_groups_options go = {0};
  qclr_groups *gs = NULL;
  REFUSED(qclr_groups_from_factors(N, 0.0, h, 0, NULL, NULL, NULL, &go, &gs), "qclr_groups_options_default");
  qclr_tt_options to = {0};
  qclr_tt *tt = NULL;
  double x[4] = {1, 2, 3, 4};
  int64_t dims[2] = {2, 2};
  REFUSED(qclr_tt_svd(x, 2, dims, &to, &tt, NULL), "qclr_tt_options_default");
  qclr_tt_random_options tro = {0};
  REFUSED(qclr_tt_svd_random(x, 2, dims, &tro, &tt, NULL), "qclr_tt_random_options_default");
  qclr_fcidump_write_options wo = {0};
  REFUSED(qclr_fcidump_write("/nonexistent/never.fcidump", H, &wo), "qclr_fcidump_write_options_default");
  qclr_fcidump_read_options ro = {0};
  qclr_hamiltonian *Hr = NULL;
  REFUSED(qclr_fcidump_read_buffer("", 0, "empty", &ro, &Hr, NULL), "qclr_fcidump_read_options_default");
  qclr_rhf_options rho = {0};
  double S[4] = {1, 0, 0, 1}, hc[4] = {-1, 0, 0, -1}, vp[9] = {0};
  REFUSED(qclr_rhf_solve(2, 1, S, hc, 0.0, vp, 0, NULL, &rho, NULL, NULL, NULL, NULL), "qclr_rhf_options_default");
  qclr_hydrogen_cholesky_options hco = {0};
  qclr_hydrogen_factors *hf = NULL;
  double xyz[6] = {0, 0, 0, 0, 0, 1.4};
  REFUSED(qclr_hydrogen_cholesky(2, xyz, 2, &hco, &hf), "qclr_hydrogen_cholesky_options_default");
  qclr_model_params mp = {0};
  qclr_hamiltonian *Hm = NULL;
  REFUSED(qclr_model_build_params(&mp, &Hm, NULL), "qclr_model_params_default");
#undef REFUSED
  qclr_lowrank_free(lr);
  qclr_hamiltonian_free(H);
}

/* Constructors taking arrays refuse NaN and Inf, naming the array and index. */
static void test_nonfinite(int N, double *h, double *eri) {
  qclr_hamiltonian *H = NULL;
  double keep = h[1 * N + 2];
  h[1 * N + 2] = NAN;
  CHECK_RC(qclr_hamiltonian_from_full(N, 2, 0, 0.0, h, eri, &H), QCLR_EINVAL);
  CHECK(H == NULL && strstr(qclr_last_error(), "h[8]") != NULL, "NaN in h: '%s'", qclr_last_error());
  h[1 * N + 2] = keep;
  int64_t idx = ((3 * N + 1) * N + 2) * N + 0; /* (31|20): read (p >= q, r >= s) */
  keep = eri[idx];
  eri[idx] = INFINITY;
  CHECK_RC(qclr_hamiltonian_from_full(N, 2, 0, 0.0, h, eri, &H), QCLR_EINVAL);
  char want[64];
  snprintf(want, sizeof want, "eri[%lld]", (long long)idx);
  CHECK(H == NULL && strstr(qclr_last_error(), want) != NULL, "Inf in eri: '%s'", qclr_last_error());
  eri[idx] = keep;
  CHECK_RC(qclr_hamiltonian_from_full(N, 2, 0, NAN, h, eri, &H), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "e_core") != NULL, "NaN e_core: '%s'", qclr_last_error());
  CHECK_RC(qclr_hamiltonian_from_full(N, 2, 0, 0.0, h, eri, &H), 0);
  if (!H) return;
  int64_t np = qclr_hamiltonian_npair(H);
  double *vp = malloc(sizeof(double) * (size_t)(np * np));
  memcpy(vp, qclr_hamiltonian_vpair(H), sizeof(double) * (size_t)(np * np));
  vp[np + 3] = -INFINITY;
  qclr_hamiltonian *H2 = NULL;
  CHECK_RC(qclr_hamiltonian_from_packed(N, 2, 0, 0.0, h, vp, &H2), QCLR_EINVAL);
  snprintf(want, sizeof want, "vpair[%lld]", (long long)(np + 3));
  CHECK(H2 == NULL && strstr(qclr_last_error(), want) != NULL, "Inf in vpair: '%s'", qclr_last_error());
  free(vp);
  /* tensor trains */
  double x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int64_t dims[3] = {2, 2, 2};
  x[5] = NAN;
  qclr_tt *tt = NULL;
  CHECK_RC(qclr_tt_svd(x, 3, dims, NULL, &tt, NULL), QCLR_EINVAL);
  CHECK(tt == NULL && strstr(qclr_last_error(), "x[5]") != NULL, "tt_svd NaN: '%s'", qclr_last_error());
  CHECK_RC(qclr_tt_svd_random(x, 3, dims, NULL, &tt, NULL), QCLR_EINVAL);
  CHECK(tt == NULL && strstr(qclr_last_error(), "x[5]") != NULL, "tt_svd_random NaN: '%s'", qclr_last_error());
  double c[4] = {0.5, 0.5, INFINITY, 0.5}; /* 2 orbitals, 1 alpha, 1 beta: 2 x 2 */
  CHECK_RC(qclr_tt_svd_ci(2, 1, 1, c, QCLR_TT_SPATIAL, NULL, &tt, NULL), QCLR_EINVAL);
  CHECK(tt == NULL && strstr(qclr_last_error(), "c[2]") != NULL, "tt_svd_ci Inf: '%s'", qclr_last_error());
  c[2] = 0.5;
  CHECK_RC(qclr_tt_svd_ci(2, 1, 1, c, QCLR_TT_SPATIAL, NULL, &tt, NULL), 0);
  qclr_tt_free(tt);
  /* Givens networks and measurement groups */
  double M[4] = {1, 0, 0, NAN};
  qclr_givens *g = NULL;
  CHECK_RC(qclr_givens_decompose(2, M, &g), QCLR_EINVAL);
  CHECK(g == NULL && strstr(qclr_last_error(), "m[3]") != NULL, "givens NaN: '%s'", qclr_last_error());
  double I2[4] = {1, 0, 0, 1}, T[4] = {1, 0, 0, 2}, f[2] = {0.5, NAN};
  const double *rot[1] = {I2}, *ev[1] = {f};
  int64_t size[1] = {2};
  qclr_groups *gs = NULL;
  CHECK_RC(qclr_groups_from_factors(2, 0.0, T, 1, size, rot, ev, NULL, &gs), QCLR_EINVAL);
  CHECK(gs == NULL && strstr(qclr_last_error(), "eigenvalues[0][1]") != NULL, "groups NaN: '%s'", qclr_last_error());
  f[1] = 0.25;
  T[2] = INFINITY;
  CHECK_RC(qclr_groups_from_factors(2, 0.0, T, 1, size, rot, ev, NULL, &gs), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "T[2]") != NULL, "groups Inf in T: '%s'", qclr_last_error());
  T[2] = 0;
  CHECK_RC(qclr_groups_from_factors(2, NAN, T, 1, size, rot, ev, NULL, &gs), QCLR_EINVAL);
  CHECK_RC(qclr_groups_from_factors(2, 0.0, T, 1, size, rot, ev, NULL, &gs), 0);
  qclr_groups_free(gs);
  qclr_hamiltonian_free(H);
}

/* qclr_pair_unpack against the definition: full[l][p][q] = packed[l][pair(p,q)]
 * with pair(p,q) = p(p+1)/2 + q for p >= q (docs/conventions.md §2). */
static void test_pair_unpack(void) {
  const int64_t n = 5, count = 3, np = n * (n + 1) / 2;
  double packed[3 * 15], full[3 * 25];
  for (int64_t i = 0; i < count * np; i++) packed[i] = 1.0 + (double)i * 0.25;
  CHECK_RC(qclr_pair_unpack(n, count, packed, full), 0);
  int bad = 0;
  for (int64_t l = 0; l < count; l++)
    for (int64_t p = 0; p < n; p++)
      for (int64_t q = 0; q < n; q++) {
        int64_t a = p > q ? p : q, b = p > q ? q : p;
        if (full[(l * n + p) * n + q] != packed[l * np + a * (a + 1) / 2 + b]) bad++;
      }
  CHECK(bad == 0, "qclr_pair_unpack: %d wrong elements", bad);
  CHECK_RC(qclr_pair_unpack(n, count, NULL, full), QCLR_EINVAL);
  CHECK_RC(qclr_pair_unpack(-1, count, packed, full), QCLR_EINVAL);
  CHECK_RC(qclr_pair_unpack(n, 0, NULL, NULL), 0);
}

int main(void) {
  test_pair_unpack();
  const int N = 6;
  double h[36], *eri = calloc(N * N * N * N, sizeof(double));
  random_ints(N, h, eri, 42);
  qclr_hamiltonian *H = NULL;

  /* Invalid arguments */
  CHECK_RC(qclr_hamiltonian_from_full(N, 3, 0, 0.0, h, eri, &H), QCLR_EINVAL);
  CHECK(H == NULL, "out set on failure");
  CHECK_RC(qclr_hamiltonian_new(2, 6, 0, &H), QCLR_EINVAL);
  CHECK_RC(qclr_hamiltonian_new(0, 0, 0, &H), QCLR_EINVAL);
  CHECK_RC(qclr_hamiltonian_new(1LL << 40, 2, 0, &H), QCLR_ETOOLARGE);
  CHECK(strstr(qclr_last_error(), "bytes") != NULL, "message names bytes: %s", qclr_last_error());
  size_t bytes = 0;
  CHECK_RC(qclr_hamiltonian_memory_bytes(100, &bytes), 0);
  CHECK(bytes >= (size_t)5050 * 5050 * 8, "memory estimate %zu", bytes);

  /* Closed and open shells */
  int cases[][2] = {{6, 0}, {5, 1}, {4, 2}, {7, -1}, {0, 0}, {12, 0}};
  for (int c = 0; c < 6; c++) {
    int nelec = cases[c][0], ms2 = cases[c][1];
    CHECK_RC(qclr_hamiltonian_from_full(N, nelec, ms2, 0.37, h, eri, &H), 0);
    if (!H) continue;
    CHECK(qclr_hamiltonian_nalpha(H) - qclr_hamiltonian_nbeta(H) == ms2, "ms2");
    int occa[6] = {0}, occb[6] = {0};
    for (int i = 0; i < qclr_hamiltonian_nalpha(H); i++) occa[i] = 1;
    for (int i = 0; i < qclr_hamiltonian_nbeta(H); i++) occb[i] = 1;
    double e, fa[36], fb[36];
    CHECK_RC(qclr_hamiltonian_e_ref(H, &e), 0);
    CHECK_CLOSE(e, slater_energy(N, h, eri, 0.37, occa, occb), 1e-12, "e_ref vs Slater rules");
    CHECK_RC(qclr_hamiltonian_fock(H, fa, fb), 0);
    double ef = 0.37;
    for (int i = 0; i < N; i++) {
      if (occa[i]) ef += 0.5 * (h[i * N + i] + fa[i * N + i]);
      if (occb[i]) ef += 0.5 * (h[i * N + i] + fb[i * N + i]);
    }
    CHECK_CLOSE(e, ef, 1e-12, "e_ref vs Fock identity");
    /* element access and full expansion */
    double *full = calloc(N * N * N * N, sizeof(double));
    CHECK_RC(qclr_hamiltonian_eri_full(H, full), 0);
    double md = 0;
    for (int k = 0; k < N * N * N * N; k++) md = fmax(md, fabs(full[k] - eri[k]));
    CHECK(md == 0.0, "eri_full round trip max diff %g", md);
    CHECK(qclr_hamiltonian_eri(H, 1, 4, 2, 5) == eri[((1 * N + 4) * N + 2) * N + 5], "eri()");
    CHECK(qclr_hamiltonian_eri(H, 4, 1, 5, 2) == eri[((1 * N + 4) * N + 2) * N + 5], "eri() perm");
    double ha, va;
    qclr_hamiltonian_symmetry_error(H, &ha, &va);
    CHECK(ha == 0 && va == 0, "symmetric");
    /* packed constructor and copy agree */
    qclr_hamiltonian *H2 = NULL, *H3 = NULL;
    CHECK_RC(qclr_hamiltonian_from_packed(N, nelec, ms2, 0.37, h, qclr_hamiltonian_vpair(H), &H2), 0);
    CHECK_RC(qclr_hamiltonian_copy(H2, &H3), 0);
    double e3;
    qclr_hamiltonian_e_ref(H3, &e3);
    CHECK(e3 == e, "copy gives the same energy");
    qclr_hamiltonian_free(H2);
    qclr_hamiltonian_free(H3);
    free(full);
    qclr_hamiltonian_free(H);
    H = NULL;
  }
  qclr_hamiltonian_free(NULL);

  /* .npy round trip */
  char path[] = "/tmp/qclr_test_npy_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  int64_t shape[3] = {2, 3, 6};
  CHECK_RC(qclr_npy_write(path, h, 3, shape), 0);
  double *back = NULL;
  int nd = 0;
  int64_t sh[QCLR_NPY_MAXDIM];
  CHECK_RC(qclr_npy_read(path, &back, &nd, sh), 0);
  CHECK(nd == 3 && sh[0] == 2 && sh[1] == 3 && sh[2] == 6, "npy shape");
  CHECK(back && !memcmp(back, h, sizeof h), "npy data bit-exact");
  free(back);
  /* a header claiming more data than the file holds is refused before any
   * allocation (no 32 GiB malloc for a 160-byte file) */
  {
    char hdr[128];
    memset(hdr, ' ', sizeof hdr);
    const char *d = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296,), }";
    memcpy(hdr, "\x93NUMPY\x01\x00\x76\x00", 10);
    memcpy(hdr + 10, d, strlen(d));
    hdr[127] = '\n';
    double zeros[4] = {0, 0, 0, 0};
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "open npy for writing");
    if (f) {
      fwrite(hdr, 1, sizeof hdr, f);
      fwrite(zeros, sizeof zeros, 1, f);
      fclose(f);
      back = NULL;
      CHECK_RC(qclr_npy_read(path, &back, &nd, sh), QCLR_EPARSE);
      CHECK(back == NULL, "no data on a truncated .npy");
      CHECK(strstr(qclr_last_error(), "needs 34359738368 bytes, the file has 32") != NULL, "truncated .npy message: %s", qclr_last_error());
    }
  }
  remove(path);
  CHECK_RC(qclr_npy_read("/nonexistent/x.npy", &back, &nd, sh), QCLR_EIO);
  CHECK(strcmp(qclr_strerror(QCLR_ENOTPSD), "unknown status") != 0, "strerror");
  CHECK(!strcmp(qclr_version(), QCLR_VERSION_STRING), "version");
  test_threads();
  test_last_error_cleared(N, h, eri);
  test_options_size(N, h, eri);
  test_nonfinite(N, h, eri);
  free(eri);
  return test_done("test_hamiltonian");
}

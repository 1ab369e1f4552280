/* tests/test_hamiltonian.c: the Hamiltonian object, reference energy, Fock,
 * .npy round trip.  References: a spin-orbital Slater-rule energy computed
 * here from the full N^4 array, and the identity E_ref = e_core +
 * 1/2 sum_{i occ} (h_ii + F_ii). */
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

int main(void) {
  const int N = 6;
  double h[36], *eri = calloc(N * N * N * N, sizeof(double));
  random_ints(N, h, eri, 42);
  qclr_hamiltonian *H = NULL;

  /* Invalid arguments */
  CHECK_RC(qclr_hamiltonian_from_full(&H, N, 3, 0, 0.0, h, eri), QCLR_EINVAL);
  CHECK(H == NULL, "out set on failure");
  CHECK_RC(qclr_hamiltonian_new(&H, 2, 6, 0), QCLR_EINVAL);
  CHECK_RC(qclr_hamiltonian_new(&H, 0, 0, 0), QCLR_EINVAL);
  CHECK_RC(qclr_hamiltonian_new(&H, 1LL << 40, 2, 0), QCLR_ETOOLARGE);
  CHECK(strstr(qclr_last_error(), "bytes") != NULL, "message names bytes: %s", qclr_last_error());
  size_t bytes = 0;
  CHECK_RC(qclr_hamiltonian_memory_bytes(100, &bytes), 0);
  CHECK(bytes >= (size_t)5050 * 5050 * 8, "memory estimate %zu", bytes);

  /* Closed and open shells */
  int cases[][2] = {{6, 0}, {5, 1}, {4, 2}, {7, -1}, {0, 0}, {12, 0}};
  for (int c = 0; c < 6; c++) {
    int nelec = cases[c][0], ms2 = cases[c][1];
    CHECK_RC(qclr_hamiltonian_from_full(&H, N, nelec, ms2, 0.37, h, eri), 0);
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
    CHECK_RC(qclr_hamiltonian_from_packed(&H2, N, nelec, ms2, 0.37, h, qclr_hamiltonian_vpair(H)), 0);
    CHECK_RC(qclr_hamiltonian_copy(&H3, H2), 0);
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
  free(eri);
  return test_done("test_hamiltonian");
}

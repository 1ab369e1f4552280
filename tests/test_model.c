/* tests/test_model.c: STO-3G hydrogen integrals, RHF and MO transformation.
 * References: Szabo & Ostlund (H2, 1.4 bohr; printed to 4 decimals, so
 * tolerance 5e-5) and Psi4 1.3.2 (inputs/reference.json, H10 chain, 1e-8 Ha). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qclr.h"
#include "testutil.h"

static void test_h2(void) {
  double xyz[6] = {0, 0, 0, 0, 0, 1.4};
  double S[4], T[4], V[4];
  CHECK_RC(qclr_sto3g_one_electron(2, xyz, S, T, V), 0);
  CHECK_CLOSE(S[1], 0.6593, 5e-5, "S12");
  CHECK_CLOSE(S[0], 1.0, 1e-14, "S11 normalized");
  CHECK_CLOSE(T[0], 0.7600, 5e-5, "T11");
  CHECK_CLOSE(T[1], 0.2365, 5e-5, "T12");
  CHECK_CLOSE(T[0] + V[0], -1.1204, 5e-5, "h11");
  CHECK_CLOSE(T[1] + V[1], -0.9584, 5e-5, "h12");
  qclr_sto3g_eri *e = NULL;
  CHECK_RC(qclr_sto3g_eri_new(2, xyz, &e), 0);
  double col[3 * 3];
  int64_t cols[3] = {0, 1, 2};
  CHECK_RC(qclr_sto3g_eri_columns(e, 3, cols, col, 0), 0);
  /* pairs: 0 = (11), 1 = (21), 2 = (22) */
  CHECK_CLOSE(col[0], 0.7746, 5e-5, "(11|11)");
  CHECK_CLOSE(col[2], 0.5697, 5e-5, "(11|22)");
  CHECK_CLOSE(col[1], 0.4441, 5e-5, "(21|11)");
  CHECK_CLOSE(col[4], 0.2970, 5e-5, "(21|21)");
  CHECK_CLOSE(col[1], col[3], 1e-15, "(21|11) = (11|21)");
  double d[3];
  CHECK_RC(qclr_sto3g_eri_diag(e, d), 0);
  CHECK_CLOSE(d[1], col[4], 1e-15, "diag (21|21)");
  int64_t bad = 3;
  CHECK_RC(qclr_sto3g_eri_columns(e, 1, &bad, col, 0), QCLR_EINVAL);
  qclr_sto3g_eri_free(e);

  qclr_hamiltonian *H = NULL;
  qclr_hydrogen_info info;
  CHECK_RC(qclr_hydrogen_build(2, xyz, 2, NULL, &H, &info), 0);
  CHECK_CLOSE(info.e_hf, -1.1167, 5e-5, "E_HF(H2)");
  CHECK_CLOSE(info.e_nuc, 1.0 / 1.4, 1e-15, "E_nuc");
  double eref;
  CHECK_RC(qclr_hamiltonian_e_ref(H, &eref), 0);
  CHECK_CLOSE(eref, info.e_hf, 1e-12, "e_ref of MO Hamiltonian = E_HF");
  qclr_hamiltonian_free(H);
  CHECK_RC(qclr_hydrogen_build(2, xyz, 3, NULL, &H, NULL), QCLR_EINVAL);
  CHECK(H == NULL, "no Hamiltonian on error");
}

/* Psi4 reference values, inputs/reference.json record h10_chain_sto-3g. */
static void test_h10(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_chain(10, 1.0 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  CHECK_CLOSE(qclr_geometry_nuclear_repulsion(10, xyz), 10.207660401059009, 1e-11, "H10 e_nuc");
  qclr_hamiltonian *H = NULL;
  qclr_hydrogen_info info;
  CHECK_RC(qclr_hydrogen_build(10, xyz, 10, NULL, &H, &info), 0);
  CHECK_CLOSE(info.e_hf, -5.2140688027539355, 1e-8, "H10 e_scf vs Psi4");
  double eref;
  CHECK_RC(qclr_hamiltonian_e_ref(H, &eref), 0);
  CHECK_CLOSE(eref, -5.2140688027539355, 1e-8, "H10 e_ref of MO Hamiltonian vs Psi4");
  /* canonical orbitals: the Fock matrix of the MO Hamiltonian is diagonal */
  double F[100];
  CHECK_RC(qclr_hamiltonian_fock(H, F, NULL), 0);
  const double eps_psi4[10] = {-0.6915616897685636, -0.6383693214118097, -0.5504964909603783,
                               -0.42545763731715375, -0.2639329502161197, 0.15243141802628804,
                               0.39323662261009634, 0.6651796743654979, 0.9406961649491647,
                               1.1611547437532335};
  double offmax = 0;
  for (int p = 0; p < 10; p++) {
    CHECK_CLOSE(F[p * 10 + p], eps_psi4[p], 1e-7, "orbital energy vs Psi4");
    for (int q = 0; q < p; q++) offmax = fmax(offmax, fabs(F[p * 10 + q]));
  }
  CHECK(offmax < 1e-7, "Fock off-diagonal %g", offmax);
  qclr_fci_options fo;
  qclr_fci_options_default(&fo);
  qclr_fci *fci = NULL;
  CHECK_RC(qclr_fci_solve(H, &fo, &fci), 0);
  if (fci) CHECK_CLOSE(qclr_fci_energy(fci, 0), -5.379954745944286, 1e-8, "H10 e_fci vs Psi4");
  qclr_fci_free(fci);
  /* the FCIDUMP written from it reads back to the same reference energy */
  char path[4096];
  const char *dir = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/test_model_h10_%ld.fcidump", dir ? dir : "/tmp", (long)getpid());
  CHECK_RC(qclr_fcidump_write(path, H, NULL), 0);
  qclr_hamiltonian *H2 = NULL;
  CHECK_RC(qclr_fcidump_read(path, NULL, &H2, NULL), 0);
  if (H2) {
    CHECK_RC(qclr_hamiltonian_e_ref(H2, &eref), 0);
    CHECK_CLOSE(eref, -5.2140688027539355, 1e-8, "H10 e_ref from written FCIDUMP vs Psi4");
  }
  qclr_hamiltonian_free(H2);
  remove(path);
  qclr_hamiltonian_free(H);
  free(xyz);
}

static void test_geometry(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_ring(6, 2.0, &xyz), 0);
  for (int i = 0; i < 6; i++) {
    int j = (i + 1) % 6;
    double d = 0;
    for (int c = 0; c < 3; c++) d += (xyz[3 * i + c] - xyz[3 * j + c]) * (xyz[3 * i + c] - xyz[3 * j + c]);
    CHECK_CLOSE(sqrt(d), 2.0, 1e-14, "ring edge");
  }
  free(xyz);
  CHECK_RC(qclr_geometry_lattice(2, 3, 1.5, &xyz), 0);
  CHECK_CLOSE(xyz[3 * 1 + 1] - xyz[3 * 0 + 1], 1.5, 1e-15, "lattice y step");
  CHECK_CLOSE(xyz[3 * 3 + 0] - xyz[3 * 0 + 0], 1.5, 1e-15, "lattice x step");
  free(xyz);
  CHECK_RC(qclr_geometry_chain(0, 1.0, &xyz), QCLR_EINVAL);
  CHECK_RC(qclr_geometry_chain(4, -1.0, &xyz), QCLR_EINVAL);
  CHECK_RC(qclr_geometry_ring(2, 1.0, &xyz), QCLR_EINVAL);

  /* xyz files: good one in Angstrom, then error paths with file:line */
  const char *dir = getenv("TMPDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/test_model_%ld.xyz", dir ? dir : "/tmp", (long)getpid());
  FILE *f = fopen(path, "w");
  fprintf(f, "2\nH2 molecule\nH 0 0 0\nH 0 0 0.7414\n");
  fclose(f);
  int64_t na;
  CHECK_RC(qclr_geometry_read_xyz(path, 0, &xyz, &na), 0);
  CHECK(na == 2, "natom %lld", (long long)na);
  if (xyz) CHECK_CLOSE(xyz[5], 0.7414 * QCLR_BOHR_PER_ANGSTROM, 1e-14, "xyz z in bohr");
  free(xyz);
  f = fopen(path, "w");
  fprintf(f, "2\nH2\nH 0 0 0\nHe 0 0 1\n");
  fclose(f);
  CHECK_RC(qclr_geometry_read_xyz(path, 0, &xyz, &na), QCLR_EPARSE);
  CHECK(strstr(qclr_last_error(), ":4:") != NULL, "line number in '%s'", qclr_last_error());
  f = fopen(path, "w");
  fprintf(f, "3\nH3\nH 0 0 0\nH 0 0 1\n");
  fclose(f);
  CHECK_RC(qclr_geometry_read_xyz(path, 0, &xyz, &na), QCLR_EPARSE);
  CHECK(strstr(qclr_last_error(), ":5:") != NULL, "line number in '%s'", qclr_last_error());
  f = fopen(path, "w");
  fprintf(f, "two\n");
  fclose(f);
  CHECK_RC(qclr_geometry_read_xyz(path, 0, &xyz, &na), QCLR_EPARSE);
  f = fopen(path, "w");
  fprintf(f, "1\nx\nH 0 0 zero\n");
  fclose(f);
  CHECK_RC(qclr_geometry_read_xyz(path, 0, &xyz, &na), QCLR_EPARSE);
  remove(path);
  CHECK_RC(qclr_geometry_read_xyz(path, 0, &xyz, &na), QCLR_EIO);
}

int main(void) {
  test_h2();
  test_h10();
  test_geometry();
  return test_done("test_model");
}

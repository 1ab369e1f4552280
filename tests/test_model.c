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
  CHECK_RC(qclr_sto3g_eri_columns(e, 3, cols, col), 0);
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
  CHECK_RC(qclr_sto3g_eri_columns(e, 1, &bad, col), QCLR_EINVAL);
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

/* Psi4's own H10 FCIDUMP against ours, integral by integral.  Orbital signs
 * are arbitrary, so compare |h_pq| and |(pq|rs)| (no degenerate orbitals in
 * a chain); tolerance 1e-8 (SCF converged to d_convergence 1e-8). */
static void test_h10_integrals(void) {
  qclr_hamiltonian *Hp = NULL, *H = NULL;
  CHECK_RC(qclr_fcidump_read(test_input("h10_chain_sto-3g.fcidump"), NULL, &Hp, NULL), 0);
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_chain(10, 1.0 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  CHECK_RC(qclr_hydrogen_build(10, xyz, 10, NULL, &H, NULL), 0);
  free(xyz);
  if (!Hp || !H) {
    qclr_hamiltonian_free(Hp);
    qclr_hamiltonian_free(H);
    return;
  }
  double dh = 0, dv = 0;
  const double *a = qclr_hamiltonian_h(H), *b = qclr_hamiltonian_h(Hp);
  for (int x = 0; x < 100; x++) dh = fmax(dh, fabs(fabs(a[x]) - fabs(b[x])));
  const double *va = qclr_hamiltonian_vpair(H), *vb = qclr_hamiltonian_vpair(Hp);
  for (int x = 0; x < 55 * 55; x++) dv = fmax(dv, fabs(fabs(va[x]) - fabs(vb[x])));
  CHECK(dh < 1e-8, "|h| vs Psi4 FCIDUMP: %g", dh);
  CHECK(dv < 1e-8, "|(pq|rs)| vs Psi4 FCIDUMP: %g", dv);
  CHECK_CLOSE(qclr_hamiltonian_e_core(H), qclr_hamiltonian_e_core(Hp), 1e-11, "e_core vs Psi4 FCIDUMP");
  qclr_hamiltonian_free(Hp);
  qclr_hamiltonian_free(H);
}

/* AO pair-space ERI matrix of xyz, in memory (reference for the direct route). */
static double *ao_eri_matrix(int64_t n, const double *xyz, double *hcore) {
  int64_t np = n * (n + 1) / 2;
  double *V = malloc(sizeof(double) * (size_t)(np * np));
  int64_t *cols = malloc(sizeof(int64_t) * (size_t)np);
  double *S = malloc(sizeof(double) * (size_t)(3 * n * n));
  qclr_sto3g_eri *e = NULL;
  CHECK_RC(qclr_sto3g_eri_new(n, xyz, &e), 0);
  for (int64_t k = 0; k < np; k++) cols[k] = k;
  CHECK_RC(qclr_sto3g_eri_columns(e, np, cols, V), 0);
  CHECK_RC(qclr_sto3g_one_electron(n, xyz, S, S + n * n, S + 2 * n * n), 0);
  for (int64_t x = 0; x < n * n; x++) hcore[x] = S[n * n + x] + S[2 * n * n + x];
  qclr_sto3g_eri_free(e);
  free(cols);
  free(S);
  return V;
}

/* The integral-direct AO Cholesky (columns computed by the callback) against
 * qclr_cholesky_compute on the in-memory AO ERI matrix: same rank, same
 * pivots, vectors to 1e-12; and V - L L^T bounded by tau elementwise. */
static void test_direct_vs_memory(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_lattice(3, 3, 0.9 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  const int64_t n = 9, np = n * (n + 1) / 2;
  double hcore[81];
  double *V = ao_eri_matrix(n, xyz, hcore);
  qclr_hamiltonian *Hao = NULL;
  CHECK_RC(qclr_hamiltonian_from_packed(n, 0, 0, 0.0, hcore, V, &Hao), 0);
  qclr_sto3g_eri *e = NULL;
  CHECK_RC(qclr_sto3g_eri_new(n, xyz, &e), 0);
  const double tols[2] = {1e-6, 1e-10};
  const int pivots[2] = {QCLR_PIVOT_GREEDY, QCLR_PIVOT_BLOCK};
  for (int t = 0; t < 2; t++)
    for (int pv = 0; pv < 2; pv++) {
      qclr_cholesky_options o;
      qclr_cholesky_options_default(&o);
      o.tol = tols[t];
      o.pivot = pivots[pv];
      o.block = 8;
      qclr_lowrank *a = NULL, *b = NULL;
      CHECK_RC(qclr_cholesky_compute(Hao, &o, &a), 0);
      CHECK_RC(qclr_sto3g_cholesky(e, &o, &b), 0);
      if (!a || !b) {
        qclr_lowrank_free(a);
        qclr_lowrank_free(b);
        continue;
      }
      int64_t r = qclr_lowrank_rank(a);
      CHECK(r == qclr_lowrank_rank(b), "tol %g pivot %d: rank %lld vs %lld", o.tol, o.pivot, (long long)r,
            (long long)qclr_lowrank_rank(b));
      CHECK(r > 0 && (t == 1 || r < np), "rank %lld of %lld", (long long)r, (long long)np);
      if (r != qclr_lowrank_rank(b)) r = 0;
      int same_piv = 1;
      double dvec = 0, derr = 0;
      for (int64_t k = 0; k < r; k++) same_piv &= qclr_lowrank_pivots(a)[k] == qclr_lowrank_pivots(b)[k];
      const double *va = qclr_lowrank_vectors(a), *vb = qclr_lowrank_vectors(b);
      for (int64_t x = 0; x < r * np; x++) dvec = fmax(dvec, fabs(va[x] - vb[x]));
      for (int64_t i = 0; i < np; i++)
        for (int64_t j = 0; j < np; j++) {
          double s = 0;
          for (int64_t k = 0; k < r; k++) s += vb[k * np + i] * vb[k * np + j];
          derr = fmax(derr, fabs(V[i * np + j] - s));
        }
      CHECK(same_piv, "tol %g pivot %d: pivots differ", o.tol, o.pivot);
      CHECK(dvec <= 1e-12, "tol %g pivot %d: vectors differ by %g", o.tol, o.pivot, dvec);
      CHECK(derr <= o.tol, "tol %g pivot %d: max |V - LL^T| = %g", o.tol, o.pivot, derr);
      CHECK(qclr_lowrank_max_residual(b) <= o.tol, "residual %g", qclr_lowrank_max_residual(b));
      qclr_lowrank_free(a);
      qclr_lowrank_free(b);
    }
  qclr_sto3g_eri_free(e);
  qclr_hamiltonian_free(Hao);
  free(V);
  free(xyz);
}

/* The whole Cholesky route on H10 (tau = 1e-10): RHF from the AO vectors
 * against Psi4, the MO vectors against the exact MO Hamiltonian, thread
 * independence, and the FCI energy of the rebuilt Hamiltonian vs Psi4. */
static void test_hydrogen_cholesky(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_chain(10, 1.0 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  qclr_hydrogen_cholesky_options o;
  qclr_hydrogen_cholesky_options_default(&o);
  o.chol.tol = 1e-10;
  qclr_hydrogen_factors *f = NULL, *f1 = NULL;
  CHECK_RC(qclr_hydrogen_cholesky(10, xyz, 10, &o, &f), 0);
  qclr_set_threads(1);
  CHECK_RC(qclr_hydrogen_cholesky(10, xyz, 10, &o, &f1), 0);
  qclr_set_threads(0);
  qclr_hamiltonian *Hx = NULL;
  CHECK_RC(qclr_hydrogen_build(10, xyz, 10, NULL, &Hx, NULL), 0);
  free(xyz);
  if (!f || !f1 || !Hx) goto done;
  const qclr_hydrogen_factors_info *inf = qclr_hydrogen_factors_info_get(f);
  CHECK_CLOSE(inf->e_hf, -5.2140688027539355, 1e-8, "H10 e_scf (Cholesky ERIs, tau 1e-10) vs Psi4");
  CHECK_CLOSE(inf->e_nuc, 10.207660401059009, 1e-11, "e_nuc");
  CHECK(inf->rhf_converged && inf->cholesky_converged, "converged");
  CHECK(inf->max_residual <= 1e-10, "AO residual %g", inf->max_residual);
  int64_t r = qclr_hydrogen_factors_rank(f);
  CHECK(r == qclr_hydrogen_factors_rank(f1), "rank with 1 thread %lld vs %lld", (long long)qclr_hydrogen_factors_rank(f1),
        (long long)r);
  CHECK_CLOSE(qclr_hydrogen_factors_info_get(f1)->e_hf, inf->e_hf, 1e-12, "e_hf 1 vs default threads");
  CHECK(qclr_hydrogen_factors_norb(f) == 10 && qclr_hydrogen_factors_nelec(f) == 10, "sizes");
  if (r == qclr_hydrogen_factors_rank(f1)) {
    double d = 0;
    const double *a = qclr_hydrogen_factors_vectors(f), *b = qclr_hydrogen_factors_vectors(f1);
    for (int64_t x = 0; x < r * 55; x++) d = fmax(d, fabs(a[x] - b[x]));
    CHECK(d <= 1e-12, "MO vectors 1 vs default threads: %g", d);
  }
  /* MO ERIs from the vectors vs the exact MO ERIs: sign-invariant comparison
   * (both routes give the same orbitals up to sign) */
  qclr_hamiltonian *Hc = NULL;
  CHECK_RC(qclr_hydrogen_factors_hamiltonian(f, &Hc), 0);
  if (Hc) {
    double dv = 0, dh = 0;
    const double *va = qclr_hamiltonian_vpair(Hc), *vb = qclr_hamiltonian_vpair(Hx);
    for (int x = 0; x < 55 * 55; x++) dv = fmax(dv, fabs(fabs(va[x]) - fabs(vb[x])));
    const double *ha = qclr_hamiltonian_h(Hc), *hb = qclr_hamiltonian_h(Hx);
    for (int x = 0; x < 100; x++) dh = fmax(dh, fabs(fabs(ha[x]) - fabs(hb[x])));
    CHECK(dv < 1e-8, "MO ERIs from AO Cholesky vs exact: %g", dv);
    CHECK(dh < 1e-8, "MO h vs exact: %g", dh);
    double eref;
    CHECK_RC(qclr_hamiltonian_e_ref(Hc, &eref), 0);
    CHECK_CLOSE(eref, inf->e_hf, 1e-10, "e_ref of the rebuilt Hamiltonian = e_hf");
    qclr_fci_options fo;
    qclr_fci_options_default(&fo);
    qclr_fci *fci = NULL;
    CHECK_RC(qclr_fci_solve(Hc, &fo, &fci), 0);
    if (fci) CHECK_CLOSE(qclr_fci_energy(fci, 0), -5.379954745944286, 1e-8, "H10 e_fci (Cholesky) vs Psi4");
    qclr_fci_free(fci);
  }
  qclr_hamiltonian_free(Hc);
  /* errors */
  qclr_hydrogen_factors *g = NULL;
  double one[3] = {0, 0, 0};
  CHECK_RC(qclr_hydrogen_cholesky(1, one, 1, NULL, &g), QCLR_EINVAL);
  CHECK(g == NULL, "no result on error");
  CHECK_RC(qclr_hydrogen_cholesky(0, one, 0, NULL, &g), QCLR_EINVAL);
done:
  qclr_hydrogen_factors_free(f);
  qclr_hydrogen_factors_free(f1);
  qclr_hamiltonian_free(Hx);
}

/* A rank cap stops the Cholesky first: warning, converged = 0, result kept. */
static void test_hydrogen_cholesky_cap(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_ring(6, 1.0 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  qclr_hydrogen_cholesky_options o;
  qclr_hydrogen_cholesky_options_default(&o);
  o.chol.max_rank = 4;
  qclr_hydrogen_factors *f = NULL;
  CHECK_RC(qclr_hydrogen_cholesky(6, xyz, 6, &o, &f), QCLR_WRANKCAP);
  CHECK(f && qclr_hydrogen_factors_rank(f) == 4 && !qclr_hydrogen_factors_info_get(f)->cholesky_converged,
        "capped result");
  qclr_hydrogen_factors_free(f);
  free(xyz);
}

/* qclr_df_summary_compute against the factor module (qclr_df_compute +
 * qclr_factor_lambda) on the Hamiltonian whose ERIs are exactly sum v v^T. */
static void test_df_summary(void) {
  double *xyz = NULL;
  CHECK_RC(qclr_geometry_chain(8, 0.9 * QCLR_BOHR_PER_ANGSTROM, &xyz), 0);
  qclr_hamiltonian *H = NULL, *Hf = NULL;
  CHECK_RC(qclr_hydrogen_build(8, xyz, 8, NULL, &H, NULL), 0);
  free(xyz);
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  co.tol = 1e-8;
  qclr_lowrank *lr = NULL;
  CHECK_RC(qclr_cholesky_compute(H, &co, &lr), 0);
  CHECK_RC(qclr_lowrank_hamiltonian(H, lr, &Hf), 0);
  const double tau2[3] = {0.0, 1e-4, 1e-2};
  for (int t = 0; t < 3; t++)
    for (int rule = 0; rule < 2; rule++) {
      qclr_df_options d;
      qclr_df_options_default(&d);
      d.tol = tau2[t];
      d.rule = rule;
      qclr_df *df = NULL;
      CHECK_RC(qclr_df_compute(Hf, lr, &d, &df), 0);
      double lsf = 0, ldf = 0;
      CHECK_RC(qclr_factor_lambda(Hf, lr, df, &lsf, &ldf), 0);
      qclr_df_summary s;
      CHECK_RC(qclr_df_summary_compute(8, qclr_hamiltonian_h(Hf), qclr_lowrank_rank(lr), qclr_lowrank_vectors(lr), &d, &s),
               0);
      CHECK(s.nfactors == qclr_df_nfactors(df), "tau2 %g rule %d: L %lld vs %lld", d.tol, rule,
            (long long)s.nfactors, (long long)qclr_df_nfactors(df));
      CHECK(s.nterms == qclr_df_nterms(df), "tau2 %g rule %d: Lxi %lld vs %lld", d.tol, rule, (long long)s.nterms,
            (long long)qclr_df_nterms(df));
      CHECK_CLOSE(s.lambda_df, ldf, 1e-10 * ldf, "lambda_DF vs factor module");
      CHECK_CLOSE(s.lambda_sf, lsf, 1e-10 * lsf, "lambda_SF vs factor module");
      qclr_df_free(df);
    }
  qclr_df_summary s;
  CHECK_RC(qclr_df_summary_compute(8, qclr_hamiltonian_h(Hf), -1, NULL, NULL, &s), QCLR_EINVAL);
  qclr_lowrank_free(lr);
  qclr_hamiltonian_free(H);
  qclr_hamiltonian_free(Hf);
}

/* Geometries other than the H10 chain against Psi4 1.3.2 RHF/STO-3G (same
 * settings as inputs/reference.json), values printed by
 * tests/peers/psi4_hydrogen.py from the definitions of src/geometry.c.
 * Tolerance 1e-8 Ha (Psi4's d_convergence). */
static void test_psi4_geometries(void) {
  static const struct {
    const char *spec;
    double e_psi4;
  } cases[] = {{"chain:atoms=50,spacing=1.0", -26.02887330211063},
               {"ring:atoms=10,spacing=1.0", -5.24139480039754},
               {"lattice:nx=2,ny=4,spacing=1.2", -3.83663808240796}};
  for (int c = 0; c < 3; c++) {
    qclr_model_params p;
    qclr_model_info inf;
    qclr_hamiltonian *H = NULL;
    CHECK_RC(qclr_model_parse(cases[c].spec, &p), 0);
    CHECK_RC(qclr_model_build_params(&p, &H, &inf), 0);
    CHECK_CLOSE(inf.e_hf, cases[c].e_psi4, 1e-8, cases[c].spec);
    qclr_hamiltonian_free(H);
  }
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
  /* the same file through a model spec: xyz_path points into the spec (file= last) */
  {
    char spec[4200];
    snprintf(spec, sizeof spec, "xyz:bohr=1,file=%s", path);
    qclr_model_params p;
    CHECK_RC(qclr_model_parse(spec, &p), 0);
    CHECK(p.bohr == 1 && p.xyz_path == spec + strlen("xyz:bohr=1,file="), "xyz_path points into spec");
    int64_t nm = 0;
    CHECK_RC(qclr_model_geometry(&p, &xyz, &nm), 0);
    CHECK(nm == 2 && xyz && xyz[5] == 0.7414, "bohr coordinates from the spec's file: %lld", (long long)nm);
    free(xyz);
    CHECK_RC(qclr_model_parse("xyz:file=/tmp/a,b.xyz", &p), 0);
    CHECK(p.xyz_path && !strcmp(p.xyz_path, "/tmp/a,b.xyz"), "comma in path: %s", p.xyz_path ? p.xyz_path : "(null)");
    CHECK_RC(qclr_model_parse("xyz:bohr=1", &p), 0);
    CHECK(p.xyz_path == NULL, "no file: NULL");
    CHECK_RC(qclr_model_geometry(&p, &xyz, &nm), QCLR_EINVAL);
    CHECK_RC(qclr_model_parse("xyz:myfile=x", &p), QCLR_EPARSE); /* only a whole key 'file' */
  }
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
  test_h10_integrals();
  test_direct_vs_memory();
  test_hydrogen_cholesky();
  test_hydrogen_cholesky_cap();
  test_df_summary();
  test_psi4_geometries();
  test_geometry();
  return test_done("test_model");
}

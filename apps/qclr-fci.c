/* apps/qclr-fci.c: exact (full CI) ground and excited states of an FCIDUMP
 * Hamiltonian.  `qclr-fci [options] FCIDUMP`.  Thin driver over qclr/fci.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-fci";

enum { O_NROOTS = 1, O_TOL, O_RTOL, O_GUESS, O_MAXIT, O_MAXMEM, O_OUT, O_NORDM, O_MP2 };
static const app_option options[] = {
    {"nroots", 0, "N", "lowest N states (default 1)", O_NROOTS},
    {"tol", 0, "E", "energy convergence in Hartree: change per iteration (default 1e-10)", O_TOL},
    {"rtol", 0, "R", "residual norm |H c - E c| convergence (default sqrt(--tol))", O_RTOL},
    {"max-iter", 0, "N", "Davidson iterations (default 200)", O_MAXIT},
    {"guess", 0, "N", "determinants in the H0 block that starts Davidson (default 400)", O_GUESS},
    {"max-memory", 0, "GB", "refuse to run when the estimate exceeds GB gigabytes", O_MAXMEM},
    {"out", 0, "DIR",
     "write civec.npy [n_alpha_strings, n_beta_strings] (root 0), civec_K.npy "
     "(root K > 0), rdm1.npy [N,N], rdm2.npy [N,N,N,N] and "
     "natural_occupations.npy of root 0",
     O_OUT},
    {"no-rdm", 0, NULL, "with --out, skip the RDMs (they cost O(N^4 ndet))", O_NORDM},
    {"mp2-only", 0, NULL,
     "no FCI: reference and closed-shell MP2 energies only (semicanonical "
     "orbitals; O(N^5), for systems too large for FCI)",
     O_MP2},
    {0}};

static const char description[] =
    "Full configuration interaction in the (NELEC, MS2) space of INPUT, an FCIDUMP\n"
    "(plain or .gz) or a model built in memory, model:KIND:key=value,... (qclr-model\n"
    "--help): Davidson on a direct sigma (H c from h and the ERIs), energies in\n"
    "Hartree including the core energy.  With --progress, the Davidson iterations\n"
    "go to stderr.\n";

static const char notes[] =
    "Examples:\n"
    "  qclr-fci --nroots 3 inputs/h2o_sto-3g.fcidump\n"
    "  qclr-fci --json fci.json --out civec model:chain:atoms=8\n"
    "\n"
    "Exit status: 0 converged, 1 not converged or numerical failure, 2 bad usage or input.\n";

static void progress(void *ctx, int it, int nroots, const double *e, const double *r) {
  (void)ctx;
  double rmax = 0;
  for (int k = 0; k < nroots; k++) rmax = fmax(rmax, r[k]);
  app_progress("%s: iteration %3d  E0 = %.12f  max residual %.2e\n", prog, it, e[0], rmax);
}

static int write_npy(const char *dir, const char *name, const double *x, int nd, const int64_t *shape) {
  char *path = app_path_join(dir, name);
  if (!path) return QCLR_ENOMEM;
  int rc = qclr_npy_write(path, x, nd, shape);
  free(path);
  return rc;
}

/* Opens the report object with the keys both modes share. */
static app_json *json_begin(const char *input, const qclr_hamiltonian *H, double seconds) {
  app_json *j = app_json_new();
  if (!j) {
    fprintf(stderr, "%s: error: out of memory\n", prog);
    return NULL;
  }
  app_json_head(j, prog, input, H, seconds);
  app_json_int(j, "nelec", qclr_hamiltonian_nelec(H));
  app_json_int(j, "ms2", qclr_hamiltonian_ms2(H));
  return j;
}

/* --mp2-only: E_ref and E_MP2 without the FCI; frees H. */
static int mp2_report(const char *input, qclr_hamiltonian *H, const char *json, int quiet, double t0) {
  double e_ref = NAN, e2 = NAN;
  int rc = qclr_hamiltonian_e_ref(H, &e_ref);
  if (!rc) rc = qclr_mp2_energy(H, &e2);
  if (rc) {
    int st = app_fail(prog, rc);
    qclr_hamiltonian_free(H);
    return st;
  }
  double secs = app_seconds() - t0;
  const int N = (int)qclr_hamiltonian_norb(H);
  if (!quiet) {
    printf("qclr-fci: %s  NORB %d  NELEC %d  MS2 %d\n", input, N, qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H));
    printf("E_ref %.12f  E_MP2 %.12f  E_corr(MP2) %.12f  (%.2f s)\n", e_ref, e_ref + e2, e2, secs);
  }
  int status = APP_EXIT_OK;
  if (json) {
    app_json *j = json_begin(input, H, secs);
    if (!j) {
      qclr_hamiltonian_free(H);
      return APP_EXIT_NUMERIC;
    }
    app_json_double(j, "energy_ref", e_ref);
    app_json_double(j, "energy_mp2", e_ref + e2);
    app_json_end_object(j);
    int w = app_json_write(j, json);
    app_json_free(j);
    if (w) status = app_fail(prog, w);
  }
  qclr_hamiltonian_free(H);
  return status;
}

int main(int argc, char **argv) {
  app_cli cli = {.prog = prog, .synopsis = "[OPTION]... INPUT", .description = description, .options = options,
                 .notes = notes};
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  const char *outdir = NULL, *optarg_;
  int nordm = 0, mp2only = 0, c;
  long long v;
  double d;
  while ((c = app_getopt(&cli, argc, argv, &optarg_)) > 0) {
    const char *optarg = optarg_;
    int bad = 0;
    switch (c) {
    case O_NROOTS:
      bad = app_parse_int(prog, "--nroots", optarg, 1, 1000, &v);
      o.nroots = (int)v;
      break;
    case O_TOL:
      bad = app_parse_double(prog, "--tol", optarg, &d);
      if (!bad && !(d > 0)) bad = app_usage_error(prog, "--tol must be positive, got '%s'", optarg);
      o.tol = d;
      break;
    case O_RTOL:
      bad = app_parse_double(prog, "--rtol", optarg, &d);
      if (!bad && !(d > 0)) bad = app_usage_error(prog, "--rtol must be positive, got '%s'", optarg);
      o.residual_tol = d;
      break;
    case O_GUESS:
      bad = app_parse_int(prog, "--guess", optarg, 1, 100000, &v);
      o.guess_size = (int)v;
      break;
    case O_MAXIT:
      bad = app_parse_int(prog, "--max-iter", optarg, 1, 100000, &v);
      o.max_iter = (int)v;
      break;
    case O_MAXMEM:
      bad = app_parse_double(prog, "--max-memory", optarg, &d);
      if (!bad && (!(d > 0) || d > 1e9))
        bad = app_usage_error(prog, "--max-memory must be in (0, 1e9] GB, got '%s'", optarg);
      o.max_bytes = (size_t)(d * 1e9);
      break;
    case O_OUT: outdir = optarg; break;
    case O_NORDM: nordm = 1; break;
    case O_MP2: mp2only = 1; break;
    }
    if (bad) {
      cli.exit_status = APP_EXIT_USAGE;
      c = APP_OPT_EXIT;
      break;
    }
  }
  app_cli_free(&cli);
  if (c == APP_OPT_EXIT) return cli.exit_status;
  const char *json = cli.json;
  const int quiet = cli.quiet;
  if (optind != argc - 1)
    return app_usage_error(prog, optind >= argc ? "missing FCIDUMP argument" : "more than one input file given");
  if (app_check_output(prog, "--out", outdir, 1)) return APP_EXIT_USAGE;
  const char *input = argv[optind];
  double t0 = app_seconds();
  qclr_hamiltonian *H = NULL;
  int rc = app_read_hamiltonian(input, &H);
  if (rc) return app_fail(prog, rc);
  if (mp2only) {
    if (outdir) {
      qclr_hamiltonian_free(H);
      return app_usage_error(prog, "--out needs the FCI (drop --mp2-only)");
    }
    return mp2_report(input, H, json, quiet, t0);
  }
  o.progress = progress;
  qclr_fci *f = NULL;
  int status = APP_EXIT_OK;
  size_t mem = 0;
  rc = qclr_fci_memory_bytes(H, &o, &mem);
  if (!rc) rc = qclr_fci_solve(H, &o, &f);
  if (rc < 0) {
    status = app_fail(prog, rc);
    qclr_hamiltonian_free(H);
    return status;
  }
  if (rc == QCLR_WNOTCONVERGED) {
    fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
    status = APP_EXIT_NUMERIC;
  }
  const int nr = qclr_fci_nroots(f), N = (int)qclr_hamiltonian_norb(H);
  double *s2 = malloc(sizeof(double) * nr), *en = malloc(sizeof(double) * nr), *res = malloc(sizeof(double) * nr);
  if (!s2 || !en || !res) {
    fprintf(stderr, "%s: error: out of memory\n", prog);
    status = APP_EXIT_NUMERIC;
    goto out;
  }
  for (int k = 0; k < nr && rc >= 0; k++) {
    en[k] = qclr_fci_energy(f, k);
    res[k] = qclr_fci_residual(f, k);
    int r2 = qclr_fci_spin_square(H, qclr_fci_civec(f, k), &s2[k]);
    if (r2) {
      status = app_fail(prog, r2);
      goto out;
    }
  }
  double e_ref = NAN, e_mp2 = NAN, e2;
  qclr_hamiltonian_e_ref(H, &e_ref);
  if (qclr_hamiltonian_ms2(H) == 0 && qclr_mp2_energy(H, &e2) == 0) e_mp2 = e_ref + e2;
  if (outdir) {
    int64_t sh[4] = {qclr_fci_nstrings_alpha(f), qclr_fci_nstrings_beta(f), 0, 0};
    int w = app_outdir_begin(outdir);
    for (int k = 0; k < nr && !w; k++) {
      char name[64];
      if (k == 0) snprintf(name, sizeof name, "civec.npy");
      else snprintf(name, sizeof name, "civec_%d.npy", k);
      w = write_npy(outdir, name, qclr_fci_civec(f, k), 2, sh);
    }
    if (!w && !nordm) {
      size_t n4 = (size_t)N * N * N * N;
      double *r1 = malloc(sizeof(double) * N * N), *r2 = malloc(sizeof(double) * n4), *occ = malloc(sizeof(double) * N);
      if (!r1 || !r2 || !occ) w = QCLR_ENOMEM;
      if (!w) w = qclr_fci_rdm12(H, qclr_fci_civec(f, 0), r1, r2);
      if (!w) w = qclr_fci_natural_occupations(N, r1, occ);
      int64_t s[4] = {N, N, N, N};
      if (!w) w = write_npy(outdir, "rdm1.npy", r1, 2, s);
      if (!w) w = write_npy(outdir, "rdm2.npy", r2, 4, s);
      if (!w) w = write_npy(outdir, "natural_occupations.npy", occ, 1, s);
      free(r1);
      free(r2);
      free(occ);
    }
    w = app_outdir_end(w);
    if (w) {
      status = app_fail(prog, w);
      goto out;
    }
  }
  double secs = app_seconds() - t0;
  if (!quiet) {
    printf("qclr-fci: %s  NORB %d  NELEC %d  MS2 %d\n", input, N, qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H));
    printf("determinants %lld (%lld alpha x %lld beta strings)\n", (long long)qclr_fci_ndet(f),
           (long long)qclr_fci_nstrings_alpha(f), (long long)qclr_fci_nstrings_beta(f));
    printf("%4s  %20s  %10s  %9s\n", "root", "energy/Ha", "<S^2>", "residual");
    for (int k = 0; k < nr; k++) printf("%4d  %20.12f  %10.6f  %9.2e\n", k, en[k], s2[k], res[k]);
    printf("E_ref %.12f", e_ref);
    if (!isnan(e_mp2)) printf("  E_MP2 %.12f", e_mp2);
    printf("  E_corr(FCI) %.12f\n", en[0] - e_ref);
    printf("converged %s after %d iterations (%lld sigma vectors), %.2f s, memory estimate %.3g GB\n",
           qclr_fci_converged(f) ? "yes" : "NO", qclr_fci_iterations(f), (long long)qclr_fci_nsigma(f), secs,
           mem / 1e9);
  }
  if (json) {
    app_json *j = json_begin(input, H, secs);
    if (!j) {
      status = APP_EXIT_NUMERIC;
      goto out;
    }
    app_json_int(j, "ndet", qclr_fci_ndet(f));
    app_json_int(j, "nstrings_alpha", qclr_fci_nstrings_alpha(f));
    app_json_int(j, "nstrings_beta", qclr_fci_nstrings_beta(f));
    app_json_double(j, "energy_fci", en[0]);
    app_json_double_array(j, "energy_roots", en, nr);
    app_json_double_array(j, "s2", s2, nr);
    app_json_double_array(j, "residuals", res, nr);
    app_json_bool(j, "converged", qclr_fci_converged(f));
    app_json_int(j, "iterations", qclr_fci_iterations(f));
    app_json_int(j, "sigma_vectors", qclr_fci_nsigma(f));
    app_json_double(j, "tol", o.tol);
    app_json_double(j, "rtol", o.residual_tol > 0 ? o.residual_tol : sqrt(o.tol));
    app_json_double(j, "energy_ref", e_ref);
    app_json_double_or_null(j, "energy_mp2", e_mp2); /* NaN: open shell, no closed-shell MP2 */
    app_json_int(j, "memory_bytes", (int64_t)mem);
    app_json_end_object(j);
    int w = app_json_write(j, json);
    app_json_free(j);
    if (w) {
      status = app_fail(prog, w);
      goto out;
    }
  }
out:
  free(s2);
  free(en);
  free(res);
  qclr_fci_free(f);
  qclr_hamiltonian_free(H);
  return status;
}

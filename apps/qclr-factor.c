/* apps/qclr-factor.c: low-rank factorization of the ERIs of an FCIDUMP:
 * pivoted Cholesky or eigendecomposition, then double factorization, with
 * exact errors, 1-norms and (--energy) the FCI or MP2 energy error of the
 * factorized Hamiltonian.  Thin driver over include/qclr/factor.h and
 * include/qclr/fci.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-factor";

enum { O_SCAN = 1, O_OUT, O_WFCI, O_ENERGY, O_TARGET };
static const app_option options[] = {
    {NULL, 0, NULL, "Thresholds and energies:", 0},
    {"scan", 0, "LIST", "comma-separated thresholds, one table row per value", O_SCAN},
    {"energy", 0, "E", "fci or mp2: add dE = E(factorized H) - E(exact H) to every row", O_ENERGY},
    {"target-energy-error", 0, "E",
     "|dE| target in Hartree (default 1.6e-3); with --energy and no "
     "--tol/--scan, tol = 1e-1, 1e-2, ... until |dE| <= E, and the loosest "
     "tol meeting it is selected (also among --scan rows)",
     O_TARGET},
    {"out", 0, "DIR", "write L.npy, T.npy, Tprime.npy, df_*.npy (see README)", O_OUT},
    {"write-fcidump", 0, "F", "write the Hamiltonian with the factorized (DF-truncated) ERIs", O_WFCI},
    {0}};

static const char description[] =
    "Factorize the two-electron integrals (pq|rs) ~= sum_l L^l_pq L^l_rs (stage 1)\n"
    "of INPUT, an FCIDUMP (plain or .gz) or a model built in memory,\n"
    "model:KIND:key=value,... (qclr-model --help), then eigendecompose every\n"
    "L^l = U^l diag(f^l) U^lT (double factorization).  Reports the rank, the DF\n"
    "terms, lambda_SF and lambda_DF, the exact max|dV| and ||dV||_F of the\n"
    "factorized ERIs, E_ref(factorized) - E_ref(exact) and, with --energy, the FCI\n"
    "or MP2 energy of the factorized Hamiltonian minus the exact one.\n";

static const char notes[] =
    "Examples:\n"
    "  qclr-factor --scan 1e-2,1e-4,1e-6 inputs/h2o_sto-3g.fcidump\n"
    "  qclr-factor --energy fci --json - model:chain:atoms=6\n"
    "\n"
    "--out and --write-fcidump use the single --tol, or the selected tol with --energy.\n"
    "\n"
    "Exit status: 0 ok, 1 numerical failure (e.g. ERIs not PSD, or no tol meets the\n"
    "energy target in the automatic search), 2 bad usage or input.\n";

enum { ENERGY_NONE = APP_ENERGY_NONE, ENERGY_FCI = APP_ENERGY_FCI, ENERGY_MP2 = APP_ENERGY_MP2 };

typedef struct {
  double tol, seconds, energy, energy_error, energy_seconds;
  int64_t rank, df_factors, df_terms;
  int converged, meets_target;
  double max_residual;
  qclr_factor_metrics m1, m2;
} row;

typedef struct {
  int method; /* 0 cholesky, 1 eigen */
  qclr_cholesky_options co;
  qclr_df_options dfo;
  int energy;      /* ENERGY_* */
  double target;   /* |dE| target, Hartree */
  double e_exact;  /* energy of the exact H */
} settings;

static int energy_of(const qclr_hamiltonian *H, const settings *s, double *e) {
  return app_energy(prog, H, s->energy, e);
}

static int run_one(const qclr_hamiltonian *H, const settings *s, double tol, row *r, qclr_lowrank **lr_out,
                   qclr_df **df_out) {
  double t0 = app_seconds();
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  int rc, warn = 0;
  if (s->method == 1)
    rc = qclr_eigen_factor(H, tol, s->co.max_rank, &lr);
  else {
    qclr_cholesky_options co = s->co;
    co.tol = tol;
    rc = qclr_cholesky_compute(H, &co, &lr);
  }
  if (rc < 0) return rc;
  if (rc > 0) {
    warn = rc;
    fprintf(stderr, "%s: warning: tol %g: %s\n", prog, tol, qclr_last_error());
  }
  rc = qclr_df_compute(H, lr, &s->dfo, &df);
  double t1 = app_seconds();
  if (!rc) rc = qclr_lowrank_metrics(H, lr, &r->m1);
  if (!rc) rc = qclr_df_metrics(H, df, &r->m2);
  r->energy = r->energy_error = r->energy_seconds = NAN;
  r->meets_target = 0;
  if (!rc && s->energy) {
    app_progress("%s: tol %g: %s energy of the factorized Hamiltonian ...\n", prog, tol,
                 s->energy == ENERGY_FCI ? "FCI" : "MP2");
    double t2 = app_seconds();
    qclr_hamiltonian *R = NULL;
    rc = qclr_df_hamiltonian(H, df, &R);
    if (!rc) rc = energy_of(R, s, &r->energy);
    qclr_hamiltonian_free(R);
    r->energy_error = r->energy - s->e_exact;
    r->energy_seconds = app_seconds() - t2;
    r->meets_target = fabs(r->energy_error) <= s->target;
  }
  if (rc) {
    qclr_lowrank_free(lr);
    qclr_df_free(df);
    return rc;
  }
  r->tol = tol;
  r->seconds = t1 - t0;
  r->rank = qclr_lowrank_rank(lr);
  r->converged = qclr_lowrank_converged(lr);
  r->max_residual = qclr_lowrank_max_residual(lr);
  r->df_factors = qclr_df_nfactors(df);
  r->df_terms = qclr_df_nterms(df);
  if (lr_out) *lr_out = lr;
  else qclr_lowrank_free(lr);
  if (df_out) *df_out = df;
  else qclr_df_free(df);
  return warn;
}

static void json_row(app_json *j, const row *r, const settings *s) {
  app_json_double(j, "tol", r->tol);
  app_json_int(j, "rank", r->rank);
  app_json_int(j, "df_factors", r->df_factors);
  app_json_int(j, "df_terms", r->df_terms);
  app_json_bool(j, "converged", r->converged);
  app_json_double(j, "max_residual", r->max_residual);
  app_json_double(j, "eri_max_abs_error", r->m1.max_abs_error);
  app_json_double(j, "eri_frobenius_error", r->m1.frobenius_error);
  app_json_double(j, "energy_ref_error", r->m1.e_ref_error);
  app_json_double(j, "lambda_sf", r->m1.lambda);
  app_json_double(j, "lambda_df", r->m2.lambda);
  app_json_double(j, "df_eri_max_abs_error", r->m2.max_abs_error);
  app_json_double(j, "df_eri_frobenius_error", r->m2.frobenius_error);
  app_json_double(j, "df_energy_ref_error", r->m2.e_ref_error);
  app_json_double(j, "seconds_factor", r->seconds);
  if (s->energy) {
    app_json_double(j, "energy_factorized", r->energy);
    app_json_double(j, "energy_error", r->energy_error);
    app_json_bool(j, "meets_target", r->meets_target);
    app_json_double(j, "seconds_energy", r->energy_seconds);
  }
}

static void print_header(const settings *s) {
  printf("%9s %6s %6s %7s %12s %12s %10s %10s %11s", "tol", "rank", "L", "Lxi", "lambda_SF", "lambda_DF", "max|dV|",
         "||dV||_F", "dE_ref");
  if (s->dfo.tol > 0) printf(" %10s %11s", "DF max|dV|", "DF dE_ref");
  if (s->energy) printf(" %11s", s->energy == ENERGY_FCI ? "dE_FCI" : "dE_MP2");
  printf(" %9s\n", "ms");
}

static void print_row(const row *r, const settings *s) {
  printf("%9.1e %6lld %6lld %7lld %12.4f %12.4f %10.3e %10.3e %11.3e", r->tol, (long long)r->rank,
         (long long)r->df_factors, (long long)r->df_terms, r->m1.lambda, r->m2.lambda, r->m1.max_abs_error,
         r->m1.frobenius_error, r->m1.e_ref_error);
  if (s->dfo.tol > 0) printf(" %10.3e %11.3e", r->m2.max_abs_error, r->m2.e_ref_error);
  if (s->energy) printf(" %11.3e", r->energy_error);
  printf(" %9.2f%s%s\n", 1e3 * r->seconds, r->converged ? "" : "  (rank cap)",
         s->energy && r->meets_target ? "  *" : "");
}

static int write_npy(const char *dir, const char *name, const double *a, int nd, const int64_t *sh) {
  char *path = app_path_join(dir, name);
  if (!path) return QCLR_ENOMEM;
  int rc = qclr_npy_write(path, a, nd, sh);
  free(path);
  return rc;
}

/* Arrays of --out; every file written atomically by qclr_npy_write. */
static int write_arrays(const char *dir, const qclr_hamiltonian *H, const qclr_lowrank *lr, const qclr_df *df) {
  int64_t N = qclr_hamiltonian_norb(H), R = qclr_lowrank_rank(lr);
  int64_t L = qclr_df_nfactors(df);
  int rc = app_outdir_begin(dir);
  if (rc) return rc;
  size_t big = (size_t)((R > L ? R : L) + 1) * (size_t)(N * N) + 2 * (size_t)(N * N);
  double *buf = malloc(big * sizeof(double));
  if (!buf) return QCLR_ENOMEM;
  rc = qclr_pair_unpack(N, R, qclr_lowrank_vectors(lr), buf);
  int64_t sh[3] = {R, N, N};
  if (!rc) rc = write_npy(dir, "L.npy", buf, 3, sh);
  if (!rc) {
    double *T = buf, *Tp = buf + N * N;
    rc = qclr_factor_one_body(H, T, Tp);
    sh[0] = N;
    sh[1] = N;
    if (!rc) rc = write_npy(dir, "T.npy", T, 2, sh);
    if (!rc) rc = write_npy(dir, "Tprime.npy", Tp, 2, sh);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) {
      const double *f = qclr_df_eigenvalues(df, l);
      for (int64_t k = 0; k < N; k++) buf[l * N + k] = k < qclr_df_factor_size(df, l) ? f[k] : 0.0;
    }
    sh[0] = L;
    sh[1] = N;
    rc = write_npy(dir, "df_eigenvalues.npy", buf, 2, sh);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) buf[l] = (double)qclr_df_factor_size(df, l);
    sh[0] = L;
    rc = write_npy(dir, "df_sizes.npy", buf, 1, sh);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) buf[l] = (double)qclr_df_source(df, l);
    rc = write_npy(dir, "df_source.npy", buf, 1, sh);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) memcpy(buf + l * N * N, qclr_df_rotation(df, l), sizeof(double) * N * N);
    sh[0] = L;
    sh[1] = N;
    sh[2] = N;
    rc = write_npy(dir, "df_rotations.npy", buf, 3, sh);
  }
  free(buf);
  return app_outdir_end(rc);
}

static void write_json(app_json *j, const char *input, const qclr_hamiltonian *H, const settings *s,
                       const char *mname, const char *pname, const row *rows, int nrows, int list, int kept,
                       int met, double seconds) {
  app_json_head(j, prog, input, H, seconds);
  app_json_int(j, "nelec", qclr_hamiltonian_nelec(H));
  app_json_int(j, "npair", qclr_hamiltonian_npair(H));
  app_json_string(j, "method", mname);
  if (s->method) app_json_null(j, "pivot");
  else app_json_string(j, "pivot", pname);
  app_json_double(j, "df_tol", s->dfo.tol);
  app_json_string(j, "df_rule", s->dfo.rule == QCLR_DF_RULE_OPENFERMION ? "openfermion" : "default");
  app_json_int(j, "max_rank", s->co.max_rank);
  app_json_int(j, "seed", (int64_t)s->co.seed);
  if (s->energy) {
    app_json_string(j, "energy_method", s->energy == ENERGY_FCI ? "fci" : "mp2");
    app_json_double(j, "energy_exact", s->e_exact);
    app_json_double(j, "target_energy_error", s->target);
    app_json_bool(j, "target_met", met >= 0);
    if (met >= 0) app_json_double(j, "selected_tol", rows[met].tol);
    else app_json_null(j, "selected_tol");
  }
  if (list) {
    app_json_begin_array(j, "scan");
    for (int i = 0; i < nrows; i++) {
      app_json_begin_object(j, NULL);
      json_row(j, &rows[i], s);
      app_json_end_object(j);
    }
    app_json_end_array(j);
  }
  if (kept >= 0) json_row(j, &rows[kept], s); /* the single or the selected row at the top level */
  app_json_end_object(j);
}

int main(int argc, char **argv) {
  app_cli cli = {.prog = prog, .synopsis = "[OPTION]... INPUT", .description = description,
                 .shared = app_factor_options, .options = options, .notes = notes};
  const char *optarg_;
  settings s;
  memset(&s, 0, sizeof s);
  s.target = 1.6e-3;
  double *scan = NULL;
  int nscan = 0, c, rc, tol_given = 0, target_given = 0;
  const char *out_dir = NULL, *fcidump_out = NULL;
#define USAGE_FAIL(...)                         \
  do {                                          \
    free(scan);                                 \
    app_cli_free(&cli);                         \
    return app_usage_error(prog, __VA_ARGS__);  \
  } while (0)
#define PARSE_FAIL(call)       \
  do {                         \
    if (call) {                \
      free(scan);              \
      app_cli_free(&cli);      \
      return APP_EXIT_USAGE;   \
    }                          \
  } while (0)
  app_factor_settings fs;
  app_factor_settings_default(&fs);
  while ((c = app_getopt(&cli, argc, argv, &optarg_)) > 0) {
    const char *optarg = optarg_;
    PARSE_FAIL(app_factor_option(prog, c, optarg, &fs) > 0);
    switch (c) {
      case O_SCAN:
        free(scan);
        scan = NULL;
        if (app_parse_double_list(prog, "--scan", optarg, &scan, &nscan)) return APP_EXIT_USAGE;
        for (int i = 0; i < nscan; i++)
          if (!(scan[i] >= 0) || !isfinite(scan[i])) USAGE_FAIL("--scan thresholds must be finite and >= 0");
        break;
      case O_ENERGY:
        if (!strcmp(optarg, "fci")) s.energy = ENERGY_FCI;
        else if (!strcmp(optarg, "mp2")) s.energy = ENERGY_MP2;
        else USAGE_FAIL("--energy must be fci or mp2, got '%s'", optarg);
        break;
      case O_TARGET:
        PARSE_FAIL(app_parse_double(prog, "--target-energy-error", optarg, &s.target));
        if (!(s.target > 0) || !isfinite(s.target)) USAGE_FAIL("--target-energy-error must be positive");
        target_given = 1;
        break;
      case O_OUT: out_dir = optarg; break;
      case O_WFCI: fcidump_out = optarg; break;
    }
  }
  app_cli_free(&cli);
  if (c == APP_OPT_EXIT) {
    free(scan);
    return cli.exit_status;
  }
  const char *json_path = cli.json;
  const int quiet = cli.quiet;
  s.method = fs.method;
  s.co = fs.co;
  s.dfo = fs.dfo;
  tol_given = fs.tol_given;
  const double t_start = app_seconds();
  if (optind != argc - 1) USAGE_FAIL("%s", optind >= argc ? "missing FCIDUMP" : "exactly one FCIDUMP expected");
  if (scan && tol_given) USAGE_FAIL("give --tol or --scan, not both");
  if (target_given && !s.energy) USAGE_FAIL("--target-energy-error needs --energy fci|mp2");
  if (scan && !s.energy && (out_dir || fcidump_out))
    USAGE_FAIL("--out and --write-fcidump need a single --tol (or --energy to select one of the --scan rows)");
  if (app_check_output(prog, "--write-fcidump", fcidump_out, 0) ||
      app_check_output(prog, "--out", out_dir, 1)) {
    free(scan);
    return APP_EXIT_USAGE;
  }
  /* tolerances: --scan, a single --tol, or (--energy alone) decades until the target is met */
  int search = s.energy && !scan && !tol_given;
  static const double decades[] = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10};
  int ntol = scan ? nscan : search ? (int)(sizeof decades / sizeof decades[0]) : 1;
  const double *tols = scan ? scan : search ? decades : &s.co.tol;
  const char *input = argv[optind];
  qclr_hamiltonian *H = NULL;
  app_progress("%s: reading %s\n", prog, input);
  if ((rc = app_read_hamiltonian(input, &H))) {
    free(scan);
    return app_fail(prog, rc);
  }
  int status = 0;
  if (s.energy) { /* first, so that an FCI too large for the machine is refused before any work */
    app_progress("%s: %s energy of the exact Hamiltonian ...\n", prog, s.energy == ENERGY_FCI ? "FCI" : "MP2");
    if ((rc = energy_of(H, &s, &s.e_exact))) {
      status = app_fail(prog, rc);
      if (rc == QCLR_ETOOLARGE && s.energy == ENERGY_FCI)
        fprintf(stderr, "%s: hint: --energy mp2 gives an O(N^5) estimate of dE for systems too large for FCI\n",
                prog);
    }
  }
  row *rows = status ? NULL : calloc((size_t)ntol, sizeof(row));
  if (!status && !rows) {
    fprintf(stderr, "%s: error: out of memory\n", prog);
    status = APP_EXIT_NUMERIC;
  }
  const char *mname = s.method ? "eigen" : "cholesky";
  const char *pname = s.co.pivot == QCLR_PIVOT_RANDOM ? "random" : s.co.pivot == QCLR_PIVOT_BLOCK ? "block" : "greedy";
  if (!status && !quiet) {
    printf("# %s: N=%lld nelec=%d npair=%lld  method=%s%s%s  df_tol=%g df_rule=%s\n", input,
           (long long)qclr_hamiltonian_norb(H), qclr_hamiltonian_nelec(H), (long long)qclr_hamiltonian_npair(H),
           mname, s.method ? "" : " pivot=", s.method ? "" : pname, s.dfo.tol,
           s.dfo.rule == QCLR_DF_RULE_OPENFERMION ? "openfermion" : "default");
    if (s.energy)
      printf("# E_%s(exact) = %.10f Ha, target |dE| <= %.2e Ha\n", s.energy == ENERGY_FCI ? "FCI" : "MP2",
             s.e_exact, s.target);
    print_header(&s);
  }
  /* kept: the factorization behind --out, --write-fcidump and the top-level JSON
   * keys: the single --tol row, or with --energy the loosest tol meeting the target */
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  int kept = -1, met = -1, nrows = 0, single = !scan && !search;
  for (int i = 0; !status && i < ntol; i++) {
    app_progress("%s: tol %g ...\n", prog, tols[i]);
    qclr_lowrank *lr1 = NULL;
    qclr_df *df1 = NULL;
    rc = run_one(H, &s, tols[i], &rows[i], &lr1, &df1);
    if (rc < 0) {
      status = app_fail(prog, rc);
      break;
    }
    nrows = i + 1;
    int better = s.energy && rows[i].meets_target && (met < 0 || rows[i].tol > rows[met].tol);
    if (better) met = i;
    if (single || better) {
      qclr_lowrank_free(lr);
      qclr_df_free(df);
      lr = lr1;
      df = df1;
      kept = i;
    } else {
      qclr_lowrank_free(lr1);
      qclr_df_free(df1);
    }
    if (!quiet) {
      print_row(&rows[i], &s);
      fflush(stdout);
    }
    if (search && rows[i].meets_target) break;
  }
  int target_failed = 0;
  if (!status && s.energy) {
    if (met >= 0) {
      if (!quiet)
        printf("# selected tol %.1e: |dE| = %.3e <= %.2e Ha\n", rows[met].tol, fabs(rows[met].energy_error),
               s.target);
    } else {
      fprintf(stderr, "%s: %s: no tol %s meets |dE| <= %g Ha\n", prog, search ? "error" : "warning",
              search ? "down to 1e-10" : single ? "given" : "of --scan", s.target);
      if (search) target_failed = 1;
    }
  }
  if (!status && !target_failed && (out_dir || fcidump_out) && !lr) {
    fprintf(stderr, "%s: no --scan row meets the energy target: --out/--write-fcidump not written\n", prog);
    status = APP_EXIT_NUMERIC;
  }
  if (!status && !target_failed && out_dir) {
    app_progress("%s: writing arrays to %s\n", prog, out_dir);
    if ((rc = write_arrays(out_dir, H, lr, df))) status = app_fail(prog, rc);
  }
  if (!status && !target_failed && fcidump_out) {
    qclr_hamiltonian *R = NULL;
    rc = qclr_df_hamiltonian(H, df, &R);
    if (!rc) rc = qclr_fcidump_write(fcidump_out, R, NULL);
    qclr_hamiltonian_free(R);
    if (rc) status = app_fail(prog, rc);
  }
  if (!status && json_path) {
    app_json *j = app_json_new();
    if (!j) {
      fprintf(stderr, "%s: error: out of memory\n", prog);
      status = APP_EXIT_NUMERIC;
    } else {
      write_json(j, input, H, &s, mname, pname, rows, nrows, !single, kept, met, app_seconds() - t_start);
      if ((rc = app_json_write(j, json_path))) status = app_fail(prog, rc);
      app_json_free(j);
    }
  }
  qclr_lowrank_free(lr);
  qclr_df_free(df);
  qclr_hamiltonian_free(H);
  free(rows);
  free(scan);
  return status ? status : target_failed ? APP_EXIT_NUMERIC : 0;
}

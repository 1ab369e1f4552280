/* apps/qclr-factor.c: low-rank factorization of the ERIs of an FCIDUMP:
 * pivoted Cholesky or eigendecomposition, then double factorization, with
 * exact errors and 1-norms.  Thin driver over include/qclr/factor.h. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-factor";

static void usage(FILE *f) {
  fprintf(f,
          "usage: qclr-factor [options] FCIDUMP\n"
          "\n"
          "Factorize the two-electron integrals (pq|rs) ~= sum_l L^l_pq L^l_rs (stage 1),\n"
          "then eigendecompose every L^l = U^l diag(f^l) U^lT (double factorization).\n"
          "Reports the rank, the DF terms, lambda_SF and lambda_DF, the exact max|dV| and\n"
          "||dV||_F of the factorized ERIs, and E_ref(factorized) - E_ref(exact).\n"
          "\n"
          "options:\n"
          "  -m, --method M        cholesky (default) or eigen\n"
          "  -p, --pivot P         greedy (default), random or block (Cholesky only)\n"
          "  -t, --tol X           stage-1 threshold: Cholesky stops when the largest residual\n"
          "                        diagonal <= X, eigen drops eigenvalues <= X (default 1e-6);\n"
          "                        either way max|dV| <= X\n"
          "      --df-tol X        DF threshold tau_2: keep f_k with |f_k| sum_j |f_j| > X (default 0)\n"
          "      --df-rule R       default (drop empty factors) or openfermion (stop at the first)\n"
          "      --max-rank N      cap the stage-1 rank (warning and converged=false if hit first)\n"
          "      --block B         block size of --pivot block (default automatic)\n"
          "      --seed S          seed of --pivot random (default 1)\n"
          "      --scan LIST       comma-separated thresholds, one table row per value\n"
          "      --threads N       OpenMP threads (default: OpenMP's)\n"
          "      --json FILE       write a JSON report (- = stdout)\n"
          "      --out DIR         write L.npy, T.npy, Tprime.npy, df_*.npy (see README)\n"
          "      --write-fcidump F write the Hamiltonian with the factorized (DF-truncated) ERIs\n"
          "  -q, --quiet           no table on stdout\n"
          "      --progress        progress on stderr even when it is not a terminal\n"
          "  -h, --help            this help\n"
          "  -V, --version         version\n"
          "\n"
          "exit status: 0 ok, 1 numerical failure (e.g. ERIs not PSD), 2 bad usage or input.\n");
}

typedef struct {
  double tol, seconds;
  int64_t rank, df_factors, df_terms;
  int converged;
  double max_residual;
  qclr_factor_metrics m1, m2;
} row;

typedef struct {
  int method; /* 0 cholesky, 1 eigen */
  qclr_cholesky_options co;
  qclr_df_options dfo;
} settings;

static int run_one(const qclr_hamiltonian *H, const settings *s, double tol, row *r, qclr_lowrank **lr_out,
                   qclr_df **df_out) {
  double t0 = app_seconds();
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  int rc, warn = 0;
  if (s->method == 1)
    rc = qclr_eigen_factor(H, tol, s->co.max_rank, s->co.nthreads, &lr);
  else {
    qclr_cholesky_options co = s->co;
    co.tol = tol;
    rc = qclr_cholesky_compute(H, &co, &lr);
  }
  if (rc < 0) return rc;
  if (rc > 0) {
    warn = rc;
    fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
  }
  rc = qclr_df_compute(H, lr, &s->dfo, &df);
  double t1 = app_seconds();
  if (!rc) rc = qclr_lowrank_metrics(H, lr, s->co.nthreads, &r->m1);
  if (!rc) rc = qclr_df_metrics(H, df, s->co.nthreads, &r->m2);
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

static void json_row(app_json *j, const row *r) {
  app_json_double(j, "tol", r->tol);
  app_json_int(j, "rank", r->rank);
  app_json_int(j, "df_factors", r->df_factors);
  app_json_int(j, "df_terms", r->df_terms);
  app_json_bool(j, "converged", r->converged);
  app_json_double(j, "max_residual", r->max_residual);
  app_json_double(j, "eri_max_abs_error", r->m1.max_abs_error);
  app_json_double(j, "eri_frobenius_error", r->m1.frobenius_error);
  app_json_double(j, "e_ref_error", r->m1.e_ref_error);
  app_json_double(j, "lambda_sf", r->m1.lambda);
  app_json_double(j, "lambda_df", r->m2.lambda);
  app_json_double(j, "df_eri_max_abs_error", r->m2.max_abs_error);
  app_json_double(j, "df_eri_frobenius_error", r->m2.frobenius_error);
  app_json_double(j, "df_e_ref_error", r->m2.e_ref_error);
  app_json_double(j, "seconds", r->seconds);
}

static void print_row(const row *r) {
  printf("%9.1e %6lld %6lld %7lld %12.4f %12.4f %10.3e %10.3e %11.3e %9.3f%s\n", r->tol, (long long)r->rank,
         (long long)r->df_factors, (long long)r->df_terms, r->m1.lambda, r->m2.lambda, r->m1.max_abs_error,
         r->m1.frobenius_error, r->m2.e_ref_error, r->seconds, r->converged ? "" : "  (rank cap)");
}

/* Arrays of --out; every file written atomically by qclr_npy_write. */
static int write_arrays(const char *dir, const qclr_hamiltonian *H, const qclr_lowrank *lr, const qclr_df *df) {
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H), R = qclr_lowrank_rank(lr);
  int64_t L = qclr_df_nfactors(df);
  int rc = app_mkdir(dir);
  if (rc) return rc;
  size_t big = (size_t)((R > L ? R : L) + 1) * (size_t)(N * N) + 2 * (size_t)(N * N);
  double *buf = malloc(big * sizeof(double));
  char *path = NULL;
  if (!buf) return QCLR_ENOMEM;
  const double *v = qclr_lowrank_vectors(lr);
  for (int64_t l = 0; l < R; l++)
    for (int64_t p = 0; p < N; p++)
      for (int64_t q = 0; q < N; q++) buf[(l * N + p) * N + q] = v[l * np + qclr_pair_index(p, q)];
  int64_t sh[3] = {R, N, N};
  path = app_path_join(dir, "L.npy");
  rc = qclr_npy_write(path, buf, 3, sh);
  free(path);
  if (!rc) {
    double *T = buf, *Tp = buf + N * N;
    rc = qclr_factor_one_body(H, T, Tp);
    sh[0] = N;
    sh[1] = N;
    path = app_path_join(dir, "T.npy");
    if (!rc) rc = qclr_npy_write(path, T, 2, sh);
    free(path);
    path = app_path_join(dir, "Tprime.npy");
    if (!rc) rc = qclr_npy_write(path, Tp, 2, sh);
    free(path);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) {
      const double *f = qclr_df_eigenvalues(df, l);
      for (int64_t k = 0; k < N; k++) buf[l * N + k] = k < qclr_df_factor_size(df, l) ? f[k] : 0.0;
    }
    sh[0] = L;
    sh[1] = N;
    path = app_path_join(dir, "df_eigenvalues.npy");
    rc = qclr_npy_write(path, buf, 2, sh);
    free(path);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) buf[l] = (double)qclr_df_factor_size(df, l);
    sh[0] = L;
    path = app_path_join(dir, "df_sizes.npy");
    rc = qclr_npy_write(path, buf, 1, sh);
    free(path);
  }
  if (!rc) {
    for (int64_t l = 0; l < L; l++) memcpy(buf + l * N * N, qclr_df_rotation(df, l), sizeof(double) * N * N);
    sh[0] = L;
    sh[1] = N;
    sh[2] = N;
    path = app_path_join(dir, "df_rotations.npy");
    rc = qclr_npy_write(path, buf, 3, sh);
    free(path);
  }
  free(buf);
  return rc;
}

int main(int argc, char **argv) {
  enum { O_DFTOL = 256, O_DFRULE, O_MAXRANK, O_BLOCK, O_SEED, O_SCAN, O_THREADS, O_JSON, O_OUT, O_WFCI, O_PROGRESS };
  static const struct option longopts[] = {
      {"method", required_argument, NULL, 'm'},   {"pivot", required_argument, NULL, 'p'},
      {"tol", required_argument, NULL, 't'},      {"df-tol", required_argument, NULL, O_DFTOL},
      {"df-rule", required_argument, NULL, O_DFRULE}, {"max-rank", required_argument, NULL, O_MAXRANK},
      {"block", required_argument, NULL, O_BLOCK}, {"seed", required_argument, NULL, O_SEED},
      {"scan", required_argument, NULL, O_SCAN},  {"threads", required_argument, NULL, O_THREADS},
      {"json", required_argument, NULL, O_JSON},  {"out", required_argument, NULL, O_OUT},
      {"write-fcidump", required_argument, NULL, O_WFCI}, {"quiet", no_argument, NULL, 'q'},
      {"progress", no_argument, NULL, O_PROGRESS}, {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0}};
  settings s;
  memset(&s, 0, sizeof s);
  qclr_cholesky_options_default(&s.co);
  qclr_df_options_default(&s.dfo);
  double *scan = NULL;
  int nscan = 0, quiet = 0, c, rc;
  const char *json_path = NULL, *out_dir = NULL, *fcidump_out = NULL;
  long long ll;
  while ((c = getopt_long(argc, argv, "m:p:t:qhV", longopts, NULL)) != -1) {
    switch (c) {
      case 'm':
        if (!strcmp(optarg, "cholesky")) s.method = 0;
        else if (!strcmp(optarg, "eigen")) s.method = 1;
        else return app_usage_error(prog, "--method must be cholesky or eigen, got '%s'", optarg);
        break;
      case 'p':
        if (!strcmp(optarg, "greedy")) s.co.pivot = QCLR_PIVOT_GREEDY;
        else if (!strcmp(optarg, "random")) s.co.pivot = QCLR_PIVOT_RANDOM;
        else if (!strcmp(optarg, "block")) s.co.pivot = QCLR_PIVOT_BLOCK;
        else return app_usage_error(prog, "--pivot must be greedy, random or block, got '%s'", optarg);
        break;
      case 't':
        if (app_parse_double(prog, "--tol", optarg, &s.co.tol)) return APP_EXIT_USAGE;
        if (s.co.tol < 0) return app_usage_error(prog, "--tol must be >= 0");
        break;
      case O_DFTOL:
        if (app_parse_double(prog, "--df-tol", optarg, &s.dfo.tol)) return APP_EXIT_USAGE;
        if (s.dfo.tol < 0) return app_usage_error(prog, "--df-tol must be >= 0");
        break;
      case O_DFRULE:
        if (!strcmp(optarg, "default")) s.dfo.rule = QCLR_DF_RULE_DEFAULT;
        else if (!strcmp(optarg, "openfermion")) s.dfo.rule = QCLR_DF_RULE_OPENFERMION;
        else return app_usage_error(prog, "--df-rule must be default or openfermion, got '%s'", optarg);
        break;
      case O_MAXRANK:
        if (app_parse_int(prog, "--max-rank", optarg, 0, INT64_MAX / 2, &ll)) return APP_EXIT_USAGE;
        s.co.max_rank = ll;
        break;
      case O_BLOCK:
        if (app_parse_int(prog, "--block", optarg, 0, 1 << 20, &ll)) return APP_EXIT_USAGE;
        s.co.block = ll;
        break;
      case O_SEED:
        if (app_parse_int(prog, "--seed", optarg, 0, INT64_MAX, &ll)) return APP_EXIT_USAGE;
        s.co.seed = (uint64_t)ll;
        break;
      case O_SCAN:
        free(scan);
        if (app_parse_double_list(prog, "--scan", optarg, &scan, &nscan)) return APP_EXIT_USAGE;
        for (int i = 0; i < nscan; i++)
          if (scan[i] < 0) {
            free(scan);
            return app_usage_error(prog, "--scan thresholds must be >= 0");
          }
        break;
      case O_THREADS:
        if (app_parse_int(prog, "--threads", optarg, 0, 4096, &ll)) return APP_EXIT_USAGE;
        s.co.nthreads = s.dfo.nthreads = (int)ll;
        break;
      case O_JSON: json_path = optarg; break;
      case O_OUT: out_dir = optarg; break;
      case O_WFCI: fcidump_out = optarg; break;
      case 'q': quiet = 1; break;
      case O_PROGRESS: app_progress_enable(1); break;
      case 'h': usage(stdout); free(scan); return 0;
      case 'V': free(scan); return app_print_version(prog);
      default: free(scan); return app_usage_error(prog, "unknown option");
    }
  }
  if (optind != argc - 1) {
    free(scan);
    return app_usage_error(prog, optind >= argc ? "missing FCIDUMP" : "exactly one FCIDUMP expected");
  }
  if (scan && (out_dir || fcidump_out)) {
    free(scan);
    return app_usage_error(prog, "--out and --write-fcidump need a single --tol, not --scan");
  }
  const char *input = argv[optind];
  qclr_hamiltonian *H = NULL;
  app_progress("%s: reading %s\n", prog, input);
  if ((rc = app_read_hamiltonian(input, &H))) {
    free(scan);
    return app_fail(prog, rc);
  }
  int ntol = scan ? nscan : 1;
  double *tols = scan ? scan : &s.co.tol;
  row *rows = calloc((size_t)ntol, sizeof(row));
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  int status = 0;
  if (!rows) {
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
    printf("%9s %6s %6s %7s %12s %12s %10s %10s %11s %9s\n", "tol", "rank", "L", "Lxi", "lambda_SF", "lambda_DF",
           "max|dV|", "||dV||_F", "dE_ref", "seconds");
  }
  for (int i = 0; !status && i < ntol; i++) {
    app_progress("%s: tol %g ...\n", prog, tols[i]);
    int keep = !scan;
    rc = run_one(H, &s, tols[i], &rows[i], keep ? &lr : NULL, keep ? &df : NULL);
    if (rc < 0) {
      status = app_fail(prog, rc);
      break;
    }
    if (!quiet) {
      print_row(&rows[i]);
      fflush(stdout);
    }
  }
  if (!status && out_dir) {
    app_progress("%s: writing arrays to %s\n", prog, out_dir);
    if ((rc = write_arrays(out_dir, H, lr, df))) status = app_fail(prog, rc);
  }
  if (!status && fcidump_out) {
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
      app_json_begin_object(j, NULL);
      app_json_string(j, "program", prog);
      app_json_string(j, "input", input);
      app_json_int(j, "norb", qclr_hamiltonian_norb(H));
      app_json_int(j, "nelec", qclr_hamiltonian_nelec(H));
      app_json_int(j, "npair", qclr_hamiltonian_npair(H));
      app_json_string(j, "method", mname);
      if (s.method) app_json_null(j, "pivot");
      else app_json_string(j, "pivot", pname);
      app_json_double(j, "df_tol", s.dfo.tol);
      app_json_string(j, "df_rule", s.dfo.rule == QCLR_DF_RULE_OPENFERMION ? "openfermion" : "default");
      app_json_int(j, "max_rank", s.co.max_rank);
      app_json_int(j, "seed", (int64_t)s.co.seed);
      if (scan) {
        app_json_begin_array(j, "scan");
        for (int i = 0; i < ntol; i++) {
          app_json_begin_object(j, NULL);
          json_row(j, &rows[i]);
          app_json_end_object(j);
        }
        app_json_end_array(j);
      } else {
        json_row(j, &rows[0]);
      }
      app_json_end_object(j);
      if ((rc = app_json_write(j, json_path))) status = app_fail(prog, rc);
      app_json_free(j);
    }
  }
  qclr_lowrank_free(lr);
  qclr_df_free(df);
  qclr_hamiltonian_free(H);
  free(rows);
  free(scan);
  return status;
}

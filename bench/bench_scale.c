/* apps/bench_scale.c: `qclr-bench scale` -- how the factorization of STO-3G
 * hydrogen chains grows with N: integral-direct AO Cholesky (N^4 never
 * formed), RHF from the vectors, MO vectors, double-factorization figures.
 * Each N runs in a forked child, so its ru_maxrss (from wait4) is the peak
 * memory of that N alone.  For N up to --memory-max the same factorization
 * is also run the in-memory way (exact N^4 AO ERIs, RHF, N^5 transform,
 * in-memory Cholesky of the MO ERIs), timed in the same run, for the ratio. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "app.h"
#include "bench.h"

static const char *bprog = "qclr-bench scale";

static int default_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

typedef struct {
  int ok;
  int64_t n, rank, nfactors, nterms;
  double e_hf, max_residual, lambda_df, lambda_sf;
  double t_total, t_chol, t_rhf, t_transform, t_df;
  int rhf_iterations;
  char error[256];
} scale_row;

typedef struct {
  int ok;
  int64_t rank;
  double e_hf, t_total;
  char error[256];
} memory_row;

typedef struct {
  double spacing, tol, df_tol;
  int threads;
} scale_opts;

static void direct_run(const scale_opts *so, int64_t n, scale_row *r) {
  memset(r, 0, sizeof *r);
  r->n = n;
  double *xyz = NULL;
  int rc = qclr_geometry_chain(n, so->spacing * QCLR_BOHR_PER_ANGSTROM, &xyz);
  qclr_hydrogen_factors *f = NULL;
  double t0 = app_seconds();
  if (!rc) {
    qclr_hydrogen_cholesky_options o;
    qclr_hydrogen_cholesky_options_default(&o);
    o.chol.tol = so->tol;
    qclr_set_threads(so->threads);
    rc = qclr_hydrogen_cholesky(n, xyz, (int)n, &o, &f);
  }
  free(xyz);
  if (rc) {
    snprintf(r->error, sizeof r->error, "%s", qclr_last_error());
    qclr_hydrogen_factors_free(f);
    return;
  }
  const qclr_hydrogen_factors_info *inf = qclr_hydrogen_factors_info_get(f);
  double t1 = app_seconds();
  qclr_df_options d;
  qclr_df_options_default(&d);
  d.tol = so->df_tol;
  qclr_set_threads(so->threads);
  qclr_df_summary s;
  rc = qclr_df_summary_compute(n, qclr_hydrogen_factors_h(f), inf->rank, qclr_hydrogen_factors_vectors(f), &d, &s);
  double t2 = app_seconds();
  if (rc) {
    snprintf(r->error, sizeof r->error, "%s", qclr_last_error());
  } else {
    r->ok = 1;
    r->rank = inf->rank;
    r->e_hf = inf->e_hf;
    r->max_residual = inf->max_residual;
    r->rhf_iterations = inf->rhf_iterations;
    r->nfactors = s.nfactors;
    r->nterms = s.nterms;
    r->lambda_df = s.lambda_df;
    r->lambda_sf = s.lambda_sf;
    r->t_chol = inf->integral_seconds + inf->cholesky_seconds;
    r->t_rhf = inf->rhf_seconds;
    r->t_transform = inf->transform_seconds;
    r->t_df = t2 - t1;
    r->t_total = t2 - t0;
  }
  qclr_hydrogen_factors_free(f);
}

/* The in-memory way: exact AO ERIs (N^4), RHF, N^5 MO transform, then the
 * factor module's in-memory Cholesky of the MO ERIs to the same tolerance. */
static void memory_run(const scale_opts *so, int64_t n, memory_row *r) {
  memset(r, 0, sizeof *r);
  double *xyz = NULL;
  int rc = qclr_geometry_chain(n, so->spacing * QCLR_BOHR_PER_ANGSTROM, &xyz);
  qclr_hamiltonian *H = NULL;
  qclr_lowrank *lr = NULL;
  qclr_hydrogen_info hi;
  double t0 = app_seconds();
  if (!rc) {
    qclr_rhf_options ro;
    qclr_rhf_options_default(&ro);
    qclr_set_threads(so->threads);
    rc = qclr_hydrogen_build(n, xyz, (int)n, &ro, &H, &hi);
  }
  if (!rc) {
    qclr_cholesky_options co;
    qclr_cholesky_options_default(&co);
    co.tol = so->tol;
    co.pivot = QCLR_PIVOT_BLOCK;
    qclr_set_threads(so->threads);
    rc = qclr_cholesky_compute(H, &co, &lr);
  }
  free(xyz);
  if (rc) {
    snprintf(r->error, sizeof r->error, "%s", qclr_last_error());
  } else {
    r->ok = 1;
    r->rank = qclr_lowrank_rank(lr);
    r->e_hf = hi.e_hf;
    r->t_total = app_seconds() - t0;
  }
  qclr_lowrank_free(lr);
  qclr_hamiltonian_free(H);
}

/* what a child runs: one N */
typedef struct {
  const scale_opts *so;
  int64_t n;
} scale_job;

static void direct_cb(const void *job, void *r) {
  const scale_job *j = job;
  direct_run(j->so, j->n, r);
}
static void memory_cb(const void *job, void *r) {
  const scale_job *j = job;
  memory_run(j->so, j->n, r);
}

static int scale_usage(void) {
  printf("usage: qclr-bench scale [options]\n"
         "STO-3G H_N chains (spacing 1 A): integral-direct AO Cholesky to --tol, RHF from the\n"
         "vectors, MO vectors, double factorization (tau_2 = --df-tol); one forked child per N,\n"
         "peak memory = its ru_maxrss.  Prints a markdown table.\n\n"
         "  --sizes LIST      chain lengths (default 10,20,50,100,150,200)\n"
         "  --tol T           Cholesky tolerance (default 1e-6)\n"
         "  --df-tol X        DF threshold tau_2 (default 1e-4)\n"
         "  --spacing R       H-H distance in Angstrom (default 1.0)\n"
         "  --memory-max N    also run the in-memory route (N^4 ERIs) up to this N (default 60;\n"
         "                    0 = never)\n"
         "  --threads T       OpenMP threads (default: OpenMP's)\n");
  return 0;
}

int bench_scale(int argc, char **argv) {
  scale_opts so = {1.0, 1e-6, 1e-4, 0};
  double *sizes_d = NULL;
  int nsizes = 0;
  long long memory_max = 60, v;
  static const struct option lo[] = {{"sizes", 1, 0, 's'},   {"tol", 1, 0, 't'},     {"df-tol", 1, 0, 'd'},
                                     {"spacing", 1, 0, 'r'}, {"memory-max", 1, 0, 'm'}, {"threads", 1, 0, 'j'},
                                     {"help", 0, 0, 'h'},    {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case 's':
      free(sizes_d);
      sizes_d = NULL;
      if (app_parse_double_list(bprog, "--sizes", optarg, &sizes_d, &nsizes)) return APP_EXIT_USAGE;
      break;
    case 't':
      if (app_parse_double(bprog, "--tol", optarg, &so.tol) || !(so.tol > 0)) {
        free(sizes_d);
        return so.tol > 0 ? APP_EXIT_USAGE : app_usage_error(bprog, "--tol must be positive");
      }
      break;
    case 'd':
      if (app_parse_double(bprog, "--df-tol", optarg, &so.df_tol) || !(so.df_tol >= 0)) {
        free(sizes_d);
        return so.df_tol >= 0 ? APP_EXIT_USAGE : app_usage_error(bprog, "--df-tol must be >= 0");
      }
      break;
    case 'r':
      if (app_parse_double(bprog, "--spacing", optarg, &so.spacing) || !(so.spacing > 0)) {
        free(sizes_d);
        return so.spacing > 0 ? APP_EXIT_USAGE : app_usage_error(bprog, "--spacing must be positive");
      }
      break;
    case 'm':
      if (app_parse_int(bprog, "--memory-max", optarg, 0, 100000, &memory_max)) {
        free(sizes_d);
        return APP_EXIT_USAGE;
      }
      break;
    case 'j':
      if (app_parse_int(bprog, "--threads", optarg, 0, 4096, &v)) {
        free(sizes_d);
        return APP_EXIT_USAGE;
      }
      so.threads = (int)v;
      break;
    case 'h': free(sizes_d); return scale_usage();
    default: free(sizes_d); return app_usage_error(bprog, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind != argc) {
    free(sizes_d);
    return app_usage_error(bprog, "unexpected argument '%s'", argv[optind]);
  }
  static const double def_sizes[] = {10, 20, 50, 100, 150, 200};
  const double *sizes = sizes_d ? sizes_d : def_sizes;
  if (!sizes_d) nsizes = 6;
  for (int i = 0; i < nsizes; i++)
    if (!(sizes[i] >= 2 && sizes[i] <= 2000 && sizes[i] == floor(sizes[i]) && fmod(sizes[i], 2.0) == 0)) {
      double bad = sizes[i];
      free(sizes_d);
      return app_usage_error(bprog, "--sizes: chain lengths must be even integers in [2, 2000] (closed shell), got %g",
                             bad);
    }

  printf("qclr-bench scale: STO-3G H_N chains, %.3g A spacing, AO Cholesky tol %.1e, DF tau_2 %.1e, threads %d\n",
         so.spacing, so.tol, so.df_tol, so.threads ? so.threads : default_threads());
  printf("direct = integral-direct AO Cholesky + RHF from the vectors + MO transform + DF figures;\n"
         "in-memory = exact N^4 AO ERIs + RHF + N^5 transform + in-memory Cholesky (N <= %lld);\n"
         "peak = ru_maxrss of the child that ran that N; N^4 = bytes of one pair-space ERI matrix.\n\n",
         memory_max);
  printf("| N | L (rank) | L/N | L xi | lambda_DF (Ha) | E_HF (Ha) | direct s | Cholesky s | RHF s | transform+DF s "
         "| peak MiB | N^4 MiB | in-memory s | in-memory / direct |\n");
  printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  int fails = 0;
  for (int i = 0; i < nsizes; i++) {
    int64_t n = (int64_t)sizes[i];
    scale_row r;
    long rss = 0;
    memset(&r, 0, sizeof r);
    scale_job job = {&so, n};
    if (bench_in_child(direct_cb, &job, &r, sizeof r, &rss) || !r.ok) {
      fprintf(stderr, "%s: N = %lld failed: %s\n", bprog, (long long)n, r.error[0] ? r.error : "child failed");
      fails++;
      continue;
    }
    double np = (double)(n * (n + 1) / 2);
    printf("| %lld | %lld | %.2f | %lld | %.2f | %.8f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |", (long long)n,
           (long long)r.rank, (double)r.rank / (double)n, (long long)r.nterms, r.lambda_df, r.e_hf, r.t_total,
           r.t_chol, r.t_rhf, r.t_transform + r.t_df, (double)rss / 1024.0, np * np * 8.0 / 1048576.0);
    if (n <= memory_max) {
      memory_row m;
      long mrss = 0;
      memset(&m, 0, sizeof m);
      if (bench_in_child(memory_cb, &job, &m, sizeof m, &mrss) || !m.ok) {
        printf(" failed | |\n");
        fprintf(stderr, "%s: in-memory N = %lld failed: %s\n", bprog, (long long)n, m.error);
      } else {
        printf(" %.2f | %.1f |\n", m.t_total, m.t_total / r.t_total);
        if (fabs(m.e_hf - r.e_hf) > 1e-4)
          fprintf(stderr, "%s: N = %lld: E_HF direct %.10f vs in-memory %.10f\n", bprog, (long long)n, r.e_hf, m.e_hf);
      }
    } else {
      printf(" - | - |\n");
    }
    fflush(stdout);
  }
  free(sizes_d);
  return fails ? APP_EXIT_NUMERIC : 0;
}

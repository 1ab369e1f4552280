/* apps/bench_factor.c: `qclr-bench factor`: the whole factorization pipeline
 * (stage 1 + double factorization + lambda_SF/lambda_DF) of qclr against the
 * numpy peers of tests/peers/factor_peer.py, (a) ffsim-style modified
 * Cholesky of the N^2 x N^2 matrix + per-factor eigh and (b) eigh of the
 * N^2 x N^2 matrix + per-factor eigh, measured in the same run; plus the
 * blocked Cholesky's GFLOP/s against a dgemm in the same process. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <lapacke.h>

#include "app.h"
#include "bench.h"

static const char *bprog = "qclr-bench factor";

/* Synthetic physical-like Hamiltonian: N orbitals of a 1D chain (4 Gaussian
 * shapes x^k exp(-x^2/2w^2), k = 0..3, per centre, centres 5.6 bohr apart,
 * Loewdin-orthonormalized on a grid) with the
 * soft-Coulomb interaction 1/sqrt((x-y)^2 + 0.1), whose kernel is positive
 * definite, so V is PSD with a decaying spectrum like molecular ERIs. */
static int synthetic_chain(int64_t N, qclr_hamiltonian **out) {
  int64_t G = 16 * N, np = N * (N + 1) / 2;
  double a = 1.4, x0 = -3.0, x1 = a * (double)(N - 1) + 3.0, dx = (x1 - x0) / (double)(G - 1);
  double *phi = calloc((size_t)(N * G), sizeof(double)), *S = calloc((size_t)(N * N), sizeof(double));
  double *K = malloc(sizeof(double) * (size_t)(G * G)), *rho = malloc(sizeof(double) * (size_t)(np * G));
  double *tmp = malloc(sizeof(double) * (size_t)(np * G)), *V = malloc(sizeof(double) * (size_t)(np * np));
  double *h = calloc((size_t)(N * N), sizeof(double)), *w = malloc(sizeof(double) * (size_t)N);
  double *X = calloc((size_t)(N * N), sizeof(double)), *phi2 = calloc((size_t)(N * G), sizeof(double));
  int rc = 0;
  if (!phi || !S || !K || !rho || !tmp || !V || !h || !w || !X || !phi2) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  for (int64_t p = 0; p < N; p++)
    for (int64_t g = 0; g < G; g++) {
      /* a few shapes per centre (s-, p-, d-like), centres 4 orbitals apart */
      double x = x0 + dx * (double)g - a * (double)(p / 4 * 4), width = 0.6 + 0.25 * (double)(p % 4);
      phi[p * G + g] = exp(-x * x / (2 * width * width)) * pow(x, (double)(p % 4));
    }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)N, (int)G, dx, phi, (int)G, phi, (int)G, 0.0,
              S, (int)N);
  /* S^-1/2 by eigendecomposition (Loewdin) */
  memcpy(X, S, sizeof(double) * (size_t)(N * N));
  if (LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (int)N, X, (int)N, w)) {
    rc = QCLR_ENUMERIC;
    goto done;
  }
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q < N; q++) {
      double s = 0;
      for (int64_t k = 0; k < N; k++) s += X[p * N + k] * X[q * N + k] / sqrt(w[k]);
      S[p * N + q] = s;
    }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)G, (int)N, 1.0, S, (int)N, phi, (int)G, 0.0,
              phi2, (int)G);
  for (int64_t i = 0; i < G; i++)
    for (int64_t j = 0; j < G; j++) {
      double d = dx * (double)(i - j);
      K[i * G + j] = dx * dx / sqrt(d * d + 0.1);
    }
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++)
      for (int64_t g = 0; g < G; g++) rho[qclr_pair_index(p, q) * G + g] = phi2[p * G + g] * phi2[q * G + g];
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)np, (int)G, (int)G, 1.0, rho, (int)G, K, (int)G, 0.0,
              tmp, (int)G);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)np, (int)np, (int)G, 1.0, tmp, (int)G, rho, (int)G, 0.0,
              V, (int)np);
  for (int64_t i = 0; i < np; i++)
    for (int64_t j = 0; j < i; j++) V[i * np + j] = V[j * np + i] = 0.5 * (V[i * np + j] + V[j * np + i]);
  /* h: kinetic (finite differences) + attraction to unit charges at the centres */
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++) {
      double s = 0;
      for (int64_t g = 1; g + 1 < G; g++) {
        double lap = (phi2[q * G + g + 1] - 2 * phi2[q * G + g] + phi2[q * G + g - 1]) / (dx * dx);
        double x = x0 + dx * (double)g, vext = 0;
        for (int64_t c = 0; c < N; c++) vext -= (c % 4 == 0) * 4.0 / sqrt((x - a * c) * (x - a * c) + 0.1);
        s += phi2[p * G + g] * (-0.5 * lap + vext * phi2[q * G + g]) * dx;
      }
      h[p * N + q] = h[q * N + p] = s;
    }
  rc = qclr_hamiltonian_from_packed(N, (int)(N % 2 ? N - 1 : N), 0, 0.0, h, V, out);
done:
  free(phi);
  free(S);
  free(K);
  free(rho);
  free(tmp);
  free(V);
  free(h);
  free(w);
  free(X);
  free(phi2);
  return rc;
}

typedef struct {
  double seconds, t_stage1, t_df, t_lambda, lambda_sf, lambda_df;
  int64_t rank, terms;
} pipe_result;

/* Whole pipeline: stage 1, DF (tau_2 = 0), lambda_SF and lambda_DF. */
static int pipeline(const qclr_hamiltonian *H, int method, int pivot, double tol, int nthreads, pipe_result *r) {
  double t0 = app_seconds();
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  int rc;
  if (method == 1) rc = qclr_eigen_factor(H, tol, 0, &lr);
  else {
    qclr_cholesky_options o;
    qclr_cholesky_options_default(&o);
    o.tol = tol;
    o.pivot = pivot;
    qclr_set_threads(nthreads);
    rc = qclr_cholesky_compute(H, &o, &lr);
  }
  double t1 = app_seconds();
  qclr_df_options dfo;
  qclr_df_options_default(&dfo);
  qclr_set_threads(nthreads);
  if (rc >= 0) rc = qclr_df_compute(H, lr, &dfo, &df);
  double t2 = app_seconds();
  double lsf = 0, ldf = 0;
  if (!rc) rc = qclr_factor_lambda(H, lr, df, &lsf, &ldf);
  double t3 = app_seconds();
  r->seconds = t3 - t0;
  r->t_stage1 = t1 - t0;
  r->t_df = t2 - t1;
  r->t_lambda = t3 - t2;
  r->lambda_sf = lsf;
  r->lambda_df = ldf;
  r->rank = qclr_lowrank_rank(lr);
  r->terms = qclr_df_nterms(df);
  qclr_lowrank_free(lr);
  qclr_df_free(df);
  return rc;
}

/* Best of reps (by total time); NAN on failure. */
static double best_of(const qclr_hamiltonian *H, int method, int pivot, double tol, int nthreads, int reps,
                      pipe_result *r) {
  pipe_result t;
  r->seconds = INFINITY;
  for (int i = 0; i < reps; i++) {
    if (pipeline(H, method, pivot, tol, nthreads, &t)) {
      r->seconds = NAN;
      return NAN;
    }
    if (t.seconds < r->seconds) *r = t;
  }
  return r->seconds;
}

/* Run the numpy peer on an FCIDUMP: its best in-process seconds of `reps`
 * runs (NAN on failure), lambda_DF, rank and the stage-1 and DF seconds of
 * that run. */
static double run_peer(const char *python, const char *peer, const char *fcidump, const char *method, double tol,
                       int reps, int threads, double *lambda_df, long long *rank, double stage[2]) {
  char cmd[8192];
  if (threads > 0)
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d OPENBLAS_NUM_THREADS=%d '%s' '%s' '%s' --method %s --tol %.17g "
             "--time-only --repeat %d", threads, threads, python, peer, fcidump, method, tol, reps);
  else
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' --method %s --tol %.17g --time-only --repeat %d", python, peer,
             fcidump, method, tol, reps);
  FILE *p = popen(cmd, "r");
  *lambda_df = NAN;
  *rank = -1;
  if (!p) return NAN;
  double s = NAN, l = NAN;
  stage[0] = stage[1] = NAN;
  if (fscanf(p, "%lf %lf %lld %lf %lf", &s, &l, rank, &stage[0], &stage[1]) != 5) s = NAN;
  if (pclose(p) != 0) s = NAN;
  *lambda_df = l;
  return s;
}

/* Cholesky GFLOP/s (useful flops npair*rank^2, best of 3) vs a dgemm of the
 * same size class (npair x npair x rank) in this process. */
static void gflops_row(const char *name, const qclr_hamiltonian *H, double tol, int nthreads) {
  qclr_cholesky_options o;
  qclr_cholesky_options_default(&o);
  o.tol = tol;
  qclr_set_threads(nthreads);
  int64_t n = qclr_hamiltonian_npair(H);
  double g[2] = {0, 0}, ms[2] = {0, 0};
  int64_t r = 0;
  for (int k = 0; k < 2; k++) {
    o.pivot = k ? QCLR_PIVOT_BLOCK : QCLR_PIVOT_GREEDY;
    double best = INFINITY;
    for (int i = 0; i < 3; i++) {
      qclr_lowrank *lr = NULL;
      double t0 = app_seconds();
      if (qclr_cholesky_compute(H, &o, &lr) < 0) return;
      double t = app_seconds() - t0;
      r = qclr_lowrank_rank(lr);
      qclr_lowrank_free(lr);
      if (t < best) best = t;
    }
    ms[k] = best * 1e3;
    g[k] = (double)n * (double)r * (double)r / best * 1e-9;
  }
  int64_t kk = r > 0 ? r : 1;
  double *A = calloc((size_t)(n * kk), sizeof(double)), *C = calloc((size_t)(n * n), sizeof(double));
  if (!A || !C) {
    free(A);
    free(C);
    return;
  }
  for (int64_t i = 0; i < n * kk; i++) A[i] = 1.0 / (double)(1 + i % 7);
  double tb = INFINITY;
  for (int i = 0; i < 3; i++) {
    double t0 = app_seconds();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)kk, 1.0, A, (int)kk, A, (int)kk, 0.0,
                C, (int)n);
    double t = app_seconds() - t0;
    if (t < tb) tb = t;
  }
  double gd = 2.0 * (double)n * (double)n * (double)kk / tb * 1e-9;
  free(A);
  free(C);
  printf("| %s | %lld | %lld | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f%% | %.0f%% |\n", name, (long long)n,
         (long long)r, ms[0], ms[1], g[0], g[1], gd, 100.0 * g[0] / gd, 100.0 * g[1] / gd);
}

/* Generate the default large case (H2O/cc-pVTZ, N = 58) with Psi4; 0 on success. */
static int generate_large(const char *python, const char *gen, const char *path) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' >/dev/null 2>&1", python, gen, path);
  return system(cmd) == 0 && access(path, R_OK) == 0 ? 0 : -1;
}

static const char *base_name(const char *path) {
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

int bench_factor(int argc, char **argv) {
  const char *input = NULL, *large = NULL, *python = "/usr/bin/python3", *peer = NULL;
  double tol = 1e-6;
  long long big = 0, reps = 3, threads = 0;
  int no_peer = 0, no_peer_b = 0;
  static const struct option lo[] = {
      {"input", required_argument, NULL, 'i'},   {"large", required_argument, NULL, 'L'},
      {"norb", required_argument, NULL, 'n'},    {"tol", required_argument, NULL, 't'},
      {"python", required_argument, NULL, 'P'},  {"peer", required_argument, NULL, 'e'},
      {"repeat", required_argument, NULL, 'r'},  {"threads", required_argument, NULL, 'T'},
      {"no-peer", no_argument, NULL, 'x'},       {"no-peer-b", no_argument, NULL, 'y'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    switch (c) {
      case 'i': input = optarg; break;
      case 'L': large = optarg; break;
      case 'n':
        if (app_parse_int(bprog, "--norb", optarg, 2, 200, &big)) return APP_EXIT_USAGE;
        break;
      case 't':
        if (app_parse_double(bprog, "--tol", optarg, &tol)) return APP_EXIT_USAGE;
        if (!(tol >= 0)) return app_usage_error(bprog, "--tol must be >= 0");
        break;
      case 'P': python = optarg; break;
      case 'e': peer = optarg; break;
      case 'r':
        if (app_parse_int(bprog, "--repeat", optarg, 1, 1000, &reps)) return APP_EXIT_USAGE;
        break;
      case 'T':
        if (app_parse_int(bprog, "--threads", optarg, 0, 4096, &threads)) return APP_EXIT_USAGE;
        break;
      case 'x': no_peer = 1; break;
      case 'y': no_peer_b = 1; break;
      case 'h':
        printf("usage: qclr-bench factor [--input FCIDUMP] [--large FCIDUMP | --norb N] [--tol X] [--repeat R]\n"
               "                         [--threads T] [--python PY] [--peer tests/peers/factor_peer.py]\n"
               "                         [--no-peer] [--no-peer-b]\n"
               "Whole pipeline (stage 1 + double factorization + lambda_SF, lambda_DF; tau_2 = 0) of qclr\n"
               "against the numpy peers of tests/peers/factor_peer.py: (a) ffsim-style modified Cholesky of\n"
               "the N^2 x N^2 matrix + per-factor eigh, (b) eigh of the N^2 x N^2 matrix + per-factor eigh.\n"
               "Cases: --input (default inputs/n2_cc-pvdz.fcidump, N = 28) and a large one: --large\n"
               "FCIDUMP, else H2O/cc-pVTZ (N = 58) generated with Psi4 by tests/peers/make_large_fcidump.py,\n"
               "else (no Psi4, or --norb N) a synthetic 1D soft-Coulomb chain built in memory.  Times are\n"
               "in-process wall times, best of --repeat (default 3) for qclr and the peers; peer (b) runs\n"
               "once on the large case.  --threads sets qclr's OpenMP threads and the peers' BLAS threads;\n"
               "qclr's BLAS threads come from OMP_NUM_THREADS / OPENBLAS_NUM_THREADS.  Then the\n"
               "Cholesky's GFLOP/s (npair rank^2 useful flops) against a npair x npair x rank dgemm.\n"
               "Prints markdown tables.\n");
        return 0;
      default: return app_usage_error(bprog, "unknown option");
    }
  }
  if (optind < argc) return app_usage_error(bprog, "unexpected argument '%s'", argv[optind]);
  const char *srcdir = getenv("top_srcdir");
  static char inbuf[4096], peerbuf[4096], genbuf[4096];
  if (!input) {
    snprintf(inbuf, sizeof inbuf, "%s/inputs/n2_cc-pvdz.fcidump", srcdir ? srcdir : ".");
    input = inbuf;
  }
  if (!peer) {
    snprintf(peerbuf, sizeof peerbuf, "%s/tests/peers/factor_peer.py", srcdir ? srcdir : ".");
    peer = peerbuf;
  }
  snprintf(genbuf, sizeof genbuf, "%s/tests/peers/make_large_fcidump.py", srcdir ? srcdir : ".");
  if (access(peer, R_OK)) no_peer = 1;
  qclr_hamiltonian *Hs[2] = {NULL, NULL};
  char tmpname[] = "/tmp/qclr-bench-factor-XXXXXX";
  int tmp_used = 0;
  const char *files[2] = {input, NULL};
  char names[2][64];
  snprintf(names[0], sizeof names[0], "%.63s", base_name(input));
  int rc = qclr_fcidump_read(input, NULL, &Hs[0], NULL);
  if (rc) return app_fail(bprog, rc);
  int fd = -1;
  if (!large && !big && (fd = mkstemp(tmpname)) >= 0) {
    close(fd);
    tmp_used = 1;
    fprintf(stderr, "%s: generating H2O/cc-pVTZ with Psi4 (%s)...\n", bprog, genbuf);
    if (generate_large(python, genbuf, tmpname) == 0) {
      large = tmpname;
      snprintf(names[1], sizeof names[1], "H2O/cc-pVTZ (Psi4)");
    } else {
      fprintf(stderr, "%s: could not run Psi4; using the synthetic chain\n", bprog);
    }
  }
  if (large) {
    rc = qclr_fcidump_read(large, NULL, &Hs[1], NULL);
    files[1] = large;
    if (large != tmpname) snprintf(names[1], sizeof names[1], "%.63s", base_name(large));
  } else {
    if (!big) big = 60;
    fprintf(stderr, "%s: building the synthetic N=%lld chain...\n", bprog, big);
    rc = synthetic_chain(big, &Hs[1]);
    snprintf(names[1], sizeof names[1], "synthetic 1D chain");
    if (!rc && !no_peer) {
      if (!tmp_used && (fd = mkstemp(tmpname)) >= 0) {
        close(fd);
        tmp_used = 1;
      }
      if (tmp_used && qclr_fcidump_write(tmpname, Hs[1], NULL) == 0) files[1] = tmpname;
    }
  }
  if (rc) {
    qclr_hamiltonian_free(Hs[0]);
    qclr_hamiltonian_free(Hs[1]);
    if (tmp_used) unlink(tmpname);
    return app_fail(bprog, rc);
  }
  char thr[32];
  if (threads) snprintf(thr, sizeof thr, "%lld", threads);
  else snprintf(thr, sizeof thr, "OpenMP default");
  const char *blas_env = getenv("OPENBLAS_NUM_THREADS") ? getenv("OPENBLAS_NUM_THREADS") : getenv("OMP_NUM_THREADS");
  printf("qclr-bench factor: tol %.1e, tau_2 0; best of %lld (qclr and peers), in-process wall time; qclr OpenMP "
         "threads %s, BLAS threads %s\n\n", tol, reps, thr, blas_env ? blas_env : "default");
  printf("| case | N | npair | rank | qclr greedy ms | qclr block ms | qclr eigen ms | peer (a) ms | peer (b) ms "
         "| (a) / qclr block | (a) / qclr greedy | (b) / qclr eigen |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  pipe_result stages[2];
  double lam[2][2], pst[2][2] = {{NAN, NAN}, {NAN, NAN}}, pa[2] = {NAN, NAN};
  long long prank[2] = {-1, -1}, grank[2] = {-1, -1};
  for (int k = 0; k < 2; k++) {
    const qclr_hamiltonian *H = Hs[k];
    pipe_result rg, rb, re;
    best_of(H, 0, QCLR_PIVOT_GREEDY, tol, (int)threads, (int)reps, &rg);
    best_of(H, 0, QCLR_PIVOT_BLOCK, tol, (int)threads, (int)reps, &rb);
    best_of(H, 1, 0, tol, (int)threads, k == 0 ? (int)reps : 1, &re);
    stages[k] = rb;
    double la = NAN, lb = NAN, ta = NAN, tb = NAN;
    long long rb_ = -1;
    double stb[2];
    grank[k] = rg.rank;
    if (!no_peer && files[k]) {
      fprintf(stderr, "%s: peer (a) on %s...\n", bprog, names[k]);
      ta = run_peer(python, peer, files[k], "cholesky", tol, (int)reps, (int)threads, &la, &prank[k], pst[k]);
      pa[k] = ta;
      if (!no_peer_b) {
        fprintf(stderr, "%s: peer (b) on %s...\n", bprog, names[k]);
        tb = run_peer(python, peer, files[k], "eigen", tol, k == 0 ? (int)reps : 1, (int)threads, &lb, &rb_, stb);
      }
    }
    lam[k][0] = rg.lambda_df;
    lam[k][1] = la;
    printf("| %s | %lld | %lld | %lld | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f |\n", names[k],
           (long long)qclr_hamiltonian_norb(H), (long long)qclr_hamiltonian_npair(H), (long long)rg.rank,
           rg.seconds * 1e3, rb.seconds * 1e3, re.seconds * 1e3, ta * 1e3, tb * 1e3, ta / rb.seconds,
           ta / rg.seconds, tb / re.seconds);
    fflush(stdout);
  }
  printf("\nBy stage (ms; qclr block pipeline vs peer (a)):\n\n| case | qclr Cholesky | peer Cholesky | ratio | "
         "qclr DF | peer DF (eigh per factor) | ratio | qclr lambdas | peer lambdas | qclr total | peer total |\n"
         "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < 2; k++) {
    double pl = pa[k] - pst[k][0] - pst[k][1];
    printf("| %s | %.2f | %.2f | %.1f | %.2f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f |\n", names[k],
           stages[k].t_stage1 * 1e3, pst[k][0] * 1e3, pst[k][0] / stages[k].t_stage1, stages[k].t_df * 1e3,
           pst[k][1] * 1e3, pst[k][1] / stages[k].t_df, stages[k].t_lambda * 1e3, pl * 1e3, stages[k].seconds * 1e3,
           pa[k] * 1e3);
  }
  if (!no_peer) {
    printf("\nSame answers: lambda_DF of the greedy pipeline vs peer (a), rank vs peer (a)\n\n");
    for (int k = 0; k < 2; k++)
      if (isfinite(lam[k][1]))
        printf("- %s: lambda_DF %.10g vs %.10g (rel. diff %.1e), rank %lld vs %lld\n", names[k], lam[k][0],
               lam[k][1], fabs(lam[k][0] - lam[k][1]) / lam[k][1], grank[k], prank[k]);
  }
  printf("\nCholesky GFLOP/s (npair rank^2 useful flops, best of 3) vs dgemm npair x npair x rank in this "
         "process:\n\n| case | npair | rank | greedy ms | block ms | greedy GFLOP/s | block GFLOP/s | dgemm GFLOP/s "
         "| greedy / dgemm | block / dgemm |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < 2; k++) gflops_row(names[k], Hs[k], tol, (int)threads);
  if (tmp_used) unlink(tmpname);
  qclr_hamiltonian_free(Hs[0]);
  qclr_hamiltonian_free(Hs[1]);
  return 0;
}

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
  rc = qclr_hamiltonian_from_packed(out, N, (int)(N % 2 ? N - 1 : N), 0, 0.0, h, V);
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
  double seconds, lambda_sf, lambda_df;
  int64_t rank, terms;
} pipe_result;

/* Whole pipeline: stage 1, DF (tau_2 = 0), lambda_SF and lambda_DF. */
static int pipeline(const qclr_hamiltonian *H, int method, int pivot, double tol, int nthreads, pipe_result *r) {
  double t0 = app_seconds();
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  int rc;
  if (method == 1) rc = qclr_eigen_factor(H, tol, 0, nthreads, &lr);
  else {
    qclr_cholesky_options o;
    qclr_cholesky_options_default(&o);
    o.tol = tol;
    o.pivot = pivot;
    o.nthreads = nthreads;
    rc = qclr_cholesky_compute(H, &o, &lr);
  }
  qclr_df_options dfo;
  qclr_df_options_default(&dfo);
  dfo.nthreads = nthreads;
  if (rc >= 0) rc = qclr_df_compute(H, lr, &dfo, &df);
  double lsf = 0, ldf = 0;
  if (!rc) rc = qclr_factor_lambda(H, lr, df, &lsf, &ldf);
  r->seconds = app_seconds() - t0;
  r->lambda_sf = lsf;
  r->lambda_df = ldf;
  r->rank = qclr_lowrank_rank(lr);
  r->terms = qclr_df_nterms(df);
  qclr_lowrank_free(lr);
  qclr_df_free(df);
  return rc;
}

static double best_of(const qclr_hamiltonian *H, int method, int pivot, double tol, int nthreads, int reps,
                      pipe_result *r) {
  double best = INFINITY;
  for (int i = 0; i < reps; i++) {
    if (pipeline(H, method, pivot, tol, nthreads, r)) return NAN;
    if (r->seconds < best) best = r->seconds;
  }
  r->seconds = best;
  return best;
}

/* Run the numpy peer on an FCIDUMP; returns its in-process seconds (NAN on failure). */
static double run_peer(const char *python, const char *peer, const char *fcidump, const char *method, double tol,
                       double *lambda_df) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' --method %s --tol %.17g --time-only", python, peer, fcidump, method, tol);
  FILE *p = popen(cmd, "r");
  if (!p) return NAN;
  double s = NAN, l = NAN;
  if (fscanf(p, "%lf %lf", &s, &l) != 2) s = NAN;
  if (pclose(p) != 0) s = NAN;
  *lambda_df = l;
  return s;
}

/* Blocked Cholesky GFLOP/s (n r^2 useful flops) vs dgemm of the update shape. */
static void gflops(const qclr_hamiltonian *H, double tol, int nthreads) {
  qclr_cholesky_options o;
  qclr_cholesky_options_default(&o);
  o.tol = tol;
  o.nthreads = nthreads;
  int64_t n = qclr_hamiltonian_npair(H);
  printf("\nCholesky GFLOP/s (useful flops n*r^2, best of 3) vs dgemm (n x n x n/2) in this process, npair=%lld:\n",
         (long long)n);
  for (int pv = 0; pv < 3; pv += 2) {
    o.pivot = pv;
    double best = INFINITY;
    int64_t r = 0;
    for (int i = 0; i < 3; i++) {
      qclr_lowrank *lr = NULL;
      double t0 = app_seconds();
      if (qclr_cholesky_compute(H, &o, &lr) < 0) return;
      double t = app_seconds() - t0;
      r = qclr_lowrank_rank(lr);
      qclr_lowrank_free(lr);
      if (t < best) best = t;
    }
    double gf = (double)n * (double)r * (double)r / best * 1e-9;
    int64_t k = n / 2;
    double *A = calloc((size_t)(n * k), sizeof(double)), *C = calloc((size_t)(n * n), sizeof(double));
    for (int64_t i = 0; i < n * k; i++) A[i] = 1.0 / (double)(1 + i % 7);
    double tb = INFINITY;
    for (int i = 0; i < 3; i++) {
      double t0 = app_seconds();
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)k, 1.0, A, (int)k, A, (int)k, 0.0, C,
                  (int)n);
      double t = app_seconds() - t0;
      if (t < tb) tb = t;
    }
    double gd = 2.0 * (double)n * (double)n * (double)k / tb * 1e-9;
    free(A);
    free(C);
    printf("  %-7s rank %5lld  %8.2f ms  %6.2f GFLOP/s   dgemm %6.2f GFLOP/s   ratio %5.1f%%\n",
           pv == 0 ? "greedy" : "block", (long long)r, best * 1e3, gf, gd, 100.0 * gf / gd);
  }
}

int bench_factor(int argc, char **argv) {
  const char *input = NULL, *large = NULL, *python = "/usr/bin/python3", *peer = NULL;
  double tol = 1e-6;
  long long big = 60, reps = 5, threads = 0;
  int no_peer = 0;
  static const struct option lo[] = {{"input", required_argument, NULL, 'i'},  {"large", required_argument, NULL, 'L'},  {"norb", required_argument, NULL, 'n'},
                                     {"tol", required_argument, NULL, 't'},    {"python", required_argument, NULL, 'P'},
                                     {"peer", required_argument, NULL, 'e'},   {"repeat", required_argument, NULL, 'r'},
                                     {"threads", required_argument, NULL, 'T'}, {"no-peer", no_argument, NULL, 'x'},
                                     {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
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
      case 'h':
        printf("usage: qclr-bench factor [--input FCIDUMP] [--large FCIDUMP | --norb N] [--tol X] [--repeat R] [--threads T]\n"
               "                         [--python PY] [--peer tests/peers/factor_peer.py] [--no-peer]\n"
               "Whole pipeline (stage 1 + DF + lambda) of qclr vs the numpy peers (a) modified Cholesky of\n"
               "the N^2 x N^2 matrix + per-factor eigh and (b) eigh of the N^2 x N^2 matrix + per-factor\n"
               "eigh, on FCIDUMP (default inputs/n2_cc-pvdz.fcidump) and on a synthetic 1D soft-Coulomb\n"
               "chain with --norb orbitals (default 60) or the --large FCIDUMP.  qclr: best of --repeat runs; peers: one run.\n");
        return 0;
      default: return app_usage_error(bprog, "unknown option");
    }
  }
  const char *srcdir = getenv("top_srcdir");
  static char inbuf[4096], peerbuf[4096];
  if (!input) {
    snprintf(inbuf, sizeof inbuf, "%s/inputs/n2_cc-pvdz.fcidump", srcdir ? srcdir : ".");
    input = inbuf;
  }
  if (!peer) {
    snprintf(peerbuf, sizeof peerbuf, "%s/tests/peers/factor_peer.py", srcdir ? srcdir : ".");
    peer = peerbuf;
  }
  if (access(peer, R_OK)) no_peer = 1;
  qclr_hamiltonian *Hs[2] = {NULL, NULL};
  char tmpname[] = "/tmp/qclr-bench-factor-XXXXXX";
  const char *files[2] = {input, NULL};
  int rc = qclr_fcidump_read(input, NULL, &Hs[0], NULL);
  if (rc) return app_fail(bprog, rc);
  if (large) {
    rc = qclr_fcidump_read(large, NULL, &Hs[1], NULL);
    files[1] = large;
  } else {
    fprintf(stderr, "building the synthetic N=%lld chain...\n", big);
    rc = synthetic_chain(big, &Hs[1]);
  }
  if (rc) {
    qclr_hamiltonian_free(Hs[0]);
    return app_fail(bprog, rc);
  }
  if (!no_peer && !large) {
    int fd = mkstemp(tmpname);
    if (fd >= 0) {
      close(fd);
      if (qclr_fcidump_write(tmpname, Hs[1], NULL) == 0) files[1] = tmpname;
    }
  }
  printf("qclr-bench factor: tol %.1e, tau_2 0, threads %d; qclr best of %lld, peers one run (in-process time)\n",
         tol, threads ? (int)threads : 0, reps);
  printf("%-26s %4s %5s %5s %10s %10s %10s %10s %10s %8s %8s\n", "case", "N", "npair", "rank", "greedy ms",
         "block ms", "eigen ms", "peer(a) ms", "peer(b) ms", "(a)/blk", "(b)/eig");
  for (int k = 0; k < 2; k++) {
    const qclr_hamiltonian *H = Hs[k];
    pipe_result rg, rb, re;
    best_of(H, 0, QCLR_PIVOT_GREEDY, tol, (int)threads, (int)reps, &rg);
    best_of(H, 0, QCLR_PIVOT_BLOCK, tol, (int)threads, (int)reps, &rb);
    best_of(H, 1, 0, tol, (int)threads, k == 0 ? (int)reps : 1, &re);
    double la = NAN, lb = NAN, ta = NAN, tb = NAN;
    if (!no_peer && files[k]) {
      fprintf(stderr, "peer (a) on %s...\n", k ? "the chain" : input);
      ta = run_peer(python, peer, files[k], "cholesky", tol, &la);
      fprintf(stderr, "peer (b) on %s...\n", k ? "the chain" : input);
      tb = run_peer(python, peer, files[k], "eigen", tol, &lb);
    }
    char name[64];
    const char *base = strrchr(files[k] && (k == 0 || large) ? files[k] : "", '/');
    snprintf(name, sizeof name, "%s", k && !large ? "synthetic 1D chain" : base ? base + 1 : files[k]);
    printf("%-26s %4lld %5lld %5lld %10.2f %10.2f %10.2f %10.2f %10.2f %8.1f %8.1f\n", name,
           (long long)qclr_hamiltonian_norb(H), (long long)qclr_hamiltonian_npair(H), (long long)rg.rank,
           rg.seconds * 1e3, rb.seconds * 1e3, re.seconds * 1e3, ta * 1e3, tb * 1e3, ta / rb.seconds,
           tb / re.seconds);
    if (!no_peer && isfinite(la))
      printf("%-26s lambda_DF greedy %.10g peer(a) %.10g (rel diff %.1e)\n", "", rg.lambda_df, la,
             fabs(rg.lambda_df - la) / la);
    fflush(stdout);
  }
  gflops(Hs[1], tol, (int)threads);
  if (files[1] && !large) unlink(tmpname);
  qclr_hamiltonian_free(Hs[0]);
  qclr_hamiltonian_free(Hs[1]);
  return 0;
}

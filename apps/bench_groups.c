/* apps/bench_groups.c: `qclr-bench groups` -- basis-rotation groups, their
 * Givens networks and OpenQASM text for a synthetic double factorization
 * (random orthogonal rotations, random eigenvalues, N orbitals, L factors). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "bench.h"
#include "qclr/error.h"
#include "qclr/groups.h"
#include "qclr/qasm.h"

static double rnd(unsigned long long *s) {
  unsigned long long z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

static void orthogonal(int n, double *m, unsigned long long *s) {
  for (int i = 0; i < n * n; i++) m[i] = rnd(s);
  for (int j = 0; j < n; j++) {
    for (int pass = 0; pass < 2; pass++)
      for (int k = 0; k < j; k++) {
        double d = 0;
        for (int i = 0; i < n; i++) d += m[i * n + k] * m[i * n + j];
        for (int i = 0; i < n; i++) m[i * n + j] -= d * m[i * n + k];
      }
    double nr = 0;
    for (int i = 0; i < n; i++) nr += m[i * n + j] * m[i * n + j];
    for (int i = 0; i < n; i++) m[i * n + j] /= sqrt(nr);
  }
}

int bench_groups(int argc, char **argv) {
  long long n = 100, L = 100, reps = 3;
  int threads = 0;
  static const struct option lo[] = {{"norb", 1, 0, 'n'}, {"factors", 1, 0, 'L'}, {"repeat", 1, 0, 'r'},
                                     {"threads", 1, 0, 't'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    long long v;
    switch (c) {
    case 'n': if (app_parse_int("qclr-bench groups", "--norb", optarg, 2, 64000, &v)) return APP_EXIT_USAGE; n = v; break;
    case 'L': if (app_parse_int("qclr-bench groups", "--factors", optarg, 0, 100000, &v)) return APP_EXIT_USAGE; L = v; break;
    case 'r': if (app_parse_int("qclr-bench groups", "--repeat", optarg, 1, 1000, &v)) return APP_EXIT_USAGE; reps = v; break;
    case 't': if (app_parse_int("qclr-bench groups", "--threads", optarg, 0, 4096, &v)) return APP_EXIT_USAGE; threads = (int)v; break;
    case 'h':
      printf("usage: qclr-bench groups [--norb N (100)] [--factors L (100)] [--repeat R (3)] [--threads T]\n"
             "Builds L+1 basis-rotation groups from a synthetic double factorization (random rotations),\n"
             "their Givens networks, and OpenQASM 2.0 + 3.0 text for every group; prints the best time.\n");
      return 0;
    default: return APP_EXIT_USAGE;
    }
  }
  unsigned long long s = 2024;
  double *T = malloc(sizeof(double) * n * n), **U = malloc(sizeof(double *) * (L + 1)),
         **f = malloc(sizeof(double *) * (L + 1));
  int64_t *size = malloc(sizeof(int64_t) * (L + 1));
  for (long long p = 0; p < n; p++)
    for (long long q = 0; q <= p; q++) T[p * n + q] = T[q * n + p] = rnd(&s);
  for (long long l = 0; l < L; l++) {
    U[l] = malloc(sizeof(double) * n * n);
    f[l] = malloc(sizeof(double) * n);
    orthogonal((int)n, U[l], &s);
    for (long long k = 0; k < n; k++) f[l][k] = rnd(&s) / (1.0 + k);
    size[l] = n;
  }
  qclr_groups_options o;
  qclr_groups_options_default(&o);
  o.nthreads = threads;
  double best_g = INFINITY, best_q = INFINITY;
  size_t bytes = 0;
  int64_t ngroups = 0, ngates = 0, depth = 0;
  for (long long r = 0; r < reps; r++) {
    double t0 = app_seconds();
    qclr_groups *gs;
    int rc = qclr_groups_from_factors(n, 0.0, T, L, size, (const double *const *)U, (const double *const *)f, &o, &gs);
    if (rc) return app_fail("qclr-bench groups", rc);
    double t1 = app_seconds();
    bytes = 0;
    ngates = 0;
    depth = 0;
    ngroups = qclr_groups_count(gs);
    for (int64_t g = 0; g < ngroups; g++) {
      const qclr_givens *net = qclr_groups_givens(gs, g);
      ngates += 2 * qclr_givens_count(net);
      if (qclr_givens_nlayers(net) > depth) depth = qclr_givens_nlayers(net);
      for (int v = 2; v <= 3; v++) {
        char *text;
        if ((rc = qclr_qasm_string(net, v, "bench", &text))) return app_fail("qclr-bench groups", rc);
        bytes += strlen(text);
        free(text);
      }
    }
    double t2 = app_seconds();
    qclr_groups_free(gs);
    if (t1 - t0 < best_g) best_g = t1 - t0;
    if (t2 - t1 < best_q) best_q = t2 - t1;
  }
  printf("qclr-bench groups: N = %lld orbitals, L = %lld factors (synthetic), best of %lld\n", n, L, reps);
  printf("%-44s %10s\n", "step", "seconds");
  printf("%-44s %10.3f\n", "groups + merge check + Givens networks", best_g);
  printf("%-44s %10.3f\n", "OpenQASM 2.0 + 3.0 text, all groups", best_q);
  printf("%-44s %10.3f\n", "total", best_g + best_q);
  printf("groups %lld, two-qubit Givens gates %lld, max depth %lld layers, QASM %.1f MB\n", (long long)ngroups,
         (long long)ngates, (long long)depth, bytes / 1e6);
  for (long long l = 0; l < L; l++) free(U[l]), free(f[l]);
  free(T), free(U), free(f), free(size);
  return 0;
}

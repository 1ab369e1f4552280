/* apps/qclr-bench.c: benchmark driver.  `qclr-bench SUBCOMMAND [options]`;
 * every subcommand measures qclr and its peers in the same run and prints
 * the ratios. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "bench.h"

static const struct {
  const char *name;
  int (*run)(int, char **);
  const char *what;
} subcommands[] = {
    /* one line per subcommand, added with its apps/bench_<name>.c */
    {"fcidump", bench_fcidump, "FCIDUMP read speed vs a numpy reader (N = 60, 1.7 M lines)"},
    {"factor", bench_factor, "ERI factorization pipeline vs numpy peers; blocked Cholesky GFLOP/s"},
    {"fci", bench_fci, "FCI time to solution and sigma throughput vs Psi4 detci and CheMPS2"},
    {"groups", bench_groups, "basis-rotation groups, Givens networks, QASM (N = 100)"},
    {"tt", bench_tt, "dense TT-SVD vs numpy gesdd / Gram+eigh (2^20, 2^24 vectors)"},
    {"scale", bench_scale, "H_N chains N = 10..200: integral-direct Cholesky, rank, L xi, lambda_DF, time, memory"},
    {"contention", bench_contention, "apps beside busy processes: default / 1-thread / 2-thread wall times"},
    {NULL, NULL, NULL},
};

static int usage(FILE *f) {
  fprintf(f, "usage: qclr-bench SUBCOMMAND [options]   (qclr-bench SUBCOMMAND --help)\n\nsubcommands:\n");
  for (size_t i = 0; subcommands[i].name; i++)
    fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].what);
  return f == stderr ? APP_EXIT_USAGE : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage(stderr);
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return usage(stdout);
  if (!strcmp(argv[1], "--version")) return app_print_version("qclr-bench");
  for (size_t i = 0; subcommands[i].name; i++)
    if (!strcmp(argv[1], subcommands[i].name)) return subcommands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "qclr-bench: unknown subcommand '%s'\n", argv[1]);
  return usage(stderr);
}

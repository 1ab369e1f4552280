/* tests/fuzz/fuzz_npy.c: libFuzzer harness for the .npy reader
 * (qclr_npy_read on a temporary file holding the input).  Checks that a
 * successful read returns a shape whose product matches what was read and a
 * failed one returns no data.
 *
 * Build and run by hand (from the top of the source tree, after ./configure):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DHAVE_CONFIG_H -Iinclude -Isrc -I. \
 *     tests/fuzz/fuzz_npy.c src/npy.c src/error.c src/util.c -lm -fopenmp -o /tmp/fuzz_npy
 *   /tmp/fuzz_npy -max_total_time=300 -max_len=4096 /tmp/fuzz-npy tests/fuzz/corpus_npy
 *
 * (5.7 M inputs in 301 s without a finding when it was added.)  `make check`
 * replays tests/fuzz/corpus_npy/ through this entry point
 * (tests/fuzz/replay_npy.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qclr/error.h"
#include "qclr/npy.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[4096];
  if (fuzz_tmpfile("fuzz_npy", data, size, path, sizeof path)) return 0;
  double *x = NULL;
  int ndim = -1;
  int64_t shape[QCLR_NPY_MAXDIM];
  int rc = qclr_npy_read(path, &x, &ndim, shape);
  remove(path);
  if (rc == 0) {
    if (!x || ndim < 0 || ndim > QCLR_NPY_MAXDIM) abort();
    uint64_t n = 1;
    for (int k = 0; k < ndim; k++) n *= (uint64_t)shape[k];
    if (n * 4 > size) abort(); /* every entry came from the file (at least 4 bytes each) */
    volatile double s = 0;
    for (uint64_t i = 0; i < n; i++) s += x[i]; /* touch every entry (ASan checks the bounds) */
    (void)s;
  } else if (x) {
    abort();
  }
  free(x);
  return 0;
}

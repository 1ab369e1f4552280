/* tests/fuzz/fuzz_fcidump.c: libFuzzer harness for the FCIDUMP reader.
 *
 * Build and run by hand (from the top of the source tree, after ./configure
 * so that config.h exists):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DHAVE_CONFIG_H -Iinclude -Isrc -I. \
 *     tests/fuzz/fuzz_fcidump.c src/fcidump_read.c src/parse_double.c src/hamiltonian.c \
 *     src/error.c src/util.c -lz -lm -o /tmp/fuzz_fcidump
 *   /tmp/fuzz_fcidump -max_total_time=600 -jobs=1 -max_len=4096 /tmp/fuzz-corpus tests/fuzz/corpus
 *
 * `make check` replays tests/fuzz/corpus/ through the same entry point with
 * the normal compiler (tests/fuzz/replay_fcidump.c). */
#include <stddef.h>
#include <stdint.h>

#include "qclr/fcidump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qclr_fcidump_read_options o;
  qclr_fcidump_read_options_default(&o);
  o.max_bytes = 64 << 20; /* large NORB must be refused, not allocated */
  qclr_hamiltonian *H = NULL;
  qclr_fcidump_info info;
  if (qclr_fcidump_read_buffer((const char *)data, size, "fuzz", &o, &H, &info) == 0) {
    double e;
    qclr_hamiltonian_e_ref(H, &e);
  }
  qclr_hamiltonian_free(H);
  return 0;
}

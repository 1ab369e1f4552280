/* tests/fuzz/replay_fcidump.c: the replay driver of every harness (linked with
 * fuzz_fcidump.c, fuzz_npy.c or fuzz_parse_double.c): feeds each file named on
 * the command line (the seed corpus and any crashers found since) to the
 * libFuzzer entry point, so `make check` runs them with the normal
 * compiler (and under ASan/UBSan in the sanitizer build). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  int n = 0;
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "%s: cannot open %s\n", argv[0], argv[i]);
      return 1;
    }
    size_t cap = 4096, len = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
      len += got;
      if (len == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) return 1;
    /* exact-size copy, so reads past the end are caught by ASan */
    uint8_t *exact = malloc(len ? len : 1);
    for (size_t k = 0; k < len; k++) exact[k] = buf[k];
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    n++;
  }
  printf("%s: %d inputs replayed without a crash\n", argv[0], n);
  return n > 0 ? 0 : 1;
}

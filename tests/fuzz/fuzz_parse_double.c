/* tests/fuzz/fuzz_parse_double.c: differential libFuzzer target for the
 * decimal parser behind the FCIDUMP reader: on every input it must accept
 * the prefix strtod accepts (plus Fortran's bare exponent, 1.0-100) and give
 * the identical double.  Traps on a mismatch.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     tests/fuzz/fuzz_parse_double.c src/io/parse_double.c -lm -o /tmp/fuzz_parse_double
 *   /tmp/fuzz_parse_double -max_total_time=300 -max_len=64 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/parse_double.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char s[80];
  size_t n = 0;
  /* map bytes onto the decimal alphabet so most inputs are numbers */
  static const char alphabet[] = "0123456789012345678901234567890123456789.eE+-";
  for (size_t i = 0; i < size && n < sizeof s - 1; i++) s[n++] = alphabet[data[i] % (sizeof alphabet - 1)];
  s[n] = '\0';
  double a = 0, b;
  const char *q = qclr__parse_double(s, s + n, &a);
  char *e;
  b = strtod(s, &e);
  if (q && q > e && (*e == '+' || *e == '-')) {
    /* Fortran's bare exponent (1.0-100), which strtod stops at: compare
     * with the 'e' written out */
    char t[96];
    size_t k = (size_t)(e - s);
    memcpy(t, s, k);
    t[k] = 'e';
    memcpy(t + k + 1, e, (size_t)(q - e));
    t[k + 1 + (size_t)(q - e)] = '\0';
    char *te;
    b = strtod(t, &te);
    if (*te != '\0') __builtin_trap();
  } else if ((q ? q : s) != e) {
    __builtin_trap(); /* accepted a different prefix than strtod */
  }
  if (q && memcmp(&a, &b, sizeof a) != 0) __builtin_trap();
  return 0;
}

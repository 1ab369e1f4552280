/* src/core/ci_strings.c: occupation strings in ascending integer order, their
 * index, and exact binomial coefficients (include/qclr/strings.h). */
#include <stdlib.h>

#include "core/ci_strings.h"
#include "core/internal.h"

/* C(n, k) (0 outside 0 <= k <= n); -1 above INT64_MAX.  Multiplying before dividing
 * keeps every partial product C(n - k + i, i) an integer, and those grow with
 * i, so the first one above INT64_MAX proves the result is too; the 128-bit
 * product of a value < 2^63 and n < 2^63 cannot overflow. */
static int64_t binom_exact(int64_t n, int64_t k) {
  if (k < 0 || k > n) return 0;
  if (k > n - k) k = n - k;
  unsigned __int128 r = 1;
  for (int64_t i = 1; i <= k; i++) {
    r = r * (unsigned __int128)(n - k + i) / (unsigned __int128)i;
    if (r > (unsigned __int128)INT64_MAX) return -1;
  }
  return (int64_t)r;
}

int qclr_binomial(int64_t n, int64_t k, int64_t *out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_binomial: NULL output");
  *out = 0;
  if (n < 0) return qclr__error(QCLR_EINVAL, "qclr_binomial: n = %lld < 0", (long long)n);
  if (k < 0 || k > n) return 0;
  int64_t c = binom_exact(n, k);
  if (c < 0)
    return qclr__error(QCLR_ETOOLARGE, "qclr_binomial: C(%lld, %lld) exceeds 2^63 - 1", (long long)n,
                       (long long)k);
  *out = c;
  return 0;
}

void qclr__binom_table_fill(qclr__binom_table C) {
  for (int n = 0; n <= 64; n++) {
    C[n][0] = 1;
    for (int k = 1; k <= 64; k++) C[n][k] = n == 0 ? 0 : C[n - 1][k - 1] + C[n - 1][k];
  }
}

int64_t qclr_ci_string_index(uint64_t s) {
  int64_t r = 0;
  for (int k = 1; s; k++, s &= s - 1) r += binom_exact(__builtin_ctzll(s), k);
  return r;
}

int qclr_ci_strings(int64_t norb, int64_t nel, uint64_t **strings, int64_t *count) {
  qclr__clear();
  if (!strings || !count) return qclr__error(QCLR_EINVAL, "qclr_ci_strings: NULL output");
  *strings = NULL;
  *count = 0;
  if (norb < 0 || norb > 64)
    return qclr__error(QCLR_EINVAL, "qclr_ci_strings: norb = %lld outside 0..64 (orbital p is bit p)",
                       (long long)norb);
  if (nel < 0 || nel > norb)
    return qclr__error(QCLR_EINVAL, "qclr_ci_strings: %lld electrons do not fit %lld orbitals", (long long)nel,
                       (long long)norb);
  int64_t n = binom_exact(norb, nel);
  if (n > INT32_MAX)
    return qclr__error(QCLR_ETOOLARGE, "qclr_ci_strings: C(%lld, %lld) = %lld strings exceed 2^31 - 1",
                       (long long)norb, (long long)nel, (long long)n);
  uint64_t *s = qclr__malloc((size_t)n, sizeof *s, "occupation strings");
  if (!s) return QCLR_ENOMEM;
  uint64_t x = nel == 64 ? ~0ull : (1ull << nel) - 1;
  for (int64_t i = 0; i < n; i++) {
    s[i] = x;
    if (i + 1 < n) { /* next larger integer with as many bits (Gosper) */
      uint64_t low = x & (~x + 1), ripple = x + low;
      x = (((ripple ^ x) >> 2) / low) | ripple;
    }
  }
  *strings = s;
  *count = n;
  return 0;
}

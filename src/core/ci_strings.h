/* src/core/ci_strings.h: the internal side of the occupation-string layer
 * (include/qclr/strings.h): a binomial table for loops that rank many strings. */
#ifndef QCLR_CI_STRINGS_H
#define QCLR_CI_STRINGS_H

#include <stdint.h>

#include "qclr/strings.h"

/* C[n][k] = C(n, k) for 0 <= n, k <= 64 (0 for k > n).  Every entry fits
 * int64_t: the largest, C(64, 32), is below 2^61.  33 KB: allocate it. */
typedef int64_t qclr__binom_table[65][65];

void qclr__binom_table_fill(qclr__binom_table C);

/* C(n, k) from the table, 0 outside 0 <= k <= n (n <= 64). */
static inline int64_t qclr__binom_at(const qclr__binom_table C, int n, int k) {
  return k < 0 || n < 0 || k > n ? 0 : C[n][k];
}

/* Rank of the bits of s when `first` set bits of another part sit below them
 * (sum over the set bits p_i of C(p_i, first + i + 1)); first = 0 gives
 * qclr_ci_string_index.  O(popcount). */
static inline int64_t qclr__ci_rank_from(uint64_t s, int first, const qclr__binom_table C) {
  int64_t r = 0;
  for (int k = first + 1; s; k++, s &= s - 1) r += C[__builtin_ctzll(s)][k];
  return r;
}

static inline int64_t qclr__ci_rank(uint64_t s, const qclr__binom_table C) { return qclr__ci_rank_from(s, 0, C); }

#endif

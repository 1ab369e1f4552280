/* tests/test_strings.c: the occupation-string layer (qclr/strings.h) against
 * independent references: Pascal's triangle in 128-bit integers for the
 * binomials, a scan of all bit patterns for the string lists, and the limits
 * (norb = 64, counts past 2^31 and binomials past 2^63 refused). */
#include "qclr.h"
#include "core/ci_strings.h"
#include "testutil.h"

static void test_binomial(void) {
  /* Pascal's triangle to n = 130 in unsigned 128-bit (C(130, 65) < 2^127) */
  static unsigned __int128 P[131][131];
  for (int n = 0; n <= 130; n++) {
    P[n][0] = 1;
    for (int k = 1; k <= n; k++) P[n][k] = P[n - 1][k - 1] + (k < n ? P[n - 1][k] : 0);
  }
  int bad = 0, refused = 0;
  for (int n = 0; n <= 130; n++)
    for (int k = -1; k <= n + 1; k++) {
      int64_t c = -7;
      int rc = qclr_binomial(n, k, &c);
      unsigned __int128 want = k < 0 || k > n ? 0 : P[n][k];
      if (want > (unsigned __int128)INT64_MAX) {
        refused += rc == QCLR_ETOOLARGE;
        bad += rc != QCLR_ETOOLARGE || c != 0;
      } else {
        bad += rc != 0 || (unsigned __int128)c != want;
      }
    }
  CHECK(bad == 0, "%d binomials differ from Pascal's triangle (n <= 130)", bad);
  CHECK(refused > 1000, "only %d binomials refused past 2^63", refused);
  int64_t c;
  CHECK_RC(qclr_binomial(64, 32, &c), 0);
  CHECK(c == 1832624140942590534LL, "C(64, 32) = %lld", (long long)c);
  CHECK_RC(qclr_binomial(1000000000, 2, &c), 0);
  CHECK(c == 499999999500000000LL, "C(1e9, 2) = %lld", (long long)c);
  CHECK_RC(qclr_binomial(INT64_MAX, 1, &c), 0);
  CHECK(c == INT64_MAX, "C(max, 1)");
  CHECK_RC(qclr_binomial(INT64_MAX, INT64_MAX - 1, &c), 0);
  CHECK(c == INT64_MAX, "C(max, max - 1)");
  CHECK_RC(qclr_binomial(INT64_MAX, 2, &c), QCLR_ETOOLARGE);
  CHECK_RC(qclr_binomial(3037000500LL, 2, &c), 0); /* 4.6e18: just below 2^63 */
  CHECK(c == 4611686016981624750LL, "C(3037000500, 2) = %lld", (long long)c);
  CHECK_RC(qclr_binomial(-1, 0, &c), QCLR_EINVAL);
  CHECK_RC(qclr_binomial(5, 2, NULL), QCLR_EINVAL);

  /* the internal table agrees with the public function */
  qclr__binom_table *T = malloc(sizeof *T);
  qclr__binom_table_fill(*T);
  bad = 0;
  for (int n = 0; n <= 64; n++)
    for (int k = 0; k <= 64; k++) bad += (unsigned __int128)(*T)[n][k] != (k > n ? 0 : P[n][k]);
  CHECK(bad == 0, "%d table entries differ", bad);
  free(T);
}

static void test_small_spaces(void) {
  qclr__binom_table *T = malloc(sizeof *T);
  qclr__binom_table_fill(*T);
  int bad_list = 0, bad_rank = 0;
  for (int norb = 0; norb <= 14; norb++)
    for (int nel = 0; nel <= norb; nel++) {
      uint64_t *s;
      int64_t n;
      int rc = qclr_ci_strings(norb, nel, &s, &n);
      if (rc) {
        bad_list++;
        continue;
      }
      /* brute force: every nel-bit pattern below 2^norb, in increasing order */
      int64_t j = 0;
      for (uint64_t x = 0; x < (1ull << norb); x++) {
        if (__builtin_popcountll(x) != nel) continue;
        if (j >= n || s[j] != x) bad_list++;
        if (qclr_ci_string_index(x) != j || qclr__ci_rank(x, *T) != j) bad_rank++;
        j++;
      }
      if (j != n) bad_list++;
      free(s);
    }
  CHECK(bad_list == 0, "%d string lists differ from the brute-force scan (norb <= 14)", bad_list);
  CHECK(bad_rank == 0, "%d ranks differ from the list positions", bad_rank);
  free(T);
}

static void test_limits(void) {
  uint64_t *s;
  int64_t n;
  CHECK_RC(qclr_ci_strings(64, 0, &s, &n), 0);
  CHECK(n == 1 && s[0] == 0, "no electrons: one empty string");
  free(s);
  CHECK_RC(qclr_ci_strings(64, 64, &s, &n), 0);
  CHECK(n == 1 && s[0] == ~0ull, "64 of 64: all bits");
  CHECK(qclr_ci_string_index(~0ull) == 0, "index of the full string");
  free(s);
  CHECK_RC(qclr_ci_strings(64, 1, &s, &n), 0);
  int ok = n == 64;
  for (int64_t i = 0; ok && i < n; i++) ok = s[i] == 1ull << i && qclr_ci_string_index(s[i]) == i;
  CHECK(ok, "one electron: bit p at position p");
  free(s);
  CHECK_RC(qclr_ci_strings(64, 63, &s, &n), 0);
  ok = n == 64;
  /* a hole in orbital h: ascending order puts the hole at 63 first */
  for (int64_t i = 0; ok && i < n; i++) ok = s[i] == ~(1ull << (63 - i)) && qclr_ci_string_index(s[i]) == i;
  CHECK(ok, "63 electrons: one hole, descending position");
  free(s);
  CHECK_RC(qclr_ci_strings(64, 2, &s, &n), 0);
  CHECK(n == 2016 && s[n - 1] == 3ull << 62 && qclr_ci_string_index(s[n - 1]) == 2015, "two electrons in 64");
  ok = 1;
  for (int64_t i = 1; i < n; i++) ok &= s[i] > s[i - 1] && qclr_ci_string_index(s[i]) == i;
  CHECK(ok, "two electrons in 64: ascending, ranks round-trip");
  free(s);
  CHECK_RC(qclr_ci_strings(64, 32, &s, &n), QCLR_ETOOLARGE);
  CHECK(s == NULL && n == 0, "refusal leaves empty outputs");
  CHECK_RC(qclr_ci_strings(34, 17, &s, &n), QCLR_ETOOLARGE); /* 2333606220 > 2^31 - 1 */
  CHECK_RC(qclr_ci_strings(65, 1, &s, &n), QCLR_EINVAL);
  CHECK_RC(qclr_ci_strings(-1, 0, &s, &n), QCLR_EINVAL);
  CHECK_RC(qclr_ci_strings(4, 5, &s, &n), QCLR_EINVAL);
  CHECK_RC(qclr_ci_strings(4, -1, &s, &n), QCLR_EINVAL);
  CHECK_RC(qclr_ci_strings(4, 2, NULL, &n), QCLR_EINVAL);
  CHECK_RC(qclr_ci_strings(0, 0, &s, &n), 0);
  CHECK(n == 1 && s[0] == 0, "no orbitals: one empty string");
  free(s);
}

int main(void) {
  test_binomial();
  test_small_spaces();
  test_limits();
  return test_done("test_strings");
}

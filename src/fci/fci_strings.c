/* src/fci_strings.c: occupation strings in ascending integer order, their
 * index (combinatorial number system: ascending integers of equal popcount
 * are in colexicographic order, so rank = sum_k C(pos_k, k+1)), and the
 * single-replacement lists E_pq |I> = sign |J>. */
#include <stdlib.h>
#include <string.h>

#include "fci/fci_internal.h"
#include "core/internal.h"

/* C(n, k) for n <= 64; -1 when the value exceeds INT64_MAX. */
static int64_t binom(int n, int k) {
  if (k < 0 || k > n) return 0;
  if (k > n - k) k = n - k;
  unsigned __int128 r = 1;
  for (int i = 1; i <= k; i++) {
    r = r * (unsigned)(n - k + i) / (unsigned)i;
    if (r > (unsigned __int128)INT64_MAX) return -1;
  }
  return (int64_t)r;
}

int64_t qclr__fci_nstrings(int norb, int nel) {
  int64_t c = binom(norb, nel);
  return (c < 0 || c > INT32_MAX) ? -1 : c;
}

int64_t qclr_fci_string_index(uint64_t s) {
  int64_t idx = 0;
  int k = 0;
  while (s) {
    int pos = __builtin_ctzll(s);
    idx += binom(pos, k + 1);
    k++;
    s &= s - 1;
  }
  return idx;
}

int qclr_fci_strings(int norb, int nel, uint64_t **strings, int64_t *count) {
  qclr__clear();
  if (!strings || !count) return qclr__error(QCLR_EINVAL, "qclr_fci_strings: NULL output");
  *strings = NULL;
  *count = 0;
  if (norb < 0 || norb > 64)
    return qclr__error(QCLR_EINVAL, "qclr_fci_strings: norb = %d outside 0..64", norb);
  if (nel < 0 || nel > norb)
    return qclr__error(QCLR_EINVAL, "qclr_fci_strings: %d electrons do not fit %d orbitals", nel, norb);
  int64_t n = qclr__fci_nstrings(norb, nel);
  if (n < 0)
    return qclr__error(QCLR_ETOOLARGE, "C(%d, %d) strings exceed 2^31 (and any CI vector)", norb, nel);
  uint64_t *s = qclr__malloc((size_t)n, sizeof *s, "strings");
  if (!s) return QCLR_ENOMEM;
  uint64_t x = nel == 64 ? ~0ull : (1ull << nel) - 1;
  for (int64_t i = 0; i < n; i++) {
    s[i] = x;
    if (i + 1 < n) { /* next larger integer with the same popcount (Gosper) */
      uint64_t c = x & (~x + 1), r = x + c;
      x = (((r ^ x) >> 2) / c) | r;
    }
  }
  *strings = s;
  *count = n;
  return 0;
}

void qclr__fci_strings_free(qclr__fci_strings *s) {
  if (!s) return;
  free(s->str);
  free(s->link);
  s->str = NULL;
  s->link = NULL;
}

int qclr__fci_strings_build(int norb, int nel, qclr__fci_strings *s) {
  memset(s, 0, sizeof *s);
  s->norb = norb;
  s->nel = nel;
  int rc = qclr_fci_strings(norb, nel, &s->str, &s->nstr);
  if (rc) return rc;
  s->nlink = nel * (norb - nel + 1);
  size_t nl = (size_t)s->nstr * (size_t)s->nlink;
  s->link = qclr__malloc(nl ? nl : 1, sizeof *s->link, "replacement lists");
  if (!s->link) {
    qclr__fci_strings_free(s);
    return QCLR_ENOMEM;
  }
  for (int64_t I = 0; I < s->nstr; I++) {
    uint64_t x = s->str[I];
    qclr__fci_link *L = s->link + (size_t)I * (size_t)s->nlink;
    int k = 0;
    for (int q = 0; q < norb; q++)
      if (x >> q & 1) L[k++] = (qclr__fci_link){(int32_t)I, (uint8_t)q, (uint8_t)q, 1, 0};
    for (int q = 0; q < norb; q++) {
      if (!(x >> q & 1)) continue;
      uint64_t y = x & ~(1ull << q);
      int sq = __builtin_popcountll(x & ((1ull << q) - 1));
      for (int p = 0; p < norb; p++) {
        if (y >> p & 1 || p == q) continue;
        int sp = __builtin_popcountll(y & ((1ull << p) - 1));
        uint64_t z = y | (1ull << p);
        L[k++] = (qclr__fci_link){(int32_t)qclr_fci_string_index(z), (uint8_t)p, (uint8_t)q,
                                  (int8_t)(((sp + sq) & 1) ? -1 : 1), 0};
      }
    }
  }
  return 0;
}

/* src/fci/fci_strings.c: the single-replacement lists E_pq |I> = sign |J> over
 * the occupation strings of src/core/ci_strings.c. */
#include <stdlib.h>
#include <string.h>

#include "fci/fci_internal.h"
#include "core/internal.h"
#include "qclr/strings.h"

int64_t qclr__fci_nstrings(int norb, int nel) {
  int64_t c;
  if (qclr_binomial(norb, nel, &c)) return -1;
  return c > INT32_MAX ? -1 : c;
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
  int rc = qclr_ci_strings(norb, nel, &s->str, &s->nstr);
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
        L[k++] = (qclr__fci_link){(int32_t)qclr_ci_string_index(z), (uint8_t)p, (uint8_t)q,
                                  (int8_t)(((sp + sq) & 1) ? -1 : 1), 0};
      }
    }
  }
  return 0;
}

/* src/parse_double.c: fast, correctly rounded decimal -> double.
 *
 * Up to 19 significant digits are gathered into a uint64 m, so the value is
 * m * 10^k (exactly, or within [m, m+1) * 10^k when digits were dropped).
 * On x86 the 64-bit significand of long double holds m exactly and 10^k for
 * |k| <= 27 exactly, so one x87 multiply or divide gives m*10^k with an error
 * of at most half a long-double ulp (two operations for |k| <= 54: one ulp).
 * Rounding that to double is then the correctly rounded result unless the
 * long double lies within a few ulps of a midpoint between two doubles, which
 * shows in its 11 extra significand bits.  Those rare cases, dropped digits
 * whose bounds round differently, other exponents and other platforms go to
 * strtod on a normalized copy of the token.  So the result is always the one
 * strtod gives. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/parse_double.h"

#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
#define QCLR_X87_FAST_PATH 1
static const long double pow10_ld[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
    1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
    1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/* m * 10^k, or (truncated != 0) any value in [m, m+1) * 10^k, rounded to
 * double if that is provably the correct rounding; 0 if unsure.  The long
 * double y carries error <= 1 ulp; [m, m+1) * 10^k spans < 2^64/m <= 18.5
 * ulps above y (m has 19 digits when truncated), so no double midpoint
 * (low 11 bits 0x400) may lie in [y - 4, y + 22] ulps. */
static int scale_x87(uint64_t m, int k, int truncated, double *out) {
  long double y = (long double)m;
  if (k >= 0) {
    if (k > 54) return 0;
    if (k > 27) {
      y *= pow10_ld[27];
      k -= 27;
    }
    y *= pow10_ld[k];
  } else {
    k = -k;
    if (k > 54) return 0;
    if (k > 27) {
      y /= pow10_ld[27];
      k -= 27;
    }
    y /= pow10_ld[k];
  }
  if (!(y >= (long double)DBL_MIN && y <= (long double)DBL_MAX)) return 0;
  uint64_t sig;
  memcpy(&sig, &y, sizeof sig); /* x87 layout: explicit 64-bit significand first */
  unsigned low = (unsigned)(sig & 0x7FF);
  if (low + (truncated ? 22u : 4u) >= 0x400u && low <= 0x400u + 4u) return 0;
  *out = (double)y;
  return 1;
}
#endif

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* If the 8 bytes at p are all ASCII digits, their value (p[0] most
 * significant); else -1.  Pairs, then quads, then the two halves are merged
 * with shifts and multiplies instead of eight dependent steps. */
static int64_t eight_digits(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  /* every byte 0x30..0x39: high nibble 3, and low nibble + 6 stays below 16 */
  if ((v & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull ||
      ((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull)
    return -1;
  uint64_t lo = v - 0x3030303030303030ull; /* digit values, no borrows */
  /* little-endian: byte i is the i-th character */
  uint64_t x = lo * 10 + (lo >> 8);             /* even bytes: 2-digit values */
  x &= 0x00FF00FF00FF00FFull;
  x = x * 100 + (x >> 16);                      /* even 16-bit lanes: 4 digits */
  x &= 0x0000FFFF0000FFFFull;
  return (int64_t)((x & 0xFFFFFFFFull) * 10000 + (x >> 32));
}

/* strtod on a NUL-terminated copy of [p, q) with D exponents and Fortran
 * bare exponents rewritten to 'e'. */
static double slow_parse(const char *p, const char *q) {
  char local[256];
  size_t n = (size_t)(q - p);
  char *s = n + 2 <= sizeof local ? local : malloc(n + 2);
  if (!s) return 0.0; /* only for tokens longer than 254 chars when malloc fails */
  size_t j = 0;
  int in_exp = 0, seen_digit = 0;
  for (const char *c = p; c < q; c++) {
    char ch = *c;
    if (ch == 'd' || ch == 'D' || ch == 'E') ch = 'e';
    if (ch == 'e') in_exp = 1;
    if ((ch == '+' || ch == '-') && seen_digit && !in_exp) {
      s[j++] = 'e';
      in_exp = 1;
    }
    if (is_digit(ch)) seen_digit = 1;
    s[j++] = ch;
  }
  s[j] = '\0';
  double v = strtod(s, NULL);
  if (s != local) free(s);
  return v;
}

const char *qclr__parse_double(const char *p, const char *end, double *out) {
  const char *start = p;
  int neg = 0;
  if (p < end && (*p == '+' || *p == '-')) neg = (*p++ == '-');
  uint64_t m = 0;
  int nd = 0;          /* significant digits kept in m */
  int ndigits = 0;     /* all mantissa digits seen */
  int truncated = 0;   /* a nonzero digit was dropped */
  int64_t k = 0;       /* decimal exponent of m */
  while (p < end && is_digit(*p)) {
    unsigned d = (unsigned)(*p++ - '0');
    ndigits++;
    if (nd < 19) {
      if (m == 0 && d == 0) continue;
      m = m * 10 + d;
      nd++;
    } else {
      k++;
      if (d) truncated = 1;
    }
  }
  if (p < end && *p == '.') {
    p++;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (m != 0)
      while (nd <= 11 && end - p >= 8) {
        int64_t e8 = eight_digits(p);
        if (e8 < 0) break;
        m = m * 100000000u + (uint64_t)e8;
        nd += 8;
        k -= 8;
        ndigits += 8;
        p += 8;
      }
#endif
    while (p < end && is_digit(*p)) {
      unsigned d = (unsigned)(*p++ - '0');
      ndigits++;
      if (nd < 19) {
        k--;
        if (m == 0 && d == 0) continue;
        m = m * 10 + d;
        nd++;
      } else if (d) {
        truncated = 1;
      }
    }
  }
  if (ndigits == 0) return NULL;
  /* exponent: [eEdD][+-]digits, or a bare [+-]digits (Fortran, |exp| > 99) */
  if (p < end) {
    const char *e = p;
    int has_letter = (*e == 'e' || *e == 'E' || *e == 'd' || *e == 'D');
    if (has_letter) e++;
    int eneg = 0, sign = 0;
    if (e < end && (*e == '+' || *e == '-')) {
      eneg = (*e++ == '-');
      sign = 1;
    }
    if ((has_letter || sign) && e < end && is_digit(*e)) {
      int64_t ex = 0;
      while (e < end && is_digit(*e)) {
        if (ex < 100000) ex = ex * 10 + (*e - '0');
        e++;
      }
      k += eneg ? -ex : ex;
      p = e;
    }
  }
  if (m == 0) {
    *out = neg ? -0.0 : 0.0;
    return p;
  }
#ifdef QCLR_X87_FAST_PATH
  if (k >= -54 && k <= 54) {
    double v;
    if (scale_x87(m, (int)k, truncated, &v)) {
      *out = neg ? -v : v;
      return p;
    }
  }
#else
  (void)truncated;
#endif
  *out = slow_parse(start, p);
  return p;
}

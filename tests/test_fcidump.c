/* tests/test_fcidump.c: FCIDUMP reader and writer.
 *
 * References: the Psi4 SCF energies in inputs/reference.json (e_ref of each
 * shipped file, tolerance 1e-8 Ha), strtod (the decimal parser must give the
 * identical double), and the shipped h2o_sto-3g file itself (every dialect
 * variant generated here from its lines must give a bit-identical
 * Hamiltonian).  Error cases check the status code and the "file:line:" in
 * the message. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "qclr.h"
#include "testutil.h"

/* internal (src/parse_double.h), exported by the library */
const char *qclr__parse_double(const char *p, const char *end, double *out);

/* ------------------------------------------------------------ helpers */

typedef struct {
  char *s;
  size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
    if (!b->s) abort();
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}
static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  sbuf b = {0};
  char tmp[65536];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) sb_add(&b, tmp, n);
  fclose(f);
  *len = b.n;
  return b.s;
}

/* Parse from an exact-size heap copy (no NUL after it: ASan catches overreads). */
static int read_exact(const char *text, size_t len, const char *name, qclr_hamiltonian **H,
                      qclr_fcidump_info *info, const qclr_fcidump_read_options *o) {
  char *copy = malloc(len ? len : 1);
  memcpy(copy, text, len);
  int rc = qclr_fcidump_read_buffer(copy, len, name, o, H, info);
  free(copy);
  return rc;
}

static int same_hamiltonian(const qclr_hamiltonian *A, const qclr_hamiltonian *B) {
  int64_t N = qclr_hamiltonian_norb(A), np = qclr_hamiltonian_npair(A);
  if (N != qclr_hamiltonian_norb(B)) return 0;
  if (qclr_hamiltonian_nelec(A) != qclr_hamiltonian_nelec(B)) return 0;
  if (qclr_hamiltonian_ms2(A) != qclr_hamiltonian_ms2(B)) return 0;
  double ea = qclr_hamiltonian_e_core(A), eb = qclr_hamiltonian_e_core(B);
  if (memcmp(&ea, &eb, sizeof ea)) return 0;
  if (memcmp(qclr_hamiltonian_h(A), qclr_hamiltonian_h(B), (size_t)(N * N) * sizeof(double)))
    return 0;
  if (memcmp(qclr_hamiltonian_vpair(A), qclr_hamiltonian_vpair(B), (size_t)(np * np) * sizeof(double)))
    return 0;
  return !memcmp(qclr_hamiltonian_orbsym(A), qclr_hamiltonian_orbsym(B), (size_t)N * sizeof(int));
}

/* ------------------------------------------------- decimal parser vs strtod */

static void check_parse(const char *s, int *bad) {
  double a, b = strtod(s, NULL);
  const char *end = s + strlen(s);
  const char *q = qclr__parse_double(s, end, &a);
  if (!q || q != end || memcmp(&a, &b, sizeof a)) {
    if (*bad < 5) fprintf(stderr, "parse '%s': got %.17g, strtod %.17g\n", s, q ? a : 0.0, b);
    (*bad)++;
  }
}

static void test_parse_double(void) {
  unsigned long long seed = 12345;
  char s[128];
  int bad = 0;
  long count = 0;
  for (int i = 0; i < 300000; i++) {
    /* random finite doubles in every binade used by integrals, and beyond */
    uint64_t bits;
    double x;
    do {
      double u = test_rand(&seed), w = test_rand(&seed);
      bits = (uint64_t)(u * 9007199254740992.0) ^ ((uint64_t)(w * 4294967296.0) << 32);
      memcpy(&x, &bits, sizeof x);
    } while (!isfinite(x));
    if (i % 3 == 0) x = test_rand(&seed) * pow(10.0, (int)(test_rand(&seed) * 20) - 12);
    snprintf(s, sizeof s, "%.17g", x), check_parse(s, &bad);
    snprintf(s, sizeof s, "%.16E", x), check_parse(s, &bad);
    snprintf(s, sizeof s, "%.20E", x), check_parse(s, &bad);
    snprintf(s, sizeof s, "%.15g", x), check_parse(s, &bad);
    snprintf(s, sizeof s, "%.25f", x), check_parse(s, &bad);
    count += 5;
  }
  /* random decimal strings with 1..30 digits: exercises ties and truncation */
  for (int i = 0; i < 200000; i++) {
    int nd = 1 + (int)((test_rand(&seed) + 1) * 15), k = 0;
    if (test_rand(&seed) < 0) s[k++] = '-';
    for (int d = 0; d < nd; d++) {
      if (d == 1) s[k++] = '.';
      s[k++] = (char)('0' + (int)((test_rand(&seed) + 1) * 5));
    }
    snprintf(s + k, sizeof s - (size_t)k, "e%d", (int)(test_rand(&seed) * 40));
    check_parse(s, &bad);
    count++;
  }
  /* exact halfway cases between doubles (1 + 2^-53 etc.) */
  const char *ties[] = {"1.00000000000000011102230246251565404236316680908203125",
                        "1.00000000000000011102230246251565404236316680908203124",
                        "1.00000000000000011102230246251565404236316680908203126",
                        "9007199254740993", "9007199254740995", "2.2250738585072014e-308",
                        "4.9e-324", "1.7976931348623157e308", "0.1", "0.000", "-0.0",
                        "123456789012345678901234567890", "1e23", "8.98846567431158e307"};
  for (size_t i = 0; i < sizeof ties / sizeof *ties; i++) check_parse(ties[i], &bad), count++;
  CHECK(bad == 0, "%d of %ld decimal strings parsed differently from strtod", bad, count);
  /* D exponents and Fortran's bare 3-digit exponent */
  double v;
  const char *t = "1.5D-03";
  CHECK(qclr__parse_double(t, t + 7, &v) == t + 7 && v == 1.5e-3, "D exponent: %g", v);
  t = "2.5-100";
  CHECK(qclr__parse_double(t, t + 7, &v) == t + 7 && v == 2.5e-100, "bare exponent: %g", v);
  t = "nan";
  CHECK(qclr__parse_double(t, t + 3, &v) == NULL, "nan accepted");
  /* never reads past end: "1.5" with end after "1." */
  t = "1.5";
  CHECK(qclr__parse_double(t, t + 2, &v) == t + 2 && v == 1.0, "bounded parse: %g", v);
}

/* ---------------------------------------------------------- dialects */

typedef struct {
  char val[64];
  long idx[4];
} line_rec;

/* Records of a Psi4 FCIDUMP (text of the value kept verbatim). */
static int split_records(const char *text, line_rec **out) {
  const char *p = strstr(text, "&END");
  if (!p) return -1;
  p = strchr(p, '\n') + 1;
  int n = 0, cap = 1024;
  line_rec *r = malloc((size_t)cap * sizeof *r);
  while (*p) {
    const char *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    char line[256];
    size_t len = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) : sizeof line - 1;
    memcpy(line, p, len);
    line[len] = '\0';
    if (n == cap) r = realloc(r, (size_t)(cap *= 2) * sizeof *r);
    if (sscanf(line, "%63s %ld %ld %ld %ld", r[n].val, &r[n].idx[0], &r[n].idx[1], &r[n].idx[2],
               &r[n].idx[3]) == 5)
      n++;
    p = *eol ? eol + 1 : eol;
  }
  *out = r;
  return n;
}

static long unique_key(const long *x) {
  long a = x[0] - 1, b = x[1] - 1, c = x[2] - 1, d = x[3] - 1;
  if (x[0] == 0) return -1 - (x[1] + x[2] + x[3]); /* core */
  if (x[2] == 0) return 1000000 + (a > b ? a * (a + 1) / 2 + b : b * (b + 1) / 2 + a);
  long pq = a > b ? a * (a + 1) / 2 + b : b * (b + 1) / 2 + a;
  long rs = c > d ? c * (c + 1) / 2 + d : d * (d + 1) / 2 + c;
  return pq > rs ? pq * (pq + 1) / 2 + rs : rs * (rs + 1) / 2 + pq;
}

static void emit(sbuf *b, const line_rec *r, const char *sep, int dexp, int permute) {
  char val[64];
  snprintf(val, sizeof val, "%s", r->val);
  if (dexp)
    for (char *c = val; *c; c++)
      if (*c == 'E') *c = 'D';
  long i = r->idx[0], j = r->idx[1], k = r->idx[2], l = r->idx[3];
  if (permute && k != 0) { /* an equivalent index order: (ji|lk) or (kl|ij) */
    long t;
    if (permute & 1) t = i, i = j, j = t, t = k, k = l, l = t;
    if (permute & 2) t = i, i = k, k = t, t = j, j = l, l = t;
  } else if (permute && j != 0 && (permute & 1)) {
    long t = i;
    i = j, j = t;
  }
  char line[160];
  snprintf(line, sizeof line, "%s%s%s%ld%s%ld%s%ld%s%ld\n", sep, val, sep, i, sep, j, sep, k, sep, l);
  sb_puts(b, line);
}

static void test_dialects(void) {
  size_t len;
  char *text = slurp(test_input("h2o_sto-3g.fcidump"), &len);
  CHECK(text != NULL, "cannot read h2o_sto-3g.fcidump");
  if (!text) return;
  qclr_hamiltonian *ref = NULL, *H;
  qclr_fcidump_info info;
  CHECK_RC(read_exact(text, len, "h2o", &ref, &info, NULL), 0);
  if (!ref) return;
  CHECK(info.eight_fold == 0, "Psi4 file lists (ij|kl) and (kl|ij): expected a 4-fold listing");
  line_rec *rec = NULL;
  int n = split_records(text, &rec);
  if (n < 0) n = 0;
  CHECK(n == (int)info.records, "records %d vs info %lld", n, (long long)info.records);
  /* last occurrence of each unique element (the reader keeps the last) */
  int *last = calloc((size_t)n, sizeof(int));
  for (int a = 0; a < n; a++) {
    last[a] = 1;
    for (int b = a + 1; b < n; b++)
      if (unique_key(rec[a].idx) == unique_key(rec[b].idx)) last[a] = 0;
  }
  const char *orbsym = "1,1,1,1,1,1,1,";
  const char *headers[] = {
      /* PySCF: one line with the first keys, ORBSYM and ISYM on their own lines */
      "&FCI NORB=  7,NELEC=10,MS2=0,\n  ORBSYM=1,1,1,1,1,1,1,\n  ISYM=1,\n&END\n",
      /* everything on one line */
      "&FCI NORB=  7,NELEC=10,MS2=0, ORBSYM=1,1,1,1,1,1,1, ISYM=1, &END\n",
      /* Molpro namelist with / and a repeat count */
      " &FCI NORB=7,NELEC=10,MS2=0,\n ORBSYM=7*1,\n ISYM=1,\n /\n",
      /* $END, lowercase keys, tabs */
      "$fci norb=7\tnelec=10\n\tms2=0 orbsym=1 1 1 1 1 1 1 isym=1 uhf=.false.\n$end\n",
      /* no MS2 (default 0), no ORBSYM, extra blank lines */
      "\n\n  &fci\n   NORB = 7 ,\n   NELEC = 10 ,\n  &end\n\n",
  };
  (void)orbsym;
  for (int variant = 0; variant < 9; variant++) {
    sbuf b = {0};
    const char *sep = "   ";
    int dexp = 0, eight = 0, reverse = 0, permute = 0, orben = 0, crlf = 0;
    int hdr = variant % 5;
    switch (variant) {
    case 1: sep = "\t"; break;
    case 2: dexp = 1; break;
    case 3: eight = 1, reverse = 1; break;
    case 4: eight = 1, permute = 1, orben = 1; break;
    case 5: eight = 1, permute = 2, sep = " \t  "; break;
    case 6: eight = 1, permute = 3, dexp = 1, reverse = 1; break;
    case 7: crlf = 1; break;
    case 8: sep = " "; break;
    default: break;
    }
    sb_puts(&b, headers[hdr]);
    for (int a = 0; a < n; a++) {
      int i = reverse ? n - 1 - a : a;
      if (eight && !last[i]) continue;
      emit(&b, &rec[i], sep, dexp, permute);
      if (orben && a % 40 == 0) sb_puts(&b, "  -1.0  3  0  0  0\n");
    }
    if (crlf) {
      sbuf c = {0};
      for (size_t k = 0; k < b.n; k++) {
        if (b.s[k] == '\n') sb_puts(&c, "\r");
        sb_add(&c, b.s + k, 1);
      }
      free(b.s);
      b = c;
    }
    char name[32];
    snprintf(name, sizeof name, "variant%d", variant);
    H = NULL;
    int rc = read_exact(b.s, b.n, name, &H, &info, NULL);
    CHECK(rc == 0, "%s: %s", name, qclr_last_error());
    if (H) {
      CHECK(same_hamiltonian(ref, H), "%s: Hamiltonian differs from the Psi4 original", name);
      CHECK(info.eight_fold == eight, "%s: eight_fold = %d", name, info.eight_fold);
      if (orben) CHECK(info.orbital_energy_records > 0, "%s: orbital energies not counted", name);
    }
    qclr_hamiltonian_free(H);
    free(b.s);
  }
  free(last);
  free(rec);
  free(text);
  qclr_hamiltonian_free(ref);
}

/* ------------------------------------------------------------- errors */

static void expect_error(const char *text, int want_rc, int want_line, const char *want_words,
                         const char *what) {
  qclr_hamiltonian *H = NULL;
  int rc = read_exact(text, strlen(text), "bad.fcidump", &H, NULL, NULL);
  CHECK(rc == want_rc, "%s: got %d (%s), want %d", what, rc, qclr_last_error(), want_rc);
  CHECK(H == NULL, "%s: *out set on failure", what);
  char tag[64];
  snprintf(tag, sizeof tag, "bad.fcidump:%d:", want_line);
  CHECK(strstr(qclr_last_error(), tag) != NULL, "%s: message '%s' lacks '%s'", what,
        qclr_last_error(), tag);
  if (want_words)
    CHECK(strstr(qclr_last_error(), want_words) != NULL, "%s: message '%s' lacks '%s'", what,
          qclr_last_error(), want_words);
  qclr_hamiltonian_free(H);
}

static void test_errors(void) {
  const char *hdr = "&FCI NORB=2,NELEC=2,MS2=0,\n ORBSYM=1,1,\n ISYM=1,\n&END\n"; /* 4 lines */
  const char *body = " 0.67 1 1 1 1\n 0.66 1 1 2 2\n 0.18 2 1 2 1\n 0.69 2 2 2 2\n"
                     " -1.25 1 1 0 0\n -0.47 2 2 0 0\n 0.71 0 0 0 0\n"; /* lines 5-11 */
  char t[1024];
  expect_error("", QCLR_EPARSE, 1, "empty file", "empty file");
  expect_error("\n  \n", QCLR_EPARSE, 3, "empty file", "blank file");
  expect_error(hdr, QCLR_EPARSE, 5, "no integrals", "header only");
  expect_error("NORB=2\n", QCLR_EPARSE, 1, "&FCI", "no &FCI");
  expect_error("&FCI NELEC=2,MS2=0\n&END\n 1.0 1 1 1 1\n", QCLR_EPARSE, 1, "NORB", "no NORB");
  expect_error("&FCI\n NORB=2,\n&END\n 1.0 1 1 1 1\n", QCLR_EPARSE, 1, "NELEC", "no NELEC");
  expect_error("&FCI NORB=two,NELEC=2 &END\n1.0 1 1 1 1\n", QCLR_EPARSE, 1, "integer", "NORB=two");
  expect_error("&FCI NORB=0,NELEC=0 &END\n1.0 0 0 0 0\n", QCLR_EPARSE, 1, "NORB", "NORB=0");
  expect_error("&FCI NORB=2,NELEC=5 &END\n1.0 1 1 1 1\n", QCLR_EPARSE, 1, "NELEC", "NELEC > 2N");
  expect_error("&FCI NORB=2,NELEC=2,MS2=1 &END\n1.0 1 1 1 1\n", QCLR_EPARSE, 1, "MS2", "MS2 parity");
  expect_error("&FCI NORB=2,\nNELEC=2,\nORBSYM=1,1,1\n&END\n1.0 1 1 1 1\n", QCLR_EPARSE, 3,
               "ORBSYM", "ORBSYM length");
  expect_error("&FCI NORB=2,NELEC=2,\nMS2=0,\n", QCLR_EPARSE, 3, "&END", "unterminated header");
  snprintf(t, sizeof t, "%s%s 1.0 1 3 1 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "out of range", "index > NORB");
  snprintf(t, sizeof t, "%s 1.0 1 1 -2 1\n%s", hdr, body);
  expect_error(t, QCLR_EPARSE, 5, "negative", "negative index");
  snprintf(t, sizeof t, "%s%s NaN 1 1 1 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "NaN", "NaN value");
  snprintf(t, sizeof t, "%s%s -inf 1 1 1 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "Inf", "Inf value");
  snprintf(t, sizeof t, "%s 1e400 1 1 1 1\n", hdr);
  expect_error(t, QCLR_EPARSE, 5, "range", "overflowing value");
  snprintf(t, sizeof t, "%s%s 1.7e308 1 1 1 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "overflow", "a value whose products overflow");
  snprintf(t, sizeof t, "%s%s 1e-400 1 1 1 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "below the range", "underflowing value");
  snprintf(t, sizeof t, "%s%s 2.5-400 1 1 1 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "below the range", "underflowing value, Fortran exponent");
  expect_error("&FCI NORB=3,NELEC=2,\n NORB=2,\n&END\n 1.0 1 1 1 1\n", QCLR_EPARSE, 2,
               "NORB given twice", "duplicate NORB");
  expect_error("&FCI NORB=2,NELEC=2,\nORBSYM=1,1,\nORBSYM=1,1,\n&END\n 1.0 1 1 1 1\n", QCLR_EPARSE,
               3, "ORBSYM given twice", "duplicate ORBSYM");
  snprintf(t, sizeof t, "%s 0.5 1 1 1 1\n abc 1 1 1 1\n", hdr);
  expect_error(t, QCLR_EPARSE, 6, "expected a number", "non-numeric value");
  snprintf(t, sizeof t, "%s 0.5 1 1 1 1\n 0.5 1 x 1 1\n", hdr);
  expect_error(t, QCLR_EPARSE, 6, "integer", "non-numeric index");
  snprintf(t, sizeof t, "%s%s 0.5 1 1 2\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "truncated", "truncated line");
  snprintf(t, sizeof t, "%s%s 0.5 1 1 2", hdr, body); /* no final newline */
  expect_error(t, QCLR_EPARSE, 12, "truncated", "truncated last line");
  snprintf(t, sizeof t, "%s 0.5 1 1 2 2 junk\n%s", hdr, body);
  expect_error(t, QCLR_EPARSE, 5, "trailing", "trailing garbage");
  snprintf(t, sizeof t, "%s 0.5 1 1 2 2 0\n", hdr);
  expect_error(t, QCLR_EPARSE, 5, "trailing", "sixth field");
  snprintf(t, sizeof t, "%s 0.5 1 0 2 0\n", hdr);
  expect_error(t, QCLR_EPARSE, 5, "index pattern", "bad index pattern");
  /* conflicting duplicates: (12|21) on line 12 equals (21|21) on line 7 */
  snprintf(t, sizeof t, "%s%s 0.19 1 2 2 1\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "line 7", "conflicting ERI duplicates");
  snprintf(t, sizeof t, "%s%s -1.26 1 1 0 0\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "line 9", "conflicting h duplicates");
  snprintf(t, sizeof t, "%s%s 0.72 0 0 0 0\n", hdr, body);
  expect_error(t, QCLR_EPARSE, 12, "line 11", "conflicting core energies");
  /* UHF */
  expect_error("&FCI NORB=2,NELEC=2,MS2=0,\n UHF=.TRUE.,\n&END\n 1.0 1 1 1 1\n", QCLR_EUNSUPPORTED,
               2, "UHF", "UHF=.TRUE.");
  expect_error("&FCI NORB=2,NELEC=2,MS2=0,IUHF=1 /\n 1.0 1 1 1 1\n", QCLR_EUNSUPPORTED, 1, "UHF",
               "IUHF=1");
  /* NORB too large: refused before allocation, with the bytes needed */
  expect_error("&FCI NORB=100000,NELEC=2 &END\n 1.0 1 1 1 1\n", QCLR_ETOOLARGE, 1, "bytes",
               "NORB=100000");
  /* 162 TB: more than any machine running this test */
  expect_error("&FCI\n NORB=3000,NELEC=2\n&END\n 1.0 1 1 1 1\n", QCLR_ETOOLARGE, 2, "bytes",
               "NORB=3000");
  qclr_fcidump_read_options o;
  qclr_fcidump_read_options_default(&o);
  o.max_bytes = 1000;
  qclr_hamiltonian *H = NULL;
  snprintf(t, sizeof t, "&FCI NORB=20,NELEC=2 &END\n 1.0 1 1 1 1\n");
  CHECK_RC(read_exact(t, strlen(t), "big", &H, NULL, &o), QCLR_ETOOLARGE);
  CHECK(strstr(qclr_last_error(), "bytes") && strstr(qclr_last_error(), "big:1:"),
        "max_bytes message: %s", qclr_last_error());
  /* relaxed duplicate tolerance accepts what the default refuses */
  o.max_bytes = 0;
  o.duplicate_tol = 0.1;
  snprintf(t, sizeof t, "%s%s 0.19 1 2 2 1\n", hdr, body);
  CHECK_RC(read_exact(t, strlen(t), "tol", &H, NULL, &o), 0);
  if (H) CHECK(qclr_hamiltonian_eri(H, 1, 0, 1, 0) == 0.19, "last duplicate kept");
  qclr_hamiltonian_free(H);
  /* missing file */
  H = NULL;
  CHECK_RC(qclr_fcidump_read("/nonexistent/dir/x.fcidump", NULL, &H, NULL), QCLR_EIO);
  /* every prefix of a valid file: either parses or fails cleanly */
  snprintf(t, sizeof t, "%s%s", hdr, body);
  size_t L = strlen(t);
  int ok = 1;
  for (size_t k = 0; k <= L; k++) {
    H = NULL;
    int rc = read_exact(t, k, "prefix", &H, NULL, NULL);
    if (!(rc == 0 || rc == QCLR_EPARSE) || (rc == 0) != (H != NULL)) ok = 0;
    qclr_hamiltonian_free(H);
  }
  CHECK(ok, "a prefix of a valid file gave an unexpected status");
}

/* ------------------------------------- shipped inputs: energies, round trip */

/* e_scf of the record with "file": "<file>" in reference.json (NAN if absent). */
static double reference_escf(const char *json, const char *file) {
  char key[256];
  snprintf(key, sizeof key, "\"file\": \"%s\"", file);
  const char *p = strstr(json, key);
  if (!p) return NAN;
  const char *next = strstr(p + 1, "\"file\": \"");
  const char *e = strstr(p, "\"e_scf\":");
  if (!e || (next && e > next)) return NAN;
  return strtod(e + 8, NULL);
}

static void test_inputs(void) {
  size_t jlen;
  char *json = slurp(test_input("reference.json"), &jlen);
  CHECK(json != NULL, "cannot read reference.json");
  if (!json) return;
  char tmp[] = "/tmp/qclr-test-fcidump-XXXXXX";
  int fd = mkstemp(tmp);
  CHECK(fd >= 0, "mkstemp");
  if (fd < 0) return;
  close(fd);
  int nfiles = 0;
  /* every file named in reference.json */
  for (const char *p = strstr(json, "\"file\": \""); p; p = strstr(p + 1, "\"file\": \"")) {
    char file[128];
    if (sscanf(p + 9, "%127[^\"]", file) != 1) continue;
    double escf = reference_escf(json, file);
    qclr_hamiltonian *H = NULL, *H2 = NULL;
    qclr_fcidump_info info;
    int rc = qclr_fcidump_read(test_input(file), NULL, &H, &info);
    CHECK(rc == 0, "%s: %s", file, qclr_last_error());
    if (rc) continue;
    nfiles++;
    double e;
    CHECK_RC(qclr_hamiltonian_e_ref(H, &e), 0);
    CHECK_CLOSE(e, escf, 1e-8, file);
    CHECK(info.max_duplicate_discrepancy < 1e-12, "%s: duplicate discrepancy %g", file,
          info.max_duplicate_discrepancy);
    CHECK_RC(qclr_fcidump_write(tmp, H, NULL), 0);
    CHECK_RC(qclr_fcidump_read(tmp, NULL, &H2, &info), 0);
    if (H2) {
      CHECK(same_hamiltonian(H, H2), "%s: write->read is not bit-exact", file);
      CHECK(info.eight_fold == 1, "%s: our writer must list 8-fold unique elements", file);
    }
    qclr_hamiltonian_free(H2);
    qclr_hamiltonian_free(H);
  }
  CHECK(nfiles >= 8, "only %d inputs found in reference.json", nfiles);
  remove(tmp);
  free(json);
}

/* Random Hamiltonian with arbitrary bit patterns: write->read bit-exact, and
 * the zero threshold drops small elements. */
static void test_roundtrip_random(void) {
  int N = 6;
  qclr_hamiltonian *H = NULL, *H2 = NULL;
  CHECK_RC(qclr_hamiltonian_new(N, 4, 2, &H), 0);
  if (!H) return;
  unsigned long long seed = 7;
  int64_t np = qclr_hamiltonian_npair(H);
  double *V = qclr_hamiltonian_vpair_mut(H), *h = qclr_hamiltonian_h_mut(H);
  for (int64_t a = 0; a < np; a++)
    for (int64_t b = 0; b <= a; b++) {
      double x = test_rand(&seed) * pow(2.0, (int)(test_rand(&seed) * 300));
      if ((a + b) % 7 == 0) x = 1e-13 * test_rand(&seed);
      V[a * np + b] = V[b * np + a] = x;
    }
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++) h[p * N + q] = h[q * N + p] = test_rand(&seed) / 3.0;
  qclr_hamiltonian_set_e_core(H, -0.1 / 3.0);
  qclr_hamiltonian_orbsym_mut(H)[2] = 3;
  qclr_hamiltonian_set_isym(H, 2);
  char tmp[] = "/tmp/qclr-test-fcidump-XXXXXX";
  int fd = mkstemp(tmp);
  if (fd < 0) return;
  close(fd);
  CHECK_RC(qclr_fcidump_write(tmp, H, NULL), 0);
  CHECK_RC(qclr_fcidump_read(tmp, NULL, &H2, NULL), 0);
  if (H2) {
    CHECK(same_hamiltonian(H, H2), "random Hamiltonian: write->read is not bit-exact");
    CHECK(qclr_hamiltonian_isym(H2) == 2, "ISYM not kept");
  }
  qclr_hamiltonian_free(H2);
  H2 = NULL;
  qclr_fcidump_write_options wo;
  qclr_fcidump_write_options_default(&wo);
  wo.zero_tol = 1e-12;
  CHECK_RC(qclr_fcidump_write(tmp, H, &wo), 0);
  CHECK_RC(qclr_fcidump_read(tmp, NULL, &H2, NULL), 0);
  if (H2) {
    const double *V2 = qclr_hamiltonian_vpair(H2);
    int ok = 1;
    for (int64_t a = 0; a < np * np; a++)
      if (V2[a] != (fabs(V[a]) > 1e-12 ? V[a] : 0.0)) ok = 0;
    CHECK(ok, "zero_tol: dropped the wrong elements");
  }
  qclr_hamiltonian_free(H2);
  /* a failed write leaves nothing behind */
  CHECK_RC(qclr_fcidump_write("/nonexistent/dir/out.fcidump", H, NULL), QCLR_EIO);
  wo.zero_tol = -1;
  CHECK_RC(qclr_fcidump_write(tmp, H, &wo), QCLR_EINVAL);
  remove(tmp);
  qclr_hamiltonian_free(H);
}

static void test_gzip(void) {
#ifdef HAVE_ZLIB
  size_t len;
  char *text = slurp(test_input("lih_sto-3g.fcidump"), &len);
  if (!text) return;
  char tmp[] = "/tmp/qclr-test-fcidump-XXXXXX";
  int fd = mkstemp(tmp);
  if (fd < 0) return;
  close(fd);
  gzFile g = gzopen(tmp, "wb");
  CHECK(g && gzwrite(g, text, (unsigned)len) == (int)len, "gzwrite");
  if (g) gzclose(g);
  qclr_hamiltonian *A = NULL, *B = NULL;
  CHECK_RC(qclr_fcidump_read(test_input("lih_sto-3g.fcidump"), NULL, &A, NULL), 0);
  CHECK_RC(qclr_fcidump_read(tmp, NULL, &B, NULL), 0);
  if (A && B) CHECK(same_hamiltonian(A, B), "gzip input differs from the plain file");
  qclr_hamiltonian_free(A);
  qclr_hamiltonian_free(B);
  /* a .gz cut anywhere (even inside the 8-byte trailer) is refused, never
   * read as a shorter file */
  size_t glen;
  char *gz = slurp(tmp, &glen);
  char cut[] = "/tmp/qclr-test-fcidump-cut-XXXXXX";
  int cfd = gz ? mkstemp(cut) : -1;
  if (cfd >= 0) {
    close(cfd);
    size_t cuts[] = {1, 10, glen / 3, glen / 2, glen - 9, glen - 4, glen - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
      FILE *f = fopen(cut, "wb");
      if (!f) break;
      fwrite(gz, 1, cuts[i], f);
      fclose(f);
      qclr_hamiltonian *C = NULL;
      int rc = qclr_fcidump_read(cut, NULL, &C, NULL);
      CHECK(rc == QCLR_EPARSE && !C, "gzip cut at %zu of %zu bytes: rc %d, expected a parse error",
            cuts[i], glen, rc);
      qclr_hamiltonian_free(C);
    }
    remove(cut);
  }
  free(gz);
  remove(tmp);
  free(text);
#endif
  /* binary input is refused by its first block */
  char bin[] = "/tmp/qclr-test-fcidump-bin-XXXXXX";
  int bfd = mkstemp(bin);
  if (bfd >= 0) {
    static const char junk[16] = "&FCI NORB=2\0\0\0";
    CHECK(write(bfd, junk, sizeof junk) == (ssize_t)sizeof junk, "write");
    close(bfd);
    qclr_hamiltonian *C = NULL;
    int rc = qclr_fcidump_read(bin, NULL, &C, NULL);
    CHECK(rc == QCLR_EPARSE && strstr(qclr_last_error(), "binary"), "binary input: rc %d (%s)", rc,
          qclr_last_error());
    qclr_hamiltonian_free(C);
    remove(bin);
  }
}

int main(void) {
  test_parse_double();
  test_dialects();
  test_errors();
  test_inputs();
  test_roundtrip_random();
  test_gzip();
  return test_done("test_fcidump");
}

/* src/fcidump_read.c: FCIDUMP reader (Knowles-Handy format, every common
 * dialect: PySCF, Psi4, Molpro; docs/conventions.md §2).
 *
 * The whole file is held in memory and scanned once by a hand-written
 * tokenizer that never reads past `end` (buffers are not NUL-terminated).
 * Symmetry-equivalent records are detected with one bit per unique element;
 * only when two disagree is the file scanned again to find the earlier line,
 * so the common path keeps no per-element line numbers. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "core/internal.h"
#include "io/parse_double.h"
#include "qclr/fcidump.h"

void qclr_fcidump_read_options_default(qclr_fcidump_read_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->duplicate_tol = 1e-10;
  o->max_bytes = 0;
}

typedef struct {
  const char *p, *end;
  int64_t line;
} cursor;

typedef struct {
  double v;
  int64_t idx[4];
  int64_t line;
} record;

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
static int is_space(char c) { return is_blank(c) || c == '\n'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }

/* Case-insensitive match of the n-char token t against the upper-case word w. */
static int word_is(const char *t, size_t n, const char *w) {
  if (strlen(w) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (upper(t[i]) != w[i]) return 0;
  return 1;
}

/* Printable excerpt of the token at p (for messages). */
static const char *excerpt(const char *p, const char *end, char *buf, size_t size) {
  size_t n = 0;
  while (p < end && !is_space(*p) && n + 4 < size) {
    unsigned char c = (unsigned char)*p++;
    buf[n++] = (c >= 32 && c < 127) ? (char)c : '?';
  }
  if (p < end && !is_space(*p)) buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
  buf[n] = '\0';
  if (n == 0) snprintf(buf, size, "%s", p < end ? "end of line" : "end of file");
  return buf;
}

/* ---------------------------------------------------------------- header */

typedef struct {
  int64_t norb, nelec, ms2, isym, iuhf;
  int have_norb, have_nelec, uhf;
  int64_t norb_line, nelec_line, uhf_line, orbsym_line;
  int64_t seen_line[7]; /* line where each known key was given (0 = not yet) */
  int *orbsym;
  int64_t n_orbsym, cap_orbsym;
  int64_t first_line;
} header;

static void skip_space(cursor *c) {
  while (c->p < c->end && is_space(*c->p)) {
    if (*c->p == '\n') c->line++;
    c->p++;
  }
}

static void skip_space_commas(cursor *c) {
  while (c->p < c->end && (is_space(*c->p) || *c->p == ',')) {
    if (*c->p == '\n') c->line++;
    c->p++;
  }
}

/* Is there KEY= (identifier, blanks, '=') at p? Sets *klen. */
static int key_ahead(const char *p, const char *end, size_t *klen) {
  const char *q = p;
  if (q >= end || !is_alpha(*q)) return 0;
  while (q < end && (is_alpha(*q) || is_digit(*q))) q++;
  *klen = (size_t)(q - p);
  while (q < end && is_space(*q)) q++;
  return q < end && *q == '=';
}

static int value_end_char(char c) {
  return is_space(c) || c == ',' || c == '/' || c == '&' || c == '$' || c == '=';
}

static int parse_int_token(const char *t, size_t n, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (i < n && (t[i] == '+' || t[i] == '-')) neg = (t[i++] == '-');
  if (i == n) return -1;
  int64_t v = 0;
  for (; i < n; i++) {
    if (!is_digit(t[i])) return -1;
    if (v > 1000000000000LL) return -1;
    v = v * 10 + (t[i] - '0');
  }
  *out = neg ? -v : v;
  return 0;
}

static int header_error_at(const char *name, int64_t line, const char *what, const char *key,
                           const char *t, size_t n) {
  char shown[48];
  size_t m = n < sizeof shown - 1 ? n : sizeof shown - 1;
  for (size_t i = 0; i < m; i++)
    shown[i] = ((unsigned char)t[i] >= 32 && (unsigned char)t[i] < 127) ? t[i] : '?';
  shown[m] = '\0';
  return qclr__error(QCLR_EPARSE, "%s:%lld: %s after %s=, found '%s'", name, (long long)line, what,
                     key, shown);
}

static int orbsym_push(header *h, int64_t v, int64_t count, const char *name, int64_t line) {
  if (h->n_orbsym + count > 1000000)
    return qclr__error(QCLR_EPARSE, "%s:%lld: ORBSYM has more than 1000000 entries", name,
                       (long long)line);
  if (h->n_orbsym + count > h->cap_orbsym) {
    int64_t cap = h->cap_orbsym ? h->cap_orbsym : 64;
    while (cap < h->n_orbsym + count) cap *= 2;
    int *n = realloc(h->orbsym, (size_t)cap * sizeof(int));
    if (!n) return qclr__error(QCLR_ENOMEM, "cannot allocate ORBSYM (%lld entries)", (long long)cap);
    h->orbsym = n;
    h->cap_orbsym = cap;
  }
  for (int64_t i = 0; i < count; i++) h->orbsym[h->n_orbsym++] = (int)v;
  return 0;
}

/* Values of KEY (tokens up to the next KEY= or terminator). */
static int header_values(cursor *c, header *h, const char *name, const char *key, size_t klen) {
  char kname[16];
  size_t kn = klen < sizeof kname - 1 ? klen : sizeof kname - 1;
  for (size_t i = 0; i < kn; i++) kname[i] = upper(key[i]);
  kname[kn] = '\0';
  int is_int = word_is(key, klen, "NORB") || word_is(key, klen, "NELEC") ||
               word_is(key, klen, "MS2") || word_is(key, klen, "ISYM") || word_is(key, klen, "IUHF");
  int is_orbsym = word_is(key, klen, "ORBSYM"), is_uhf = word_is(key, klen, "UHF");
  int64_t key_line = c->line, nvalues = 0;
  /* A known key given twice (NORB=3,...,NORB=2) is refused: no "last wins". */
  static const char *const known[7] = {"NORB", "NELEC", "MS2", "ISYM", "IUHF", "ORBSYM", "UHF"};
  for (int k = 0; k < 7; k++)
    if (word_is(key, klen, known[k])) {
      if (h->seen_line[k])
        return qclr__error(QCLR_EPARSE, "%s:%lld: header key %s given twice (first on line %lld)",
                           name, (long long)key_line, known[k], (long long)h->seen_line[k]);
      h->seen_line[k] = key_line;
    }
  if (is_orbsym) {
    h->n_orbsym = 0;
    h->orbsym_line = key_line;
  }
  for (;;) {
    skip_space_commas(c);
    size_t kl;
    if (c->p >= c->end || *c->p == '/' || *c->p == '&' || *c->p == '$' ||
        key_ahead(c->p, c->end, &kl))
      break;
    const char *t = c->p;
    while (c->p < c->end && !value_end_char(*c->p)) c->p++;
    size_t n = (size_t)(c->p - t);
    if (n == 0) { /* a stray '=' */
      return header_error_at(name, c->line, "expected a value", kname, t, 1);
    }
    nvalues++;
    if (is_int) {
      int64_t v;
      if (nvalues > 1) return header_error_at(name, c->line, "expected one integer", kname, t, n);
      if (parse_int_token(t, n, &v) || v < -1000000000 || v > 1000000000)
        return header_error_at(name, c->line, "expected an integer", kname, t, n);
      if (word_is(key, klen, "NORB")) h->norb = v, h->have_norb = 1, h->norb_line = key_line;
      else if (word_is(key, klen, "NELEC")) h->nelec = v, h->have_nelec = 1, h->nelec_line = key_line;
      else if (word_is(key, klen, "MS2")) h->ms2 = v;
      else if (word_is(key, klen, "ISYM")) h->isym = v;
      else if (v != 0) h->iuhf = v, h->uhf_line = key_line;
    } else if (is_orbsym) {
      int64_t count = 1, v;
      const char *star = memchr(t, '*', n);
      if (star) { /* Fortran namelist repeat: 7*1 */
        if (parse_int_token(t, (size_t)(star - t), &count) || count < 1 || count > 100000000)
          return header_error_at(name, c->line, "expected a repeat count", kname, t, n);
        if (parse_int_token(star + 1, (size_t)(t + n - star - 1), &v))
          return header_error_at(name, c->line, "expected an irrep number", kname, t, n);
      } else if (parse_int_token(t, n, &v)) {
        return header_error_at(name, c->line, "expected an irrep number", kname, t, n);
      }
      if (v < 1 || v > 8)
        return header_error_at(name, c->line, "expected an irrep number 1..8", kname, t, n);
      int rc = orbsym_push(h, v, count, name, c->line);
      if (rc) return rc;
    } else if (is_uhf) {
      size_t i = 0;
      while (i < n && t[i] == '.') i++;
      char b = i < n ? upper(t[i]) : 0;
      if (b == 'T') h->uhf = 1, h->uhf_line = key_line;
      else if (b == 'F') h->uhf = 0;
      else return header_error_at(name, c->line, "expected .TRUE. or .FALSE.", kname, t, n);
    }
  }
  if ((is_int || is_uhf) && nvalues == 0)
    return header_error_at(name, c->line, "expected a value", kname, c->p,
                           c->p < c->end ? 1 : 0);
  return 0;
}

static int parse_header(cursor *c, header *h, const char *name) {
  char ex[64];
  skip_space(c);
  h->first_line = c->line;
  if (c->p >= c->end)
    return qclr__error(QCLR_EPARSE, "%s:%lld: empty file: expected an &FCI header", name,
                       (long long)c->line);
  if (c->end - c->p < 4 || (*c->p != '&' && *c->p != '$') || !word_is(c->p + 1, 3, "FCI") ||
      (c->end - c->p > 4 && (is_alpha(c->p[4]) || is_digit(c->p[4]))))
    return qclr__error(QCLR_EPARSE, "%s:%lld: expected an &FCI header, found '%s'", name,
                       (long long)c->line, excerpt(c->p, c->end, ex, sizeof ex));
  c->p += 4;
  for (;;) {
    skip_space_commas(c);
    if (c->p >= c->end)
      return qclr__error(QCLR_EPARSE,
                         "%s:%lld: end of file inside the header that starts on line %lld: "
                         "expected &END, / or $END",
                         name, (long long)c->line, (long long)h->first_line);
    char ch = *c->p;
    if (ch == '/') {
      c->p++;
      return 0;
    }
    if (ch == '&' || ch == '$') {
      if (c->end - c->p >= 4 && word_is(c->p + 1, 3, "END")) {
        c->p += 4;
        return 0;
      }
      return qclr__error(QCLR_EPARSE, "%s:%lld: expected &END, / or $END, found '%s'", name,
                         (long long)c->line, excerpt(c->p, c->end, ex, sizeof ex));
    }
    size_t klen;
    if (!key_ahead(c->p, c->end, &klen))
      return qclr__error(QCLR_EPARSE, "%s:%lld: expected KEY=value or &END in the header, found '%s'",
                         name, (long long)c->line, excerpt(c->p, c->end, ex, sizeof ex));
    const char *key = c->p;
    c->p += klen;
    skip_space(c);
    c->p++; /* '=' (checked by key_ahead) */
    int rc = header_values(c, h, name, key, klen);
    if (rc) return rc;
  }
}

/* ------------------------------------------------------------ integrals */

static int record_error(const char *name, int64_t line, const char *what, const char *p,
                        const char *end) {
  char ex[64];
  return qclr__error(QCLR_EPARSE, "%s:%lld: %s, found '%s'", name, (long long)line, what,
                     excerpt(p, end, ex, sizeof ex));
}

/* Does the number token [t, q) have a nonzero digit before its exponent?
 * (Exponent: [eEdD], or Fortran's bare sign after a digit, 1.0-400.) */
static int mantissa_nonzero(const char *t, const char *q) {
  int seen_digit = 0;
  for (const char *s = t; s < q; s++) {
    char ch = upper(*s);
    if (ch == 'E' || ch == 'D' || ((ch == '+' || ch == '-') && seen_digit)) break;
    if (is_digit(ch)) {
      seen_digit = 1;
      if (ch != '0') return 1;
    }
  }
  return 0;
}

/* Next record: 1 read, 0 end of input, < 0 error (message set). */
static inline int next_record(cursor *c, record *r, const char *name, int64_t norb) {
  const char *p = c->p, *end = c->end;
  for (;;) {
    while (p < end && is_blank(*p)) p++;
    if (p == end) {
      c->p = p;
      return 0;
    }
    if (*p != '\n') break;
    c->line++;
    p++;
  }
  r->line = c->line;
  const char *t = p;
  const char *q = qclr__parse_double(p, end, &r->v);
  if (!q || (q < end && !is_space(*q))) {
    const char *s = t;
    if (s < end && (*s == '+' || *s == '-')) s++;
    if (s < end && (upper(*s) == 'N' || upper(*s) == 'I'))
      return record_error(name, c->line, "NaN or Inf value: expected a finite number", t, end);
    return record_error(name, c->line, "expected a number (line format: value i j k l)", t, end);
  }
  if (!isfinite(r->v))
    return record_error(name, c->line, "value out of the range of double precision", t, end);
  if (fabs(r->v) > QCLR__MAX_MAGNITUDE)
    return record_error(name, c->line, "magnitude above 1e100, where products in the computation "
                        "would overflow", t, end);
  if (r->v == 0.0 && mantissa_nonzero(t, q))
    return record_error(name, c->line,
                        "nonzero value below the range of double precision (it would read as 0)", t, end);
  p = q;
  for (int f = 0; f < 4; f++) {
    while (p < end && is_blank(*p)) p++;
    if (p == end || *p == '\n')
      return qclr__error(QCLR_EPARSE,
                         "%s:%lld: truncated line: expected 5 fields (value i j k l), found %d",
                         name, (long long)c->line, f + 1);
    const char *s = p;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = (*p++ == '-');
    int64_t v = 0;
    const char *d0 = p;
    while (p < end && is_digit(*p)) {
      if (v <= 1000000000000LL) v = v * 10 + (*p - '0');
      p++;
    }
    if (p == d0 || (p < end && !is_space(*p))) {
      while (p < end && !is_space(*p)) p++;
      return record_error(name, c->line, "expected an integer orbital index", s, end);
    }
    if (neg && v != 0)
      return record_error(name, c->line, "negative orbital index: expected 0..NORB", s, end);
    if (v > norb) {
      char what[96];
      snprintf(what, sizeof what, "orbital index out of range: expected 0..NORB = %lld",
               (long long)norb);
      return record_error(name, c->line, what, s, end);
    }
    r->idx[f] = v;
  }
  while (p < end && is_blank(*p)) p++;
  if (p < end && *p != '\n')
    return record_error(name, c->line, "trailing garbage after 5 fields (value i j k l)", p, end);
  c->p = p;
  return 1;
}

enum { KIND_ERI, KIND_H, KIND_CORE, KIND_ORBEN, KIND_BAD };

static int record_kind(const int64_t *x) {
  int nz = (x[0] != 0) | (x[1] != 0) << 1 | (x[2] != 0) << 2 | (x[3] != 0) << 3;
  switch (nz) {
  case 15: return KIND_ERI;
  case 3: return KIND_H;
  case 0: return KIND_CORE;
  case 1: return KIND_ORBEN;
  default: return KIND_BAD;
  }
}

/* Unique-element key of a record: ERI -> index in the pair-of-pairs
 * triangle, h -> pair index, core -> 0. */
static int64_t unique_key(const int64_t *x, int kind) {
  if (kind == KIND_ERI) {
    int64_t pq = qclr__pair(x[0] - 1, x[1] - 1), rs = qclr__pair(x[2] - 1, x[3] - 1);
    return qclr__pair(pq, rs);
  }
  if (kind == KIND_H) return qclr__pair(x[0] - 1, x[1] - 1);
  return 0;
}

/* Line of the last record before `before` equivalent to (kind, key). */
static int64_t find_previous(cursor c, const char *name, int64_t norb, int kind, int64_t key,
                             int64_t before) {
  record r;
  int64_t found = 0;
  while (next_record(&c, &r, name, norb) == 1 && r.line < before) {
    int k = record_kind(r.idx);
    if (k == kind && unique_key(r.idx, k) == key) found = r.line;
  }
  return found;
}

static int conflict(const cursor *data, const char *name, int64_t norb, const record *r, int kind,
                    int64_t key, double old) {
  char saved[1024];
  int64_t prev = find_previous(*data, name, norb, kind, key, r->line);
  const char *what = kind == KIND_ERI ? "two-electron integral" : kind == KIND_H ? "one-electron integral" : "core energy";
  snprintf(saved, sizeof saved,
           "%s:%lld: %s (%lld %lld|%lld %lld) = %.17g conflicts with the symmetry-equivalent "
           "value %.17g on line %lld (they must agree to 1e-10 relative)",
           name, (long long)r->line, what, (long long)r->idx[0], (long long)r->idx[1],
           (long long)r->idx[2], (long long)r->idx[3], r->v, old, (long long)prev);
  return qclr__error(QCLR_EPARSE, "%s", saved);
}

/* V[b, a] = V[a, b] for a > b, in cache-sized tiles. */
static void mirror_lower(double *V, int64_t np) {
  const int64_t T = 64;
  for (int64_t a0 = 0; a0 < np; a0 += T)
    for (int64_t b0 = 0; b0 <= a0; b0 += T)
      for (int64_t a = a0; a < a0 + T && a < np; a++)
        for (int64_t b = b0; b < b0 + T && b < a; b++)
          V[(size_t)b * (size_t)np + (size_t)a] = V[(size_t)a * (size_t)np + (size_t)b];
}

static int read_integrals(cursor *c, const char *name, const qclr_fcidump_read_options *o,
                          qclr_hamiltonian *H, unsigned char *seen_v, unsigned char *seen_h,
                          qclr_fcidump_info *info) {
  const cursor data = *c;
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  double *V = qclr_hamiltonian_vpair_mut(H), *h = qclr_hamiltonian_h_mut(H);
  int core_seen = 0, dup = 0;
  double core = 0.0, max_disc = 0.0;
  int64_t nrec = 0, norben = 0;
  record r;
  int rc;
  while ((rc = next_record(c, &r, name, N)) == 1) {
    nrec++;
    int kind = record_kind(r.idx);
    double *slot, *mirror;
    unsigned char *seen;
    int64_t key;
    if (kind == KIND_ERI) {
      /* lower triangle only (rows in file order for 8-fold listings);
       * mirrored once at the end */
      int64_t pq = qclr__pair(r.idx[0] - 1, r.idx[1] - 1), rs = qclr__pair(r.idx[2] - 1, r.idx[3] - 1);
      int64_t a = pq >= rs ? pq : rs, b = pq >= rs ? rs : pq;
      slot = mirror = V + (size_t)a * (size_t)np + (size_t)b;
      key = a * (a + 1) / 2 + b;
      seen = seen_v;
    } else if (kind == KIND_H) {
      int64_t p = r.idx[0] - 1, q = r.idx[1] - 1;
      slot = h + p * N + q;
      mirror = h + q * N + p;
      key = qclr__pair(p, q);
      seen = seen_h;
    } else if (kind == KIND_CORE) {
      if (core_seen) {
        double d = fabs(core - r.v);
        if (d > o->duplicate_tol * fmax(1.0, fabs(r.v)))
          return conflict(&data, name, N, &r, kind, 0, core);
        if (d > max_disc) max_disc = d;
        dup = 1;
      }
      core_seen = 1;
      core = r.v;
      continue;
    } else if (kind == KIND_ORBEN) {
      norben++;
      continue;
    } else {
      return qclr__error(QCLR_EPARSE,
                         "%s:%lld: index pattern %lld %lld %lld %lld: expected i j k l "
                         "(two-electron), i j 0 0 (one-electron), i 0 0 0 (orbital energy) "
                         "or 0 0 0 0 (core energy)",
                         name, (long long)r.line, (long long)r.idx[0], (long long)r.idx[1],
                         (long long)r.idx[2], (long long)r.idx[3]);
    }
    unsigned char bit = (unsigned char)(1u << (key & 7));
    if (seen[key >> 3] & bit) {
      double d = fabs(*slot - r.v);
      if (d > o->duplicate_tol * fmax(1.0, fabs(r.v))) return conflict(&data, name, N, &r, kind, key, *slot);
      if (d > max_disc) max_disc = d;
      dup = 1;
    }
    seen[key >> 3] |= bit;
    *slot = *mirror = r.v;
  }
  if (rc < 0) return rc;
  mirror_lower(V, np);
  if (nrec == 0)
    return qclr__error(QCLR_EPARSE,
                       "%s:%lld: no integrals after the header: expected lines 'value i j k l'",
                       name, (long long)c->line);
  qclr_hamiltonian_set_e_core(H, core);
  if (info) {
    info->records = nrec;
    info->orbital_energy_records = norben;
    info->max_duplicate_discrepancy = max_disc;
    info->eight_fold = !dup;
  }
  return 0;
}

static int64_t count_nonzero(const qclr_hamiltonian *H) {
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H), n = 0;
  const double *V = qclr_hamiltonian_vpair(H), *h = qclr_hamiltonian_h(H);
  for (int64_t a = 0; a < np; a++)
    for (int64_t b = 0; b <= a; b++) n += V[(size_t)a * (size_t)np + (size_t)b] != 0.0;
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++) n += h[p * N + q] != 0.0;
  return n + (qclr_hamiltonian_e_core(H) != 0.0);
}

int qclr_fcidump_read_buffer(const char *buf, size_t len, const char *name,
                             const qclr_fcidump_read_options *opts, qclr_hamiltonian **out,
                             qclr_fcidump_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_fcidump_read_buffer: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opts, "qclr_fcidump_read_options_default");
  if (!buf && len) return qclr__error(QCLR_EINVAL, "qclr_fcidump_read_buffer: buffer is NULL");
  if (!name) name = "<buffer>";
  qclr_fcidump_read_options def;
  if (!opts) {
    qclr_fcidump_read_options_default(&def);
    opts = &def;
  }
  if (info) {
    memset(info, 0, sizeof *info);
    info->bytes = len;
  }
  cursor c = {buf, buf + len, 1};
  header hd;
  memset(&hd, 0, sizeof hd);
  hd.isym = 1;
  int rc = parse_header(&c, &hd, name);
  qclr_hamiltonian *H = NULL;
  unsigned char *seen_v = NULL, *seen_h = NULL;
  if (rc) goto done;
  if (hd.iuhf || hd.uhf) {
    rc = qclr__error(QCLR_EUNSUPPORTED,
                     "%s:%lld: UHF integrals (%s) are not supported: qclr needs a restricted "
                     "(RHF/ROHF) FCIDUMP and never symmetrizes UHF files",
                     name, (long long)hd.uhf_line, hd.iuhf ? "IUHF=1" : "UHF=.TRUE.");
    goto done;
  }
  if (!hd.have_norb || !hd.have_nelec) {
    rc = qclr__error(QCLR_EPARSE, "%s:%lld: header has no %s= entry (expected NORB= and NELEC=)",
                     name, (long long)hd.first_line, !hd.have_norb ? "NORB" : "NELEC");
    goto done;
  }
  if (hd.norb <= 0) {
    rc = qclr__error(QCLR_EPARSE, "%s:%lld: NORB = %lld: expected a positive number of orbitals",
                     name, (long long)hd.norb_line, (long long)hd.norb);
    goto done;
  }
  if (hd.orbsym_line && hd.n_orbsym != hd.norb) {
    rc = qclr__error(QCLR_EPARSE, "%s:%lld: ORBSYM has %lld entries, expected NORB = %lld", name,
                     (long long)hd.orbsym_line, (long long)hd.n_orbsym, (long long)hd.norb);
    goto done;
  }
  /* memory check before any large allocation */
  size_t bytes;
  if (qclr_hamiltonian_memory_bytes(hd.norb, &bytes)) {
    double np = (double)hd.norb * (hd.norb + 1) / 2;
    rc = qclr__error(QCLR_ETOOLARGE, "%s:%lld: NORB = %lld needs about %.3g bytes, more than this "
                     "machine can address", name, (long long)hd.norb_line, (long long)hd.norb,
                     8.0 * np * np);
    goto done;
  }
  size_t np = (size_t)hd.norb * (size_t)(hd.norb + 1) / 2;
  size_t nuniq = np * (np + 1) / 2;
  size_t seen_bytes = nuniq / 8 + 1 + np / 8 + 1;
  size_t need = bytes + seen_bytes;
  if (opts->max_bytes > 0 && need > (size_t)opts->max_bytes) {
    rc = qclr__error(QCLR_ETOOLARGE,
                     "%s:%lld: NORB = %lld needs %zu bytes (%.3g GiB), more than the limit of %lld "
                     "bytes", name, (long long)hd.norb_line, (long long)hd.norb, need,
                     (double)need / 1073741824.0, (long long)opts->max_bytes);
    goto done;
  }
  const char *limit = NULL;
  size_t ram = qclr__memory_available(&limit);
  if (ram > 0 && need > ram) {
    rc = qclr__error(QCLR_ETOOLARGE,
                     "%s:%lld: NORB = %lld needs %zu bytes (%.3g GiB), more than the %zu bytes "
                     "(%.3g GiB) left under %s", name, (long long)hd.norb_line, (long long)hd.norb, need,
                     (double)need / 1073741824.0, ram, (double)ram / 1073741824.0, limit);
    goto done;
  }
  if (hd.nelec < 0 || hd.nelec > 2 * hd.norb || llabs(hd.ms2) > hd.nelec ||
      ((hd.nelec + hd.ms2) & 1)) {
    rc = qclr__error(QCLR_EPARSE,
                     "%s:%lld: NELEC = %lld, MS2 = %lld: expected 0 <= NELEC <= 2*NORB = %lld and "
                     "|MS2| <= NELEC with the parity of NELEC",
                     name, (long long)hd.nelec_line, (long long)hd.nelec, (long long)hd.ms2,
                     (long long)(2 * hd.norb));
    goto done;
  }
  if (hd.nelec + hd.ms2 > 2 * hd.norb || hd.nelec - hd.ms2 > 2 * hd.norb) {
    rc = qclr__error(QCLR_EPARSE, "%s:%lld: NELEC = %lld, MS2 = %lld do not fit in NORB = %lld",
                     name, (long long)hd.nelec_line, (long long)hd.nelec, (long long)hd.ms2,
                     (long long)hd.norb);
    goto done;
  }
  rc = qclr_hamiltonian_new(hd.norb, (int)hd.nelec, (int)hd.ms2, &H);
  if (rc) {
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", qclr_last_error());
    rc = qclr__error(rc == QCLR_EINVAL ? QCLR_EPARSE : rc, "%s:%lld: %s", name,
                     (long long)hd.first_line, saved);
    goto done;
  }
  seen_v = calloc(nuniq / 8 + 1, 1);
  seen_h = calloc(np / 8 + 1, 1);
  if (!seen_v || !seen_h) {
    rc = qclr__error(QCLR_ETOOLARGE, "%s: cannot allocate %zu bytes of bookkeeping for NORB = %lld",
                     name, seen_bytes, (long long)hd.norb);
    goto done;
  }
  if (hd.orbsym) memcpy(qclr_hamiltonian_orbsym_mut(H), hd.orbsym, (size_t)hd.norb * sizeof(int));
  qclr_hamiltonian_set_isym(H, (int)hd.isym);
  rc = read_integrals(&c, name, opts, H, seen_v, seen_h, info);
  if (rc) goto done;
  if (info) {
    info->lines = (len > 0 && buf[len - 1] != '\n') ? c.line : c.line - 1;
    info->nonzero_unique = count_nonzero(H);
  }
done:
  free(hd.orbsym);
  free(seen_v);
  free(seen_h);
  if (rc) {
    qclr_hamiltonian_free(H);
    return rc;
  }
  *out = H;
  return 0;
}

/* ------------------------------------------------------------- files */

/* A text FCIDUMP never holds a NUL byte: binary data (an image, /dev/zero, a
 * sparse file) is refused by its first block instead of being read whole. */
static int refuse_binary(const char *path, const char *b, size_t n) {
  const char *z = memchr(b, '\0', n);
  if (z)
    return qclr__error(QCLR_EPARSE, "%s: binary data (a NUL byte at offset %zu): expected a text "
                       "FCIDUMP (or a gzip-compressed one)", path, (size_t)(z - b));
  return 0;
}

/* Grow *b (capacity *cap) so that it holds at least need bytes. */
static int grow(char **b, size_t *cap, size_t need, const char *path) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 1 << 16;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return qclr__error(QCLR_ETOOLARGE, "%s: input too large", path);
    ncap *= 2;
  }
  char *nb = realloc(*b, ncap);
  if (!nb) return qclr__error(QCLR_ENOMEM, "%s: cannot allocate %zu bytes to read it", path, ncap);
  *b = nb;
  *cap = ncap;
  return 0;
}

/* Read a whole stream (regular file, pipe, FIFO, terminal): no seeking, so
 * nothing is lost from non-seekable input.  The first block is checked for
 * binary data before the rest is read (unless it starts a gzip stream). */
static int slurp_stream(FILE *f, const char *path, char **buf, size_t *len) {
  struct stat st;
  size_t cap = 1 << 16, n = 0;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uintmax_t)st.st_size < SIZE_MAX)
    cap = (size_t)st.st_size + 1;
  char *b = NULL;
  size_t bcap = 0;
  int rc = grow(&b, &bcap, cap < (1 << 16) ? cap : (1 << 16), path);
  int checked = 0;
  while (!rc) {
    if (n == bcap && (rc = grow(&b, &bcap, n < cap ? cap : n + 1, path))) break;
    size_t got = fread(b + n, 1, bcap - n, f);
    n += got;
    if (!checked && (n >= 4096 || got == 0)) {
      checked = 1;
      int gz = n >= 2 && (unsigned char)b[0] == 0x1f && (unsigned char)b[1] == 0x8b;
      if (!gz) rc = refuse_binary(path, b, n);
    }
    if (got == 0) break;
  }
  if (!rc && ferror(f)) rc = qclr__error(QCLR_EIO, "%s: read error: %s", path, strerror(errno));
  if (rc) {
    free(b);
    return rc;
  }
  *buf = b;
  *len = n;
  return 0;
}

#ifdef HAVE_ZLIB
/* Inflate gzip data held in memory (one or more concatenated members).  A
 * stream that ends before its trailer, or a bad CRC, is an error: a cut
 * .gz file must never read as a shorter, valid-looking FCIDUMP. */
static int gunzip_buffer(const char *path, const char *in, size_t inlen, char **buf, size_t *len) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 + 16) != Z_OK)
    return qclr__error(QCLR_ENOMEM, "%s: cannot initialize zlib", path);
  char *b = NULL;
  size_t cap = 0, n = 0;
  int rc = grow(&b, &cap, inlen < (SIZE_MAX / 4) ? 4 * inlen + 4096 : inlen, path);
  size_t pos = 0;
  int checked = 0;
  while (!rc) {
    size_t chunk_in = inlen - pos > (1u << 30) ? (1u << 30) : inlen - pos;
    if (n == cap && (rc = grow(&b, &cap, n + 1, path))) break;
    size_t chunk_out = cap - n > (1u << 30) ? (1u << 30) : cap - n;
    z.next_in = (unsigned char *)(in + pos);
    z.avail_in = (uInt)chunk_in;
    z.next_out = (unsigned char *)(b + n);
    z.avail_out = (uInt)chunk_out;
    int zr = inflate(&z, Z_NO_FLUSH);
    pos += chunk_in - z.avail_in;
    n += chunk_out - z.avail_out;
    if (!checked && (n >= 4096 || zr == Z_STREAM_END)) {
      checked = 1;
      rc = refuse_binary(path, b, n);
      if (rc) break;
    }
    if (zr == Z_STREAM_END) {
      if (pos == inlen) break;
      /* another gzip member follows (as `cat a.gz b.gz` makes) */
      if (inlen - pos < 2 || (unsigned char)in[pos] != 0x1f || (unsigned char)in[pos + 1] != 0x8b) {
        rc = qclr__error(QCLR_EPARSE, "%s: trailing data after the gzip stream (byte %zu)", path, pos);
        break;
      }
      inflateReset(&z);
      continue;
    }
    if (zr == Z_BUF_ERROR && pos == inlen) {
      rc = qclr__error(QCLR_EPARSE, "%s: truncated gzip file: the compressed stream ends after "
                       "%zu bytes (%zu bytes decompressed) before its end marker", path, inlen, n);
      break;
    }
    if (zr != Z_OK && zr != Z_BUF_ERROR) {
      rc = qclr__error(QCLR_EPARSE, "%s: corrupt gzip data at byte %zu: %s", path, pos,
                       z.msg ? z.msg : "inflate failed");
      break;
    }
  }
  inflateEnd(&z);
  if (rc) {
    free(b);
    return rc;
  }
  *buf = b;
  *len = n;
  return 0;
}
#endif

int qclr_fcidump_read(const char *path, const qclr_fcidump_read_options *opts,
                      qclr_hamiltonian **out, qclr_fcidump_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_fcidump_read: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opts, "qclr_fcidump_read_options_default");
  if (!path) return qclr__error(QCLR_EINVAL, "qclr_fcidump_read: path is NULL");
  int use_stdin = strcmp(path, "-") == 0;
  const char *name = use_stdin ? "<stdin>" : path;
  FILE *f = use_stdin ? stdin : fopen(path, "rb");
  if (!f) return qclr__error(QCLR_EIO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!use_stdin) fclose(f);
    return qclr__error(QCLR_EIO, "%s: is a directory: expected an FCIDUMP file", name);
  }
  char *buf = NULL;
  size_t len = 0;
  int rc = slurp_stream(f, name, &buf, &len);
  if (!use_stdin) fclose(f);
  if (rc) return rc;
  if (len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b) {
#ifdef HAVE_ZLIB
    char *text = NULL;
    size_t tlen = 0;
    rc = gunzip_buffer(name, buf, len, &text, &tlen);
    free(buf);
    if (rc) return rc;
    buf = text;
    len = tlen;
#else
    free(buf);
    return qclr__error(QCLR_EUNSUPPORTED, "%s: gzip-compressed input needs zlib, which this build "
                       "of qclr lacks: decompress it first (gunzip)", name);
#endif
  }
  rc = qclr_fcidump_read_buffer(buf, len, name, opts, out, info);
  free(buf);
  return rc;
}

/* apps/json.c: streaming JSON writer (pretty-printed, two-space indent). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "qclr.h"

#define MAXDEPTH 64
#define KEYLEN 64

enum { FAIL_NONE, FAIL_NOMEM, FAIL_NONFINITE };

struct app_json {
  char *buf;
  size_t len, cap;
  int depth;
  int count[MAXDEPTH];       /* elements written at each depth */
  char inline_[MAXDEPTH];    /* elements of this depth on one line */
  char key[MAXDEPTH][KEYLEN]; /* key of the value open at each depth (error messages) */
  int failed;                /* FAIL_* */
  char bad_key[2 * KEYLEN + 8];
  double bad_value;
};

app_json *app_json_new(void) { return calloc(1, sizeof(app_json)); }

app_json *app_json_new_members(void) {
  app_json *j = calloc(1, sizeof(app_json));
  if (j) {
    j->depth = 1;
    j->count[1] = 1; /* the head keys come first: every member is preceded by ",\n" */
  }
  return j;
}

void app_json_free(app_json *j) {
  if (!j) return;
  free(j->buf);
  free(j);
}

static void put(app_json *j, const char *fmt, ...) {
  if (j->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = j->cap - j->len;
    int n = j->buf ? vsnprintf(j->buf + j->len, room, fmt, ap) : -2;
    va_end(ap);
    if (n >= 0 && (size_t)n < room) {
      j->len += (size_t)n;
      return;
    }
    size_t ncap = j->cap ? 2 * j->cap : 4096;
    while (n >= 0 && ncap < j->len + (size_t)n + 1) ncap *= 2;
    char *nb = realloc(j->buf, ncap);
    if (!nb) {
      j->failed = FAIL_NOMEM;
      return;
    }
    j->buf = nb;
    j->cap = ncap;
  }
}

static void put_string(app_json *j, const char *s) {
  put(j, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') put(j, "\\%c", *p);
    else if (*p == '\n') put(j, "\\n");
    else if (*p == '\t') put(j, "\\t");
    else if (*p < 0x20) put(j, "\\u%04x", *p);
    else put(j, "%c", *p);
  }
  put(j, "\"");
}

static void prefix(app_json *j, const char *key) {
  if (j->depth > 0 && j->inline_[j->depth]) {
    if (j->count[j->depth]++) put(j, ", ");
  } else if (j->depth > 0) {
    put(j, j->count[j->depth] ? ",\n" : "\n");
    j->count[j->depth]++;
    put(j, "%*s", 2 * j->depth, "");
  }
  if (key) {
    put_string(j, key);
    put(j, ": ");
  }
}

static void open_(app_json *j, const char *key, char c, int inl) {
  prefix(j, key);
  put(j, "%c", c);
  if (j->depth + 1 < MAXDEPTH) j->depth++;
  j->count[j->depth] = 0;
  j->inline_[j->depth] = (char)inl;
  snprintf(j->key[j->depth], KEYLEN, "%s", key ? key : "");
}

static void close_(app_json *j, char c) {
  int had = j->count[j->depth], inl = j->inline_[j->depth];
  if (j->depth > 0) j->depth--;
  if (had && !inl) put(j, "\n%*s", 2 * j->depth, "");
  put(j, "%c", c);
  if (j->depth == 0) put(j, "\n");
}

void app_json_begin_object(app_json *j, const char *key) { open_(j, key, '{', 0); }
void app_json_end_object(app_json *j) { close_(j, '}'); }
void app_json_begin_array(app_json *j, const char *key) { open_(j, key, '[', 0); }
void app_json_begin_inline_array(app_json *j, const char *key) { open_(j, key, '[', 1); }
void app_json_end_array(app_json *j) { close_(j, ']'); }

void app_json_int(app_json *j, const char *key, int64_t v) {
  prefix(j, key);
  put(j, "%lld", (long long)v);
}

void app_json_format_double(double v, char *buf) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(buf, 32, "%.*g", digits, v);
    if (strtod(buf, NULL) == v) break; /* %.17g always reads back */
  }
  if (!strpbrk(buf, ".en")) strcat(buf, ".0"); /* 2.0, not the integer 2 */
}

/* key: of the value, or NULL inside an array (then the array's key is named) */
static void put_double(app_json *j, const char *key, double v) {
  if (!isfinite(v)) {
    if (!j->failed) {
      j->failed = FAIL_NONFINITE;
      j->bad_value = v;
      const char *outer = j->depth > 0 ? j->key[j->depth] : "";
      if (key) snprintf(j->bad_key, sizeof j->bad_key, "%s", key);
      else snprintf(j->bad_key, sizeof j->bad_key, "%s[]", *outer ? outer : "(array)");
    }
    return;
  }
  char b[40];
  app_json_format_double(v, b);
  put(j, "%s", b);
}

void app_json_double(app_json *j, const char *key, double v) {
  prefix(j, key);
  put_double(j, key, v);
}

void app_json_double_or_null(app_json *j, const char *key, double v) {
  if (isnan(v)) app_json_null(j, key);
  else app_json_double(j, key, v);
}

void app_json_string(app_json *j, const char *key, const char *s) {
  prefix(j, key);
  put_string(j, s ? s : "");
}

void app_json_bool(app_json *j, const char *key, int v) {
  prefix(j, key);
  put(j, v ? "true" : "false");
}

void app_json_null(app_json *j, const char *key) {
  prefix(j, key);
  put(j, "null");
}

void app_json_double_array(app_json *j, const char *key, const double *v, int64_t n) {
  prefix(j, key);
  put(j, "[");
  for (int64_t i = 0; i < n; i++) {
    if (i) put(j, ", ");
    put_double(j, key ? key : j->key[j->depth], v[i]);
  }
  put(j, "]");
}

void app_json_int_array(app_json *j, const char *key, const int64_t *v, int64_t n) {
  prefix(j, key);
  put(j, "[");
  for (int64_t i = 0; i < n; i++) put(j, i ? ", %lld" : "%lld", (long long)v[i]);
  put(j, "]");
}

void app_json_append_members(app_json *j, const app_json *m) {
  if (!m) {
    if (!j->failed) j->failed = FAIL_NOMEM;
    return;
  }
  if (m->failed && !j->failed) {
    j->failed = m->failed;
    j->bad_value = m->bad_value;
    memcpy(j->bad_key, m->bad_key, sizeof j->bad_key);
  }
  if (m->len) put(j, "%s", m->buf);
  if (j->depth > 0) j->count[j->depth] += m->count[1] - 1;
}

const char *app_json_text(const app_json *j) { return j->buf ? j->buf : ""; }

int app_json_write(app_json *j, const char *path) {
  if (j->failed == FAIL_NONFINITE)
    return qclr_error_set(QCLR_ENUMERIC, "JSON report: '%s' is %s; no report written", j->bad_key,
                          isnan(j->bad_value) ? "NaN" : "infinite");
  if (j->failed) return qclr_error_set(QCLR_ENOMEM, "JSON report: out of memory");
  if (!strcmp(path, "-")) {
    fputs(app_json_text(j), stdout);
    fflush(stdout);
    return 0;
  }
  return qclr_write_file(path, j->buf ? j->buf : "", j->len);
}

/* tests/testutil.h: minimal test harness (xz tuktest / GSL test style).
 * Each CHECK prints a line on failure; test_done() prints the tally and
 * returns the exit status for automake (0 pass, 1 fail, 77 skip). */
#ifndef QCLR_TESTUTIL_H
#define QCLR_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tu_pass, tu_fail;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (cond) {                                                            \
      tu_pass++;                                                           \
    } else {                                                               \
      tu_fail++;                                                           \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
    }                                                                      \
  } while (0)

/* |a-b| <= tol (absolute) */
#define CHECK_CLOSE(a, b, tol, what)                                            \
  do {                                                                          \
    double tu_a = (a), tu_b = (b);                                              \
    CHECK(fabs(tu_a - tu_b) <= (tol), "%s: %.17g vs %.17g (diff %.3g, tol %.3g)", \
          what, tu_a, tu_b, fabs(tu_a - tu_b), (double)(tol));                  \
  } while (0)

#define CHECK_RC(expr, want)                                                    \
  do {                                                                          \
    int tu_rc = (expr);                                                         \
    CHECK(tu_rc == (want), "got %d (%s), want %d: %s", tu_rc,                   \
          qclr_strerror(tu_rc), (int)(want), qclr_last_error());                \
  } while (0)

static inline int test_done(const char *name) {
  printf("%s: %d checks passed, %d failed\n", name, tu_pass, tu_fail);
  return tu_fail ? 1 : 0;
}

/* Path of an input under inputs/ (QCLR_INPUTS set by make check). */
static inline const char *test_input(const char *file) {
  static char buf[4096];
  const char *dir = getenv("QCLR_INPUTS");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "inputs", file);
  return buf;
}

/* Number under "key" in the record of inputs/reference.json whose "file" is
 * `file` (NAN if the file, the record, the key or its value is missing/null). */
static inline double test_reference_value(const char *file, const char *key) {
  FILE *f = fopen(test_input("reference.json"), "rb");
  if (!f) return NAN;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *json = len > 0 ? malloc((size_t)len + 1) : NULL;
  size_t got = json ? fread(json, 1, (size_t)len, f) : 0;
  fclose(f);
  if (!json || got != (size_t)len) {
    free(json);
    return NAN;
  }
  json[len] = 0;
  char pat[256];
  double v = NAN;
  snprintf(pat, sizeof pat, "\"file\": \"%s\"", file);
  const char *r = strstr(json, pat);
  if (r) {
    const char *next = strstr(r + 1, "\"file\": ");
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *k = strstr(r, pat);
    if (k && (!next || k < next) && strncmp(k + strlen(pat), "null", 4)) v = strtod(k + strlen(pat), NULL);
  }
  free(json);
  return v;
}

/* Deterministic uniform numbers in [-1, 1) for test data (splitmix64). */
static inline double test_rand(unsigned long long *state) {
  unsigned long long z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* Random N x N orthogonal matrix (row-major): modified Gram-Schmidt, twice,
 * on the columns of a test_rand matrix. */
static inline void test_random_orthogonal(int64_t n, double *m, unsigned long long *seed) {
  for (int64_t i = 0; i < n * n; i++) m[i] = test_rand(seed);
  for (int64_t j = 0; j < n; j++) {
    for (int pass = 0; pass < 2; pass++)
      for (int64_t k = 0; k < j; k++) {
        double d = 0;
        for (int64_t i = 0; i < n; i++) d += m[i * n + k] * m[i * n + j];
        for (int64_t i = 0; i < n; i++) m[i * n + j] -= d * m[i * n + k];
      }
    double nr = 0;
    for (int64_t i = 0; i < n; i++) nr += m[i * n + j] * m[i * n + j];
    nr = sqrt(nr);
    for (int64_t i = 0; i < n; i++) m[i * n + j] /= nr;
  }
}

#endif

/* tests/test_app_json.c: the apps' JSON writer (apps/json.c, docs/conventions.md §4
 * rules 4-6).  Floats: the printed token reads back bit-identical and has as
 * many significant digits as the shortest %.{p}g (p = 1..17) that does --
 * found here by search, independent of the writer's 15/16/17 shortcut;
 * integral values keep a ".0".  Non-finite floats are refused with
 * QCLR_ENUMERIC naming the key, and no file is written.  Members appended
 * after the head give one valid object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "qclr.h"
#include "testutil.h"

/* significant digits of a %g token */
static int sig_digits(const char *s) {
  char d[64];
  int n = 0;
  for (const char *p = s; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') d[n++] = *p;
  d[n] = '\0';
  int a = 0;
  while (a < n && d[a] == '0') a++;
  while (n > a && d[n - 1] == '0') n--;
  return n > a ? n - a : 1;
}

static int shortest_digits(double v) {
  char b[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(b, sizeof b, "%.*g", p, v);
    if (strtod(b, NULL) == v) return sig_digits(b);
  }
  return 17;
}

static void floats(void) {
  unsigned long long seed = 11;
  int bad = 0, n = 0;
  char buf[40];
  for (int k = 0; k < 20000; k++) {
    double v;
    if (k % 4 == 0) v = test_rand(&seed) * pow(10.0, (double)(k % 40 - 20)); /* random digits */
    else if (k % 4 == 1) v = (double)(k % 1000) / 1000.0;                   /* short decimals */
    else if (k % 4 == 2) v = round(test_rand(&seed) * 1e6) * 1e-9;
    else {
      unsigned long long bits = 0;
      for (int b = 0; b < 4; b++) bits = (bits << 16) ^ (unsigned long long)((test_rand(&seed) + 1) * 32768);
      memcpy(&v, &bits, sizeof v);
      if (!isfinite(v)) continue;
    }
    app_json_format_double(v, buf);
    n++;
    int ok = strtod(buf, NULL) == v && sig_digits(buf) == shortest_digits(v) && strpbrk(buf, ".e");
    if (!ok && bad++ < 5) printf("  %.17g printed as %s (shortest %d digits)\n", v, buf, shortest_digits(v));
  }
  CHECK(bad == 0, "shortest round-trip floats: %d of %d wrong", bad, n);
  const struct {
    double v;
    const char *want;
  } fixed[] = {{0.1, "0.1"}, {2.0, "2.0"}, {-0.0, "-0.0"}, {1e-6, "1e-06"}, {1e16, "1e+16"},
               {0.0016, "0.0016"}, {1.0 / 3.0, "0.3333333333333333"}, {-74.96302654580384, "-74.96302654580384"}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    app_json_format_double(fixed[i].v, buf);
    CHECK(!strcmp(buf, fixed[i].want), "%.17g printed as %s, want %s", fixed[i].v, buf, fixed[i].want);
  }
}

static void refuse(const char *what, void (*fill)(app_json *), const char *key) {
  char path[] = "/tmp/qclr-json-test.XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  app_json *j = app_json_new();
  fill(j);
  int rc = app_json_write(j, path);
  CHECK_RC(rc, QCLR_ENUMERIC);
  CHECK(strstr(qclr_last_error(), key) != NULL, "%s: message '%s' names '%s'", what, qclr_last_error(), key);
  CHECK(access(path, F_OK) != 0, "%s: no file written", what);
  unlink(path);
  app_json_free(j);
}

static void nan_scalar(app_json *j) {
  app_json_begin_object(j, NULL);
  app_json_double(j, "fine", 1.5);
  app_json_double(j, "energy_bad", NAN);
  app_json_end_object(j);
}

static void inf_in_array(app_json *j) {
  double v[3] = {1, INFINITY, 2};
  app_json_begin_object(j, NULL);
  app_json_double_array(j, "residuals", v, 3);
  app_json_end_object(j);
}

static void nan_in_rows(app_json *j) {
  double v[2] = {NAN, 1};
  app_json_begin_object(j, NULL);
  app_json_begin_array(j, "mutual_information");
  app_json_double_array(j, NULL, v, 2);
  app_json_end_array(j);
  app_json_end_object(j);
}

static void nan_in_members(app_json *j) {
  app_json *m = app_json_new_members();
  app_json_double(m, "late", -INFINITY);
  app_json_begin_object(j, NULL);
  app_json_int(j, "n", 1);
  app_json_append_members(j, m);
  app_json_end_object(j);
  app_json_free(m);
}

static void structure(void) {
  app_json *j = app_json_new(), *m = app_json_new_members();
  app_json_int(m, "b", 2);
  app_json_begin_inline_array(m, "c");
  app_json_int(m, NULL, 3);
  app_json_double(m, NULL, 0.5);
  app_json_end_array(m);
  app_json_double_or_null(m, "d", NAN);
  app_json_begin_object(j, NULL);
  app_json_int(j, "a", 1);
  app_json_append_members(j, m);
  app_json_int(j, "e", 4);
  app_json_end_object(j);
  const char *want = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": [3, 0.5],\n  \"d\": null,\n  \"e\": 4\n}\n";
  CHECK(!strcmp(app_json_text(j), want), "members appended after the head:\n%s", app_json_text(j));
  app_json_free(j);
  app_json_free(m);
}

int main(void) {
  floats();
  refuse("NaN value", nan_scalar, "'energy_bad'");
  refuse("Inf in an array", inf_in_array, "'residuals'");
  refuse("NaN in an array of rows", nan_in_rows, "mutual_information");
  refuse("Inf in appended members", nan_in_members, "'late'");
  structure();
  return test_done("test_app_json");
}

/* apps/app.c: error reporting, option parsing and progress for the apps. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"

int app_fail(const char *prog, int rc) {
  const char *detail = qclr_last_error();
  if (detail && *detail)
    fprintf(stderr, "%s: error: %s\n", prog, detail);
  else
    fprintf(stderr, "%s: error: %s\n", prog, qclr_strerror(rc));
  switch (rc) {
  case QCLR_ENUMERIC:
  case QCLR_ENOTPSD:
  case QCLR_ENOMEM:
  case QCLR_ECALLBACK: return APP_EXIT_NUMERIC;
  default: return APP_EXIT_USAGE;
  }
}

int app_usage_error(const char *prog, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '%s --help'.\n", prog);
  return APP_EXIT_USAGE;
}

int app_parse_double(const char *prog, const char *opt, const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || errno || !isfinite(v))
    return app_usage_error(prog, "%s expects a number, got '%s'", opt, s);
  *out = v;
  return 0;
}

int app_parse_int(const char *prog, const char *opt, const char *s, long long lo, long long hi,
                  long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || *end || errno)
    return app_usage_error(prog, "%s expects an integer, got '%s'", opt, s);
  if (v < lo || v > hi)
    return app_usage_error(prog, "%s must be between %lld and %lld, got %lld", opt, lo, hi, v);
  *out = v;
  return 0;
}

int app_parse_double_list(const char *prog, const char *opt, const char *s, double **out, int *n) {
  int cap = 8, k = 0;
  double *v = malloc((size_t)cap * sizeof *v);
  if (!v) return app_usage_error(prog, "out of memory");
  const char *p = s;
  while (*p) {
    char *end;
    errno = 0;
    double x = strtod(p, &end);
    if (end == p || errno || !isfinite(x) || (*end && *end != ',')) {
      free(v);
      return app_usage_error(prog, "%s expects a comma-separated list of numbers, got '%s'", opt, s);
    }
    if (k == cap) {
      cap *= 2;
      double *nv = realloc(v, (size_t)cap * sizeof *v);
      if (!nv) {
        free(v);
        return app_usage_error(prog, "out of memory");
      }
      v = nv;
    }
    v[k++] = x;
    p = *end ? end + 1 : end;
  }
  if (k == 0) {
    free(v);
    return app_usage_error(prog, "%s expects at least one number", opt);
  }
  *out = v;
  *n = k;
  return 0;
}

static int progress_on = -1;

void app_progress_enable(int on) { progress_on = on; }

int app_progress_enabled(void) {
  if (progress_on < 0) progress_on = isatty(STDERR_FILENO);
  return progress_on;
}

void app_progress(const char *fmt, ...) {
  if (!app_progress_enabled()) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fflush(stderr);
}

double app_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int app_mkdir(const char *dir) {
  if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  }
  return qclr_error_set(QCLR_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
}

/* Directory part of PATH (malloc'd; "." when PATH has no slash). */
static char *parent_dir(const char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--; /* "out/" names "out" */
  size_t k = n;
  while (k > 0 && path[k - 1] != '/') k--;
  if (k == 0) return strdup(".");
  while (k > 1 && path[k - 1] == '/') k--;
  char *d = malloc(k + 1);
  if (d) {
    memcpy(d, path, k);
    d[k] = '\0';
  }
  return d;
}

int app_check_output(const char *prog, const char *opt, const char *path, int is_dir) {
  if (!path || !strcmp(path, "-")) return 0;
  if (!*path) return app_usage_error(prog, "%s needs a non-empty path", opt);
  struct stat st;
  if (stat(path, &st) == 0) {
    if (is_dir && !S_ISDIR(st.st_mode)) return app_usage_error(prog, "%s %s: exists and is not a directory", opt, path);
    if (!is_dir && S_ISDIR(st.st_mode)) return app_usage_error(prog, "%s %s: is a directory", opt, path);
    if (is_dir && access(path, W_OK | X_OK) != 0)
      return app_usage_error(prog, "%s %s: directory not writable: %s", opt, path, strerror(errno));
    if (is_dir) return 0;
  }
  char *dir = parent_dir(path);
  if (!dir) return app_usage_error(prog, "%s %s: out of memory", opt, path);
  int rc = 0;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    rc = app_usage_error(prog, "%s %s: directory '%s' does not exist", opt, path, dir);
  else if (access(dir, W_OK | X_OK) != 0)
    rc = app_usage_error(prog, "%s %s: directory '%s' not writable: %s", opt, path, dir, strerror(errno));
  free(dir);
  return rc;
}

char *app_path_join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

int app_print_version(const char *prog) {
  printf("%s (qclr) %s\n", prog, qclr_version());
  return 0;
}

int app_is_model(const char *input) { return input && !strncmp(input, "model:", 6); }

int app_read_hamiltonian(const char *input, qclr_hamiltonian **H) {
  *H = NULL;
  if (!app_is_model(input)) return qclr_fcidump_read(input, NULL, H, NULL);
  qclr_model_params p;
  int rc = qclr_model_parse(input, &p);
  if (rc) return rc;
  rc = qclr_model_build_params(&p, H, NULL);
  if (rc > 0) {
    qclr_hamiltonian_free(*H);
    *H = NULL;
    return qclr_error_set(QCLR_ENUMERIC, "%s: RHF did not converge in %d iterations", input, p.rhf.max_iter);
  }
  return rc;
}

double app_binomial(int64_t n, int64_t k) {
  int64_t c;
  return qclr_binomial(n, k, &c) ? INFINITY : (double)c;
}

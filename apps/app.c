/* apps/app.c: error reporting, option parsing and progress for the apps. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "json.h"
#include "qclr/version.h"

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

/* ---- command line ---- */

enum { ID_HELP = -100, ID_VERSION, ID_QUIET, ID_JSON, ID_THREADS, ID_PROGRESS };

static const app_option common_options[] = {
    {"json", 0, "FILE", "write the report as JSON ('-' = stdout, then no table)", ID_JSON},
    {"threads", 0, "N", "threads of the computation (default: OpenMP's)", ID_THREADS},
    {"progress", 0, NULL, "progress on stderr (default: only when stderr is a terminal)", ID_PROGRESS},
    {"quiet", 'q', NULL, "no table on stdout", ID_QUIET},
    {"help", 'h', NULL, "print this help and exit", ID_HELP},
    {"version", 'V', NULL, "print the version and exit", ID_VERSION},
    {0}};

typedef struct {
  struct option *lo;
  const app_option **by_val; /* getopt val -> table entry */
  int nval;
  char shortopts[128];
} cli_priv;

static int count_options(const app_option *t) {
  int n = 0;
  for (; t && (t->name || t->help); t++)
    if (t->name) n++;
  return n;
}

/* getopt_long tables from the app's and the common options */
static cli_priv *cli_setup(const app_cli *cli) {
  int na = count_options(cli->options), nc = count_options(common_options), k = 0;
  cli_priv *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->lo = calloc((size_t)(na + nc + 1), sizeof *p->lo);
  p->nval = 256 + na + nc;
  p->by_val = calloc((size_t)p->nval, sizeof *p->by_val);
  if (!p->lo || !p->by_val) {
    free(p->lo), free(p->by_val), free(p);
    return NULL;
  }
  char *sp = p->shortopts;
  *sp++ = ':'; /* a missing argument is reported as ':' */
  for (int pass = 0; pass < 2; pass++) {
    for (const app_option *t = pass ? common_options : cli->options; t && (t->name || t->help); t++) {
      if (!t->name) continue;
      int val = t->short_name ? t->short_name : 256 + k;
      p->lo[k] = (struct option){t->name, t->arg ? required_argument : no_argument, NULL, val};
      p->by_val[val] = t;
      if (t->short_name) {
        *sp++ = (char)t->short_name;
        if (t->arg) *sp++ = ':';
      }
      k++;
    }
  }
  *sp = '\0';
  return p;
}

void app_cli_free(app_cli *cli) {
  cli_priv *p = cli->priv_;
  if (p) {
    free(p->lo);
    free(p->by_val);
    free(p);
  }
  cli->priv_ = NULL;
}

/* "  -q, --quiet" / "      --json FILE" */
static int option_label(const app_option *t, char *buf, size_t n) {
  if (t->short_name)
    return snprintf(buf, n, "  -%c, --%s%s%s", t->short_name, t->name, t->arg ? " " : "", t->arg ? t->arg : "");
  return snprintf(buf, n, "      --%s%s%s", t->name, t->arg ? " " : "", t->arg ? t->arg : "");
}

static void print_options(const app_option *t, int col) {
  char label[128];
  for (; t && (t->name || t->help); t++) {
    if (!t->name) { /* heading */
      printf("\n%s\n", t->help);
      continue;
    }
    int w = option_label(t, label, sizeof label);
    if (w + 2 > col) printf("%s\n%*s", label, col, "");
    else printf("%s%*s", label, col - w, "");
    for (const char *h = t->help; *h; h++) {
      putchar(*h);
      if (*h == '\n') printf("%*s", col, "");
    }
    putchar('\n');
  }
}

void app_print_help(const app_cli *cli) {
  printf("Usage: %s %s\n", cli->prog, cli->synopsis);
  printf("%s", cli->description);
  int col = 24;
  if (cli->options && cli->options[0].name) printf("\nOptions:\n"); /* else a heading comes first */
  print_options(cli->options, col);
  printf("\nCommon options (all qclr apps):\n");
  print_options(common_options, col);
  if (cli->notes && *cli->notes) printf("\n%s", cli->notes);
  printf("\nReport bugs to the qclr issue tracker.\n");
}

int app_getopt(app_cli *cli, int argc, char **argv, const char **arg) {
  cli_priv *p = cli->priv_;
  *arg = NULL;
  if (!p && !(p = cli->priv_ = cli_setup(cli))) {
    fprintf(stderr, "%s: error: out of memory\n", cli->prog);
    cli->exit_status = APP_EXIT_NUMERIC;
    return APP_OPT_EXIT;
  }
  opterr = 0; /* our own messages name the program, not libtool's .libs/ path */
  for (;;) {
    int c = getopt_long(argc, argv, p->shortopts, p->lo, NULL);
    if (c == -1) {
      if (cli->json && !strcmp(cli->json, "-")) cli->quiet = 1; /* stdout carries the JSON only */
      if (app_check_output(cli->prog, "--json", cli->json, 0)) {
        cli->exit_status = APP_EXIT_USAGE;
        return APP_OPT_EXIT;
      }
      return APP_OPT_END;
    }
    if (c == ':') {
      cli->exit_status = app_usage_error(cli->prog, "option '%s' needs a value", argv[optind - 1]);
      return APP_OPT_EXIT;
    }
    const app_option *t = c > 0 && c < p->nval ? p->by_val[c] : NULL;
    if (!t) {
      cli->exit_status = app_usage_error(cli->prog, "unknown or incomplete option '%s'", argv[optind - 1]);
      return APP_OPT_EXIT;
    }
    long long v;
    switch (t->id) {
    case ID_HELP:
      app_print_help(cli);
      cli->exit_status = APP_EXIT_OK;
      return APP_OPT_EXIT;
    case ID_VERSION:
      cli->exit_status = app_print_version(cli->prog);
      return APP_OPT_EXIT;
    case ID_QUIET: cli->quiet = 1; break;
    case ID_JSON: cli->json = optarg; break;
    case ID_PROGRESS: app_progress_enable(1); break;
    case ID_THREADS:
      if (app_parse_int(cli->prog, "--threads", optarg, 0, 4096, &v)) {
        cli->exit_status = APP_EXIT_USAGE;
        return APP_OPT_EXIT;
      }
      cli->threads = (int)v;
      break;
    default:
      *arg = t->arg ? optarg : NULL;
      return t->id;
    }
  }
}

static void head_start(app_json *j, const char *prog, const char *input) {
  app_json_begin_object(j, NULL);
  app_json_string(j, "program", prog);
  app_json_string(j, "version", QCLR_VERSION_STRING);
  app_json_string(j, "input", input);
}

void app_json_head_values(app_json *j, const char *prog, const char *input, int64_t norb, int nalpha, int nbeta,
                          double e_core, double seconds) {
  head_start(j, prog, input);
  app_json_int(j, "norb", norb);
  app_json_int(j, "nalpha", nalpha);
  app_json_int(j, "nbeta", nbeta);
  app_json_double(j, "e_core", e_core);
  app_json_double(j, "seconds", seconds);
}

void app_json_head(app_json *j, const char *prog, const char *input, const qclr_hamiltonian *H, double seconds) {
  if (H) {
    app_json_head_values(j, prog, input, qclr_hamiltonian_norb(H), qclr_hamiltonian_nalpha(H),
                         qclr_hamiltonian_nbeta(H), qclr_hamiltonian_e_core(H), seconds);
    return;
  }
  head_start(j, prog, input);
  app_json_null(j, "norb");
  app_json_null(j, "nalpha");
  app_json_null(j, "nbeta");
  app_json_null(j, "e_core");
  app_json_double(j, "seconds", seconds);
}

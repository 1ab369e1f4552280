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
#ifdef _OPENMP
#include <omp.h>
#endif

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

/* ---- inputs and outputs ----
 * Inputs are remembered by device and inode, so that no output, given
 * directly or through another name (a symlink, a hard link, ./x), replaces
 * an input.  Outputs are checked for real before computing
 * (qclr_output_check creates and removes a temporary beside the file;
 * directories are staged), and a directory output is staged and put into
 * place whole (qclr_output_dir_*): a failed run leaves neither a partial file
 * nor a partial set of files. */
#define APP_MAX_INPUTS 16
static struct {
  dev_t dev;
  ino_t ino;
  const char *name;
} app_inputs[APP_MAX_INPUTS];
static int app_ninputs;

void app_register_input(const char *path) {
  struct stat st;
  if (!path || !strcmp(path, "-") || app_ninputs == APP_MAX_INPUTS || stat(path, &st) != 0) return;
  if (!S_ISREG(st.st_mode)) return;
  app_inputs[app_ninputs].dev = st.st_dev;
  app_inputs[app_ninputs].ino = st.st_ino;
  app_inputs[app_ninputs].name = path;
  app_ninputs++;
}

/* The registered input that path resolves to, or NULL. */
static const char *clobbers_input(const char *path) {
  struct stat st;
  if (!path || stat(path, &st) != 0) return NULL;
  for (int i = 0; i < app_ninputs; i++)
    if (app_inputs[i].dev == st.st_dev && app_inputs[i].ino == st.st_ino) return app_inputs[i].name;
  return NULL;
}

static qclr_output_dir *app_stage;  /* the directory output being written */
static char *app_stage_name;         /* its name as the user gave it */

static void app_stage_cleanup(void) {
  qclr_output_dir_abort(app_stage); /* an exit before app_outdir_end leaves nothing */
  app_stage = NULL;
  free(app_stage_name);
  app_stage_name = NULL;
}

int app_outdir_begin(const char *dir) {
  static int registered;
  if (app_stage) return qclr_error_set(QCLR_EINVAL, "%s: another output directory is being written", dir);
  int rc = qclr_output_dir_begin(dir, &app_stage);
  if (rc) return rc;
  app_stage_name = strdup(dir);
  if (!app_stage_name) {
    app_stage_cleanup();
    return qclr_error_set(QCLR_ENOMEM, "out of memory");
  }
  if (!registered) registered = atexit(app_stage_cleanup) == 0;
  return 0;
}

int app_outdir_end(int rc) {
  if (!app_stage) return rc;
  if (rc) {
    app_stage_cleanup();
    return rc;
  }
  rc = qclr_output_dir_commit(app_stage);
  app_stage = NULL;
  free(app_stage_name);
  app_stage_name = NULL;
  return rc;
}

int app_check_output(const char *prog, const char *opt, const char *path, int is_dir) {
  if (!path || !strcmp(path, "-")) return 0;
  if (!*path) return app_usage_error(prog, "%s needs a non-empty path", opt);
  const char *in = clobbers_input(path);
  if (in) return app_usage_error(prog, "%s %s: is the input %s: refusing to overwrite it", opt, path, in);
  int rc;
  if (is_dir) {
    qclr_output_dir *d = NULL;
    rc = qclr_output_dir_begin(path, &d); /* a real check: stage and remove */
    qclr_output_dir_abort(d);
  } else {
    rc = qclr_output_check(path);
  }
  if (rc) { /* "OPT PATH: reason" (the library's message starts with "PATH: ") */
    const char *msg = qclr_last_error();
    size_t n = strlen(path);
    if (!strncmp(msg, path, n) && msg[n] == ':' && msg[n + 1] == ' ') msg += n + 2;
    return app_usage_error(prog, "%s %s: %s", opt, path, msg);
  }
  return 0;
}

char *app_path_join(const char *dir, const char *name) {
  if (app_stage && app_stage_name && !strcmp(dir, app_stage_name)) dir = qclr_output_dir_path(app_stage);
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

int app_energy(const char *prog, const qclr_hamiltonian *H, int kind, double *e) {
  if (kind == APP_ENERGY_MP2) {
    double ec = 0.0, e0 = 0.0;
    int rc = qclr_mp2_energy(H, &ec);
    if (!rc) rc = qclr_hamiltonian_e_ref(H, &e0);
    *e = e0 + ec;
    return rc;
  }
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  qclr_fci *f = NULL;
  int rc = qclr_fci_solve(H, &o, &f);
  if (rc >= 0) *e = qclr_fci_energy(f, 0);
  if (rc > 0) fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
  qclr_fci_free(f);
  return rc < 0 ? rc : 0;
}

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

/* ---- command line ---- */

enum { ID_HELP = -100, ID_VERSION, ID_QUIET, ID_JSON, ID_THREADS, ID_PROGRESS };

static const app_option common_options[] = {
    {"json", 0, "FILE", "write the report as JSON ('-' = stdout, then no table)", ID_JSON},
    {"threads", 0, "N", "threads of the computation and of the BLAS (default: OMP_NUM_THREADS if set, else the CPUs idle at the start)", ID_THREADS},
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
  int na = count_options(cli->shared) + count_options(cli->options), nc = count_options(common_options), k = 0;
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
  for (int pass = 0; pass < 3; pass++) {
    const app_option *table = pass == 0 ? cli->shared : pass == 1 ? cli->options : common_options;
    for (const app_option *t = table; t && (t->name || t->help); t++) {
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
    /* words wrapped at 79 columns; '\n' in the text forces a new line */
    int x = col;
    for (const char *h = t->help; *h;) {
      if (*h == '\n' || *h == ' ') {
        if (*h == '\n') x = 80;
        h++;
        continue;
      }
      int w = (int)strcspn(h, " \n");
      if (x > col && x + 1 + w > 79) {
        printf("\n%*s", col, "");
        x = col;
      } else if (x > col) {
        putchar(' ');
        x++;
      }
      printf("%.*s", w, h);
      x += w;
      h += w;
    }
    putchar('\n');
  }
}

void app_print_help(const app_cli *cli) {
  printf("Usage: %s %s\n", cli->prog, cli->synopsis);
  printf("%s", cli->description);
  int col = 24;
  const app_option *first = cli->shared ? cli->shared : cli->options;
  if (first && first[0].name) printf("\nOptions:\n"); /* else a heading comes first */
  print_options(cli->shared, col);
  print_options(cli->options, col);
  printf("\nCommon options (all qclr apps):\n");
  print_options(common_options, col);
  if (cli->notes && *cli->notes) printf("\n%s", cli->notes);
  printf("\nReport bugs to the qclr issue tracker.\n");
}

/* The option tables stay reachable from this global (external, so the store
 * is kept), so an app that exits on a usage error of its own before
 * app_cli_free does not leak them. */
void *app_cli_tables;

/* OpenBLAS built without OpenMP keeps its own count (weak: other BLAS libraries
 * keep theirs); OpenMP builds follow the caller's omp_get_max_threads(). */
extern void openblas_set_num_threads(int) __attribute__((weak));

/* The thread count of the run, once: --threads N, else OMP_NUM_THREADS if the
 * user set it (OpenMP's default), else the CPUs idle now (qclr_threads_idle:
 * beside busy processes, threads that wait for each other are slower than one
 * thread).  The same count goes to the BLAS, so that no BLAS call opens a
 * team of threads the run did not ask for. */
static void app_set_threads(int n) {
  const char *env = getenv("OMP_NUM_THREADS");
  if (n <= 0 && !(env && *env)) n = qclr_threads_idle();
  qclr_set_threads(n > 0 ? n : 0);
  if (n <= 0) return;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  if (openblas_set_num_threads) openblas_set_num_threads(n);
}

int app_getopt(app_cli *cli, int argc, char **argv, const char **arg) {
  cli_priv *p = cli->priv_;
  *arg = NULL;
  if (!p && (p = cli->priv_ = cli_setup(cli))) app_cli_tables = p;
  if (!p) {
    fprintf(stderr, "%s: error: out of memory\n", cli->prog);
    cli->exit_status = APP_EXIT_NUMERIC;
    return APP_OPT_EXIT;
  }
  opterr = 0; /* our own messages name the program, not libtool's .libs/ path */
  for (;;) {
    int c = getopt_long(argc, argv, p->shortopts, p->lo, NULL);
    if (c == -1) {
      for (int k = optind; k < argc; k++) app_register_input(argv[k]); /* operands are inputs */
      app_set_threads(cli->threads);
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

int app_json_write_report(const char *path, const char *prog, const char *input, const qclr_hamiltonian *H,
                          double seconds, const app_json *members) {
  app_json *top = app_json_new();
  if (!top) return qclr_error_set(QCLR_ENOMEM, "JSON report: out of memory");
  app_json_head(top, prog, input, H, seconds);
  app_json_append_members(top, members);
  app_json_end_object(top);
  int rc = app_json_write(top, path);
  app_json_free(top);
  return rc;
}

const app_option app_factor_options[] = {
    {NULL, 0, NULL, "Factorization:", 0},
    {"method", 'm', "M", "cholesky (default) or eigen", APP_FO_METHOD},
    {"pivot", 'p', "P", "greedy (default), random or block (Cholesky only)", APP_FO_PIVOT},
    {"tol", 't', "X",
     "stage-1 threshold: Cholesky stops when the largest residual diagonal "
     "<= X, eigen drops eigenvalues <= X (default 1e-6); either way "
     "max|dV| <= X",
     APP_FO_TOL},
    {"df-tol", 0, "X", "DF threshold tau_2: keep f_k with |f_k| sum_j |f_j| > X (default 0)", APP_FO_DFTOL},
    {"df-rule", 0, "R", "default (drop empty factors) or openfermion (stop at the first)", APP_FO_DFRULE},
    {"max-rank", 0, "N", "cap the stage-1 rank (warning and converged=false if hit first)", APP_FO_MAXRANK},
    {"block", 0, "B", "block size of --pivot block (default automatic)", APP_FO_BLOCK},
    {"seed", 0, "S", "seed of --pivot random (and of qclr-groups --simulate; default 1)", APP_FO_SEED},
    {0}};

void app_factor_settings_default(app_factor_settings *s) {
  memset(s, 0, sizeof *s);
  qclr_cholesky_options_default(&s->co);
  qclr_df_options_default(&s->dfo);
}

int app_factor_option(const char *prog, int id, const char *arg, app_factor_settings *s) {
  long long ll;
  switch (id) {
  case APP_FO_METHOD:
    if (!strcmp(arg, "cholesky")) s->method = 0;
    else if (!strcmp(arg, "eigen")) s->method = 1;
    else return app_usage_error(prog, "--method must be cholesky or eigen, got '%s'", arg);
    return 0;
  case APP_FO_PIVOT:
    if (!strcmp(arg, "greedy")) s->co.pivot = QCLR_PIVOT_GREEDY;
    else if (!strcmp(arg, "random")) s->co.pivot = QCLR_PIVOT_RANDOM;
    else if (!strcmp(arg, "block")) s->co.pivot = QCLR_PIVOT_BLOCK;
    else return app_usage_error(prog, "--pivot must be greedy, random or block, got '%s'", arg);
    return 0;
  case APP_FO_TOL:
    if (app_parse_double(prog, "--tol", arg, &s->co.tol)) return APP_EXIT_USAGE;
    if (!(s->co.tol >= 0)) return app_usage_error(prog, "--tol must be finite and >= 0");
    s->tol_given = 1;
    return 0;
  case APP_FO_DFTOL:
    if (app_parse_double(prog, "--df-tol", arg, &s->dfo.tol)) return APP_EXIT_USAGE;
    if (!(s->dfo.tol >= 0)) return app_usage_error(prog, "--df-tol must be finite and >= 0");
    return 0;
  case APP_FO_DFRULE:
    if (!strcmp(arg, "default")) s->dfo.rule = QCLR_DF_RULE_DEFAULT;
    else if (!strcmp(arg, "openfermion")) s->dfo.rule = QCLR_DF_RULE_OPENFERMION;
    else return app_usage_error(prog, "--df-rule must be default or openfermion, got '%s'", arg);
    return 0;
  case APP_FO_MAXRANK:
    if (app_parse_int(prog, "--max-rank", arg, 0, INT64_MAX / 2, &ll)) return APP_EXIT_USAGE;
    s->co.max_rank = ll;
    return 0;
  case APP_FO_BLOCK:
    if (app_parse_int(prog, "--block", arg, 0, 1 << 20, &ll)) return APP_EXIT_USAGE;
    s->co.block = ll;
    return 0;
  case APP_FO_SEED:
    if (app_parse_int(prog, "--seed", arg, 0, INT64_MAX, &ll)) return APP_EXIT_USAGE;
    s->co.seed = (uint64_t)ll;
    return 0;
  default: return -1;
  }
}

/* apps/app.h: helpers shared by the qclr-* driver programs. */
#ifndef QCLR_APP_H
#define QCLR_APP_H

#include <getopt.h> /* optind: the first operand after app_getopt */
#include <stdint.h>
#include <stdio.h>

#include "qclr.h"

/* Exit statuses (docs/conventions.md §3). */
#define APP_EXIT_OK 0
#define APP_EXIT_NUMERIC 1
#define APP_EXIT_USAGE 2

/* Print "prog: error: <strerror>: <detail>" to stderr and return the exit
 * status for rc: 2 for bad input or usage, 1 for numerical failures. */
int app_fail(const char *prog, int rc);

/* Print a usage error ("prog: fmt\nTry 'prog --help'.") and return 2. */
int app_usage_error(const char *prog, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Parse helpers: return 0 on success, or print a usage error and return 2. */
int app_parse_double(const char *prog, const char *opt, const char *s, double *out);
int app_parse_int(const char *prog, const char *opt, const char *s, long long lo, long long hi,
                  long long *out);
/* Comma-separated list of doubles; *out malloc'd. */
int app_parse_double_list(const char *prog, const char *opt, const char *s, double **out, int *n);

/* Progress reporting on stderr: enabled when stderr is a TTY or --progress. */
void app_progress_enable(int on);
int app_progress_enabled(void);
void app_progress(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* INPUT of an app: an FCIDUMP path, or a model description
 * "model:KIND:key=value,..." (qclr_model_parse, e.g.
 * model:chain:atoms=10,spacing=1.0) built in memory.  Returns a qclr status
 * like qclr_fcidump_read; a model whose RHF did not converge is an error
 * (QCLR_ENUMERIC, exit 1).  app_is_model tells which kind INPUT is. */
int app_is_model(const char *input);
/* --energy of qclr-factor and qclr-cost: the FCI ground-state or MP2 total
 * energy of H (Hartree, with e_core).  A FCI warning (not converged) is
 * printed as "PROG: warning: ..." and the energy kept; errors are returned. */
enum { APP_ENERGY_NONE = 0, APP_ENERGY_FCI = 1, APP_ENERGY_MP2 = 2 };
int app_energy(const char *prog, const qclr_hamiltonian *H, int kind, double *e);

int app_read_hamiltonian(const char *input, qclr_hamiltonian **H);

/* Wall-clock seconds (monotonic). */
double app_seconds(void);

/* Remember PATH (a regular file) as an input: no output may resolve to it.
 * app_getopt registers the operands; apps register inputs given by options. */
void app_register_input(const char *path);

/* Check before any long computation that an output can be written, for
 * real: a file (is_dir = 0) via qclr_output_check (a temporary is created
 * beside it and removed), a directory (is_dir = 1) by staging one beside it;
 * an output that resolves to a registered input is refused.  PATH NULL or
 * "-" (stdout) passes.  Returns 0, or prints "prog: OPT: reason" and
 * returns 2. */
int app_check_output(const char *prog, const char *opt, const char *path, int is_dir);

/* A directory output written whole: app_outdir_begin(DIR) stages it (files
 * are written through app_path_join(DIR, name), which then points into the
 * staging directory); app_outdir_end(rc) commits when rc == 0, else removes
 * the staging directory, and returns rc or the commit's error.  An exit
 * before app_outdir_end removes the staging directory. */
int app_outdir_begin(const char *dir);
int app_outdir_end(int rc);

/* "DIR/NAME" in a static-free malloc'd string (into the staging directory
 * while DIR is being written by app_outdir_begin). */
char *app_path_join(const char *dir, const char *name);

/* Print "prog (qclr) VERSION" and return 0. */
int app_print_version(const char *prog);

/* C(n, k) as a double -- the number of strings of k electrons in n orbitals --
 * exact below 2^53, infinite past 2^63 (qclr_binomial refuses those). */
double app_binomial(int64_t n, int64_t k);
/* ---- One command-line style for every app (docs/conventions.md §4, --help) ----
 *
 * An app declares its own options in a table; the options every app has
 * (-h/--help, -V/--version, -q/--quiet, --json FILE, --threads N,
 * --progress) are added by app_getopt, which also generates --help (in the
 * form help2man reads) from the tables, so each option has one source. */
typedef struct {
  const char *name;  /* long name without "--"; NULL with help set = a heading line */
  int short_name;    /* a letter, or 0 */
  const char *arg;   /* argument name shown in --help ("FILE"), NULL for a flag */
  const char *help;  /* help text; '\n' starts an indented continuation line */
  int id;            /* returned by app_getopt (> 0) */
} app_option;

typedef struct {
  /* set by the app */
  const char *prog;        /* "qclr-fci" */
  const char *synopsis;    /* after the program name: "[OPTION]... INPUT" */
  const char *description; /* what the program does (lines end with '\n') */
  const app_option *shared;  /* a table shared with other apps (app_factor_options), or NULL */
  const app_option *options; /* the app's own options, ended by {0} */
  const char *notes;       /* examples, notes and exit status (after the options) */
  /* set by app_getopt from the common options */
  const char *json;        /* --json FILE ("-" = stdout; then quiet = 1) */
  int quiet;               /* -q/--quiet */
  int threads;             /* --threads N, 0 = the default (OpenMP's) */
  int exit_status;         /* when app_getopt returns APP_OPT_EXIT */
  /* internal */
  void *priv_;
} app_cli;

#define APP_OPT_END (-1)  /* options done: operands are argv[optind..argc-1] */
#define APP_OPT_EXIT (-2) /* --help/--version printed, or a usage error: exit cli->exit_status */

/* Next option of argv: its id (the app's option table), APP_OPT_END or
 * APP_OPT_EXIT; *arg is its argument (NULL for a flag).  Handles the common
 * options itself; a bad option or a missing argument prints a usage error
 * (exit 2).  At the end also checks that --json can be written.  Call
 * app_cli_free when done (any return). */
int app_getopt(app_cli *cli, int argc, char **argv, const char **arg);
void app_cli_free(app_cli *cli);

/* Stage-1 factorization and double-factorization options shared by
 * qclr-factor and qclr-groups: -m/--method, -p/--pivot, -t/--tol, --df-tol,
 * --df-rule, --max-rank, --block, --seed (ids APP_FO_*). */
enum { APP_FO_METHOD = 1000, APP_FO_PIVOT, APP_FO_TOL, APP_FO_DFTOL, APP_FO_DFRULE, APP_FO_MAXRANK, APP_FO_BLOCK,
       APP_FO_SEED };
extern const app_option app_factor_options[];
typedef struct {
  int method; /* 0 cholesky, 1 eigen */
  qclr_cholesky_options co;
  qclr_df_options dfo;
  int tol_given;
} app_factor_settings;
void app_factor_settings_default(app_factor_settings *s);
/* Apply option id (APP_FO_*) with its argument: 0, or a usage error printed
 * and 2.  Other ids: -1 (not a factorization option). */
int app_factor_option(const char *prog, int id, const char *arg, app_factor_settings *s);

/* The --help text (stdout). */
void app_print_help(const app_cli *cli);

/* Open the report object and write the keys every report starts with, in
 * this order: program, version, input, norb, nalpha, nbeta, e_core (from H;
 * null when H is NULL), seconds. */
struct app_json;
void app_json_head(struct app_json *j, const char *prog, const char *input, const qclr_hamiltonian *H,
                   double seconds);
/* Write to path a report made of the head (as app_json_head) followed by
 * members (app_json_new_members), for reports whose members are written
 * before the head is known.  0 or a QCLR_E* code (as app_json_write). */
int app_json_write_report(const char *path, const char *prog, const char *input, const qclr_hamiltonian *H,
                          double seconds, const struct app_json *members);
/* Same from values (for a report without a Hamiltonian object). */
void app_json_head_values(struct app_json *j, const char *prog, const char *input, int64_t norb, int nalpha,
                          int nbeta, double e_core, double seconds);

#endif

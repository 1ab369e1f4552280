/* apps/app.h: helpers shared by the qclr-* driver programs. */
#ifndef QCLR_APP_H
#define QCLR_APP_H

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
int app_read_hamiltonian(const char *input, qclr_hamiltonian **H);

/* Wall-clock seconds (monotonic). */
double app_seconds(void);

/* Create directory DIR if missing (parents not created).  0 or QCLR_EIO. */
int app_mkdir(const char *dir);

/* Check before any long computation that an output can be written: for a
 * file (is_dir = 0) its directory must exist and be writable; for a directory
 * (is_dir = 1, created later by app_mkdir) it must be a writable directory or
 * be creatable in a writable parent.  PATH NULL or "-" (stdout) passes.
 * Returns 0, or prints "prog: OPT PATH: why" and returns 2. */
int app_check_output(const char *prog, const char *opt, const char *path, int is_dir);

/* "DIR/NAME" in a static-free malloc'd string. */
char *app_path_join(const char *dir, const char *name);

/* Print "prog (qclr) VERSION" and return 0. */
int app_print_version(const char *prog);

/* C(n, k) as a double -- the number of strings of k electrons in n orbitals --
 * exact below 2^53, infinite past 2^63 (qclr_binomial refuses those). */
double app_binomial(int64_t n, int64_t k);

#endif

/* src/error.c: status strings and the per-thread last-error message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/error.h"

static _Thread_local char last_error[1024];

const char *qclr_strerror(int code) {
  switch (code) {
  case QCLR_SUCCESS: return "success";
  case QCLR_EINVAL: return "invalid argument";
  case QCLR_ENOMEM: return "out of memory";
  case QCLR_EPARSE: return "parse error";
  case QCLR_ETOOLARGE: return "problem too large";
  case QCLR_ENOTPSD: return "matrix not positive semidefinite";
  case QCLR_EIO: return "input/output error";
  case QCLR_EUNSUPPORTED: return "unsupported input";
  case QCLR_ENUMERIC: return "numerical failure";
  case QCLR_ECALLBACK: return "callback failed";
  case QCLR_WNOTCONVERGED: return "warning: not converged";
  case QCLR_WRANKCAP: return "warning: rank cap reached";
  default: return "unknown status";
  }
}

const char *qclr_last_error(void) { return last_error; }

void qclr_clear_error(void) { last_error[0] = '\0'; }

void qclr__clear(void) { last_error[0] = '\0'; }

int qclr__error(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return code;
}

int qclr_error_set(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt ? fmt : "", ap);
  va_end(ap);
  return code;
}

/* qclr/error.h: status codes and error messages.
 *
 * Every fallible qclr call returns int: 0 on success, a negative QCLR_E* code
 * on error, a positive QCLR_W* code for a result that is usable but carries a
 * warning (e.g. a rank cap hit before the tolerance).  The library never
 * prints and never exits.  A detailed message (file, line, what was expected)
 * for the last failure on the calling thread is returned by qclr_last_error().
 *
 * Every public function validates its handles, indices, pointers and floats:
 * a status-returning call gets QCLR_EINVAL for a NULL handle or required
 * pointer, an index out of range, a negative count or a NaN/Inf where a
 * finite number is needed (QCLR_ETOOLARGE/ENOMEM for a size too large).
 * Accessors (functions returning a value, not a status) return a safe value
 * instead: NULL for a pointer, 0 for a count, size or flag, NaN for a double,
 * -1 for an index lookup (qclr_tt_det_index, qclr_df_source); void setters
 * ignore a NULL handle or a non-finite value (H or tt unchanged; the reason
 * is in qclr_last_error()).  tests/api_robust.sh checks all of this for every
 * exported function (generated from these headers).
 */
#ifndef QCLR_ERROR_H
#define QCLR_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
  QCLR_SUCCESS = 0,
  QCLR_EINVAL = -1,       /* invalid argument */
  QCLR_ENOMEM = -2,       /* allocation failed */
  QCLR_EPARSE = -3,       /* malformed input file */
  QCLR_ETOOLARGE = -4,    /* problem does not fit in memory or in lapack_int */
  QCLR_ENOTPSD = -5,      /* matrix expected positive semidefinite is not */
  QCLR_EIO = -6,          /* file could not be opened, read or written */
  QCLR_EUNSUPPORTED = -7, /* valid input of a kind not supported (e.g. UHF) */
  QCLR_ENUMERIC = -8,     /* a numerical routine failed (LAPACK info != 0) */
  QCLR_ECALLBACK = -9,    /* a caller-supplied callback reported failure */

  QCLR_WNOTCONVERGED = 1, /* iteration/rank cap reached before tolerance */
  QCLR_WRANKCAP = 2       /* explicit rank cap truncated the result */
};

/* Static, human-readable name of a status code. Never NULL. */
const char *qclr_strerror(int code);

/* Detailed message of the last error or warning on this thread.  Every
 * fallible qclr call clears it on entry, so it is "" after a call that
 * returned 0, and names the problem after one that returned an error or a
 * warning.  The pointer stays valid until the next qclr call on this thread. */
const char *qclr_last_error(void);

/* Clear the calling thread's last-error message. */
void qclr_clear_error(void);

/* Set the calling thread's last-error message (printf format) and return
 * code.  For callers' callbacks (e.g. an integral-direct column source) and
 * host programs that report through qclr's channel. */
int qclr_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif

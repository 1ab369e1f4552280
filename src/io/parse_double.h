/* src/parse_double.h: correctly rounded decimal -> double conversion over a
 * bounded (not NUL-terminated) buffer; internal, not installed. */
#ifndef QCLR_PARSE_DOUBLE_H
#define QCLR_PARSE_DOUBLE_H

/* Parse a decimal number at [p, end): [+-]digits[.digits][exponent], where
 * the exponent is [eEdD][+-]digits or Fortran's bare [+-]digits after the
 * mantissa (1.0-100).  Returns the first character after the number, or NULL
 * if [p, end) does not start with one (NaN and Inf are not numbers here).
 * The result is the correctly rounded double (round to nearest even), as
 * strtod gives; values beyond DBL_MAX give +-Inf. */
const char *qclr__parse_double(const char *p, const char *end, double *out);

#endif

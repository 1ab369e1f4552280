/* apps/json.h: a small streaming JSON writer shared by the apps.
 *
 * Rules of every report (docs/conventions.md §4): integers are written as JSON
 * integers; a float is written in the shortest of %.15g, %.16g, %.17g that
 * strtod reads back bit-identical, with ".0" added when it would otherwise
 * read as an integer; a non-finite float is refused: the writer remembers the
 * key and app_json_write fails with QCLR_ENUMERIC naming it.  Values that are
 * "not applicable" are written as null explicitly (app_json_null, or
 * app_json_double_or_null for a NaN that means n/a by contract). */
#ifndef QCLR_APP_JSON_H
#define QCLR_APP_JSON_H

#include <stdint.h>

typedef struct app_json app_json;

app_json *app_json_new(void);
void app_json_free(app_json *j);

/* key is NULL for array elements and for the top-level value. */
void app_json_begin_object(app_json *j, const char *key);
void app_json_end_object(app_json *j);
void app_json_begin_array(app_json *j, const char *key);
/* An array whose elements go on one line ([1, 2.5, 3]); scalars only. */
void app_json_begin_inline_array(app_json *j, const char *key);
void app_json_end_array(app_json *j);
void app_json_int(app_json *j, const char *key, int64_t v);
void app_json_double(app_json *j, const char *key, double v); /* shortest round trip; NaN/Inf refused */
void app_json_double_or_null(app_json *j, const char *key, double v); /* NaN -> null (n/a) */
void app_json_string(app_json *j, const char *key, const char *s);
void app_json_bool(app_json *j, const char *key, int v);
void app_json_null(app_json *j, const char *key);
void app_json_double_array(app_json *j, const char *key, const double *v, int64_t n);
void app_json_int_array(app_json *j, const char *key, const int64_t *v, int64_t n);

/* Members written before the head of the report is known: a writer for
 * members of the top-level object, appended later, in order, by
 * app_json_append_members (after the head keys). */
app_json *app_json_new_members(void);
void app_json_append_members(app_json *j, const app_json *members);

/* Shortest decimal form of a finite v that strtod reads back bit-identical
 * (%.15g, %.16g or %.17g, ".0" added to integral values); buf >= 32 bytes. */
void app_json_format_double(double v, char *buf);

/* The text so far (NUL-terminated). */
const char *app_json_text(const app_json *j);

/* Write to path ("-" = stdout) atomically; 0 or a QCLR_E* code (QCLR_ENUMERIC
 * naming the key when a non-finite float was refused). */
int app_json_write(app_json *j, const char *path);

#endif

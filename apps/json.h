/* apps/json.h: a small streaming JSON writer shared by the apps. */
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
void app_json_end_array(app_json *j);
void app_json_int(app_json *j, const char *key, int64_t v);
void app_json_double(app_json *j, const char *key, double v); /* %.17g; NaN/Inf -> null */
void app_json_string(app_json *j, const char *key, const char *s);
void app_json_bool(app_json *j, const char *key, int v);
void app_json_null(app_json *j, const char *key);
void app_json_double_array(app_json *j, const char *key, const double *v, int64_t n);
void app_json_int_array(app_json *j, const char *key, const int64_t *v, int64_t n);

/* The text so far (NUL-terminated). */
const char *app_json_text(const app_json *j);

/* Write to path ("-" = stdout) atomically; 0 or a QCLR_E* code. */
int app_json_write(app_json *j, const char *path);

#endif

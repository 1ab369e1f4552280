/* qclr/output.h: output files that appear whole or not at all.
 *
 * Every file qclr writes (.npy arrays, FCIDUMP, QASM, reports) goes to a
 * temporary name in the destination's directory and is renamed over the
 * destination only when complete, so a failed or interrupted run never
 * leaves a partial file.
 */
#ifndef QCLR_OUTPUT_H
#define QCLR_OUTPUT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Write len bytes of data to path atomically (temporary file, then rename).
 * Returns 0, QCLR_EINVAL (NULL path, or NULL data with len > 0) or QCLR_EIO
 * with a message naming the destination and the system's reason. */
int qclr_write_file(const char *path, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif

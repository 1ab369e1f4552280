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

/* Write len bytes of data to path, whole or not at all.  A regular file (or
 * a symlink to one: the link is kept, its target replaced) is written to an
 * exclusively created temporary file beside the target (mode 0666 less the
 * umask; an existing file's permissions are kept) and renamed over it.
 * "-" and /dev/stdout mean standard output; FIFOs and character devices are
 * written in place; directories, sockets and block devices are refused.
 * Returns 0, QCLR_EINVAL (NULL path, or NULL data with len > 0) or QCLR_EIO
 * with a message naming the destination and the system's reason. */
int qclr_write_file(const char *path, const void *data, size_t len);

/* Check, before a long computation, that path can be written as above: a
 * temporary file is really created in the destination's directory and
 * removed (for FIFOs and devices: write access).  0, or QCLR_EIO/QCLR_EINVAL
 * with the reason.  Nothing is left behind. */
int qclr_output_check(const char *path);

/* Several files that go into place together: begin() creates a staging
 * directory beside DIR; the caller writes every file into
 * qclr_output_dir_path(d); commit() then renames the staging directory to
 * DIR (when DIR did not exist) or moves each file into the existing DIR (its
 * other files are kept), and frees d.  abort() removes the staging directory
 * and its files and frees d (NULL accepted).  A failed run leaves DIR as it
 * was.  Errors: QCLR_EIO (DIR exists and is not a directory, or cannot be
 * created/renamed; the message names it), QCLR_ENOMEM, QCLR_EINVAL. */
typedef struct qclr_output_dir qclr_output_dir;
int qclr_output_dir_begin(const char *dir, qclr_output_dir **out);
const char *qclr_output_dir_path(const qclr_output_dir *d);
int qclr_output_dir_commit(qclr_output_dir *d);
void qclr_output_dir_abort(qclr_output_dir *d);

#ifdef __cplusplus
}
#endif
#endif

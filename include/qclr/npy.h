/* qclr/npy.h: NumPy .npy arrays (format 1.0, little-endian float64, C order).
 * Every array qclr writes (factors, CI vectors, RDMs, TT cores) uses this, so
 * numpy.load reads them. */
#ifndef QCLR_NPY_H
#define QCLR_NPY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QCLR_NPY_MAXDIM 32

/* Write data (prod(shape) doubles, C order) to path: written to a temporary
 * name and renamed, so a failure leaves no partial file.  0 <= ndim <= 32. */
int qclr_npy_write(const char *path, const double *data, int ndim, const int64_t *shape);

/* Read a .npy file of '<f8' (or '<f4', '<i8', '<i4', converted) in C order.
 * *data is malloc'd (free with free()); shape must hold QCLR_NPY_MAXDIM entries.
 * Fortran-order, big-endian or other dtypes give QCLR_EUNSUPPORTED; a
 * malformed header QCLR_EPARSE (message names the file and what is wrong). */
int qclr_npy_read(const char *path, double **data, int *ndim, int64_t *shape);

#ifdef __cplusplus
}
#endif
#endif

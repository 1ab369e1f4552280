/* qclr/fcidump.h: FCIDUMP (Knowles-Handy) reader and writer.
 *
 * Reads every common dialect (PySCF, Psi4, Molpro; see docs/conventions.md §2) into a
 * qclr_hamiltonian.  Errors are QCLR_EPARSE (message: "file:line: what was
 * expected"), QCLR_EUNSUPPORTED (UHF files), QCLR_ETOOLARGE (NORB too large
 * for memory, with the bytes needed), QCLR_EIO. */
#ifndef QCLR_FCIDUMP_H
#define QCLR_FCIDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Statistics of one read (all optional for the caller). */
typedef struct {
  int64_t lines;          /* lines in the file */
  int64_t records;        /* integral records read */
  int64_t nonzero_unique; /* distinct nonzero elements (8-fold unique ERIs + h + core) */
  int64_t orbital_energy_records; /* `e i 0 0 0` lines (ignored) */
  double max_duplicate_discrepancy; /* largest |difference| between symmetry-equivalent records */
  int eight_fold;         /* 1 if no two records were symmetry-equivalent */
  size_t bytes;           /* bytes of (decompressed) input */
} qclr_fcidump_info;

typedef struct {
  size_t size;            /* sizeof(qclr_fcidump_read_options), set by qclr_fcidump_read_options_default */
  double duplicate_tol;   /* relative tolerance for symmetry duplicates: 1e-10 */
  int64_t max_bytes;      /* refuse a Hamiltonian needing more than this (0: no limit beyond malloc) */
} qclr_fcidump_read_options;

void qclr_fcidump_read_options_default(qclr_fcidump_read_options *o);

/* Read path (gzip-compressed if it ends in .gz and zlib is available).
 * opts (NULL = defaults, else from qclr_fcidump_read_options_default) and
 * info may be NULL.  *out is set only on success (caller frees it). */
int qclr_fcidump_read(const char *path, const qclr_fcidump_read_options *opts,
                      qclr_hamiltonian **out, qclr_fcidump_info *info);

/* Same from a memory buffer; name is used in messages. */
int qclr_fcidump_read_buffer(const char *buf, size_t len, const char *name,
                             const qclr_fcidump_read_options *opts, qclr_hamiltonian **out,
                             qclr_fcidump_info *info);

typedef struct {
  size_t size;      /* sizeof(qclr_fcidump_write_options), set by qclr_fcidump_write_options_default */
  double zero_tol;  /* omit |value| <= zero_tol (default 0: omit exact zeros only) */
} qclr_fcidump_write_options;

void qclr_fcidump_write_options_default(qclr_fcidump_write_options *o);

/* Write 8-fold unique elements with 17 significant digits (write->read is
 * bit-exact), a header PySCF and Molpro read; temporary name then rename.
 * opts NULL = defaults. */
int qclr_fcidump_write(const char *path, const qclr_hamiltonian *H,
                       const qclr_fcidump_write_options *opts);

#ifdef __cplusplus
}
#endif
#endif

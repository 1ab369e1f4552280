/* tests/api_robust.h: fixtures and checks for the generated API robustness
 * test (tests/gen_api_robust.py writes tests/api_robust_calls.c, which
 * includes this file).  Small valid handles (a 2-site Hubbard Hamiltonian and
 * everything built from it), zeroed scratch buffers, fresh output paths. */
#ifndef API_ROBUST_H
#define API_ROBUST_H

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qclr.h"

extern int api_robust_failures;
extern long api_robust_calls;
void api_robust_one(const char *fn, void (*calls)(void));
void api_robust_run(void);
extern const char *const api_robust_covered[];

/* A fixture that cannot be built ends the test (exit 99: hard error). */
void fx_die(const char *what, int rc);
void *fx_scratch(int i);          /* zeroed, 1 MiB, one per parameter position */
const double *fx_identity(void);  /* the 2 x 2 identity (then zeros) */
const char *fx_path(void);        /* a fresh file name in the test's directory */
const char *fx_dir(void);         /* a fresh directory name there */
const char *fx_text(void);        /* 16+ bytes of text */
void fx_pair_operator(qclr_pair_operator *op);

qclr_hamiltonian *fx_hamiltonian(void);
qclr_lowrank *fx_lowrank(void);
qclr_df *fx_df(void);
qclr_fci *fx_fci(void);
qclr_fci_op *fx_fci_op(void);
qclr_givens *fx_givens(void);
qclr_pauli_sum *fx_pauli_sum(void);
qclr_groups *fx_groups(void);
qclr_tt *fx_tt(void);
qclr_sto3g_eri *fx_sto3g_eri(void);
qclr_hydrogen_factors *fx_hydrogen_factors(void);
qclr_output_dir *fx_output_dir(void);
qclr_thc *fx_thc(void);

void api_robust_fail(const char *fn, const char *label, const char *what);

#define CHECK_INT(fn, label, call, want)                                                             \
  do {                                                                                               \
    long long got_ = (long long)(call);                                                              \
    api_robust_calls++;                                                                              \
    if (got_ != (long long)(want)) {                                                                 \
      char m_[256];                                                                                  \
      snprintf(m_, sizeof m_, "returned %lld, expected %lld (%s)", got_, (long long)(want),           \
               qclr_last_error());                                                                   \
      api_robust_fail(fn, label, m_);                                                                \
    }                                                                                                \
  } while (0)
#define CHECK_ERR(fn, label, call, want)                                                             \
  do {                                                                                               \
    int got_ = (call);                                                                               \
    api_robust_calls++;                                                                              \
    if (got_ != (want) && got_ != QCLR_ETOOLARGE && got_ != QCLR_ENOMEM) {                           \
      char m_[256];                                                                                  \
      snprintf(m_, sizeof m_, "returned %d, expected an error (%s)", got_, qclr_last_error());       \
      api_robust_fail(fn, label, m_);                                                                \
    }                                                                                                \
  } while (0)
#define CHECK_NAN(fn, label, call)                                                                   \
  do {                                                                                               \
    double got_ = (call);                                                                            \
    api_robust_calls++;                                                                              \
    if (!isnan(got_)) {                                                                              \
      char m_[128];                                                                                  \
      snprintf(m_, sizeof m_, "returned %g, expected NaN", got_);                                    \
      api_robust_fail(fn, label, m_);                                                                \
    }                                                                                                \
  } while (0)
#define CHECK_NULL(fn, label, call)                                                                  \
  do {                                                                                               \
    const void *got_ = (const void *)(call);                                                         \
    api_robust_calls++;                                                                              \
    if (got_) api_robust_fail(fn, label, "returned a pointer, expected NULL");                       \
  } while (0)
#define CHECK_NONNULL(fn, label, call)                                                               \
  do {                                                                                               \
    const void *got_ = (const void *)(call);                                                         \
    api_robust_calls++;                                                                              \
    if (!got_) api_robust_fail(fn, label, "returned NULL");                                          \
  } while (0)

#endif

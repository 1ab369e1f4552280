/* qclr.h: umbrella header of qclr (quantum-chemistry low rank).
 * Include this, or the individual qclr/<module>.h headers (each compiles on
 * its own, as C99 and as C++).
 *
 * Rules every public function follows:
 *  - status: int, 0 ok, < 0 QCLR_E* error, > 0 QCLR_W* warning (qclr/error.h);
 *    the calling thread's qclr_last_error() is "" after a success and holds
 *    the message of the error or warning otherwise.  Nothing prints or exits.
 *  - outputs come last (e.g. qclr_hamiltonian_new(norb, nelec, ms2, &H));
 *    objects returned through `**out` belong to the caller (qclr_<x>_free).
 *  - orbital counts, dimensions, ranks and indices are int64_t; electron
 *    counts, ms2, roots, iterations and enums are int.
 *  - options structs start with `size_t size` and must be filled by
 *    qclr_<x>_options_default() (else QCLR_EINVAL); NULL options = defaults
 *    where a function says so.
 *  - threads: qclr_set_threads() (qclr/threads.h), per calling thread.
 *  - arrays handed to constructors are copied unless a function says
 *    otherwise; NaN/Inf in them is refused with QCLR_EINVAL.
 */
#ifndef QCLR_H
#define QCLR_H

#include "qclr/version.h"
#include "qclr/error.h"
#include "qclr/threads.h"
#include "qclr/hamiltonian.h"
#include "qclr/npy.h"
#include "qclr/output.h"
#include "qclr/strings.h"
/* module headers (one line each, kept sorted by data flow) */
#include "qclr/fcidump.h"
#include "qclr/hydrogen.h"
#include "qclr/lattice.h"
#include "qclr/model.h"
#include "qclr/factor.h"
#include "qclr/fci.h"
#include "qclr/givens.h"
#include "qclr/pauli.h"
#include "qclr/groups.h"
#include "qclr/qasm.h"
#include "qclr/tt.h"
#include "qclr/cost.h"
#include "qclr/thc.h"
#include "qclr/rank.h"

#endif

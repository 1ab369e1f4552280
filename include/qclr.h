/* qclr.h: umbrella header of qclr (quantum-chemistry low rank).
 * Include this, or the individual qclr/<module>.h headers. */
#ifndef QCLR_H
#define QCLR_H

#include "qclr/version.h"
#include "qclr/error.h"
#include "qclr/threads.h"
#include "qclr/hamiltonian.h"
#include "qclr/npy.h"
#include "qclr/output.h"
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

#endif

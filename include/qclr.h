/* qclr.h: umbrella header of qclr (quantum-chemistry low rank).
 * Include this, or the individual qclr/<module>.h headers. */
#ifndef QCLR_H
#define QCLR_H

#include "qclr/version.h"
#include "qclr/error.h"
#include "qclr/hamiltonian.h"
#include "qclr/npy.h"
/* module headers (one line each, kept sorted by data flow) */
#include "qclr/fcidump.h"
#include "qclr/fci.h"
#include "qclr/tt.h"
#include "qclr/factor.h"
#include "qclr/model.h"

#endif

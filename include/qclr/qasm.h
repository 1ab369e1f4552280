/* qclr/qasm.h: OpenQASM export of a basis-rotation measurement circuit.
 *
 * The circuit acts on 2N qubits in blocked Jordan-Wigner order (qubit p =
 * orbital p alpha, qubit N+p = orbital p beta): it prepares nothing, runs the
 * Givens network of a qclr_givens on both spin blocks (the two blocks in
 * parallel, layer by layer), applies Z on the modes whose final sign is -1, and
 * measures every qubit (c[k] <- q[k]).  The gate
 *
 *   gate givens(theta) a,b { cx b,a; ry(theta) b; cx a,b; ry(-theta) b; cx a,b; cx b,a; }
 *
 * maps |10> -> cos|10> + sin|01>, |01> -> -sin|10> + cos|01> (|n_a n_b>) and
 * fixes |00>, |11>: the fermionic rotation G(i, theta) of qclr/givens.h on
 * adjacent modes a = i, b = i+1.
 */
#ifndef QCLR_QASM_H
#define QCLR_QASM_H

#include "qclr/givens.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The circuit as text: version 2 (OpenQASM 2.0, qelib1.inc) or 3 (OpenQASM
 * 3.0, stdgates.inc).  title: one comment line (may be NULL).  *out is
 * malloc'd, NUL-terminated; free with free().  O(N^2) text. */
int qclr_qasm_string(const qclr_givens *g, int version, const char *title, char **out);

/* Same, written atomically to path (a failed write leaves no file). */
int qclr_qasm_write(const char *path, const qclr_givens *g, int version, const char *title);

#ifdef __cplusplus
}
#endif
#endif

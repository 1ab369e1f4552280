/* qclr/qasm.h: OpenQASM export of a basis-rotation measurement circuit.
 *
 * The circuit acts on 2N qubits in blocked Jordan-Wigner order (qubit p =
 * orbital p alpha, qubit N+p = orbital p beta): it prepares nothing, runs the
 * Givens network of a qclr_givens on both spin blocks (the two blocks in
 * parallel, layer by layer), applies Z on the modes whose final sign is -1, and
 * measures every qubit (c[k] <- q[k]).  The gate
 *
 *   gate givens(theta) a,b { ry(pi/2) a; cx a,b; ry(-theta) a; ry(-theta) b; cx a,b; ry(-pi/2) a; }
 *
 * maps |10> -> cos|10> + sin|01>, |01> -> -sin|10> + cos|01> (|n_a n_b>) and
 * fixes |00>, |11>: the fermionic rotation G(i, theta) of qclr/givens.h on
 * adjacent modes a = i, b = i+1.  Derivation: G(theta) = exp(theta K),
 * K = |01><10| - |10><01| = i(Y_a X_b - X_a Y_b)/2, two commuting Pauli
 * products; conjugation by C = CX(a->b) Ry_a(pi/2) maps Y_a X_b -> +-Y_a and
 * X_a Y_b -> +-Y_b, so G = C^+ Ry_a(-theta) Ry_b(-theta) C: two CNOTs, the
 * minimum for a gate that is not locally equivalent to a single CNOT or a product
 * (its Cartan coordinates are (theta/2, theta/2, 0)).  At theta = +-pi it is
 * Z_a Z_b; qclr_givens_simplify folds such rotations into the final Z gates.
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

/* Native gate sets for the cost of a circuit. */
enum {
  QCLR_GATES_CX = 0,        /* CX + single-qubit U3: a rotation = 2 CX (the givens body above) */
  QCLR_GATES_CZ = 1,        /* CZ + U3: each CX = H CZ H, the H merged into the U3 around it */
  QCLR_GATES_XX_PLUS_YY = 2 /* a native XX+YY (fSim-type, e.g. Qiskit XXPlusYYGate) gate: a rotation = 1 gate */
};

typedef struct {
  int64_t rotations;       /* Givens rotations, both spin blocks */
  int64_t two_qubit;       /* two-qubit gates, both spin blocks */
  int64_t single_qubit;    /* single-qubit gates after merging each run on a qubit into one U3
                              (the final Z gates included), both spin blocks */
  int64_t depth;           /* layers of the circuit (one- and two-qubit gates one step each,
                              as soon as possible; the two spin blocks run in parallel) */
  int64_t two_qubit_depth; /* layers counting only the two-qubit gates */
} qclr_circuit_cost;

/* Cost of the circuit qclr_qasm_string writes for g (without the measurement)
 * when compiled to gate_set (QCLR_GATES_*; else QCLR_EINVAL).  O(K + N). */
int qclr_qasm_cost(const qclr_givens *g, int gate_set, qclr_circuit_cost *out);

#ifdef __cplusplus
}
#endif
#endif

/* tests/test_qasm_gen.c: helper for tests/qasm_sim.sh.  Writes OpenQASM 2.0
 * circuits for random orthogonal rotations (N = 1..6) into DIR plus
 * DIR/circuits.json ({"norb":..,"groups":[{"rotation":U,"qasm2":file}]}, the
 * layout of qclr-groups --json), so tests/js/check_qasm.js can simulate them.
 * The circuit of rotation U runs the network of M = U^T (qclr-groups' rule:
 * measuring mode k then measures rotated orbital k).  Also checks the text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qclr/error.h"
#include "qclr/qasm.h"
#include "testutil.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_qasm_gen DIR\n");
    return 2;
  }
  unsigned long long seed = 77;
  char path[4096];
  snprintf(path, sizeof path, "%s/circuits.json", argv[1]);
  FILE *js = fopen(path, "w");
  if (!js) return 99;
  fprintf(js, "{\"circuits\": [\n");
  for (int n = 1; n <= 6; n += (n >= 3 ? 3 : 1)) {
    double u[36], m[36];
    test_random_orthogonal(n, u, &seed);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) m[i * n + j] = u[j * n + i];
    qclr_givens *g;
    CHECK_RC(qclr_givens_decompose(n, m, &g), 0);
    snprintf(path, sizeof path, "%s/random_%d.qasm", argv[1], n);
    CHECK_RC(qclr_qasm_write(path, g, 2, "random rotation"), 0);
    char *t2, *t3;
    CHECK_RC(qclr_qasm_string(g, 2, NULL, &t2), 0);
    CHECK_RC(qclr_qasm_string(g, 3, "x\ny", &t3), 0);
    int ng = 0;
    for (char *p = t2; (p = strstr(p, "\ngivens(")); p++) ng++;
    CHECK(ng == n * (n - 1), "N=%d: %d givens gates in QASM 2", n, ng);
    CHECK(!strncmp(t2, "OPENQASM 2.0;", 13) && strstr(t2, "measure q -> c;"), "QASM 2 frame");
    CHECK(!strncmp(t3, "OPENQASM 3.0;", 13) && strstr(t3, "c = measure q;") && strstr(t3, "// x y\n"), "QASM 3 frame");
    free(t2), free(t3);
    CHECK_RC(qclr_qasm_string(g, 4, NULL, &t2), QCLR_EINVAL);
    qclr_givens_free(g);
    fprintf(js, "%s{\"norb\": %d, \"qasm2\": \"random_%d.qasm\", \"rotation\": [", n > 1 ? "," : "", n, n);
    for (int i = 0; i < n; i++) {
      fprintf(js, "%s[", i ? "," : "");
      for (int j = 0; j < n; j++) fprintf(js, "%s%.17g", j ? "," : "", u[i * n + j]);
      fprintf(js, "]");
    }
    fprintf(js, "]}\n");
  }
  fprintf(js, "]}\n");
  fclose(js);
  return test_done("test_qasm_gen");
}

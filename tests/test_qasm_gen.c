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
  /* random rotations (N = 1, 2, 3, 6), then structured ones (N = 4, 5: sign
   * flips and a dense 3 x 3 block) whose simplified circuits drop rotations
   * by 0 and fold rotations by +-pi into Z gates */
  int sizes[] = {1, 2, 3, 6, 4, 5};
  for (int c = 0; c < 6; c++) {
    int n = sizes[c];
    double u[36], m[36];
    test_random_orthogonal(n, u, &seed);
    if (c >= 4) {
      double sub[9];
      test_random_orthogonal(3, sub, &seed);
      for (int i = 0; i < n * n; i++) u[i] = 0;
      for (int i = 0; i < n; i++) u[i * n + i] = (i % 2 == 0) ? -1.0 : 1.0;
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) u[(i + 1) * n + j + 1] = sub[i * 3 + j];
    }
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) m[i * n + j] = u[j * n + i];
    qclr_givens *g, *full;
    CHECK_RC(qclr_givens_decompose(n, m, &full), 0);
    CHECK_RC(qclr_givens_simplify(full, 1e-12 * 3.141592653589793, &g), 0);
    if (c >= 4)
      CHECK(qclr_givens_count(g) < n * (n - 1) / 2 && qclr_givens_nfolded(g) > 0, "N=%d structured: %lld dropped, %lld folded", n,
            (long long)qclr_givens_ndropped(g), (long long)qclr_givens_nfolded(g));
    qclr_givens_free(full);
    snprintf(path, sizeof path, "%s/random_%d.qasm", argv[1], n);
    CHECK_RC(qclr_qasm_write(path, g, 2, "random rotation"), 0);
    char *t2, *t3;
    CHECK_RC(qclr_qasm_string(g, 2, NULL, &t2), 0);
    CHECK_RC(qclr_qasm_string(g, 3, "x\ny", &t3), 0);
    int ng = 0;
    for (char *p = t2; (p = strstr(p, "\ngivens(")); p++) ng++;
    CHECK(ng == 2 * qclr_givens_count(g), "N=%d: %d givens gates in QASM 2", n, ng);
    CHECK(!strncmp(t2, "OPENQASM 2.0;", 13) && strstr(t2, "measure q -> c;"), "QASM 2 frame");
    CHECK(!strncmp(t3, "OPENQASM 3.0;", 13) && strstr(t3, "c = measure q;") && strstr(t3, "// x y\n"), "QASM 3 frame");
    free(t2), free(t3);
    CHECK_RC(qclr_qasm_string(g, 4, NULL, &t2), QCLR_EINVAL);
    qclr_givens_free(g);
    fprintf(js, "%s{\"norb\": %d, \"qasm2\": \"random_%d.qasm\", \"rotation\": [", c ? "," : "", n, n);
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

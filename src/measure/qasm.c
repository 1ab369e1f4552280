/* src/qasm.c: OpenQASM 2.0 / 3.0 text for a Givens measurement circuit. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/qasm.h"

typedef struct {
  char *buf;
  size_t len, cap;
  int err;
} sbuf;

/* Room for n more bytes and a terminator (at least doubling); sets s->err on failure. */
static int grow(sbuf *s, size_t n) {
  size_t cap = 2 * s->cap + n + 64;
  char *b = realloc(s->buf, cap);
  if (!b) return s->err = qclr__error(QCLR_ENOMEM, "qasm: out of memory (%zu bytes)", cap);
  s->buf = b;
  s->cap = cap;
  return 0;
}

static void put(sbuf *s, const char *fmt, ...) {
  if (s->err) return;
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
      s->err = QCLR_EIO;
      return;
    }
    if ((size_t)n < s->cap - s->len) {
      s->len += (size_t)n;
      return;
    }
    if (grow(s, (size_t)n)) return;
  }
}

static void put_raw(sbuf *s, const char *t, size_t n) {
  if (s->err) return;
  if (s->len + n + 1 > s->cap && grow(s, n)) return;
  memcpy(s->buf + s->len, t, n);
  s->len += n;
  s->buf[s->len] = 0;
}

static size_t fmt_int(char *out, long long v) {
  char tmp[24];
  size_t n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

/* "givens(<angle>) q[a],q[b];\n" without a printf call per gate: the text is
 * tens of megabytes for N = 100 */
static void put_gate(sbuf *s, const char *angle, size_t alen, long long a, long long b, int v3) {
  char line[128];
  size_t n = 0;
  memcpy(line, "givens(", 7), n = 7;
  memcpy(line + n, angle, alen), n += alen;
  memcpy(line + n, ") q[", 4), n += 4;
  n += fmt_int(line + n, a);
  memcpy(line + n, v3 ? "], q[" : "],q[", v3 ? 5 : 4), n += v3 ? 5 : 4;
  n += fmt_int(line + n, b);
  memcpy(line + n, "];\n", 3), n += 3;
  put_raw(s, line, n);
}

int qclr_qasm_string(const qclr_givens *g, int version, const char *title, char **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_qasm_string: out is NULL");
  *out = NULL;
  if (!g) return qclr__error(QCLR_EINVAL, "qclr_qasm_string: network is NULL");
  if (version != 2 && version != 3)
    return qclr__error(QCLR_EINVAL, "qasm: version must be 2 or 3 (got %d)", version);
  int64_t n = qclr_givens_norb(g), K = qclr_givens_count(g), L = qclr_givens_nlayers(g);
  const qclr_givens_rotation *rot = qclr_givens_rotations(g);
  const double *d = qclr_givens_diagonal(g);
  sbuf s = {malloc(4096), 0, 4096, 0};
  if (!s.buf) return qclr__error(QCLR_ENOMEM, "qasm: out of memory");
  s.buf[0] = 0;
  int v3 = version == 3;
  put(&s, v3 ? "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n" : "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
  if (title) {
    put(&s, "// ");
    for (const char *c = title; *c; c++) put(&s, "%c", *c == '\n' ? ' ' : *c);
    put(&s, "\n");
  }
  put(&s, "// %lld orbitals, %lld qubits, blocked Jordan-Wigner: qubit p = (p, alpha), qubit %lld+p = (p, beta)\n",
      (long long)n, (long long)(2 * n), (long long)n);
  put(&s, "// basis rotation: %lld Givens rotations per spin block in %lld layers, then measure all\n",
      (long long)K, (long long)L);
  if (qclr_givens_ndropped(g) || qclr_givens_nfolded(g))
    put(&s, "// of %lld rotations: %lld dropped (|theta| below threshold), %lld by +-pi folded into the final Z gates; "
            "|| U - U_exact || <= %.3g per spin block\n",
        (long long)qclr_givens_count_before(g), (long long)qclr_givens_ndropped(g), (long long)qclr_givens_nfolded(g),
        qclr_givens_dropped_error(g));
  put(&s, v3 ? "gate givens(theta) a, b { ry(pi/2) a; cx a, b; ry(-theta) a; ry(-theta) b; cx a, b; ry(-pi/2) a; }\n"
             : "gate givens(theta) a,b { ry(pi/2) a; cx a,b; ry(-theta) a; ry(-theta) b; cx a,b; ry(-pi/2) a; }\n");
  if (v3) put(&s, "qubit[%lld] q;\nbit[%lld] c;\n", (long long)(2 * n), (long long)(2 * n));
  else put(&s, "qreg q[%lld];\ncreg c[%lld];\n", (long long)(2 * n), (long long)(2 * n));
  /* rotations are stored in application order with nondecreasing dependencies;
   * emitting by layer keeps that order for every pair of overlapping gates */
  for (int64_t l = 0; l < L; l++)
    for (int64_t t = 0; t < K; t++) {
      if (rot[t].layer != l) continue;
      char angle[40];
      int alen = snprintf(angle, sizeof angle, "%.17g", rot[t].theta);
      for (int b = 0; b < 2; b++)
        put_gate(&s, angle, (size_t)alen, (long long)(rot[t].i + b * n), (long long)(rot[t].j + b * n), v3);
    }
  for (int64_t k = 0; k < n; k++)
    if (d[k] < 0) put(&s, "z q[%lld];\nz q[%lld];\n", (long long)k, (long long)(k + n));
  put(&s, v3 ? "c = measure q;\n" : "measure q -> c;\n");
  if (s.err) {
    free(s.buf);
    return s.err;
  }
  *out = s.buf;
  return 0;
}

int qclr_qasm_write(const char *path, const qclr_givens *g, int version, const char *title) {
  qclr__clear();
  if (!path) return qclr__error(QCLR_EINVAL, "qclr_qasm_write: path is NULL");
  char *text;
  int rc = qclr_qasm_string(g, version, title, &text);
  if (rc) return rc;
  rc = qclr__write_atomic(path, text, strlen(text));
  free(text);
  return rc;
}

/* One Givens rotation on (a, b) in primitive gates: 'a'/'b' a single-qubit
 * gate on that qubit, '2' the two-qubit gate.  cx: the givens body above;
 * cz: each cx a,b = h b; cz a,b; h b; xx_plus_yy: one native gate. */
static const char *givens_pattern(int gate_set) {
  switch (gate_set) {
    case QCLR_GATES_CX: return "a2ab2a";
    case QCLR_GATES_CZ: return "ab2abab2ab";
    default: return "2";
  }
}

typedef struct {
  int64_t *level, *level2;
  unsigned char *pending;
  int64_t n1, n2;
} cost_state;

static void flush(cost_state *c, int64_t q) {
  if (!c->pending[q]) return;
  c->pending[q] = 0;
  c->level[q]++;
  c->n1++;
}

int qclr_qasm_cost(const qclr_givens *g, int gate_set, qclr_circuit_cost *out) {
  qclr__clear();
  if (!g || !out) return qclr__error(QCLR_EINVAL, "qclr_qasm_cost: network or output is NULL");
  memset(out, 0, sizeof *out);
  if (gate_set != QCLR_GATES_CX && gate_set != QCLR_GATES_CZ && gate_set != QCLR_GATES_XX_PLUS_YY)
    return qclr__error(QCLR_EINVAL, "circuit cost: unknown gate set %d", gate_set);
  int64_t n = qclr_givens_norb(g), K = qclr_givens_count(g);
  const qclr_givens_rotation *rot = qclr_givens_rotations(g);
  const double *d = qclr_givens_diagonal(g);
  cost_state c = {qclr__calloc((size_t)n, sizeof(int64_t), "circuit cost"),
                  qclr__calloc((size_t)n, sizeof(int64_t), "circuit cost"),
                  qclr__calloc((size_t)n, 1, "circuit cost"), 0, 0};
  if (!c.level || !c.level2 || !c.pending) {
    free(c.level), free(c.level2), free(c.pending);
    return QCLR_ENOMEM;
  }
  const char *pat = givens_pattern(gate_set);
  for (int64_t t = 0; t < K; t++) {
    int64_t a = rot[t].i, b = rot[t].j;
    for (const char *p = pat; *p; p++) {
      if (*p == 'a') c.pending[a] = 1;
      else if (*p == 'b') c.pending[b] = 1;
      else {
        flush(&c, a), flush(&c, b);
        int64_t l = (c.level[a] > c.level[b] ? c.level[a] : c.level[b]) + 1;
        c.level[a] = c.level[b] = l;
        int64_t l2 = (c.level2[a] > c.level2[b] ? c.level2[a] : c.level2[b]) + 1;
        c.level2[a] = c.level2[b] = l2;
        c.n2++;
      }
    }
  }
  for (int64_t k = 0; k < n; k++) {
    if (d[k] < 0) c.pending[k] = 1;
    flush(&c, k);
    if (c.level[k] > out->depth) out->depth = c.level[k];
    if (c.level2[k] > out->two_qubit_depth) out->two_qubit_depth = c.level2[k];
  }
  out->two_qubit = 2 * c.n2; /* both spin blocks, in parallel */
  out->single_qubit = 2 * c.n1;
  out->rotations = 2 * K;
  free(c.level), free(c.level2), free(c.pending);
  return 0;
}

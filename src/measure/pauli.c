/* src/pauli.c: Jordan-Wigner Pauli sum of a Hamiltonian, QWC grouping by
 * sorted insertion, and the exact per-group shot variance in a CI state.
 *
 * Products are formed in the "XZ form" a X^x Z^z (per qubit X before Z), in
 * which every ladder operator has real coefficients:
 *   a+_j = 1/2 Z_<j X_j (1 + Z_j),   a_j = 1/2 Z_<j X_j (1 - Z_j),
 * and (X^x1 Z^z1)(X^x2 Z^z2) = (-1)^{|z1 & x2|} X^{x1^x2} Z^{z1^z2}.  Since
 * Y = iXZ, a X^x Z^z = a (-i)^{|x&z|} P: for a Hermitian real H the terms with
 * an odd number of Y cancel and the rest have real Pauli coefficients. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/strings.h"
#include "qclr/givens.h"
#include "qclr/pauli.h"

typedef struct {
  uint64_t x, z;
  double c;
} term;

struct qclr_pauli_sum {
  int nq;
  int64_t n;
  term *t;
};

/* open-addressing hash (x, z) -> accumulated coefficient */
typedef struct {
  size_t cap, used;
  term *slot;
  unsigned char *full;
} table;

static uint64_t mix(uint64_t x, uint64_t z) {
  uint64_t h = x * 0x9E3779B97F4A7C15ull ^ (z + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}

static int table_init(table *t, size_t want) {
  size_t cap = 64;
  while (cap < 2 * want) cap *= 2;
  t->cap = cap;
  t->used = 0;
  t->slot = qclr__malloc(cap, sizeof *t->slot, "Pauli hash table");
  t->full = qclr__calloc(cap, 1, "Pauli hash table");
  if (!t->slot || !t->full) {
    free(t->slot), free(t->full);
    t->slot = NULL, t->full = NULL;
    return QCLR_ENOMEM;
  }
  return 0;
}

static void table_free(table *t) { free(t->slot), free(t->full); }

static int table_add(table *t, uint64_t x, uint64_t z, double c) {
  if (2 * (t->used + 1) > t->cap) {
    table big;
    int rc = table_init(&big, t->cap);
    if (rc) return rc;
    for (size_t k = 0; k < t->cap; k++)
      if (t->full[k]) table_add(&big, t->slot[k].x, t->slot[k].z, t->slot[k].c);
    table_free(t);
    *t = big;
  }
  size_t m = t->cap - 1, k = mix(x, z) & m;
  while (t->full[k] && (t->slot[k].x != x || t->slot[k].z != z)) k = (k + 1) & m;
  if (!t->full[k]) {
    t->full[k] = 1;
    t->slot[k] = (term){x, z, 0.0};
    t->used++;
  }
  t->slot[k].c += c;
  return 0;
}

static double table_get(const table *t, uint64_t x, uint64_t z) {
  size_t m = t->cap - 1, k = mix(x, z) & m;
  while (t->full[k]) {
    if (t->slot[k].x == x && t->slot[k].z == z) return t->slot[k].c;
    k = (k + 1) & m;
  }
  return 0.0;
}

/* ladder operator on spin orbital j: two XZ terms */
static void ladder(int j, int dagger, term out[2]) {
  uint64_t below = j ? (~0ull >> (64 - j)) : 0, bit = 1ull << j;
  out[0] = (term){bit, below, 0.5};
  out[1] = (term){bit, below | bit, dagger ? 0.5 : -0.5};
}

static term mul(term a, term b) {
  double s = (__builtin_popcountll(a.z & b.x) & 1) ? -1.0 : 1.0;
  return (term){a.x ^ b.x, a.z ^ b.z, a.c * b.c * s};
}

/* adds coef * (product of the k ladder operators ops[0] .. ops[k-1]) */
static int add_product(table *t, double coef, int k, const int *orb, const int *dag) {
  term f[4][2];
  for (int i = 0; i < k; i++) ladder(orb[i], dag[i], f[i]);
  for (int mask = 0; mask < (1 << k); mask++) {
    term p = {0, 0, coef};
    for (int i = 0; i < k; i++) p = mul(p, f[i][(mask >> i) & 1]);
    if (p.c != 0.0) {
      int rc = table_add(t, p.x, p.z, p.c);
      if (rc) return rc;
    }
  }
  return 0;
}

static int cmp_terms(const void *pa, const void *pb) {
  const term *a = pa, *b = pb;
  int ia = !a->x && !a->z, ib = !b->x && !b->z;
  if (ia != ib) return ib - ia;
  if (fabs(a->c) != fabs(b->c)) return fabs(a->c) < fabs(b->c) ? 1 : -1;
  if (a->x != b->x) return a->x < b->x ? -1 : 1;
  if (a->z != b->z) return a->z < b->z ? -1 : 1;
  return 0;
}

void qclr_pauli_free(qclr_pauli_sum *ps) {
  if (!ps) return;
  free(ps->t);
  free(ps);
}

int qclr_pauli_from_hamiltonian(const qclr_hamiltonian *H, double drop, qclr_pauli_sum **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_pauli_from_hamiltonian: out is NULL");
  *out = NULL;
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_pauli_from_hamiltonian: NULL Hamiltonian");
  if (!(drop >= 0) || !isfinite(drop))
    return qclr__error(QCLR_EINVAL, "qclr_pauli_from_hamiltonian: drop = %g must be finite and >= 0", drop);
  int64_t n = qclr_hamiltonian_norb(H);
  if (2 * n > 64)
    return qclr__error(QCLR_ETOOLARGE, "Pauli terms: %lld orbitals need %lld qubits; at most 64 supported",
                       (long long)n, (long long)(2 * n));
  if (!(drop >= 0)) return qclr__error(QCLR_EINVAL, "Pauli terms: drop threshold must be >= 0");
  const double *h = qclr_hamiltonian_h(H);
  table t;
  int rc = table_init(&t, 4096);
  if (rc) return rc;
  rc = table_add(&t, 0, 0, qclr_hamiltonian_e_core(H));
  int ns = (int)(2 * n);
  for (int P = 0; P < ns && !rc; P++)
    for (int Q = 0; Q < ns && !rc; Q++) {
      if ((P < n) != (Q < n) || h[(P % n) * n + Q % n] == 0.0) continue;
      int orb[2] = {P, Q}, dag[2] = {1, 0};
      rc = add_product(&t, h[(P % n) * n + Q % n], 2, orb, dag);
    }
  /* 1/2 sum (pq|rs) a+_{p s} a+_{r t} a_{s t} a_{q s} over spin orbitals */
  for (int P = 0; P < ns && !rc; P++)
    for (int Q = 0; Q < ns && !rc; Q++) {
      if ((P < n) != (Q < n)) continue;
      for (int R = 0; R < ns && !rc; R++)
        for (int S = 0; S < ns && !rc; S++) {
          if ((R < n) != (S < n) || R == P || S == Q) continue;
          double v = qclr_hamiltonian_eri(H, P % n, Q % n, R % n, S % n);
          if (v == 0.0) continue;
          int orb[4] = {P, R, S, Q}, dag[4] = {1, 1, 0, 0};
          rc = add_product(&t, 0.5 * v, 4, orb, dag);
        }
    }
  qclr_pauli_sum *ps = rc ? NULL : qclr__calloc(1, sizeof *ps, "Pauli sum");
  if (!rc && !ps) rc = QCLR_ENOMEM;
  if (!rc) ps->t = qclr__malloc(t.used + 1, sizeof *ps->t, "Pauli terms");
  if (!rc && !ps->t) rc = QCLR_ENOMEM;
  if (rc) {
    table_free(&t);
    qclr_pauli_free(ps);
    return rc;
  }
  ps->nq = ns;
  for (size_t k = 0; k < t.cap; k++) {
    if (!t.full[k]) continue;
    term a = t.slot[k];
    int ny = __builtin_popcountll(a.x & a.z);
    if (ny & 1) continue; /* imaginary parts: cancel for a real symmetric H */
    a.c = (ny & 2) ? -a.c : a.c;
    if (fabs(a.c) < drop || a.c == 0.0) continue;
    ps->t[ps->n++] = a;
  }
  table_free(&t);
  qsort(ps->t, (size_t)ps->n, sizeof *ps->t, cmp_terms);
  *out = ps;
  return 0;
}

int qclr_pauli_nqubits(const qclr_pauli_sum *ps) { return ps ? ps->nq : 0; }
int64_t qclr_pauli_count(const qclr_pauli_sum *ps) { return ps ? ps->n : 0; }

int qclr_pauli_term(const qclr_pauli_sum *ps, int64_t k, uint64_t *x, uint64_t *z, double *coef) {
  qclr__clear();
  if (!ps || k < 0 || k >= ps->n)
    return qclr__error(QCLR_EINVAL, "qclr_pauli_term: %s", ps ? "term index out of range" : "NULL Pauli sum");
  if (x) *x = ps->t[k].x;
  if (z) *z = ps->t[k].z;
  if (coef) *coef = ps->t[k].c;
  return 0;
}

int qclr_pauli_label(const qclr_pauli_sum *ps, int64_t k, char *buf) {
  qclr__clear();
  if (!ps || !buf || k < 0 || k >= ps->n)
    return qclr__error(QCLR_EINVAL, "qclr_pauli_label: %s",
                       !ps || !buf ? "NULL argument" : "term index out of range");
  for (int q = 0; q < ps->nq; q++) buf[q] = "IXZY"[((ps->t[k].x >> q) & 1) | (((ps->t[k].z >> q) & 1) << 1)];
  buf[ps->nq] = 0;
  return 0;
}

int qclr_pauli_qwc_groups(const qclr_pauli_sum *ps, int64_t *group, int64_t *ngroups) {
  qclr__clear();
  if (!ps || !group || !ngroups) return qclr__error(QCLR_EINVAL, "qclr_pauli_qwc_groups: NULL argument");
  /* terms are already sorted by |c| descending after the identity */
  uint64_t *gx = qclr__malloc((size_t)ps->n + 1, sizeof *gx, "QWC groups");
  uint64_t *gz = qclr__malloc((size_t)ps->n + 1, sizeof *gz, "QWC groups");
  if (!gx || !gz) {
    free(gx), free(gz);
    return QCLR_ENOMEM;
  }
  int64_t ng = 0;
  for (int64_t k = 0; k < ps->n; k++) {
    uint64_t x = ps->t[k].x, z = ps->t[k].z;
    if (!x && !z) {
      group[k] = -1;
      continue;
    }
    int64_t g = 0;
    for (; g < ng; g++) {
      uint64_t both = (x | z) & (gx[g] | gz[g]);
      if (!((x ^ gx[g]) & both) && !((z ^ gz[g]) & both)) break;
    }
    if (g == ng) gx[ng] = gz[ng] = 0, ng++;
    gx[g] |= x;
    gz[g] |= z;
    group[k] = g;
  }
  free(gx), free(gz);
  *ngroups = ng;
  return 0;
}

int qclr_pauli_group_moments_sparse(const qclr_pauli_sum *ps, const int64_t *group, int64_t ngroups,
                                    int64_t nstates, const uint64_t *bits, const double *amp, double *mean,
                                    double *var) {
  qclr__clear();
  if (!ps || !group || (ngroups > 0 && (!mean || !var)))
    return qclr__error(QCLR_EINVAL, "QWC moments: NULL argument");
  if (nstates < 0 || ngroups < 0 || (nstates && (!bits || !amp)))
    return qclr__error(QCLR_EINVAL, "QWC moments: need the state's bitstrings and amplitudes");
  int rc0 = qclr__check_finite("QWC moments", "amp", amp, nstates);
  if (rc0) return rc0;
  uint64_t over = ps->nq >= 64 ? 0 : ~0ull << ps->nq;
  for (int64_t d = 0; d < nstates; d++)
    if (bits[d] & over)
      return qclr__error(QCLR_EINVAL, "QWC moments: bitstring %lld sets a qubit beyond %d", (long long)d, ps->nq);
  int64_t *size = qclr__calloc((size_t)ngroups + 1, sizeof *size, "QWC group sizes");
  if (!size) return QCLR_ENOMEM;
  for (int64_t k = 0; k < ps->n; k++) {
    if (group[k] >= ngroups || group[k] < -1) {
      free(size);
      return qclr__error(QCLR_EINVAL, "QWC moments: term %lld in group %lld of %lld", (long long)k,
                         (long long)group[k], (long long)ngroups);
    }
    if (group[k] >= 0) size[group[k]]++;
  }
  table amp_t = {0}, st = {0};
  /* the state as a hash (bitstring -> amplitude), so <psi| is a lookup */
  int rc = table_init(&st, (size_t)nstates);
  for (int64_t d = 0; !rc && d < nstates; d++)
    if (amp[d] != 0.0) rc = table_add(&st, bits[d], 0, amp[d]);
  for (int64_t g = 0; !rc && g < ngroups; g++) {
    /* A_g |psi> as a sparse vector; <A> = <psi|A psi>, <A^2> = |A psi|^2 */
    rc = table_init(&amp_t, (size_t)(size[g] * nstates));
    for (int64_t k = 0; !rc && k < ps->n; k++) {
      if (group[k] != g) continue;
      const term *P = &ps->t[k];
      int ny = __builtin_popcountll(P->x & P->z);
      double a = (ny & 2) ? -P->c : P->c; /* back to XZ form: P = i^ny X^x Z^z */
      for (size_t d = 0; !rc && d < st.cap; d++) {
        if (!st.full[d]) continue;
        double s = (__builtin_popcountll(P->z & st.slot[d].x) & 1) ? -1.0 : 1.0;
        rc = table_add(&amp_t, st.slot[d].x ^ P->x, 0, a * s * st.slot[d].c);
      }
    }
    if (rc) break;
    double m = 0, m2 = 0;
    for (size_t k = 0; k < amp_t.cap; k++)
      if (amp_t.full[k]) {
        m2 += amp_t.slot[k].c * amp_t.slot[k].c;
        m += amp_t.slot[k].c * table_get(&st, amp_t.slot[k].x, 0);
      }
    mean[g] = m;
    var[g] = fmax(m2 - m * m, 0.0);
    table_free(&amp_t);
    amp_t = (table){0};
  }
  table_free(&amp_t);
  table_free(&st);
  free(size);
  return rc;
}

int qclr_pauli_group_moments(const qclr_pauli_sum *ps, const int64_t *group, int64_t ngroups, int nalpha,
                             int nbeta, const double *civec, double *mean, double *var) {
  qclr__clear();
  if (!ps || !group || !civec || (ngroups > 0 && (!mean || !var)))
    return qclr__error(QCLR_EINVAL, "QWC moments: NULL argument");
  if (ngroups < 0) return qclr__error(QCLR_EINVAL, "QWC moments: ngroups = %lld", (long long)ngroups);
  int n = ps->nq / 2;
  if (nalpha < 0 || nbeta < 0 || nalpha > n || nbeta > n)
    return qclr__error(QCLR_EINVAL, "QWC moments: electrons (%d, %d) do not fit %d orbitals", nalpha, nbeta, n);
  uint64_t *sa = NULL, *sb = NULL, *bits = NULL;
  double *amp = NULL;
  int64_t na = 0, nb = 0, nd = 0;
  int rc = qclr_ci_strings(n, nalpha, &sa, &na);
  if (!rc) rc = qclr_ci_strings(n, nbeta, &sb, &nb);
  if (!rc) {
    bits = qclr__malloc((size_t)(na * nb) + 1, sizeof *bits, "sparse state");
    amp = qclr__malloc((size_t)(na * nb) + 1, sizeof *amp, "sparse state");
    if (!bits || !amp) rc = QCLR_ENOMEM;
  }
  for (int64_t a = 0; !rc && a < na; a++)
    for (int64_t b = 0; b < nb; b++)
      if (civec[a * nb + b] != 0.0) {
        bits[nd] = sa[a] | (sb[b] << n);
        amp[nd++] = civec[a * nb + b];
      }
  if (!rc) rc = qclr_pauli_group_moments_sparse(ps, group, ngroups, nd, bits, amp, mean, var);
  free(sa), free(sb), free(bits), free(amp);
  return rc;
}

/* src/cost/cost.c: Toffoli and logical-qubit counts of qubitized phase
 * estimation for the SF, DF and THC block encodings (include/qclr/cost.h).
 *
 * The step lists follow the papers' appendices: SF Berry et al., Quantum 3,
 * 208 (2019), App. C (steps 1-10 and the qubit list); DF von Burg et al.,
 * PRR 3, 033055 (2021) with the refinements of Lee et al., PRX Quantum 2,
 * 030305 (2021), App. C (Eqs. C27-C40); THC Lee et al. 2021, Eqs. (27)-(44).
 * Every count is an integer; the only floating-point steps are the ones the
 * published formulas contain (the QROM split exponent, the rotation-bit
 * search and the walk-step count), evaluated as published. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "cost/cost_internal.h"
#include "qclr/cost.h"

#define N_SPIN_MAX 65536            /* keeps every product below 2^60 */
#define RANK_MAX ((int64_t)1 << 24) /* L and M */
#define LXI_MAX ((int64_t)1 << 40)
#define WALK_MAX 4503599627370496.0 /* 2^52: walk steps counted exactly */

void qclr_cost_options_default(qclr_cost_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->de = 0.0016;
  o->chi = 10;
  o->beta = 16;
  o->steps = 20000;
  o->refine = 1;
}

/* smallest k >= 0 with 2^k >= x (x >= 1) */
static int64_t clog2(int64_t x) {
  int64_t k = 0;
  while (((int64_t)1 << k) < x) k++;
  return k;
}

/* ceil(log2(a / b)) for a, b >= 1, possibly negative */
static int64_t clog2_ratio(int64_t a, int64_t b) {
  if (a > b) {
    int64_t k = 0;
    while ((b << k) < a) k++;
    return k;
  }
  int64_t j = 0;
  while ((a << (j + 1)) <= b) j++;
  return -j;
}

/* number of factors 2 in m >= 1 */
static int64_t twos(int64_t m) {
  int64_t c = 0;
  while (m > 0 && !(m & 1)) {
    m >>= 1;
    c++;
  }
  return c;
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int qclr__cost_qrom(int64_t items, int64_t width, const char *what, int *kexp, int64_t *toffolis) {
  if (items < width)
    return qclr__error(QCLR_EINVAL,
                       "cost: a QROM reads %lld items of %lld bits (fewer items than bits): %s",
                       (long long)items, (long long)width, what);
  double k = 0.5 * log2((double)items / (double)width);
  double kl = floor(k), kh = ceil(k);
  double vl = (double)items / pow(2.0, kl) + (double)width * (pow(2.0, kl) - 1.0);
  double vh = (double)items / pow(2.0, kh) + (double)width * (pow(2.0, kh) - 1.0);
  int ke = (int)(vh < vl ? kh : kl);
  *kexp = ke;
  *toffolis = ceil_div(items, (int64_t)1 << ke) + width * (((int64_t)1 << ke) - 1);
  return 0;
}

void qclr__cost_qrom_inverse(int64_t items, int *kexp, int64_t *toffolis) {
  double k = 0.5 * log2((double)items);
  double kl = floor(k), kh = ceil(k);
  double vl = (double)items / pow(2.0, kl) + pow(2.0, kl);
  double vh = (double)items / pow(2.0, kh) + pow(2.0, kh);
  int ke = (int)(vh < vl ? kh : kl);
  if (kexp) *kexp = ke;
  *toffolis = ceil_div(items, (int64_t)1 << ke) + ((int64_t)1 << ke);
}

static int64_t qi(int64_t items) {
  int64_t t;
  qclr__cost_qrom_inverse(items, NULL, &t);
  return t;
}

void qclr__cost_qrom2(int64_t items1, int64_t items2, int64_t width, int64_t *k1, int64_t *k2,
                      int64_t *toffolis) {
  int64_t best = INT64_MAX, b1 = 0, b2 = 0;
  for (int a = 1; a <= 16; a++)
    for (int b = 1; b <= 16; b++) {
      int64_t v = ceil_div(items1, (int64_t)1 << a) * ceil_div(items2, (int64_t)1 << b) +
                  width * (((int64_t)1 << (a + b)) - 1);
      if (v < best) {
        best = v;
        b1 = a;
        b2 = b;
      }
    }
  if (k1) *k1 = (int64_t)1 << b1;
  if (k2) *k2 = (int64_t)1 << b2;
  *toffolis = best;
}

int qclr__cost_rotation_bits(double steps, double count, int bits) {
  const double pi = 3.14159265358979323846;
  const double reg = pow(2.0, bits), amp = sqrt(count);
  /* the rotation angle as published: arccos(2^bits / sqrt(count) / 2), which
   * is imaginary when the argument exceeds 1 (continued as numpy.lib.scimath
   * and Mathematica do); only real parts enter the comparison */
  double complex theta = cacos(reg / amp / 2.0 + 0.0 * I);
  int best = 1;
  double best_v = 0;
  for (int p = 1; p <= 20; p++) {
    double scale = pow(2.0, p) / (2.0 * pi);
    double complex t = theta * scale;
    double complex v = nearbyint(creal(t)) + nearbyint(cimag(t)) * I;
    double complex a = ccos(v * (2.0 * pi) / pow(2.0, p)) * amp / reg;
    double complex s = csin(3.0 * casin(a));
    double val = creal(steps * (1.0 / (s * s) - 1.0)) + 4.0 * p;
    if (p == 1 || val < best_v) {
      best_v = val;
      best = p;
    }
  }
  return best;
}

static int check_common(const char *fn, int64_t n, double lambda, const qclr_cost_options *o, int need_beta,
                        double *walk) {
  if (n < 2 || n % 2 || n > N_SPIN_MAX)
    return qclr__error(QCLR_EINVAL, "%s: the number of spin orbitals n = %lld must be even, 2..%d (n = 2 x norb)",
                       fn, (long long)n, N_SPIN_MAX);
  if (!isfinite(lambda) || !(lambda > 0) || lambda > 1e15)
    return qclr__error(QCLR_EINVAL, "%s: lambda = %g must be finite, > 0 and <= 1e15", fn, lambda);
  if (!isfinite(o->de) || !(o->de > 0) || o->de > 1e6)
    return qclr__error(QCLR_EINVAL, "%s: the phase-estimation error dE = %g must be finite and in (0, 1e6]", fn,
                       o->de);
  if (o->chi < 1 || o->chi > 40)
    return qclr__error(QCLR_EINVAL, "%s: chi = %d bits must be 1..40", fn, o->chi);
  if (need_beta && (o->beta < 3 || o->beta > 40))
    return qclr__error(QCLR_EINVAL, "%s: beta = %d bits must be 3..40", fn, o->beta);
  if (o->steps < 1 || o->steps > ((int64_t)1 << 40))
    return qclr__error(QCLR_EINVAL, "%s: the first-pass step count %lld must be 1..2^40", fn,
                       (long long)o->steps);
  double w = ceil(3.14159265358979323846 * lambda / (o->de * 2.0));
  if (!(w <= WALK_MAX))
    return qclr__error(QCLR_EINVAL, "%s: pi lambda / (2 dE) = %g walk steps exceeds 2^52: raise dE", fn, w);
  *walk = w;
  return 0;
}

static int finish(const char *fn, int64_t step, double walk, int64_t qubits, qclr_cost_result *out) {
  int64_t w = (int64_t)walk;
  if (step <= 0 || step > INT64_MAX / w)
    return qclr__error(QCLR_EINVAL, "%s: the total Toffoli count overflows 64 bits: raise dE", fn);
  out->toffolis_per_step = step;
  out->toffolis_total = step * w;
  out->logical_qubits = qubits;
  out->walk_steps = w;
  return 0;
}

/* ---- single factorization ---- */
static int sf_pass(int64_t n, double walk, int64_t L, int chi, double steps, int64_t *step, int64_t *qubits) {
  const int64_t eta = twos(L + 1), nL = clog2(L + 1), nN = clog2(n / 2);
  int64_t q1, q2, q3, q4, q5, kp1, kp2;
  int ke, rc;
  /* 1(a) equal superposition over L+1 values (and its inverse) */
  int br = qclr__cost_rotation_bits(steps, (double)((L + 1) >> eta), (int)nL);
  int64_t c1a = 2 * (3 * nL - 3 * eta + 2 * br - 9);
  /* 1(b) QROM of alt/keep values for the first register, output nL + chi + 2 bits */
  if ((rc = qclr__cost_qrom(L + 1, nL + chi + 2, "raise the rank L or lower chi", &ke, &q1))) return rc;
  int64_t c1b = q1 + qi(L + 1);
  int64_t c1cd = 2 * (chi + nL + 1); /* 1(c)-(d) inequality test, controlled swap */
  /* 2(a) equal superposition over p <= q (the published search uses 20000 steps here) */
  const int64_t np_ = n * n / 8 + n / 4;
  int br2 = qclr__cost_rotation_bits(20000.0, (double)np_, (int)(2 * nN));
  int64_t c2a = 4 * (6 * nN + 2 * br2 - 7);
  int64_t c2b = 4 * (nN * nN + nN - 1); /* 2(b) contiguous register */
  const int64_t bp = 2 * nN + chi + 2;
  qclr__cost_qrom2(L + 1, np_, bp, &kp1, &kp2, &q2);
  qclr__cost_qrom2(L, np_, bp, NULL, NULL, &q3);
  q4 = qi((L + 1) * np_);
  q5 = qi(L * np_);
  int64_t c2c = q2 + q4 + q3 + q5; /* 2(c) QROMs on p, q and their inverses */
  int64_t c2de = 4 * (chi + 2 * nN);
  int64_t c3 = 4 * nN, c4 = 4 * n - 8, c6 = 2 * nN + chi + 3, c7 = 1, c9 = nL + 2 * nN + 2 * chi + 2, c10 = 2;
  *step = c1a + c1b + c1cd + c2a + c2b + c2c + c2de + c3 + c4 + c6 + c7 + c9 + c10;
  /* qubits */
  int64_t a1 = 2 * clog2((int64_t)walk) - 1, a2 = n, a3 = nL + 2, a4 = nL + 2 * chi + 3, a5 = 2 * nN + 2,
          a6 = clog2(np_), a7 = chi, a8 = br2;
  int64_t a9 = kp1 * kp2 * bp + clog2_ratio(L + 1, kp1) + clog2_ratio(np_, kp2);
  *qubits = a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
  return 0;
}

int qclr_cost_sf(int64_t n, double lambda, int64_t L, const qclr_cost_options *opts, qclr_cost_result *out) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(opts, "qclr_cost_options_default");
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_cost_sf: out is NULL");
  memset(out, 0, sizeof *out);
  qclr_cost_options d;
  qclr_cost_options_default(&d);
  const qclr_cost_options *o = opts ? opts : &d;
  double walk;
  int rc = check_common("cost sf", n, lambda, o, 0, &walk);
  if (rc) return rc;
  if (n < 4) return qclr__error(QCLR_EINVAL, "cost sf: n = %lld spin orbitals: SF needs n >= 4", (long long)n);
  if (L < 1 || L > RANK_MAX)
    return qclr__error(QCLR_EINVAL, "cost sf: the rank L = %lld must be 1..%lld", (long long)L, (long long)RANK_MAX);
  int64_t step, qubits;
  if ((rc = sf_pass(n, walk, L, o->chi, (double)o->steps, &step, &qubits))) return rc;
  if (o->refine && (rc = sf_pass(n, walk, L, o->chi, (double)step, &step, &qubits))) return rc;
  return finish("cost sf", step, walk, qubits, out);
}

/* ---- double factorization ---- */
static int df_pass(int64_t n, double walk, int64_t L, int64_t lxi, int chi, int beta, double steps, int64_t *step,
                   int64_t *qubits) {
  const int64_t nxi = clog2(n / 2), nLxi = clog2(lxi + n / 2), nL = clog2(L + 1), eta = twos(L + 1);
  int64_t t1, t2, t3, t4, t5, t6;
  int ke, krot, rc;
  int br = qclr__cost_rotation_bits(steps, (double)((L + 1) >> eta), (int)nL);
  /* step 1: first register (equal superposition, QROM of nL + chi bits, test and swap) */
  int64_t c1a = 2 * (3 * nL + 2 * br - 3 * eta - 9);
  if ((rc = qclr__cost_qrom(L + 1, nL + chi, "raise the rank L or lower chi", &ke, &t1))) return rc;
  int64_t cost1 = c1a + t1 + qi(L + 1) + 2 * (chi + nL);
  /* step 2: data for the equal superposition on the second register, Eq. (C29):
   * its offset and size (nLxi + nxi bits), the angle of the rotation used by
   * that register's amplitude amplification (br3 = 7 bits, the value the paper
   * fixes for it) and a flag.  With these 7 bits (not the first register's
   * br) all of Lee et al.'s published DF triples are reproduced; OpenFermion's
   * resource_estimates uses br here and gives [35008, 64404812736, 6404]
   * instead of the published [35011, 64410331887, 6405] for Li et al.'s
   * FeMoco (the two agree whenever br = 7, as for Reiher et al.'s). */
  const int64_t br3 = 7;
  const int64_t bo = nxi + nLxi + br3 + 1;
  if ((rc = qclr__cost_qrom(L + 1, bo, "raise the rank L", &ke, &t2))) return rc;
  int64_t cost2 = t2 + qi(L + 1);
  /* step 3: second register (amplitude amplification with the br3-bit rotation) */
  const int64_t bp2 = nxi + chi + 2;
  int64_t c3a = 4 * (7 * nxi + 2 * br3 - 6), c3b = 4 * (nLxi - 1);
  if ((rc = qclr__cost_qrom(lxi + n / 2, bp2, "raise Lxi (eigenvectors kept) or lower chi", &ke, &t3)) ||
      (rc = qclr__cost_qrom(lxi, bp2, "raise Lxi (eigenvectors kept) or lower chi", &ke, &t4)))
    return rc;
  int64_t cost3 = c3a + c3b + t3 + qi(lxi + n / 2) + t4 + qi(lxi) + 4 * (nxi + chi);
  /* step 4: rotations (QROMs of n beta / 2 bits), swaps, controlled rotations */
  const int64_t wrot = n * beta / 2;
  if ((rc = qclr__cost_qrom(lxi + n / 2, wrot, "raise Lxi (eigenvectors kept) or lower beta", &krot, &t5)) ||
      (rc = qclr__cost_qrom(lxi, wrot, "raise Lxi (eigenvectors kept) or lower beta", &ke, &t6)))
    return rc;
  int64_t cost4 = 4 * (nLxi - 1) + t5 + qi(lxi + n / 2) + t6 + qi(lxi) + 2 * n + 4 * n * (beta - 2) + 3;
  int64_t cost6 = nxi + chi + 2, cost9 = nL + nxi + chi + 1, cost10 = 2;
  *step = cost1 + cost2 + cost3 + cost4 + cost6 + cost9 + cost10;
  int64_t a1 = 2 * clog2((int64_t)walk + 1) - 1, a2 = n, a3 = nL + 2, a4 = nL + 2 * chi + 1, a5 = bo, a6 = nxi + 2,
          a8 = bp2, a9 = chi + 1, a10 = ((int64_t)1 << krot) * n * beta / 2, a11 = beta, a12 = 1, a13 = 1;
  *qubits = a1 + a2 + a3 + a4 + a5 + a6 + a8 + a9 + a10 + a11 + a12 + a13;
  return 0;
}

int qclr_cost_df(int64_t n, double lambda, int64_t L, int64_t lxi, const qclr_cost_options *opts,
                 qclr_cost_result *out) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(opts, "qclr_cost_options_default");
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_cost_df: out is NULL");
  memset(out, 0, sizeof *out);
  qclr_cost_options d;
  qclr_cost_options_default(&d);
  const qclr_cost_options *o = opts ? opts : &d;
  double walk;
  int rc = check_common("cost df", n, lambda, o, 1, &walk);
  if (rc) return rc;
  if (L < 1 || L > RANK_MAX)
    return qclr__error(QCLR_EINVAL, "cost df: the rank L = %lld must be 1..%lld", (long long)L, (long long)RANK_MAX);
  if (lxi < L || lxi > LXI_MAX)
    return qclr__error(QCLR_EINVAL, "cost df: Lxi = %lld eigenvectors must be >= L = %lld and <= 2^40",
                       (long long)lxi, (long long)L);
  int64_t step, qubits;
  if ((rc = df_pass(n, walk, L, lxi, o->chi, o->beta, (double)o->steps, &step, &qubits))) return rc;
  if (o->refine && (rc = df_pass(n, walk, L, lxi, o->chi, o->beta, (double)step, &step, &qubits))) return rc;
  return finish("cost df", step, walk, qubits, out);
}

/* ---- tensor hypercontraction ---- */
static int thc_pass(int64_t n, double walk, int64_t M, int chi, int beta, double steps, int64_t *step,
                    int64_t *qubits) {
  const int64_t nM = clog2(M + 1), d = M * (M + 1) / 2 + n / 2, nc = clog2(d), m = 2 * nM + 2 + chi;
  int64_t tq;
  int kq, k1e, rc;
  int br = qclr__cost_rotation_bits(steps, (double)d, (int)nM);
  /* state preparation, Eq. (32) */
  int64_t cp1 = 2 * (10 * nM + 2 * br - 9), cp2 = 2 * (nM * nM + nM - 1);
  if ((rc = qclr__cost_qrom(d, m, "raise the THC rank M or lower chi", &kq, &tq))) return rc;
  int64_t cp3 = tq + qi(d), cp4 = 2 * chi, cp5 = 4 * nM, cp6 = 2 * nM + 2;
  /* select, Eq. (42) */
  int64_t cs1 = 2 * n, cs2a = M + n / 2 - 2, cs2b = M - 2, cs3 = 4 * n * (beta - 2), cs4 = 2, tk;
  qclr__cost_qrom_inverse(M + n / 2, &k1e, &tk);
  const int64_t k1 = (int64_t)1 << k1e;
  int64_t cs6a = ceil_div(M, k1) + ceil_div(n / 2, k1) + k1, cs6b = qi(M);
  int64_t ref = 2 * nM + chi + 4; /* reflections, Eq. (43) */
  *step = cp1 + cp2 + cp3 + cp4 + cp5 + cp6 + cs1 + cs2a + cs2b + cs3 + cs4 + cs6a + cs6b + ref;
  /* qubits: persistent part, then the larger of the QROM and rotation-data phases */
  int64_t aca = (2 * clog2((int64_t)walk + 1) - 1) + n + 2 * nM + chi + 7 + beta + nc;
  const int64_t kt = (int64_t)1 << kq;
  int64_t a12 = m * kt + clog2_ratio(d, kt);
  int64_t acc = beta * n / 2 + (beta - 2) + m;
  *qubits = aca + (a12 > acc ? a12 : acc);
  return 0;
}

int qclr_cost_thc(int64_t n, double lambda, int64_t M, const qclr_cost_options *opts, qclr_cost_result *out) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(opts, "qclr_cost_options_default");
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_cost_thc: out is NULL");
  memset(out, 0, sizeof *out);
  qclr_cost_options d;
  qclr_cost_options_default(&d);
  const qclr_cost_options *o = opts ? opts : &d;
  double walk;
  int rc = check_common("cost thc", n, lambda, o, 1, &walk);
  if (rc) return rc;
  if (M < 2 || M > RANK_MAX)
    return qclr__error(QCLR_EINVAL, "cost thc: the THC rank M = %lld must be 2..%lld", (long long)M,
                       (long long)RANK_MAX);
  int64_t step, qubits;
  if ((rc = thc_pass(n, walk, M, o->chi, o->beta, (double)o->steps, &step, &qubits))) return rc;
  if (o->refine && (rc = thc_pass(n, walk, M, o->chi, o->beta, (double)step, &step, &qubits))) return rc;
  return finish("cost thc", step, walk, qubits, out);
}

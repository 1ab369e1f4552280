/* tests/test_cost.c: resource estimates (include/qclr/cost.h).
 *
 * References:
 *  - the six FeMoco triples of Lee et al., PRX Quantum 2, 030305 (2021)
 *    (inputs/costs.json, copied from the shared reference set): every one must
 *    come out as the same three integers;
 *  - the QROM cost helpers against brute-force minima over all splits;
 *  - the domain errors (named inputs) and argument validation.
 * The second, independent implementation (Python, from the papers) is
 * compared over a grid of inputs by tests/test_cost_app.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost/cost_internal.h"
#include "qclr.h"
#include "testutil.h"

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = len > 0 ? malloc((size_t)len + 1) : NULL;
  if (s && fread(s, 1, (size_t)len, f) != (size_t)len) {
    free(s);
    s = NULL;
  }
  if (s) s[len] = 0;
  fclose(f);
  return s;
}

/* number after "key": inside [obj, end), NAN if absent */
static double field(const char *obj, const char *end, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *k = strstr(obj, pat);
  if (!k || k >= end) return NAN;
  return strtod(k + strlen(pat), NULL);
}

static void published_cases(void) {
  char *json = slurp(test_input("costs.json"));
  CHECK(json != NULL, "inputs/costs.json readable");
  if (!json) return;
  const char *p = strstr(json, "\"cases\"");
  int ncases = 0;
  while (p && (p = strchr(p, '{')) != NULL) {
    const char *end = strchr(p, '}');
    if (!end) break;
    char method[8] = "";
    const char *m = strstr(p, "\"method\":");
    if (m && m < end) sscanf(m + 9, " \"%7[a-z]\"", method);
    int64_t n = (int64_t)field(p, end, "n_spin_orbitals");
    double lam = field(p, end, "lam"), de = field(p, end, "dE");
    const char *r = strstr(p, "\"result\":");
    long long want[3] = {-1, -1, -1};
    if (r && r < end) sscanf(strchr(r, '[') + 1, " %lld , %lld , %lld", &want[0], &want[1], &want[2]);
    qclr_cost_options o;
    qclr_cost_options_default(&o);
    o.de = de;
    o.chi = (int)field(p, end, "chi");
    double beta = field(p, end, "beta");
    if (beta == beta) o.beta = (int)beta;
    qclr_cost_result res;
    int rc = -100;
    if (!strcmp(method, "sf"))
      rc = qclr_cost_sf(n, lam, (int64_t)field(p, end, "L"), &o, &res);
    else if (!strcmp(method, "df"))
      rc = qclr_cost_df(n, lam, (int64_t)field(p, end, "L"), (int64_t)field(p, end, "Lxi"), &o, &res);
    else if (!strcmp(method, "thc"))
      rc = qclr_cost_thc(n, lam, (int64_t)field(p, end, "M"), &o, &res);
    CHECK(rc == 0, "case %d (%s): rc %d %s", ncases, method, rc, qclr_last_error());
    if (rc == 0) {
      CHECK(res.toffolis_per_step == want[0] && res.toffolis_total == want[1] && res.logical_qubits == want[2],
            "case %d (%s): got [%lld, %lld, %lld], published [%lld, %lld, %lld]", ncases, method,
            (long long)res.toffolis_per_step, (long long)res.toffolis_total, (long long)res.logical_qubits,
            want[0], want[1], want[2]);
      CHECK(res.toffolis_total == res.toffolis_per_step * res.walk_steps, "total = step x walk steps");
    }
    ncases++;
    p = end;
  }
  CHECK(ncases == 6, "six published cases read (got %d)", ncases);
  free(json);
}

/* QROM helpers against brute force: the published split is the nearer of the
 * two integers around the continuous optimum, which for this convex cost is
 * the integer minimum over all k >= 0. */
static void qrom_brute(void) {
  int bad = 0;
  for (int64_t items = 1; items <= 3000; items += 7)
    for (int64_t width = 1; width <= items && width <= 200; width += 3) {
      int ke;
      int64_t t;
      if (qclr__cost_qrom(items, width, "x", &ke, &t)) {
        bad++;
        continue;
      }
      int64_t best = INT64_MAX;
      for (int k = 0; k < 20; k++) {
        int64_t v = (items + ((int64_t)1 << k) - 1) / ((int64_t)1 << k) + width * (((int64_t)1 << k) - 1);
        if (v < best) best = v;
      }
      /* ceil of the continuous value at the chosen k: can exceed the integer
       * minimum only through the ceiling, by less than 1 item per split */
      if (t < best || t > best + 1) bad++;
    }
  CHECK(bad == 0, "QROM cost within [min, min+1] of brute force (%d bad)", bad);
  for (int64_t items = 1; items < 5000; items += 11) {
    int64_t t, best = INT64_MAX;
    qclr__cost_qrom_inverse(items, NULL, &t);
    for (int k = 0; k < 20; k++) {
      int64_t v = (items + ((int64_t)1 << k) - 1) / ((int64_t)1 << k) + ((int64_t)1 << k);
      if (v < best) best = v;
    }
    if (t < best || t > best + 1) bad++;
  }
  CHECK(bad == 0, "inverse QROM cost within [min, min+1] of brute force (%d bad)", bad);
  int64_t k1, k2, t;
  qclr__cost_qrom2(100, 50, 3, &k1, &k2, &t);
  int64_t best = INT64_MAX;
  for (int a = 1; a <= 16; a++)
    for (int b = 1; b <= 16; b++) {
      int64_t v = ((100 + (1 << a) - 1) >> a) * ((50 + (1 << b) - 1) >> b) + 3 * (((int64_t)1 << (a + b)) - 1);
      if (v < best) best = v;
    }
  CHECK(t == best, "two-register QROM minimum %lld vs %lld", (long long)t, (long long)best);
}

static void errors(void) {
  qclr_cost_options o;
  qclr_cost_options_default(&o);
  qclr_cost_result r;
  CHECK_RC(qclr_cost_sf(108, 4258.0, 200, &o, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_cost_sf(107, 4258.0, 200, &o, &r), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "spin orbitals") != NULL, "message names n: %s", qclr_last_error());
  CHECK_RC(qclr_cost_sf(108, NAN, 200, &o, &r), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "lambda") != NULL, "message names lambda: %s", qclr_last_error());
  CHECK_RC(qclr_cost_sf(108, -1.0, 200, &o, &r), QCLR_EINVAL);
  CHECK_RC(qclr_cost_df(108, 1.0, 0, 10, &o, &r), QCLR_EINVAL);
  /* rank too small for the QROM split: L + 1 = 5 items, nL + chi + 2 = 15 bits */
  CHECK_RC(qclr_cost_sf(108, 100.0, 4, &o, &r), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "raise the rank L") != NULL, "message says raise L: %s", qclr_last_error());
  /* DF rotation QROM: n beta / 2 = 112 bits over Lxi = 60 items */
  CHECK_RC(qclr_cost_df(14, 10.0, 20, 60, &o, &r), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "raise Lxi") != NULL, "message says raise Lxi: %s", qclr_last_error());
  CHECK_RC(qclr_cost_df(108, 294.8, 360, 300, &o, &r), QCLR_EINVAL); /* Lxi < L */
  CHECK_RC(qclr_cost_thc(108, 300.0, 1, &o, &r), QCLR_EINVAL);
  o.de = 0;
  CHECK_RC(qclr_cost_thc(108, 300.0, 350, &o, &r), QCLR_EINVAL);
  CHECK(strstr(qclr_last_error(), "dE") != NULL, "message names dE: %s", qclr_last_error());
  o.de = 1e-30;
  CHECK_RC(qclr_cost_thc(108, 300.0, 350, &o, &r), QCLR_EINVAL); /* walk steps beyond 2^52 */
  qclr_cost_options_default(&o);
  o.chi = 0;
  CHECK_RC(qclr_cost_thc(108, 300.0, 350, &o, &r), QCLR_EINVAL);
  qclr_cost_options_default(&o);
  o.beta = 99;
  CHECK_RC(qclr_cost_df(108, 294.8, 360, 13031, &o, &r), QCLR_EINVAL);
  qclr_cost_options_default(&o);
  o.size = 3;
  CHECK_RC(qclr_cost_thc(108, 300.0, 350, &o, &r), QCLR_EINVAL);
  /* NULL options = defaults; a success clears the message */
  CHECK_RC(qclr_cost_thc(108, 306.3, 350, NULL, &r), 0);
  CHECK(qclr_last_error()[0] == 0, "message cleared");
  /* refine = 0 is the first pass alone: the step count changes the rotation bits only */
  qclr_cost_options_default(&o);
  o.de = 0.001;
  qclr_cost_result r1, r2;
  o.refine = 0;
  CHECK_RC(qclr_cost_thc(108, 306.3, 350, &o, &r1), 0);
  o.refine = 1;
  CHECK_RC(qclr_cost_thc(108, 306.3, 350, &o, &r2), 0);
  CHECK(r1.walk_steps == r2.walk_steps, "same walk steps");
  CHECK(llabs(r1.toffolis_per_step - r2.toffolis_per_step) < 64, "passes differ by a few rotation bits only");
}

int main(void) {
  published_cases();
  qrom_brute();
  errors();
  return test_done("test_cost");
}

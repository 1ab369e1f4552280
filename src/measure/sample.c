/* src/sample.c: simulated basis-rotation experiment.  Each group's circuit
 * is applied to the state exactly (CI-vector rotation), bitstrings are drawn
 * from |c|^2 with a seeded GSL generator, optionally corrupted by independent
 * readout bit flips, postselected on the electron counts, and D_g averaged. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/internal.h"
#include "qclr/strings.h"
#include "measure/measure_internal.h"
#include "qclr/groups.h"

static int simulate_group(const qclr_groups *gs, int64_t g, int nalpha, int nbeta, const double *c,
                          const uint64_t *sa, int64_t na, const uint64_t *sb, int64_t nb, int64_t shots,
                          double noise, uint64_t seed, qclr_groups_estimate *est) {
  int64_t n = qclr_groups_norb(gs), dim = na * nb;
  double *p = malloc((size_t)dim * sizeof *p);
  unsigned char *occ = malloc((size_t)(2 * n));
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_ran_discrete_t *tab = NULL;
  int rc = (!p || !occ || !rng) ? QCLR_ENOMEM : 0;
  if (!rc) {
    memcpy(p, c, (size_t)dim * sizeof *p);
    rc = qclr__givens_rotate_civec(qclr_groups_givens(gs, g), nalpha, nbeta, p, 1);
  }
  if (!rc) {
    for (int64_t k = 0; k < dim; k++) p[k] *= p[k];
    tab = gsl_ran_discrete_preproc((size_t)dim, p);
    if (!tab) rc = QCLR_ENOMEM;
  }
  if (!rc) {
    gsl_rng_set(rng, (unsigned long)(seed + (uint64_t)g * 0x9E3779B97F4A7C15ull));
    double s = 0, s2 = 0;
    int64_t kept = 0;
    for (int64_t t = 0; t < shots; t++) {
      size_t d = gsl_ran_discrete(rng, tab);
      uint64_t a = sa[d / (size_t)nb], b = sb[d % (size_t)nb];
      int ca = 0, cb = 0;
      for (int64_t k = 0; k < n; k++) {
        occ[k] = (a >> k) & 1;
        occ[n + k] = (b >> k) & 1;
      }
      if (noise > 0)
        for (int64_t q = 0; q < 2 * n; q++)
          if (gsl_rng_uniform(rng) < noise) occ[q] ^= 1;
      for (int64_t k = 0; k < n; k++) ca += occ[k], cb += occ[n + k];
      if (ca != nalpha || cb != nbeta) continue;
      double v = qclr_groups_value(gs, g, occ);
      s += v;
      s2 += v * v;
      kept++;
    }
    est->kept = kept;
    est->discarded = shots - kept;
    est->mean = kept ? s / (double)kept : NAN;
    double var = kept > 1 ? fmax(s2 - s * s / (double)kept, 0.0) / (double)(kept - 1) : NAN;
    est->stderr_ = kept > 1 ? sqrt(var / (double)kept) : (kept == 1 ? 0.0 : NAN);
  }
  if (tab) gsl_ran_discrete_free(tab);
  if (rng) gsl_rng_free(rng);
  free(p), free(occ);
  return rc;
}

int qclr_groups_simulate(const qclr_groups *gs, int nalpha, int nbeta, const double *c,
                         const int64_t *shots, double noise, uint64_t seed, qclr_groups_estimate *est) {
  qclr__clear();
  if (!gs || !c || !shots || !est) return qclr__error(QCLR_EINVAL, "simulate: NULL argument");
  if (!(noise >= 0 && noise <= 0.5))
    return qclr__error(QCLR_EINVAL, "simulate: readout noise must be in [0, 0.5] (got %g)", noise);
  int64_t n = qclr_groups_norb(gs), G = qclr_groups_count(gs);
  for (int64_t g = 0; g < G; g++)
    if (shots[g] < 0) return qclr__error(QCLR_EINVAL, "simulate: negative shot count for group %lld", (long long)g);
  if (n > 64) return qclr__error(QCLR_ETOOLARGE, "simulate: %lld orbitals (at most 64)", (long long)n);
  uint64_t *sa = NULL, *sb = NULL;
  int64_t na = 0, nb = 0;
  int rc = qclr_ci_strings((int)n, nalpha, &sa, &na);
  if (!rc) rc = qclr_ci_strings((int)n, nbeta, &sb, &nb);
  if (rc) {
    free(sa);
    return rc;
  }
  int nt = qclr__nthreads(), bad = 0;
  (void)nt;
#pragma omp parallel for num_threads(nt) schedule(dynamic) reduction(| : bad)
  for (int64_t g = 0; g < G; g++)
    if (simulate_group(gs, g, nalpha, nbeta, c, sa, na, sb, nb, shots[g], noise, seed, &est[g])) bad |= 1;
  free(sa), free(sb);
  if (bad) return qclr__error(QCLR_ENOMEM, "simulate: out of memory (%lld determinants)", (long long)(na * nb));
  return 0;
}

/* src/rank/rank_suggest.c: rank suggestions from a spectrum (spectral gap,
 * Akaike information criterion); definitions in include/qclr/rank.h and
 * docs/conventions.md §2 "Rank suggestions". */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/rank.h"

void qclr_rank_options_default(qclr_rank_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->kind = QCLR_SPECTRUM_SINGULAR;
  o->min_rank = 1;
  o->floor = 1e-14;
}

static int check_spectrum(const char *fn, int64_t nv, const double *v) {
  if (nv < 1 || !v) return qclr__error(QCLR_EINVAL, "%s: empty spectrum", fn);
  for (int64_t i = 0; i < nv; i++) {
    if (!isfinite(v[i]) || v[i] < 0)
      return qclr__error(QCLR_EINVAL, "%s: value %lld is %g (values must be finite and >= 0)", fn,
                         (long long)i, v[i]);
    if (i && v[i] > v[i - 1])
      return qclr__error(QCLR_EINVAL, "%s: values must be non-increasing (value %lld = %g > %g)", fn,
                         (long long)i, v[i], v[i - 1]);
  }
  return 0;
}

static int check_opts(const char *fn, const qclr_rank_options *o) {
  if (o->kind != QCLR_SPECTRUM_SINGULAR && o->kind != QCLR_SPECTRUM_SYMMETRIC)
    return qclr__error(QCLR_EINVAL, "%s: kind %d is not a QCLR_SPECTRUM_*", fn, o->kind);
  if (o->n < 0 || o->m < 0 || (o->kind == QCLR_SPECTRUM_SINGULAR && o->n > 0 && o->m < 1))
    return qclr__error(QCLR_EINVAL, "%s: matrix shape %lld x %lld", fn, (long long)o->m, (long long)o->n);
  if (o->min_rank < 0 || o->max_rank < 0)
    return qclr__error(QCLR_EINVAL, "%s: negative candidate range", fn);
  if (!(o->floor >= 0 && o->floor < 1))
    return qclr__error(QCLR_EINVAL, "%s: floor %g outside [0, 1)", fn, o->floor);
  return 0;
}

/* AICc(r) (rank.h); returns 0 if there is no noise model or r leaves no
 * residual degrees of freedom (P(r) >= D - 1) */
static int aic_value(int64_t nv, const double *v, const qclr_rank_options *o, const double *tail, int64_t r,
                     double *out) {
  if (o->n <= 0) return 0;
  double m = o->kind == QCLR_SPECTRUM_SINGULAR ? (double)o->m : (double)o->n, n = (double)o->n, rr = (double)r;
  double D, P, rss = tail[r];
  if (o->kind == QCLR_SPECTRUM_SINGULAR) {
    D = m * n;
    P = rr * (m + n - rr);
  } else {
    D = n * (n + 1) / 2;
    P = rr * n - rr * (rr - 1) / 2;
    rss *= (n + 1) / (2 * n);
  }
  /* tail holds (s_k/s_1)^2, so RSS = s_1^2 tail: log RSS = log tail + 2 log s_1 */
  double fl = D * DBL_EPSILON * DBL_EPSILON;
  if (rss < fl) rss = fl;
  (void)nv;
  if (P >= D - 1) return 0; /* no residual degrees of freedom left */
  *out = D * (log(rss / D) + 2 * log(v[0] > 0 ? v[0] : 1.0)) + 2 * P + 2 * P * (P + 1) / (D - P - 1);
  return 1;
}

/* tail[r] = sum_{k>=r} (v_k / v_0)^2 with a compensated sum from the smallest */
static double *tails(int64_t nv, const double *v) {
  double *t = qclr__malloc((size_t)nv + 1, sizeof(double), "rank tails");
  if (!t) return NULL;
  double s = 0, c = 0, v0 = v[0] > 0 ? v[0] : 1;
  t[nv] = 0;
  for (int64_t k = nv - 1; k >= 0; k--) {
    double x = v[k] / v0, y = x * x - c, z = s + y;
    c = (z - s) - y;
    s = z;
    t[k] = s;
  }
  return t;
}

int qclr_rank_aic(int64_t nvalues, const double *values, const qclr_rank_options *o, int64_t r, double *out) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(o, "qclr_rank_options_default");
  if (!o || !out) return qclr__error(QCLR_EINVAL, "qclr_rank_aic: NULL options or output");
  int rc = check_spectrum("qclr_rank_aic", nvalues, values);
  if (rc || (rc = check_opts("qclr_rank_aic", o))) return rc;
  if (o->n <= 0) return qclr__error(QCLR_EINVAL, "qclr_rank_aic: no noise model (matrix shape n = 0)");
  if (r < 0 || r > nvalues) return qclr__error(QCLR_EINVAL, "qclr_rank_aic: rank %lld outside [0, %lld]",
                                               (long long)r, (long long)nvalues);
  double *t = tails(nvalues, values);
  if (!t) return QCLR_ENOMEM;
  int ok = aic_value(nvalues, values, o, t, r, out);
  free(t);
  if (!ok)
    return qclr__error(QCLR_EINVAL, "qclr_rank_aic: rank %lld leaves no residual degrees of freedom", (long long)r);
  return 0;
}

int qclr_rank_suggest(int64_t nvalues, const double *values, const qclr_rank_options *o, qclr_rank_report *out) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(o, "qclr_rank_options_default");
  qclr_rank_options def;
  if (!o) {
    qclr_rank_options_default(&def);
    o = &def;
  }
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_rank_suggest: NULL output");
  int rc = check_spectrum("qclr_rank_suggest", nvalues, values);
  if (rc || (rc = check_opts("qclr_rank_suggest", o))) return rc;
  out->rank_gap = out->rank_aic = -1;
  out->gap_ratio = out->aic = 0;
  for (int i = 0; i < 3; i++) {
    out->gap_ranks[i] = -1;
    out->gap_ratios[i] = 0;
  }
  int64_t lo = o->min_rank, hi = o->max_rank ? o->max_rank : nvalues - 1;
  if (hi > nvalues - 1) hi = nvalues - 1;
  if (values[0] <= 0) return 0; /* a zero spectrum: nothing to suggest */
  double floor = o->floor * values[0];
  if (floor <= 0) floor = DBL_MIN;
  /* gap: s_k / s_{k+1}, k 1-based = index k-1 and k; candidates need s_k > floor */
  for (int64_t k = lo < 1 ? 1 : lo; k <= hi; k++) {
    double a = values[k - 1], b = values[k];
    if (a <= floor) break;
    double ratio = a / (b > floor ? b : floor);
    for (int i = 0; i < 3; i++) {
      if (ratio > out->gap_ratios[i]) {
        for (int j = 2; j > i; j--) {
          out->gap_ratios[j] = out->gap_ratios[j - 1];
          out->gap_ranks[j] = out->gap_ranks[j - 1];
        }
        out->gap_ratios[i] = ratio;
        out->gap_ranks[i] = k;
        break;
      }
    }
  }
  out->rank_gap = out->gap_ranks[0];
  out->gap_ratio = out->gap_ratios[0];
  if (o->n > 0) {
    double *t = tails(nvalues, values);
    if (!t) return QCLR_ENOMEM;
    double best = 0;
    for (int64_t r = lo; r <= hi; r++) {
      double a;
      if (!aic_value(nvalues, values, o, t, r, &a)) continue;
      if (out->rank_aic < 0 || a < best) {
        best = a;
        out->rank_aic = r;
      }
    }
    free(t);
    out->aic = best;
  }
  return 0;
}

int qclr_wedin_bound(double s_r, double s_r1, double enorm, double *out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_wedin_bound: NULL output");
  if (!isfinite(s_r) || !isfinite(s_r1) || !isfinite(enorm) || s_r1 < 0 || s_r < s_r1 || enorm < 0)
    return qclr__error(QCLR_EINVAL, "qclr_wedin_bound: need s_r >= s_r1 >= 0 and |E| >= 0 (got %g, %g, %g)", s_r,
                       s_r1, enorm);
  double delta = s_r - s_r1 - enorm;
  double b = delta > 0 ? enorm / delta : 1.0;
  *out = b < 1 ? b : 1.0;
  return 0;
}

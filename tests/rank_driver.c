/* tests/rank_driver.c: command-line access to qclr/rank.h for tests/test_rank.py.
 *   rank_driver angles A.npy B.npy              principal angles, one per line
 *   rank_driver suggest v.npy KIND M N MIN MAX  "gap ratio aic_rank aic g1 g2 g3"
 *   rank_driver aic v.npy KIND M N R            AIC(R)
 *   rank_driver wedin S_R S_R1 ENORM            the bound
 * KIND: 0 singular, 1 symmetric.  Exit 1 with the library's message on error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qclr.h"

static int fail(int rc) {
  fprintf(stderr, "rank_driver: %s (%d)\n", qclr_last_error(), rc);
  return 1;
}

static int load(const char *path, double **x, int64_t *rows, int64_t *cols) {
  int nd;
  int64_t shape[8];
  int rc = qclr_npy_read(path, x, &nd, shape);
  if (rc) return rc;
  *rows = shape[0];
  *cols = nd > 1 ? shape[1] : 1;
  return 0;
}

int main(int argc, char **argv) {
  int rc;
  if (argc == 4 && !strcmp(argv[1], "angles")) {
    double *A, *B;
    int64_t ma, ka, mb, kb;
    if ((rc = load(argv[2], &A, &ma, &ka)) || (rc = load(argv[3], &B, &mb, &kb))) return fail(rc);
    if (ma != mb) {
      fprintf(stderr, "rank_driver: row counts differ\n");
      return 1;
    }
    int64_t k = ka < kb ? ka : kb;
    double *ang = malloc((size_t)k * sizeof(double));
    if ((rc = qclr_principal_angles(ma, ka, A, kb, B, ang))) return fail(rc);
    for (int64_t i = 0; i < k; i++) printf("%.17g\n", ang[i]);
    free(A);
    free(B);
    free(ang);
    return 0;
  }
  if ((argc == 8 && !strcmp(argv[1], "suggest")) || (argc == 7 && !strcmp(argv[1], "aic"))) {
    double *v;
    int64_t n, one;
    if ((rc = load(argv[2], &v, &n, &one))) return fail(rc);
    qclr_rank_options o;
    qclr_rank_options_default(&o);
    o.kind = atoi(argv[3]);
    o.m = atoll(argv[4]);
    o.n = atoll(argv[5]);
    if (argc == 7) {
      double a;
      if ((rc = qclr_rank_aic(n, v, &o, atoll(argv[6]), &a))) return fail(rc);
      printf("%.17g\n", a);
    } else {
      o.min_rank = atoll(argv[6]);
      o.max_rank = atoll(argv[7]);
      qclr_rank_report r;
      if ((rc = qclr_rank_suggest(n, v, &o, &r))) return fail(rc);
      printf("%lld %.17g %lld %.17g %lld %lld %lld\n", (long long)r.rank_gap, r.gap_ratio, (long long)r.rank_aic,
             r.aic, (long long)r.gap_ranks[0], (long long)r.gap_ranks[1], (long long)r.gap_ranks[2]);
    }
    free(v);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[1], "wedin")) {
    double b;
    if ((rc = qclr_wedin_bound(atof(argv[2]), atof(argv[3]), atof(argv[4]), &b))) return fail(rc);
    printf("%.17g\n", b);
    return 0;
  }
  fprintf(stderr, "usage: rank_driver angles|suggest|aic|wedin ...\n");
  return 2;
}

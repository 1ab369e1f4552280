/* apps/qclr-tt.c: tensor-train (MPS) compression of a many-body state.
 *
 *   qclr-tt [options] INPUT
 *
 * INPUT is a .npy array (its shape gives the local dimensions; a flat vector
 * needs --dims, or is read as qubits when its length is a power of 2) or an
 * FCIDUMP (FCI ground state, then compression over orbitals).  For every
 * tolerance in --eps the program reports bond dimensions, the exact relative
 * error and the bond entropies; for an FCIDUMP also the energy of the
 * compressed state minus E_FCI. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"
#include "qclr.h"

static const char *prog = "qclr-tt";

enum { METHOD_AUTO, METHOD_SVD, METHOD_GRAM, METHOD_RANDOM, METHOD_BLOCKED };
enum { ORDER_FCIDUMP, ORDER_FIEDLER_K, ORDER_FIEDLER_MI };
static const char *order_names[3] = {"fcidump", "fiedler-k", "fiedler-mi"};
static const char *method_names[5] = {"auto", "svd", "gram", "random", "blocked"};
/* --analysis: what FCIDUMP runs compute beyond the TT-SVDs and their energies */
enum { ANALYSIS_NONE = 0, ANALYSIS_ENTROPY = 1, ANALYSIS_ORDERINGS = 2, ANALYSIS_ALL = 3 };
static const char *analysis_names[4] = {"none", "entropy", "orderings", "all"};

typedef struct {
  double *eps;
  int neps;
  long long max_rank;
  int order, sites, method;
  unsigned long long seed;
  int64_t dims[64];
  int ndims;
  int64_t ranks[128]; /* --ranks (randomized target ranks) */
  int nranks;
  const char *json, *out, *civec;
  int threads, quiet, order_set, sites_set;
  int analysis, analysis_set;
} options;

enum { O_EPS = 1, O_MAXRANK, O_METHOD, O_SEED, O_RANKS, O_DIMS, O_ORDER, O_SITES, O_CIVEC, O_OUT, O_ANALYSIS };
static const app_option app_options[] = {
    {"eps", 0, "LIST",
     "relative tolerances, comma separated (default 1e-2,1e-4,1e-6); "
     "||x - x_TT|| <= eps ||x|| (delta = eps/sqrt(d-1) per unfolding)",
     O_EPS},
    {"max-rank", 0, "R", "cap every bond dimension at R (applied after eps; warns)", O_MAXRANK},
    {"method", 0, "M",
     "auto (Gram+eigen when eps >= 1e-6, else gesdd), svd (gesdd), gram, "
     "random (Gaussian sketches), blocked (particle-number/Sz blocks, "
     "FCIDUMP only; never forms the 4^N tensor).  Default: auto for .npy, "
     "blocked for FCIDUMP",
     O_METHOD},
    {"seed", 0, "N", "seed of the random sketches (default 1)", O_SEED},
    {"ranks", 0, "LIST",
     "target bond dimensions for --method random, one per bond or one for all bonds "
     "(capped by the shape); replaces --eps",
     O_RANKS},
    {"dims", 0, "D1,D2,..", "local dimensions of a flat .npy vector", O_DIMS},
    {"order", 0, "O",
     "FCIDUMP orbital order: fcidump (as given), fiedler-k (Fiedler vector "
     "of K_ij = |(ij|ji)|), fiedler-mi (of the mutual information); "
     "default fcidump",
     O_ORDER},
    {"sites", 0, "S",
     "FCIDUMP sites: spatial (d = N, local basis {0,a,b,ab}) or spin "
     "(d = 2N, order 0a,0b,1a,...); default spatial",
     O_SITES},
    {"civec", 0, "FILE",
     "FCIDUMP input: take the CI vector from FILE (.npy, shape "
     "[n_alpha_strings, n_beta_strings] or flat, PySCF order, e.g. "
     "civec.npy of qclr-fci --out) instead of solving FCI",
     O_CIVEC},
    {"out", 0, "DIR",
     "write the cores of the last eps as DIR/core_K.npy, K = 1..d, shape "
     "(r_{K-1}, n_K, r_K); the norm is folded into the last core",
     O_OUT},
    {"analysis", 0, "A",
     "FCIDUMP input: none (default; bond entropies and energies only), entropy "
     "(single-orbital entropies and mutual information), orderings (max bond "
     "dimension of every ordering at every eps: three more TT-SVDs per eps), all; "
     "--order fiedler-mi computes the mutual information it needs",
     O_ANALYSIS},
    {0}};

static const char description[] =
    "Compress a many-body state into a tensor train (MPS) and report bond dimensions,\n"
    "errors and entanglement.  INPUT is a .npy array (shape = local dimensions), an\n"
    "FCIDUMP (FCI ground state, compressed over spatial or spin orbitals), or\n"
    "model:KIND:key=value,... (a Hamiltonian built in memory, qclr-model --help).\n"
    "--threads sets the threads of the FCI solver (OpenMP) and of the BLAS.\n";

static const char notes[] =
    "Examples:\n"
    "  qclr-tt --eps 1e-3,1e-5 --order fiedler-mi inputs/h2o_sto-3g.fcidump\n"
    "  qclr-tt --json - model:hubbard:nx=4,u=4\n"
    "\n"
    "Exit status: 0 ok, 1 numerical failure, 2 bad usage or input.\n";

static int parse_ranks(const char *s, options *o) {
  o->nranks = 0;
  for (const char *p = s; *p;) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p || v < 1 || v > (1LL << 40) || (*end && *end != ','))
      return app_usage_error(prog, "--ranks expects positive integers separated by commas, got '%s'", s);
    if (o->nranks == 128) return app_usage_error(prog, "--ranks: at most 128 values");
    o->ranks[o->nranks++] = v;
    p = *end ? end + 1 : end;
  }
  if (o->nranks == 0) return app_usage_error(prog, "--ranks is empty");
  return 0;
}

/* --ranks against the number of bonds of the TT; 0 or exit status 2 */
static int check_ranks(const options *o, int d) {
  if (o->nranks > 1 && o->nranks != d - 1)
    return app_usage_error(prog, "--ranks lists %d values; the TT has %d bonds (give %d values or one)", o->nranks,
                           d - 1, d - 1);
  return 0;
}

static int parse_dims(const char *s, options *o) {
  o->ndims = 0;
  const char *p = s;
  while (*p) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p || v < 1 || v > (1LL << 40) || (*end && *end != ','))
      return app_usage_error(prog, "--dims expects positive integers separated by commas, got '%s'", s);
    if (o->ndims == 64) return app_usage_error(prog, "--dims: at most 64 sites");
    o->dims[o->ndims++] = v;
    p = *end ? end + 1 : end;
  }
  if (o->ndims == 0) return app_usage_error(prog, "--dims is empty");
  return 0;
}

/* eps for the tables; "ranks" for a run at --ranks */
static const char *eps_str(double eps, char *buf) {
  if (isnan(eps)) return "ranks";
  snprintf(buf, 32, "%.3g", eps);
  return buf;
}

static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcmp(s + n - m, suf);
}

/* Write cores (scale folded into the last) as DIR/core_K.npy. */
static int write_cores(const char *dir, const qclr_tt *tt) {
  int rc = app_outdir_begin(dir);
  if (rc) return rc;
  int d = qclr_tt_ndim(tt);
  const int64_t *r = qclr_tt_ranks(tt), *n = qclr_tt_dims(tt);
  for (int k = 0; k < d; k++) {
    char name[64];
    snprintf(name, sizeof name, "core_%d.npy", k + 1);
    char *path = app_path_join(dir, name);
    if (!path) return QCLR_ENOMEM;
    int64_t shape[3] = {r[k], n[k], r[k + 1]};
    size_t m = (size_t)(r[k] * n[k] * r[k + 1]);
    double *tmp = malloc(m * sizeof(double));
    if (!tmp) {
      free(path);
      return QCLR_ENOMEM;
    }
    qclr_tt_core_copy(tt, k, tmp); /* dense, also for a block-sparse TT */
    if (k == d - 1)
      for (size_t i = 0; i < m; i++) tmp[i] *= qclr_tt_scale(tt);
    rc = qclr_npy_write(path, tmp, 3, shape);
    free(tmp);
    free(path);
    if (rc) return rc;
  }
  return app_outdir_end(0);
}

typedef struct {
  /* dense input */
  double *x;
  int d;
  int64_t dims[64];
  /* FCIDUMP input */
  int fci;
} state;

/* One compression; *tt and *info out.  rc < 0 is an error. */
static int compress(const options *o, const state *st, double eps, qclr_tt **tt, qclr_tt_info *info) {
  if (o->method == METHOD_RANDOM) {
    qclr_tt_random_options ro;
    qclr_tt_random_options_default(&ro);
    ro.eps = o->nranks ? 0.0 : eps;
    ro.max_rank = o->max_rank;
    ro.seed = o->seed;
    int64_t target[128];
    if (o->nranks) {
      for (int k = 0; k + 1 < st->d; k++) target[k] = o->nranks == 1 ? o->ranks[0] : o->ranks[k];
      ro.ranks = target;
    }
    return qclr_tt_svd_random(st->x, st->d, st->dims, &ro, tt, info);
  }
  qclr_tt_options to;
  qclr_tt_options_default(&to);
  to.eps = eps;
  to.max_rank = o->max_rank;
  to.method = o->method == METHOD_SVD ? QCLR_TT_GESDD : o->method == METHOD_GRAM ? QCLR_TT_GRAM : QCLR_TT_AUTO;
  return qclr_tt_svd(st->x, st->d, st->dims, &to, tt, info);
}

/* ---- FCIDUMP input: FCI ground state, orbital orderings, energies ---- */

#define DENSE_MAX_ORB 12 /* 4^12 doubles = 128 MiB for the dense methods */

typedef struct {
  const qclr_hamiltonian *H;
  int norb, na, nb;
  int64_t ndet;
} ci_space;

/* TT of the CI vector cp (already in the target orbital order). */
static int compress_ci(const options *o, const ci_space *cs, const double *cp, double eps, qclr_tt **tt,
                       qclr_tt_info *info) {
  qclr_tt_options to;
  qclr_tt_options_default(&to);
  to.eps = eps;
  to.max_rank = o->max_rank;
  int kind = o->sites ? QCLR_TT_SPIN : QCLR_TT_SPATIAL;
  if (o->method == METHOD_BLOCKED) return qclr_tt_svd_ci(cs->norb, cs->na, cs->nb, cp, kind, &to, tt, info);
  if (cs->norb > DENSE_MAX_ORB) {
    fprintf(stderr, "%s: error: --method %s forms the 4^%d occupation tensor; use --method blocked above %d orbitals\n",
            prog, method_names[o->method], cs->norb, DENSE_MAX_ORB);
    return QCLR_ETOOLARGE;
  }
  size_t D = (size_t)1 << (2 * cs->norb);
  double *dense = malloc(D * sizeof(double));
  if (!dense) return QCLR_ENOMEM;
  int rc = qclr_tt_ci_to_dense(cs->norb, cs->na, cs->nb, cp, kind, dense);
  state st;
  memset(&st, 0, sizeof st);
  st.x = dense;
  st.d = o->sites ? 2 * cs->norb : cs->norb;
  for (int k = 0; k < st.d; k++) st.dims[k] = o->sites ? 2 : 4;
  if (!rc) {
    options o2 = *o;
    if (o->method == METHOD_AUTO) o2.method = METHOD_AUTO;
    rc = compress(&o2, &st, eps, tt, info);
  }
  free(dense);
  return rc;
}

static int invert(int n, const int *perm, int *inv) {
  for (int i = 0; i < n; i++) inv[perm[i]] = i;
  return 0;
}

/* CI vector of H's (nalpha, nbeta) space from a .npy file, normalized, and
 * its energy <c|H|c> (the FCI energy when the file holds the FCI vector).
 * Returns 0 or an exit status (message printed). */
static int load_civec(const char *path, const qclr_hamiltonian *H, double **out, int64_t *ndet, double *energy) {
  int rc = qclr_fci_civec_read(H, path, out, ndet, energy);
  return rc ? app_fail(prog, rc) : 0;
}

static int run_fcidump(const options *o, const char *input) {
  const double t_start = app_seconds();
  qclr_hamiltonian *H = NULL;
  int rc = app_read_hamiltonian(input, &H);
  if (rc) return app_fail(prog, rc);
  ci_space cs = {H, (int)qclr_hamiltonian_norb(H), qclr_hamiltonian_nalpha(H), qclr_hamiltonian_nbeta(H), 0};
  int n = cs.norb, status = 0;
  if (n > 62) {
    qclr_hamiltonian_free(H);
    fprintf(stderr, "%s: error: %s: %d orbitals; at most 62 are supported\n", prog, input, n);
    return APP_EXIT_USAGE;
  }
  if (o->ndims) {
    qclr_hamiltonian_free(H);
    return app_usage_error(prog, "--dims applies to .npy input only");
  }
  if ((rc = check_ranks(o, o->sites ? 2 * n : n))) {
    qclr_hamiltonian_free(H);
    return rc;
  }
  qclr_fci *F = NULL;
  double *cfile = NULL, efci = 0, tfci = 0;
  const double *c;
  if (o->civec) {
    if ((rc = load_civec(o->civec, H, &cfile, &cs.ndet, &efci))) {
      qclr_hamiltonian_free(H);
      return rc;
    }
    c = cfile;
  } else {
    qclr_fci_options fo;
    qclr_fci_options_default(&fo);
    app_progress("%s: FCI of %s\n", prog, input);
    double t0 = app_seconds();
    rc = qclr_fci_solve(H, &fo, &F);
    if (rc < 0) {
      qclr_hamiltonian_free(H);
      return app_fail(prog, rc);
    }
    if (rc == QCLR_WNOTCONVERGED) fprintf(stderr, "%s: warning: FCI did not converge\n", prog);
    tfci = app_seconds() - t0;
    efci = qclr_fci_energy(F, 0);
    c = qclr_fci_civec(F, 0);
    cs.ndet = qclr_fci_ndet(F);
  }
  double *s1 = malloc((size_t)n * sizeof(double)), *mi = malloc((size_t)n * n * sizeof(double));
  double *K = malloc((size_t)n * n * sizeof(double));
  double *cp = malloc((size_t)cs.ndet * sizeof(double)), *ct = malloc((size_t)cs.ndet * sizeof(double));
  double *ctt = malloc((size_t)cs.ndet * sizeof(double)), *sig = malloc((size_t)cs.ndet * sizeof(double));
  int *perms = malloc((size_t)3 * n * sizeof(int)), *inv = malloc((size_t)n * sizeof(int));
  int d = o->sites ? 2 * n : n;
  double *S = malloc((size_t)d * sizeof(double));
  int64_t *maxb = malloc((size_t)3 * o->neps * sizeof(int64_t));
  /* blocked TTs of the chosen ordering, kept from the orderings scan */
  qclr_tt **keep = calloc((size_t)o->neps, sizeof(qclr_tt *));
  qclr_tt_info *keep_info = calloc((size_t)o->neps, sizeof(qclr_tt_info));
  int *keep_rc = calloc((size_t)o->neps, sizeof(int));
  double *keep_t = calloc((size_t)o->neps, sizeof(double));
  app_json *j = app_json_new_members(); /* after the head, written at the end */
  qclr_tt *last = NULL;
  if (!s1 || !mi || !K || !cp || !ct || !ctt || !sig || !perms || !inv || !S || !maxb || !keep || !keep_info ||
      !keep_rc || !keep_t || !j) {
    status = app_fail(prog, QCLR_ENOMEM);
    goto done;
  }
  /* what to compute: the orderings scan needs all three orderings, and the
   * fiedler-mi ordering needs the mutual information */
  const int scan = (o->analysis & ANALYSIS_ORDERINGS) && !o->nranks;
  const int want_mi = (o->analysis & ANALYSIS_ENTROPY) || scan || o->order == ORDER_FIEDLER_MI;
  double t_ent = app_seconds();
  if (want_mi) {
    app_progress("%s: orbital entropies and mutual information\n", prog);
    if ((rc = qclr_tt_orbital_entropies(n, cs.na, cs.nb, c, s1, mi))) {
      status = app_fail(prog, rc);
      goto done;
    }
  }
  t_ent = want_mi ? app_seconds() - t_ent : 0.0;
  for (int i = 0; i < n; i++) perms[i] = perms[n + i] = perms[2 * n + i] = i;
  if ((scan || o->order == ORDER_FIEDLER_K) &&
      ((rc = qclr_tt_exchange_matrix(H, K)) || (rc = qclr_tt_fiedler_order(n, K, perms + n)))) {
    status = app_fail(prog, rc);
    goto done;
  }
  if (want_mi && (scan || o->order == ORDER_FIEDLER_MI) && (rc = qclr_tt_fiedler_order(n, mi, perms + 2 * n))) {
    status = app_fail(prog, rc);
    goto done;
  }
  /* max bond dimension per eps for every ordering (blocked, the cheapest;
   * the chosen ordering's TTs are kept when they are the requested ones) */
  double t_ord = app_seconds();
  for (int ord = 0; ord < 3 && scan; ord++) {
    qclr_tt_ci_permute(n, cs.na, cs.nb, perms + ord * n, c, cp);
    options ob = *o;
    ob.method = METHOD_BLOCKED;
    ob.sites = 0;
    int reuse = ord == o->order && o->method == METHOD_BLOCKED && !o->sites;
    for (int e = 0; e < o->neps; e++) {
      qclr_tt *tt;
      qclr_tt_info info;
      app_progress("%s: ordering %s, eps %g\n", prog, order_names[ord], o->eps[e]);
      double ts = app_seconds();
      rc = compress_ci(&ob, &cs, cp, o->eps[e], &tt, &info);
      if (rc < 0) {
        status = app_fail(prog, rc);
        goto done;
      }
      maxb[ord * o->neps + e] = qclr_tt_max_rank(tt);
      if (reuse) {
        keep[e] = tt;
        keep_info[e] = info;
        keep_rc[e] = rc;
        keep_t[e] = app_seconds() - ts;
      } else
        qclr_tt_free(tt);
    }
  }
  t_ord = scan ? app_seconds() - t_ord : 0.0;
  const int *perm = perms + o->order * n;
  invert(n, perm, inv);
  qclr_tt_ci_permute(n, cs.na, cs.nb, perm, c, cp);
  if (!o->quiet) {
    printf("%s: %s, %d orbitals, %d+%d electrons, %lld determinants, E_FCI = %.10f (%.2f s)\n", prog, input, n,
           cs.na, cs.nb, (long long)cs.ndet, efci, tfci);
  }
  if (!o->quiet && scan) {
    printf("max bond dimension (blocked TT-SVD, spatial sites) per ordering:\n%10s", "eps");
    for (int ord = 0; ord < 3; ord++) printf(" %11s", order_names[ord]);
    printf("\n");
    for (int e = 0; e < o->neps; e++) {
      printf("%10.3g", o->eps[e]);
      for (int ord = 0; ord < 3; ord++) printf(" %11lld", (long long)maxb[ord * o->neps + e]);
      printf("\n");
    }
  }
  if (!o->quiet) {
    printf("order %s:", order_names[o->order]);
    for (int i = 0; i < n; i++) printf(" %d", perm[i] + 1);
    printf("; %s sites, method %s\n", o->sites ? "spin" : "spatial", method_names[o->method]);
    printf("%10s %8s %13s %14s %12s %9s %8s\n", "eps", "max_bond", "rel_error", "E_TT-E_FCI", "tt_params",
           "max_S", "time_s");
  }
  app_json_string(j, "kind", "fcidump");
  app_json_int(j, "ndet", cs.ndet);
  app_json_double(j, "energy_fci", efci);
  if (o->civec) app_json_string(j, "civec", o->civec);
  else app_json_null(j, "civec");
  app_json_string(j, "sites", o->sites ? "spin" : "spatial");
  app_json_string(j, "method", method_names[o->method]);
  app_json_string(j, "order_name", order_names[o->order]);
  app_json_string(j, "analysis", analysis_names[o->analysis]);
  {
    int64_t pv[64];
    for (int i = 0; i < n; i++) pv[i] = perm[i] + 1;
    app_json_int_array(j, "order", pv, n);
  }
  if (want_mi) {
    app_json_double_array(j, "single_orbital_entropies", s1, n);
    app_json_begin_array(j, "mutual_information");
    for (int i = 0; i < n; i++) app_json_double_array(j, NULL, mi + (size_t)i * n, n);
    app_json_end_array(j);
  } else {
    app_json_null(j, "single_orbital_entropies");
    app_json_null(j, "mutual_information");
  }
  if (!scan) app_json_null(j, "orderings");
  else app_json_begin_object(j, "orderings");
  for (int ord = 0; ord < 3 && scan; ord++) {
    app_json_begin_object(j, order_names[ord]);
    int64_t pv[64];
    for (int i = 0; i < n; i++) pv[i] = perms[ord * n + i] + 1;
    app_json_int_array(j, "order", pv, n);
    app_json_int_array(j, "max_bond_dim", maxb + ord * o->neps, o->neps);
    app_json_end_object(j);
  }
  if (scan) app_json_end_object(j);
  app_json_begin_array(j, "results");
  int warned = 0;
  for (int e = 0; e < o->neps; e++) {
    app_progress("%s: eps %g\n", prog, o->eps[e]);
    double ts = app_seconds();
    qclr_tt *tt = NULL;
    qclr_tt_info info;
    if (keep[e]) {
      tt = keep[e];
      keep[e] = NULL;
      info = keep_info[e];
      rc = keep_rc[e];
    } else
      rc = compress_ci(o, &cs, cp, o->eps[e], &tt, &info);
    double dt = keep_t[e] > 0 ? keep_t[e] : app_seconds() - ts;
    if (rc < 0) {
      status = app_fail(prog, rc);
      goto done;
    }
    double te = app_seconds();
    if (rc == QCLR_WRANKCAP && !warned) {
      fprintf(stderr, "%s: warning: --max-rank %lld cut singular values above eps\n", prog, o->max_rank);
      warned = 1;
    }
    /* <TT|H|TT>/<TT|TT> through the CI vector in the FCIDUMP orbital order */
    double num = 0, den = 0;
    if ((rc = qclr_tt_to_ci(tt, n, cs.na, cs.nb, ct)) ||
        (rc = qclr_tt_ci_permute(n, cs.na, cs.nb, inv, ct, ctt)) ||
        (rc = qclr_fci_sigma(H, ctt, sig)) || (rc = qclr_tt_bond_entropies(tt, S))) {
      qclr_tt_free(tt);
      status = app_fail(prog, rc);
      goto done;
    }
    for (int64_t i = 0; i < cs.ndet; i++) {
      num += ctt[i] * sig[i];
      den += ctt[i] * ctt[i];
    }
    double ett = den > 0 ? num / den : NAN;
    te = app_seconds() - te;
    double smax = 0;
    char eb[32];
    for (int k = 0; k + 1 < d; k++) smax = fmax(smax, S[k]);
    if (!o->quiet)
      printf("%10s %8lld %13.6e %14.6e %12lld %9.5f %8.3f\n", eps_str(o->eps[e], eb), (long long)qclr_tt_max_rank(tt),
             info.rel_error, ett - efci, (long long)qclr_tt_size(tt), smax, dt);
    app_json_begin_object(j, NULL);
    app_json_double_or_null(j, "eps", o->eps[e]); /* NaN: a run at --ranks */
    app_json_int_array(j, "bond_dims", qclr_tt_ranks(tt) + 1, d - 1);
    app_json_int(j, "max_bond_dim", qclr_tt_max_rank(tt));
    app_json_double(j, "relative_error", info.rel_error);
    app_json_double(j, "error", info.error);
    app_json_bool(j, "rank_capped", info.rank_capped);
    app_json_double_array(j, "entropies", S, d - 1);
    app_json_double_or_null(j, "energy_tt", ett); /* NaN: the TT has no weight in the CI space */
    app_json_double_or_null(j, "energy_error", ett - efci);
    app_json_int(j, "tt_params", qclr_tt_size(tt));
    app_json_int(j, "tt_params_dense", qclr_tt_dense_size(tt));
    app_json_double(j, "seconds_compress", dt);
    app_json_double(j, "seconds_energy_entropies", te);
    app_json_end_object(j);
    qclr_tt_free(last);
    last = tt;
  }
  app_json_end_array(j);
  app_json_double(j, "seconds_fci", tfci);
  app_json_double(j, "seconds_orbital_entropies", t_ent);
  app_json_double(j, "seconds_orderings", t_ord);
  if (o->out && last && (rc = write_cores(o->out, last))) {
    status = app_fail(prog, rc);
    goto done;
  }
  if (o->json) {
    rc = app_json_write_report(o->json, prog, input, H, app_seconds() - t_start, j);
    if (rc) status = app_fail(prog, rc);
  }
done:
  qclr_tt_free(last);
  if (keep)
    for (int e = 0; e < o->neps; e++) qclr_tt_free(keep[e]);
  free(keep);
  free(keep_info);
  free(keep_rc);
  free(keep_t);
  app_json_free(j);
  free(s1);
  free(mi);
  free(K);
  free(cp);
  free(ct);
  free(ctt);
  free(sig);
  free(perms);
  free(inv);
  free(S);
  free(maxb);
  qclr_fci_free(F);
  free(cfile);
  qclr_hamiltonian_free(H);
  return status;
}

static int run(const options *o, const char *input) {
  const double t_start = app_seconds();
  state st;
  memset(&st, 0, sizeof st);
  int rc;
  int ndim;
  int64_t shape[QCLR_NPY_MAXDIM];
  if (!ends_with(input, ".npy")) return run_fcidump(o, input);
  if ((rc = qclr_npy_read(input, &st.x, &ndim, shape))) return app_fail(prog, rc);
  int64_t total = 1;
  for (int k = 0; k < ndim; k++) total *= shape[k];
  if (o->ndims) {
    int64_t p = 1;
    for (int k = 0; k < o->ndims; k++) p *= o->dims[k];
    if (p != total) {
      free(st.x);
      return app_usage_error(prog, "--dims multiply to %lld but %s has %lld entries", (long long)p, input,
                             (long long)total);
    }
    st.d = o->ndims;
    memcpy(st.dims, o->dims, (size_t)o->ndims * sizeof(int64_t));
  } else if (ndim >= 2) {
    st.d = ndim;
    memcpy(st.dims, shape, (size_t)ndim * sizeof(int64_t));
  } else {
    if (total < 2 || (total & (total - 1))) {
      free(st.x);
      fprintf(stderr, "%s: error: %s: a flat vector of length %lld needs --dims\n", prog, input,
              (long long)total);
      return APP_EXIT_USAGE;
    }
    st.d = 0;
    while (((int64_t)1 << st.d) < total) st.dims[st.d++] = 2;
  }
  if (o->method == METHOD_BLOCKED) {
    free(st.x);
    return app_usage_error(prog, "--method blocked needs an FCIDUMP input");
  }
  if ((rc = check_ranks(o, st.d))) {
    free(st.x);
    return rc;
  }
  int d = st.d;
  if (!o->quiet) {
    printf("%s: %s, %d sites, dims ", prog, input, d);
    for (int k = 0; k < d; k++) printf("%s%lld", k ? "x" : "", (long long)st.dims[k]);
    printf(", method %s\n", method_names[o->method]);
    printf("%10s %8s %13s %12s %10s %9s %8s\n", "eps", "max_bond", "rel_error", "tt_params", "compress",
           "max_S", "time_s");
  }
  app_json *j = app_json_new_members(); /* after the head, written at the end */
  if (!j) {
    free(st.x);
    return app_fail(prog, QCLR_ENOMEM);
  }
  app_json_string(j, "kind", "npy");
  app_json_int_array(j, "dims", st.dims, d);
  app_json_string(j, "method", method_names[o->method]);
  app_json_null(j, "order");
  app_json_null(j, "single_orbital_entropies");
  app_json_null(j, "mutual_information");
  app_json_begin_array(j, "results");
  int status = 0, warned = 0;
  qclr_tt *last = NULL;
  double *S = malloc((size_t)(d > 1 ? d - 1 : 1) * sizeof(double));
  for (int e = 0; e < o->neps && !status; e++) {
    app_progress("%s: eps %g\n", prog, o->eps[e]);
    double t0 = app_seconds();
    qclr_tt *tt = NULL;
    qclr_tt_info info;
    rc = compress(o, &st, o->eps[e], &tt, &info);
    double dt = app_seconds() - t0;
    if (rc < 0) {
      status = app_fail(prog, rc);
      break;
    }
    if (rc == QCLR_WRANKCAP && !warned) {
      fprintf(stderr, "%s: warning: --max-rank %lld cut singular values above eps\n", prog, o->max_rank);
      warned = 1;
    }
    if (!S || (rc = qclr_tt_bond_entropies(tt, S))) {
      qclr_tt_free(tt);
      status = app_fail(prog, S ? rc : QCLR_ENOMEM);
      break;
    }
    double smax = 0;
    char eb[32];
    for (int k = 0; k + 1 < d; k++) smax = fmax(smax, S[k]);
    int64_t params = qclr_tt_size(tt);
    if (!o->quiet)
      printf("%10s %8lld %13.6e %12lld %10.4g %9.5f %8.3f\n", eps_str(o->eps[e], eb), (long long)qclr_tt_max_rank(tt),
             info.rel_error, (long long)params, (double)total / (double)params, smax, dt);
    app_json_begin_object(j, NULL);
    app_json_double_or_null(j, "eps", o->eps[e]); /* NaN: a run at --ranks */
    app_json_int_array(j, "bond_dims", qclr_tt_ranks(tt) + 1, d - 1);
    app_json_int(j, "max_bond_dim", qclr_tt_max_rank(tt));
    app_json_double(j, "relative_error", info.rel_error);
    app_json_double(j, "error", info.error);
    app_json_bool(j, "rank_capped", info.rank_capped);
    app_json_double_array(j, "entropies", S, d - 1);
    app_json_int(j, "tt_params", params);
    app_json_double(j, "seconds_compress", dt);
    app_json_end_object(j);
    qclr_tt_free(last);
    last = tt;
  }
  app_json_end_array(j);
  if (!status && o->out && last && (rc = write_cores(o->out, last))) status = app_fail(prog, rc);
  if (!status && o->json) {
    rc = app_json_write_report(o->json, prog, input, NULL, app_seconds() - t_start, j);
    if (rc) status = app_fail(prog, rc);
  }
  qclr_tt_free(last);
  app_json_free(j);
  free(S);
  free(st.x);
  return status;
}

static int parse_and_run(options *po, int argc, char **argv);

/* The TT kernels are BLAS/LAPACK calls: --threads sets OpenBLAS's thread
 * count too (weak symbol: other BLAS libraries keep their own setting). */
extern void openblas_set_num_threads(int) __attribute__((weak));
static void set_blas_threads(int n) {
  if (openblas_set_num_threads) openblas_set_num_threads(n);
}

int main(int argc, char **argv) {
  options o;
  memset(&o, 0, sizeof o);
  o.seed = 1;
  o.method = -1;
  int rc = parse_and_run(&o, argc, argv);
  free(o.eps);
  return rc;
}

/* One option of the app's table: 0 or an exit status (message printed). */
static int tt_option(options *o, int c, const char *optarg) {
  int rc;
  long long v;
  switch (c) {
    case O_EPS:
      free(o->eps);
      if ((rc = app_parse_double_list(prog, "--eps", optarg, &o->eps, &o->neps))) return rc;
      for (int i = 0; i < o->neps; i++)
        if (!(o->eps[i] >= 0) || o->eps[i] >= 1)
          return app_usage_error(prog, "--eps values must be in [0, 1), got %g", o->eps[i]);
      break;
    case O_MAXRANK:
      if ((rc = app_parse_int(prog, "--max-rank", optarg, 1, 1LL << 40, &o->max_rank))) return rc;
      break;
    case O_ORDER:
      for (o->order = 0; o->order < 3 && strcmp(optarg, order_names[o->order]); o->order++) {}
      if (o->order == 3)
        return app_usage_error(prog, "--order expects fcidump, fiedler-k or fiedler-mi, got '%s'", optarg);
      o->order_set = 1;
      break;
    case O_SITES:
      if (!strcmp(optarg, "spatial")) o->sites = 0;
      else if (!strcmp(optarg, "spin")) o->sites = 1;
      else return app_usage_error(prog, "--sites expects spatial or spin, got '%s'", optarg);
      o->sites_set = 1;
      break;
    case O_METHOD:
      for (o->method = 0; o->method < 5 && strcmp(optarg, method_names[o->method]); o->method++) {}
      if (o->method == 5)
        return app_usage_error(prog, "--method expects auto, svd, gram, random or blocked, got '%s'", optarg);
      break;
    case O_SEED:
      if ((rc = app_parse_int(prog, "--seed", optarg, 0, 1LL << 62, &v))) return rc;
      o->seed = (unsigned long long)v;
      break;
    case O_DIMS:
      if ((rc = parse_dims(optarg, o))) return rc;
      break;
    case O_RANKS:
      if ((rc = parse_ranks(optarg, o))) return rc;
      break;
    case O_CIVEC: o->civec = optarg; app_register_input(optarg); break;
    case O_OUT: o->out = optarg; break;
    case O_ANALYSIS:
      for (o->analysis = 0; o->analysis < 4 && strcmp(optarg, analysis_names[o->analysis]); o->analysis++) {}
      if (o->analysis == 4)
        return app_usage_error(prog, "--analysis expects none, entropy, orderings or all, got '%s'", optarg);
      o->analysis_set = 1;
      break;
  }
  return 0;
}

/* All early returns leave o.eps to main, which frees it. */
static int parse_and_run(options *o, int argc, char **argv) {
  app_cli cli = {.prog = prog, .synopsis = "[OPTION]... INPUT", .description = description,
                 .options = app_options, .notes = notes};
  int c, rc = 0;
  const char *optarg;
  while (!rc && (c = app_getopt(&cli, argc, argv, &optarg)) > 0) rc = tt_option(o, c, optarg);
  app_cli_free(&cli);
  if (rc) return rc;
  if (c == APP_OPT_EXIT) return cli.exit_status;
  o->json = cli.json;
  o->quiet = cli.quiet;
  o->threads = cli.threads;
  if (optind != argc - 1) return app_usage_error(prog, "expected one INPUT file");
  if (app_check_output(prog, "--out", o->out, 1)) return APP_EXIT_USAGE;
  if (o->nranks) {
    if (o->method != METHOD_RANDOM) return app_usage_error(prog, "--ranks applies to --method random only");
    if (o->eps) return app_usage_error(prog, "--ranks and --eps exclude each other");
    /* one result, at the target ranks (its eps is reported as null) */
    o->eps = malloc(sizeof(double));
    if (!o->eps) return app_fail(prog, QCLR_ENOMEM);
    o->eps[0] = NAN;
    o->neps = 1;
  }
  if (!o->eps) {
    static double def[3] = {1e-2, 1e-4, 1e-6};
    o->eps = malloc(sizeof def);
    if (!o->eps) return app_fail(prog, QCLR_ENOMEM);
    memcpy(o->eps, def, sizeof def);
    o->neps = 3;
  }
  int npy = ends_with(argv[optind], ".npy");
  if (npy && o->analysis_set) return app_usage_error(prog, "--analysis applies to FCIDUMP input only");
  if (npy && (o->order_set || o->sites_set || o->civec))
    return app_usage_error(prog, "--%s applies to FCIDUMP input only",
                           o->order_set ? "order" : o->sites_set ? "sites" : "civec");
  if (o->method < 0) o->method = npy ? METHOD_AUTO : METHOD_BLOCKED;
  if (o->json && !strcmp(o->json, "-")) o->quiet = 1; /* stdout carries the JSON only */
  qclr_set_threads(o->threads);
  if (o->threads > 0) set_blas_threads(o->threads);
  return run(o, argv[optind]);
}

/* apps/qclr-groups.c: measurement groups for estimating <H> on a quantum
 * computer -- basis-rotation groups from the double factorization (Givens
 * circuits, OpenQASM, variances, optimal shots, a simulated experiment) beside
 * the Jordan-Wigner Pauli / qubit-wise-commuting baseline. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-groups";

enum { O_NOMERGE = 1, O_STATE, O_EPS, O_SIM, O_SHOTS, O_NOISE, O_NOPAULI, O_QASM, O_MINANGLE, O_GATESET };
static const app_option options[] = {
    {NULL, 0, NULL, "Groups, state and shots:", 0},
    {"no-merge", 0, NULL, "one group per factor even when factors share an eigenbasis", O_NOMERGE},
    {"state", 0, "S",
     "fci (default when the FCI space has <= 2e6 determinants), hf (the "
     "reference determinant, lowest orbitals occupied; any size), or "
     "FILE.npy (CI vector, [alpha string][beta string])",
     O_STATE},
    {"epsilon", 0, "E", "target standard error of <H> in Hartree (default 1.6e-3)", O_EPS},
    {"simulate", 0, NULL, "sample every group (GSL mt19937) and estimate <H>", O_SIM},
    {"shots", 0, "N",
     "total shots of --simulate, split as sigma_g (default: the optimal "
     "budget for --epsilon)",
     O_SHOTS},
    {"noise", 0, "P", "readout bit-flip probability of --simulate (default 0)", O_NOISE},
    {"no-pauli", 0, NULL, "skip the Pauli / QWC baseline", O_NOPAULI},
    {NULL, 0, NULL, "Circuits:", 0},
    {"min-angle", 0, "A",
     "drop Givens rotations with |theta| < A radians and fold those within A "
     "of +-pi into Z gates (default 1e-12*pi = 3.14e-12; 0 drops only exact "
     "zeros); the dropped error is reported",
     O_MINANGLE},
    {"gate-set", 0, "SET",
     "count gates and depth for cx (CX + U3, default), cz (CZ + U3) or "
     "xx_plus_yy (a native XX+YY gate, one per Givens rotation)",
     O_GATESET},
    {NULL, 0, NULL, "Output:", 0},
    {"qasm", 0, "DIR", "write DIR/group_NNN.qasm (OpenQASM 2.0) and .qasm3 (3.0)", O_QASM},
    {0}};

static const char description[] =
    "Split H of INPUT, an FCIDUMP (plain or .gz) or a model built in memory,\n"
    "model:KIND:key=value,... (qclr-model --help), into basis-rotation measurement\n"
    "groups (Huggins et al. 2021): group 0 = the one-body T diagonalized, one group\n"
    "per double-factorization factor (factors sharing an eigenbasis merged).  Per\n"
    "group: the orbital rotation, its nearest-neighbour Givens circuit, the diagonal\n"
    "observable on the qubits, its variance in a state and the optimal shots;\n"
    "compared with the Jordan-Wigner Pauli terms grouped qubit-wise commuting\n"
    "(sorted insertion).  Qubits: blocked Jordan-Wigner, qubit p = (p, alpha),\n"
    "qubit N+p = (p, beta).\n";

static const char notes[] =
    "Examples:\n"
    "  qclr-groups --state hf --qasm circuits inputs/h2o_sto-3g.fcidump\n"
    "  qclr-groups --simulate --json - model:hubbard:nx=2,ny=2\n"
    "\n"
    "Exit status: 0 ok, 1 numerical failure, 2 bad usage or input.\n";

typedef struct {
  int method, quiet, simulate, threads, pauli;
  qclr_cholesky_options co;
  qclr_df_options dfo;
  qclr_groups_options go;
  const char *state, *qasm_dir, *json_path, *input;
  double eps, noise;
  int gate_set;
  long long total_shots;
  uint64_t seed;
} opts;

static int parse_option(opts *o, int c, const char *optarg) {
  switch (c) {
      case O_NOMERGE: o->go.merge = 0; break;
      case O_STATE: o->state = optarg; app_register_input(optarg); break;
      case O_EPS:
        if (app_parse_double(prog, "--epsilon", optarg, &o->eps)) return APP_EXIT_USAGE;
        if (!(o->eps > 0)) return app_usage_error(prog, "--epsilon must be > 0, got '%s'", optarg);
        break;
      case O_SIM: o->simulate = 1; break;
      case O_SHOTS:
        if (app_parse_int(prog, "--shots", optarg, 1, (long long)1e12, &o->total_shots)) return APP_EXIT_USAGE;
        break;
      case O_NOISE:
        if (app_parse_double(prog, "--noise", optarg, &o->noise)) return APP_EXIT_USAGE;
        if (!(o->noise >= 0 && o->noise <= 0.5)) return app_usage_error(prog, "--noise must be in [0, 0.5], got '%s'", optarg);
        break;
      case O_NOPAULI: o->pauli = 0; break;
      case O_QASM: o->qasm_dir = optarg; break;
      case O_MINANGLE:
        if (app_parse_double(prog, "--min-angle", optarg, &o->go.min_angle)) return APP_EXIT_USAGE;
        if (!(o->go.min_angle >= 0 && o->go.min_angle < M_PI / 4))
          return app_usage_error(prog, "--min-angle must be in [0, pi/4), got '%s'", optarg);
        break;
      case O_GATESET:
        if (!strcmp(optarg, "cx")) o->gate_set = QCLR_GATES_CX;
        else if (!strcmp(optarg, "cz")) o->gate_set = QCLR_GATES_CZ;
        else if (!strcmp(optarg, "xx_plus_yy")) o->gate_set = QCLR_GATES_XX_PLUS_YY;
        else return app_usage_error(prog, "--gate-set must be cx, cz or xx_plus_yy, got '%s'", optarg);
        break;
  }
  return 0;
}

/* 0 = go on, -1 = exit 0 (--help, --version), else the exit status */
static int parse(int argc, char **argv, opts *o) {
  memset(o, 0, sizeof *o);
  qclr_groups_options_default(&o->go);
  o->eps = 1.6e-3;
  o->pauli = 1;
  app_cli cli = {.prog = prog, .synopsis = "[OPTION]... INPUT", .description = description,
                 .shared = app_factor_options, .options = options, .notes = notes};
  app_factor_settings fs;
  app_factor_settings_default(&fs);
  const char *arg;
  int c, rc = 0;
  while (!rc && (c = app_getopt(&cli, argc, argv, &arg)) > 0) {
    rc = app_factor_option(prog, c, arg, &fs);
    if (rc < 0) rc = parse_option(o, c, arg);
  }
  app_cli_free(&cli);
  if (rc) return rc;
  if (c == APP_OPT_EXIT) return cli.exit_status ? cli.exit_status : -1;
  o->json_path = cli.json;
  o->quiet = cli.quiet;
  o->threads = cli.threads;
  o->method = fs.method;
  o->co = fs.co;
  o->dfo = fs.dfo;
  o->seed = fs.co.seed; /* --seed: pivoting and --simulate */
  if (optind != argc - 1)
    return app_usage_error(prog, optind >= argc ? "missing FCIDUMP (or model:...)" : "exactly one FCIDUMP expected");
  if (app_check_output(prog, "--qasm", o->qasm_dir, 1))
    return APP_EXIT_USAGE;
  if (o->total_shots && !o->simulate) return app_usage_error(prog, "--shots needs --simulate");
  if (o->noise > 0 && !o->simulate) return app_usage_error(prog, "--noise needs --simulate");
  if (o->state && strcmp(o->state, "fci") && strcmp(o->state, "hf")) {
    size_t len = strlen(o->state);
    if (len < 4 || strcmp(o->state + len - 4, ".npy"))
      return app_usage_error(prog, "--state must be fci, hf or a .npy file, got '%s'", o->state);
  }
  o->input = argv[optind];
  qclr_set_threads(o->threads);
  return 0;
}

typedef struct {
  qclr_hamiltonian *H;
  qclr_lowrank *lr;
  qclr_df *df;
  qclr_groups *gs;
  qclr_fci *fci;
  qclr_pauli_sum *ps;
  double *civec, *mean, *var, *pmean, *pvar, *qa, *qb;
  int64_t *shots, *pgroup, *pshots, *psize;
  qclr_groups_estimate *est;
  qclr_circuit_cost *cost, *cost0;
  app_json *j;
  char *lab;
} run;

static void run_free(run *r) {
  qclr_hamiltonian_free(r->H);
  qclr_lowrank_free(r->lr);
  qclr_df_free(r->df);
  qclr_groups_free(r->gs);
  qclr_fci_free(r->fci);
  qclr_pauli_free(r->ps);
  free(r->civec), free(r->mean), free(r->var), free(r->pmean), free(r->pvar), free(r->qa), free(r->qb);
  free(r->shots), free(r->pgroup), free(r->pshots), free(r->psize), free(r->est), free(r->lab);
  free(r->cost), free(r->cost0);
  app_json_free(r->j);
}

static int fail(run *r, int rc) {
  int e = app_fail(prog, rc);
  run_free(r);
  return e;
}

/* "prog: error: message" for bad input found by the app itself: exit 2 */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int bad_input(run *r, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: error: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  run_free(r);
  return APP_EXIT_USAGE;
}

static int oom(run *r) {
  fprintf(stderr, "%s: error: out of memory\n", prog);
  run_free(r);
  return APP_EXIT_NUMERIC;
}

static void json_matrix(app_json *j, const char *key, const double *m, int64_t rows, int64_t cols) {
  app_json_begin_array(j, key);
  for (int64_t i = 0; i < rows; i++) app_json_double_array(j, NULL, m + i * cols, cols);
  app_json_end_array(j);
}

/* the state: CI vector (fci, FILE) or the reference determinant (hf) */
static int load_state(run *r, const opts *o, const char *kind, double ndet, int *have_civec, double *e_exact) {
  int64_t n = qclr_hamiltonian_norb(r->H);
  int rc;
  *have_civec = 0;
  if (!strcmp(kind, "fci")) {
    if (n > 64) return bad_input(r, "%s: --state fci needs N <= 64 (N = %lld)", o->input, (long long)n);
    app_progress("%s: FCI (%.0f determinants)\n", prog, ndet);
    qclr_fci_options fo;
    qclr_fci_options_default(&fo);
    if ((rc = qclr_fci_solve(r->H, &fo, &r->fci)) < 0) return fail(r, rc);
    if (!qclr_fci_converged(r->fci) && !o->quiet) fprintf(stderr, "%s: warning: FCI not converged\n", prog);
    *e_exact = qclr_fci_energy(r->fci, 0);
    r->civec = malloc(sizeof(double) * (size_t)ndet);
    if (!r->civec) return oom(r);
    memcpy(r->civec, qclr_fci_civec(r->fci, 0), sizeof(double) * (size_t)ndet);
    *have_civec = 1;
    return 0;
  }
  if (!strcmp(kind, "hf")) {
    if ((rc = qclr_hamiltonian_e_ref(r->H, e_exact))) return fail(r, rc);
    if (o->simulate) { /* sampling needs the determinant as a CI vector */
      if (n > 64 || ndet > 5e7)
        return bad_input(r, "%s: --simulate needs a determinant space of <= 5e7 (here %.3g, N = %.0f)", o->input,
                         ndet, (double)n);
      r->civec = calloc((size_t)ndet, sizeof(double));
      if (!r->civec) return oom(r);
      r->civec[0] = 1.0;
      *have_civec = 1;
    }
    return 0;
  }
  int64_t nread = 0;
  if ((rc = qclr_fci_civec_read(r->H, kind, &r->civec, &nread, e_exact))) return fail(r, rc);
  *have_civec = 1;
  return 0;
}

int main(int argc, char **argv) {
  opts o;
  int rc = parse(argc, argv, &o);
  if (rc) return rc < 0 ? 0 : rc;
  run r = {0};
  double t0 = app_seconds();
  app_progress("%s: reading %s\n", prog, o.input);
  if ((rc = app_read_hamiltonian(o.input, &r.H))) return fail(&r, rc);
  int64_t n = qclr_hamiltonian_norb(r.H), nq = 2 * n;
  int na = qclr_hamiltonian_nalpha(r.H), nb = qclr_hamiltonian_nbeta(r.H);
  app_progress("%s: factorizing (N = %lld)\n", prog, (long long)n);
  rc = o.method ? qclr_eigen_factor(r.H, o.co.tol, o.co.max_rank, &r.lr)
                : qclr_cholesky_compute(r.H, &o.co, &r.lr);
  int converged = rc == 0;
  if (rc < 0) return fail(&r, rc);
  if (rc > 0 && !o.quiet) fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
  if ((rc = qclr_df_compute(r.H, r.lr, &o.dfo, &r.df)) < 0) return fail(&r, rc);
  if ((rc = qclr_groups_from_df(r.H, r.df, &o.go, &r.gs))) return fail(&r, rc);
  int64_t G = qclr_groups_count(r.gs);

  /* circuit costs: the simplified network and the full one, under --gate-set */
  r.cost = calloc((size_t)G, sizeof *r.cost);
  r.cost0 = calloc((size_t)G, sizeof *r.cost0);
  if (!r.cost || !r.cost0) return oom(&r);
  qclr_circuit_cost tot = {0}, tot0 = {0};
  int64_t dropped = 0, folded = 0;
  double dropped_err = 0;
  for (int64_t g = 0; g < G; g++) {
    const qclr_givens *net = qclr_groups_givens(r.gs, g);
    if ((rc = qclr_qasm_cost(net, o.gate_set, &r.cost[g]))) return fail(&r, rc);
    if ((rc = qclr_qasm_cost(qclr_groups_givens_full(r.gs, g), o.gate_set, &r.cost0[g]))) return fail(&r, rc);
    tot.rotations += r.cost[g].rotations, tot0.rotations += r.cost0[g].rotations;
    tot.two_qubit += r.cost[g].two_qubit, tot0.two_qubit += r.cost0[g].two_qubit;
    tot.single_qubit += r.cost[g].single_qubit, tot0.single_qubit += r.cost0[g].single_qubit;
    tot.depth += r.cost[g].depth, tot0.depth += r.cost0[g].depth;
    tot.two_qubit_depth += r.cost[g].two_qubit_depth, tot0.two_qubit_depth += r.cost0[g].two_qubit_depth;
    dropped += qclr_givens_ndropped(net), folded += qclr_givens_nfolded(net);
    dropped_err = fmax(dropped_err, qclr_givens_dropped_error(net));
  }
  if (!isfinite(dropped_err)) return bad_input(&r, "%s: non-finite dropped-rotation error", o.input);
  /* the naive network: N(N-1)/2 rotations per spin block at the gate set's price */
  int64_t per_rot = o.gate_set == QCLR_GATES_XX_PLUS_YY ? 1 : 2;
  int64_t naive_rot = n * (n - 1) / 2, naive_2q = 2 * naive_rot * per_rot;
  static const char *const set_names[] = {"cx", "cz", "xx_plus_yy"};

  /* the state */
  double ndet = app_binomial(n, na) * app_binomial(n, nb);
  const char *state = o.state ? o.state : (n <= 64 && ndet <= 2e6 ? "fci" : "hf");
  double e_exact = NAN;
  int have_civec;
  if ((rc = load_state(&r, &o, state, ndet, &have_civec, &e_exact))) return rc;
  int is_hf = !strcmp(state, "hf");

  /* basis-rotation moments and shots */
  r.mean = calloc((size_t)G, sizeof(double));
  r.var = calloc((size_t)G, sizeof(double));
  r.shots = calloc((size_t)G, sizeof(int64_t));
  if (!r.mean || !r.var || !r.shots) return oom(&r);
  app_progress("%s: group variances\n", prog);
  rc = is_hf ? qclr_groups_moments_det(r.gs, na, nb, NULL, NULL, r.mean, r.var)
             : qclr_groups_moments(r.gs, na, nb, r.civec, r.mean, r.var);
  if (rc) return fail(&r, rc);
  int64_t br_total;
  if ((rc = qclr_groups_shots(G, r.var, o.eps, r.shots, &br_total))) return fail(&r, rc);
  double e_groups = qclr_groups_constant(r.gs), sum_sigma = 0;
  for (int64_t g = 0; g < G; g++) e_groups += r.mean[g], sum_sigma += sqrt(r.var[g]);

  /* Pauli baseline */
  int64_t nterms = -1, nqwc = -1, pauli_total = -1;
  double pauli_sum_sigma = NAN;
  int do_pauli = o.pauli && nq <= 64;
  if (do_pauli) {
    app_progress("%s: Pauli terms\n", prog);
    if ((rc = qclr_pauli_from_hamiltonian(r.H, 1e-12, &r.ps))) return fail(&r, rc);
    nterms = qclr_pauli_count(r.ps);
    r.pgroup = malloc(sizeof(int64_t) * (size_t)(nterms + 1));
    if (!r.pgroup) return oom(&r);
    app_progress("%s: QWC grouping (%lld terms)\n", prog, (long long)nterms);
    if ((rc = qclr_pauli_qwc_groups(r.ps, r.pgroup, &nqwc))) return fail(&r, rc);
    r.pmean = malloc(sizeof(double) * (size_t)(nqwc + 1));
    r.pvar = malloc(sizeof(double) * (size_t)(nqwc + 1));
    r.pshots = malloc(sizeof(int64_t) * (size_t)(nqwc + 1));
    r.psize = calloc((size_t)(nqwc + 1), sizeof(int64_t));
    if (!r.pmean || !r.pvar || !r.pshots || !r.psize) return oom(&r);
    for (int64_t k = 0; k < nterms; k++)
      if (r.pgroup[k] >= 0) r.psize[r.pgroup[k]]++;
    app_progress("%s: QWC variances\n", prog);
    if (is_hf) {
      uint64_t bits = (na ? ~0ull >> (64 - na) : 0) | ((nb ? ~0ull >> (64 - nb) : 0) << n);
      double one = 1.0;
      rc = qclr_pauli_group_moments_sparse(r.ps, r.pgroup, nqwc, 1, &bits, &one, r.pmean, r.pvar);
    } else {
      rc = qclr_pauli_group_moments(r.ps, r.pgroup, nqwc, na, nb, r.civec, r.pmean, r.pvar);
    }
    if (rc) return fail(&r, rc);
    if ((rc = qclr_groups_shots(nqwc, r.pvar, o.eps, r.pshots, &pauli_total))) return fail(&r, rc);
    pauli_sum_sigma = 0;
    for (int64_t g = 0; g < nqwc; g++) pauli_sum_sigma += sqrt(r.pvar[g]);
  }

  /* simulated experiment */
  double sim_e = NAN, sim_se = NAN;
  int64_t sim_kept = 0, sim_disc = 0, sim_shots = 0, empty = 0;
  if (o.simulate) {
    if (!have_civec) return bad_input(&r, "%s: --simulate needs a CI vector", o.input);
    int64_t *sh = r.shots, *own = NULL;
    if (o.total_shots) {
      own = malloc(sizeof(int64_t) * (size_t)G);
      if (!own) return oom(&r);
      if ((rc = qclr_groups_split_shots(G, r.var, o.total_shots, own))) {
        free(own);
        return fail(&r, rc);
      }
      sh = own;
    }
    r.est = malloc(sizeof *r.est * (size_t)G);
    if (!r.est) {
      free(own);
      return oom(&r);
    }
    app_progress("%s: simulating\n", prog);
    rc = qclr_groups_simulate(r.gs, na, nb, r.civec, sh, o.noise, o.seed, r.est);
    if (!rc && own) memcpy(r.shots, own, sizeof(int64_t) * (size_t)G);
    free(own);
    if (rc) return fail(&r, rc);
    sim_e = qclr_groups_constant(r.gs);
    double v = 0;
    for (int64_t g = 0; g < G; g++) {
      sim_shots += r.shots[g];
      if (r.shots[g] == 0 && r.var[g] == 0) { /* nothing to measure: every shot would give the mean */
        r.est[g].mean = r.mean[g];
        r.est[g].stderr_ = 0;
      } else if (r.est[g].kept == 0) {
        empty++;
      }
      sim_e += r.est[g].mean;
      v += r.est[g].stderr_ * r.est[g].stderr_;
      sim_kept += r.est[g].kept;
      sim_disc += r.est[g].discarded;
    }
    sim_se = sqrt(v);
    if (empty && !o.quiet)
      fprintf(stderr, "%s: warning: %lld group(s) kept no shot after postselection: no estimate (raise --shots)\n",
              prog, (long long)empty);
  }

  /* QASM */
  if (o.qasm_dir) {
    app_progress("%s: writing OpenQASM to %s\n", prog, o.qasm_dir);
    if ((rc = app_outdir_begin(o.qasm_dir))) return fail(&r, rc);
    for (int64_t g = 0; g < G; g++) {
      char name[64], title[160];
      snprintf(title, sizeof title, "qclr-groups: group %lld of %lld (%s)", (long long)g, (long long)G,
               g ? "two-body" : "one-body");
      for (int v = 2; v <= 3; v++) {
        snprintf(name, sizeof name, v == 2 ? "group_%03lld.qasm" : "group_%03lld.qasm3", (long long)g);
        char *path = app_path_join(o.qasm_dir, name);
        if (!path) return oom(&r);
        rc = qclr_qasm_write(path, qclr_groups_givens(r.gs, g), v, title);
        free(path);
        if (rc) return fail(&r, rc);
      }
    }
    if ((rc = app_outdir_end(0))) return fail(&r, rc);
  }
  double seconds = app_seconds() - t0;

  /* JSON */
  if (o.json_path) {
    app_json *j = r.j = app_json_new();
    r.qa = malloc(sizeof(double) * (size_t)nq);
    r.qb = malloc(sizeof(double) * (size_t)(nq * nq));
    if (!j || !r.qa || !r.qb) return oom(&r);
    app_json_head(j, prog, o.input, r.H, seconds);
    app_json_int(j, "nqubits", nq);
    app_json_string(j, "qubit_order", "blocked Jordan-Wigner: qubit p = (p, alpha), qubit N+p = (p, beta)");
    app_json_string(j, "method", o.method ? "eigen" : "cholesky");
    app_json_double(j, "tol", o.co.tol);
    app_json_double(j, "df_tol", o.dfo.tol);
    app_json_string(j, "df_rule", o.dfo.rule == QCLR_DF_RULE_OPENFERMION ? "openfermion" : "default");
    app_json_bool(j, "converged", converged);
    app_json_int(j, "rank", qclr_lowrank_rank(r.lr));
    app_json_int(j, "df_factors", qclr_df_nfactors(r.df));
    app_json_bool(j, "merge", o.go.merge);
    app_json_string(j, "state", state);
    app_json_double(j, "energy_exact", e_exact);
    app_json_double(j, "energy_groups", e_groups);
    app_json_double(j, "epsilon", o.eps);
    app_json_int(j, "ngroups", G);
    app_json_begin_array(j, "groups");
    for (int64_t g = 0; g < G; g++) {
      const qclr_givens *net = qclr_groups_givens(r.gs, g);
      const qclr_givens_rotation *gr = qclr_givens_rotations(net);
      int64_t K = qclr_givens_count(net);
      app_json_begin_object(j, NULL);
      app_json_int(j, "index", g);
      app_json_string(j, "kind", g ? "two-body" : "one-body");
      app_json_int(j, "merged", qclr_groups_nmerged(r.gs, g));
      json_matrix(j, "rotation", qclr_groups_rotation(r.gs, g), n, n);
      if (g == 0) {
        app_json_double_array(j, "eigenvalues", qclr_groups_coefficients(r.gs, 0), n);
      } else {
        json_matrix(j, "eigenvalues", qclr_groups_eigenvalues(r.gs, g, 0), qclr_groups_nmerged(r.gs, g), n);
        json_matrix(j, "quadratic", qclr_groups_coefficients(r.gs, g), n, n);
      }
      qclr_groups_qubit_terms(r.gs, g, r.qa, r.qb);
      app_json_double_array(j, "qubit_linear", r.qa, nq);
      if (g) json_matrix(j, "qubit_quadratic", r.qb, nq, nq);
      app_json_begin_array(j, "givens");
      for (int64_t k = 0; k < K; k++) { /* [i, j, theta, phi] */
        app_json_begin_inline_array(j, NULL);
        app_json_int(j, NULL, gr[k].i);
        app_json_int(j, NULL, gr[k].j);
        app_json_double(j, NULL, gr[k].theta);
        app_json_double(j, NULL, gr[k].phi);
        app_json_end_array(j);
      }
      app_json_end_array(j);
      app_json_begin_inline_array(j, "givens_layer");
      for (int64_t k = 0; k < K; k++) app_json_int(j, NULL, gr[k].layer);
      app_json_end_array(j);
      app_json_int(j, "layers", qclr_givens_nlayers(net));
      app_json_int(j, "layers_before", qclr_givens_nlayers_before(net));
      app_json_int(j, "givens_naive", naive_rot);
      app_json_int(j, "givens_dropped", qclr_givens_ndropped(net));
      app_json_int(j, "givens_folded", qclr_givens_nfolded(net));
      app_json_double(j, "dropped_error", qclr_givens_dropped_error(net));
      app_json_int(j, "two_qubit_gates", r.cost[g].two_qubit);
      app_json_int(j, "single_qubit_gates", r.cost[g].single_qubit);
      app_json_int(j, "depth", r.cost[g].depth);
      app_json_int(j, "two_qubit_depth", r.cost[g].two_qubit_depth);
      app_json_int(j, "two_qubit_gates_before", r.cost0[g].two_qubit);
      app_json_int(j, "depth_before", r.cost0[g].depth);
      app_json_double_array(j, "final_signs", qclr_givens_diagonal(net), n);
      app_json_double(j, "mean", r.mean[g]);
      app_json_double(j, "variance", r.var[g]);
      app_json_int(j, "shots", r.shots[g]);
      if (r.est) {
        app_json_double_or_null(j, "estimate", r.est[g].mean); /* NaN: no shot kept */
        app_json_double_or_null(j, "estimate_stderr", r.est[g].stderr_);
        app_json_int(j, "kept", r.est[g].kept);
        app_json_int(j, "discarded", r.est[g].discarded);
      }
      if (o.qasm_dir) {
        char name[64];
        snprintf(name, sizeof name, "group_%03lld.qasm", (long long)g);
        app_json_string(j, "qasm2", name);
        snprintf(name, sizeof name, "group_%03lld.qasm3", (long long)g);
        app_json_string(j, "qasm3", name);
      }
      app_json_end_object(j);
    }
    app_json_end_array(j);
    app_json_begin_object(j, "circuit_totals");
    app_json_string(j, "gate_set", set_names[o.gate_set]);
    app_json_double(j, "min_angle", o.go.min_angle);
    app_json_int(j, "givens", tot.rotations);
    app_json_int(j, "givens_naive", 2 * G * naive_rot);
    app_json_int(j, "givens_dropped", 2 * dropped);
    app_json_int(j, "givens_folded", 2 * folded);
    app_json_double(j, "dropped_error_max", dropped_err);
    app_json_int(j, "two_qubit_gates", tot.two_qubit);
    app_json_int(j, "two_qubit_gates_before", tot0.two_qubit);
    app_json_int(j, "two_qubit_gates_naive", G * naive_2q);
    app_json_int(j, "single_qubit_gates", tot.single_qubit);
    app_json_int(j, "single_qubit_gates_before", tot0.single_qubit);
    app_json_int(j, "depth", tot.depth);
    app_json_int(j, "depth_before", tot0.depth);
    app_json_int(j, "two_qubit_depth", tot.two_qubit_depth);
    app_json_end_object(j);
    app_json_double(j, "sum_sigma_basis_rotation", sum_sigma);
    app_json_int(j, "shots_total_basis_rotation", br_total);
    if (r.ps) {
      r.lab = malloc((size_t)nq + 1);
      if (!r.lab) return oom(&r);
      app_json_int(j, "pauli_terms", nterms);
      app_json_int(j, "qwc_groups", nqwc);
      app_json_double(j, "sum_sigma_pauli", pauli_sum_sigma);
      app_json_int(j, "shots_total_pauli", pauli_total);
      app_json_begin_array(j, "pauli");
      for (int64_t k = 0; k < nterms; k++) {
        double cf;
        qclr_pauli_term(r.ps, k, NULL, NULL, &cf);
        qclr_pauli_label(r.ps, k, r.lab);
        app_json_begin_object(j, NULL);
        app_json_string(j, "string", r.lab);
        app_json_double(j, "coefficient", cf);
        app_json_int(j, "qwc_group", r.pgroup[k]);
        app_json_end_object(j);
      }
      app_json_end_array(j);
      app_json_begin_array(j, "qwc");
      for (int64_t g = 0; g < nqwc; g++) {
        app_json_begin_object(j, NULL);
        app_json_int(j, "terms", r.psize[g]);
        app_json_double(j, "mean", r.pmean[g]);
        app_json_double(j, "variance", r.pvar[g]);
        app_json_int(j, "shots", r.pshots[g]);
        app_json_end_object(j);
      }
      app_json_end_array(j);
    } else {
      app_json_null(j, "pauli_terms"), app_json_null(j, "qwc_groups"), app_json_null(j, "sum_sigma_pauli");
      app_json_null(j, "shots_total_pauli");
    }
    if (o.simulate) {
      app_json_begin_object(j, "simulation");
      app_json_double_or_null(j, "energy", sim_e); /* NaN when a group kept no shot */
      app_json_double_or_null(j, "energy_stderr", sim_se);
      app_json_double(j, "energy_groups", e_groups);
      app_json_double(j, "noise", o.noise);
      app_json_int(j, "seed", (int64_t)o.seed);
      app_json_int(j, "shots", sim_shots);
      app_json_int(j, "kept", sim_kept);
      app_json_int(j, "discarded", sim_disc);
      app_json_end_object(j);
    }
    app_json_end_object(j);
    if ((rc = app_json_write(j, o.json_path))) return fail(&r, rc);
  }

  if (!o.quiet && !(o.json_path && !strcmp(o.json_path, "-"))) {
    printf("# %s: N=%lld (%lld qubits) nalpha=%d nbeta=%d  %s tol=%g df_tol=%g  rank %lld, %lld DF factors  state=%s\n",
           o.input, (long long)n, (long long)nq, na, nb, o.method ? "eigen" : "cholesky", o.co.tol, o.dfo.tol,
           (long long)qclr_lowrank_rank(r.lr), (long long)qclr_df_nfactors(r.df), state);
    printf("%5s %-9s %6s %6s %6s %6s %6s %18s %12s %12s", "group", "kind", "merged", "givens", "2q", "1q", "depth", "mean",
           "sigma", "shots");
    if (r.est) printf(" %18s %10s", "estimate", "stderr");
    printf("\n");
    for (int64_t g = 0; g < G; g++) {
      const qclr_givens *net = qclr_groups_givens(r.gs, g);
      printf("%5lld %-9s %6lld %6lld %6lld %6lld %6lld %18.10f %12.6f %12lld", (long long)g, g ? "two-body" : "one-body",
             (long long)qclr_groups_nmerged(r.gs, g), (long long)(2 * qclr_givens_count(net)),
             (long long)r.cost[g].two_qubit, (long long)r.cost[g].single_qubit, (long long)r.cost[g].depth, r.mean[g],
             sqrt(r.var[g]), (long long)r.shots[g]);
      if (r.est) printf(" %18.10f %10.6f", r.est[g].mean, r.est[g].stderr_);
      printf("\n");
    }
    printf("\ncircuits (%s; givens, 2q and 1q count both spin blocks): %lld Givens rotations of %lld naive "
           "(%lld dropped, %lld folded into Z; error <= %.3g per block); two-qubit gates %lld (full network %lld, "
           "naive %lld); single-qubit %lld (%lld); depth %lld (%lld)\n",
           set_names[o.gate_set], (long long)tot.rotations, (long long)(2 * G * naive_rot), (long long)(2 * dropped),
           (long long)(2 * folded), dropped_err, (long long)tot.two_qubit, (long long)tot0.two_qubit,
           (long long)(G * naive_2q), (long long)tot.single_qubit, (long long)tot0.single_qubit, (long long)tot.depth,
           (long long)tot0.depth);
    printf("\n%-16s %8s %12s %16s\n", "scheme", "groups", "sum sigma", "shots(eps)");
    printf("%-16s %8lld %12.6f %16lld\n", "basis rotation", (long long)G, sum_sigma, (long long)br_total);
    if (do_pauli)
      printf("%-16s %8lld %12.6f %16lld   (%lld Pauli terms)\n", "Pauli QWC", (long long)nqwc, pauli_sum_sigma,
             (long long)pauli_total, (long long)nterms);
    if (do_pauli && br_total > 0)
      printf("shot ratio Pauli / basis rotation: %.2f\n", (double)pauli_total / (double)br_total);
    printf("eps = %g Ha; constant %.10f; E(state, exact H) = %.10f; sum of groups + constant = %.10f\n", o.eps,
           qclr_groups_constant(r.gs), e_exact, e_groups);
    if (o.simulate)
      printf("simulated: E = %.6f +- %.6f (groups exact %.6f, %+.1f sigma); noise %g; %lld shots, %lld discarded (%.2f%%)\n",
             sim_e, sim_se, e_groups, sim_se > 0 ? (sim_e - e_groups) / sim_se : 0.0, o.noise, (long long)sim_shots,
             (long long)sim_disc, 100.0 * (double)sim_disc / (double)(sim_shots > 0 ? sim_shots : 1));
    printf("time %.3f s\n", seconds);
  }
  run_free(&r);
  return 0;
}

/* apps/qclr-groups.c: measurement groups for estimating <H> on a quantum
 * computer -- basis-rotation groups from the double factorization (Givens
 * circuits, OpenQASM, variances, optimal shots, a simulated experiment) beside
 * the Jordan-Wigner Pauli / qubit-wise-commuting baseline. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"
#include "qclr/error.h"
#include "qclr/factor.h"
#include "qclr/fci.h"
#include "qclr/fcidump.h"
#include "qclr/groups.h"
#include "qclr/hamiltonian.h"
#include "qclr/npy.h"
#include "qclr/pauli.h"
#include "qclr/qasm.h"

static const char *prog = "qclr-groups";

static void usage(FILE *f) {
  fprintf(f,
          "usage: qclr-groups [options] FCIDUMP\n"
          "\n"
          "Split H into basis-rotation measurement groups (Huggins et al. 2021): group 0 = the\n"
          "one-body T diagonalized, one group per double-factorization factor (factors sharing\n"
          "a rotation merged).  Per group: the orbital rotation, its nearest-neighbour Givens\n"
          "circuit, the diagonal observable on the qubits, its variance in a state and the\n"
          "optimal shots; compared with the Jordan-Wigner Pauli terms grouped qubit-wise\n"
          "commuting (sorted insertion).  Qubits: blocked Jordan-Wigner, qubit p = (p, alpha),\n"
          "qubit N+p = (p, beta).\n"
          "\n"
          "factorization (as qclr-factor):\n"
          "  -m, --method M        cholesky (default) or eigen\n"
          "  -p, --pivot P         greedy (default), random or block\n"
          "  -t, --tol X           stage-1 threshold (default 1e-6)\n"
          "      --df-tol X        DF threshold tau_2 (default 0)\n"
          "      --df-rule R       default or openfermion\n"
          "      --max-rank N      cap the stage-1 rank\n"
          "      --seed S          seed of --pivot random and of --simulate (default 1)\n"
          "state and shots:\n"
          "      --state S         fci (default when the FCI space has <= 2e6 determinants),\n"
          "                        hf, or FILE.npy (CI vector, [alpha string][beta string])\n"
          "      --epsilon E       target standard error of <H> in Hartree (default 1.6e-3)\n"
          "      --simulate        sample every group (GSL mt19937) and estimate <H>\n"
          "      --shots N         total shots of --simulate, split as sigma_g (default: the\n"
          "                        optimal budget for --epsilon)\n"
          "      --noise P         readout bit-flip probability of --simulate (default 0)\n"
          "output:\n"
          "      --qasm DIR        write DIR/group_NNN.qasm (OpenQASM 2.0) and .qasm3 (3.0)\n"
          "      --json FILE       JSON report (- = stdout)\n"
          "      --threads N       OpenMP threads (default: OpenMP's)\n"
          "  -q, --quiet           no table on stdout\n"
          "      --progress        progress on stderr even when it is not a terminal\n"
          "  -h, --help            this help\n"
          "  -V, --version         version\n"
          "\n"
          "exit status: 0 ok, 1 numerical failure, 2 bad usage or input.\n");
}

enum { O_DFTOL = 256, O_DFRULE, O_MAXRANK, O_SEED, O_STATE, O_EPS, O_SIM, O_SHOTS, O_NOISE, O_QASM, O_JSON,
       O_THREADS, O_PROGRESS };

typedef struct {
  qclr_hamiltonian *H;
  qclr_lowrank *lr;
  qclr_df *df;
  qclr_groups *gs;
  qclr_fci *fci;
  qclr_pauli_sum *ps;
  double *civec, *mean, *var, *pmean, *pvar;
  int64_t *shots, *pgroup, *pshots;
  qclr_groups_estimate *est;
  app_json *j;
} run;

static void run_free(run *r) {
  qclr_hamiltonian_free(r->H);
  qclr_lowrank_free(r->lr);
  qclr_df_free(r->df);
  qclr_groups_free(r->gs);
  qclr_fci_free(r->fci);
  qclr_pauli_free(r->ps);
  free(r->civec), free(r->mean), free(r->var), free(r->pmean), free(r->pvar);
  free(r->shots), free(r->pgroup), free(r->pshots), free(r->est);
  if (r->j) app_json_free(r->j);
}

static double binom(int n, int k) {
  double v = 1;
  for (int i = 0; i < k; i++) v = v * (n - i) / (i + 1);
  return v;
}

static int fail(run *r, int rc) {
  int e = app_fail(prog, rc);
  run_free(r);
  return e;
}

static void json_matrix(app_json *j, const char *key, const double *m, int64_t n) {
  app_json_begin_array(j, key);
  for (int64_t i = 0; i < n; i++) app_json_double_array(j, NULL, m + i * n, n);
  app_json_end_array(j);
}

int main(int argc, char **argv) {
  qclr_cholesky_options co;
  qclr_df_options dfo;
  qclr_groups_options go;
  qclr_cholesky_options_default(&co);
  qclr_df_options_default(&dfo);
  qclr_groups_options_default(&go);
  int method = 0, quiet = 0, simulate = 0, threads = 0, c;
  const char *state = NULL, *qasm_dir = NULL, *json_path = NULL;
  double eps = 1.6e-3, noise = 0;
  long long ll, total_shots = 0;
  uint64_t seed = 1;
  static const struct option lo[] = {
      {"method", 1, 0, 'm'},       {"pivot", 1, 0, 'p'},         {"tol", 1, 0, 't'},
      {"df-tol", 1, 0, O_DFTOL},   {"df-rule", 1, 0, O_DFRULE},  {"max-rank", 1, 0, O_MAXRANK},
      {"seed", 1, 0, O_SEED},      {"state", 1, 0, O_STATE},     {"epsilon", 1, 0, O_EPS},
      {"simulate", 0, 0, O_SIM},   {"shots", 1, 0, O_SHOTS},     {"noise", 1, 0, O_NOISE},
      {"qasm", 1, 0, O_QASM},      {"json", 1, 0, O_JSON},       {"threads", 1, 0, O_THREADS},
      {"quiet", 0, 0, 'q'},        {"progress", 0, 0, O_PROGRESS}, {"help", 0, 0, 'h'},
      {"version", 0, 0, 'V'},      {0, 0, 0, 0}};
  while ((c = getopt_long(argc, argv, "m:p:t:qhV", lo, NULL)) != -1) {
    switch (c) {
      case 'm':
        if (!strcmp(optarg, "cholesky")) method = 0;
        else if (!strcmp(optarg, "eigen")) method = 1;
        else return app_usage_error(prog, "--method must be cholesky or eigen, got '%s'", optarg);
        break;
      case 'p':
        if (!strcmp(optarg, "greedy")) co.pivot = QCLR_PIVOT_GREEDY;
        else if (!strcmp(optarg, "random")) co.pivot = QCLR_PIVOT_RANDOM;
        else if (!strcmp(optarg, "block")) co.pivot = QCLR_PIVOT_BLOCK;
        else return app_usage_error(prog, "--pivot must be greedy, random or block, got '%s'", optarg);
        break;
      case 't':
        if (app_parse_double(prog, "--tol", optarg, &co.tol)) return APP_EXIT_USAGE;
        if (co.tol < 0) return app_usage_error(prog, "--tol must be >= 0");
        break;
      case O_DFTOL:
        if (app_parse_double(prog, "--df-tol", optarg, &dfo.tol)) return APP_EXIT_USAGE;
        if (dfo.tol < 0) return app_usage_error(prog, "--df-tol must be >= 0");
        break;
      case O_DFRULE:
        if (!strcmp(optarg, "default")) dfo.rule = QCLR_DF_RULE_DEFAULT;
        else if (!strcmp(optarg, "openfermion")) dfo.rule = QCLR_DF_RULE_OPENFERMION;
        else return app_usage_error(prog, "--df-rule must be default or openfermion, got '%s'", optarg);
        break;
      case O_MAXRANK:
        if (app_parse_int(prog, "--max-rank", optarg, 0, INT64_MAX / 2, &ll)) return APP_EXIT_USAGE;
        co.max_rank = ll;
        break;
      case O_SEED:
        if (app_parse_int(prog, "--seed", optarg, 0, INT64_MAX, &ll)) return APP_EXIT_USAGE;
        co.seed = seed = (uint64_t)ll;
        break;
      case O_STATE: state = optarg; break;
      case O_EPS:
        if (app_parse_double(prog, "--epsilon", optarg, &eps)) return APP_EXIT_USAGE;
        if (!(eps > 0)) return app_usage_error(prog, "--epsilon must be > 0");
        break;
      case O_SIM: simulate = 1; break;
      case O_SHOTS:
        if (app_parse_int(prog, "--shots", optarg, 1, (long long)1e12, &total_shots)) return APP_EXIT_USAGE;
        break;
      case O_NOISE:
        if (app_parse_double(prog, "--noise", optarg, &noise)) return APP_EXIT_USAGE;
        if (!(noise >= 0 && noise <= 0.5)) return app_usage_error(prog, "--noise must be in [0, 0.5]");
        break;
      case O_QASM: qasm_dir = optarg; break;
      case O_JSON: json_path = optarg; break;
      case O_THREADS:
        if (app_parse_int(prog, "--threads", optarg, 0, 4096, &ll)) return APP_EXIT_USAGE;
        threads = (int)ll;
        break;
      case 'q': quiet = 1; break;
      case O_PROGRESS: app_progress_enable(1); break;
      case 'h': usage(stdout); return 0;
      case 'V': return app_print_version(prog);
      default: usage(stderr); return APP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) return app_usage_error(prog, "expected one FCIDUMP file (see --help)");
  if (total_shots && !simulate) return app_usage_error(prog, "--shots needs --simulate");
  const char *input = argv[optind];
  co.nthreads = dfo.nthreads = go.nthreads = threads;
  run r = {0};
  int rc;
  double t0 = app_seconds();
  if ((rc = app_read_hamiltonian(input, &r.H))) return fail(&r, rc);
  int64_t n = qclr_hamiltonian_norb(r.H);
  int na = qclr_hamiltonian_nalpha(r.H), nb = qclr_hamiltonian_nbeta(r.H);
  app_progress("factorizing (N = %lld)", (long long)n);
  rc = method ? qclr_eigen_factor(r.H, co.tol, co.max_rank, threads, &r.lr) : qclr_cholesky_compute(r.H, &co, &r.lr);
  int converged = rc == 0;
  if (rc < 0) return fail(&r, rc);
  if (rc > 0 && !quiet) fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
  if ((rc = qclr_df_compute(r.H, r.lr, &dfo, &r.df)) < 0) return fail(&r, rc);
  if ((rc = qclr_groups_from_df(r.H, r.df, &go, &r.gs))) return fail(&r, rc);
  int64_t G = qclr_groups_count(r.gs);

  /* the state */
  double ndet = binom((int)n, na) * binom((int)n, nb);
  const char *state_kind = state ? state : (ndet <= 2e6 ? "fci" : "hf");
  double e_exact = NAN;
  int have_state = n <= 64 && ndet <= 5e7;
  if (!strcmp(state_kind, "fci")) {
    app_progress("FCI (%.0f determinants)", ndet);
    qclr_fci_options fo;
    qclr_fci_options_default(&fo);
    fo.nthreads = threads;
    if ((rc = qclr_fci_solve(r.H, &fo, &r.fci)) < 0) return fail(&r, rc);
    if (!qclr_fci_converged(r.fci) && !quiet) fprintf(stderr, "%s: warning: FCI not converged\n", prog);
    e_exact = qclr_fci_energy(r.fci, 0);
    r.civec = malloc(sizeof(double) * (size_t)ndet);
    if (!r.civec) return fail(&r, QCLR_ENOMEM);
    memcpy(r.civec, qclr_fci_civec(r.fci, 0), sizeof(double) * (size_t)ndet);
  } else if (!strcmp(state_kind, "hf")) {
    if ((rc = qclr_hamiltonian_e_ref(r.H, &e_exact))) return fail(&r, rc);
    if (have_state) {
      r.civec = calloc((size_t)ndet, sizeof(double));
      if (!r.civec) return fail(&r, QCLR_ENOMEM);
      r.civec[0] = 1.0;
    }
  } else {
    int nd;
    int64_t shape[QCLR_NPY_MAXDIM];
    if ((rc = qclr_npy_read(state_kind, &r.civec, &nd, shape))) return fail(&r, rc);
    double cnt = 1, nrm = 0;
    for (int k = 0; k < nd; k++) cnt *= (double)shape[k];
    if (cnt != ndet || nd > 2) {
      fprintf(stderr, "%s: %s: expected a CI vector of %.0f = %.0f x %.0f entries, got %.0f\n", prog, state_kind,
              ndet, binom((int)n, na), binom((int)n, nb), cnt);
      run_free(&r);
      return APP_EXIT_USAGE;
    }
    for (int64_t k = 0; k < (int64_t)ndet; k++) nrm += r.civec[k] * r.civec[k];
    if (!(nrm > 0)) return app_usage_error(prog, "%s: CI vector has zero norm", state_kind);
    for (int64_t k = 0; k < (int64_t)ndet; k++) r.civec[k] /= sqrt(nrm);
    double *sig = malloc(sizeof(double) * (size_t)ndet);
    if (!sig) return fail(&r, QCLR_ENOMEM);
    if ((rc = qclr_fci_sigma(r.H, r.civec, sig, threads))) {
      free(sig);
      return fail(&r, rc);
    }
    e_exact = 0;
    for (int64_t k = 0; k < (int64_t)ndet; k++) e_exact += r.civec[k] * sig[k];
    free(sig);
  }
  /* basis-rotation moments and shots */
  r.mean = calloc((size_t)G, sizeof(double));
  r.var = calloc((size_t)G, sizeof(double));
  r.shots = calloc((size_t)G, sizeof(int64_t));
  if (!r.mean || !r.var || !r.shots) return fail(&r, QCLR_ENOMEM);
  int64_t br_total = -1;
  double e_df = NAN;
  if (r.civec) {
    app_progress("group variances");
    if ((rc = qclr_groups_moments(r.gs, na, nb, r.civec, r.mean, r.var, threads))) return fail(&r, rc);
    if ((rc = qclr_groups_shots(G, r.var, eps, r.shots, &br_total))) return fail(&r, rc);
    e_df = qclr_groups_constant(r.gs);
    for (int64_t g = 0; g < G; g++) e_df += r.mean[g];
  }
  /* Pauli baseline */
  int64_t nterms = -1, nqwc = -1, pauli_total = -1;
  if (2 * n <= 64) {
    app_progress("Pauli terms");
    if ((rc = qclr_pauli_from_hamiltonian(r.H, 1e-12, &r.ps))) return fail(&r, rc);
    nterms = qclr_pauli_count(r.ps);
    r.pgroup = malloc(sizeof(int64_t) * (size_t)nterms);
    if (!r.pgroup) return fail(&r, QCLR_ENOMEM);
    if ((rc = qclr_pauli_qwc_groups(r.ps, r.pgroup, &nqwc))) return fail(&r, rc);
    if (r.civec) {
      r.pmean = malloc(sizeof(double) * (size_t)(nqwc + 1));
      r.pvar = malloc(sizeof(double) * (size_t)(nqwc + 1));
      r.pshots = malloc(sizeof(int64_t) * (size_t)(nqwc + 1));
      if (!r.pmean || !r.pvar || !r.pshots) return fail(&r, QCLR_ENOMEM);
      if ((rc = qclr_pauli_group_moments(r.ps, r.pgroup, nqwc, na, nb, r.civec, r.pmean, r.pvar)))
        return fail(&r, rc);
      if ((rc = qclr_groups_shots(nqwc, r.pvar, eps, r.pshots, &pauli_total))) return fail(&r, rc);
    }
  }
  /* simulation */
  double sim_e = NAN, sim_se = NAN;
  int64_t sim_kept = 0, sim_disc = 0;
  if (simulate) {
    if (!r.civec) {
      fprintf(stderr, "%s: --simulate needs a state in the determinant space (N <= 64, <= 5e7 determinants)\n", prog);
      run_free(&r);
      return APP_EXIT_USAGE;
    }
    int64_t *sh = r.shots, *own = NULL;
    if (total_shots) {
      double ss = 0;
      own = malloc(sizeof(int64_t) * (size_t)G);
      if (!own) return fail(&r, QCLR_ENOMEM);
      for (int64_t g = 0; g < G; g++) ss += sqrt(r.var[g]);
      for (int64_t g = 0; g < G; g++)
        own[g] = ss > 0 ? (int64_t)llround((double)total_shots * sqrt(r.var[g]) / ss) : total_shots / G;
      sh = own;
    }
    r.est = malloc(sizeof *r.est * (size_t)G);
    if (!r.est) return fail(&r, QCLR_ENOMEM);
    app_progress("simulating");
    rc = qclr_groups_simulate(r.gs, na, nb, r.civec, sh, noise, seed, r.est, threads);
    if (!rc) memcpy(r.shots, sh, sizeof(int64_t) * (size_t)G);
    free(own);
    if (rc) return fail(&r, rc);
    sim_e = qclr_groups_constant(r.gs);
    double v = 0;
    for (int64_t g = 0; g < G; g++) {
      if (r.shots[g] == 0) {
        r.est[g].mean = r.mean[g]; /* zero variance: the exact value is what every shot gives */
        r.est[g].stderr_ = 0;
      }
      sim_e += r.est[g].mean;
      v += r.est[g].stderr_ * r.est[g].stderr_;
      sim_kept += r.est[g].kept;
      sim_disc += r.est[g].discarded;
    }
    sim_se = sqrt(v);
  }
  /* QASM */
  if (qasm_dir) {
    if ((rc = app_mkdir(qasm_dir))) return fail(&r, rc);
    for (int64_t g = 0; g < G; g++) {
      char name[64], title[96];
      snprintf(title, sizeof title, "qclr-groups: group %lld of %lld", (long long)g, (long long)G);
      for (int v = 2; v <= 3; v++) {
        snprintf(name, sizeof name, v == 2 ? "group_%03lld.qasm" : "group_%03lld.qasm3", (long long)g);
        char *path = app_path_join(qasm_dir, name);
        rc = path ? qclr_qasm_write(path, qclr_groups_givens(r.gs, g), v, title) : QCLR_ENOMEM;
        free(path);
        if (rc) return fail(&r, rc);
      }
    }
  }
  double seconds = app_seconds() - t0;
  /* JSON */
  if (json_path) {
    app_json *j = r.j = app_json_new();
    if (!j) return fail(&r, QCLR_ENOMEM);
    app_json_begin_object(j, NULL);
    app_json_string(j, "input", input);
    app_json_int(j, "norb", n);
    app_json_int(j, "nalpha", na);
    app_json_int(j, "nbeta", nb);
    app_json_string(j, "qubit_order", "blocked Jordan-Wigner: qubit p = (p, alpha), qubit N+p = (p, beta)");
    app_json_string(j, "method", method ? "eigen" : "cholesky");
    app_json_double(j, "tol", co.tol);
    app_json_double(j, "df_tol", dfo.tol);
    app_json_bool(j, "converged", converged);
    app_json_int(j, "rank", qclr_lowrank_rank(r.lr));
    app_json_int(j, "df_factors", qclr_df_nfactors(r.df));
    app_json_double(j, "constant", qclr_groups_constant(r.gs));
    app_json_string(j, "state", state_kind);
    app_json_double(j, "energy_exact", e_exact);
    app_json_double(j, "energy_groups", e_df);
    app_json_double(j, "epsilon", eps);
    app_json_begin_array(j, "groups");
    for (int64_t g = 0; g < G; g++) {
      const qclr_givens *net = qclr_groups_givens(r.gs, g);
      app_json_begin_object(j, NULL);
      app_json_int(j, "index", g);
      app_json_string(j, "kind", g ? "two-body" : "one-body");
      json_matrix(j, "rotation", qclr_groups_rotation(r.gs, g), n);
      if (g == 0) {
        app_json_double_array(j, "eigenvalues", qclr_groups_coefficients(r.gs, 0), n);
      } else {
        app_json_begin_array(j, "eigenvalues");
        for (int64_t m = 0; m < qclr_groups_nmerged(r.gs, g); m++)
          app_json_double_array(j, NULL, qclr_groups_eigenvalues(r.gs, g, m), n);
        app_json_end_array(j);
        json_matrix(j, "quadratic", qclr_groups_coefficients(r.gs, g), n);
      }
      app_json_begin_array(j, "givens");
      const qclr_givens_rotation *gr = qclr_givens_rotations(net);
      for (int64_t k = 0; k < qclr_givens_count(net); k++) {
        double row[4] = {(double)gr[k].i, (double)gr[k].j, gr[k].theta, gr[k].phi};
        app_json_double_array(j, NULL, row, 4);
      }
      app_json_end_array(j);
      int64_t *lay = malloc(sizeof(int64_t) * (size_t)(qclr_givens_count(net) + 1));
      if (lay) {
        for (int64_t k = 0; k < qclr_givens_count(net); k++) lay[k] = gr[k].layer;
        app_json_int_array(j, "givens_layer", lay, qclr_givens_count(net));
        free(lay);
      }
      app_json_int(j, "layers", qclr_givens_nlayers(net));
      app_json_double_array(j, "final_signs", qclr_givens_diagonal(net), n);
      if (r.civec) {
        app_json_double(j, "mean", r.mean[g]);
        app_json_double(j, "variance", r.var[g]);
        app_json_int(j, "shots", r.shots[g]);
      } else {
        app_json_null(j, "mean"), app_json_null(j, "variance"), app_json_null(j, "shots");
      }
      if (r.est) {
        app_json_double(j, "estimate", r.est[g].mean);
        app_json_double(j, "estimate_stderr", r.est[g].stderr_);
        app_json_int(j, "discarded", r.est[g].discarded);
      }
      if (qasm_dir) {
        char name[64];
        snprintf(name, sizeof name, "group_%03lld.qasm", (long long)g);
        app_json_string(j, "qasm2", name);
        snprintf(name, sizeof name, "group_%03lld.qasm3", (long long)g);
        app_json_string(j, "qasm3", name);
      }
      app_json_end_object(j);
    }
    app_json_end_array(j);
    if (r.ps) {
      char *lab = malloc((size_t)(2 * n + 1));
      if (!lab) return fail(&r, QCLR_ENOMEM);
      app_json_int(j, "pauli_terms", nterms);
      app_json_int(j, "qwc_groups", nqwc);
      app_json_begin_array(j, "pauli");
      for (int64_t k = 0; k < nterms; k++) {
        double cf;
        qclr_pauli_term(r.ps, k, NULL, NULL, &cf);
        qclr_pauli_label(r.ps, k, lab);
        app_json_begin_object(j, NULL);
        app_json_string(j, "string", lab);
        app_json_double(j, "coefficient", cf);
        app_json_int(j, "qwc_group", r.pgroup[k]);
        app_json_end_object(j);
      }
      app_json_end_array(j);
      free(lab);
    } else {
      app_json_null(j, "pauli_terms"), app_json_null(j, "qwc_groups");
    }
    if (br_total >= 0) app_json_int(j, "shots_total_basis_rotation", br_total);
    else app_json_null(j, "shots_total_basis_rotation");
    if (pauli_total >= 0) app_json_int(j, "shots_total_pauli", pauli_total);
    else app_json_null(j, "shots_total_pauli");
    if (simulate) {
      app_json_begin_object(j, "simulation");
      app_json_double(j, "energy", sim_e);
      app_json_double(j, "stderr", sim_se);
      app_json_double(j, "noise", noise);
      app_json_int(j, "seed", (int64_t)seed);
      app_json_int(j, "kept", sim_kept);
      app_json_int(j, "discarded", sim_disc);
      app_json_end_object(j);
    }
    app_json_double(j, "seconds", seconds);
    app_json_end_object(j);
    if ((rc = app_json_write(j, json_path))) return fail(&r, rc);
  }
  if (!quiet) {
    printf("# %s: N=%lld nalpha=%d nbeta=%d  %s tol=%g df_tol=%g  rank %lld, %lld DF factors  state=%s\n", input,
           (long long)n, na, nb, method ? "eigen" : "cholesky", co.tol, dfo.tol, (long long)qclr_lowrank_rank(r.lr),
           (long long)qclr_df_nfactors(r.df), state_kind);
    printf("%-18s %10s %14s %14s\n", "scheme", "groups", "shots(eps)", "circuits");
    if (br_total >= 0) printf("%-18s %10lld %14lld %14lld\n", "basis rotation", (long long)G, (long long)br_total, (long long)G);
    else printf("%-18s %10lld %14s %14lld\n", "basis rotation", (long long)G, "-", (long long)G);
    if (nterms >= 0) {
      if (pauli_total >= 0)
        printf("%-18s %10lld %14lld %14lld   (%lld Pauli terms)\n", "Pauli QWC", (long long)nqwc, (long long)pauli_total,
               (long long)nqwc, (long long)nterms);
      else printf("%-18s %10lld %14s %14lld   (%lld Pauli terms)\n", "Pauli QWC", (long long)nqwc, "-", (long long)nqwc, (long long)nterms);
    }
    printf("eps = %g Ha; constant %.10f; E(state, exact H) = %.10f", eps, qclr_groups_constant(r.gs), e_exact);
    if (r.civec) printf("; sum of groups = %.10f", e_df);
    printf("\n");
    if (simulate)
      printf("simulated: E = %.6f +- %.6f (exact %.6f, %+.1f sigma); %lld shots kept, %lld discarded (%.2f%%)\n",
             sim_e, sim_se, e_df, sim_se > 0 ? (sim_e - e_df) / sim_se : 0.0, (long long)sim_kept, (long long)sim_disc,
             100.0 * (double)sim_disc / (double)(sim_kept + sim_disc > 0 ? sim_kept + sim_disc : 1));
    printf("time %.3f s\n", seconds);
  }
  run_free(&r);
  return 0;
}

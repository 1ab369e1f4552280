/* apps/qclr-cost.c: fault-tolerant resource estimates (Toffolis per step,
 * total Toffolis, logical qubits) of qubitized phase estimation for the SF
 * and DF representations (include/qclr/cost.h).
 *
 *   qclr-cost --method sf|df|thc --norb N --lambda X --rank L [...]  (formula mode)
 *   qclr-cost [OPTION]... INPUT                                       (Hamiltonian mode)
 *
 * Formula mode evaluates one published cost formula.  Hamiltonian mode
 * factorizes INPUT (an FCIDUMP or model:...) with the library's Cholesky and
 * double factorization, and prints one table: SF rows at a Cholesky tau sweep,
 * DF rows at a tau_2 sweep (Cholesky at --tol), with rank(s), lambda, the exact
 * max |Delta V|, the energy error of the factorized Hamiltonian (MP2 or FCI, as
 * qclr-factor --energy) and the three costs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-cost";

enum {
  O_METHOD = 1,
  O_NORB,
  O_LAMBDA,
  O_RANK,
  O_LXI,
  O_THCRANK,
  O_CHI,
  O_BETA,
  O_DE,
  O_SFTOLS,
  O_DFTOLS,
  O_TOL,
  O_ENERGY,
  O_TARGET,
  O_THCRANKS,
  O_THCSELECT
};
static const app_option options[] = {
    {NULL, 0, NULL, "Formula mode (no INPUT):", 0},
    {"method", 'm', "M", "sf, df or thc: the block encoding to cost", O_METHOD},
    {"norb", 0, "N", "spatial orbitals (n = 2N spin orbitals)", O_NORB},
    {"lambda", 0, "X", "1-norm lambda of the block encoding, Hartree", O_LAMBDA},
    {"rank", 0, "L", "rank of the first factorization (sf, df)", O_RANK},
    {"lxi", 0, "LXI", "df: eigenvectors kept over all factors (Lxi >= L)", O_LXI},
    {"thc-rank", 0, "M", "thc: THC rank (number of points)", O_THCRANK},
    {NULL, 0, NULL, "Both modes:", 0},
    {"chi", 0, "B", "bits of the keep probabilities, aleph (default 10)", O_CHI},
    {"beta", 0, "B", "bits of the rotation angles, beth (default 16; df, thc)", O_BETA},
    {"de", 0, "E", "phase-estimation error dE in Hartree (default 0.0016)", O_DE},
    {NULL, 0, NULL, "Hamiltonian mode (INPUT given):", 0},
    {"sf-tols", 0, "LIST", "Cholesky tolerances of the SF rows (default 1e-2,3e-3,1e-3,3e-4,1e-4,3e-5,1e-5)",
     O_SFTOLS},
    {"df-tols", 0, "LIST", "DF tau_2 of the DF rows (default 3e-2,1e-2,3e-3,1e-3,3e-4,1e-4,3e-5)", O_DFTOLS},
    {"tol", 't', "TAU", "Cholesky tolerance under the DF rows (default 1e-6)", O_TOL},
    {"thc-ranks", 0, "LIST", "THC rows at these ranks M (THC by interpolative decomposition\nof the DF at --tol, all eigenpairs as candidates)", O_THCRANKS},
    {"thc-select", 0, "S", "gks (default), cpqr, uniform or all: column selection of the THC rows", O_THCSELECT},
    {"energy", 0, "E", "fci, mp2 (default) or none: dE = E(factorized H) - E(exact H) per row", O_ENERGY},
    {"target-energy-error", 0, "E",
     "mark, per method, the row with the fewest total Toffolis whose\n|dE| <= E (Hartree)", O_TARGET},
    {0}};

typedef struct {
  int method; /* 0 sf, 1 df, 2 thc */
  int select; /* thc: QCLR_THC_SELECT_* */
  double tol;
  int64_t rank, lxi;
  double lambda, max_abs_error, energy_error;
  int cost_ok;
  qclr_cost_result cost;
  char cost_error[200];
  int selected;
} row;

enum { ENERGY_NONE = APP_ENERGY_NONE, ENERGY_MP2 = APP_ENERGY_MP2, ENERGY_FCI = APP_ENERGY_FCI };

/* the same energies as qclr-factor --energy (app_energy) */
static int energy_of(const qclr_hamiltonian *H, int kind, double *e) { return app_energy(prog, H, kind, e); }

static const char *method_names[] = {"sf", "df", "thc"};
static const char *select_names[] = {"gks", "cpqr", "uniform"};

static void row_cost(row *r, int64_t nspin, const qclr_cost_options *co) {
  int rc = r->method == 0   ? qclr_cost_sf(nspin, r->lambda, r->rank, co, &r->cost)
           : r->method == 1 ? qclr_cost_df(nspin, r->lambda, r->rank, r->lxi, co, &r->cost)
                            : qclr_cost_thc(nspin, r->lambda, r->rank, co, &r->cost);
  r->cost_ok = rc == 0;
  if (rc) snprintf(r->cost_error, sizeof r->cost_error, "%s", qclr_last_error());
}

static int formula_mode(const app_cli *cli, int method, long long norb, double lambda, long long rank, long long lxi,
                        long long thc_rank, const qclr_cost_options *co, double t0) {
  static const char *names[] = {"sf", "df", "thc"};
  if (norb <= 0) return app_usage_error(prog, "formula mode needs --norb N");
  if (!(lambda > 0)) return app_usage_error(prog, "formula mode needs --lambda X (> 0)");
  if (method < 2 && rank <= 0) return app_usage_error(prog, "--method %s needs --rank L", names[method]);
  if (method == 1 && lxi <= 0) return app_usage_error(prog, "--method df needs --lxi LXI");
  if (method == 2 && thc_rank <= 0) return app_usage_error(prog, "--method thc needs --thc-rank M");
  if (method != 1 && lxi > 0) return app_usage_error(prog, "--lxi applies to --method df only");
  if (method != 2 && thc_rank > 0) return app_usage_error(prog, "--thc-rank applies to --method thc only");
  if (method == 2 && rank > 0) return app_usage_error(prog, "--rank does not apply to --method thc");
  const int64_t n = 2 * (int64_t)norb;
  qclr_cost_result r;
  int rc = method == 0   ? qclr_cost_sf(n, lambda, rank, co, &r)
           : method == 1 ? qclr_cost_df(n, lambda, rank, lxi, co, &r)
                         : qclr_cost_thc(n, lambda, thc_rank, co, &r);
  if (rc) return app_fail(prog, rc);
  if (!cli->quiet) {
    printf("method                %s\n", names[method]);
    printf("spin orbitals n       %lld  (norb %lld)\n", (long long)n, norb);
    printf("lambda                %.10g Ha\n", lambda);
    if (method < 2) printf("rank L                %lld\n", rank);
    if (method == 1) printf("Lxi                   %lld\n", lxi);
    if (method == 2) printf("THC rank M            %lld\n", thc_rank);
    printf("chi, beta             %d, %d%s\n", co->chi, co->beta, method == 0 ? "  (beta unused by sf)" : "");
    printf("dE                    %.6g Ha\n", co->de);
    printf("walk steps            %lld\n", (long long)r.walk_steps);
    printf("Toffolis per step     %lld\n", (long long)r.toffolis_per_step);
    printf("Toffolis total        %lld  (%.2e)\n", (long long)r.toffolis_total, (double)r.toffolis_total);
    printf("logical qubits        %lld\n", (long long)r.logical_qubits);
  }
  if (cli->json) {
    app_json *j = app_json_new();
    if (!j) return app_fail(prog, QCLR_ENOMEM);
    app_json_head(j, prog, "formula", NULL, app_seconds() - t0);
    app_json_string(j, "mode", "formula");
    app_json_string(j, "method", names[method]);
    app_json_int(j, "n_spin_orbitals", n);
    app_json_double(j, "lambda", lambda);
    if (method < 2) app_json_int(j, "rank", rank); else app_json_null(j, "rank");
    if (method == 1) app_json_int(j, "lxi", lxi); else app_json_null(j, "lxi");
    if (method == 2) app_json_int(j, "thc_rank", thc_rank); else app_json_null(j, "thc_rank");
    app_json_int(j, "chi", co->chi);
    if (method) app_json_int(j, "beta", co->beta); else app_json_null(j, "beta");
    app_json_double(j, "de", co->de);
    app_json_int(j, "walk_steps", r.walk_steps);
    app_json_int(j, "toffolis_per_step", r.toffolis_per_step);
    app_json_int(j, "toffolis_total", r.toffolis_total);
    app_json_int(j, "logical_qubits", r.logical_qubits);
    app_json_end_object(j);
    rc = app_json_write(j, cli->json);
    app_json_free(j);
    if (rc) return app_fail(prog, rc);
  }
  return 0;
}

static void print_row(const row *r, int energy) {
  char ranks[48], cost[96], de[24], meth[16];
  if (r->method == 0) snprintf(ranks, sizeof ranks, "L=%lld", (long long)r->rank);
  else if (r->method == 1) snprintf(ranks, sizeof ranks, "L=%lld Lxi=%lld", (long long)r->rank, (long long)r->lxi);
  else snprintf(ranks, sizeof ranks, "M=%lld", (long long)r->rank);
  if (r->method == 2) snprintf(meth, sizeof meth, "thc/%s", select_names[r->select]);
  else snprintf(meth, sizeof meth, "%s", method_names[r->method]);
  if (r->cost_ok)
    snprintf(cost, sizeof cost, "%9lld %10.3e %7lld", (long long)r->cost.toffolis_per_step,
             (double)r->cost.toffolis_total, (long long)r->cost.logical_qubits);
  else
    snprintf(cost, sizeof cost, "%9s %10s %7s", "n/a", "n/a", "n/a");
  if (energy) snprintf(de, sizeof de, "%10.2e", r->energy_error);
  else snprintf(de, sizeof de, "%10s", "-");
  char tol[16];
  if (r->method == 2) snprintf(tol, sizeof tol, "%8s", "-");
  else snprintf(tol, sizeof tol, "%8.1e", r->tol);
  printf("%-11s %s %-17s %11.5g %10.2e %s %s%s\n", meth, tol, ranks, r->lambda, r->max_abs_error, de, cost,
         r->selected ? "  *" : "");
}

static void json_row(app_json *j, const row *r, int energy) {
  app_json_begin_object(j, NULL);
  app_json_string(j, "method", method_names[r->method]);
  if (r->method == 2) app_json_string(j, "selection", select_names[r->select]); else app_json_null(j, "selection");
  if (r->method == 2) app_json_null(j, "tol"); else app_json_double(j, "tol", r->tol);
  app_json_int(j, "rank", r->rank);
  if (r->method == 1) app_json_int(j, "lxi", r->lxi); else app_json_null(j, "lxi");
  app_json_double(j, "lambda", r->lambda);
  app_json_double(j, "max_abs_error", r->max_abs_error);
  if (energy) app_json_double(j, "energy_error", r->energy_error); else app_json_null(j, "energy_error");
  if (r->cost_ok) {
    app_json_int(j, "toffolis_per_step", r->cost.toffolis_per_step);
    app_json_int(j, "toffolis_total", r->cost.toffolis_total);
    app_json_int(j, "logical_qubits", r->cost.logical_qubits);
    app_json_null(j, "cost_error");
  } else {
    app_json_null(j, "toffolis_per_step");
    app_json_null(j, "toffolis_total");
    app_json_null(j, "logical_qubits");
    app_json_string(j, "cost_error", r->cost_error);
  }
  app_json_bool(j, "selected", r->selected);
  app_json_end_object(j);
}

/* lambda by pivoting basis (hydrogen models, whose AO-basis Cholesky vectors
 * exist): at each SF tau, the MO-basis pivoted Cholesky of H against the
 * AO-basis pivoted Cholesky (qclr_hydrogen_cholesky, vectors transformed to
 * the MOs), both summarized by qclr_df_summary_compute (tau_2 = 0). */
typedef struct {
  double tol;
  int64_t rank_mo, rank_ao;
  double lambda_sf_mo, lambda_df_mo, lambda_sf_ao, lambda_df_ao;
} pivot_row;

static int pivot_rows(const char *input, const qclr_hamiltonian *H, const double *tols, int ntol, pivot_row *out,
                      int *nout) {
  *nout = 0;
  if (!app_is_model(input)) return 0;
  qclr_model_params p;
  double *xyz = NULL;
  int64_t natom = 0;
  if (qclr_model_parse(input, &p) || qclr_model_geometry(&p, &xyz, &natom)) {
    qclr_clear_error();
    free(xyz);
    return 0; /* not a hydrogen cluster: no AO vectors */
  }
  const int64_t N = qclr_hamiltonian_norb(H);
  int rc = 0;
  for (int i = 0; !rc && i < ntol; i++) {
    pivot_row *r = &out[i];
    r->tol = tols[i];
    qclr_cholesky_options co;
    qclr_cholesky_options_default(&co);
    co.tol = tols[i];
    qclr_lowrank *lr = NULL;
    qclr_df_summary s;
    app_progress("%s: pivoting basis, tau %g ...\n", prog, tols[i]);
    rc = qclr_cholesky_compute(H, &co, &lr);
    if (rc > 0) rc = 0;
    if (!rc) rc = qclr_df_summary_compute(N, qclr_hamiltonian_h(H), qclr_lowrank_rank(lr), qclr_lowrank_vectors(lr),
                                          NULL, &s);
    if (!rc) {
      r->rank_mo = qclr_lowrank_rank(lr);
      r->lambda_sf_mo = s.lambda_sf;
      r->lambda_df_mo = s.lambda_df;
    }
    qclr_lowrank_free(lr);
    qclr_hydrogen_cholesky_options ho;
    qclr_hydrogen_cholesky_options_default(&ho);
    ho.chol.tol = tols[i];
    ho.chol.pivot = QCLR_PIVOT_GREEDY;
    qclr_hydrogen_factors *f = NULL;
    if (!rc) {
      rc = qclr_hydrogen_cholesky(natom, xyz, qclr_hamiltonian_nelec(H), &ho, &f);
      if (rc > 0) {
        fprintf(stderr, "%s: warning: AO Cholesky route: %s\n", prog, qclr_last_error());
        rc = 0;
      }
    }
    if (!rc && qclr_hydrogen_factors_norb(f) != N) rc = qclr_error_set(QCLR_EINVAL, "AO route: orbital count differs");
    if (!rc)
      rc = qclr_df_summary_compute(N, qclr_hydrogen_factors_h(f), qclr_hydrogen_factors_rank(f),
                                   qclr_hydrogen_factors_vectors(f), NULL, &s);
    if (!rc) {
      r->rank_ao = qclr_hydrogen_factors_rank(f);
      r->lambda_sf_ao = s.lambda_sf;
      r->lambda_df_ao = s.lambda_df;
      if (!isfinite(r->lambda_sf_mo) || !isfinite(r->lambda_df_mo) || !isfinite(r->lambda_sf_ao) ||
          !isfinite(r->lambda_df_ao))
        rc = qclr_error_set(QCLR_ENUMERIC, "pivoting basis: a non-finite lambda at tau %g", tols[i]);
    }
    qclr_hydrogen_factors_free(f);
    if (!rc) (*nout)++;
  }
  free(xyz);
  return rc;
}

static int hamiltonian_mode(const app_cli *cli, const char *input, const double *sf_tols, int nsf,
                            const double *df_tols, int ndf, const long long *thc_ranks, int nthc, int thc_sel,
                            double tol, int energy, double target, const qclr_cost_options *co, double t0) {
  qclr_hamiltonian *H = NULL;
  int rc = app_read_hamiltonian(input, &H);
  if (rc) return app_fail(prog, rc);
  const int64_t N = qclr_hamiltonian_norb(H), nspin = 2 * N;
  double e_exact = NAN;
  const int nsel = thc_sel < 0 ? 3 : 1;
  row *rows = calloc((size_t)(nsf + ndf + nthc * nsel) + 1, sizeof *rows);
  if (!rows) {
    qclr_hamiltonian_free(H);
    return app_fail(prog, QCLR_ENOMEM);
  }
  if (energy) {
    app_progress("%s: %s energy of the exact Hamiltonian ...\n", prog, energy == ENERGY_FCI ? "FCI" : "MP2");
    rc = energy_of(H, energy, &e_exact);
  }
  qclr_lowrank *base = NULL;
  int nrows = 0;
  /* SF rows: Cholesky at each tau */
  for (int i = 0; !rc && i < nsf; i++) {
    qclr_cholesky_options o;
    qclr_cholesky_options_default(&o);
    o.tol = sf_tols[i];
    qclr_lowrank *lr = NULL;
    app_progress("%s: SF tau %g ...\n", prog, sf_tols[i]);
    rc = qclr_cholesky_compute(H, &o, &lr);
    if (rc > 0) rc = 0; /* a rank cap cannot happen without max_rank */
    qclr_factor_metrics m;
    if (!rc) rc = qclr_lowrank_metrics(H, lr, &m);
    row *r = &rows[nrows];
    if (!rc) {
      r->method = 0;
      r->tol = sf_tols[i];
      r->rank = qclr_lowrank_rank(lr);
      r->lambda = m.lambda;
      r->max_abs_error = m.max_abs_error;
      r->energy_error = NAN;
    }
    if (!rc && energy) {
      qclr_hamiltonian *R = NULL;
      double e = NAN;
      rc = qclr_lowrank_hamiltonian(H, lr, &R);
      if (!rc) rc = energy_of(R, energy, &e);
      qclr_hamiltonian_free(R);
      r->energy_error = e - e_exact;
    }
    qclr_lowrank_free(lr);
    if (!rc) {
      row_cost(r, nspin, co);
      nrows++;
    }
  }
  /* DF rows: one Cholesky at --tol, DF at each tau_2 */
  if (!rc && (ndf || nthc)) {
    qclr_cholesky_options o;
    qclr_cholesky_options_default(&o);
    o.tol = tol;
    app_progress("%s: Cholesky at tau %g for the DF rows ...\n", prog, tol);
    rc = qclr_cholesky_compute(H, &o, &base);
    if (rc > 0) rc = 0;
  }
  for (int i = 0; !rc && i < ndf; i++) {
    qclr_df_options o;
    qclr_df_options_default(&o);
    o.tol = df_tols[i];
    qclr_df *df = NULL;
    app_progress("%s: DF tau_2 %g ...\n", prog, df_tols[i]);
    rc = qclr_df_compute(H, base, &o, &df);
    qclr_factor_metrics m;
    if (!rc) rc = qclr_df_metrics(H, df, &m);
    row *r = &rows[nrows];
    if (!rc) {
      r->method = 1;
      r->tol = df_tols[i];
      r->rank = qclr_df_nfactors(df);
      r->lxi = qclr_df_nterms(df);
      r->lambda = m.lambda;
      r->max_abs_error = m.max_abs_error;
      r->energy_error = NAN;
    }
    if (!rc && energy) {
      qclr_hamiltonian *R = NULL;
      double e = NAN;
      rc = qclr_df_hamiltonian(H, df, &R);
      if (!rc) rc = energy_of(R, energy, &e);
      qclr_hamiltonian_free(R);
      r->energy_error = e - e_exact;
    }
    qclr_df_free(df);
    if (!rc) {
      row_cost(r, nspin, co);
      nrows++;
    }
  }
  /* THC rows: interpolative decomposition of the DF at --tol (tau_2 = 0) */
  qclr_df *dfall = NULL;
  if (!rc && nthc) {
    app_progress("%s: DF of all eigenpairs for the THC rows ...\n", prog);
    rc = qclr_df_compute(H, base, NULL, &dfall);
  }
  for (int i = 0; !rc && i < nthc; i++)
    for (int k = 0; !rc && k < nsel; k++) {
      qclr_thc_options to;
      qclr_thc_options_default(&to);
      to.select = thc_sel < 0 ? k : thc_sel;
      qclr_thc *t = NULL;
      app_progress("%s: THC M = %lld (%s) ...\n", prog, thc_ranks[i], select_names[to.select]);
      rc = qclr_thc_from_df(H, dfall, thc_ranks[i], &to, &t);
      row *r = &rows[nrows];
      if (!rc) {
        r->method = 2;
        r->select = to.select;
        r->tol = NAN;
        r->rank = thc_ranks[i];
        r->lambda = qclr_thc_lambda(t);
        r->max_abs_error = qclr_thc_max_abs_error(t);
        r->energy_error = NAN;
      }
      if (!rc && energy) {
        qclr_hamiltonian *R = NULL;
        double e = NAN;
        rc = qclr_thc_hamiltonian(H, t, &R);
        if (!rc) rc = energy_of(R, energy, &e);
        qclr_hamiltonian_free(R);
        r->energy_error = e - e_exact;
      }
      qclr_thc_free(t);
      if (!rc) {
        row_cost(r, nspin, co);
        nrows++;
      }
    }
  qclr_df_free(dfall);
  qclr_lowrank_free(base);
  pivot_row *piv = calloc((size_t)nsf + 1, sizeof *piv);
  int npiv = 0;
  if (!piv && !rc) rc = QCLR_ENOMEM;
  if (!rc) rc = pivot_rows(input, H, sf_tols, nsf, piv, &npiv);
  if (rc) {
    free(piv);
    free(rows);
    qclr_hamiltonian_free(H);
    return app_fail(prog, rc);
  }
  /* every reported number finite */
  for (int i = 0; i < nrows; i++)
    if (!isfinite(rows[i].lambda) || !isfinite(rows[i].max_abs_error) ||
        (energy && !isfinite(rows[i].energy_error))) {
      fprintf(stderr, "%s: error: row %d (%s): a non-finite lambda, error or energy\n", prog, i,
              method_names[rows[i].method]);
      free(piv);
      free(rows);
      qclr_hamiltonian_free(H);
      return APP_EXIT_NUMERIC;
    }
  /* --target-energy-error: per method the row with the fewest total Toffolis meeting it */
  int found[3] = {0, 0, 0};
  if (target > 0)
    for (int meth = 0; meth < 3; meth++) {
      int best = -1;
      for (int i = 0; i < nrows; i++) {
        const row *r = &rows[i];
        if (r->method != meth || !r->cost_ok || !(fabs(r->energy_error) <= target)) continue;
        if (best < 0 || r->cost.toffolis_total < rows[best].cost.toffolis_total) best = i;
      }
      if (best >= 0) {
        rows[best].selected = 1;
        found[meth] = 1;
      }
    }
  if (!cli->quiet) {
    printf("%s: norb %lld (n = %lld spin orbitals), chi %d, beta %d, dE %g Ha%s%s\n", input, (long long)N,
           (long long)nspin, co->chi, co->beta, co->de, energy ? ", energy errors by " : "",
           energy == ENERGY_FCI ? "FCI" : energy == ENERGY_MP2 ? "MP2" : "");
    printf("%-11s %8s %-17s %11s %10s %10s %9s %10s %7s\n", "method", "tau", "rank(s)", "lambda", "max|dV|",
           energy ? (energy == ENERGY_FCI ? "dE_FCI" : "dE_MP2") : "dE", "Tof/step", "Tof total", "qubits");
    for (int i = 0; i < nrows; i++) print_row(&rows[i], energy);
    for (int i = 0; i < nrows; i++)
      if (!rows[i].cost_ok) {
        printf("n/a: %s\n", rows[i].cost_error);
        break;
      }
    if (target > 0)
      for (int meth = 0; meth < 3; meth++)
        if (!found[meth] && (meth < 2 || nthc))
          printf("%s: no row with a cost meets |dE| <= %g\n", method_names[meth], target);
    if (npiv) {
      printf("\nlambda by Cholesky pivoting basis (tau_2 = 0; docs/apps/qclr-cost.md):\n");
      printf("%8s %8s %11s %11s %8s %11s %11s\n", "tau", "L(MO)", "lSF(MO)", "lDF(MO)", "L(AO)", "lSF(AO)",
             "lDF(AO)");
      for (int i = 0; i < npiv; i++)
        printf("%8.1e %8lld %11.5g %11.5g %8lld %11.5g %11.5g\n", piv[i].tol, (long long)piv[i].rank_mo,
               piv[i].lambda_sf_mo, piv[i].lambda_df_mo, (long long)piv[i].rank_ao, piv[i].lambda_sf_ao,
               piv[i].lambda_df_ao);
    }
  }
  if (cli->json) {
    app_json *j = app_json_new();
    if (!j) rc = QCLR_ENOMEM;
    else {
      app_json_head(j, prog, input, H, app_seconds() - t0);
      app_json_string(j, "mode", "hamiltonian");
      app_json_int(j, "n_spin_orbitals", nspin);
      app_json_int(j, "chi", co->chi);
      app_json_int(j, "beta", co->beta);
      app_json_double(j, "de", co->de);
      app_json_double(j, "tol", tol);
      app_json_string(j, "energy_method", energy == ENERGY_FCI ? "fci" : energy == ENERGY_MP2 ? "mp2" : "none");
      if (energy) app_json_double(j, "energy_exact", e_exact); else app_json_null(j, "energy_exact");
      if (target > 0) app_json_double(j, "target_energy_error", target); else app_json_null(j, "target_energy_error");
      app_json_begin_array(j, "rows");
      for (int i = 0; i < nrows; i++) json_row(j, &rows[i], energy);
      app_json_end_array(j);
      if (npiv) {
        app_json_begin_array(j, "pivoting");
        for (int i = 0; i < npiv; i++) {
          app_json_begin_object(j, NULL);
          app_json_double(j, "tol", piv[i].tol);
          app_json_int(j, "rank_mo", piv[i].rank_mo);
          app_json_double(j, "lambda_sf_mo", piv[i].lambda_sf_mo);
          app_json_double(j, "lambda_df_mo", piv[i].lambda_df_mo);
          app_json_int(j, "rank_ao", piv[i].rank_ao);
          app_json_double(j, "lambda_sf_ao", piv[i].lambda_sf_ao);
          app_json_double(j, "lambda_df_ao", piv[i].lambda_df_ao);
          app_json_end_object(j);
        }
        app_json_end_array(j);
      } else
        app_json_null(j, "pivoting");
      app_json_end_object(j);
      rc = app_json_write(j, cli->json);
      app_json_free(j);
    }
  }
  free(piv);
  free(rows);
  qclr_hamiltonian_free(H);
  return rc ? app_fail(prog, rc) : 0;
}

int main(int argc, char **argv) {
  app_cli cli = {
      .prog = prog,
      .synopsis = "[OPTION]... [INPUT]",
      .description =
          "Fault-tolerant cost of qubitized phase estimation: Toffolis per walk step,\n"
          "total Toffolis and logical qubits, by the published formulas of Berry et al.\n"
          "(SF, Quantum 3, 208 (2019)), von Burg et al. as refined by Lee et al. (DF,\n"
          "PRR 3, 033055 (2021); PRX Quantum 2, 030305 (2021)) and Lee et al. (THC).\n"
          "Without INPUT (formula mode) one formula is evaluated from --method, --norb,\n"
          "--lambda and the ranks.  With INPUT (an FCIDUMP or model:KIND:...) the\n"
          "Hamiltonian is factorized and one table is printed: SF rows at a Cholesky\n"
          "tau sweep and DF rows at a tau_2 sweep, each with its ranks, lambda, the\n"
          "exact max |Delta V|, the energy error and the three costs.\n",
      .options = options,
      .notes = "Examples:\n"
               "  qclr-cost --method thc --norb 54 --lambda 306.3 --thc-rank 350 --de 0.001\n"
               "  qclr-cost --energy fci --target-energy-error 1.6e-3 inputs/h2o_sto-3g.fcidump\n"
               "\n"
               "A cost formula whose QROM would read fewer items than its output bits (a rank\n"
               "too small for the input size) is refused, naming the input to change; in the\n"
               "table such a cost is n/a.\n"
               "\n"
               "Exit status: 0 ok, 1 numerical failure, 2 bad usage or input.\n"};
  qclr_cost_options co;
  qclr_cost_options_default(&co);
  int method = -1, energy = ENERGY_MP2, energy_given = 0;
  long long norb = 0, rank = 0, lxi = 0, thc_rank = 0, chi = 10, beta = 16;
  double lambda = 0, de = co.de, tol = 1e-6, target = 0;
  double *sf_tols = NULL, *df_tols = NULL, *thc_list = NULL;
  long long thc_ranks[64];
  int nthc = 0, thc_sel = QCLR_THC_SELECT_GKS;
  int nsf = 0, ndf = 0, formula_opt = 0, ham_opt = 0;
  const char *arg;
  int c, bad = 0;
  while (!bad && (c = app_getopt(&cli, argc, argv, &arg)) > 0) {
    switch (c) {
      case O_METHOD:
        formula_opt = 1;
        if (!strcmp(arg, "sf")) method = 0;
        else if (!strcmp(arg, "df")) method = 1;
        else if (!strcmp(arg, "thc")) method = 2;
        else bad = app_usage_error(prog, "--method must be sf, df or thc, got '%s'", arg);
        break;
      case O_NORB: formula_opt = 1; bad = app_parse_int(prog, "--norb", arg, 1, 32768, &norb); break;
      case O_LAMBDA:
        formula_opt = 1;
        bad = app_parse_double(prog, "--lambda", arg, &lambda);
        if (!bad && !(lambda > 0 && isfinite(lambda))) bad = app_usage_error(prog, "--lambda must be > 0 and finite");
        break;
      case O_RANK: formula_opt = 1; bad = app_parse_int(prog, "--rank", arg, 1, (long long)1 << 24, &rank); break;
      case O_LXI: formula_opt = 1; bad = app_parse_int(prog, "--lxi", arg, 1, (long long)1 << 40, &lxi); break;
      case O_THCRANK:
        formula_opt = 1;
        bad = app_parse_int(prog, "--thc-rank", arg, 2, (long long)1 << 24, &thc_rank);
        break;
      case O_CHI: bad = app_parse_int(prog, "--chi", arg, 1, 40, &chi); break;
      case O_BETA: bad = app_parse_int(prog, "--beta", arg, 3, 40, &beta); break;
      case O_DE:
        bad = app_parse_double(prog, "--de", arg, &de);
        if (!bad && !(de > 0 && de <= 1e6)) bad = app_usage_error(prog, "--de must be in (0, 1e6]");
        break;
      case O_SFTOLS:
        ham_opt = 1;
        free(sf_tols);
        sf_tols = NULL;
        bad = app_parse_double_list(prog, "--sf-tols", arg, &sf_tols, &nsf);
        break;
      case O_DFTOLS:
        ham_opt = 1;
        free(df_tols);
        df_tols = NULL;
        bad = app_parse_double_list(prog, "--df-tols", arg, &df_tols, &ndf);
        break;
      case O_THCRANKS: {
        ham_opt = 1;
        int cnt = 0;
        free(thc_list);
        thc_list = NULL;
        bad = app_parse_double_list(prog, "--thc-ranks", arg, &thc_list, &cnt);
        for (int i = 0; !bad && i < cnt; i++)
          if (!(thc_list[i] >= 2 && thc_list[i] <= 1e6 && thc_list[i] == floor(thc_list[i])) || i >= 64)
            bad = app_usage_error(prog, "--thc-ranks: up to 64 integers 2..1000000");
        nthc = bad ? 0 : cnt;
        for (int i = 0; i < nthc; i++) thc_ranks[i] = (long long)thc_list[i];
        break;
      }
      case O_THCSELECT:
        ham_opt = 1;
        if (!strcmp(arg, "gks")) thc_sel = QCLR_THC_SELECT_GKS;
        else if (!strcmp(arg, "cpqr")) thc_sel = QCLR_THC_SELECT_CPQR;
        else if (!strcmp(arg, "uniform")) thc_sel = QCLR_THC_SELECT_UNIFORM;
        else if (!strcmp(arg, "all")) thc_sel = -1;
        else bad = app_usage_error(prog, "--thc-select must be gks, cpqr, uniform or all, got '%s'", arg);
        break;
      case O_TOL:
        ham_opt = 1;
        bad = app_parse_double(prog, "--tol", arg, &tol);
        if (!bad && !(tol > 0 && tol < 1e3)) bad = app_usage_error(prog, "--tol must be in (0, 1000)");
        break;
      case O_ENERGY:
        ham_opt = 1;
        energy_given = 1;
        if (!strcmp(arg, "fci")) energy = ENERGY_FCI;
        else if (!strcmp(arg, "mp2")) energy = ENERGY_MP2;
        else if (!strcmp(arg, "none")) energy = ENERGY_NONE;
        else bad = app_usage_error(prog, "--energy must be fci, mp2 or none, got '%s'", arg);
        break;
      case O_TARGET:
        ham_opt = 1;
        bad = app_parse_double(prog, "--target-energy-error", arg, &target);
        if (!bad && !(target > 0 && isfinite(target)))
          bad = app_usage_error(prog, "--target-energy-error must be positive");
        break;
    }
  }
  if (bad) {
    c = APP_OPT_EXIT;
    cli.exit_status = APP_EXIT_USAGE;
  }
  app_cli_free(&cli);
  int status = 0;
  if (c == APP_OPT_EXIT) {
    status = cli.exit_status;
    goto done;
  }
  co.de = de;
  co.chi = (int)chi;
  co.beta = (int)beta;
  if (optind < argc - 1) {
    status = app_usage_error(prog, "expected at most one INPUT");
    goto done;
  }
  double t0 = app_seconds();
  if (optind == argc) {
    if (ham_opt) {
      status = app_usage_error(prog, "--sf-tols, --df-tols, --thc-ranks, --thc-select, --tol, --energy and "
                                     "--target-energy-error need INPUT");
      goto done;
    }
    if (method < 0) {
      status = app_usage_error(prog, "missing INPUT (Hamiltonian mode) or --method (formula mode)");
      goto done;
    }
    status = formula_mode(&cli, method, norb, lambda, rank, lxi, thc_rank, &co, t0);
    goto done;
  }
  if (formula_opt) {
    status = app_usage_error(prog, "--method, --norb, --lambda, --rank, --lxi and --thc-rank are formula mode "
                                   "options (no INPUT)");
    goto done;
  }
  if (target > 0 && energy == ENERGY_NONE) {
    status = app_usage_error(prog, "--target-energy-error needs --energy fci or mp2");
    goto done;
  }
  (void)energy_given;
  static const double sf_default[] = {1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5};
  static const double df_default[] = {3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5};
  for (int i = 0; i < nsf; i++)
    if (!(sf_tols[i] > 0 && sf_tols[i] < 1e3)) {
      status = app_usage_error(prog, "--sf-tols: every tolerance must be in (0, 1000)");
      goto done;
    }
  for (int i = 0; i < ndf; i++)
    if (!(df_tols[i] >= 0 && df_tols[i] < 1e3)) {
      status = app_usage_error(prog, "--df-tols: every tau_2 must be in [0, 1000)");
      goto done;
    }
  status = hamiltonian_mode(&cli, argv[optind], sf_tols ? sf_tols : sf_default, sf_tols ? nsf : 7,
                            df_tols ? df_tols : df_default, df_tols ? ndf : 7, thc_ranks, nthc, thc_sel, tol, energy,
                            target, &co, t0);
done:
  free(sf_tols);
  free(df_tols);
  free(thc_list);
  return status;
}

/* apps/bench_fci.c: `qclr-bench fci`: FCI time to solution and sigma
 * throughput on H2O/6-31G (1.66 M determinants) and ethylene/STO-3G (9.0 M),
 * against Psi4 detci on the same molecule and basis and CheMPS2's FCI on the
 * same FCIDUMP, measured in the same run; prints markdown tables. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"

static double cpu_seconds(void) {
  struct timespec t;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)) return NAN;
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const char *prog = "qclr-bench fci";

static int bench_usage(FILE *f) {
  fprintf(f,
          "usage: qclr-bench fci [options]\n"
          "\n"
          "FCI time to solution (read the FCIDUMP + Davidson) and sigma throughput of\n"
          "qclr against Psi4 detci (same molecule and basis, FCI stage after RHF) and\n"
          "CheMPS2's FCI (same FCIDUMP) when they are installed.  Ratios are peer\n"
          "seconds / qclr seconds at the same convergence, measured in this run.\n"
          "\n"
          "options:\n"
          "  --srcdir DIR     source tree (inputs/, tests/peers/; default $top_srcdir or .)\n"
          "  --threads N      threads for qclr and the peers (default 1)\n"
          "  --cases LIST     comma separated, from h2o_6-31g, c2h4_sto-3g (default both)\n"
          "  --big FCIDUMP    one more case from this file (qclr and CheMPS2 only)\n"
          "  --no-peers       qclr only\n"
          "  --no-psi4, --no-chemps2\n"
          "  --help\n"
          "\n"
          "convergence: qclr and detci |dE| <= 1e-10 Ha and residual <= 1e-5; CheMPS2\n"
          "fixes its residual tolerance at 1e-10, so it is compared with a qclr run\n"
          "to residual 1e-10 as well.\n");
  return f == stderr ? APP_EXIT_USAGE : 0;
}

typedef struct {
  double seconds, cpu, energy; /* wall and CPU (all threads) seconds */
  int iterations, ok;
} run_result;

/* Run a shell command printing one JSON line with "energy", "seconds" and maybe "iterations". */
static run_result run_peer(const char *cmd) {
  run_result r = {NAN, NAN, NAN, -1, 0};
  FILE *p = popen(cmd, "r");
  if (!p) return r;
  char line[4096];
  while (fgets(line, sizeof line, p)) {
    const char *e = strstr(line, "\"energy\": "), *s = strstr(line, "\"seconds\": ");
    const char *it = strstr(line, "\"iterations\": "), *cp = strstr(line, "\"cpu_seconds\": ");
    if (e && s) {
      r.energy = strtod(e + 10, NULL);
      r.seconds = strtod(s + 11, NULL);
      if (cp) r.cpu = strtod(cp + 15, NULL);
      if (it) r.iterations = (int)strtol(it + 14, NULL, 10);
      r.ok = 1;
    }
  }
  if (pclose(p) != 0) r.ok = 0;
  return r;
}

static const char *psi4_path(void) {
  static const char *cands[] = {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/python3/dist-packages"};
  static char buf[512];
  const char *env = getenv("PSI4_PYTHONPATH");
  if (env) return env;
  for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
    snprintf(buf, sizeof buf, "%s/psi4/__init__.py", cands[i]);
    if (access(buf, R_OK) == 0) return cands[i];
  }
  return NULL;
}

static int have_chemps2(void) {
  return system("/usr/bin/python3 -c 'import PyCheMPS2' >/dev/null 2>&1") == 0;
}

typedef struct {
  run_result r;
  int64_t ndet;
  int nsigma;
  double op_seconds, sigma_seconds; /* operator build; one sigma (best of 3) */
} qclr_result;

/* Read + solve (time to solution), then the sigma throughput on the solution. */
static int run_qclr(const char *path, int threads, double rtol, int sigma_too, qclr_result *out) {
  memset(out, 0, sizeof *out);
  double t0 = app_seconds(), c0 = cpu_seconds();
  qclr_hamiltonian *H = NULL;
  int rc = qclr_fcidump_read(path, NULL, &H, NULL);
  if (rc) return rc;
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  qclr_set_threads(threads);
  o.residual_tol = rtol;
  qclr_fci *f = NULL;
  rc = qclr_fci_solve(H, &o, &f);
  out->r.seconds = app_seconds() - t0;
  out->r.cpu = cpu_seconds() - c0;
  if (rc < 0) {
    qclr_hamiltonian_free(H);
    return rc;
  }
  out->r.ok = rc == 0;
  out->r.energy = qclr_fci_energy(f, 0);
  out->r.iterations = qclr_fci_iterations(f);
  out->ndet = qclr_fci_ndet(f);
  out->nsigma = (int)qclr_fci_nsigma(f);
  rc = 0;
  if (sigma_too) {
    qclr_fci_op *op = NULL;
    double *s = malloc(sizeof(double) * (size_t)out->ndet);
    double t1 = app_seconds();
    rc = s ? qclr_fci_op_new(H, &op) : QCLR_ENOMEM;
    out->op_seconds = app_seconds() - t1;
    out->sigma_seconds = INFINITY;
    for (int k = 0; k < 3 && !rc; k++) {
      double t2 = app_seconds();
      rc = qclr_fci_op_apply(op, qclr_fci_civec(f, 0), s);
      double dt = app_seconds() - t2;
      if (dt < out->sigma_seconds) out->sigma_seconds = dt;
    }
    qclr_fci_op_free(op);
    free(s);
  }
  qclr_fci_free(f);
  qclr_hamiltonian_free(H);
  return rc;
}

static void row(const char *name, int64_t ndet, const char *program, const char *conv, run_result r, double eq,
                run_result q) {
  char it[32] = "?";
  if (r.iterations >= 0) snprintf(it, sizeof it, "%d", r.iterations);
  if (!r.ok && isnan(r.energy)) {
    printf("| %s | %lld | %s | %s | failed | | | | | | |\n", name, (long long)ndet, program, conv);
    return;
  }
  printf("| %s | %lld | %s | %s | %s | %.1f | %.1f | %.10f | %.1e | %.2f | %.2f |\n", name, (long long)ndet, program,
         conv, it, r.seconds, r.cpu, r.energy, fabs(r.energy - eq), r.seconds / q.seconds, r.cpu / q.cpu);
}

typedef struct {
  const char *name, *file, *record, *generator; /* record in reference.json, or a generator script */
} bench_case;

static const bench_case known[] = {
    {"h2o_6-31g", "inputs/h2o_6-31g.fcidump", "h2o_6-31g", NULL},
    {"c2h4_sto-3g", "inputs/c2h4_sto-3g.fcidump", NULL, "inputs/make_c2h4.py"},
};

int bench_fci(int argc, char **argv) {
  enum { O_SRC = 256, O_THREADS, O_CASES, O_BIG, O_NOPEERS, O_NOPSI4, O_NOCHEMPS2, O_HELP };
  static const struct option lo[] = {{"srcdir", required_argument, 0, O_SRC},
                                     {"threads", required_argument, 0, O_THREADS},
                                     {"cases", required_argument, 0, O_CASES},
                                     {"big", required_argument, 0, O_BIG},
                                     {"no-peers", no_argument, 0, O_NOPEERS},
                                     {"no-psi4", no_argument, 0, O_NOPSI4},
                                     {"no-chemps2", no_argument, 0, O_NOCHEMPS2},
                                     {"help", no_argument, 0, O_HELP},
                                     {0, 0, 0, 0}};
  const char *src = getenv("top_srcdir"), *big = NULL, *cases = "h2o_6-31g,c2h4_sto-3g";
  if (!src) src = ".";
  int threads = 1, use_psi4 = 1, use_chemps2 = 1, c;
  long long v;
  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case O_SRC: src = optarg; break;
    case O_THREADS:
      if (app_parse_int(prog, "--threads", optarg, 1, 4096, &v)) return APP_EXIT_USAGE;
      threads = (int)v;
      break;
    case O_CASES: cases = optarg; break;
    case O_BIG: big = optarg; break;
    case O_NOPEERS: use_psi4 = use_chemps2 = 0; break;
    case O_NOPSI4: use_psi4 = 0; break;
    case O_NOCHEMPS2: use_chemps2 = 0; break;
    case O_HELP: return bench_usage(stdout);
    default: return app_usage_error(prog, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return app_usage_error(prog, "unexpected argument '%s'", argv[optind]);
  /* which cases */
  int want[2] = {0, 0};
  {
    const char *p = cases;
    while (*p) {
      size_t len = strcspn(p, ",");
      int found = 0;
      for (int k = 0; k < 2; k++)
        if (len == strlen(known[k].name) && !strncmp(p, known[k].name, len)) want[k] = found = 1;
      if (!found && len) return app_usage_error(prog, "--cases: unknown case '%.*s' (h2o_6-31g, c2h4_sto-3g)", (int)len, p);
      p += len + (p[len] == ',');
    }
  }
  const char *pp = use_psi4 ? psi4_path() : NULL;
  use_chemps2 = use_chemps2 && have_chemps2();
  char peers[4096], file[4096], cmd[16384];
  snprintf(peers, sizeof peers, "%s/tests/peers/fci_peers.py", src);
  if ((pp || use_chemps2) && access(peers, R_OK) != 0) {
    fprintf(stderr, "%s: %s not found (use --srcdir); peers skipped\n", prog, peers);
    pp = NULL;
    use_chemps2 = 0;
  }
  printf("qclr-bench fci: %d thread%s; peers: Psi4 detci %s, CheMPS2 %s\n\n", threads, threads > 1 ? "s" : "",
         pp ? "yes" : "not available", use_chemps2 ? "yes" : "not available");
  printf("| case | determinants | program | convergence | iterations | seconds | CPU seconds | energy / Ha | "
         "dE vs qclr | time / qclr | CPU / qclr |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  fflush(stdout);
  qclr_result sig[3];
  const char *signame[3];
  int nsig = 0, status = 0;
  for (int k = 0; k < 3; k++) {
    const bench_case *bc = k < 2 ? &known[k] : NULL;
    if (k < 2 && !want[k]) continue;
    if (k == 2 && !big) continue;
    const char *name = bc ? bc->name : (strrchr(big, '/') ? strrchr(big, '/') + 1 : big);
    if (bc) snprintf(file, sizeof file, "%s/%s", src, bc->file);
    else snprintf(file, sizeof file, "%s", big);
    qclr_result q, qt;
    int rc = run_qclr(file, threads, 0.0, 1, &q);
    if (rc) {
      status = app_fail(prog, rc);
      continue;
    }
    row(name, q.ndet, "qclr", "dE 1e-10, r 1e-5", q.r, q.r.energy, q.r);
    fflush(stdout);
    sig[nsig] = q;
    signame[nsig++] = name;
    if (pp && bc) {
      if (bc->record)
        snprintf(cmd, sizeof cmd,
                 "PYTHONPATH='%s' /usr/bin/python3 '%s' psi4 --record %s --reference '%s/inputs/reference.json' "
                 "--threads %d 2>/dev/null",
                 pp, peers, bc->record, src, threads);
      else
        snprintf(cmd, sizeof cmd,
                 "PYTHONPATH='%s' /usr/bin/python3 '%s' psi4 --generator '%s/%s' --threads %d 2>/dev/null", pp, peers,
                 src, bc->generator, threads);
      row(name, q.ndet, "Psi4 detci", "dE 1e-10, r 1e-5", run_peer(cmd), q.r.energy, q.r);
      fflush(stdout);
    }
    if (use_chemps2) {
      if ((rc = run_qclr(file, threads, 1e-10, 0, &qt))) {
        status = app_fail(prog, rc);
        continue;
      }
      row(name, qt.ndet, "qclr", "r 1e-10", qt.r, q.r.energy, qt.r);
      fflush(stdout);
      snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d /usr/bin/python3 '%s' chemps2 '%s' 2>/dev/null", threads, peers,
               file);
      row(name, qt.ndet, "CheMPS2", "r 1e-10", run_peer(cmd), q.r.energy, qt.r);
      fflush(stdout);
    }
  }
  printf("\nsigma = H c throughput (qclr_fci_op_apply on the converged vector, best of 3):\n\n");
  printf("| case | determinants | threads | operator build / s | one sigma / s | determinants / s | sigma vectors "
         "in the solve |\n");
  printf("|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < nsig; k++)
    printf("| %s | %lld | %d | %.3g | %.3g | %.3g | %d |\n", signame[k], (long long)sig[k].ndet, threads,
           sig[k].op_seconds, sig[k].sigma_seconds, (double)sig[k].ndet / sig[k].sigma_seconds, sig[k].nsigma);
  printf("\nqclr seconds: read the FCIDUMP + build the tables + Davidson; Psi4: the FCI stage after RHF\n"
         "(integral transformation + detci); CheMPS2: FCI setup + GSDavidson (FCIDUMP parsing excluded).\n"
         "seconds are wall time, CPU seconds summed over threads (on a shared machine the CPU ratio is the\n"
         "steadier one); ratios are peer / qclr at the same convergence.\n");
  return status;
}

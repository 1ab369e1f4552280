/* apps/bench_fci.c: `qclr-bench fci`: FCI time to solution and sigma
 * throughput on H2O/6-31G (1.66 M determinants) and a ~10^7-determinant case
 * (linear H14, STO-3G, 11.8 M determinants, FCIDUMP written by Psi4), against
 * Psi4 detci and CheMPS2's FCI when they are installed, in the same run. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"

static const char *prog = "qclr-bench fci";

static int bench_usage(FILE *f) {
  fprintf(f,
          "usage: qclr-bench fci [options]\n"
          "\n"
          "FCI time to solution (read + Davidson to 1e-10 Ha) and sigma throughput of\n"
          "qclr on inputs/h2o_6-31g.fcidump and a ~1e7-determinant H_n chain, with\n"
          "Psi4 detci and CheMPS2 FCI on the same problems when available (ratios are\n"
          "peer seconds / qclr seconds, measured in this run).\n"
          "\n"
          "options:\n"
          "  --srcdir DIR     source tree (inputs/, tests/peers/; default $top_srcdir or .)\n"
          "  --threads N      threads for qclr and the peers (default 1)\n"
          "  --hchain N       atoms of the large case (default 14; 0 = skip it)\n"
          "  --big FCIDUMP    use this file as the large case instead (qclr and CheMPS2 only)\n"
          "  --no-peers       qclr only\n"
          "  --no-psi4, --no-chemps2\n"
          "  --help\n");
  return f == stderr ? APP_EXIT_USAGE : 0;
}

typedef struct {
  double seconds, energy;
  int ok;
} peer_result;

/* Run a shell command printing one JSON line with "energy" and "seconds". */
static peer_result run_peer(const char *cmd) {
  peer_result r = {NAN, NAN, 0};
  FILE *p = popen(cmd, "r");
  if (!p) return r;
  char line[4096];
  while (fgets(line, sizeof line, p)) {
    const char *e = strstr(line, "\"energy\": "), *s = strstr(line, "\"seconds\": ");
    if (e && s) {
      r.energy = strtod(e + 10, NULL);
      r.seconds = strtod(s + 11, NULL);
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
  double seconds, energy, sigma_per_s;
  int64_t ndet;
  int iterations, converged;
} qclr_result;

static int run_qclr(const char *path, int threads, qclr_result *out) {
  double t0 = app_seconds();
  qclr_hamiltonian *H = NULL;
  int rc = qclr_fcidump_read(path, NULL, &H, NULL);
  if (rc) return rc;
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  o.nthreads = threads;
  qclr_fci *f = NULL;
  rc = qclr_fci_solve(H, &o, &f);
  out->seconds = app_seconds() - t0;
  if (rc < 0) {
    qclr_hamiltonian_free(H);
    return rc;
  }
  out->energy = qclr_fci_energy(f, 0);
  out->ndet = qclr_fci_ndet(f);
  out->iterations = qclr_fci_iterations(f);
  out->converged = qclr_fci_converged(f);
  /* sigma throughput on the converged vector (string tables rebuilt each call) */
  double *s = malloc(sizeof(double) * (size_t)out->ndet);
  int ncall = 3;
  double t1 = app_seconds();
  for (int k = 0; k < ncall && s && !rc; k++) rc = qclr_fci_sigma(H, qclr_fci_civec(f, 0), s, threads);
  out->sigma_per_s = s && !rc ? ncall / (app_seconds() - t1) : NAN;
  free(s);
  qclr_fci_free(f);
  qclr_hamiltonian_free(H);
  return rc < 0 ? rc : 0;
}

static void row(const char *name, const char *program, int64_t ndet, double secs, double e, double eq,
                double qsecs) {
  printf("%-18s %10lld  %-12s %10.2f  %18.10f  %9.1e  %7.2f\n", name, (long long)ndet, program, secs, e,
         fabs(e - eq), secs / qsecs);
}

int bench_fci(int argc, char **argv) {
  enum { O_SRC = 256, O_THREADS, O_HCHAIN, O_BIG, O_NOPEERS, O_NOPSI4, O_NOCHEMPS2, O_HELP };
  static const struct option lo[] = {{"srcdir", required_argument, 0, O_SRC},
                                     {"threads", required_argument, 0, O_THREADS},
                                     {"hchain", required_argument, 0, O_HCHAIN},
                                     {"big", required_argument, 0, O_BIG},
                                     {"no-peers", no_argument, 0, O_NOPEERS},
                                     {"no-psi4", no_argument, 0, O_NOPSI4},
                                     {"no-chemps2", no_argument, 0, O_NOCHEMPS2},
                                     {"help", no_argument, 0, O_HELP},
                                     {0, 0, 0, 0}};
  const char *src = getenv("top_srcdir"), *big = NULL;
  if (!src) src = ".";
  int threads = 1, nh = 14, use_psi4 = 1, use_chemps2 = 1, c;
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
    case O_HCHAIN:
      if (app_parse_int(prog, "--hchain", optarg, 0, 64, &v)) return APP_EXIT_USAGE;
      if (v & 1) return app_usage_error(prog, "--hchain needs an even number of atoms, got %lld", v);
      nh = (int)v;
      break;
    case O_BIG: big = optarg; break;
    case O_NOPEERS: use_psi4 = use_chemps2 = 0; break;
    case O_NOPSI4: use_psi4 = 0; break;
    case O_NOCHEMPS2: use_chemps2 = 0; break;
    case O_HELP: return bench_usage(stdout);
    default: return app_usage_error(prog, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return app_usage_error(prog, "unexpected argument '%s'", argv[optind]);
  const char *pp = use_psi4 ? psi4_path() : NULL;
  use_chemps2 = use_chemps2 && have_chemps2();
  char peers[4096], h2o[4096], cmd[16384], bigtmp[4096] = "";
  snprintf(peers, sizeof peers, "%s/tests/peers/fci_peers.py", src);
  snprintf(h2o, sizeof h2o, "%s/inputs/h2o_6-31g.fcidump", src);
  if ((pp || use_chemps2) && access(peers, R_OK) != 0) {
    fprintf(stderr, "%s: %s not found (use --srcdir); peers skipped\n", prog, peers);
    pp = NULL;
    use_chemps2 = 0;
  }
  printf("qclr-bench fci: threads %d; peers: psi4 %s, CheMPS2 %s\n", threads, pp ? "yes" : "not available",
         use_chemps2 ? "yes" : "not available");
  printf("%-18s %10s  %-12s %10s  %18s  %9s  %7s\n", "case", "ndet", "program", "seconds", "energy/Ha", "|dE|",
         "ratio");
  /* case 1: H2O/6-31G */
  qclr_result q;
  int rc = run_qclr(h2o, threads, &q);
  if (rc) return app_fail(prog, rc);
  row("h2o_6-31g", "qclr", q.ndet, q.seconds, q.energy, q.energy, q.seconds);
  double sig1 = q.sigma_per_s;
  int64_t nd1 = q.ndet;
  if (pp) {
    snprintf(cmd, sizeof cmd,
             "PYTHONPATH='%s' /usr/bin/python3 '%s' psi4 --record h2o_6-31g --reference '%s/inputs/reference.json' "
             "--threads %d 2>/dev/null",
             pp, peers, src, threads);
    peer_result r = run_peer(cmd);
    if (r.ok) row("h2o_6-31g", "psi4 detci", q.ndet, r.seconds, r.energy, q.energy, q.seconds);
    else printf("%-18s psi4 detci failed\n", "h2o_6-31g");
  }
  if (use_chemps2) {
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' chemps2 '%s' 2>/dev/null", peers, h2o);
    peer_result r = run_peer(cmd);
    if (r.ok) row("h2o_6-31g", "CheMPS2", q.ndet, r.seconds, r.energy, q.energy, q.seconds);
    else printf("%-18s CheMPS2 failed\n", "h2o_6-31g");
  }
  /* case 2: large */
  double sig2 = NAN;
  int64_t nd2 = 0;
  char name[64];
  peer_result psi_big = {NAN, NAN, 0};
  if (!big && nh > 0 && pp) {
    char dir[] = "/tmp/qclr-bench-fci-XXXXXX";
    if (mkdtemp(dir)) {
      snprintf(bigtmp, sizeof bigtmp, "%s/h%d_chain_sto-3g.fcidump", dir, nh);
      snprintf(cmd, sizeof cmd,
               "PYTHONPATH='%s' /usr/bin/python3 '%s' psi4 --hchain %d --spacing 1.0 --fcidump '%s' --threads %d "
               "2>/dev/null",
               pp, peers, nh, bigtmp, threads);
      psi_big = run_peer(cmd);
      if (access(bigtmp, R_OK) == 0) big = bigtmp;
    }
  }
  snprintf(name, sizeof name, big == bigtmp ? "h%d_chain_sto-3g" : "large", nh);
  if (big) {
    if ((rc = run_qclr(big, threads, &q))) {
      app_fail(prog, rc);
    } else {
      row(name, "qclr", q.ndet, q.seconds, q.energy, q.energy, q.seconds);
      sig2 = q.sigma_per_s;
      nd2 = q.ndet;
      if (psi_big.ok) row(name, "psi4 detci", q.ndet, psi_big.seconds, psi_big.energy, q.energy, q.seconds);
      if (use_chemps2) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' chemps2 '%s' 2>/dev/null", peers, big);
        peer_result r = run_peer(cmd);
        if (r.ok) row(name, "CheMPS2", q.ndet, r.seconds, r.energy, q.energy, q.seconds);
        else printf("%-18s CheMPS2 failed\n", name);
      }
    }
  } else if (nh > 0) {
    printf("%-18s skipped (needs Psi4 to write the FCIDUMP, or --big FILE)\n", "large");
  }
  if (bigtmp[0]) {
    unlink(bigtmp);
    char *slash = strrchr(bigtmp, '/');
    if (slash) *slash = 0, rmdir(bigtmp);
  }
  printf("\nsigma throughput (qclr_fci_sigma, incl. string tables):\n");
  printf("  h2o_6-31g: %.2f sigma/s, %.3g determinants/s\n", sig1, sig1 * (double)nd1);
  if (nd2) printf("  %s: %.2f sigma/s, %.3g determinants/s\n", name, sig2, sig2 * (double)nd2);
  printf("ratio = peer seconds / qclr seconds (qclr: read + solve; Psi4: FCI stage after SCF; CheMPS2: FCI)\n");
  return 0;
}

/* apps/bench_groups.c: `qclr-bench groups`.
 *  (1) basis-rotation groups, their Givens networks and OpenQASM 2.0 + 3.0
 *      text for a synthetic double factorization (random orthogonal
 *      rotations, N orbitals, L factors; default N = L = 100), against the
 *      numpy peer tests/peers/groups_peer.py doing the same on the same
 *      matrices (written to a temporary .npy);
 *  (2) group variances of a Hartree-Fock state: Slater-determinant formula vs
 *      rotating the determinant's CI vector (H2O/6-31G, 1.66e6 determinants);
 *  (3) basis rotation vs Pauli/QWC (groups, sum of sigma, shots for eps =
 *      1.6 mHa) on every shipped molecule, FCI state where the space has <=
 *      --fci-max determinants, else Hartree-Fock.
 * Every table is markdown, ratios measured in the same run. */
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"

static const char *bprog = "qclr-bench groups";

static double rnd(unsigned long long *s) {
  unsigned long long z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

static void orthogonal(int64_t n, double *m, unsigned long long *s) {
  for (int64_t i = 0; i < n * n; i++) m[i] = rnd(s);
  for (int64_t j = 0; j < n; j++) {
    for (int pass = 0; pass < 2; pass++)
      for (int64_t k = 0; k < j; k++) {
        double d = 0;
        for (int64_t i = 0; i < n; i++) d += m[i * n + k] * m[i * n + j];
        for (int64_t i = 0; i < n; i++) m[i * n + j] -= d * m[i * n + k];
      }
    double nr = 0;
    for (int64_t i = 0; i < n; i++) nr += m[i * n + j] * m[i * n + j];
    for (int64_t i = 0; i < n; i++) m[i * n + j] /= sqrt(nr);
  }
}

/* (1) synthetic groups + networks + QASM, qclr vs the numpy peer */
static int synthetic(int64_t n, int64_t L, int reps, int threads, const char *python, const char *peer) {
  unsigned long long s = 2024;
  double *T = malloc(sizeof(double) * (size_t)(n * n)), *Uall = malloc(sizeof(double) * (size_t)(L * n * n + 1));
  double **U = malloc(sizeof(double *) * (size_t)(L + 1)), **f = malloc(sizeof(double *) * (size_t)(L + 1));
  int64_t *size = malloc(sizeof(int64_t) * (size_t)(L + 1));
  if (!T || !Uall || !U || !f || !size) {
    free(T), free(Uall), free(U), free(f), free(size);
    fprintf(stderr, "%s: out of memory\n", bprog);
    return APP_EXIT_NUMERIC;
  }
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q <= p; q++) T[p * n + q] = T[q * n + p] = rnd(&s);
  int rc = 0;
  for (int64_t l = 0; l < L; l++) {
    U[l] = Uall + l * n * n;
    f[l] = malloc(sizeof(double) * (size_t)n);
    if (!f[l]) rc = APP_EXIT_NUMERIC;
    orthogonal(n, U[l], &s);
    for (int64_t k = 0; f[l] && k < n; k++) f[l][k] = rnd(&s) / (1.0 + (double)k);
    size[l] = n;
  }
  qclr_groups_options o;
  qclr_groups_options_default(&o);
  qclr_set_threads(threads);
  double best_g = INFINITY, best_q = INFINITY, err = 0;
  size_t bytes = 0;
  int64_t ngroups = 0, ngates = 0, depth = 0;
  for (int r = 0; !rc && r < reps; r++) {
    double t0 = app_seconds();
    qclr_groups *gs;
    if ((rc = qclr_groups_from_factors(n, 0.0, T, L, size, (const double *const *)U, (const double *const *)f, &o,
                                       &gs))) {
      rc = app_fail(bprog, rc);
      break;
    }
    double t1 = app_seconds();
    bytes = 0, ngates = 0, depth = 0;
    ngroups = qclr_groups_count(gs);
    for (int64_t g = 0; !rc && g < ngroups; g++) {
      const qclr_givens *net = qclr_groups_givens(gs, g);
      ngates += 2 * qclr_givens_count(net);
      if (qclr_givens_nlayers(net) > depth) depth = qclr_givens_nlayers(net);
      for (int v = 2; v <= 3; v++) {
        char *text;
        if ((rc = qclr_qasm_string(net, v, "bench", &text))) {
          rc = app_fail(bprog, rc);
          break;
        }
        bytes += strlen(text);
        free(text);
      }
    }
    double t2 = app_seconds();
    if (!rc && r == 0) { /* recomposition error of every network (untimed) */
      double *M = malloc(sizeof(double) * (size_t)(n * n));
      for (int64_t g = 0; M && g < ngroups; g++) {
        const double *R = qclr_groups_rotation(gs, g);
        qclr_givens_recompose(qclr_groups_givens(gs, g), M);
        for (int64_t i = 0; i < n; i++)
          for (int64_t j = 0; j < n; j++) err = fmax(err, fabs(M[i * n + j] - R[j * n + i]));
      }
      free(M);
    }
    qclr_groups_free(gs);
    if (t1 - t0 < best_g) best_g = t1 - t0;
    if (t2 - t1 < best_q) best_q = t2 - t1;
  }
  /* the peer, on the same matrices */
  double pg = NAN, pq = NAN, perr = NAN;
  long long pgates = -1;
  if (!rc && peer) {
    char dir[] = "/tmp/qclr-bench-groups-XXXXXX";
    if (mkdtemp(dir)) {
      char tp[64], up[64], cmd[8192];
      snprintf(tp, sizeof tp, "%s/T.npy", dir);
      snprintf(up, sizeof up, "%s/U.npy", dir);
      int64_t s2[2] = {n, n}, s3[3] = {L, n, n};
      if (!qclr_npy_write(tp, T, 2, s2) && !qclr_npy_write(up, Uall, 3, s3)) {
        fprintf(stderr, "%s: numpy peer on the same %lld rotations...\n", bprog, (long long)(L + 1));
        snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s'", python, peer, tp, up);
        FILE *p = popen(cmd, "r");
        long long pgr, pb;
        if (p && fscanf(p, "%lf %lf %lld %lld %lld %lf", &pg, &pq, &pgr, &pgates, &pb, &perr) != 6) pg = pq = NAN;
        if (p && pclose(p) != 0) pg = pq = NAN;
      }
      remove(tp), remove(up), rmdir(dir);
    }
  }
  if (!rc) {
    char thr[32];
    if (threads) snprintf(thr, sizeof thr, "%d", threads);
    else snprintf(thr, sizeof thr, "OpenMP default");
    printf("Synthetic double factorization: N = %lld orbitals (%lld qubits), L = %lld factors, %lld groups; "
           "qclr best of %d, threads %s; peer: numpy, one run\n\n",
           (long long)n, (long long)(2 * n), (long long)L, (long long)ngroups, reps, thr);
    printf("| step | qclr s | numpy peer s | peer / qclr |\n|---|---:|---:|---:|\n");
    printf("| groups (T eigenbasis, merge checks) + Givens networks | %.3f | %.3f | %.1f |\n", best_g, pg, pg / best_g);
    printf("| OpenQASM 2.0 + 3.0 text, all groups | %.3f | %.3f | %.1f |\n", best_q, pq, pq / best_q);
    printf("| **total** | **%.3f** | **%.3f** | **%.1f** |\n\n", best_g + best_q, pg + pq, (pg + pq) / (best_g + best_q));
    printf("two-qubit Givens gates %lld (peer %lld), max depth %lld layers (N = %lld), QASM %.1f MB; "
           "max recomposition error %.1e (peer %.1e)\n",
           (long long)ngates, pgates, (long long)depth, (long long)n, (double)bytes / 1e6, err, perr);
  }
  for (int64_t l = 0; l < L; l++) free(f[l]);
  free(T), free(Uall), free(U), free(f), free(size);
  return rc;
}

typedef struct {
  qclr_hamiltonian *H;
  qclr_lowrank *lr;
  qclr_df *df;
  qclr_groups *gs;
} pipeline;

static void pipeline_free(pipeline *p) {
  qclr_groups_free(p->gs);
  qclr_df_free(p->df);
  qclr_lowrank_free(p->lr);
  qclr_hamiltonian_free(p->H);
}

static int pipeline_run(const char *path, int threads, pipeline *p) {
  memset(p, 0, sizeof *p);
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  qclr_set_threads(threads);
  int rc = qclr_fcidump_read(path, NULL, &p->H, NULL);
  if (!rc && (rc = qclr_cholesky_compute(p->H, &co, &p->lr)) > 0) rc = 0;
  if (!rc) rc = qclr_df_compute(p->H, p->lr, NULL, &p->df);
  if (!rc) rc = qclr_groups_from_df(p->H, p->df, NULL, &p->gs);
  return rc;
}

/* (2) HF variances: determinant formula vs CI vector */
static void hf_moments(const char *path, int threads) {
  pipeline p;
  if (pipeline_run(path, threads, &p)) {
    fprintf(stderr, "%s: %s: %s (skipped)\n", bprog, path, qclr_last_error());
    pipeline_free(&p);
    return;
  }
  int64_t n = qclr_hamiltonian_norb(p.H), G = qclr_groups_count(p.gs);
  int na = qclr_hamiltonian_nalpha(p.H), nb = qclr_hamiltonian_nbeta(p.H);
  double ndet = app_binomial(n, na) * app_binomial(n, nb);
  double *c = calloc((size_t)ndet, sizeof(double));
  double *m1 = malloc(sizeof(double) * (size_t)G), *v1 = malloc(sizeof(double) * (size_t)G);
  double *m2 = malloc(sizeof(double) * (size_t)G), *v2 = malloc(sizeof(double) * (size_t)G);
  if (c && m1 && v1 && m2 && v2) {
    c[0] = 1;
    double best = INFINITY;
    for (int r = 0; r < 3; r++) {
      double t0 = app_seconds();
      qclr_groups_moments_det(p.gs, na, nb, NULL, NULL, m1, v1);
      best = fmin(best, app_seconds() - t0);
    }
    double t0 = app_seconds();
    int rc = qclr_groups_moments(p.gs, na, nb, c, m2, v2);
    double tc = app_seconds() - t0, d = 0;
    for (int64_t g = 0; g < G; g++) d = fmax(d, fabs(m1[g] - m2[g]) + fabs(v1[g] - v2[g]));
    if (!rc) {
      printf("\nVariances of %lld groups in the Hartree-Fock state of %s (N = %lld, %.3g determinants):\n\n", (long long)G,
             path, (long long)n, ndet);
      printf("| method | seconds | ratio |\n|---|---:|---:|\n");
      printf("| CI vector rotated by each group's network (qclr_groups_moments) | %.3f | %.0f |\n", tc, tc / best);
      printf("| Slater-determinant cumulants (qclr_groups_moments_det) | %.4f | 1 |\n\n", best);
      printf("max difference of mean + variance between the two: %.1e\n", d);
    }
  }
  free(c), free(m1), free(v1), free(m2), free(v2);
  pipeline_free(&p);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* (3) basis rotation vs Pauli QWC on every FCIDUMP of dir */
static void molecules(const char *dir, double fci_max, int threads) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "%s: %s: cannot open (molecule table skipped)\n", bprog, dir);
    return;
  }
  char *names[256];
  int nn = 0;
  struct dirent *e;
  while ((e = readdir(d)) && nn < 256) {
    size_t l = strlen(e->d_name);
    if (l > 8 && !strcmp(e->d_name + l - 8, ".fcidump")) names[nn++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)nn, sizeof *names, cmp_str);
  const double eps = 1.6e-3;
  printf("\nBasis rotation vs Pauli/QWC, Cholesky tol 1e-6, tau_2 = 0, eps = %.1f mHa; state: FCI when the space "
         "has <= %.0g determinants, else Hartree-Fock:\n\n", eps * 1e3, fci_max);
  printf("| molecule | N | qubits | state | BR groups | BR sum sigma | BR shots | Pauli terms | QWC groups | QWC sum sigma "
         "| QWC shots | shots QWC/BR | seconds |\n");
  printf("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int k = 0; k < nn; k++) {
    char *path = app_path_join(dir, names[k]);
    pipeline p;
    double t0 = app_seconds();
    int rc = path ? pipeline_run(path, threads, &p) : QCLR_ENOMEM;
    int64_t n = rc ? 0 : qclr_hamiltonian_norb(p.H), G = rc ? 0 : qclr_groups_count(p.gs);
    int na = rc ? 0 : qclr_hamiltonian_nalpha(p.H), nb = rc ? 0 : qclr_hamiltonian_nbeta(p.H);
    double ndet = app_binomial(n, na) * app_binomial(n, nb), *mean = NULL, *var = NULL, *pm = NULL, *pv = NULL;
    int64_t *sh = NULL, *psh = NULL, *grp = NULL, brtot = 0, ptot = -1, nq = -1, nt = -1;
    qclr_fci *fci = NULL;
    qclr_pauli_sum *ps = NULL;
    int fci_state = !rc && ndet <= fci_max && n <= 64;
    if (!rc) {
      mean = malloc(sizeof(double) * (size_t)G), var = malloc(sizeof(double) * (size_t)G);
      sh = malloc(sizeof(int64_t) * (size_t)G);
      if (!mean || !var || !sh) rc = QCLR_ENOMEM;
    }
    if (!rc && fci_state) {
      qclr_fci_options fo;
      qclr_fci_options_default(&fo);
      qclr_set_threads(threads);
      rc = qclr_fci_solve(p.H, &fo, &fci);
      if (rc > 0) rc = 0;
    }
    if (!rc) rc = fci_state ? qclr_groups_moments(p.gs, na, nb, qclr_fci_civec(fci, 0), mean, var)
                            : qclr_groups_moments_det(p.gs, na, nb, NULL, NULL, mean, var);
    if (!rc) rc = qclr_groups_shots(G, var, eps, sh, &brtot);
    double ss = 0, pss = NAN;
    for (int64_t g = 0; !rc && g < G; g++) ss += sqrt(var[g]);
    if (!rc && 2 * n <= 64) {
      rc = qclr_pauli_from_hamiltonian(p.H, 1e-12, &ps);
      if (!rc) {
        nt = qclr_pauli_count(ps);
        grp = malloc(sizeof(int64_t) * (size_t)(nt + 1));
        rc = grp ? qclr_pauli_qwc_groups(ps, grp, &nq) : QCLR_ENOMEM;
      }
      if (!rc) {
        pm = malloc(sizeof(double) * (size_t)(nq + 1)), pv = malloc(sizeof(double) * (size_t)(nq + 1));
        psh = malloc(sizeof(int64_t) * (size_t)(nq + 1));
        if (!pm || !pv || !psh) rc = QCLR_ENOMEM;
      }
      if (!rc && fci_state) {
        rc = qclr_pauli_group_moments(ps, grp, nq, na, nb, qclr_fci_civec(fci, 0), pm, pv);
      } else if (!rc) {
        uint64_t bits = (na ? ~0ull >> (64 - na) : 0) | ((nb ? ~0ull >> (64 - nb) : 0) << n);
        double one = 1;
        rc = qclr_pauli_group_moments_sparse(ps, grp, nq, 1, &bits, &one, pm, pv);
      }
      if (!rc) rc = qclr_groups_shots(nq, pv, eps, psh, &ptot);
      pss = 0;
      for (int64_t g = 0; !rc && g < nq; g++) pss += sqrt(pv[g]);
    }
    double t = app_seconds() - t0;
    char base[256];
    snprintf(base, sizeof base, "%s", names[k]);
    base[strlen(base) - 8] = 0;
    if (rc) {
      printf("| %s | failed: %s |\n", base, qclr_last_error());
    } else if (ptot >= 0) {
      printf("| %s | %lld | %lld | %s | %lld | %.3f | %.3e | %lld | %lld | %.3f | %.3e | %.1f | %.1f |\n", base,
             (long long)n, (long long)(2 * n), fci_state ? "FCI" : "HF", (long long)G, ss, (double)brtot, (long long)nt,
             (long long)nq, pss, (double)ptot, (double)ptot / (double)brtot, t);
    } else {
      printf("| %s | %lld | %lld | %s | %lld | %.3f | %.3e | - | - | - | - | - | %.1f |\n", base, (long long)n,
             (long long)(2 * n), fci_state ? "FCI" : "HF", (long long)G, ss, (double)brtot, t);
    }
    fflush(stdout);
    free(mean), free(var), free(sh), free(pm), free(pv), free(psh), free(grp), free(path), free(names[k]);
    qclr_pauli_free(ps);
    qclr_fci_free(fci);
    pipeline_free(&p);
  }
}

int bench_groups(int argc, char **argv) {
  long long n = 100, L = 100, reps = 3, v;
  int threads = 0, no_peer = 0, no_mol = 0, c;
  double fci_max = 1e5;
  const char *python = "/usr/bin/python3", *peer = NULL, *moldir = NULL, *hfin = NULL;
  static const struct option lo[] = {{"norb", 1, 0, 'n'},      {"factors", 1, 0, 'L'},   {"repeat", 1, 0, 'r'},
                                     {"threads", 1, 0, 't'},   {"python", 1, 0, 'P'},    {"peer", 1, 0, 'e'},
                                     {"no-peer", 0, 0, 'x'},   {"molecules", 1, 0, 'M'}, {"no-molecules", 0, 0, 'y'},
                                     {"fci-max", 1, 0, 'F'},   {"hf-input", 1, 0, 'H'},  {"help", 0, 0, 'h'},
                                     {0, 0, 0, 0}};
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
      case 'n': if (app_parse_int(bprog, "--norb", optarg, 2, 4000, &v)) return APP_EXIT_USAGE; n = v; break;
      case 'L': if (app_parse_int(bprog, "--factors", optarg, 0, 100000, &v)) return APP_EXIT_USAGE; L = v; break;
      case 'r': if (app_parse_int(bprog, "--repeat", optarg, 1, 1000, &v)) return APP_EXIT_USAGE; reps = v; break;
      case 't': if (app_parse_int(bprog, "--threads", optarg, 0, 4096, &v)) return APP_EXIT_USAGE; threads = (int)v; break;
      case 'P': python = optarg; break;
      case 'e': peer = optarg; break;
      case 'x': no_peer = 1; break;
      case 'M': moldir = optarg; break;
      case 'y': no_mol = 1; break;
      case 'F': if (app_parse_double(bprog, "--fci-max", optarg, &fci_max)) return APP_EXIT_USAGE; break;
      case 'H': hfin = optarg; break;
      case 'h':
        printf("usage: qclr-bench groups [--norb N (100)] [--factors L (100)] [--repeat R (3)] [--threads T]\n"
               "                         [--python PY] [--peer tests/peers/groups_peer.py] [--no-peer]\n"
               "                         [--hf-input FCIDUMP] [--molecules DIR (inputs)] [--no-molecules]\n"
               "                         [--fci-max D (1e5)]\n"
               "(1) L+1 basis-rotation groups from a synthetic double factorization (random rotations), their\n"
               "Givens networks and OpenQASM 2.0 + 3.0 text, vs the numpy peer on the same matrices; (2) HF group\n"
               "variances, determinant formula vs CI vector (--hf-input, default inputs/h2o_6-31g.fcidump);\n"
               "(3) basis rotation vs Pauli/QWC groups and shots for every FCIDUMP in --molecules.\n");
        return 0;
      default: return app_usage_error(bprog, "unknown option '%s'", argv[optind - 1]);
    }
  }
  const char *srcdir = getenv("top_srcdir");
  static char peerbuf[4096], molbuf[4096], hfbuf[4096];
  if (!srcdir) srcdir = ".";
  if (!peer) snprintf(peerbuf, sizeof peerbuf, "%s/tests/peers/groups_peer.py", srcdir), peer = peerbuf;
  if (no_peer || access(peer, R_OK)) peer = NULL;
  if (!moldir) snprintf(molbuf, sizeof molbuf, "%s/inputs", srcdir), moldir = molbuf;
  if (!hfin) snprintf(hfbuf, sizeof hfbuf, "%s/inputs/h2o_6-31g.fcidump", srcdir), hfin = hfbuf;
  int rc = synthetic(n, L, (int)reps, threads, python, peer);
  if (rc) return rc;
  if (!no_mol) {
    if (access(hfin, R_OK) == 0) hf_moments(hfin, threads);
    molecules(moldir, fci_max, threads);
  }
  return 0;
}

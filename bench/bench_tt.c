/* apps/bench_tt.c: `qclr-bench tt`.
 *
 * Dense part: TT-SVD of qclr against the numpy peers of tests/peers/tt_svd.py
 * (textbook np.linalg.svd = gesdd, and Gram + eigh) on 2^20 and 2^24
 * vectors: random MPS of bond dimension 16 and 64 and dense random vectors,
 * at equal eps (the rank vectors are compared) and, for dense random, also
 * at an equal max rank.
 *
 * Blocked part (--fcidump FILE): the symmetry-blocked TT-SVD of the FCI
 * vector (computed in a child first, or read with --civec), with its time and
 * peak memory against the CI vector's size, and for small cases (--dense-check)
 * the dense TT-SVD of the 4^N tensor next to it.
 *
 * Every solver runs in a fresh child process (qclr: this program re-executed
 * with --child...; numpy: the peer script) that loads its input itself, so
 * the child's ru_maxrss from wait4 is its peak memory.  Times are measured
 * inside the children around the decomposition only (wall clock); on a shared
 * machine compare the ratios, which are measured back to back. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"

static const char *bprog = "qclr-bench tt";

/* run argv in a child, capture stdout (up to n-1 bytes), return exit status
 * and the child's peak RSS in KiB */
static int run_child(char *const argv[], char *out, size_t n, long *maxrss_kb) {
  int fd[2];
  out[0] = 0;
  if (pipe(fd)) return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fd[1]);
  size_t len = 0;
  ssize_t k;
  while (len < n - 1 && (k = read(fd[0], out + len, n - 1 - len)) != 0) {
    if (k < 0) {
      if (errno == EINTR) continue;
      break;
    }
    len += (size_t)k;
  }
  out[len] = 0;
  close(fd[0]);
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) return -1;
  *maxrss_kb = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* "time maxrank relerr dense_size stored_size r_1 ... r_{d-1}" of a TT-SVD */
static void print_result(double dt, const qclr_tt *tt, const qclr_tt_info *info) {
  int d = qclr_tt_ndim(tt);
  const int64_t *r = qclr_tt_ranks(tt);
  printf("%.6f %lld %.6e %lld %lld", dt, (long long)qclr_tt_max_rank(tt), info->rel_error,
         (long long)qclr_tt_dense_size(tt), (long long)qclr_tt_size(tt));
  for (int k = 1; k < d; k++) printf(" %lld", (long long)r[k]);
  printf("\n");
}

/* child: qclr-bench tt --child FILE EPS MAXRANK METHOD OVERWRITE */
static int child_dense(int argc, char **argv) {
  if (argc < 7) return APP_EXIT_USAGE;
  double *x;
  int ndim;
  int64_t shape[QCLR_NPY_MAXDIM];
  int rc = qclr_npy_read(argv[2], &x, &ndim, shape);
  if (rc) return app_fail(bprog, rc);
  int64_t total = 1;
  for (int k = 0; k < ndim; k++) total *= shape[k];
  int d = 0;
  int64_t dims[64];
  while (((int64_t)1 << d) < total) dims[d++] = 2;
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = atof(argv[3]);
  o.max_rank = atoll(argv[4]);
  o.method = atoi(argv[5]);
  o.overwrite = atoi(argv[6]);
  qclr_tt *tt;
  qclr_tt_info info;
  double t0 = app_seconds();
  rc = qclr_tt_svd(x, d, dims, &o, &tt, &info);
  double dt = app_seconds() - t0;
  if (rc < 0) {
    free(x);
    return app_fail(bprog, rc);
  }
  print_result(dt, tt, &info);
  qclr_tt_free(tt);
  free(x);
  return 0;
}

/* child: qclr-bench tt --child-fci FCIDUMP OUT.npy: FCI ground state to OUT */
static int child_fci(int argc, char **argv) {
  if (argc < 4) return APP_EXIT_USAGE;
  qclr_hamiltonian *H;
  int rc = qclr_fcidump_read(argv[2], NULL, &H, NULL);
  if (rc) return app_fail(bprog, rc);
  qclr_fci *F;
  double t0 = app_seconds();
  rc = qclr_fci_solve(H, NULL, &F);
  double dt = app_seconds() - t0;
  if (rc < 0) {
    qclr_hamiltonian_free(H);
    return app_fail(bprog, rc);
  }
  int64_t shape[2] = {qclr_fci_nstrings_alpha(F), qclr_fci_nstrings_beta(F)};
  rc = qclr_npy_write(argv[3], qclr_fci_civec(F, 0), 2, shape);
  if (!rc) printf("%.6f %.12f %lld\n", dt, qclr_fci_energy(F, 0), (long long)qclr_fci_ndet(F));
  qclr_fci_free(F);
  qclr_hamiltonian_free(H);
  return rc ? app_fail(bprog, rc) : 0;
}

/* child: qclr-bench tt --child-ci NORB NALPHA NBETA CIVEC EPS METHOD DENSE:
 * symmetry-blocked TT-SVD of the CI vector (DENSE 0), or the dense TT-SVD of
 * its 4^N occupation tensor (DENSE 1) */
static int child_ci(int argc, char **argv) {
  if (argc < 9) return APP_EXIT_USAGE;
  int norb = atoi(argv[2]), na = atoi(argv[3]), nb = atoi(argv[4]), dense = atoi(argv[8]);
  double *c;
  int ndim;
  int64_t shape[QCLR_NPY_MAXDIM];
  int rc = qclr_npy_read(argv[5], &c, &ndim, shape);
  if (rc) return app_fail(bprog, rc);
  qclr_tt_options o;
  qclr_tt_options_default(&o);
  o.eps = atof(argv[6]);
  o.method = atoi(argv[7]);
  qclr_tt *tt = NULL;
  qclr_tt_info info;
  double t0 = app_seconds(), dt;
  if (!dense) {
    rc = qclr_tt_svd_ci(norb, na, nb, c, QCLR_TT_SPATIAL, &o, &tt, &info);
    dt = app_seconds() - t0;
  } else {
    size_t D = (size_t)1 << (2 * norb);
    double *x = malloc(D * sizeof(double));
    if (!x) {
      free(c);
      return app_fail(bprog, QCLR_ENOMEM);
    }
    t0 = app_seconds();
    rc = qclr_tt_ci_to_dense(norb, na, nb, c, QCLR_TT_SPATIAL, x);
    free(c);
    c = NULL;
    int64_t dims[64];
    for (int k = 0; k < norb; k++) dims[k] = 4;
    o.overwrite = 1;
    if (!rc) rc = qclr_tt_svd(x, norb, dims, &o, &tt, &info);
    dt = app_seconds() - t0;
    free(x);
  }
  free(c);
  if (rc < 0) return app_fail(bprog, rc);
  print_result(dt, tt, &info);
  qclr_tt_free(tt);
  return 0;
}

#define RND(z) (z = z * 6364136223846793005ULL + 1442695040888963407ULL, (double)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0)

/* random MPS of bond dimension `bond` over n qubits (bond 0: dense random) */
static int make_input(const char *path, int n, int bond, unsigned long long *seed) {
  int64_t N = (int64_t)1 << n;
  double *x = malloc((size_t)N * sizeof(double));
  if (!x) return QCLR_ENOMEM;
  unsigned long long z = *seed;
  int rc = 0;
  if (bond == 0) {
    for (int64_t i = 0; i < N; i++) x[i] = RND(z);
  } else {
    int64_t dims[64] = {0}, ranks[65] = {0};
    ranks[0] = ranks[n] = 1;
    for (int k = 0; k < n; k++) dims[k] = 2;
    for (int k = 1; k < n; k++) {
      int64_t a = (int64_t)1 << (k < 30 ? k : 30), b = (int64_t)1 << (n - k < 30 ? n - k : 30);
      int64_t m = a < b ? a : b;
      ranks[k] = bond < m ? bond : m;
    }
    qclr_tt *t;
    if ((rc = qclr_tt_new(n, dims, ranks, &t))) {
      free(x);
      return rc;
    }
    for (int k = 0; k < n; k++) {
      double *c = qclr_tt_core_mut(t, k);
      int64_t m = ranks[k] * 2 * ranks[k + 1];
      double sc = 1.0 / sqrt((double)ranks[k]); /* entries of x stay O(1) */
      for (int64_t i = 0; i < m; i++) c[i] = sc * RND(z);
    }
    rc = qclr_tt_full(t, x);
    qclr_tt_free(t);
  }
  *seed = z;
  int64_t shape[1] = {N};
  if (!rc) rc = qclr_npy_write(path, x, 1, shape);
  free(x);
  return rc;
}

/* make_input in a forked child: the 8 * 2^n-byte array then never enlarges
 * this process's heap (glibc keeps a freed large block once its mmap
 * threshold has grown), which the solvers' children would otherwise inherit
 * and count in their peaks.  The seed advances as in the parent. */
typedef struct {
  const char *path;
  int n, bond;
  unsigned long long seed;
} input_job;
typedef struct {
  int rc;
  unsigned long long seed;
} input_done;

static void make_input_cb(const void *job, void *res) {
  const input_job *j = job;
  input_done *d = res;
  d->seed = j->seed;
  d->rc = make_input(j->path, j->n, j->bond, &d->seed);
}

static int make_input_forked(const char *path, int n, int bond, unsigned long long *seed) {
  input_job job = {path, n, bond, *seed};
  input_done done = {QCLR_EIO, 0};
  if (bench_in_child(make_input_cb, &job, &done, sizeof done, NULL) || done.rc) {
    fprintf(stderr, "%s: %s: could not generate the input\n", bprog, path);
    return done.rc ? done.rc : QCLR_EIO;
  }
  *seed = done.seed;
  return 0;
}

static int usage(FILE *f) {
  fprintf(f,
          "usage: qclr-bench tt [options]\n"
          "Dense TT-SVD: qclr vs numpy (tests/peers/tt_svd.py: gesdd and Gram+eigh) on random\n"
          "MPS (bond dimension 16, 64) and dense random vectors; with --fcidump, the\n"
          "symmetry-blocked TT-SVD of an FCI vector (time, peak memory).\n"
          "  --sizes LIST     log2 of the vector lengths (default 20,24)\n"
          "  --cases LIST     of mps16,mps64,dense,dense-r16 (default all)\n"
          "  --eps E          relative tolerance (default 1e-6, where qclr's auto uses Gram)\n"
          "  --dense-max N    largest log2 size for the dense random cases (default 24)\n"
          "  --overwrite      let qclr's TT-SVD work in the input array (no working copy)\n"
          "  --no-gesdd       skip the (slow) numpy gesdd peer\n"
          "  --no-gram        skip the numpy Gram peer (23 min on the dense 2^24 vector)\n"
          "  --no-dense       skip the dense TT-SVD part\n"
          "  --python PATH    numpy interpreter (default /usr/bin/python3)\n"
          "  --peer FILE      peer script (default $top_srcdir/tests/peers/tt_svd.py)\n"
          "  --tmp DIR        directory for the input vectors (default /tmp)\n"
          "  --fcidump FILE   also run the symmetry-blocked TT-SVD of FILE's FCI vector\n"
          "  --civec FILE     its CI vector (.npy from qclr-fci --out) instead of solving FCI\n"
          "  --ci-eps LIST    tolerances of the blocked runs (default 1e-2,1e-3,1e-4,1e-6)\n"
          "  --dense-check    also the dense TT-SVD of the 4^N tensor (N <= 13)\n");
  return f == stderr ? APP_EXIT_USAGE : 0;
}

typedef struct {
  double t, err;
  long rmax, rss;
  int ok, nr;
  long ranks[64];
} peer_result;

static int parse_peer(const char *out, peer_result *p) {
  const char *t = strstr(out, "\"time_s\":");
  const char *q = strstr(out, "\"ranks\": [");
  const char *e = strstr(out, "\"rel_error\":");
  if (!t || !q || !e) return -1;
  p->t = atof(t + 9);
  p->err = atof(e + 12);
  p->rmax = 0;
  p->nr = 0;
  for (q += 10; *q && *q != ']';) {
    char *end;
    long v = strtol(q, &end, 10);
    if (end == q) break;
    q = end;
    if (p->nr < 64) p->ranks[p->nr++] = v;
    if (v > p->rmax) p->rmax = v;
    while (*q == ',' || *q == ' ') q++;
  }
  p->ok = 1;
  return 0;
}

/* qclr child output: time maxrank relerr size nnz r_1..r_{d-1} */
static int parse_qclr(const char *out, peer_result *p, long *size, long *nnz) {
  const char *s = out;
  char *end;
  p->t = strtod(s, &end);
  if (end == s) return -1;
  s = end;
  p->rmax = strtol(s, &end, 10);
  s = end;
  p->err = strtod(s, &end);
  s = end;
  *size = strtol(s, &end, 10);
  s = end;
  *nnz = strtol(s, &end, 10);
  if (end == s) return -1;
  s = end;
  p->nr = 0;
  p->ranks[p->nr++] = 1;
  for (;;) {
    long v = strtol(s, &end, 10);
    if (end == s) break;
    s = end;
    if (p->nr < 63) p->ranks[p->nr++] = v;
  }
  p->ranks[p->nr++] = 1;
  p->ok = 1;
  return 0;
}

static int same_ranks(const peer_result *a, const peer_result *b) {
  if (!a->ok || !b->ok || a->nr != b->nr) return 0;
  for (int i = 0; i < a->nr; i++)
    if (a->ranks[i] != b->ranks[i]) return 0;
  return 1;
}

static void fmt_time(char *buf, size_t n, const peer_result *p) {
  if (p->ok) snprintf(buf, n, "%.3f", p->t);
  else snprintf(buf, n, "—");
}

static void fmt_ratio(char *buf, size_t n, const peer_result *p, const peer_result *q) {
  if (p->ok && q->ok && q->t > 0) snprintf(buf, n, "%.1f×", p->t / q->t);
  else snprintf(buf, n, "—");
}

static void fmt_peak(char *buf, size_t n, const peer_result *p, double in_kb) {
  if (p->ok) snprintf(buf, n, "%.2f", (double)p->rss / in_kb);
  else snprintf(buf, n, "—");
}

/* is name one of the comma-separated items of list? */
static int in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !strncmp(p, name, n)) return 1;
    p += len + (e ? 1 : 0);
  }
  return 0;
}

/* Runs under BEST_OF_BELOW seconds are repeated (3 in all) and the best time
 * kept, for qclr and the peers alike: a 20 ms child varies by 2x with thread
 * wake-ups and first-touch page faults.  The peak is the largest of the runs. */
#define BEST_OF_BELOW 2.0
static int run_best(char *const argv[], char *out, size_t n, peer_result *best, int is_qclr, long *size,
                    long *nnz) {
  for (int rep = 0; rep < 3; rep++) {
    peer_result r = {0};
    long rss = 0, sz = 0, nz = 0;
    int st = run_child(argv, out, n, &rss);
    if (st != 0 || (is_qclr ? parse_qclr(out, &r, &sz, &nz) : parse_peer(out, &r))) return rep ? 0 : (st ? st : -1);
    r.rss = rss;
    if (rep == 0 || r.t < best->t) {
      long keep = rep ? (best->rss > rss ? best->rss : rss) : rss;
      *best = r;
      best->rss = keep;
      if (is_qclr) *size = sz, *nnz = nz;
    } else if (rss > best->rss) {
      best->rss = rss;
    }
    if (best->t >= BEST_OF_BELOW) break;
  }
  return 0;
}

static int dense_part(const char *self, const int *sizes, int nsizes, const char *cases, double eps, int dense_max,
                      int overwrite, int gesdd, const char *python, const char *peer, int have_peer,
                      const char *tmpdir) {
  /* what a child costs before any data: the libraries' own pages */
  long base_kb = 0;
  {
    char path[4200], out[1024], epsb[32];
    unsigned long long s0 = 1;
    snprintf(path, sizeof path, "%s/qclr-bench-tt-%d-base.npy", tmpdir, (int)getpid());
    snprintf(epsb, sizeof epsb, "%.17g", eps);
    if (make_input(path, 4, 2, &s0) == 0) {
      char *qa[] = {(char *)self, "tt", "--child", path, epsb, "0", "0", "0", NULL};
      if (run_child(qa, out, sizeof out, &base_kb) != 0) base_kb = 0;
      remove(path);
    }
  }
  printf("TT-SVD of 2^n vectors, eps %g, qclr method auto (Gram eigenvalues on wide unfoldings at this eps)%s;\n"
         "times in s inside each child process, peak = child's max RSS / input size (8·2^n bytes);\n"
         "a qclr child on a 16-entry vector peaks at %.1f MiB (the libraries' own pages; \"above base\" subtracts it);\n"
         "runs under %.0f s are repeated, best of 3 (qclr and numpy alike).\n\n",
         eps, overwrite ? ", working in the input array" : ", input read in place, copied only where written", base_kb / 1024.0, BEST_OF_BELOW);
  printf("| case | max rank qclr | numpy | ranks equal | rel. error qclr | qclr s | numpy Gram s | numpy gesdd s | "
         "speed-up vs Gram | vs gesdd | peak qclr | qclr above base | peak Gram | peak gesdd |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  fflush(stdout);
  unsigned long long seed = 2024;
  static const struct {
    const char *name;
    int bond;
    long cap;
  } all[4] = {{"mps16", 16, 0}, {"mps64", 64, 0}, {"dense", 0, 0}, {"dense-r16", 0, 16}};
  int status = 0;
  for (int si = 0; si < nsizes; si++) {
    int n = sizes[si];
    for (int ci = 0; ci < 4; ci++) {
      if (cases && !in_list(cases, all[ci].name)) continue;
      if (all[ci].bond == 0 && n > dense_max) continue;
      char path[4200];
      snprintf(path, sizeof path, "%s/qclr-bench-tt-%d-%s.npy", tmpdir, (int)getpid(), all[ci].name);
      int rc = make_input_forked(path, n, all[ci].bond, &seed);
      if (rc) return app_fail(bprog, rc);
      double in_kb = (double)((int64_t)8 << n) / 1024.0;
      char epsb[32], capb[32], out[8192], ovb[8];
      snprintf(epsb, sizeof epsb, "%.17g", eps);
      snprintf(capb, sizeof capb, "%ld", all[ci].cap);
      snprintf(ovb, sizeof ovb, "%d", overwrite);
      char *qa[] = {(char *)self, "tt", "--child", path, epsb, capb, "0", ovb, NULL};
      peer_result q = {0}, g = {0}, s = {0};
      long size, nnz;
      int st = run_best(qa, out, sizeof out, &q, 1, &size, &nnz);
      if (st != 0) {
        fprintf(stderr, "%s: qclr child failed (status %d)\n", bprog, st);
        remove(path);
        return APP_EXIT_NUMERIC;
      }
      if (have_peer) {
        char *ga[] = {(char *)python, (char *)peer, "--kernel", "gram", "--eps", epsb, "--max-rank", capb, path, NULL};
        if ((gesdd & 2) && run_best(ga, out, sizeof out, &g, 0, NULL, NULL)) g.ok = 0;
        if (gesdd & 1) {
          char *sa[] = {(char *)python, (char *)peer, "--kernel", "gesdd", "--eps", epsb, "--max-rank", capb, path, NULL};
          if (run_best(sa, out, sizeof out, &s, 0, NULL, NULL)) s.ok = 0;
        }
      }
      char name[48], tq[32], tg[32], ts[32], xg[32], xs[32], pq[32], pg[32], ps[32];
      snprintf(name, sizeof name, "2^%d %s", n, all[ci].name);
      fmt_time(tq, sizeof tq, &q);
      fmt_time(tg, sizeof tg, &g);
      fmt_time(ts, sizeof ts, &s);
      fmt_ratio(xg, sizeof xg, &g, &q);
      fmt_ratio(xs, sizeof xs, &s, &q);
      fmt_peak(pq, sizeof pq, &q, in_kb);
      char pb[32];
      snprintf(pb, sizeof pb, "%.2f", (double)(q.rss - base_kb) / in_kb);
      fmt_peak(pg, sizeof pg, &g, in_kb);
      fmt_peak(ps, sizeof ps, &s, in_kb);
      const peer_result *np = g.ok ? &g : &s;
      printf("| %s | %ld | %s%ld | %s | %.2e | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, q.rmax,
             np->ok ? "" : "—", np->ok ? np->rmax : 0L,
             np->ok ? (same_ranks(&q, np) && (!s.ok || same_ranks(&q, &s)) ? "yes" : "no") : "—", q.err, tq, tg, ts, xg,
             xs, pq, pb, pg, ps);
      fflush(stdout);
      if (np->ok && !same_ranks(&q, np)) status = APP_EXIT_NUMERIC;
      remove(path);
    }
  }
  if (status) fprintf(stderr, "%s: the rank vectors of qclr and numpy differ\n", bprog);
  return status;
}

static int blocked_part(const char *self, const char *fcidump, const char *civec_in, const double *ceps, int nceps,
                        int dense_check, const char *tmpdir) {
  qclr_hamiltonian *H;
  int rc = qclr_fcidump_read(fcidump, NULL, &H, NULL);
  if (rc) return app_fail(bprog, rc);
  int norb = (int)qclr_hamiltonian_norb(H), na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  qclr_hamiltonian_free(H);
  char civec[4200], out[16384], nbuf[3][16];
  double tfci = NAN, efci = NAN;
  long long ndet = 0;
  long rss_fci = 0;
  if (civec_in) snprintf(civec, sizeof civec, "%s", civec_in);
  else {
    snprintf(civec, sizeof civec, "%s/qclr-bench-tt-%d-civec.npy", tmpdir, (int)getpid());
    char *fa[] = {(char *)self, "tt", "--child-fci", (char *)fcidump, civec, NULL};
    int st = run_child(fa, out, sizeof out, &rss_fci);
    if (st != 0 || sscanf(out, "%lf %lf %lld", &tfci, &efci, &ndet) != 3) {
      fprintf(stderr, "%s: FCI child failed (status %d)\n", bprog, st);
      return APP_EXIT_NUMERIC;
    }
  }
  snprintf(nbuf[0], sizeof nbuf[0], "%d", norb);
  snprintf(nbuf[1], sizeof nbuf[1], "%d", na);
  snprintf(nbuf[2], sizeof nbuf[2], "%d", nb);
  int64_t C = 1, D = 1;
  for (int i = 0; i < na; i++) C = C * (norb - i) / (i + 1);
  for (int i = 0; i < nb; i++) D = D * (norb - i) / (i + 1);
  ndet = (long long)(C * D);
  double ci_kb = 8.0 * (double)ndet / 1024.0;
  printf("\nSymmetry-blocked TT-SVD of the FCI vector of %s (%d orbitals, %d+%d electrons, %lld determinants = %.1f MiB)",
         fcidump, norb, na, nb, ndet, ci_kb / 1024.0);
  if (!civec_in) printf("; FCI (child) %.1f s, E = %.10f, peak %.0f MiB", tfci, efci, rss_fci / 1024.0);
  printf(".\nSpatial-orbital sites, FCIDUMP order; peak = child's max RSS (CI vector loaded from .npy included);\n"
         "dense MiB = the cores written out densely (sum r n r doubles), stored MiB = what qclr keeps.\n\n");
  printf("| eps | method | max bond dim | bond dims | rel. error | time s | peak MiB | peak / CI vector | dense MiB | stored MiB |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|\n");
  fflush(stdout);
  int status = 0;
  for (int e = 0; e < nceps && !status; e++) {
    for (int dense = 0; dense <= (dense_check && norb <= 13); dense++) {
      char epsb[32];
      snprintf(epsb, sizeof epsb, "%.17g", ceps[e]);
      char *ca[] = {(char *)self, "tt", "--child-ci", nbuf[0], nbuf[1], nbuf[2], civec, epsb, "0",
                    dense ? "1" : "0", NULL};
      peer_result q = {0};
      long size, nnz;
      int st = run_child(ca, out, sizeof out, &q.rss);
      if (st != 0 || parse_qclr(out, &q, &size, &nnz)) {
        fprintf(stderr, "%s: TT child failed (status %d)\n", bprog, st);
        status = APP_EXIT_NUMERIC;
        break;
      }
      char bd[1024];
      size_t len = 0;
      bd[0] = 0;
      for (int i = 1; i + 1 < q.nr && len + 16 < sizeof bd; i++)
        len += (size_t)snprintf(bd + len, sizeof bd - len, "%s%ld", i > 1 ? "," : "", q.ranks[i]);
      printf("| %g | %s | %ld | %s | %.3e | %.2f | %.0f | %.2f | %.1f | %.1f |\n", ceps[e],
             dense ? "dense 4^N" : "blocked", q.rmax, bd, q.err, q.t, q.rss / 1024.0, (double)q.rss / ci_kb,
             8.0 * (double)size / 1048576.0, 8.0 * (double)nnz / 1048576.0);
      fflush(stdout);
    }
  }
  if (!civec_in) remove(civec);
  return status;
}

int bench_tt(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "--child")) return child_dense(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "--child-fci")) return child_fci(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "--child-ci")) return child_ci(argc, argv);
  int sizes[8] = {20, 24}, nsizes = 2, dense_max = 24, gesdd = 3 /* 1 gesdd, 2 Gram */, overwrite = 0, dense = 1, dense_check = 0;
  double eps = 1e-6, ceps[16] = {1e-2, 1e-3, 1e-4, 1e-6};
  int nceps = 4;
  const char *python = "/usr/bin/python3", *peer = NULL, *tmpdir = "/tmp", *cases = NULL, *fcidump = NULL,
             *civec = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help")) return usage(stdout);
    if (!strcmp(a, "--no-gesdd")) {
      gesdd &= ~1;
      continue;
    }
    if (!strcmp(a, "--no-gram")) {
      gesdd &= ~2;
      continue;
    }
    if (!strcmp(a, "--overwrite")) {
      overwrite = 1;
      continue;
    }
    if (!strcmp(a, "--no-dense")) {
      dense = 0;
      continue;
    }
    if (!strcmp(a, "--dense-check")) {
      dense_check = 1;
      continue;
    }
    if (i + 1 >= argc) return app_usage_error(bprog, "%s needs a value (or is unknown)", a);
    const char *v = argv[++i];
    long long iv;
    if (!strcmp(a, "--sizes")) {
      nsizes = 0;
      for (const char *p = v; *p;) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x < 4 || x > 30 || nsizes == 8 || (*end && *end != ','))
          return app_usage_error(bprog, "--sizes expects up to 8 integers in 4..30 separated by commas, got '%s'", v);
        sizes[nsizes++] = (int)x;
        p = *end ? end + 1 : end;
      }
      if (!nsizes) return app_usage_error(bprog, "--sizes is empty");
    } else if (!strcmp(a, "--eps")) {
      if (app_parse_double(bprog, "--eps", v, &eps)) return APP_EXIT_USAGE;
      if (!(eps >= 0 && eps < 1)) return app_usage_error(bprog, "--eps must be in [0, 1)");
    } else if (!strcmp(a, "--dense-max")) {
      if (app_parse_int(bprog, "--dense-max", v, 0, 30, &iv)) return APP_EXIT_USAGE;
      dense_max = (int)iv;
    } else if (!strcmp(a, "--ci-eps")) {
      double *l;
      int n;
      if (app_parse_double_list(bprog, "--ci-eps", v, &l, &n)) return APP_EXIT_USAGE;
      if (n > 16) n = 16;
      for (int k = 0; k < n; k++) ceps[k] = l[k];
      nceps = n;
      free(l);
    } else if (!strcmp(a, "--cases")) {
      cases = v;
      for (const char *p = v; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char item[32];
        snprintf(item, sizeof item, "%.*s", (int)(len < 31 ? len : 31), p);
        if (strcmp(item, "mps16") && strcmp(item, "mps64") && strcmp(item, "dense") && strcmp(item, "dense-r16"))
          return app_usage_error(bprog, "--cases: unknown case '%s' (mps16, mps64, dense, dense-r16)", item);
        p += len + (e ? 1 : 0);
      }
    }
    else if (!strcmp(a, "--python")) python = v;
    else if (!strcmp(a, "--peer")) peer = v;
    else if (!strcmp(a, "--tmp")) tmpdir = v;
    else if (!strcmp(a, "--fcidump")) fcidump = v;
    else if (!strcmp(a, "--civec")) civec = v;
    else return app_usage_error(bprog, "unknown option '%s'", a);
  }
  char peerbuf[4096];
  if (!peer) {
    const char *src = getenv("top_srcdir");
    snprintf(peerbuf, sizeof peerbuf, "%s/tests/peers/tt_svd.py", src ? src : ".");
    peer = peerbuf;
  }
  int have_peer = access(peer, R_OK) == 0;
  if (!have_peer && dense) fprintf(stderr, "%s: %s not found: numpy peers skipped (use --peer)\n", bprog, peer);
  char self[4096];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  if (sl <= 0) return app_usage_error(bprog, "cannot locate /proc/self/exe");
  self[sl] = 0;
  int status = 0;
  if (dense)
    status = dense_part(self, sizes, nsizes, cases, eps, dense_max, overwrite, gesdd, python, peer, have_peer, tmpdir);
  if (fcidump) {
    int st = blocked_part(self, fcidump, civec, ceps, nceps, dense_check, tmpdir);
    if (st) status = st;
  }
  return status;
}

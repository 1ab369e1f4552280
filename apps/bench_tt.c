/* apps/bench_tt.c: `qclr-bench tt`: dense TT-SVD of qclr against the numpy
 * peers of tests/peers/tt_svd.py (textbook np.linalg.svd = gesdd, and Gram +
 * eigh) on 2^20 and 2^24 vectors: random MPS of bond dimension 16 and 64 and
 * dense random vectors, at equal eps (and, for dense random, equal max rank).
 *
 * Every solver runs in a fresh child process (qclr: this program re-executed
 * with --child; numpy: the peer script) that loads the .npy input itself, so
 * the child's ru_maxrss from wait4 is its peak memory, compared with the
 * input size.  Times are measured inside the children around the
 * decomposition only (wall clock; the machine may be shared, so the ratios,
 * measured back to back, are what to compare). */
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
  if (pipe(fd)) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
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
  while ((k = read(fd[0], out + len, n - 1 - len)) > 0) {
    len += (size_t)k;
    if (len >= n - 1) break;
  }
  out[len] = 0;
  close(fd[0]);
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return -1;
  *maxrss_kb = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* child mode: qclr-bench tt --child FILE EPS MAXRANK METHOD */
static int child(int argc, char **argv) {
  if (argc < 6) return 2;
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
  o.overwrite = 1; /* the child owns its copy, as numpy's reshape views do */
  qclr_tt *tt;
  qclr_tt_info info;
  double t0 = app_seconds();
  rc = qclr_tt_svd(x, d, dims, &o, &tt, &info);
  double dt = app_seconds() - t0;
  if (rc < 0) return app_fail(bprog, rc);
  printf("%.6f %lld %.6e\n", dt, (long long)qclr_tt_max_rank(tt), info.rel_error);
  qclr_tt_free(tt);
  free(x);
  return 0;
}

static int make_input(const char *path, int n, int bond, unsigned long long *seed) {
  int64_t N = (int64_t)1 << n;
  double *x = malloc((size_t)N * sizeof(double));
  if (!x) return QCLR_ENOMEM;
  unsigned long long z = *seed;
#define RND() (z = z * 6364136223846793005ULL + 1442695040888963407ULL, (double)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0)
  int rc = 0;
  if (bond == 0) {
    for (int64_t i = 0; i < N; i++) x[i] = RND();
  } else {
    int64_t dims[64], ranks[65];
    ranks[0] = ranks[n] = 1;
    for (int k = 0; k < n; k++) dims[k] = 2;
    for (int k = 1; k < n; k++) {
      int64_t a = (int64_t)1 << (k < 30 ? k : 30), b = (int64_t)1 << (n - k < 30 ? n - k : 30);
      ranks[k] = bond < a ? (bond < b ? bond : b) : (a < b ? a : b);
    }
    qclr_tt *t;
    if ((rc = qclr_tt_new(n, dims, ranks, &t))) {
      free(x);
      return rc;
    }
    for (int k = 0; k < n; k++) {
      double *c = qclr_tt_core_mut(t, k);
      int64_t m = ranks[k] * 2 * ranks[k + 1];
      /* scaled so that the entries of x stay O(1) */
      double sc = 1.0 / sqrt((double)ranks[k]);
      for (int64_t i = 0; i < m; i++) c[i] = sc * RND();
    }
    rc = qclr_tt_full(t, x);
    qclr_tt_free(t);
  }
#undef RND
  *seed = z;
  int64_t shape[1] = {N};
  if (!rc) rc = qclr_npy_write(path, x, 1, shape);
  free(x);
  return rc;
}

static int usage(FILE *f) {
  fprintf(f,
          "usage: qclr-bench tt [options]\n"
          "Dense TT-SVD: qclr vs numpy (tests/peers/tt_svd.py: gesdd and Gram+eigh).\n"
          "  --sizes LIST   log2 of the vector lengths (default 20,24)\n"
          "  --eps E        relative tolerance (default 1e-6: Gram-accurate)\n"
          "  --dense-max N  largest log2 size for dense random vectors (default 20)\n"
          "  --python PATH  numpy interpreter (default /usr/bin/python3)\n"
          "  --peer FILE    peer script (default tests/peers/tt_svd.py, or $top_srcdir/...)\n"
          "  --no-gesdd     skip the (slow) numpy gesdd peer\n"
          "  --tmp DIR      directory for the input vectors (default /tmp)\n");
  return f == stderr ? APP_EXIT_USAGE : 0;
}

static int parse_peer(const char *out, double *t, long *rmax, double *err, long *rss) {
  const char *p = strstr(out, "\"time_s\":");
  const char *q = strstr(out, "\"ranks\": [");
  const char *e = strstr(out, "\"rel_error\":");
  const char *m = strstr(out, "\"maxrss_kb\":");
  if (!p || !q || !e || !m) return -1;
  *t = atof(p + 9);
  *err = atof(e + 12);
  *rss = atol(m + 12);
  *rmax = 0;
  for (q += 10; *q && *q != ']';) {
    long v = strtol(q, (char **)&q, 10);
    if (v > *rmax) *rmax = v;
    while (*q == ',' || *q == ' ') q++;
  }
  return 0;
}

int bench_tt(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "--child")) return child(argc, argv);
  int sizes[8] = {20, 24}, nsizes = 2, dense_max = 20, gesdd = 1;
  double eps = 1e-6;
  const char *python = "/usr/bin/python3", *peer = NULL, *tmpdir = "/tmp";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help")) return usage(stdout);
    if (!strcmp(a, "--no-gesdd")) {
      gesdd = 0;
      continue;
    }
    if (i + 1 >= argc) return usage(stderr);
    const char *v = argv[++i];
    if (!strcmp(a, "--sizes")) {
      nsizes = 0;
      for (char *p = (char *)v; *p && nsizes < 8;) {
        sizes[nsizes++] = (int)strtol(p, &p, 10);
        if (*p == ',') p++;
        else if (*p) return usage(stderr);
      }
      for (int k = 0; k < nsizes; k++)
        if (sizes[k] < 4 || sizes[k] > 30) return app_usage_error(bprog, "--sizes must be in 4..30");
    } else if (!strcmp(a, "--eps")) eps = atof(v);
    else if (!strcmp(a, "--dense-max")) dense_max = atoi(v);
    else if (!strcmp(a, "--python")) python = v;
    else if (!strcmp(a, "--peer")) peer = v;
    else if (!strcmp(a, "--tmp")) tmpdir = v;
    else return usage(stderr);
  }
  char peerbuf[4096];
  if (!peer) {
    const char *src = getenv("top_srcdir");
    snprintf(peerbuf, sizeof peerbuf, "%s/tests/peers/tt_svd.py", src ? src : ".");
    peer = peerbuf;
  }
  int have_peer = access(peer, R_OK) == 0;
  if (!have_peer) fprintf(stderr, "%s: %s not found: numpy peers skipped (use --peer)\n", bprog, peer);
  char self[4096];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  if (sl <= 0) return app_usage_error(bprog, "cannot locate /proc/self/exe");
  self[sl] = 0;
  printf("qclr-bench tt: dense TT-SVD, eps %g (equal eps; dense random also at equal max rank 16)\n", eps);
  printf("times in s measured in this run; peak = child ru_maxrss / input bytes\n");
  printf("%-14s %5s %6s %8s %8s %8s %7s %7s %6s %6s %6s\n", "case", "rmax", "rmax_np", "qclr_s", "np_gram",
         "np_gesdd", "x_gram", "x_gesdd", "peakq", "peakg", "peaks");
  unsigned long long seed = 2024;
  for (int si = 0; si < nsizes; si++) {
    int n = sizes[si];
    struct {
      const char *name;
      int bond;
      long cap;
    } cases[4] = {{"mps16", 16, 0}, {"mps64", 64, 0}, {"dense", 0, 0}, {"dense-r16", 0, 16}};
    for (int ci = 0; ci < 4; ci++) {
      if (cases[ci].bond == 0 && n > dense_max) continue;
      char path[4200];
      snprintf(path, sizeof path, "%s/qclr-bench-tt-%d-%s.npy", tmpdir, (int)getpid(), cases[ci].name);
      int rc = make_input(path, n, cases[ci].bond, &seed);
      if (rc) return app_fail(bprog, rc);
      double in_kb = (double)((int64_t)8 << n) / 1024.0;
      char epsb[32], capb[32], out[8192];
      snprintf(epsb, sizeof epsb, "%.17g", eps);
      snprintf(capb, sizeof capb, "%ld", cases[ci].cap);
      char *qa[] = {self, "tt", "--child", path, epsb, capb, "0", NULL};
      long rq = 0, rg = 0, rs = 0, rmaxq = 0, rmaxg = 0, rmaxs = 0;
      double tq = NAN, tg = NAN, ts = NAN, eq = NAN, eg = NAN, es = NAN;
      int st = run_child(qa, out, sizeof out, &rq);
      if (st != 0 || sscanf(out, "%lf %ld %lf", &tq, &rmaxq, &eq) != 3) {
        fprintf(stderr, "%s: qclr child failed (status %d)\n", bprog, st);
        remove(path);
        return APP_EXIT_NUMERIC;
      }
      if (have_peer) {
        char *ga[] = {(char *)python, (char *)peer, "--kernel", "gram", "--eps", epsb, "--max-rank", capb, path, NULL};
        if (run_child(ga, out, sizeof out, &rg) == 0) parse_peer(out, &tg, &rmaxg, &eg, &rg);
        if (gesdd) {
          char *sa[] = {(char *)python, (char *)peer, "--kernel", "gesdd", "--eps", epsb, "--max-rank", capb, path, NULL};
          if (run_child(sa, out, sizeof out, &rs) == 0) parse_peer(out, &ts, &rmaxs, &es, &rs);
        }
      }
      char name[32];
      snprintf(name, sizeof name, "2^%d %s", n, cases[ci].name);
      printf("%-14s %5ld %6ld %8.3f %8.3f %8.3f %7.2f %7.2f %6.2f %6.2f %6.2f\n", name, rmaxq, rmaxg, tq, tg, ts,
             tg / tq, ts / tq, rq / in_kb, rg / in_kb, rs / in_kb);
      fflush(stdout);
      if (have_peer && rmaxg != rmaxq)
        fprintf(stderr, "%s: note: %s max rank qclr %ld vs numpy gram %ld\n", bprog, name, rmaxq, rmaxg);
      remove(path);
    }
  }
  return 0;
}

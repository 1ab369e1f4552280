/* apps/bench_fcidump.c: `qclr-bench fcidump` -- FCIDUMP read speed of qclr
 * against a numpy reader (tests/peers/fcidump_numpy.py), same file, same run.
 *
 * A valid FCIDUMP with N orbitals (default 60: 1.68 M lines, 8-fold unique
 * elements, Psi4's "%28.20E%4d%4d%4d%4d" layout) is generated in a mkdtemp
 * directory, read by both (best of --reps), checked for equal checksums, and
 * removed. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"
#include "json.h"

static const char *prog = "qclr-bench fcidump";

static double next_value(unsigned long long *state) {
  unsigned long long z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  double u = (double)(z >> 11) / 9007199254740992.0;         /* [0, 1) */
  double mag = pow(10.0, -8.0 * (double)((z >> 3) & 255) / 255.0); /* 1e-8 .. 1 */
  return (u - 0.5) * 2.0 * mag;
}

static int generate(const char *path, int N, size_t *bytes, int64_t *lines) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "%s: cannot create %s: %s\n", prog, path, strerror(errno));
    return -1;
  }
  unsigned long long seed = 2024;
  int64_t n = 4;
  fprintf(f, "&FCI\nNORB=%d,\nNELEC=%d,\nMS2=0,\nUHF=.FALSE.,\nORBSYM=", N, N < 10 ? N : 10);
  for (int p = 0; p < N; p++) fprintf(f, "1,");
  fprintf(f, "\nISYM=1,\n&END\n");
  n += 5;
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++)
      for (int r = 0; r <= p; r++)
        for (int s = 0; s <= r; s++) {
          if (r * (r + 1) / 2 + s > p * (p + 1) / 2 + q) break;
          double v = next_value(&seed);
          if (p == q && q == r && r == s) v = fabs(v) + 0.5;
          fprintf(f, "%28.20E%4d%4d%4d%4d\n", v, p + 1, q + 1, r + 1, s + 1);
          n++;
        }
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++, n++)
      fprintf(f, "%28.20E%4d%4d%4d%4d\n", p == q ? -2.0 - next_value(&seed) : next_value(&seed), p + 1,
              q + 1, 0, 0);
  fprintf(f, "%28.20E%4d%4d%4d%4d\n", 9.1681932964, 0, 0, 0, 0);
  n++;
  long end = ftell(f);
  int bad = ferror(f);
  if (fclose(f) != 0 || bad || end < 0) {
    fprintf(stderr, "%s: cannot write %s\n", prog, path);
    return -1;
  }
  *bytes = (size_t)end;
  *lines = n;
  return 0;
}

/* Single-quote s for /bin/sh. */
static void shell_quote(char *out, size_t size, const char *s) {
  size_t k = 0;
  if (k + 1 < size) out[k++] = '\'';
  for (; *s && k + 5 < size; s++) {
    if (*s == '\'') {
      memcpy(out + k, "'\\''", 4);
      k += 4;
    } else {
      out[k++] = *s;
    }
  }
  if (k + 1 < size) out[k++] = '\'';
  out[k] = '\0';
}

static const char *find_peer(const char *given) {
  static char buf[4096];
  if (given) return given;
  const char *dirs[] = {getenv("top_srcdir"), getenv("QCLR_SRCDIR"), ".", ".."};
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    if (!dirs[i] || !*dirs[i]) continue;
    snprintf(buf, sizeof buf, "%s/tests/peers/fcidump_numpy.py", dirs[i]);
    if (access(buf, R_OK) == 0) return buf;
  }
  return NULL;
}

/* Pull "key": number out of the peer's one-line JSON. */
static int json_number(const char *text, const char *key, double *out) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(text, pat);
  if (!p) return -1;
  char *end;
  *out = strtod(p + strlen(pat), &end);
  return end == p + strlen(pat) ? -1 : 0;
}

static void usage(void) {
  printf("usage: qclr-bench fcidump [options]\n\n"
         "Generate a valid FCIDUMP (8-fold unique elements, Psi4 layout) in a temporary\n"
         "directory and report the read speed of qclr and of the numpy peer\n"
         "tests/peers/fcidump_numpy.py (np.loadtxt + N^4 fill), best of --reps each.\n\n"
         "options:\n"
         "  --norb N        orbitals (default 60: about 1.7 million lines)\n"
         "  --reps K        repetitions, best time kept (default 3)\n"
         "  --python PATH   interpreter with numpy (default $PYTHON_NUMPY, else /usr/bin/python3)\n"
         "  --peer PATH     peer script (default $top_srcdir/tests/peers/fcidump_numpy.py)\n"
         "  --no-peer       measure qclr only\n"
         "  --json FILE     write the results as JSON (- = stdout)\n"
         "  --help\n");
}

int bench_fcidump(int argc, char **argv) {
  long long norb = 60, reps = 3;
  const char *python = getenv("PYTHON_NUMPY"), *peer_opt = NULL, *json_path = NULL;
  int no_peer = 0;
  if (!python || !*python) python = "/usr/bin/python3";
  static const struct option longopts[] = {
      {"norb", required_argument, NULL, 'n'},   {"reps", required_argument, NULL, 'r'},
      {"python", required_argument, NULL, 'p'}, {"peer", required_argument, NULL, 'P'},
      {"no-peer", no_argument, NULL, 'x'},      {"json", required_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "n:r:p:P:xj:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (app_parse_int(prog, "--norb", optarg, 1, 200, &norb)) return APP_EXIT_USAGE;
      break;
    case 'r':
      if (app_parse_int(prog, "--reps", optarg, 1, 100, &reps)) return APP_EXIT_USAGE;
      break;
    case 'p': python = optarg; break;
    case 'P': peer_opt = optarg; break;
    case 'x': no_peer = 1; break;
    case 'j': json_path = optarg; break;
    case 'h': usage(); return 0;
    default: return app_usage_error(prog, "unknown option");
    }
  }
  if (optind != argc) return app_usage_error(prog, "unexpected argument '%s'", argv[optind]);

  const char *tmpbase = getenv("TMPDIR");
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/qclr-bench-fcidump.XXXXXX", tmpbase && *tmpbase ? tmpbase : "/tmp");
  if (!mkdtemp(dir)) {
    fprintf(stderr, "%s: cannot create a temporary directory: %s\n", prog, strerror(errno));
    return APP_EXIT_USAGE;
  }
  snprintf(path, sizeof path, "%s/bench.fcidump", dir);
  int status = 0;
  size_t bytes = 0;
  int64_t lines = 0;
  double t_qclr = INFINITY, t_peer = NAN, eri_sum = 0, h_sum = 0;
  double peer_eri = NAN, peer_h = NAN;
  const char *peer = NULL;
  if (generate(path, (int)norb, &bytes, &lines)) {
    status = APP_EXIT_USAGE;
    goto cleanup;
  }
  for (long long r = 0; r < reps; r++) {
    qclr_hamiltonian *H = NULL;
    double t0 = app_seconds();
    int rc = qclr_fcidump_read(path, NULL, &H, NULL);
    double t = app_seconds() - t0;
    if (rc) {
      status = app_fail(prog, rc);
      goto cleanup;
    }
    if (t < t_qclr) t_qclr = t;
    if (r == 0) {
      int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
      const double *V = qclr_hamiltonian_vpair(H), *h = qclr_hamiltonian_h(H);
      for (int64_t p = 0, a = 0; p < N; p++)
        for (int64_t q = 0; q <= p; q++, a++)
          for (int64_t rr = 0, b = 0; rr < N; rr++)
            for (int64_t s = 0; s <= rr; s++, b++)
              eri_sum += V[a * np + b] * (p == q ? 1 : 2) * (rr == s ? 1 : 2);
      for (int64_t k = 0; k < N * N; k++) h_sum += h[k];
    }
    qclr_hamiltonian_free(H);
  }
  if (!no_peer && !(peer = find_peer(peer_opt)))
    fprintf(stderr, "%s: peer script tests/peers/fcidump_numpy.py not found (set top_srcdir or "
                    "--peer); measuring qclr only\n", prog);
  if (!no_peer && peer) {
    char qpy[4200], qpeer[4200], qpath[4400], cmd[13000];
    shell_quote(qpy, sizeof qpy, python);
    shell_quote(qpeer, sizeof qpeer, peer);
    shell_quote(qpath, sizeof qpath, path);
    snprintf(cmd, sizeof cmd, "%s %s %s %lld", qpy, qpeer, qpath, reps);
    FILE *pp = popen(cmd, "r");
    char out[4096] = "";
    size_t got = pp ? fread(out, 1, sizeof out - 1, pp) : 0;
    out[got] = '\0';
    int prc = pp ? pclose(pp) : -1;
    if (prc != 0 || json_number(out, "seconds", &t_peer) || json_number(out, "eri_sum", &peer_eri) ||
        json_number(out, "h_sum", &peer_h)) {
      fprintf(stderr, "%s: the numpy peer failed (%s); measuring qclr only\n", prog, cmd);
      t_peer = NAN;
    }
  }
  double mb = (double)bytes / 1e6;
  printf("qclr-bench fcidump: NORB = %lld, %lld lines, %.1f MB (8-fold, Psi4 layout), best of %lld\n",
         norb, (long long)lines, mb, reps);
  printf("%-34s %10s %10s\n", "reader", "seconds", "MB/s");
  printf("%-34s %10.3f %10.1f\n", "qclr_fcidump_read", t_qclr, mb / t_qclr);
  int agree = 1;
  if (isfinite(t_peer)) {
    printf("%-34s %10.3f %10.1f\n", "numpy (np.loadtxt + N^4 fill)", t_peer, mb / t_peer);
    printf("speedup qclr / numpy: %.1fx\n", t_peer / t_qclr);
    agree = fabs(peer_eri - eri_sum) <= 1e-9 * fmax(1.0, fabs(eri_sum)) &&
            fabs(peer_h - h_sum) <= 1e-9 * fmax(1.0, fabs(h_sum));
    printf("checksums agree (sum of all (pq|rs) and h_pq, 1e-9 relative): %s\n", agree ? "yes" : "NO");
    if (!agree) status = APP_EXIT_NUMERIC;
  }
  if (json_path) {
    app_json *j = app_json_new();
    app_json_begin_object(j, NULL);
    app_json_int(j, "norb", norb);
    app_json_int(j, "lines", lines);
    app_json_int(j, "bytes", (int64_t)bytes);
    app_json_int(j, "reps", reps);
    app_json_double(j, "qclr_seconds", t_qclr);
    app_json_double(j, "qclr_mb_per_s", mb / t_qclr);
    app_json_double_or_null(j, "numpy_seconds", t_peer); /* NaN: no peer measured */
    app_json_double_or_null(j, "numpy_mb_per_s", mb / t_peer);
    app_json_double_or_null(j, "speedup", t_peer / t_qclr);
    app_json_bool(j, "checksums_agree", agree);
    app_json_end_object(j);
    int rc = app_json_write(j, json_path);
    app_json_free(j);
    if (rc) status = app_fail(prog, rc);
  }
cleanup:
  remove(path);
  rmdir(dir);
  return status;
}

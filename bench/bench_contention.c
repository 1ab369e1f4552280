/* bench/bench_contention.c: `qclr-bench contention`: the apps beside busy
 * processes.  The bench starts its own busy processes (pure CPU loops that
 * stop by themselves after --busy-seconds and are killed by PID at the end),
 * then runs qclr-factor, qclr-fci, qclr-groups and qclr-tt with default
 * settings (no OMP_* / GOMP_* / OPENBLAS_* variables), with OMP_NUM_THREADS=1
 * and with OMP_NUM_THREADS=2, interleaved, and prints the wall times of the
 * whole processes (best and median of --reps) and their ratios to the
 * 1-thread run.  Issue 16's rule: default <= 1.25 x 1-thread under load. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"

static const char *cprog = "qclr-bench contention";

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A busy process: spins until `seconds` have passed (alarm() as a backstop),
 * then exits by itself. */
static pid_t start_busy(double seconds) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid != 0) return pid;
  alarm((unsigned)seconds + 2);
  double t_end = now() + seconds;
  volatile double x = 1.0;
  for (;;) {
    for (int i = 0; i < 1000000; i++) x = x * 1.0000001 + 1e-9;
    if (now() > t_end) _exit(0);
  }
}

/* One run of argv with the environment modified by mode (0 default: the OMP,
 * GOMP and OpenBLAS thread variables removed; k > 0: OMP_NUM_THREADS=k);
 * stdout/stderr to /dev/null.  Wall seconds, or -1 if it failed. */
static double run_once(char *const argv[], int mode) {
  fflush(NULL);
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    static const char *drop[] = {"OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS",
                                 "OMP_DYNAMIC", "OMP_PROC_BIND", "OMP_PLACES", "GOTO_NUM_THREADS",
                                 "OMP_THREAD_LIMIT", NULL};
    for (int i = 0; drop[i]; i++) unsetenv(drop[i]);
    if (mode > 0) {
      char b[16];
      snprintf(b, sizeof b, "%d", mode);
      setenv("OMP_NUM_THREADS", b, 1);
    }
    if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
    execv(argv[0], argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  double t = now() - t0;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : -1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void print_load(const char *when) {
  char buf[128] = "?";
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (!fgets(buf, sizeof buf, f)) strcpy(buf, "?\n");
    fclose(f);
  }
  printf("# load (/proc/loadavg) %s: %s", when, buf);
}

enum { NMODE = 3, MAXREP = 64 };

int bench_contention(int argc, char **argv) {
  const char *bindir = NULL, *src = getenv("top_srcdir");
  int reps = 5, busy = -1;
  double busy_seconds = 0;
  enum { O_BIN = 1000, O_SRC, O_REPS, O_BUSY, O_BUSYSEC };
  static const struct option lo[] = {{"bindir", required_argument, 0, O_BIN}, {"srcdir", required_argument, 0, O_SRC},
                                     {"reps", required_argument, 0, O_REPS},   {"busy", required_argument, 0, O_BUSY},
                                     {"busy-seconds", required_argument, 0, O_BUSYSEC},
                                     {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    switch (c) {
    case O_BIN: bindir = optarg; break;
    case O_SRC: src = optarg; break;
    case O_REPS: reps = atoi(optarg); break;
    case O_BUSY: busy = atoi(optarg); break;
    case O_BUSYSEC: busy_seconds = atof(optarg); break;
    case 'h':
      printf("usage: %s [--reps R] [--busy K] [--busy-seconds S] [--bindir DIR] [--srcdir DIR]\n"
             "Starts K busy processes (default: the CPUs online; 0 = a quiet run), then runs qclr-factor,\n"
             "qclr-fci, qclr-groups and qclr-tt R times each (default 5), interleaved, with default\n"
             "settings, OMP_NUM_THREADS=1 and OMP_NUM_THREADS=2, and prints the wall times of the whole\n"
             "processes (best and median) and the ratios to the 1-thread run.  The busy processes stop by\n"
             "themselves after S seconds (default: estimated from a first pass, at most 600) and are\n"
             "killed by PID when the bench ends.  Apps from DIR (default $top_builddir/apps or ./apps),\n"
             "inputs from $top_srcdir/inputs (default ./inputs).\n",
             cprog);
      return 0;
    default: fprintf(stderr, "%s: usage error (see --help)\n", cprog); return APP_EXIT_USAGE;
    }
  }
  if (optind < argc || reps < 1 || reps > MAXREP || busy > 256 || busy_seconds < 0 || busy_seconds > 600) {
    fprintf(stderr, "%s: usage error: --reps 1..%d, --busy <= 256, --busy-seconds 0..600\n", cprog, MAXREP);
    return APP_EXIT_USAGE;
  }
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  if (busy < 0) busy = ncpu > 0 ? (int)ncpu : 2;
  char bdir[1024], sdir[1024];
  const char *bld = getenv("top_builddir");
  snprintf(bdir, sizeof bdir, "%s", bindir ? bindir : bld ? bld : ".");
  if (!bindir) strncat(bdir, "/apps", sizeof bdir - strlen(bdir) - 1);
  snprintf(sdir, sizeof sdir, "%s", src ? src : ".");

  /* the workloads: 0.2-0.8 s each on 1 thread, every app's main kernel */
  static const struct {
    const char *name, *app, *args[6];
  } cases[] = {
      {"factor", "qclr-factor", {"-q", "@inputs/n2_cc-pvdz.fcidump", NULL}},
      {"fci", "qclr-fci", {"-q", "@inputs/h10_chain_sto-3g.fcidump", NULL}},
      {"groups", "qclr-groups", {"-q", "@inputs/h2o_sto-3g.fcidump", NULL}},
      {"tt", "qclr-tt", {"-q", "@inputs/h2o_sto-3g.fcidump", NULL}},
  };
  enum { NCASE = sizeof cases / sizeof cases[0] };
  char store[NCASE][8][1024];
  char *av[NCASE][8];
  for (int k = 0; k < NCASE; k++) {
    int a = 0;
    snprintf(store[k][a], 1024, "%s/%s", bdir, cases[k].app);
    if (access(store[k][a], X_OK)) {
      fprintf(stderr, "%s: %s not found or not executable (use --bindir)\n", cprog, store[k][a]);
      return 1;
    }
    av[k][a] = store[k][a];
    a++;
    for (int i = 0; cases[k].args[i]; i++, a++) {
      const char *s = cases[k].args[i];
      if (s[0] == '@') {
        snprintf(store[k][a], 1024, "%s/%s", sdir, s + 1);
        if (access(store[k][a], R_OK)) {
          fprintf(stderr, "%s: %s not found (use --srcdir)\n", cprog, store[k][a]);
          return 1;
        }
      } else
        snprintf(store[k][a], 1024, "%s", s);
      av[k][a] = store[k][a];
    }
    av[k][a] = NULL;
  }
  static const int modes[NMODE] = {0, 1, 2};
  static const char *mname[NMODE] = {"default", "1 thread", "2 threads"};
  /* a first pass without load: checks that every run succeeds, sizes the busy time */
  double pass = 0;
  for (int k = 0; k < NCASE; k++)
    for (int m = 0; m < NMODE; m++) {
      double t = run_once(av[k], modes[m]);
      if (t < 0) {
        fprintf(stderr, "%s: %s failed (%s)\n", cprog, av[k][0], mname[m]);
        return 1;
      }
      pass += t;
    }
  if (busy_seconds == 0) busy_seconds = 10.0 + 4.0 * pass * reps;
  if (busy_seconds > 600) busy_seconds = 600;

  printf("# qclr-bench contention: %d busy process(es) on %ld CPU(s) online, %d reps interleaved\n", busy, ncpu,
         reps);
  printf("# wall time of the whole process (fork to exit, incl. start-up) in seconds\n");
  pid_t pids[256];
  int nb = 0;
  for (; nb < busy; nb++)
    if ((pids[nb] = start_busy(busy_seconds)) < 0) break;
  if (nb < busy) fprintf(stderr, "%s: only %d busy processes started\n", cprog, nb);
  struct timespec settle = {0, 200000000};
  nanosleep(&settle, NULL); /* let the busy processes take the CPUs */
  print_load("at start");
  double t_bench0 = now();
  static double t[NCASE][NMODE][MAXREP];
  int status = 0;
  for (int r = 0; r < reps && !status; r++)
    for (int k = 0; k < NCASE && !status; k++)
      for (int m0 = 0; m0 < NMODE; m0++) {
        int m = (m0 + r + k) % NMODE; /* rotate the order: no mode always runs first */
        t[k][m][r] = run_once(av[k], modes[m]);
        if (t[k][m][r] < 0) {
          fprintf(stderr, "%s: %s failed (%s)\n", cprog, av[k][0], mname[m]);
          status = 1;
          break;
        }
      }
  double elapsed = now() - t_bench0;
  print_load("at end");
  for (int i = 0; i < nb; i++) kill(pids[i], SIGKILL);
  for (int i = 0; i < nb; i++)
    while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {
    }
  if (status) return status;
  if (elapsed > busy_seconds)
    printf("# WARNING: the busy processes stopped after %.0f s, before the last runs (%.0f s): raise --busy-seconds\n",
           busy_seconds, elapsed);
  printf("%-8s %10s %10s %10s %10s %10s %10s   %s\n", "app", "default", "1-thread", "2-thread", "def/1t",
         "2t/1t", "def/1t", "");
  printf("%-8s %10s %10s %10s %10s %10s %10s\n", "", "best", "best", "best", "best", "best", "median");
  int worst_ok = 1;
  for (int k = 0; k < NCASE; k++) {
    double best[NMODE], med[NMODE];
    for (int m = 0; m < NMODE; m++) {
      double s[MAXREP];
      memcpy(s, t[k][m], sizeof(double) * (size_t)reps);
      qsort(s, (size_t)reps, sizeof(double), cmp_double);
      best[m] = s[0];
      med[m] = reps % 2 ? s[reps / 2] : 0.5 * (s[reps / 2 - 1] + s[reps / 2]);
    }
    double rb = best[0] / best[1], rm = med[0] / med[1];
    if (busy > 0 && (rb > 1.25 || rm > 1.25)) worst_ok = 0;
    printf("%-8s %10.4f %10.4f %10.4f %10.2f %10.2f %10.2f   %s\n", cases[k].name, best[0], best[1], best[2], rb,
           best[2] / best[1], rm, av[k][1 + (av[k][2] != NULL)]);
  }
  if (busy > 0)
    printf("# default <= 1.25 x 1-thread (best and median): %s\n", worst_ok ? "yes" : "NO");
  return 0;
}

/* tests/api_robust.c: driver of the generated API robustness test (see
 * tests/gen_api_robust.py).  `api_robust --list` prints the functions the
 * generated calls cover (tests/api_robust.sh compares them with the
 * library's exported symbols); without arguments it runs every call in a
 * fresh temporary directory and exits 1 if any bad call was accepted or an
 * accessor did not return its safe value. */
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api_robust.h"

int api_robust_failures = 0;
long api_robust_calls = 0;
static int api_robust_functions = 0;
static const char *current_fn = "";

/* Each function's calls run in a child process, so that one crash is
 * reported with its function's name and the others still run. */
void api_robust_one(const char *fn, void (*calls)(void)) {
  current_fn = fn;
  if (getenv("API_ROBUST_VERBOSE")) printf("%s\n", fn);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("api_robust: fork");
    exit(99);
  }
  if (pid == 0) {
    calls();
    qclr_set_threads(0);
    fflush(stdout);
    _exit(api_robust_failures > 125 ? 125 : api_robust_failures);
  }
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) {
    perror("api_robust: waitpid");
    exit(99);
  }
  if (WIFSIGNALED(st)) {
    printf("FAIL %s: killed by signal %d\n", fn, WTERMSIG(st));
    api_robust_failures++;
  } else if (WEXITSTATUS(st) == 99) {
    exit(99);
  } else if (WEXITSTATUS(st) != 0) {
    /* a sanitizer's report ends the child with its own status */
    api_robust_failures += WEXITSTATUS(st) <= 125 ? WEXITSTATUS(st) : 1;
  }
  api_robust_functions++;
}

void api_robust_fail(const char *fn, const char *label, const char *what) {
  api_robust_failures++;
  printf("FAIL %s(%s): %s\n", fn, label, what);
}

void fx_die(const char *what, int rc) {
  printf("ERROR: fixture %s failed (rc %d: %s) while testing %s\n", what, rc, qclr_last_error(), current_fn);
  exit(99);
}

#define NSCRATCH 16
#define SCRATCH_BYTES (1u << 20)
void *fx_scratch(int i) {
  static double *buf[NSCRATCH];
  if (i < 0 || i >= NSCRATCH) fx_die("scratch index", i);
  if (!buf[i] && !(buf[i] = malloc(SCRATCH_BYTES))) fx_die("scratch", 0);
  memset(buf[i], 0, SCRATCH_BYTES);
  return buf[i];
}

const double *fx_identity(void) {
  static double id[4096];
  id[0] = id[3] = 1.0;
  return id;
}

static long serial = 0;
const char *fx_path(void) {
  static char p[8][64];
  char *s = p[serial % 8];
  snprintf(s, 64, "f%ld.out", serial++);
  return s;
}
const char *fx_dir(void) {
  static char p[8][64];
  char *s = p[serial % 8];
  snprintf(s, 64, "d%ld", serial++);
  return s;
}
const char *fx_text(void) { return "&FCI NORB=1,NELEC=2,MS2=0,\n&END\n 1.0 1 1 1 1\n-1.0 1 1 0 0\n"; }

static int op_diag(void *ctx, double *d) {
  (void)ctx;
  for (int i = 0; i < 3; i++) d[i] = 1.0;
  return 0;
}
static int op_columns(void *ctx, int64_t ncol, const int64_t *cols, double *out) {
  (void)ctx;
  for (int64_t c = 0; c < ncol; c++)
    for (int64_t i = 0; i < 3; i++) out[c * 3 + i] = i == cols[c] ? 1.0 : 0.0;
  return 0;
}
void fx_pair_operator(qclr_pair_operator *op) {
  memset(op, 0, sizeof *op);
  op->n = 3;
  op->diag = op_diag;
  op->columns = op_columns;
}

#define FX(call, what)                                                                               \
  do {                                                                                               \
    int rc_ = (call);                                                                                \
    if (rc_ < 0) fx_die(what, rc_);                                                                  \
  } while (0)

qclr_hamiltonian *fx_hamiltonian(void) {
  qclr_hamiltonian *H = NULL;
  FX(qclr_hubbard(2, 1, 1.0, 4.0, 0, 2, &H), "hubbard");
  return H;
}
qclr_lowrank *fx_lowrank(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_lowrank *lr = NULL;
  FX(qclr_cholesky_compute(H, NULL, &lr), "cholesky");
  qclr_hamiltonian_free(H);
  return lr;
}
qclr_df *fx_df(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_lowrank *lr = fx_lowrank();
  qclr_df *df = NULL;
  FX(qclr_df_compute(H, lr, NULL, &df), "df");
  qclr_lowrank_free(lr);
  qclr_hamiltonian_free(H);
  return df;
}
qclr_thc *fx_thc(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_df *df = fx_df();
  qclr_thc *t = NULL;
  FX(qclr_thc_from_df(H, df, 1, NULL, &t), "thc");
  qclr_df_free(df);
  qclr_hamiltonian_free(H);
  return t;
}
qclr_fci *fx_fci(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_fci *f = NULL;
  FX(qclr_fci_solve(H, NULL, &f), "fci");
  qclr_hamiltonian_free(H);
  return f;
}
qclr_fci_op *fx_fci_op(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_fci_op *op = NULL;
  FX(qclr_fci_op_new(H, &op), "fci_op");
  qclr_hamiltonian_free(H);
  return op;
}
qclr_givens *fx_givens(void) {
  const double c = cos(0.3), s = sin(0.3);
  const double m[4] = {c, -s, s, c};
  qclr_givens *g = NULL;
  FX(qclr_givens_decompose(2, m, &g), "givens");
  return g;
}
qclr_pauli_sum *fx_pauli_sum(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_pauli_sum *p = NULL;
  FX(qclr_pauli_from_hamiltonian(H, 1e-12, &p), "pauli");
  qclr_hamiltonian_free(H);
  return p;
}
qclr_groups *fx_groups(void) {
  qclr_hamiltonian *H = fx_hamiltonian();
  qclr_df *df = fx_df();
  qclr_groups *gs = NULL;
  FX(qclr_groups_from_df(H, df, NULL, &gs), "groups");
  qclr_df_free(df);
  qclr_hamiltonian_free(H);
  return gs;
}
qclr_tt *fx_tt(void) {
  double x[8] = {0.1, -0.4, 0.3, 0.2, 0.5, -0.1, 0.7, 0.25};
  const int64_t dims[3] = {2, 2, 2};
  qclr_tt *tt = NULL;
  FX(qclr_tt_svd(x, 3, dims, NULL, &tt, NULL), "tt");
  return tt;
}
static const double h2_xyz[6] = {0, 0, 0, 0, 0, 1.4};
qclr_sto3g_eri *fx_sto3g_eri(void) {
  qclr_sto3g_eri *e = NULL;
  FX(qclr_sto3g_eri_new(2, h2_xyz, &e), "sto3g_eri");
  return e;
}
qclr_hydrogen_factors *fx_hydrogen_factors(void) {
  qclr_hydrogen_factors *f = NULL;
  FX(qclr_hydrogen_cholesky(2, h2_xyz, 2, NULL, &f), "hydrogen_cholesky");
  return f;
}
qclr_output_dir *fx_output_dir(void) {
  qclr_output_dir *d = NULL;
  FX(qclr_output_dir_begin(fx_dir(), &d), "output_dir");
  return d;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--list") == 0) {
    for (int i = 0; api_robust_covered[i]; i++) puts(api_robust_covered[i]);
    return 0;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  char dir[] = "/tmp/api_robust.XXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) {
    perror("api_robust: temporary directory");
    return 99;
  }
  api_robust_run();
  qclr_set_threads(0);
  int n = 0;
  while (api_robust_covered[n]) n++;
  printf("api_robust: %d functions (%d run), %d failures\n", n, api_robust_functions, api_robust_failures);
  if (chdir("/") == 0) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "api_robust: could not remove %s\n", dir);
  }
  return api_robust_failures ? 1 : 0;
}

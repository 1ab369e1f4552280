/* tests/test_threads.c: qclr_set_threads / qclr_get_threads and
 * qclr_threads_idle (include/qclr/threads.h).  Reference for the idle count:
 * its definition.  With as many busy processes as CPUs online no CPU is idle,
 * so the answer must be 1, whatever else runs; it never exceeds the CPUs of
 * the affinity mask nor omp_get_max_threads(), and is never below 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "qclr.h"
#include "testutil.h"

static int max_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

int main(void) {
  /* the per-thread setting */
  CHECK(qclr_get_threads() == 0, "initial setting %d", qclr_get_threads());
  CHECK_RC(qclr_set_threads(3), 0);
  CHECK(qclr_get_threads() == 3, "after set 3: %d", qclr_get_threads());
  CHECK_RC(qclr_set_threads(-1), QCLR_EINVAL);
  CHECK(qclr_get_threads() == 3, "a refused value changed the setting: %d", qclr_get_threads());
  CHECK_RC(qclr_set_threads(0), 0);

  /* bounds */
  int naff = max_threads();
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) naff = CPU_COUNT(&set);
#endif
  int idle = qclr_threads_idle();
  CHECK(idle >= 1 && idle <= max_threads() && idle <= naff, "idle %d, omp max %d, affinity %d", idle,
        max_threads(), naff);
  CHECK(!strcmp(qclr_last_error(), ""), "message after a call that cannot fail: %s", qclr_last_error());
#ifdef _OPENMP
  int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  CHECK(qclr_threads_idle() == 1, "omp_get_max_threads() = 1 but %d", qclr_threads_idle());
  omp_set_num_threads(saved);
#endif

#ifdef __linux__
  /* as many busy processes as CPUs online: none idle */
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online >= 1 && online <= 64) {
    pid_t pid[64];
    int started = 0;
    for (; started < online; started++) {
      pid[started] = fork();
      if (pid[started] < 0) break;
      if (pid[started] == 0) {
        alarm(20); /* backstop: the parent kills us by PID well before */
        volatile unsigned long x = 0;
        for (;;) x++;
      }
    }
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
    int busy_idle = qclr_threads_idle();
    for (int i = 0; i < started; i++) kill(pid[i], SIGKILL);
    for (int i = 0; i < started; i++)
      while (waitpid(pid[i], NULL, 0) < 0 && errno == EINTR) {
      }
    if (started == online)
      CHECK(busy_idle == 1, "%ld busy processes on %ld CPUs, yet %d idle", online, online, busy_idle);
  }
#endif
  return test_done("test_threads");
}

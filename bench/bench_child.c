/* apps/bench_child.c: run a function in a forked child and copy its result
 * back through a pipe, for benchmarks that want a child's own peak memory
 * (ru_maxrss from wait4) or want to keep large temporaries out of the parent's
 * heap (which later children would inherit). */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int bench_in_child(void (*fn)(const void *arg, void *res), const void *arg, void *res, size_t size,
                   long *maxrss_kb) {
  int fd[2];
  if (maxrss_kb) *maxrss_kb = 0;
  fflush(stdout);
  fflush(stderr);
  if (pipe(fd)) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    close(fd[0]);
    fn(arg, res);
    const char *p = res;
    size_t left = size;
    while (left) {
      ssize_t w = write(fd[1], p, left);
      if (w <= 0) break;
      p += w;
      left -= (size_t)w;
    }
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  char *p = res;
  size_t got = 0;
  while (got < size) {
    ssize_t k = read(fd[0], p + got, size - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  close(fd[0]);
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) return -1;
  if (maxrss_kb) *maxrss_kb = ru.ru_maxrss;
  if (got != size || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return 0;
}

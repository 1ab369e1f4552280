/* src/core/memory.c: how much memory this process may still use.
 *
 * Up-front refusals (a Hamiltonian or an FCI space that cannot fit) compare
 * their estimate with the smallest of: physical memory, the address-space
 * limit (RLIMIT_AS, less what is already mapped), and the memory limit of
 * the process's cgroup (v2 memory.max, or v1 memory.limit_in_bytes, less
 * its current usage).  Without this a job in a 200 MB container was
 * OOM-killed (exit 137, no message) instead of refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/internal.h"

/* First unsigned number in a small file; 0 if absent or "max". */
static size_t read_number(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  unsigned long long v = 0;
  if (fscanf(f, "%llu", &v) != 1) v = 0;
  fclose(f);
  return (size_t)v;
}

/* The cgroup path of this process for controller `ctl` ("" = v2 unified). */
static int cgroup_path(const char *ctl, char *out, size_t n) {
  FILE *f = fopen("/proc/self/cgroup", "r");
  if (!f) return 0;
  char line[1024];
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) {
    /* "hierarchy-id:controllers:path" */
    char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
    if (!b) continue;
    *b = '\0';
    const char *ctls = a + 1, *path = b + 1;
    path = path[0] ? path : "/";
    int match = ctl[0] ? strstr(ctls, ctl) != NULL : ctls[0] == '\0';
    if (match) {
      snprintf(out, n, "%s", path);
      out[strcspn(out, "\n")] = '\0';
      found = 1;
    }
  }
  fclose(f);
  return found;
}

size_t qclr__memory_available(const char **source) {
  size_t best = 0;
  const char *why = "physical memory";
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  if (pages > 0 && psz > 0 && (size_t)pages <= SIZE_MAX / (size_t)psz) best = (size_t)pages * (size_t)psz;
#endif
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    size_t lim = (size_t)rl.rlim_cur, used = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long vm = 0;
    if (f) {
      if (fscanf(f, "%llu", &vm) == 1) used = (size_t)vm * (size_t)sysconf(_SC_PAGESIZE);
      fclose(f);
    }
    size_t avail = lim > used ? lim - used : 0;
    if (!best || avail < best) best = avail, why = "the address-space limit (ulimit -v)";
  }
  /* cgroup limits: the process's own group, and the root of the mount as a
   * container sees it (the /proc/self/cgroup path may not exist inside a
   * cgroup namespace); v2 (unified, also /sys/fs/cgroup/unified in hybrid
   * set-ups) and v1.  The smallest limit found binds. */
  char v2[900] = "", v1[900] = "";
  if (!cgroup_path("", v2, sizeof v2) || !strcmp(v2, "/")) v2[0] = '\0';
  if (!cgroup_path("memory", v1, sizeof v1) || !strcmp(v1, "/")) v1[0] = '\0';
  const char *fmt[][3] = {
      {"/sys/fs/cgroup%s/memory.max", "/sys/fs/cgroup%s/memory.current", "v2"},
      {"/sys/fs/cgroup/unified%s/memory.max", "/sys/fs/cgroup/unified%s/memory.current", "v2"},
      {"/sys/fs/cgroup/memory%s/memory.limit_in_bytes", "/sys/fs/cgroup/memory%s/memory.usage_in_bytes", "v1"}};
  for (int k = 0; k < 3; k++)
    for (int own = 0; own < 2; own++) {
      const char *sub = own ? (fmt[k][2][1] == '2' ? v2 : v1) : "";
      if (own && !sub[0]) continue;
      char p[1024];
      snprintf(p, sizeof p, fmt[k][0], sub);
      size_t lim = read_number(p);
      if (!lim || lim >= ((size_t)1 << 60)) continue; /* absent, "max", or v1's "no limit" */
      snprintf(p, sizeof p, fmt[k][1], sub);
      size_t cur = read_number(p), avail = lim > cur ? lim - cur : 0;
      if (!best || avail < best) best = avail, why = "the cgroup memory limit";
    }
  if (source) *source = why;
  return best;
}

int qclr__memory_check(size_t bytes, const char *what) {
  const char *limit = NULL;
  size_t avail = qclr__memory_available(&limit);
  if (avail > 0 && bytes > avail)
    return qclr__error(QCLR_ETOOLARGE, "%s needs %zu bytes (%.3g GiB), more than the %zu bytes (%.3g GiB) left under %s",
                       what, bytes, (double)bytes / 1073741824.0, avail, (double)avail / 1073741824.0, limit);
  return 0;
}

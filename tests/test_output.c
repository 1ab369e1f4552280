/* tests/test_output.c: outputs appear whole or not at all, never through a
 * planted symlink, never replacing special files (include/qclr/output.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qclr.h"
#include "testutil.h"

static char dir[] = "/tmp/qclr-test-output-XXXXXX";

static char *path(const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static char *slurp_text(const char *p) {
  FILE *f = fopen(p, "rb");
  if (!f) return NULL;
  char *b = calloc(1, 4096);
  size_t n = b ? fread(b, 1, 4095, f) : 0;
  (void)n;
  fclose(f);
  return b;
}

/* number of entries in d other than . and .. */
static int count_entries(const char *d) {
  DIR *dp = opendir(d);
  int n = 0;
  struct dirent *e;
  while (dp && (e = readdir(dp)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  if (dp) closedir(dp);
  return n;
}

static void test_regular(void) {
  CHECK_RC(qclr_write_file(path("a.txt"), "hello\n", 6), 0);
  char *t = slurp_text(path("a.txt"));
  CHECK(t && !strcmp(t, "hello\n"), "content written");
  free(t);
  CHECK(count_entries(dir) == 1, "a temporary file was left behind (%d entries)", count_entries(dir));
  struct stat st;
  mode_t um = umask(022);
  umask(um);
  CHECK(stat(path("a.txt"), &st) == 0 && (st.st_mode & 0777) == (0666 & ~um), "mode %o, want %o",
        (unsigned)(st.st_mode & 0777), (unsigned)(0666 & ~um));
  /* an existing file keeps its permissions */
  chmod(path("a.txt"), 0600);
  CHECK_RC(qclr_write_file(path("a.txt"), "again\n", 6), 0);
  CHECK(stat(path("a.txt"), &st) == 0 && (st.st_mode & 0777) == 0600, "replaced file mode %o, want 600",
        (unsigned)(st.st_mode & 0777));
  /* a symlink destination: the link stays, its target is replaced */
  CHECK(symlink("a.txt", path("link.txt")) == 0, "symlink");
  CHECK_RC(qclr_write_file(path("link.txt"), "via link\n", 9), 0);
  struct stat lst;
  CHECK(lstat(path("link.txt"), &lst) == 0 && S_ISLNK(lst.st_mode), "the symlink was replaced");
  t = slurp_text(path("a.txt"));
  CHECK(t && !strcmp(t, "via link\n"), "the symlink's target was not updated");
  free(t);
  unlink(path("link.txt"));
  /* the old predictable temporary name, planted as a symlink to a victim */
  CHECK_RC(qclr_write_file(path("victim"), "precious\n", 9), 0);
  char planted[600];
  snprintf(planted, sizeof planted, "%s.tmp.%ld", path("out.json"), (long)getpid());
  CHECK(symlink(path("victim"), planted) == 0, "plant");
  CHECK_RC(qclr_write_file(path("out.json"), "{}\n", 3), 0);
  t = slurp_text(path("victim"));
  CHECK(t && !strcmp(t, "precious\n"), "the victim behind a planted temporary name was overwritten");
  free(t);
  unlink(planted);
}

static void test_refusals(void) {
  /* a directory is refused, and left alone */
  mkdir(path("sub"), 0755);
  int rc = qclr_write_file(path("sub"), "x", 1);
  CHECK(rc == QCLR_EIO && strstr(qclr_last_error(), "directory"), "directory: rc %d (%s)", rc,
        qclr_last_error());
  struct stat st;
  CHECK(stat(path("sub"), &st) == 0 && S_ISDIR(st.st_mode), "the directory was replaced");
  /* a character device is written in place, never replaced by a file */
  CHECK_RC(qclr_write_file("/dev/null", "x", 1), 0);
  CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is no longer a device");
  if (access("/dev/full", W_OK) == 0) {
    rc = qclr_write_file("/dev/full", "x", 1);
    CHECK(rc == QCLR_EIO && strstr(qclr_last_error(), "/dev/full") &&
              strstr(qclr_last_error(), strerror(ENOSPC)),
          "/dev/full: rc %d, message '%s' must name the file and the reason", rc, qclr_last_error());
    CHECK(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode), "/dev/full is no longer a device");
  }
  /* a missing directory: refused by the check, nothing created */
  rc = qclr_output_check(path("nodir/x.json"));
  CHECK(rc == QCLR_EIO && strstr(qclr_last_error(), "nodir/x.json"), "missing directory: rc %d (%s)", rc,
        qclr_last_error());
  int before = count_entries(dir);
  CHECK_RC(qclr_output_check(path("fresh.json")), 0);
  CHECK(count_entries(dir) == before, "qclr_output_check left a file behind");
  CHECK(access(path("fresh.json"), F_OK) != 0, "qclr_output_check created the destination");
  CHECK(qclr_output_check(NULL) == QCLR_EINVAL, "NULL path");
  CHECK(qclr_write_file(NULL, "x", 1) == QCLR_EINVAL, "NULL path");
}

static void test_dirs(void) {
  qclr_output_dir *d = NULL;
  /* new directory: appears only at commit */
  CHECK_RC(qclr_output_dir_begin(path("circ"), &d), 0);
  if (d) {
    char p[600];
    snprintf(p, sizeof p, "%s/g0.qasm", qclr_output_dir_path(d));
    CHECK_RC(qclr_write_file(p, "OPENQASM 2.0;\n", 14), 0);
    CHECK(access(path("circ"), F_OK) != 0, "the directory appeared before commit");
    CHECK_RC(qclr_output_dir_commit(d), 0);
    CHECK(access(path("circ/g0.qasm"), F_OK) == 0, "file missing after commit");
  }
  /* existing directory: other files kept, new ones moved in */
  CHECK_RC(qclr_write_file(path("circ/keep.txt"), "k", 1), 0);
  d = NULL;
  CHECK_RC(qclr_output_dir_begin(path("circ"), &d), 0);
  if (d) {
    char p[600];
    snprintf(p, sizeof p, "%s/g1.qasm", qclr_output_dir_path(d));
    CHECK_RC(qclr_write_file(p, "x", 1), 0);
    CHECK_RC(qclr_output_dir_commit(d), 0);
  }
  CHECK(count_entries(path("circ")) == 3, "existing directory: %d entries, want 3", count_entries(path("circ")));
  /* abort: nothing appears, no staging left */
  int before = count_entries(dir);
  d = NULL;
  CHECK_RC(qclr_output_dir_begin(path("never"), &d), 0);
  if (d) {
    char p[600];
    snprintf(p, sizeof p, "%s/x", qclr_output_dir_path(d));
    CHECK_RC(qclr_write_file(p, "x", 1), 0);
    qclr_output_dir_abort(d);
  }
  CHECK(count_entries(dir) == before, "abort left %d entries, want %d", count_entries(dir), before);
  qclr_output_dir_abort(NULL);
  /* a regular file where the directory should be */
  d = NULL;
  int rc = qclr_output_dir_begin(path("a.txt"), &d);
  CHECK(rc == QCLR_EIO && !d, "file as directory: rc %d", rc);
}

int main(void) {
  if (!mkdtemp(dir)) return 99;
  test_regular();
  test_refusals();
  test_dirs();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return test_done("test_output");
}

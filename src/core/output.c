/* src/core/output.c: output files that appear whole or not at all.
 *
 * A regular destination is written to a temporary file created exclusively
 * (O_CREAT|O_EXCL|O_NOFOLLOW, random name, mode 0666 less the umask) in the
 * directory of the file the destination resolves to, then renamed over it:
 * a symlink keeps pointing at its (updated) target, a failed run leaves
 * nothing, and no predictable name can be pre-planted by another user.
 * Standard output ("-", /dev/stdout), FIFOs and character devices are
 * written directly; any other non-regular destination is refused.
 * Directory outputs (several files) are staged in a temporary directory and
 * put into place only when every file is complete (docs/conventions.md §3). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <time.h>

#include "core/internal.h"
#include "qclr/output.h"

/* Directory part of path ("." if none); malloc'd. */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup(".");
  if (slash == path) return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void random_suffix(char *out, size_t n) {
  static const char al[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  unsigned char r[16];
  if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
    /* no entropy yet: pid, time and an address still make collisions
     * unlikely, and O_EXCL makes them harmless */
    unsigned long long x = (unsigned long long)getpid() * 0x9E3779B97F4A7C15ull ^
                           (unsigned long long)(uintptr_t)&r ^ (unsigned long long)clock();
    for (size_t i = 0; i < sizeof r; i++, x = x * 6364136223846793005ull + 1442695040888963407ull)
      r[i] = (unsigned char)(x >> 56);
  }
  for (size_t i = 0; i + 1 < n && i < sizeof r; i++) out[i] = al[r[i] % (sizeof al - 1)];
  out[n - 1 < sizeof r ? n - 1 : sizeof r] = '\0';
}

static int is_stdout(const char *path) { return !strcmp(path, "-") || !strcmp(path, "/dev/stdout"); }

/* Classify a destination.  Returns 0 and sets *direct (write in place) and
 * *dest (malloc'd file to replace) or an error naming `path`. */
static int resolve(const char *path, int *direct, char **dest, mode_t *mode, int *exists) {
  struct stat st;
  *direct = 0;
  *dest = NULL;
  *exists = 0;
  if (is_stdout(path)) {
    *direct = 1;
    return 0;
  }
  if (path[0] == '\0') return qclr__error(QCLR_EINVAL, "output path is empty");
  if (stat(path, &st) == 0) {
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
      *direct = 1;
      return 0;
    }
    if (S_ISDIR(st.st_mode))
      return qclr__error(QCLR_EIO, "%s: is a directory: expected a file name", path);
    if (!S_ISREG(st.st_mode))
      return qclr__error(QCLR_EIO, "%s: not a regular file, FIFO or character device: refusing to "
                         "replace it", path);
    *dest = realpath(path, NULL); /* write beside the symlink's target */
    if (!*dest) return qclr__error(QCLR_EIO, "%s: cannot resolve: %s", path, strerror(errno));
    *mode = st.st_mode & 07777;
    *exists = 1;
    return 0;
  }
  if (errno != ENOENT) return qclr__error(QCLR_EIO, "%s: %s", path, strerror(errno));
  *dest = strdup(path);
  if (!*dest) return qclr__error(QCLR_ENOMEM, "cannot allocate a file name");
  return 0;
}

/* Create a fresh temporary file beside dest; returns fd, sets *tmp. */
static int make_temp(const char *path, const char *dest, char **tmp) {
  char *dir = dir_of(dest);
  if (!dir) return qclr__error(QCLR_ENOMEM, "cannot allocate a file name");
  size_t n = strlen(dir) + strlen(base_of(dest)) + 32;
  *tmp = malloc(n);
  if (!*tmp) {
    free(dir);
    return qclr__error(QCLR_ENOMEM, "cannot allocate a file name");
  }
  int fd = -1, err = 0;
  for (int attempt = 0; attempt < 64 && fd < 0; attempt++) {
    char sfx[13];
    random_suffix(sfx, sizeof sfx);
    snprintf(*tmp, n, "%s/.%s.%s.tmp", dir, base_of(dest), sfx);
    fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    err = errno;
    if (fd < 0 && err != EEXIST) break;
  }
  free(dir);
  if (fd < 0) {
    qclr__error(QCLR_EIO, "%s: cannot create a temporary file in its directory: %s", path, strerror(err));
    free(*tmp);
    *tmp = NULL;
  }
  return fd;
}

struct qclr__out {
  char *tmp, *dest;
};

FILE *qclr__atomic_open(const char *path, char **tmp) {
  *tmp = NULL;
  if (!path) {
    qclr__error(QCLR_EINVAL, "output path is NULL");
    return NULL;
  }
  int direct, exists;
  char *dest;
  mode_t mode = 0;
  if (resolve(path, &direct, &dest, &mode, &exists)) return NULL;
  if (direct) {
    int fd = is_stdout(path) ? dup(STDOUT_FILENO) : open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
      qclr__error(QCLR_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
      if (fd >= 0) close(fd);
    }
    return f; /* *tmp stays NULL: written in place */
  }
  int fd = make_temp(path, dest, tmp);
  if (fd < 0) {
    free(dest);
    return NULL;
  }
  if (exists) (void)fchmod(fd, mode); /* a replaced file keeps its permissions */
  FILE *f = fdopen(fd, "wb");
  if (!f) {
    qclr__error(QCLR_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
    close(fd);
    unlink(*tmp);
    free(*tmp);
    free(dest);
    *tmp = NULL;
    return NULL;
  }
  /* keep the resolved destination after the temporary name (one allocation) */
  size_t lt = strlen(*tmp), ld = strlen(dest);
  char *both = realloc(*tmp, lt + ld + 2);
  if (!both) {
    qclr__error(QCLR_ENOMEM, "cannot allocate a file name");
    fclose(f);
    unlink(*tmp);
    free(*tmp);
    free(dest);
    *tmp = NULL;
    return NULL;
  }
  memcpy(both + lt + 1, dest, ld + 1);
  free(dest);
  *tmp = both;
  return f;
}

int qclr__atomic_close(FILE *f, char *tmp, const char *path, int ok) {
  int err = ok ? 0 : (errno ? errno : EIO);
  if (!err && ferror(f)) err = errno ? errno : EIO;
  if (fflush(f) != 0 && !err) err = errno;
  if (fclose(f) != 0 && !err) err = errno;
  if (!tmp) /* written in place */
    return err ? qclr__error(QCLR_EIO, "%s: write failed: %s", path, strerror(err)) : 0;
  const char *dest = tmp + strlen(tmp) + 1;
  if (!err && rename(tmp, dest) != 0) err = errno;
  int rc = 0;
  if (err) {
    rc = qclr__error(QCLR_EIO, "%s: write failed: %s", path, strerror(err));
    unlink(tmp);
  }
  free(tmp);
  return rc;
}

int qclr__write_atomic(const char *path, const void *data, size_t len) {
  char *tmp;
  FILE *f = qclr__atomic_open(path, &tmp);
  if (!f) return QCLR_EIO;
  errno = 0;
  int ok = (len == 0 || fwrite(data, 1, len, f) == len);
  return qclr__atomic_close(f, tmp, path, ok);
}

int qclr_write_file(const char *path, const void *data, size_t len) {
  qclr__clear();
  if (!path || (!data && len > 0)) return qclr__error(QCLR_EINVAL, "qclr_write_file: NULL argument");
  return qclr__write_atomic(path, data, len);
}

int qclr_output_check(const char *path) {
  qclr__clear();
  if (!path) return qclr__error(QCLR_EINVAL, "qclr_output_check: path is NULL");
  int direct, exists;
  char *dest;
  mode_t mode;
  int rc = resolve(path, &direct, &dest, &mode, &exists);
  if (rc) return rc;
  if (direct) {
    if (!is_stdout(path) && access(path, W_OK) != 0)
      return qclr__error(QCLR_EIO, "%s: not writable: %s", path, strerror(errno));
    return 0;
  }
  char *tmp;
  int fd = make_temp(path, dest, &tmp);
  free(dest);
  if (fd < 0) return QCLR_EIO;
  close(fd);
  unlink(tmp);
  free(tmp);
  return 0;
}

/* ------------------------------------------------------ directory outputs */

struct qclr_output_dir {
  char *dir;     /* destination as given */
  char *staging; /* temporary directory beside it */
  int existed;   /* destination existed as a directory */
};

int qclr_output_dir_begin(const char *dir, qclr_output_dir **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_output_dir_begin: out is NULL");
  *out = NULL;
  if (!dir || !dir[0]) return qclr__error(QCLR_EINVAL, "qclr_output_dir_begin: empty directory name");
  struct stat st;
  int existed = 0;
  if (stat(dir, &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return qclr__error(QCLR_EIO, "%s: exists and is not a directory", dir);
    existed = 1;
  } else if (errno != ENOENT) {
    return qclr__error(QCLR_EIO, "%s: %s", dir, strerror(errno));
  }
  /* strip trailing slashes for the sibling name */
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  char *clean = strndup(dir, n);
  qclr_output_dir *d = calloc(1, sizeof *d);
  char *parent = clean ? dir_of(clean) : NULL;
  if (!clean || !d || !parent) {
    free(clean);
    free(d);
    free(parent);
    return qclr__error(QCLR_ENOMEM, "cannot allocate a directory name");
  }
  size_t m = strlen(parent) + strlen(base_of(clean)) + 32;
  d->staging = malloc(m);
  int err = ENOMEM;
  for (int attempt = 0; d->staging && attempt < 64; attempt++) {
    char sfx[13];
    random_suffix(sfx, sizeof sfx);
    snprintf(d->staging, m, "%s/.%s.%s.tmpdir", parent, base_of(clean), sfx);
    if (mkdir(d->staging, 0777) == 0) {
      err = 0;
      break;
    }
    err = errno;
    if (err != EEXIST) break;
  }
  free(parent);
  if (err) {
    qclr__error(QCLR_EIO, "%s: cannot create a staging directory beside it: %s", dir, strerror(err));
    free(d->staging);
    free(clean);
    free(d);
    return QCLR_EIO;
  }
  d->dir = clean;
  d->existed = existed;
  *out = d;
  return 0;
}

const char *qclr_output_dir_path(const qclr_output_dir *d) { return d ? d->staging : NULL; }

/* Remove the staging directory and the regular files in it. */
static void remove_staging(const char *staging) {
  DIR *dp = opendir(staging);
  if (dp) {
    struct dirent *e;
    while ((e = readdir(dp))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      size_t n = strlen(staging) + strlen(e->d_name) + 2;
      char *p = malloc(n);
      if (p) {
        snprintf(p, n, "%s/%s", staging, e->d_name);
        unlink(p);
        free(p);
      }
    }
    closedir(dp);
  }
  rmdir(staging);
}

void qclr_output_dir_abort(qclr_output_dir *d) {
  if (!d) return;
  remove_staging(d->staging);
  free(d->staging);
  free(d->dir);
  free(d);
}

int qclr_output_dir_commit(qclr_output_dir *d) {
  qclr__clear();
  if (!d) return qclr__error(QCLR_EINVAL, "qclr_output_dir_commit: NULL handle");
  int rc = 0;
  if (!d->existed) {
    if (rename(d->staging, d->dir) != 0)
      rc = qclr__error(QCLR_EIO, "%s: cannot put the output directory into place: %s", d->dir,
                       strerror(errno));
  } else {
    /* an existing directory keeps its other files: every new file is
     * complete before the first one is moved in */
    DIR *dp = opendir(d->staging);
    if (!dp) rc = qclr__error(QCLR_EIO, "%s: %s", d->staging, strerror(errno));
    struct dirent *e;
    while (!rc && (e = readdir(dp))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      size_t n1 = strlen(d->staging) + strlen(e->d_name) + 2, n2 = strlen(d->dir) + strlen(e->d_name) + 2;
      char *a = malloc(n1), *b = malloc(n2);
      if (!a || !b) rc = qclr__error(QCLR_ENOMEM, "cannot allocate a file name");
      else {
        snprintf(a, n1, "%s/%s", d->staging, e->d_name);
        snprintf(b, n2, "%s/%s", d->dir, e->d_name);
        if (rename(a, b) != 0) rc = qclr__error(QCLR_EIO, "%s: cannot move into place: %s", b, strerror(errno));
      }
      free(a);
      free(b);
    }
    if (dp) closedir(dp);
  }
  if (rc || d->existed) remove_staging(d->staging);
  free(d->staging);
  free(d->dir);
  free(d);
  return rc;
}

/* tests/fuzz/fuzz_tmpfile.h: for harnesses whose parser reads a path: write
 * the fuzz input to a fresh file under $TMPDIR (or /tmp).  Returns 0 and the
 * name in path (the caller removes it), or -1. */
#ifndef QCLR_FUZZ_TMPFILE_H
#define QCLR_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fuzz_tmpfile(const char *tag, const uint8_t *data, size_t size, char *path, size_t cap) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, cap, "%s/%s_XXXXXX", dir ? dir : "/tmp", tag);
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "wb");
  if (!f) {
    close(fd);
    remove(path);
    return -1;
  }
  int bad = size && fwrite(data, 1, size, f) != size;
  if (fclose(f) != 0 || bad) {
    remove(path);
    return -1;
  }
  return 0;
}

#endif

/* src/npy.c: NumPy .npy format 1.0/2.0 reader and 1.0 writer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "core/internal.h"
#include "qclr/npy.h"

int qclr_npy_write(const char *path, const double *data, int ndim, const int64_t *shape) {
  qclr__clear();
  if (!path || (ndim > 0 && !shape) || ndim < 0 || ndim > QCLR_NPY_MAXDIM)
    return qclr__error(QCLR_EINVAL, "qclr_npy_write: bad arguments");
  char hdr[2048];
  int n = snprintf(hdr, sizeof hdr, "{'descr': '<f8', 'fortran_order': False, 'shape': (");
  size_t count = 1;
  for (int k = 0; k < ndim; k++) {
    if (shape[k] < 0) return qclr__error(QCLR_EINVAL, "qclr_npy_write: negative dimension");
    if (qclr__mul_size(count, (size_t)shape[k], &count)) return QCLR_ETOOLARGE;
    n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%lld%s", (long long)shape[k],
                  (ndim == 1 || k + 1 < ndim) ? ", " : "");
  }
  if (count && !data) return qclr__error(QCLR_EINVAL, "qclr_npy_write: NULL data");
  n += snprintf(hdr + n, sizeof hdr - (size_t)n, "), }");
  /* pad with spaces so that magic(6)+version(2)+len(2)+header is a multiple of 64 */
  int total = 10 + n + 1;
  int pad = (64 - total % 64) % 64;
  memset(hdr + n, ' ', (size_t)pad);
  n += pad;
  hdr[n++] = '\n';
  char *tmp;
  FILE *f = qclr__atomic_open(path, &tmp);
  if (!f) return QCLR_EIO;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 0xff),
                           (unsigned char)(n >> 8)};
  int ok = fwrite(pre, 1, 10, f) == 10 && fwrite(hdr, 1, (size_t)n, f) == (size_t)n;
  if (ok && count) ok = fwrite(data, sizeof(double), count, f) == count;
  return qclr__atomic_close(f, tmp, path, ok);
}

/* Find "'key':" in the header dict and return a pointer just after the colon. */
static const char *dict_value(const char *h, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "'%s'", key);
  const char *p = strstr(h, pat);
  if (!p) return NULL;
  p = strchr(p + strlen(pat), ':');
  if (!p) return NULL;
  p++;
  while (*p == ' ') p++;
  return p;
}

int qclr_npy_read(const char *path, double **data, int *ndim, int64_t *shape) {
  qclr__clear();
  if (!path || !data || !ndim || !shape) return qclr__error(QCLR_EINVAL, "qclr_npy_read: NULL argument");
  *data = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return qclr__error(QCLR_EIO, "%s: cannot open: %s", path, strerror(errno));
  unsigned char pre[12];
  int rc = 0;
  char *hdr = NULL;
  double *out = NULL;
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
    rc = qclr__error(QCLR_EPARSE, "%s: not a .npy file (bad magic)", path);
    goto done;
  }
  size_t hlen;
  if (pre[6] == 1) {
    hlen = (size_t)pre[8] | ((size_t)pre[9] << 8);
  } else if (pre[6] == 2 || pre[6] == 3) {
    if (fread(pre + 10, 1, 2, f) != 2) {
      rc = qclr__error(QCLR_EPARSE, "%s: truncated header", path);
      goto done;
    }
    hlen = (size_t)pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
  } else {
    rc = qclr__error(QCLR_EUNSUPPORTED, "%s: .npy version %d not supported", path, pre[6]);
    goto done;
  }
  if (hlen > (1u << 20)) {
    rc = qclr__error(QCLR_EPARSE, "%s: header length %zu is implausible", path, hlen);
    goto done;
  }
  hdr = malloc(hlen + 1);
  if (!hdr || fread(hdr, 1, hlen, f) != hlen) {
    rc = qclr__error(QCLR_EPARSE, "%s: truncated header", path);
    goto done;
  }
  hdr[hlen] = '\0';
  const char *d = dict_value(hdr, "descr"), *fo = dict_value(hdr, "fortran_order"),
             *sh = dict_value(hdr, "shape");
  if (!d || !fo || !sh || *sh != '(') {
    rc = qclr__error(QCLR_EPARSE, "%s: header lacks descr, fortran_order or shape", path);
    goto done;
  }
  if (strncmp(fo, "False", 5) != 0) {
    rc = qclr__error(QCLR_EUNSUPPORTED, "%s: Fortran-order arrays are not supported", path);
    goto done;
  }
  int kind; /* 0 f8, 1 f4, 2 i8, 3 i4 */
  size_t isz;
  if (!strncmp(d, "'<f8'", 5)) kind = 0, isz = 8;
  else if (!strncmp(d, "'<f4'", 5)) kind = 1, isz = 4;
  else if (!strncmp(d, "'<i8'", 5)) kind = 2, isz = 8;
  else if (!strncmp(d, "'<i4'", 5)) kind = 3, isz = 4;
  else {
    rc = qclr__error(QCLR_EUNSUPPORTED, "%s: dtype %.8s is not supported (need <f8)", path, d);
    goto done;
  }
  int nd = 0;
  size_t count = 1;
  const char *p = sh + 1;
  for (;;) {
    while (*p == ' ' || *p == ',') p++;
    if (*p == ')') break;
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p || v < 0 || nd >= QCLR_NPY_MAXDIM) {
      rc = qclr__error(QCLR_EPARSE, "%s: bad shape in header", path);
      goto done;
    }
    shape[nd++] = v;
    if (qclr__mul_size(count, (size_t)v, &count)) {
      rc = qclr__error(QCLR_ETOOLARGE, "%s: shape in header overflows the address space", path);
      goto done;
    }
    p = end;
  }
  { /* the data must be there before anything is allocated for it */
    struct stat st;
    long pos = ftell(f);
    size_t need;
    if (qclr__mul_size(count, isz, &need)) {
      rc = qclr__error(QCLR_ETOOLARGE, "%s: shape in header overflows the address space", path);
      goto done;
    }
    if (pos >= 0 && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (uintmax_t)st.st_size - (uintmax_t)pos < (uintmax_t)need) {
      rc = qclr__error(QCLR_EPARSE, "%s: truncated data: the header's shape needs %zu bytes, the file has %jd",
                       path, need, (intmax_t)(st.st_size - pos));
      goto done;
    }
  }
  if (count > SIZE_MAX / sizeof(double)) {
    rc = qclr__error(QCLR_ETOOLARGE, "%s: shape in header overflows the address space", path);
    goto done;
  }
  {
    char what[96];
    snprintf(what, sizeof what, "the %zu-element array", count);
    if ((rc = qclr__memory_check(count * sizeof(double), what))) {
      char msg[512];
      snprintf(msg, sizeof msg, "%s", qclr_last_error());
      rc = qclr__error(rc, "%s: %s", path, msg);
      goto done;
    }
  }
  out = qclr__malloc(count ? count : 1, sizeof(double), "npy array");
  if (!out) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  if (kind == 0) {
    if (fread(out, 8, count, f) != count) rc = qclr__error(QCLR_EPARSE, "%s: truncated data", path);
  } else {
    unsigned char buf[8];
    for (size_t i = 0; i < count && !rc; i++) {
      if (fread(buf, 1, isz, f) != isz) {
        rc = qclr__error(QCLR_EPARSE, "%s: truncated data", path);
        break;
      }
      if (kind == 1) { float x; memcpy(&x, buf, 4); out[i] = x; }
      else if (kind == 2) { int64_t x; memcpy(&x, buf, 8); out[i] = (double)x; }
      else { int32_t x; memcpy(&x, buf, 4); out[i] = x; }
    }
  }
  if (!rc) {
    *data = out;
    *ndim = nd;
    out = NULL;
  }
done:
  free(out);
  free(hdr);
  fclose(f);
  return rc;
}

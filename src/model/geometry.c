/* src/geometry.c: hydrogen cluster geometries (chain, ring, lattice, xyz). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/model.h"

static int check_args(int64_t natom, double spacing, const char *what) {
  if (natom < 1 || natom > 100000)
    return qclr__error(QCLR_EINVAL, "%s: number of atoms %lld not in [1, 100000]", what,
                       (long long)natom);
  if (!(spacing > 0) || !isfinite(spacing))
    return qclr__error(QCLR_EINVAL, "%s: spacing must be positive, got %g", what, spacing);
  return 0;
}

int qclr_geometry_chain(int64_t natom, double spacing, double **xyz) {
  qclr__clear();
  if (!xyz) return qclr__error(QCLR_EINVAL, "qclr_geometry_chain: xyz is NULL");
  *xyz = NULL;
  int rc = check_args(natom, spacing, "chain");
  if (rc) return rc;
  double *r = qclr__calloc((size_t)natom * 3, sizeof(double), "coordinates");
  if (!r) return QCLR_ENOMEM;
  for (int64_t i = 0; i < natom; i++) r[3 * i + 2] = (i - 0.5 * (double)(natom - 1)) * spacing;
  *xyz = r;
  return 0;
}

int qclr_geometry_ring(int64_t natom, double spacing, double **xyz) {
  qclr__clear();
  if (!xyz) return qclr__error(QCLR_EINVAL, "qclr_geometry_ring: xyz is NULL");
  *xyz = NULL;
  int rc = check_args(natom, spacing, "ring");
  if (rc) return rc;
  if (natom < 3) return qclr__error(QCLR_EINVAL, "ring: need at least 3 atoms, got %lld",
                                    (long long)natom);
  double *r = qclr__calloc((size_t)natom * 3, sizeof(double), "coordinates");
  if (!r) return QCLR_ENOMEM;
  double radius = spacing / (2.0 * sin(M_PI / (double)natom));
  for (int64_t i = 0; i < natom; i++) {
    double phi = 2.0 * M_PI * (double)i / (double)natom;
    r[3 * i] = radius * cos(phi);
    r[3 * i + 1] = radius * sin(phi);
  }
  *xyz = r;
  return 0;
}

int qclr_geometry_lattice(int64_t nx, int64_t ny, double spacing, double **xyz) {
  qclr__clear();
  if (!xyz) return qclr__error(QCLR_EINVAL, "qclr_geometry_lattice: xyz is NULL");
  *xyz = NULL;
  if (nx < 1 || ny < 1) return qclr__error(QCLR_EINVAL, "lattice: nx and ny must be >= 1");
  if (nx > INT32_MAX / ny) return qclr__error(QCLR_EINVAL, "lattice: %lld x %lld sites is too many", (long long)nx, (long long)ny);
  int rc = check_args(nx * ny, spacing, "lattice");
  if (rc) return rc;
  double *r = qclr__calloc((size_t)(nx * ny) * 3, sizeof(double), "coordinates");
  if (!r) return QCLR_ENOMEM;
  for (int64_t x = 0; x < nx; x++)
    for (int64_t y = 0; y < ny; y++) {
      double *a = r + 3 * (x * ny + y);
      a[0] = (x - 0.5 * (double)(nx - 1)) * spacing;
      a[1] = (y - 0.5 * (double)(ny - 1)) * spacing;
    }
  *xyz = r;
  return 0;
}

double qclr_geometry_nuclear_repulsion(int64_t natom, const double *xyz) {
  if (natom < 0 || (natom > 0 && !xyz)) return NAN;
  double e = 0;
  for (int64_t i = 0; i < natom; i++)
    for (int64_t j = 0; j < i; j++) {
      double dx = xyz[3 * i] - xyz[3 * j], dy = xyz[3 * i + 1] - xyz[3 * j + 1],
             dz = xyz[3 * i + 2] - xyz[3 * j + 2];
      e += 1.0 / sqrt(dx * dx + dy * dy + dz * dz);
    }
  return e;
}

/* Read one line (any length) into *buf; returns 0 at EOF. */
static int read_line(FILE *f, char **buf, size_t *cap) {
  size_t len = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    if (len + 2 > *cap) {
      size_t nc = *cap ? 2 * *cap : 256;
      char *nb = realloc(*buf, nc);
      if (!nb) return -1;
      *buf = nb;
      *cap = nc;
    }
    if (c == '\n') break;
    (*buf)[len++] = (char)c;
  }
  if (c == EOF && len == 0) return 0;
  (*buf)[len] = '\0';
  if (len && (*buf)[len - 1] == '\r') (*buf)[len - 1] = '\0';
  return 1;
}

static int blank(const char *s) {
  while (*s && isspace((unsigned char)*s)) s++;
  return *s == '\0';
}

int qclr_geometry_read_xyz(const char *path, int bohr, double **xyz, int64_t *natom) {
  qclr__clear();
  if (!path || !xyz || !natom) return qclr__error(QCLR_EINVAL, "qclr_geometry_read_xyz: NULL argument");
  *xyz = NULL;
  *natom = 0;
  FILE *f = fopen(path, "r");
  if (!f) return qclr__error(QCLR_EIO, "%s: cannot open: %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  long long lineno = 0, count = 0;
  double *r = NULL;
  long long *at = NULL; /* line of each atom, for messages */
  int rc = 0, got;
  /* line 1: atom count */
  while ((got = read_line(f, &line, &cap)) > 0 && (++lineno, blank(line))) {}
  if (got < 0) { rc = qclr__error(QCLR_ENOMEM, "%s: out of memory reading a line", path); goto done; }
  if (got == 0) { rc = qclr__error(QCLR_EPARSE, "%s:%lld: expected the number of atoms, found end of file", path, lineno + 1); goto done; }
  {
    char *end;
    errno = 0;
    count = strtoll(line, &end, 10);
    if (end == line || !blank(end) || errno || count < 1 || count > 100000) {
      rc = qclr__error(QCLR_EPARSE, "%s:%lld: expected the number of atoms (1..100000), found '%s'",
                       path, lineno, line);
      goto done;
    }
  }
  if (read_line(f, &line, &cap) <= 0) {
    rc = qclr__error(QCLR_EPARSE, "%s:%lld: expected a comment line, found end of file", path, lineno + 1);
    goto done;
  }
  lineno++;
  r = qclr__malloc((size_t)count * 3, sizeof(double), "coordinates");
  at = qclr__malloc((size_t)count, sizeof(long long), "atom line numbers");
  if (!r || !at) { rc = QCLR_ENOMEM; goto done; }
  for (long long a = 0; a < count; a++) {
    got = read_line(f, &line, &cap);
    lineno++;
    if (got <= 0) {
      rc = qclr__error(QCLR_EPARSE, "%s:%lld: expected atom %lld of %lld ('H x y z'), found end of file",
                       path, lineno, a + 1, count);
      goto done;
    }
    char sym[8];
    double x[3];
    int used = 0;
    if (sscanf(line, " %7s %lf %lf %lf %n", sym, &x[0], &x[1], &x[2], &used) != 4 || line[used] != '\0') {
      rc = qclr__error(QCLR_EPARSE, "%s:%lld: expected 'H x y z', found '%s'", path, lineno, line);
      goto done;
    }
    if (strcmp(sym, "H") && strcmp(sym, "h") && strcmp(sym, "1")) {
      rc = qclr__error(QCLR_EPARSE, "%s:%lld: only hydrogen atoms are supported (STO-3G H), found '%s'",
                       path, lineno, sym);
      goto done;
    }
    at[a] = lineno;
    for (int c = 0; c < 3; c++) {
      if (!isfinite(x[c])) {
        rc = qclr__error(QCLR_EPARSE, "%s:%lld: coordinate is not finite", path, lineno);
        goto done;
      }
      r[3 * a + c] = bohr ? x[c] : x[c] * QCLR_BOHR_PER_ANGSTROM;
    }
  }
  while ((got = read_line(f, &line, &cap)) > 0) {
    lineno++;
    if (!blank(line)) {
      rc = qclr__error(QCLR_EPARSE, "%s:%lld: expected end of file after %lld atoms, found '%s'",
                       path, lineno, count, line);
      goto done;
    }
  }
  for (long long a = 0; a < count && !rc; a++)
    for (long long b = 0; b < a; b++) {
      double d2 = 0;
      for (int c = 0; c < 3; c++) d2 += (r[3 * a + c] - r[3 * b + c]) * (r[3 * a + c] - r[3 * b + c]);
      if (d2 < 1e-8) {
        rc = qclr__error(QCLR_EPARSE, "%s:%lld: atom %lld coincides with atom %lld (line %lld): expected distinct positions",
                         path, at[a], a + 1, b + 1, at[b]);
        break;
      }
    }
done:
  free(at);
  free(line);
  fclose(f);
  if (rc) {
    free(r);
    return rc;
  }
  *xyz = r;
  *natom = count;
  return 0;
}

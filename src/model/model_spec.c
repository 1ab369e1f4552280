/* src/model_spec.c: model descriptions ("chain:atoms=10,spacing=1.0") and the
 * dispatcher that builds the Hamiltonian they describe. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <lapacke.h>

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "qclr/model.h"

static const char *kind_names[] = {"chain", "ring", "lattice", "xyz", "hubbard", "jellium"};

void qclr_model_params_default(qclr_model_params *p, int kind) {
  if (!p) return;
  memset(p, 0, sizeof *p);
  p->size = sizeof *p;
  p->kind = kind;
  p->atoms = 10;
  p->nx = 2;
  p->ny = kind == QCLR_MODEL_HUBBARD ? 1 : 2;
  p->spacing = 1.0;
  p->nelec = -1;
  p->t = 1.0;
  p->u = 4.0;
  p->grid = 3;
  qclr_rhf_options_default(&p->rhf);
}

static int parse_num(const char *key, const char *val, double *out) {
  char *end;
  errno = 0;
  double v = strtod(val, &end);
  if (end == val || *end || errno || !isfinite(v))
    return qclr__error(QCLR_EPARSE, "model: %s=%s: expected a number", key, val);
  if (fabs(v) > QCLR__MAX_MAGNITUDE)
    return qclr__error(QCLR_EPARSE, "model: %s=%s: magnitude above %.0e, where products in the "
                       "computation would overflow", key, val, QCLR__MAX_MAGNITUDE);
  *out = v;
  return 0;
}

static int parse_int(const char *key, const char *val, long long lo, long long hi, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(val, &end, 10);
  if (end == val || *end || errno || v < lo || v > hi)
    return qclr__error(QCLR_EPARSE, "model: %s=%s: expected an integer in [%lld, %lld]", key, val, lo, hi);
  *out = v;
  return 0;
}

int qclr_model_parse(const char *spec, qclr_model_params *p) {
  qclr__clear();
  if (!spec || !p) return qclr__error(QCLR_EINVAL, "model: %s", spec ? "NULL parameters" : "empty description");
  if (!strncmp(spec, "model:", 6)) spec += 6;
  size_t klen = strcspn(spec, ":");
  int kind = -1;
  for (int k = 0; k < 6; k++)
    if (strlen(kind_names[k]) == klen && !strncasecmp(spec, kind_names[k], klen)) kind = k;
  if (kind < 0)
    return qclr__error(QCLR_EPARSE, "model: '%.*s': expected chain, ring, lattice, xyz, hubbard or jellium",
                       (int)klen, spec);
  qclr_model_params_default(p, kind);
  if (!spec[klen]) return 0;
  /* file=PATH is the last key: PATH is the rest of spec (commas included),
   * and p->xyz_path points there, so no copy and no length limit */
  const char *params = spec + klen + 1, *fpos = NULL;
  if (!strncmp(params, "file=", 5)) fpos = params;
  else if ((fpos = strstr(params, ",file="))) fpos++;
  size_t plen = fpos ? (size_t)(fpos - params) : strlen(params);
  if (fpos) p->xyz_path = fpos + 5;
  char *copy = malloc(plen + 1);
  if (!copy) return qclr__error(QCLR_ENOMEM, "model: out of memory");
  memcpy(copy, params, plen);
  copy[plen] = '\0';
  int rc = 0;
  char *save = NULL;
  const char *seen[32];
  int nseen = 0;
  for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq) {
      rc = qclr__error(QCLR_EPARSE, "model: '%s': expected key=value", item);
      break;
    }
    *eq = '\0';
    const char *key = item, *val = eq + 1;
    /* a key given twice (atoms=4,atoms=6) is refused: no "last wins" */
    const char *canon = !strcmp(key, "sites") ? "nx" : key;
    for (int j = 0; j < nseen && !rc; j++)
      if (!strcmp(seen[j], canon)) rc = qclr__error(QCLR_EPARSE, "model: key '%s' given twice", key);
    if (rc) break;
    if (nseen < (int)(sizeof seen / sizeof seen[0])) seen[nseen++] = canon;
    int64_t iv;
    if (!strcmp(key, "atoms")) rc = parse_int(key, val, 1, 100000, &p->atoms);
    else if (!strcmp(key, "nx") || !strcmp(key, "sites")) rc = parse_int(key, val, 1, 100000, &p->nx);
    else if (!strcmp(key, "ny")) rc = parse_int(key, val, 1, 100000, &p->ny);
    else if (!strcmp(key, "spacing")) rc = parse_num(key, val, &p->spacing);
    else if (!strcmp(key, "t")) rc = parse_num(key, val, &p->t);
    else if (!strcmp(key, "u")) rc = parse_num(key, val, &p->u);
    else if (!strcmp(key, "rs")) rc = parse_num(key, val, &p->rs);
    else if (!strcmp(key, "length")) rc = parse_num(key, val, &p->length);
    else if (!strcmp(key, "cholesky")) {
      rc = parse_num(key, val, &p->cholesky);
      if (!rc && !(p->cholesky >= 0)) rc = qclr__error(QCLR_EPARSE, "model: cholesky=%s: expected a tolerance >= 0", val);
    } else if (!strcmp(key, "basis")) {
      if (!strcmp(val, "dual")) p->plane_wave = 0;
      else if (!strcmp(val, "planewave")) p->plane_wave = 1;
      else rc = qclr__error(QCLR_EPARSE, "model: basis=%s: expected dual or planewave", val);
    }
    else if (!strcmp(key, "bohr") && !(rc = parse_int(key, val, 0, 1, &iv))) p->bohr = (int)iv;
    else if (!strcmp(key, "periodic") && !(rc = parse_int(key, val, 0, 1, &iv))) p->periodic = (int)iv;
    else if (!strcmp(key, "grid") && !(rc = parse_int(key, val, 1, 31, &iv))) p->grid = (int)iv;
    else if (!strcmp(key, "nelec") && !(rc = parse_int(key, val, 0, 1000000, &iv))) p->nelec = (int)iv;
    else if (!rc && strcmp(key, "bohr") && strcmp(key, "periodic") && strcmp(key, "grid") &&
               strcmp(key, "nelec"))
      rc = qclr__error(QCLR_EPARSE, "model: unknown key '%s' (atoms, spacing, bohr, nx, ny, sites, file, nelec, t, u, periodic, grid, rs, length, basis, cholesky)", key);
  }
  free(copy);
  if (!rc && kind == QCLR_MODEL_HUBBARD && p->ny < 1) p->ny = 1;
  return rc;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* e_ref, and the closed-shell RHF of a lattice model in its own orthonormal
 * basis (S = 1).  J and K from an exact Cholesky of V (tol 1e-13; rank N for
 * Hubbard and dual jellium), the pair matrix itself if V is not PSD (U < 0).
 * Degenerate open shells may not converge: then e_hf = NaN, no error. */
static int lattice_energies(const qclr_hamiltonian *H, const qclr_rhf_options *ro, qclr_model_info *inf) {
  int rc = qclr_hamiltonian_e_ref(H, &inf->e_ref);
  if (rc) return rc;
  int64_t n = qclr_hamiltonian_norb(H);
  int nelec = qclr_hamiltonian_nelec(H);
  inf->e_hf = NAN;
  inf->rhf_converged = 0;
  inf->rhf_iterations = 0;
  if (nelec == 0) {
    inf->e_hf = qclr_hamiltonian_e_core(H);
    inf->rhf_converged = 1;
    return 0;
  }
  if (nelec % 2) return 0;
  double *S = qclr__calloc((size_t)(n * n + n), sizeof(double), "overlap");
  if (!S) return QCLR_ENOMEM;
  /* The uniform-density guess has the symmetry of h, so a degenerate level of
   * h at the Fermi level is an open shell that closed-shell RHF cannot fill
   * uniquely: report no e_hf rather than iterate in vain. */
  double *w = S + n * n;
  memcpy(S, qclr_hamiltonian_h(H), sizeof(double) * (size_t)(n * n));
  int nocc = nelec / 2;
  if (qclr__eigh_sym('N', n, S, n, w, "model h") == 0 && nocc < n &&
      fabs(w[nocc] - w[nocc - 1]) <= 1e-9 * fmax(1.0, fabs(w[nocc]))) {
    free(S);
    return 0;
  }
  memset(S, 0, sizeof(double) * (size_t)(n * n));
  for (int64_t i = 0; i < n; i++) S[i * n + i] = 1.0;
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  co.tol = 1e-13;
  qclr_lowrank *lr = NULL;
  int crc = qclr_cholesky_compute(H, &co, &lr);
  double e = NAN;
  int it = 0;
  if (crc == 0 && qclr_lowrank_rank(lr) > 0)
    rc = qclr_rhf_solve(n, nelec / 2, S, qclr_hamiltonian_h(H), qclr_hamiltonian_e_core(H), NULL,
                        qclr_lowrank_rank(lr), qclr_lowrank_vectors(lr), ro, NULL, NULL, &e, &it);
  else
    rc = qclr_rhf_solve(n, nelec / 2, S, qclr_hamiltonian_h(H), qclr_hamiltonian_e_core(H),
                        qclr_hamiltonian_vpair(H), 0, NULL, ro, NULL, NULL, &e, &it);
  qclr_lowrank_free(lr);
  free(S);
  inf->rhf_iterations = it;
  if (rc == 0) {
    inf->e_hf = e;
    inf->rhf_converged = 1;
  }
  if (rc > 0) qclr_clear_error();
  return rc < 0 ? rc : 0;
}

int qclr_model_geometry(const qclr_model_params *p, double **xyz, int64_t *natom) {
  qclr__clear();
  if (!xyz || !natom || !p) return qclr__error(QCLR_EINVAL, "qclr_model_geometry: NULL argument");
  *xyz = NULL;
  *natom = 0;
  QCLR__CHECK_OPTIONS(p, "qclr_model_params_default");
  double unit = p->bohr ? 1.0 : QCLR_BOHR_PER_ANGSTROM;
  switch (p->kind) {
  case QCLR_MODEL_CHAIN:
    *natom = p->atoms;
    return qclr_geometry_chain(p->atoms, p->spacing * unit, xyz);
  case QCLR_MODEL_RING:
    *natom = p->atoms;
    return qclr_geometry_ring(p->atoms, p->spacing * unit, xyz);
  case QCLR_MODEL_LATTICE:
    *natom = p->nx * p->ny;
    return qclr_geometry_lattice(p->nx, p->ny, p->spacing * unit, xyz);
  case QCLR_MODEL_XYZ:
    if (!p->xyz_path || !p->xyz_path[0]) return qclr__error(QCLR_EINVAL, "model: xyz needs a file");
    return qclr_geometry_read_xyz(p->xyz_path, p->bohr, xyz, natom);
  default:
    return qclr__error(QCLR_EINVAL, "model: %s is not a hydrogen cluster",
                       p->kind >= 0 && p->kind < 6 ? kind_names[p->kind] : "unknown kind");
  }
}

int qclr_model_build_params(const qclr_model_params *p, qclr_hamiltonian **out, qclr_model_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_model_build_params: out is NULL");
  *out = NULL;
  if (!p) return qclr__error(QCLR_EINVAL, "qclr_model_build_params: p is NULL");
  QCLR__CHECK_OPTIONS(p, "qclr_model_params_default");
  qclr_model_info inf = {0, NAN, NAN, 0, 1, 0};
  double t0 = now();
  double unit = p->bohr ? 1.0 : QCLR_BOHR_PER_ANGSTROM;
  double *xyz = NULL;
  int64_t natom = 0;
  int rc;
  switch (p->kind) {
  case QCLR_MODEL_HUBBARD: {
    int64_t n = p->nx * p->ny;
    rc = qclr_hubbard(p->nx, p->ny, p->t, p->u, p->periodic, p->nelec < 0 ? (int)n : p->nelec, out);
    if (!rc) rc = lattice_energies(*out, &p->rhf, &inf);
    goto lattice_done;
  }
  case QCLR_MODEL_JELLIUM: {
    if (p->nelec < 1) return qclr__error(QCLR_EINVAL, "model: jellium needs the electron count (nelec >= 1)");
    double len = p->rs > 0 ? qclr_jellium_length(p->rs, p->nelec) : p->length * unit;
    if (!(len > 0)) return qclr__error(QCLR_EINVAL, "model: jellium needs rs > 0 or length > 0");
    rc = p->plane_wave ? qclr_jellium_plane_wave(p->grid, len, p->nelec, out, NULL)
                       : qclr_jellium_dual(p->grid, len, p->nelec, out, NULL, NULL);
    if (!rc) rc = lattice_energies(*out, &p->rhf, &inf);
    goto lattice_done;
  }
  default:
    rc = qclr_model_geometry(p, &xyz, &natom);
    break;
  }
  if (rc) return rc;
  if (p->cholesky > 0) {
    qclr_hydrogen_cholesky_options co;
    qclr_hydrogen_cholesky_options_default(&co);
    co.chol.tol = p->cholesky;
    co.rhf = p->rhf;
    qclr_hydrogen_factors *f = NULL;
    int nelec = p->nelec < 0 ? (int)natom : p->nelec;
    rc = qclr_hydrogen_cholesky(natom, xyz, nelec, &co, &f);
    free(xyz);
    if (rc >= 0) {
      const qclr_hydrogen_factors_info *hi = qclr_hydrogen_factors_info_get(f);
      inf.e_nuc = hi->e_nuc;
      inf.e_hf = hi->e_hf;
      inf.rhf_iterations = hi->rhf_iterations;
      inf.rhf_converged = hi->rhf_converged;
      char warn[512]; /* the rebuild clears the message of a warning rc */
      snprintf(warn, sizeof warn, "%s", qclr_last_error());
      int brc = qclr_hydrogen_factors_hamiltonian(f, out);
      if (brc) rc = brc;
      else if (rc > 0) qclr__error(rc, "%s", warn);
    }
    qclr_hydrogen_factors_free(f);
  } else {
    qclr_hydrogen_info hi;
    int nelec = p->nelec < 0 ? (int)natom : p->nelec;
    rc = qclr_hydrogen_build(natom, xyz, nelec, &p->rhf, out, &hi);
    free(xyz);
    inf.e_nuc = hi.e_nuc;
    inf.e_hf = hi.e_hf;
    inf.rhf_iterations = hi.rhf_iterations;
    inf.rhf_converged = hi.rhf_converged;
  }
  inf.e_ref = inf.e_hf; /* canonical RHF orbitals: the reference determinant is the RHF one */
lattice_done:
  if (rc < 0) {
    qclr_hamiltonian_free(*out);
    *out = NULL;
    return rc;
  }
  inf.seconds = now() - t0;
  if (info) *info = inf;
  return rc;
}

int qclr_model_build(const char *spec, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_model_build: out is NULL");
  *out = NULL;
  qclr_model_params p;
  int rc = qclr_model_parse(spec, &p);
  if (rc) return rc;
  return qclr_model_build_params(&p, out, NULL);
}

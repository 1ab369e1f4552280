/* apps/qclr-model.c: build a model Hamiltonian (STO-3G hydrogen cluster,
 * Hubbard, jellium) and write it as an FCIDUMP.  Thin driver over qclr/model.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-model";

enum { O_ATOMS = 1, O_SPACING, O_BOHR, O_NX, O_NY, O_SITES, O_T, O_U, O_PERIODIC, O_GRID, O_RS, O_LENGTH, O_NELEC,
       O_PW, O_CHOL, O_OUT, O_OUTPUT = 'o' };
static const app_option options[] = {
    {"atoms", 0, "N", "atoms in chain/ring (default 10)", O_ATOMS},
    {"spacing", 0, "R", "nearest-neighbour distance (default 1.0 Angstrom)", O_SPACING},
    {"bohr", 0, NULL, "lengths (spacing, xyz coordinates, --length) in bohr", O_BOHR},
    {"nx", 0, "N", "lattice / 2-D Hubbard side x (default 2 x 2 lattice)", O_NX},
    {"ny", 0, "N", "lattice / 2-D Hubbard side y", O_NY},
    {"sites", 0, "N", "1-D Hubbard sites (default 2)", O_SITES},
    {"t", 0, "T", "Hubbard hopping (default 1)", O_T},
    {"u", 0, "U", "Hubbard on-site repulsion (default 4)", O_U},
    {"periodic", 0, NULL, "Hubbard periodic boundary (a side of 2 keeps one bond)", O_PERIODIC},
    {"grid", 0, "n", "jellium points per side, odd (N = n^3 orbitals; default 3)", O_GRID},
    {"rs", 0, "R", "jellium Wigner-Seitz radius in bohr (cell from --nelec)", O_RS},
    {"length", 0, "L", "jellium cell side (instead of --rs)", O_LENGTH},
    {"plane-wave", 0, NULL, "jellium in real plane waves instead of the dual basis", O_PW},
    {"nelec", 0, "N", "electrons (default: neutral / half filling; required for jellium)", O_NELEC},
    {"cholesky", 0, "TOL",
     "hydrogen: integral-direct AO Cholesky to TOL (N^4 never formed), "
     "RHF from the vectors, MO vectors; -o then writes the ERIs rebuilt "
     "from the vectors",
     O_CHOL},
    {"out", 0, "DIR",
     "with --cholesky: DIR/L.npy [L,N,N] MO Cholesky vectors, DIR/h.npy "
     "[N,N] MO one-electron integrals, DIR/C.npy [N,N] MO coefficients "
     "(column k = MO k)",
     O_OUT},
    {"output", 'o', "FILE", "write the FCIDUMP (atomically; 17 significant digits)", O_OUTPUT},
    {0}};

static const char description[] =
    "Build a model Hamiltonian in memory and write it as an FCIDUMP.  MODEL is one of:\n"
    "  chain     linear H_n chain, STO-3G, RHF molecular orbitals\n"
    "  ring      regular H_n ring (polygon, edge = spacing), STO-3G, RHF orbitals\n"
    "  lattice   nx x ny square H lattice, STO-3G, RHF orbitals\n"
    "  xyz       hydrogen atoms from an xyz file (qclr-model xyz FILE.xyz), STO-3G\n"
    "  hubbard   Fermi-Hubbard, site basis: h_ij = -t on bonds, (ii|ii) = U\n"
    "  jellium   uniform electron gas, cubic cell, dual plane-wave (grid) basis\n"
    "            (--plane-wave: real plane waves)\n";

static const char notes[] =
    "Examples:\n"
    "  qclr-model chain --atoms 10 --spacing 1.0 -o h10.fcidump\n"
    "  qclr-model xyz h4.xyz --json -\n"
    "\n"
    "Other qclr apps (qclr-info, -factor, -fci, -groups, -tt) accept the same model in\n"
    "place of an FCIDUMP path as model:KIND:key=value,..., keys = the long options\n"
    "above (atoms, spacing, bohr, nx, ny, sites, t, u, periodic, grid, rs, length,\n"
    "nelec), file=PATH (xyz), basis=dual|planewave, cholesky=TOL; e.g.\n"
    "  qclr-fci model:chain:atoms=10,spacing=1.0\n"
    "\n"
    "Exit status: 0 ok, 1 numerical failure (e.g. RHF not converged), 2 bad usage or input.\n";

static const char *kind_name(int k) {
  static const char *names[] = {"chain", "ring", "lattice", "xyz", "hubbard", "jellium"};
  return names[k];
}

/* Keys every summary has (the object is opened here).  e_hf is NaN when
 * there is no RHF (odd count, open-shell lattice model): null. */
static void json_head(app_json *j, const char *input, int kind, int64_t norb, int nelec, int ms2, double e_core,
                      double seconds, double e_hf, int iterations, int converged, double e_ref, const char *output) {
  app_json_head_values(j, prog, input, norb, (nelec + ms2) / 2, (nelec - ms2) / 2, e_core, seconds);
  app_json_string(j, "model", kind_name(kind));
  app_json_int(j, "nelec", nelec);
  app_json_int(j, "ms2", ms2);
  app_json_double_or_null(j, "energy_hf", e_hf);
  app_json_int(j, "rhf_iterations", iterations);
  app_json_bool(j, "rhf_converged", converged);
  app_json_double_or_null(j, "energy_ref", e_ref);
  if (output) app_json_string(j, "output", output);
  else app_json_null(j, "output");
}

/* DIR/NAME as .npy, shape given; 0 or an exit status (message printed). */
static int write_npy(const char *dir, const char *name, const double *a, int ndim, const int64_t *shape) {
  char *path = app_path_join(dir, name);
  if (!path) {
    fprintf(stderr, "%s: error: out of memory\n", prog);
    return APP_EXIT_NUMERIC;
  }
  int rc = qclr_npy_write(path, a, ndim, shape);
  free(path);
  return rc ? app_fail(prog, rc) : 0;
}

/* --cholesky: integral-direct route, no N^4 unless -o asks for the FCIDUMP. */
static int run_cholesky(const qclr_model_params *p, const char *input, const char *output, const char *outdir,
                        const char *json, int quiet) {
  const double t_start = app_seconds();
  double *xyz = NULL;
  int64_t natom = 0;
  int rc = qclr_model_geometry(p, &xyz, &natom);
  if (rc) return app_fail(prog, rc);
  qclr_hydrogen_cholesky_options o;
  qclr_hydrogen_cholesky_options_default(&o);
  o.chol.tol = p->cholesky;
  int nelec = p->nelec < 0 ? (int)natom : p->nelec;
  qclr_hydrogen_factors *f = NULL;
  app_progress("%s: AO Cholesky of %lld atoms to %g, RHF, MO transformation\n", prog, (long long)natom, p->cholesky);
  double t0 = app_seconds();
  rc = qclr_hydrogen_cholesky(natom, xyz, nelec, &o, &f);
  double t_build = app_seconds() - t0;
  free(xyz);
  if (rc < 0) return app_fail(prog, rc);
  int status = APP_EXIT_OK;
  if (rc > 0) fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
  if (rc == QCLR_WNOTCONVERGED) status = APP_EXIT_NUMERIC; /* RHF; a rank cap (QCLR_WRANKCAP) only warns */
  const qclr_hydrogen_factors_info *inf = qclr_hydrogen_factors_info_get(f);
  int64_t n = qclr_hydrogen_factors_norb(f), r = qclr_hydrogen_factors_rank(f);
  double t_write = 0;
  if (outdir && status == APP_EXIT_OK) {
    double t1 = app_seconds();
    if ((rc = app_outdir_begin(outdir))) status = app_fail(prog, rc);
    double *L = status ? NULL : malloc(sizeof(double) * (size_t)((r ? r : 1) * n * n));
    if (!status && !L) {
      fprintf(stderr, "%s: error: out of memory for %lld x %lld x %lld vectors\n", prog, (long long)r,
              (long long)n, (long long)n);
      status = APP_EXIT_NUMERIC;
    }
    if (L) {
      qclr_pair_unpack(n, r, qclr_hydrogen_factors_vectors(f), L);
      int64_t s3[3] = {r, n, n}, s2[2] = {n, n};
      status = write_npy(outdir, "L.npy", L, 3, s3);
      if (!status) status = write_npy(outdir, "h.npy", qclr_hydrogen_factors_h(f), 2, s2);
      if (!status) status = write_npy(outdir, "C.npy", qclr_hydrogen_factors_mo(f), 2, s2);
      free(L);
    }
    if (app_outdir_end(status) && !status) status = app_fail(prog, QCLR_EIO);
    t_write += app_seconds() - t1;
  }
  if (output && status == APP_EXIT_OK) {
    double t1 = app_seconds();
    qclr_hamiltonian *H = NULL;
    rc = qclr_hydrogen_factors_hamiltonian(f, &H);
    if (!rc) rc = qclr_fcidump_write(output, H, NULL);
    qclr_hamiltonian_free(H);
    if (rc) status = app_fail(prog, rc);
    t_write += app_seconds() - t1;
  }
  if (!quiet) {
    printf("model          %s\n", kind_name(p->kind));
    printf("norb           %lld\n", (long long)n);
    printf("nelec          %d\n", nelec);
    printf("e_core         %.12f\n", inf->e_nuc);
    printf("e_hf           %.12f  (%d RHF iterations, Cholesky ERIs)\n", inf->e_hf, inf->rhf_iterations);
    printf("cholesky       tol %.3g, rank %lld (%.2f N), largest AO residual %.3g\n", p->cholesky,
           (long long)r, (double)r / (double)n, inf->max_residual);
    printf("time           integrals %.3f s, Cholesky %.3f s, RHF %.3f s, MO transform %.3f s\n",
           inf->integral_seconds, inf->cholesky_seconds, inf->rhf_seconds, inf->transform_seconds);
    if (outdir && !status) printf("written        %s/{L,h,C}.npy\n", outdir);
    if (output && !status) printf("written        %s\n", output);
  }
  if (json) {
    app_json *j = app_json_new();
    if (!j) {
      qclr_hydrogen_factors_free(f);
      fprintf(stderr, "%s: error: out of memory\n", prog);
      return APP_EXIT_NUMERIC;
    }
    json_head(j, input, p->kind, n, nelec, nelec % 2, inf->e_nuc, app_seconds() - t_start, inf->e_hf,
              inf->rhf_iterations, inf->rhf_converged, inf->e_hf, output);
    app_json_begin_object(j, "cholesky");
    app_json_double(j, "tol", p->cholesky);
    app_json_int(j, "rank", r);
    app_json_double(j, "max_residual", inf->max_residual);
    app_json_bool(j, "converged", inf->cholesky_converged);
    if (outdir) app_json_string(j, "out", outdir);
    else app_json_null(j, "out");
    app_json_end_object(j);
    app_json_double(j, "seconds_build", t_build);
    app_json_double(j, "seconds_integrals", inf->integral_seconds);
    app_json_double(j, "seconds_cholesky", inf->cholesky_seconds);
    app_json_double(j, "seconds_rhf", inf->rhf_seconds);
    app_json_double(j, "seconds_transform", inf->transform_seconds);
    app_json_double(j, "seconds_write", t_write);
    app_json_end_object(j);
    rc = app_json_write(j, json);
    app_json_free(j);
    if (rc && !status) status = app_fail(prog, rc);
  }
  qclr_hydrogen_factors_free(f);
  return status;
}

int main(int argc, char **argv) {
  app_cli cli = {.prog = prog,
                 .synopsis = "MODEL [OPTION]...\n   or: qclr-model xyz [OPTION]... FILE.xyz",
                 .description = description,
                 .options = options,
                 .notes = notes};
  const char *optarg;
  int c;
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--version") ||
                    !strcmp(argv[1], "-V"))) {
    app_getopt(&cli, argc, argv, &optarg); /* prints, APP_OPT_EXIT */
    app_cli_free(&cli);
    return cli.exit_status;
  }
  if (argc >= 2 && argv[1][0] == '-')
    return app_usage_error(prog, "unknown option '%s' before MODEL (usage: qclr-model MODEL [options])", argv[1]);
  if (argc < 2) return app_usage_error(prog, "missing MODEL (chain, ring, lattice, xyz, hubbard, jellium)");
  qclr_model_params p;
  {
    int rc = qclr_model_parse(argv[1], &p);
    if (rc || strchr(argv[1], ':'))
      return app_usage_error(prog, "unknown MODEL '%s' (chain, ring, lattice, xyz, hubbard, jellium)", argv[1]);
  }
  const char *output = NULL, *outdir = NULL;
  int bad = 0;
  long long v;
  double d;
  optind = 2; /* options follow MODEL */
  while (!bad && (c = app_getopt(&cli, argc, argv, &optarg)) > 0) {
    switch (c) {
    case O_ATOMS:
      if ((bad = app_parse_int(prog, "--atoms", optarg, 1, 100000, &v))) break;
      p.atoms = v;
      break;
    case O_SPACING:
      if ((bad = app_parse_double(prog, "--spacing", optarg, &d))) break;
      if (!(d > 0)) bad = app_usage_error(prog, "--spacing must be positive, got '%s'", optarg);
      p.spacing = d;
      break;
    case O_BOHR: p.bohr = 1; break;
    case O_NX:
    case O_NY:
    case O_SITES:
      if ((bad = app_parse_int(prog, c == O_NX ? "--nx" : c == O_NY ? "--ny" : "--sites", optarg, 1, 100000, &v))) break;
      if (c == O_NY) p.ny = v;
      else p.nx = v;
      if (c == O_SITES) p.ny = 1;
      break;
    case O_T:
    case O_U:
      if ((bad = app_parse_double(prog, c == O_T ? "--t" : "--u", optarg, &d))) break;
      *(c == O_T ? &p.t : &p.u) = d;
      break;
    case O_PERIODIC: p.periodic = 1; break;
    case O_GRID:
      if ((bad = app_parse_int(prog, "--grid", optarg, 1, 31, &v))) break;
      if (v % 2 == 0) bad = app_usage_error(prog, "--grid must be odd, got %lld", v);
      p.grid = (int)v;
      break;
    case O_RS:
    case O_LENGTH:
      if ((bad = app_parse_double(prog, c == O_RS ? "--rs" : "--length", optarg, &d))) break;
      if (!(d > 0)) bad = app_usage_error(prog, "%s must be positive, got '%s'", c == O_RS ? "--rs" : "--length", optarg);
      if (c == O_RS) p.rs = d;
      else p.length = d;
      break;
    case O_NELEC:
      if ((bad = app_parse_int(prog, "--nelec", optarg, 0, 1000000, &v))) break;
      p.nelec = (int)v;
      break;
    case O_PW: p.plane_wave = 1; break;
    case O_CHOL:
      if ((bad = app_parse_double(prog, "--cholesky", optarg, &d))) break;
      if (!(d > 0)) bad = app_usage_error(prog, "--cholesky must be positive, got '%s'", optarg);
      p.cholesky = d;
      break;
    case O_OUT: outdir = optarg; break;
    case O_OUTPUT: output = optarg; break;
    }
  }
  app_cli_free(&cli);
  if (bad) return APP_EXIT_USAGE;
  if (c == APP_OPT_EXIT) return cli.exit_status;
  const char *json = cli.json;
  const int quiet = cli.quiet;
  if (p.kind == QCLR_MODEL_XYZ) {
    if (optind != argc - 1)
      return app_usage_error(prog, optind >= argc ? "xyz: missing FILE.xyz" : "xyz: more than one file given");
    p.xyz_path = argv[optind];
  } else if (optind != argc) {
    return app_usage_error(prog, "unexpected argument '%s'", argv[optind]);
  }
  if (p.kind == QCLR_MODEL_JELLIUM) {
    if (p.nelec < 1) return app_usage_error(prog, "jellium: --nelec is required");
    if ((p.rs > 0) == (p.length > 0)) return app_usage_error(prog, "jellium: give exactly one of --rs and --length");
  }
  const int hydrogen = p.kind <= QCLR_MODEL_XYZ;
  if (p.cholesky > 0 && !hydrogen) return app_usage_error(prog, "--cholesky applies to hydrogen models only");
  if (outdir && !(p.cholesky > 0)) return app_usage_error(prog, "--out needs --cholesky");
  if (app_check_output(prog, "--output", output, 0) ||
      app_check_output(prog, "--out", outdir, 1))
    return APP_EXIT_USAGE;
  if (p.plane_wave && p.kind != QCLR_MODEL_JELLIUM) return app_usage_error(prog, "--plane-wave applies to jellium only");
  if (!output && !json && !outdir && quiet)
    return app_usage_error(prog, "nothing to do: give -o FILE, --out DIR or --json FILE (or drop --quiet)");
  if (p.cholesky > 0) return run_cholesky(&p, argv[1], output, outdir, json, quiet);

  qclr_hamiltonian *H = NULL;
  qclr_model_info info;
  int status = APP_EXIT_OK;
  const double t_start = app_seconds();
  app_progress("%s: building %s\n", prog, kind_name(p.kind));
  int rc = qclr_model_build_params(&p, &H, &info);
  if (rc < 0) return app_fail(prog, rc);
  if (rc == QCLR_WNOTCONVERGED) {
    fprintf(stderr, "%s: warning: %s\n", prog, qclr_last_error());
    status = APP_EXIT_NUMERIC;
  }
  double t_write = 0;
  if (output) {
    double t0 = app_seconds();
    rc = qclr_fcidump_write(output, H, NULL);
    t_write = app_seconds() - t0;
    if (rc) {
      qclr_hamiltonian_free(H);
      return app_fail(prog, rc);
    }
  }
  if (!quiet) {
    printf("model          %s\n", kind_name(p.kind));
    printf("norb           %lld\n", (long long)qclr_hamiltonian_norb(H));
    printf("nelec          %d\n", qclr_hamiltonian_nelec(H));
    printf("ms2            %d\n", qclr_hamiltonian_ms2(H));
    printf("e_core         %.12f\n", qclr_hamiltonian_e_core(H));
    if (hydrogen) printf("e_hf           %.12f  (%d RHF iterations)\n", info.e_hf, info.rhf_iterations);
    else if (info.rhf_converged)
      printf("e_hf           %.12f  (RHF in the %s basis, %d iterations)\n", info.e_hf,
             p.kind == QCLR_MODEL_HUBBARD ? "site" : p.plane_wave ? "plane-wave" : "dual", info.rhf_iterations);
    else
      printf("e_hf           n/a  (%s)\n", qclr_hamiltonian_nelec(H) % 2 ? "odd electron count"
                                            : info.rhf_iterations ? "RHF did not converge"
                                                                  : "open shell: h degenerate at the Fermi level");
    if (!hydrogen) printf("e_ref          %.12f  (lowest-index determinant)\n", info.e_ref);
    printf("build time     %.3f s\n", info.seconds);
    if (output) printf("written        %s (%.3f s)\n", output, t_write);
  }
  if (json) {
    app_json *j = app_json_new();
    if (!j) {
      qclr_hamiltonian_free(H);
      fprintf(stderr, "%s: error: out of memory\n", prog);
      return APP_EXIT_NUMERIC;
    }
    json_head(j, argv[1], p.kind, qclr_hamiltonian_norb(H), qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H),
              qclr_hamiltonian_e_core(H), app_seconds() - t_start, info.e_hf, info.rhf_iterations,
              info.rhf_converged, info.e_ref, output);
    app_json_double(j, "seconds_build", info.seconds);
    app_json_double(j, "seconds_write", t_write);
    app_json_end_object(j);
    rc = app_json_write(j, json);
    app_json_free(j);
    if (rc) status = app_fail(prog, rc);
  }
  qclr_hamiltonian_free(H);
  return status;
}

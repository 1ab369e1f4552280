/* apps/qclr-info.c: read an FCIDUMP and report what is in it.
 *
 *   qclr-info [OPTION]... INPUT
 *
 * Prints the header values, integral counts, symmetry checks, the memory a
 * Hamiltonian needs, the reference-determinant energy and the read speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json.h"

static const char *prog = "qclr-info";

enum { O_MAXBYTES = 1 };
static const app_option options[] = {
    {"max-bytes", 0, "N", "refuse files whose Hamiltonian needs more than N bytes", O_MAXBYTES},
    {0}};

int main(int argc, char **argv) {
  app_cli cli = {.prog = prog,
                 .synopsis = "[OPTION]... INPUT",
                 .description =
                     "Read an FCIDUMP (plain or .gz), or build model:KIND:key=value,... (see\n"
                     "qclr-model --help), and print NORB, NELEC, MS2, the core energy, integral\n"
                     "counts, symmetry checks, the memory needed and the energy of the reference\n"
                     "determinant (lowest orbitals occupied).\n",
                     .options = options,
                 .notes = "Examples:\n"
                          "  qclr-info inputs/h2o_sto-3g.fcidump\n"
                          "  qclr-info --json - model:chain:atoms=10\n"
                          "\n"
                          "Exit status: 0 ok, 2 bad usage or input (message: file:line: what was expected).\n"};
  long long max_bytes = 0;
  const char *arg;
  int c;
  while ((c = app_getopt(&cli, argc, argv, &arg)) > 0) {
    if (c == O_MAXBYTES && app_parse_int(prog, "--max-bytes", arg, 0, (long long)1 << 62, &max_bytes)) {
      c = APP_OPT_EXIT;
      cli.exit_status = APP_EXIT_USAGE;
      break;
    }
  }
  app_cli_free(&cli);
  if (c == APP_OPT_EXIT) return cli.exit_status;
  if (optind != argc - 1)
    return app_usage_error(prog, optind >= argc ? "missing FILE" : "expected one FILE");
  const char *path = argv[optind], *json_path = cli.json;
  const int quiet = cli.quiet;

  qclr_fcidump_read_options ro;
  qclr_fcidump_read_options_default(&ro);
  ro.max_bytes = max_bytes;
  qclr_hamiltonian *H = NULL;
  qclr_fcidump_info info;
  double t0 = app_seconds();
  const int model = app_is_model(path); /* model:KIND:... built in memory (no file) */
  int rc = model ? app_read_hamiltonian(path, &H) : qclr_fcidump_read(path, &ro, &H, &info);
  double t_read = app_seconds() - t0;
  if (model) memset(&info, 0, sizeof info);
  if (rc) return app_fail(prog, rc);

  int64_t N = qclr_hamiltonian_norb(H);
  size_t mem = 0;
  double e_ref = 0, h_asym = 0, v_asym = 0;
  if ((rc = qclr_hamiltonian_memory_bytes(N, &mem)) || (rc = qclr_hamiltonian_e_ref(H, &e_ref)) ||
      (rc = qclr_hamiltonian_symmetry_error(H, &h_asym, &v_asym))) {
    qclr_hamiltonian_free(H);
    return app_fail(prog, rc);
  }
  const int *orbsym = qclr_hamiltonian_orbsym(H);
  const char *listing = info.eight_fold ? "8-fold" : "4-fold";
  double mbs = t_read > 0 ? (double)info.bytes / 1e6 / t_read : 0.0;

  if (!quiet) {
    printf("file                        %s\n", path);
    printf("norb                        %lld\n", (long long)N);
    printf("nelec                       %d  (%d alpha, %d beta)\n", qclr_hamiltonian_nelec(H),
           qclr_hamiltonian_nalpha(H), qclr_hamiltonian_nbeta(H));
    printf("ms2                         %d\n", qclr_hamiltonian_ms2(H));
    printf("isym                        %d\n", qclr_hamiltonian_isym(H));
    printf("orbsym                      ");
    for (int64_t p = 0; p < N && p < 32; p++) printf("%s%d", p ? "," : "", orbsym[p]);
    printf("%s\n", N > 32 ? ",..." : "");
    printf("e_core                      %.12f Ha\n", qclr_hamiltonian_e_core(H));
    printf("e_ref                       %.12f Ha  (reference determinant)\n", e_ref);
    if (model) {
      printf("h / V asymmetry             %.3g / %.3g\n", h_asym, v_asym);
      printf("memory needed               %zu bytes (%.3g MiB)\n", mem, (double)mem / 1048576.0);
      printf("built                       %.3f s  (model, no file)\n", t_read);
    } else {
    printf("lines                       %lld\n", (long long)info.lines);
    printf("records                     %lld  (%lld orbital-energy lines ignored)\n",
           (long long)info.records, (long long)info.orbital_energy_records);
    printf("nonzero unique integrals    %lld\n", (long long)info.nonzero_unique);
    printf("listing                     %s%s\n", listing,
           info.eight_fold ? "" : "  (symmetry-equivalent elements listed more than once)");
    printf("max duplicate discrepancy   %.3g\n", info.max_duplicate_discrepancy);
    printf("h / V asymmetry             %.3g / %.3g\n", h_asym, v_asym);
    printf("memory needed               %zu bytes (%.3g MiB)\n", mem, (double)mem / 1048576.0);
    printf("read                        %.3f s, %.1f MB/s (%zu bytes)\n", t_read, mbs, info.bytes);
    }
  }
  if (json_path) {
    app_json *j = app_json_new();
    if (!j) {
      qclr_hamiltonian_free(H);
      return app_fail(prog, QCLR_ENOMEM);
    }
    app_json_head(j, prog, path, H, app_seconds() - t0);
    app_json_int(j, "nelec", qclr_hamiltonian_nelec(H));
    app_json_int(j, "ms2", qclr_hamiltonian_ms2(H));
    app_json_int(j, "isym", qclr_hamiltonian_isym(H));
    app_json_begin_inline_array(j, "orbsym");
    for (int64_t p = 0; p < N; p++) app_json_int(j, NULL, orbsym[p]);
    app_json_end_array(j);
    app_json_double(j, "energy_ref", e_ref);
    if (model) { /* file-only keys are null for a model description */
      const char *keys[] = {"lines", "records", "orbital_energy_records", "nonzero", "listing",
                            "max_duplicate_discrepancy"};
      for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) app_json_null(j, keys[k]);
    } else {
    app_json_int(j, "lines", info.lines);
    app_json_int(j, "records", info.records);
    app_json_int(j, "orbital_energy_records", info.orbital_energy_records);
    app_json_int(j, "nonzero", info.nonzero_unique);
    app_json_string(j, "listing", listing);
    app_json_double(j, "max_duplicate_discrepancy", info.max_duplicate_discrepancy);
    }
    app_json_double(j, "h_asymmetry", h_asym);
    app_json_double(j, "v_asymmetry", v_asym);
    app_json_int(j, "memory_bytes", (int64_t)mem);
    if (model) {
      app_json_null(j, "input_bytes");
      app_json_double(j, "seconds_read", t_read);
      app_json_null(j, "read_mb_per_s");
    } else {
    app_json_int(j, "input_bytes", (int64_t)info.bytes);
    app_json_double(j, "seconds_read", t_read);
    app_json_double(j, "read_mb_per_s", mbs);
    }
    app_json_end_object(j);
    rc = app_json_write(j, json_path);
    app_json_free(j);
    if (rc) {
      qclr_hamiltonian_free(H);
      return app_fail(prog, rc);
    }
  }
  qclr_hamiltonian_free(H);
  return 0;
}

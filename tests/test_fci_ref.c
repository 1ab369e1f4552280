/* tests/test_fci_ref.c: FCI and MP2 energies of the shipped FCIDUMP files
 * against Psi4 (detci, occ) in inputs/reference.json, to 1e-8 Ha.  Built
 * twice: tests/test_fci_ref (every file that fits except H2O/6-31G) and, with
 * FCI_BIG, tests/test_fci_big (H2O/6-31G, 1.66 M determinants, plus a 1 vs 2
 * thread comparison of sigma to 1e-12); the latter skips under
 * AddressSanitizer, where it would take minutes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qclr.h"
#include "testutil.h"

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  if (b) b[n] = 0;
  fclose(f);
  return b;
}

/* Value of "key" inside the record whose "file" is `file` (NAN if null/missing). */
static double ref_value(const char *json, const char *file, const char *key) {
  char pat[256];
  snprintf(pat, sizeof pat, "\"file\": \"%s\"", file);
  const char *r = strstr(json, pat);
  if (!r) return NAN;
  const char *next = strstr(r + 1, "\"file\": ");
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *k = strstr(r, pat);
  if (!k || (next && k > next)) return NAN;
  k += strlen(pat);
  if (!strncmp(k, "null", 4)) return NAN;
  return strtod(k, NULL);
}

static void check_file(const char *json, const char *file, int do_fci) {
  char what[200];
  qclr_hamiltonian *H = NULL;
  int rc = qclr_fcidump_read(test_input(file), NULL, &H, NULL);
  CHECK(rc == 0, "%s: read failed: %s", file, qclr_last_error());
  if (rc) return;
  double e_mp2 = ref_value(json, file, "e_mp2"), e_fci = ref_value(json, file, "e_fci");
  CHECK(!isnan(e_mp2), "%s: e_mp2 in reference.json", file);
  double eref, ec;
  CHECK_RC(qclr_hamiltonian_e_ref(H, &eref), 0);
  CHECK_RC(qclr_mp2_energy(H, &ec), 0);
  snprintf(what, sizeof what, "%s: MP2 vs Psi4", file);
  CHECK_CLOSE(eref + ec, e_mp2, 1e-8, what);
  if (do_fci) {
    CHECK(!isnan(e_fci), "%s: e_fci in reference.json", file);
    qclr_fci_options o;
    qclr_fci_options_default(&o);
    qclr_fci *f = NULL;
    CHECK_RC(qclr_fci_solve(H, &o, &f), 0);
    snprintf(what, sizeof what, "%s: FCI vs Psi4 detci", file);
    if (f) {
      CHECK_CLOSE(qclr_fci_energy(f, 0), e_fci, 1e-8, what);
      double s2;
      CHECK_RC(qclr_fci_spin_square(H, qclr_fci_civec(f, 0), &s2, 0), 0);
      snprintf(what, sizeof what, "%s: <S^2> of the singlet ground state", file);
      CHECK_CLOSE(s2, 0.0, 1e-8, what);
#ifdef FCI_BIG
      int64_t n = qclr_fci_ndet(f);
      double *s1 = malloc(sizeof(double) * n), *s2v = malloc(sizeof(double) * n);
      CHECK_RC(qclr_fci_sigma(H, qclr_fci_civec(f, 0), s1, 1), 0);
      CHECK_RC(qclr_fci_sigma(H, qclr_fci_civec(f, 0), s2v, 2), 0);
      double d = 0, rq = 0;
      for (int64_t i = 0; i < n; i++) {
        d = fmax(d, fabs(s1[i] - s2v[i]));
        rq += qclr_fci_civec(f, 0)[i] * s1[i];
      }
      CHECK(d <= 1e-12, "%s: sigma with 1 vs 2 threads differs by %.3g", file, d);
      CHECK_CLOSE(rq, qclr_fci_energy(f, 0), 1e-9, "Rayleigh quotient c.Hc = E");
      free(s1);
      free(s2v);
#endif
    }
    qclr_fci_free(f);
  }
  qclr_hamiltonian_free(H);
}

int main(void) {
#if defined(FCI_BIG) && (defined(__SANITIZE_ADDRESS__) || defined(__has_feature))
#if defined(__SANITIZE_ADDRESS__)
  printf("test_fci_big: skipped under AddressSanitizer (runs in the normal build)\n");
  return 77;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  printf("test_fci_big: skipped under AddressSanitizer (runs in the normal build)\n");
  return 77;
#endif
#endif
#endif
  char *json = slurp(test_input("reference.json"));
  CHECK(json != NULL, "cannot read reference.json");
  if (!json) return test_done("test_fci_ref");
#ifdef FCI_BIG
  check_file(json, "h2o_6-31g.fcidump", 1);
  free(json);
  return test_done("test_fci_big");
#else
  const char *files[] = {"h2_sto-3g.fcidump", "lih_sto-3g.fcidump", "h2o_sto-3g.fcidump", "beh2_sto-3g.fcidump",
                         "n2_sto-3g.fcidump", "h10_chain_sto-3g.fcidump"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) check_file(json, files[i], 1);
  check_file(json, "n2_cc-pvdz.fcidump", 0); /* MP2 only: 1.4e12 determinants */
  /* refusal with the bytes needed */
  qclr_hamiltonian *H = NULL;
  if (qclr_fcidump_read(test_input("n2_cc-pvdz.fcidump"), NULL, &H, NULL) == 0) {
    qclr_fci_options o;
    qclr_fci_options_default(&o);
    qclr_fci *f = NULL;
    CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_ETOOLARGE);
    CHECK(strstr(qclr_last_error(), "bytes") || strstr(qclr_last_error(), "2^31"), "message: %s", qclr_last_error());
    qclr_hamiltonian_free(H);
  }
  free(json);
  return test_done("test_fci_ref");
#endif
}

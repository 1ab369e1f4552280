/* qclr/strings.h: occupation strings -- the bookkeeping of determinant spaces
 * shared by FCI, the Givens networks and the tensor trains.
 *
 * A string is the occupation of norb spatial orbitals by electrons of one spin,
 * stored as a bit pattern (orbital p is bit p, so norb <= 64).  The strings
 * with nel electrons are ordered ascending as integers, which is the CI vector
 * order of docs/conventions.md §2 (c[alpha string][beta string], as PySCF). */
#ifndef QCLR_STRINGS_H
#define QCLR_STRINGS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The binomial coefficient C(n, k) exactly in *out (0 when k < 0 or k > n):
 * the number of strings of k electrons in n orbitals.  n >= 0 (else
 * QCLR_EINVAL); QCLR_ETOOLARGE when the value exceeds INT64_MAX.
 * O(min(k, n - k)). */
int qclr_binomial(int64_t n, int64_t k, int64_t *out);

/* All strings of nel electrons in norb orbitals (0 <= nel <= norb <= 64, else
 * QCLR_EINVAL), ascending as integers.  *strings is malloc'd (the caller
 * frees it), *count = C(norb, nel).  QCLR_ETOOLARGE beyond 2^31 - 1 strings
 * (no CI vector of that size fits; string indices are 32-bit in FCI).
 * O(count). */
int qclr_ci_strings(int64_t norb, int64_t nel, uint64_t **strings, int64_t *count);

/* Position of a string in the ascending list of the strings with its number of
 * set bits (combinatorial number system: sum_k C(p_k, k + 1) over its set bits
 * p_0 < p_1 < ...).  Never fails; O(popcount^2). */
int64_t qclr_ci_string_index(uint64_t string);

#ifdef __cplusplus
}
#endif

#endif

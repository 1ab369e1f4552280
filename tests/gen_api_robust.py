#!/usr/bin/env python3
"""tests/gen_api_robust.py: generate the calls of tests/api_robust (C) from
the public headers.

    gen_api_robust.py --include DIR [--include DIR2] OUT.c

(the first DIR holds qclr.h; later ones, e.g. the build tree's include/ with
the generated qclr/version.h, are searched too).

Every function prototype of include/qclr.h (after the C preprocessor) gets:
  * one call with good arguments (small valid handles from
    tests/api_robust.h, scratch buffers, sensible scalars): it must not crash;
  * one call per argument made bad, the others good: a required pointer set
    to NULL, an index set to -1, 99999 and its type's maximum, a count set to
    -1 (and to the maximum when no caller array depends on it), an enum
    outside its range, a double set to NaN and +Inf, an options struct whose
    `size` was not set by its _default().
A function returning int (a status) must return QCLR_EINVAL for a bad call;
an accessor must return its documented safe value (include/qclr/error.h:
NULL, 0, NaN, or -1 for an index lookup); a void function must just not
crash.  Running the program under ASan/UBSan (.ci/run) turns out-of-bounds
reads into failures too.

A parameter type or name the generator does not know is an error (exit 1):
a new function is covered automatically or the build says why.  The list of
covered functions is compiled into the program (`api_robust --list`) and
tests/api_robust.sh compares it with the symbols libqclr exports.
"""
import re
import subprocess
import sys

# --- per-name knowledge -----------------------------------------------------

# Pointer parameters documented as optional ("NULL = defaults", "may be NULL").
NULLABLE = {
    'o', 'opts', 'rhf', 'info', 'title',
    'qclr_hamiltonian_fock.fock_b',
    'qclr_hamiltonian_symmetry_error.h_asym', 'qclr_hamiltonian_symmetry_error.v_asym',
    'qclr_fci_civec_read.energy', 'qclr_factor_one_body.Tprime', 'qclr_factor_lambda.lambda_sf',
    'qclr_factor_lambda.lambda_df', 'qclr_factor_lambda.lr', 'qclr_factor_lambda.df',
    'qclr_groups_moments_det.ca', 'qclr_groups_moments_det.cb',
    'qclr_tt_singular_values.n', 'qclr_pauli_term.x', 'qclr_pauli_term.z', 'qclr_pauli_term.coef',
    'qclr_tt_orbital_entropies.mutual', 'qclr_tt_orbital_entropies.s1',
    'qclr_ci_strings.strings', 'qclr_fci_rdm12.rdm2', 'qclr_model_build_params.info',
    'qclr_jellium_dual.kinetic', 'qclr_jellium_dual.potential', 'qclr_jellium_plane_wave.rotation',
    'qclr_rhf_solve.chol', 'qclr_rhf_solve.eps', 'qclr_rhf_solve.e_hf', 'qclr_rhf_solve.iterations',
    'qclr_rhf_solve.vpair', 'qclr_rhf_solve.C',
    'qclr_sto3g_one_electron.S', 'qclr_sto3g_one_electron.T', 'qclr_sto3g_one_electron.V',
    'qclr_factor_one_body.T', 'qclr_fcidump_read_buffer.name', 'qclr_groups_qubit_terms.a', 'qclr_groups_qubit_terms.b', 'qclr_tt_ranks.ranks',
    'qclr_tt_new.ranks', 'qclr_pauli_qwc_groups.ngroups', 'qclr_binomial.out',
    'qclr_groups_shots.total', 'qclr_fcidump_write.H_opts', 'qclr_lowrank_recompress.max_abs_error',
}

# Scalar parameter names: good value and kind of bad values.
#   idx    index into a handle: -1, 99999, max
#   count  size of something: -1 (max too unless a caller array depends on it)
#   nel    electron count: -1, max
#   enum   -1, 99999
#   any    every value valid: no bad value
INTS = {
    'k': ('0', 'idx'), 'l': ('0', 'idx'), 'g': ('0', 'idx'), 'j': ('0', 'idx'), 'root': ('0', 'idx'),
    'bond': ('0', 'idx'), 'p': ('0', 'idx'), 'q': ('0', 'idx'), 'r': ('0', 'idx'), 's': ('0', 'idx'),
    'norb': ('2', 'count'), 'n': ('2', 'count'), 'count': ('1', 'count'), 'nfactors': ('1', 'count'),
    'ngroups': ('1', 'count'), 'nstates': ('1', 'count'), 'natom': ('2', 'count'), 'nx': ('2', 'count'),
    'ny': ('1', 'count'), 'nterms': ('1', 'count'), 'ncol': ('1', 'count'), 'rank': ('1', 'count'),
    'ndim': ('2', 'count'), 'total': ('10', 'count'), 'nel': ('1', 'nel'), 'nocc': ('1', 'nel'),
    'nelec': ('2', 'nel'), 'nalpha': ('1', 'nel'), 'nbeta': ('1', 'nel'), 'ms2': ('0', 'enum'),
    'max_rank': ('0', 'count'), 'version': ('2', 'enum'), 'kind': ('0', 'enum'), 'site_kind': ('0', 'enum'),
    'isym': ('1', 'enum'), 'bohr': ('0', 'any'), 'periodic': ('0', 'any'), 'code': ('-1', 'any'),
    'layout': ('0', 'enum'), 'n_spin': ('108', 'count'), 'L': ('200', 'count'), 'lxi': ('2000', 'count'),
    'M': ('2', 'count'), 'nvalues': ('2', 'count'), 'm': ('3', 'count'), 'ka': ('1', 'count'),
    'kb': ('1', 'count'), 'gate_set': ('0', 'enum'),
}
DOUBLES = {
    'tol': '1e-6', 'drop': '1e-12', 'eps': '1e-3', 'noise': '0.01', 'spacing': '1.4', 't': '1.0',
    'u': '4.0', 'length': '5.0', 'rs': '1.0', 'e_core': '0.0', 'constant': '0.0', 'alpha': '1.0',
    'beta': '1.0', 's': '1.0', 'e_nuc': '0.0', 'lambda': '300.0', 's_r': '1.0', 's_r1': '0.5', 'enorm': '0.1',
}
# scalars of these names are valid at any value
ANY_U64 = {'seed', 'string', 'alpha', 'beta'}
ANY_SIZE = {'len'}

# Accessors returning int/int64_t (not a status): safe value on a bad call.
INT_ACCESSORS = {
    'qclr_hamiltonian_nelec': '0', 'qclr_hamiltonian_ms2': '0', 'qclr_hamiltonian_nalpha': '0',
    'qclr_hamiltonian_nbeta': '0', 'qclr_hamiltonian_isym': '0', 'qclr_lowrank_converged': '0',
    'qclr_hydrogen_factors_nelec': '0', 'qclr_fci_converged': '0', 'qclr_fci_nroots': '0',
    'qclr_fci_iterations': '0', 'qclr_pauli_nqubits': '0', 'qclr_tt_ndim': '0',
    'qclr_tt_is_block_sparse': '0', 'qclr_get_threads': None, 'qclr_tt_fermion_sign': None,
}
INT64_INDEX_LOOKUPS = {'qclr_ci_string_index', 'qclr_tt_det_index', 'qclr_df_source'}

# Bad values that are in fact valid for one function (documented there).
VALID_AFTER_ALL = {
    'qclr_binomial.n.max',                 # C(max, 1) = max fits
    'qclr_binomial.k.-1', 'qclr_binomial.k.99999', 'qclr_binomial.k.max',  # C(n, k) = 0
    'qclr_eigen_factor.max_rank.max',      # a cap above the rank: no cap
    'qclr_npy_write.data.NULL',            # the zero shape holds no element
    'qclr_jellium_length.nelec.max',       # a finite length
    'qclr_hamiltonian_set_isym.isym.-1',   # void setter
    'qclr_tt_add.alpha.inf', 'qclr_tt_add.beta.inf',
}

# Functions that consume their handle (no free afterwards).
CONSUMERS = re.compile(r'_free$|^qclr_output_dir_(commit|abort)$')


class Gen(Exception):
    pass


def preprocess(incdirs):
    cmd = ['cpp', '-P'] + ['-I' + d for d in incdirs] + [incdirs[0] + '/qclr.h']
    src = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    src = re.sub(r'__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)\s*', '', src)
    decls, depth, buf = [], 0, ''
    for ch in src:
        if ch == '{':
            depth += 1
        if depth == 0:
            buf += ch
            if ch == ';':
                decls.append(' '.join(buf.split()))
                buf = ''
        if ch == '}':
            depth -= 1
            if depth == 0:
                buf = ''
    out = []
    for d in decls:
        m = re.match(r'^(?:extern\s+)?(.*?)\b(qclr_[a-z]\w*)\s*\((.*)\)\s*;$', d)
        if not m or 'typedef' in m.group(1):
            continue
        ret, name, args = m.group(1).strip(), m.group(2), m.group(3).strip()
        params = []
        if args != 'void':
            for a in args.split(','):
                a = a.strip()
                if a == '...':
                    params.append(('...', '...'))
                    continue
                pm = re.match(r'^(.*?)(\w+)$', a)
                params.append((' '.join(pm.group(1).replace('*', ' * ').split()), pm.group(2)))
        out.append((ret, name, params))
    return out


def norm_type(t):
    t = re.sub(r'\bconst\b', '', t)
    return re.sub(r'\s*\*\s*', '*', ' '.join(t.split())).strip()


class Param:
    """good: C expression; bads: list of (label, expr); setup/cleanup code."""

    def __init__(self, fn, i, ctype, name, has_arrays):
        self.fn, self.i, self.ctype, self.name = fn, i, ctype, name
        self.var = 'a%d' % i
        self.setup, self.cleanup, self.bads = [], [], []
        self.cleanup_if_replaced = []
        key = fn + '.' + name
        nullable = name in NULLABLE or key in NULLABLE
        t = norm_type(ctype)
        base = t.rstrip('*')
        stars = len(t) - len(base)
        decl = ctype
        if ctype == '...':
            raise Gen('variadic')
        if stars == 0:
            if base in ('int', 'int64_t'):
                if name not in INTS:
                    raise Gen('unknown integer parameter %s' % name)
                good, kind = INTS[name]
                mx = 'INT_MAX' if base == 'int' else 'INT64_MAX'
                self.good = good
                if kind == 'idx':
                    self.bads = [('-1', '-1'), ('99999', '99999'), ('max', mx)]
                elif kind == 'count':
                    self.bads = [('-1', '-1')] + ([] if has_arrays else [('max', mx)])
                elif kind == 'nel':
                    self.bads = [('-1', '-1'), ('max', mx)]
                elif kind == 'enum':
                    self.bads = [('-1', '-1'), ('99999', '99999')]
            elif base == 'double':
                self.good = DOUBLES.get(name, '1.0')
                self.bads = [('nan', 'NAN'), ('inf', 'INFINITY')]
            elif base == 'uint64_t':
                if name not in ANY_U64:
                    raise Gen('unknown uint64_t parameter %s' % name)
                self.good = '1'
            elif base == 'size_t':
                if name not in ANY_SIZE:
                    raise Gen('unknown size_t parameter %s' % name)
                self.good = '16'
            else:
                raise Gen('unknown scalar type %s' % ctype)
            self.bads = [b for b in self.bads if '%s.%s' % (key, b[0]) not in VALID_AFTER_ALL]
            self.decl = None
            return
        self.decl = None
        if stars == 1 and base.startswith('qclr_') and base in HANDLES:
            self.setup.append('%s *%s = fx_%s();' % (base, self.var, base[5:]))
            free = '%s(%s);' % (FREE.get(base, base + '_free'), self.var)
            if CONSUMERS.search(fn):
                self.cleanup_if_replaced = [free]
            else:
                self.cleanup.append(free)
            self.good = self.var
        elif stars == 2 and base in HANDLES:
            self.setup.append('%s *%s = NULL;' % (base, self.var))
            self.cleanup.append('%s(%s);' % (FREE.get(base, base + '_free'), self.var))
            self.good = '&' + self.var
        elif stars == 1 and base.startswith('qclr_'):
            # a plain struct: options (size set by _default) or an output
            self.setup.append('%s *%s = (%s *)fx_scratch(%d);' % (base, self.var, base, self.i))
            if base in DEFAULTS:
                self.setup.append(DEFAULTS[base] % self.var)
                if 'const' in ctype:
                    self.bads.append(('unsized', 'fx_unsized_%s()' % base[5:]))
                    UNSIZED.add(base)
            elif base == 'qclr_pair_operator':
                self.setup.append('fx_pair_operator(%s);' % self.var)
            self.good = self.var
        elif stars == 1 and base == 'char' and 'const' in ctype:
            self.good = {'path': 'fx_path()', 'dir': 'fx_dir()', 'spec': '"hubbard:nx=2,ny=1,nelec=2"',
                         'fmt': '"%s"', 'title': '"t"', 'name': '"n"', 'buf': 'fx_text()'}.get(name)
            if self.good is None:
                raise Gen('unknown string parameter %s' % name)
        elif stars == 1 and base in ('double', 'int64_t', 'int', 'uint64_t', 'unsigned char', 'char', 'size_t',
                                     'void'):
            self.good = 'fx_scratch(%d)' % self.i
            self.good = '(%s)%s' % (ctype, self.good)
        elif stars == 2 and base in ('double', 'uint64_t', 'char') and 'const' not in ctype:
            self.setup.append('%s *%s = NULL;' % (base, self.var))
            self.cleanup.append('free(%s);' % self.var)
            self.good = '&' + self.var
        elif stars == 2 and base == 'double' and 'const' in ctype:
            self.setup.append('const double **%s = (const double **)fx_scratch(%d);' % (self.var, self.i))
            self.setup.append('for (int i_ = 0; i_ < 16; i_++) %s[i_] = fx_identity();' % self.var)
            self.good = '(%s)%s' % (ctype, self.var)
        else:
            raise Gen('unknown pointer type %s' % ctype)
        if not nullable and key + '.NULL' not in VALID_AFTER_ALL:
            self.bads.insert(0, ('NULL', 'NULL'))


HANDLES = {'qclr_hamiltonian', 'qclr_lowrank', 'qclr_df', 'qclr_fci', 'qclr_fci_op', 'qclr_givens',
           'qclr_pauli_sum', 'qclr_groups', 'qclr_tt', 'qclr_sto3g_eri', 'qclr_hydrogen_factors',
           'qclr_output_dir', 'qclr_thc'}
FREE = {'qclr_pauli_sum': 'qclr_pauli_free', 'qclr_output_dir': 'qclr_output_dir_abort'}
DEFAULTS = {}
UNSIZED = set()


def main():
    args, incdirs = sys.argv[1:], []
    while len(args) > 1 and args[0] == '--include':
        incdirs.append(args[1])
        args = args[2:]
    if len(args) != 1 or not incdirs:
        sys.exit('usage: gen_api_robust.py --include DIR [--include DIR2] OUT.c')
    outpath = args[0]
    protos = preprocess(incdirs)
    names = {p[1] for p in protos}
    for _, name, params in protos:
        m = re.match(r'(qclr_\w+)_default$', name)
        if m and params and norm_type(params[0][0]) == m.group(1) + '*':
            DEFAULTS[m.group(1)] = name + '(%s);'
    DEFAULTS['qclr_model_params'] = 'qclr_model_params_default(%s, QCLR_MODEL_HUBBARD);'
    out = ['/* Generated by tests/gen_api_robust.py from the public headers: do not edit. */',
           '#include "api_robust.h"', '']
    covered = []
    errors = []
    for ret, name, params in protos:
        if name == 'qclr_error_set':
            # variadic: the generic rules cover code; fmt NULL must not crash
            out.append('static void call_%s(void) {' % name)
            out.append('  CHECK_INT("%s", "good", qclr_error_set(QCLR_EINVAL, "%%s", "x"), QCLR_EINVAL);' % name)
            out.append('  CHECK_INT("%s", "fmt=NULL", qclr_error_set(QCLR_EINVAL, NULL), QCLR_EINVAL);' % name)
            out.append('}')
            covered.append(name)
            continue
        has_arrays = any(norm_type(t).count('*') == 1 and 'qclr_' not in t and 'char' not in t
                         or norm_type(t) == 'double**' and 'const' in t for t, n in params)
        try:
            ps = [Param(name, i, t, n, has_arrays) for i, (t, n) in enumerate(params)]
        except Gen as e:
            errors.append('%s: %s' % (name, e))
            continue
        rt = norm_type(ret)
        if rt == 'void':
            kind, safe = 'void', None
        elif rt == 'int' and name not in INT_ACCESSORS:
            kind, safe = 'status', 'QCLR_EINVAL'
        elif rt in ('int', 'int64_t'):
            kind = 'int'
            safe = INT_ACCESSORS.get(name, '-1' if name in INT64_INDEX_LOOKUPS else '0')
        elif rt == 'double':
            kind, safe = 'double', None
        elif rt.endswith('*'):
            kind, safe = 'ptr', None
        else:
            errors.append('%s: unknown return type %s' % (name, ret))
            continue
        if name in ('qclr_strerror', 'qclr_version', 'qclr_last_error'):
            kind = 'nonnull'
        out.append('static void call_%s(void) {' % name)
        variants = [('good', None)] + [(p.name + '=' + lab, (p.i, expr)) for p in ps for lab, expr in p.bads]
        for label, bad in variants:
            out.append('  {')
            for p in ps:
                out.extend('    ' + s for s in p.setup)
                if p.setup and bad and bad[0] == p.i:
                    out.append('    (void)%s;' % p.var)
            args = [p.good if not bad or bad[0] != p.i else bad[1] for p in ps]
            call = '%s(%s)' % (name, ', '.join(args))
            checkable = bad is not None
            if kind == 'void' or (not checkable and kind != 'nonnull'):
                out.append('    (void)%s;' % call if kind != 'void' else '    %s;' % call)
            elif kind == 'status':
                # a size too large may also be refused as too large / out of memory
                macro = 'CHECK_ERR' if label.endswith('=max') else 'CHECK_INT'
                out.append('    %s("%s", "%s", %s, QCLR_EINVAL);' % (macro, name, label, call))
            elif kind == 'int':
                if safe is None:
                    out.append('    (void)%s;' % call)
                else:
                    out.append('    CHECK_INT("%s", "%s", %s, %s);' % (name, label, call, safe))
            elif kind == 'double':
                out.append('    CHECK_NAN("%s", "%s", %s);' % (name, label, call))
            elif kind == 'ptr':
                out.append('    CHECK_NULL("%s", "%s", %s);' % (name, label, call))
            elif kind == 'nonnull':
                out.append('    CHECK_NONNULL("%s", "%s", %s);' % (name, label, call))
            for p in reversed(ps):
                out.extend('    ' + s for s in p.cleanup)
                if bad and bad[0] == p.i:
                    out.extend('    ' + s for s in p.cleanup_if_replaced)
            out.append('  }')
        out.append('}')
        covered.append(name)
    for b in sorted(UNSIZED):
        out.insert(3, 'static const %s *fx_unsized_%s(void) { static %s o; memset(&o, 0, sizeof o); return &o; }'
                   % (b, b[5:], b))
    if errors:
        for e in errors:
            print('gen_api_robust.py: ' + e, file=sys.stderr)
        sys.exit(1)
    out.append('const char *const api_robust_covered[] = {')
    out.extend('  "%s",' % n for n in covered)
    out.append('  NULL};')
    out.append('void api_robust_run(void) {')
    out.extend('  api_robust_one("%s", call_%s);' % (n, n) for n in covered)
    out.append('}')
    with open(outpath, 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()

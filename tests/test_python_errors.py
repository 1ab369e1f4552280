#!/usr/bin/env python3
"""qclr Python package: errors are exceptions, never crashes.

  * bad shapes, dtypes, NaN/Inf and non-contiguous arrays raise ValueError
    (before any C call: the library's last-error message stays empty);
  * library failures raise qclr.Error subclasses carrying libqclr's message;
  * fuzz: 400 random calls (random shapes, sizes, dtypes, values incl. NaN,
    Inf, huge, negative, wrong types) at every public function; each must
    return or raise ValueError / qclr.Error / QclrWarning-as-error, and the
    interpreter must survive (a crash fails the test).
"""
import os
import sys
import tempfile
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyqclr import qclr, inputs  # noqa: E402

lib = qclr._lib.lib
fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def raises(exc, fn, *a, **k):
    try:
        fn(*a, **k)
    except exc as e:
        return str(e)
    except Exception as e:  # wrong kind
        return "WRONG %s: %s" % (type(e).__name__, e)
    return None


def before_c(fn, *a, **k):
    """ValueError and no C call: seed the library's message, it must survive."""
    lib.qclr_set_threads(-1)  # fails, sets the message "qclr_set_threads ..."
    seeded = lib.qclr_last_error()
    m = raises(ValueError, fn, *a, **k)
    return m is not None and not m.startswith("WRONG") and lib.qclr_last_error() == seeded and seeded != b"", m


HB = qclr.models.hubbard(2)
h = np.eye(3)
eri = np.zeros((3, 3, 3, 3))
cases = [
    ("h1 not square", lambda: qclr.Hamiltonian(np.zeros((3, 4)), eri)),
    ("eri wrong shape", lambda: qclr.Hamiltonian(h, np.zeros((3, 3, 3)))),
    ("eri NaN", lambda: qclr.Hamiltonian(h, np.full((3, 3, 3, 3), np.nan))),
    ("h1 Inf", lambda: qclr.Hamiltonian(np.full((3, 3), np.inf), eri)),
    ("complex dtype", lambda: qclr.Hamiltonian(h.astype(complex), eri)),
    ("string array", lambda: qclr.Hamiltonian([["a"]], eri)),
    ("non-contiguous", lambda: qclr.Hamiltonian(np.eye(6)[::2, ::2], eri)),
    ("Fortran order", lambda: qclr.Hamiltonian(np.asfortranarray(np.arange(9.0).reshape(3, 3)), eri)),
    ("nelec too large", lambda: qclr.Hamiltonian(h, eri, nelec=(4, 0))),
    ("nelec negative", lambda: qclr.Hamiltonian(h, eri, nelec=-2)),
    ("e_core NaN", lambda: qclr.Hamiltonian(h, eri, e_core=float("nan"))),
    ("both eri and cholesky", lambda: qclr.Hamiltonian(h, eri, cholesky=np.zeros((1, 6)))),
    ("cholesky wrong pair length", lambda: qclr.Hamiltonian(h, cholesky=np.zeros((2, 5)))),
    ("cholesky tol negative", lambda: qclr.cholesky(eri, tol=-1)),
    ("cholesky unknown pivot", lambda: qclr.cholesky(eri, pivot="best")),
    ("threads negative", lambda: qclr.cholesky(eri, threads=-3)),
    ("df rule", lambda: qclr.double_factorization(eri, rule="x")),
    ("fci on an array", lambda: qclr.fci(eri)),
    ("fci nroots 0", lambda: qclr.fci(HB, nroots=0)),
    ("tt eps NaN", lambda: qclr.tt_svd(np.ones((2, 2)), eps=float("nan"))),
    ("tt civec wrong size", lambda: qclr.tt_svd(np.ones(5), norb=3, nelec=(1, 1))),
    ("groups epsilon 0", lambda: qclr.groups(HB, epsilon=0)),
    ("groups bad state", lambda: qclr.groups(HB, state="fci2")),
    ("model atoms 0", lambda: qclr.models.hydrogen_chain(0)),
]
for name, fn in cases:
    ok, m = before_c(fn)
    check(ok, "%s -> ValueError before any C call (%s)" % (name, m))

# library errors: qclr.Error subclasses with the library's message
m = raises(qclr.FileError, qclr.Hamiltonian.from_fcidump, "/nonexistent/x.fcidump")
check(m is not None and "nonexistent" in m and not m.startswith("WRONG"), "missing file -> qclr.FileError: %s" % m)
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "bad.fcidump")
    with open(p, "w") as f:
        f.write("&FCI NORB=2,NELEC=2,\n&END\n 1.0 3 1 0 0\n")
    m = raises(qclr.Error, qclr.Hamiltonian.from_fcidump, p)
    check(m is not None and not m.startswith("WRONG"), "malformed FCIDUMP -> qclr.Error: %s" % m)
neg = np.zeros((2, 2, 2, 2))
neg[0, 0, 0, 0] = -1.0
m = raises(qclr.NotPSDError, qclr.cholesky, neg)
check(m is not None and not m.startswith("WRONG"), "indefinite ERIs -> qclr.NotPSDError: %s" % m)
check(issubclass(qclr.InvalidArgumentError, ValueError) and issubclass(qclr.FileError, OSError),
      "exception hierarchy: InvalidArgumentError is a ValueError, FileError an OSError")
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    L, info = qclr.cholesky(qclr.models.hydrogen_chain(4), tol=1e-12, max_rank=2)
    check(L.shape[0] == 2 and not info["converged"] and any(issubclass(x.category, qclr.QclrWarning) for x in w),
          "rank cap -> QclrWarning and a usable result")

# fuzz
rng = np.random.default_rng(12345)
H4 = qclr.models.hydrogen_chain(4)


def rand_array():
    kind = rng.integers(8)
    shape = tuple(int(x) for x in rng.integers(0, 5, size=rng.integers(0, 5)))
    a = rng.standard_normal(shape) * 10.0 ** rng.integers(-300, 300)
    if kind == 0 and a.size:
        a.flat[rng.integers(a.size)] = np.nan
    elif kind == 1 and a.size:
        a.flat[rng.integers(a.size)] = -np.inf
    elif kind == 2:
        a = a.astype(np.float32)
    elif kind == 3:
        a = a.astype(np.complex128)
    elif kind == 4:
        a = np.asfortranarray(a)
    elif kind == 5:
        return rng.choice([None, "x", 3, [1, [2]], {"a": 1}, -1.5])
    elif kind == 6:  # a plausible symmetric ERI tensor
        n = int(rng.integers(1, 4))
        B = rng.standard_normal((int(rng.integers(0, 4)), n, n))
        B = B + B.transpose(0, 2, 1)
        return np.einsum("lpq,lrs->pqrs", B, B)
    return a


def rand_scalar():
    return rng.choice([0, 1, -1, 1e-12, 1e300, float("nan"), float("inf"), -0.0, 2, 10**12, "a", None, 0.5])


funcs = [
    lambda: qclr.Hamiltonian(rand_array(), rand_array(), e_core=rand_scalar(), nelec=rand_scalar()),
    lambda: qclr.Hamiltonian(rand_array(), cholesky=rand_array()),
    lambda: qclr.cholesky(rand_array(), tol=rand_scalar(), max_rank=rand_scalar()),
    lambda: qclr.double_factorized(rand_array(), tol=rand_scalar(), max_vecs=rand_scalar()),
    lambda: qclr.double_factorization(rand_array(), rand_scalar(), df_tol=rand_scalar()),
    lambda: qclr.lambdas(rand_array(), rand_scalar()),
    lambda: qclr.lambdas(H4, rand_scalar(), df_tol=rand_scalar(), method=rng.choice(["cholesky", "eigen", "z"])),
    lambda: qclr.fci(H4, nroots=rand_scalar(), tol=rand_scalar(), max_iter=rand_scalar()),
    lambda: qclr.tt_svd(rand_array(), eps=rand_scalar(), max_rank=rand_scalar()),
    lambda: qclr.tt_svd(rand_array(), norb=rand_scalar(), nelec=rand_scalar()),
    lambda: qclr.orbital_entropies(rand_array(), rand_scalar(), rand_scalar()),
    lambda: qclr.groups(H4, rand_scalar(), epsilon=rand_scalar(), shots=rand_scalar(), state=rand_array()),
    lambda: qclr.models.hubbard(rand_scalar(), rand_scalar(), u=rand_scalar()),
    lambda: qclr.models.jellium(rand_scalar(), rand_scalar(), rs=rand_scalar()),
]
counts = {"ok": 0, "ValueError": 0, "qclr.Error": 0}
bad = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for i in range(400):
        k = int(rng.integers(len(funcs)))
        try:
            funcs[k]()
            counts["ok"] += 1
        except qclr.Error:
            counts["qclr.Error"] += 1
        except ValueError:
            counts["ValueError"] += 1
        except Exception as e:
            bad.append("call %d (function %d): %s: %s" % (i, k, type(e).__name__, e))
check(not bad, "fuzz: 400 calls, outcomes %s%s" % (counts, "; " + "; ".join(bad[:5]) if bad else ""))

if fails:
    print("%d FAILED" % fails)
    sys.exit(1)
print("all passed")

"""qclr: low-rank factorization, FCI, tensor trains and measurement groups of
molecular Hamiltonians, on numpy arrays (a ctypes binding of libqclr).

Conventions (docs/conventions.md §2): real spatial orbitals; ERIs in
chemists' notation eri[p,q,r,s] = (pq|rs), 8-fold symmetric; pair index
pq = p(p+1)/2 + q for p >= q (PySCF's 4-fold packing); energies in Hartree;
CI vectors c[alpha string, beta string] in PySCF's string order and sign.

Arrays are float64 and C-contiguous (others are converted when the dtype is
a real number type; a non-contiguous float64 array, NaN or Inf raise
ValueError before any C call).  Library failures raise qclr.Error subclasses
carrying libqclr's message; usable results with a warning emit
qclr.QclrWarning.  `threads=` sets qclr's OpenMP threads for that call only
(qclr_set_threads is per calling thread); the GIL is released during C calls.
The library is found through QCLR_LIBRARY, the build tree of a source
checkout, or the configure prefix (see qclr._lib).
"""
from ._version import __version__
from . import _lib
from ._core import (Error, InvalidArgumentError, OutOfMemoryError, ParseError, TooLargeError, NotPSDError,
                    FileError, UnsupportedError, NumericError, CallbackError, QclrWarning, Hamiltonian,
                    cholesky, double_factorized, double_factorization, DoubleFactorization, lambdas, fci,
                    FCIResult, tt_svd, TT, orbital_entropies, groups, Groups)
from . import models

library_path = _lib.path
library_version = _lib.library_version

__all__ = ["Error", "InvalidArgumentError", "OutOfMemoryError", "ParseError", "TooLargeError", "NotPSDError",
           "FileError", "UnsupportedError", "NumericError", "CallbackError", "QclrWarning", "Hamiltonian",
           "cholesky", "double_factorized", "double_factorization", "DoubleFactorization", "lambdas", "fci",
           "FCIResult", "tt_svd", "TT", "orbital_entropies", "groups", "Groups", "models", "__version__"]

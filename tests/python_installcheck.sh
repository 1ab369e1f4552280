#!/bin/sh
# Import the installed qclr Python package from a clean directory: no source
# tree, no QCLR_LIBRARY; it must find the library of the install prefix.
# usage: python_installcheck.sh PREFIX [PYTHON]
set -e
prefix=$1
py=${2:-python3}
pkg=$(ls -d "$prefix"/lib/python3*/site-packages/qclr 2>/dev/null | head -1)
[ -n "$pkg" ] || { echo "no qclr package under $prefix/lib/python3*/site-packages"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
env -u QCLR_LIBRARY PYTHONPATH="$(dirname "$pkg")" "$py" -c "
import qclr, numpy as np
assert qclr.library_path.startswith('$prefix'), qclr.library_path
H = qclr.Hamiltonian(np.diag([-1.25, -0.47]), np.zeros((2, 2, 2, 2)), e_core=0.71, nelec=2)
assert abs(H.e_ref() - (0.71 - 2.5)) < 1e-12
print('qclr', qclr.__version__, 'from', qclr.__file__, 'library', qclr.library_path)
"

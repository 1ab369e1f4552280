#!/bin/sh
# Run a Python test or peer script with the numpy-capable interpreter found by
# configure; exit 77 (automake SKIP) when there is none.
if [ -z "$PYTHON_NUMPY" ]; then
  echo "SKIP: no python3 with numpy/scipy (configure PYTHON_NUMPY)"
  exit 77
fi
exec "$PYTHON_NUMPY" "$@"

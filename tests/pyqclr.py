"""Import the in-tree qclr Python package for the tests: python/ from the
source tree, libqclr from the build tree (top_srcdir / top_builddir as set by
make check, else this checkout)."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
srcdir = os.environ.get("top_srcdir", os.path.dirname(here))
builddir = os.environ.get("top_builddir", srcdir)
inputs = os.environ.get("QCLR_INPUTS", os.path.join(srcdir, "inputs"))
sys.path.insert(0, os.path.join(srcdir, "python"))
sys.path.insert(0, os.path.join(srcdir, "tests", "peers"))
os.environ.setdefault("QCLR_LIBRARY", os.path.join(builddir, ".libs", "libqclr.so"))
if not os.path.exists(os.environ["QCLR_LIBRARY"]):
    # a static-only build (the ASan pass of .ci/run) has no shared library to load
    print("SKIP: no shared libqclr at %s (static-only build?)" % os.environ["QCLR_LIBRARY"])
    sys.exit(77)

import qclr  # noqa: E402,F401

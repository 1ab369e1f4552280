#!/usr/bin/env python3
"""tests/json_schema.py: every app's JSON report follows docs/conventions.md §4.

Runs each qclr-* app on at least a shipped FCIDUMP and a model: description
(qclr-model on two models) and checks, per report:
  - the common head keys in order: program, version, input, norb, nalpha,
    nbeta, e_core, seconds, with their types (and program / version / input
    equal to the app, the package version and the INPUT argument);
  - every key (also nested: a.b, a[].b, a.*.b) is documented for that app in
    docs/conventions.md §4 (the tables are parsed here, so the document cannot
    drift from the programs), and every value has the documented type: an
    integer is a JSON integer (also inside arrays), a float a JSON float;
  - every float token is the shortest form that round-trips, i.e. has the
    significant digits of Python's repr(float);
  - naming: no e_* key but e_core, no 'constant', no time_* / *_s / timing,
    energies energy_*, sub-timings seconds_*.
The writer's refusal of non-finite floats is tested in tests/test_app_json.c.
`python3 tests/json_schema.py --dump` prints the flattened keys and types.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

srcdir = os.environ.get("top_srcdir", ".")
builddir = os.environ.get("top_builddir", ".")
inputs = os.environ.get("QCLR_INPUTS", os.path.join(srcdir, "inputs"))
DOC = os.path.join(srcdir, "docs", "conventions.md")
fails = 0


def check(ok, msg):
    global fails
    if not ok:
        fails += 1
        print("FAIL:", msg)


# ---- docs/conventions.md §4: "## qclr-x" (or "## Common keys") sections, tables | `key` | type | ... |
def parse_doc(path):
    sections, cur = {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^#{2,3}\s+(?:`)?(qclr-[a-z]+|Common keys)", line)
        if m:
            cur = sections.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|", line)
        if m and cur is not None:
            cur[m.group(1)] = [t.strip() for t in m.group(2).replace("`", "").split(" or ")]
    return sections


HEAD = ["program", "version", "input", "norb", "nalpha", "nbeta", "e_core", "seconds"]


# ---- JSON with the float tokens kept
class Tok(float):
    """A float that remembers its JSON token."""

    def __new__(cls, s):
        f = float.__new__(cls, s)
        f.tok = s
        return f


def load(text):
    return json.loads(text, parse_float=Tok)


def digits(s):
    """Significant digits of a decimal token ('1.50e-3' -> '15')."""
    s = s.lower().lstrip("-+").split("e")[0].replace(".", "")
    return s.strip("0") or "0"


def vtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    return "array"


def array_type(v):
    """int[], float[][], object[], [int, int, float, float][] ... of a JSON array."""
    if not v:
        return None  # an empty array matches any documented array type
    kinds = {array_type(x) if isinstance(x, list) else vtype(x) for x in v}
    if len(kinds) == 1:
        k = kinds.pop()
        return None if k is None else k + "[]"
    if all(not isinstance(x, list) for x in v):  # a tuple of scalars
        return "[" + ", ".join(vtype(x) for x in v) + "]"
    tuples = {array_type(x) for x in v}
    return tuples.pop() + "[]" if len(tuples) == 1 else "mixed"


def flatten(obj, prefix=""):
    """(path, value) of every key: a.b for objects, a[].b inside arrays of objects."""
    for k, v in obj.items():
        path = prefix + k
        yield path, v
        if isinstance(v, dict):
            yield from flatten(v, path + ".")
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, dict):
                    yield from flatten(x, path + "[].")


def floats(v):
    if isinstance(v, Tok):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from floats(x)
    elif isinstance(v, list):
        for x in v:
            yield from floats(x)


def doc_lookup(keys, path):
    if path in keys:
        return keys[path]
    for k, t in keys.items():  # a.*.b: any key in the middle
        if "*" in k and re.fullmatch(re.escape(k).replace(r"\*", r"[^.\[\]]+"), path):
            return t
    return None


def type_ok(v, documented):
    t = vtype(v)
    if t == "array":
        at = array_type(v)
        if at is None:  # empty (or [[]]): any documented array type
            return any(d.endswith("[]") for d in documented)
        return at in documented
    return t in documented


def check_report(app, label, rep, doc, input_arg, version):
    common, own = doc["Common keys"], doc.get(app, {})
    keys = list(rep.keys())
    check(keys[: len(HEAD)] == HEAD, f"{label}: head keys {keys[:len(HEAD)]}")
    check(rep.get("program") == app, f"{label}: program {rep.get('program')!r}")
    check(rep.get("version") == version, f"{label}: version {rep.get('version')!r} vs {version!r}")
    check(rep.get("input") == input_arg, f"{label}: input {rep.get('input')!r} vs {input_arg!r}")
    for path, v in flatten(rep):
        documented = common.get(path) if path in HEAD else doc_lookup(own, path)
        if documented is None:
            check(False, f"{label}: key '{path}' is not documented for {app} in docs/conventions.md §4")
            continue
        check(type_ok(v, documented), f"{label}: '{path}' is {array_type(v) if isinstance(v, list) else vtype(v)}, "
                                      f"documented {' or '.join(documented)}")
        last = re.split(r"[.\[\]]+", path)[-1] if path else path
        check(not (last.startswith("e_") and last != "e_core"), f"{label}: '{path}': energies are energy_*")
        check(last != "constant" and last != "timing", f"{label}: '{path}' is not a schema key name")
        timing_like = last.endswith("_s") and not last.endswith("_per_s")  # a rate (MB/s) is no timing
        check(not last.startswith("time_") and not timing_like and not last.endswith("_seconds"),
              f"{label}: '{path}': timings are seconds_<stage>")
    nf = 0
    for f in floats(rep):
        nf += 1
        want = repr(float(f))
        if digits(f.tok) != digits(want) or float(f.tok) != float(want):
            check(False, f"{label}: float token {f.tok} is not the shortest round trip ({want})")
            break
        if not re.search(r"[.eE]", f.tok):
            check(False, f"{label}: float token {f.tok} reads as an integer")
            break
    check(nf > 0, f"{label}: no float at all?")


def run(app, args, label):
    exe = os.path.join(builddir, "apps", app)
    p = subprocess.run([exe, *args, "--json", "-"], capture_output=True, text=True)
    check(p.returncode == 0, f"{label}: exit {p.returncode}: {p.stderr[-400:]}")
    return load(p.stdout) if p.returncode == 0 else None


def main():
    dump = "--dump" in sys.argv
    doc = parse_doc(DOC) if not dump else {}
    if not dump:
        check(all(k in doc.get("Common keys", {}) for k in HEAD), "docs/conventions.md §4 documents the common keys")
    version = subprocess.run([os.path.join(builddir, "apps", "qclr-info"), "--version"], capture_output=True,
                             text=True).stdout.split()[-1]
    h2, h2o = os.path.join(inputs, "h2_sto-3g.fcidump"), os.path.join(inputs, "h2o_sto-3g.fcidump")
    lih = os.path.join(inputs, "lih_sto-3g.fcidump")
    tmp = tempfile.mkdtemp(prefix="qclr-schema-")
    vec = os.path.join(tmp, "x.npy")
    rng = np.random.default_rng(3)
    np.save(vec, rng.standard_normal((2, 3, 4, 2)))
    xyz = os.path.join(tmp, "h4.xyz")
    with open(xyz, "w") as f:
        f.write("4\nH4\n" + "".join(f"H 0 0 {0.9 * k}\n" for k in range(4)))
    runs = [
        ("qclr-info", [h2o], h2o),
        ("qclr-info", ["model:chain:atoms=4"], "model:chain:atoms=4"),
        ("qclr-fci", ["--nroots", "2", h2o], h2o),
        ("qclr-fci", ["--mp2-only", lih], lih),
        ("qclr-fci", ["model:hubbard:nx=3,u=4"], "model:hubbard:nx=3,u=4"),
        ("qclr-factor", ["--tol", "1e-5", lih], lih),
        ("qclr-factor", ["--scan", "1e-2,1e-5", "--energy", "mp2", h2o], h2o),
        ("qclr-factor", ["--energy", "fci", "--method", "eigen", "model:ring:atoms=4"], "model:ring:atoms=4"),
        ("qclr-groups", ["--simulate", "--shots", "400", "--qasm", os.path.join(tmp, "q"), h2], h2),
        ("qclr-groups", ["--state", "hf", "model:chain:atoms=4"], "model:chain:atoms=4"),
        ("qclr-tt", ["--eps", "1e-2,1e-5", h2o], h2o),
        ("qclr-tt", ["--eps", "1e-2,1e-5", "--analysis", "all", h2o], h2o),
        ("qclr-tt", ["model:hubbard:nx=4,u=4"], "model:hubbard:nx=4,u=4"),
        ("qclr-tt", ["--method", "random", "--ranks", "2", vec], vec),
        ("qclr-tt", ["--dims", "2,3,4,2", vec], vec),
        ("qclr-model", ["chain", "--atoms", "4"], "chain"),
        ("qclr-model", ["hubbard", "--sites", "3"], "hubbard"),
        ("qclr-model", ["chain", "--atoms", "4", "--cholesky", "1e-8"], "chain"),
        ("qclr-model", ["xyz", xyz], "xyz"),
        ("qclr-cost", ["--method", "df", "--norb", "54", "--lambda", "294.8", "--rank", "360", "--lxi", "13031"],
         "formula"),
        ("qclr-cost", ["--method", "thc", "--norb", "54", "--lambda", "306.3", "--thc-rank", "350"], "formula"),
        ("qclr-cost", ["--energy", "mp2", "--target-energy-error", "1e-2", "--thc-ranks", "20", "--thc-select", "all",
                       h2o], h2o),
        ("qclr-cost", ["--energy", "fci", "--sf-tols", "1e-3,1e-5", "--df-tols", "1e-3", "model:chain:atoms=4"],
         "model:chain:atoms=4"),
    ]
    seen = set()
    for app, args, inp in runs:
        label = f"{app} {' '.join(os.path.basename(a) for a in args)}"
        rep = run(app, args, label)
        if rep is None:
            continue
        seen.add(app)
        if dump:
            for path, v in flatten(rep):
                print(app, path, array_type(v) if isinstance(v, list) else vtype(v))
            continue
        check_report(app, label, rep, doc, inp, version)
    check(len(seen) == 7, f"all seven apps ran: {sorted(seen)}")
    # every documented app has a section, and documents no key no run produced is fine (optional keys)
    for app in ("qclr-info", "qclr-factor", "qclr-fci", "qclr-groups", "qclr-tt", "qclr-model", "qclr-cost"):
        check(dump or app in doc, f"docs/conventions.md §4 has a section for {app}")
    if not dump:
        print(f"json_schema: {len(runs)} reports checked, {fails} failure(s)")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()

"""Every app gives the same answers with 1 and 2 threads (docs/conventions.md §2,
"Determinism").  Each run below is made three times: OMP_NUM_THREADS=1 with
--threads 1, OMP_NUM_THREADS=2 with --threads 2, and OMP_NUM_THREADS=2 with no
--threads (the default); the BLAS here is OpenBLAS's OpenMP build, so its threads
follow OMP_NUM_THREADS.  Compared: the exit status, stdout (time columns and
"<number> s" times masked), the JSON report (keys seconds* dropped), and every
file written (.npy, .qasm, .qasm3, FCIDUMP) byte for byte.  The tolerance is
zero: the library's reductions are fixed-order and its LAPACK calls sequential,
so the results are bitwise equal; a difference of one ulp fails."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

top_srcdir = os.environ.get("top_srcdir", ".")
top_builddir = os.environ.get("top_builddir", ".")
inp = os.path.abspath(os.path.join(top_srcdir, "inputs"))
apps = os.path.abspath(os.path.join(top_builddir, "apps"))
fails = 0


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)


TIME = re.compile(r"[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*(s|ms|MB/s)\b")


def mask_stdout(text):
    """Mask wall times: '<number> s|ms|MB/s' anywhere, and the columns headed
    'ms' or 'time_s' in the tables that follow such a header."""
    out, cols, width = [], [], 0
    for line in text.splitlines():
        tok = line.split()
        if "ms" in tok or "time_s" in tok:
            cols = [i for i, t in enumerate(tok) if t in ("ms", "time_s")]
            width = len(tok)
        elif cols and len(tok) >= width:  # (a marker column may follow)
            tok = ["<T>" if i in cols else t for i, t in enumerate(tok)]
            line = " ".join(tok)
        else:
            cols = []
        line = TIME.sub("<T>", line)
        out.append(re.sub(r"memory estimate [0-9.eE+-]+ GB", "memory estimate <M> GB", line))
    return "\n".join(out)


def timing_key(k):
    """wall times and rates, and qclr-fci's memory estimate (it counts one
    scratch buffer per thread: a resource figure, not a result)"""
    return k.startswith("seconds") or k.endswith("_per_s") or k == "memory_bytes"


def strip_json(x):
    if isinstance(x, dict):
        return {k: strip_json(v) for k, v in x.items() if not timing_key(k)}
    if isinstance(x, list):
        return [strip_json(v) for v in x]
    return x


CONFIGS = [("1", ["--threads", "1"]), ("2", ["--threads", "2"]), ("2", [])]


def run(name, app, args, outs=(), model=False):
    """Run app with args in every configuration; '{out}' in args is replaced by
    a fresh directory per configuration, '{json}' by the report path.  outs:
    extra file names (relative to {out}) that must exist."""
    print(name, flush=True)
    results = []
    for omp, extra in CONFIGS:
        # each configuration in its own directory, named relatively: the
        # reports name their output paths
        d = tempfile.mkdtemp(dir=tmp)
        js = os.path.join(d, "r.json")
        a = [s.replace("{out}", "out").replace("{json}", "r.json").replace("{dir}/", "") for s in args]
        env = dict(os.environ, OMP_NUM_THREADS=omp)
        env.pop("OPENBLAS_NUM_THREADS", None)
        p = subprocess.run([os.path.join(apps, app), *a, *extra], capture_output=True, text=True, env=env, cwd=d)
        files = {}
        for root, _, fs in os.walk(d):
            for f in fs:
                full = os.path.join(root, f)
                if full == js:
                    continue
                with open(full, "rb") as fh:
                    files[os.path.relpath(full, d)] = fh.read()
        rep = None
        if os.path.exists(js):
            with open(js) as fh:
                rep = strip_json(json.load(fh))
        results.append((p.returncode, mask_stdout(p.stdout), rep, files, p.stderr))
    r0 = results[0]
    check(r0[0] == 0, f"{name}: exit {r0[0]}: {r0[4]}")
    check(r0[2] is not None, f"{name}: no JSON report")
    for f in outs:
        check(f in r0[3], f"{name}: {f} not written (have {sorted(r0[3])})")
    for (omp, extra), r in zip(CONFIGS[1:], results[1:]):
        cfg = f"OMP_NUM_THREADS={omp} {' '.join(extra)}".strip()
        check(r[0] == r0[0], f"{name} [{cfg}]: exit {r[0]} vs {r0[0]}: {r[4]}")
        if r[1] != r0[1]:
            diff = [(x, y) for x, y in zip(r0[1].splitlines(), r[1].splitlines()) if x != y]
            check(False, f"{name} [{cfg}]: stdout differs, first: {diff[:2]}")
        if r[2] != r0[2]:
            keys = sorted(k for k in set(r0[2] or {}) | set(r[2] or {})
                          if (r0[2] or {}).get(k) != (r[2] or {}).get(k))
            check(False, f"{name} [{cfg}]: JSON differs in {keys}")
        check(sorted(r[3]) == sorted(r0[3]), f"{name} [{cfg}]: files {sorted(r[3])} vs {sorted(r0[3])}")
        for f in r0[3]:
            if f in r[3] and r[3][f] != r0[3][f]:
                check(False, f"{name} [{cfg}]: {f} differs")
    return r0


tmp = tempfile.mkdtemp()
try:
    # two shipped inputs with degenerate orbitals (LiH, N=6: pi; H2O, N=7)
    for base in ["lih_sto-3g.fcidump", "h2o_sto-3g.fcidump"]:
        f = os.path.join(inp, base)
        run(f"info {base}", "qclr-info", ["--json", "{json}", f])
        run(f"fci {base}", "qclr-fci", ["--nroots", "2", "--json", "{json}", "--out", "{out}", f],
            outs=["out/civec.npy", "out/civec_1.npy", "out/rdm1.npy", "out/rdm2.npy"])
        run(f"factor {base}", "qclr-factor",
            ["--tol", "1e-6", "--json", "{json}", "--out", "{out}", "--write-fcidump", "{dir}/df.fcidump", f],
            outs=["out/L.npy", "df.fcidump"])
        run(f"factor eigen {base}", "qclr-factor",
            ["--method", "eigen", "--tol", "0", "--json", "{json}", "--out", "{out}", f], outs=["out/L.npy"])
        run(f"factor scan {base}", "qclr-factor",
            ["--scan", "1e-2,1e-4,1e-6", "--energy", "fci", "--json", "{json}", f])
        run(f"groups {base}", "qclr-groups",
            ["--simulate", "--seed", "7", "--noise", "0.01", "--qasm", "{out}", "--json", "{json}", f],
            outs=["out/group_000.qasm", "out/group_000.qasm3"])
        run(f"groups eigen {base}", "qclr-groups",
            ["--method", "eigen", "--simulate", "--seed", "3", "--qasm", "{out}", "--json", "{json}", f],
            outs=["out/group_001.qasm"])
        run(f"tt fiedler-mi {base}", "qclr-tt",
            ["--order", "fiedler-mi", "--analysis", "all", "--eps", "1e-2,1e-4", "--out", "{out}", "--json", "{json}",
             f],
            outs=["out/core_1.npy"])
        run(f"cost {base}", "qclr-cost",
            ["--thc-ranks", "6,10", "--thc-select", "all", "--target-energy-error", "1e-3", "--json", "{json}", f])
        run(f"tt spin fiedler-k {base}", "qclr-tt",
            ["--order", "fiedler-k", "--sites", "spin", "--eps", "1e-3", "--json", "{json}", f])
    run("cost formula", "qclr-cost", ["--method", "df", "--norb", "54", "--lambda", "294.8", "--rank", "360",
                                      "--lxi", "13031", "--json", "{json}"])
    # the H10 chain (N=10, 252 strings per spin): the FCI sigma runs threaded
    h10 = os.path.join(inp, "h10_chain_sto-3g.fcidump")
    run("fci h10", "qclr-fci", ["--json", "{json}", "--out", "{out}", h10], outs=["out/civec.npy", "out/rdm2.npy"])
    # --civec route: the CI vector of one qclr-fci run, compressed with both thread counts
    civdir = os.path.join(tmp, "civ")
    p = subprocess.run([os.path.join(apps, "qclr-fci"), "--quiet", "--no-rdm", "--out", civdir,
                        os.path.join(inp, "h10_chain_sto-3g.fcidump")], capture_output=True, text=True)
    check(p.returncode == 0, f"fci for --civec: {p.stderr}")
    run("tt --civec", "qclr-tt", ["--civec", os.path.join(civdir, "civec.npy"), "--order", "fiedler-mi",
                                  "--eps", "1e-3", "--out", "{out}", "--json", "{json}",
                                  os.path.join(inp, "h10_chain_sto-3g.fcidump")], outs=["out/core_1.npy"])
    # qclr-model (RHF in the library) and the apps on a model built in memory
    run("model ring", "qclr-model", ["ring", "--atoms", "8", "-o", "{dir}/ring.fcidump", "--json", "{json}"],
        outs=["ring.fcidump"])
    run("model chain --cholesky", "qclr-model",
        ["chain", "--atoms", "10", "--cholesky", "1e-8", "-o", "{dir}/chain.fcidump", "--out", "{out}",
         "--json", "{json}"], outs=["chain.fcidump", "out/L.npy"])
    run("factor ring model", "qclr-factor", ["--tol", "1e-8", "--json", "{json}", "model:ring:atoms=10"])
    run("groups ring model", "qclr-groups",
        ["--state", "hf", "--simulate", "--qasm", "{out}", "--json", "{json}", "model:ring:atoms=8"])
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"threads_apps: {fails} failure(s)")
sys.exit(1 if fails else 0)

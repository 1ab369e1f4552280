"""qclr-tt on .npy input, checked against the numpy TT-SVD of tests/peers/tt_svd.py
(ranks equal, errors to 1e-9) and against the dense input rebuilt from the
written cores; error paths (exit 2, no partial files)."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

top_srcdir = os.environ.get("top_srcdir", ".")
top_builddir = os.environ.get("top_builddir", ".")
sys.path.insert(0, os.path.join(top_srcdir, "tests", "peers"))
import tt_svd as peer  # noqa: E402

exe = os.path.join(top_builddir, "apps", "qclr-tt")
fails = 0


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)


rng = np.random.default_rng(7)
tmp = tempfile.mkdtemp()
# random MPS of bond dimension 5 over dims (2,3,2,3,2,2,3,2) plus small noise
dims = [2, 3, 2, 3, 2, 2, 3, 2]
r = [1, 2, 5, 5, 5, 5, 5, 3, 1]
cores = [rng.standard_normal((r[k], dims[k], r[k + 1])) for k in range(len(dims))]
x = peer.tt_full(cores).reshape(dims)
x += 1e-4 * np.linalg.norm(x) / np.sqrt(x.size) * rng.standard_normal(dims)
path = os.path.join(tmp, "state.npy")
np.save(path, x)
out = os.path.join(tmp, "cores")
js = os.path.join(tmp, "r.json")
eps = [1e-1, 1e-3, 1e-5, 1e-9]
for method in ["svd", "auto", "random"]:
    p = subprocess.run([exe, "--quiet", "--method", method, "--eps", ",".join(map(str, eps)),
                        "--json", js, "--out", out, path], capture_output=True, text=True)
    check(p.returncode == 0, f"{method}: exit {p.returncode}: {p.stderr}")
    rep = json.load(open(js))
    check(len(rep["results"]) == len(eps), "one result per eps")
    for res, e in zip(rep["results"], eps):
        _, ranks, err = peer.tt_svd(x, dims, e, "gesdd")
        check(res["relative_error"] <= e * (1 + 1e-9), f"{method} eps {e}: error <= eps")
        if method == "svd" or (method == "auto" and e >= 1e-6):
            check(res["bond_dims"] == ranks[1:-1], f"{method} eps {e}: ranks {res['bond_dims']} vs numpy {ranks}")
            check(abs(res["relative_error"] - err) <= 1e-9, f"{method} eps {e}: error {res['relative_error']} vs {err}")
        check(len(res["entropies"]) == len(dims) - 1, "entropies per bond")
    # cores of the last eps rebuild the input to that eps
    cs = [np.load(os.path.join(out, f"core_{k + 1}.npy")) for k in range(len(dims))]
    y = peer.tt_full(cs)
    rel = np.linalg.norm(y - x.ravel()) / np.linalg.norm(x)
    check(rel <= eps[-1] * (1 + 1e-6), f"{method}: cores rebuild the input ({rel:.3g})")
# entropies of the exact state against numpy Schmidt values
res = json.load(open(js))["results"][-1]
for k in range(len(dims) - 1):
    s = np.linalg.svd(x.reshape(int(np.prod(dims[:k + 1])), -1), compute_uv=False)
    p2 = s * s / np.sum(s * s)
    p2 = p2[p2 > 1e-300]
    S = float(-np.sum(p2 * np.log(p2)))
    check(abs(res["entropies"][k] - S) < 1e-6, f"bond {k} entropy {res['entropies'][k]} vs {S}")
# flat vector with --dims
flat = os.path.join(tmp, "flat.npy")
np.save(flat, x.ravel())
p = subprocess.run([exe, "--quiet", "--eps", "1e-3", "--dims", ",".join(map(str, dims)), "--json", "-", flat],
                   capture_output=True, text=True)
check(p.returncode == 0 and json.loads(p.stdout)["dims"] == dims, "--dims on a flat vector")
# error paths: exit 2 and no JSON written
bad = os.path.join(tmp, "bad.json")
for args in [["--eps", "2"], ["--eps", "x"], ["--dims", "2,2"], ["--method", "nope"], ["--method", "blocked"]]:
    p = subprocess.run([exe, "--quiet", "--json", bad] + args + [flat], capture_output=True, text=True)
    check(p.returncode == 2, f"{args}: exit {p.returncode}")
    check(not os.path.exists(bad), f"{args}: no partial JSON")
np.save(os.path.join(tmp, "six.npy"), np.ones(6))
p = subprocess.run([exe, "--quiet", os.path.join(tmp, "six.npy")], capture_output=True, text=True)
check(p.returncode == 2 and "--dims" in p.stderr, "flat non-power-of-2 vector needs --dims")
p = subprocess.run([exe, os.path.join(tmp, "missing.npy")], capture_output=True, text=True)
check(p.returncode == 2, "missing file: exit 2")
# FCIDUMP input: E_FCI against Psi4 (inputs/reference.json), variational
# energies of the compressed states, dense and blocked methods agree
inputs = os.environ.get("QCLR_INPUTS", os.path.join(top_srcdir, "inputs"))
ref = json.load(open(os.path.join(inputs, "reference.json")))
refs = [r for r in ref["records"] if r["file"] == "h2o_sto-3g.fcidump"][0]
fd = os.path.join(inputs, "h2o_sto-3g.fcidump")
eps = [1e-1, 1e-2, 1e-4, 1e-8]
reps = {}
for method in ["blocked", "svd"]:
    for sites in ["spatial", "spin"]:
        p = subprocess.run([exe, "--quiet", "--method", method, "--sites", sites, "--eps", ",".join(map(str, eps)),
                            "--json", "-", fd], capture_output=True, text=True)
        check(p.returncode == 0, f"fcidump {method} {sites}: exit {p.returncode} {p.stderr}")
        rep = json.loads(p.stdout)
        reps[(method, sites)] = rep
        check(abs(rep["energy_fci"] - refs["e_fci"]) < 1e-8, f"E_FCI {rep['energy_fci']} vs Psi4 {refs['e_fci']}")
        prev = None
        for res, e in zip(rep["results"], eps):
            check(res["relative_error"] <= e * (1 + 1e-9), f"{method} {sites} eps {e}: error <= eps")
            check(res["energy_error"] >= -1e-9, f"{method} {sites} eps {e}: variational ({res['energy_error']})")
            # E_TT - E_FCI <= (E_max - E_FCI) err^2 / (1 - err^2); E_max - E_FCI < 200 Ha here
            err = res["relative_error"]
            check(res["energy_error"] <= 200 * err * err / (1 - err * err) + 1e-9, f"{method} {sites} eps {e}: energy bound")
        check(abs(rep["results"][-1]["energy_error"]) < 1e-9, f"{method} {sites}: eps 1e-8 energy")
        mi = np.array(rep["mutual_information"])
        check(np.allclose(mi, mi.T) and np.all(np.diag(mi) == 0), "mutual information symmetric, zero diagonal")
        check(sorted(rep["order"]) == list(range(1, 8)), "order is a permutation")
for sites in ["spatial", "spin"]:
    a, b = reps[("blocked", sites)], reps[("svd", sites)]
    for ra, rb in zip(a["results"], b["results"]):
        check(ra["bond_dims"] == rb["bond_dims"], f"{sites}: blocked = dense bond dims")
        check(abs(ra["relative_error"] - rb["relative_error"]) < 1e-10, f"{sites}: blocked = dense error")
p = subprocess.run([exe, "--quiet", "--dims", "2,2", fd], capture_output=True, text=True)
check(p.returncode == 2, "--dims with FCIDUMP: exit 2")

print("test_tt_app:", "FAIL" if fails else "ok", fails)
sys.exit(1 if fails else 0)

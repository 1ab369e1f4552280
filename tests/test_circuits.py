#!/usr/bin/env python3
"""qclr-groups' circuits, checked with numpy and a parser written here.

1. The `givens` gate of the OpenQASM 2.0 and 3.0 files, built as a 4x4
   unitary from the gate definitions of the OpenQASM papers (ry(t) =
   [[cos t/2, -sin t/2], [sin t/2, cos t/2]], cx / cz / h as published), equals
   the Givens rotation of include/qclr/givens.h (|10> -> cos|10> + sin|01>,
   |01> -> -sin|10> + cos|01>, |00>, |11> fixed; |n_a n_b>) to 1e-12 for
   angles in [-pi, pi]; it has two CX.
2. The OpenQASM 3.0 files parse under a recursive-descent grammar written
   from the OpenQASM 3 specification (openqasm.com, language/...: version
   header, include, gate definitions, qubit/bit declarations, gate calls with
   arithmetic parameter expressions, measurement assignment) for the subset
   qclr emits; every gate called is defined in the file or in stdgates.inc,
   every qubit index is in range.
3. Gate counts and depth in the JSON report (per group and circuit_totals)
   equal those computed here from the QASM text: the givens body expanded
   (cx: as written; cz: each cx a,b -> h b; cz a,b; h b; xx_plus_yy: one
   two-qubit gate per rotation), runs of single-qubit gates on a qubit merged
   into one, every gate one time step, as-soon-as-possible layers; and the
   naive count N(N-1)/2 rotations per spin block.
4. Dropped rotations: with the default --min-angle, H2O/STO-3G drops and
   folds rotations and the kept ones recompose U^T to 1e-12; with
   --min-angle 0.5 the kept rotations give a single-particle map within the
   reported bound (spectral norm).
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

srcdir = os.environ.get("top_srcdir", ".")
builddir = os.environ.get("top_builddir", ".")
inputs = os.environ.get("QCLR_INPUTS", os.path.join(srcdir, "inputs"))
APP = os.path.join(builddir, "apps", "qclr-groups")
tmp = tempfile.mkdtemp(prefix="qclr-circuits-test-")
fails = checks = 0


def check(ok, what):
    global fails, checks
    checks += 1
    if not ok:
        fails += 1
        print("FAIL:", what)


def run(args):
    p = subprocess.run([APP] + args, capture_output=True, text=True)
    check(p.returncode == 0, f"qclr-groups {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p


# ---- 1. the gate as a unitary -------------------------------------------
# basis index = n_a + 2 n_b (qubit a the low bit)
def one(q, m):
    return np.kron(np.eye(2), m) if q == 0 else np.kron(m, np.eye(2))


def ctrl(c, t, m):
    u = np.zeros((4, 4), dtype=complex)
    for s in range(4):
        bits = [s & 1, (s >> 1) & 1]
        if bits[c]:
            for o in range(2):
                b2 = list(bits)
                b2[t] = o
                u[b2[0] + 2 * b2[1], s] += m[o, bits[t]]
        else:
            u[s, s] = 1
    return u


X = np.array([[0, 1], [1, 0]], dtype=complex)
Z = np.diag([1, -1]).astype(complex)
H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)


def ry(t):
    return np.array([[math.cos(t / 2), -math.sin(t / 2)], [math.sin(t / 2), math.cos(t / 2)]], dtype=complex)


def evalexpr(e, env):
    """a parameter expression of the subset (numbers, pi, names, + - * /, parentheses)"""
    if not re.fullmatch(r"[0-9a-z_.+\-*/() ]*", e):
        raise ValueError(e)
    return eval(e, {"__builtins__": {}}, dict(env, pi=math.pi))


def gate_unitary(body, theta):
    u = np.eye(4, dtype=complex)
    two = 0
    for stmt in [s.strip() for s in body.split(";") if s.strip()]:
        m = re.fullmatch(r"(\w+)(?:\(([^)]*(?:\([^)]*\))?[^)]*)\))?\s+([ab])(?:\s*,\s*([ab]))?", stmt)
        if not m:
            raise ValueError(stmt)
        name, par, q1, q2 = m.groups()
        q1 = "ab".index(q1)
        if name == "ry":
            g = one(q1, ry(evalexpr(par, {"theta": theta})))
        elif name == "h":
            g = one(q1, H)
        elif name == "z":
            g = one(q1, Z)
        elif name in ("cx", "cz"):
            g = ctrl(q1, "ab".index(q2), X if name == "cx" else Z)
            two += 1
        else:
            raise ValueError(name)
        u = g @ u
    return u, two


def givens_matrix(t):
    g = np.eye(4)
    g[1, 1] = g[2, 2] = math.cos(t)
    g[2, 1], g[1, 2] = math.sin(t), -math.sin(t)  # |10> = index 1 -> cos|10> + sin|01>
    return g


# ---- 2. OpenQASM 3 grammar (subset) ------------------------------------
STDGATES = {"p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz", "cp",
            "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "cu", "CX", "phase", "cphase", "id", "u1", "u2",
            "u3", "U"}
TOKEN = re.compile(r"\s*(?:(//[^\n]*)|(\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)"
                   r"|([A-Za-z_][A-Za-z_0-9]*)|(\"[^\"\n]*\")|(->|[;,{}()\[\]=+\-*/]))")


def tokenize(text):
    toks, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise SyntaxError(f"bad character at {pos}: {text[pos:pos + 20]!r}")
        pos = m.end()
        com, num, ident, string, punct = m.groups()
        if com:
            continue
        toks.append(("num", num) if num else ("id", ident) if ident else ("str", string) if string
                    else ("p", punct))
    return toks


class Parser:
    """program  := 'OPENQASM' version ';' statement*
    statement   := 'include' STRING ';' | gatedef | 'qubit' '[' INT ']' ID ';' | 'bit' '[' INT ']' ID ';'
                 | gatecall | ID '=' 'measure' ID ';'
    gatedef     := 'gate' ID ( '(' idlist? ')' )? idlist '{' gatecall* '}'
    gatecall    := ID ( '(' exprlist? ')' )? operand (',' operand)* ';'
    operand     := ID ( '[' INT ']' )?
    expr        := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
    unary       := '-' unary | NUM | ID | '(' expr ')'"""

    def __init__(self, text):
        self.t = tokenize(text)
        self.i = 0
        self.gates = {}
        self.regs = {}

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else ("eof", "")

    def take(self, kind=None, val=None):
        tok = self.peek()
        if (kind and tok[0] != kind) or (val is not None and tok[1] != val):
            raise SyntaxError(f"expected {val or kind}, got {tok[1]!r} (token {self.i})")
        self.i += 1
        return tok[1]

    def program(self):
        self.take("id", "OPENQASM")
        if self.take("num") not in ("3", "3.0"):
            raise SyntaxError("version")
        self.take("p", ";")
        while self.peek()[0] != "eof":
            self.statement()

    def statement(self):
        kind, v = self.peek()
        if v == "include":
            self.take()
            if self.take("str") != '"stdgates.inc"':
                raise SyntaxError("include")
            self.take("p", ";")
        elif v == "gate":
            self.gatedef()
        elif v in ("qubit", "bit"):
            self.take()
            self.take("p", "[")
            size = int(self.take("num"))
            self.take("p", "]")
            name = self.take("id")
            self.take("p", ";")
            self.regs[name] = (v, size)
        elif kind == "id" and self.peek(1) == ("p", "="):
            target = self.take("id")
            self.take("p", "=")
            self.take("id", "measure")
            src = self.take("id")
            self.take("p", ";")
            if self.regs.get(target, ("",))[0] != "bit" or self.regs.get(src, ("",))[0] != "qubit" \
                    or self.regs[target][1] != self.regs[src][1]:
                raise SyntaxError("measure registers")
        else:
            self.gatecall(None, None)

    def idlist(self, close):
        ids = [self.take("id")]
        while self.peek() == ("p", ","):
            self.take()
            ids.append(self.take("id"))
        return ids

    def gatedef(self):
        self.take("id", "gate")
        name = self.take("id")
        params = []
        if self.peek() == ("p", "("):
            self.take()
            if self.peek() != ("p", ")"):
                params = self.idlist(")")
            self.take("p", ")")
        qargs = self.idlist("{")
        self.take("p", "{")
        while self.peek() != ("p", "}"):
            self.gatecall(params, qargs)
        self.take("p", "}")
        self.gates[name] = (len(params), len(qargs))

    def gatecall(self, params, qargs):
        name = self.take("id")
        nparam = 0
        if self.peek() == ("p", "("):
            self.take()
            if self.peek() != ("p", ")"):
                self.expr(params)
                nparam = 1
                while self.peek() == ("p", ","):
                    self.take()
                    self.expr(params)
                    nparam += 1
            self.take("p", ")")
        ops = [self.operand(qargs)]
        while self.peek() == ("p", ","):
            self.take()
            ops.append(self.operand(qargs))
        self.take("p", ";")
        if name in self.gates:
            if self.gates[name] != (nparam, len(ops)):
                raise SyntaxError(f"{name}: {nparam} parameters, {len(ops)} qubits")
        elif name not in STDGATES:
            raise SyntaxError(f"unknown gate {name}")
        if len(set(ops)) != len(ops):
            raise SyntaxError(f"{name}: repeated qubit")

    def operand(self, qargs):
        name = self.take("id")
        if qargs is not None:
            if name not in qargs:
                raise SyntaxError(f"{name} is not a gate argument")
            return name
        self.take("p", "[")
        k = int(self.take("num"))
        self.take("p", "]")
        if self.regs.get(name, ("",))[0] != "qubit" or not 0 <= k < self.regs[name][1]:
            raise SyntaxError(f"{name}[{k}] out of range")
        return (name, k)

    def expr(self, params):
        self.term(params)
        while self.peek() in (("p", "+"), ("p", "-")):
            self.take()
            self.term(params)

    def term(self, params):
        self.unary(params)
        while self.peek() in (("p", "*"), ("p", "/")):
            self.take()
            self.unary(params)

    def unary(self, params):
        kind, v = self.peek()
        if v == "-":
            self.take()
            self.unary(params)
        elif kind == "num":
            self.take()
        elif kind == "id":
            self.take()
            if v != "pi" and (params is None or v not in params):
                raise SyntaxError(f"unknown identifier {v}")
        elif v == "(":
            self.take()
            self.expr(params)
            self.take("p", ")")
        else:
            raise SyntaxError(f"bad expression at {v!r}")


def qasm3_ok(text):
    try:
        Parser(text).program()
        return ""
    except (SyntaxError, ValueError) as e:
        return str(e)


# the checker must reject broken programs
for bad in ["OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\n", "OPENQASM 3.0;\nqubit[2] q;\nx q[2];\n",
            "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\ncx q[0] q[1];\n",
            "OPENQASM 2.0;\nqubit[1] q;\n", "OPENQASM 3.0;\nqubit[1] q;\nrx(theta) q[0];\n",
            "OPENQASM 3.0;\nqubit[2] q;\nbit[1] c;\nc = measure q;\n"]:
    check(qasm3_ok(bad) != "", f"grammar check accepts {bad!r}")


# ---- 3. gate counts and depth from the QASM text -----------------------
def circuit_gates(text, gate_set):
    """primitive gates [(name, qubits)] of the circuit (without measurement)"""
    m = re.search(r"gate givens\(theta\) a, ?b \{([^}]*)\}", text)
    body = [s.strip() for s in m.group(1).split(";") if s.strip()]
    out = []
    for line in text.splitlines():
        g = re.fullmatch(r"givens\(([^)]*)\) q\[(\d+)\], ?q\[(\d+)\];", line)
        if g:
            qa, qb = int(g.group(2)), int(g.group(3))
            if gate_set == "xx_plus_yy":
                out.append(("xx", (qa, qb)))
                continue
            for stmt in body:
                name = stmt.split("(")[0].split()[0]
                qs = [qa if x == "a" else qb for x in re.findall(r"\b([ab])\b", stmt.split(")")[-1])]
                if name == "cx" and gate_set == "cz":
                    out += [("h", (qs[1],)), ("cz", tuple(qs)), ("h", (qs[1],))]
                else:
                    out.append((name, tuple(qs)))
            continue
        z = re.fullmatch(r"z q\[(\d+)\];", line)
        if z:
            out.append(("z", (int(z.group(1)),)))
    return out


def count(gates, nq):
    """merge runs of single-qubit gates per qubit; ASAP depth with unit steps"""
    merged, pending = [], set()
    for name, qs in gates:
        if len(qs) == 1:
            pending.add(qs[0])
            continue
        for q in qs:
            if q in pending:
                merged.append((q,))
                pending.discard(q)
        merged.append(qs)
    merged += [(q,) for q in sorted(pending)]
    level, level2 = [0] * nq, [0] * nq
    for qs in merged:
        t = max(level[q] for q in qs) + 1
        for q in qs:
            level[q] = t
        if len(qs) == 2:
            t2 = max(level2[q] for q in qs) + 1
            for q in qs:
                level2[q] = t2
    two = sum(1 for qs in merged if len(qs) == 2)
    return {"two_qubit_gates": two, "single_qubit_gates": len(merged) - two, "depth": max(level + [0]),
            "two_qubit_depth": max(level2 + [0])}


# ---- run ----------------------------------------------------------------
thetas = [-math.pi, -2.5, -1.0, -1e-3, 0.0, 0.37, 1.2, 2.9, math.pi]
fcidump = os.path.join(inputs, "h2o_sto-3g.fcidump")
qdir = os.path.join(tmp, "qasm")
reports = {}
for gs in ("cx", "cz", "xx_plus_yy"):
    jpath = os.path.join(tmp, f"{gs}.json")
    args = ["--quiet", "--state", "hf", "--no-pauli", "--gate-set", gs, "--json", jpath, fcidump]
    if gs == "cx":
        args[:0] = ["--qasm", qdir]
    run(args)
    reports[gs] = json.load(open(jpath))

j = reports["cx"]
n = j["norb"]
for v, ext in ((2, "qasm"), (3, "qasm3")):
    text = open(os.path.join(qdir, f"group_000.{ext}")).read()
    m = re.search(r"gate givens\(theta\) a, ?b \{([^}]*)\}", text)
    check(m is not None, f"QASM {v}: givens gate defined")
    err, two = 0.0, 0
    for t in thetas:
        u, two = gate_unitary(m.group(1), t)
        err = max(err, np.abs(u - givens_matrix(t)).max())
    check(err <= 1e-12 and two == 2, f"QASM {v}: givens gate vs the 4x4 rotation: {err:.3g}, {two} CX")
    # the cz form used for the counts is the same unitary
    body_cz = re.sub(r"cx a, ?b", "h b; cz a,b; h b", m.group(1))
    err = max(np.abs(gate_unitary(body_cz, t)[0] - givens_matrix(t)).max() for t in thetas)
    check(err <= 1e-12, f"QASM {v}: cz form of the givens gate: {err:.3g}")

tot = {gs: {"two_qubit_gates": 0, "single_qubit_gates": 0, "depth": 0, "two_qubit_depth": 0} for gs in reports}
dropped = folded = 0
for g in j["groups"]:
    k = g["index"]
    t3 = open(os.path.join(qdir, f"group_{k:03d}.qasm3")).read()
    msg = qasm3_ok(t3)
    check(msg == "", f"group {k}: OpenQASM 3 grammar: {msg}")
    t2 = open(os.path.join(qdir, f"group_{k:03d}.qasm")).read()
    ng = len(re.findall(r"^givens\(", t2, re.M))
    check(ng == 2 * len(g["givens"]), f"group {k}: {ng} givens gates for {len(g['givens'])} rotations")
    check(g["givens_naive"] == n * (n - 1) // 2, f"group {k}: naive count")
    dropped += g["givens_dropped"]
    folded += g["givens_folded"]
    for gs, rep in reports.items():
        mine = count(circuit_gates(t2, gs), 2 * n)
        theirs = {key: rep["groups"][k][key] for key in mine}
        check(mine == theirs, f"group {k} {gs}: counts {theirs} vs {mine} from the QASM text")
        for key in mine:
            tot[gs][key] += mine[key]
    # rotations recompose U^T (the sign diagonal carries the folded pi's)
    M = np.eye(n)
    for (a, b, th, _) in g["givens"]:
        G = np.eye(n)
        G[a, a] = G[b, b] = math.cos(th)
        G[a, b], G[b, a] = -math.sin(th), math.sin(th)
        M = G @ M
    M = np.diag(g["final_signs"]) @ M
    check(np.abs(M - np.array(g["rotation"]).T).max() <= 1e-12, f"group {k}: kept rotations recompose U^T")
    check(g["dropped_error"] <= 1e-10, f"group {k}: dropped error {g['dropped_error']}")
    check(g["layers"] <= g["layers_before"] and g["depth"] <= g["depth_before"]
          and g["two_qubit_gates"] <= g["two_qubit_gates_before"], f"group {k}: simplification made it worse")
check(dropped > 0 and folded > 0, f"H2O: {dropped} dropped, {folded} folded rotations per block")
G = len(j["groups"])
for gs, rep in reports.items():
    ct = rep["circuit_totals"]
    check(ct["gate_set"] == gs, f"{gs}: gate_set")
    for key in ("two_qubit_gates", "single_qubit_gates", "depth", "two_qubit_depth"):
        check(ct[key] == tot[gs][key], f"{gs}: total {key} {ct[key]} vs {tot[gs][key]}")
    per = 1 if gs == "xx_plus_yy" else 2
    check(ct["two_qubit_gates_naive"] == G * 2 * (n * (n - 1) // 2) * per, f"{gs}: naive two-qubit count")
    check(ct["two_qubit_gates"] == per * ct["givens"], f"{gs}: two-qubit gates per rotation")
    check(ct["two_qubit_gates"] < ct["two_qubit_gates_before"], f"{gs}: no saving on H2O")
    check(ct["givens_dropped"] == 2 * dropped and ct["givens_folded"] == 2 * folded, f"{gs}: dropped/folded totals")

# ---- 4. a coarse threshold: the error stays within the reported bound ---
jpath = os.path.join(tmp, "coarse.json")
run(["--quiet", "--state", "hf", "--no-pauli", "--min-angle", "0.5", "--json", jpath, fcidump])
jc = json.load(open(jpath))
worst = 0.0
for g in jc["groups"]:
    M = np.eye(n)
    for (a, b, th, _) in g["givens"]:
        check(0.5 <= abs(th) <= math.pi - 0.5, f"coarse: kept angle {th}")
        G = np.eye(n)
        G[a, a] = G[b, b] = math.cos(th)
        G[a, b], G[b, a] = -math.sin(th), math.sin(th)
        M = G @ M
    M = np.diag(g["final_signs"]) @ M
    e = np.linalg.norm(M - np.array(g["rotation"]).T, 2)
    check(e <= g["dropped_error"] + 1e-12, f"coarse group {g['index']}: error {e:.3g} > bound {g['dropped_error']:.3g}")
    worst = max(worst, e)
check(worst > 1e-3, f"coarse threshold changed nothing ({worst:.3g})")
check(jc["circuit_totals"]["min_angle"] == 0.5, "min_angle reported")

# usage errors
for bad in (["--min-angle", "-1"], ["--min-angle", "1"], ["--gate-set", "iswap"]):
    p = subprocess.run([APP] + bad + [fcidump], capture_output=True, text=True)
    check(p.returncode == 2, f"{bad}: exit {p.returncode}")

print(f"test_circuits: {checks} checks, {fails} failed")
sys.exit(1 if fails else 0)

// tests/js/check_qasm.js: simulate qclr OpenQASM 2.0 circuits with the npm
// package quantum-circuit (an independent simulator) and check that each maps
// computational basis states as its orbital rotation U predicts.
//
// usage: node check_qasm.js DIR JSON [maxnorb] [maxcircuits]
// JSON: {"circuits":[{"norb":N,"rotation":U,"qasm2":file}]} or qclr-groups'
// {"norb":N,"groups":[{"rotation":U,"qasm2":file}]}.  Circuit convention: the
// single-particle map is M = U^T (a+_p -> sum_k U_pk a+_k), so
//   one electron in mode p          -> amplitude U[p][k] on mode k (both spin blocks)
//   alpha p<q                       -> det [[U_pk, U_ql],[U_pl... ]] on k<l (2x2 minor)
//   alpha p, beta q                 -> U[p][k] U[q][l]
// quantum-circuit orders basis states with qubit j as bit j.
// quantum-circuit needs ~0.5 s per run at 12 qubits, so above 4 orbitals the
// inputs are a sample (every alpha orbital, two beta ones, neighbouring and
// end-to-end alpha pairs, three alpha-beta pairs) and at most maxcircuits
// circuits are checked (evenly spaced, first and last included).
"use strict";
const fs = require("fs");
const path = require("path");
const QC = require("quantum-circuit");

const [dir, jsonFile, maxArg] = process.argv.slice(2);
const maxnorb = maxArg ? parseInt(maxArg, 10) : 6;
const maxcirc = process.argv[5] ? parseInt(process.argv[5], 10) : Infinity;
const doc = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
let list = doc.circuits || doc.groups.map((g) => ({ norb: doc.norb, rotation: g.rotation, qasm2: g.qasm2 }));
if (list.length > maxcirc) {
  const pick = new Set();
  for (let i = 0; i < maxcirc; i++) pick.add(Math.round((i * (list.length - 1)) / Math.max(maxcirc - 1, 1)));
  list = list.filter((_, i) => pick.has(i));
}
const TOL = 1e-9;
let checks = 0, fails = 0;

// quantum-circuit infers the register width from the gates used, and a
// simplified circuit may leave qubits idle (or have no gate at all): an
// identity on every qubit of "qreg q[n]" keeps the width without changing the state
function padded(text) {
  const m = /qreg q\[(\d+)\];/.exec(text);
  if (!m) return text;
  let ids = "";
  for (let k = 0; k < parseInt(m[1], 10); k++) ids += `id q[${k}];\n`;
  return text.replace(m[0], m[0] + "\n" + ids);
}

const parsed = new Map();
function simulate(text, xs) {
  // measurements are dropped so the state stays the circuit's output state;
  // the basis input comes from run()'s initial qubit values (X on each of xs)
  let qc = parsed.get(text);
  if (!qc) {
    const body = padded(text.split("\n").filter((l) => !l.startsWith("measure")).join("\n"));
    qc = new QC();
    let errs = [];
    qc.importQASM(body, (e) => { errs = e; });
    if (errs && errs.length) throw new Error("quantum-circuit import: " + JSON.stringify(errs));
    parsed.clear();
    parsed.set(text, qc);
  }
  const init = new Array(qc.numQubits).fill(0);
  for (const q of xs) init[q] = 1;
  qc.run(init);
  return qc.state; // sparse map: index -> {re, im}
}

function compare(name, state, want) {
  let err = 0, norm = 0;
  for (const [idx, v] of Object.entries(state)) {
    norm += v.re * v.re + v.im * v.im;
    const w = want.get(Number(idx)) || 0;
    err = Math.max(err, Math.abs(v.re - w), Math.abs(v.im));
  }
  for (const [idx, w] of want) if (!(idx in state)) err = Math.max(err, Math.abs(w));
  checks++;
  if (!(err <= TOL) || Math.abs(norm - 1) > TOL) {
    fails++;
    console.error(`FAIL ${name}: max amplitude error ${err}, norm ${norm}`);
  }
}

for (const c of list) {
  const n = c.norb, U = c.rotation;
  if (n > maxnorb) continue;
  const text = fs.readFileSync(path.join(dir, c.qasm2), "utf8");
  // the whole file (with measurements) must parse
  const full = new QC();
  let errs = [];
  full.importQASM(padded(text), (e) => { errs = e; });
  checks++;
  if (errs && errs.length) { fails++; console.error(`FAIL ${c.qasm2}: ${JSON.stringify(errs)}`); continue; }
  if (full.numQubits !== 2 * n) { fails++; console.error(`FAIL ${c.qasm2}: ${full.numQubits} qubits, want ${2 * n}`); }
  const small = n <= 4;
  for (let blk = 0; blk < 2; blk++)
    for (let p = 0; p < n; p++) {
      if (blk && !small && p !== 0 && p !== n - 1) continue;
      const want = new Map();
      for (let k = 0; k < n; k++) want.set(2 ** (k + blk * n), U[p][k]);
      compare(`${c.qasm2} one electron in ${p}${blk ? "b" : "a"}`, simulate(text, [p + blk * n]), want);
    }
  for (let p = 0; p < n; p++)
    for (let q = p + 1; q < n; q++) {
      if (!small && q !== p + 1 && !(p === 0 && q === n - 1)) continue;
      const want = new Map();
      for (let k = 0; k < n; k++)
        for (let l = k + 1; l < n; l++) want.set(2 ** k + 2 ** l, U[p][k] * U[q][l] - U[p][l] * U[q][k]);
      compare(`${c.qasm2} alpha pair ${p},${q}`, simulate(text, [p, q]), want);
    }
  for (let p = 0; p < n; p += 2) {
    const q = n - 1 - p, want = new Map();
    for (let k = 0; k < n; k++)
      for (let l = 0; l < n; l++) want.set(2 ** k + 2 ** (n + l), U[p][k] * U[q][l]);
    compare(`${c.qasm2} alpha ${p} beta ${q}`, simulate(text, [p, n + q]), want);
  }
}
console.log(`check_qasm: ${checks} checks, ${fails} failed`);
process.exit(fails ? 1 : 0);

#!/usr/bin/env python3
"""Run the examples shown in README.md and docs/**/*.md and compare outputs.

A runnable example is a fenced block whose info string is `console`:

    ```console
    $ qclr-info inputs/h2_sto-3g.fcidump
    file                        inputs/h2_sto-3g.fcidump
    ...
    ```

Each line starting with `$ ` is a command (run by /bin/sh); the lines up to
the next `$ ` line or the end of the block are its expected output (stdout and
stderr together, as a terminal shows them).  Any other fence (```sh, ```text,
```c, ...) is never run.  Rules of comparison (docs/conventions.md §3 points
here; CONTRIBUTING.md describes the workflow):

* `…` (U+2026) inside a line matches any text within that line (timings,
  file sizes, paths that depend on the machine); a line holding only `…`
  matches any number of lines, including none.
* Numbers are compared with a tolerance: |shown − actual| <= 1e-6·|shown| +
  1e-10 (so a value printed with a few digits still matches when the last
  bits move with the thread count).  Runs of blanks match runs of blanks of
  any length.  Everything else must be equal.
* The exit status must be 0, unless the command's output ends with a line
  `[exit N]`, in which case it must be N.
* Commands of one page run in order in one fresh temporary directory, where
  `inputs/` is the source tree's inputs/ (read only), the apps (and
  bench/qclr-bench) are on PATH and `./apps/`, `./bench/` resolve to the build
  tree; files written by one command are there for the next one.

Usage:
  doc_examples.py [--srcdir DIR] [--builddir DIR] [--update] [FILE.md ...]

--update rewrites the shown outputs from real runs (exit statuses included).
It keeps a shown line with `…` whenever that line still matches an actual
line; numbers within the tolerance are left as shown; JSON values of keys
naming seconds or rates (`"seconds": …`) are always written as `…`.
Without FILE arguments it checks README.md and docs/**/*.md; it also checks
the man pages under BUILDDIR/docs/man when they were built.
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ELLIPSIS = "\u2026"
RTOL, ATOL = 1e-6, 1e-10
TIMEOUT = 60
NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
NUM_RE = re.compile(NUM)
# JSON members whose values are timings or rates: masked by --update
TIMING_KEY = re.compile(r'^(\s*"(?:\w*seconds\w*|\w*_s|\w*time\w*|\w*per_s\w*)":\s*)' + NUM + r"(,?)\s*$")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
APPS = ["qclr-info", "qclr-factor", "qclr-fci", "qclr-groups", "qclr-tt", "qclr-model"]


class Example:
    def __init__(self, path, line, cmd, expected, exit_code, start, end):
        self.path, self.line, self.cmd = path, line, cmd
        self.expected, self.exit_code = expected, exit_code
        self.start, self.end = start, end  # line range of the output in the file


def parse(path):
    """The console examples of one Markdown file, in order."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang = m.group(2), m.group(3)
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        if lang == "console":
            body = list(range(i + 1, j))
            k = 0
            while k < len(body):
                n = body[k]
                if not lines[n].startswith("$ "):
                    raise SystemExit("%s:%d: output before the first `$ ` command" % (path, n + 1))
                cmd = lines[n][2:]
                k += 1
                first = k
                while k < len(body) and not lines[body[k]].startswith("$ "):
                    k += 1
                exp = [lines[x] for x in body[first:k]]
                code = 0
                if exp and re.fullmatch(r"\[exit (\d+)\]", exp[-1].strip()):
                    code = int(exp[-1].strip()[6:-1])
                    exp = exp[:-1]
                start = body[first] if first < len(body) else j
                out.append(Example(path, n + 1, cmd, exp, code, start, start + len(exp) + (code != 0)))
        i = j + 1
    return out


def pattern(expected):
    """A regex for the expected lines and the numbers it captures."""
    parts, nums = [], []
    for line in expected:
        if line.strip() == ELLIPSIS:
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        p = []
        pos = 0
        for m in re.finditer(NUM + "|" + ELLIPSIS + r"|[ \t]+", line):
            p.append(re.escape(line[pos:m.start()]))
            tok = m.group(0)
            if tok == ELLIPSIS:
                p.append(r"[^\n]*?")
            elif tok.strip() == "":
                p.append(r"[ \t]+")
            else:
                p.append("(" + NUM + ")")
                nums.append(tok)
            pos = m.end()
        p.append(re.escape(line[pos:]))
        parts.append("".join(p) + r"[ \t]*\n")
    return re.compile("".join(parts)), nums


def close(shown, actual):
    a, b = float(shown), float(actual)
    return abs(a - b) <= RTOL * abs(a) + ATOL


def compare(expected, actual_lines):
    """None if the output matches, else a reason."""
    rx, nums = pattern(expected)
    text = "".join(l + "\n" for l in actual_lines)
    m = rx.fullmatch(text)
    if not m:
        return "output differs"
    for k, (s, a) in enumerate(zip(nums, m.groups())):
        if not close(s, a):
            return "number %s shown, %s printed" % (s, a)
    return None


def updated(expected, actual_lines):
    """The shown output rewritten from the actual one (see --update)."""
    rx, nums = pattern(expected)
    text = "".join(l + "\n" for l in actual_lines)
    m = rx.fullmatch(text)
    if m and all(close(s, a) for s, a in zip(nums, m.groups())):
        return expected
    marked = [(i, l) for i, l in enumerate(expected) if ELLIPSIS in l and l.strip() != ELLIPSIS]
    out = []
    for i, l in enumerate(actual_lines):
        templates = [t for _, t in sorted(marked, key=lambda x: abs(x[0] - i))]
        for t in templates:
            if compare([t], [l]) is None:
                out.append(t)
                break
        else:
            for t in templates:
                m = pattern([t])[0].fullmatch(l + "\n")
                if m:  # same layout, new numbers: keep the template's wildcards
                    vals = iter(m.groups())
                    out.append(re.sub(NUM + "|" + ELLIPSIS, lambda x: x.group(0) if x.group(0) == ELLIPSIS
                                      else next(vals), t))
                    break
            else:
                tm = TIMING_KEY.match(l)
                out.append(tm.group(1) + ELLIPSIS + tm.group(2) if tm else l.rstrip())
    return out


def setup_dir(srcdir, builddir):
    d = tempfile.mkdtemp(prefix="qclr-doc-")
    os.symlink(os.path.join(srcdir, "inputs"), os.path.join(d, "inputs"))
    os.symlink(os.path.join(builddir, "apps"), os.path.join(d, "apps"))
    os.symlink(os.path.join(builddir, "bench"), os.path.join(d, "bench"))
    return d


def run(ex, cwd, env):
    try:
        p = subprocess.run(["/bin/sh", "-c", ex.cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, ["(timed out after %d s: not a runnable example)" % TIMEOUT]
    text = p.stdout.decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return p.returncode, [l.rstrip() for l in lines]


def check_page(path, srcdir, builddir, env, update):
    examples = parse(path)
    if not examples:
        return 0, 0
    cwd = setup_dir(srcdir, builddir)
    failures = 0
    edits = []
    try:
        for ex in examples:
            where = "%s:%d: $ %s" % (os.path.relpath(path, srcdir), ex.line, ex.cmd)
            if ex.cmd.startswith("python3 ") and not os.path.exists(env["QCLR_LIBRARY"]):
                # a static-only build (the ASan pass of .ci/run) has no libqclr.so to load
                print("skip " + where + " (no shared libqclr in this build)")
                continue
            code, actual = run(ex, cwd, env)
            if update:
                new = updated(ex.expected, actual)
                if code:
                    new = new + ["[exit %d]" % code]
                edits.append((ex.start, ex.end, new))
                continue
            why = compare(ex.expected, actual)
            if why is None and code != ex.exit_code:
                why = "exit status %s, expected %d" % (code, ex.exit_code)
            if why is None:
                print("ok   " + where)
                continue
            failures += 1
            print("FAIL " + where + "\n     " + why)
            for l in difflib.unified_diff(ex.expected, actual, "shown", "actual", lineterm="", n=2):
                print("     " + l)
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    if update and edits:
        lines = open(path, encoding="utf-8").read().split("\n")
        for start, end, new in reversed(edits):
            lines[start:end] = new
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        os.replace(path + ".tmp", path)
        print("updated %s (%d commands)" % (os.path.relpath(path, srcdir), len(edits)))
    return len(examples), failures


def check_man(builddir):
    """Each generated man page exists and names every long option of --help."""
    mandir = os.path.join(builddir, "docs", "man")
    # make check passes configure's HELP2MAN: when it is set the pages must exist
    configured = os.environ.get("QCLR_HELP2MAN")
    if configured == "" or (configured is None and not os.path.isdir(mandir)):
        print("man pages: not built (help2man not found by configure), skipped")
        return 0
    bad = 0
    for app in APPS:
        page = os.path.join(mandir, app + ".1")
        if not os.path.exists(page):
            print("FAIL man page %s missing" % page)
            bad += 1
            continue
        roff = open(page, encoding="utf-8", errors="replace").read().replace("\\-", "-")
        helptext = subprocess.run([os.path.join(builddir, "apps", app), "--help"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
        opts = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", helptext)))
        missing = [o for o in opts if o not in roff]
        if not opts or missing or (".TH " + app.upper()) not in roff:
            print("FAIL man page %s: missing %s" % (page, missing or "options/title"))
            bad += 1
        else:
            print("ok   man page %s (%d options)" % (os.path.relpath(page, builddir), len(opts)))
    return bad


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    srcdir = os.environ.get("top_srcdir", os.path.dirname(here))
    builddir = os.environ.get("top_builddir", srcdir)
    update, files = False, []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--update":
            update = True
        elif a == "--srcdir":
            srcdir = args.pop(0)
        elif a == "--builddir":
            builddir = args.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(a)
    srcdir, builddir = os.path.abspath(srcdir), os.path.abspath(builddir)
    if not files:
        files = [os.path.join(srcdir, "README.md")] + sorted(
            glob.glob(os.path.join(srcdir, "docs", "**", "*.md"), recursive=True))
    env = dict(os.environ)
    # `$ python3 ...` examples: this interpreter (it has numpy), the in-tree qclr package and library
    pybin = tempfile.mkdtemp(prefix="qclr-doc-python-")
    os.symlink(sys.executable, os.path.join(pybin, "python3"))
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(srcdir, "python")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["QCLR_LIBRARY"] = os.path.join(builddir, ".libs", "libqclr.so")
    env["PATH"] = os.pathsep.join([os.path.join(builddir, "apps"), os.path.join(builddir, "bench"), pybin,
                                   env.get("PATH", "")])
    env.setdefault("OMP_NUM_THREADS", "1")
    env["LC_ALL"] = "C"
    total = failed = 0
    try:
        for f in files:
            n, bad = check_page(os.path.abspath(f), srcdir, builddir, env, update)
            total += n
            failed += bad
    finally:
        shutil.rmtree(pybin, ignore_errors=True)
    if not update:
        failed += check_man(builddir)
        print("%d examples, %d failed" % (total, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

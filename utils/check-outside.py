#!/usr/bin/env python3
"""check-outside.py - fails when a test or build file reads outside the
repository.  A fresh clone with nothing beside it must build and test
itself (issue #7); .ci/run proves it by running from such a clone, and this
check catches the usual ways of breaking it before CI does.

Scanned: tests/ (not tests/tmp/, not the data in tests/assets/), utils/,
.ci/ and the Makefile.  Reported, as path:line: text: reason:

  * a path with `..` segments that resolves above the repository root:
      - `../x` relative to the file's folder for C #include lines, and to
        both the repository root (where the scripts cd) and the file's
        folder everywhere else;
      - `$(dirname "$0")/..`, `[file dirname [info script]]/..` from the
        file's folder; `$root/..`, `$tests_dir/..` from those folders;
      - Tcl `[file join BASE .. ..]` and Python `os.path.join(BASE, "..")`
        with BASE one of the above;
      - `..` after any other base: it cannot be checked, so it is refused
        (build the path from the script's folder, $root or $tests_dir);
  * a literal path to the folder that holds this checkout (its parent,
    unless that is a common one such as /tmp or /home), to /work/shared
    or to ../shared: the project's notes live beside the repository,
    never inside a test.

The two checkers (this file, check-layers.py) are not scanned: their
self-test data holds the very paths they reject.  A self-test runs first on
synthetic files with known good and bad lines.  The last line is
"N passed, M failed" (N = clean files plus self-test cases, M = findings);
exit status 1 when M > 0.

    utils/check-outside.py [--root DIR] [--no-self-test]
"""
import os
import re
import sys
import tempfile

SCAN = ["tests", "utils", ".ci", "Makefile"]
SKIP_DIRS = {"tests/tmp", "tests/assets"}
SKIP_FILES = {"utils/check-outside.py", "utils/check-layers.py"}
CODE_EXT = (".c", ".h", ".tcl", ".sh", ".py", ".mk", ".exp", ".pl")
FORBIDDEN = ["/work/shared", "../shared"]
# Parents too common to mean "this checkout's neighbourhood" (a clone in
# /tmp/x must not make every /tmp/ path a finding).
COMMON_PARENTS = {"/", "/tmp", "/var/tmp", "/home", "/root", "/usr", "/usr/src", "/usr/local",
                  "/usr/local/src", "/opt", "/srv", "/mnt", "/var", "/build", "/src"}

# Characters that end a shell/Tcl/C path token.
TOKEN_RE = re.compile(r"""[^\s"'`;|&<>(){}\[\]=,]+""")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
# Expressions that name the folder of the file they are written in.
SELF_DIR_RE = re.compile(
    r"""(\$\(\s*dirname\s+"?\$(0|\{BASH_SOURCE\[0\]\}|BASH_SOURCE)"?\s*\)"""
    r"""|\[file dirname \[(file normalize \[)?info script\]\]?\])"?$""")
VAR_BASES = {"root": "", "::root": "", "ROOT": "", "tests_dir": "tests", "::tests_dir": "tests"}
PY_SELF_DIR_RE = re.compile(
    r"^os\.path\.dirname\((os\.path\.(abspath|realpath)\()?__file__\)?\)$")
TCL_SELF_DIRS = {"[file dirname [info script]]",
                 "[file dirname [file normalize [info script]]]"}


def is_code(rel):
    name = os.path.basename(rel)
    if name.endswith(CODE_EXT) or name == "Makefile":
        return True
    # Scripts without an extension (.ci/run): look for a shebang.
    try:
        with open(rel, "rb") as fh:
            return fh.read(2) == b"#!"
    except OSError:
        return False


def files_to_scan(root):
    out = []
    for top in SCAN:
        path = os.path.join(root, top)
        if os.path.isfile(path):
            out.append(top)
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            reldir = os.path.relpath(dirpath, root)
            dirnames[:] = sorted(d for d in dirnames
                                 if os.path.join(reldir, d) not in SKIP_DIRS)
            for name in sorted(filenames):
                rel = os.path.join(reldir, name)
                if rel not in SKIP_FILES:
                    out.append(rel)
    return out


def escapes(root, base, parts):
    """1 when joining parts onto base (inside root) ever leaves root."""
    cur = os.path.normpath(os.path.join(root, base))
    for p in parts:
        if p in ("", "."):
            continue
        cur = os.path.normpath(os.path.join(cur, p))
        if os.path.relpath(cur, root).startswith(".."):
            return True
    return False


def tcl_words(text, start):
    """Top-level words of the Tcl command starting at text[start] up to the
    bracket that closes it (or the end of the line)."""
    words, cur, depth, i = [], "", 0, start
    while i < len(text):
        ch = text[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                break
            depth -= 1
        if ch.isspace() and depth == 0:
            if cur:
                words.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    if cur:
        words.append(cur)
    return words


def py_args(text, start):
    """Top-level, comma-separated arguments of a call whose '(' is at start."""
    args, cur, depth = [], "", 0
    for ch in text[start + 1:]:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    return args


def check_line(root, rel, line):
    """Reasons this line reads outside the repository (may be empty)."""
    reasons = []
    filedir = os.path.dirname(rel)
    parent = os.path.dirname(os.path.realpath(root))
    for lit in FORBIDDEN:
        if lit in line:
            reasons.append("names %s, which is outside the repository" % lit)
    if parent not in COMMON_PARENTS and re.search(r"(?<![\w.-])%s/" % re.escape(parent), line):
        reasons.append("names %s/, the folder that holds this checkout" % parent)

    # Tcl [file join BASE ...] and Python os.path.join(BASE, ...) with "..".
    for m in re.finditer(r"file join\s+", line):
        words = tcl_words(line, m.end())
        if ".." not in words[1:]:
            continue
        base = words[0] if words else ""
        if base in TCL_SELF_DIRS:
            start = filedir
        elif base.lstrip("$") in VAR_BASES:
            start = VAR_BASES[base.lstrip("$")]
        else:
            reasons.append("file join from %s with '..' cannot be checked" % base)
            continue
        literal = []
        for w in words[1:]:
            if "$" in w or "[" in w:
                break
            literal.append(w)
        if escapes(root, start, literal):
            reasons.append("file join %s %s leaves the repository" % (base, " ".join(literal)))
    for m in re.finditer(r"os\.path\.join\(", line):
        args = py_args(line, m.end() - 1)
        if not any(a in ('".."', "'..'") for a in args[1:]):
            continue
        if args and PY_SELF_DIR_RE.match(args[0].replace(" ", "")):
            parts = [a.strip("\"'") for a in args[1:]]
            if escapes(root, filedir, parts):
                reasons.append("os.path.join(...) leaves the repository")
        else:
            reasons.append("os.path.join from %s with '..' cannot be checked" % (args[0] if args else "?"))

    # Slash paths with '..' segments.
    inc = INCLUDE_RE.match(line)
    for m in TOKEN_RE.finditer(line):
        tok = m.group(0)
        # A compiler or linker flag glued to its path: -I../x, -L../lib.
        if re.match(r"^-[A-Za-z]\.\./", tok):
            tok = tok[2:]
        parts = tok.split("/")
        if ".." not in parts or len(parts) < 2:
            continue
        before = line[:m.start()]
        if parts[0] == "..":
            bases = [filedir] if inc and inc.group(1) == tok else ["", filedir]
            bad = [b for b in bases if escapes(root, b, parts)]
            if bad:
                reasons.append("%s leaves the repository (from %s)" % (tok, bad[0] or "the root"))
        elif parts[0] == "":
            # '/..' right after an expression: which folder is it?
            if SELF_DIR_RE.search(before.rstrip('"')):
                if escapes(root, filedir, parts[1:]):
                    reasons.append("%s from the file's folder leaves the repository" % tok)
            elif before.endswith((")", "]", "}", '"')):
                reasons.append("%s after %s cannot be checked" % (tok, before.strip()[-30:]))
            # else an absolute path such as /usr/../lib: not ours to judge
        elif parts[0].startswith("$"):
            var = parts[0].lstrip("$").strip("{}")
            if var in VAR_BASES:
                if escapes(root, VAR_BASES[var], parts[1:]):
                    reasons.append("%s leaves the repository" % tok)
            else:
                reasons.append("%s: '..' after $%s cannot be checked" % (tok, var))
        else:
            if escapes(root, "", parts) and escapes(root, filedir, parts):
                reasons.append("%s leaves the repository" % tok)
    return reasons


def check_tree(root):
    """Returns (number of clean files, list of findings)."""
    root = os.path.realpath(root)
    clean, findings = 0, []
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for rel in files_to_scan(root):
            if not is_code(rel):
                continue
            try:
                with open(rel, encoding="utf-8") as fh:
                    lines = fh.read().split("\n")
            except UnicodeDecodeError:
                continue
            found = False
            for num, line in enumerate(lines, 1):
                why = check_line(root, rel, line)
                if why:
                    findings.append("%s:%d: %s: %s" % (rel, num, line.strip()[:100], "; ".join(why)))
                    found = True
            if not found:
                clean += 1
    finally:
        os.chdir(cwd)
    return clean, findings


def self_test():
    up = "../"
    files = {
        # good
        "tests/c/t.c": '#include "%s%sdeps/a/a.h"\n' % (up, up),
        "tests/unit/a.tcl": "set x [file join [file dirname [info script]] .. .. src x]\n"
                            "set y [file join $::tests_dir assets a.tsv]\n",
        "utils/a.sh": '#!/bin/sh\ncd "$(dirname "$0")/.."\n',
        "utils/b.py": 'R = os.path.join(os.path.dirname(__file__), "..")\n',
        "Makefile": "x: deps/a/a.c\n",
        # bad
        "tests/unit/b.tcl": "set t [file join $::tests_dir .. .. shared compat c.tsv]\n",
        "tests/unit/c.tcl": "set t [file join $somewhere .. x]\n",
        "utils/c.sh": '#!/bin/sh\ncat %sshared/x\n' % up,
        "utils/d.sh": '#!/bin/sh\ncd "$(dirname "$0")/%s.."\n' % up,
        "tests/hiredis/e.c": 'const char *p = "%s%sx";\n' % (up, up),
        "tests/c/f.c": '#include "%s%s%sx.h"\n' % (up, up, up),
        ".ci/run": "#!/bin/sh\nls /work/shared\n",
        "utils/e.py": 'R = os.path.join(os.path.dirname(__file__), "..", "..")\n',
        "utils/f.mk": "CFLAGS += -I%sinclude\n" % up,
    }
    want_clean = 5
    want_bad = ["tests/unit/b.tcl:1:", "tests/unit/c.tcl:1:", "utils/c.sh:2:", "utils/d.sh:2:",
                "tests/hiredis/e.c:1:", "tests/c/f.c:1:", ".ci/run:2:", "utils/e.py:1:",
                "utils/f.mk:1:"]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "repo")
        for rel, text in files.items():
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as fh:
                fh.write(text)
        clean, findings = check_tree(root)
    passed, failures = 0, []
    if clean == want_clean:
        passed += 1
    else:
        failures.append("self-test: %d clean files, expected %d" % (clean, want_clean))
    got = sorted(set(f.split(" ")[0] for f in findings))
    for w in want_bad:
        if w in got:
            passed += 1
        else:
            failures.append("self-test: %s not reported" % w)
    for g in got:
        if g not in want_bad:
            failures.append("self-test: unexpected finding at %s" % g)
    return passed, failures


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    run_self_test = True
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--root" and args:
            root = args.pop(0)
        elif a == "--no-self-test":
            run_self_test = False
        else:
            print("usage: utils/check-outside.py [--root DIR] [--no-self-test]", file=sys.stderr)
            return 2
    passed, failed = 0, 0
    if run_self_test:
        p, fails = self_test()
        passed += p
        failed += len(fails)
        for f in fails:
            print(f)
    clean, findings = check_tree(root)
    for f in findings:
        print(f)
    passed += clean
    failed += len(findings)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

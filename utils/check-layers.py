#!/usr/bin/env python3
"""check-layers.py - holds the code to the layer order of DESIGN.md.

Every quoted #include in src/ and deps/ is resolved to the file it names,
and both ends are given a layer by path.  An include that points up the
order (or sideways into a layer that may not be used) is printed as

    path:line: #include "name": <layer> may include only <layers>

Layers, bottom to top (a layer may include itself and what it lists):

    deps            deps/: self-contained, nothing of src/
    ds              src/ds/: ds, deps
    net             src/net/: net, ds, deps
    server          src/server/: server, net, ds, deps
    types           src/types/: types, server and below
    persist-format  src/persist/format/: the file formats alone, no server
                    includes (shared with the check tools): net, ds, deps
    persist         src/persist/: persist, persist-format, types, server and below
    script          src/script/: script, persist and below
    repl            src/repl/: repl, script and below
    tools           src/tools/: tools, persist-format, net, ds, deps
    top             src/*.c, src/*.h (main.c, commands.c, command_docs.c):
                    anything; nothing below may include them

A quoted include that names no file in the tree is reported too (system
headers take <>).  A file in an src/ folder with no layer is reported: add
the folder here and to DESIGN.md together.

Before the real tree, a self-test runs the same check on a small synthetic
tree with known good and bad includes, so the checker is shown to catch
what it claims.  The last line is "N passed, M failed" (N = includes that
keep to the rules plus self-test cases; M = violations); exit status 1 when
M > 0.

    utils/check-layers.py [--root DIR] [--no-self-test]
"""
import os
import re
import sys
import tempfile

ORDER = ["deps", "ds", "net", "server", "types", "persist-format", "persist",
         "script", "repl", "tools", "top"]
BELOW_SERVER = {"server", "net", "ds", "deps"}
ALLOWED = {
    "deps": {"deps"},
    "ds": {"ds", "deps"},
    "net": {"net", "ds", "deps"},
    "server": set(BELOW_SERVER),
    "types": {"types"} | BELOW_SERVER,
    "persist-format": {"persist-format", "net", "ds", "deps"},
    "persist": {"persist", "persist-format", "types"} | BELOW_SERVER,
    "script": {"script", "persist", "persist-format", "types"} | BELOW_SERVER,
    "repl": {"repl", "script", "persist", "persist-format", "types"} | BELOW_SERVER,
    "tools": {"tools", "persist-format", "net", "ds", "deps"},
    "top": set(ORDER),
}
# Folder prefix (relative to the root) -> layer; the longest match wins.
PREFIXES = [
    ("deps/", "deps"),
    ("src/ds/", "ds"),
    ("src/net/", "net"),
    ("src/server/", "server"),
    ("src/types/", "types"),
    ("src/persist/format/", "persist-format"),
    ("src/persist/", "persist"),
    ("src/script/", "script"),
    ("src/repl/", "repl"),
    ("src/tools/", "tools"),
]
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(rel):
    """Layer of a path relative to the root, or None when it has none."""
    best = None
    for prefix, layer in PREFIXES:
        if rel.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    if best:
        return best[1]
    if rel.startswith("src/") and "/" not in rel[len("src/"):]:
        return "top"
    return None


def describe(layer):
    allowed = [l for l in ORDER if l in ALLOWED[layer]]
    return "%s may include only %s" % (layer, ", ".join(allowed))


def sources(root):
    for top in ("src", "deps"):
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".c", ".h")):
                    yield os.path.join(dirpath, name)


def check_tree(root):
    """Returns (number of includes that are fine, list of violation lines)."""
    root = os.path.realpath(root)
    ok = 0
    bad = []
    for path in sources(root):
        rel = os.path.relpath(path, root)
        layer = layer_of(rel)
        if layer is None:
            bad.append("%s:1: file is in no layer: add its folder to utils/check-layers.py "
                       "and DESIGN.md" % rel)
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
        for num, line in enumerate(lines, 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            name = m.group(1)
            target = os.path.realpath(os.path.join(os.path.dirname(path), name))
            where = '%s:%d: #include "%s"' % (rel, num, name)
            if not os.path.isfile(target):
                bad.append("%s: names no file in the tree (system headers take <>)" % where)
                continue
            trel = os.path.relpath(target, root)
            if trel.startswith(".." + os.sep) or trel == "..":
                bad.append("%s: leaves the repository" % where)
                continue
            tlayer = layer_of(trel)
            if tlayer is None:
                bad.append("%s: %s is in no layer (%s)" % (where, trel, describe(layer)))
            elif tlayer not in ALLOWED[layer]:
                bad.append("%s: %s is %s; %s" % (where, trel, tlayer, describe(layer)))
            else:
                ok += 1
    return ok, bad


def self_test():
    """Runs check_tree on a synthetic tree; returns (passed, failures)."""
    files = {
        "deps/a/a.h": "",
        "deps/a/a.c": '#include "a.h"\n#include <stdio.h>\n',
        "deps/b/b.c": '#include "../../src/ds/x.h"\n',            # bad: deps -> ds
        "src/ds/x.h": '#include "../../deps/a/a.h"\n',            # ok
        "src/net/n.c": '#include "../ds/x.h"\n',                  # ok
        "src/server/s.c": '#include "../commands.h"\n'            # bad: server -> top
                          '#include "../net/n.h"\n',              # ok
        "src/net/n.h": '#include "../server/s.h"\n',              # bad: net -> server
        "src/server/s.h": "",
        "src/types/t.c": '#include "../server/s.h"\n',            # ok
        "src/persist/format/f.c": '#include "../../server/s.h"\n',  # bad: format -> server
        "src/persist/p.c": '#include "format/f.h"\n#include "../types/t.h"\n',  # ok, ok
        "src/persist/format/f.h": "",
        "src/types/t.h": "",
        "src/tools/cli/c.c": '#include "../../persist/format/f.h"\n'  # ok
                             '#include "../../server/s.h"\n'          # bad: tools -> server
                             '#include "missing.h"\n',                # bad: no such file
        "src/commands.h": "",
        "src/main.c": '#include "server/s.h"\n#include "commands.h"\n',  # ok, ok
        "src/odd/o.c": "",                                        # bad: no layer
    }
    expect_ok = 10
    expect_bad = [
        "deps/b/b.c:1:", "src/server/s.c:1:", "src/net/n.h:1:", "src/persist/format/f.c:1:",
        "src/tools/cli/c.c:2:", "src/tools/cli/c.c:3:", "src/odd/o.c:1:",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in files.items():
            p = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as fh:
                fh.write(text)
        ok, bad = check_tree(tmp)
    passed, failures = 0, []
    if ok == expect_ok:
        passed += 1
    else:
        failures.append("self-test: %d includes accepted, expected %d" % (ok, expect_ok))
    found = sorted(b.split(" ")[0] for b in bad)
    for want in expect_bad:
        if want in found:
            passed += 1
        else:
            failures.append("self-test: violation at %s not reported" % want)
    for got in found:
        if got not in expect_bad:
            failures.append("self-test: unexpected violation reported at %s" % got)
    return passed, failures


def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    run_self_test = True
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--root" and args:
            root = args.pop(0)
        elif a == "--no-self-test":
            run_self_test = False
        else:
            print(__doc__.strip().split("\n\n")[-1].strip(), file=sys.stderr)
            return 2
    passed, failed = 0, 0
    if run_self_test:
        p, fails = self_test()
        passed += p
        for f in fails:
            print(f)
        failed += len(fails)
    ok, bad = check_tree(root)
    for b in bad:
        print(b)
    passed += ok
    failed += len(bad)
    if bad:
        print("%d include(s) point up the layer order (see utils/check-layers.py, DESIGN.md Layers)"
              % len(bad))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

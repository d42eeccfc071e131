"""markers.py - the LAB markers of the reference source, and how a student tree is cut from them.

A solution region, in a C file, each marker alone on its line (labs/README.md):

        /* LAB6 BEGIN */
        ...the reference solution...
        /* LAB6 TODO
        lab_todo(6, "buddy", "__free_one_page");
        return;
        */
        /* LAB6 END */

cut(text, lab) gives the file as a student of `lab` gets it: that lab's regions replaced by
their TODO bodies (uncommented, under a "your code here" line), every other region's markers and
TODO comment dropped and its solution kept. Python standard library only.
"""
import os
import re
import subprocess

BEGIN = re.compile(r"^(\s*)/\* LAB(\d+) BEGIN \*/\s*$")
TODO = re.compile(r"^\s*/\* LAB(\d+) TODO\s*$")
TODO_END = re.compile(r"^\s*\*/\s*$")
END = re.compile(r"^\s*/\* LAB(\d+) END \*/\s*$")
ANY = re.compile(r"LAB\d+ (BEGIN|TODO|END)")
SOURCE_EXT = (".c", ".h")
# what never reaches a student tree: instructor tests, mutants, reference outputs
PRIVATE = (re.compile(r"^labs/[^/]+/private/"), re.compile(r"^tools/testing/labs/"))


class MarkerError(Exception):
    """A malformed region: the message names the file and line."""


class Region:
    """One LAB region: lab number, 1-based line numbers of BEGIN and END, the solution lines,
    the TODO body lines (without the comment opener and closer) and the BEGIN indentation."""

    def __init__(self, lab, begin, indent):
        self.lab, self.begin, self.indent = lab, begin, indent
        self.end = None
        self.solution, self.todo = [], []


def parse(text, path="<text>"):
    """The regions of a file's text, in order; raises MarkerError on a malformed one."""
    regions, cur, state = [], None, None
    for no, line in enumerate(text.split("\n"), 1):
        where = f"{path}:{no}"
        if state == "todo":
            if TODO_END.match(line):
                state = "after-todo"
            elif "*/" in line:
                raise MarkerError(f"{where}: '*/' inside a LAB TODO body (use // comments)")
            else:
                cur.todo.append(line)
            continue
        m = BEGIN.match(line)
        if m:
            if cur:
                raise MarkerError(f"{where}: LAB{m.group(2)} BEGIN inside LAB{cur.lab}'s region")
            cur, state = Region(int(m.group(2)), no, m.group(1)), "solution"
            continue
        m = TODO.match(line) or END.match(line)
        if m:
            if not cur or int(m.group(1)) != cur.lab:
                raise MarkerError(f"{where}: {line.strip()} without a matching BEGIN")
            if TODO.match(line):
                if state != "solution":
                    raise MarkerError(f"{where}: second TODO in one region")
                state = "todo"
            else:
                cur.end, state = no, None
                regions.append(cur)
                cur = None
            continue
        if ANY.search(line):
            raise MarkerError(f"{where}: a LAB marker must be alone on its line: {line.strip()}")
        if state == "after-todo" and line.strip():
            raise MarkerError(f"{where}: code between the TODO body and LAB{cur.lab} END")
        if cur:
            cur.solution.append(line)
    if cur:
        raise MarkerError(f"{path}:{cur.begin}: LAB{cur.lab} BEGIN without an END")
    return regions


def cut(text, lab, path="<text>", handout=None):
    """text as a student of lab `lab` gets it (see the module comment). handout: the path
    named in the "your code here" line."""
    regions = {r.begin: r for r in parse(text, path)}
    lines, out, skip_to = text.split("\n"), [], 0
    for no, line in enumerate(lines, 1):
        if no <= skip_to:
            continue
        r = regions.get(no)
        if not r:
            out.append(line)
            continue
        skip_to = r.end
        if r.lab == lab:
            where = f" ({handout})" if handout else ""
            out.append(f"{r.indent}/* LAB{lab}: your code here{where} */")
            out.extend(r.todo)
        else:
            out.extend(r.solution)
    return "\n".join(out)


def tracked_files(root):
    """The reference's files (git ls-files), without the private ones."""
    r = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, check=True)
    names = [n for n in r.stdout.decode().split("\0") if n]
    return [n for n in names if not any(p.match(n) for p in PRIVATE)
            and os.path.isfile(os.path.join(root, n))]


def all_regions(root):
    """{path: [Region]} for every source file of the reference that has regions."""
    found = {}
    for name in tracked_files(root):
        if not name.endswith(SOURCE_EXT):
            continue
        with open(os.path.join(root, name), encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        if "LAB" in text:
            regions = parse(text, name)
            if regions:
                found[name] = regions
    return found

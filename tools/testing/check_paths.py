#!/usr/bin/env python3
"""tools/testing/check_paths.py - the repository stands alone: every path of ours named in a
comment or document exists, and nothing points outside the repository.

Runs in `tools/test` as the meson suite `repo` (no QEMU, no build output needed):
    python3 tools/testing/check_paths.py [ROOT]      check the tree (default: this repository)
    python3 tools/testing/check_paths.py --self-test  check the checker on made-up trees
Prints one line `FILE:LINE: problem` per offence and exits 1 if there is any.

What is read (the "comment or document" text of each file):
  - Markdown (*.md): the whole file, code blocks included.
  - C, assembly, device trees, linker scripts (*.c *.h *.S *.dts *.dtsi *.lds.in):
    /* ... */ and // comments, and `@` line comments in assembly.
  - Python (*.py): `#` comments and every string literal that stands alone as a statement
    (docstrings).
  - meson.build, meson_options.txt, cross files (*.txt), .clang-format, and shell scripts
    (files whose first line is a #! of sh or bash): `#` comments.
Files come from `git ls-files` (tracked and new, not ignored) when ROOT is a git checkout, else
from walking ROOT (skipping dot-directories and build*/).

What counts as a path of ours: a token made of [A-Za-z0-9_.+*{},-] and `/` that starts with
the name of one of ROOT's top-level directories followed by `/` (`kernel/mm/`,
`arch/arm/mm/mmu.c`, `tools/testing/memblock`, `docs/design.md`), and is not glued to a longer
word or path on its left (so the `arch/...` of `linux/arch/...` or of a URL is not one).
Trailing `.`, `,`, `:` and `-` are sentence punctuation, not part of the path. A path may use
shell wildcards (`pgtable-2level*.h`) or one brace list (`kernel/shell/{shell,vm}.c`): every
alternative must exist. A `#anchor` after a Markdown file (`docs/pipeline.md#memblock`) must
name one of its headings, spelled as GitHub spells heading anchors.
Linux's own paths: Linux has directories of the same names (`arch/`, `kernel/`, `include/`,
`lib/`, `tools/`). A path is taken as Linux's, and not checked, when the word "Linux" (as in
"Linux's", "Linux 6.1's") comes before it in the same sentence. A sentence ends at `.` or `;`
followed by white space, or at an empty line. So "Linux 6.1's mm/cma.c, kernel/dma/contiguous.c
and arch/arm/mm/dma-mapping.c" is Linux's; "kernel/mm/cma.c (Linux's mm/cma.c)" checks
kernel/mm/cma.c only.
A path may also be relative to the naming file's own directory (`include/asm/tlbflush.h` in
tools/testing/pgtable/meson.build, `shared/` in tools/testing/meson.build).
Generated paths (those matched by a pattern of ROOT's .gitignore, e.g. build/ or
tools/testing/logs/, and a `.dtb` whose `.dts` is in the tree) need not exist.
Markdown links `[text](target)` to a relative target are resolved from the linking file's
directory and must exist (with the anchor rule above).

What counts as pointing outside: `../` that climbs out of ROOT (or to something missing) from
the file's directory, `/work/`, a `shared/` that does not continue a path of ours
(`tools/testing/shared/` is fine), `DESIGN.md`, the Linux-facts notes, a `seed/` that does not continue
a path, and "the seed" or "seed's" (any case; a fuzzer's "seed corpus" is fine). The project's
documents are docs/design.md and docs/pipeline.md: cite them, or Linux's own file and function.
"""
import ast
import fnmatch
import io
import os
import re
import subprocess
import sys
import tempfile
import tokenize

C_LIKE = ('.c', '.h', '.S', '.dts', '.dtsi', '.lds.in')
HASH_NAMES = ('meson.build', 'meson_options.txt', '.clang-format')

PATH_CHARS = r"[A-Za-z0-9_.+*{},\-]"
# The two outside names are spelled in pieces, so that this file does not name them itself
# (a `git grep` for them over the repository must come back empty).
FACTS = "LINUX" + "-FACTS"
UP_SHARED = ".." + "/shared"
OUTSIDE = [
    (re.compile(r"/work/"), "refers outside the repository (/work/)"),
    (re.compile(r"(?<![\w/.\-])shared/"), "refers outside the repository (shared/)"),
    (re.compile(r"DESIGN\.md"), "refers outside the repository (DESIGN.md)"),
    (re.compile(FACTS), f"refers outside the repository ({FACTS})"),
    (re.compile(r"(?<![\w/.\-])seed/"), "refers outside the repository (seed/)"),
    (re.compile(r"\bthe seed\b(?!\s+corpus)|\bseed's\b", re.IGNORECASE),
     'refers outside the repository ("the seed")'),
]
SENTENCE_END = re.compile(r"[.;](?=\s)|\n[ \t*#/@>]*\n")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PARENT = re.compile(r"(?<![\w/.\-])((?:\.\./)+" + PATH_CHARS + r"*(?:/" + PATH_CHARS + r"*)*)")


# ---- extracting the comment/document text of a file ----------------------------------------

def blank(text):
    """The text with every character but newlines replaced by a space (keeps positions)."""
    return re.sub(r"[^\n]", " ", text)


def c_comments(text, asm):
    """Keep only /* */ and // comments (and @ comments in assembly), blanking the rest."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(text[i:j])
            i = j
        elif text.startswith("//", i) or (asm and ch == "@"):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(text[i:j])
            i = j
        elif ch in "\"'" and not asm:
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(blank(text[i:j + 1]))
            i = j + 1
        else:
            out.append(ch if ch == "\n" else " ")
            i += 1
    return "".join(out)


def hash_comments(text):
    """Keep `#` comments (at the start of a line or after white space, outside quotes)."""
    lines = []
    for line in text.split("\n"):
        quote, keep = None, None
        for k, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "#" and (k == 0 or line[k - 1] in " \t"):
                keep = k
                break
        lines.append(" " * keep + line[keep:] if keep is not None else "")
    return "\n".join(lines)


def python_comments(text):
    """Keep `#` comments and stand-alone string literals (docstrings) of a Python file."""
    lines = text.split("\n")
    keep = [""] * len(lines)

    def put(row, col, s):
        for k, part in enumerate(s.split("\n")):
            r = row - 1 + k
            if 0 <= r < len(keep):
                pad = col if k == 0 else 0
                keep[r] = (keep[r] + " " * max(0, pad - len(keep[r])) + part)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                put(tok.start[0], tok.start[1], tok.string)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                seg = "\n".join(lines[node.lineno - 1:node.end_lineno])
                put(node.lineno, 0, seg)
    except (SyntaxError, tokenize.TokenError):
        return hash_comments(text)
    return "\n".join(keep)


def doc_text(rel, text):
    """The part of a file that is comment or documentation, positions kept; None: not read."""
    name = os.path.basename(rel)
    if rel.endswith(".md"):
        return text
    if rel.endswith(C_LIKE):
        return c_comments(text, rel.endswith(".S"))
    if rel.endswith(".py"):
        return python_comments(text)
    if name in HASH_NAMES or rel.endswith(".txt"):
        return hash_comments(text)
    first = text.split("\n", 1)[0]
    if first.startswith("#!") and re.search(r"\b(ba)?sh\b|python3?\b", first):
        return python_comments(text) if "python" in first else hash_comments(text)
    return None


# ---- the tree --------------------------------------------------------------------------------

def list_files(root):
    """Repository-relative names of the files to read."""
    if os.path.exists(os.path.join(root, ".git")):
        try:
            out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                                  "--exclude-standard"], check=True, capture_output=True).stdout
            return sorted({f for f in out.decode().split("\0")
                           if f and os.path.isfile(os.path.join(root, f))})
        except (OSError, subprocess.CalledProcessError):
            pass
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and not x.startswith("build")
                         and x != "__pycache__")
        for f in names:
            files.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(files)


def top_dirs(files):
    """Our top-level directories: those that hold at least one file of the tree."""
    return sorted({f.split("/", 1)[0] for f in files if "/" in f})


def ignored_patterns(root):
    """The .gitignore patterns of ROOT (generated output)."""
    try:
        with open(os.path.join(root, ".gitignore"), encoding="utf-8") as f:
            return [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except OSError:
        return []


def is_ignored(path, patterns):
    """Whether repository path PATH (or a parent) is generated output by .gitignore."""
    parts = path.rstrip("/").split("/")
    for k in range(1, len(parts) + 1):
        sub = "/".join(parts[:k])
        for p in patterns:
            pat = p.rstrip("/")
            if pat.startswith("/"):
                if fnmatch.fnmatchcase(sub, pat[1:]):
                    return True
            elif fnmatch.fnmatchcase(parts[k - 1], pat):
                return True
    return False


def slug(heading):
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces -> '-'."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    """The anchors of the headings of Markdown file PATH (duplicates numbered as GitHub does)."""
    seen, out, fence = {}, set(), False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fence = not fence
            m = None if fence else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                a = slug(m.group(1))
                n = seen.get(a, 0)
                seen[a] = n + 1
                out.add(a if n == 0 else f"{a}-{n}")
    return out


def expand(path):
    """The alternatives of one brace list in PATH ("a/{b,c}.h" -> a/b.h, a/c.h)."""
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    return [path[:m.start()] + alt + path[m.end():] for alt in m.group(1).split(",")]


def exists(root, path):
    """Whether repository path PATH (wildcards allowed, anchor stripped) names something."""
    full = os.path.join(root, path)
    if any(c in path for c in "*?["):
        import glob
        return bool(glob.glob(full))
    return os.path.exists(full)


def built_from_source(root, path):
    """Whether PATH is a build product whose source is in the tree (dts/x.dtb from dts/x.dts)."""
    return path.endswith(".dtb") and os.path.exists(os.path.join(root, path[:-4] + ".dts"))


def check_target(root, rel_target, patterns, anchor_cache, here=None):
    """None if RELTARGET (repository-relative, or relative to the naming file's directory
    HERE; maybe with #anchor) is fine, else why not."""
    target, _, anchor = rel_target.partition("#")
    for alt in expand(target):
        if not exists(root, alt) and here is not None and exists(root, os.path.join(here, alt)):
            alt = os.path.normpath(os.path.join(here, alt))
        if not exists(root, alt):
            if is_ignored(alt, patterns) or built_from_source(root, alt):
                continue
            return f"no such path: {alt}"
        if anchor and alt.endswith(".md") and os.path.isfile(os.path.join(root, alt)):
            if alt not in anchor_cache:
                anchor_cache[alt] = anchors(os.path.join(root, alt))
            if anchor not in anchor_cache[alt]:
                return f"no heading #{anchor} in {alt}"
    return None


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def linux_context(text, pos):
    """Whether "Linux" comes earlier in the sentence that holds position POS."""
    start = 0
    for m in SENTENCE_END.finditer(text, 0, pos):
        start = m.end()
    return "Linux" in text[start:pos]


def check_file(root, rel, tops, patterns, anchor_cache):
    """The offences of one file, as (line, message)."""
    try:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return []
    doc = doc_text(rel, text)
    if doc is None:
        return []
    found = []
    here = os.path.dirname(rel)
    for rx, why in OUTSIDE:
        for m in rx.finditer(doc):
            if why.endswith("(shared/)") and os.path.isdir(os.path.join(root, here, "shared")):
                continue  # the shared/ beside this file (tools/testing/shared from its parent)
            found.append((line_of(doc, m.start()), why))
    for m in PARENT.finditer(doc):
        tok = m.group(1).rstrip(".,:-")
        dest = os.path.normpath(os.path.join(here, tok))
        if dest == ".." or dest.startswith("../"):
            found.append((line_of(doc, m.start()), f"refers outside the repository ({tok})"))
        else:
            why = check_target(root, dest, patterns, anchor_cache)
            if why:
                found.append((line_of(doc, m.start()), why))
    if tops:
        path_rx = re.compile(r"(?<![\w/.\-~$])((?:" + "|".join(map(re.escape, tops)) + r")/"
                             + PATH_CHARS + r"*(?:/" + PATH_CHARS + r"*)*(?:#[\w\-]+)?)")
        for m in path_rx.finditer(doc):
            tok = m.group(1).rstrip(".,:-")
            if linux_context(doc, m.start()):
                continue
            why = check_target(root, tok, patterns, anchor_cache, here)
            if why:
                found.append((line_of(doc, m.start()), why))
    if rel.endswith(".md"):
        for m in LINK.finditer(doc):
            target = m.group(1)
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            dest = os.path.normpath(os.path.join(here, target.partition("#")[0]))
            if dest == ".." or dest.startswith("../"):
                continue  # already reported by the ../ rule
            anchor = target.partition("#")[2]
            why = check_target(root, dest + ("#" + anchor if anchor else ""), patterns,
                               anchor_cache)
            if why:
                found.append((line_of(doc, m.start()), why))
    return sorted(set(found))


def check_tree(root):
    """Every offence of the tree at ROOT, as 'FILE:LINE: message' lines."""
    files = list_files(root)
    tops = top_dirs(files)
    patterns = ignored_patterns(root)
    cache = {}
    out = []
    for rel in files:
        if rel == "tools/testing/check_paths.py":
            continue  # names the forbidden words to forbid them
        for line, why in check_file(root, rel, tops, patterns, cache):
            out.append(f"{rel}:{line}: {why}")
    return out


# ---- self-test ---------------------------------------------------------------------------------

SELF_TEST_TREE = {
    "kernel/mm/a.c": "",
    "arch/arm/mm/mmu.c": "",
    "include/linux/x.h": "",
    "tools/testing/shared/s.c": "",
    "docs/pipeline.md": "# Pipeline\n\n## Memblock\n\ntext\n",
}

# (file, content, expected number of offences)
SELF_TEST_CASES = [
    ("kernel/good.c", "/* kernel/mm/a.c and arch/arm/mm/ and docs/pipeline.md#memblock */\n", 0),
    ("kernel/good2.c", "/* Linux 6.1's mm/cma.c,\n * kernel/dma/contiguous.c and arch/x.c */\n", 0),
    ("kernel/good3.c", "int x; /* tools/testing/shared/s.c, build/kernel.elf */\n", 0),
    ("kernel/good4.c", 'char *s = "kernel/nothing.c"; /* arch/arm/mm/{mmu,mmu}.c */\n', 0),
    ("kernel/good5.S", "\tmov r0, r0\t@ kernel/mm/a.c\n", 0),
    ("docs/good.md", "See [the pipeline](pipeline.md#memblock) and ../kernel/mm/a.c.\n", 0),
    ("tools/good.py", '"""tools/good.py: include/linux/*.h"""\nx = "kernel/none.c"\n', 0),
    ("kernel/bad1.c", "/* kernel/mm/b.c does it */\n", 1),
    ("kernel/bad2.c", "/* Linux does X. kernel/mm/b.c does not */\n", 1),
    ("kernel/bad3.c", "/* see " + UP_SHARED + "/DESIGN.md section 5, or shared/ */\n", 3),
    ("kernel/bad4.c", "// " + FACTS + " 7.4; the seed's figure\n", 2),
    ("docs/bad5.md", "[x](design.md) and docs/pipeline.md#nothing\n", 2),
    ("tools/bad6.py", "# tools/testing/nothing/\nx = 1\n", 1),
    ("kernel/bad7.S", "\tb stext\t@ arch/arm/boot/head.S\n", 1),
    ("meson.build", "# see /work/shared/seed/000.txt or seed/\n", 2),
    ("kernel/bad8.c", "/* arch/arm/mm/{mmu,fault}.c */\n", 1),
    ("tools/good8.sh", "#!/bin/sh\n# The seed corpus is in tools/; a PRNG seed\necho '# docs/x.md'\n", 0),
    ("kernel/bad9.h", "/* keeps the older, seed's name */\n", 1),
    ("docs/bad10.md", "See [README](../../README.md).\n", 1),
]


def self_test():
    """Each made-up file alone in a fresh tree must give the expected offences."""
    failures = 0
    for k, (rel, content, want) in enumerate(SELF_TEST_CASES, 1):
        with tempfile.TemporaryDirectory() as root:
            for name, body in list(SELF_TEST_TREE.items()) + [(rel, content)]:
                os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
                with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                    f.write(body)
            with open(os.path.join(root, ".gitignore"), "w", encoding="utf-8") as f:
                f.write("/build*/\n")
            got = [l for l in check_tree(root) if l.startswith(rel + ":")]
            ok = len(got) == want
            failures += not ok
            print(f"{'ok' if ok else 'not ok'} {k} - {rel}: {want} expected, {len(got)} found"
                  + "".join(f"\n#   {l}" for l in got))
    k = len(SELF_TEST_CASES) + 1
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        usage = [main(["check_paths.py", "--nonsense"]), main(["check_paths.py", "a", "b"]),
                 main(["check_paths.py", "/nonexistent/tree"])]
    finally:
        sys.stderr = saved
    ok = usage == [2, 2, 2]
    failures += not ok
    print(f"{'ok' if ok else 'not ok'} {k} - bad arguments: exit status {usage}, 2 expected")
    print(f"1..{k}")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print("usage: check_paths.py [ROOT] | --self-test", file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(__file__), "..", "..")
    if not os.path.isdir(root):
        print(f"check_paths.py: {root}: not a directory", file=sys.stderr)
        return 2
    problems = check_tree(os.path.abspath(root))
    for p in problems:
        print(p)
    print(f"check_paths: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

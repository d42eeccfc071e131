#!/usr/bin/env python3
"""check_decls.py - "one fact, one place" for declarations: every non-static function and every
shared variable of the kernel is declared once, in a header. Lists each declaration found in a
.c file under arch/, kernel/ or lib/ - a function prototype or an `extern` at file scope or in a
function body - as FILE:LINE: text, and exits 1 if there is any. (The compiler's
-Wmissing-prototypes and -Wnested-externs catch the other half: a definition with no header
declaration in sight.)

    check_decls.py [ROOT]        default: the repository this script is in
    check_decls.py --self-test   prove that it finds what it should, and nothing else
"""
import os
import re
import sys
import tempfile

SCOPES = ("arch", "kernel", "lib")
# a prototype: a type (at least one word) then a name, a parameter list, nothing but
# attributes after it, and the ';' (a macro call such as early_param("x", f); has no type)
PROTO = re.compile(r"^(?!static\b|typedef\b|return\b)[A-Za-z_][\w\s\*]*?[\s\*]"
                   r"[A-Za-z_]\w*\s*\([^;{}=]*\)\s*(__\w+(\s*\([^;]*\))?\s*)*;$", re.S)


def strip(text):
    """The C text with comments, strings and preprocessor lines blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):
            j = i
            while True:  # a directive, with its continuation lines
                k = text.find("\n", j)
                k = n if k < 0 else k
                if k > 0 and text[k - 1] == "\\" and k < n:
                    j = k + 1
                    continue
                break
            out.append(re.sub(r"[^\n]", " ", text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_file(path, rel):
    """The offending declarations of one .c file, as 'rel:line: text' strings."""
    text = strip(open(path, encoding="utf-8", errors="replace").read())
    bad, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
            start = i + 1
        elif c == "}":
            depth -= 1
            start = i + 1
        elif c == ";":
            stmt = text[start:i + 1]
            s = " ".join(stmt.split())
            if re.match(r"extern\b", s) or (depth == 0 and PROTO.match(s)):
                line = text.count("\n", 0, start + len(stmt) - len(stmt.lstrip())) + 1
                bad.append(f"{rel}:{line}: {s[:100]}")
            start = i + 1
    return bad


def check_tree(root):
    bad = []
    for scope in SCOPES:
        for d, _, files in os.walk(os.path.join(root, scope)):
            for f in sorted(files):
                if f.endswith(".c"):
                    p = os.path.join(d, f)
                    bad += check_file(p, os.path.relpath(p, root))
    return bad


def self_test():
    good = ('#include <x.h>\n#define F(x) int x(void);\nstatic int f(void);\n'
            'early_param("mem", early_mem);\nDEFINE_PER_CPU(int, x);\nint a = f(1);\n'
            'void (*hook)(void);\nstruct s { int (*op)(int); };\n/* void f(void); */\n'
            'int main(void) { g(1); return h(2); }\nconst char *s = "int f(void);";\n')
    bad = ('void setup_arch(char **p);\nextern u32 x;\nvoid __noreturn shell_main(void);\n'
           'int f(void) {\n\textern char _end[];\n\treturn 0;\n}\n'
           'const char *get_saved(void) __attribute__((pure));\n')
    with tempfile.TemporaryDirectory() as t:
        os.makedirs(os.path.join(t, "kernel"))
        open(os.path.join(t, "kernel", "good.c"), "w").write(good)
        open(os.path.join(t, "kernel", "bad.c"), "w").write(bad)
        found = check_tree(t)
    lines = sorted(int(x.split(":")[1]) for x in found if x.startswith("kernel/bad.c"))
    others = [x for x in found if not x.startswith("kernel/bad.c")]
    ok = lines == [1, 2, 3, 5, 8] and not others
    print("ok 1 - check_decls finds exactly the 5 planted declarations" if ok else
          f"not ok 1 - check_decls found {found}")
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    root = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    bad = check_tree(root)
    for b in bad:
        print(b)
    print(f"check_decls: {len(bad)} declarations in .c files (put them in a header)"
          if bad else "check_decls: no declarations in .c files")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

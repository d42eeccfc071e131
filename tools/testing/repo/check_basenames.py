#!/usr/bin/env python3
"""check_basenames.py - no two source files (.c, .S) under arch/, kernel/ and lib/ share a base
name, so that `grep`, gdb's `break file.c:N` and an oops's file name are never ambiguous.
Prints each clash (the base name and its paths) and exits 1 if there is any.

    check_basenames.py ROOT
"""
import collections
import os
import sys


def clashes(root):
    seen = collections.defaultdict(list)
    for top in ("arch", "kernel", "lib"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".S")):
                    seen[f].append(os.path.relpath(os.path.join(d, f), root))
    return {name: sorted(paths) for name, paths in seen.items() if len(paths) > 1}


def main():
    bad = clashes(sys.argv[1])
    for name, paths in sorted(bad.items()):
        print(f"{name}: " + " ".join(paths))
    print(f"check_basenames: {len(bad)} base names used twice" if bad else
          "check_basenames: every source file's base name is unique")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

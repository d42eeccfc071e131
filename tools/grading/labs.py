"""labs.py - where the labs are: labs/lab*/ directories of a tree (labs/README.md)."""
import os
import re

LAB_DIR = re.compile(r"^lab(\d+)-[a-z0-9-]+$")


def lab_dirs(root):
    """{N: absolute path} of every labs/lab*/ directory under root."""
    base = os.path.join(root, "labs")
    found = {}
    for name in sorted(os.listdir(base)) if os.path.isdir(base) else ():
        m = LAB_DIR.match(name)
        if m and os.path.isdir(os.path.join(base, name)):
            found[int(m.group(1))] = os.path.join(base, name)
    return found


def find_lab(root, name):
    """(N, path) of lab `name` ("lab6", "6" or "lab6-buddy"); raises ValueError if unknown."""
    m = re.match(r"^(?:lab)?(\d+)(?:-[a-z0-9-]+)?$", name)
    dirs = lab_dirs(root)
    if not m or int(m.group(1)) not in dirs:
        known = ", ".join(os.path.basename(p) for p in dirs.values()) or "none"
        raise ValueError(f"no lab {name!r} (labs: {known})")
    n = int(m.group(1))
    if "-" in name and os.path.basename(dirs[n]) != name:
        raise ValueError(f"no lab {name!r} (did you mean {os.path.basename(dirs[n])}?)")
    return n, dirs[n]

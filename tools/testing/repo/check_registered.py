#!/usr/bin/env python3
"""check_registered.py - every Python test file under tools/testing (test_*.py) is named in the
meson.build of its folder, so that `tools/test` and CI run it. A merge that drops a name from a
list would otherwise retire a whole test file in silence.

    check_registered.py ROOT
"""
import os
import re
import sys


def unregistered(root):
    """[(test file, meson.build)] of test files their folder's meson.build does not name."""
    out = []
    for d, _, files in os.walk(os.path.join(root, "tools", "testing")):
        tests = sorted(f for f in files if re.fullmatch(r"test_\w+\.py", f))
        if not tests:
            continue
        build = os.path.join(d, "meson.build")
        text = open(build).read() if os.path.exists(build) else ""
        for f in tests:
            if not re.search(r"'%s(\.py)?'" % re.escape(f[:-3]), text):
                out.append((os.path.relpath(os.path.join(d, f), root),
                            os.path.relpath(build, root)))
    return out


def main():
    bad = unregistered(sys.argv[1])
    for test, build in bad:
        print(f"{test}: not named in {build}")
    print(f"check_registered: {len(bad)} test file(s) not run" if bad else
          "check_registered: every test file is registered")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

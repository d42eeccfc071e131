"""labtest.py - what the lab suite's tests share (instructor-only: tools/testing/labs/ never
reaches a student tree): copies of the reference, running tools/grade and tools/mklab, reading
their results.

    tree = copy_reference(tmp)                   # the reference's tracked files, private included
    r = grade(tree, ["lab6"], json_path)         # CompletedProcess of tools/grade in that tree
    score, best = scores(json_path)              # from results.json
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tools", "testing", "system"))
from grading import labs, markers, gradescope  # noqa: E402,F401

JOBS = "2"


def use_ccache():
    """The student trees and mutant copies are built from scratch in temporary folders: through
    ccache (tools/setup installs it) the sources they share compile once. The cross compiler is
    found on PATH (cross/arm-none-eabi.txt), so a folder put first on PATH masquerades it as
    ccache; paths under the temporary root are hashed relative, the build folder not at all."""
    ccache = shutil.which("ccache")
    gcc = shutil.which("arm-none-eabi-gcc")
    if not ccache or not gcc or os.path.realpath(gcc) == os.path.realpath(ccache):
        return
    shim = os.path.join(tempfile.gettempdir(), f"pimm-ccache-{os.getuid()}")
    os.makedirs(shim, exist_ok=True)
    link = os.path.join(shim, "arm-none-eabi-gcc")
    if not os.path.islink(link):
        try:
            os.symlink(ccache, link)
        except FileExistsError:  # another test made it meanwhile
            pass
    os.environ["PATH"] = shim + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("CCACHE_BASEDIR", os.path.realpath(tempfile.gettempdir()))
    os.environ.setdefault("CCACHE_NOHASHDIR", "true")


use_ccache()


def lab_list():
    """[(N, lab directory name)] of the reference's labs."""
    return [(n, os.path.basename(d)) for n, d in sorted(labs.lab_dirs(ROOT).items())]


def copy_reference(dest):
    """Copy every tracked file of the reference (private ones too) into dest; returns dest."""
    r = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True, check=True)
    for name in filter(None, r.stdout.decode().split("\0")):
        src = os.path.join(ROOT, name)
        if os.path.isfile(src):
            dst = os.path.join(dest, name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
    return dest


def run(cmd, cwd, timeout=900):
    """Run cmd in cwd; the CompletedProcess (text, stdout and stderr together)."""
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout)


def grade(tree, lab_names, json_path=None, extra=()):
    """tools/grade LABS in tree (-j 2), with --json when json_path is given."""
    cmd = [sys.executable, os.path.join(tree, "tools", "grade")] + list(lab_names)
    cmd += ["-j", JOBS] + (["--json", json_path] if json_path else []) + list(extra)
    return run(cmd, tree)


def scores(json_path):
    """(score, max) of a results.json; asserts it is valid Gradescope JSON first."""
    obj = gradescope.load(json_path)
    problems = gradescope.validate(obj)
    assert not problems, f"{json_path}: invalid results.json: {problems}"
    best = sum(t["max_score"] for t in obj["tests"])
    return obj["score"], best


def per_lab(json_path):
    """{lab number string ("lab6"): (score, max)} from a results.json of several labs."""
    out = {}
    for t in gradescope.load(json_path)["tests"]:
        lab = t["number"].split(".")[0]
        s, b = out.get(lab, (0, 0))
        out[lab] = (s + t["score"], b + t["max_score"])
    return out


def mutants(lab_dir_name):
    """[(path, [expected texts], description)] of a lab's private/mutants/*.patch."""
    d = os.path.join(ROOT, "labs", lab_dir_name, "private", "mutants")
    out = []
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else ():
        if name.endswith(".patch"):
            path = os.path.join(d, name)
            with open(path) as f:
                head = f.read().split("\ndiff --git", 1)[0]
            expects = [l.split(":", 1)[1].strip() for l in head.splitlines()
                       if l.startswith("Expect:")]
            desc = next((l for l in head.splitlines() if l.strip() and
                         not l.startswith("Expect:")), name)
            out.append((path, expects, desc))
    return out

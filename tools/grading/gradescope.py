"""gradescope.py - the grader's results in Gradescope's formats (labs/README.md, "Gradescope and
GitHub Classroom"): results.json, its validation against Gradescope's documented autograder
specification, and the autograder bundle (a zip with setup.sh and run_autograder).

results.json (what Gradescope reads from /autograder/results/results.json):
    {"score": 37.5, "output": "...", "visibility": "visible", "stdout_visibility": "hidden",
     "execution_time": 21,
     "tests": [{"name": "...", "number": "6.1", "score": 7.5, "max_score": 10,
                "status": "failed", "output": "...", "visibility": "visible"}, ...]}
"""
import json
import os
import stat
import zipfile

VISIBILITY = ("hidden", "after_due_date", "after_published", "visible")
FORMATS = ("text", "html", "simple_format", "md", "ansi")
NUMBER = (int, float)
# Gradescope's documented keys and their types (top level, then each test)
TOP_KEYS = {"score": NUMBER, "execution_time": NUMBER, "output": str, "output_format": str,
            "test_output_format": str, "test_name_format": str, "visibility": str,
            "stdout_visibility": str, "extra_data": dict, "tests": list, "leaderboard": list}
TEST_KEYS = {"score": NUMBER, "max_score": NUMBER, "status": str, "name": str,
             "name_format": str, "number": str, "output": str, "output_format": str,
             "tags": list, "visibility": str, "extra_data": dict}


def results(graded, seconds, summary):
    """results.json's object for graded = [(lab name, [core.Result])]."""
    tests, total = [], 0.0
    for lab, rs in graded:
        for i, r in enumerate(rs, 1):
            total += r.score
            tests.append({"name": f"{lab}: {r.test.name}", "number": f"{lab.split('-')[0]}.{i}",
                          "score": round(r.score, 4), "max_score": r.test.points,
                          "status": "passed" if r.passed else "failed",
                          "output": r.output(), "visibility": r.test.visibility})
    return {"score": round(total, 4), "execution_time": int(seconds), "output": summary,
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def _check_keys(obj, keys, where):
    problems = []
    for k, v in obj.items():
        if k not in keys:
            problems.append(f"{where}: unknown key {k!r}")
        elif not isinstance(v, keys[k]) or isinstance(v, bool):
            problems.append(f"{where}: {k!r} has type {type(v).__name__}")
    for k in ("visibility", "stdout_visibility"):
        if k in obj and obj[k] not in VISIBILITY:
            problems.append(f"{where}: {k} {obj[k]!r} is not one of {VISIBILITY}")
    for k in ("output_format", "test_output_format", "test_name_format", "name_format"):
        if k in obj and obj[k] not in FORMATS:
            problems.append(f"{where}: {k} {obj[k]!r} is not one of {FORMATS}")
    return problems


def validate(obj):
    """Problems of a results.json object against Gradescope's specification (empty: valid):
    known keys with their types, a score at the top or on every test, statuses and
    visibilities from the documented sets, test scores within 0..max_score."""
    if not isinstance(obj, dict):
        return ["results.json is not a JSON object"]
    problems = _check_keys(obj, TOP_KEYS, "results")
    tests = obj.get("tests", [])
    if "score" not in obj and not all(isinstance(t, dict) and "score" in t for t in tests):
        problems.append("results: no top-level score and a test without one")
    for i, t in enumerate(tests if isinstance(tests, list) else []):
        where = f"tests[{i}]"
        if not isinstance(t, dict):
            problems.append(f"{where}: not an object")
            continue
        problems += _check_keys(t, TEST_KEYS, where)
        if t.get("status", "passed") not in ("passed", "failed"):
            problems.append(f"{where}: status {t['status']!r}")
        if isinstance(t.get("score"), NUMBER) and isinstance(t.get("max_score"), NUMBER):
            if not 0 <= t["score"] <= t["max_score"]:
                problems.append(f"{where}: score {t['score']} outside 0..{t['max_score']}")
    return problems


RUN_AUTOGRADER = """#!/usr/bin/env bash
# run_autograder - Gradescope's entry point: grade the submitted pimm tree for {lab} with the
# instructor's grader and tests (from this bundle, never the submission's copies) and write
# $AUTOGRADER_ROOT/results/results.json. AUTOGRADER_ROOT defaults to /autograder.
set -uo pipefail
AG=${{AUTOGRADER_ROOT:-/autograder}}
mkdir -p "$AG/results"
SUB="$AG/submission"
# a submission may hold the tree itself or one folder containing it
if [ ! -f "$SUB/meson_options.txt" ]; then
  inner=$(find "$SUB" -maxdepth 3 -name meson_options.txt -printf '%h\n' | head -1)
  [ -n "$inner" ] && SUB=$inner
fi
WORK=$(mktemp -d)
cp -a "$SUB/." "$WORK/"
rm -rf "$WORK/tools/grading" "$WORK/tools/grade" "$WORK/labs" "$WORK/build" "$WORK/build-"* \
       "$WORK/grade-logs"
cp -a "$AG/source/pimm/." "$WORK/"
cd "$WORK"
python3 tools/grade {lab} --json "$AG/results/results.json" -j "${{PIMM_GRADE_JOBS:-2}}"
if [ ! -s "$AG/results/results.json" ]; then
  printf '{{"score": 0, "output": "the grader could not run: see the autograder output"}}\\n' \\
    > "$AG/results/results.json"
fi
exit 0
"""

SETUP = """#!/usr/bin/env bash
# setup.sh - Gradescope's image setup: the Debian packages pimm needs (the bundled tools/setup).
set -euo pipefail
bash /autograder/source/pimm/tools/setup
"""


def bundle(root, lab_dir, out):
    """Write the Gradescope autograder zip for the lab at lab_dir to out: setup.sh,
    run_autograder, and pimm/ = the grader (tools/grade, tools/grading, tools/testing/pimm.py
    and the system tests' helpers, tools/setup) with every lab's public tests and this lab's
    private/hidden.py (never the mutants)."""
    lab = os.path.basename(lab_dir)
    files = ["tools/grade", "tools/setup", "tools/testing/pimm.py"]
    system = os.path.join(root, "tools", "testing", "system")
    files += [os.path.join("tools", "testing", "system", n) for n in os.listdir(system)
              if n.endswith(".py")]  # helpers a lab's tests may import
    for base, _, names in os.walk(os.path.join(root, "tools", "grading")):
        files += [os.path.relpath(os.path.join(base, n), root) for n in names
                  if n.endswith(".py")]
    for base, _, names in os.walk(os.path.join(root, "labs")):
        rel = os.path.relpath(base, root)
        if "/private" in rel and rel != os.path.relpath(os.path.join(lab_dir, "private"), root):
            continue
        files += [os.path.join(rel, n) for n in names
                  if not (n.endswith(".patch") or n.endswith(".pyc"))]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN_AUTOGRADER.format(lab=lab))):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            z.writestr(info, text)
        for rel in sorted(set(files)):
            z.write(os.path.join(root, rel), os.path.join("pimm", rel))
    return out


def load(path):
    """A results.json file's object."""
    with open(path) as f:
        return json.load(f)

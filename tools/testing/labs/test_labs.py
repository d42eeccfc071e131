"""test_labs.py - the grader graded, lab by lab (issue: "The grader graded"). For each lab N:

    reference_labN     the reference scores full marks; results.json is valid Gradescope JSON
    student_tree_labN  tools/mklab labN: one commit, no solution of lab N in any git object, no
                       instructor file, no marker; it builds with -Werror and boots; it scores
                       below full marks on lab N, naming what is missing ("not implemented
                       (labN)"), and full marks on every earlier lab
    mutants_labN       every labs/lab*/private/mutants/*.patch applied to a copy of the
                       reference loses points on lab N and the report contains its Expect: texts

`python3 test_labs.py student_tree_lab6` runs one case. Instructor-only (never in a student
tree)."""
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labtest  # noqa: E402
from labtest import ROOT, markers, run  # noqa: E402
from systest import case, run as run_cases  # noqa: E402

MARKER = re.compile(r"LAB\d+ (BEGIN|TODO|END)")


def lab_dir_name(n):
    return dict(labtest.lab_list())[n]


def reference(n):
    """The reference scores full marks on lab n, with valid results.json."""
    name = lab_dir_name(n)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        r = labtest.grade(ROOT, [name], out, ["--logs", os.path.join(tmp, "logs")])
        score, best = labtest.scores(out)
        assert best > 0, f"{name}: no points to grade"
        assert score == best and r.returncode == 0, f"{name}: {score}/{best}\n{r.stdout[-4000:]}"
        print(f"# {name}: {score}/{best}")


def solutions_of(n):
    """[(path, solution text)] of lab n's regions in the reference (non-blank ones)."""
    out = []
    for path, regions in markers.all_regions(ROOT).items():
        for r in regions:
            text = "\n".join(r.solution).strip()
            if r.lab == n and text:
                out.append((path, text))
    return out


def check_tree_contents(tree, n):
    """One commit; no lab-n solution in any object, every earlier lab's solution kept; no
    private file; no marker."""
    count = run(["git", "rev-list", "--all", "--count"], tree).stdout.strip()
    assert count == "1", f"{count} commits"
    blobs = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=tree,
                           capture_output=True, check=True).stdout.decode("utf-8", "replace")
    for path, text in solutions_of(n):
        assert text not in blobs, f"lab{n}'s solution from {path} is in the student tree"
    for k in range(n):
        for path, text in solutions_of(k):
            assert text in blobs, f"lab{k}'s solution from {path} is missing from lab{n}'s tree"
    files = run(["git", "ls-files"], tree).stdout.split()
    private = [f for f in files if any(p.match(f) for p in markers.PRIVATE)]
    assert not private, f"instructor files in the student tree: {private[:5]}"
    for f in files:
        if f.endswith(markers.SOURCE_EXT):
            with open(os.path.join(tree, f), errors="replace") as fh:
                assert not MARKER.search(fh.read()), f"a LAB marker left in {f}"
    assert os.path.exists(os.path.join(tree, ".github", "classroom", "autograding.json"))


def student_tree(n):
    """The student tree of lab n: contents, build, boot, below full marks on lab n naming the
    missing pieces, full marks on the lab before it. (Every earlier lab's solution is in the
    tree's sources, which check_tree_contents verifies; grading them all again in every tree
    would cost a boot per lab, quadratic in the number of labs.)"""
    name = lab_dir_name(n)
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, name)
        r = run([sys.executable, os.path.join(ROOT, "tools", "mklab"), name, tree], ROOT)
        assert r.returncode == 0, r.stdout
        check_tree_contents(tree, n)
        earlier = [lab_dir_name(k) for k, _ in labtest.lab_list() if k == n - 1]
        out = os.path.join(tmp, "results.json")
        r = labtest.grade(tree, [name] + earlier, out)
        assert "does not build" not in r.stdout, r.stdout[-4000:]
        labtest.scores(out)
        got = labtest.per_lab(out)
        score, best = got[f"lab{n}"]
        assert score < best, f"{name}'s student tree scores full marks {score}/{best}"
        assert f"not implemented (lab{n})" in r.stdout, \
            f"the grader's report does not say what is missing:\n{r.stdout[-3000:]}"
        for k in earlier:
            s, b = got[k.split("-")[0]]
            assert s == b, f"{name}'s tree loses points on {k}: {s}/{b}\n{r.stdout[-4000:]}"
        logs = glob.glob(os.path.join(tree, "grade-logs", name, "*.log"))
        assert any("pimm> " in open(p, errors="replace").read() for p in logs), "never booted"
        print(f"# {name} student tree: {score}/{best} on {name}, "
              f"{earlier[0] if earlier else 'no earlier lab'} full")


def mutants(n):
    """Every mutant of lab n loses points and is named in the report."""
    name = lab_dir_name(n)
    found = labtest.mutants(name)
    assert len(found) >= 3, f"{name}: {len(found)} mutants (at least 3 wanted)"
    with tempfile.TemporaryDirectory() as tmp:
        tree = labtest.copy_reference(os.path.join(tmp, "ref"))
        for path, expects, desc in found:
            patch = os.path.basename(path)
            r = run(["git", "apply", path], tree)
            assert r.returncode == 0, f"{patch} does not apply: {r.stdout}"
            try:
                out = os.path.join(tmp, "results.json")
                g = labtest.grade(tree, [name], out)
                score, best = labtest.scores(out)
                assert score < best, f"{patch} ({desc}) keeps full marks\n{g.stdout[-3000:]}"
                for e in expects:
                    assert e in g.stdout, f"{patch}: the report does not name {e!r}\n" \
                                          f"{g.stdout[-3000:]}"
                print(f"# {patch}: {score}/{best} ({desc})")
            finally:
                r = run(["git", "apply", "-R", path], tree)
                assert r.returncode == 0, f"{patch} does not revert: {r.stdout}"


@case
def gradescope_bundle_grades_submissions():
    """tools/grade --bundle: a zip with executable setup.sh and run_autograder and no mutant;
    run_autograder in an /autograder layout (AUTOGRADER_ROOT) grades a submitted tree with the
    bundle's grader: the reference gets full marks, a student tree less, both valid JSON.
    Lab 6 (the buddy allocator) when it exists: the course's example, and quick to grade."""
    n, name = dict(labtest.lab_list()).get(6) and (6, lab_dir_name(6)) or labtest.lab_list()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        zpath = os.path.join(tmp, "autograder.zip")
        r = run([sys.executable, "tools/grade", name, "--bundle", zpath], ROOT)
        assert r.returncode == 0, r.stdout
        import zipfile
        with zipfile.ZipFile(zpath) as z:
            names = z.namelist()
            modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
            z.extractall(os.path.join(tmp, "ag", "source"))
        assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111, modes
        assert not [f for f in names if f.endswith(".patch")], "mutants in the bundle"
        for what, make in (("reference", lambda d: labtest.copy_reference(d)),
                           ("student", lambda d: run([sys.executable, "tools/mklab", name, d],
                                                     ROOT))):
            sub = os.path.join(tmp, "ag", "submission")
            subprocess.run(["rm", "-rf", sub, os.path.join(tmp, "ag", "results")], check=True)
            make(sub)
            env = dict(os.environ, AUTOGRADER_ROOT=os.path.join(tmp, "ag"))
            g = subprocess.run(["bash", os.path.join(tmp, "ag", "source", "run_autograder")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=900)
            score, best = labtest.scores(os.path.join(tmp, "ag", "results", "results.json"))
            assert (score == best) == (what == "reference"), f"{what}: {score}/{best}\n{g.stdout[-3000:]}"
            print(f"# bundle on the {what} tree: {score}/{best}")


@case
def handouts_have_every_part_and_the_grading_table():
    """Each labs/lab*/README.md: the parts a handout needs, and a grading table naming
    every test of grade.py (and private/hidden.py) with its points."""
    from grading import core
    parts = (("background",), ("tour", "files"), ("exercise",), ("try",), ("question",),
             ("debug",), ("grading",))
    for n, name in labtest.lab_list():
        d = os.path.join(ROOT, "labs", name)
        text = open(os.path.join(d, "README.md")).read()
        heads = " ".join(re.findall(r"^#+ (.*)$", text, re.M)).lower()
        missing = [p[0] for p in parts if not any(word in heads for word in p)]
        assert not missing, f"{name}/README.md has no section about {missing}"
        table = re.split(r"^#+ .*[Gg]rading.*$", text, flags=re.M)[-1]
        for t in core.load_tests(d):
            row = [l for l in table.splitlines() if l.startswith("|") and f"`{t.key}`" in l]
            assert row, f"{name}/README.md: no grading-table row for `{t.key}`"
            assert re.search(rf"\|\s*{t.points:g}\s*\|", row[0]), \
                f"{name}/README.md: `{t.key}` is worth {t.points:g}, the table says {row[0]}"


for _n, _name in labtest.lab_list():
    for _kind, _fn in (("reference", reference), ("student_tree", student_tree),
                       ("mutants", mutants)):
        def _case(n=_n, fn=_fn):
            fn(n)
        _case.__name__ = f"{_kind}_lab{_n}"
        case(_case)

if __name__ == "__main__":
    run_cases()

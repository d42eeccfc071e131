"""grading - pimm's lab grader (tools/grade) and student-tree cutter (tools/mklab).

A lab's tests (labs/lab*/grade.py) use only what is exported here:

    from grading import test
    @test("__free_one_page merges a freed block with its buddy", points=10)
    def merge(t):
        m = t.boot()
        t.check(ok, "what is checked", expected=..., got=...)
"""
from grading.core import test, TestContext, GradeError  # noqa: F401

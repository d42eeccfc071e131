from grading import test

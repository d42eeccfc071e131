/*
 * cmocka.c - the qemu-arm stand-in for cmocka (cmocka.h): runs each test under setjmp, a
 * failed assertion prints "# file:line: message" and longjmps back; TAP on stdout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmocka.h"

static jmp_buf test_env;

void cmocka_set_message_output(int output)
{
	(void)output; /* always TAP */
}

void print_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void _fail_msg(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: error: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	longjmp(test_env, 1);
}

void _assert_int_equal(unsigned long long a, unsigned long long b, const char *what,
		       const char *file, int line)
{
	if (a != b)
		_fail_msg(file, line, "%s: 0x%llx != 0x%llx (%llu != %llu)", what, a, b, a, b);
}

void _assert_int_not_equal(unsigned long long a, unsigned long long b, const char *what,
			   const char *file, int line)
{
	if (a == b)
		_fail_msg(file, line, "%s: both 0x%llx", what, a);
}

void _assert_string_equal(const char *a, const char *b, const char *file, int line)
{
	if (strcmp(a, b))
		_fail_msg(file, line, "\"%s\" != \"%s\"", a, b);
}

int _cmocka_run_group_tests(const struct CMUnitTest *tests, size_t n, CMFixtureFunction setup,
			    CMFixtureFunction teardown)
{
	void *state = NULL;
	volatile int failed = 0;

	printf("1..%u\n", (unsigned int)n);
	if (setup && setup(&state)) {
		printf("# group setup failed\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		void *tstate = tests[i].initial_state;
		volatile bool ok = false;

		if (setjmp(test_env) == 0) {
			if (!tests[i].setup_func || tests[i].setup_func(&tstate) == 0) {
				tests[i].test_func(&tstate);
				ok = true;
			}
		}
		if (tests[i].teardown_func)
			tests[i].teardown_func(&tstate);
		printf("%sok %u - %s\n", ok ? "" : "not ", (unsigned int)i + 1, tests[i].name);
		failed += !ok;
	}
	if (teardown)
		teardown(&state);
	return failed;
}

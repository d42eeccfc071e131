/*
 * cmocka.h - the subset of cmocka's API the host suites use, for their qemu-arm builds
 * (arm-none-eabi has no cmocka): unit tests run in order, a failed assertion longjmps out of
 * the test, results are printed as TAP as `cmocka_set_message_output(CM_OUTPUT_TAP)` does.
 * Implemented in cmocka.c; the host builds use the real library.
 */
#ifndef PIMM_ARM_CMOCKA_H
#define PIMM_ARM_CMOCKA_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
	const char *name;
	CMUnitTestFunction test_func;
	CMFixtureFunction setup_func;
	CMFixtureFunction teardown_func;
	void *initial_state;
};

#define CM_OUTPUT_TAP 1
#define cmocka_unit_test(f) {#f, f, NULL, NULL, NULL}
#define cmocka_unit_test_setup(f, s) {#f, f, s, NULL, NULL}
#define cmocka_run_group_tests(tests, setup, teardown)                                             \
	_cmocka_run_group_tests(tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

void cmocka_set_message_output(int output);
int _cmocka_run_group_tests(const struct CMUnitTest *tests, size_t n, CMFixtureFunction setup,
			    CMFixtureFunction teardown);

/* Record the failure (printf-style message) and leave the running test. */
void _fail_msg(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
void print_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void _assert_int_equal(unsigned long long a, unsigned long long b, const char *what,
		       const char *file, int line);
void _assert_int_not_equal(unsigned long long a, unsigned long long b, const char *what,
			   const char *file, int line);
void _assert_string_equal(const char *a, const char *b, const char *file, int line);

#define fail_msg(...) _fail_msg(__FILE__, __LINE__, __VA_ARGS__)
#define fail() _fail_msg(__FILE__, __LINE__, "fail()")
#define assert_true(c)                                                                             \
	do {                                                                                       \
		if (!(c))                                                                          \
			_fail_msg(__FILE__, __LINE__, "%s", #c);                                   \
	} while (0)
#define assert_false(c) assert_true(!(c))
#define assert_null(p) assert_true((p) == NULL)
#define assert_non_null(p) assert_true((p) != NULL)
#define assert_int_equal(a, b)                                                                     \
	_assert_int_equal((unsigned long long)(a), (unsigned long long)(b), #a " == " #b,          \
			  __FILE__, __LINE__)
#define assert_int_not_equal(a, b)                                                                 \
	_assert_int_not_equal((unsigned long long)(a), (unsigned long long)(b), #a " != " #b,      \
			      __FILE__, __LINE__)
#define assert_ptr_equal(a, b)                                                                     \
	_assert_int_equal((unsigned long)(a), (unsigned long)(b), #a " == " #b, __FILE__, __LINE__)
#define assert_ptr_not_equal(a, b)                                                                 \
	_assert_int_not_equal((unsigned long)(a), (unsigned long)(b), #a " != " #b, __FILE__,     \
			      __LINE__)
#define assert_string_equal(a, b) _assert_string_equal(a, b, __FILE__, __LINE__)

#endif

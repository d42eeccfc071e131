/*
 * test_cmdline.c - host unit tests of lib/cmdline.c: Linux's next_arg and parse_option_str
 * on boot command lines, and the shell's cmdline_split.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pimm/cmdline.h>

/* Split @line with next_arg into "param|value" (or "param|(null)") items joined by ';'. */
static void split_args(const char *line, char *out, size_t outlen)
{
	char buf[256], *args = buf, *param, *val;

	strcpy(buf, line);
	out[0] = '\0';
	args = skip_spaces(args);
	while (*args) {
		size_t n = strlen(out);

		args = next_arg(args, &param, &val);
		snprintf(out + n, outlen - n, "%s|%s;", param, val ? val : "(null)");
	}
}

static void test_next_arg(void **state)
{
	static const char *const cases[][2] = {
	    {"console=ttyAMA0,115200 earlycon", "console|ttyAMA0,115200;earlycon|(null);"},
	    {"  a=1   b=2  ", "a|1;b|2;"},
	    {"a=\"x y\" b", "a|x y;b|(null);"},
	    {"\"a=x y\" b", "a|x y;b|(null);"},
	    {"\"quiet\"", "quiet|(null);"},
	    {"a=\"x y", "a|x y;"}, /* unterminated: runs to the end */
	    {"a=b=c", "a|b=c;"},   /* first '=' splits */
	    {"=x", "=x|(null);"},  /* '=' first does not start a value */
	    {"a=", "a|;"},
	    {"a=\"\"", "a|;"},
	    {"a\tb\nc", "a|(null);b|(null);c|(null);"},
	    {"a=x\"y z\"", "a|x\"y z\";"}, /* inner quotes kept, they group */
	    {"mem=64M@0x0 memblock=debug", "mem|64M@0x0;memblock|debug;"},
	    {"", ""},
	};
	char out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		split_args(cases[i][0], out, sizeof(out));
		if (strcmp(out, cases[i][1]))
			fail_msg("next_arg(\"%s\") gave \"%s\", want \"%s\"", cases[i][0], out,
				 cases[i][1]);
	}
}

static void test_next_arg_rest(void **state)
{
	char buf[] = "  first=1   second";
	char *param, *val, *rest;

	(void)state;
	rest = next_arg(buf, &param, &val);
	assert_string_equal(param, "first");
	assert_string_equal(val, "1");
	assert_string_equal(rest, "second");
	rest = next_arg(rest, &param, &val);
	assert_string_equal(param, "second");
	assert_null(val);
	assert_string_equal(rest, "");
	assert_string_equal(skip_spaces(" \t\n x"), "x");
}

/* Split a copy of @line, return argc and the words joined with '|'. */
static int split(const char *line, int max, char *out)
{
	char buf[256], *argv[16];
	int argc, i;

	strcpy(buf, line);
	memset(argv, 0x5a, sizeof(argv));
	argc = cmdline_split(buf, argv, max);
	out[0] = '\0';
	for (i = 0; i < argc; i++) {
		strcat(out, argv[i]);
		strcat(out, "|");
	}
	if (argc >= 0 && argc < max)
		assert_null(argv[argc]);
	return argc;
}

static void test_cmdline_split(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(split("peek 0x8000 4", 8, out), 3);
	assert_string_equal(out, "peek|0x8000|4|");
	assert_int_equal(split("   ", 8, out), 0);
	assert_int_equal(split("", 8, out), 0);
	assert_int_equal(split("\t a \t b\t", 8, out), 2);
	assert_string_equal(out, "a|b|");
	assert_int_equal(split("echo \"hello world\" x", 8, out), 3);
	assert_string_equal(out, "echo|hello world|x|");
	assert_int_equal(split("a\"b c\"d e", 8, out), 2);
	assert_string_equal(out, "ab cd|e|");
	assert_int_equal(split("\"\" x", 8, out), 2);
	assert_string_equal(out, "|x|");
	assert_int_equal(split("a b c d", 4, out), 4);
	assert_string_equal(out, "a|b|c|d|");
	assert_int_equal(split("a b c d e", 4, out), -E2BIG);
	assert_int_equal(split("a b c d ", 4, out), 4); /* trailing blank is not a word */
	assert_int_equal(split("x", 0, out), -E2BIG);
	assert_int_equal(split("echo \"oops", 8, out), -EINVAL);
	assert_int_equal(split("\"", 8, out), -EINVAL);
}

static void test_parse_option_str(void **state)
{
	(void)state;
	assert_true(parse_option_str("debug", "debug"));
	assert_true(parse_option_str("foo,debug", "debug"));
	assert_true(parse_option_str("debug,foo", "debug"));
	assert_true(parse_option_str("a,,debug", "debug"));
	assert_false(parse_option_str("debugx", "debug"));
	assert_false(parse_option_str("xdebug", "debug"));
	assert_false(parse_option_str("deb", "debug"));
	assert_false(parse_option_str("", "debug"));
	assert_false(parse_option_str("foo,bar", "debug"));
	assert_false(parse_option_str(
	    "foo,", "")); /* Linux: the empty item after the last comma is not seen */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_arg),
	    cmocka_unit_test(test_next_arg_rest),
	    cmocka_unit_test(test_cmdline_split),
	    cmocka_unit_test(test_parse_option_str),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}

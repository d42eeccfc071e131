/*
 * test_parse.c - host unit tests of lib/parse.c: parse_u64/parse_u32 (the shell's numbers)
 * and Linux's memparse/simple_strtoull/kstrto* semantics.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pimm/parse.h>

struct u64_case {
	const char *s;
	int ret;
	u64 val;
};

static const struct u64_case u64_cases[] = {
    {"0", 0, 0},
    {"1", 0, 1},
    {"007", 0, 7}, /* decimal, not octal */
    {"4096", 0, 4096},
    {"0x1000", 0, 0x1000},
    {"0X1f", 0, 0x1f},
    {"0xdeadBEEF", 0, 0xdeadbeef},
    {"4K", 0, 4096},
    {"4k", 0, 4096},
    {"16M", 0, 16ull << 20},
    {"2g", 0, 2ull << 30},
    {"0x10M", 0, 16ull << 20},
    {"0K", 0, 0},
    {"18446744073709551615", 0, UINT64_MAX},
    {"0xffffffffffffffff", 0, UINT64_MAX},
    {"0x00000000000000000000001", 0, 1}, /* leading zeros never overflow */
    {"17179869183G", 0, 17179869183ull << 30},
    {"18446744073709551616", -ERANGE, 0},
    {"0x10000000000000000", -ERANGE, 0},
    {"17179869184G", -ERANGE, 0}, /* 16E: overflow through the suffix */
    {"18014398509481984K", -ERANGE, 0},
    {"99999999999999999999999999M", -ERANGE, 0},
    {"", -EINVAL, 0},
    {"K", -EINVAL, 0},
    {"0x", -EINVAL, 0},
    {"0xK", -EINVAL, 0},
    {"x10", -EINVAL, 0},
    {"-1", -EINVAL, 0},
    {"+1", -EINVAL, 0},
    {" 1", -EINVAL, 0},
    {"1 ", -EINVAL, 0},
    {"1\n", -EINVAL, 0},
    {"12a", -EINVAL, 0},
    {"0x12h", -EINVAL, 0},
    {"0x12g", 0, 0x12ull << 30}, /* g is the suffix, not a digit */
    {"4KB", -EINVAL, 0},
    {"4KK", -EINVAL, 0},
    {"1T", -EINVAL, 0}, /* only K/M/G in the shell syntax */
    {"0x1.5", -EINVAL, 0},
    {"99999999999999999999999x", -EINVAL, 0}, /* garbage wins over overflow */
};

static void test_parse_u64(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(u64_cases) / sizeof(u64_cases[0]); i++) {
		const struct u64_case *c = &u64_cases[i];
		u64 v = 0x5a5a5a5a5a5a5a5aull;
		int ret = parse_u64(c->s, &v);

		if (ret != c->ret)
			fail_msg("parse_u64(\"%s\") returned %d, want %d", c->s, ret, c->ret);
		if (v != (c->ret ? 0x5a5a5a5a5a5a5a5aull : c->val)) /* untouched on error */
			fail_msg("parse_u64(\"%s\") gave %llu", c->s, (unsigned long long)v);
	}
	assert_int_equal(parse_u64(NULL, NULL), -EINVAL);
}

static void test_parse_u32(void **state)
{
	u32 v = 7;

	(void)state;
	assert_int_equal(parse_u32("0xffffffff", &v), 0);
	assert_true(v == 0xffffffffu);
	assert_int_equal(parse_u32("4294967295", &v), 0);
	assert_true(v == 0xffffffffu);
	assert_int_equal(parse_u32("3G", &v), 0);
	assert_true(v == 3u << 30);
	assert_int_equal(parse_u32("4194303K", &v), 0);
	assert_true(v == 4194303u << 10);
	v = 7;
	assert_int_equal(parse_u32("4294967296", &v), -ERANGE);
	assert_int_equal(parse_u32("0x100000000", &v), -ERANGE);
	assert_int_equal(parse_u32("4G", &v), -ERANGE);
	assert_int_equal(parse_u32("4194304K", &v), -ERANGE);
	assert_int_equal(parse_u32("18446744073709551616", &v), -ERANGE);
	assert_int_equal(parse_u32("", &v), -EINVAL);
	assert_int_equal(parse_u32("0x", &v), -EINVAL);
	assert_int_equal(parse_u32("M", &v), -EINVAL);
	assert_int_equal(parse_u32("-0", &v), -EINVAL);
	assert_true(v == 7);
	assert_int_equal(parse_u32("0", &v), 0);
	assert_true(v == 0);
}

static void test_memparse(void **state)
{
	char *end;

	(void)state;
	assert_true(memparse("16M", &end) == 16ull << 20);
	assert_string_equal(end, "");
	assert_true(memparse("64m@0x10000000", &end) == 64ull << 20);
	assert_string_equal(end, "@0x10000000");
	assert_true(memparse("0x1000", &end) == 0x1000);
	assert_true(memparse("010", &end) == 8); /* octal, as Linux */
	assert_true(memparse("1k", &end) == 1024);
	assert_true(memparse("1G", &end) == 1ull << 30);
	assert_true(memparse("1T", &end) == 1ull << 40);
	assert_true(memparse("1p", &end) == 1ull << 50);
	assert_true(memparse("2E", &end) == 2ull << 60);
	assert_string_equal(end, "");
	assert_true(memparse("0xE", &end) == 0xe); /* E is a hex digit there */
	assert_string_equal(end, "");
	assert_true(memparse("12KB", &end) == 12 << 10);
	assert_string_equal(end, "B");
	assert_true(memparse("abc", &end) == 0);
	assert_string_equal(end, "abc");
	assert_true(memparse("0x", &end) == 0); /* "0" in octal, x left over */
	assert_string_equal(end, "x");
	assert_true(memparse("0xg", &end) == 0);
	assert_string_equal(end, "xg");
	assert_true(memparse("-1", &end) == 0);
	assert_string_equal(end, "-1");
	assert_true(memparse("4096", NULL) == 4096);
}

static void test_simple_strtoull(void **state)
{
	char *end;

	(void)state;
	assert_true(simple_strtoull("0x1fZ", &end, 0) == 0x1f);
	assert_string_equal(end, "Z");
	assert_true(simple_strtoull("0x1f", &end, 16) == 0x1f);
	assert_true(simple_strtoull("1f", &end, 16) == 0x1f);
	assert_true(simple_strtoull("777", &end, 8) == 0777);
	assert_true(simple_strtoull("789", &end, 8) == 07);
	assert_string_equal(end, "89");
	assert_true(simple_strtoull("42", &end, 10) == 42);
	assert_true(simple_strtoull("101", &end, 2) == 5);
	assert_true(simple_strtoull("18446744073709551616", &end, 10) == 0); /* wraps */
	assert_string_equal(end, "");
}

static void test_kstrtoull(void **state)
{
	unsigned long long v = 99;

	(void)state;
	assert_int_equal(kstrtoull("123", 10, &v), 0);
	assert_true(v == 123);
	assert_int_equal(kstrtoull("123\n", 10, &v), 0);
	assert_int_equal(kstrtoull("+123", 10, &v), 0);
	assert_true(v == 123);
	assert_int_equal(kstrtoull("0x1F", 0, &v), 0);
	assert_true(v == 0x1f);
	assert_int_equal(kstrtoull("0x1F", 16, &v), 0);
	assert_int_equal(kstrtoull("1F", 16, &v), 0);
	assert_int_equal(kstrtoull("017", 0, &v), 0);
	assert_true(v == 017);
	assert_int_equal(kstrtoull("0", 0, &v), 0);
	assert_true(v == 0);
	assert_int_equal(kstrtoull("18446744073709551615", 10, &v), 0);
	assert_true(v == ULLONG_MAX);
	v = 99;
	assert_int_equal(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	assert_int_equal(kstrtoull("0x10000000000000000", 0, &v), -ERANGE);
	assert_int_equal(kstrtoull("", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("\n", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("123\n\n", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("12 ", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull(" 12", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("-1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("0x", 16, &v), -EINVAL);
	assert_int_equal(kstrtoull("0x", 0, &v), -EINVAL);
	assert_int_equal(kstrtoull("08", 0, &v), -EINVAL);
	assert_int_equal(kstrtoull("1K", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("12", 37, &v), -EINVAL);
	assert_true(v == 99);
}

static void test_kstrto_small(void **state)
{
	unsigned int u = 5;
	int i = 5;
	u32 u32v = 5;
	long long ll = 5;
	unsigned long ul = 5;

	(void)state;
	assert_int_equal(kstrtouint("4294967295", 10, &u), 0);
	assert_true(u == UINT_MAX);
	assert_int_equal(kstrtouint("4294967296", 10, &u), -ERANGE);
	assert_int_equal(kstrtouint("-1", 10, &u), -EINVAL);
	assert_int_equal(kstrtou32("0xffffffff", 16, &u32v), 0);
	assert_true(u32v == 0xffffffffu);
	assert_int_equal(kstrtou32("0x100000000", 0, &u32v), -ERANGE);
	assert_int_equal(kstrtoint("-2147483648", 10, &i), 0);
	assert_int_equal(i, INT_MIN);
	assert_int_equal(kstrtoint("2147483647\n", 10, &i), 0);
	assert_int_equal(i, INT_MAX);
	assert_int_equal(kstrtoint("2147483648", 10, &i), -ERANGE);
	assert_int_equal(kstrtoint("-2147483649", 10, &i), -ERANGE);
	assert_int_equal(kstrtoint("+7", 10, &i), 0);
	assert_int_equal(i, 7);
	assert_int_equal(kstrtoint("-0x10", 0, &i), 0);
	assert_int_equal(i, -16);
	assert_int_equal(kstrtoint("--1", 10, &i), -EINVAL);
	assert_int_equal(kstrtoint("-+1", 10, &i), -EINVAL);
	assert_int_equal(kstrtoint("-", 10, &i), -EINVAL);
	assert_int_equal(kstrtoll("-9223372036854775808", 10, &ll), 0);
	assert_true(ll == LLONG_MIN);
	assert_int_equal(kstrtoll("9223372036854775808", 10, &ll), -ERANGE);
	assert_int_equal(kstrtoll("-9223372036854775809", 10, &ll), -ERANGE);
	assert_int_equal(kstrtoll("-0", 10, &ll), 0);
	assert_true(ll == 0);
	assert_int_equal(kstrtoul("42", 10, &ul), 0);
	assert_true(ul == 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_u64), cmocka_unit_test(test_parse_u32),
	    cmocka_unit_test(test_memparse),  cmocka_unit_test(test_simple_strtoull),
	    cmocka_unit_test(test_kstrtoull), cmocka_unit_test(test_kstrto_small),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}

/*
 * test_hexdump.c - host unit tests of lib/hexdump.c (one line of the shell's `peek`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pimm/hexdump.h>

static void test_hex_dump_line(void **state)
{
	const u32 words[6] = {0xe59ff018, 0x1, 0xdeadbeef, 0, 0x11111111, 0x22222222};
	char buf[80];

	(void)state;
	assert_int_equal(hex_dump_line(buf, sizeof(buf), 0x8000, words, 4), 47);
	assert_string_equal(buf, "0x00008000: e59ff018 00000001 deadbeef 00000000");
	assert_int_equal(hex_dump_line(buf, sizeof(buf), 0x80008010, words, 2), 29);
	assert_string_equal(buf, "0x80008010: e59ff018 00000001");
	assert_int_equal(hex_dump_line(buf, sizeof(buf), 0, words, 6), 47); /* at most 4 */
	assert_int_equal(hex_dump_line(buf, sizeof(buf), 0xfffffffc, words, 0), 11);
	assert_string_equal(buf, "0xfffffffc:");
	/* truncation: NUL-terminated, returns the full length */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(hex_dump_line(buf, 16, 0x8000, words, 4), 47);
	assert_string_equal(buf, "0x00008000: e59");
	assert_int_equal(buf[16], 'X');
	assert_int_equal(hex_dump_line(NULL, 0, 0x8000, words, 1), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hex_dump_line),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("hexdump", tests, NULL, NULL);
}

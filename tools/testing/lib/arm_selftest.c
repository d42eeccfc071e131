/*
 * arm_selftest.c - lib/ checked on the target's ABI: built with arm-none-eabi-gcc and newlib's
 * semihosting library (rdimon), run under qemu-arm (Debian qemu-user) when it is installed.
 * The host tests cover the logic; this one catches what only the ARM build can get wrong:
 * 32-bit long, u32 = unsigned long, 8-byte aligned 64-bit varargs, -mno-unaligned-access.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pimm/cmdline.h>
#include <pimm/fdt.h>
#include <pimm/hexdump.h>
#include <pimm/parse.h>
#include <pimm/vsprintf.h>

static int failures;

/* kvsnprintf without format checking, for Linux-only conversions. */
static void check(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want)) {
		printf("FAIL \"%s\": got \"%s\", want \"%s\"\n", fmt, buf, want);
		failures++;
	}
}

/* Report a failed condition. */
static void expect(int cond, const char *what)
{
	if (!cond) {
		printf("FAIL %s\n", what);
		failures++;
	}
}

/* The smallest valid blob: an empty root (dtc output for minimal.dts). */
static const unsigned char minimal_dtb[72] = {
    0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 72, 0, 0, 0, 56, 0, 0, 0, 72, 0, 0, 0, 40, 0, 0, 0, 17,
    0,	  0,	0,    16,   0, 0, 0, 0,	 0, 0, 0, 0,  0, 0, 0, 16, 0, 0, 0, 0,	0, 0, 0, 0,
    0,	  0,	0,    0,    0, 0, 0, 0,	 0, 0, 0, 1,  0, 0, 0, 0,  0, 0, 0, 2,	0, 0, 0, 9,
};

int main(void)
{
	static unsigned char blob[80] __attribute__((aligned(8)));
	phys_addr_t pa = 0x3c000000;
	u32 words[2] = {1, 0xdeadbeef}, w;
	char line[80];
	u64 v;

	check("0x0000000000000000", "%#018Lx", 0ull);
	check("0x123456789abcdef0", "%#llx", 0x123456789abcdef0ull);
	check("-9223372036854775808|18446744073709551615", "%lld|%llu",
	      (long long)(-9223372036854775807LL - 1), ~0ull);
	check("4294967295|-1|ffffffff", "%lu|%ld|%lx", 0xfffffffful, -1L, 0xfffffffful);
	check("1 2 3 4", "%d %lld %d %llu", 1, 2ll, 3, 4ull);
	check("0x3c000000", "%pa", &pa);
	check("00008000|0x0|4294967295", "%p|%#x|%zu", (void *)0x8000, 0u, (size_t)0xffffffff);
	expect(parse_u64("17179869184G", &v) == -ERANGE, "parse_u64 16E");
	expect(parse_u32("4G", &w) == -ERANGE, "parse_u32 4G");
	expect(parse_u32("0xffffffff", &w) == 0 && w == 0xffffffffu, "parse_u32 max");
	expect(kstrtou32("4294967295", 10, &w) == 0 && w == 0xffffffffu, "kstrtou32 max");
	expect(memparse("2E", NULL) == 2ull << 60, "memparse 2E");
	expect(parse_option_str("a,debug", "debug"), "parse_option_str");
	hex_dump_line(line, sizeof(line), 0x80008000ul, words, 2);
	expect(!strcmp(line, "0x80008000: 00000001 deadbeef"), "hex_dump_line");
	memcpy(blob + 1, minimal_dtb, sizeof(minimal_dtb)); /* an odd address */
	expect(dt_check_full(blob + 1, sizeof(minimal_dtb)) == 0, "dt_check_full, unaligned");
	expect(dt_path_offset(blob + 1, "/") == 0, "dt_path_offset /");
	printf("%s: lib on ARM, %d failures\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}

/*
 * test_vsprintf.c - host unit tests of lib/vsprintf.c. Where Linux's printf agrees with
 * ISO C the output is compared with glibc's snprintf; where Linux differs (%#x of 0, %Lx,
 * %.0d of 0, %p extensions, NULL strings, negative precision, unsupported conversions) the
 * expected text is Linux's, written out.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>
#include <pimm/vsprintf.h>

/* A kallsyms stand-in: %pS goes through it; %ps keeps lib's weak default. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	if (addr == 0x80008124)
		return ksnprintf(buf, size, "start_kernel+0x24/0x3a0");
	return ksnprintf(buf, size, "0x%08lx", addr);
}

/* ksnprintf without the format attribute, for formats gcc would rightly reject. */
static int fmt_raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Output and return value must equal glibc's for the same arguments. */
#define SAME(fmt, ...)                                                                             \
	do {                                                                                       \
		char _want[256], _got[256];                                                        \
		int _nw = snprintf(_want, sizeof(_want), fmt, __VA_ARGS__);                        \
		int _ng = ksnprintf(_got, sizeof(_got), fmt, __VA_ARGS__);                         \
		if (strcmp(_want, _got) || _nw != _ng)                                             \
			fail_msg("%s: got \"%s\" (%d), glibc \"%s\" (%d)", fmt, _got, _ng, _want,  \
				 _nw);                                                             \
	} while (0)

/* Output must be @want (Linux's text) and the return value its length. */
#define LINUX(want, fmt, ...)                                                                      \
	do {                                                                                       \
		char _got[256];                                                                    \
		int _ng = fmt_raw(_got, sizeof(_got), fmt, __VA_ARGS__);                           \
		if (strcmp(want, _got) || _ng != (int)strlen(want))                                \
			fail_msg("%s: got \"%s\" (%d), want \"%s\"", fmt, _got, _ng, want);        \
	} while (0)

static void test_integers_like_c(void **state)
{
	(void)state;
	SAME("%d|%d|%d|%d", 0, -1, INT_MIN, INT_MAX);
	SAME("%i|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, -42, 5, 5);
	SAME("%.3d|%8.3d|%-8.3d|%+.3d|%3d", 7, -7, 7, 7, 12345);
	SAME("%u|%lu|%llu|%lld|%lld", UINT_MAX, ULONG_MAX, ULLONG_MAX, LLONG_MIN, LLONG_MAX);
	SAME("%hhd|%hhu|%hd|%hu|%hhx", 300, -1, 70000, -1, 0x1ff);
	SAME("%zu|%zd|%zx|%td|%jd|%ju", SIZE_MAX, (ssize_t)-5, (size_t)0xabc, (ptrdiff_t)-3,
	     (intmax_t)INTMAX_MIN, (uintmax_t)UINTMAX_MAX);
	SAME("%x|%X|%08x|%#x|%#X|%#10x|%#-10x|%#010x", 0xdeadbeef, 0xdeadbeef, 0xbeef, 255, 255,
	     255, 255, 255);
	SAME("%lx|%llx|%#llx|%016llx", 0xfffffffful, 0x123456789abcdefull, 1ull << 63, 42ull);
	SAME("%o|%#o|%#o|%lo|%llo", 8, 8, 0, 0777ul, ULLONG_MAX);
	SAME("%*d|%-*d|%*d|%.*d", 5, 42, 5, 42, -5, 42, 3, 7);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("%-08d|%+08d|% 08d|%08x|%+ d", 3, 3, 3, 0xab, 5); /* flags gcc calls redundant */
#pragma GCC diagnostic pop
}

static void test_strings_chars(void **state)
{
	(void)state;
	SAME("%s|%10s|%-10s|%.3s|%10.3s|%.0s|%-3.1s|", "hello", "hi", "hi", "hello", "hello", "x",
	     "abc");
	SAME("%.*s|%*s|", 2, "abc", -4, "ab");
	SAME("%c|%5c|%-5c|%c", 'A', 'b', 'c', 0xff);
	SAME("%%|100%%|%d%%", 50);
	SAME("%s", "");
	SAME("plain text, no conversions%s", "");
	LINUX("(null)|    (null)|(nu", "%s|%10s|%.3s", (char *)NULL, (char *)NULL, (char *)NULL);
	LINUX("(efault)", "%s", (char *)16);
	LINUX("", "%.*s", -1, "abc"); /* Linux clamps a negative precision to 0 */
	LINUX("abc", "%.s", "abc");   /* '.' alone: no precision in Linux */
	{
		char buf[8];

		assert_int_equal(ksnprintf(buf, sizeof(buf), "a%cb", 0), 3);
		assert_memory_equal(buf, "a\0b", 4);
		assert_int_equal(ksnprintf(buf, sizeof(buf), "%3c|", 0), 4);
		assert_memory_equal(buf, "  \0|", 5);
	}
}

static void test_linux_numbers(void **state)
{
	(void)state;
	LINUX("0x0|0x0|0x0|0X0", "%#x|%#lx|%#llx|%#X", 0u, 0ul, 0ull, 0u);
	LINUX("0x0000000000000000", "%#018Lx", 0ull);
	LINUX("0x000000003c000000", "%#018Lx", 0x3c000000ull);
	LINUX("0x00000000|     0x0|0x0     |", "%#010x|%#8x|%-#8x|", 0u, 0u, 0u);
	LINUX("123456789abcdef|-5|18446744073709551615", "%Lx|%Ld|%Lu", 0x123456789abcdefull, -5ll,
	      ULLONG_MAX);
	LINUX("0|00000005|0010", "%.0d|%08.3d|%#.3o", 0, 5, 8);
	LINUX("0x00000000ffffffff", "%#018llx", 0xffffffffull);
	LINUX("-0000042", "%08d", -42);
	LINUX("0x0|+5", "%+#x|%+d", 0u, 5); /* '+' only applies to signed conversions */
}

static void test_pointers(void **state)
{
	phys_addr_t pa = 0x3c000000, zero = 0;
	dma_addr_t da = 0xc0de;

	(void)state;
	LINUX("0x3c000000|0x00000000|0x3c000000", "%pa|%pa|%pap", &pa, &zero, &pa);
	LINUX("0x0000c0de", "%pad", &da);
	LINUX("[mem 0x3c000000-0x3c000000]", "[mem %pa-%pa]", &pa, &pa);
	LINUX("(null)", "%pa", (void *)NULL);
	{	/* 2 hex digits per pointer byte: 8 on the Pi, 16 on a 64-bit host */
		char want[64];
		int w = (int)(2 * sizeof(void *));

		snprintf(want, sizeof(want), "%0*x|%0*x", w, 0x1234, w, 0x1234);
		LINUX(want, "%p|%pK", (void *)0x1234, (void *)0x1234);
		snprintf(want, sizeof(want), "%0*x", w, 0);
		LINUX(want, "%p", (void *)NULL);
		snprintf(want, sizeof(want), "%0*x-", w, 0x1234);
		LINUX(want, "%pM-", (void *)0x1234); /* unknown extension: plain pointer */
	}
	LINUX("start_kernel+0x24/0x3a0", "%pS", (void *)0x80008124);
	LINUX("start_kernel+0x24/0x3a0", "%pB", (void *)0x80008124);
	LINUX("0x80008124", "%ps", (void *)0x80008124); /* lib's weak default */
	LINUX("0x00000010 x", "%pS x", (void *)0x10);
	LINUX("(start_kernel+0x24/0x3a0)", "(%pSR)", (void *)0x80008124); /* extension skipped */
	{	/* width pads the whole pointer text ("    00001234" on the Pi) */
		char digits[32], want[80];

		snprintf(digits, sizeof(digits), "%0*x", (int)(2 * sizeof(void *)), 0x1234);
		snprintf(want, sizeof(want), "%12s|%-12s|", digits, digits);
		LINUX(want, "%12p|%-12p|", (void *)0x1234, (void *)0x1234);
	}
	{
		char want[32];

		snprintf(want, sizeof(want), "%0*lx", (int)(2 * sizeof(void *)), 0x1234ul);
		LINUX(want, "%px", (void *)0x1234);
	}
}

static void test_invalid(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(fmt_raw(buf, sizeof(buf), "a%fb%d", 1.0, 5), 3);
	assert_string_equal(buf, "a%f");
	assert_int_equal(fmt_raw(buf, sizeof(buf), "x%-08.3lyz", 5), 9);
	assert_string_equal(buf, "x%-08.3ly");
	assert_int_equal(fmt_raw(buf, sizeof(buf), "abc%"), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(fmt_raw(buf, sizeof(buf), "n%n", (int *)NULL), 3);
	assert_string_equal(buf, "n%n");
	assert_int_equal(fmt_raw(buf, sizeof(buf), "%99999999999d", 1), 8388607); /* clamped */
	assert_int_equal(fmt_raw(NULL, 0, "%.99999s", "abc"), 3);
}

static void test_buffer_limits(void **state)
{
	char buf[16];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 5, "hello world"), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'X');
	assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(ksnprintf(NULL, 0, "%d-%s", 1234, "ab"), 7);
	assert_int_equal(ksnprintf(buf, 6, "%#010x", 0u), 10);
	assert_string_equal(buf, "0x000");
	assert_int_equal(ksnprintf(buf, (size_t)INT_MAX + 1, "abc"), 0); /* Linux refuses */
	assert_int_equal(kscnprintf(buf, 5, "hello world"), 4);
	assert_string_equal(buf, "hell");
	assert_int_equal(kscnprintf(buf, sizeof(buf), "hi %d", 7), 4);
	assert_string_equal(buf, "hi 7");
	assert_int_equal(kscnprintf(buf, 1, "abc"), 0);
	assert_int_equal(kscnprintf(NULL, 0, "abc"), 0);
	assert_int_equal(kscnprintf(buf, 4, "abc"), 3);
	assert_int_equal(kscnprintf(buf, 3, "abc"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integers_like_c), cmocka_unit_test(test_strings_chars),
	    cmocka_unit_test(test_linux_numbers),   cmocka_unit_test(test_pointers),
	    cmocka_unit_test(test_invalid),	    cmocka_unit_test(test_buffer_limits),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("vsprintf", tests, NULL, NULL);
}

/*
 * parse.c - string to number conversion with no kernel state (see include/pimm/parse.h).
 *
 * The shell and the device-tree code use parse_u64/parse_u32 (decimal, 0x hex, K/M/G
 * suffix, every error reported); boot parameters use Linux's memparse and kstrto*
 * semantics so that command lines behave as on Linux. Built into the kernel and into the
 * host unit tests (tools/testing/lib).
 */
#include <errno.h>
#include <limits.h>
#include <pimm/lab.h>
#include <pimm/parse.h>

/* Value of digit c in bases up to 16, or 16 when c is not a digit. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 16;
}

/* Accumulate the base-@base digits at s into *res (wrapping); returns the count consumed
 * and sets *overflow when the true value does not fit in 64 bits. */
static size_t scan_digits(const char *s, unsigned int base, u64 *res, bool *overflow)
{
	u64 v = 0;
	size_t n = 0;
	unsigned int d;

	*overflow = false;
	while ((d = digit_value(s[n])) < base) {
		if (v > (UINT64_MAX - d) / base)
			*overflow = true;
		v = v * base + d;
		n++;
	}
	*res = v;
	return n;
}

/* Linux's radix rule: base 0 means 0x.. hex (only if a hex digit follows), 0.. octal, else
 * decimal; with base 16 a 0x prefix is skipped. Returns the string after the prefix. */
static const char *fixup_radix(const char *s, unsigned int *base)
{
	bool has_0x = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (*base == 0) {
		if (s[0] != '0')
			*base = 10;
		else if (has_0x && digit_value(s[2]) < 16)
			*base = 16;
		else
			*base = 8;
	}
	if (*base == 16 && has_0x)
		s += 2;
	return s;
}

/* Shift for a binary-multiple suffix among the first @levels of K M G T P E, else 0. */
static unsigned int suffix_shift(char c, int levels)
{
	static const char suffixes[] = "KMGTPE";
	int i;

	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	for (i = 0; i < levels; i++)
		if (c == suffixes[i])
			return 10 * (i + 1);
	return 0;
}

/* Whole-string decimal / 0x hex number with an optional K/M/G suffix; see parse.h. */
int parse_u64(const char *s, u64 *res)
{
	/* LAB0 BEGIN */
	unsigned int base = 10, shift;
	bool overflow;
	size_t n;
	u64 v;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	n = scan_digits(s, base, &v, &overflow);
	if (n == 0)
		return -EINVAL;
	s += n;
	shift = suffix_shift(*s, 3);
	if (shift)
		s++;
	if (*s)
		return -EINVAL;
	if (overflow || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*res = v << shift;
	return 0;
	/* LAB0 TODO
	lab_todo(0, "shell", "parse_u64");
	// Until it is written, no argument is a number.
	(void)s;
	(void)res;
	return -EINVAL;
	*/
	/* LAB0 END */
}

/* parse_u64 limited to 32 bits. */
int parse_u32(const char *s, u32 *res)
{
	u64 v;
	int ret = parse_u64(s, &v);

	if (ret)
		return ret;
	if (v > UINT32_MAX)
		return -ERANGE;
	*res = (u32)v;
	return 0;
}

/* Linux's simple_strtoull: prefix per base, digits until the first non-digit, wraps. */
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	bool overflow;
	u64 v = 0;
	size_t n = 0;

	cp = fixup_radix(cp, &base);
	if (base >= 2 && base <= 16)
		n = scan_digits(cp, base, &v, &overflow);
	if (endp)
		*endp = (char *)cp + n;
	return v;
}

/* Linux's memparse: number then optional K/M/G/T/P/E (binary); *retptr after the suffix. */
unsigned long long memparse(const char *ptr, char **retptr)
{
	char *end;
	unsigned long long v = simple_strtoull(ptr, &end, 0);
	unsigned int shift = suffix_shift(*end, 6);

	if (shift) {
		v <<= shift;
		end++;
	}
	if (retptr)
		*retptr = end;
	return v;
}

/* kstrtoull without the leading '+': digits, then an optional '\n', then the end. */
static int kstrtoull_digits(const char *s, unsigned int base, unsigned long long *res)
{
	bool overflow;
	size_t n;
	u64 v;

	if (base != 0 && (base < 2 || base > 16))
		return -EINVAL;
	s = fixup_radix(s, &base);
	n = scan_digits(s, base, &v, &overflow);
	if (overflow)
		return -ERANGE;
	if (n == 0)
		return -EINVAL;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

/* Linux's kstrtoull: optional '+', number in @base (0 = autodetect), optional '\n'. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return kstrtoull_digits(s, base, res);
}

/* Linux's kstrtoll: as kstrtoull with an optional '-'; -ERANGE outside long long. */
int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int ret;

	if (s[0] == '-') {
		ret = kstrtoull_digits(s + 1, base, &v);
		if (ret)
			return ret;
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = (long long)(0 - v);
		return 0;
	}
	ret = kstrtoull(s, base, &v);
	if (ret)
		return ret;
	if (v > LLONG_MAX)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}

/* kstrtoull limited to unsigned long. */
int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int ret = kstrtoull(s, base, &v);

	if (ret)
		return ret;
	if (v > ULONG_MAX)
		return -ERANGE;
	*res = (unsigned long)v;
	return 0;
}

/* kstrtoull limited to unsigned int. */
int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int ret = kstrtoull(s, base, &v);

	if (ret)
		return ret;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}

/* kstrtoll limited to int. */
int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int ret = kstrtoll(s, base, &v);

	if (ret)
		return ret;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*res = (int)v;
	return 0;
}

/* kstrtouint for u32 (a distinct type from unsigned int with newlib). */
int kstrtou32(const char *s, unsigned int base, u32 *res)
{
	unsigned int v;
	int ret = kstrtouint(s, base, &v);

	if (ret)
		return ret;
	*res = v;
	return 0;
}

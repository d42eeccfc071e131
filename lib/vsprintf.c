/*
 * vsprintf.c - printf formatting with Linux's semantics (include/pimm/vsprintf.h).
 *
 * Every conversion is done here rather than by newlib: newlib-nano's printf has no long long
 * support, and Linux differs from ISO C in details that show in the boot log (%#x of 0 is
 * 0x0, %pa, %pS). The walk is Linux's: copy literal text, decode one conversion
 * (flags, width, precision, length, type), fetch the argument with the matching va_arg type,
 * emit it; the output counts every byte but only stores those that fit.
 */
#include <limits.h>
#include <pimm/vsprintf.h>

#define F_LEFT	  0x01 /* '-' */
#define F_PLUS	  0x02 /* '+' */
#define F_SPACE	  0x04 /* ' ' */
#define F_SPECIAL 0x08 /* '#' */
#define F_ZEROPAD 0x10 /* '0' */
#define F_SIGN	  0x20 /* signed conversion */
#define F_SMALL	  0x40 /* lower-case hex */

#define WIDTH_MAX     ((1 << 23) - 1) /* Linux's FIELD_WIDTH_MAX */
#define PRECISION_MAX 32767

struct spec {
	int flags;
	int width;     /* 0 when absent */
	int precision; /* -1 when absent */
	char length;   /* 0, 'H' (hh), 'h', 'l', 'L' (ll, L, j), 'z', 't' */
	char type;
};

struct out {
	char *buf;
	size_t size;
	size_t pos; /* bytes produced so far, stored or not */
};

/* Emit one byte; store it only while room remains for the final NUL. */
static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

/* Emit c n times (nothing when n <= 0). */
static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emit the integer num in base 8, 10 or 16 under spec, with Linux's number() rules: the
 * 0x prefix is printed for 0 too and counts in the width, zero padding goes after it. */
static void put_number(struct out *o, unsigned long long num, unsigned int base, struct spec s)
{
	const char *hex = (s.flags & F_SMALL) ? "0123456789abcdef" : "0123456789ABCDEF";
	char digits[24], sign = 0;
	int ndigits = 0, npfx = 0, precision = s.precision, pad;

	if (s.flags & F_LEFT)
		s.flags &= ~F_ZEROPAD;
	if (s.flags & F_SIGN) {
		if ((long long)num < 0) {
			sign = '-';
			num = 0 - num;
		} else if (s.flags & F_PLUS) {
			sign = '+';
		} else if (s.flags & F_SPACE) {
			sign = ' ';
		}
	}
	if (s.flags & F_SPECIAL)
		npfx = base == 16 ? 2 : (base == 8 && num != 0) ? 1 : 0;
	do {
		digits[ndigits++] = hex[num % base];
		num /= base;
	} while (num);
	if (precision < ndigits)
		precision = ndigits;
	pad = s.width - precision - npfx - (sign ? 1 : 0);
	if (!(s.flags & (F_LEFT | F_ZEROPAD)))
		put_repeat(o, ' ', pad);
	if (sign)
		put(o, sign);
	if (npfx)
		put(o, '0');
	if (npfx == 2)
		put(o, (s.flags & F_SMALL) ? 'x' : 'X');
	if (s.flags & F_ZEROPAD)
		put_repeat(o, '0', pad);
	put_repeat(o, '0', precision - ndigits);
	while (ndigits > 0)
		put(o, digits[--ndigits]);
	if (s.flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/* Emit at most len bytes of str (stopping at a NUL), padded to the width. */
static void put_text(struct out *o, const char *str, int len, struct spec s)
{
	int n = 0;

	while (n < len && str[n])
		n++;
	if (!(s.flags & F_LEFT))
		put_repeat(o, ' ', s.width - n);
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s.flags & F_LEFT)
		put_repeat(o, ' ', s.width - n);
}

/* Text standing for a pointer that must not be dereferenced, or NULL when it looks valid. */
static const char *bad_pointer(const void *p)
{
	if (!p)
		return "(null)";
	if ((unsigned long)p < 4096 || (unsigned long)p >= (unsigned long)-4095)
		return "(efault)";
	return NULL;
}

/* %s: the string, cut at the precision, or "(null)"/"(efault)" for a bad pointer. */
static void put_string(struct out *o, const char *str, struct spec s)
{
	const char *bad = bad_pointer(str);

	put_text(o, bad ? bad : str, s.precision < 0 ? INT_MAX : s.precision, s);
}

/* Weak default for %pS: the bare address, for builds without kallsyms. */
__weak int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return ksnprintf(buf, size, "0x%08lx", addr);
}

/* Weak default for %ps: the bare address. */
__weak int sprint_symbol_no_offset(char *buf, size_t size, unsigned long addr)
{
	return ksnprintf(buf, size, "0x%08lx", addr);
}

/* %p and its extensions; fmt points after the 'p'. Returns fmt past the extension letters
 * (all alphanumerics are skipped, as Linux does). */
static const char *put_pointer(struct out *o, const char *fmt, void *ptr, struct spec s)
{
	char tmp[KSYM_SYMBOL_LEN];
	const char *bad = bad_pointer(ptr);

	tmp[0] = '\0';
	if (*fmt == 'a' && bad) {
		ksnprintf(tmp, sizeof(tmp), "%s", bad);
	} else if (*fmt == 'a' && fmt[1] == 'd') {
		ksnprintf(tmp, sizeof(tmp), "0x%08x", (unsigned int)*(dma_addr_t *)ptr);
	} else if (*fmt == 'a') {
		ksnprintf(tmp, sizeof(tmp), "0x%08x", (unsigned int)*(phys_addr_t *)ptr);
	} else if (*fmt == 'S' || *fmt == 'B') {
		sprint_symbol(tmp, sizeof(tmp), (unsigned long)ptr);
	} else if (*fmt == 's') {
		sprint_symbol_no_offset(tmp, sizeof(tmp), (unsigned long)ptr);
	} else if (*fmt == 'x') {
		ksnprintf(tmp, sizeof(tmp), "%0*lx", (int)(2 * sizeof(ptr)), (unsigned long)ptr);
	} else { /* Linux's %p with no_hash_pointers: zero-padded hex, no 0x */
		ksnprintf(tmp, sizeof(tmp), "%0*lx", (int)(2 * sizeof(ptr)), (unsigned long)ptr);
	}
	tmp[sizeof(tmp) - 1] = '\0';
	s.precision = -1;
	put_text(o, tmp, INT_MAX, s);
	while ((*fmt >= 'a' && *fmt <= 'z') || (*fmt >= 'A' && *fmt <= 'Z') ||
	       (*fmt >= '0' && *fmt <= '9'))
		fmt++;
	return fmt;
}

/* Read a decimal field (width or precision) at *fmt, clamped to limit. */
static int read_decimal(const char **fmt, int limit)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v <= limit)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v > limit ? limit : v;
}

/* Decode flags, width, precision and length of the conversion at fmt (after '%'), taking
 * '*' arguments from ap; s->type is the conversion letter. Returns fmt after it. */
static const char *decode_spec(const char *fmt, struct spec *s, va_list *ap)
{
	static const char flag_chars[] = "-+ #0";
	const char *f;

	s->flags = 0;
	while (*fmt) {
		for (f = flag_chars; *f && *f != *fmt; f++)
			;
		if (!*f)
			break;
		s->flags |= 1 << (f - flag_chars);
		fmt++;
	}
	s->width = 0;
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		fmt++;
		if (w < 0) {
			s->flags |= F_LEFT;
			w = w < -WIDTH_MAX ? WIDTH_MAX : -w;
		}
		s->width = w > WIDTH_MAX ? WIDTH_MAX : w;
	} else {
		s->width = read_decimal(&fmt, WIDTH_MAX);
	}
	s->precision = -1;
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			int p = va_arg(*ap, int);

			fmt++;
			s->precision = p < 0 ? 0 : p > PRECISION_MAX ? PRECISION_MAX : p;
		} else if (*fmt >= '0' && *fmt <= '9') {
			s->precision = read_decimal(&fmt, PRECISION_MAX);
		}
	}
	return fmt;
}

/* Decode the length modifier at fmt into s->length and the conversion into s->type. */
static const char *decode_length(const char *fmt, struct spec *s)
{
	s->length = 0;
	if (fmt[0] == 'h' && fmt[1] == 'h') {
		s->length = 'H';
		fmt += 2;
	} else if (fmt[0] == 'l' && fmt[1] == 'l') {
		s->length = 'L';
		fmt += 2;
	} else if (*fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 't') {
		s->length = *fmt++;
	} else if (*fmt == 'L' || *fmt == 'j' || *fmt == 'q') {
		s->length = 'L';
		fmt++;
	} else if (*fmt == 'Z') {
		s->length = 'z';
		fmt++;
	}
	s->type = *fmt;
	return *fmt ? fmt + 1 : fmt;
}

/* Fetch an integer argument of the spec's length; signed types are sign-extended. */
static unsigned long long fetch_integer(va_list *ap, const struct spec *s)
{
	bool sign = s->flags & F_SIGN;

	switch (s->length) {
	case 'H':
		return sign ? (unsigned long long)(signed char)va_arg(*ap, int)
			    : (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return sign ? (unsigned long long)(short)va_arg(*ap, int)
			    : (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return sign ? (unsigned long long)va_arg(*ap, long) : va_arg(*ap, unsigned long);
	case 'L':
		return sign ? (unsigned long long)va_arg(*ap, long long)
			    : va_arg(*ap, unsigned long long);
	case 'z':
		return sign ? (unsigned long long)va_arg(*ap, ptrdiff_t) : va_arg(*ap, size_t);
	case 't':
		return (unsigned long long)va_arg(*ap, ptrdiff_t);
	default:
		return sign ? (unsigned long long)va_arg(*ap, int) : va_arg(*ap, unsigned int);
	}
}

/* Emit one decoded conversion; *fmt is after it (moved on for %p extensions).
 * Returns false for a conversion this engine does not support. */
static bool convert(struct out *o, struct spec *s, const char **fmt, va_list *ap)
{
	unsigned int base = 10;

	switch (s->type) {
	case '%':
		put(o, '%');
		return true;
	case 'c':
		if (!(s->flags & F_LEFT))
			put_repeat(o, ' ', s->width - 1);
		put(o, (char)va_arg(*ap, int)); /* a NUL too, as C does */
		if (s->flags & F_LEFT)
			put_repeat(o, ' ', s->width - 1);
		return true;
	case 's':
		put_string(o, va_arg(*ap, const char *), *s);
		return true;
	case 'p':
		*fmt = put_pointer(o, *fmt, va_arg(*ap, void *), *s);
		return true;
	case 'd':
	case 'i':
		s->flags |= F_SIGN;
		break;
	case 'u':
		break;
	case 'o':
		base = 8;
		break;
	case 'x':
		s->flags |= F_SMALL;
		/* fall through */
	case 'X':
		base = 16;
		break;
	default:
		return false;
	}
	put_number(o, fetch_integer(ap, s), base, *s);
	return true;
}

/* See vsprintf.h. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	struct spec s;
	va_list args;

	if (size > INT_MAX)
		return 0;
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = decode_length(decode_spec(fmt + 1, &s, &args), &s);
		if (!convert(&o, &s, &fmt, &args)) {
			while (start < fmt) /* unsupported: copy it and stop */
				put(&o, *start++);
			break;
		}
	}
	va_end(args);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > INT_MAX ? INT_MAX : (int)o.pos;
}

/* See vsprintf.h. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* See vsprintf.h. */
int kvscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = kvsnprintf(buf, size, fmt, ap);

	if ((size_t)n < size)
		return n;
	return size ? (int)size - 1 : 0;
}

/* See vsprintf.h. */
int kscnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

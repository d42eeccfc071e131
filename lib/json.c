/*
 * json.c - a streaming JSON writer with no state beyond the nesting (include/pimm/json.h).
 *
 * Where it sits: the state stream's records (docs/state-stream.md) are formatted with it and
 * written piece by piece to the mini UART, so a snapshot of any size needs no buffer. Built
 * into the kernel and, unchanged, into the host tests (tools/testing/lib: test_json).
 *
 *   depth 0        1            2
 *   {  "zones": [  {"name":"Normal", ...}, {...}  ]  }
 *   ^ has_items bit 1 set after "zones"; bit 2 set after the first zone
 */
#include <pimm/json.h>

static void put(struct json_out *j, const char *s, unsigned int n)
{
	j->write(j->ctx, s, n);
}

static unsigned int str_len(const char *s)
{
	unsigned int n = 0;

	while (s[n])
		n++;
	return n;
}

/* Write s as a JSON string body: quote, backslash and control bytes escaped. */
static void put_escaped(struct json_out *j, const char *s, unsigned int n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f)
			continue;
		put(j, s + start, i - start);
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			put(j, esc, 2);
		} else {
			put(j, esc, 6); /* control bytes and non-ASCII as \u00XX */
		}
		start = i + 1;
	}
	put(j, s + start, n - start);
}

/* Before a value: the comma after a sibling, then "key": inside an object. */
static void json_item(struct json_out *j, const char *key)
{
	u32 bit = 1u << j->depth;

	if (j->has_items & bit)
		put(j, ",", 1);
	j->has_items |= bit;
	if (key) {
		put(j, "\"", 1);
		put_escaped(j, key, str_len(key));
		put(j, "\":", 2);
	}
}

/* Contract: starts an empty record on write(ctx, ...). */
void json_begin(struct json_out *j, json_sink_t write, void *ctx)
{
	j->write = write;
	j->ctx = ctx;
	j->depth = 0;
	j->has_items = 0;
	j->overflow = false;
}

static void json_open(struct json_out *j, const char *key, char c)
{
	json_item(j, key);
	put(j, &c, 1);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->overflow = true;
		return;
	}
	j->depth++;
	j->has_items &= ~(1u << j->depth);
}

static void json_close(struct json_out *j, char c)
{
	put(j, &c, 1);
	if (j->depth)
		j->depth--;
}

void json_obj_open(struct json_out *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_close(struct json_out *j)
{
	json_close(j, '}');
}

void json_arr_open(struct json_out *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_close(struct json_out *j)
{
	json_close(j, ']');
}

/* The digits of v, after a '-' when neg. */
static void put_decimal(struct json_out *j, unsigned long long v, bool neg)
{
	char buf[21];
	unsigned int i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		buf[--i] = '-';
	put(j, buf + i, sizeof(buf) - i);
}

void json_uint(struct json_out *j, const char *key, unsigned long long v)
{
	json_item(j, key);
	put_decimal(j, v, false);
}

void json_int(struct json_out *j, const char *key, long long v)
{
	json_item(j, key);
	put_decimal(j, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
}

void json_bool(struct json_out *j, const char *key, bool v)
{
	json_item(j, key);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_str_begin(struct json_out *j, const char *key)
{
	json_item(j, key);
	put(j, "\"", 1);
}

void json_str_part(struct json_out *j, const char *s, unsigned int n)
{
	put_escaped(j, s, n);
}

void json_str_end(struct json_out *j)
{
	put(j, "\"", 1);
}

void json_strn(struct json_out *j, const char *key, const char *s, unsigned int n)
{
	json_str_begin(j, key);
	json_str_part(j, s, n);
	json_str_end(j);
}

void json_str(struct json_out *j, const char *key, const char *s)
{
	json_strn(j, key, s ? s : "", s ? str_len(s) : 0);
}

void json_end_line(struct json_out *j)
{
	put(j, "\n", 1);
}

/*
 * test_json.c - host unit tests of lib/json.c (the state stream's writer): exact output of
 * nested records, escaping of every byte value, integer extremes, and a random nesting of
 * containers whose output must match a reference written here by another method.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pimm/json.h>

static char out[65536];
static size_t out_len;

static void sink(void *ctx, const char *s, unsigned int n)
{
	(void)ctx;
	assert_true(out_len + n < sizeof(out));
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = 0;
}

static struct json_out *fresh(void)
{
	static struct json_out j;

	out_len = 0;
	out[0] = 0;
	json_begin(&j, sink, NULL);
	return &j;
}

/* A record as the stream writes it, byte for byte. */
static void test_record(void **state)
{
	struct json_out *j = fresh();

	(void)state;
	json_obj_open(j, NULL);
	json_str(j, "t", "pcp");
	json_uint(j, "cpu", 3);
	json_arr_open(j, "wmark");
	json_uint(j, NULL, 1);
	json_uint(j, NULL, 22);
	json_arr_close(j);
	json_arr_open(j, "empty");
	json_arr_close(j);
	json_obj_open(j, "o");
	json_bool(j, "y", true);
	json_bool(j, "n", false);
	json_obj_close(j);
	json_int(j, "neg", -42);
	json_obj_close(j);
	json_end_line(j);
	assert_string_equal(out, "{\"t\":\"pcp\",\"cpu\":3,\"wmark\":[1,22],\"empty\":[],"
				 "\"o\":{\"y\":true,\"n\":false},\"neg\":-42}\n");
	assert_false(j->overflow);
}

/* Quotes, backslashes, control and non-ASCII bytes are escaped; the rest passes through. */
static void test_escaping(void **state)
{
	char all[256];
	struct json_out *j = fresh();
	size_t i, k = 0;
	char want[2048];

	(void)state;
	for (i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	json_strn(j, NULL, all, 255);
	want[k++] = '"';
	for (i = 1; i < 256; i++) {
		if (i == '"' || i == '\\')
			k += sprintf(want + k, "\\%c", (int)i);
		else if (i < 0x20 || i >= 0x7f)
			k += sprintf(want + k, "\\u%04x", (unsigned int)i);
		else
			want[k++] = (char)i;
	}
	want[k++] = '"';
	want[k] = 0;
	assert_string_equal(out, want);
	j = fresh();
	json_str(j, NULL, NULL);
	assert_string_equal(out, "\"\"");
}

static void test_integers(void **state)
{
	struct json_out *j = fresh();

	(void)state;
	json_arr_open(j, NULL);
	json_uint(j, NULL, 0);
	json_uint(j, NULL, 18446744073709551615ULL);
	json_int(j, NULL, INT64_MIN);
	json_int(j, NULL, INT64_MAX);
	json_int(j, NULL, 0);
	json_arr_close(j);
	assert_string_equal(out, "[0,18446744073709551615,-9223372036854775808,"
				 "9223372036854775807,0]");
}

/* Random trees of arrays and objects against a reference built with sprintf. */
static void build(struct json_out *j, char *ref, size_t *k, int depth, int in_obj, int id)
{
	char key[16];
	const char *kp = NULL;
	int n = rand() % 4, i;

	if (in_obj) {
		snprintf(key, sizeof(key), "k%d", id);
		kp = key;
		*k += sprintf(ref + *k, "\"%s\":", key);
	}
	if (depth >= 6 || rand() % 3 == 0) {
		long long v = (long long)rand() - RAND_MAX / 2;

		json_int(j, kp, v);
		*k += sprintf(ref + *k, "%lld", v);
		return;
	}
	if (rand() % 2) {
		json_obj_open(j, kp);
		ref[(*k)++] = '{';
		for (i = 0; i < n; i++) {
			if (i)
				ref[(*k)++] = ',';
			build(j, ref, k, depth + 1, 1, i);
		}
		json_obj_close(j);
		ref[(*k)++] = '}';
	} else {
		json_arr_open(j, kp);
		ref[(*k)++] = '[';
		for (i = 0; i < n; i++) {
			if (i)
				ref[(*k)++] = ',';
			build(j, ref, k, depth + 1, 0, i);
		}
		json_arr_close(j);
		ref[(*k)++] = ']';
	}
	ref[*k] = 0;
}

static void test_random_trees(void **state)
{
	static char ref[65536];

	(void)state;
	srand(7);
	for (int t = 0; t < 500; t++) {
		struct json_out *j = fresh();
		size_t k = 0;

		build(j, ref, &k, 0, 0, 0);
		ref[k] = 0;
		assert_string_equal(out, ref);
		assert_int_equal(j->depth, 0);
	}
}

/* Nesting past JSON_MAX_DEPTH is reported, never written out of bounds. */
static void test_overflow(void **state)
{
	struct json_out *j = fresh();

	(void)state;
	for (int i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json_arr_open(j, NULL);
	assert_true(j->overflow);
	assert_true(j->depth < JSON_MAX_DEPTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),      cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_integers),    cmocka_unit_test(test_random_trees),
		cmocka_unit_test(test_overflow),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}

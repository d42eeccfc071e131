/*
 * test_match.c - of_flat_dt_match_machine (kernel/of/fdt_match.c) on the host: which
 * DT_MACHINE_START-like record a device tree's root "compatible" selects. The blobs are the
 * board's (dts/rpi2b.dtb: "raspberrypi,2-model-b", "brcm,bcm2836") and two test trees
 * (dts/tests/unknown-board.dtb, known-board-case.dtb: "...", "BRCM,BCM2836").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/of_fdt.h>

void *initial_boot_params;

struct mach {
	const char *name;
	const char *const *dt_compat;
};

/* The record table of one test, handed out as arch_get_next_mach does. */
static const struct mach *table;
static size_t table_len, table_next;

static const void *next_mach(const char *const **match)
{
	if (table_next >= table_len)
		return NULL;
	*match = table[table_next].dt_compat;
	return &table[table_next++];
}

static const char *match(const struct mach *t, size_t n, const struct mach *dflt)
{
	const struct mach *m;

	table = t;
	table_len = n;
	table_next = 0;
	m = of_flat_dt_match_machine(dflt, next_mach);
	assert_int_equal(table_next, n); /* every record was looked at */
	return m ? m->name : NULL;
}

static void load(const char *name)
{
	const char *dir = getenv("OF_DTB_DIR");
	char path[512];
	FILE *f;
	long size;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	free(initial_boot_params);
	initial_boot_params = malloc(size);
	assert_int_equal(fread(initial_boot_params, 1, size, f), (size_t)size);
	fclose(f);
}

static const char *const soc[] = {"brcm,bcm2836", NULL};
static const char *const board[] = {"raspberrypi,2-model-b", NULL};
static const char *const other[] = {"brcm,bcm2835", "acme,foo", NULL};
static const char *const both[] = {"acme,foo", "brcm,bcm2836", NULL};

static void earliest_compatible_wins_whatever_the_table_order(void **state)
{
	const struct mach t1[] = {{"soc", soc}, {"board", board}};
	const struct mach t2[] = {{"board", board}, {"soc", soc}};

	(void)state;
	load("rpi2b.dtb");
	assert_string_equal(match(t1, 2, NULL), "board");
	assert_string_equal(match(t2, 2, NULL), "board");
}

static void later_string_matches_and_ties_keep_the_first_record(void **state)
{
	const struct mach t[] = {{"none", NULL}, {"other", other}, {"soc", soc}, {"both", both}};

	(void)state;
	load("rpi2b.dtb");
	assert_string_equal(match(t, 4, NULL), "soc"); /* score 2; "both" ties at 2 */
}

static void comparison_ignores_case(void **state)
{
	const struct mach t[] = {{"other", other}, {"soc", soc}};

	(void)state;
	load("tests/known-board-case.dtb");
	assert_string_equal(match(t, 2, NULL), "soc");
}

static void no_match_gives_the_default(void **state)
{
	const struct mach t[] = {{"soc", soc}, {"board", board}};
	const struct mach dflt = {"generic", NULL};

	(void)state;
	load("tests/unknown-board.dtb");
	assert_null(match(t, 2, NULL));
	assert_string_equal(match(t, 2, &dflt), "generic");
	assert_null(match(t, 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(earliest_compatible_wins_whatever_the_table_order),
		cmocka_unit_test(later_string_matches_and_ties_keep_the_first_record),
		cmocka_unit_test(comparison_ignores_case),
		cmocka_unit_test(no_match_gives_the_default),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_console.c - register_console and printk's consoles (kernel/printk.c), on the host.
 *
 * The boot's hand-over, step by step: lines logged before any console exist only in the
 * buffer; the early console (CON_BOOT | CON_PRINTBUFFER) gets them replayed (shown levels
 * only, without the level byte); the real console gets no replay, becomes the preferred one
 * and unregisters the early one, so every line reaches the terminal exactly once, even a line
 * left open across the hand-over. Then the shell's console_write/getc/pending and the refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <linux/console.h>
#include <linux/printk.h>
#include <linux/sched_clock.h>

/* What a test console was given. */
struct rec {
	struct console con;
	char out[8192];
	size_t len;
	const char *input;
};

static void rec_write(struct console *con, const char *s, unsigned int n)
{
	struct rec *r = (struct rec *)con;

	assert_true(r->len + n < sizeof(r->out));
	memcpy(r->out + r->len, s, n);
	r->len += n;
	r->out[r->len] = '\0';
}

static int rec_getc(struct console *con)
{
	struct rec *r = (struct rec *)con;

	return r->input && *r->input ? (unsigned char)*r->input++ : -1;
}

static unsigned int rec_pending(struct console *con)
{
	struct rec *r = (struct rec *)con;

	return r->input ? strlen(r->input) : 0;
}

static struct rec early = {.con = {.name = "early", .write = rec_write,
				   .flags = CON_BOOT | CON_PRINTBUFFER}};
static struct rec real = {.con = {.name = "real", .write = rec_write, .getc = rec_getc,
				  .pending = rec_pending, .flags = CON_PRINTBUFFER}};
static struct rec late_boot = {.con = {.name = "lateboot", .write = rec_write,
				       .flags = CON_BOOT | CON_PRINTBUFFER}};

/* The kernel's clock, as the board would register it: the tests set the time. */
static u64 now_ns;
u64 sched_clock(void)
{
	return now_ns;
}

static void before_any_console_lines_only_go_to_the_buffer(void **state)
{
	(void)state;
	assert_int_equal(console_getc(), -1);
	assert_int_equal(console_pending(), 0);
	console_write("lost\n", 5); /* no console: dropped, never a crash */
	pr_info("first line\n");
	pr_debug("a debug line, below console_loglevel\n");
	pr_info("second %s", "line, ");
	now_ns = 1500000;
}

static void early_console_gets_the_replay_without_level_bytes(void **state)
{
	(void)state;
	register_console(&early.con);
	assert_true(early.con.flags & CON_ENABLED);
	assert_true(early.con.flags & CON_CONSDEV);
	/* the open line is replayed as far as it goes, the debug line is not shown */
	assert_string_equal(early.out, "[    0.000000] first line\n"
				       "[    0.000000] second line, ");
	pr_cont("continued\n");
	pr_warn("after the early console\n");
	assert_string_equal(early.out, "[    0.000000] first line\n"
				       "[    0.000000] second line, continued\n"
				       "[    0.001500] after the early console\n");
}

static void real_console_replaces_the_early_one_without_replay(void **state)
{
	size_t early_len;

	(void)state;
	pr_info("open across the hand-over: ");
	early_len = early.len;
	register_console(&real.con);
	assert_int_equal(real.len, 0); /* no replay: the early console showed it all */
	assert_true(real.con.flags & CON_CONSDEV);
	assert_false(real.con.flags & CON_PRINTBUFFER);
	assert_false(early.con.flags & CON_ENABLED); /* unregistered */
	assert_ptr_equal(console_drivers, &real.con);
	assert_null(real.con.next);
	pr_cont("closed\n");
	pr_info("only on the real console\n");
	assert_int_equal(early.len, early_len);
	assert_string_equal(real.out, "closed\n[    0.001500] only on the real console\n");
}

static void shell_io_uses_the_preferred_console(void **state)
{
	(void)state;
	real.len = 0;
	console_write("pimm> ", 6);
	assert_string_equal(real.out, "pimm> ");
	real.input = "ab";
	assert_int_equal(console_pending(), 2);
	assert_int_equal(console_getc(), 'a');
	assert_int_equal(console_getc(), 'b');
	assert_int_equal(console_getc(), -1);
}

static void refusals_and_unregister(void **state)
{
	(void)state;
	register_console(&late_boot.con); /* a boot console after a real one: refused */
	assert_false(late_boot.con.flags & CON_ENABLED);
	assert_ptr_equal(console_drivers, &real.con);
	assert_null(real.con.next);
	register_console(&real.con); /* twice: no change */
	assert_ptr_equal(console_drivers, &real.con);
	assert_null(real.con.next);
	assert_int_equal(unregister_console(&early.con), -ENODEV);
	assert_int_equal(unregister_console(&real.con), 0);
	assert_null(console_drivers);
	assert_int_equal(console_getc(), -1);
	real.len = 0;
	pr_info("nobody listens\n");
	assert_int_equal(real.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(before_any_console_lines_only_go_to_the_buffer),
		cmocka_unit_test(early_console_gets_the_replay_without_level_bytes),
		cmocka_unit_test(real_console_replaces_the_early_one_without_replay),
		cmocka_unit_test(shell_io_uses_the_preferred_console),
		cmocka_unit_test(refusals_and_unregister),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

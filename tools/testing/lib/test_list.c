/*
 * test_list.c - host unit tests of include/linux/list.h (Linux's list_head API).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/list.h>

struct item {
	int value;
	struct list_head node;
};

/* The values of @head in order, as a number with one decimal digit per element. */
static int digits(struct list_head *head)
{
	struct item *it;
	int v = 0;

	list_for_each_entry(it, head, node) v = v * 10 + it->value;
	return v;
}

/* The values in reverse order, the same way. */
static int digits_reverse(struct list_head *head)
{
	struct item *it;
	int v = 0;

	list_for_each_entry_reverse(it, head, node) v = v * 10 + it->value;
	return v;
}

static void test_add_del(void **state)
{
	LIST_HEAD(head);
	struct item a = {1, {NULL, NULL}}, b = {2, {NULL, NULL}}, c = {3, {NULL, NULL}};

	(void)state;
	assert_true(list_empty(&head));
	assert_false(list_is_singular(&head));
	list_add(&a.node, &head);
	assert_true(list_is_singular(&head));
	list_add(&b.node, &head);      /* b a */
	list_add_tail(&c.node, &head); /* b a c */
	assert_int_equal(digits(&head), 213);
	assert_int_equal(digits_reverse(&head), 312);
	assert_int_equal(list_count_nodes(&head), 3);
	assert_ptr_equal(list_first_entry(&head, struct item, node), &b);
	assert_ptr_equal(list_last_entry(&head, struct item, node), &c);
	assert_true(list_is_first(&b.node, &head));
	assert_true(list_is_last(&c.node, &head));
	list_del(&a.node);
	assert_int_equal(digits(&head), 23);
	assert_ptr_equal(a.node.next, LIST_POISON1);
	assert_ptr_equal(a.node.prev, LIST_POISON2);
	list_del_init(&b.node);
	assert_true(list_empty(&b.node));
	assert_int_equal(digits(&head), 3);
	list_del(&c.node);
	assert_true(list_empty(&head));
	assert_null(list_first_entry_or_null(&head, struct item, node));
}

static void test_move_replace(void **state)
{
	LIST_HEAD(x);
	LIST_HEAD(y);
	struct item it[4];
	struct list_head *pos;
	int n = 0;

	(void)state;
	for (int i = 0; i < 4; i++) {
		it[i].value = i + 1;
		list_add_tail(&it[i].node, &x); /* x: 1 2 3 4 */
	}
	list_move(&it[2].node, &y);	 /* x: 1 2 4, y: 3 */
	list_move_tail(&it[0].node, &y); /* x: 2 4, y: 3 1 */
	assert_int_equal(digits(&x), 24);
	assert_int_equal(digits(&y), 31);
	list_move_tail(&it[1].node, &x); /* x: 4 2 */
	assert_int_equal(digits(&x), 42);
	list_del_init(&it[2].node);		/* y: 1 */
	list_replace(&it[3].node, &it[2].node); /* x: 3 2 */
	assert_int_equal(digits(&y), 1);
	assert_int_equal(digits(&x), 32);
	list_for_each(pos, &x) n++;
	assert_int_equal(n, 2);
	n = 0;
	list_for_each_prev(pos, &x) n = n * 10 + list_entry(pos, struct item, node)->value;
	assert_int_equal(n, 23);
}

static void test_splice(void **state)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	LIST_HEAD(empty);
	struct item it[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		it[i].value = i + 1;
		list_add_tail(&it[i].node, i < 2 ? &a : &b); /* a: 1 2, b: 3 4 5 */
	}
	list_splice(&empty, &a);
	assert_int_equal(digits(&a), 12);
	list_splice_init(&b, &a); /* a: 3 4 5 1 2 */
	assert_true(list_empty(&b));
	assert_int_equal(digits(&a), 34512);
	list_splice_tail_init(&a, &b); /* b: 3 4 5 1 2 */
	assert_true(list_empty(&a));
	assert_int_equal(digits(&b), 34512);
	list_del(&it[0].node);
	list_add(&it[0].node, &a); /* a: 1 */
	list_splice_tail(&a, &b);  /* b: 3 4 5 2 1 */
	assert_int_equal(digits(&b), 34521);
	INIT_LIST_HEAD(&a);
	list_del(&it[2].node);
	list_add(&it[2].node, &a);
	list_splice(&a, &b); /* 3 moved from b to a and back in front: b: 3 4 5 2 1 */
	assert_int_equal(digits(&b), 34521);
}

static void test_safe_walk(void **state)
{
	LIST_HEAD(head);
	struct item it[6], *pos, *n;
	struct list_head *p, *q;
	int count = 0;

	(void)state;
	for (int i = 0; i < 6; i++) {
		it[i].value = i;
		list_add_tail(&it[i].node, &head);
	}
	list_for_each_entry_safe(pos, n, &head, node) if (pos->value % 2) list_del(&pos->node);
	assert_int_equal(digits(&head), 24); /* 0 2 4 */
	list_for_each_safe(p, q, &head)
	{
		list_del_init(p);
		count++;
	}
	assert_int_equal(count, 3);
	assert_true(list_empty(&head));
	list_add_tail(&it[1].node, &head);
	list_add_tail(&it[2].node, &head);
	list_add_tail(&it[3].node, &head);
	pos = &it[1];
	count = 0;
	list_for_each_entry_continue(pos, &head, node) count = count * 10 + pos->value;
	assert_int_equal(count, 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_del),
	    cmocka_unit_test(test_move_replace),
	    cmocka_unit_test(test_splice),
	    cmocka_unit_test(test_safe_walk),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}

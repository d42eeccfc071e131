/*
 * fdt_match.c - which machine a device tree describes (Linux's of_flat_dt_match_machine and
 * of_fdt_is_compatible, drivers/of/fdt.c).
 *
 * Where it sits in the boot pipeline: setup_machine_fdt (arch/arm/kernel/devtree.c), right
 * after early_init_dt_verify, asks which DT_MACHINE_START record fits the root "compatible";
 * the architecture hands the records over one at a time (arch_get_next_mach) so that this
 * code knows nothing of struct machine_desc.
 *
 * The rule: the root's compatible list goes from the most specific string (the board) to the
 * most general (the SoC); a record scores the position of the earliest string it names (1 for
 * the first), comparison ignoring case, and the lowest score wins; on a tie the earlier record
 * stays. No match at all: default_match (Linux's generic DT machine, NULL when there is none).
 */
#include <string.h>
#include <strings.h>

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/of_fdt.h>
#include <pimm/fdt.h>

/* Position (from 1) of @compat in @node's "compatible", or 0 (Linux's of_fdt_is_compatible). */
static unsigned int of_fdt_is_compatible(const void *blob, int node, const char *compat)
{
	int len;
	const char *cp = dt_getprop(blob, node, "compatible", &len);
	unsigned int score = 0;

	while (cp && len > 0) {
		size_t l = strnlen(cp, len);

		score++;
		if (!strcasecmp(cp, compat))
			return score;
		len -= l + 1;
		cp += l + 1;
	}
	return 0;
}

/* The best (lowest) score of any string of @compat, a NULL-terminated list; 0 for none. */
static unsigned int of_flat_dt_match(const void *blob, int node, const char *const *compat)
{
	unsigned int best = 0;

	for (; compat && *compat; compat++) {
		unsigned int score = of_fdt_is_compatible(blob, node, *compat);

		if (score && (!best || score < best))
			best = score;
	}
	return best;
}

const void *__init of_flat_dt_match_machine(const void *default_match,
					    const void *(*get_next_compat)(const char *const **))
{
	const char *const *compat;
	const void *data, *best_data = default_match;
	unsigned int best_score = ~0u;

	while ((data = get_next_compat(&compat))) {
		unsigned int score = of_flat_dt_match(initial_boot_params, 0, compat);

		if (score && score < best_score) {
			best_data = data;
			best_score = score;
		}
	}
	return best_data;
}

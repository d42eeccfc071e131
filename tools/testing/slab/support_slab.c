/*
 * support_slab.c - host stand-ins for the slab suite (jiffies, high_memory, free_percpu,
 * smp_call_function) and
 * slab_boot: the buddy suite's machine, then kmem_cache_init as mm_init calls it.
 */
#include <stdio.h>
#include <string.h>

#include "support_slab.h"

volatile unsigned long jiffies;
void *high_memory;

/* support_mm.c's per-CPU allocator only bumps: a freed area is simply not reused. */
void free_percpu(void *ptr)
{
	(void)ptr;
}

unsigned int slab_test_ipis;

void smp_call_function(smp_call_func_t func, void *info, int wait)
{
	unsigned int cpu = mm_current_cpu;

	(void)wait;
	slab_test_ipis++;
	for (unsigned int c = 0; c < mm_online_cpus; c++) {
		if (c == cpu)
			continue;
		set_cpu(c);
		func(info);
	}
	set_cpu(cpu);
}

void slab_boot(const char *slub_debug)
{
	struct buddy_cfg cfg = {.ram = M(64)};

	slab_boot_with(&cfg, slub_debug);
}

void slab_boot_with(const struct buddy_cfg *cfg, const char *slub_debug)
{
	slab_state = DOWN; /* before memblock runs again: it would kzalloc otherwise */
	buddy_boot(cfg);
	high_memory = __va((phys_addr_t)max_low_pfn << PAGE_SHIFT);
	INIT_LIST_HEAD(&slab_caches);
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	mb_log_clear();
	slub_debug_parse(slub_debug);
	kmem_cache_init();
}

static char check_text[8192];

static void __printf(1, 2) check_report(const char *fmt, ...)
{
	size_t n = strlen(check_text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(check_text + n, sizeof(check_text) - n, fmt, ap);
	va_end(ap);
	n = strlen(check_text);
	if (n + 1 < sizeof(check_text))
		strcat(check_text, "\n");
}

void assert_slab_ok(const char *file, int line)
{
	char buf[128];
	int bad;

	check_text[0] = '\0';
	bad = slab_check(check_report, buf, sizeof(buf)) + check_free_areas(check_report);
	if (bad)
		fail_msg("%s:%d: %d violations:\n%s", file, line, bad, check_text);
}

void flush_all_cpus(void)
{
	unsigned int cpu = mm_current_cpu;

	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		set_cpu(c);
		flush_cpu_slab(NULL);
	}
	set_cpu(cpu);
}

bool log_has(const char *needle)
{
	return strstr(mb_log_text(), needle) != NULL;
}

/*
 * kernel/shell/cmd_meminfo.c - the page allocator's totals as Linux prints them: `meminfo`
 * (fs/proc/meminfo.c meminfo_proc_show) and `vmstat` (mm/vmstat.c vmstat_show).
 *
 * Where it sits: after mem_init handed memory to the buddy allocator (memblock_free_all,
 * kernel/mm/memblock_free_all.c) and init_per_zone_wmark_min set the watermarks and
 * totalreserve_pages (kernel/mm/page_alloc.c). pimm has no page cache or swap, so those
 * lines read 0, as they would in a Linux with none of them:
 *
 *   MemTotal   totalram_pages: managed pages of every zone
 *   MemFree    NR_FREE_PAGES: pages on the buddy lists (per-CPU list pages are not counted)
 *   MemAvailable  MemFree - totalreserve_pages (+ reclaimable caches: none)
 *   HighTotal/HighFree, LowTotal/LowFree   the HighMem zone and the rest
 *   Slab, SReclaimable, SUnreclaim   the slab page counters (kernel/mm/slub.c)
 *   VmallocUsed   vmalloc_nr_pages: pages vmalloc holds (kernel/mm/vmalloc.c), no guard pages
 *   CmaTotal/CmaFree   totalcma_pages, NR_FREE_CMA_PAGES
 */
#include <linux/cma.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include <pimm/shell.h>

/* Sum of a zone counter over every zone (Linux's global_zone_page_state). */
static unsigned long global_zone_page_state(enum zone_stat_item item)
{
	const struct zone *zone;
	long x = 0;

	for_each_zone(zone)
		x += zone->vm_stat[item];
	return x < 0 ? 0 : (unsigned long)x;
}

/* A node counter in pages (Linux's global_node_page_state_pages: one node). */
static unsigned long global_node_page_state(enum node_stat_item item)
{
	return node_page_state_pages(NODE_DATA(0), item);
}

/* Linux's show_val_kb: a 16-character label, the pages in KiB in 8 columns, " kB". */
static void show_val_kb(const char *name, unsigned long pages)
{
	char label[20];
	unsigned int n = 0;

	while (*name && n < sizeof(label) - 2)
		label[n++] = *name++;
	label[n++] = ':';
	label[n] = '\0';
	shprintf("%-16s%8lu kB\n", label, pages << (PAGE_SHIFT - 10));
}

/* Linux's si_mem_available, with no page cache and no reclaimable slab. */
static unsigned long si_mem_available(void)
{
	long available = (long)global_zone_page_state(NR_FREE_PAGES) - (long)totalreserve_pages;
	unsigned long pagecache = global_node_page_state(NR_ACTIVE_FILE) +
				  global_node_page_state(NR_INACTIVE_FILE);
	unsigned long reclaimable = global_node_page_state(NR_SLAB_RECLAIMABLE_B) +
				    global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);
	unsigned long wmark_low = 0;
	const struct zone *zone;

	for_each_zone(zone)
		wmark_low += low_wmark_pages(zone);
	pagecache -= min(pagecache / 2, wmark_low);
	available += (long)pagecache;
	available += (long)(reclaimable - min(reclaimable / 2, wmark_low));
	return available < 0 ? 0 : (unsigned long)available;
}

static int cmd_meminfo(int argc, char **argv)
{
	unsigned long free, high_free = 0, pcpu_pages;
	const struct zone *zone;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no zones yet (free_area_init has not run)");
	free = global_zone_page_state(NR_FREE_PAGES);
	for_each_zone(zone)
		if (is_highmem(zone))
			high_free += zone_page_state(zone, NR_FREE_PAGES);
	pcpu_pages = pcpu_chunk.base_addr ? pcpu_chunk.ai.unit_size * pcpu_chunk.ai.nr_units / PAGE_SIZE
					  : 0;

	show_val_kb("MemTotal", totalram_pages());
	show_val_kb("MemFree", free);
	show_val_kb("MemAvailable", si_mem_available());
	show_val_kb("Buffers", 0);
	show_val_kb("Cached", global_node_page_state(NR_FILE_PAGES));
	show_val_kb("SwapCached", 0);
	show_val_kb("Active", global_node_page_state(NR_ACTIVE_ANON) +
				      global_node_page_state(NR_ACTIVE_FILE));
	show_val_kb("Inactive", global_node_page_state(NR_INACTIVE_ANON) +
					global_node_page_state(NR_INACTIVE_FILE));
	show_val_kb("Active(anon)", global_node_page_state(NR_ACTIVE_ANON));
	show_val_kb("Inactive(anon)", global_node_page_state(NR_INACTIVE_ANON));
	show_val_kb("Active(file)", global_node_page_state(NR_ACTIVE_FILE));
	show_val_kb("Inactive(file)", global_node_page_state(NR_INACTIVE_FILE));
	show_val_kb("Unevictable", global_node_page_state(NR_UNEVICTABLE));
	show_val_kb("Mlocked", global_zone_page_state(NR_MLOCK));
#ifdef CONFIG_HIGHMEM
	show_val_kb("HighTotal", totalhigh_pages());
	show_val_kb("HighFree", high_free);
	show_val_kb("LowTotal", totalram_pages() - totalhigh_pages());
	show_val_kb("LowFree", free - high_free);
#endif
	show_val_kb("SwapTotal", 0);
	show_val_kb("SwapFree", 0);
	show_val_kb("Dirty", global_node_page_state(NR_FILE_DIRTY));
	show_val_kb("Writeback", global_node_page_state(NR_WRITEBACK));
	show_val_kb("AnonPages", global_node_page_state(NR_ANON_MAPPED));
	show_val_kb("Mapped", global_node_page_state(NR_FILE_MAPPED));
	show_val_kb("Shmem", global_node_page_state(NR_SHMEM));
	show_val_kb("KReclaimable", global_node_page_state(NR_SLAB_RECLAIMABLE_B) +
					    global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb("Slab", global_node_page_state(NR_SLAB_RECLAIMABLE_B) +
				    global_node_page_state(NR_SLAB_UNRECLAIMABLE_B));
	show_val_kb("SReclaimable", global_node_page_state(NR_SLAB_RECLAIMABLE_B));
	show_val_kb("SUnreclaim", global_node_page_state(NR_SLAB_UNRECLAIMABLE_B));
	shprintf("KernelStack:    %8lu kB\n", global_node_page_state(NR_KERNEL_STACK_KB));
	show_val_kb("PageTables", global_node_page_state(NR_PAGETABLE));
	show_val_kb("SecPageTables", global_node_page_state(NR_SECONDARY_PAGETABLE));
	show_val_kb("NFS_Unstable", 0);
	show_val_kb("Bounce", global_zone_page_state(NR_BOUNCE));
	show_val_kb("WritebackTmp", global_node_page_state(NR_WRITEBACK_TEMP));
	show_val_kb("CommitLimit", totalram_pages() * 50 / 100); /* overcommit_ratio 50, no swap */
	show_val_kb("Committed_AS", 0);
	shprintf("VmallocTotal:   %8lu kB\n", (unsigned long)(VMALLOC_END - VMALLOC_START) >> 10);
	show_val_kb("VmallocUsed", vmalloc_nr_pages());
	show_val_kb("VmallocChunk", 0);
	show_val_kb("Percpu", pcpu_pages);
	show_val_kb("CmaTotal", totalcma_pages);
	show_val_kb("CmaFree", global_zone_page_state(NR_FREE_CMA_PAGES));
	return 0;
}
SHELL_CMD("meminfo", cmd_meminfo, "meminfo",
	  "total, free and available memory, highmem, CMA (/proc/meminfo's lines)");

static int cmd_vmstat(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no zones yet (free_area_init has not run)");
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		shprintf("%s %lu\n", zone_stat_names[i],
			 global_zone_page_state((enum zone_stat_item)i));
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		shprintf("%s %lu\n", node_stat_names[i],
			 global_node_page_state((enum node_stat_item)i));
	return 0;
}
SHELL_CMD("vmstat", cmd_vmstat, "vmstat",
	  "the zone and node counters pimm keeps, summed (/proc/vmstat's first lines)");

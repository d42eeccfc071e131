/*
 * test_stream.c - the state stream's memory side (kernel/mm/mm_stream.c) on the real
 * allocator: a seeded random run with the stream on, every record written to a file for
 * tools/testing/explore/test_stream.py, which checks each one against the schema
 * (tools/explorer/schema.py), replays the events on the first snapshot and compares the
 * result with the last snapshot.
 *
 * Machine: test_random's (96 MiB, 64 MiB lowmem, 32 MiB HighMem, an 8 MiB CMA area, 4 CPUs).
 * The run flushes after batches of random sizes, some far larger than the ring, so the
 * "resync" path (lost events, a snapshot instead) is taken as well as the plain one.
 *
 *   test_buddy_stream OUT [SEED [OPS]]     writes OUT, one JSON record per line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pimm/mm_stream.h>

#include "support_buddy.h"

#define MAX_LIVE 20000

struct live {
	unsigned long pfn;
	unsigned int order;
};

static struct live live[MAX_LIVE];
static int nlive;
static unsigned long long rng;
static FILE *out;
static unsigned long resyncs, events_batches;

static unsigned long rnd(unsigned long n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned long)((rng * 2685821657736338717ULL) >> 33) % n;
}

static void file_sink(void *ctx, const char *s, unsigned int n)
{
	fwrite(s, 1, n, ctx);
}

/* A snapshot with the parts the memory side writes; the shell's parts are empty here. */
static void snapshot(const char *why, unsigned long lost)
{
	struct json_out j;

	mm_stream_snapshot_open(&j, why, lost);
	json_arr_open(&j, "layout");
	json_arr_close(&j);
	json_obj_open(&j, "memblock");
	json_arr_open(&j, "memory");
	json_arr_close(&j);
	json_arr_open(&j, "reserved");
	json_arr_close(&j);
	json_obj_close(&j);
	mm_stream_emit_zones(&j);
	mm_stream_emit_pcp(&j);
	json_arr_open(&j, "slabs");
	json_arr_close(&j);
	json_arr_open(&j, "vmalloc");
	json_arr_close(&j);
	json_arr_open(&j, "pkmap");
	json_arr_close(&j);
	json_arr_open(&j, "cma");
	json_arr_close(&j);
	json_obj_close(&j);
	json_end_line(&j);
}

/* A flush point as kernel/shell/stream.c makes one: events or a resync, pagesets, "flush". */
static void flush(unsigned long step)
{
	unsigned long lost = mm_stream_flush_events();
	char cmd[32];

	if (lost) {
		snapshot("resync", lost);
		resyncs++;
	} else {
		events_batches++;
	}
	mm_stream_emit_pcp_changes();
	snprintf(cmd, sizeof(cmd), "step %lu", step);
	mm_stream_emit_flush(cmd, false);
}

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER,
	GFP_KERNEL | __GFP_RECLAIMABLE,
};

static void do_alloc(void)
{
	unsigned int r = (unsigned int)rnd(100);
	unsigned int order = r < 60 ? 0 : r < 80 ? 1 + (unsigned int)rnd(3) : 4 + (unsigned int)rnd(7);
	struct page *page;

	set_cpu((unsigned int)rnd(4));
	page = alloc_pages(gfps[rnd(ARRAY_SIZE(gfps))] | __GFP_NOWARN, order);
	if (page)
		live[nlive++] = (struct live){page_to_pfn(page), order};
}

static void do_free(void)
{
	int i = (int)rnd((unsigned long)nlive);
	struct live b = live[i];

	live[i] = live[--nlive];
	set_cpu((unsigned int)rnd(4));
	__free_pages(pfn_to_page(b.pfn), b.order);
}

int main(int argc, char **argv)
{
	struct buddy_cfg cfg = {.ram = M(96), .lowmem_limit = M(64), .cma_base = M(32),
				.cma_size = M(8)};
	unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	unsigned long ops = argc > 3 ? strtoul(argv[3], NULL, 0) : 200000, batch = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OUT [SEED [OPS]]\n", argv[0]);
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	buddy_boot(&cfg);
	mm_stream_set_sink(file_sink, out);
	mm_stream_listen(true);
	snapshot("request", 0);
	for (unsigned long step = 0; step < ops; step++) {
		unsigned long r = rnd(1000);

		if (nlive && (r < 430 || nlive == MAX_LIVE))
			do_free();
		else if (r < 995)
			do_alloc();
		else
			drain_all_pages(NULL);
		if (!batch--) {
			flush(step);
			/* mostly short batches, now and then one that overflows the ring */
			batch = rnd(10) ? rnd(300) : MM_STREAM_RING + rnd(4 * MM_STREAM_RING);
		}
	}
	flush(ops);
	while (nlive) { /* in short batches: the stream's last events are plain ones */
		do_free();
		if (nlive % 64 == 0)
			flush(ops);
	}
	set_cpu(0);
	drain_all_pages(NULL);
	flush(ops);
	snapshot("request", 0);
	fclose(out);
	printf("seed %lu, %lu steps: %lu event batches, %lu resyncs\n", seed, ops, events_batches,
	       resyncs);
	return 0;
}

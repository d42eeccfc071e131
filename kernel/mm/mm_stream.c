/*
 * mm_stream.c - the state stream's memory side (include/pimm/mm_stream.h,
 * docs/state-stream.md): the buddy free-list events, their ring, and the zone and pageset
 * parts of a snapshot, as newline-delimited JSON records.
 *
 * Linux has no such stream. The nearest are Linux's kmem tracepoints (include/trace/events/
 * kmem.h: mm_page_alloc_zone_locked, mm_page_pcpu_drain...), read through tracefs. pimm's
 * hooks sit where Linux's free-list helpers are (mm/page_alloc.c: __add_to_free_list,
 * move_to_free_list, del_page_from_free_list, set_pageblock_migratetype), so replaying the
 * events on a snapshot gives the free lists exactly.
 *
 * Where it sits: after boot. Nothing is recorded until a listener asks for a snapshot
 * (kernel/shell/stream.c calls mm_stream_listen); then
 *
 *   __mm_stream_freelist (any CPU, inside zone->lock)
 *        |  mm_stream_lock: seq++, append {seq, op, zone, pfn, order, mt}
 *        v
 *   ring[0 .. MM_STREAM_RING)  --full-->  lost++ (nothing recorded until the next flush)
 *        |
 *   mm_stream_flush_events (CPU 0: the shell's flush points): copy out, write one
 *   record per event; when events were lost, write none and return the count: the caller
 *   sends a "resync" snapshot instead (coalescing: the stream never falls behind).
 *
 * A snapshot's zone carries "seq": the last event already in its blocks (read under
 * zone->lock, where every event of that zone is recorded), so a reader applies only later
 * events to it, whatever the interleaving with other zones and CPUs.
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <asm/smp.h>
#include <pimm/mm_stream.h>

bool mm_stream_listening;
DEFINE_STATIC_KEY_FALSE(mm_stream_key);

struct mm_stream_event {
	u32 seq;
	u32 pfn;
	u8 op;    /* enum mm_stream_op */
	u8 ctx;   /* enum mm_stream_ctx of the CPU at the time */
	u8 zone;  /* zone_idx */
	u8 order; /* or 0xff: a pageblock event */
	u8 mt;
};

#define PAGEBLOCK_EVENT 0xff

static DEFINE_SPINLOCK(mm_stream_lock);
static struct mm_stream_event ring[MM_STREAM_RING], ring_out[MM_STREAM_RING];
static unsigned int ring_len;
static unsigned long ring_lost;
static unsigned long seq;
static u8 cpu_ctx[NR_CPUS];
static const struct mm_stream_port *stream_port;
static json_sink_t test_sink;
static void *test_sink_ctx;

/* The pageset values last sent per CPU and zone (count, high, batch); -1: never sent. */
static int pcp_sent[NR_CPUS][MAX_NR_ZONES][3];

/* Letters of a snapshot's "pageblocks" string, in enum migratetype order. */
static const char mt_letter[MIGRATE_TYPES] = {'U', 'M', 'R', 'H', 'C', 'I'};

static void port_sink(void *ctx, const char *s, unsigned int n)
{
	(void)ctx;
	stream_port->write(s, n);
}

static void null_sink(void *ctx, const char *s, unsigned int n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

/* Contract: j writes to the channel (the host test's sink, the port, or nowhere). */
void mm_stream_record(struct json_out *j)
{
	if (test_sink)
		json_begin(j, test_sink, test_sink_ctx);
	else
		json_begin(j, stream_port ? port_sink : null_sink, NULL);
}

void mm_stream_set_sink(json_sink_t sink, void *ctx)
{
	test_sink = sink;
	test_sink_ctx = ctx;
}

const struct mm_stream_port *mm_stream_port(void)
{
	return stream_port;
}

/* Contract: the board's channel is port; announces the stream with a "hello" record. */
void mm_stream_register_port(const struct mm_stream_port *port)
{
	struct json_out j;

	stream_port = port;
	mm_stream_record(&j);
	json_obj_open(&j, NULL);
	json_str(&j, "t", "hello");
	json_uint(&j, "v", 1);
	json_str(&j, "kernel", "pimm");
	json_obj_close(&j);
	json_end_line(&j);
}

/*
 * Contract: events are recorded from now on (on: every CPU's hooks jump when this returns,
 * so a snapshot taken next misses none) or no longer (off: the ring empties). Not with IRQs
 * off: turning the key waits for the other CPUs (kernel/jump_label.c).
 */
void mm_stream_listen(bool on)
{
	unsigned long flags;

	spin_lock_irqsave(&mm_stream_lock, flags);
	ring_len = 0;
	ring_lost = 0;
	memset(cpu_ctx, 0, sizeof(cpu_ctx));
	memset(pcp_sent, 0xff, sizeof(pcp_sent));
	WRITE_ONCE(mm_stream_listening, on);
	spin_unlock_irqrestore(&mm_stream_lock, flags);
	if (on)
		static_branch_enable(&mm_stream_key);
	else
		static_branch_disable(&mm_stream_key);
}

unsigned long mm_stream_seq(void)
{
	return READ_ONCE(seq);
}

void mm_stream_emit_flush(const char *cmd, bool running)
{
	struct json_out j;

	mm_stream_record(&j);
	json_obj_open(&j, NULL);
	json_str(&j, "t", "flush");
	json_uint(&j, "seq", mm_stream_seq());
	json_str(&j, "cmd", cmd);
	json_bool(&j, "running", running);
	json_obj_close(&j);
	json_end_line(&j);
}

void mm_stream_snapshot_open(struct json_out *j, const char *why, unsigned long lost)
{
	mm_stream_record(j);
	json_obj_open(j, NULL);
	json_str(j, "t", "snapshot");
	json_uint(j, "seq", mm_stream_seq());
	json_str(j, "why", why);
	json_uint(j, "lost", lost);
	json_uint(j, "pageblock_order", pageblock_order);
	json_uint(j, "max_order", MAX_ORDER);
}

/* Append one event (or count it lost when the ring is full). */
static void mm_stream_append(struct mm_stream_event ev)
{
	unsigned long flags;

	spin_lock_irqsave(&mm_stream_lock, flags);
	ev.seq = (u32)++seq;
	if (ring_lost || ring_len == MM_STREAM_RING)
		ring_lost++;
	else
		ring[ring_len++] = ev;
	spin_unlock_irqrestore(&mm_stream_lock, flags);
}

void __mm_stream_set_ctx(enum mm_stream_ctx ctx)
{
	cpu_ctx[smp_processor_id()] = (u8)ctx;
}

void __mm_stream_freelist(enum mm_stream_op op, struct zone *zone, unsigned long pfn,
			  unsigned int order, int mt)
{
	mm_stream_append((struct mm_stream_event){
		.pfn = (u32)pfn, .op = (u8)op, .ctx = cpu_ctx[smp_processor_id()],
		.zone = (u8)zone_idx(zone), .order = (u8)order, .mt = (u8)mt});
}

void __mm_stream_pageblock(struct zone *zone, unsigned long pfn, int mt)
{
	mm_stream_append((struct mm_stream_event){
		.pfn = (u32)pfn, .zone = (u8)zone_idx(zone), .order = PAGEBLOCK_EVENT,
		.mt = (u8)mt});
}

/* The "t" of a free-list event: what the change was part of (docs/state-stream.md). */
static const char *event_name(const struct mm_stream_event *ev)
{
	if (ev->order == PAGEBLOCK_EVENT)
		return "pageblock";
	if (ev->op == MM_STREAM_MOVE)
		return "move";
	if (ev->op == MM_STREAM_ADD)
		return ev->ctx == MM_STREAM_CTX_ALLOC ? "split" : "free";
	if (ev->ctx == MM_STREAM_CTX_FREE)
		return "merge";
	return ev->ctx == MM_STREAM_CTX_ISOLATE ? "isolate" : "alloc";
}

static void emit_event(const struct mm_stream_event *ev)
{
	struct json_out j;

	mm_stream_record(&j);
	json_obj_open(&j, NULL);
	json_str(&j, "t", event_name(ev));
	json_uint(&j, "seq", ev->seq);
	json_str(&j, "zone", NODE_DATA(0)->node_zones[ev->zone].name);
	json_uint(&j, "pfn", ev->pfn);
	if (ev->order != PAGEBLOCK_EVENT)
		json_uint(&j, "order", ev->order);
	if (ev->mt < MIGRATE_TYPES) /* a deletion does not know its list: the reader does */
		json_str(&j, "mt", migratetype_names[ev->mt]);
	json_obj_close(&j);
	json_end_line(&j);
}

/*
 * Contract: writes every recorded event, oldest first, and empties the ring. Returns the
 * number lost to a full ring: then nothing is written (a snapshot must follow).
 */
unsigned long mm_stream_flush_events(void)
{
	unsigned long flags, lost;
	unsigned int n, i;

	spin_lock_irqsave(&mm_stream_lock, flags);
	n = ring_len;
	lost = ring_lost;
	memcpy(ring_out, ring, n * sizeof(ring[0]));
	ring_len = 0;
	ring_lost = 0;
	spin_unlock_irqrestore(&mm_stream_lock, flags);
	if (lost)
		return lost + n;
	for (i = 0; i < n; i++)
		emit_event(&ring_out[i]);
	return 0;
}

/* ---- snapshot parts ---------------------------------------------------------------------- */

/* "nr_free": one row per order, one count per migratetype (the lists' lengths). */
static void emit_nr_free(struct json_out *j, struct zone *zone)
{
	json_arr_open(j, "nr_free");
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		json_arr_open(j, NULL);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *head = &zone->free_area[order].free_list[mt], *pos;
			unsigned long n = 0;

			for (pos = head->next; pos != head; pos = pos->next)
				n++;
			json_uint(j, NULL, n);
		}
		json_arr_close(j);
	}
	json_arr_close(j);
}

/* "blocks": [pfn, order, "mt"] for every free block on the zone's lists. */
static void emit_blocks(struct json_out *j, struct zone *zone)
{
	json_arr_open(j, "blocks");
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *head = &zone->free_area[order].free_list[mt], *pos;

			for (pos = head->next; pos != head; pos = pos->next) {
				struct page *page = list_entry(pos, struct page, buddy_list);

				json_arr_open(j, NULL);
				json_uint(j, NULL, page_to_pfn(page));
				json_uint(j, NULL, order);
				json_str(j, NULL, migratetype_names[mt]);
				json_arr_close(j);
			}
		}
	}
	json_arr_close(j);
}

/* "pageblocks": a letter per pageblock from the zone's first one, '-' without a memmap. */
static void emit_pageblocks(struct json_out *j, struct zone *zone)
{
	unsigned long start = round_down(zone->zone_start_pfn, pageblock_nr_pages);
	unsigned long end = zone->zone_start_pfn + zone->spanned_pages;
	char buf[64];
	unsigned int n = 0;

	json_str_begin(j, "pageblocks");
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages) {
		buf[n++] = pfn_valid(pfn) ? mt_letter[get_pageblock_migratetype(pfn_to_page(pfn))]
					  : '-';
		if (n == sizeof(buf)) {
			json_str_part(j, buf, n);
			n = 0;
		}
	}
	json_str_part(j, buf, n);
	json_str_end(j);
}

/* One zone of a snapshot, read under zone->lock (so "seq" orders it against its events). */
static void emit_zone(struct json_out *j, struct zone *zone)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	json_obj_open(j, NULL);
	json_str(j, "name", zone->name);
	json_uint(j, "seq", mm_stream_seq());
	json_uint(j, "start_pfn", zone->zone_start_pfn);
	json_uint(j, "spanned", zone->spanned_pages);
	json_uint(j, "present", zone->present_pages);
	json_uint(j, "managed", zone_managed_pages(zone));
	json_uint(j, "free", zone_page_state(zone, NR_FREE_PAGES));
	json_arr_open(j, "wmark");
	for (int i = WMARK_MIN; i <= WMARK_HIGH; i++) /* as /proc/zoneinfo: min, low, high */
		json_uint(j, NULL, wmark_pages(zone, i));
	json_arr_close(j);
	emit_nr_free(j, zone);
	emit_blocks(j, zone);
	emit_pageblocks(j, zone);
	json_obj_close(j);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Contract: writes "zones":[...] into the open snapshot object j. */
void mm_stream_emit_zones(struct json_out *j)
{
	struct zone *zone;

	json_arr_open(j, "zones");
	for_each_populated_zone(zone)
		emit_zone(j, zone);
	json_arr_close(j);
}

/* One pageset's members; remembers them as sent. */
static void emit_pageset(struct json_out *j, unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
	int *sent = pcp_sent[cpu][zone_idx(zone)];

	sent[0] = READ_ONCE(pcp->count);
	sent[1] = READ_ONCE(pcp->high);
	sent[2] = READ_ONCE(pcp->batch);
	json_uint(j, "cpu", cpu);
	json_str(j, "zone", zone->name);
	json_int(j, "count", sent[0]);
	json_int(j, "high", sent[1]);
	json_int(j, "batch", sent[2]);
}

/* Contract: writes "pcp":[...] (every CPU, every populated zone) into the snapshot j. */
void mm_stream_emit_pcp(struct json_out *j)
{
	struct zone *zone;

	json_arr_open(j, "pcp");
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		for_each_populated_zone(zone) {
			json_obj_open(j, NULL);
			emit_pageset(j, cpu, zone);
			json_obj_close(j);
		}
	}
	json_arr_close(j);
}

/* True when the pageset differs from what was last sent. */
static bool pageset_changed(unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
	const int *sent = pcp_sent[cpu][zone_idx(zone)];

	return sent[0] != READ_ONCE(pcp->count) || sent[1] != READ_ONCE(pcp->high) ||
	       sent[2] != READ_ONCE(pcp->batch);
}

/* Contract: one "pcp" record per pageset changed since it was last sent (coalesced). */
void mm_stream_emit_pcp_changes(void)
{
	struct zone *zone;
	struct json_out j;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		for_each_populated_zone(zone) {
			if (!pageset_changed(cpu, zone))
				continue;
			mm_stream_record(&j);
			json_obj_open(&j, NULL);
			json_str(&j, "t", "pcp");
			json_uint(&j, "seq", mm_stream_seq());
			emit_pageset(&j, cpu, zone);
			json_obj_close(&j);
			json_end_line(&j);
		}
	}
}

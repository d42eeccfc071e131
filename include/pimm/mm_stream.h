/*
 * pimm/mm_stream.h - the state stream: the memory pipeline's state as newline-delimited JSON
 * on a channel of its own (docs/state-stream.md), for the browser explorer (tools/explore).
 *
 * Where it sits: the board registers the channel (the mini UART, mach-bcm2836/aux_uart.c);
 * the buddy allocator's free-list helpers call the hooks below; the shell flushes after each
 * command and answers requests while it waits (kernel/shell/stream.c). With no listener a
 * hook is one NOP: a static key (include/linux/jump_label.h), as Linux's tracepoints.
 *
 *   hook (any CPU, zone->lock held)        flush point (CPU 0, shell)
 *   mm_stream_freelist() --> ring[1024] --> mm_stream_flush_events() --> port->write
 *                              | full: count lost, record nothing; the flush sends a
 *                              v "resync" snapshot instead (coalescing)
 */
#ifndef PIMM_MM_STREAM_H
#define PIMM_MM_STREAM_H

#include <linux/compiler.h>
#include <linux/jump_label.h>
#include <linux/types.h>
#include <pimm/json.h>

struct zone;

/* The board's channel: write bytes (polled), read one byte or -1, bytes waiting? */
struct mm_stream_port {
	const char *name;
	void (*write)(const char *s, unsigned int n);
	int (*getc)(void);
	bool (*rx_pending)(void);
};

/* Free-list operations, as the helpers in page_buddy.c do them. */
enum mm_stream_op {
	MM_STREAM_ADD,  /* add_to_free_list(_tail) */
	MM_STREAM_DEL,  /* del_page_from_free_list */
	MM_STREAM_MOVE, /* move_to_free_list */
};

/* What the CPU is doing, which names an ADD or DEL (docs/state-stream.md: buddy events). */
enum mm_stream_ctx {
	MM_STREAM_CTX_NONE,    /* DEL = alloc, ADD = free */
	MM_STREAM_CTX_ALLOC,   /* __rmqueue_smallest: DEL = alloc, ADD = split */
	MM_STREAM_CTX_FREE,    /* __free_one_page: DEL = merge, ADD = free */
	MM_STREAM_CTX_ISOLATE, /* __isolate_free_page: DEL = isolate */
};

#define MM_STREAM_RING 1024

extern bool mm_stream_listening;
/* On while mm_stream_listening: the hooks below are one NOP each while it is off. */
DECLARE_STATIC_KEY_FALSE(mm_stream_key);

void __mm_stream_freelist(enum mm_stream_op op, struct zone *zone, unsigned long pfn,
			  unsigned int order, int mt);
void __mm_stream_pageblock(struct zone *zone, unsigned long pfn, int mt);
void __mm_stream_set_ctx(enum mm_stream_ctx ctx);

/* A free list changed (caller holds zone->lock); mt: the list the block is (was) on. */
static inline void mm_stream_freelist(enum mm_stream_op op, struct zone *zone,
				      unsigned long pfn, unsigned int order, int mt)
{
	if (static_branch_unlikely(&mm_stream_key))
		__mm_stream_freelist(op, zone, pfn, order, mt);
}

/* A pageblock's migratetype changed. */
static inline void mm_stream_pageblock(struct zone *zone, unsigned long pfn, int mt)
{
	if (static_branch_unlikely(&mm_stream_key))
		__mm_stream_pageblock(zone, pfn, mt);
}

/* Name what this CPU's next free-list changes are part of (NONE when done). */
static inline void mm_stream_set_ctx(enum mm_stream_ctx ctx)
{
	if (static_branch_unlikely(&mm_stream_key))
		__mm_stream_set_ctx(ctx);
}

/* ---- the stream's side (kernel/mm/mm_stream.c) ---- */

/* The board's channel; sends the "hello" record. */
void mm_stream_register_port(const struct mm_stream_port *port);
/* The registered channel, or NULL. */
const struct mm_stream_port *mm_stream_port(void);
/* Start a record on the channel (or on a host test's sink). */
void mm_stream_record(struct json_out *j);
/* Turn events on (a listener asked for a snapshot) or off. */
void mm_stream_listen(bool on);
/* Write out the recorded events; returns how many were lost (0: the ring kept up). */
unsigned long mm_stream_flush_events(void);
/* Start a "snapshot" record: its type, seq, why ("request" or "resync"), lost events and
 * the buddy constants; the caller adds the parts and closes the object. */
void mm_stream_snapshot_open(struct json_out *j, const char *why, unsigned long lost);
/* The "flush" record that ends a batch: cmd names the command, running while it goes on. */
void mm_stream_emit_flush(const char *cmd, bool running);
/* The zones part of a snapshot: every populated zone, its free blocks and pageblocks. */
void mm_stream_emit_zones(struct json_out *j);
/* The pcp part: every CPU's pageset of every populated zone. */
void mm_stream_emit_pcp(struct json_out *j);
/* "pcp" records for the pagesets that changed since they were last sent. */
void mm_stream_emit_pcp_changes(void);
/* The last sequence number handed out. */
unsigned long mm_stream_seq(void);

/* ---- the shell's side (kernel/shell/stream.c), CPU 0 only ---- */

/* The shell waits for a key: answer the host's requests. */
void mm_stream_idle(void);
/* Bytes from the host wait to be read (the shell must not sleep in wfi then). */
bool mm_stream_rx_pending(void);
/* A command line starts / has finished (its changes are flushed, then a "flush" record). */
void mm_stream_command_start(const char *line);
void mm_stream_command_done(void);
/* A long command calls this often: every 100 ms the changes so far are flushed. */
void mm_stream_poll(void);

/* Host tests: write records to sink instead of a port. */
void mm_stream_set_sink(json_sink_t sink, void *ctx);

#endif

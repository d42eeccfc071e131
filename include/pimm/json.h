/*
 * pimm/json.h - a streaming JSON writer (lib/json.c): no buffer, no allocation; each call
 * writes its piece straight to a sink, with the commas and quotes JSON needs.
 *
 * Where it sits: the state stream (kernel/mm/mm_stream.c, kernel/shell/stream.c) formats its
 * records with it onto the mini UART; the host tests format into memory.
 *
 *   struct json_out j;
 *   json_begin(&j, sink, ctx);          {"t":"pcp","cpu":0,"zone":"Normal",
 *   json_obj_open(&j, NULL);             "wmark":[1,2,3]}\n
 *   json_str(&j, "t", "pcp");
 *   json_uint(&j, "cpu", 0);  ...
 *   json_arr_open(&j, "wmark"); json_uint(&j, NULL, 1); ... json_arr_close(&j);
 *   json_obj_close(&j);
 *   json_end_line(&j);
 *
 * Keys are given inside objects and NULL inside arrays; nesting is at most JSON_MAX_DEPTH.
 */
#ifndef PIMM_JSON_H
#define PIMM_JSON_H

#include <linux/types.h>

#define JSON_MAX_DEPTH 16

typedef void (*json_sink_t)(void *ctx, const char *s, unsigned int n);

struct json_out {
	json_sink_t write;
	void *ctx;
	unsigned int depth; /* open containers */
	u32 has_items;      /* bit d: the container at depth d has an item already */
	bool overflow;      /* nesting went past JSON_MAX_DEPTH: the record is broken */
};

/* Start a record on sink(ctx, bytes, count). */
void json_begin(struct json_out *j, json_sink_t write, void *ctx);
/* Open / close an object or an array; key names it inside an object, NULL elsewhere. */
void json_obj_open(struct json_out *j, const char *key);
void json_obj_close(struct json_out *j);
void json_arr_open(struct json_out *j, const char *key);
void json_arr_close(struct json_out *j);
/* One member (key inside an object) or element (key NULL). */
void json_uint(struct json_out *j, const char *key, unsigned long long v);
void json_int(struct json_out *j, const char *key, long long v);
void json_bool(struct json_out *j, const char *key, bool v);
void json_str(struct json_out *j, const char *key, const char *s);
/* A string of n bytes (need not be NUL-terminated). */
void json_strn(struct json_out *j, const char *key, const char *s, unsigned int n);
/* A string written in parts: begin, any number of parts (escaped), end. */
void json_str_begin(struct json_out *j, const char *key);
void json_str_part(struct json_out *j, const char *s, unsigned int n);
void json_str_end(struct json_out *j);
/* End the record: "\n" (all containers must be closed). */
void json_end_line(struct json_out *j);

#endif

/*
 * exercise.h - call every accessor of lib/fdt_reader.c on one blob (tools/testing/fdt), shared by the
 * unit test (hand-broken blobs) and the libFuzzer target.
 */
#ifndef _PIMM_TEST_FDT_EXERCISE_H
#define _PIMM_TEST_FDT_EXERCISE_H

#include <stddef.h>

/* Validate the blob of @size bytes at @fdt and, if dt_check_header accepts it, walk every
 * node and property through every accessor. Returns a checksum of the bytes read (so that
 * no read can be optimised away); ASan reports any read outside the buffer. */
unsigned long dt_exercise(const void *fdt, size_t size);

#endif

/*
 * fuzz_fdt.c - libFuzzer target for lib/fdt_reader.c: every input is handed to dt_check_header,
 * dt_check_full and then every accessor (exercise.c), from an exact-size heap copy at an
 * aligned and at an odd address, so ASan/UBSan see any read outside the blob.
 * Built and run by tools/testing/fdt/run-fuzz (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size + 1);
	unsigned long a, b;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	a = dt_exercise(copy, size);
	memmove(copy + 1, copy, size);
	b = dt_exercise(copy + 1, size);
	free(copy);
	if (a != b) /* the reader must not depend on the blob's alignment */
		abort();
	return 0;
}

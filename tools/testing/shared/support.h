/*
 * support.h - what the host suites share (tools/testing/shared/support.c): simulated RAM,
 * captured printk output, warning counts, memblock state reset and region assertions.
 */
#ifndef PIMM_TEST_SUPPORT_H
#define PIMM_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/memblock.h>

#define PHYS_ADDR_MAX (~(phys_addr_t)0)
/* (not <linux/kernel.h>: its compiler.h redefines glibc's __always_inline) */
#define SZ_4K	   0x00001000
#define SZ_64K	   0x00010000
#define SZ_1M	   0x00100000
#define SZ_16M	   0x01000000
#define SZ_256M	   0x10000000
#define MB_LOG_MAX 4096

extern char *mb_ram; /* PA 0 in this process: PA x lives at mb_ram + x */
/* qemu-arm has no 4 GiB to spare: there the simulated RAM is a window of MB_RAM_WINDOW bytes
 * (arm/support_arm.c) that a test places over [lowest, lowest + MB_RAM_WINDOW), where memblock
 * will allocate; no-op on the host, where every PA is backed. */
#define MB_RAM_WINDOW (32u << 20)
void mb_ram_place(phys_addr_t lowest);
/* Fail unless [base, base + size) lies in the backed part of the simulated RAM. */
void mb_ram_check(phys_addr_t base, phys_addr_t size, const char *what);
extern int mb_warns; /* __warn calls since the last reset */
extern const char *mb_last_warn;

/* Back to the boot-time state: empty types on the static arrays, limit ~0, top-down, no
 * debug, log and warning count cleared. Does not touch memblock_can_resize (static). */
void mb_reset(void);
int mb_reset_setup(void **state); /* cmocka setup wrapper */

/* Every printk call becomes one entry, KERN_ level stripped. */
int mb_log_count(void);
const char *mb_log(int i);
/* Every captured line joined into one string (valid until the next call). */
const char *mb_log_text(void);
void mb_log_clear(void);
int mb_log_level(int i); /* the KERN_ level digit, or -1 */

/* Look up an ELF section of this executable (host address, size); false if absent. */
bool mb_find_section(const char *name, void **addr, size_t *size);

/* Check that line is `prefix` followed by `+0xOFF/0xSIZE\n` (a %pS of a function). */
void mb_assert_trace(const char *line, const char *prefix, const char *symbol);

struct exp_region {
	phys_addr_t base, size;
	unsigned int flags;
};
void mb_check_type(struct memblock_type *type, const struct exp_region *exp, int n,
		   const char *file, int line);
#define CHECK_TYPE(type, ...)                                                                      \
	do {                                                                                       \
		const struct exp_region __e[] = {__VA_ARGS__};                                     \
		mb_check_type(type, __e, (int)(sizeof(__e) / sizeof(__e[0])), __FILE__, __LINE__); \
	} while (0)
#define CHECK_EMPTY(type) mb_check_type(type, NULL, 0, __FILE__, __LINE__)

#endif

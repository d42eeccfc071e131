/*
 * support_arm.c - the qemu-arm half of the shared test support (the host's is
 * support_host.c): newlib with semihosting has neither mmap nor 4 GiB of address space, so
 * the simulated RAM is one MB_RAM_WINDOW-byte buffer that mb_ram_place slides under the
 * physical range a test will allocate from. lib/vsprintf.c's weak sprint_symbol prints %pS
 * as a bare address (no symbol table at run time).
 */
#include <string.h>

#include "support.h"

static char ram_window[MB_RAM_WINDOW] __attribute__((aligned(4096)));
static phys_addr_t window_base;
char *mb_ram = ram_window; /* until placed: PA [0, MB_RAM_WINDOW) */

void mb_ram_place(phys_addr_t lowest)
{
	window_base = lowest;
	mb_ram = (char *)((unsigned long)ram_window - (unsigned long)lowest);
	memset(ram_window, 0, sizeof(ram_window));
}

void mb_ram_check(phys_addr_t base, phys_addr_t size, const char *what)
{
	if (base < window_base || base - window_base + (unsigned long long)size > MB_RAM_WINDOW)
		fail_msg("%s [0x%08x, +0x%x) lies outside the simulated RAM window "
			 "[0x%08x, +0x%x)", what, (unsigned int)base, (unsigned int)size,
			 (unsigned int)window_base, MB_RAM_WINDOW);
}

/* No ELF image to read under semihosting. */
bool mb_find_section(const char *name, void **addr, size_t *size)
{
	(void)name;
	(void)addr;
	(void)size;
	return false;
}

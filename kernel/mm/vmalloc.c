/*
 * kernel/mm/vmalloc.c - vmap areas of the vmalloc range (Linux 6.1's mm/vmalloc.c). Not built
 * yet: only the place in mm_init where vmalloc_init will import the static mappings.
 */
#include <linux/init.h>
#include <linux/vmalloc.h>

/* Linux's vmalloc_init: vmap areas for the vmalloc range. The next stage (vmalloc). */
void __init vmalloc_init(void)
{
}

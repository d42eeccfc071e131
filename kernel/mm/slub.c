/*
 * kernel/mm/slub.c - the SLUB object allocator (Linux 6.1's mm/slub.c). Not built yet: only
 * the place in mm_init where kmem_cache_init will bootstrap the caches.
 */
#include <linux/init.h>
#include <linux/slab.h>

/* Linux's kmem_cache_init: the slab allocator's bootstrap caches. The next stage (slab). */
void __init kmem_cache_init(void)
{
}

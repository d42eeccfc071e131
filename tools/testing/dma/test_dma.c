/*
 * test_dma.c - the real kernel/dma/coherent.c and contiguous.c on the host: the devices of the
 * shared-dma-pool regions, dev_get_cma_area, the no-map pool's allocator and the hand-over of
 * everything else to arm_dma_alloc (a recording stand-in for arch/arm/mm/dma-mapping.c).
 *
 *   reserved_mem[] (as fdt_init_reserved_mem leaves it)      devices after dma_devices_init
 *   0 video@32000000       reusable, rmem_cma_ops  ------->  0 cma_area = &area_video
 *   1 flash@34000000       no-map, no ops           (skipped)
 *   2 linux,cma            reusable, default area   ------->  1 cma_area = &area_default
 *   3 broken@36000000      rmem_cma_ops, released   (skipped)
 *   4 coprocessor@3af00000 no-map, rmem_dma_ops    ------->  2 dma_mem (memremap: calloc)
 *   5 lost@3b800000        rmem_dma_ops, failed     (skipped)
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include <linux/cma.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/of_reserved_mem.h>
#include <linux/vmalloc.h>

#define POOL_BASE 0x3af00000UL
#define POOL_SIZE 0x100000UL
#define CMA_HANDLE 0x32000000UL

struct reserved_mem reserved_mem[MAX_RESERVED_REGIONS];
int reserved_mem_count;
struct cma *dma_contiguous_default_area;
static struct cma area_video, area_default;

/* ---- stand-ins: memremap (a host buffer) and the arch allocator (recorded) ---------------- */

static void *pool_mem;
static int arm_allocs, arm_frees;
static struct device *arm_last_dev;
static char arm_buf[0x4000];

void *memremap(phys_addr_t offset, size_t size, unsigned long flags)
{
	assert_int_equal(offset, POOL_BASE);
	assert_int_equal(flags, MEMREMAP_WC);
	pool_mem = malloc(size);
	memset(pool_mem, 0x5a, size); /* stale contents: dma_alloc_coherent must zero */
	return pool_mem;
}

void memunmap(void *addr)
{
	free(addr);
}

void *arm_dma_alloc(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp)
{
	arm_allocs++;
	arm_last_dev = dev;
	if (!dev_get_cma_area(dev) || size > sizeof(arm_buf))
		return NULL;
	*handle = CMA_HANDLE;
	return arm_buf;
}

bool arm_dma_free(struct device *dev, size_t size, void *cpu_addr, dma_addr_t handle)
{
	arm_frees++;
	arm_last_dev = dev;
	return cpu_addr == arm_buf && handle == CMA_HANDLE;
}

/* ---- the table and the devices --------------------------------------------------------- */

static void add_region(const char *name, phys_addr_t base, phys_addr_t size,
		       const struct reserved_mem_ops *ops, void *priv, bool released, bool failed)
{
	reserved_mem[reserved_mem_count++] = (struct reserved_mem){
		.name = name, .base = base, .size = size, .ops = ops, .priv = priv,
		.released = released, .failed = failed};
}

static int setup_devices(void **state)
{
	(void)state;
	add_region("video@32000000", 0x32000000, 0x2000000, &rmem_cma_ops, &area_video, false,
		   false);
	add_region("flash@34000000", 0x34000000, 0x1000000, NULL, NULL, false, false);
	add_region("linux,cma", 0x39000000, 0x1000000, &rmem_cma_ops, &area_default, false, false);
	add_region("broken@36000000", 0x36000000, 0x400000, &rmem_cma_ops, NULL, true, false);
	add_region("coprocessor@3af00000", POOL_BASE, POOL_SIZE, &rmem_dma_ops, NULL, false, false);
	add_region("lost@3b800000", 0x3b800000, 0x100000, &rmem_dma_ops, NULL, false, true);
	dma_contiguous_default_area = &area_default;
	assert_int_equal(dma_devices_init(), 0);
	return 0;
}

static void test_one_device_per_pool(void **state)
{
	struct device *video = dma_device_get(0), *def = dma_device_get(1), *cop = dma_device_get(2);

	(void)state;
	assert_non_null(video);
	assert_non_null(def);
	assert_non_null(cop);
	assert_null(dma_device_get(3));
	assert_null(dma_device_get(-1));
	assert_string_equal(dev_name(video), "video@32000000");
	assert_string_equal(dev_name(def), "linux,cma");
	assert_string_equal(dev_name(cop), "coprocessor@3af00000");
	assert_ptr_equal(video->cma_area, &area_video);
	assert_null(video->dma_mem);
	assert_ptr_equal(def->cma_area, &area_default);
	assert_null(cop->cma_area);
	assert_non_null(cop->dma_mem);
	assert_ptr_equal(reserved_mem[4].priv, cop->dma_mem); /* the pool hangs off its region */
	assert_ptr_equal(cop->dma_mem->virt_base, pool_mem);
	assert_int_equal(cop->dma_mem->device_base, POOL_BASE);
	assert_int_equal(cop->dma_mem->size, POOL_SIZE >> 12);
}

static void test_find_by_name_or_prefix(void **state)
{
	(void)state;
	assert_ptr_equal(dma_device_find("video"), dma_device_get(0));
	assert_ptr_equal(dma_device_find("video@32000000"), dma_device_get(0));
	assert_ptr_equal(dma_device_find("linux,cma"), dma_device_get(1));
	assert_ptr_equal(dma_device_find("coprocessor"), dma_device_get(2));
	assert_null(dma_device_find("vid"));
	assert_null(dma_device_find("flash"));
	assert_null(dma_device_find("broken"));
	assert_null(dma_device_find("lost"));
}

/* The device's own area, else the default one (Linux's dev_get_cma_area). */
static void test_dev_get_cma_area(void **state)
{
	struct device *video = dma_device_get(0);

	(void)state;
	assert_ptr_equal(dev_get_cma_area(video), &area_video);
	assert_ptr_equal(dev_get_cma_area(dma_device_get(2)), &area_default);
	assert_ptr_equal(dev_get_cma_area(NULL), &area_default);
	rmem_cma_ops.device_release(&reserved_mem[0], video);
	assert_null(video->cma_area);
	assert_ptr_equal(dev_get_cma_area(video), &area_default);
	assert_int_equal(rmem_cma_ops.device_init(&reserved_mem[0], video), 0);
	assert_ptr_equal(dev_get_cma_area(video), &area_video);
}

/* The pool first: 2^order aligned runs, zeroed, released; arm_dma_alloc never asked. */
static void test_coherent_pool(void **state)
{
	struct device *cop = dma_device_get(2);
	char *base = cop->dma_mem->virt_base;
	dma_addr_t h1, h2, h3;
	char *a, *b, *c;

	(void)state;
	arm_allocs = arm_frees = 0;
	a = dma_alloc_coherent(cop, 8192, &h1, GFP_KERNEL);
	b = dma_alloc_coherent(cop, 100, &h2, GFP_KERNEL);
	c = dma_alloc_coherent(cop, 5000, &h3, GFP_KERNEL); /* order 1: skips page 3 */
	assert_ptr_equal(a, base);
	assert_ptr_equal(b, base + 0x2000);
	assert_ptr_equal(c, base + 0x4000);
	assert_int_equal(h1, POOL_BASE);
	assert_int_equal(h2, POOL_BASE + 0x2000);
	assert_int_equal(h3, POOL_BASE + 0x4000);
	for (int i = 0; i < 8192; i++)
		assert_int_equal(a[i] | (i < 5000 ? c[i] : 0), 0); /* size bytes zeroed, as Linux */
	assert_int_equal(b[0] | b[99], 0);
	assert_int_equal(base[0x3000], 0x5a); /* the gap page was not touched */
	dma_free_coherent(cop, 100, b, h2);
	b = dma_alloc_coherent(cop, 4096, &h2, GFP_KERNEL);
	assert_ptr_equal(b, base + 0x2000);
	dma_free_coherent(cop, 8192, a, h1);
	dma_free_coherent(cop, 4096, b, h2);
	dma_free_coherent(cop, 5000, c, h3);
	for (int i = 0; i < (int)(POOL_SIZE >> 12) / (int)(8 * sizeof(long)); i++)
		assert_int_equal(cop->dma_mem->bitmap[i], 0);
	assert_int_equal(arm_allocs + arm_frees, 0);
}

/* A full pool fails without falling back (dma_alloc_from_dev_coherent said "mine"). */
static void test_pool_exhaustion(void **state)
{
	struct device *cop = dma_device_get(2);
	dma_addr_t h, h2;
	void *all, *none;

	(void)state;
	arm_allocs = 0;
	all = dma_alloc_coherent(cop, POOL_SIZE, &h, GFP_KERNEL);
	assert_non_null(all);
	none = dma_alloc_coherent(cop, 4096, &h2, GFP_KERNEL);
	assert_null(none);
	assert_null(dma_alloc_coherent(cop, POOL_SIZE + 1, &h2, GFP_KERNEL));
	assert_int_equal(arm_allocs, 0);
	dma_free_coherent(cop, POOL_SIZE, all, h);
	assert_non_null(none = dma_alloc_coherent(cop, 4096, &h2, GFP_KERNEL));
	dma_free_coherent(cop, 4096, none, h2);
}

/* A CMA device goes to arm_dma_alloc / arm_dma_free with itself. */
static void test_cma_device_goes_to_arch(void **state)
{
	struct device *video = dma_device_get(0);
	dma_addr_t h = 0;
	void *p;

	(void)state;
	arm_allocs = arm_frees = 0;
	p = dma_alloc_coherent(video, 0x3000, &h, GFP_KERNEL);
	assert_ptr_equal(p, arm_buf);
	assert_int_equal(h, CMA_HANDLE);
	assert_int_equal(arm_allocs, 1);
	assert_ptr_equal(arm_last_dev, video);
	mb_reset();
	dma_free_coherent(video, 0x3000, p, h);
	assert_int_equal(arm_frees, 1);
	assert_int_equal(mb_warns, 0);
	/* something neither the pool nor the area gave: a warning, nothing freed */
	dma_free_coherent(video, 0x1000, arm_buf + 1, CMA_HANDLE + 1);
	assert_int_equal(mb_warns, 1);
	assert_null(dma_alloc_coherent(video, 0x5000, &h, GFP_KERNEL)); /* the area said no */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_device_per_pool),
		cmocka_unit_test(test_find_by_name_or_prefix),
		cmocka_unit_test(test_dev_get_cma_area),
		cmocka_unit_test(test_coherent_pool),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_cma_device_goes_to_arch),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup_devices, NULL);
}

/*
 * EL2 stage-1 translation: an identity map (VA == PA) of RAM and of the
 * low device window, with the hypervisor image mapped W^X (text read-only
 * executable, rodata read-only, data and bss writable and never executable).
 * 39-bit VA, 4 KiB granule, start level 1: PAs below 512 GiB, which covers
 * QEMU virt's RAM and devices the hypervisor itself touches.
 */
#include "bootinfo.h"
#include "bug.h"
#include "mm.h"
#include "printk.h"
#include "sysregs.h"
#include "types.h"

#define PTE_VALID     (1UL << 0)
#define PTE_TABLE     (1UL << 1)     /* at levels 1-2; at level 3 a page */
#define PTE_ATTR(i)   ((uint64_t)(i) << 2)
#define PTE_AP_RO     (2UL << 6)     /* EL2 read-only */
#define PTE_SH_INNER  (3UL << 8)
#define PTE_AF        (1UL << 10)
#define PTE_XN        (1UL << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000UL

#define MAIR_DEVICE_nGnRE 0x04UL
#define MAIR_NORMAL_WB    0xffUL
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1

#define VA_BITS 39
#define TABLE_POOL_PAGES 64

static uint64_t root_table[512] __aligned(4096);
static uint64_t table_pool[TABLE_POOL_PAGES][512] __aligned(4096);
static unsigned int table_pool_used;

extern char _stext[], _etext[], _srodata[], _erodata[], _sdata[], _end[];

static uint64_t *new_table(void)
{
    if (table_pool_used == TABLE_POOL_PAGES)
        panic("EL2 page-table pool exhausted (%u pages)", TABLE_POOL_PAGES);
    return table_pool[table_pool_used++];
}

static uint64_t leaf_bits(enum map_kind kind)
{
    switch (kind) {
    case MAP_DEVICE:
        return PTE_ATTR(ATTR_DEVICE) | PTE_AF | PTE_XN;
    case MAP_TEXT:
        return PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RO;
    case MAP_RODATA:
        return PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RO | PTE_XN;
    case MAP_RAM:
    default:
        return PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_XN;
    }
}

/* Replace a block entry by a table of 512 entries mapping the same memory. */
static uint64_t *split_block(uint64_t *entry, unsigned int level)
{
    uint64_t old = *entry;
    uint64_t *t = new_table();
    uint64_t child_size = (level == 1) ? (1UL << 21) : (1UL << 12);

    for (unsigned int i = 0; i < 512; i++) {
        if (!(old & PTE_VALID))
            t[i] = 0;
        else
            t[i] = (old & ~PTE_ADDR_MASK & ~PTE_TABLE) + (old & PTE_ADDR_MASK) + i * child_size
                   + (level == 1 ? 0 : PTE_TABLE);
    }
    dsb_ishst();
    *entry = (uint64_t)(uintptr_t)t | PTE_VALID | PTE_TABLE;
    return t;
}

static void map_one(uint64_t addr, uint64_t size, uint64_t bits)
{
    uint64_t *table = root_table;
    for (unsigned int level = 1; level <= 3; level++) {
        unsigned int shift = 39 - 9 * level;       /* 30, 21, 12 */
        uint64_t *e = &table[(addr >> shift) & 511];
        if (size == (1UL << shift)) {
            *e = (addr & PTE_ADDR_MASK) | bits | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
            return;
        }
        if (!(*e & PTE_VALID)) {
            uint64_t *t = new_table();
            *e = (uint64_t)(uintptr_t)t | PTE_VALID | PTE_TABLE;
            table = t;
        } else if (!(*e & PTE_TABLE)) {
            table = split_block(e, level);
        } else {
            table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
        }
    }
    BUG();
}

void mm_map_range(paddr_t start, paddr_t size, enum map_kind kind)
{
    paddr_t addr = ROUNDDOWN(start, PAGE_SIZE);
    paddr_t end = ROUNDUP(start + size, PAGE_SIZE);

    BUG_ON(end > (1UL << VA_BITS) || end < addr);
    while (addr < end) {
        uint64_t step = PAGE_SIZE;
        if (IS_ALIGNED(addr, 1UL << 30) && end - addr >= (1UL << 30))
            step = 1UL << 30;
        else if (IS_ALIGNED(addr, 1UL << 21) && end - addr >= (1UL << 21))
            step = 1UL << 21;
        map_one(addr, step, leaf_bits(kind));
        addr += step;
    }
}

static void mm_map_image(void)
{
    uint64_t s = (uint64_t)(uintptr_t)_stext;
    mm_map_range(s, (uint64_t)(uintptr_t)_etext - s, MAP_TEXT);
    s = (uint64_t)(uintptr_t)_srodata;
    mm_map_range(s, (uint64_t)(uintptr_t)_erodata - s, MAP_RODATA);
    s = (uint64_t)(uintptr_t)_sdata;
    /* Up to the next 2 MiB: free RAM the page allocator will hand out. */
    mm_map_range(s, ROUNDUP((uint64_t)(uintptr_t)_end, 1UL << 21) - s, MAP_RAM);
}

static uint64_t mm_tcr(void)
{
    /* T0SZ, inner/outer WB WA, inner shareable, 4K granule, 40-bit PA, RES1. */
    return (64 - VA_BITS) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14) |
           (2UL << 16) | (1UL << 23) | (1UL << 31);
}

static void mm_enable_this_cpu(void)
{
    WRITE_SYSREG(MAIR_DEVICE_nGnRE | (MAIR_NORMAL_WB << 8), mair_el2);
    WRITE_SYSREG(mm_tcr(), tcr_el2);
    WRITE_SYSREG((uint64_t)(uintptr_t)root_table, ttbr0_el2);
    isb();
    __asm__ volatile("tlbi alle2" ::: "memory");
    dsb_sy();
    isb();
    WRITE_SYSREG(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_WXN,
                 sctlr_el2);
    isb();
}

/*
 * Before the device tree is read: the image W^X, the rest of its 1 GiB of
 * RAM (where the loader put the DTB and the modules) and the low device
 * window, so the early console and libfdt run with caches on.
 */
void mm_early_init(paddr_t dtb)
{
    uint64_t image_gib = ROUNDDOWN((uint64_t)(uintptr_t)_stext, 1UL << 30);

    mm_map_range(0, 1UL << 30, MAP_DEVICE);
    mm_map_image();
    for (uint64_t a = image_gib; a < image_gib + (1UL << 30); a += 1UL << 21) {
        if (a + (1UL << 21) <= ROUNDDOWN((uint64_t)(uintptr_t)_stext, 1UL << 21) ||
            a >= ROUNDUP((uint64_t)(uintptr_t)_end, 1UL << 21))
            mm_map_range(a, 1UL << 21, MAP_RAM);
    }
    if (dtb < image_gib || dtb >= image_gib + (1UL << 30))
        mm_map_range(ROUNDDOWN(dtb, 1UL << 21), 4UL << 20, MAP_RAM);
    mm_enable_this_cpu();
}

/* All RAM banks from the device tree (beyond the first GiB already mapped). */
void mm_map_ram(const struct bootinfo *bi)
{
    uint64_t image_gib = ROUNDDOWN((uint64_t)(uintptr_t)_stext, 1UL << 30);
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        paddr_t s = bi->mem[i].start, e = s + bi->mem[i].size;
        for (paddr_t a = ROUNDDOWN(s, 1UL << 21); a < e; a += 1UL << 21) {
            if (a >= image_gib && a < image_gib + (1UL << 30))
                continue;
            if (a + (1UL << 21) > (1UL << VA_BITS))
                break;
            mm_map_range(a, 1UL << 21, MAP_RAM);
        }
    }
    dsb_ish();
    __asm__ volatile("tlbi alle2is" ::: "memory");
    dsb_ish();
    isb();
}

void mm_enable_secondary(void)
{
    mm_enable_this_cpu();
}

/* Clean a range to the point of coherency (for CPUs or guests with caches off). */
void clean_dcache_range(const void *p, size_t size)
{
    uint64_t line = 64;
    uint64_t a = ROUNDDOWN((uint64_t)(uintptr_t)p, line);
    for (; a < (uint64_t)(uintptr_t)p + size; a += line)
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    dsb_sy();
}

void mm_clean_tables(void)
{
    clean_dcache_range(root_table, sizeof(root_table));
    clean_dcache_range(table_pool, sizeof(table_pool));
}

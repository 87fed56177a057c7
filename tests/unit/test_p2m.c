/*
 * Stage-2 tables: descriptor bits checked by walking the tables with the
 * format written out here independently of p2m.c, lookups, block use and
 * splitting, table freeing, argument checks, TLB flush calls, -ENOMEM, and a
 * randomised run against a shadow model.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "errno.h"
#include "p2m.h"
#include "page_alloc.h"

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

#define ARENA_SIZE MB(64)

/* The descriptor format, from the Arm ARM (VMSAv8-64 stage 2). */
#define D_INVALID   0ULL
#define D_BLOCK     1ULL
#define D_TABLE     3ULL
#define D_PAGE      3ULL
#define D_ADDR      0x0000FFFFFFFFF000ULL
#define A_MEM_WB    (0xFULL << 2)
#define A_MEM_DEV   (0x1ULL << 2)
#define A_MEM_MASK  (0xFULL << 2)
#define A_AP_RO     (1ULL << 6)
#define A_AP_RW     (3ULL << 6)
#define A_AP_MASK   (3ULL << 6)
#define A_SH_INNER  (3ULL << 8)
#define A_SH_MASK   (3ULL << 8)
#define A_AF        (1ULL << 10)
#define A_XN        (1ULL << 54)
#define A_SW(t)     ((uint64_t)(t) << 55)
#define A_SW_MASK   (0xFULL << 55)

#define NORMAL_RW (A_MEM_WB | A_AP_RW | A_SH_INNER | A_AF | A_SW(P2M_RAM_RW))

static void *arena;
static unsigned long free_at_start;

/* --- TLB flush hook ------------------------------------------------------- */

#define MAX_FLUSH_LOG 65536
static unsigned long flush_calls;
static struct { ipa_t ipa; uint64_t size; } flush_log[MAX_FLUSH_LOG];
static const struct p2m *flush_bad_p2m;
static const struct p2m *cur_p2m;

/*
 * Break-before-make witness: at each flush that covers watch_ipa, note
 * whether watch_ipa was a hole at that moment (the tables are read without
 * the lock, which p2m.c holds while it flushes).
 */
static ipa_t watch_ipa = UINT64_MAX;
static unsigned long watch_holes;
static uint64_t leaf_of(const struct p2m *p2m, ipa_t ipa);

static void watch(ipa_t ipa)
{
    watch_ipa = ipa;
    watch_holes = 0;
}

void arch_p2m_flush_tlb(const struct p2m *p2m, ipa_t ipa, uint64_t size)
{
    if (p2m != cur_p2m)
        flush_bad_p2m = p2m;
    if (ipa <= watch_ipa && watch_ipa - ipa < size && leaf_of(p2m, watch_ipa) == 0)
        watch_holes++;
    if (flush_calls < MAX_FLUSH_LOG) {
        flush_log[flush_calls].ipa = ipa;
        flush_log[flush_calls].size = size;
    }
    flush_calls++;
}

static void flush_reset(void)
{
    flush_calls = 0;
}

/* Did a flush since flush_reset() cover [ipa, ipa + size)? */
static bool flushed(ipa_t ipa, uint64_t size)
{
    for (unsigned long i = 0; i < flush_calls && i < MAX_FLUSH_LOG; i++)
        if (flush_log[i].ipa <= ipa && ipa + size <= flush_log[i].ipa + flush_log[i].size)
            return true;
    return false;
}

/* --- fixture -------------------------------------------------------------- */

static void start(struct p2m *p2m, uint16_t vmid)
{
    if (!arena)
        arena = aligned_alloc(MB(2), ARENA_SIZE);
    if (!arena) {
        fprintf(stderr, "no arena\n");
        exit(2);
    }
    page_alloc_reset();
    CHECK(page_alloc_add_region(virt_to_maddr(arena), virt_to_maddr(arena) + ARENA_SIZE) > 0);
    free_at_start = page_alloc_free_pages();
    cur_p2m = p2m;
    flush_bad_p2m = NULL;
    watch(UINT64_MAX);
    CHECK_EQ(p2m_init(p2m, vmid), 0);
    flush_reset();
}

static void finish(struct p2m *p2m)
{
    p2m_teardown(p2m);
    CHECK(p2m->root == NULL);
    CHECK_EQ(p2m->nr_table_pages, 0);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
    CHECK(flush_bad_p2m == NULL);
}

/* --- independent table walker ------------------------------------------- */

static unsigned int shift_of(unsigned int level)
{
    return 12 + 9 * (3 - level);
}

static unsigned int index_of(ipa_t ipa, unsigned int level)
{
    return (ipa >> shift_of(level)) & (level == 1 ? 1023 : 511);
}

/* Descriptor at `level` on the walk for ipa; 0 if the walk ends earlier. */
static uint64_t desc_at(struct p2m *p2m, ipa_t ipa, unsigned int level)
{
    uint64_t *table = p2m->root;

    for (unsigned int l = 1; l <= 3; l++) {
        uint64_t d = table[index_of(ipa, l)];
        if (l == level)
            return d;
        if ((d & 3) != D_TABLE)
            return 0;
        table = maddr_to_virt(d & D_ADDR);
    }
    return 0;
}

/* The leaf descriptor translating ipa, or 0 for a hole. */
static uint64_t leaf_of(const struct p2m *p2m, ipa_t ipa)
{
    const uint64_t *table = p2m->root;

    for (unsigned int l = 1; l <= 3; l++) {
        uint64_t d = table[index_of(ipa, l)];
        if (l == 3 || (d & 3) != D_TABLE)
            return d;
        table = maddr_to_virt(d & D_ADDR);
    }
    return 0;
}

static bool is_table(uint64_t d) { return (d & 3) == D_TABLE; }
static bool is_block(uint64_t d) { return (d & 3) == D_BLOCK; }

/* Count table pages (root = 2) and mapped 4K pages by walking everything. */
static void count_tree(const uint64_t *table, unsigned int level, unsigned long entries,
                       unsigned long *tables, unsigned long *pages)
{
    for (unsigned long i = 0; i < entries; i++) {
        uint64_t d = table[i];
        if (level < 3 && is_table(d)) {
            (*tables)++;
            count_tree(maddr_to_virt(d & D_ADDR), level + 1, 512, tables, pages);
        } else if (d & 1) {
            *pages += 1UL << (shift_of(level) - 12);
        }
    }
}

static void check_counters(struct p2m *p2m)
{
    unsigned long tables = 2, pages = 0;

    count_tree(p2m->root, 1, P2M_ROOT_ENTRIES, &tables, &pages);
    CHECK_EQ(p2m->nr_table_pages, tables);
    CHECK_EQ(p2m->nr_mapped_pages, pages);
}

static bool maps_to(struct p2m *p2m, ipa_t ipa, paddr_t want, enum p2m_type want_t)
{
    paddr_t pa = 0;
    enum p2m_type t = P2M_INVALID;
    return p2m_lookup(p2m, ipa, &pa, &t) == 0 && pa == want && t == want_t;
}

/* --- tests ----------------------------------------------------------------- */

static void test_init_vttbr(void)
{
    struct p2m p2m;

    start(&p2m, 0x1234);
    CHECK(p2m.root != NULL);
    CHECK(IS_ALIGNED(virt_to_maddr(p2m.root), KB(8)));
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, 0);
    CHECK_EQ(page_alloc_free_pages(), free_at_start - 2);
    CHECK_EQ(p2m_vttbr(&p2m), virt_to_maddr(p2m.root) | (0x1234ULL << 48));
    CHECK_EQ(p2m_vttbr(&p2m) & 0xFFFFULL << 48, 0x1234ULL << 48);
    for (unsigned int i = 0; i < P2M_ROOT_ENTRIES; i++)
        CHECK_EQ(p2m.root[i], 0);
    finish(&p2m);
    p2m_teardown(&p2m);                 /* second teardown is harmless */
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

static void test_map_page_bits(void)
{
    struct p2m p2m;
    ipa_t ipa = GB(3) + MB(6) + KB(20);
    paddr_t pa = 0x8123456000ULL;
    uint64_t l1, l2, l3;

    start(&p2m, 1);
    CHECK_EQ(p2m_map(&p2m, ipa, pa, 1, P2M_RAM_RW), 0);
    l1 = desc_at(&p2m, ipa, 1);
    l2 = desc_at(&p2m, ipa, 2);
    l3 = desc_at(&p2m, ipa, 3);
    CHECK(is_table(l1));
    CHECK(is_table(l2));
    CHECK_EQ(l1 & ~D_ADDR, D_TABLE);    /* no attributes in table descriptors */
    CHECK_EQ(l2 & ~D_ADDR, D_TABLE);
    CHECK_EQ(l3, pa | NORMAL_RW | D_PAGE);
    CHECK_EQ(p2m.root[3], l1);
    CHECK_EQ(p2m.nr_table_pages, 4);
    CHECK_EQ(p2m.nr_mapped_pages, 1);
    CHECK(maps_to(&p2m, ipa, pa, P2M_RAM_RW));
    CHECK(maps_to(&p2m, ipa + 0xabc, pa + 0xabc, P2M_RAM_RW));
    CHECK(maps_to(&p2m, ipa + 0xfff, pa + 0xfff, P2M_RAM_RW));
    CHECK_EQ(p2m_lookup(&p2m, ipa, NULL, NULL), 0);
    CHECK_EQ(p2m_lookup(&p2m, ipa + KB(4), NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_lookup(&p2m, ipa - KB(4), NULL, NULL), -ENOENT);
    CHECK_EQ(flush_calls, 0);           /* filling invalid entries needs none */
    check_counters(&p2m);
    finish(&p2m);
}

static void test_type_attributes(void)
{
    static const struct { enum p2m_type t; uint64_t attrs; } cases[] = {
        { P2M_RAM_RW, A_MEM_WB | A_AP_RW | A_SH_INNER | A_AF },
        { P2M_RAM_RO, A_MEM_WB | A_AP_RO | A_SH_INNER | A_AF },
        { P2M_MMIO, A_MEM_DEV | A_AP_RW | A_AF | A_XN },
        { P2M_MAP_FOREIGN_RW, A_MEM_WB | A_AP_RW | A_SH_INNER | A_AF | A_XN },
        { P2M_MAP_FOREIGN_RO, A_MEM_WB | A_AP_RO | A_SH_INNER | A_AF | A_XN },
        { P2M_GRANT_RW, A_MEM_WB | A_AP_RW | A_SH_INNER | A_AF | A_XN },
        { P2M_GRANT_RO, A_MEM_WB | A_AP_RO | A_SH_INNER | A_AF | A_XN },
    };
    struct p2m p2m;

    start(&p2m, 2);
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        ipa_t ipa = MB(2) * i + KB(4);          /* 4K pages */
        ipa_t bipa = GB(1) + MB(2) * i;         /* 2 MiB blocks */
        paddr_t pa = GB(8) + MB(2) * i;
        enum p2m_type t = P2M_INVALID;

        CHECK_EQ(p2m_map(&p2m, ipa, pa, 1, cases[i].t), 0);
        CHECK_EQ(desc_at(&p2m, ipa, 3), pa | cases[i].attrs | A_SW(cases[i].t) | D_PAGE);
        CHECK_EQ(p2m_map(&p2m, bipa, pa, 512, cases[i].t), 0);
        CHECK_EQ(desc_at(&p2m, bipa, 2), pa | cases[i].attrs | A_SW(cases[i].t) | D_BLOCK);
        CHECK_EQ(p2m_lookup(&p2m, bipa + KB(12), NULL, &t), 0);
        CHECK_EQ(t, cases[i].t);
        CHECK(maps_to(&p2m, ipa + 8, pa + 8, cases[i].t));
    }
    CHECK_EQ(p2m_map(&p2m, 0, 0, 1, P2M_INVALID), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, 0, 0, 1, (enum p2m_type)99), -EINVAL);
    CHECK_EQ(flush_calls, 0);
    check_counters(&p2m);
    finish(&p2m);
}

static void test_block_1g(void)
{
    struct p2m p2m;
    paddr_t pa = GB(5);

    start(&p2m, 3);
    CHECK_EQ(p2m_map(&p2m, GB(2), pa, GB(1) >> 12, P2M_RAM_RW), 0);
    CHECK_EQ(p2m.root[2], pa | NORMAL_RW | D_BLOCK);
    CHECK_EQ(p2m.nr_table_pages, 2);    /* no table below a 1 GiB block */
    CHECK_EQ(p2m.nr_mapped_pages, GB(1) >> 12);
    CHECK(maps_to(&p2m, GB(2), pa, P2M_RAM_RW));
    CHECK(maps_to(&p2m, GB(2) + 0x12345678, pa + 0x12345678, P2M_RAM_RW));
    CHECK(maps_to(&p2m, GB(3) - 1, pa + GB(1) - 1, P2M_RAM_RW));
    CHECK_EQ(p2m_lookup(&p2m, GB(3), NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_lookup(&p2m, GB(2) - 1, NULL, NULL), -ENOENT);

    /* Aligned IPA, PA aligned only to 2 MiB: 512 L2 blocks instead. */
    CHECK_EQ(p2m_map(&p2m, GB(4), GB(6) + MB(2), GB(1) >> 12, P2M_RAM_RO), 0);
    CHECK(is_table(p2m.root[4]));
    CHECK_EQ(desc_at(&p2m, GB(4) + MB(4), 2),
             (GB(6) + MB(6)) | (NORMAL_RW & ~A_AP_MASK & ~A_SW_MASK) | A_AP_RO |
             A_SW(P2M_RAM_RO) | D_BLOCK);
    CHECK_EQ(p2m.nr_table_pages, 3);
    CHECK(maps_to(&p2m, GB(5) - 1, GB(7) + MB(2) - 1, P2M_RAM_RO));
    check_counters(&p2m);
    CHECK_EQ(flush_calls, 0);
    finish(&p2m);
}

static void test_block_2m_and_pages(void)
{
    struct p2m p2m;

    start(&p2m, 4);
    /* 2 MiB + 4 KiB: one block, then one page. */
    CHECK_EQ(p2m_map(&p2m, MB(4), GB(1) + MB(8), 513, P2M_RAM_RW), 0);
    CHECK(is_table(p2m.root[0]));
    CHECK_EQ(desc_at(&p2m, MB(4), 2), (GB(1) + MB(8)) | NORMAL_RW | D_BLOCK);
    CHECK(is_table(desc_at(&p2m, MB(6), 2)));
    CHECK_EQ(desc_at(&p2m, MB(6), 3), (GB(1) + MB(10)) | NORMAL_RW | D_PAGE);
    CHECK_EQ(desc_at(&p2m, MB(6) + KB(4), 3), 0);
    CHECK_EQ(p2m.nr_table_pages, 4);
    CHECK_EQ(p2m.nr_mapped_pages, 513);

    /* IPA 2 MiB aligned but PA not: 4K pages throughout. */
    CHECK_EQ(p2m_map(&p2m, MB(16), GB(2) + KB(4), 1024, P2M_RAM_RW), 0);
    CHECK(is_table(desc_at(&p2m, MB(16), 2)));
    CHECK(is_table(desc_at(&p2m, MB(18), 2)));
    for (unsigned int i = 0; i < 1024; i++)
        CHECK_EQ(desc_at(&p2m, MB(16) + KB(4) * i, 3),
                 (GB(2) + KB(4) * (i + 1)) | NORMAL_RW | D_PAGE);
    CHECK_EQ(p2m.nr_table_pages, 6);

    /* Unaligned start and end around aligned middle: pages, 1G, 2M, pages. */
    ipa_t ipa = GB(2) - KB(8);
    uint64_t n = (GB(1) + MB(2) + KB(16)) >> 12;
    CHECK_EQ(p2m_map(&p2m, ipa, GB(9) - KB(8), n, P2M_MMIO), 0);
    CHECK_EQ(desc_at(&p2m, GB(2) - KB(8), 3) & 3, D_PAGE);
    CHECK_EQ(desc_at(&p2m, GB(2) - KB(4), 3) & 3, D_PAGE);
    CHECK_EQ(p2m.root[2] & 3, D_BLOCK);
    CHECK_EQ(desc_at(&p2m, GB(3), 2) & 3, D_BLOCK);
    CHECK_EQ(desc_at(&p2m, GB(3) + MB(2), 3) & 3, D_PAGE);
    CHECK_EQ(desc_at(&p2m, GB(3) + MB(2) + KB(4), 3) & 3, D_PAGE);
    CHECK_EQ(desc_at(&p2m, GB(3) + MB(2) + KB(8), 3), 0);
    CHECK(maps_to(&p2m, GB(2) + 0x1234567, GB(9) + 0x1234567, P2M_MMIO));
    CHECK(maps_to(&p2m, GB(3) + MB(2) + KB(4) + 4, GB(10) + MB(2) + KB(4) + 4, P2M_MMIO));
    CHECK_EQ(p2m.nr_mapped_pages, 513 + 1024 + n);
    check_counters(&p2m);
    CHECK_EQ(flush_calls, 0);
    finish(&p2m);
}

static void test_split_2m_unmap_middle(void)
{
    struct p2m p2m;
    ipa_t ipa = GB(1) + MB(10);
    paddr_t pa = GB(20) + MB(2);
    ipa_t hole = ipa + KB(4) * 200;

    start(&p2m, 5);
    CHECK_EQ(p2m_map(&p2m, ipa, pa, 512, P2M_RAM_RW), 0);
    CHECK(is_block(desc_at(&p2m, ipa, 2)));
    CHECK_EQ(p2m.nr_table_pages, 3);
    flush_reset();
    watch(ipa + KB(4) * 5);
    CHECK_EQ(p2m_unmap(&p2m, hole, 1), 0);
    CHECK(watch_holes > 0);                 /* the block was broken, then split */
    CHECK(is_table(desc_at(&p2m, ipa, 2)));
    CHECK_EQ(p2m.nr_table_pages, 4);
    CHECK_EQ(p2m.nr_mapped_pages, 511);
    CHECK(flush_calls > 0);
    CHECK(flushed(hole, KB(4)));
    CHECK_EQ(p2m_lookup(&p2m, hole, NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_lookup(&p2m, hole + 0x800, NULL, NULL), -ENOENT);
    for (unsigned int i = 0; i < 512; i++) {
        ipa_t a = ipa + KB(4) * i;
        if (a == hole) {
            CHECK_EQ(desc_at(&p2m, a, 3), 0);
            continue;
        }
        CHECK_EQ(desc_at(&p2m, a, 3), (pa + KB(4) * i) | NORMAL_RW | D_PAGE);
        CHECK(maps_to(&p2m, a + 0x10, pa + KB(4) * i + 0x10, P2M_RAM_RW));
    }
    check_counters(&p2m);

    /* Unmapping the other 511 frees the L3 table and then the L2 table. */
    flush_reset();
    CHECK_EQ(p2m_unmap(&p2m, ipa, 200), 0);
    CHECK_EQ(p2m.nr_table_pages, 4);
    CHECK_EQ(p2m_unmap(&p2m, hole + KB(4), 311), 0);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, 0);
    CHECK_EQ(p2m.root[1], 0);
    CHECK(flushed(ipa, MB(2)));
    finish(&p2m);
}

static void test_split_1g(void)
{
    struct p2m p2m;
    ipa_t ipa = GB(7);
    paddr_t pa = GB(1);
    ipa_t hole = ipa + MB(300) + KB(4) * 7;

    start(&p2m, 6);
    CHECK_EQ(p2m_map(&p2m, ipa, pa, GB(1) >> 12, P2M_RAM_RO), 0);
    flush_reset();
    watch(hole + KB(4));
    CHECK_EQ(p2m_unmap(&p2m, hole, 1), 0);
    CHECK(watch_holes > 0);
    CHECK(flushed(hole, KB(4)));
    CHECK(is_table(p2m.root[7]));
    CHECK_EQ(p2m.nr_table_pages, 4);
    CHECK_EQ(p2m.nr_mapped_pages, (GB(1) >> 12) - 1);
    CHECK(is_block(desc_at(&p2m, ipa, 2)));
    CHECK(is_block(desc_at(&p2m, ipa + GB(1) - MB(2), 2)));
    CHECK(is_table(desc_at(&p2m, hole, 2)));
    CHECK_EQ(desc_at(&p2m, ipa + MB(2) * 5, 2),
             (pa + MB(10)) | A_MEM_WB | A_AP_RO | A_SH_INNER | A_AF |
             A_SW(P2M_RAM_RO) | D_BLOCK);
    CHECK_EQ(desc_at(&p2m, hole + KB(4), 3),
             (pa + (hole - ipa) + KB(4)) | A_MEM_WB | A_AP_RO | A_SH_INNER | A_AF |
             A_SW(P2M_RAM_RO) | D_PAGE);
    CHECK_EQ(p2m_lookup(&p2m, hole, NULL, NULL), -ENOENT);
    CHECK(maps_to(&p2m, hole - 1, pa + (hole - ipa) - 1, P2M_RAM_RO));
    CHECK(maps_to(&p2m, hole + KB(4), pa + (hole - ipa) + KB(4), P2M_RAM_RO));
    CHECK(maps_to(&p2m, ipa + 0x3456789a, pa + 0x3456789a, P2M_RAM_RO));
    check_counters(&p2m);

    /* Remapping the whole GiB as one block frees both tables below. */
    flush_reset();
    watch(hole + KB(4));
    CHECK_EQ(p2m_map(&p2m, ipa, pa, GB(1) >> 12, P2M_RAM_RO), 0);
    CHECK(watch_holes > 0);
    CHECK(is_block(p2m.root[7]));
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, GB(1) >> 12);
    CHECK(flushed(ipa, GB(1)));
    finish(&p2m);
}

static void test_remap_over_block(void)
{
    struct p2m p2m;
    ipa_t ipa = MB(32);
    paddr_t pa = GB(3);
    ipa_t mid = ipa + KB(4) * 77;

    start(&p2m, 7);
    CHECK_EQ(p2m_map(&p2m, ipa, pa, 512, P2M_RAM_RW), 0);
    flush_reset();
    /* Remap one page in the middle elsewhere and read-only: block split. */
    watch(mid);
    CHECK_EQ(p2m_map(&p2m, mid, GB(4) + KB(4) * 3, 1, P2M_RAM_RO), 0);
    CHECK(watch_holes > 0);
    CHECK(flush_calls > 0);
    CHECK(flushed(mid, KB(4)));
    CHECK(is_table(desc_at(&p2m, ipa, 2)));
    CHECK_EQ(p2m.nr_mapped_pages, 512);
    CHECK_EQ(p2m.nr_table_pages, 4);
    CHECK_EQ(desc_at(&p2m, mid, 3),
             (GB(4) + KB(12)) | A_MEM_WB | A_AP_RO | A_SH_INNER | A_AF |
             A_SW(P2M_RAM_RO) | D_PAGE);
    CHECK(maps_to(&p2m, mid + 5, GB(4) + KB(12) + 5, P2M_RAM_RO));
    CHECK(maps_to(&p2m, mid - KB(4), pa + KB(4) * 76, P2M_RAM_RW));
    CHECK(maps_to(&p2m, mid + KB(4), pa + KB(4) * 78, P2M_RAM_RW));
    CHECK(maps_to(&p2m, ipa, pa, P2M_RAM_RW));
    CHECK(maps_to(&p2m, ipa + MB(2) - 1, pa + MB(2) - 1, P2M_RAM_RW));

    /* Same mapping again: nothing changes, nothing flushed. */
    flush_reset();
    CHECK_EQ(p2m_map(&p2m, mid, GB(4) + KB(4) * 3, 1, P2M_RAM_RO), 0);
    CHECK_EQ(flush_calls, 0);
    CHECK_EQ(p2m.nr_mapped_pages, 512);

    /* Remap 4K pages of a table: break-before-make, one flush. */
    flush_reset();
    watch(mid);
    CHECK_EQ(p2m_map(&p2m, mid - KB(4), GB(4), 3, P2M_RAM_RO), 0);
    CHECK(watch_holes > 0);
    CHECK_EQ(flush_calls, 1);
    CHECK(flushed(mid - KB(4), KB(12)));
    CHECK(maps_to(&p2m, mid + KB(4) + 1, GB(4) + KB(8) + 1, P2M_RAM_RO));
    CHECK_EQ(p2m.nr_mapped_pages, 512);
    check_counters(&p2m);
    finish(&p2m);
}

static void test_remap_block_over_table(void)
{
    struct p2m p2m;
    ipa_t ipa = MB(32);
    ipa_t mid = ipa + KB(4) * 77;

    start(&p2m, 7);
    CHECK_EQ(p2m_map(&p2m, ipa, GB(3), 512, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(&p2m, mid, GB(4), 1, P2M_RAM_RO), 0);
    CHECK_EQ(p2m.nr_table_pages, 4);

    /* Remap the whole 2 MiB as a block: the L3 table is freed. */
    flush_reset();
    watch(mid);
    CHECK_EQ(p2m_map(&p2m, ipa, GB(5), 512, P2M_MMIO), 0);
    CHECK(watch_holes > 0);
    CHECK(flushed(ipa, MB(2)));
    CHECK_EQ(desc_at(&p2m, ipa, 2), GB(5) | A_MEM_DEV | A_AP_RW | A_AF | A_XN |
             A_SW(P2M_MMIO) | D_BLOCK);
    CHECK_EQ(p2m.nr_table_pages, 3);
    CHECK_EQ(p2m.nr_mapped_pages, 512);

    /* Block over block (different PA): flushed, counted once. */
    flush_reset();
    watch(ipa + KB(20));
    CHECK_EQ(p2m_map(&p2m, ipa, GB(6), 512, P2M_RAM_RW), 0);
    CHECK(watch_holes > 0);
    CHECK(flushed(ipa, MB(2)));
    CHECK(maps_to(&p2m, ipa + 0x1234, GB(6) + 0x1234, P2M_RAM_RW));
    CHECK_EQ(p2m.nr_mapped_pages, 512);
    check_counters(&p2m);
    finish(&p2m);
}

static void test_remap_block_over_tables_1g(void)
{
    struct p2m p2m;

    start(&p2m, 8);
    for (unsigned int i = 0; i < 40; i++)
        CHECK_EQ(p2m_map(&p2m, GB(1) + MB(25) * i + KB(4) * i, GB(2) + KB(4) * i, 3,
                         P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(&p2m, GB(1) + MB(900), GB(2) + MB(900), 512, P2M_RAM_RW), 0);
    CHECK(p2m.nr_table_pages > 3);
    check_counters(&p2m);
    flush_reset();
    watch(GB(1) + MB(25) * 3 + KB(4) * 3);
    CHECK_EQ(p2m_map(&p2m, GB(1), GB(10), GB(1) >> 12, P2M_RAM_RW), 0);
    CHECK(watch_holes > 0);
    CHECK_EQ(p2m.root[1], GB(10) | NORMAL_RW | D_BLOCK);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, GB(1) >> 12);
    CHECK(flushed(GB(1), GB(1)));
    CHECK_EQ(page_alloc_free_pages(), free_at_start - 2);
    finish(&p2m);
}

static void test_unmap_frees_tables(void)
{
    struct p2m p2m;

    start(&p2m, 9);
    CHECK_EQ(p2m_map(&p2m, KB(4), GB(1), 5, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(&p2m, GB(1) + MB(2) - KB(8), GB(1), 4, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(&p2m, GB(1000), GB(1), 512 * 3, P2M_RAM_RW), 0);
    CHECK_EQ(p2m.nr_table_pages, 2 + 2 + 3 + 1);
    check_counters(&p2m);

    /* Holes are fine and flush nothing. */
    flush_reset();
    CHECK_EQ(p2m_unmap(&p2m, GB(500), GB(1) >> 12), 0);
    CHECK_EQ(p2m_unmap(&p2m, MB(2), 1), 0);
    CHECK_EQ(p2m_unmap(&p2m, KB(4) * 100, 3), 0);
    CHECK_EQ(flush_calls, 0);
    CHECK_EQ(p2m.nr_table_pages, 8);

    CHECK_EQ(p2m_unmap(&p2m, 0, 3), 0);             /* partial: tables stay */
    CHECK_EQ(p2m.nr_table_pages, 8);
    CHECK_EQ(p2m.nr_mapped_pages, 3 + 4 + 512 * 3);
    CHECK(flushed(KB(4), KB(8)));
    CHECK_EQ(p2m_unmap(&p2m, 0, 16), 0);
    CHECK_EQ(p2m.nr_table_pages, 6);
    CHECK_EQ(p2m.root[0], 0);
    CHECK_EQ(p2m_unmap(&p2m, GB(1), GB(2) >> 12), 0);  /* across the boundary */
    CHECK_EQ(p2m.nr_table_pages, 3);
    CHECK_EQ(p2m_unmap(&p2m, GB(1000) + MB(2), 512), 0);
    CHECK_EQ(p2m.nr_table_pages, 3);
    CHECK_EQ(p2m_unmap(&p2m, GB(999), GB(2) >> 12), 0);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, 0);
    for (unsigned int i = 0; i < P2M_ROOT_ENTRIES; i++)
        CHECK_EQ(p2m.root[i], 0);
    CHECK_EQ(page_alloc_free_pages(), free_at_start - 2);

    /* Teardown with mappings left in place frees every table too. */
    CHECK_EQ(p2m_map(&p2m, GB(5) + KB(4), 0, 3000, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(&p2m, GB(1023) + KB(4), 0, 1, P2M_RAM_RW), 0);
    flush_reset();
    finish(&p2m);
    CHECK(flushed(0, GB(1024)));
}

static void test_invalid_args(void)
{
    struct p2m p2m;
    const uint64_t top = 1ULL << 40;

    start(&p2m, 10);
    CHECK_EQ(p2m_map(&p2m, KB(4) + 1, 0, 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, KB(4), 0x800, 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, KB(4), 0, 0, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, top, 0, 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, top - KB(4), 0, 2, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, 0, 0, (top >> 12) + 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, KB(4), 0, UINT64_MAX, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, KB(4), 0, 1ULL << 52, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, UINT64_MAX & PAGE_MASK, 0, 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, 0, 1ULL << 48, 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, 0, (1ULL << 48) - KB(4), 2, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(&p2m, 0, UINT64_MAX & PAGE_MASK, 1, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_unmap(&p2m, 12, 1), -EINVAL);
    CHECK_EQ(p2m_unmap(&p2m, 0, 0), -EINVAL);
    CHECK_EQ(p2m_unmap(&p2m, top, 1), -EINVAL);
    CHECK_EQ(p2m_unmap(&p2m, top - MB(2), 513), -EINVAL);
    CHECK_EQ(p2m_unmap(&p2m, KB(4), UINT64_MAX), -EINVAL);
    CHECK_EQ(p2m_lookup(&p2m, top, NULL, NULL), -EINVAL);
    CHECK_EQ(p2m_lookup(&p2m, UINT64_MAX, NULL, NULL), -EINVAL);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, 0);
    CHECK_EQ(flush_calls, 0);

    /* The edges themselves are fine. */
    CHECK_EQ(p2m_map(&p2m, top - KB(4), (1ULL << 48) - KB(4), 1, P2M_MMIO), 0);
    CHECK(maps_to(&p2m, top - 1, (1ULL << 48) - 1, P2M_MMIO));
    CHECK_EQ(p2m.root[1023] & 3, D_TABLE);
    CHECK_EQ(p2m_map(&p2m, top - GB(1), 0, GB(1) >> 12, P2M_RAM_RW), 0);
    CHECK(is_block(p2m.root[1023]));
    CHECK_EQ(p2m_map(&p2m, 0, 0, top >> 12, P2M_RAM_RW), 0);   /* the whole IPA space */
    CHECK_EQ(p2m.nr_mapped_pages, top >> 12);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK(maps_to(&p2m, 0x7654321, 0x7654321, P2M_RAM_RW));
    CHECK_EQ(p2m_unmap(&p2m, 0, top >> 12), 0);
    CHECK_EQ(p2m.nr_mapped_pages, 0);
    finish(&p2m);
}

static void test_holes_enoent(void)
{
    struct p2m p2m;

    start(&p2m, 11);
    CHECK_EQ(p2m_lookup(&p2m, 0, NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_lookup(&p2m, GB(512) + 5, NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_map(&p2m, GB(2) + MB(4), GB(2), 512, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_lookup(&p2m, GB(2), NULL, NULL), -ENOENT);            /* L2 hole */
    CHECK_EQ(p2m_lookup(&p2m, GB(2) + MB(4) - 1, NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_lookup(&p2m, GB(2) + MB(6), NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_map(&p2m, GB(2) + MB(8) + KB(8), GB(2), 1, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_lookup(&p2m, GB(2) + MB(8), NULL, NULL), -ENOENT);    /* L3 hole */
    CHECK_EQ(p2m_lookup(&p2m, GB(2) + MB(8) + KB(12), NULL, NULL), -ENOENT);
    CHECK(maps_to(&p2m, GB(2) + MB(8) + KB(8) + 1, GB(2) + 1, P2M_RAM_RW));
    finish(&p2m);
}

/* Take every free page, threading them on a list through their first word. */
static void *drain_allocator(unsigned long leave)
{
    void *list = NULL;

    while (page_alloc_free_pages() > leave) {
        void **p = alloc_page();
        if (!p)
            break;
        *p = list;
        list = p;
    }
    return list;
}

static void refill_allocator(void *list)
{
    while (list) {
        void *next = *(void **)list;
        free_page(list);
        list = next;
    }
}

static void test_enomem(void)
{
    struct p2m p2m;
    void *taken;

    start(&p2m, 12);
    CHECK_EQ(p2m_map(&p2m, GB(3), GB(3), GB(1) >> 12, P2M_RAM_RW), 0);
    taken = drain_allocator(0);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(p2m_map(&p2m, KB(4), 0, 1, P2M_RAM_RW), -ENOMEM);
    CHECK_EQ(p2m_map(&p2m, MB(2), 0, 512, P2M_RAM_RW), -ENOMEM);
    CHECK_EQ(p2m_map(&p2m, GB(1), GB(1), GB(1) >> 12, P2M_RAM_RW), 0);   /* no table needed */
    CHECK_EQ(p2m_unmap(&p2m, GB(3) + MB(2), 1), -ENOMEM);                  /* split */
    CHECK(is_block(p2m.root[3]));
    CHECK(maps_to(&p2m, GB(3) + MB(2), GB(3) + MB(2), P2M_RAM_RW));
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, GB(2) >> 12);
    refill_allocator(taken);

    /* One page left: the L2 table is made, the L3 one fails, the L2 one goes. */
    taken = drain_allocator(1);
    CHECK_EQ(page_alloc_free_pages(), 1);
    CHECK_EQ(p2m_map(&p2m, GB(5) + KB(4), 0, 1, P2M_RAM_RW), -ENOMEM);
    CHECK_EQ(p2m.root[5], 0);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(page_alloc_free_pages(), 1);
    /* Splitting a 1 GiB block for a 4K unmap needs two pages: the first split stays. */
    CHECK_EQ(p2m_unmap(&p2m, GB(3) + MB(2), 1), -ENOMEM);
    CHECK(is_table(p2m.root[3]));
    CHECK_EQ(p2m.nr_table_pages, 3);
    CHECK_EQ(p2m.nr_mapped_pages, GB(2) >> 12);
    CHECK(maps_to(&p2m, GB(3) + MB(2) + 5, GB(3) + MB(2) + 5, P2M_RAM_RW));
    check_counters(&p2m);
    refill_allocator(taken);
    CHECK_EQ(p2m_unmap(&p2m, GB(3) + MB(2), 1), 0);
    CHECK_EQ(p2m.nr_mapped_pages, (GB(2) >> 12) - 1);
    check_counters(&p2m);

    /*
     * A failed map still writes what needs no allocation: the first page wants
     * an L3 table (none left), the 2 MiB block after it replaces an old block.
     */
    CHECK_EQ(p2m_map(&p2m, MB(4), GB(1), 512, P2M_RAM_RW), 0);
    taken = drain_allocator(0);
    CHECK_EQ(p2m_map(&p2m, MB(4) - KB(4), GB(2) - KB(4), 513, P2M_RAM_RO), -ENOMEM);
    CHECK_EQ(p2m_lookup(&p2m, MB(4) - KB(4), NULL, NULL), -ENOENT);
    CHECK(maps_to(&p2m, MB(4) + 8, GB(2) + 8, P2M_RAM_RO));
    check_counters(&p2m);
    refill_allocator(taken);
    finish(&p2m);
}

/* --- randomised run against a shadow model ---------------------------------- */

#define WIN_BASE (GB(2) - MB(8))
#define WIN_PAGES ((GB(1) + MB(16)) >> 12)

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A page count biased towards block multiples. */
static uint64_t rnd_pages(uint64_t max)
{
    uint64_t n;

    switch (rnd() % 4) {
    case 0: n = 1 + rnd() % 8; break;
    case 1: n = 512 * (1 + rnd() % 4) + rnd() % 3; break;
    case 2: n = 1 + rnd() % 5000; break;
    default: n = (GB(1) >> 12) + rnd() % 2; break;
    }
    return MIN(n, max);
}

/* A page index in the window, biased towards block boundaries. */
static uint64_t rnd_start(void)
{
    uint64_t p = rnd() % WIN_PAGES;

    switch (rnd() % 3) {
    case 0: return p;
    case 1: return ROUNDDOWN(p + (WIN_BASE >> 12), 512) - (WIN_BASE >> 12);
    default: return rnd() % 2 ? (GB(2) - WIN_BASE) >> 12 : 0;
    }
}

static bool check_shadow(struct p2m *p2m, const uint64_t *shadow)
{
    for (uint64_t i = 0; i < WIN_PAGES; i++) {
        ipa_t ipa = WIN_BASE + (i << 12);
        paddr_t pa = 0;
        enum p2m_type t = P2M_INVALID;
        int rc = p2m_lookup(p2m, ipa + (i & 0xfff), &pa, &t);

        if (!shadow[i] ? rc != -ENOENT
                       : rc != 0 || pa != (shadow[i] & D_ADDR) + (i & 0xfff) ||
                         t != (enum p2m_type)(shadow[i] & 0xf))
            return false;
    }
    return true;
}

static void test_random_vs_shadow(void)
{
    uint64_t *shadow = calloc(WIN_PAGES, sizeof(*shadow));
    struct p2m p2m;
    uint64_t nr = 0;

    start(&p2m, 13);
    for (unsigned int op = 0; op < 400; op++) {
        uint64_t s = rnd_start(), n = rnd_pages(WIN_PAGES - s);
        ipa_t ipa = WIN_BASE + (s << 12);

        flush_reset();
        if (rnd() % 3 == 0) {
            CHECK_EQ(p2m_unmap(&p2m, ipa, n), 0);
            for (uint64_t i = s; i < s + n; i++) {
                if (shadow[i] && (i - s) % 61 == 0)    /* sampled: flushed() is slow */
                    CHECK(flushed(WIN_BASE + (i << 12), KB(4)));
                nr -= shadow[i] != 0;
                shadow[i] = 0;
            }
        } else {
            paddr_t pa = (rnd() % 2 ? ipa + GB(64) : GB(64) + ((rnd() % 1000000) << 12));
            enum p2m_type t = 1 + rnd() % P2M_GRANT_RO;
            CHECK_EQ(p2m_map(&p2m, ipa, pa, n, t), 0);
            for (uint64_t i = s; i < s + n; i++) {
                uint64_t v = (pa + ((i - s) << 12)) | t;
                if (shadow[i] && shadow[i] != v && (i - s) % 61 == 0)
                    CHECK(flushed(WIN_BASE + (i << 12), KB(4)));
                nr += shadow[i] == 0;
                shadow[i] = v;
            }
        }
        CHECK_EQ(p2m.nr_mapped_pages, nr);
        if (op % 40 == 39) {
            CHECK(check_shadow(&p2m, shadow));
            check_counters(&p2m);
        }
    }
    CHECK_EQ(p2m_unmap(&p2m, WIN_BASE, WIN_PAGES), 0);
    CHECK_EQ(p2m.nr_table_pages, 2);
    CHECK_EQ(p2m.nr_mapped_pages, 0);
    finish(&p2m);
    free(shadow);
}

int main(void)
{
    CHECK_MAIN_BEGIN("p2m");
    RUN(test_init_vttbr);
    RUN(test_map_page_bits);
    RUN(test_type_attributes);
    RUN(test_block_1g);
    RUN(test_block_2m_and_pages);
    RUN(test_split_2m_unmap_middle);
    RUN(test_split_1g);
    RUN(test_remap_over_block);
    RUN(test_remap_block_over_table);
    RUN(test_remap_block_over_tables_1g);
    RUN(test_unmap_frees_tables);
    RUN(test_invalid_args);
    RUN(test_holes_enoent);
    RUN(test_enomem);
    RUN(test_random_vs_shadow);
    free(arena);
    CHECK_MAIN_END();
}

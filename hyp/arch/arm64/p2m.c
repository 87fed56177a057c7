/*
 * Stage-2 translation tables (see p2m.h for the format).
 *
 * One operation (map or unmap) walks the range level by level. At each entry
 * it either writes a leaf (the entry is wholly covered and, for a map, the PA
 * is aligned to the entry size) or descends, first creating a table for an
 * invalid entry or splitting a block into an equivalent next-level table.
 *
 * TLB rules, where a valid entry changes:
 *  - valid -> invalid (a leaf): the range joins the operation's pending flush,
 *    done once before the operation returns;
 *  - valid -> valid (remap, block split, table replaced by a block):
 *    break-before-make: write 0, flush, write the new descriptor;
 *  - a table leaves the tree: write 0 and flush before its page is freed, so
 *    no walk cache still points into it.
 * Filling an invalid entry needs no flush.
 *
 * Locking: p2m->lock guards the tables and both counters; every public entry
 * point takes it (none is called with it held).
 */
#include "p2m.h"
#include "bug.h"
#include "errno.h"
#include "page_alloc.h"

/* Descriptor bits. */
#define DESC_VALID      (1ULL << 0)
#define DESC_TABLE      (1ULL << 1)     /* table (L1/L2) or page (L3) */
#define DESC_TYPE_MASK  3ULL
#define DESC_BLOCK      DESC_VALID      /* L1/L2 block: 0b01 */
#define DESC_TBL        (DESC_VALID | DESC_TABLE)
#define DESC_PAGE       (DESC_VALID | DESC_TABLE)
#define DESC_ADDR_MASK  0x0000FFFFFFFFF000ULL   /* bits [47:12] */

/* Stage-2 lower and upper attributes. */
#define S2_MEMATTR_NORMAL_WB    (0xFULL << 2)
#define S2_MEMATTR_DEV_nGnRE    (0x1ULL << 2)
#define S2_AP_RO                (1ULL << 6)
#define S2_AP_RW                (3ULL << 6)
#define S2_SH_INNER             (3ULL << 8)
#define S2_AF                   (1ULL << 10)
#define S2_XN                   (1ULL << 54)
#define S2_SW_TYPE_SHIFT        55      /* software bits [58:55]: p2m_type */
#define S2_SW_TYPE_MASK         (0xFULL << S2_SW_TYPE_SHIFT)

#define P2M_IPA_LIMIT   (1ULL << P2M_IPA_BITS)
#define P2M_PA_LIMIT    (1ULL << 48)
#define P2M_ENTRIES     512
#define P2M_LAST_LEVEL  3

BUILD_BUG_ON(P2M_GRANT_RO > 0xF);
BUILD_BUG_ON(P2M_ROOT_ENTRIES != (1 << (P2M_IPA_BITS - 30)));

/* State of one map or unmap operation. */
struct p2m_op {
    struct p2m *p2m;
    ipa_t ipa;                  /* start of the operation's range */
    paddr_t pa;                 /* map: PA of ipa */
    uint64_t attrs;             /* map: leaf attributes; 0 for unmap */
    bool unmap;
    ipa_t flush_start;          /* pending flush [flush_start, flush_end) */
    ipa_t flush_end;
};

static inline unsigned int level_shift(unsigned int level)
{
    return PAGE_SHIFT + 9 * (P2M_LAST_LEVEL - level);
}

static inline uint64_t level_size(unsigned int level)
{
    return 1ULL << level_shift(level);
}

static inline unsigned int level_index(ipa_t ipa, unsigned int level)
{
    unsigned int mask = level == 1 ? P2M_ROOT_ENTRIES - 1 : P2M_ENTRIES - 1;
    return (ipa >> level_shift(level)) & mask;
}

static inline bool desc_valid(uint64_t d)
{
    return d & DESC_VALID;
}

static inline bool desc_is_table(uint64_t d, unsigned int level)
{
    return level < P2M_LAST_LEVEL && (d & DESC_TYPE_MASK) == DESC_TBL;
}

static inline uint64_t *desc_table(uint64_t d)
{
    return maddr_to_virt(d & DESC_ADDR_MASK);
}

/* Single 64-bit store: the table walker never sees a torn descriptor. */
static inline void desc_write(uint64_t *entry, uint64_t d)
{
    __atomic_store_n(entry, d, __ATOMIC_RELAXED);
}

static uint64_t p2m_type_attrs(enum p2m_type t)
{
    uint64_t normal = S2_MEMATTR_NORMAL_WB | S2_SH_INNER | S2_AF;
    uint64_t sw = (uint64_t)t << S2_SW_TYPE_SHIFT;

    switch (t) {
    case P2M_RAM_RW:
        return sw | normal | S2_AP_RW;
    case P2M_RAM_RO:
        return sw | normal | S2_AP_RO;
    case P2M_MMIO:
        return sw | S2_MEMATTR_DEV_nGnRE | S2_AF | S2_AP_RW | S2_XN;
    /* Another domain's memory is never executed from (as Xen does). */
    case P2M_MAP_FOREIGN_RW:
    case P2M_GRANT_RW:
        return sw | normal | S2_AP_RW | S2_XN;
    case P2M_MAP_FOREIGN_RO:
    case P2M_GRANT_RO:
        return sw | normal | S2_AP_RO | S2_XN;
    default:
        return 0;
    }
}

static uint64_t leaf_desc(paddr_t pa, uint64_t attrs, unsigned int level)
{
    uint64_t kind = level == P2M_LAST_LEVEL ? DESC_PAGE : DESC_BLOCK;
    return (pa & DESC_ADDR_MASK) | attrs | kind;
}

/* Pages mapped by one leaf at this level. */
static inline uint64_t leaf_pages(unsigned int level)
{
    return level_size(level) >> PAGE_SHIFT;
}

static void op_flush_add(struct p2m_op *op, ipa_t start, uint64_t size)
{
    if (op->flush_end == op->flush_start) {
        op->flush_start = start;
        op->flush_end = start + size;
        return;
    }
    op->flush_start = MIN(op->flush_start, start);
    op->flush_end = MAX(op->flush_end, start + size);
}

static void op_flush(struct p2m_op *op)
{
    if (op->flush_end == op->flush_start)
        return;
    arch_p2m_flush_tlb(op->p2m, op->flush_start, op->flush_end - op->flush_start);
    op->flush_start = op->flush_end = 0;
}

/* Clear a valid entry covering [ipa, ipa + size) and flush it now (BBM). */
static void entry_break(struct p2m_op *op, uint64_t *entry, ipa_t ipa, uint64_t size)
{
    desc_write(entry, 0);
    op_flush_add(op, ipa, size);
    op_flush(op);
}

/* Free a table page detached from the tree (and flushed), and all below it. */
static void free_table(struct p2m *p2m, uint64_t *table, unsigned int level)
{
    for (unsigned int i = 0; i < P2M_ENTRIES; i++) {
        uint64_t d = table[i];
        if (desc_is_table(d, level))
            free_table(p2m, desc_table(d), level + 1);
        else if (desc_valid(d))
            p2m->nr_mapped_pages -= leaf_pages(level);
    }
    free_page(table);
    p2m->nr_table_pages--;
}

static bool table_empty(const uint64_t *table)
{
    for (unsigned int i = 0; i < P2M_ENTRIES; i++)
        if (table[i])
            return false;
    return true;
}

/*
 * The leaf descriptor the operation writes into an entry of this level
 * covering [ipa, end) (0 for unmap); false if it must descend instead.
 */
static bool op_leaf(const struct p2m_op *op, unsigned int level, ipa_t ipa, ipa_t end,
                    uint64_t *desc)
{
    uint64_t size = level_size(level);
    paddr_t pa = op->pa + (ipa - op->ipa);

    if (!IS_ALIGNED(ipa, size) || end - ipa != size)
        return false;
    if (op->unmap) {
        *desc = 0;
        return true;
    }
    if (level != P2M_LAST_LEVEL && !IS_ALIGNED(pa, size))
        return false;
    *desc = leaf_desc(pa, op->attrs, level);
    return true;
}

/* Replace *entry by the leaf `new` (0: unmap). */
static void set_leaf(struct p2m_op *op, uint64_t *entry, unsigned int level, ipa_t ipa,
                     uint64_t new)
{
    struct p2m *p2m = op->p2m;
    uint64_t size = level_size(level);
    uint64_t old = *entry;

    if (old == new)
        return;
    if (desc_is_table(old, level)) {
        entry_break(op, entry, ipa, size);
        free_table(p2m, desc_table(old), level + 1);
    } else if (desc_valid(old)) {
        p2m->nr_mapped_pages -= leaf_pages(level);
        if (new)
            entry_break(op, entry, ipa, size);
        else {
            desc_write(entry, 0);
            op_flush_add(op, ipa, size);
        }
    }
    if (new) {
        desc_write(entry, new);
        p2m->nr_mapped_pages += leaf_pages(level);
    }
}

/*
 * Break half of break-before-make for every valid leaf of this table that a
 * map replaces by a different leaf, with one flush for all of them: set_leaf
 * then only fills invalid entries (tables replaced by blocks stay one by one).
 */
static void break_leaves(struct p2m_op *op, uint64_t *table, unsigned int level,
                         ipa_t ipa, ipa_t end)
{
    uint64_t size = level_size(level);
    bool broken = false;

    while (ipa < end) {
        ipa_t next = MIN(ROUNDDOWN(ipa, size) + size, end);
        uint64_t *entry = &table[level_index(ipa, level)];
        uint64_t new;

        if (op_leaf(op, level, ipa, next, &new) && desc_valid(*entry) &&
            !desc_is_table(*entry, level) && *entry != new) {
            desc_write(entry, 0);
            op->p2m->nr_mapped_pages -= leaf_pages(level);
            op_flush_add(op, ipa, size);
            broken = true;
        }
        ipa = next;
    }
    if (broken)
        op_flush(op);
}

/*
 * Make *entry (invalid or a block, at level < 3) a table: a zeroed one for an
 * invalid entry, or for a block one that maps the same range with the same
 * attributes at the next level. Nothing changes on -ENOMEM.
 */
static int make_table(struct p2m_op *op, uint64_t *entry, unsigned int level, ipa_t ipa)
{
    uint64_t old = *entry;
    uint64_t *table = alloc_page_zeroed();

    if (!table)
        return -ENOMEM;
    op->p2m->nr_table_pages++;
    if (desc_valid(old)) {
        uint64_t sub = level_size(level + 1);
        paddr_t pa = old & DESC_ADDR_MASK;
        uint64_t attrs = old & ~(DESC_ADDR_MASK | DESC_TYPE_MASK);

        for (unsigned int i = 0; i < P2M_ENTRIES; i++)
            table[i] = leaf_desc(pa + i * sub, attrs, level + 1);
        entry_break(op, entry, ROUNDDOWN(ipa, level_size(level)), level_size(level));
    }
    desc_write(entry, virt_to_maddr(table) | DESC_TBL);
    return 0;
}

/* Remove the table under *entry if nothing is left in it. */
static void prune_table(struct p2m_op *op, uint64_t *entry, unsigned int level, ipa_t ipa)
{
    uint64_t *table = desc_table(*entry);

    if (!table_empty(table))
        return;
    entry_break(op, entry, ROUNDDOWN(ipa, level_size(level)), level_size(level));
    free_table(op->p2m, table, level + 1);
}

static int update_range(struct p2m_op *op, uint64_t *table, unsigned int level,
                        ipa_t ipa, ipa_t end);

/* Apply the operation to [ipa, end), which lies within the range of *entry. */
static int update_entry(struct p2m_op *op, uint64_t *entry, unsigned int level,
                        ipa_t ipa, ipa_t end)
{
    uint64_t new;
    int rc;

    if (op_leaf(op, level, ipa, end, &new)) {
        set_leaf(op, entry, level, ipa, new);
        return 0;
    }
    if (!desc_is_table(*entry, level)) {
        if (op->unmap && !desc_valid(*entry))
            return 0;                   /* a hole */
        rc = make_table(op, entry, level, ipa);
        if (rc)
            return rc;
    }
    rc = update_range(op, desc_table(*entry), level + 1, ipa, end);
    if (op->unmap || rc)                /* a successful map leaves no empty table */
        prune_table(op, entry, level, ipa);
    return rc;
}

static int update_range(struct p2m_op *op, uint64_t *table, unsigned int level,
                        ipa_t ipa, ipa_t end)
{
    uint64_t size = level_size(level);
    int err = 0;

    if (!op->unmap)
        break_leaves(op, table, level, ipa, end);
    /* Go on after an error, so every leaf broken above is filled again. */
    while (ipa < end) {
        ipa_t next = MIN(ROUNDDOWN(ipa, size) + size, end);
        int rc = update_entry(op, &table[level_index(ipa, level)], level, ipa, next);
        if (rc && !err)
            err = rc;
        ipa = next;
    }
    return err;
}

/* Range checks shared by map and unmap: 0 or -EINVAL. */
static int check_range(ipa_t ipa, uint64_t nr_pages)
{
    if (!IS_ALIGNED(ipa, PAGE_SIZE) || nr_pages == 0 || ipa >= P2M_IPA_LIMIT)
        return -EINVAL;
    if (nr_pages > (P2M_IPA_LIMIT - ipa) >> PAGE_SHIFT)
        return -EINVAL;
    return 0;
}

static int p2m_update(struct p2m_op *op, uint64_t nr_pages)
{
    struct p2m *p2m = op->p2m;
    int rc;

    spin_lock(&p2m->lock);
    rc = update_range(op, p2m->root, 1, op->ipa, op->ipa + (nr_pages << PAGE_SHIFT));
    op_flush(op);
    spin_unlock(&p2m->lock);
    return rc;
}

int p2m_map(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t nr_pages, enum p2m_type t)
{
    struct p2m_op op = { .p2m = p2m, .ipa = ipa, .pa = pa };
    int rc = check_range(ipa, nr_pages);

    if (rc)
        return rc;
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= P2M_PA_LIMIT ||
        nr_pages > (P2M_PA_LIMIT - pa) >> PAGE_SHIFT)
        return -EINVAL;
    op.attrs = p2m_type_attrs(t);
    if (!op.attrs)
        return -EINVAL;
    return p2m_update(&op, nr_pages);
}

int p2m_unmap(struct p2m *p2m, ipa_t ipa, uint64_t nr_pages)
{
    struct p2m_op op = { .p2m = p2m, .ipa = ipa, .unmap = true };
    int rc = check_range(ipa, nr_pages);

    if (rc)
        return rc;
    return p2m_update(&op, nr_pages);
}

int p2m_lookup(struct p2m *p2m, ipa_t ipa, paddr_t *pa, enum p2m_type *t)
{
    uint64_t *table = p2m->root;
    uint64_t d = 0;
    unsigned int level;

    if (ipa >= P2M_IPA_LIMIT)
        return -EINVAL;
    spin_lock(&p2m->lock);
    for (level = 1; level <= P2M_LAST_LEVEL; level++) {
        d = table[level_index(ipa, level)];
        if (!desc_is_table(d, level))
            break;
        table = desc_table(d);
    }
    spin_unlock(&p2m->lock);
    if (!desc_valid(d))
        return -ENOENT;
    if (pa) {
        uint64_t mask = level_size(level) - 1;
        *pa = (d & DESC_ADDR_MASK & ~mask) | (ipa & mask);
    }
    if (t)
        *t = (enum p2m_type)((d & S2_SW_TYPE_MASK) >> S2_SW_TYPE_SHIFT);
    return 0;
}

int p2m_init(struct p2m *p2m, uint16_t vmid)
{
    spin_lock_init(&p2m->lock);
    p2m->vmid = vmid;
    p2m->nr_mapped_pages = 0;
    p2m->root = alloc_pages_zeroed(P2M_ROOT_ORDER);
    if (!p2m->root) {
        p2m->nr_table_pages = 0;
        return -ENOMEM;
    }
    p2m->nr_table_pages = 1UL << P2M_ROOT_ORDER;
    return 0;
}

void p2m_teardown(struct p2m *p2m)
{
    spin_lock(&p2m->lock);
    if (!p2m->root) {
        spin_unlock(&p2m->lock);
        return;
    }
    /* Flush first: no walk cache may point into a freed table. */
    arch_p2m_flush_tlb(p2m, 0, P2M_IPA_LIMIT);
    for (unsigned int i = 0; i < P2M_ROOT_ENTRIES; i++)
        if (desc_is_table(p2m->root[i], 1))
            free_table(p2m, desc_table(p2m->root[i]), 2);
    free_pages(p2m->root, P2M_ROOT_ORDER);
    p2m->root = NULL;
    p2m->nr_table_pages = 0;
    p2m->nr_mapped_pages = 0;
    spin_unlock(&p2m->lock);
}

uint64_t p2m_vttbr(const struct p2m *p2m)
{
    return virt_to_maddr(p2m->root) | (uint64_t)p2m->vmid << 48;
}

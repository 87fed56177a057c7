/*
 * Buddy allocator over machine frames (see page_alloc.h for the model).
 *
 * The frame table is the only authority on what is free: a frame heads a
 * free block iff its page_info has PGF_FREE, heads an allocated block iff it
 * has PGF_ALLOC, and every other frame (block interiors, the frame table's
 * own frames) has flags == 0. Free lists are threaded through the first
 * bytes of each free block, because struct page_info has no room for links;
 * those links are checked against the frame table before they are followed,
 * so a stray write into free memory panics instead of handing out a page
 * twice.
 *
 * Buddies are computed on absolute frame numbers, which makes every block
 * naturally aligned in machine-address terms (a 2-page stage-2 root is 8 KiB
 * aligned), and a buddy is only looked at if it lies in the same region.
 *
 * Locking: one lock for the free lists, the frame flags and the counters.
 * The region table only grows at boot; page_info_of() reads it without the
 * lock (nr_regions is published with release/acquire).
 */
#include "page_alloc.h"
#include "bug.h"
#include "errno.h"
#include "list.h"
#include "spinlock.h"

struct region {
    uint64_t base_pfn;          /* first frame: the frame table starts here */
    uint64_t end_pfn;           /* one past the last frame */
    struct page_info *frames;   /* frames[pfn - base_pfn] */
};

static spinlock_t heap_lock = SPINLOCK_INIT;
static struct region regions[MAX_RAM_REGIONS];
static unsigned int nr_regions;
static struct list_head free_lists[MAX_ORDER + 1];
static bool free_lists_ready;   /* zeroed list heads are not empty lists */
static unsigned long nr_free;
static unsigned long nr_total;

/* Written under the lock, read without it by the counters' getters. */
static inline void count_free(long delta)
{
    __atomic_fetch_add(&nr_free, (unsigned long)delta, __ATOMIC_RELAXED);
}

static inline uint64_t pa_to_pfn(paddr_t pa) { return pa >> PAGE_SHIFT; }
static inline paddr_t pfn_to_pa(uint64_t pfn) { return pfn << PAGE_SHIFT; }

static inline struct list_head *block_link(uint64_t pfn)
{
    return maddr_to_virt(pfn_to_pa(pfn));
}

static struct region *find_region(uint64_t pfn)
{
    unsigned int n = __atomic_load_n(&nr_regions, __ATOMIC_ACQUIRE);

    for (unsigned int i = 0; i < n; i++)
        if (pfn >= regions[i].base_pfn && pfn < regions[i].end_pfn)
            return &regions[i];
    return NULL;
}

static inline struct page_info *frame(const struct region *r, uint64_t pfn)
{
    return &r->frames[pfn - r->base_pfn];
}

struct page_info *page_info_of(paddr_t pa)
{
    uint64_t pfn = pa_to_pfn(pa);
    struct region *r = find_region(pfn);

    return r ? frame(r, pfn) : NULL;
}

static void init_free_lists(void)
{
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        list_init(&free_lists[o]);
    free_lists_ready = true;
}

void page_alloc_reset(void)
{
    spin_lock_init(&heap_lock);
    init_free_lists();
    __atomic_store_n(&nr_regions, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&nr_free, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&nr_total, 0, __ATOMIC_RELAXED);
}

/*
 * A free-list link is trusted only if the frame table agrees: it is the list
 * head itself, or the first byte of a free block of exactly this order.
 */
static bool link_ok(const struct list_head *l, unsigned int order)
{
    paddr_t pa = virt_to_maddr(l);
    struct page_info *pi;

    if (l == &free_lists[order])
        return true;
    if (!IS_ALIGNED(pa, PAGE_SIZE << order))
        return false;
    pi = page_info_of(pa);
    return pi && pi->flags == PGF_FREE && pi->order == order;
}

static void unlink_free(uint64_t pfn, unsigned int order)
{
    struct list_head *l = block_link(pfn);

    BUG_ON(!link_ok(l->next, order) || !link_ok(l->prev, order));
    BUG_ON(l->next->prev != l || l->prev->next != l);
    list_del(l);
}

static void push_free(struct page_info *pi, uint64_t pfn, unsigned int order)
{
    pi->flags = PGF_FREE;
    pi->order = (uint8_t)order;
    pi->owner = DOMID_NONE;
    pi->count = 0;
    list_add(block_link(pfn), &free_lists[order]);
}

/*
 * Put a block back, merging with its buddy for as long as the buddy is in
 * the same region and, per the frame table, a free block of the same order.
 */
static void merge_and_push(const struct region *r, uint64_t pfn, unsigned int order)
{
    while (order < MAX_ORDER) {
        uint64_t buddy = pfn ^ (1ULL << order);
        struct page_info *bpi;

        if (buddy < r->base_pfn || buddy >= r->end_pfn)
            break;
        bpi = frame(r, buddy);
        if (bpi->flags != PGF_FREE || bpi->order != order)
            break;
        unlink_free(buddy, order);
        bpi->flags = 0;
        bpi->order = 0;
        pfn &= ~(1ULL << order);
        order++;
    }
    push_free(frame(r, pfn), pfn, order);
}

/* Largest naturally aligned block starting at pfn that ends by end_pfn. */
static unsigned int fit_order(uint64_t pfn, uint64_t end_pfn)
{
    unsigned int order = MAX_ORDER;

    if (pfn)
        order = MIN((unsigned int)__builtin_ctzll(pfn), (unsigned int)MAX_ORDER);
    while (pfn + (1ULL << order) > end_pfn)
        order--;
    return order;
}

static bool overlaps_region(uint64_t base_pfn, uint64_t end_pfn)
{
    for (unsigned int i = 0; i < nr_regions; i++)
        if (base_pfn < regions[i].end_pfn && regions[i].base_pfn < end_pfn)
            return true;
    return false;
}

/* Frame table at the region's start; returns the number of frames it uses. */
static uint64_t init_frame_table(struct region *r)
{
    uint64_t nr = r->end_pfn - r->base_pfn;

    r->frames = maddr_to_virt(pfn_to_pa(r->base_pfn));
    for (uint64_t i = 0; i < nr; i++)
        r->frames[i] = (struct page_info){ .owner = DOMID_NONE };
    return (nr * sizeof(struct page_info) + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static long add_region_locked(uint64_t base_pfn, uint64_t end_pfn)
{
    uint64_t nr = end_pfn - base_pfn, table, pfn;
    struct region *r;

    if (overlaps_region(base_pfn, end_pfn))
        return -EINVAL;
    if (nr_regions == MAX_RAM_REGIONS)
        return -ENOSPC;
    /* Too small to hold anything besides its own frame table. */
    if ((nr * sizeof(struct page_info) + PAGE_SIZE - 1) >> PAGE_SHIFT >= nr)
        return -ENOSPC;

    r = &regions[nr_regions];
    r->base_pfn = base_pfn;
    r->end_pfn = end_pfn;
    table = init_frame_table(r);
    for (pfn = base_pfn + table; pfn < end_pfn; ) {
        unsigned int order = fit_order(pfn, end_pfn);

        push_free(frame(r, pfn), pfn, order);
        pfn += 1ULL << order;
    }
    count_free((long)(nr - table));
    __atomic_fetch_add(&nr_total, nr - table, __ATOMIC_RELAXED);
    __atomic_store_n(&nr_regions, nr_regions + 1, __ATOMIC_RELEASE);
    return (long)(nr - table);
}

long page_alloc_add_region(paddr_t start, paddr_t end)
{
    long rc;

    if (start > end || start > UINT64_MAX - (PAGE_SIZE - 1))
        return -EINVAL;
    start = ROUNDUP(start, PAGE_SIZE);
    end = ROUNDDOWN(end, PAGE_SIZE);
    if (start >= end)
        return -EINVAL;

    spin_lock(&heap_lock);
    if (!free_lists_ready)
        init_free_lists();
    rc = add_region_locked(pa_to_pfn(start), pa_to_pfn(end));
    spin_unlock(&heap_lock);
    return rc;
}

/* Detach the first free block of this order, after checking the frame table. */
static uint64_t take_free(unsigned int order)
{
    struct list_head *l = free_lists[order].next;

    BUG_ON(!link_ok(l, order) || l == &free_lists[order]);
    unlink_free(pa_to_pfn(virt_to_maddr(l)), order);
    return pa_to_pfn(virt_to_maddr(l));
}

/* Smallest order >= want with a free block, or MAX_ORDER + 1. */
static unsigned int first_free_order(unsigned int want)
{
    unsigned int o = want;

    /* Also keeps us off the free lists before the first region exists. */
    if (nr_free < (1UL << want))
        return MAX_ORDER + 1;
    while (o <= MAX_ORDER && list_empty(&free_lists[o]))
        o++;
    return o;
}

/* Take a free block of order o and split it down to want. */
static void *take_and_split(unsigned int o, unsigned int want)
{
    uint64_t pfn = take_free(o);
    struct region *r = find_region(pfn);

    /* Keep the lower half, give the upper halves back. */
    while (o > want) {
        o--;
        push_free(frame(r, pfn + (1ULL << o)), pfn + (1ULL << o), o);
    }
    *frame(r, pfn) = (struct page_info){
        .owner = DOMID_NONE, .order = (uint8_t)want, .flags = PGF_ALLOC,
    };
    count_free(-(1L << want));
    return maddr_to_virt(pfn_to_pa(pfn));
}

void *alloc_pages(unsigned int order)
{
    void *va = NULL;
    unsigned int o;

    if (order > MAX_ORDER)
        return NULL;
    spin_lock(&heap_lock);
    o = first_free_order(order);
    if (o <= MAX_ORDER)
        va = take_and_split(o, order);
    spin_unlock(&heap_lock);
    return va;
}

void *alloc_pages_zeroed(unsigned int order)
{
    void *p = alloc_pages(order);

    if (p)
        __builtin_memset(p, 0, PAGE_SIZE << order);
    return p;
}

void free_pages(void *va, unsigned int order)
{
    paddr_t pa = virt_to_maddr(va);
    uint64_t pfn = pa_to_pfn(pa);
    struct region *r;
    struct page_info *pi;

    BUG_ON(order > MAX_ORDER || !IS_ALIGNED(pa, PAGE_SIZE << order));
    spin_lock(&heap_lock);
    r = find_region(pfn);
    BUG_ON(!r);
    pi = frame(r, pfn);
    /* Not a live block of this order: double free, wrong order or stray pointer. */
    BUG_ON(pi->flags != PGF_ALLOC || pi->order != order);
    /* Still referenced (e.g. foreign-mapped): freeing it would be a use-after-free. */
    BUG_ON(pi->count != 0);
    pi->flags = 0;
    pi->owner = DOMID_NONE;
    count_free(1L << order);
    merge_and_push(r, pfn, order);
    spin_unlock(&heap_lock);
}

/*
 * An allocated 2^order block becomes 2^order allocated single pages, each
 * freed on its own later (a guest giving back part of its memory); freeing
 * them lets the buddies merge again.
 */
void page_split(void *va, unsigned int order)
{
    paddr_t pa = virt_to_maddr(va);
    uint64_t pfn = pa_to_pfn(pa);

    BUG_ON(order > MAX_ORDER || !IS_ALIGNED(pa, PAGE_SIZE << order));
    spin_lock(&heap_lock);
    struct region *r = find_region(pfn);
    BUG_ON(!r);
    BUG_ON(frame(r, pfn)->flags != PGF_ALLOC || frame(r, pfn)->order != order);
    for (uint64_t i = 0; i < (1UL << order); i++) {
        struct page_info *f = frame(r, pfn + i);
        f->flags = PGF_ALLOC;
        f->order = 0;
    }
    spin_unlock(&heap_lock);
}

unsigned long page_alloc_free_pages(void)
{
    return __atomic_load_n(&nr_free, __ATOMIC_RELAXED);
}

unsigned long page_alloc_total_pages(void)
{
    return __atomic_load_n(&nr_total, __ATOMIC_RELAXED);
}

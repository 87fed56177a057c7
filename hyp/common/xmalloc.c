/*
 * Small-object allocator on the buddy allocator.
 *
 * Every xmalloc block (a slab of one size class, or one large object) is a
 * buddy block that starts with a 64-byte header. xfree() finds the block from
 * the pointer alone: buddy blocks are naturally aligned and only their head
 * frame carries PGF_ALLOC, so rounding the address down to 1, 2, 4 ... pages
 * meets the head frame first. Only then is the header read, and it is
 * checked against the frame table. No size is stored next to objects.
 *
 * Slabs track their objects in a bitmap in the header rather than with links
 * inside free objects: a write into a freed object cannot corrupt the
 * allocator, and a double free is caught. A slab is returned to the page
 * allocator as soon as it is empty, so memory flows back to guests.
 *
 * Lock order: xmalloc_lock, then the page allocator's lock.
 */
#include "xmalloc.h"
#include "bug.h"
#include "list.h"
#include "page_alloc.h"
#include "spinlock.h"

#define XHDR_SIZE       64
#define MIN_SHIFT       4                       /* smallest class: 16 bytes */
#define NR_CLASSES      (PAGE_SHIFT - 1 - MIN_SHIFT + 1) /* 16 .. PAGE_SIZE/2 */
#define MAX_SMALL       (1UL << (MIN_SHIFT + NR_CLASSES - 1))
#define MAX_SLAB_OBJS   256                     /* bits in xhdr.used */
/* With at least this many objects per slab, the header costs <= 1/8 of it. */
#define SLAB_MIN_OBJS   7
#define MAX_LARGE       ((PAGE_SIZE << MAX_ORDER) - XHDR_SIZE)

#define XMAGIC_SLAB     0x584d5331u             /* "XMS1" */
#define XMAGIC_LARGE    0x584d4c31u             /* "XML1" */
#define XPOISON         0x5a                    /* freed objects, debug builds */

struct xhdr {
    uint32_t magic;
    uint8_t order;              /* page order of this block */
    uint8_t cls;                /* size class (slabs only) */
    uint16_t nr_objs;           /* slabs: objects in this slab */
    uint16_t nr_free;           /* slabs: objects not handed out */
    struct list_head link;      /* slabs with free objects, per class */
    uint64_t used[MAX_SLAB_OBJS / 64];          /* 1 = object handed out */
};

BUILD_BUG_ON(sizeof(struct xhdr) > XHDR_SIZE);
BUILD_BUG_ON(MAX_SMALL != PAGE_SIZE / 2);

static spinlock_t xmalloc_lock = SPINLOCK_INIT;
static struct list_head partial[NR_CLASSES];   /* slabs with nr_free > 0 */
static bool partial_ready;

static inline size_t class_size(unsigned int cls) { return (size_t)1 << (MIN_SHIFT + cls); }

static unsigned int class_of(size_t size)
{
    if (size <= class_size(0))
        return 0;
    /* ceil(log2(size)) - MIN_SHIFT; size - 1 is non-zero here */
    return (unsigned int)(64 - __builtin_clzll((unsigned long long)(size - 1))) - MIN_SHIFT;
}

static unsigned int slab_objs(unsigned int cls, unsigned int order)
{
    return (unsigned int)(((PAGE_SIZE << order) - XHDR_SIZE) / class_size(cls));
}

/* Smallest slab holding SLAB_MIN_OBJS objects (16 B: 1 page, 2 KiB: 4 pages). */
static unsigned int slab_order(unsigned int cls)
{
    unsigned int order = 0;

    while (slab_objs(cls, order) < SLAB_MIN_OBJS)
        order++;
    return order;
}

static void ensure_ready(void)
{
    if (partial_ready)
        return;
    for (unsigned int c = 0; c < NR_CLASSES; c++)
        list_init(&partial[c]);
    partial_ready = true;
}

void xmalloc_reset(void)
{
    /* The pages went with page_alloc_reset(); only forget the lists. */
    spin_lock_init(&xmalloc_lock);
    partial_ready = false;
    ensure_ready();
}

static struct xhdr *new_slab(unsigned int cls)
{
    unsigned int order = slab_order(cls);
    struct xhdr *h = alloc_pages(order);

    if (!h)
        return NULL;
    __builtin_memset(h, 0, XHDR_SIZE);
    h->magic = XMAGIC_SLAB;
    h->order = (uint8_t)order;
    h->cls = (uint8_t)cls;
    h->nr_objs = (uint16_t)slab_objs(cls, order);
    h->nr_free = h->nr_objs;
    BUG_ON(h->nr_objs > MAX_SLAB_OBJS);
    list_add(&h->link, &partial[cls]);
    return h;
}

static void *slab_take(struct xhdr *h)
{
    for (unsigned int w = 0; w < ARRAY_SIZE(h->used); w++) {
        unsigned int bit, idx;

        if (h->used[w] == ~0ULL)
            continue;
        bit = (unsigned int)__builtin_ctzll(~h->used[w]);
        idx = w * 64 + bit;
        BUG_ON(idx >= h->nr_objs);      /* nr_free said there was room */
        h->used[w] |= 1ULL << bit;
        if (--h->nr_free == 0)
            list_del(&h->link);
        return (char *)h + XHDR_SIZE + (size_t)idx * class_size(h->cls);
    }
    BUG();
}

static void *alloc_small(size_t size)
{
    unsigned int cls = class_of(size);
    struct xhdr *h;
    void *p = NULL;

    spin_lock(&xmalloc_lock);
    ensure_ready();
    if (!list_empty(&partial[cls]))
        h = list_entry(partial[cls].next, struct xhdr, link);
    else
        h = new_slab(cls);
    if (h)
        p = slab_take(h);
    spin_unlock(&xmalloc_lock);
    return p;
}

static void *alloc_large(size_t size)
{
    unsigned int order = 0;
    struct xhdr *h;

    if (size > MAX_LARGE)
        return NULL;
    while ((PAGE_SIZE << order) < size + XHDR_SIZE)
        order++;
    h = alloc_pages(order);
    if (!h)
        return NULL;
    __builtin_memset(h, 0, XHDR_SIZE);
    h->magic = XMAGIC_LARGE;
    h->order = (uint8_t)order;
    return (char *)h + XHDR_SIZE;
}

/* Size 0 still gets a unique object, so callers need no special case. */
void *xmalloc_bytes(size_t size)
{
    return size <= MAX_SMALL ? alloc_small(size) : alloc_large(size);
}

void *xzalloc_bytes(size_t size)
{
    void *p = xmalloc_bytes(size);

    if (p)
        __builtin_memset(p, 0, size);
    return p;
}

/*
 * The allocated buddy block containing p, or NULL. Rounding down by growing
 * powers of two stays inside p's block until it reaches the block's head, and
 * interior frames have no flags, so the first flagged frame decides.
 */
static struct xhdr *block_of(const void *p, struct page_info **pip)
{
    paddr_t pa = virt_to_maddr(p);

    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        paddr_t head = ROUNDDOWN(pa, PAGE_SIZE << o);
        struct page_info *pi = page_info_of(head);

        if (!pi || pi->flags == PGF_FREE)
            return NULL;
        if (pi->flags == PGF_ALLOC) {
            *pip = pi;
            return pi->order >= o ? maddr_to_virt(head) : NULL;
        }
    }
    return NULL;
}

static void free_small(struct xhdr *h, void *p)
{
    size_t off = (size_t)((char *)p - (char *)h), sz;
    unsigned int idx;

    spin_lock(&xmalloc_lock);
    BUG_ON(h->cls >= NR_CLASSES || h->order != slab_order(h->cls));
    sz = class_size(h->cls);
    /* Not the start of an object of this slab: a stray pointer. */
    BUG_ON(off < XHDR_SIZE || (off - XHDR_SIZE) % sz != 0);
    idx = (unsigned int)((off - XHDR_SIZE) / sz);
    BUG_ON(idx >= h->nr_objs);
    BUG_ON(!(h->used[idx / 64] & (1ULL << (idx % 64))));     /* double free */
    h->used[idx / 64] &= ~(1ULL << (idx % 64));
#if CONFIG_DEBUG
    /* Make a use-after-free visible rather than silently working. */
    __builtin_memset(p, XPOISON, sz);
#endif
    if (h->nr_free++ == 0)
        list_add(&h->link, &partial[h->cls]);
    if (h->nr_free == h->nr_objs) {
        list_del(&h->link);
        h->magic = 0;
        free_pages(h, h->order);
    }
    spin_unlock(&xmalloc_lock);
}

void xfree(void *p)
{
    struct page_info *pi = NULL;
    struct xhdr *h;

    if (!p)
        return;
    h = block_of(p, &pi);
    BUG_ON(!h);                         /* not inside a live allocation */
    BUG_ON(h->order != pi->order);      /* header overwritten */
    if (h->magic == XMAGIC_LARGE) {
        BUG_ON((char *)p != (char *)h + XHDR_SIZE);
        h->magic = 0;
        free_pages(h, h->order);
        return;
    }
    BUG_ON(h->magic != XMAGIC_SLAB);
    free_small(h, p);
}

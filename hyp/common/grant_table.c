/*
 * Grant tables (v1): the tables themselves, their shared entries, the
 * per-entry pins that keep GTF_reading/GTF_writing set, and the maptrack
 * storage. The operations built on these are in grant_map.c.
 *
 * Lock order: gnttab_lookup_lock -> domlist_lock (domain_lookup);
 * grant_table.lock -> page allocator, xmalloc, domain_gfn_to_virt().
 * A function never holds two grant_table locks.
 *
 * A table is reference counted: its domain holds one reference until
 * grant_table_destroy(), every live mapping of one of its entries holds one,
 * and so does every operation between gt_get() and gt_put(). It is freed with
 * the last reference, so an unmap after the granter died is still safe.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#define LAMINA_GRANT_INTERNAL
#include "grant_table.h"

#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "lib.h"
#include "page_alloc.h"
#include "printk.h"
#include "spinlock.h"
#include "xmalloc.h"

_Static_assert(sizeof(grant_entry_v1_t) == 8, "grant_entry_v1 is 8 bytes (grant_table.h)");
_Static_assert(GNTTAB_ENTRIES_PER_FRAME * sizeof(grant_entry_v1_t) == PAGE_SIZE,
               "512 v1 entries per frame");
_Static_assert(GNTTAB_INITIAL_FRAMES * GNTTAB_ENTRIES_PER_FRAME >= GNTTAB_NR_RESERVED_ENTRIES,
               "the reserved entries fit in the initial frames");
_Static_assert(GNTTAB_MAX_FRAMES < XENMAPIDX_grant_table_status, "status bit outside the index");

/* Hypervisor state of one grant entry; guarded by the table's lock. */
struct gnttab_active {
    paddr_t pa;                 /* the granted machine page, while pinned */
    uint32_t gfn;               /* the granter's GFN for it, while pinned */
    uint32_t ro_pins;           /* read-only mappings and copies from it */
    uint32_t rw_pins;           /* writable mappings and copies to it */
    domid_t domid;              /* the grantee, while pinned */
};

struct grant_table {
    spinlock_t lock;            /* guards every field below but refs */
    uint32_t refs;              /* atomic; see the top of the file */
    struct domain *domain;      /* NULL once grant_table_destroy() ran */
    domid_t domid;
    unsigned int nr_frames;
    unsigned int max_frames;
    /* Entry i is words [2i, 2i+1] of frame i / 512: {flags | domid << 16, frame}. */
    uint32_t *shared[GNTTAB_MAX_FRAMES];
    uint64_t frame_gfn[GNTTAB_MAX_FRAMES];      /* where the domain mapped each frame */
    struct gnttab_active *active[GNTTAB_MAX_FRAMES];
    struct gnttab_mapping *maptrack[GNTTAB_MAX_MAPTRACK_CHUNKS];
    unsigned int mt_chunks;
    uint32_t mt_free;           /* free list head, GNTTAB_NO_HANDLE if empty */
};

/* Guards d->grant_table while gt_get() takes its reference. */
static spinlock_t gnttab_lookup_lock = SPINLOCK_INIT;

/* Clamp a guest-chosen index under speculation too (Xen's array_index_nospec). */
static inline uint64_t index_nospec(uint64_t idx, uint64_t size)
{
    uint64_t mask = (uint64_t)0 - (uint64_t)(idx < size);
    __asm__ volatile("" : "+r"(mask));
    return idx & mask;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

/* The two words of entry ref; ref < nr_entries(gt), lock held. */
static uint32_t *entry_words(struct grant_table *gt, uint32_t ref)
{
    ref = (uint32_t)index_nospec(ref, nr_entries(gt));
    return gt->shared[ref / GNTTAB_ENTRIES_PER_FRAME] + 2 * (ref % GNTTAB_ENTRIES_PER_FRAME);
}

static struct gnttab_active *active_entry(struct grant_table *gt, uint32_t ref)
{
    ref = (uint32_t)index_nospec(ref, nr_entries(gt));
    return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* --- page references ------------------------------------------------------- */

void gnttab_page_get(paddr_t pa)
{
    struct page_info *pi = page_info_of(pa);
    BUG_ON(!pi);
    __atomic_add_fetch(&pi->count, 1, __ATOMIC_ACQ_REL);
}

void gnttab_page_put(paddr_t pa)
{
    struct page_info *pi = page_info_of(pa);
    BUG_ON(!pi || __atomic_load_n(&pi->count, __ATOMIC_RELAXED) == 0);
    __atomic_sub_fetch(&pi->count, 1, __ATOMIC_ACQ_REL);
}

/*
 * Page gfn of d, with a reference taken: it must be d's own RAM (writable by
 * d if write) and owned by d, so a grant-mapped or foreign page never
 * qualifies. GNTST_okay or GNTST_bad_page.
 */
int gnttab_frame_get(struct domain *d, uint64_t gfn, bool write, paddr_t *pa)
{
    void *va = domain_gfn_to_virt(d, gfn, write);
    struct page_info *pi;

    if (!va)
        return GNTST_bad_page;
    *pa = virt_to_maddr(va) & PAGE_MASK;
    pi = page_info_of(*pa);
    if (!pi)
        return GNTST_bad_page;
    gnttab_page_get(*pa);
    if (__atomic_load_n(&pi->owner, __ATOMIC_ACQUIRE) != d->domid) {
        gnttab_page_put(*pa);
        return GNTST_bad_page;
    }
    return GNTST_okay;
}

/* --- tables -------------------------------------------------------------- */

/* Grow to nr frames, all or nothing. Lock held. 0 or -ENOMEM. */
static int grow_locked(struct grant_table *gt, unsigned int nr)
{
    unsigned int i, old = gt->nr_frames;

    ASSERT(nr <= gt->max_frames);
    for (i = old; i < nr; i++) {
        void *frame = alloc_page_zeroed();
        struct gnttab_active *act =
            xzalloc_array(struct gnttab_active, GNTTAB_ENTRIES_PER_FRAME);
        if (!frame || !act) {
            if (frame)
                free_page(frame);
            xfree(act);
            goto fail;
        }
        /* The guest maps it: it must pass for the domain's own page. */
        page_info_of(virt_to_maddr(frame))->owner = gt->domid;
        gt->shared[i] = frame;
        gt->active[i] = act;
        gt->frame_gfn[i] = GNTTAB_INVALID_GFN;
    }
    __atomic_store_n(&gt->nr_frames, nr, __ATOMIC_RELEASE);
    return 0;

fail:
    while (i-- > old) {
        free_page(gt->shared[i]);
        xfree(gt->active[i]);
        gt->shared[i] = NULL;
        gt->active[i] = NULL;
    }
    return -ENOMEM;
}

static void gt_free(struct grant_table *gt)
{
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        struct page_info *pi = page_info_of(virt_to_maddr(gt->shared[i]));
        /*
         * Still referenced (e.g. foreign-mapped by the toolstack): never
         * reuse it; it belongs to no domain now (its domid may come back).
         */
        if (__atomic_load_n(&pi->count, __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&pi->owner, DOMID_NONE, __ATOMIC_RELEASE);
            log_warn("d%u: grant frame %u still referenced, not freed\n", gt->domid, i);
        } else {
            free_page(gt->shared[i]);
        }
        xfree(gt->active[i]);
    }
    for (unsigned int i = 0; i < gt->mt_chunks; i++)
        xfree(gt->maptrack[i]);
    xfree(gt);
}

int grant_table_init(struct domain *d)
{
    struct grant_table *gt;

    if (d->grant_table)
        return -EEXIST;
    gt = xzalloc(struct grant_table);
    if (!gt)
        return -ENOMEM;
    spin_lock_init(&gt->lock);
    gt->refs = 1;
    gt->domain = d;
    gt->domid = d->domid;
    gt->max_frames = GNTTAB_MAX_FRAMES;
    gt->mt_free = GNTTAB_NO_HANDLE;
    if (grow_locked(gt, GNTTAB_INITIAL_FRAMES)) {
        xfree(gt);
        return -ENOMEM;
    }
    spin_lock(&gnttab_lookup_lock);
    d->grant_table = gt;
    spin_unlock(&gnttab_lookup_lock);
    return 0;
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt;

    spin_lock(&gnttab_lookup_lock);
    gt = d->grant_table;
    d->grant_table = NULL;
    spin_unlock(&gnttab_lookup_lock);
    if (!gt)
        return;
    gnttab_release_mappings(d, gt);
    spin_lock(&gt->lock);
    gt->domain = NULL;          /* no new pins from here on */
    spin_unlock(&gt->lock);
    gt_put(gt);
}

struct grant_table *gt_get(domid_t domid)
{
    struct grant_table *gt = NULL;
    struct domain *d;

    spin_lock(&gnttab_lookup_lock);
    d = domain_lookup(domid);
    if (d && d->grant_table) {
        gt = d->grant_table;
        __atomic_add_fetch(&gt->refs, 1, __ATOMIC_ACQ_REL);
    }
    spin_unlock(&gnttab_lookup_lock);
    return gt;
}

void gt_put(struct grant_table *gt)
{
    if (__atomic_sub_fetch(&gt->refs, 1, __ATOMIC_ACQ_REL) == 0)
        gt_free(gt);
}

unsigned int gnttab_nr_frames(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    return gt ? __atomic_load_n(&gt->nr_frames, __ATOMIC_ACQUIRE) : 0;
}

unsigned int gnttab_max_frames(struct domain *d)
{
    return d->grant_table ? d->grant_table->max_frames : 0;
}

int gnttab_map_frame(struct domain *d, unsigned long idx, paddr_t *frame_pa)
{
    struct grant_table *gt = d->grant_table;
    int rc = 0;

    if (!gt)
        return -ENODEV;
    if (idx & XENMAPIDX_grant_table_status)
        return -EINVAL;         /* status frames exist in v2 only */
    spin_lock(&gt->lock);
    if (idx >= gt->max_frames)
        rc = -EINVAL;
    else if (idx >= gt->nr_frames)
        rc = grow_locked(gt, (unsigned int)idx + 1);
    if (!rc)
        *frame_pa = virt_to_maddr(gt->shared[index_nospec(idx, gt->max_frames)]);
    spin_unlock(&gt->lock);
    return rc;
}

uint64_t gnttab_set_frame_gfn(struct domain *d, unsigned long idx, uint64_t gfn)
{
    struct grant_table *gt = d->grant_table;
    uint64_t old = GNTTAB_INVALID_GFN;

    if (!gt)
        return old;
    spin_lock(&gt->lock);
    if (idx < gt->nr_frames) {
        idx = index_nospec(idx, gt->nr_frames);
        old = gt->frame_gfn[idx];
        gt->frame_gfn[idx] = gfn;
    }
    spin_unlock(&gt->lock);
    return old;
}

int gnttab_seed_entry(struct domain *d, uint32_t ref, domid_t backend, uint64_t gfn)
{
    struct grant_table *gt = d->grant_table;
    int rc = 0;

    if (!gt)
        return -ENODEV;
    spin_lock(&gt->lock);
    if (ref >= nr_entries(gt) || gfn > UINT32_MAX) {
        rc = -EINVAL;
    } else {
        uint32_t *w = entry_words(gt, ref);
        __atomic_store_n(&w[1], (uint32_t)gfn, __ATOMIC_RELAXED);
        __atomic_store_n(&w[0], GTF_permit_access | ((uint32_t)backend << 16),
                         __ATOMIC_RELEASE);
    }
    spin_unlock(&gt->lock);
    return rc;
}

int gnttab_query_size(domid_t dom, unsigned int *nr_frames, unsigned int *max_frames)
{
    struct grant_table *gt = gt_get(dom);

    if (!gt)
        return GNTST_bad_domain;
    spin_lock(&gt->lock);
    *nr_frames = gt->nr_frames;
    *max_frames = gt->max_frames;
    spin_unlock(&gt->lock);
    gt_put(gt);
    return GNTST_okay;
}

int gnttab_setup_table(domid_t dom, unsigned int nr_frames, uint64_t *gfns)
{
    struct grant_table *gt = gt_get(dom);
    int rc = GNTST_okay;

    if (!gt)
        return GNTST_bad_domain;
    spin_lock(&gt->lock);
    if (!gt->domain)
        rc = GNTST_bad_domain;
    else if (nr_frames > gt->max_frames)
        rc = GNTST_general_error;
    else if (nr_frames > gt->nr_frames && grow_locked(gt, nr_frames))
        rc = GNTST_general_error;
    for (unsigned int i = 0; rc == GNTST_okay && i < nr_frames; i++)
        gfns[i] = gt->frame_gfn[i];
    spin_unlock(&gt->lock);
    gt_put(gt);
    return rc;
}

struct domain *gt_domain(struct grant_table *gt)
{
    return __atomic_load_n(&gt->domain, __ATOMIC_ACQUIRE);
}

/* --- entry status and pins ----------------------------------------------- */

/*
 * Set GTF_reading (and GTF_writing) in the shared entry with a cmpxchg of
 * {flags, domid} that re-checks them, so a concurrent revoke either wins
 * (we fail) or fails. An unpinned entry must be permit_access to ldom (a
 * mapping also refuses sub-page); a write pin needs !GTF_readonly. A granter
 * that keeps changing the entry gets GNTST_general_error, never a livelock.
 */
static int set_status(uint32_t *w, domid_t ldom, bool readonly, bool pinned, bool map)
{
    uint32_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);
    uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);

    for (unsigned int i = 0; i < GNTTAB_STATUS_RETRIES; i++) {
        uint32_t flags = cur & 0xFFFF, want = cur | GTF_reading;
        if (!pinned && ((flags & mask) != GTF_permit_access || (cur >> 16) != ldom))
            return GNTST_general_error;
        if (!readonly) {
            if (flags & GTF_readonly)
                return GNTST_general_error;
            want |= GTF_writing;
        }
        if (__atomic_compare_exchange_n(w, &cur, want, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return GNTST_okay;
    }
    return GNTST_general_error;
}

static void clear_status(uint32_t *w, uint32_t bits)
{
    if (bits)
        __atomic_fetch_and(w, ~bits, __ATOMIC_ACQ_REL);
}

/* Lock held, ref in range. */
static int pin_locked(struct grant_table *rgt, uint32_t ref, domid_t ldom, bool readonly,
                      bool map, paddr_t *pa)
{
    struct gnttab_active *act = active_entry(rgt, ref);
    uint32_t *w = entry_words(rgt, ref);
    bool pinned = act->ro_pins || act->rw_pins;
    bool new_writer = !readonly && !act->rw_pins;
    int rc;

    if (pinned && act->domid != ldom)
        return GNTST_general_error;
    if ((!pinned || new_writer) && (rc = set_status(w, ldom, readonly, pinned, map)))
        return rc;
    if (!pinned) {
        /* The frame is read after the flags: Linux writes it first. */
        uint32_t gfn = __atomic_load_n(&w[1], __ATOMIC_ACQUIRE);
        rc = gnttab_frame_get(rgt->domain, gfn, !readonly, &act->pa);
        if (rc) {
            clear_status(w, GTF_reading | (readonly ? 0 : GTF_writing));
            return rc;
        }
        act->gfn = gfn;
        act->domid = ldom;
    } else if (new_writer &&
               domain_gfn_to_virt(rgt->domain, act->gfn, true) != maddr_to_virt(act->pa)) {
        /* First writer of an entry pinned read-only: the page must be writable. */
        clear_status(w, GTF_writing);
        return GNTST_bad_page;
    } else {
        gnttab_page_get(act->pa);
    }
    if (readonly)
        act->ro_pins++;
    else
        act->rw_pins++;
    *pa = act->pa;
    return GNTST_okay;
}

int gt_pin(struct grant_table *rgt, uint32_t ref, domid_t ldom, bool readonly, bool map,
           paddr_t *pa)
{
    int rc;

    spin_lock(&rgt->lock);
    if (!rgt->domain)
        rc = GNTST_bad_domain;
    else if (ref >= nr_entries(rgt))
        rc = GNTST_bad_gntref;
    else
        rc = pin_locked(rgt, ref, ldom, readonly, map, pa);
    spin_unlock(&rgt->lock);
    return rc;
}

void gt_unpin(struct grant_table *rgt, uint32_t ref, bool readonly, paddr_t pa)
{
    struct gnttab_active *act;
    uint32_t clear = 0;

    /* Drop the page first: once the flags are clear the granter may free it. */
    gnttab_page_put(pa);
    spin_lock(&rgt->lock);
    BUG_ON(ref >= nr_entries(rgt));         /* pinned entries never go away */
    act = active_entry(rgt, ref);
    BUG_ON(readonly ? !act->ro_pins : !act->rw_pins);
    if (readonly)
        act->ro_pins--;
    else if (--act->rw_pins == 0)
        clear |= GTF_writing;
    if (!act->ro_pins && !act->rw_pins)
        clear |= GTF_reading;
    clear_status(entry_words(rgt, ref), clear);
    spin_unlock(&rgt->lock);
}

/* --- maptrack ------------------------------------------------------------ */

static struct gnttab_mapping *mt_entry(struct grant_table *gt, uint32_t handle)
{
    handle = (uint32_t)index_nospec(handle, gt->mt_chunks * GNTTAB_MAPTRACK_PER_CHUNK);
    return &gt->maptrack[handle / GNTTAB_MAPTRACK_PER_CHUNK]
                        [handle % GNTTAB_MAPTRACK_PER_CHUNK];
}

uint32_t mt_limit(struct grant_table *gt)
{
    spin_lock(&gt->lock);
    uint32_t limit = gt->mt_chunks * GNTTAB_MAPTRACK_PER_CHUNK;
    spin_unlock(&gt->lock);
    return limit;
}

static bool mt_grow_locked(struct grant_table *gt)
{
    struct gnttab_mapping *chunk;
    uint32_t base = gt->mt_chunks * GNTTAB_MAPTRACK_PER_CHUNK;

    if (gt->mt_chunks >= GNTTAB_MAX_MAPTRACK_CHUNKS)
        return false;
    chunk = xzalloc_array(struct gnttab_mapping, GNTTAB_MAPTRACK_PER_CHUNK);
    if (!chunk)
        return false;
    for (uint32_t i = 0; i < GNTTAB_MAPTRACK_PER_CHUNK; i++)
        chunk[i].next_free = i + 1 < GNTTAB_MAPTRACK_PER_CHUNK ? base + i + 1 : gt->mt_free;
    gt->maptrack[gt->mt_chunks++] = chunk;
    gt->mt_free = base;
    return true;
}

uint32_t mt_reserve(struct grant_table *gt)
{
    uint32_t handle = GNTTAB_NO_HANDLE;

    spin_lock(&gt->lock);
    if (gt->mt_free != GNTTAB_NO_HANDLE || mt_grow_locked(gt)) {
        struct gnttab_mapping *e;
        handle = gt->mt_free;
        e = mt_entry(gt, handle);
        gt->mt_free = e->next_free;
        e->state = MT_BUSY;
    }
    spin_unlock(&gt->lock);
    return handle;
}

void mt_commit(struct grant_table *gt, uint32_t handle, const struct gnttab_mapping *m)
{
    spin_lock(&gt->lock);
    struct gnttab_mapping *e = mt_entry(gt, handle);
    BUG_ON(e->state != MT_BUSY);
    *e = *m;
    e->state = MT_LIVE;
    spin_unlock(&gt->lock);
}

int mt_claim(struct grant_table *gt, uint32_t handle, ipa_t host_addr, paddr_t dev_bus_addr,
             struct gnttab_mapping *out)
{
    struct gnttab_mapping *e;
    int rc = GNTST_okay;

    spin_lock(&gt->lock);
    if (handle >= gt->mt_chunks * GNTTAB_MAPTRACK_PER_CHUNK) {
        spin_unlock(&gt->lock);
        return GNTST_bad_handle;
    }
    e = mt_entry(gt, handle);
    if (e->state != MT_LIVE)
        rc = GNTST_bad_handle;
    else if (host_addr && host_addr != e->gpa)
        rc = GNTST_bad_virt_addr;
    else if (dev_bus_addr && dev_bus_addr != e->pa)
        rc = GNTST_bad_dev_addr;
    if (rc == GNTST_okay) {
        *out = *e;
        e->state = MT_BUSY;     /* a concurrent unmap of it now fails */
    }
    spin_unlock(&gt->lock);
    return rc;
}

void mt_unclaim(struct grant_table *gt, uint32_t handle)
{
    spin_lock(&gt->lock);
    struct gnttab_mapping *e = mt_entry(gt, handle);
    BUG_ON(e->state != MT_BUSY);
    e->state = MT_LIVE;
    spin_unlock(&gt->lock);
}

void mt_release(struct grant_table *gt, uint32_t handle)
{
    spin_lock(&gt->lock);
    struct gnttab_mapping *e = mt_entry(gt, handle);
    BUG_ON(e->state != MT_BUSY);
    *e = (struct gnttab_mapping){ .state = MT_FREE, .next_free = gt->mt_free };
    gt->mt_free = handle;
    spin_unlock(&gt->lock);
}

bool mt_maps_page(struct grant_table *gt, paddr_t pa)
{
    bool found = false;

    spin_lock(&gt->lock);
    for (uint32_t c = 0; c < gt->mt_chunks && !found; c++) {
        for (uint32_t i = 0; i < GNTTAB_MAPTRACK_PER_CHUNK; i++) {
            const struct gnttab_mapping *e = &gt->maptrack[c][i];
            if (e->state == MT_LIVE && e->pa == pa) {
                found = true;
                break;
            }
        }
    }
    spin_unlock(&gt->lock);
    return found;
}

/* Grant table v1 entries: see gnttab_front.h. */
#include "gnttab_front.h"

#include <errno.h>
#include <string.h>

#include "pv_ring.h"    /* xen_wmb */

#define ENTRIES_PER_FRAME (4096u / sizeof(grant_entry_v1_t))

int gnttab_front_init(struct gnttab_front *g, void *table, unsigned int frames)
{
    if (!table || frames == 0 || frames * ENTRIES_PER_FRAME > GNTTAB_FRONT_MAX_ENTRIES)
        return -EINVAL;
    memset(g, 0, sizeof(*g));
    g->table = table;
    g->nr_entries = frames * ENTRIES_PER_FRAME;
    for (unsigned int r = 0; r < GNTTAB_NR_RESERVED_ENTRIES; r++)
        g->used[r / 64] |= 1ULL << (r % 64);
    return 0;
}

int gnttab_front_grant(struct gnttab_front *g, domid_t domid, uint64_t gfn, bool readonly)
{
    if (gfn > UINT32_MAX)
        return -EINVAL;         /* a v1 entry holds 32 bits of frame */
    for (unsigned int r = GNTTAB_NR_RESERVED_ENTRIES; r < g->nr_entries; r++) {
        if (g->used[r / 64] & (1ULL << (r % 64)))
            continue;
        g->used[r / 64] |= 1ULL << (r % 64);
        g->in_use++;
        grant_entry_v1_t *e = &g->table[r];
        e->frame = (uint32_t)gfn;
        e->domid = domid;
        xen_wmb();  /* frame and domid are valid before the flags say so */
        __atomic_store_n(&e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                         __ATOMIC_RELEASE);
        return (int)r;
    }
    return -ENOSPC;
}

int gnttab_front_end(struct gnttab_front *g, grant_ref_t ref)
{
    if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= g->nr_entries || !(g->used[ref / 64] & (1ULL << (ref % 64))))
        return -EINVAL;
    grant_entry_v1_t *e = &g->table[ref];
    /* The hypervisor sets GTF_reading/GTF_writing while the page is mapped:
     * clear the entry only if they are not set at the moment we clear it. */
    uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -EBUSY;
    } while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    g->used[ref / 64] &= ~(1ULL << (ref % 64));
    g->in_use--;
    return 0;
}

/*
 * Granting pages to another domain with grant table v1 (xen/grant_table.h):
 * the table's frames are mapped by the environment (on Arm: XENMEM_add_to_physmap
 * of XENMAPSPACE_grant_table into the region the guest's device tree names);
 * this keeps the entries. The first GNTTAB_NR_RESERVED_ENTRIES belong to the
 * toolstack (console, xenstore) and are never handed out.
 */
#ifndef LAMINA_GNTTAB_FRONT_H
#define LAMINA_GNTTAB_FRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>

#define GNTTAB_FRONT_MAX_ENTRIES 2048u  /* 4 frames of v1 entries */

struct gnttab_front {
    grant_entry_v1_t *table;
    unsigned int nr_entries;
    unsigned int in_use;
    uint64_t used[GNTTAB_FRONT_MAX_ENTRIES / 64];
};

/* `frames` mapped frames at `table`; returns -EINVAL for none or too many. */
int gnttab_front_init(struct gnttab_front *g, void *table, unsigned int frames);

/* Lets `domid` map or copy frame `gfn` (read-only if asked); returns the
 * grant reference, or -ENOSPC when the table is full. */
int gnttab_front_grant(struct gnttab_front *g, domid_t domid, uint64_t gfn, bool readonly);

/* Takes the grant back: -EBUSY while the other domain still has it mapped
 * (the entry stays granted; try again after it unmapped), -EINVAL for a
 * reference that was not granted. */
int gnttab_front_end(struct gnttab_front *g, grant_ref_t ref);

#endif

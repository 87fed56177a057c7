/*
 * Grant tables, version 1 only (as Xen on arm: GNTTAB_MAX_VERSION 1).
 *
 * A domain shares a page by writing an 8-byte entry {u16 flags, u16 domid,
 * u32 frame (GFN)} into its grant table, a set of hypervisor-allocated frames
 * (owned by the domain, zeroed) that the guest maps with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table). The grantee maps the page
 * into its own stage 2 (map_grant_ref), or has the hypervisor copy to/from it
 * (GNTTABOP_copy). While a mapping or copy is in progress the hypervisor keeps
 * GTF_reading (and GTF_writing for writable access) set in the granter's
 * entry, so the granter's revoke (a cmpxchg of flags to 0) fails until the
 * last user has gone; the granted frame carries one page reference
 * (struct page_info.count) per mapping and per copy in progress.
 *
 * Mappings are tracked per mapping domain in a maptrack table: a map returns
 * a handle (maptrack index) that only that domain can unmap. A mapping holds
 * a reference on the granter's struct grant_table, so a granter destroyed
 * while mapped leaves its table (and frames) alive until the last unmap.
 *
 * Locks: gnttab_lookup_lock (grant_table.c; guards d->grant_table against
 * destruction while a lookup takes a reference) -> domlist_lock.
 * grant_table.lock -> page allocator / xmalloc locks, domain_gfn_to_virt().
 * No two grant_table locks are ever held together, and none is held across
 * arch_grant_map/unmap (which take the p2m lock).
 *
 * Limits of this implementation, all deliberate:
 *  - no hypercall continuations: a batch is bounded by GNTTAB_MAX_BATCH;
 *  - host mappings only (GNTMAP_host_map, optionally GNTMAP_readonly), as
 *    Xen on arm; no transitive or sub-page grants (v2 only);
 *  - GNTTABOP_transfer, unmap_and_replace, swap_grant_ref, dump_table:
 *    -ENOSYS (Linux on arm uses none of them).
 */
#ifndef LAMINA_GRANT_TABLE_H
#define LAMINA_GRANT_TABLE_H

#include "types.h"

struct domain;

#define GNTTAB_MAX_FRAMES 64            /* per domain (Xen: gnttab_max_frames=64) */
#define GNTTAB_INITIAL_FRAMES 1         /* allocated by grant_table_init (Xen: 1) */
#define GNTTAB_ENTRIES_PER_FRAME 512    /* PAGE_SIZE / sizeof(grant_entry_v1_t) */
#define GNTTAB_MAPTRACK_PER_CHUNK 128   /* handles per maptrack allocation */
#define GNTTAB_MAX_MAPTRACK_CHUNKS 256  /* => 32768 mappings per domain */
#define GNTTAB_MAX_BATCH 16384          /* ops per grant_table_op call */
#define GNTTAB_MAX_FLUSH_BATCH 64       /* cache_flush ops per call (each may scan maptrack) */
#define GNTTAB_STATUS_RETRIES 5         /* cmpxchg attempts against a changing entry */
#define GNTTAB_INVALID_GFN (~(uint64_t)0)

/* Allocate d's table (GNTTAB_INITIAL_FRAMES frames). 0, -ENOMEM, -EEXIST. */
int __must_check grant_table_init(struct domain *d);
/*
 * Unmap every mapping d holds (clearing GTF_reading/writing in the granters'
 * entries and dropping the page references), detach d's table and drop d's
 * reference on it. Call before d's p2m is torn down and before d is freed.
 * d's frames are freed once no other domain maps a page granted by d.
 */
void grant_table_destroy(struct domain *d);

/*
 * For XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx): grow d's table to
 * idx + 1 frames if needed and return the machine address of shared frame
 * idx. -EINVAL if idx >= the maximum or idx names a status frame (bit 31,
 * XENMAPIDX_grant_table_status: v2 only), -ENOMEM, -ENODEV (no table).
 */
int __must_check gnttab_map_frame(struct domain *d, unsigned long idx, paddr_t *frame_pa);
/*
 * Record where d mapped frame idx (GNTTAB_INVALID_GFN: unmapped), for
 * GNTTABOP_setup_table. Returns the GFN recorded before (a frame lives at one
 * GFN at a time: the caller removes the old p2m entry if it differs), or
 * GNTTAB_INVALID_GFN.
 */
uint64_t gnttab_set_frame_gfn(struct domain *d, unsigned long idx, uint64_t gfn);
unsigned int gnttab_nr_frames(struct domain *d);
unsigned int gnttab_max_frames(struct domain *d);
/*
 * Write a v1 entry {GTF_permit_access, backend, gfn} into d's table (the
 * domain builder's console/xenstore refs 0 and 1). 0 or -EINVAL/-ENODEV.
 */
int gnttab_seed_entry(struct domain *d, uint32_t ref, domid_t backend, uint64_t gfn);

/*
 * The operations behind GNTTABOP_*, on kernel values (hypercalls/grant_table.c
 * copies the guest structures in and out). ld is the calling domain. Results
 * are GNTST_* codes (0 or negative) unless noted.
 */
int __must_check gnttab_map(struct domain *ld, domid_t dom, uint32_t ref, uint32_t flags,
                            ipa_t host_addr, uint32_t *handle, paddr_t *dev_bus_addr);
/* host_addr / dev_bus_addr 0: not checked, else they must match the mapping. */
int gnttab_unmap(struct domain *ld, uint32_t handle, ipa_t host_addr, paddr_t dev_bus_addr);

struct gnttab_copy_side {
    bool is_gref;               /* ref_or_gfn is a grant ref of domid, else a GFN */
    uint64_t ref_or_gfn;
    domid_t domid;              /* granter (gref), or DOMID_SELF / the caller (GFN) */
    uint16_t offset;
};
int __must_check gnttab_copy(struct domain *ld, const struct gnttab_copy_side *src,
                             const struct gnttab_copy_side *dst, uint16_t len);

/* GNTTABOP_cache_flush, one op: 0 or -errno (EINVAL, EPERM, EOPNOTSUPP). */
int __must_check gnttab_cache_flush(struct domain *ld, paddr_t dev_bus_addr, uint16_t offset,
                                    uint16_t length, uint32_t op);

/* query_size of domain dom (DOMID_SELF already resolved). GNTST_* */
int __must_check gnttab_query_size(domid_t dom, unsigned int *nr_frames,
                                   unsigned int *max_frames);
/*
 * setup_table: grow dom's table to nr_frames and fill gfns[0..nr_frames) with
 * the GFNs where the frames are mapped (GNTTAB_INVALID_GFN where not mapped,
 * as Xen on arm). nr_frames <= GNTTAB_MAX_FRAMES. GNTST_*
 */
int __must_check gnttab_setup_table(domid_t dom, unsigned int nr_frames, uint64_t *gfns);

/* --- architecture hooks (arm64 code; faked by host unit tests) --- */
/* Map machine page pa at gpa in d's stage 2 (replacing what was there); 0/-errno. */
int arch_grant_map(struct domain *d, ipa_t gpa, paddr_t pa, bool readonly);
/* Remove gpa from d's stage 2 if it still maps pa (TLB flushed), else -EINVAL. */
int arch_grant_unmap(struct domain *d, ipa_t gpa, paddr_t pa);
/*
 * Data cache maintenance to PoC on [va, va + len) of a page:
 * GNTTAB_CACHE_CLEAN: clean; GNTTAB_CACHE_INVAL (with or without CLEAN):
 * clean and invalidate (never a bare invalidate: it could discard data).
 */
void arch_grant_cache_flush(const void *va, size_t len, uint32_t op);

#ifdef LAMINA_GRANT_INTERNAL
/*
 * Shared by hyp/common/grant_table.c (tables, entries, pins, maptrack
 * storage) and hyp/common/grant_map.c (the operations). Nothing else.
 */
struct grant_table;

enum gnttab_mt_state { MT_FREE = 0, MT_BUSY, MT_LIVE };

/* One mapping held by the table's domain; guarded by that table's lock. */
struct gnttab_mapping {
    struct grant_table *rgt;    /* the granter's table (holds a reference) */
    ipa_t gpa;                  /* where it is mapped in this domain */
    paddr_t pa;                 /* the granted machine page */
    uint32_t ref;
    uint16_t state;             /* enum gnttab_mt_state */
    bool readonly;
    uint32_t next_free;         /* free list link while MT_FREE */
};

struct grant_table *gt_get(domid_t domid);      /* reference, or NULL */
void gt_put(struct grant_table *gt);
struct domain *gt_domain(struct grant_table *gt);   /* owner, NULL once destroyed */

/* Pin (ref) for access by ldom: set GTF_* and take a page reference. GNTST_* */
int gt_pin(struct grant_table *rgt, uint32_t ref, domid_t ldom, bool readonly, bool map,
           paddr_t *pa);
void gt_unpin(struct grant_table *rgt, uint32_t ref, bool readonly, paddr_t pa);

/* Maptrack of lgt: reserve a handle (MT_BUSY), or GNTTAB_NO_HANDLE. */
#define GNTTAB_NO_HANDLE (~(uint32_t)0)
uint32_t mt_reserve(struct grant_table *lgt);
void mt_commit(struct grant_table *lgt, uint32_t handle, const struct gnttab_mapping *m);
/* Claim a live handle for unmapping (-> MT_BUSY) and copy it out. GNTST_* */
int mt_claim(struct grant_table *lgt, uint32_t handle, ipa_t host_addr, paddr_t dev_bus_addr,
             struct gnttab_mapping *out);
void mt_unclaim(struct grant_table *lgt, uint32_t handle);     /* back to MT_LIVE */
void mt_release(struct grant_table *lgt, uint32_t handle);     /* back to MT_FREE */
bool mt_maps_page(struct grant_table *lgt, paddr_t pa);
uint32_t mt_limit(struct grant_table *lgt);

/* Page references (struct page_info.count) on a granted or copied frame. */
void gnttab_page_get(paddr_t pa);
void gnttab_page_put(paddr_t pa);
/* Page gfn of d (its own RAM, owned by d), referenced. GNTST_okay/bad_page. */
int gnttab_frame_get(struct domain *d, uint64_t gfn, bool write, paddr_t *pa);

/* grant_map.c: undo every mapping d holds in gt (d's table, being destroyed). */
void gnttab_release_mappings(struct domain *d, struct grant_table *gt);
#endif

#endif

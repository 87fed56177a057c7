/*
 * Grant operations: map/unmap into the caller's stage 2, hypervisor copy,
 * cache maintenance, and the release of a dying domain's mappings. Built on
 * the tables, pins and maptrack of grant_table.c.
 *
 * Every operation validates first and then either completes or leaves
 * nothing behind: a failed map drops its pin (and so the GTF_* bits it set),
 * its page reference and its handle; a failed unmap leaves the mapping as it
 * was. No grant_table lock is held across arch_grant_map/unmap.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/grant_table.h>

#define LAMINA_GRANT_INTERNAL
#include "grant_table.h"

#include "domain.h"
#include "errno.h"
#include "lib.h"
#include "page_alloc.h"

int gnttab_map(struct domain *ld, domid_t dom, uint32_t ref, uint32_t flags, ipa_t host_addr,
               uint32_t *handle, paddr_t *dev_bus_addr)
{
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool ro = flags & GNTMAP_readonly;
    uint32_t h;
    paddr_t pa;
    int rc;

    if (!(flags & (GNTMAP_device_map | GNTMAP_host_map)))
        return GNTST_bad_gntref;            /* as Xen */
    if ((flags & ~GNTMAP_readonly) != GNTMAP_host_map)
        return GNTST_general_error;         /* Xen on arm: host mappings only */
    if (!IS_ALIGNED(host_addr, PAGE_SIZE))
        return GNTST_bad_virt_addr;
    if (!lgt)
        return GNTST_general_error;
    rgt = gt_get(dom);                      /* DOMID_SELF is no domain here, as Xen */
    if (!rgt)
        return GNTST_bad_domain;
    h = mt_reserve(lgt);
    if (h == GNTTAB_NO_HANDLE) {
        rc = GNTST_no_device_space;
        goto put;
    }
    rc = gt_pin(rgt, ref, ld->domid, ro, true, &pa);
    if (rc)
        goto release;
    if (arch_grant_map(ld, host_addr, pa, ro)) {
        gt_unpin(rgt, ref, ro, pa);
        rc = GNTST_general_error;
        goto release;
    }
    mt_commit(lgt, h, &(struct gnttab_mapping){
        .rgt = rgt, .gpa = host_addr, .pa = pa, .ref = ref, .readonly = ro });
    *handle = h;
    *dev_bus_addr = pa;
    return GNTST_okay;          /* the reference on rgt now belongs to the mapping */

release:
    mt_release(lgt, h);
put:
    gt_put(rgt);
    return rc;
}

/* Drop a claimed mapping: its pin, page reference, table reference, handle. */
static void unmap_finish(struct grant_table *lgt, uint32_t handle,
                         const struct gnttab_mapping *m)
{
    gt_unpin(m->rgt, m->ref, m->readonly, m->pa);
    gt_put(m->rgt);
    mt_release(lgt, handle);
}

int gnttab_unmap(struct domain *ld, uint32_t handle, ipa_t host_addr, paddr_t dev_bus_addr)
{
    struct grant_table *lgt = ld->grant_table;
    struct gnttab_mapping m;
    int rc;

    if (!lgt)
        return GNTST_bad_handle;
    rc = mt_claim(lgt, handle, host_addr, dev_bus_addr, &m);
    if (rc)
        return rc;
    /*
     * -EINVAL: the guest already replaced what was at gpa (e.g. another
     * mapping over it), so nothing maps the page there any more: release it.
     */
    rc = arch_grant_unmap(ld, m.gpa, m.pa);
    if (rc && rc != -EINVAL) {
        mt_unclaim(lgt, handle);
        return GNTST_general_error;
    }
    unmap_finish(lgt, handle, &m);
    return GNTST_okay;
}

void gnttab_release_mappings(struct domain *d, struct grant_table *gt)
{
    uint32_t limit = mt_limit(gt);
    struct gnttab_mapping m;

    for (uint32_t h = 0; h < limit; h++) {
        if (mt_claim(gt, h, 0, 0, &m) != GNTST_okay)
            continue;
        /* The stage 2 goes away with the domain: an error here changes nothing. */
        (void)arch_grant_unmap(d, m.gpa, m.pa);
        unmap_finish(gt, h, &m);
    }
}

/* --- copy ---------------------------------------------------------------- */

struct copy_buf {
    struct grant_table *rgt;    /* gref side: the granter's table; NULL for a GFN */
    uint32_t ref;
    paddr_t pa;
    bool readonly;
};

static int copy_claim(struct domain *ld, const struct gnttab_copy_side *s, bool readonly,
                      struct copy_buf *b)
{
    domid_t dom = s->domid == DOMID_SELF ? ld->domid : s->domid;
    int rc;

    b->rgt = NULL;
    b->readonly = readonly;
    if (!s->is_gref) {
        if (dom != ld->domid)
            return GNTST_permission_denied;     /* only one's own frames by GFN */
        return gnttab_frame_get(ld, s->ref_or_gfn, !readonly, &b->pa);
    }
    if (s->ref_or_gfn > UINT32_MAX)
        return GNTST_bad_gntref;
    b->ref = (uint32_t)s->ref_or_gfn;
    b->rgt = gt_get(dom);
    if (!b->rgt)
        return GNTST_bad_domain;
    rc = gt_pin(b->rgt, b->ref, ld->domid, readonly, false, &b->pa);
    if (rc) {
        gt_put(b->rgt);
        b->rgt = NULL;
    }
    return rc;
}

static void copy_release(struct copy_buf *b)
{
    if (b->rgt) {
        gt_unpin(b->rgt, b->ref, b->readonly, b->pa);
        gt_put(b->rgt);
    } else {
        gnttab_page_put(b->pa);
    }
}

int gnttab_copy(struct domain *ld, const struct gnttab_copy_side *src,
                const struct gnttab_copy_side *dst, uint16_t len)
{
    struct copy_buf s, d;
    int rc;

    if ((uint32_t)src->offset + len > PAGE_SIZE || (uint32_t)dst->offset + len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    rc = copy_claim(ld, src, true, &s);
    if (rc)
        return rc;
    rc = copy_claim(ld, dst, false, &d);
    if (rc) {
        copy_release(&s);
        return rc;
    }
    /* Both pages are pinned (GTF_* set) and referenced while we copy. */
    memmove((char *)maddr_to_virt(d.pa) + dst->offset,
            (const char *)maddr_to_virt(s.pa) + src->offset, len);
    copy_release(&d);
    copy_release(&s);
    return GNTST_okay;
}

/* --- cache maintenance ----------------------------------------------------- */

int gnttab_cache_flush(struct domain *ld, paddr_t dev_bus_addr, uint16_t offset,
                       uint16_t length, uint32_t op)
{
    paddr_t pa = dev_bus_addr & PAGE_MASK;
    struct page_info *pi;
    domid_t owner;

    if (op & GNTTAB_CACHE_SOURCE_GREF)
        return -EOPNOTSUPP;                 /* unimplemented in Xen too */
    if (offset >= PAGE_SIZE || length > PAGE_SIZE || (uint32_t)offset + length > PAGE_SIZE ||
        (op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)))
        return -EINVAL;
    if (length == 0 || op == 0)
        return 0;                           /* Linux probes the op this way at boot */
    pi = page_info_of(pa);
    if (!pi)
        return -EINVAL;
    owner = __atomic_load_n(&pi->owner, __ATOMIC_ACQUIRE);
    if (owner == DOMID_NONE)
        return -EPERM;                      /* free or the hypervisor's */
    /*
     * Only the caller's own pages and pages it has grant-mapped. Clean and
     * clean+invalidate never lose data, so a page freed under us is harmless:
     * no reference is taken.
     */
    if (owner != ld->domid && (!ld->grant_table || !mt_maps_page(ld->grant_table, pa)))
        return -EINVAL;
    arch_grant_cache_flush((const char *)maddr_to_virt(pa) + offset, length, op);
    return 0;
}

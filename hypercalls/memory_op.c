/*
 * memory_op (12): a domain's physical memory map.
 *
 * add_to_physmap places the shared_info page or a grant-table frame at a
 * guest frame; the batch form also maps another domain's pages for the
 * toolstack (gmfn_foreign, privileged only). decrease_reservation and
 * populate_physmap move RAM in and out (the balloon): a direct-mapped dom0
 * keeps its frames when it gives them back, so they can return 1:1.
 * Long lists continue in a later call (the extent index rides in the upper
 * bits of cmd, as on Xen).
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/memory.h>

#include "domain.h"
#include "errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall.h"
#include "page_alloc.h"
#include "percpu.h"

/* The low 6 bits of cmd select the op; the rest carry the extent to continue from. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1UL << MEMOP_EXTENT_SHIFT) - 1)
#define EXTENTS_PER_CALL 512
#define MAX_EXTENT_ORDER 18

/* The domain a request names: the caller itself, or any for the control domain. */
static struct domain *target_domain(domid_t domid, long *rc)
{
    struct domain *self = current_vcpu()->domain;
    if (domid == DOMID_SELF || domid == self->domid)
        return self;
    if (!self->is_privileged) {
        *rc = -EPERM;
        return NULL;
    }
    struct domain *d = domain_lookup(domid);
    if (!d)
        *rc = -ESRCH;
    return d;
}

/* Copy a request in and resolve the domain it names (domid is a field of it). */
static struct domain *fetch(uint64_t gva, void *req, size_t size, const domid_t *domid, long *rc)
{
    *rc = copy_from_guest(req, gva, size);
    return *rc ? NULL : target_domain(*domid, rc);
}

/* Drop whatever was at gfn; a foreign page's reference goes with it. */
static void release_gfn(struct domain *d, uint64_t gfn)
{
    paddr_t pa;
    enum gfn_kind k = arch_gfn_query(d, gfn, &pa);
    if (k == GFN_HOLE)
        return;
    arch_gfn_unmap(d, gfn);
    if (k == GFN_FOREIGN)
        __atomic_sub_fetch(&page_info_of(pa)->count, 1, __ATOMIC_RELAXED);
}

static int map_foreign(struct domain *d, domid_t fid, uint64_t idx, uint64_t gfn)
{
    struct domain *fd = domain_lookup(fid);
    if (!d->is_privileged || !fd || fd == d)
        return fd ? -EPERM : -ESRCH;
    void *va = domain_gfn_to_virt(fd, idx, true);
    if (!va)
        return -ENOENT;
    paddr_t pa = virt_to_maddr(va);
    __atomic_add_fetch(&page_info_of(pa)->count, 1, __ATOMIC_RELAXED);
    release_gfn(d, gfn);
    int rc = arch_gfn_map(d, gfn, pa, GFN_FOREIGN);
    if (rc)
        __atomic_sub_fetch(&page_info_of(pa)->count, 1, __ATOMIC_RELAXED);
    return rc;
}

static int add_to_physmap_one(struct domain *d, unsigned int space, uint64_t idx, uint64_t gfn,
                              domid_t foreign)
{
    paddr_t pa;
    int rc;

    switch (space) {
    case XENMAPSPACE_shared_info:
        if (idx != 0)
            return -EINVAL;
        pa = virt_to_maddr(d->shared_info);
        break;
    case XENMAPSPACE_grant_table:
        rc = gnttab_map_frame(d, idx, &pa);
        if (rc)
            return rc;
        gnttab_set_frame_gfn(d, idx, gfn);
        break;
    case XENMAPSPACE_gmfn_foreign:
        return map_foreign(d, foreign, idx, gfn);
    default:
        return -ENOSYS;
    }
    release_gfn(d, gfn);
    return arch_gfn_map(d, gfn, pa, GFN_RAM);
}

static long add_to_physmap(uint64_t gva)
{
    struct xen_add_to_physmap x = { 0 };
    long rc;
    struct domain *d = fetch(gva, &x, sizeof(x), &x.domid, &rc);
    if (!d)
        return rc;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -EINVAL;                         /* batch only */
    return add_to_physmap_one(d, x.space, x.idx, x.gpfn, DOMID_INVALID);
}

static void continue_at(uint64_t cmd, uint64_t start, uint64_t gva)
{
    struct hypercall_args next = { { (cmd & MEMOP_CMD_MASK) | (start << MEMOP_EXTENT_SHIFT), gva } };
    hypercall_continue(&next);
}

/* Per-entry errors go to errs[]; the call itself succeeds once the list was read. */
static long add_to_physmap_batch(uint64_t cmd, uint64_t gva, uint64_t start)
{
    struct xen_add_to_physmap_batch b = { 0 };
    long rc;
    struct domain *d = fetch(gva, &b, sizeof(b), &b.domid, &rc);
    if (!d)
        return rc;
    for (uint64_t i = start; i < b.size; i++) {
        uint64_t idx, gfn;
        int err;
        if (i - start == EXTENTS_PER_CALL) {
            continue_at(cmd, i, gva);
            return 0;
        }
        if (copy_from_guest(&idx, b.idxs.q + 8 * i, 8) || copy_from_guest(&gfn, b.gpfns.q + 8 * i, 8))
            return -EFAULT;
        err = add_to_physmap_one(d, b.space, idx, gfn, b.u.foreign_domid);
        if (copy_to_guest(b.errs.q + 4 * i, &err, 4))
            return -EFAULT;
    }
    return 0;
}

static long remove_from_physmap(uint64_t gva)
{
    struct xen_remove_from_physmap x = { 0 };
    long rc;
    struct domain *d = fetch(gva, &x, sizeof(x), &x.domid, &rc);
    if (!d)
        return rc;
    if (arch_gfn_query(d, x.gpfn, NULL) == GFN_HOLE)
        return -ENOENT;
    release_gfn(d, x.gpfn);
    return 0;
}

/* Give back 2^order pages at gfn. A direct-mapped domain keeps the frames (they return 1:1). */
static int decrease_one(struct domain *d, uint64_t gfn, unsigned int order)
{
    uint64_t n = 1UL << order;
    paddr_t pa;

    if (gfn & (n - 1))
        return -EINVAL;
    for (uint64_t i = 0; i < n; i++) {
        if (arch_gfn_query(d, gfn + i, &pa) != GFN_RAM || page_info_of(pa)->owner != d->domid)
            return -EINVAL;
    }
    for (uint64_t i = 0; i < n; i++) {
        arch_gfn_query(d, gfn + i, &pa);
        arch_gfn_unmap(d, gfn + i);
        /* dom0 keeps its frames (they come back 1:1); others give them back to the heap. */
        if (d->direct_mapped || domain_release_page(d, pa))
            d->ballooned_pages++;
    }
    return 0;
}

static int populate_direct(struct domain *d, uint64_t gfn, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        struct page_info *pg = page_info_of((gfn + i) << PAGE_SHIFT);
        if (!pg || pg->owner != d->domid || arch_gfn_query(d, gfn + i, NULL) != GFN_HOLE)
            return -EINVAL;
    }
    for (uint64_t i = 0; i < n; i++) {
        int rc = arch_gfn_map(d, gfn + i, (gfn + i) << PAGE_SHIFT, GFN_RAM);
        if (rc)
            return rc;
        d->ballooned_pages--;
    }
    return 0;
}

static int populate_one(struct domain *d, uint64_t gfn, unsigned int order)
{
    uint64_t n = 1UL << order;

    if (gfn & (n - 1))
        return -EINVAL;
    if (d->direct_mapped)
        return populate_direct(d, gfn, n);
    /* As Xen: nothing before the toolstack sets max_mem; held pages count too. */
    if (d->tot_pages + n > d->max_pages)
        return -ENOMEM;
    for (uint64_t i = 0; i < n; i++)
        if (arch_gfn_query(d, gfn + i, NULL) != GFN_HOLE)
            return -EBUSY;
    void *va = alloc_pages_zeroed(order);
    if (!va)
        return -ENOMEM;
    return domain_add_ram(d, gfn << PAGE_SHIFT, virt_to_maddr(va), order);
}

/* Both return how many extents were done (Linux's balloon BUG()s if fewer than asked). */
static long reservation(uint64_t cmd, uint64_t gva, uint64_t start, bool populate)
{
    struct xen_memory_reservation r = { 0 };
    long rc;
    struct domain *d = fetch(gva, &r, sizeof(r), &r.domid, &rc);
    if (!d)
        return rc;
    if (r.extent_order > MAX_EXTENT_ORDER || start > r.nr_extents)
        return -EINVAL;
    for (uint64_t i = start; i < r.nr_extents; i++) {
        uint64_t gfn;
        if (i - start == EXTENTS_PER_CALL) {
            continue_at(cmd, i, gva);
            return 0;
        }
        if (copy_from_guest(&gfn, r.extent_start.q + 8 * i, 8))
            return i ? (long)i : -EFAULT;
        if ((populate ? populate_one(d, gfn, r.extent_order) : decrease_one(d, gfn, r.extent_order)))
            return (long)i;
    }
    return (long)r.nr_extents;
}

static long reservation_size(uint64_t gva, bool maximum)
{
    domid_t domid = 0;
    long rc;
    struct domain *d = fetch(gva, &domid, sizeof(domid), &domid, &rc);
    if (!d)
        return rc;
    if (maximum)
        return (long)d->max_pages;
    return (long)(d->tot_pages - d->ballooned_pages);
}

long do_memory_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], arg = args->a[1];
    uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;

    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_decrease_reservation:
        return reservation(cmd, arg, start, false);
    case XENMEM_populate_physmap:
        return reservation(cmd, arg, start, true);
    case XENMEM_current_reservation:
        return start ? -ENOSYS : reservation_size(arg, false);
    case XENMEM_maximum_reservation:
        return start ? -ENOSYS : reservation_size(arg, true);
    case XENMEM_add_to_physmap:
        return start ? -ENOSYS : add_to_physmap(arg);
    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch(cmd, arg, start);
    case XENMEM_remove_from_physmap:
        return start ? -ENOSYS : remove_from_physmap(arg);
    case XENMEM_acquire_resource:
        return -EOPNOTSUPP;     /* the toolstack falls back to add_to_physmap */
    default:
        return -ENOSYS;
    }
}

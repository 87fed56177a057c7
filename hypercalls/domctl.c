/*
 * domctl (36), for the control domain (the table enforces it): what a
 * toolstack needs to build and run a domain, at interface version 0x15.
 * Domains are created paused; the toolstack sets them up (max_mem,
 * populate_physmap, setvcpucontext, HVM params ...) and unpauses them.
 * getdomaininfo answers for the domain asked for or, if there is none,
 * the next higher one (callers check the id).
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/domctl.h>

#include "domaininfo.h"
#include "domctl_private.h"
#include "domain.h"
#include "domain_ctl.h"
#include "errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"

#define CDF_REQUIRED (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap)   /* every arm guest */
#define MAX_SPIS 960
#define MAX_GRANT_FRAMES 64
#define CACHEFLUSH_MAX_PFNS (1UL << 18)

static long createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    struct xen_arch_domainconfig *a = &c->arch;

    if ((c->flags & CDF_REQUIRED) != CDF_REQUIRED || (c->flags & ~(CDF_REQUIRED |
        XEN_DOMCTL_CDF_xs_domain)))
        return c->flags & XEN_DOMCTL_CDF_iommu ? -EOPNOTSUPP : -EINVAL;
    if (!c->max_vcpus || c->max_vcpus > CONFIG_MAX_VCPUS_PER_DOMAIN)
        return -EINVAL;
    if (a->gic_version != XEN_DOMCTL_CONFIG_GIC_NATIVE && a->gic_version != XEN_DOMCTL_CONFIG_GIC_V3)
        return -EOPNOTSUPP;                 /* only a GICv3 is emulated */
    if (a->nr_spis > MAX_SPIS || a->tee_type != XEN_DOMCTL_CONFIG_TEE_NONE ||
        c->max_grant_frames > MAX_GRANT_FRAMES)
        return -EINVAL;
    struct domain_params p = { .max_vcpus = c->max_vcpus, .nr_spis = a->nr_spis,
                               .max_evtchn_port = c->max_evtchn_port,
                               .max_grant_frames = c->max_grant_frames };
    long rc;
    struct domain *d = domain_create_for_toolstack(op->domain, &p, &rc);
    if (!d)
        return rc;
    __builtin_memcpy(d->handle, c->handle, sizeof(d->handle));
    op->domain = d->domid;
    a->gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
    a->nr_spis = arch_domain_nr_spis(d);
    return 0;
}

static long cacheflush(struct domain *d, struct xen_domctl_cacheflush *cf)
{
    if (cf->nr_pfns > CACHEFLUSH_MAX_PFNS || cf->start_pfn + cf->nr_pfns < cf->start_pfn)
        return -EINVAL;
    for (uint64_t i = 0; i < cf->nr_pfns; i++) {
        void *va = domain_gfn_to_virt(d, cf->start_pfn + i, false);
        if (va)                             /* holes have nothing cached */
            arch_grant_cache_flush(va, PAGE_SIZE, GNTTAB_CACHE_INVAL);
    }
    return 0;
}

/* The commands on an existing domain (not the caller: it cannot pause or kill itself). */
static long on_domain(struct xen_domctl *op, struct domain *d)
{
    bool self = d == current_vcpu()->domain;

    switch (op->cmd) {
    case XEN_DOMCTL_destroydomain: return self ? -EINVAL : domain_kill(d);
    case XEN_DOMCTL_pausedomain:
        if (self)
            return -EINVAL;
        domain_pause(d);
        return 0;
    case XEN_DOMCTL_unpausedomain: return self ? -EINVAL : domain_unpause(d);
    case XEN_DOMCTL_max_vcpus: return domctl_max_vcpus(d, &op->u.max_vcpus);
    case XEN_DOMCTL_setvcpucontext: return domctl_setvcpucontext(d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpucontext: return domctl_getvcpucontext(d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpuinfo: return domctl_getvcpuinfo(d, &op->u.getvcpuinfo);
    case XEN_DOMCTL_max_mem:
        d->max_pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
        return 0;
    case XEN_DOMCTL_setdomainhandle:
        __builtin_memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        return 0;
    case XEN_DOMCTL_set_address_size:
        return op->u.address_size.size == 64 ? 0 : -EINVAL;   /* no AArch32 guests */
    case XEN_DOMCTL_cacheflush: return cacheflush(d, &op->u.cacheflush);
    case XEN_DOMCTL_set_paging_mempool_size:
        d->paging_mempool_bytes = op->u.paging_mempool.size;   /* tables come from the heap */
        return 0;
    case XEN_DOMCTL_get_paging_mempool_size:
        op->u.paging_mempool.size = d->paging_mempool_bytes;
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_domctl(const struct hypercall_args *args)
{
    struct xen_domctl op;
    long rc = copy_from_guest(&op, args->a[0], sizeof(op));

    if (rc)
        return rc;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (op.cmd == XEN_DOMCTL_createdomain) {
        rc = createdomain(&op);
    } else if (op.cmd == XEN_DOMCTL_getdomaininfo) {
        struct domain *d = domain_at_or_after(op.domain);
        if (!d)
            return -ESRCH;
        fill_domaininfo(d, &op.u.getdomaininfo);
        op.domain = d->domid;
    } else {
        struct domain *d = domain_lookup(op.domain);
        if (!d)
            return -ESRCH;
        rc = on_domain(&op, d);
    }
    if (rc)
        return rc;
    return copy_to_guest(args->a[0], &op, sizeof(op));
}

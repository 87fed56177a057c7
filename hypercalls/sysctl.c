/*
 * sysctl (35), for the control domain (the table enforces it): the host
 * as the toolstack sees it: physinfo (xl info), getdomaininfolist (xl
 * list), readconsole (xl dmesg), getcpuinfo (idle times, xentop).
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/sysctl.h>

#include "console.h"
#include "domaininfo.h"
#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "page_alloc.h"
#include "percpu.h"
#include "timer.h"

#define GETDOMAININFOLIST_MAX 1024

static long physinfo(struct xen_sysctl_physinfo *p)
{
    __builtin_memset(p, 0, sizeof(*p));
    p->threads_per_core = 1;
    p->cores_per_socket = nr_pcpus_online;
    p->nr_cpus = nr_pcpus_online;
    p->max_cpu_id = nr_pcpus_online - 1;
    p->nr_nodes = 1;
    p->max_node_id = 0;
    p->cpu_khz = (uint32_t)(ticks_per_sec() / 1000);   /* Xen on arm: the counter's */
    /* As Xen on arm without an IOMMU: HVM guests with hardware paging, grant v1. */
    p->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1;
    p->total_pages = page_alloc_total_pages();
    p->free_pages = page_alloc_free_pages();
    p->max_mfn = arch_max_mfn();
    return 0;
}

static long domaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    uint32_t n = 0;
    uint32_t next = l->first_domain;

    if (l->max_domains > GETDOMAININFOLIST_MAX)
        l->max_domains = GETDOMAININFOLIST_MAX;
    while (n < l->max_domains && next < DOMID_FIRST_RESERVED) {
        struct domain *d = domain_at_or_after((domid_t)next);
        if (!d)
            break;
        struct xen_domctl_getdomaininfo info;
        fill_domaininfo(d, &info);
        int rc = copy_to_guest(l->buffer.q + n * sizeof(info), &info, sizeof(info));
        if (rc)
            return rc;
        n++;
        next = d->domid + 1U;
    }
    l->num_domains = n;
    return 0;
}

static long readconsole(struct xen_sysctl_readconsole *r)
{
    char chunk[256];
    uint32_t done = 0, index = r->index;

    while (done < r->count) {
        size_t n = console_ring_read(chunk, MIN(sizeof(chunk), (size_t)(r->count - done)), &index,
                                     r->incremental || done, r->clear);
        if (!n)
            break;
        int rc = copy_to_guest(r->buffer.q + done, chunk, n);
        if (rc)
            return rc;
        done += (uint32_t)n;
    }
    r->count = done;
    r->index = index;
    return 0;
}

static long getcpuinfo(struct xen_sysctl_getcpuinfo *c)
{
    uint32_t n = MIN(c->max_cpus, nr_pcpus_online);
    for (uint32_t i = 0; i < n; i++) {
        struct xen_sysctl_cpuinfo info = { .idletime = ticks_to_ns(pcpus[i].idle_ticks) };
        int rc = copy_to_guest(c->info.q + i * sizeof(info), &info, sizeof(info));
        if (rc)
            return rc;
    }
    c->nr_cpus = n;
    return 0;
}

long do_sysctl(const struct hypercall_args *args)
{
    struct xen_sysctl op;
    long rc = copy_from_guest(&op, args->a[0], sizeof(op));

    if (rc)
        return rc;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo: rc = physinfo(&op.u.physinfo); break;
    case XEN_SYSCTL_getdomaininfolist: rc = domaininfolist(&op.u.getdomaininfolist); break;
    case XEN_SYSCTL_readconsole: rc = readconsole(&op.u.readconsole); break;
    case XEN_SYSCTL_getcpuinfo: rc = getcpuinfo(&op.u.getcpuinfo); break;
    default: return -ENOSYS;
    }
    if (!rc)
        rc = copy_to_guest(args->a[0], &op, sizeof(op));
    return rc;
}

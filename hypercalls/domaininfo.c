/*
 * What the toolstack sees of a domain (xen_domctl_getdomaininfo), shared by
 * domctl getdomaininfo and sysctl getdomaininfolist.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/domctl.h>

#include "domaininfo.h"
#include "domain.h"
#include "page_alloc.h"
#include "timer.h"

static uint32_t domain_flags(const struct domain *d)
{
    /* On arm every guest is "HVM" with hardware paging, as Xen reports it. */
    uint32_t f = XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
    bool running = false, all_blocked = true;

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        enum vcpu_state s = d->vcpus[i]->state;
        running |= s == VCPU_RUNNING;
        if (s == VCPU_RUNNING || s == VCPU_RUNNABLE)
            all_blocked = false;
    }
    if (running)
        f |= XEN_DOMINF_running;
    if (all_blocked && d->state == DOMAIN_ACTIVE && !d->pause_count)
        f |= XEN_DOMINF_blocked;
    if (d->pause_count)
        f |= XEN_DOMINF_paused;
    if (d->state != DOMAIN_ACTIVE)
        f |= XEN_DOMINF_shutdown | (d->shutdown_reason & XEN_DOMINF_shutdownmask)
                                       << XEN_DOMINF_shutdownshift;
    if (d->state == DOMAIN_DYING)
        f |= XEN_DOMINF_dying;
    return f;
}

void fill_domaininfo(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint64_t cpu_ticks = 0;
    unsigned int online = 0;

    __builtin_memset(info, 0, sizeof(*info));
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        cpu_ticks += d->vcpus[i]->cpu_time;
        online += d->vcpus[i]->state != VCPU_OFFLINE;
    }
    info->domain = d->domid;
    info->flags = domain_flags(d);
    info->tot_pages = d->tot_pages - d->ballooned_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = virt_to_maddr(d->shared_info) >> PAGE_SHIFT;
    info->cpu_time = ticks_to_ns(cpu_ticks);
    info->nr_online_vcpus = online;
    info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
    __builtin_memcpy(info->handle, d->handle, sizeof(info->handle));
    info->cpupool = 0;
    info->gpaddr_bits = 40;
    info->arch_config.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
    info->arch_config.nr_spis = arch_domain_nr_spis(d);
}

/* The domain with the lowest id >= first (Xen's getdomaininfo walks this way). */
struct domain *domain_at_or_after(domid_t first)
{
    struct list_head *pos;
    struct domain *best = NULL;

    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist) {
        struct domain *d = list_entry(pos, struct domain, link);
        if (d->domid >= first && (!best || d->domid < best->domid))
            best = d;
    }
    spin_unlock(&domlist_lock);
    return best;
}

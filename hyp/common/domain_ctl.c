/*
 * Domain control for the toolstack: creation with the toolstack's settings,
 * pausing, and killing (which waits until nothing uses the domain's vCPUs or
 * pages any more: the caller retries on -EAGAIN, as libxc does).
 */
#include "types.h"
#include <xen/xen.h>

#include "domain.h"
#include "domain_ctl.h"
#include "errno.h"
#include "event.h"
#include "page_alloc.h"
#include "printk.h"
#include "pv_console.h"
#include "sched.h"
#include "spinlock.h"

void domain_pause(struct domain *d)
{
    spin_lock(&d->lock);
    d->pause_count++;
    spin_unlock(&d->lock);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_pause(d->vcpus[i]);
    /* As Xen's vcpu_sleep_sync(): return once no vCPU of d is still on a
     * CPU, so what the toolstack reads next (registers, CPU time) holds
     * still. The kicked CPUs switch away at their next exit. */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        while (__atomic_load_n(&d->vcpus[i]->in_frame, __ATOMIC_ACQUIRE))
            arch_cpu_relax();
}

int domain_unpause(struct domain *d)
{
    spin_lock(&d->lock);
    if (!d->pause_count) {
        spin_unlock(&d->lock);
        return -EINVAL;
    }
    d->pause_count--;
    spin_unlock(&d->lock);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_unpause(d->vcpus[i]);
    return 0;
}

/*
 * The next free id after the last one given, wrapping (0 is dom0's): as Xen,
 * so a stale id held by a tool does not name a new domain at once.
 */
static domid_t free_domid(void)
{
    static uint32_t last;
    for (uint32_t i = 0; i < DOMID_FIRST_RESERVED - 1; i++) {
        uint32_t id = (last + i) % (DOMID_FIRST_RESERVED - 1) + 1;
        if (!domain_lookup((domid_t)id)) {
            last = id;
            return (domid_t)id;
        }
    }
    return DOMID_INVALID;
}

struct domain *domain_create_for_toolstack(domid_t want, const struct domain_params *p, long *rc)
{
    domid_t id = (want && want < DOMID_FIRST_RESERVED) ? want : free_domid();
    char name[32];

    if (id == DOMID_INVALID) {
        *rc = -ENOSPC;
        return NULL;
    }
    if (domain_lookup(id)) {
        *rc = -EEXIST;
        return NULL;
    }
    hyp_snprintf(name, sizeof(name), "d%u", id);
    struct domain *d = domain_create_cfg(id, name, p);
    if (!d) {
        *rc = -ENOMEM;
        return NULL;
    }
    domain_pause(d);                        /* runs on the toolstack's unpausedomain */
    *rc = 0;
    return d;
}

static bool pages_in_use(struct domain *d)
{
    return domain_referenced_pages(d) != 0;
}

int domain_kill(struct domain *d)
{
    if (d->is_privileged)
        return -EINVAL;
    spin_lock(&d->lock);
    bool first = d->state != DOMAIN_DYING;
    d->state = DOMAIN_DYING;
    spin_unlock(&d->lock);
    if (first) {
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            vcpu_stop(d->vcpus[i], VCPU_PAUSED);
        pv_console_detach(d);               /* its page reference would hold the kill up */
        evtchn_domain_destroy(d);           /* peers see their ports unbound at once */
    }
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (__atomic_load_n(&d->vcpus[i]->in_frame, __ATOMIC_ACQUIRE))
            return -EAGAIN;
    if (pages_in_use(d))
        return -EAGAIN;                     /* another domain still maps its memory */
    domid_t id = d->domid;
    domain_destroy(d);
    log_info("d%u: destroyed (%lu pages free)\n", id, page_alloc_free_pages());
    struct domain *dom0 = domain_lookup(0);
    if (dom0)
        send_global_virq(dom0, VIRQ_DOM_EXC);
    return 0;
}

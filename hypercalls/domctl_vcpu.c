/* domctl, the vCPU commands: set/getvcpucontext, getvcpuinfo, max_vcpus. */
#include "types.h"
#include <xen/xen.h>
#include <xen/domctl.h>

#include "domain.h"
#include "domctl_private.h"
#include "errno.h"
#include "guest_access.h"
#include "sched.h"
#include "timer.h"

static struct vcpu *vcpu_of(struct domain *d, uint32_t id)
{
    return id < d->max_vcpus ? d->vcpus[id] : NULL;
}

/* Before the domain first runs: registers, and online if the flag says so. */
long domctl_setvcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context ctx;
    struct vcpu *v = vcpu_of(d, vc->vcpu);

    if (!v)
        return -EINVAL;
    if (!d->pause_count)
        return -EBUSY;                      /* only while the toolstack holds it paused */
    long rc = copy_from_guest(&ctx, vc->ctxt.q, sizeof(ctx));
    if (rc)
        return rc;
    rc = arch_vcpu_set_context(v, &ctx);
    if (rc)
        return rc;
    v->initialised = true;
    if (ctx.flags & VGCF_online)
        vcpu_wake(v);                       /* runnable once the domain is unpaused */
    return 0;
}

long domctl_getvcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context ctx;
    struct vcpu *v = vcpu_of(d, vc->vcpu);

    if (!v)
        return -EINVAL;
    if (!v->initialised)
        return -ENODATA;
    if (v->in_frame)
        return -EBUSY;                      /* running: pause the domain first */
    arch_vcpu_get_context(v, &ctx);
    return copy_to_guest(vc->ctxt.q, &ctx, sizeof(ctx));
}

long domctl_getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu *v = vcpu_of(d, vi->vcpu);
    if (!v)
        return -EINVAL;
    vi->online = v->state != VCPU_OFFLINE;
    vi->blocked = v->state == VCPU_BLOCKED;
    vi->running = v->state == VCPU_RUNNING;
    vi->cpu_time = ticks_to_ns(v->cpu_time);
    vi->cpu = v->processor;
    return 0;
}

/* vCPUs are made at creation: max_vcpus must name the same number (as Xen 4.17). */
long domctl_max_vcpus(struct domain *d, struct xen_domctl_max_vcpus *mv)
{
    return mv->max == d->max_vcpus ? 0 : -EINVAL;
}

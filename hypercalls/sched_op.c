/*
 * sched_op (29): yield, block, poll, shutdown, remote_shutdown.
 * Blocking waits for an event-channel upcall; poll waits for one too (any
 * event of the vCPU, a superset of Xen's "one of these ports": callers
 * re-check), or the timeout.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/sched.h>

#include "domain.h"
#include "errno.h"
#include "event.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"
#include "sched.h"
#include "timer.h"

#define POLL_MAX_PORTS 128

/* Block unless an event is already there; one that arrives meanwhile wakes the vCPU. */
static void block_for_event(struct vcpu *v, uint64_t expires)
{
    vcpu_block(v, expires);
    if (evtchn_vcpu_upcall_pending(v))
        vcpu_unblock(v);
}

static long sched_shutdown(uint64_t gva, struct vcpu *v)
{
    struct sched_shutdown s;
    int rc = copy_from_guest(&s, gva, sizeof(s));
    if (rc)
        return rc;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    domain_shutdown(v->domain, s.reason);
    return 0;
}

static long sched_remote_shutdown(uint64_t gva, struct vcpu *v)
{
    struct sched_remote_shutdown s;
    if (!v->domain->is_privileged)
        return -EPERM;
    int rc = copy_from_guest(&s, gva, sizeof(s));
    if (rc)
        return rc;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    struct domain *d = domain_lookup(s.domain_id);
    if (!d)
        return -ESRCH;
    domain_shutdown(d, s.reason);
    return 0;
}

static long sched_poll(uint64_t gva, struct vcpu *v)
{
    struct sched_poll p;
    int rc = copy_from_guest(&p, gva, sizeof(p));
    if (rc)
        return rc;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    for (unsigned int i = 0; i < p.nr_ports; i++) {
        evtchn_port_t port;
        rc = copy_from_guest(&port, p.ports.q + i * sizeof(port), sizeof(port));
        if (rc)
            return rc;
    }
    /* Xen's timeout is absolute system time in ns: the domain's virtual counter. */
    uint64_t expires = 0;
    if (p.timeout) {
        uint64_t offset = arch_domain_counter_offset(v->domain);
        uint64_t now_ns = ticks_to_ns(now_ticks() - offset);
        if (p.timeout <= now_ns)
            return 0;
        expires = now_ticks() + ns_to_ticks(p.timeout - now_ns);
    }
    block_for_event(v, expires);
    return 0;
}

long do_sched_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], arg = args->a[1];
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        block_for_event(v, 0);
        return 0;
    case SCHEDOP_shutdown:
        return sched_shutdown(arg, v);
    case SCHEDOP_poll:
        return sched_poll(arg, v);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(arg, v);
    default:
        return -ENOSYS;
    }
}

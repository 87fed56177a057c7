/*
 * sched_op (29): yield, block, poll, shutdown, remote_shutdown.
 * Blocking waits for an event-channel upcall. Poll, as Xen's do_poll, waits
 * for one of the given ports to be pending (masked or not), or, when the
 * caller takes interrupts, for any upcall; or for the timeout. A new upcall
 * wakes a poller too (as in Xen): callers re-check their ports.
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
    evtchn_port_t ports[POLL_MAX_PORTS];
    for (unsigned int i = 0; i < p.nr_ports; i++) {
        rc = copy_from_guest(&ports[i], p.ports.q + i * sizeof(ports[i]), sizeof(ports[i]));
        if (rc)
            return rc;
    }
    bool irqs_masked = this_cpu()->hc_irqs_masked;
    /* Xen's timeout is absolute system time in ns: the domain's virtual counter. */
    uint64_t expires = 0;
    if (p.timeout) {
        uint64_t offset = arch_domain_counter_offset(v->domain);
        uint64_t now_ns = ticks_to_ns(now_ticks() - offset);
        if (p.timeout <= now_ns)
            return 0;
        expires = now_ticks() + ns_to_ticks(p.timeout - now_ns);
    }
    /* Polling is announced before the ports are looked at, and a port made
     * pending after that wakes us (event_2l.c, wake_pollers). */
    __atomic_store_n(&v->poll_port, p.nr_ports == 1 ? ports[0] : 0, __ATOMIC_RELAXED);
    __atomic_store_n(&v->polling, true, __ATOMIC_SEQ_CST);
    vcpu_block(v, expires);
    /* With interrupts masked, an upcall left pending is not a reason to wake
     * (Xen's local_events_need_delivery): only the ports are. */
    bool ready = !irqs_masked && evtchn_vcpu_upcall_pending(v);
    for (unsigned int i = 0; i < p.nr_ports && !ready; i++)
        ready = evtchn_port_is_pending(v->domain, ports[i]);
    if (ready) {
        __atomic_store_n(&v->polling, false, __ATOMIC_RELAXED);
        vcpu_unblock(v);
    }
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
        __atomic_store_n(&v->polling, false, __ATOMIC_RELAXED);
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

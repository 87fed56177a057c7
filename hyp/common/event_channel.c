/*
 * Event channels: ports, binding, close, send, status, bind_vcpu, reset and
 * the choice of ABI (2-level until the guest's first EVTCHNOP_init_control).
 * Xen 4.17's xen/common/event_channel.c is the reference for every error
 * code; the lock order is at the top of event.h.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/event_channel.h>

#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "event.h"
#include "lib.h"
#include "xmalloc.h"

/* Held across every change to an interdomain link (bind, close). */
static spinlock_t evtchn_link_lock = SPINLOCK_INIT;

bool evtchn_virq_is_global(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;        /* arm: the VIRQ_ARCH_* ones are global as well */
    }
}

/* ---- the port table ----------------------------------------------------- */

static unsigned int port_limit(const struct evtchn_domain *ed)
{
    unsigned int abi_max = ed->abi == EVTCHN_ABI_FIFO ? EVTCHN_FIFO_NR_CHANNELS
                                                      : EVTCHN_2L_NR_CHANNELS;
    return ed->max_port < abi_max ? ed->max_port + 1 : abi_max;
}

static struct evtchn *port_slot(struct evtchn_domain *ed, unsigned int port)
{
    struct evtchn **grp = ed->group[port / EVTCHNS_PER_GROUP];
    return &grp[(port / EVTCHNS_PER_BUCKET) % BUCKETS_PER_GROUP][port % EVTCHNS_PER_BUCKET];
}

/* Any port with a struct, whatever the ABI allows now (tear-down, peers). */
static struct evtchn *lookup_any(struct evtchn_domain *ed, evtchn_port_t port)
{
    ASSERT(spin_is_locked(&ed->lock));
    return port < ed->nr_valid ? port_slot(ed, evtchn_index_nospec(port, ed->nr_valid)) : NULL;
}

struct evtchn *evtchn_lookup(struct evtchn_domain *ed, evtchn_port_t port)
{
    ASSERT(spin_is_locked(&ed->lock));
    unsigned int limit = MIN(ed->nr_valid, port_limit(ed));
    if (port >= limit)
        return NULL;
    return port_slot(ed, evtchn_index_nospec(port, limit));
}

/* Give the table one more bucket of ports. */
static int add_bucket(struct evtchn_domain *ed)
{
    unsigned int first = ed->nr_valid, g = first / EVTCHNS_PER_GROUP;
    if (g >= EVTCHN_NR_GROUPS)
        return -ENOSPC;
    if (!ed->group[g]) {
        ed->group[g] = xzalloc_array(struct evtchn *, BUCKETS_PER_GROUP);
        if (!ed->group[g])
            return -ENOMEM;
    }
    struct evtchn *b = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
    if (!b)
        return -ENOMEM;
    for (unsigned int i = 0; i < EVTCHNS_PER_BUCKET; i++)
        b[i].port = first + i;
    ed->group[g][(first / EVTCHNS_PER_BUCKET) % BUCKETS_PER_GROUP] = b;
    ed->nr_valid += EVTCHNS_PER_BUCKET;
    return 0;
}

/* The lowest free port (still ECS_FREE: the caller claims it), or -errno. */
static int __must_check get_free_port(struct evtchn_domain *ed)
{
    ASSERT(spin_is_locked(&ed->lock));
    if (ed->dying)
        return -EINVAL;
    unsigned int limit = port_limit(ed), port;
    for (port = ed->free_hint; port < MIN(ed->nr_valid, limit); port++) {
        if (port_slot(ed, port)->state == ECS_FREE) {
            ed->free_hint = port;
            return (int)port;
        }
    }
    if (ed->nr_valid >= limit)
        return -ENOSPC;
    port = ed->nr_valid;
    int rc = add_bucket(ed);
    if (rc)
        return rc;
    ed->free_hint = port;
    return (int)port;
}

/* A newly claimed port: the ABI's defaults (Xen's evtchn_port_init). */
static void port_init(struct evtchn *chn, enum evtchn_state state)
{
    chn->state = state;
    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    chn->fifo_pending = false;
}

/* Back to ECS_FREE: pending cleared so a rebind starts clean (Xen's evtchn_free). */
static void free_port(struct domain *d, struct evtchn *chn)
{
    struct evtchn_domain *ed = d->evtchn;
    spin_lock(&ed->deliver);
    if (ed->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_clear_pending(d, chn);
    else
        evtchn_2l_clear_pending(d, chn->port);
    chn->state = ECS_FREE;
    chn->notify_vcpu = 0;
    chn->fifo_pending = false;
    spin_unlock(&ed->deliver);
    if (chn->port < ed->free_hint)
        ed->free_hint = chn->port;
}

/* ---- domain set-up and tear-down ---------------------------------------- */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *ed = xzalloc(struct evtchn_domain);
    if (!ed)
        return -ENOMEM;
    spin_lock_init(&ed->lock);
    spin_lock_init(&ed->deliver);
    ed->abi = EVTCHN_ABI_2L;
    ed->max_port = d->is_privileged ? EVTCHN_FIFO_NR_CHANNELS - 1 : EVTCHN_DOMU_MAX_PORT;
    ed->nr_vcpus = d->max_vcpus;
    ed->virq_port = xzalloc_array(evtchn_virq_row_t, MAX(d->max_vcpus, 1u));
    if (!ed->virq_port || add_bucket(ed)) {
        xfree(ed->virq_port);
        xfree(ed->group[0] ? ed->group[0][0] : NULL);
        xfree(ed->group[0]);
        xfree(ed);
        return -ENOMEM;
    }
    port_slot(ed, 0)->state = ECS_RESERVED;
    ed->free_hint = 1;
    d->evtchn = ed;
    return 0;
}

int evtchn_set_max_port(struct domain *d, unsigned int max_port)
{
    struct evtchn_domain *ed = d->evtchn;
    if (!ed || max_port == 0 || max_port >= EVTCHN_FIFO_NR_CHANNELS)
        return -EINVAL;
    spin_lock(&ed->lock);
    ed->max_port = max_port;
    spin_unlock(&ed->lock);
    return 0;
}

static int close_port(struct domain *d, evtchn_port_t port, bool any);

static void close_all_ports(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    for (unsigned int port = 1;; port++) {
        spin_lock(&ed->lock);
        unsigned int n = ed->nr_valid;
        uint8_t state = port < n ? port_slot(ed, port)->state : ECS_FREE;
        spin_unlock(&ed->lock);
        if (port >= n)
            break;
        if (state != ECS_FREE)
            (void)close_port(d, port, true);   /* fails only if already closed */
    }
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    if (!ed)
        return;
    spin_lock(&ed->lock);
    ed->dying = true;
    spin_unlock(&ed->lock);
    close_all_ports(d);
    spin_lock(&ed->lock);
    spin_lock(&ed->deliver);
    evtchn_fifo_destroy(d);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            __atomic_store_n(&d->vcpus[i]->vcpu_info, NULL, __ATOMIC_RELEASE);
    d->evtchn = NULL;
    spin_unlock(&ed->deliver);
    spin_unlock(&ed->lock);
    for (unsigned int g = 0; g < EVTCHN_NR_GROUPS; g++) {
        if (!ed->group[g])
            continue;
        for (unsigned int b = 0; b < BUCKETS_PER_GROUP; b++)
            xfree(ed->group[g][b]);
        xfree(ed->group[g]);
    }
    xfree(ed->virq_port);
    xfree(ed);
}

/* ---- allocation and binding --------------------------------------------- */

/* DOMID_SELF or the caller's own id: the caller; else a live domain or NULL. */
static struct domain *resolve_domid(struct domain *caller, domid_t dom)
{
    if (dom == DOMID_SELF || dom == caller->domid)
        return caller;
    struct domain *d = domain_lookup(dom);
    return d && d->evtchn ? d : NULL;
}

static int alloc_unbound_in(struct domain *d, domid_t remote)
{
    struct evtchn_domain *ed = d->evtchn;
    spin_lock(&ed->lock);
    int port = get_free_port(ed);
    if (port >= 0) {
        struct evtchn *chn = port_slot(ed, (unsigned int)port);
        port_init(chn, ECS_UNBOUND);
        chn->u.unbound_remote = remote;
    }
    spin_unlock(&ed->lock);
    return port;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote)
{
    return d->evtchn ? alloc_unbound_in(d, remote) : -EINVAL;
}

int evtchn_alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *a)
{
    struct domain *d = resolve_domid(caller, a->dom);
    if (!d || !d->evtchn)
        return -ESRCH;
    if (d != caller && !caller->is_privileged)
        return -EPERM;
    /* As Xen: DOMID_SELF names the caller, whichever domain gets the port. */
    domid_t remote = a->remote_dom == DOMID_SELF ? caller->domid : a->remote_dom;
    int port = alloc_unbound_in(d, remote);
    if (port < 0)
        return port;
    a->port = (evtchn_port_t)port;
    return 0;
}

static void lock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
    ASSERT(spin_is_locked(&evtchn_link_lock));
    spin_lock(&a->lock);
    if (b != a)
        spin_lock(&b->lock);
}

static void unlock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
    if (b != a)
        spin_unlock(&b->lock);
    spin_unlock(&a->lock);
}

/* Both domains locked: connect a new local port to rd's unbound rport. */
static int bind_interdomain_locked(struct domain *ld, struct domain *rd,
                                   evtchn_port_t rport)
{
    struct evtchn_domain *led = ld->evtchn, *red = rd->evtchn;
    struct evtchn *rchn = evtchn_lookup(red, rport);
    if (!rchn || red->dying || rchn->state != ECS_UNBOUND ||
        rchn->u.unbound_remote != ld->domid)
        return -EINVAL;
    int lport = get_free_port(led);
    if (lport < 0)
        return lport;
    struct evtchn *lchn = port_slot(led, (unsigned int)lport);
    port_init(lchn, ECS_INTERDOMAIN);
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = rport;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = (evtchn_port_t)lport;
    /* Notifications sent while rport was unbound were dropped: raise one (as Xen). */
    evtchn_deliver(ld, lchn->notify_vcpu, lchn);
    return lport;
}

int evtchn_bind_interdomain(struct domain *ld, struct evtchn_bind_interdomain *b)
{
    struct domain *rd = resolve_domid(ld, b->remote_dom);
    if (!rd || !ld->evtchn)
        return -ESRCH;
    spin_lock(&evtchn_link_lock);
    lock_pair(ld->evtchn, rd->evtchn);
    int rc = bind_interdomain_locked(ld, rd, b->remote_port);
    unlock_pair(ld->evtchn, rd->evtchn);
    spin_unlock(&evtchn_link_lock);
    if (rc < 0)
        return rc;
    b->local_port = (evtchn_port_t)rc;
    return 0;
}

int evtchn_bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    struct evtchn_domain *ed = d->evtchn;
    if (b->virq >= NR_VIRQS)
        return -EINVAL;
    unsigned int virq = evtchn_index_nospec(b->virq, NR_VIRQS);
    if (evtchn_virq_is_global(virq) && b->vcpu != 0)
        return -EINVAL;
    if (b->vcpu >= d->max_vcpus || b->vcpu >= ed->nr_vcpus || !d->vcpus[b->vcpu])
        return -ENOENT;
    unsigned int vcpu = evtchn_index_nospec(b->vcpu, ed->nr_vcpus);
    spin_lock(&ed->lock);
    int port = ed->virq_port[vcpu][virq] ? -EEXIST : get_free_port(ed);
    if (port >= 0) {
        struct evtchn *chn = port_slot(ed, (unsigned int)port);
        port_init(chn, ECS_VIRQ);
        chn->notify_vcpu = (uint16_t)vcpu;
        chn->u.virq = virq;
        ed->virq_port[vcpu][virq] = (evtchn_port_t)port;
        b->port = (evtchn_port_t)port;
    }
    spin_unlock(&ed->lock);
    return port < 0 ? port : 0;
}

int evtchn_bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
    struct evtchn_domain *ed = d->evtchn;
    if (b->vcpu >= d->max_vcpus || !d->vcpus[b->vcpu])
        return -ENOENT;
    spin_lock(&ed->lock);
    int port = get_free_port(ed);
    if (port >= 0) {
        struct evtchn *chn = port_slot(ed, (unsigned int)port);
        port_init(chn, ECS_IPI);
        chn->notify_vcpu = (uint16_t)b->vcpu;
        b->port = (evtchn_port_t)port;
    }
    spin_unlock(&ed->lock);
    return port < 0 ? port : 0;
}

/* ---- close, send, status, bind_vcpu, unmask, priority, reset ------------- */

/* Link lock and d's lock held; chn is bound. The peer of an interdomain port
 * goes back to unbound, waiting for d again (as Xen). */
static void close_locked(struct domain *d, struct evtchn *chn)
{
    struct evtchn_domain *ed = d->evtchn;
    switch (chn->state) {
    case ECS_VIRQ:
        for (unsigned int v = 0; v < ed->nr_vcpus; v++)
            if (ed->virq_port[v][chn->u.virq] == chn->port)
                ed->virq_port[v][chn->u.virq] = 0;
        break;
    case ECS_INTERDOMAIN: {
        struct domain *rd = chn->u.interdomain.dom;
        struct evtchn_domain *red = rd->evtchn;
        if (red != ed)
            spin_lock(&red->lock);
        struct evtchn *rchn = lookup_any(red, chn->u.interdomain.port);
        BUG_ON(!rchn || rchn->state != ECS_INTERDOMAIN || rchn->u.interdomain.dom != d);
        rchn->state = ECS_UNBOUND;
        rchn->u.unbound_remote = d->domid;
        if (red != ed)
            spin_unlock(&red->lock);
        break;
    }
    default:
        break;
    }
    free_port(d, chn);
}

/* any: also ports beyond what the ABI allows now (left over from FIFO). */
static int close_port(struct domain *d, evtchn_port_t port, bool any)
{
    struct evtchn_domain *ed = d->evtchn;
    int rc = 0;
    spin_lock(&evtchn_link_lock);
    spin_lock(&ed->lock);
    struct evtchn *chn = any ? lookup_any(ed, port) : evtchn_lookup(ed, port);
    if (!chn || chn->state == ECS_FREE || chn->state == ECS_RESERVED)
        rc = -EINVAL;
    else
        close_locked(d, chn);
    spin_unlock(&ed->lock);
    spin_unlock(&evtchn_link_lock);
    return rc;
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
    return close_port(d, port, false);
}

int evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = d->evtchn;
    int rc = 0;
    spin_lock(&ed->lock);
    struct evtchn *chn = evtchn_lookup(ed, port);
    switch (chn ? chn->state : ECS_FREE) {
    case ECS_INTERDOMAIN: {
        /* Our lock pins the link: the peer cannot close it or go away. */
        struct domain *rd = chn->u.interdomain.dom;
        struct evtchn *rchn = port_slot(rd->evtchn, chn->u.interdomain.port);
        spin_lock(&rd->evtchn->deliver);
        evtchn_set_pending(rd, rchn->notify_vcpu, rchn);
        spin_unlock(&rd->evtchn->deliver);
        break;
    }
    case ECS_IPI:
        evtchn_deliver(d, chn->notify_vcpu, chn);
        break;
    case ECS_UNBOUND:
        break;              /* silently dropped, as Xen */
    default:
        rc = -EINVAL;
        break;
    }
    spin_unlock(&ed->lock);
    return rc;
}

static void fill_status(struct evtchn_status *s, const struct evtchn *chn)
{
    static const uint32_t stat[] = {
        [ECS_FREE] = EVTCHNSTAT_closed, [ECS_RESERVED] = EVTCHNSTAT_closed,
        [ECS_UNBOUND] = EVTCHNSTAT_unbound, [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
        [ECS_VIRQ] = EVTCHNSTAT_virq, [ECS_IPI] = EVTCHNSTAT_ipi,
    };
    memset(&s->u, 0, sizeof(s->u));
    s->status = stat[chn->state];
    s->vcpu = chn->notify_vcpu;
    if (chn->state == ECS_UNBOUND) {
        s->u.unbound.dom = chn->u.unbound_remote;
    } else if (chn->state == ECS_INTERDOMAIN) {
        s->u.interdomain.dom = chn->u.interdomain.dom->domid;
        s->u.interdomain.port = chn->u.interdomain.port;
    } else if (chn->state == ECS_VIRQ) {
        s->u.virq = chn->u.virq;
    }
}

int evtchn_status(struct domain *caller, struct evtchn_status *s)
{
    struct domain *d = resolve_domid(caller, s->dom);
    if (!d || !d->evtchn)
        return -ESRCH;
    if (d != caller && !caller->is_privileged)
        return -EPERM;
    struct evtchn_domain *ed = d->evtchn;
    spin_lock(&ed->lock);
    struct evtchn *chn = evtchn_lookup(ed, s->port);
    if (chn)
        fill_status(s, chn);
    spin_unlock(&ed->lock);
    return chn ? 0 : -EINVAL;
}

int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_domain *ed = d->evtchn;
    if (vcpu >= d->max_vcpus || !d->vcpus[vcpu])
        return -ENOENT;
    int rc = -EINVAL;
    spin_lock(&ed->lock);
    struct evtchn *chn = evtchn_lookup(ed, port);
    if (chn && (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
                (chn->state == ECS_VIRQ && evtchn_virq_is_global(chn->u.virq)))) {
        spin_lock(&ed->deliver);
        chn->notify_vcpu = (uint16_t)vcpu;
        spin_unlock(&ed->deliver);
        rc = 0;
    }
    spin_unlock(&ed->lock);
    return rc;
}

int evtchn_reset(struct domain *caller, domid_t dom)
{
    struct domain *d = resolve_domid(caller, dom);
    if (!d || !d->evtchn)
        return -ESRCH;
    if (d != caller && !caller->is_privileged)
        return -EPERM;
    close_all_ports(d);
    struct evtchn_domain *ed = d->evtchn;
    spin_lock(&ed->lock);
    spin_lock(&ed->deliver);
    evtchn_fifo_destroy(d);         /* back to the 2-level ABI, as Xen */
    spin_unlock(&ed->deliver);
    spin_unlock(&ed->lock);
    return 0;
}

/*
 * Event channels under the 2-level ABI: ports, binding, close, send,
 * masking, VIRQs, status, privilege, reset and destroy, vcpu_info
 * registration, and the hypercall layer (event_channel_op, vcpu_op) with
 * bad pointers and commands. Delivery is checked where a Linux guest looks:
 * the shared_info bits, the vCPU's pending selector and upcall flag, and the
 * number of upcall injections (exactly one per 0->1 of the flag).
 */
#include <string.h>

#include "check.h"
#include "errno.h"
#include "fake_events.h"
#include "event.h"
#include "hypercall.h"
#include <xen/event_channel.h>
#include <xen/vcpu.h>

long fake_xmalloc_live(void);

#define G FAKE_GUEST_BASE
#define BAD 0x100000000000UL

static struct domain *d0, *d1;      /* dom0 (privileged) and a domU, 2 vCPUs each */

static void teardown(void)
{
    for (domid_t id = 0; id < 8; id++) {
        struct domain *d = domain_lookup(id);
        if (d)
            evtchn_domain_destroy(d);
    }
    fe_reset();
    CHECK_EQ(fake_xmalloc_live(), 0);
}

static void setup(void)
{
    teardown();
    d0 = fe_domain(0, true, 2);
    d1 = fe_domain(1, false, 2);
    CHECK_EQ(evtchn_domain_init(d0), 0);
    CHECK_EQ(evtchn_domain_init(d1), 0);
    fe_set_current(d1->vcpus[0]);
}

/* ---- what the guest sees ---- */

static bool pending(struct domain *d, unsigned int port)
{
    return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void set_mask(struct domain *d, unsigned int port, bool on)
{
    uint64_t bit = 1ULL << (port % 64);
    if (on)
        d->shared_info->evtchn_mask[port / 64] |= bit;
    else
        d->shared_info->evtchn_mask[port / 64] &= ~bit;
}

static struct vcpu_info *vi(struct vcpu *v)
{
    return evtchn_vcpu_info(v);
}

/* What Linux's upcall handler leaves behind: everything consumed. */
static void guest_ack_all(struct domain *d)
{
    memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu_info *x = vi(d->vcpus[i]);
        if (x) {
            x->evtchn_upcall_pending = 0;
            x->evtchn_pending_sel = 0;
        }
    }
}

static int alloc_unbound(struct domain *caller, domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    int rc = evtchn_alloc_unbound(caller, &a);
    return rc ? rc : (int)a.port;
}

static int bind_interdomain(struct domain *ld, domid_t rdom, unsigned int rport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom, .remote_port = rport };
    int rc = evtchn_bind_interdomain(ld, &b);
    return rc ? rc : (int)b.local_port;
}

static int bind_virq(struct domain *d, unsigned int virq, unsigned int vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    int rc = evtchn_bind_virq(d, &b);
    return rc ? rc : (int)b.port;
}

static struct evtchn_status status(struct domain *caller, domid_t dom, unsigned int port,
                                   int *rc)
{
    struct evtchn_status s = { .dom = dom, .port = port };
    *rc = evtchn_status(caller, &s);
    return s;
}

/* d1 port connected to a d0 port; pending state from the bind cleared. */
static void connect(int *p0, int *p1)
{
    *p0 = alloc_unbound(d0, DOMID_SELF, 1);
    *p1 = bind_interdomain(d1, 0, (unsigned int)*p0);
    guest_ack_all(d0);
    guest_ack_all(d1);
}

/* ---- ports ---- */

static void test_ports_start_at_1_port0_reserved(void)
{
    setup();
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), 1);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), 2);
    CHECK_EQ(alloc_unbound(d1, 1, 0), 3);
    int rc;
    struct evtchn_status s = status(d1, DOMID_SELF, 0, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_close(d1, 0), -EINVAL);
    CHECK_EQ(evtchn_send(d1, 0), -EINVAL);
    CHECK_EQ(evtchn_bind_vcpu(d1, 0, 0), -EINVAL);
    teardown();
}

static void test_port_limits_and_reuse(void)
{
    setup();
    /* A domU gets ports 1..1023 (Xen's dom0less/libxl default). */
    int last = 0, rc;
    while ((rc = alloc_unbound(d1, DOMID_SELF, 0)) > 0)
        last = rc;
    CHECK_EQ(last, 1023);
    CHECK_EQ(rc, -ENOSPC);
    CHECK_EQ(evtchn_close(d1, 500), 0);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), 500);        /* lowest free first */
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), -ENOSPC);
    /* dom0 is bounded by the 2-level ABI: 64 x 64 ports. */
    while ((rc = alloc_unbound(d0, DOMID_SELF, 0)) > 0)
        last = rc;
    CHECK_EQ(last, 4095);
    CHECK_EQ(rc, -ENOSPC);
    rc = 0;
    status(d0, DOMID_SELF, 4096, &rc);
    CHECK_EQ(rc, -EINVAL);
    CHECK_EQ(evtchn_send(d0, 4096), -EINVAL);
    CHECK_EQ(evtchn_send(d0, 0xFFFFFFFFu), -EINVAL);
    CHECK_EQ(evtchn_unmask(d0, 0xFFFFFFFFu), -EINVAL);
    teardown();
}

static void test_max_port_setting(void)
{
    setup();
    CHECK_EQ(evtchn_set_max_port(d1, 0), -EINVAL);
    CHECK_EQ(evtchn_set_max_port(d1, EVTCHN_FIFO_NR_CHANNELS), -EINVAL);
    CHECK_EQ(evtchn_set_max_port(d1, 3), 0);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), 1);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), 2);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), 3);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), -ENOSPC);
    CHECK_EQ(bind_virq(d1, VIRQ_DEBUG, 0), -ENOSPC);
    teardown();
}

static void test_alloc_unbound_privilege(void)
{
    setup();
    CHECK_EQ(alloc_unbound(d1, 0, 1), -EPERM);              /* domU into dom0 */
    CHECK_EQ(alloc_unbound(d1, 7, 1), -ESRCH);              /* no such domain */
    CHECK_EQ(alloc_unbound(d0, 7, 1), -ESRCH);
    int p = alloc_unbound(d0, 1, DOMID_SELF);               /* dom0 into the domU */
    CHECK_EQ(p, 1);
    int rc;
    struct evtchn_status s = status(d0, 1, (unsigned int)p, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 0);                           /* DOMID_SELF = the caller */
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 1), 2);
    s = status(d1, DOMID_SELF, 2, &rc);
    CHECK_EQ(s.u.unbound.dom, 1);
    CHECK_EQ(s.vcpu, 0);                                    /* new ports notify vCPU 0 */
    teardown();
}

/* ---- binding ---- */

static void test_bind_interdomain_rules(void)
{
    setup();
    int p0 = alloc_unbound(d0, DOMID_SELF, 1);
    int other = alloc_unbound(d0, DOMID_SELF, 2);           /* for domain 2 only */
    CHECK_EQ(bind_interdomain(d1, 0, (unsigned int)other), -EINVAL);
    CHECK_EQ(bind_interdomain(d1, 0, 999), -EINVAL);
    CHECK_EQ(bind_interdomain(d1, 0, 0), -EINVAL);
    CHECK_EQ(bind_interdomain(d1, 5, (unsigned int)p0), -ESRCH);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), 0);

    int p1 = bind_interdomain(d1, 0, (unsigned int)p0);
    CHECK(p1 > 0);
    /* Xen raises the new local port at bind time. */
    CHECK(pending(d1, (unsigned int)p1));
    CHECK_EQ(vi(d1->vcpus[0])->evtchn_pending_sel, 1ULL << (p1 / 64));
    CHECK_EQ(vi(d1->vcpus[0])->evtchn_upcall_pending, 1);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), 1);
    CHECK(!pending(d0, (unsigned int)p0));

    int rc;
    struct evtchn_status s = status(d1, DOMID_SELF, (unsigned int)p1, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.dom, 0);
    CHECK_EQ(s.u.interdomain.port, p0);
    s = status(d0, DOMID_SELF, (unsigned int)p0, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.dom, 1);
    CHECK_EQ(s.u.interdomain.port, p1);
    /* Already connected: nobody else can take it. */
    CHECK_EQ(bind_interdomain(d1, 0, (unsigned int)p0), -EINVAL);
    teardown();
}

static void test_bind_to_own_unbound_port(void)
{
    setup();
    /* What dom0's xenstored does with its own ports. */
    int a = alloc_unbound(d0, DOMID_SELF, DOMID_SELF);
    int b = bind_interdomain(d0, DOMID_SELF, (unsigned int)a);
    CHECK(b > 0 && b != a);
    guest_ack_all(d0);
    CHECK_EQ(evtchn_send(d0, (unsigned int)b), 0);
    CHECK(pending(d0, (unsigned int)a));
    CHECK(!pending(d0, (unsigned int)b));
    CHECK_EQ(evtchn_send(d0, (unsigned int)a), 0);
    CHECK(pending(d0, (unsigned int)b));
    /* Closing one end leaves the other waiting for ourselves again. */
    CHECK_EQ(evtchn_close(d0, (unsigned int)b), 0);
    int rc;
    struct evtchn_status s = status(d0, DOMID_SELF, (unsigned int)a, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 0);
    CHECK(bind_interdomain(d0, 0, (unsigned int)a) > 0);
    teardown();
}

/* ---- delivery ---- */

static void test_send_upcall_only_on_0_to_1(void)
{
    setup();
    int p0, p1, q0, q1;
    connect(&p0, &p1);
    connect(&q0, &q1);
    struct vcpu *v = d0->vcpus[0];
    unsigned int before = fe_upcalls(v);

    CHECK_EQ(evtchn_send(d1, (unsigned int)p1), 0);
    CHECK(pending(d0, (unsigned int)p0));
    CHECK_EQ(vi(v)->evtchn_pending_sel, 1ULL << (p0 / 64));
    CHECK_EQ(vi(v)->evtchn_upcall_pending, 1);
    CHECK_EQ(fe_upcalls(v), before + 1);
    /* Still pending: no second injection, for the same or another port. */
    CHECK_EQ(evtchn_send(d1, (unsigned int)p1), 0);
    CHECK_EQ(evtchn_send(d1, (unsigned int)q1), 0);
    CHECK(pending(d0, (unsigned int)q0));
    CHECK_EQ(fe_upcalls(v), before + 1);
    CHECK(!pending(d1, (unsigned int)p1));                  /* sender's side untouched */

    /* The guest handled everything: the next event injects again. */
    guest_ack_all(d0);
    CHECK_EQ(evtchn_send(d1, (unsigned int)q1), 0);
    CHECK_EQ(fe_upcalls(v), before + 2);
    /* The guest cleared upcall_pending but not yet the port: no new edge. */
    vi(v)->evtchn_upcall_pending = 0;
    CHECK_EQ(evtchn_send(d1, (unsigned int)q1), 0);
    CHECK_EQ(fe_upcalls(v), before + 2);
    CHECK(!evtchn_vcpu_upcall_pending(v));
    teardown();
}

/* A vCPU in SCHEDOP_poll wakes on its port even when no upcall is raised
 * (the port masked, or the upcall still pending), not on another port; one
 * polling several ports wakes on any (Xen's evtchn_check_pollers). */
static void test_send_wakes_pollers(void)
{
    setup();
    int p0, p1, q0, q1;
    connect(&p0, &p1);
    connect(&q0, &q1);
    struct vcpu *v = d0->vcpus[0], *w = d0->vcpus[1];
    set_mask(d0, (unsigned int)p0, true);
    v->polling = true;
    v->poll_port = (uint32_t)p0;
    CHECK_EQ(evtchn_send(d1, (unsigned int)q1), 0);         /* another port: stays asleep */
    CHECK_EQ(fe_unblocks(v), 0);
    CHECK(v->polling);
    CHECK_EQ(evtchn_send(d1, (unsigned int)p1), 0);         /* its port, masked */
    CHECK_EQ(fe_unblocks(v), 1);
    CHECK(!v->polling);
    CHECK_EQ(vi(v)->evtchn_upcall_pending, 1);              /* q0's upcall, left pending */
    guest_ack_all(d0);
    set_mask(d0, (unsigned int)p0, false);
    w->polling = true;
    w->poll_port = 0;                                       /* several ports: any wakes */
    CHECK_EQ(evtchn_send(d1, (unsigned int)q1), 0);
    CHECK_EQ(fe_unblocks(w), 1);
    CHECK_EQ(fe_unblocks(v), 1);                            /* no longer polling */
    teardown();
}

static void test_send_selector_per_word(void)
{
    setup();
    for (int i = 1; i < 70; i++)
        CHECK_EQ(alloc_unbound(d0, DOMID_SELF, 0), i);
    int a = alloc_unbound(d0, DOMID_SELF, DOMID_SELF);      /* 70: word 1 */
    int b = bind_interdomain(d0, DOMID_SELF, (unsigned int)a);
    guest_ack_all(d0);
    CHECK_EQ(evtchn_send(d0, (unsigned int)b), 0);
    CHECK_EQ(vi(d0->vcpus[0])->evtchn_pending_sel, 1ULL << 1);
    CHECK_EQ(d0->shared_info->evtchn_pending[1], 1ULL << (70 % 64));
    CHECK_EQ(fe_upcalls(d0->vcpus[0]), 2);                  /* the bind, then the send */
    /* A port in another word while the upcall is still pending: the selector
     * gains a bit, but there is no new 0->1 and so no new injection. */
    int c = alloc_unbound(d0, DOMID_SELF, DOMID_SELF);      /* 72: word 1 */
    CHECK_EQ(c, 72);
    d0->shared_info->vcpu_info[0].evtchn_pending_sel = 0;
    int e = bind_interdomain(d0, DOMID_SELF, (unsigned int)c);
    CHECK(pending(d0, (unsigned int)e));
    CHECK_EQ(vi(d0->vcpus[0])->evtchn_pending_sel, 1ULL << (e / 64));
    CHECK_EQ(fe_upcalls(d0->vcpus[0]), 2);
    teardown();
}

static void test_send_errors_and_unbound(void)
{
    setup();
    int u = alloc_unbound(d1, DOMID_SELF, 0);
    CHECK_EQ(evtchn_send(d1, (unsigned int)u), 0);          /* silently dropped */
    CHECK(!pending(d1, (unsigned int)u));
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), 0);
    int v = bind_virq(d1, VIRQ_DEBUG, 0);
    CHECK_EQ(evtchn_send(d1, (unsigned int)v), -EINVAL);
    CHECK_EQ(evtchn_send(d1, 40), -EINVAL);                 /* free, in a valid bucket */
    CHECK_EQ(evtchn_send(d1, 100000), -EINVAL);
    teardown();
}

static void test_mask_and_unmask(void)
{
    setup();
    int p0, p1;
    connect(&p0, &p1);
    struct vcpu *v = d0->vcpus[0];
    set_mask(d0, (unsigned int)p0, true);
    CHECK_EQ(evtchn_send(d1, (unsigned int)p1), 0);
    CHECK(pending(d0, (unsigned int)p0));
    CHECK_EQ(vi(v)->evtchn_pending_sel, 0);
    CHECK_EQ(vi(v)->evtchn_upcall_pending, 0);
    unsigned int before = fe_upcalls(v);
    /* Unmask finds it pending: selector and upcall now. */
    CHECK_EQ(evtchn_unmask(d0, (unsigned int)p0), 0);
    CHECK_EQ(d0->shared_info->evtchn_mask[p0 / 64] & (1ULL << (p0 % 64)), 0);
    CHECK_EQ(vi(v)->evtchn_pending_sel, 1ULL << (p0 / 64));
    CHECK_EQ(fe_upcalls(v), before + 1);
    /* Unmasking a port that is not pending raises nothing. */
    guest_ack_all(d0);
    set_mask(d0, (unsigned int)p0, true);
    CHECK_EQ(evtchn_unmask(d0, (unsigned int)p0), 0);
    CHECK_EQ(vi(v)->evtchn_pending_sel, 0);
    CHECK_EQ(fe_upcalls(v), before + 1);
    CHECK_EQ(evtchn_unmask(d0, 5000), -EINVAL);
    /* New ports keep the guest's mask bit, as Xen (Linux masks before binding). */
    set_mask(d0, 10, true);
    for (int i = 0; i < 10; i++)
        alloc_unbound(d0, DOMID_SELF, 0);
    CHECK(d0->shared_info->evtchn_mask[0] & (1ULL << 10));
    teardown();
}

static void test_close_turns_peer_unbound_and_rebind(void)
{
    setup();
    int p0, p1;
    connect(&p0, &p1);
    CHECK_EQ(evtchn_send(d0, (unsigned int)p0), 0);
    CHECK(pending(d1, (unsigned int)p1));
    CHECK_EQ(evtchn_close(d1, (unsigned int)p1), 0);
    CHECK(!pending(d1, (unsigned int)p1));                  /* closing clears pending */
    int rc;
    struct evtchn_status s = status(d0, DOMID_SELF, (unsigned int)p0, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 1);
    s = status(d1, DOMID_SELF, (unsigned int)p1, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_send(d0, (unsigned int)p0), 0);         /* now unbound: dropped */
    CHECK_EQ(evtchn_close(d1, (unsigned int)p1), -EINVAL);
    CHECK_EQ(evtchn_send(d1, (unsigned int)p1), -EINVAL);
    /* The peer can be bound again, by the same domain. */
    int again = bind_interdomain(d1, 0, (unsigned int)p0);
    CHECK_EQ(again, p1);                                    /* lowest free port */
    CHECK_EQ(evtchn_close(d0, (unsigned int)p0), 0);
    s = status(d1, DOMID_SELF, (unsigned int)again, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 0);
    teardown();
}

/* ---- VIRQs ---- */

static void test_virq_binding(void)
{
    setup();
    int p = bind_virq(d0, VIRQ_DOM_EXC, 0);
    CHECK(p > 0);
    CHECK_EQ(bind_virq(d0, VIRQ_DOM_EXC, 0), -EEXIST);
    CHECK_EQ(bind_virq(d0, VIRQ_CONSOLE, 1), -EINVAL);      /* global: vCPU 0 only */
    CHECK_EQ(bind_virq(d0, NR_VIRQS, 0), -EINVAL);
    CHECK_EQ(bind_virq(d0, 0xFFFFFFFFu, 0), -EINVAL);
    CHECK_EQ(bind_virq(d0, VIRQ_TIMER, 2), -ENOENT);
    CHECK_EQ(bind_virq(d0, VIRQ_TIMER, 0xFFFFFFFFu), -ENOENT);
    int t0 = bind_virq(d0, VIRQ_TIMER, 0), t1 = bind_virq(d0, VIRQ_TIMER, 1);
    CHECK(t0 > 0 && t1 > 0 && t0 != t1);                   /* per-vCPU: once per vCPU */
    CHECK_EQ(bind_virq(d0, VIRQ_TIMER, 1), -EEXIST);
    int rc;
    struct evtchn_status s = status(d0, DOMID_SELF, (unsigned int)t1, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_virq);
    CHECK_EQ(s.u.virq, VIRQ_TIMER);
    CHECK_EQ(s.vcpu, 1);

    send_global_virq(d0, VIRQ_DOM_EXC);
    CHECK(pending(d0, (unsigned int)p));
    CHECK_EQ(fe_upcalls(d0->vcpus[0]), 1);
    send_global_virq(d0, VIRQ_CONSOLE);                     /* not bound: nothing */
    send_global_virq(d0, VIRQ_TIMER);                       /* not global: ignored */
    send_global_virq(d0, 999);
    send_guest_vcpu_virq(d0->vcpus[0], VIRQ_DOM_EXC);       /* not per-vCPU: ignored */
    CHECK(!pending(d0, (unsigned int)t0));
    send_guest_vcpu_virq(d0->vcpus[1], VIRQ_TIMER);
    CHECK(pending(d0, (unsigned int)t1));
    CHECK(!pending(d0, (unsigned int)t0));
    /* Closed, it can be bound again. */
    CHECK_EQ(evtchn_close(d0, (unsigned int)p), 0);
    send_global_virq(d0, VIRQ_DOM_EXC);
    CHECK(!pending(d0, (unsigned int)p));
    CHECK(bind_virq(d0, VIRQ_DOM_EXC, 0) > 0);
    teardown();
}

static void test_per_vcpu_targeting(void)
{
    setup();
    struct vcpu *v0 = d0->vcpus[0], *v1 = d0->vcpus[1];
    v1->state = VCPU_OFFLINE;
    CHECK_EQ(evtchn_register_vcpu_info(v0, v1, fe_gfn(3), 64), 0);
    guest_ack_all(d0);
    unsigned int u0 = fe_upcalls(v0), u1 = fe_upcalls(v1);

    int g = bind_virq(d0, VIRQ_CONSOLE, 0);
    CHECK_EQ(evtchn_bind_vcpu(d0, (unsigned int)g, 1), 0);
    send_global_virq(d0, VIRQ_CONSOLE);
    CHECK(pending(d0, (unsigned int)g));
    CHECK_EQ(vi(v1)->evtchn_pending_sel, 1ULL << (g / 64));
    CHECK_EQ(vi(v0)->evtchn_pending_sel, 0);
    CHECK_EQ(fe_upcalls(v1), u1 + 1);
    CHECK_EQ(fe_upcalls(v0), u0);
    int rc;
    CHECK_EQ(status(d0, DOMID_SELF, (unsigned int)g, &rc).vcpu, 1);

    int p0, p1;
    connect(&p0, &p1);
    CHECK_EQ(evtchn_bind_vcpu(d0, (unsigned int)p0, 1), 0);
    CHECK_EQ(evtchn_send(d1, (unsigned int)p1), 0);
    CHECK_EQ(fe_upcalls(v1), u1 + 2);
    CHECK_EQ(fe_upcalls(v0), u0);
    int u = alloc_unbound(d0, DOMID_SELF, 1);
    CHECK_EQ(evtchn_bind_vcpu(d0, (unsigned int)u, 1), 0);

    int t = bind_virq(d0, VIRQ_TIMER, 0);
    CHECK_EQ(evtchn_bind_vcpu(d0, (unsigned int)t, 1), -EINVAL);    /* per-vCPU virq */
    CHECK_EQ(evtchn_bind_vcpu(d0, (unsigned int)g, 2), -ENOENT);
    CHECK_EQ(evtchn_bind_vcpu(d0, (unsigned int)g, 0xFFFFFFFFu), -ENOENT);
    CHECK_EQ(evtchn_bind_vcpu(d0, 3000, 0), -EINVAL);
    /* Closing forgets the target: the port comes back on vCPU 0. */
    CHECK_EQ(evtchn_close(d0, (unsigned int)g), 0);
    CHECK_EQ(bind_virq(d0, VIRQ_CONSOLE, 0), g);
    CHECK_EQ(status(d0, DOMID_SELF, (unsigned int)g, &rc).vcpu, 0);
    teardown();
}

static void test_ipi(void)
{
    setup();
    struct evtchn_bind_ipi b = { .vcpu = 1 };
    CHECK_EQ(evtchn_bind_ipi(d1, &b), 0);
    struct vcpu *v1 = d1->vcpus[1];
    v1->state = VCPU_OFFLINE;
    CHECK_EQ(evtchn_register_vcpu_info(d1->vcpus[0], v1, fe_gfn(0), 0), 0);
    unsigned int before = fe_upcalls(v1);
    vi(v1)->evtchn_upcall_pending = 0;
    vi(v1)->evtchn_pending_sel = 0;
    CHECK_EQ(evtchn_send(d1, b.port), 0);
    CHECK(pending(d1, b.port));
    CHECK_EQ(fe_upcalls(v1), before + 1);
    int rc;
    CHECK_EQ(status(d1, DOMID_SELF, b.port, &rc).status, EVTCHNSTAT_ipi);
    CHECK_EQ(evtchn_bind_vcpu(d1, b.port, 0), -EINVAL);
    b.vcpu = 2;
    CHECK_EQ(evtchn_bind_ipi(d1, &b), -ENOENT);
    teardown();
}

/* ---- status, reset, destroy ---- */

static void test_status_privilege(void)
{
    setup();
    int p = alloc_unbound(d0, DOMID_SELF, 1);
    int rc;
    status(d1, 0, (unsigned int)p, &rc);
    CHECK_EQ(rc, -EPERM);
    status(d1, 9, 1, &rc);
    CHECK_EQ(rc, -ESRCH);
    status(d0, 9, 1, &rc);
    CHECK_EQ(rc, -ESRCH);
    int q = alloc_unbound(d1, DOMID_SELF, 0);
    struct evtchn_status s = status(d0, 1, (unsigned int)q, &rc);   /* dom0 may look */
    CHECK_EQ(rc, 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    s = status(d1, DOMID_SELF, 63, &rc);                   /* free, in the first bucket */
    CHECK_EQ(rc, 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    status(d1, DOMID_SELF, 64, &rc);                       /* never allocated */
    CHECK_EQ(rc, -EINVAL);
    teardown();
}

static void test_reset(void)
{
    setup();
    int p0, p1;
    connect(&p0, &p1);
    int v = bind_virq(d1, VIRQ_DEBUG, 0);
    CHECK_EQ(evtchn_reset(d1, 0), -EPERM);
    CHECK_EQ(evtchn_reset(d1, 4), -ESRCH);
    CHECK_EQ(evtchn_reset(d1, DOMID_SELF), 0);
    int rc;
    CHECK_EQ(status(d1, DOMID_SELF, (unsigned int)p1, &rc).status, EVTCHNSTAT_closed);
    CHECK_EQ(status(d1, DOMID_SELF, (unsigned int)v, &rc).status, EVTCHNSTAT_closed);
    struct evtchn_status s = status(d0, DOMID_SELF, (unsigned int)p0, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 1);
    CHECK(bind_virq(d1, VIRQ_DEBUG, 0) > 0);                /* the VIRQ is free again */
    /* dom0 may reset a domU. */
    CHECK(bind_interdomain(d1, 0, (unsigned int)p0) > 0);
    CHECK_EQ(evtchn_reset(d0, 1), 0);
    CHECK_EQ(status(d0, DOMID_SELF, (unsigned int)p0, &rc).status, EVTCHNSTAT_unbound);
    teardown();
}

static void test_destroy_closes_everything(void)
{
    setup();
    int p0, p1, q0, q1;
    connect(&p0, &p1);
    connect(&q0, &q1);
    bind_virq(d1, VIRQ_TIMER, 1);
    alloc_unbound(d1, DOMID_SELF, 0);
    long live = fake_xmalloc_live();
    evtchn_domain_destroy(d1);
    CHECK(d1->evtchn == NULL);
    CHECK(fake_xmalloc_live() < live);
    int rc;
    struct evtchn_status s = status(d0, DOMID_SELF, (unsigned int)p0, &rc);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 1);
    CHECK_EQ(status(d0, DOMID_SELF, (unsigned int)q0, &rc).status, EVTCHNSTAT_unbound);
    CHECK_EQ(evtchn_send(d0, (unsigned int)p0), 0);         /* nobody there: dropped */
    /* The dead domain can be neither found nor bound to. */
    CHECK_EQ(alloc_unbound(d0, 1, 0), -ESRCH);
    CHECK_EQ(bind_interdomain(d0, 1, (unsigned int)p1), -ESRCH);
    evtchn_domain_destroy(d1);                              /* twice is harmless */
    teardown();                                             /* checks nothing leaked */
}

/* ---- vcpu_info registration ---- */

static void test_register_vcpu_info_rules(void)
{
    setup();
    struct vcpu *v0 = d1->vcpus[0], *v1 = d1->vcpus[1];
    CHECK_EQ(evtchn_register_vcpu_info(v0, v0, fe_gfn(1), 4096 - 48 + 8), -ENXIO);
    CHECK_EQ(evtchn_register_vcpu_info(v0, v0, fe_gfn(1), 0xFFFFFFFFu), -ENXIO);
    CHECK_EQ(evtchn_register_vcpu_info(v0, v0, fe_gfn(1), 4), -ENXIO);
    CHECK_EQ(evtchn_register_vcpu_info(v0, v0, 0x1234, 0), -EINVAL);    /* not its RAM */
    CHECK_EQ(evtchn_register_vcpu_info(v0, v1, fe_gfn(1), 0), -EINVAL); /* v1 is online */
    CHECK(v0->vcpu_info == NULL && v1->vcpu_info == NULL);

    /* vCPU 0's old contents (shared_info slot 0) move with it. */
    struct vcpu_info *old = &d1->shared_info->vcpu_info[0];
    old->evtchn_pending_sel = 0x5;
    old->time.version = 77;
    old->evtchn_upcall_pending = 0;
    CHECK_EQ(evtchn_register_vcpu_info(v0, v0, fe_gfn(1), 4096 - 48), 0);
    struct vcpu_info *nv = (struct vcpu_info *)((uint8_t *)fe_ram(d1, 1) + 4096 - 48);
    CHECK(v0->vcpu_info == nv);
    CHECK_EQ(nv->time.version, 77);
    CHECK_EQ(nv->evtchn_pending_sel, ~0ULL);                /* everything rescanned */
    CHECK_EQ(nv->evtchn_upcall_pending, 1);
    CHECK_EQ(fe_upcalls(v0), 1);
    CHECK_EQ(evtchn_register_vcpu_info(v0, v0, fe_gfn(2), 0), -EINVAL); /* once only */

    /* Deliveries now go to the new slot. */
    guest_ack_all(d1);
    old->evtchn_pending_sel = 0;
    int u = alloc_unbound(d1, DOMID_SELF, DOMID_SELF);
    int b = bind_interdomain(d1, DOMID_SELF, (unsigned int)u);
    CHECK_EQ(nv->evtchn_pending_sel, 1ULL << (b / 64));
    CHECK_EQ(old->evtchn_pending_sel, 0);
    CHECK_EQ(fe_upcalls(v0), 2);

    /* An offline vCPU may be registered from another one; it starts clean. */
    memset(fe_ram(d1, 2), 0xAB, 64);
    v1->state = VCPU_OFFLINE;
    CHECK_EQ(evtchn_register_vcpu_info(v0, v1, fe_gfn(2), 0), 0);
    struct vcpu_info *v1i = fe_ram(d1, 2);
    CHECK_EQ(v1i->time.version, 0);
    CHECK_EQ(v1i->evtchn_pending_sel, ~0ULL);
    CHECK_EQ(v1i->evtchn_upcall_pending, 1);
    CHECK_EQ(fe_upcalls(v1), 1);
    CHECK(evtchn_vcpu_upcall_pending(v1));
    teardown();
}

/* ---- the hypercall layer ---- */

static long evop(uint64_t cmd, uint64_t arg)
{
    struct hypercall_args a = { { cmd, arg, 0, 0, 0 } };
    return do_event_channel_op(&a);
}

static long vcpuop(uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
    struct hypercall_args a = { { cmd, vcpuid, arg, 0, 0 } };
    return do_vcpu_op(&a);
}

static void test_hypercall_bad_cmds_and_pointers(void)
{
    setup();
    CHECK_EQ(evop(EVTCHNOP_bind_pirq, G), -ENOSYS);
    CHECK_EQ(evop(14, G), -ENOSYS);
    CHECK_EQ(evop(1000, G), -ENOSYS);
    CHECK_EQ(evop((1ULL << 32) | EVTCHNOP_send, G), -ENOSYS);
    CHECK_EQ(evop(~0ULL, G), -ENOSYS);
    for (unsigned int cmd = 0; cmd <= EVTCHNOP_set_priority; cmd++) {
        if (cmd == EVTCHNOP_bind_pirq)
            continue;
        CHECK_EQ(evop(cmd, BAD), -EFAULT);
        CHECK_EQ(evop(cmd, 0), -EFAULT);
        CHECK_EQ(evop(cmd, G + FAKE_GUEST_SIZE - 1), -EFAULT);     /* runs off the end */
    }
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), 0);
    teardown();
}

static void test_hypercall_in_and_out(void)
{
    setup();
    uint8_t *buf = guest_ptr(G);
    memset(buf, 0xAA, 64);
    struct evtchn_alloc_unbound *a = (void *)buf;
    a->dom = DOMID_SELF;
    a->remote_dom = 0;
    CHECK_EQ(evop(EVTCHNOP_alloc_unbound, G), 0);
    CHECK_EQ(a->port, 1);
    CHECK_EQ(buf[8], 0xAA);                                 /* nothing past the struct */

    /* dom0 binds to it through its own hypercall. */
    fe_set_current(d0->vcpus[0]);
    struct evtchn_bind_interdomain *bi = (void *)buf;
    memset(buf, 0xAA, 64);
    bi->remote_dom = 1;
    bi->remote_port = 1;
    CHECK_EQ(evop(EVTCHNOP_bind_interdomain, G), 0);
    CHECK_EQ(bi->local_port, 1);
    CHECK_EQ(buf[12], 0xAA);

    struct evtchn_status *s = (void *)buf;
    memset(buf, 0xAA, 64);
    s->dom = 1;
    s->port = 1;
    CHECK_EQ(evop(EVTCHNOP_status, G), 0);
    CHECK_EQ(s->status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s->vcpu, 0);
    CHECK_EQ(s->u.interdomain.dom, 0);
    CHECK_EQ(s->u.interdomain.port, 1);
    CHECK_EQ(buf[24], 0xAA);

    /* A failed command copies nothing back. */
    struct evtchn_bind_virq *bv = (void *)buf;
    memset(buf, 0xAA, 64);
    bv->virq = 99;
    bv->vcpu = 0;
    CHECK_EQ(evop(EVTCHNOP_bind_virq, G), -EINVAL);
    CHECK_EQ(bv->port, 0xAAAAAAAAu);
    bv->virq = VIRQ_DOM_EXC;
    CHECK_EQ(evop(EVTCHNOP_bind_virq, G), 0);
    CHECK_EQ(bv->port, 2);

    /* Commands without OUT fields leave the buffer alone. */
    struct evtchn_send *sd = (void *)buf;
    memset(buf, 0xAA, 64);
    sd->port = 1;
    CHECK_EQ(evop(EVTCHNOP_send, G), 0);
    CHECK(pending(d1, 1));
    CHECK_EQ(sd->port, 1);
    CHECK_EQ(buf[4], 0xAA);
    struct evtchn_close *c = (void *)buf;
    c->port = 2;
    CHECK_EQ(evop(EVTCHNOP_close, G), 0);
    CHECK_EQ(evop(EVTCHNOP_close, G), -EINVAL);
    struct evtchn_reset *r = (void *)buf;
    r->dom = DOMID_SELF;
    CHECK_EQ(evop(EVTCHNOP_reset, G), 0);
    teardown();
}

static void test_hypercall_without_event_state(void)
{
    setup();
    evtchn_domain_destroy(d1);
    struct evtchn_send *sd = guest_ptr(G);
    sd->port = 1;
    CHECK_EQ(evop(EVTCHNOP_send, G), -ENOSYS);
    teardown();
}

static void test_vcpu_op_layer(void)
{
    setup();
    struct vcpu_register_vcpu_info *info = guest_ptr(G);
    info->mfn = fe_gfn(5);
    info->offset = 128;
    info->rsvd = 0;
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, 2, G), -ENOENT);
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, ~0ULL, G), -ENOENT);
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, (1ULL << 32), G), -ENOENT);
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, 0, BAD), -EFAULT);
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, 1, G), -EINVAL);     /* online, not us */
    info->offset = 4090;
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, 0, G), -ENXIO);
    info->offset = 128;
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, 0, G), 0);
    CHECK(d1->vcpus[0]->vcpu_info == (void *)((uint8_t *)fe_ram(d1, 5) + 128));
    CHECK_EQ(vcpuop(VCPUOP_register_vcpu_info, 0, G), -EINVAL);

    uint64_t *area = guest_ptr(G + 64);
    *area = 0xffff800012345678ULL;
    CHECK_EQ(vcpuop(VCPUOP_register_runstate_memory_area, 1, G + 64), 0);
    CHECK_EQ(d1->vcpus[1]->runstate_gva, 0xffff800012345678ULL);
    CHECK_EQ(vcpuop(VCPUOP_register_runstate_memory_area, 0, BAD), -EFAULT);
    CHECK_EQ(vcpuop(VCPUOP_is_up, 0, G), -EINVAL);          /* not on arm */
    CHECK_EQ(vcpuop(VCPUOP_initialise, 1, G), -EINVAL);
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("evtchn");
    RUN(test_ports_start_at_1_port0_reserved);
    RUN(test_port_limits_and_reuse);
    RUN(test_max_port_setting);
    RUN(test_alloc_unbound_privilege);
    RUN(test_bind_interdomain_rules);
    RUN(test_bind_to_own_unbound_port);
    RUN(test_send_upcall_only_on_0_to_1);
    RUN(test_send_wakes_pollers);
    RUN(test_send_selector_per_word);
    RUN(test_send_errors_and_unbound);
    RUN(test_mask_and_unmask);
    RUN(test_close_turns_peer_unbound_and_rebind);
    RUN(test_virq_binding);
    RUN(test_per_vcpu_targeting);
    RUN(test_ipi);
    RUN(test_status_privilege);
    RUN(test_reset);
    RUN(test_destroy_closes_everything);
    RUN(test_register_vcpu_info_rules);
    RUN(test_hypercall_bad_cmds_and_pointers);
    RUN(test_hypercall_in_and_out);
    RUN(test_hypercall_without_event_state);
    RUN(test_vcpu_op_layer);
    CHECK_MAIN_END();
}

/*
 * The FIFO event ABI, checked against a model of Linux's consumer
 * (drivers/xen/events/events_fifo.c): it takes the ready word with xchg,
 * walks each queue from its head by clearing LINKED and following LINK,
 * keeps its own per-queue head between rounds, and handles a port only if
 * it is PENDING and not MASKED. Also: init_control and expand_array rules,
 * priorities, per-vCPU queues, moving between queues, ports pending before
 * the switch or before their event word existed, a guest writing garbage
 * into the shared pages, close, reset and destroy.
 */
#include <string.h>

#include "check.h"
#include "errno.h"
#include "fake_events.h"
#include "event.h"
#include "hypercall.h"
#include <xen/event_channel.h>

long fake_xmalloc_live(void);

#define G FAKE_GUEST_BASE
#define BAD 0x100000000000UL
#define P (1u << EVTCHN_FIFO_PENDING)
#define M (1u << EVTCHN_FIFO_MASKED)
#define L (1u << EVTCHN_FIFO_LINKED)
#define B (1u << EVTCHN_FIFO_BUSY)

static struct domain *d0, *d1;

/* ---- the guest: a model of Linux's FIFO code ---- */

struct lx_cpu {
    struct evtchn_fifo_control_block *cb;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};

static struct lx {
    struct domain *d;
    event_word_t *page[128];
    unsigned int nr_pages, next_ram;
    struct lx_cpu cpu[FE_MAX_VCPUS];
} lx;

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
    memset(&lx, 0, sizeof(lx));
    lx.d = d1;
}

static long evop(uint64_t cmd, const void *arg, size_t len)
{
    memcpy(guest_ptr(G), arg, len);
    struct hypercall_args a = { { cmd, G, 0, 0, 0 } };
    return do_event_channel_op(&a);
}

/* init_control_block(): a cleared page, local heads reset. */
static long lx_init_cpu(unsigned int cpu)
{
    unsigned int pg = lx.next_ram++;
    memset(fe_ram(lx.d, pg), 0, PAGE_SIZE);
    memset(lx.cpu[cpu].head, 0, sizeof(lx.cpu[cpu].head));
    struct evtchn_init_control ic = { .control_gfn = fe_gfn(pg), .offset = 0, .vcpu = cpu };
    long rc = evop(EVTCHNOP_init_control, &ic, sizeof(ic));
    if (rc == 0)
        lx.cpu[cpu].cb = fe_ram(lx.d, pg);
    return rc;
}

/* evtchn_fifo_setup(): a new array page, every event MASKED (or left zero). */
static long lx_expand(bool masked)
{
    unsigned int pg = lx.next_ram++;
    event_word_t *w = fe_ram(lx.d, pg);
    for (unsigned int i = 0; i < 1024; i++)
        w[i] = masked ? M : 0;
    struct evtchn_expand_array ea = { .array_gfn = fe_gfn(pg) };
    long rc = evop(EVTCHNOP_expand_array, &ea, sizeof(ea));
    if (rc == 0)
        lx.page[lx.nr_pages++] = w;
    return rc;
}

static event_word_t *lx_word(uint32_t port)
{
    return port / 1024 < lx.nr_pages ? &lx.page[port / 1024][port % 1024] : NULL;
}

static uint32_t clear_linked(event_word_t *w)
{
    uint32_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(w, &old, old & ~(L | EVTCHN_FIFO_LINK_MASK), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    return old & EVTCHN_FIFO_LINK_MASK;
}

/* The upcall on one CPU: handled ports, in order, into out[]. */
static unsigned int lx_handle(unsigned int cpu, uint32_t *out, unsigned int max)
{
    struct lx_cpu *c = &lx.cpu[cpu];
    struct vcpu_info *vi = evtchn_vcpu_info(lx.d->vcpus[cpu]);
    unsigned int n = 0;
    if (vi)
        vi->evtchn_upcall_pending = 0;
    uint32_t ready = __atomic_exchange_n(&c->cb->ready, 0, __ATOMIC_SEQ_CST);
    while (ready && n < max) {
        unsigned int q = (unsigned int)__builtin_ctz(ready);
        uint32_t port = c->head[q] ? c->head[q] : c->cb->head[q];
        event_word_t *w = lx_word(port);
        if (!w)
            break;
        uint32_t next = clear_linked(w);
        if (next == 0)
            ready &= ~(1u << q);
        if ((*w & P) && !(*w & M)) {
            __atomic_fetch_and(w, ~P, __ATOMIC_SEQ_CST);    /* the irq's ack */
            out[n++] = port;
        }
        c->head[q] = next;
        ready |= __atomic_exchange_n(&c->cb->ready, 0, __ATOMIC_SEQ_CST);
    }
    return n;
}

/* evtchn_fifo_unmask(): local clear unless pending, then the hypercall. */
static void lx_unmask(uint32_t port)
{
    event_word_t *w = lx_word(port);
    if (!(*w & P)) {
        __atomic_fetch_and(w, ~M, __ATOMIC_SEQ_CST);
        return;
    }
    struct evtchn_unmask u = { .port = port };
    CHECK_EQ(evop(EVTCHNOP_unmask, &u, sizeof(u)), 0);
}

static uint32_t ipi(unsigned int vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    CHECK_EQ(evtchn_bind_ipi(d1, &b), 0);
    return b.port;
}

/* Linux's start-up: vCPU 0's control block, the first array page, all unmasked. */
static void lx_boot(void)
{
    CHECK_EQ(lx_init_cpu(0), 0);
    CHECK_EQ(lx_expand(false), 0);
}

/* ---- tests ---- */

static void test_init_control_rules(void)
{
    setup();
    struct evtchn_init_control ic = { .control_gfn = fe_gfn(0), .offset = 0, .vcpu = 2 };
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), -ENOENT);
    ic.vcpu = 0xFFFFFFFFu;
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), -ENOENT);
    ic.vcpu = 0;
    ic.offset = 4096 - 72 + 8;                              /* crosses the page */
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), -EINVAL);
    CHECK_EQ(((struct evtchn_init_control *)guest_ptr(G))->link_bits, 0);  /* no copy-out */
    ic.offset = 4;
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), -EINVAL);
    ic.offset = 0;
    ic.control_gfn = 0x1000;                                /* not the domain's RAM */
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), -EINVAL);
    struct evtchn_expand_array ea = { .array_gfn = fe_gfn(1) };
    CHECK_EQ(evop(EVTCHNOP_expand_array, &ea, sizeof(ea)), -EOPNOTSUPP);
    struct evtchn_set_priority sp = { .port = 0, .priority = 3 };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), -ENOSYS);   /* 2-level */
    CHECK_EQ(d1->evtchn->abi, EVTCHN_ABI_2L);

    ic.control_gfn = fe_gfn(0);
    ic.offset = 4096 - 72;
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), 0);
    struct evtchn_init_control *out = guest_ptr(G);
    CHECK_EQ(out->link_bits, EVTCHN_FIFO_LINK_BITS);
    CHECK_EQ(d1->evtchn->abi, EVTCHN_ABI_FIFO);
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), -EINVAL);  /* twice */
    /* A secondary, still offline, set up from vCPU 0 (CPUHP_XEN_EVTCHN_PREPARE). */
    d1->vcpus[1]->state = VCPU_OFFLINE;
    ic.vcpu = 1;
    ic.offset = 0;
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), 0);
    struct hypercall_args bad = { { EVTCHNOP_init_control, BAD, 0, 0, 0 } };
    CHECK_EQ(do_event_channel_op(&bad), -EFAULT);
    teardown();
}

static void test_expand_array(void)
{
    setup();
    CHECK_EQ(lx_init_cpu(0), 0);
    struct evtchn_expand_array ea = { .array_gfn = 0x1000 };
    CHECK_EQ(evop(EVTCHNOP_expand_array, &ea, sizeof(ea)), -EINVAL);
    for (unsigned int i = 0; i < 128; i++)
        CHECK_EQ(lx_expand(true), 0);
    CHECK_EQ(lx_expand(true), -ENOSPC);                     /* 2^17 event words */
    teardown();
}

static void test_fifo_order_and_single_upcall(void)
{
    setup();
    lx_boot();
    struct vcpu *v0 = d1->vcpus[0];
    uint32_t a = ipi(0), b = ipi(0), c = ipi(0);
    unsigned int before = fe_upcalls(v0);
    CHECK_EQ(evtchn_send(d1, b), 0);
    CHECK_EQ(*lx_word(b), P | L);
    CHECK_EQ(lx.cpu[0].cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
    CHECK_EQ(lx.cpu[0].cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(fe_upcalls(v0), before + 1);
    CHECK_EQ(evtchn_send(d1, a), 0);
    CHECK_EQ(evtchn_send(d1, c), 0);
    CHECK_EQ(evtchn_send(d1, a), 0);                        /* already queued */
    CHECK_EQ(*lx_word(b), P | L | a);                       /* b links to a */
    CHECK_EQ(*lx_word(a), P | L | c);
    CHECK_EQ(fe_upcalls(v0), before + 1);                   /* queue was non-empty */
    uint32_t got[8];
    CHECK_EQ(lx_handle(0, got, 8), 3);
    CHECK_EQ(got[0], b);
    CHECK_EQ(got[1], a);
    CHECK_EQ(got[2], c);
    CHECK_EQ(*lx_word(a), 0);
    /* Consumed: the next event starts a new queue and injects again. */
    CHECK_EQ(evtchn_send(d1, c), 0);
    CHECK_EQ(lx.cpu[0].cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], c);
    CHECK_EQ(fe_upcalls(v0), before + 2);
    CHECK_EQ(lx_handle(0, got, 8), 1);
    CHECK_EQ(got[0], c);
    teardown();
}

static void test_fifo_priorities(void)
{
    setup();
    lx_boot();
    uint32_t lo = ipi(0), mid = ipi(0), hi = ipi(0), dflt = ipi(0);
    struct evtchn_set_priority sp = { .port = lo, .priority = EVTCHN_FIFO_PRIORITY_MIN };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), 0);
    sp = (struct evtchn_set_priority){ .port = mid, .priority = 3 };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), 0);
    sp = (struct evtchn_set_priority){ .port = hi, .priority = EVTCHN_FIFO_PRIORITY_MAX };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), 0);
    sp = (struct evtchn_set_priority){ .port = hi, .priority = 16 };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), -EINVAL);
    sp = (struct evtchn_set_priority){ .port = 3000, .priority = 1 };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), -EINVAL);

    unsigned int before = fe_upcalls(d1->vcpus[0]);
    CHECK_EQ(evtchn_send(d1, lo), 0);
    CHECK_EQ(evtchn_send(d1, dflt), 0);
    CHECK_EQ(evtchn_send(d1, mid), 0);
    CHECK_EQ(evtchn_send(d1, hi), 0);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), before + 1);         /* one 0->1 of upcall_pending */
    CHECK_EQ(lx.cpu[0].cb->ready, (1u << 15) | (1u << 7) | (1u << 3) | 1u);
    CHECK_EQ(lx.cpu[0].cb->head[3], mid);
    uint32_t got[8];
    CHECK_EQ(lx_handle(0, got, 8), 4);
    CHECK_EQ(got[0], hi);
    CHECK_EQ(got[1], mid);
    CHECK_EQ(got[2], dflt);
    CHECK_EQ(got[3], lo);
    teardown();
}

static void test_fifo_masked_then_unmask(void)
{
    setup();
    CHECK_EQ(lx_init_cpu(0), 0);
    CHECK_EQ(lx_expand(true), 0);                           /* Linux: all MASKED */
    uint32_t p = ipi(0), q = ipi(0);
    unsigned int before = fe_upcalls(d1->vcpus[0]);
    CHECK_EQ(evtchn_send(d1, p), 0);
    CHECK_EQ(*lx_word(p), P | M);                           /* pending, not queued */
    CHECK_EQ(lx.cpu[0].cb->ready, 0);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), before);
    lx_unmask(p);                                           /* pending: hypercall */
    CHECK_EQ(*lx_word(p), P | L);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), before + 1);
    lx_unmask(q);                                           /* not pending: local */
    CHECK_EQ(*lx_word(q), 0);
    uint32_t got[4];
    CHECK_EQ(lx_handle(0, got, 4), 1);
    CHECK_EQ(got[0], p);
    /* The hypercall on a port that is not pending only clears the mask. */
    *lx_word(q) = M;
    struct evtchn_unmask u = { .port = q };
    CHECK_EQ(evop(EVTCHNOP_unmask, &u, sizeof(u)), 0);
    CHECK_EQ(*lx_word(q), 0);
    CHECK_EQ(lx.cpu[0].cb->ready, 0);
    teardown();
}

static void test_fifo_tail_consumed_writes_head(void)
{
    setup();
    lx_boot();
    uint32_t a = ipi(0), b = ipi(0);
    CHECK_EQ(evtchn_send(d1, a), 0);
    /* The guest takes a off the queue (LINKED cleared) but the hypervisor's
     * tail still names it: b must go to head, not behind a. */
    clear_linked(lx_word(a));
    CHECK_EQ(evtchn_send(d1, b), 0);
    CHECK_EQ(lx.cpu[0].cb->head[7], b);
    CHECK_EQ(*lx_word(a) & EVTCHN_FIFO_LINK_MASK, 0);
    CHECK_EQ(*lx_word(a) & B, 0);
    teardown();
}

/* A loopback pair in d1: returns the end that receives what the other sends. */
static uint32_t loopback(uint32_t *sender)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    CHECK_EQ(evtchn_alloc_unbound(d1, &a), 0);
    struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF, .remote_port = a.port };
    CHECK_EQ(evtchn_bind_interdomain(d1, &b), 0);
    *sender = b.local_port;
    return a.port;
}

static void test_fifo_per_vcpu_queues_and_moves(void)
{
    setup();
    lx_boot();
    struct vcpu *v0 = d1->vcpus[0], *v1 = d1->vcpus[1];
    v1->state = VCPU_OFFLINE;
    CHECK_EQ(lx_init_cpu(1), 0);
    CHECK_EQ(evtchn_register_vcpu_info(v0, v1, fe_gfn(lx.next_ram++), 0), 0);
    uint32_t su, sx, got[8];
    uint32_t u = loopback(&su), x = loopback(&sx);
    lx_handle(0, got, 8);                   /* the bind-time events on the senders */
    evtchn_vcpu_info(v1)->evtchn_upcall_pending = 0;
    unsigned int u0 = fe_upcalls(v0), u1 = fe_upcalls(v1);

    CHECK_EQ(evtchn_bind_vcpu(d1, u, 1), 0);
    CHECK_EQ(evtchn_send(d1, su), 0);
    CHECK_EQ(lx.cpu[1].cb->head[7], u);
    CHECK_EQ(lx.cpu[1].cb->ready, 1u << 7);
    CHECK_EQ(lx.cpu[0].cb->ready, 0);
    CHECK_EQ(fe_upcalls(v1), u1 + 1);
    CHECK_EQ(fe_upcalls(v0), u0);
    CHECK_EQ(lx_handle(1, got, 8), 1);
    CHECK_EQ(got[0], u);

    /* Back to vCPU 0: u leaves v1's queue, whose stale tail must be dropped,
     * or x would be linked behind u on the wrong queue. */
    CHECK_EQ(evtchn_bind_vcpu(d1, u, 0), 0);
    CHECK_EQ(evtchn_send(d1, su), 0);
    CHECK_EQ(lx.cpu[0].cb->head[7], u);
    CHECK_EQ(evtchn_bind_vcpu(d1, x, 1), 0);
    CHECK_EQ(evtchn_send(d1, sx), 0);
    CHECK_EQ(*lx_word(u), P | L);
    CHECK_EQ(lx.cpu[1].cb->head[7], x);
    CHECK_EQ(fe_upcalls(v0), u0 + 1);
    CHECK_EQ(fe_upcalls(v1), u1 + 2);
    CHECK_EQ(lx_handle(0, got, 8), 1);
    CHECK_EQ(got[0], u);
    CHECK_EQ(lx_handle(1, got, 8), 1);
    CHECK_EQ(got[0], x);
    teardown();
}

static void test_fifo_vcpu_without_control_block(void)
{
    setup();
    lx_boot();
    uint32_t s, u = loopback(&s), got[4];
    lx_handle(0, got, 4);
    CHECK_EQ(evtchn_bind_vcpu(d1, u, 1), 0);                /* vCPU 1 has no FIFO yet */
    unsigned int before = fe_upcalls(d1->vcpus[0]) + fe_upcalls(d1->vcpus[1]);
    CHECK_EQ(evtchn_send(d1, s), 0);
    CHECK_EQ(*lx_word(u), P);                               /* pending, nowhere queued */
    CHECK_EQ(lx.cpu[0].cb->ready, 0);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]) + fe_upcalls(d1->vcpus[1]), before);
    teardown();
}

static void test_fifo_priority_change_moves_queue(void)
{
    setup();
    lx_boot();
    uint32_t a = ipi(0), b = ipi(0), got[8];
    CHECK_EQ(evtchn_send(d1, a), 0);
    CHECK_EQ(lx_handle(0, got, 8), 1);
    CHECK_EQ(evtchn_set_priority(d1, a, 2), 0);
    CHECK_EQ(evtchn_send(d1, a), 0);
    CHECK_EQ(lx.cpu[0].cb->head[2], a);
    CHECK_EQ(evtchn_send(d1, b), 0);        /* queue 7 is empty: b is its head */
    CHECK_EQ(lx.cpu[0].cb->head[7], b);
    CHECK_EQ(*lx_word(a), P | L);
    CHECK_EQ(lx_handle(0, got, 8), 2);
    CHECK_EQ(got[0], a);
    CHECK_EQ(got[1], b);
    teardown();
}

static void test_fifo_carries_2l_pending_ports(void)
{
    setup();
    /* The toolstack's ports, raised while the guest was still 2-level. */
    struct evtchn_alloc_unbound a = { .dom = 0, .remote_dom = 1 };
    CHECK_EQ(evtchn_alloc_unbound(d0, &a), 0);
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = a.port };
    CHECK_EQ(evtchn_bind_interdomain(d1, &bi), 0);          /* pending at bind */
    uint32_t quiet = ipi(0);
    CHECK(d1->shared_info->evtchn_pending[0] & (1ULL << bi.local_port));

    CHECK_EQ(lx_init_cpu(0), 0);
    CHECK_EQ(lx_expand(true), 0);
    CHECK_EQ(*lx_word(bi.local_port), P | M);               /* pending, still masked */
    CHECK_EQ(*lx_word(quiet), M);
    CHECK_EQ(lx.cpu[0].cb->ready, 0);
    lx_unmask(bi.local_port);                               /* Linux binds the irq */
    uint32_t got[4];
    CHECK_EQ(lx_handle(0, got, 4), 1);
    CHECK_EQ(got[0], bi.local_port);
    /* And the connection works in FIFO. */
    CHECK_EQ(evtchn_send(d0, a.port), 0);
    CHECK_EQ(lx_handle(0, got, 4), 1);
    CHECK_EQ(got[0], bi.local_port);
    teardown();
}

static void test_fifo_pending_before_word_exists(void)
{
    setup();
    CHECK_EQ(evtchn_set_max_port(d1, 2047), 0);
    lx_boot();
    uint32_t sender = 0, port = 0;
    for (unsigned int i = 0; i < 1030; i++) {
        struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
        CHECK_EQ(evtchn_alloc_unbound(d1, &a), 0);
    }
    port = loopback(&sender);
    CHECK(port >= 1024 && sender >= 1024);
    unsigned int before = fe_upcalls(d1->vcpus[0]);
    CHECK_EQ(evtchn_send(d1, sender), 0);
    CHECK_EQ(lx.cpu[0].cb->ready, 0);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), before);
    CHECK_EQ(lx_expand(false), 0);
    CHECK_EQ(*lx_word(port) & (P | L), P | L);
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), before + 1);
    uint32_t got[4];
    unsigned int n = lx_handle(0, got, 4);
    CHECK(n >= 1);
    bool seen = false;
    for (unsigned int i = 0; i < n; i++)
        seen |= got[i] == port;
    CHECK(seen);
    teardown();
}

static void test_fifo_hostile_guest_pages(void)
{
    setup();
    lx_boot();
    uint32_t a = ipi(0), b = ipi(0), c = ipi(0), got[8];
    /* Garbage everywhere: LINKED and a maximal LINK in every word. */
    memset(lx.page[0], 0xFF, PAGE_SIZE);
    memset(lx.cpu[0].cb, 0xFF, sizeof(*lx.cpu[0].cb));
    unsigned int before = fe_upcalls(d1->vcpus[0]);
    for (unsigned int i = 0; i < 100; i++)
        CHECK_EQ(evtchn_send(d1, a), 0);
    CHECK_EQ(*lx_word(a), 0xFFFFFFFFu);                     /* "already linked" */
    CHECK_EQ(fe_upcalls(d1->vcpus[0]), before);
    struct evtchn_unmask u = { .port = a };
    CHECK_EQ(evop(EVTCHNOP_unmask, &u, sizeof(u)), 0);

    /* Clean words again, garbage heads: the hypervisor writes head itself. */
    memset(lx.page[0], 0, PAGE_SIZE);
    lx.cpu[0].cb->ready = 0;
    memset(lx.cpu[0].head, 0, sizeof(lx.cpu[0].head));
    CHECK_EQ(evtchn_send(d1, b), 0);
    CHECK_EQ(lx.cpu[0].cb->head[7], b);
    /* The guest scribbles over the tail while it is still LINKED. */
    *lx_word(b) = L | B | EVTCHN_FIFO_LINK_MASK;
    CHECK_EQ(evtchn_send(d1, c), 0);
    CHECK_EQ(*lx_word(b), L | c);                           /* BUSY released too */
    CHECK_EQ(lx_handle(0, got, 8), 1);                      /* b lost its PENDING */
    CHECK_EQ(got[0], c);

    /* A control block in the very last bytes of the domain's RAM. */
    d1->vcpus[1]->state = VCPU_OFFLINE;
    struct evtchn_init_control ic = { .control_gfn = fe_gfn(FE_PAGES - 1),
                                      .offset = 4096 - 72, .vcpu = 1 };
    CHECK_EQ(evop(EVTCHNOP_init_control, &ic, sizeof(ic)), 0);
    struct evtchn_bind_virq bv = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
    CHECK_EQ(evtchn_bind_virq(d1, &bv), 0);
    CHECK_EQ(evtchn_bind_vcpu(d1, bv.port, 1), 0);
    struct evtchn_set_priority sp = { .port = bv.port, .priority = 15 };
    CHECK_EQ(evop(EVTCHNOP_set_priority, &sp, sizeof(sp)), 0);
    send_global_virq(d1, VIRQ_CONSOLE);
    struct evtchn_fifo_control_block *cb =
        (void *)((uint8_t *)fe_ram(d1, FE_PAGES - 1) + 4096 - 72);
    CHECK_EQ(cb->head[15], bv.port);
    CHECK_EQ(cb->ready, 1u << 15);
    teardown();
}

static void test_fifo_close_reset_destroy(void)
{
    setup();
    lx_boot();
    uint32_t p = ipi(0), got[4];
    CHECK_EQ(evtchn_send(d1, p), 0);
    CHECK_EQ(evtchn_close(d1, p), 0);
    CHECK_EQ(*lx_word(p), L);                               /* PENDING cleared only */
    CHECK_EQ(lx_handle(0, got, 4), 0);                      /* unlinked, not handled */
    CHECK_EQ(*lx_word(p), 0);

    CHECK_EQ(evtchn_reset(d1, DOMID_SELF), 0);              /* back to 2-level */
    CHECK_EQ(d1->evtchn->abi, EVTCHN_ABI_2L);
    CHECK(d1->vcpus[0]->evtchn_fifo == NULL);
    CHECK_EQ(evtchn_set_priority(d1, 0, 1), -ENOSYS);
    CHECK_EQ(evtchn_fifo_expand_array(d1, fe_gfn(50)), -EOPNOTSUPP);
    memset(&lx, 0, sizeof(lx));
    lx.d = d1;
    lx.next_ram = 60;
    lx_boot();                                              /* FIFO again */
    p = ipi(0);
    CHECK_EQ(evtchn_send(d1, p), 0);
    CHECK_EQ(lx_handle(0, got, 4), 1);
    teardown();                                             /* destroy frees it all */
}

static void test_fifo_ports_beyond_2l_limit(void)
{
    setup();
    /* dom0 under FIFO may go past 4095 ports; tear-down must still find them. */
    struct evtchn_init_control ic = { .control_gfn = fe_gfn(0), .offset = 0, .vcpu = 0 };
    CHECK_EQ(evtchn_fifo_init_control(d0, &ic), 0);
    int last = 0;
    for (unsigned int i = 0; i < 4200; i++)
        last = evtchn_alloc_unbound_port(d0, 1);
    CHECK_EQ(last, 4200);
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 4200 };
    CHECK_EQ(evtchn_bind_interdomain(d1, &bi), 0);
    CHECK_EQ(evtchn_send(d1, bi.local_port), 0);            /* no event word: kept */
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 4200 };
    CHECK_EQ(evtchn_status(d0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    evtchn_domain_destroy(d0);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = bi.local_port };
    CHECK_EQ(evtchn_status(d1, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("evtchn_fifo");
    RUN(test_init_control_rules);
    RUN(test_expand_array);
    RUN(test_fifo_order_and_single_upcall);
    RUN(test_fifo_priorities);
    RUN(test_fifo_masked_then_unmask);
    RUN(test_fifo_tail_consumed_writes_head);
    RUN(test_fifo_per_vcpu_queues_and_moves);
    RUN(test_fifo_vcpu_without_control_block);
    RUN(test_fifo_priority_change_moves_queue);
    RUN(test_fifo_carries_2l_pending_ports);
    RUN(test_fifo_pending_before_word_exists);
    RUN(test_fifo_hostile_guest_pages);
    RUN(test_fifo_close_reset_destroy);
    RUN(test_fifo_ports_beyond_2l_limit);
    CHECK_MAIN_END();
}

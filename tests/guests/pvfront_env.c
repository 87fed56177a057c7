/*
 * fe_* for the freestanding guest, on hypercalls: see pvfront_env.h. The MMU
 * is off (VA == IPA), so a page's address is its guest frame number << 12.
 */
#include "guest.h"
#include "pvfront_env.h"

#include <errno.h>

#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>

/* Where the toolstack's device tree puts the grant table (its hypervisor
 * node's first reg; arch-arm.h's GNTTAB_BASE, visible to tools only).
 * This guest does not parse its device tree. */
#define GNTTAB_BASE 0x38000000UL

/* Replaced by the hypervisor's shared_info page at XENMEM_add_to_physmap. */
static union {
    struct shared_info s;
    uint8_t page[4096];
} shinfo __attribute__((aligned(4096)));

static uint64_t cnt_to_ns(uint64_t cnt)
{
    uint64_t frq = read_cntfrq();
    /* split so cnt * 1e9 cannot overflow */
    return cnt / frq * 1000000000ULL + cnt % frq * 1000000000ULL / frq;
}

uint64_t fe_now_ms(void)
{
    return cnt_to_ns(read_cntvct()) / 1000000ULL;
}

uint64_t fe_gfn(const void *page)
{
    return (uint64_t)(uintptr_t)page >> 12;
}

int fe_evtchn_alloc(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (unsigned long)&a);
    if (rc)
        return (int)rc;
    *port = a.port;
    return 0;
}

void fe_evtchn_notify(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&s);
}

static void clear_pending(evtchn_port_t port)
{
    xen_ulong_t *word = &shinfo.s.evtchn_pending[port / (8 * sizeof(xen_ulong_t))];
    __atomic_fetch_and(word, ~((xen_ulong_t)1 << (port % (8 * sizeof(xen_ulong_t)))), __ATOMIC_SEQ_CST);
}

void pvfront_wait_any(const evtchn_port_t *ports, unsigned int n, uint32_t timeout_ms)
{
    /* This guest takes no interrupts: evtchn_upcall_pending stays set after the
     * first event, which a poll with interrupts masked ignores (as Xen's). */
    struct sched_poll p = { .nr_ports = n };
    evtchn_port_t copy[8];
    if (n > 8)
        n = 8;
    for (unsigned int i = 0; i < n; i++)
        copy[i] = ports[i];
    set_xen_guest_handle(p.ports, copy);
    p.timeout = cnt_to_ns(read_cntvct()) + (uint64_t)timeout_ms * 1000000ULL;
    /* Returns when one is pending (at once if one already is) or at the timeout. */
    sched_op(SCHEDOP_poll, &p);
    for (unsigned int i = 0; i < n; i++)
        clear_pending(copy[i]);
}

void fe_evtchn_wait(evtchn_port_t port, uint32_t timeout_ms)
{
    pvfront_wait_any(&port, 1, timeout_ms);
}

static int hvm_param(unsigned int index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)&p);
    if (rc)
        return (int)rc;
    *value = p.value;
    return 0;
}

static int map_space(unsigned int space, unsigned long idx, uint64_t gfn)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .size = 0, .space = space, .idx = idx, .gpfn = gfn };
    return (int)hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x);
}

int pvfront_env_init(struct pvfront_env *env, const char **what)
{
    uint64_t store_pfn = 0, store_port = 0, cons_pfn = 0, cons_port = 0;
    int rc;

    *what = "map shared_info";
    if ((rc = map_space(XENMAPSPACE_shared_info, 0, fe_gfn(&shinfo))) < 0)
        return rc;
    *what = "map the grant table";
    for (unsigned int f = 0; f < PVFRONT_GNTTAB_FRAMES; f++)
        if ((rc = map_space(XENMAPSPACE_grant_table, f, (GNTTAB_BASE >> 12) + f)) < 0)
            return rc;
    if ((rc = gnttab_front_init(&env->gnt, (void *)(uintptr_t)GNTTAB_BASE, PVFRONT_GNTTAB_FRAMES)) < 0)
        return rc;
    *what = "HVM params (store, console)";
    if ((rc = hvm_param(HVM_PARAM_STORE_PFN, &store_pfn)) < 0 || (rc = hvm_param(HVM_PARAM_STORE_EVTCHN, &store_port)) < 0 ||
        (rc = hvm_param(HVM_PARAM_CONSOLE_PFN, &cons_pfn)) < 0 || (rc = hvm_param(HVM_PARAM_CONSOLE_EVTCHN, &cons_port)) < 0)
        return rc;
    if (!store_pfn || !cons_pfn)
        return -ENODEV;     /* not built by a toolstack (a dom0-less domain without xenstore) */
    xs_front_init(&env->xs, (void *)(uintptr_t)(store_pfn << 12), (evtchn_port_t)store_port);
    cons_front_init(&env->cons, (void *)(uintptr_t)(cons_pfn << 12), (evtchn_port_t)cons_port);
    *what = "";
    return 0;
}

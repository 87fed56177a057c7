/*
 * Delivery. The 2-level event ABI (Xen's event_2l.c): one pending and one
 * mask bit per port in shared_info, a selector word per vCPU naming which
 * 64-bit pending words to scan, and vcpu_info.evtchn_upcall_pending whose
 * every 0->1 injects the upcall PPI. Also where vcpu_info lives, the ABI
 * switch for set-pending and unmask, and the VIRQs the hypervisor raises.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/event_channel.h>

#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "event.h"
#include "lib.h"
#include "sched.h"

/* Layouts pinned to the arm64 ABI (xen.h, xen-arm-abi.md §4.4). */
_Static_assert(sizeof(struct vcpu_info) == 48, "vcpu_info is 48 bytes on arm64");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "pending_sel @8");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 48, "evtchn_pending @48");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 560, "evtchn_mask @560");
_Static_assert(EVTCHN_2L_NR_CHANNELS == 4096, "64 x 64 ports");

#define BITS_PER_WORD 64

/* Where v's vcpu_info is: registered, else shared_info's slot for vCPU 0. */
struct vcpu_info *evtchn_vcpu_info(struct vcpu *v)
{
    struct vcpu_info *vi = __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE);
    if (vi)
        return vi;
    struct shared_info *si = v->domain->shared_info;
    /* vCPUs >= 1 have none until they register (Xen points them at a dummy). */
    return v->id == 0 && si ? &si->vcpu_info[0] : NULL;
}

/* ---- delivery, by ABI --------------------------------------------------- */

void evtchn_deliver(struct domain *d, unsigned int vcpu_id, struct evtchn *chn)
{
    struct evtchn_domain *ed = d->evtchn;
    spin_lock(&ed->deliver);
    evtchn_set_pending(d, vcpu_id, chn);
    spin_unlock(&ed->deliver);
}

/*
 * Xen's evtchn_check_pollers: a vCPU in SCHEDOP_poll on this port (or on
 * several) wakes even if the port is masked or its upcall was already
 * pending, where no new upcall would wake it.
 */
static void wake_pollers(struct domain *d, evtchn_port_t port)
{
    /* Our pending bit before their polling flag (sched_poll does the reverse). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v || !__atomic_load_n(&v->polling, __ATOMIC_ACQUIRE))
            continue;
        uint32_t want = __atomic_load_n(&v->poll_port, __ATOMIC_RELAXED);
        if (want && want != port)
            continue;
        __atomic_store_n(&v->polling, false, __ATOMIC_RELAXED);
        vcpu_unblock(v);
    }
}

void evtchn_set_pending(struct domain *d, unsigned int vcpu_id, struct evtchn *chn)
{
    ASSERT(spin_is_locked(&d->evtchn->deliver));
    struct vcpu *v = vcpu_id < d->max_vcpus ? d->vcpus[vcpu_id] : NULL;
    if (!v)
        return;
    if (d->evtchn->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_set_pending(d, v, chn);
    else
        evtchn_2l_set_pending(d, v, chn->port);
    wake_pollers(d, chn->port);
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = d->evtchn;
    if (!ed)
        return evtchn_2l_is_pending(d, port);
    spin_lock(&ed->deliver);
    bool pending = ed->abi == EVTCHN_ABI_FIFO ? evtchn_fifo_is_pending(d, port) : evtchn_2l_is_pending(d, port);
    spin_unlock(&ed->deliver);
    return pending;
}

int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = d->evtchn;
    spin_lock(&ed->lock);
    struct evtchn *chn = evtchn_lookup(ed, port);
    if (chn) {
        spin_lock(&ed->deliver);
        struct vcpu *v = chn->notify_vcpu < d->max_vcpus ? d->vcpus[chn->notify_vcpu] : NULL;
        if (ed->abi == EVTCHN_ABI_FIFO)
            evtchn_fifo_unmask(d, chn);
        else if (v)
            evtchn_2l_unmask(d, v, chn->port);
        spin_unlock(&ed->deliver);
    }
    spin_unlock(&ed->lock);
    return chn ? 0 : -EINVAL;
}

/* ---- the upcall and the 2-level ABI ------------------------------------- */

/* Set evtchn_upcall_pending; inject on every 0->1 (Xen's vcpu_mark_events_pending). */
void evtchn_mark_events_pending(struct vcpu *v)
{
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    if (vi && guest_test_and_set_bit8(&vi->evtchn_upcall_pending, 0) == 0)
        arch_vcpu_raise_upcall(v);
}

bool evtchn_vcpu_upcall_pending(struct vcpu *v)
{
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE) != 0;
}

void evtchn_2l_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;
    if (!si || port >= EVTCHN_2L_NR_CHANNELS)
        return;
    unsigned int w = port / BITS_PER_WORD, b = port % BITS_PER_WORD;
    /* Already pending (or the guest kept the word busy): nothing more to do. */
    if (guest_test_and_set_bit64(&si->evtchn_pending[w], b) != 0)
        return;
    if (guest_test_bit64(&si->evtchn_mask[w], b))
        return;
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    if (vi && guest_test_and_set_bit64(&vi->evtchn_pending_sel, w) == 0)
        evtchn_mark_events_pending(v);
}

void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;
    if (si && port < EVTCHN_2L_NR_CHANNELS)
        (void)guest_test_and_clear_bit64(&si->evtchn_pending[port / BITS_PER_WORD],
                                         port % BITS_PER_WORD);
}

bool evtchn_2l_is_pending(struct domain *d, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;
    return si && port < EVTCHN_2L_NR_CHANNELS &&
           guest_test_bit64(&si->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
}

/* EVTCHNOP_unmask: clear the mask; if that uncovered a pending port, re-raise. */
void evtchn_2l_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;
    if (!si || port >= EVTCHN_2L_NR_CHANNELS)
        return;
    unsigned int w = port / BITS_PER_WORD, b = port % BITS_PER_WORD;
    if (guest_test_and_clear_bit64(&si->evtchn_mask[w], b) != 1 ||
        !guest_test_bit64(&si->evtchn_pending[w], b))
        return;
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    if (vi && guest_test_and_set_bit64(&vi->evtchn_pending_sel, w) == 0)
        evtchn_mark_events_pending(v);
}

/*
 * VCPUOP_register_vcpu_info (Xen's map_vcpu_info): move v's vcpu_info into
 * a guest page, carrying the old contents over, then mark everything pending
 * so no event is lost in the move (the guest takes one spurious upcall).
 */
int evtchn_register_vcpu_info(struct vcpu *caller, struct vcpu *v, uint64_t gfn,
                              uint32_t offset)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = d->evtchn;

    if (offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
        !IS_ALIGNED(offset, _Alignof(struct vcpu_info)))
        return -ENXIO;
    if (!ed || __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE))
        return -EINVAL;
    if (v != caller && v->state != VCPU_OFFLINE)
        return -EINVAL;
    uint8_t *page = domain_gfn_to_virt(d, gfn, true);
    if (!page)
        return -EINVAL;
    struct vcpu_info *new = (struct vcpu_info *)(page + offset);

    spin_lock(&ed->deliver);
    if (v->vcpu_info) {                 /* lost a race with another registration */
        spin_unlock(&ed->deliver);
        return -EINVAL;
    }
    struct vcpu_info *old = evtchn_vcpu_info(v);
    if (old)
        memmove(new, old, sizeof(*new));     /* guest memory: may overlap */
    else
        memset(new, 0, sizeof(*new));
    __atomic_store_n(&v->vcpu_info, new, __ATOMIC_RELEASE);
    __atomic_store_n(&new->evtchn_pending_sel, ~(xen_ulong_t)0, __ATOMIC_RELEASE);
    evtchn_mark_events_pending(v);
    spin_unlock(&ed->deliver);
    return 0;
}

/* ---- VIRQs raised by the hypervisor ------------------------------------- */

static void send_virq(struct domain *d, unsigned int vcpu_row, unsigned int virq,
                      int target_vcpu)
{
    struct evtchn_domain *ed = d->evtchn;
    if (!ed || virq >= NR_VIRQS || vcpu_row >= ed->nr_vcpus)
        return;
    spin_lock(&ed->lock);
    evtchn_port_t port = ed->virq_port[vcpu_row][virq];
    struct evtchn *chn = port ? evtchn_lookup(ed, port) : NULL;
    if (chn)
        evtchn_deliver(d, target_vcpu < 0 ? chn->notify_vcpu : (unsigned int)target_vcpu, chn);
    spin_unlock(&ed->lock);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    if (virq < NR_VIRQS && !evtchn_virq_is_global(virq))
        send_virq(v->domain, v->id, virq, (int)v->id);
}

void send_global_virq(struct domain *d, unsigned int virq)
{
    /* Global VIRQs are bound on vCPU 0 and delivered where bind_vcpu sent them. */
    if (d && virq < NR_VIRQS && evtchn_virq_is_global(virq))
        send_virq(d, 0, virq, -1);
}

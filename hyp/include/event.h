/*
 * Event channels: the Xen 4.17 guest ABI (xen-arm-abi.md §4.4, §4.5; Xen's
 * xen/common/event_{channel,2l,fifo}.c are the reference for the rules).
 *
 *   event_channel.c  ports, binding, close, send, status, bind_vcpu, reset
 *   event_2l.c       delivery: vcpu_info, the upcall, the 2-level ABI,
 *                    unmask, VIRQs raised by the hypervisor
 *   event_fifo.c     FIFO: control blocks, event array, per-vCPU queues,
 *                    priorities
 *
 * Locks, in the order they nest:
 *   evtchn_link_lock (global; every change to an interdomain link)
 *     -> evtchn_domain.lock (one; two only under evtchn_link_lock)
 *       -> evtchn_domain.deliver (one at a time; a leaf except for
 *          whatever arch_vcpu_raise_upcall takes)
 * Call the entry points below with no scheduler, vGIC or domain lock held
 * (arch_vcpu_raise_upcall takes the vGIC lock and may wake the vCPU).
 * Guest pages (vcpu_info, control blocks, event array) are held as hypervisor
 * VAs without a reference: a domain's RAM frames must stay its own until
 * evtchn_domain_destroy has run.
 *
 * Guest-shared words (shared_info bits, vcpu_info, FIFO event words and
 * control blocks) are changed only with the bounded guest_* atomics below: a
 * guest can keep an exclusive monitor broken forever, so every retry loop
 * gives up after GUEST_ATOMIC_TRIES attempts and the event is treated as lost
 * (only the guest that did it is hurt). Nothing read back from guest memory is
 * ever used as an index.
 */
#ifndef LAMINA_EVENT_H
#define LAMINA_EVENT_H

#include "types.h"
#include "spinlock.h"
#include <xen/xen.h>
#include <xen/event_channel.h>

struct domain;
struct vcpu;

/* ---- for the rest of the hypervisor -------------------------------------- */

/* 2-level ABI, only the reserved port 0. -ENOMEM. Set d->is_privileged first. */
int __must_check evtchn_domain_init(struct domain *d);
/* Close every port (interdomain peers go back to unbound), free all state. */
void evtchn_domain_destroy(struct domain *d);
/* createdomain's max_evtchn_port (default: 1023 for a domU, the ABI limit for dom0). */
int __must_check evtchn_set_max_port(struct domain *d, unsigned int max_port);
/* Toolstack-style allocation of an unbound port in d for remote: port or -errno. */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote);

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);   /* per-vCPU VIRQs */
void send_global_virq(struct domain *d, unsigned int virq);     /* VIRQ_CONSOLE, VIRQ_DOM_EXC */
bool evtchn_virq_is_global(unsigned int virq);
/* vcpu_info.evtchn_upcall_pending of v (for deciding whether a blocked vCPU has work). */
bool evtchn_vcpu_upcall_pending(struct vcpu *v);

/*
 * ---- the EVTCHNOP_* core: caller domain and kernel copies of the args -----
 * The caller (d, ld) must have event channels (d->evtchn set); the hypercall
 * layer answers -ENOSYS for a domain without them.
 */

int __must_check evtchn_alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *a);
int __must_check evtchn_bind_interdomain(struct domain *ld, struct evtchn_bind_interdomain *b);
int __must_check evtchn_bind_virq(struct domain *d, struct evtchn_bind_virq *b);
int __must_check evtchn_bind_ipi(struct domain *d, struct evtchn_bind_ipi *b);
int __must_check evtchn_close(struct domain *d, evtchn_port_t port);
int __must_check evtchn_send(struct domain *d, evtchn_port_t port);
int __must_check evtchn_status(struct domain *caller, struct evtchn_status *s);
int __must_check evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu);
int __must_check evtchn_unmask(struct domain *d, evtchn_port_t port);
int __must_check evtchn_reset(struct domain *caller, domid_t dom);
int __must_check evtchn_set_priority(struct domain *d, evtchn_port_t port, uint32_t priority);
int __must_check evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *c);
int __must_check evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn);

/* VCPUOP_register_vcpu_info for v, asked by caller (v itself, or v is offline). */
int __must_check evtchn_register_vcpu_info(struct vcpu *caller, struct vcpu *v,
                                           uint64_t gfn, uint32_t offset);

/* ---- internals shared by event_*.c (and the unit tests) ------------------ */

enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED,       /* port 0 */
    ECS_UNBOUND,        /* waiting for u.unbound_remote to bind */
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
};

enum evtchn_abi { EVTCHN_ABI_2L = 0, EVTCHN_ABI_FIFO };

/* One port. Written under its domain's lock; what delivery reads, also under deliver. */
struct evtchn {
    evtchn_port_t port;
    uint8_t state;              /* enum evtchn_state */
    uint8_t priority;           /* FIFO queue, 0 highest */
    uint8_t last_priority;      /* FIFO: the queue it was last linked on ... */
    bool fifo_pending;          /* FIFO: raised before its event word existed */
    uint16_t notify_vcpu;       /* vCPU that gets the upcall */
    uint16_t last_vcpu;         /* ... and that queue's vCPU */
    union {
        domid_t unbound_remote;                         /* ECS_UNBOUND */
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;                                  /* ECS_INTERDOMAIN */
        uint32_t virq;                                  /* ECS_VIRQ */
    } u;
};

/* Ports live in buckets (xzalloc'd as the domain grows), buckets in groups. */
#define EVTCHNS_PER_BUCKET 64
#define BUCKETS_PER_GROUP 64
#define EVTCHNS_PER_GROUP (EVTCHNS_PER_BUCKET * BUCKETS_PER_GROUP)
#define EVTCHN_NR_GROUPS (EVTCHN_FIFO_NR_CHANNELS / EVTCHNS_PER_GROUP)

#define EVTCHN_DOMU_MAX_PORT 1023u   /* Xen's dom0less and libxl default */

struct evtchn_fifo_domain;
typedef evtchn_port_t evtchn_virq_row_t[NR_VIRQS];

struct evtchn_domain {
    spinlock_t lock;            /* the port table, channel states, virq_port, dying */
    spinlock_t deliver;         /* abi, fifo, vcpu->vcpu_info/evtchn_fifo, pending state */
    enum evtchn_abi abi;        /* written under both locks */
    bool dying;                 /* no new ports, no new binds into this domain */
    unsigned int max_port;      /* highest port number allowed */
    unsigned int nr_valid;      /* ports with a struct evtchn (whole buckets) */
    unsigned int free_hint;     /* every port below it is in use */
    unsigned int nr_vcpus;      /* rows of virq_port */
    evtchn_virq_row_t *virq_port;           /* [vcpu][virq], 0 = unbound */
    struct evtchn **group[EVTCHN_NR_GROUPS];
    struct evtchn_fifo_domain *fifo;        /* NULL under the 2-level ABI */
};

/* Clamp a guest-chosen index under speculation too (Xen's array_index_nospec). */
static inline unsigned int evtchn_index_nospec(unsigned int idx, unsigned int size)
{
    unsigned int mask = 0u - (unsigned int)(idx < size);
    __asm__ volatile("" : "+r"(mask));
    return idx & mask;
}

/* A port of d, or NULL if out of range; lock held. */
struct evtchn *evtchn_lookup(struct evtchn_domain *ed, evtchn_port_t port);
/* Make chn pending on vCPU vcpu_id of d (ABI-specific); deliver lock held. */
void evtchn_set_pending(struct domain *d, unsigned int vcpu_id, struct evtchn *chn);
/* The same, taking d's deliver lock. */
void evtchn_deliver(struct domain *d, unsigned int vcpu_id, struct evtchn *chn);
/* Whether port of d is pending (either ABI); takes the deliver lock. */
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);

/* event_2l.c */
struct vcpu_info *evtchn_vcpu_info(struct vcpu *v);
void evtchn_mark_events_pending(struct vcpu *v);
void evtchn_2l_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port);
void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_2l_unmask(struct domain *d, struct vcpu *v, evtchn_port_t port);
bool evtchn_2l_is_pending(struct domain *d, evtchn_port_t port);

/* event_fifo.c (deliver lock held; the domain is under the FIFO ABI) */
void evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn);
void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn);
void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn);
bool evtchn_fifo_is_pending(struct domain *d, evtchn_port_t port);
void evtchn_fifo_destroy(struct domain *d);     /* back to 2-level; both locks held */

/* ---- bounded atomics on guest-shared memory ------------------------------ */

#define GUEST_ATOMIC_TRIES 64
#define GUEST_ATOMIC_GAVE_UP (-1)   /* the guest kept the word contended */

/*
 * Each attempt is one weak compare-and-swap: a single LDAXR/STLXR pair with
 * no hidden retry loop. The test-and-set/clear helpers return the bit's old
 * value (0 or 1) or GUEST_ATOMIC_GAVE_UP.
 */
#define DEFINE_GUEST_BITOPS(sfx, type)                                          \
    static inline int guest_test_and_set_bit##sfx(type *p, unsigned int nr)     \
    {                                                                           \
        type m = (type)((type)1 << nr), seen = __atomic_load_n(p, __ATOMIC_RELAXED); \
        for (unsigned int i = 0; i < GUEST_ATOMIC_TRIES; i++) {                 \
            if (seen & m)                                                       \
                return 1;                                                       \
            if (__atomic_compare_exchange_n(p, &seen, (type)(seen | m), true,   \
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) \
                return 0;                                                       \
        }                                                                       \
        return GUEST_ATOMIC_GAVE_UP;                                            \
    }                                                                           \
    static inline int guest_test_and_clear_bit##sfx(type *p, unsigned int nr)   \
    {                                                                           \
        type m = (type)((type)1 << nr), seen = __atomic_load_n(p, __ATOMIC_RELAXED); \
        for (unsigned int i = 0; i < GUEST_ATOMIC_TRIES; i++) {                 \
            if (!(seen & m))                                                    \
                return 0;                                                       \
            if (__atomic_compare_exchange_n(p, &seen, (type)(seen & ~m), true,  \
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) \
                return 1;                                                       \
        }                                                                       \
        return GUEST_ATOMIC_GAVE_UP;                                            \
    }                                                                           \
    static inline bool guest_test_bit##sfx(const type *p, unsigned int nr)      \
    {                                                                           \
        return (__atomic_load_n(p, __ATOMIC_ACQUIRE) >> nr) & 1;                \
    }

DEFINE_GUEST_BITOPS(8, uint8_t)
DEFINE_GUEST_BITOPS(32, uint32_t)
DEFINE_GUEST_BITOPS(64, uint64_t)

/* One compare-and-swap attempt; *seen gets the current value on failure. */
static inline bool guest_cas32(uint32_t *p, uint32_t *seen, uint32_t want)
{
    return __atomic_compare_exchange_n(p, seen, want, true, __ATOMIC_SEQ_CST,
                                       __ATOMIC_RELAXED);
}

#endif

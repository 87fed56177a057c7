/*
 * Fake domains for event-channel tests: each has vCPUs, a zeroed
 * shared_info page and FE_PAGES pages of "RAM" reachable by GFN through
 * domain_gfn_to_virt. domain_lookup finds them; arch_vcpu_raise_upcall
 * counts injections per vCPU. Hypercall-level tests make one of their vCPUs
 * the current one; guest pointers then go through fake_guest.c's window.
 */
#ifndef LAMINA_FAKE_EVENTS_H
#define LAMINA_FAKE_EVENTS_H

#include "fake_guest.h"

#define FE_MAX_DOMAINS 4
#define FE_MAX_VCPUS 4
#define FE_PAGES 160                /* more than the 128 event-array pages */
#define FE_GFN_BASE 0x80000UL       /* GFN of RAM page 0 */

struct fe_domain {
    struct domain d;
    struct vcpu v[FE_MAX_VCPUS];
    unsigned int upcalls[FE_MAX_VCPUS];
    unsigned int unblocks[FE_MAX_VCPUS];    /* vcpu_unblock calls (pollers woken) */
    struct shared_info *si;
    uint8_t *ram;
};

/* Forget every fake domain (frees their memory) and reset fake_guest.c. */
void fe_reset(void);
/* A domain with nr_vcpus vCPUs (all VCPU_RUNNING), not yet given event channels. */
struct domain *fe_domain(domid_t id, bool privileged, unsigned int nr_vcpus);
static inline uint64_t fe_gfn(unsigned int page) { return FE_GFN_BASE + page; }
void *fe_ram(struct domain *d, unsigned int page);
unsigned int fe_upcalls(struct vcpu *v);
unsigned int fe_unblocks(struct vcpu *v);
/* The vCPU issuing hypercalls. */
void fe_set_current(struct vcpu *v);

#endif

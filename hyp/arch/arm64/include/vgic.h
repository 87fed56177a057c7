/*
 * Virtual GICv3: what a guest sees of the interrupt controller.
 *
 * The distributor and redistributors are emulated by trapping their MMIO
 * (vgic_dist.c, vgic_redist.c: plain C, unit-tested on the host). Delivery
 * uses the GIC's virtual CPU interface: before a vCPU runs, its pending and
 * active interrupts are written into the list registers, highest priority
 * first; when it traps out, the list registers are read back
 * (vgic_lr.c). SGIs come from trapped ICC_SGI1R_EL1 writes.
 *
 * Locking: a vCPU's vgic lock guards its private interrupts, its list of
 * interrupts to deliver, and the delivery state of SPIs targeting it; the
 * distributor lock guards SPI configuration (enable, priority, routing).
 * Order: dist lock -> vcpu vgic lock.
 */
#ifndef LAMINA_ARM64_VGIC_H
#define LAMINA_ARM64_VGIC_H

#include "list.h"
#include "spinlock.h"
#include "types.h"

#define VGIC_NR_PRIVATE 32
#define VGIC_MAX_SPIS 960           /* INTIDs 32..991 */
#define VGIC_MAX_LRS 16
#define GICR_FRAME_SIZE 0x20000     /* RD_base + SGI_base */

struct vgic_irq {
    uint32_t intid;
    uint8_t priority;
    bool enabled;
    bool pending;                   /* latched: delivered once the guest acks it */
    bool active;                    /* the guest acknowledged it, no EOI yet */
    bool edge;                      /* ICFGR: edge-triggered */
    bool hw;                        /* a physical interrupt, deactivated through the LR */
    bool queued;                    /* on an ap_list: queued_on's */
    uint16_t queued_on;             /* the vCPU whose ap_list holds it (SPIs may lag a re-route) */
    uint32_t seq;                   /* injections so far: a re-injection while in an LR is not lost */
    uint16_t target;                /* vCPU for SPIs (IROUTER) */
    uint64_t irouter;               /* as the guest wrote it */
    struct list_head ap_link;       /* on the target vCPU's ap_list */
};

struct vgic_cpu {
    spinlock_t lock;
    struct vgic_irq priv[VGIC_NR_PRIVATE];
    struct list_head ap_list;       /* pending or active: to be in the list registers */
    uint32_t lr_used;               /* list registers written at the last entry */
    struct vgic_irq *lr_irq[VGIC_MAX_LRS];
    uint32_t lr_seq[VGIC_MAX_LRS];  /* irq->seq when written */
    uint32_t gicr_waker;            /* ProcessorSleep as the guest set it */
    uint32_t gicr_ctlr;
    uint64_t vmcr, ap0r0, ap1r0;    /* saved virtual CPU interface state */
};

struct vgic_dist {
    spinlock_t lock;
    uint32_t ctlr;
    unsigned int nr_spis;
    struct vgic_irq *spis;          /* nr_spis entries, INTID 32 upwards */
    paddr_t gicd_base;
    paddr_t gicr_base;              /* one region, a GICR_FRAME_SIZE frame per vCPU */
    paddr_t gicr_size;
    unsigned int nr_vcpus;
    uint32_t evtchn_ppi;            /* the event-channel upcall PPI */
};

struct domain;
struct vcpu;

int vgic_domain_init(struct domain *d, paddr_t gicd, paddr_t gicr, paddr_t gicr_size,
                     unsigned int nr_spis, uint32_t evtchn_ppi);
void vgic_domain_destroy(struct domain *d);
void vgic_vcpu_init(struct vcpu *v);

/* Make intid pending for v (SGIs, PPIs) or for the SPI's target; wakes and kicks. */
void vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid);
/* A physical SPI routed to the domain fired (it stays active until the guest's EOI). */
void vgic_inject_hw_spi(struct domain *d, uint32_t intid);
/* Does the vCPU have an interrupt it could take (for WFI)? */
bool vgic_vcpu_pending(struct vcpu *v);
/* A guest wrote ICC_SGI1R_EL1. */
void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r);

/* MMIO (vgic_dist.c / vgic_redist.c): offsets within the region, size 1/2/4/8. */
bool vgic_dist_read(struct vcpu *v, uint64_t off, unsigned int size, uint64_t *val);
bool vgic_dist_write(struct vcpu *v, uint64_t off, unsigned int size, uint64_t val);
bool vgic_redist_read(struct vcpu *v, uint64_t off, unsigned int size, uint64_t *val);
bool vgic_redist_write(struct vcpu *v, uint64_t off, unsigned int size, uint64_t val);

/* The interrupt's state (private for v, or the domain's SPI); NULL if out of range. */
struct vgic_irq *vgic_get_irq(struct domain *d, struct vcpu *v, uint32_t intid);
/* Queue/dequeue on the target's ap_list after a state change (caller holds the vCPU lock). */
void vgic_queue_locked(struct vcpu *target, struct vgic_irq *irq);
struct vcpu *vgic_irq_target(struct domain *d, struct vcpu *v, struct vgic_irq *irq);
/*
 * Lock the vCPU that owns the interrupt's delivery state: the one whose
 * list holds it if queued, else its target. Returned locked.
 */
struct vcpu *vgic_lock_irq(struct domain *d, struct vcpu *v, struct vgic_irq *irq);
/* An SPI's target changed (IROUTER): move it if it waits on the old vCPU's list. */
void vgic_spi_retargeted(struct domain *d, struct vgic_irq *irq);
void vgic_kick(struct vcpu *target);
/* arch hook for physical SPIs routed to a guest: enable/disable at the real GIC. */
void arch_hw_irq_enable(uint32_t intid, bool enable);

/* List registers (vgic_lr.c): around each guest run. */
void vgic_sync_from_lrs(struct vcpu *v);
void vgic_flush_to_lrs(struct vcpu *v);
void vgic_save(struct vcpu *v);
void vgic_restore(struct vcpu *v);
void vgic_hw_init(void);

#endif

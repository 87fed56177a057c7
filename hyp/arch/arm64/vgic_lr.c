/*
 * List registers: before a vCPU runs, its active interrupts and then its
 * pending ones (by priority) are written to the LRs; when it traps out they
 * are read back, so the guest's acknowledgements and EOIs become state
 * again. With more interrupts than LRs, the underflow maintenance interrupt
 * brings the vCPU back to refill them.
 */
#include "domain.h"
#include "percpu.h"
#include "sysregs.h"
#include "vgic.h"

#define ICH_LR_STATE_PENDING (1UL << 62)
#define ICH_LR_STATE_ACTIVE  (1UL << 63)
#define ICH_LR_HW            (1UL << 61)
#define ICH_LR_GROUP1        (1UL << 60)
#define ICH_LR_PRIO_SHIFT    48
#define ICH_LR_PINTID_SHIFT  32
#define ICH_HCR_EN  (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)

#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0

static unsigned int nr_lrs;

void vgic_hw_init(void)
{
    nr_lrs = (READ_SYSREG(ICH_VTR_EL2) & 0x1f) + 1;
    if (nr_lrs > VGIC_MAX_LRS)
        nr_lrs = VGIC_MAX_LRS;
}

#define LR_CASE(n, op) case n: op(S3_4_C12_C12_##n, S3_4_C12_C13_##n); break;

static uint64_t read_lr(unsigned int n)
{
    uint64_t v = 0;
#define RD(lo, hi) v = (n < 8) ? READ_SYSREG(lo) : READ_SYSREG(hi)
    switch (n & 7) {
    LR_CASE(0, RD) LR_CASE(1, RD) LR_CASE(2, RD) LR_CASE(3, RD)
    LR_CASE(4, RD) LR_CASE(5, RD) LR_CASE(6, RD) LR_CASE(7, RD)
    }
#undef RD
    return v;
}

static void write_lr(unsigned int n, uint64_t v)
{
#define WR(lo, hi) do { if (n < 8) WRITE_SYSREG(v, lo); else WRITE_SYSREG(v, hi); } while (0)
    switch (n & 7) {
    LR_CASE(0, WR) LR_CASE(1, WR) LR_CASE(2, WR) LR_CASE(3, WR)
    LR_CASE(4, WR) LR_CASE(5, WR) LR_CASE(6, WR) LR_CASE(7, WR)
    }
#undef WR
}

/* After a guest run: fold the LRs back into the interrupts' state. */
void vgic_sync_from_lrs(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    struct vgic_irq *moved[VGIC_MAX_LRS];
    unsigned int nr_moved = 0;

    if (!c->lr_used)
        return;
    /*
     * The underflow maintenance interrupt is a level: it stays asserted until
     * the LRs are refilled on the way out, so drop UIE now, or the exit's own
     * handle_pending_irqs() would acknowledge it forever.
     */
    WRITE_SYSREG(ICH_HCR_EN, ICH_HCR_EL2);
    isb();
    spin_lock(&c->lock);
    for (unsigned int n = 0; n < nr_lrs; n++) {
        if (!(c->lr_used & (1U << n)))
            continue;
        uint64_t lr = read_lr(n);
        struct vgic_irq *irq = c->lr_irq[n];
        irq->active = lr & ICH_LR_STATE_ACTIVE;
        /* The guest took it, and nobody injected it again since we wrote the LR. */
        if (!(lr & ICH_LR_STATE_PENDING) && irq->seq == c->lr_seq[n])
            irq->pending = false;
        if (!irq->pending && !irq->active && irq->queued) {
            list_del(&irq->ap_link);
            irq->queued = false;
        }
        /* Re-routed while in our LRs: once the guest is done with it here, hand it over. */
        if (irq->queued && !irq->active && irq->intid >= VGIC_NR_PRIVATE &&
            irq->target != v->id) {
            list_del(&irq->ap_link);
            irq->queued = false;
            moved[nr_moved++] = irq;
        }
    }
    spin_unlock(&c->lock);
    for (unsigned int i = 0; i < nr_moved; i++) {
        struct vcpu *t = vgic_irq_target(v->domain, v, moved[i]);
        spin_lock(&t->arch.vgic.lock);
        vgic_queue_locked(t, moved[i]);
        spin_unlock(&t->arch.vgic.lock);
        vgic_kick(t);
    }
}

static uint64_t make_lr(const struct vgic_irq *irq)
{
    uint64_t lr = irq->intid | ((uint64_t)irq->priority << ICH_LR_PRIO_SHIFT) | ICH_LR_GROUP1;
    if (irq->hw) {
        /* Hardware-linked: the guest's EOI deactivates the physical interrupt. */
        lr |= ICH_LR_HW | ((uint64_t)irq->intid << ICH_LR_PINTID_SHIFT);
        lr |= irq->active ? ICH_LR_STATE_ACTIVE : ICH_LR_STATE_PENDING;
        return lr;
    }
    if (irq->active)
        lr |= ICH_LR_STATE_ACTIVE;
    if (irq->pending && irq->enabled)
        lr |= ICH_LR_STATE_PENDING;
    return lr;
}

/* Before a guest run: the active interrupts first (they must be in an LR for the EOI), then pending. */
void vgic_flush_to_lrs(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    struct list_head *pos;
    unsigned int n = 0;
    bool overflow = false;
    uint32_t prev_used = c->lr_used;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* pairs with vgic_kick() */
    /* Nothing to deliver and nothing in the LRs: the common hypercall return. */
    if (!prev_used && list_empty(&c->ap_list))
        return;
    spin_lock(&c->lock);
    for (int pass = 0; pass < 2; pass++) {
        list_for_each(pos, &c->ap_list) {
            struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
            bool want = pass == 0 ? irq->active : (!irq->active && irq->pending && irq->enabled);
            if (!want)
                continue;
            if (n == nr_lrs) {
                overflow = true;
                break;
            }
            write_lr(n, make_lr(irq));
            c->lr_irq[n] = irq;
            c->lr_seq[n] = irq->seq;
            n++;
        }
    }
    c->lr_used = (1U << n) - 1;
    for (unsigned int i = n; i < nr_lrs; i++)
        if (prev_used & (1U << i))
            write_lr(i, 0);
    WRITE_SYSREG(ICH_HCR_EN | (overflow ? ICH_HCR_UIE : 0), ICH_HCR_EL2);
    spin_unlock(&c->lock);
}

void vgic_save(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    c->vmcr = READ_SYSREG(ICH_VMCR_EL2);
    c->ap0r0 = READ_SYSREG(ICH_AP0R0_EL2);
    c->ap1r0 = READ_SYSREG(ICH_AP1R0_EL2);
    /* No underflow interrupt while no vCPU of ours is on the CPU (it is a level). */
    WRITE_SYSREG(ICH_HCR_EN, ICH_HCR_EL2);
}

void vgic_restore(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;
    /* The LRs still hold the previous vCPU's interrupts: the flush before entry rewrites them all. */
    c->lr_used = (1U << nr_lrs) - 1;
    WRITE_SYSREG(c->vmcr, ICH_VMCR_EL2);
    WRITE_SYSREG(c->ap0r0, ICH_AP0R0_EL2);
    WRITE_SYSREG(c->ap1r0, ICH_AP1R0_EL2);
}

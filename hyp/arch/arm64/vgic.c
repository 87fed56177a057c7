/*
 * Virtual GICv3 core: interrupt state, injection, SGIs, and who must be
 * kicked to see a new interrupt. See vgic.h for the model and locking.
 */
#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "percpu.h"
#include "printk.h"
#include "sched.h"
#include "vgic.h"
#include "xmalloc.h"

#define VGIC_DEFAULT_PRIORITY 0xa0

static void irq_init(struct vgic_irq *irq, uint32_t intid, bool edge)
{
    __builtin_memset(irq, 0, sizeof(*irq));
    irq->intid = intid;
    irq->priority = VGIC_DEFAULT_PRIORITY;
    irq->edge = edge;
    list_init(&irq->ap_link);
}

int vgic_domain_init(struct domain *d, paddr_t gicd, paddr_t gicr, paddr_t gicr_size,
                     unsigned int nr_spis, uint32_t evtchn_ppi)
{
    struct vgic_dist *dist = &d->arch.vgic;

    if (nr_spis > VGIC_MAX_SPIS || (nr_spis % 32) || evtchn_ppi < 16 || evtchn_ppi > 31)
        return -EINVAL;
    spin_lock_init(&dist->lock);
    dist->nr_spis = nr_spis;
    dist->gicd_base = gicd;
    dist->gicr_base = gicr;
    dist->gicr_size = gicr_size;
    dist->nr_vcpus = d->max_vcpus;
    dist->evtchn_ppi = evtchn_ppi;
    if (nr_spis) {
        dist->spis = xzalloc_array(struct vgic_irq, nr_spis);
        if (!dist->spis)
            return -ENOMEM;
        for (unsigned int i = 0; i < nr_spis; i++)
            irq_init(&dist->spis[i], 32 + i, false);
    }
    return 0;
}

void vgic_domain_destroy(struct domain *d)
{
    xfree(d->arch.vgic.spis);
    d->arch.vgic.spis = NULL;
}

void vgic_vcpu_init(struct vcpu *v)
{
    struct vgic_cpu *c = &v->arch.vgic;

    spin_lock_init(&c->lock);
    list_init(&c->ap_list);
    for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++)
        irq_init(&c->priv[i], i, i < 16);       /* SGIs are edge, PPIs level */
    c->gicr_waker = 1U << 1;                    /* ProcessorSleep at reset */
}

struct vgic_irq *vgic_get_irq(struct domain *d, struct vcpu *v, uint32_t intid)
{
    if (intid < VGIC_NR_PRIVATE)
        return v ? &v->arch.vgic.priv[intid] : NULL;
    if (intid - 32 < d->arch.vgic.nr_spis)
        return &d->arch.vgic.spis[intid - 32];
    return NULL;
}

struct vcpu *vgic_irq_target(struct domain *d, struct vcpu *v, struct vgic_irq *irq)
{
    if (irq->intid < VGIC_NR_PRIVATE)
        return v;
    uint16_t t = irq->target < d->max_vcpus ? irq->target : 0;
    return d->vcpus[t];
}

/* Insert by priority (lower value first), behind equals: FIFO among peers. */
void vgic_queue_locked(struct vcpu *target, struct vgic_irq *irq)
{
    struct list_head *pos;

    if (irq->queued || !(irq->active || (irq->pending && irq->enabled)))
        return;
    list_for_each(pos, &target->arch.vgic.ap_list) {
        if (list_entry(pos, struct vgic_irq, ap_link)->priority > irq->priority)
            break;
    }
    list_insert(&irq->ap_link, pos->prev, pos);
    irq->queued = true;
    irq->queued_on = (uint16_t)target->id;
}

static struct vcpu *irq_owner(struct domain *d, struct vcpu *v, struct vgic_irq *irq)
{
    if (irq->intid >= VGIC_NR_PRIVATE && irq->queued)
        return d->vcpus[irq->queued_on];
    return vgic_irq_target(d, v, irq);
}

struct vcpu *vgic_lock_irq(struct domain *d, struct vcpu *v, struct vgic_irq *irq)
{
    for (;;) {
        struct vcpu *o = irq_owner(d, v, irq);
        spin_lock(&o->arch.vgic.lock);
        if (o == irq_owner(d, v, irq))
            return o;
        spin_unlock(&o->arch.vgic.lock);    /* moved meanwhile: try its new owner */
    }
}

static bool in_running_lrs(struct vcpu *o, struct vgic_irq *irq)
{
    if (!__atomic_load_n(&o->in_frame, __ATOMIC_ACQUIRE))
        return false;                       /* its LRs are rebuilt before it runs again */
    for (unsigned int n = 0; n < VGIC_MAX_LRS; n++)
        if ((o->arch.vgic.lr_used & (1U << n)) && o->arch.vgic.lr_irq[n] == irq)
            return true;
    return false;
}

void vgic_spi_retargeted(struct domain *d, struct vgic_irq *irq)
{
    struct vcpu *o = vgic_lock_irq(d, NULL, irq);
    struct vcpu *t = vgic_irq_target(d, NULL, irq);
    bool move = irq->queued && o != t && !in_running_lrs(o, irq);

    if (move) {
        list_del(&irq->ap_link);
        irq->queued = false;
    }
    spin_unlock(&o->arch.vgic.lock);
    if (!move)
        return;                             /* not queued, or o hands it over at its next sync */
    spin_lock(&t->arch.vgic.lock);
    vgic_queue_locked(t, irq);
    spin_unlock(&t->arch.vgic.lock);
    vgic_kick(t);
}

void vgic_kick(struct vcpu *t)
{
    vcpu_unblock(t);
    /* Pairs with the fence in vgic_flush_to_lrs(): either it sees our interrupt, or we see it running. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (t->processor != this_cpu()->id && pcpus[t->processor].curr == t)
        arch_kick_cpu(t->processor);
}

static void inject(struct domain *d, struct vcpu *v, uint32_t intid, bool hw)
{
    struct vgic_irq *irq = vgic_get_irq(d, v, intid);
    if (!irq)
        return;
    struct vcpu *t = vgic_lock_irq(d, v, irq);
    irq->pending = true;
    irq->hw = hw;
    irq->seq++;
    vgic_queue_locked(t, irq);
    bool deliverable = irq->enabled;
    spin_unlock(&t->arch.vgic.lock);
    if (deliverable)
        vgic_kick(t);
}

void vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
    inject(d, v, intid, false);
}

void vgic_inject_hw_spi(struct domain *d, uint32_t intid)
{
    inject(d, NULL, intid, true);
}

void arch_vcpu_raise_upcall(struct vcpu *v)
{
    vgic_inject(v->domain, v, v->domain->arch.vgic.evtchn_ppi);
}

bool vgic_vcpu_pending(struct vcpu *v)
{
    struct list_head *pos;
    bool any = false;

    spin_lock(&v->arch.vgic.lock);
    list_for_each(pos, &v->arch.vgic.ap_list) {
        struct vgic_irq *irq = list_entry(pos, struct vgic_irq, ap_link);
        if (irq->pending && irq->enabled) {
            any = true;
            break;
        }
    }
    spin_unlock(&v->arch.vgic.lock);
    return any;
}

/* The vCPU with this affinity (Aff0 = id & 0xf, Aff1 = id >> 4), or NULL. */
static struct vcpu *vcpu_by_affinity(struct domain *d, uint64_t aff1, uint64_t aff0)
{
    uint64_t id = (aff1 << 4) | aff0;
    return (aff0 < 16 && id < d->max_vcpus) ? d->vcpus[id] : NULL;
}

/* ICC_SGI1R_EL1: TargetList[15:0], Aff1[23:16], INTID[27:24], Aff2[39:32], IRM[40], RS[47:44], Aff3[55:48]. */
void vgic_send_sgi(struct vcpu *v, uint64_t val)
{
    struct domain *d = v->domain;
    uint32_t intid = (val >> 24) & 0xf;

    if (val & (1UL << 40)) {                    /* every vCPU but the sender */
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            if (d->vcpus[i] != v && d->vcpus[i]->state != VCPU_OFFLINE)
                vgic_inject(d, d->vcpus[i], intid);
        return;
    }
    if (((val >> 32) & 0xff) || ((val >> 48) & 0xff))
        return;                                 /* Aff2/Aff3: no such vCPUs */
    uint64_t aff1 = (val >> 16) & 0xff, rs = (val >> 44) & 0xf;
    for (unsigned int bit = 0; bit < 16; bit++) {
        if (!(val & (1UL << bit)))
            continue;
        struct vcpu *t = vcpu_by_affinity(d, aff1, rs * 16 + bit);
        if (t)
            vgic_inject(d, t, intid);
    }
}

/*
 * The interrupt-state registers that GICD (for SPIs) and each GICR's SGI
 * frame (for SGIs and PPIs) have at the same offsets: group, enable,
 * pending, active (set/clear pairs), priority, configuration. Plain C.
 */
#include "domain.h"
#include "vgic.h"
#include "vgic_regs.h"

#define R_IGROUPR    0x080
#define R_ISENABLER  0x100
#define R_ICENABLER  0x180
#define R_ISPENDR    0x200
#define R_ICPENDR    0x280
#define R_ISACTIVER  0x300
#define R_ICACTIVER  0x380
#define R_IPRIORITYR 0x400
#define R_ITARGETSR  0x800
#define R_ICFGR      0xC00
#define R_IGRPMODR   0xD00
#define R_NSACR      0xE00

enum bitreg { B_ENABLE, B_PENDING, B_ACTIVE };

struct irq_range {
    struct domain *d;
    struct vcpu *v;                 /* the redistributor's vCPU, NULL for GICD */
    uint32_t lo, hi;                /* valid INTIDs [lo, hi) */
};

static struct vgic_irq *irq_at(const struct irq_range *r, uint32_t intid)
{
    if (intid < r->lo || intid >= r->hi)
        return NULL;
    return vgic_get_irq(r->d, r->v, intid);
}

/* Lock the vCPU that owns this interrupt's delivery; returns it for the unlock. */
static struct vcpu *lock_target(const struct irq_range *r, struct vgic_irq *irq)
{
    return vgic_lock_irq(r->d, r->v, irq);
}

static bool bit_of(const struct vgic_irq *irq, enum bitreg which)
{
    switch (which) {
    case B_ENABLE: return irq->enabled;
    case B_PENDING: return irq->pending;
    default: return irq->active;
    }
}

static uint64_t read_bits(const struct irq_range *r, uint32_t first, enum bitreg which)
{
    uint64_t val = 0;
    for (uint32_t i = 0; i < 32; i++) {
        struct vgic_irq *irq = irq_at(r, first + i);
        if (irq && bit_of(irq, which))
            val |= 1UL << i;
    }
    return val;
}

static void set_bit_state(const struct irq_range *r, struct vgic_irq *irq, enum bitreg which,
                          bool on)
{
    struct vcpu *t = lock_target(r, irq);
    bool was_enabled = irq->enabled;

    if (which == B_ENABLE)
        irq->enabled = on;
    else if (which == B_PENDING)
        irq->pending = on, irq->seq++;
    else
        irq->active = on;
    vgic_queue_locked(t, irq);
    bool deliverable = irq->pending && irq->enabled;
    spin_unlock(&t->arch.vgic.lock);
    if (which == B_ENABLE && irq->hw && was_enabled != on)
        arch_hw_irq_enable(irq->intid, on);
    if (on && which != B_ACTIVE && deliverable)
        vgic_kick(t);
}

static void write_bits(const struct irq_range *r, uint32_t first, uint32_t val, enum bitreg which,
                       bool on)
{
    for (uint32_t i = 0; i < 32; i++) {
        struct vgic_irq *irq = irq_at(r, first + i);
        if (irq && (val & (1U << i)))
            set_bit_state(r, irq, which, on);
    }
}

static uint64_t read_prio(const struct irq_range *r, uint32_t first, unsigned int size)
{
    uint64_t val = 0;
    for (unsigned int i = 0; i < size; i++) {
        struct vgic_irq *irq = irq_at(r, first + i);
        if (irq)
            val |= (uint64_t)irq->priority << (8 * i);
    }
    return val;
}

static void write_prio(const struct irq_range *r, uint32_t first, unsigned int size, uint64_t val)
{
    for (unsigned int i = 0; i < size; i++) {
        struct vgic_irq *irq = irq_at(r, first + i);
        if (!irq)
            continue;
        struct vcpu *t = lock_target(r, irq);
        /* 5 priority bits as the hardware has (QEMU: PRIbits = 5): the low 3 read as 0. */
        irq->priority = (uint8_t)(val >> (8 * i)) & 0xf8;
        spin_unlock(&t->arch.vgic.lock);
    }
}

/* ICFGR: two bits per interrupt, bit 1 = edge. SGIs are always edge (RO). */
static uint64_t read_cfg(const struct irq_range *r, uint32_t first)
{
    uint64_t val = 0;
    for (uint32_t i = 0; i < 16; i++) {
        struct vgic_irq *irq = irq_at(r, first + i);
        if (irq && irq->edge)
            val |= 2UL << (2 * i);
    }
    return val;
}

static void write_cfg(const struct irq_range *r, uint32_t first, uint64_t val)
{
    for (uint32_t i = 0; i < 16; i++) {
        struct vgic_irq *irq = irq_at(r, first + i);
        if (irq && irq->intid >= 16)
            irq->edge = (val >> (2 * i + 1)) & 1;
    }
}

static bool regs_access(const struct irq_range *r, uint64_t off, unsigned int size, uint64_t *val,
                        bool write)
{
    uint32_t idx32 = (uint32_t)(off & 0x7f) / 4 * 32;   /* first INTID of a bit register */

    if (off >= R_IPRIORITYR && off < R_ITARGETSR) {
        if (write)
            write_prio(r, (uint32_t)(off - R_IPRIORITYR), size, *val);
        else
            *val = read_prio(r, (uint32_t)(off - R_IPRIORITYR), size);
        return true;
    }
    if (size != 4)
        return false;
    if (off >= R_ICFGR && off < R_IGRPMODR) {
        uint32_t first = (uint32_t)(off - R_ICFGR) / 4 * 16;
        if (write)
            write_cfg(r, first, *val);
        else
            *val = read_cfg(r, first);
        return true;
    }
    static const struct { uint32_t base; int which; bool set; } regs[] = {
        { R_ISENABLER, B_ENABLE, true }, { R_ICENABLER, B_ENABLE, false },
        { R_ISPENDR, B_PENDING, true }, { R_ICPENDR, B_PENDING, false },
        { R_ISACTIVER, B_ACTIVE, true }, { R_ICACTIVER, B_ACTIVE, false },
    };
    for (unsigned int i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        if (off >= regs[i].base && off < regs[i].base + 0x80) {
            if (write)
                write_bits(r, idx32, (uint32_t)*val, regs[i].which, regs[i].set);
            else
                *val = read_bits(r, idx32, regs[i].which);
            return true;
        }
    }
    if (off >= R_IGROUPR && off < R_IGROUPR + 0x80) {
        if (!write)                             /* every interrupt is Group 1 (RAO/WI) */
            *val = 0xffffffffUL;
        return true;
    }
    if ((off >= R_IGRPMODR && off < R_IGRPMODR + 0x80) || (off >= R_NSACR && off < R_NSACR + 0x100) ||
        (off >= R_ITARGETSR && off < R_ICFGR)) {
        if (!write)
            *val = 0;                           /* RAZ/WI with affinity routing */
        return true;
    }
    return false;
}

bool vgic_irqregs_access(struct domain *d, struct vcpu *v, uint32_t lo, uint32_t hi,
                         uint64_t off, unsigned int size, uint64_t *val, bool write)
{
    struct irq_range r = { d, v, lo, hi };
    return regs_access(&r, off, size, val, write);
}

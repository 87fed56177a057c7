/*
 * The virtual redistributors (GICR): one 128 KiB frame per vCPU (RD_base,
 * then SGI_base), in vCPU order, the last one flagged Last in GICR_TYPER so
 * Linux stops its walk there.
 */
#include "domain.h"
#include "vgic.h"
#include "vgic_regs.h"

#define GICR_CTLR     0x0000
#define GICR_IIDR     0x0004
#define GICR_TYPER    0x0008
#define GICR_TYPER_HI 0x000C
#define GICR_STATUSR  0x0010
#define GICR_WAKER    0x0014
#define GICR_PIDR2    0xFFE8
#define GICR_SGI_BASE 0x10000

#define WAKER_PS (1U << 1)
#define WAKER_CA (1U << 2)

static uint64_t redist_typer(const struct vcpu *t, unsigned int nr_vcpus)
{
    uint64_t aff = (t->id & 0xf) | ((uint64_t)(t->id >> 4) << 8);
    uint64_t last = (t->id == nr_vcpus - 1) ? (1UL << 4) : 0;
    return (aff << 32) | ((uint64_t)t->id << 8) | last;
}

/* The vCPU whose frame holds off, and the offset inside that frame. */
static struct vcpu *frame_vcpu(struct vcpu *v, uint64_t *off)
{
    struct domain *d = v->domain;
    uint64_t idx = *off / GICR_FRAME_SIZE;
    *off %= GICR_FRAME_SIZE;
    return idx < d->max_vcpus ? d->vcpus[idx] : NULL;
}

static bool rd_read(struct vcpu *t, uint64_t off, unsigned int size, uint64_t *val)
{
    uint64_t typer = redist_typer(t, t->domain->max_vcpus);
    if (off == GICR_TYPER && size == 8) {
        *val = typer;
        return true;
    }
    if (size == 8) {
        *val = 0;                       /* the other 64-bit registers (LPIs): RAZ/WI, as on writes */
        return true;
    }
    if (size != 4)
        return false;
    switch (off) {
    case GICR_CTLR: *val = t->arch.vgic.gicr_ctlr; return true;
    case GICR_IIDR: *val = 0x34c; return true;
    case GICR_TYPER: *val = (uint32_t)typer; return true;
    case GICR_TYPER_HI: *val = typer >> 32; return true;
    case GICR_WAKER: {
        uint32_t ps = t->arch.vgic.gicr_waker & WAKER_PS;
        *val = ps | (ps ? WAKER_CA : 0);        /* ChildrenAsleep follows ProcessorSleep */
        return true;
    }
    case GICR_PIDR2: *val = 0x3b; return true;
    default: *val = 0; return true;
    }
}

bool vgic_redist_read(struct vcpu *v, uint64_t off, unsigned int size, uint64_t *val)
{
    struct vcpu *t = frame_vcpu(v, &off);
    if (!t) {
        *val = 0;
        return size == 4 || size == 8;
    }
    if (off >= GICR_SGI_BASE)
        return vgic_irqregs_access(t->domain, t, 0, VGIC_NR_PRIVATE, off - GICR_SGI_BASE, size,
                                   val, false) || (*val = 0, size == 4);
    return rd_read(t, off, size, val);
}

bool vgic_redist_write(struct vcpu *v, uint64_t off, unsigned int size, uint64_t val)
{
    struct vcpu *t = frame_vcpu(v, &off);
    if (!t)
        return size == 4 || size == 8;
    if (off >= GICR_SGI_BASE)
        return vgic_irqregs_access(t->domain, t, 0, VGIC_NR_PRIVATE, off - GICR_SGI_BASE, size,
                                   &val, true) || size == 4;
    if (size != 4)
        return size == 8;               /* 64-bit registers here are RAZ/WI (LPIs) */
    if (off == GICR_WAKER)
        t->arch.vgic.gicr_waker = (uint32_t)val & WAKER_PS;
    return true;
}

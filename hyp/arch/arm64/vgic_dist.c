/*
 * The virtual distributor (GICD), as Linux 6.1's irq-gic-v3 drives it:
 * affinity routing always on, one security state, Group 1 only.
 */
#include "domain.h"
#include "vgic.h"
#include "vgic_regs.h"

#define GICD_CTLR     0x0000
#define GICD_TYPER    0x0004
#define GICD_IIDR     0x0008
#define GICD_TYPER2   0x000C
#define GICD_STATUSR  0x0010
#define GICD_IROUTER  0x6000
#define GICD_IROUTER_END 0x7FE0
#define GICD_PIDR2    0xFFE8

#define CTLR_ENABLE_MASK 0x3            /* EnableGrp0, EnableGrp1 (DS = 1 view) */
#define CTLR_ARE (1U << 4)
#define CTLR_DS  (1U << 6)
#define PIDR2_GICV3 0x3b                /* ArchRev 3 in [7:4] */
#define LAMINA_GICD_IIDR 0x34c          /* the value Xen's vGICv3 reports */

static uint64_t dist_typer(const struct vgic_dist *dist)
{
    uint64_t lines = (32 + dist->nr_spis) / 32 - 1;
    uint64_t cpus = (dist->nr_vcpus > 8 ? 8 : dist->nr_vcpus) - 1;
    return lines | (cpus << 5) | (9UL << 19) | (1UL << 25);   /* 10 INTID bits, No1N */
}

static uint64_t spi_of_irouter(uint64_t off)
{
    return (off - GICD_IROUTER) / 8;    /* INTID */
}

static bool irouter_access(struct domain *d, uint64_t off, uint64_t *val, bool write)
{
    struct vgic_irq *irq = vgic_get_irq(d, NULL, (uint32_t)spi_of_irouter(off));
    if (!irq) {                         /* SGIs/PPIs or beyond nr_spis: RAZ/WI */
        if (!write)
            *val = 0;
        return true;
    }
    if (!write) {
        *val = irq->irouter;
        return true;
    }
    /* Aff0 = vCPU id & 0xf, Aff1 = id >> 4; 1-of-N (bit 31) and unknown targets go to vCPU 0. */
    uint64_t aff0 = *val & 0xff, aff1 = (*val >> 8) & 0xff, upper = (*val >> 16) & 0xff00ff;
    uint64_t id = aff0 | (aff1 << 4);
    bool valid = !(*val & (1UL << 31)) && aff0 < 16 && !upper && id < d->max_vcpus;
    struct vgic_dist *dist = &d->arch.vgic;
    spin_lock(&dist->lock);
    irq->irouter = *val & (0xff00ffffffUL | (1UL << 31));
    irq->target = valid ? (uint16_t)id : 0;
    spin_unlock(&dist->lock);
    vgic_spi_retargeted(d, irq);
    return true;
}

bool vgic_dist_read(struct vcpu *v, uint64_t off, unsigned int size, uint64_t *val)
{
    struct domain *d = v->domain;
    struct vgic_dist *dist = &d->arch.vgic;

    if (off >= GICD_IROUTER && off < GICD_IROUTER_END + 8 && size == 8)
        return irouter_access(d, off, val, false);
    if (vgic_irqregs_access(d, NULL, 32, 32 + dist->nr_spis, off, size, val, false))
        return true;
    if (size != 4)
        return false;
    switch (off) {
    case GICD_CTLR: *val = dist->ctlr | CTLR_ARE | CTLR_DS; return true;
    case GICD_TYPER: *val = dist_typer(dist); return true;
    case GICD_IIDR: *val = LAMINA_GICD_IIDR; return true;
    case GICD_TYPER2: case GICD_STATUSR: *val = 0; return true;
    case GICD_PIDR2: *val = PIDR2_GICV3; return true;
    default:
        *val = 0;                       /* everything else reads as zero */
        return true;
    }
}

bool vgic_dist_write(struct vcpu *v, uint64_t off, unsigned int size, uint64_t val)
{
    struct domain *d = v->domain;
    struct vgic_dist *dist = &d->arch.vgic;

    if (off >= GICD_IROUTER && off < GICD_IROUTER_END + 8 && size == 8)
        return irouter_access(d, off, &val, true);
    if (vgic_irqregs_access(d, NULL, 32, 32 + dist->nr_spis, off, size, &val, true))
        return true;
    if (size != 4)
        return false;
    if (off == GICD_CTLR)
        dist->ctlr = (uint32_t)val & CTLR_ENABLE_MASK;
    return true;                        /* other registers: writes ignored */
}

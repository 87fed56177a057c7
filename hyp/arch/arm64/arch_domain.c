/* arm64 domain set-up: stage-2 tables with a VMID, the virtual counter offset, the vGIC. */
#include "types.h"
#include <xen/xen.h>        /* before sysregs.h: arch-arm.h defines PSR_* too */
#include <xen/arch-arm.h>

#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "printk.h"
#include "sysregs.h"
#include "timer.h"
#include "gic.h"
#include "mmio.h"
#include "vgic.h"
#include "vtimer.h"

/* 8-bit VMIDs (Cortex-A72); VMID 0 is never given to a guest. */
static uint8_t vmid_used[256 / 8];
static spinlock_t vmid_lock = SPINLOCK_INIT;

static int vmid_alloc(void)
{
    spin_lock(&vmid_lock);
    for (unsigned int i = 1; i < 256; i++) {
        if (!(vmid_used[i / 8] & (1U << (i % 8)))) {
            vmid_used[i / 8] |= 1U << (i % 8);
            spin_unlock(&vmid_lock);
            return (int)i;
        }
    }
    spin_unlock(&vmid_lock);
    return -ENOSPC;
}

static void vmid_free(unsigned int vmid)
{
    spin_lock(&vmid_lock);
    vmid_used[vmid / 8] &= ~(1U << (vmid % 8));
    spin_unlock(&vmid_lock);
}

static const struct mmio_ops gicd_ops = { vgic_dist_read, vgic_dist_write };
static const struct mmio_ops gicr_ops = { vgic_redist_read, vgic_redist_write };

/* dom0 sees the host's GIC layout; other domains Xen's guest layout (arch-arm.h). */
static int domain_vgic_init(struct domain *d)
{
    paddr_t gicd = GUEST_GICV3_GICD_BASE, gicr = GUEST_GICV3_GICR0_BASE;
    paddr_t gicr_size = GUEST_GICV3_GICR0_SIZE;
    unsigned int nr_spis = d->cfg_nr_spis ? ROUNDUP(d->cfg_nr_spis, 32) : 32;
    uint32_t ppi = GUEST_EVTCHN_PPI;

    if (d->is_privileged) {
        const struct bootinfo *bi = arch_boot_info();
        gicd = bi->gicd.start;
        gicr = bi->gicr[0].start;
        gicr_size = bi->gicr[0].size;
        nr_spis = MIN(gic_nr_lines(), 992U) - 32;
        ppi = DOM0_EVTCHN_PPI;
        if ((paddr_t)d->max_vcpus * GICR_FRAME_SIZE > gicr_size)
            return -EINVAL;
    }
    int rc = vgic_domain_init(d, gicd, gicr, gicr_size, nr_spis, ppi);
    if (!rc)
        rc = mmio_register(d, gicd, GUEST_GICV3_GICD_SIZE, &gicd_ops);
    if (!rc)
        rc = mmio_register(d, gicr, (paddr_t)d->max_vcpus * GICR_FRAME_SIZE, &gicr_ops);
    return rc ? -ENOMEM : 0;
}

unsigned int arch_domain_nr_spis(const struct domain *d)
{
    return d->arch.vgic.nr_spis;
}

uint64_t arch_max_mfn(void)
{
    const struct bootinfo *bi = arch_boot_info();
    uint64_t top = 0;
    for (unsigned int i = 0; i < bi->nr_mem; i++)
        top = MAX(top, bi->mem[i].start + bi->mem[i].size);
    return top ? (top >> PAGE_SHIFT) - 1 : 0;
}

uint64_t arch_domain_counter_offset(const struct domain *d)
{
    return d->arch.cntvoff;
}

int arch_domain_init(struct domain *d)
{
    int vmid = vmid_alloc();
    if (vmid < 0)
        return vmid;
    int rc = p2m_init(&d->arch.p2m, (uint16_t)vmid);
    if (rc) {
        vmid_free((unsigned int)vmid);
        return rc;
    }
    d->arch.cntvoff = now_ticks();
    rc = domain_vgic_init(d);
    if (rc) {
        arch_domain_teardown(d);
        return rc;
    }
    return 0;
}

void arch_domain_teardown(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            vtimer_vcpu_destroy(d->vcpus[i]);
    for (uint32_t i = 0; i < d->arch.vgic.nr_spis; i++)
        if (gic_spi_owner(32 + i) == d)
            gic_release_spi(32 + i);
    vgic_domain_destroy(d);
    p2m_teardown(&d->arch.p2m);
    vmid_free(d->arch.p2m.vmid);
}

int arch_p2m_map_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned long nr_pages)
{
    return p2m_map(&d->arch.p2m, gpa, pa, nr_pages, P2M_RAM_RW);
}

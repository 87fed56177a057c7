/* arm64 parts of building dom0: its grant-table window, devices and interrupts. */
#include "bootinfo.h"
#include "dom0_build.h"
#include "domain.h"
#include "gic.h"
#include "p2m.h"
#include "printk.h"
#include "vgic.h"

extern char _start_image[];

#define GNTTAB_MAX_FRAMES 64

/*
 * Where dom0 maps grant frames: like Xen, the physical range of the
 * hypervisor's own image, which is neither dom0's RAM nor a device.
 */
struct boot_range arch_gnttab_region(void)
{
    return (struct boot_range){ (paddr_t)(uintptr_t)_start_image, GNTTAB_MAX_FRAMES * PAGE_SIZE };
}

uint32_t arch_dom0_evtchn_intid(void)
{
    return DOM0_EVTCHN_PPI;
}

/* A device's registers, 1:1 in dom0's stage 2 (never the GIC: that is emulated). */
int arch_map_device(struct domain *d, paddr_t start, paddr_t size)
{
    paddr_t s = ROUNDDOWN(start, PAGE_SIZE), e = ROUNDUP(start + size, PAGE_SIZE);
    const struct vgic_dist *g = &d->arch.vgic;
    if (e > (1UL << P2M_IPA_BITS)) {
        log_warn("dom0: device at 0x%lx is beyond the 40-bit guest address space\n",
                 (unsigned long)start);
        return 0;
    }
    if ((s < g->gicd_base + 0x10000 && e > g->gicd_base) ||
        (s < g->gicr_base + g->gicr_size && e > g->gicr_base))
        return 0;
    return p2m_map(&d->arch.p2m, s, s, (e - s) >> PAGE_SHIFT, P2M_MMIO);
}

/* Every SPI but the ones the hypervisor keeps (its UART) belongs to dom0. */
int arch_dom0_route_irqs(struct domain *d, const struct bootinfo *bi)
{
    for (uint32_t intid = 32; intid < 32 + d->arch.vgic.nr_spis; intid++) {
        if (bi->uart_found && intid == bi->uart_intid)
            continue;
        if (gic_route_spi_to_domain(intid, d))
            continue;
        vgic_get_irq(d, NULL, intid)->hw = true;
    }
    return 0;
}

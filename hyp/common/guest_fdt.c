/*
 * A domU's device tree, shaped like the one libxl makes on arm64
 * (xen-arm-abi.md 3.3): cpus, PSCI (hvc), memory, the GICv3 at the guest
 * layout, the timer, and the /hypervisor node Linux looks for.
 */
#include "types.h"
#include <libfdt.h>
#include <xen/xen.h>
#include <xen/arch-arm.h>
#include <xen/device_tree_defs.h>  /* GUEST_PHANDLE_GIC */

#include "domain_build.h"
#include "errno.h"
#include "printk.h"

#define PPI_CELL(intid) 1, (intid) - 16, 0xf08     /* level-low, all CPUs */

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned int n)
{
    fdt32_t be[16];
    for (unsigned int i = 0; i < n && i < 16; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, be, (int)(n * sizeof(fdt32_t)));
}

static int prop_reg64(void *fdt, const uint64_t *pairs, unsigned int n)
{
    uint32_t cells[16];
    for (unsigned int i = 0; i < 2 * n && i < 8; i++) {
        cells[2 * i] = (uint32_t)(pairs[i] >> 32);
        cells[2 * i + 1] = (uint32_t)pairs[i];
    }
    return prop_cells(fdt, "reg", cells, 4 * n);
}

static int add_cpus(void *fdt, const struct guest_fdt_info *info)
{
    char name[16];
    int rc = fdt_begin_node(fdt, "cpus");
    rc = rc ? rc : fdt_property_u32(fdt, "#address-cells", 1);
    rc = rc ? rc : fdt_property_u32(fdt, "#size-cells", 0);
    for (unsigned int i = 0; !rc && i < info->nr_vcpus; i++) {
        uint32_t reg = (i & 0xf) | ((i >> 4) << 8);
        hyp_snprintf(name, sizeof(name), "cpu@%x", reg);
        rc = fdt_begin_node(fdt, name);
        rc = rc ? rc : fdt_property_string(fdt, "device_type", "cpu");
        rc = rc ? rc : fdt_property_string(fdt, "compatible", "arm,armv8");
        rc = rc ? rc : fdt_property_string(fdt, "enable-method", "psci");
        rc = rc ? rc : fdt_property_u32(fdt, "reg", reg);
        rc = rc ? rc : fdt_end_node(fdt);
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int add_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    int rc = fdt_begin_node(fdt, "psci");
    rc = rc ? rc : fdt_property(fdt, "compatible", compat, sizeof(compat));
    rc = rc ? rc : fdt_property_string(fdt, "method", "hvc");
    rc = rc ? rc : fdt_property_u32(fdt, "cpu_off", 0x84000002);
    rc = rc ? rc : fdt_property_u32(fdt, "cpu_on", 0xc4000003);
    return rc ? rc : fdt_end_node(fdt);
}

static int add_memory(void *fdt, const struct guest_fdt_info *info)
{
    char name[32];
    uint64_t reg[2] = { info->ram_base, info->ram_size };
    hyp_snprintf(name, sizeof(name), "memory@%lx", (unsigned long)info->ram_base);
    int rc = fdt_begin_node(fdt, name);
    rc = rc ? rc : fdt_property_string(fdt, "device_type", "memory");
    rc = rc ? rc : prop_reg64(fdt, reg, 1);
    return rc ? rc : fdt_end_node(fdt);
}

static int add_gic(void *fdt)
{
    char name[48];
    uint64_t reg[4] = { GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE,
                        GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE };
    hyp_snprintf(name, sizeof(name), "interrupt-controller@%lx",
                 (unsigned long)GUEST_GICV3_GICD_BASE);
    int rc = fdt_begin_node(fdt, name);
    rc = rc ? rc : fdt_property_string(fdt, "compatible", "arm,gic-v3");
    rc = rc ? rc : fdt_property_u32(fdt, "#interrupt-cells", 3);
    rc = rc ? rc : fdt_property_u32(fdt, "#address-cells", 0);
    rc = rc ? rc : fdt_property(fdt, "interrupt-controller", NULL, 0);
    rc = rc ? rc : prop_reg64(fdt, reg, 2);
    rc = rc ? rc : fdt_property_u32(fdt, "linux,phandle", GUEST_PHANDLE_GIC);
    rc = rc ? rc : fdt_property_u32(fdt, "phandle", GUEST_PHANDLE_GIC);
    return rc ? rc : fdt_end_node(fdt);
}

static int add_timer(void *fdt, const struct guest_fdt_info *info)
{
    static const uint32_t irqs[] = { PPI_CELL(GUEST_TIMER_PHYS_S_PPI),
                                     PPI_CELL(GUEST_TIMER_PHYS_NS_PPI),
                                     PPI_CELL(GUEST_TIMER_VIRT_PPI) };
    int rc = fdt_begin_node(fdt, "timer");
    rc = rc ? rc : fdt_property_string(fdt, "compatible", "arm,armv8-timer");
    rc = rc ? rc : prop_cells(fdt, "interrupts", irqs, ARRAY_SIZE(irqs));
    rc = rc ? rc : fdt_property_u32(fdt, "interrupt-parent", GUEST_PHANDLE_GIC);
    if (!rc && info->timer_clock_frequency)
        rc = fdt_property_u32(fdt, "clock-frequency", info->timer_clock_frequency);
    return rc ? rc : fdt_end_node(fdt);
}

static int add_hypervisor(void *fdt)
{
    static const char compat[] = "xen,xen-4.17\0xen,xen";
    static const uint32_t irq[] = { PPI_CELL(GUEST_EVTCHN_PPI) };
    uint64_t reg[2] = { GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE };
    int rc = fdt_begin_node(fdt, "hypervisor");
    rc = rc ? rc : fdt_property(fdt, "compatible", compat, sizeof(compat));
    rc = rc ? rc : prop_reg64(fdt, reg, 1);
    rc = rc ? rc : prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq));
    rc = rc ? rc : fdt_property_u32(fdt, "interrupt-parent", GUEST_PHANDLE_GIC);
    return rc ? rc : fdt_end_node(fdt);
}

int guest_fdt_build(void *buf, size_t size, const struct guest_fdt_info *info)
{
    static const char compat[] = "xen,xenvm-4.17\0xen,xenvm";
    int rc = fdt_create(buf, (int)size);
    rc = rc ? rc : fdt_finish_reservemap(buf);
    rc = rc ? rc : fdt_begin_node(buf, "");
    rc = rc ? rc : fdt_property_string(buf, "model", "XENVM-4.17");
    rc = rc ? rc : fdt_property(buf, "compatible", compat, sizeof(compat));
    rc = rc ? rc : fdt_property_u32(buf, "interrupt-parent", GUEST_PHANDLE_GIC);
    rc = rc ? rc : fdt_property_u32(buf, "#address-cells", 2);
    rc = rc ? rc : fdt_property_u32(buf, "#size-cells", 2);
    rc = rc ? rc : fdt_begin_node(buf, "chosen");
    rc = rc ? rc : fdt_property_string(buf, "bootargs", info->cmdline ? info->cmdline : "");
    rc = rc ? rc : fdt_end_node(buf);
    rc = rc ? rc : add_cpus(buf, info);
    rc = rc ? rc : add_psci(buf);
    rc = rc ? rc : add_memory(buf, info);
    rc = rc ? rc : add_gic(buf);
    rc = rc ? rc : add_timer(buf, info);
    rc = rc ? rc : add_hypervisor(buf);
    rc = rc ? rc : fdt_end_node(buf);
    rc = rc ? rc : fdt_finish(buf);
    return rc ? -ENOSPC : 0;
}

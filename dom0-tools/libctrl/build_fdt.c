/*
 * libctrl builder: the device tree of a domU, node for node as libxl_arm.c
 * (Xen 4.17) makes it for a 64-bit guest with a GICv3 (xen-arm-abi.md 3.3):
 *
 *   / model, compatible "xen,xenvm-4.17" "xen,xenvm", interrupt-parent, cells 2/2
 *     chosen       bootargs, linux,initrd-start/-end (u64), rng-seed (128 bytes)
 *     cpus         cpu@<mpidr>: "arm,armv8", enable-method psci
 *     psci         "arm,psci-1.0" "arm,psci-0.2" "arm,psci", hvc, cpu_off 1, cpu_on 2
 *     memory@...   one per populated bank (libxl NOPs the empty one)
 *     interrupt-controller@3001000   "arm,gic-v3", GICD and one GICR region
 *     timer        "arm,armv8-timer", PPIs 29, 30, 27 level-low, [clock-frequency]
 *     hypervisor   "xen,xen-4.17" "xen,xen", reg = grant-table region then the
 *                  extended regions (>= 64 MiB of each bank above its RAM),
 *                  interrupts = PPI 31 level-low
 *
 * Written with libfdt's sequential-write API; the initrd addresses are
 * placeholders filled in place once the layout is known, as libxl does.
 */
#include "build_dom.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <xen/device_tree_defs.h>

#define EXT_REGION_MIN_SIZE (64ULL << 20)      /* libxl: smaller ones are not offered */
#define ALIGN_2M(x) (((x) + (2ULL << 20) - 1) & ~((2ULL << 20) - 1))

/* <type num flags> for an interrupt (libxl set_interrupt): all CPUs, level-low. */
static void irq_cells(fdt32_t *c, unsigned int intid)
{
    bool ppi = intid < 32;
    c[0] = cpu_to_fdt32(ppi ? 1 : 0);
    c[1] = cpu_to_fdt32(intid - (ppi ? 16 : 32));
    c[2] = cpu_to_fdt32((0xfu << 8) | DT_IRQ_TYPE_LEVEL_LOW);
}

/* "interrupts" and "interrupt-parent" (libxl fdt_property_interrupts). */
static int prop_interrupts(void *fdt, const unsigned int *intids, unsigned int n)
{
    fdt32_t cells[3 * 4];
    for (unsigned int i = 0; i < n && i < 4; i++)
        irq_cells(&cells[3 * i], intids[i]);
    int rc = fdt_property(fdt, "interrupts", cells, (int)(3 * n * sizeof(fdt32_t)));
    return rc ? rc : fdt_property_cell(fdt, "interrupt-parent", GUEST_PHANDLE_GIC);
}

/* "reg" of n (address, size) pairs with 2 + 2 cells. */
static int prop_regs(void *fdt, const uint64_t *pairs, unsigned int n)
{
    fdt64_t cells[2 * (1 + GUEST_RAM_BANKS)];
    for (unsigned int i = 0; i < 2 * n && i < 2 * (1 + GUEST_RAM_BANKS); i++)
        cells[i] = cpu_to_fdt64(pairs[i]);
    return fdt_property(fdt, "reg", cells, (int)(2 * n * sizeof(fdt64_t)));
}

/* A string list property from NUL-separated strings of total length len. */
static int prop_compat(void *fdt, const char *list, size_t len)
{
    return fdt_property(fdt, "compatible", list, (int)len);
}

static int make_root(void *fdt)
{
    static const char compat[] = "xen,xenvm-4.17\0xen,xenvm";
    int rc = fdt_property_string(fdt, "model", "XENVM-4.17");
    rc = rc ? rc : prop_compat(fdt, compat, sizeof(compat));
    rc = rc ? rc : fdt_property_cell(fdt, "interrupt-parent", GUEST_PHANDLE_GIC);
    rc = rc ? rc : fdt_property_cell(fdt, "#address-cells", GUEST_ROOT_ADDRESS_CELLS);
    return rc ? rc : fdt_property_cell(fdt, "#size-cells", GUEST_ROOT_SIZE_CELLS);
}

static int make_chosen(void *fdt, const struct ctrl_dom_fdt_info *info)
{
    uint64_t zero = 0;
    int rc = fdt_begin_node(fdt, "chosen");
    if (!rc && info->cmdline)
        rc = fdt_property_string(fdt, "bootargs", info->cmdline);
    if (!rc && info->has_ramdisk) {
        rc = fdt_property(fdt, "linux,initrd-start", &zero, sizeof(zero));
        rc = rc ? rc : fdt_property(fdt, "linux,initrd-end", &zero, sizeof(zero));
    }
    if (!rc && info->rng_seed)
        rc = fdt_property(fdt, "rng-seed", info->rng_seed, CTRL_RNG_SEED_LEN);
    return rc ? rc : fdt_end_node(fdt);
}

/* The MPIDR affinity of vCPU id (libxl: Aff0 = id & 0xf, Aff1 = id >> 4). */
static uint32_t vcpu_mpidr(uint32_t id)
{
    return (id & 0x0f) | (((id >> 4) & 0xff) << 8);
}

static int make_cpus(void *fdt, uint32_t vcpus)
{
    static const char compat[] = "arm,armv8";
    char name[32];
    int rc = fdt_begin_node(fdt, "cpus");
    rc = rc ? rc : fdt_property_cell(fdt, "#address-cells", 1);
    rc = rc ? rc : fdt_property_cell(fdt, "#size-cells", 0);
    for (uint32_t i = 0; !rc && i < vcpus; i++) {
        uint32_t mpidr = vcpu_mpidr(i);
        snprintf(name, sizeof(name), "cpu@%" PRIx32, mpidr);
        rc = fdt_begin_node(fdt, name);
        rc = rc ? rc : fdt_property_string(fdt, "device_type", "cpu");
        rc = rc ? rc : prop_compat(fdt, compat, sizeof(compat));
        rc = rc ? rc : fdt_property_string(fdt, "enable-method", "psci");
        rc = rc ? rc : fdt_property_cell(fdt, "reg", mpidr);
        rc = rc ? rc : fdt_end_node(fdt);
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int make_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    int rc = fdt_begin_node(fdt, "psci");
    rc = rc ? rc : prop_compat(fdt, compat, sizeof(compat));
    rc = rc ? rc : fdt_property_string(fdt, "method", "hvc");
    rc = rc ? rc : fdt_property_cell(fdt, "cpu_off", PSCI_cpu_off);
    rc = rc ? rc : fdt_property_cell(fdt, "cpu_on", PSCI_cpu_on);
    return rc ? rc : fdt_end_node(fdt);
}

static int make_memory(void *fdt, const struct ctrl_dom_fdt_info *info)
{
    char name[40];
    int rc = 0;
    for (unsigned int b = 0; !rc && b < GUEST_RAM_BANKS; b++) {
        if (!info->ram_size[b])
            continue;               /* libxl writes a placeholder and NOPs it */
        uint64_t reg[2] = { info->ram_base[b], info->ram_size[b] };
        snprintf(name, sizeof(name), "memory@%" PRIx64, info->ram_base[b]);
        rc = fdt_begin_node(fdt, name);
        rc = rc ? rc : fdt_property_string(fdt, "device_type", "memory");
        rc = rc ? rc : prop_regs(fdt, reg, 1);
        rc = rc ? rc : fdt_end_node(fdt);
    }
    return rc;
}

static int make_gicv3(void *fdt)
{
    static const char compat[] = "arm,gic-v3";
    const uint64_t reg[4] = { GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE,
                              GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE };
    char name[48];
    snprintf(name, sizeof(name), "interrupt-controller@%" PRIx64, (uint64_t)GUEST_GICV3_GICD_BASE);
    int rc = fdt_begin_node(fdt, name);
    rc = rc ? rc : prop_compat(fdt, compat, sizeof(compat));
    rc = rc ? rc : fdt_property_cell(fdt, "#interrupt-cells", 3);
    rc = rc ? rc : fdt_property_cell(fdt, "#address-cells", 0);
    rc = rc ? rc : fdt_property(fdt, "interrupt-controller", NULL, 0);
    rc = rc ? rc : prop_regs(fdt, reg, 2);
    rc = rc ? rc : fdt_property_cell(fdt, "linux,phandle", GUEST_PHANDLE_GIC);
    rc = rc ? rc : fdt_property_cell(fdt, "phandle", GUEST_PHANDLE_GIC);
    return rc ? rc : fdt_end_node(fdt);
}

static int make_timer(void *fdt, uint32_t freq)
{
    static const char compat[] = "arm,armv8-timer";
    static const unsigned int ppis[] = { GUEST_TIMER_PHYS_S_PPI, GUEST_TIMER_PHYS_NS_PPI,
                                         GUEST_TIMER_VIRT_PPI };
    int rc = fdt_begin_node(fdt, "timer");
    rc = rc ? rc : prop_compat(fdt, compat, sizeof(compat));
    rc = rc ? rc : prop_interrupts(fdt, ppis, 3);
    if (!rc && freq)
        rc = fdt_property_u32(fdt, "clock-frequency", freq);
    return rc ? rc : fdt_end_node(fdt);
}

/* libxl finalise_ext_region: 2 MiB above each bank's RAM to the end of the
 * bank (or of the guest's physical address space), kept when >= 64 MiB. */
static unsigned int ext_regions(const struct ctrl_dom_fdt_info *info, uint64_t *pairs)
{
    static const uint64_t bankbase[] = GUEST_RAM_BANK_BASES;
    static const uint64_t banksize[] = GUEST_RAM_BANK_SIZES;
    unsigned int bits = info->gpaddr_bits ? info->gpaddr_bits : 40, n = 0;

    if (bits > 64)
        return 0;
    for (unsigned int b = 0; b < GUEST_RAM_BANKS; b++) {
        uint64_t base = bankbase[b] + ALIGN_2M(info->ram_size[b]);
        uint64_t end = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
        uint64_t size = 0;
        if (end > bankbase[b] + banksize[b] - 1)
            end = bankbase[b] + banksize[b] - 1;
        if (end > base)
            size = end - base + 1;
        if (size < EXT_REGION_MIN_SIZE)
            continue;
        pairs[2 * n] = base;
        pairs[2 * n + 1] = size;
        n++;
    }
    return n;
}

static int make_hypervisor(void *fdt, const struct ctrl_dom_fdt_info *info)
{
    static const char compat[] = "xen,xen-4.17\0xen,xen";
    static const unsigned int ppi[] = { GUEST_EVTCHN_PPI };
    uint64_t reg[2 * (1 + GUEST_RAM_BANKS)] = { GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE };
    unsigned int n = 1 + ext_regions(info, &reg[2]);
    int rc = fdt_begin_node(fdt, "hypervisor");
    rc = rc ? rc : prop_compat(fdt, compat, sizeof(compat));
    rc = rc ? rc : prop_regs(fdt, reg, n);
    rc = rc ? rc : prop_interrupts(fdt, ppi, 1);
    return rc ? rc : fdt_end_node(fdt);
}

int ctrl_dom_make_fdt(void *buf, size_t size, const struct ctrl_dom_fdt_info *info)
{
    if (!info->vcpus || info->vcpus > GUEST_MAX_VCPUS || size > INT32_MAX)
        return -EINVAL;
    int rc = fdt_create(buf, (int)size);
    rc = rc ? rc : fdt_finish_reservemap(buf);
    rc = rc ? rc : fdt_begin_node(buf, "");
    rc = rc ? rc : make_root(buf);
    rc = rc ? rc : make_chosen(buf, info);
    rc = rc ? rc : make_cpus(buf, info->vcpus);
    rc = rc ? rc : make_psci(buf);
    rc = rc ? rc : make_memory(buf, info);
    rc = rc ? rc : make_gicv3(buf);
    rc = rc ? rc : make_timer(buf, info->clock_frequency);
    rc = rc ? rc : make_hypervisor(buf, info);
    rc = rc ? rc : fdt_end_node(buf);
    rc = rc ? rc : fdt_finish(buf);
    if (rc == -FDT_ERR_NOSPACE)
        return -ENOSPC;
    return rc ? -EINVAL : 0;
}

int ctrl_dom_fdt_set_ramdisk(void *fdt, uint64_t start, uint64_t end)
{
    int node = fdt_path_offset(fdt, "/chosen");
    if (node < 0)
        return -ENOENT;
    int rc = fdt_setprop_inplace_u64(fdt, node, "linux,initrd-start", start);
    rc = rc ? rc : fdt_setprop_inplace_u64(fdt, node, "linux,initrd-end", end);
    return rc ? -ENOENT : 0;
}

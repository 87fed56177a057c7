/*
 * Rewriting the host device tree for dom0 (see dom0_fdt.h). One walk over
 * the host tree with libfdt, writing the new tree with its sequential-write
 * API: each node is copied, replaced, or left out.
 */
#include <libfdt.h>

#include "dom0_fdt.h"
#include "errno.h"
#include "printk.h"

struct ctx {
    const void *host;
    void *out;
    const struct dom0_fdt_info *info;
    int gic_node, timer_node, uart_node;
    uint32_t gic_phandle;
    int map_err;                    /* map_mmio's error, if it failed */
};

enum node_action { NODE_COPY, NODE_SKIP, NODE_GIC, NODE_TIMER, NODE_CHOSEN };

static bool has_compat(const void *fdt, int node, const char *c)
{
    return fdt_node_check_compatible(fdt, node, c) == 0;
}

static bool prop_is(const void *fdt, int node, const char *name, const char *val)
{
    int len;
    const char *p = fdt_getprop(fdt, node, name, &len);
    return p && len > 0 && __builtin_strncmp(p, val, (size_t)len) == 0 &&
           __builtin_strlen(val) + 1 == (size_t)len;
}

/* Devices dom0 must not see: the hypervisor's, or ones it cannot use under a hypervisor. */
static bool hidden_device(const struct ctx *c, int node)
{
    static const char *const compat[] = {
        "arm,armv8-pmuv3", "arm,cortex-a15-pmu", "arm,cortex-a7-pmu", "arm,armv7-timer-mem",
        "arm,smmu-v1", "arm,smmu-v2", "arm,mmu-500", "arm,smmu-v3", "xen,xen",
        "multiboot,module", "xen,multiboot-module", "xen,domain",
    };
    if (node == c->uart_node)
        return true;
    for (unsigned int i = 0; i < ARRAY_SIZE(compat); i++)
        if (has_compat(c->host, node, compat[i]))
            return true;
    return false;
}

static enum node_action classify(const struct ctx *c, int node, int depth)
{
    const char *name = fdt_get_name(c->host, node, NULL);

    if (node == c->gic_node)
        return NODE_GIC;
    if (node == c->timer_node)
        return NODE_TIMER;
    if (depth == 1 && name && __builtin_strcmp(name, "chosen") == 0)
        return NODE_CHOSEN;
    if (prop_is(c->host, node, "device_type", "memory") || prop_is(c->host, node, "device_type", "cpu"))
        return NODE_SKIP;
    if (depth == 1 && name && (__builtin_strcmp(name, "cpus") == 0 ||
                               __builtin_strcmp(name, "hypervisor") == 0))
        return NODE_SKIP;
    if (has_compat(c->host, node, "arm,psci") || has_compat(c->host, node, "arm,psci-0.2") ||
        has_compat(c->host, node, "arm,psci-1.0"))
        return NODE_SKIP;
    return hidden_device(c, node) ? NODE_SKIP : NODE_COPY;
}

static bool dropped_prop(const char *name, enum node_action a)
{
    /* No ITS is emulated: PCI falls back to INTx. */
    static const char *const always[] = { "xen,passthrough", "msi-parent", "msi-map" };
    static const char *const chosen[] = {
        "xen,xen-bootargs", "xen,dom0-bootargs", "lamina,bootargs", "bootargs",
        "linux,initrd-start", "linux,initrd-end", "stdout-path", "linux,stdout-path",
        "kaslr-seed", "linux,uefi-system-table", "linux,uefi-mmap-start",
        "linux,uefi-mmap-size", "linux,uefi-mmap-desc-size", "linux,uefi-mmap-desc-ver",
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(always); i++)
        if (__builtin_strcmp(name, always[i]) == 0)
            return true;
    if (a == NODE_CHOSEN)
        for (unsigned int i = 0; i < ARRAY_SIZE(chosen); i++)
            if (__builtin_strcmp(name, chosen[i]) == 0)
                return true;
    return false;
}

static int copy_props(struct ctx *c, int node, enum node_action a)
{
    int off, rc = 0;
    fdt_for_each_property_offset(off, c->host, node) {
        const char *name;
        int len;
        const void *val = fdt_getprop_by_offset(c->host, off, &name, &len);
        if (!val || dropped_prop(name, a))
            continue;
        rc = fdt_property(c->out, name, val, len);
        if (rc)
            return rc;
    }
    return 0;
}

static int prop_u32s(void *out, const char *name, const uint32_t *v, unsigned int n)
{
    fdt32_t be[32];
    for (unsigned int i = 0; i < n && i < 32; i++)
        be[i] = cpu_to_fdt32(v[i]);
    return fdt_property(out, name, be, (int)(n * 4));
}

/* reg with the root's 2/2 cells (QEMU virt; bootfdt refuses cells > 2). */
static int prop_reg(void *out, const struct boot_range *r, unsigned int n)
{
    uint32_t cells[4 * DOM0_MAX_BANKS];
    for (unsigned int i = 0; i < n && i < DOM0_MAX_BANKS; i++) {
        cells[4 * i] = (uint32_t)(r[i].start >> 32);
        cells[4 * i + 1] = (uint32_t)r[i].start;
        cells[4 * i + 2] = (uint32_t)(r[i].size >> 32);
        cells[4 * i + 3] = (uint32_t)r[i].size;
    }
    return prop_u32s(out, "reg", cells, 4 * n);
}

static int write_chosen(struct ctx *c, int node)
{
    const struct dom0_fdt_info *info = c->info;
    int rc = fdt_begin_node(c->out, "chosen");
    rc = rc ? rc : copy_props(c, node, NODE_CHOSEN);
    rc = rc ? rc : fdt_property_string(c->out, "bootargs", info->cmdline ? info->cmdline : "");
    if (!rc && info->initrd_end > info->initrd_start) {
        rc = fdt_property_u64(c->out, "linux,initrd-start", info->initrd_start);
        rc = rc ? rc : fdt_property_u64(c->out, "linux,initrd-end", info->initrd_end);
    }
    return rc ? rc : fdt_end_node(c->out);      /* module and domain children dropped */
}

static int copy_named_prop(struct ctx *c, int node, const char *name)
{
    int len;
    const void *v = fdt_getprop(c->host, node, name, &len);
    return v ? fdt_property(c->out, name, v, len) : 0;
}

/* The GIC as dom0 sees it: the host's distributor and first redistributor region, no ITS. */
static int write_gic(struct ctx *c, int node)
{
    const struct bootinfo *bi = c->info->bi;
    struct boot_range reg[2] = { bi->gicd, bi->gicr[0] };
    int rc = fdt_begin_node(c->out, "interrupt-controller");     /* Xen's name for it */
    rc = rc ? rc : copy_named_prop(c, node, "compatible");
    rc = rc ? rc : fdt_property_u32(c->out, "#interrupt-cells", 3);
    rc = rc ? rc : copy_named_prop(c, node, "#address-cells");
    rc = rc ? rc : copy_named_prop(c, node, "#size-cells");
    rc = rc ? rc : fdt_property(c->out, "interrupt-controller", NULL, 0);
    rc = rc ? rc : fdt_property_u32(c->out, "#redistributor-regions", 1);
    rc = rc ? rc : prop_reg(c->out, reg, 2);
    rc = rc ? rc : copy_named_prop(c, node, "phandle");
    rc = rc ? rc : copy_named_prop(c, node, "linux,phandle");
    return rc ? rc : fdt_end_node(c->out);
}

/* The generic timer: EL1 secure/non-secure physical and virtual PPIs, level-low; not EL2's. */
static int write_timer(struct ctx *c, int node)
{
    const struct bootinfo *bi = c->info->bi;
    uint32_t irqs[9] = { 1, bi->timer_sec_phys_intid - 16, 0xf08, 1, bi->timer_phys_intid - 16,
                         0xf08, 1, bi->timer_virt_intid - 16, 0xf08 };
    int rc = fdt_begin_node(c->out, fdt_get_name(c->host, node, NULL));
    rc = rc ? rc : fdt_property_string(c->out, "compatible", "arm,armv8-timer");
    rc = rc ? rc : prop_u32s(c->out, "interrupts", irqs, 9);
    rc = rc ? rc : fdt_property_u32(c->out, "interrupt-parent", c->gic_phandle);   /* as Xen */
    rc = rc ? rc : copy_named_prop(c, node, "clock-frequency");
    return rc ? rc : fdt_end_node(c->out);
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 32) | fdt32_to_cpu(p[i]);
    return v;
}

/*
 * A child-bus address to a CPU address through the parent's "ranges"
 * (one level; an empty ranges is identity). False if not memory-mapped.
 */
static bool translate(const struct ctx *c, int parent, uint64_t addr, uint64_t *out)
{
    int len, grand = fdt_parent_offset(c->host, parent);
    if (parent == 0 || grand < 0) {
        *out = addr;
        return true;
    }
    const fdt32_t *r = fdt_getprop(c->host, parent, "ranges", &len);
    if (!r)
        return false;
    if (len == 0) {
        *out = addr;
        return true;
    }
    int ca = fdt_address_cells(c->host, parent), pa = fdt_address_cells(c->host, grand);
    int cs = fdt_size_cells(c->host, parent);
    int entry = ca + pa + cs;
    if (ca < 1 || ca > 2 || pa < 1 || pa > 2 || cs < 1 || cs > 2)
        return false;
    for (int i = 0; (i + 1) * entry * 4 <= len; i++) {
        const fdt32_t *e = r + i * entry;
        uint64_t child = read_cells(e, ca), cpu = read_cells(e + ca, pa);
        uint64_t size = read_cells(e + ca + pa, cs);
        if (addr >= child && addr - child < size) {
            *out = cpu + (addr - child);
            return true;
        }
    }
    return false;
}

static int map_regs(struct ctx *c, int node)
{
    int len, parent = fdt_parent_offset(c->host, node);
    const fdt32_t *reg = fdt_getprop(c->host, node, "reg", &len);
    if (!reg || parent < 0)
        return 0;
    int ac = fdt_address_cells(c->host, parent), sc = fdt_size_cells(c->host, parent);
    if (ac < 1 || ac > 2 || sc < 0 || sc > 2 || sc == 0)
        return 0;                                   /* not a memory-mapped reg */
    for (int i = 0; (i + 1) * (ac + sc) * 4 <= len; i++) {
        uint64_t addr = read_cells(reg + i * (ac + sc), ac), cpu;
        uint64_t size = read_cells(reg + i * (ac + sc) + ac, sc);
        if (size && translate(c, parent, addr, &cpu)) {
            int rc = c->info->map_mmio(c->info->arg, cpu, size);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* PCI host bridges: their windows ("ranges": 3 PCI cells, parent cells, 2 size cells). */
static int map_pci_windows(struct ctx *c, int node)
{
    int len;
    const fdt32_t *r = fdt_getprop(c->host, node, "ranges", &len);
    int pa = fdt_address_cells(c->host, 0), entry = 3 + pa + 2;
    if (!r || !prop_is(c->host, node, "device_type", "pci") || pa < 1 || pa > 2)
        return 0;
    for (int i = 0; (i + 1) * entry * 4 <= len; i++) {
        const fdt32_t *e = r + i * entry;
        int rc = c->info->map_mmio(c->info->arg, read_cells(e + 3, pa), read_cells(e + 3 + pa, 2));
        if (rc)
            return rc;
    }
    return 0;
}

static int write_tree(struct ctx *c, int node, int depth);

static int write_children(struct ctx *c, int node, int depth)
{
    int child, rc = 0;
    fdt_for_each_subnode(child, c->host, node) {
        rc = write_tree(c, child, depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

static int write_copy(struct ctx *c, int node, int depth)
{
    int rc = fdt_begin_node(c->out, fdt_get_name(c->host, node, NULL));
    rc = rc ? rc : copy_props(c, node, NODE_COPY);
    rc = rc ? rc : write_children(c, node, depth);
    rc = rc ? rc : fdt_end_node(c->out);
    if (rc || !c->info->map_mmio)
        return rc;
    /* map_mmio's errors are errno values, libfdt's are not: keep them apart. */
    c->map_err = map_regs(c, node);
    if (!c->map_err)
        c->map_err = map_pci_windows(c, node);
    return c->map_err ? -FDT_ERR_BADSTATE : 0;
}

static int write_tree(struct ctx *c, int node, int depth)
{
    switch (classify(c, node, depth)) {
    case NODE_SKIP: return 0;
    case NODE_GIC: return write_gic(c, node);
    case NODE_TIMER: return write_timer(c, node);
    case NODE_CHOSEN: return write_chosen(c, node);
    default: return write_copy(c, node, depth);
    }
}

static int write_memory(struct ctx *c)
{
    char name[32];
    hyp_snprintf(name, sizeof(name), "memory@%lx", (unsigned long)c->info->banks[0].start);
    int rc = fdt_begin_node(c->out, name);
    rc = rc ? rc : fdt_property_string(c->out, "device_type", "memory");
    rc = rc ? rc : prop_reg(c->out, c->info->banks, c->info->nr_banks);
    return rc ? rc : fdt_end_node(c->out);
}

static int write_cpus(struct ctx *c)
{
    char name[16];
    int len, first = fdt_node_offset_by_prop_value(c->host, -1, "device_type", "cpu", 4);
    const void *compat = first >= 0 ? fdt_getprop(c->host, first, "compatible", &len) : NULL;
    int rc = fdt_begin_node(c->out, "cpus");
    rc = rc ? rc : fdt_property_u32(c->out, "#address-cells", 1);
    rc = rc ? rc : fdt_property_u32(c->out, "#size-cells", 0);
    for (unsigned int i = 0; !rc && i < c->info->nr_vcpus; i++) {
        uint32_t reg = (i & 0xf) | ((i >> 4) << 8);
        hyp_snprintf(name, sizeof(name), "cpu@%x", reg);
        rc = fdt_begin_node(c->out, name);
        rc = rc ? rc : fdt_property_string(c->out, "device_type", "cpu");
        if (!rc && compat)
            rc = fdt_property(c->out, "compatible", compat, len);
        rc = rc ? rc : fdt_property_u32(c->out, "reg", reg);
        rc = rc ? rc : fdt_property_string(c->out, "enable-method", "psci");
        rc = rc ? rc : fdt_end_node(c->out);
    }
    return rc ? rc : fdt_end_node(c->out);
}

static int write_psci(struct ctx *c)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    int rc = fdt_begin_node(c->out, "psci");
    rc = rc ? rc : fdt_property(c->out, "compatible", compat, sizeof(compat));
    rc = rc ? rc : fdt_property_string(c->out, "method", "hvc");
    rc = rc ? rc : fdt_property_u32(c->out, "cpu_off", 1);
    rc = rc ? rc : fdt_property_u32(c->out, "cpu_on", 2);
    return rc ? rc : fdt_end_node(c->out);
}

/* Linux finds Xen by this node's exact name and its first compatible ("xen,xen-<version>"). */
static int write_hypervisor(struct ctx *c)
{
    static const char compat[] = "xen,xen-4.17\0xen,xen";
    uint32_t irq[3] = { 1, c->info->evtchn_intid - 16, 0xf08 };
    int rc = fdt_begin_node(c->out, "hypervisor");
    rc = rc ? rc : fdt_property(c->out, "compatible", compat, sizeof(compat));
    rc = rc ? rc : prop_reg(c->out, &c->info->gnttab, 1);
    rc = rc ? rc : prop_u32s(c->out, "interrupts", irq, 3);
    rc = rc ? rc : fdt_property_u32(c->out, "interrupt-parent", c->gic_phandle);
    return rc ? rc : fdt_end_node(c->out);
}

static int write_root(struct ctx *c)
{
    int rc = fdt_begin_node(c->out, "");
    rc = rc ? rc : copy_props(c, 0, NODE_COPY);
    rc = rc ? rc : write_children(c, 0, 0);
    rc = rc ? rc : write_memory(c);
    rc = rc ? rc : write_cpus(c);
    rc = rc ? rc : write_psci(c);
    rc = rc ? rc : write_hypervisor(c);
    return rc ? rc : fdt_end_node(c->out);
}

static int find_nodes(struct ctx *c)
{
    const struct bootinfo *bi = c->info->bi;
    c->gic_node = fdt_node_offset_by_compatible(c->host, -1, "arm,gic-v3");
    c->timer_node = fdt_node_offset_by_compatible(c->host, -1, "arm,armv8-timer");
    c->uart_node = bi->uart_found ? fdt_path_offset(c->host, bi->uart_path) : -1;
    if (c->gic_node < 0 || c->timer_node < 0 || c->info->nr_banks == 0)
        return -EINVAL;
    c->gic_phandle = fdt_get_phandle(c->host, c->gic_node);
    return c->gic_phandle ? 0 : -EINVAL;
}

int dom0_fdt_build(const void *host, void *buf, size_t size, const struct dom0_fdt_info *info)
{
    struct ctx c = { .host = host, .out = buf, .info = info };
    int rc = find_nodes(&c);
    if (rc)
        return rc;
    rc = fdt_create(buf, (int)size);
    for (int i = 0; !rc && i < fdt_num_mem_rsv(host); i++) {
        uint64_t addr, len;
        if (fdt_get_mem_rsv(host, i, &addr, &len) == 0)
            rc = fdt_add_reservemap_entry(buf, addr, len);
    }
    rc = rc ? rc : fdt_finish_reservemap(buf);
    rc = rc ? rc : write_root(&c);
    rc = rc ? rc : fdt_finish(buf);
    if (c.map_err)
        return c.map_err;
    if (rc == -FDT_ERR_NOSPACE)
        return -ENOSPC;
    return rc ? -EINVAL : 0;        /* any other libfdt error: the host tree */
}

int dom0_add_bank(struct dom0_fdt_info *info, paddr_t start, paddr_t size)
{
    unsigned int i = 0;
    while (i < info->nr_banks && info->banks[i].start < start)
        i++;
    /* Merge with the bank before or after when they touch. */
    if (i > 0 && info->banks[i - 1].start + info->banks[i - 1].size == start) {
        info->banks[i - 1].size += size;
        if (i < info->nr_banks && start + size == info->banks[i].start) {
            info->banks[i - 1].size += info->banks[i].size;
            for (unsigned int j = i; j + 1 < info->nr_banks; j++)
                info->banks[j] = info->banks[j + 1];
            info->nr_banks--;
        }
        return 0;
    }
    if (i < info->nr_banks && start + size == info->banks[i].start) {
        info->banks[i].start = start;
        info->banks[i].size += size;
        return 0;
    }
    if (info->nr_banks == DOM0_MAX_BANKS)
        return -E2BIG;
    for (unsigned int j = info->nr_banks; j > i; j--)
        info->banks[j] = info->banks[j - 1];
    info->banks[i] = (struct boot_range){ start, size };
    info->nr_banks++;
    return 0;
}

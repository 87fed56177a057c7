/* dom0's device tree, made from the real QEMU virt DTB fixture. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "check.h"
#include "dom0_fdt.h"

static void *host;
static struct bootinfo bi;
static uint8_t out[256 * 1024];

struct mapped { uint64_t start, size; } maps[128];
static unsigned int nr_maps;

static int record_map(void *arg, paddr_t start, paddr_t size)
{
    (void)arg;
    if (nr_maps < 128)
        maps[nr_maps++] = (struct mapped){ start, size };
    return 0;
}

static bool was_mapped(uint64_t addr)
{
    for (unsigned int i = 0; i < nr_maps; i++)
        if (addr >= maps[i].start && addr - maps[i].start < maps[i].size)
            return true;
    return false;
}

static void load_fixture(void)
{
    FILE *f = fopen("tests/fixtures/qemu-virt-2cpu-2g.dtb", "rb");
    host = calloc(1, 1 << 20);
    size_t n = f ? fread(host, 1, 1 << 20, f) : 0;
    if (f)
        fclose(f);
    if (!n || bootfdt_parse(host, &bi) != 0) {
        printf("cannot load the fixture\n");
        exit(1);
    }
}

static struct dom0_fdt_info make_info(void)
{
    struct dom0_fdt_info info = {
        .bi = &bi, .nr_banks = 2, .nr_vcpus = 2,
        .cmdline = "console=hvc0 earlycon=xenboot",
        .initrd_start = 0x48200000, .initrd_end = 0x48a00000,
        .gnttab = { 0x40200000, 0x40000 }, .evtchn_intid = 16,
        .map_mmio = record_map,
    };
    info.banks[0] = (struct boot_range){ 0x40000000, 0x20000000 };
    info.banks[1] = (struct boot_range){ 0x80000000, 0x10000000 };
    return info;
}

static const void *prop(const char *path, const char *name, int *len)
{
    int off = fdt_path_offset(out, path);
    return off < 0 ? NULL : fdt_getprop(out, off, name, len);
}

static uint32_t cell(const void *p, int i)
{
    return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

static void build(void)
{
    struct dom0_fdt_info info = make_info();
    nr_maps = 0;
    CHECK_EQ(dom0_fdt_build(host, out, sizeof(out), &info), 0);
    CHECK_EQ(fdt_check_full(out, sizeof(out)), 0);
}

static void test_hypervisor_node(void)
{
    int len;
    build();
    const char *compat = prop("/hypervisor", "compatible", &len);
    CHECK(compat && strcmp(compat, "xen,xen-4.17") == 0 && len == (int)sizeof("xen,xen-4.17\0xen,xen"));
    const void *reg = prop("/hypervisor", "reg", &len);
    CHECK(reg && len == 16 && cell(reg, 1) == 0x40200000 && cell(reg, 3) == 0x40000);
    const void *irq = prop("/hypervisor", "interrupts", &len);
    CHECK(irq && len == 12 && cell(irq, 0) == 1 && cell(irq, 1) == 0 && cell(irq, 2) == 0xf08);
    const void *parent = prop("/hypervisor", "interrupt-parent", &len);
    CHECK(parent && cell(parent, 0) == bi.gic_phandle);
}

static void test_chosen(void)
{
    int len;
    build();
    const char *args = prop("/chosen", "bootargs", &len);
    CHECK(args && strcmp(args, "console=hvc0 earlycon=xenboot") == 0);
    const void *s = prop("/chosen", "linux,initrd-start", &len);
    CHECK(s && len == 8 && cell(s, 0) == 0 && cell(s, 1) == 0x48200000);
    const void *e = prop("/chosen", "linux,initrd-end", &len);
    CHECK(e && len == 8 && cell(e, 1) == 0x48a00000);
    CHECK(prop("/chosen", "stdout-path", &len) == NULL);
    CHECK(prop("/chosen", "kaslr-seed", &len) == NULL);
}

static void test_memory_cpus_psci(void)
{
    int len;
    build();
    const void *reg = prop("/memory@40000000", "reg", &len);
    CHECK(reg && len == 32 && cell(reg, 1) == 0x40000000 && cell(reg, 3) == 0x20000000 &&
          cell(reg, 5) == 0x80000000 && cell(reg, 7) == 0x10000000);
    CHECK_EQ(fdt_node_offset_by_prop_value(out, fdt_path_offset(out, "/memory@40000000"),
                                           "device_type", "memory", 7), -FDT_ERR_NOTFOUND);
    const void *r1 = prop("/cpus/cpu@1", "reg", &len);
    CHECK(r1 && cell(r1, 0) == 1);
    const char *c0 = prop("/cpus/cpu@0", "compatible", &len);
    CHECK(c0 && strcmp(c0, "arm,cortex-a72") == 0);
    CHECK(prop("/cpus/cpu@2", "reg", &len) == NULL);
    const char *m = prop("/psci", "method", &len);
    CHECK(m && strcmp(m, "hvc") == 0);
}

static void test_gic_and_timer(void)
{
    int len, gic = fdt_node_offset_by_compatible(out, -1, "arm,gic-v3");
    build();
    gic = fdt_node_offset_by_compatible(out, -1, "arm,gic-v3");
    CHECK(gic >= 0);
    const void *reg = fdt_getprop(out, gic, "reg", &len);
    CHECK(reg && len == 32 && cell(reg, 1) == 0x08000000 && cell(reg, 5) == 0x080a0000);
    CHECK(fdt_first_subnode(out, gic) < 0);                     /* no ITS */
    CHECK_EQ(fdt_get_phandle(out, gic), bi.gic_phandle);
    CHECK(fdt_node_offset_by_compatible(out, -1, "arm,gic-v3-its") < 0);
    CHECK(fdt_path_offset(out, "/interrupt-controller") == gic);    /* Xen's node name */
    int t = fdt_node_offset_by_compatible(out, -1, "arm,armv8-timer");
    const void *irq = fdt_getprop(out, t, "interrupts", &len);
    CHECK(irq && len == 36 && cell(irq, 1) == 13 && cell(irq, 4) == 14 && cell(irq, 7) == 11);
    const void *tp = fdt_getprop(out, t, "interrupt-parent", &len);
    CHECK(tp && cell(tp, 0) == bi.gic_phandle);
}

static void test_devices_kept_hidden_and_mapped(void)
{
    int len;
    build();
    CHECK(fdt_path_offset(out, "/pl011@9000000") < 0);          /* the hypervisor's UART */
    CHECK(fdt_path_offset(out, "/pl031@9010000") >= 0);
    CHECK(fdt_path_offset(out, "/virtio_mmio@a000000") >= 0);
    CHECK(fdt_node_offset_by_compatible(out, -1, "arm,armv8-pmuv3") < 0);
    int pci = fdt_node_offset_by_compatible(out, -1, "pci-host-ecam-generic");
    CHECK(pci >= 0 && fdt_getprop(out, pci, "msi-map", &len) == NULL);
    CHECK(was_mapped(0x0a000000) && was_mapped(0x0a003e00));   /* virtio-mmio */
    CHECK(was_mapped(0x09010000));                              /* RTC */
    CHECK(was_mapped(0x4010000000));                            /* PCIe ECAM (high) */
    CHECK(was_mapped(0x10000000) && was_mapped(0x8000000000));  /* PCIe windows */
    CHECK(!was_mapped(0x09000000));                             /* not the UART */
    CHECK(!was_mapped(0x08000000) && !was_mapped(0x080a0000));  /* not the GIC */
    CHECK(!was_mapped(0x40000000));                             /* not RAM */
}

static void test_too_small_and_map_error(void)
{
    static uint8_t small[1024];
    struct dom0_fdt_info info = make_info();
    CHECK_EQ(dom0_fdt_build(host, small, sizeof(small), &info), -28);
    info.nr_banks = 0;
    CHECK_EQ(dom0_fdt_build(host, out, sizeof(out), &info), -22);
}

static int fail_map(void *arg, paddr_t start, paddr_t size)
{
    (void)arg; (void)start; (void)size;
    return -12;
}

static void test_map_failure_reported(void)
{
    struct dom0_fdt_info info = make_info();
    info.map_mmio = fail_map;
    CHECK_EQ(dom0_fdt_build(host, out, sizeof(out), &info), -12);
}

static void test_banks_sorted_and_merged(void)
{
    struct dom0_fdt_info info = { 0 };
    CHECK_EQ(dom0_add_bank(&info, 0x60000000, 0x10000000), 0);
    CHECK_EQ(dom0_add_bank(&info, 0x40000000, 0x10000000), 0);
    CHECK_EQ(info.nr_banks, 2);
    CHECK_EQ(info.banks[0].start, 0x40000000);
    CHECK_EQ(dom0_add_bank(&info, 0x50000000, 0x10000000), 0);  /* fills the gap: one bank */
    CHECK_EQ(info.nr_banks, 1);
    CHECK_EQ(info.banks[0].size, 0x30000000);
    CHECK_EQ(dom0_add_bank(&info, 0x3ff00000, 0x100000), 0);    /* touches the start */
    CHECK_EQ(info.nr_banks, 1);
    CHECK_EQ(info.banks[0].start, 0x3ff00000);
    for (unsigned int i = 1; i < DOM0_MAX_BANKS; i++)
        CHECK_EQ(dom0_add_bank(&info, 0x100000000UL * i, 0x1000), 0);
    CHECK_EQ(dom0_add_bank(&info, 0x100000000UL * 40, 0x1000), -7);
}

/* The nodes the real Xen 4.17 gave dom0 on the same machine (tests/fixtures/xen417-dom0.dtb). */
static void collect_names(const void *fdt, int node, char names[][64], int *n)
{
    int child;
    fdt_for_each_subnode(child, fdt, node) {
        if (*n < 128)
            snprintf(names[(*n)++], 64, "%s", fdt_get_name(fdt, child, NULL));
        collect_names(fdt, child, names, n);
    }
}

static void test_same_nodes_as_xen(void)
{
    static char ours[128][64], xens[128][64];
    static uint8_t xen[256 * 1024];
    int n_ours = 0, n_xen = 0;
    FILE *f = fopen("tests/fixtures/xen417-dom0.dtb", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fread(xen, 1, sizeof(xen), f) > 0);
    fclose(f);
    struct dom0_fdt_info info = make_info();        /* Xen's run: 512 MiB at 0x60000000 */
    info.nr_banks = 1;
    info.banks[0] = (struct boot_range){ 0x60000000, 0x20000000 };
    CHECK_EQ(dom0_fdt_build(host, out, sizeof(out), &info), 0);
    collect_names(out, 0, ours, &n_ours);
    collect_names(xen, 0, xens, &n_xen);
    CHECK_EQ(n_ours, n_xen);
    for (int i = 0; i < n_xen; i++) {
        bool found = false;
        for (int j = 0; j < n_ours && !found; j++)
            found = strcmp(xens[i], ours[j]) == 0;
        if (!found)
            printf("  Xen's dom0 has node %s, ours not\n", xens[i]);
        CHECK(found);
    }
}

int main(void)
{
    CHECK_MAIN_BEGIN("dom0_fdt");
    load_fixture();
    RUN(test_hypervisor_node);
    RUN(test_chosen);
    RUN(test_memory_cpus_psci);
    RUN(test_gic_and_timer);
    RUN(test_devices_kept_hidden_and_mapped);
    RUN(test_too_small_and_map_error);
    RUN(test_map_failure_reported);
    RUN(test_banks_sorted_and_merged);
    RUN(test_same_nodes_as_xen);
    CHECK_MAIN_END();
}

/*
 * bootfdt_parse() against the real QEMU virt DTB (tests/fixtures), then
 * against variants of it edited in memory with libfdt's read-write API:
 * command-line precedence, /chosen modules, dom0-less domains, the console
 * lookup, reserved memory and malformed trees.
 *
 * Note for the builders below: fdt_add_subnode() inserts the new node
 * before its existing siblings, so nodes whose order matters are added last
 * first.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "check.h"
#include "errno.h"

#define FIXTURE "tests/fixtures/qemu-virt-2cpu-2g.dtb"
#define SLACK 65536

static struct bootinfo bi;
static char *fixture;
static size_t fixture_len;

static void load_fixture(void)
{
    FILE *f = fopen(FIXTURE, "rb");
    long len;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        printf("cannot read %s (run from the repository root)\n", FIXTURE);
        exit(1);
    }
    fixture_len = (size_t)len;
    fixture = malloc(fixture_len);
    if (!fixture || fread(fixture, 1, fixture_len, f) != fixture_len) {
        printf("short read of %s\n", FIXTURE);
        exit(1);
    }
    fclose(f);
}

/* A writable copy of the fixture with room to add nodes and properties. */
static void *variant(void)
{
    size_t size = fixture_len + SLACK;
    void *fdt = malloc(size);

    if (!fdt || fdt_open_into(fixture, fdt, (int)size) != 0) {
        printf("fdt_open_into failed\n");
        exit(1);
    }
    return fdt;
}

static int path(void *fdt, const char *p)
{
    int node = fdt_path_offset(fdt, p);

    CHECK(node >= 0);
    return node;
}

/* Set a string property on the node at path p. */
static void set_str(void *fdt, const char *p, const char *name, const char *val)
{
    CHECK_EQ(fdt_setprop_string(fdt, path(fdt, p), name, val), 0);
}

/* Add parent/name with a compatible list of n entries; returns its offset. */
static int add_node(void *fdt, const char *parent, const char *name, int n,
                    const char *const compat[])
{
    int node = fdt_add_subnode(fdt, path(fdt, parent), name);

    CHECK(node >= 0);
    for (int i = 0; i < n; i++)
        CHECK_EQ(fdt_appendprop_string(fdt, node, "compatible", compat[i]), 0);
    return node;
}

/* A module under parent with 2/2-cell reg (what QEMU's guest-loader writes). */
static void add_module(void *fdt, const char *parent, const char *name, int n,
                       const char *const compat[], uint64_t addr, uint64_t size,
                       const char *bootargs)
{
    int node = add_node(fdt, parent, name, n, compat);

    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", addr), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", size), 0);
    if (bootargs)
        CHECK_EQ(fdt_setprop_string(fdt, node, "bootargs", bootargs), 0);
}

static const char *const qemu_kernel[] = { "multiboot,module", "multiboot,kernel" };
static const char *const qemu_ramdisk[] = { "multiboot,module", "multiboot,ramdisk" };
static const char *const untyped[] = { "multiboot,module" };

/* ---- the real QEMU DTB ------------------------------------------------- */

static void test_qemu_virt_fixture(void)
{
    CHECK_EQ(bootfdt_parse(fixture, &bi), 0);
    CHECK_EQ(bi.addr_cells, 2);
    CHECK_EQ(bi.size_cells, 2);
    CHECK_EQ(bi.nr_mem, 1);
    CHECK_EQ(bi.mem[0].start, 0x40000000);
    CHECK_EQ(bi.mem[0].size, 0x80000000);
    CHECK_EQ(bi.nr_reserved, 0);
    CHECK_EQ(bi.nr_cpus, 2);
    CHECK_EQ(bi.cpu_mpidr[0], 0);
    CHECK_EQ(bi.cpu_mpidr[1], 1);
    CHECK_EQ(bi.gicd.start, 0x08000000);
    CHECK_EQ(bi.gicd.size, 0x10000);
    CHECK_EQ(bi.nr_gicr, 1);
    CHECK_EQ(bi.gicr[0].start, 0x080A0000);
    CHECK_EQ(bi.gicr[0].size, 0xF60000);
    CHECK_EQ(bi.gic_maint_intid, 25);     /* <1 9 4>: PPI 9 */
    CHECK_EQ(bi.gic_phandle, 0x8003);
    CHECK_EQ(bi.timer_sec_phys_intid, 29);
    CHECK_EQ(bi.timer_phys_intid, 30);
    CHECK_EQ(bi.timer_virt_intid, 27);
    CHECK_EQ(bi.timer_hyp_intid, 26);
    CHECK_EQ(bi.timer_clock_frequency, 0);
    CHECK(bi.uart_found);
    CHECK_EQ(bi.uart.start, 0x09000000);
    CHECK_EQ(bi.uart.size, 0x1000);
    CHECK_EQ(bi.uart_intid, 33);          /* <0 1 4>: SPI 1 */
    CHECK(strcmp(bi.uart_path, "/pl011@9000000") == 0);
    CHECK_EQ(bi.psci_conduit, PSCI_CONDUIT_SMC);
    CHECK_EQ(bi.cmdline[0], '\0');
    CHECK_EQ(bi.dom0_kernel.kind, BOOTMOD_NONE);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_NONE);
    CHECK(!bi.has_dom0_cmdline);
    CHECK_EQ(bi.nr_domus, 0);
}

static void test_timer_clock_frequency_and_psci_hvc(void)
{
    void *fdt = variant();
    int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");

    CHECK_EQ(fdt_setprop_u32(fdt, timer, "clock-frequency", 62500000), 0);
    set_str(fdt, "/psci", "method", "hvc");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.timer_clock_frequency, 62500000);
    CHECK_EQ(bi.psci_conduit, PSCI_CONDUIT_HVC);
    free(fdt);
}

/* ---- command lines ----------------------------------------------------- */

static void test_cmdline_xen_bootargs_first(void)
{
    void *fdt = variant();

    set_str(fdt, "/chosen", "bootargs", "console=hvc0");
    set_str(fdt, "/chosen", "lamina,bootargs", "lamina");
    set_str(fdt, "/chosen", "xen,xen-bootargs", "dom0_mem=1G");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(strcmp(bi.cmdline, "dom0_mem=1G") == 0);
    /* No other dom0 source: /chosen/bootargs is dom0's. */
    CHECK(bi.has_dom0_cmdline);
    CHECK(strcmp(bi.dom0_cmdline, "console=hvc0") == 0);
    free(fdt);
}

static void test_cmdline_lamina_bootargs(void)
{
    void *fdt = variant();

    set_str(fdt, "/chosen", "bootargs", "console=hvc0");
    set_str(fdt, "/chosen", "lamina,bootargs", "loglvl=all");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(strcmp(bi.cmdline, "loglvl=all") == 0);
    CHECK(strcmp(bi.dom0_cmdline, "console=hvc0") == 0);
    free(fdt);
}

/* QEMU -append alone is dom0's line, not the hypervisor's. */
static void test_cmdline_bootargs_alone_is_dom0s(void)
{
    void *fdt = variant();

    set_str(fdt, "/chosen", "bootargs", "root=/dev/vda2");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.cmdline[0], '\0');
    CHECK(bi.has_dom0_cmdline);
    CHECK(strcmp(bi.dom0_cmdline, "root=/dev/vda2") == 0);
    free(fdt);
}

static void test_cmdline_dom0_bootargs_frees_bootargs(void)
{
    void *fdt = variant();

    set_str(fdt, "/chosen", "bootargs", "dom0_mem=512M");
    set_str(fdt, "/chosen", "xen,dom0-bootargs", "console=hvc0");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(strcmp(bi.cmdline, "dom0_mem=512M") == 0);
    CHECK(strcmp(bi.dom0_cmdline, "console=hvc0") == 0);
    free(fdt);
}

static void test_cmdline_truncated_safely(void)
{
    void *fdt = variant();
    char big[BOOT_CMDLINE_MAX + 100];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    set_str(fdt, "/chosen", "xen,xen-bootargs", big);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(bi.cmdline[BOOT_CMDLINE_MAX - 2], 'x');
    free(fdt);
}

/* ---- dom0 modules ------------------------------------------------------ */

static void test_modules_qemu_compatible_order(void)
{
    void *fdt = variant();

    set_str(fdt, "/chosen", "bootargs", "dom0_mem=1G");
    add_module(fdt, "/chosen", "module@58000000", 2, qemu_ramdisk, 0x58000000, 0x400000, NULL);
    add_module(fdt, "/chosen", "module@50000000", 2, qemu_kernel, 0x50000000, 0x2000000,
               "console=hvc0 root=/dev/vda2");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_kernel.kind, BOOTMOD_KERNEL);
    CHECK_EQ(bi.dom0_kernel.start, 0x50000000);
    CHECK_EQ(bi.dom0_kernel.size, 0x2000000);
    CHECK(bi.dom0_kernel.has_cmdline);
    CHECK(strcmp(bi.dom0_kernel.cmdline, "console=hvc0 root=/dev/vda2") == 0);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x58000000);
    CHECK_EQ(bi.dom0_ramdisk.size, 0x400000);
    CHECK(!bi.dom0_ramdisk.has_cmdline);
    /* The kernel module has its own line, so /chosen/bootargs is the hypervisor's. */
    CHECK(strcmp(bi.cmdline, "dom0_mem=1G") == 0);
    CHECK(strcmp(bi.dom0_cmdline, "console=hvc0 root=/dev/vda2") == 0);
    free(fdt);
}

static void test_dom0_bootargs_overrides_module(void)
{
    void *fdt = variant();

    set_str(fdt, "/chosen", "xen,dom0-bootargs", "from-chosen");
    add_module(fdt, "/chosen", "module@50000000", 2, qemu_kernel, 0x50000000, 0x1000,
               "from-module");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(strcmp(bi.dom0_cmdline, "from-chosen") == 0);
    CHECK(strcmp(bi.dom0_kernel.cmdline, "from-module") == 0);
    free(fdt);
}

/*
 * An untyped module first in DT order, then the typed ones: kinds must come
 * from the compatible lists (a typed module read as untyped would lose its
 * slot to the earlier untyped one).
 */
static void check_typed_modules(const char *const kernel[], const char *const ramdisk[])
{
    void *fdt = variant();

    add_module(fdt, "/chosen", "module@3", 2, ramdisk, 0x53000000, 0x3000, NULL);
    add_module(fdt, "/chosen", "module@2", 2, kernel, 0x52000000, 0x2000, NULL);
    add_module(fdt, "/chosen", "module@1", 1, untyped, 0x51000000, 0x1000, NULL);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_kernel.kind, BOOTMOD_KERNEL);
    CHECK_EQ(bi.dom0_kernel.start, 0x52000000);
    CHECK_EQ(bi.dom0_kernel.size, 0x2000);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x53000000);
    CHECK_EQ(bi.dom0_ramdisk.size, 0x3000);
    free(fdt);
}

static void test_modules_qemu_typed_beat_untyped(void)
{
    check_typed_modules(qemu_kernel, qemu_ramdisk);
}

static void test_modules_legacy_compatibles(void)
{
    static const char *const zimage[] = { "xen,linux-zimage", "xen,multiboot-module" };
    static const char *const initrd[] = { "xen,linux-initrd", "xen,multiboot-module" };

    check_typed_modules(zimage, initrd);
}

static void test_modules_untyped_kernel_then_ramdisk(void)
{
    static const char *const other[] = { "vendor,blob" };
    void *fdt = variant();

    add_module(fdt, "/chosen", "module@3", 1, untyped, 0x53000000, 0x1000, NULL);
    add_module(fdt, "/chosen", "module@2", 1, untyped, 0x52000000, 0x1000, NULL);
    add_node(fdt, "/chosen", "not-a-module", 1, other);
    add_module(fdt, "/chosen", "module@1", 1, untyped, 0x51000000, 0x1000, NULL);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_kernel.kind, BOOTMOD_KERNEL);
    CHECK_EQ(bi.dom0_kernel.start, 0x51000000);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x52000000);
    free(fdt);
}

/* Untyped modules fill the slots the typed ones left. */
static void test_modules_untyped_fill_free_slot(void)
{
    void *fdt = variant();

    add_module(fdt, "/chosen", "module@2", 2, qemu_kernel, 0x52000000, 0x1000, NULL);
    add_module(fdt, "/chosen", "module@1", 1, untyped, 0x51000000, 0x1000, NULL);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_kernel.start, 0x52000000);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x51000000);
    free(fdt);
}

/* Module reg is sized by /chosen's own cells when it has them. */
static void test_modules_chosen_cells(void)
{
    void *fdt = variant();
    int node;

    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/chosen"), "#address-cells", 1), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/chosen"), "#size-cells", 1), 0);
    node = add_node(fdt, "/chosen", "module@50000000", 2, qemu_kernel);
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "reg", 0x50000000), 0);
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "reg", 0x123000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_kernel.kind, BOOTMOD_KERNEL);
    CHECK_EQ(bi.dom0_kernel.start, 0x50000000);
    CHECK_EQ(bi.dom0_kernel.size, 0x123000);
    free(fdt);
}

static void test_initrd_props_u32(void)
{
    void *fdt = variant();
    int chosen = path(fdt, "/chosen");

    CHECK_EQ(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", 0x48200000), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, chosen, "linux,initrd-end", 0x48a00000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x48200000);
    CHECK_EQ(bi.dom0_ramdisk.size, 0x800000);
    free(fdt);
}

static void test_initrd_props_u64(void)
{
    void *fdt = variant();
    int chosen = path(fdt, "/chosen");

    CHECK_EQ(fdt_setprop_u64(fdt, chosen, "linux,initrd-start", 0x100000000ULL), 0);
    CHECK_EQ(fdt_setprop_u64(fdt, chosen, "linux,initrd-end", 0x100400000ULL), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x100000000ULL);
    CHECK_EQ(bi.dom0_ramdisk.size, 0x400000);
    free(fdt);
}

static void test_initrd_props_invalid_ignored(void)
{
    void *fdt = variant();
    int chosen = path(fdt, "/chosen");

    CHECK_EQ(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", 0x48a00000), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, chosen, "linux,initrd-end", 0x48200000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_NONE);
    CHECK_EQ(fdt_delprop(fdt, path(fdt, "/chosen"), "linux,initrd-end"), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_NONE);
    free(fdt);
}

static void test_initrd_props_lose_to_module(void)
{
    void *fdt = variant();
    int chosen = path(fdt, "/chosen");

    CHECK_EQ(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", 0x48200000), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, chosen, "linux,initrd-end", 0x48a00000), 0);
    add_module(fdt, "/chosen", "module@58000000", 2, qemu_ramdisk, 0x58000000, 0x1000, NULL);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.dom0_ramdisk.start, 0x58000000);
    CHECK_EQ(bi.dom0_ramdisk.size, 0x1000);
    free(fdt);
}

/* ---- dom0-less domains ------------------------------------------------- */

static const char *const xen_domain[] = { "xen,domain" };

static int add_domain(void *fdt, const char *name)
{
    int node = add_node(fdt, "/chosen", name, 1, xen_domain);

    CHECK_EQ(fdt_setprop_u32(fdt, node, "#address-cells", 2), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, node, "#size-cells", 2), 0);
    return node;
}

static void build_domains(void *fdt)
{
    int node;

    /* Added last-first: DT order is domU1, domU2, domU3. */
    node = add_domain(fdt, "domU3");     /* no kernel: skipped */
    CHECK_EQ(fdt_setprop_u32(fdt, node, "memory", 0x10000), 0);
    add_module(fdt, "/chosen/domU3", "module@5a000000", 2, qemu_ramdisk, 0x5a000000,
               0x1000, NULL);

    node = add_domain(fdt, "domU2");
    CHECK_EQ(fdt_setprop_u32(fdt, node, "memory", 0x10000), 0);     /* 1 cell */
    add_module(fdt, "/chosen/domU2", "module@5c000000", 2, qemu_kernel, 0x5c000000,
               0x200000, NULL);

    node = add_domain(fdt, "domU1");
    CHECK_EQ(fdt_setprop_u64(fdt, node, "memory", 0x20000), 0);     /* 2 cells */
    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/chosen/domU1"), "cpus", 2), 0);
    CHECK_EQ(fdt_setprop_empty(fdt, path(fdt, "/chosen/domU1"), "vpl011"), 0);
    add_module(fdt, "/chosen/domU1", "module@5e000000", 2, qemu_ramdisk, 0x5e000000,
               0x300000, NULL);
    add_module(fdt, "/chosen/domU1", "module@5d000000", 2, qemu_kernel, 0x5d000000,
               0x800000, "console=ttyAMA0");
}

static void test_domus(void)
{
    void *fdt = variant();

    build_domains(fdt);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_domus, 2);
    CHECK(strcmp(bi.domus[0].name, "domU1") == 0);
    CHECK_EQ(bi.domus[0].mem_kib, 0x20000);
    CHECK_EQ(bi.domus[0].vcpus, 2);
    CHECK(bi.domus[0].vpl011);
    CHECK_EQ(bi.domus[0].kernel.kind, BOOTMOD_KERNEL);
    CHECK_EQ(bi.domus[0].kernel.start, 0x5d000000);
    CHECK_EQ(bi.domus[0].kernel.size, 0x800000);
    CHECK(bi.domus[0].kernel.has_cmdline);
    CHECK(strcmp(bi.domus[0].kernel.cmdline, "console=ttyAMA0") == 0);
    CHECK_EQ(bi.domus[0].ramdisk.kind, BOOTMOD_RAMDISK);
    CHECK_EQ(bi.domus[0].ramdisk.start, 0x5e000000);
    CHECK_EQ(bi.domus[0].dtb.kind, BOOTMOD_NONE);

    CHECK(strcmp(bi.domus[1].name, "domU2") == 0);
    CHECK_EQ(bi.domus[1].mem_kib, 0x10000);
    CHECK_EQ(bi.domus[1].vcpus, 1);
    CHECK(!bi.domus[1].vpl011);
    CHECK_EQ(bi.domus[1].kernel.start, 0x5c000000);
    CHECK(!bi.domus[1].kernel.has_cmdline);
    CHECK_EQ(bi.domus[1].ramdisk.kind, BOOTMOD_NONE);
    CHECK_EQ(bi.domus[2].name[0], '\0');     /* the skipped domU3 left nothing */

    /* Domain modules are not dom0's. */
    CHECK_EQ(bi.dom0_kernel.kind, BOOTMOD_NONE);
    CHECK_EQ(bi.dom0_ramdisk.kind, BOOTMOD_NONE);
    free(fdt);
}

/* Each domain has one configuration mistake: all are skipped, none is fatal. */
static void test_domus_misconfigured_skipped(void)
{
    const fdt32_t three[3] = { 0, 0, cpu_to_fdt32(0x10000) };
    static const char *const names[] = { "domU4", "domU3", "domU2", "domU1" };
    void *fdt = variant();

    for (unsigned int i = 0; i < 4; i++) {
        char parent[32];

        add_domain(fdt, names[i]);
        snprintf(parent, sizeof(parent), "/chosen/%s", names[i]);
        add_module(fdt, parent, "module@5d000000", 2, qemu_kernel, 0x5d000000, 0x1000, NULL);
    }
    CHECK_EQ(fdt_setprop(fdt, path(fdt, "/chosen/domU1"), "memory", three, sizeof(three)), 0);
    /* 2^64 - 1 KiB does not fit in bytes. */
    CHECK_EQ(fdt_setprop_u64(fdt, path(fdt, "/chosen/domU2"), "memory", ~0ULL), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/chosen/domU3"), "memory", 0x10000), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/chosen/domU3"), "cpus", 0), 0);
    /* domU4 has no memory at all. */
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_domus, 0);
    CHECK_EQ(bi.domus[0].name[0], '\0');
    free(fdt);
}

/* ---- console ----------------------------------------------------------- */

/* A second PL011 placed first in DT order, so the fallback picks it. */
static void add_second_uart(void *fdt)
{
    static const char *const pl011[] = { "arm,pl011", "arm,primecell" };
    int node = add_node(fdt, "/", "pl011@9100000", 2, pl011);

    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x09100000), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x1000), 0);
    node = path(fdt, "/pl011@9100000");
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "interrupts", 0), 0);
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "interrupts", 5), 0);
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "interrupts", 4), 0);
}

static void test_uart_first_pl011_without_stdout_path(void)
{
    void *fdt = variant();

    add_second_uart(fdt);
    CHECK_EQ(fdt_delprop(fdt, path(fdt, "/chosen"), "stdout-path"), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(bi.uart_found);
    CHECK_EQ(bi.uart.start, 0x09100000);
    CHECK_EQ(bi.uart_intid, 37);
    CHECK(strcmp(bi.uart_path, "/pl011@9100000") == 0);
    free(fdt);
}

static void test_uart_stdout_path_alias_with_options(void)
{
    void *fdt = variant();
    int aliases;

    add_second_uart(fdt);
    aliases = fdt_add_subnode(fdt, 0, "aliases");
    CHECK(aliases >= 0);
    CHECK_EQ(fdt_setprop_string(fdt, aliases, "serial0", "/pl011@9000000"), 0);
    set_str(fdt, "/chosen", "stdout-path", "serial0:115200n8");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(bi.uart_found);
    CHECK_EQ(bi.uart.start, 0x09000000);
    CHECK_EQ(bi.uart_intid, 33);
    CHECK(strcmp(bi.uart_path, "/pl011@9000000") == 0);
    /* An unknown alias falls back to the first PL011. */
    set_str(fdt, "/chosen", "stdout-path", "serial1:115200n8");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.uart.start, 0x09100000);
    free(fdt);
}

static void test_uart_stdout_path_with_options(void)
{
    void *fdt = variant();

    add_second_uart(fdt);
    set_str(fdt, "/chosen", "stdout-path", "/pl011@9000000:115200");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.uart.start, 0x09000000);
    CHECK(strcmp(bi.uart_path, "/pl011@9000000") == 0);
    free(fdt);
}

/* reg is sized by the parent bus' cells (QEMU's platform bus is 1/1). */
static void test_uart_under_bus_uses_parent_cells(void)
{
    static const char *const pl011[] = { "arm,pl011" };
    void *fdt = variant();
    int node = add_node(fdt, "/platform-bus@c000000", "pl011@2000", 1, pl011);

    CHECK_EQ(fdt_appendprop_u32(fdt, node, "reg", 0x2000), 0);
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "reg", 0x1000), 0);
    set_str(fdt, "/chosen", "stdout-path", "/platform-bus@c000000/pl011@2000");
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.uart.start, 0x2000);
    CHECK_EQ(bi.uart.size, 0x1000);
    CHECK_EQ(bi.uart_intid, 0);
    CHECK(strcmp(bi.uart_path, "/platform-bus@c000000/pl011@2000") == 0);
    free(fdt);
}

/* An interrupt routed to another controller than the GIC is not recorded. */
static void test_uart_interrupt_not_on_gic(void)
{
    void *fdt = variant();

    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/pl011@9000000"), "interrupt-parent", 0x8000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK(bi.uart_found);
    CHECK_EQ(bi.uart.start, 0x09000000);
    CHECK_EQ(bi.uart_intid, 0);
    free(fdt);
}

/* ---- memory ------------------------------------------------------------ */

static void test_memory_several_nodes_and_ranges(void)
{
    void *fdt = variant();
    int node = fdt_add_subnode(fdt, 0, "memory@100000000");

    CHECK(node >= 0);
    CHECK_EQ(fdt_setprop_string(fdt, node, "device_type", "memory"), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x100000000ULL), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x40000000), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x200000000ULL), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x10000000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_mem, 3);
    CHECK_EQ(bi.mem[0].start, 0x100000000ULL);
    CHECK_EQ(bi.mem[1].start, 0x200000000ULL);
    CHECK_EQ(bi.mem[1].size, 0x10000000);
    CHECK_EQ(bi.mem[2].start, 0x40000000);
    free(fdt);
}

static void test_memory_disabled_node_ignored(void)
{
    void *fdt = variant();
    int node = fdt_add_subnode(fdt, 0, "memory@100000000");

    CHECK(node >= 0);
    CHECK_EQ(fdt_setprop_string(fdt, node, "device_type", "memory"), 0);
    CHECK_EQ(fdt_setprop_string(fdt, node, "status", "disabled"), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x100000000ULL), 0);
    CHECK_EQ(fdt_appendprop_u64(fdt, node, "reg", 0x40000000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_mem, 1);
    CHECK_EQ(bi.mem[0].start, 0x40000000);
    free(fdt);
}

static void test_reserved_memory(void)
{
    void *fdt = variant();
    int rm, node;

    CHECK_EQ(fdt_add_mem_rsv(fdt, 0x48000000, 0x100000), 0);
    rm = fdt_add_subnode(fdt, 0, "reserved-memory");
    CHECK(rm >= 0);
    /* Its own 1/1 cells, unlike the root's 2/2. */
    CHECK_EQ(fdt_setprop_u32(fdt, rm, "#address-cells", 1), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, rm, "#size-cells", 1), 0);
    CHECK_EQ(fdt_setprop_empty(fdt, rm, "ranges"), 0);
    node = fdt_add_subnode(fdt, path(fdt, "/reserved-memory"), "pool");   /* dynamic */
    CHECK_EQ(fdt_setprop_u32(fdt, node, "size", 0x400000), 0);
    node = fdt_add_subnode(fdt, path(fdt, "/reserved-memory"), "fw@7f000000");
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "reg", 0x7f000000), 0);
    CHECK_EQ(fdt_appendprop_u32(fdt, node, "reg", 0x200000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_reserved, 2);
    CHECK_EQ(bi.reserved[0].start, 0x48000000);
    CHECK_EQ(bi.reserved[0].size, 0x100000);
    CHECK_EQ(bi.reserved[1].start, 0x7f000000);
    CHECK_EQ(bi.reserved[1].size, 0x200000);
    free(fdt);
}

static void test_boot_range_overlaps(void)
{
    struct boot_range r = { 0x1000, 0x1000 };
    struct boot_range top = { ~0ULL - 0xfff, 0x1000 };

    CHECK(boot_range_overlaps(&r, 0x1000, 1));
    CHECK(boot_range_overlaps(&r, 0x1fff, 1));
    CHECK(boot_range_overlaps(&r, 0x0, 0x2000));
    CHECK(boot_range_overlaps(&r, 0x1800, 0x10000));
    CHECK(!boot_range_overlaps(&r, 0x2000, 0x1000));
    CHECK(!boot_range_overlaps(&r, 0x0, 0x1000));
    CHECK(!boot_range_overlaps(&r, 0x1000, 0));
    CHECK(boot_range_overlaps(&top, ~0ULL, 1));
    CHECK(boot_range_overlaps(&top, ~0ULL - 0x10, ~0ULL));   /* wraps: saturates */
    CHECK(!boot_range_overlaps(&top, 0, 0x1000));
}

/* ---- CPUs and caps ----------------------------------------------------- */

static void test_cpus_capped_at_nr_cpus(void)
{
    void *fdt = variant();
    char name[16];

    for (int i = 2; i < CONFIG_NR_CPUS + 3; i++) {
        int node;

        snprintf(name, sizeof(name), "cpu@%x", i);
        node = fdt_add_subnode(fdt, path(fdt, "/cpus"), name);
        CHECK(node >= 0);
        CHECK_EQ(fdt_setprop_string(fdt, node, "device_type", "cpu"), 0);
        CHECK_EQ(fdt_setprop_u32(fdt, node, "reg", (uint32_t)i), 0);
    }
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_cpus, CONFIG_NR_CPUS);
    free(fdt);
}

static void test_cpus_two_cell_mpidr(void)
{
    void *fdt = variant();
    int cpus = path(fdt, "/cpus");

    CHECK_EQ(fdt_setprop_u32(fdt, cpus, "#address-cells", 2), 0);
    CHECK_EQ(fdt_setprop_u64(fdt, path(fdt, "/cpus/cpu@0"), "reg", 0x100000000ULL), 0);
    CHECK_EQ(fdt_setprop_u64(fdt, path(fdt, "/cpus/cpu@1"), "reg", 0x100ULL), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), 0);
    CHECK_EQ(bi.nr_cpus, 2);
    CHECK_EQ(bi.cpu_mpidr[0], 0x100000000ULL);
    CHECK_EQ(bi.cpu_mpidr[1], 0x100);
    free(fdt);
}

/* ---- malformed and incomplete trees ------------------------------------ */

static void test_bad_header(void)
{
    void *fdt = variant();

    ((unsigned char *)fdt)[0] ^= 0xff;     /* break the magic */
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    CHECK_EQ(bootfdt_parse(NULL, &bi), -EINVAL);
    free(fdt);
}

static void test_corrupt_structure_block(void)
{
    void *fdt = variant();
    struct fdt_header *h = fdt;

    /* Point the structure block past the end of the blob. */
    h->off_dt_struct = cpu_to_fdt32(fdt_totalsize(fdt) - 8);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

/* An unknown tag inside the structure block (the pmu node's first property). */
static void test_corrupt_structure_tag(void)
{
    void *fdt = variant();
    int pmu = path(fdt, "/pmu");
    int prop = fdt_first_property_offset(fdt, pmu);
    fdt32_t *tag;

    CHECK(prop >= 0);
    tag = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + prop);
    CHECK_EQ(fdt32_to_cpu(*tag), FDT_PROP);
    *tag = cpu_to_fdt32(0x7f);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_truncated_memory_reg(void)
{
    /* One whole 2+2-cell entry and half of a second one. */
    const fdt32_t reg[6] = { 0, cpu_to_fdt32(0x40000000), 0, cpu_to_fdt32(0x80000000), 0,
                             cpu_to_fdt32(0xc0000000) };
    void *fdt = variant();

    CHECK_EQ(fdt_setprop(fdt, path(fdt, "/memory@40000000"), "reg", reg, sizeof(reg)), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_truncated_gic_reg(void)
{
    const fdt32_t reg[4] = { 0, cpu_to_fdt32(0x08000000), 0, cpu_to_fdt32(0x10000) };
    void *fdt = variant();

    /* One entry cannot hold GICD plus #redistributor-regions = 1. */
    CHECK_EQ(fdt_setprop(fdt, path(fdt, "/intc@8000000"), "reg", reg, sizeof(reg)), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_gic_bad_redistributor_regions(void)
{
    void *fdt = variant();

    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/intc@8000000"), "#redistributor-regions", 0), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    CHECK_EQ(fdt_setprop_u32(fdt, path(fdt, "/intc@8000000"), "#redistributor-regions", 2), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_no_cpu_nodes(void)
{
    void *fdt = variant();

    CHECK_EQ(fdt_del_node(fdt, path(fdt, "/cpus/cpu@0")), 0);
    CHECK_EQ(fdt_del_node(fdt, path(fdt, "/cpus/cpu@1")), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_missing_memory(void)
{
    void *fdt = variant();

    CHECK_EQ(fdt_del_node(fdt, path(fdt, "/memory@40000000")), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_missing_cpus_gic_timer(void)
{
    static const char *const nodes[] = { "/cpus", "/intc@8000000", "/timer" };

    for (unsigned int i = 0; i < 3; i++) {
        void *fdt = variant();

        CHECK_EQ(fdt_del_node(fdt, path(fdt, nodes[i])), 0);
        CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
        free(fdt);
    }
}

static void test_address_cells_3_rejected(void)
{
    const fdt32_t reg[5] = { 0, 0, cpu_to_fdt32(0x7f000000), 0, cpu_to_fdt32(0x1000) };
    void *fdt = variant();
    int rm, node;

    CHECK_EQ(fdt_setprop_u32(fdt, 0, "#address-cells", 3), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);

    /* A 3-cell bus with a reg that fits its cells exactly is still refused. */
    fdt = variant();
    rm = fdt_add_subnode(fdt, 0, "reserved-memory");
    CHECK(rm >= 0);
    CHECK_EQ(fdt_setprop_u32(fdt, rm, "#address-cells", 3), 0);
    CHECK_EQ(fdt_setprop_u32(fdt, rm, "#size-cells", 2), 0);
    node = fdt_add_subnode(fdt, path(fdt, "/reserved-memory"), "fw@7f000000");
    CHECK(node >= 0);
    CHECK_EQ(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_timer_too_few_interrupts(void)
{
    void *fdt = variant();
    int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
    const void *irqs;
    fdt32_t three[9];
    int len;

    irqs = fdt_getprop(fdt, timer, "interrupts", &len);
    CHECK(irqs && len == 48);
    /* Keep three of the four specifiers: no hyp timer. */
    memcpy(three, irqs, sizeof(three));
    CHECK_EQ(fdt_setprop(fdt, timer, "interrupts", three, sizeof(three)), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_module_without_reg_rejected(void)
{
    void *fdt = variant();

    add_node(fdt, "/chosen", "module@0", 2, qemu_kernel);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -EINVAL);
    free(fdt);
}

static void test_reserved_table_full(void)
{
    void *fdt = variant();

    for (int i = 0; i <= BOOT_MAX_RESERVED; i++)
        CHECK_EQ(fdt_add_mem_rsv(fdt, 0x60000000 + (uint64_t)i * 0x10000, 0x1000), 0);
    CHECK_EQ(bootfdt_parse(fdt, &bi), -E2BIG);
    free(fdt);
}

int main(void)
{
    CHECK_MAIN_BEGIN("bootfdt");
    load_fixture();
    RUN(test_qemu_virt_fixture);
    RUN(test_timer_clock_frequency_and_psci_hvc);
    RUN(test_cmdline_xen_bootargs_first);
    RUN(test_cmdline_lamina_bootargs);
    RUN(test_cmdline_bootargs_alone_is_dom0s);
    RUN(test_cmdline_dom0_bootargs_frees_bootargs);
    RUN(test_cmdline_truncated_safely);
    RUN(test_modules_qemu_compatible_order);
    RUN(test_dom0_bootargs_overrides_module);
    RUN(test_modules_legacy_compatibles);
    RUN(test_modules_untyped_kernel_then_ramdisk);
    RUN(test_modules_qemu_typed_beat_untyped);
    RUN(test_modules_untyped_fill_free_slot);
    RUN(test_modules_chosen_cells);
    RUN(test_initrd_props_u32);
    RUN(test_initrd_props_u64);
    RUN(test_initrd_props_invalid_ignored);
    RUN(test_initrd_props_lose_to_module);
    RUN(test_domus);
    RUN(test_domus_misconfigured_skipped);
    RUN(test_uart_first_pl011_without_stdout_path);
    RUN(test_uart_stdout_path_alias_with_options);
    RUN(test_uart_stdout_path_with_options);
    RUN(test_uart_under_bus_uses_parent_cells);
    RUN(test_uart_interrupt_not_on_gic);
    RUN(test_memory_several_nodes_and_ranges);
    RUN(test_memory_disabled_node_ignored);
    RUN(test_reserved_memory);
    RUN(test_boot_range_overlaps);
    RUN(test_cpus_capped_at_nr_cpus);
    RUN(test_cpus_two_cell_mpidr);
    RUN(test_bad_header);
    RUN(test_corrupt_structure_block);
    RUN(test_corrupt_structure_tag);
    RUN(test_truncated_memory_reg);
    RUN(test_truncated_gic_reg);
    RUN(test_gic_bad_redistributor_regions);
    RUN(test_no_cpu_nodes);
    RUN(test_missing_memory);
    RUN(test_missing_cpus_gic_timer);
    RUN(test_address_cells_3_rejected);
    RUN(test_timer_too_few_interrupts);
    RUN(test_module_without_reg_rejected);
    RUN(test_reserved_table_full);
    free(fixture);
    CHECK_MAIN_END();
}

/*
 * What the hypervisor learns from the host device tree at boot: memory,
 * CPUs, the GIC, timer, UART and PSCI conduit, its own command line, and the
 * boot modules and dom0-less domains under /chosen (Xen's binding,
 * docs/misc/arm/device-tree/booting.txt). Filled by bootfdt_parse(), which is
 * portable C over libfdt and unit-tested against a real QEMU virt DTB.
 */
#ifndef LAMINA_BOOTINFO_H
#define LAMINA_BOOTINFO_H

#include "config.h"
#include "types.h"

#define BOOT_MAX_MEM_BANKS 16
#define BOOT_MAX_RESERVED 32
#define BOOT_MAX_REDIST 8
#define BOOT_MAX_DOMUS 16
#define BOOT_CMDLINE_MAX 512
#define BOOT_NAME_MAX 32

struct boot_range {
    paddr_t start;
    paddr_t size;
};

enum boot_module_kind { BOOTMOD_NONE = 0, BOOTMOD_KERNEL, BOOTMOD_RAMDISK, BOOTMOD_DTB };

struct boot_module {
    enum boot_module_kind kind;
    paddr_t start;
    paddr_t size;
    bool has_cmdline;
    char cmdline[BOOT_CMDLINE_MAX];  /* the module node's "bootargs" */
};

/* A domain described by a /chosen node with compatible "xen,domain". */
struct boot_domain {
    char name[BOOT_NAME_MAX];        /* the node name, e.g. "domU1" */
    uint64_t mem_kib;                /* "memory", in KiB */
    uint32_t vcpus;                  /* "cpus" */
    bool vpl011;                     /* "vpl011" present */
    struct boot_module kernel;       /* required */
    struct boot_module ramdisk;      /* kind == BOOTMOD_NONE if absent */
    struct boot_module dtb;          /* partial DT, kind == BOOTMOD_NONE if absent */
};

enum psci_conduit { PSCI_CONDUIT_NONE = 0, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

struct bootinfo {
    /* Root #address-cells/#size-cells (2/2 on QEMU virt). */
    uint32_t addr_cells, size_cells;

    struct boot_range mem[BOOT_MAX_MEM_BANKS];
    unsigned int nr_mem;
    /* /memreserve/ entries and /reserved-memory children with a reg. */
    struct boot_range reserved[BOOT_MAX_RESERVED];
    unsigned int nr_reserved;

    /* MPIDR affinity of each CPU node ("reg" of /cpus/cpu@N), DT order. */
    uint64_t cpu_mpidr[CONFIG_NR_CPUS];
    unsigned int nr_cpus;

    /* GICv3 ("arm,gic-v3"): distributor, redistributor regions, ITS present. */
    struct boot_range gicd;
    struct boot_range gicr[BOOT_MAX_REDIST];
    unsigned int nr_gicr;
    uint32_t gic_maint_intid;        /* absolute INTID of the maintenance PPI, 0 if absent */
    uint32_t gic_phandle;

    /* Generic timer ("arm,armv8-timer"): absolute INTIDs. */
    uint32_t timer_sec_phys_intid;   /* QEMU: 29 */
    uint32_t timer_phys_intid;       /* non-secure EL1 physical: 30 */
    uint32_t timer_virt_intid;       /* 27 */
    uint32_t timer_hyp_intid;        /* EL2 physical: 26 */
    uint32_t timer_clock_frequency;  /* "clock-frequency", 0 if absent */

    /* Console UART: from /chosen stdout-path (or the first arm,pl011). */
    bool uart_found;
    struct boot_range uart;
    uint32_t uart_intid;
    char uart_path[64];              /* its node path, to hide it from dom0 */

    enum psci_conduit psci_conduit;  /* /psci "method" */

    /* The hypervisor's own command line ("xen,xen-bootargs" or "lamina,bootargs"). */
    char cmdline[BOOT_CMDLINE_MAX];

    /* dom0's modules: /chosen children with multiboot,kernel / ramdisk. */
    struct boot_module dom0_kernel;  /* kind == BOOTMOD_NONE if absent */
    struct boot_module dom0_ramdisk;
    char dom0_cmdline[BOOT_CMDLINE_MAX];
    bool has_dom0_cmdline;

    struct boot_domain domus[BOOT_MAX_DOMUS];
    unsigned int nr_domus;
};

/*
 * Parse the flattened device tree at fdt. Returns 0, or a negative errno:
 * -EINVAL for a malformed tree or a missing mandatory node (memory, cpus,
 * GIC, timer), -E2BIG when the reserved table is full (dropping a
 * reservation is unsafe). Where dropping entries is harmless (memory banks,
 * CPUs, redistributor regions, domUs beyond the tables) a warning is logged
 * and parsing goes on.
 */
int bootfdt_parse(const void *fdt, struct bootinfo *bi);

/* A ranged set of machine addresses that the allocator must not hand out. */
bool boot_range_overlaps(const struct boot_range *r, paddr_t start, paddr_t size);

#endif

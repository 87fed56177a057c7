/*
 * dom0's device tree: the host's, rewritten as Xen does for dom0
 * (xen-arm-abi.md 2.3): /chosen with dom0's command line and initrd,
 * memory = dom0's banks, /cpus and /psci regenerated, the GIC and timer as
 * dom0 must see them, the hypervisor's UART and what dom0 must not touch
 * left out, and a /hypervisor node. Every device kept is reported to
 * map_mmio so its registers can be mapped 1:1.
 */
#ifndef LAMINA_DOM0_FDT_H
#define LAMINA_DOM0_FDT_H

#include "bootinfo.h"

#define DOM0_MAX_BANKS 16

struct dom0_fdt_info {
    const struct bootinfo *bi;
    struct boot_range banks[DOM0_MAX_BANKS];    /* dom0 RAM, ascending */
    unsigned int nr_banks;
    unsigned int nr_vcpus;
    const char *cmdline;
    paddr_t initrd_start, initrd_end;           /* 0, 0: no initrd */
    struct boot_range gnttab;                   /* /hypervisor region 0 */
    uint32_t evtchn_intid;                      /* the upcall PPI (absolute INTID) */
    /* A device range kept for dom0 (MMIO to map 1:1). Non-zero stops the build. */
    int (*map_mmio)(void *arg, paddr_t start, paddr_t size);
    void *arg;
};

/* Add a RAM range to banks, kept ascending, merging neighbours; -E2BIG when full. */
int dom0_add_bank(struct dom0_fdt_info *info, paddr_t start, paddr_t size);

/* 0, or -EINVAL (host tree unusable), -ENOSPC (buf too small), or map_mmio's error. */
int dom0_fdt_build(const void *host, void *buf, size_t size, const struct dom0_fdt_info *info);

#endif

#ifndef LAMINA_DOMAIN_BUILD_H
#define LAMINA_DOMAIN_BUILD_H

#include "bootinfo.h"
#include "types.h"

struct guest_fdt_info {
    uint64_t ram_base, ram_size;
    unsigned int nr_vcpus;
    const char *cmdline;
    uint32_t timer_clock_frequency;     /* 0: none */
};

/* Build the domains under /chosen; returns how many were started. */
unsigned int build_boot_domains(const struct bootinfo *bi);
/* A domU's device tree (guest_fdt.c), as libxl makes it on arm64. */
int guest_fdt_build(void *buf, size_t size, const struct guest_fdt_info *info);

#endif

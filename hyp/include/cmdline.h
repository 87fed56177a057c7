/*
 * The hypervisor's command line (xen,xen-bootargs), with Xen's option
 * names: "dom0_mem=512M", "dom0_max_vcpus=2", "loglvl=...". Unknown options
 * are reported, not fatal.
 */
#ifndef LAMINA_CMDLINE_H
#define LAMINA_CMDLINE_H

#include "types.h"

struct hyp_options {
    uint64_t dom0_mem;          /* bytes; 0: the default (512 MiB, as Xen) */
    unsigned int dom0_max_vcpus; /* 0: one per physical CPU */
};

#define DOM0_MEM_DEFAULT (512UL << 20)

/* Parse; returns the number of options not understood (each logged). */
int cmdline_parse(const char *cmdline, struct hyp_options *opt);
/* "512M", "1G", "1048576K", "4096" (bytes): 0 on a malformed size. */
uint64_t cmdline_parse_size(const char *s, const char **end);

#endif

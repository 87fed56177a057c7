#ifndef LAMINA_DOM0_BUILD_H
#define LAMINA_DOM0_BUILD_H

#include "bootinfo.h"
#include "cmdline.h"
#include "dom0_fdt.h"
#include "domain.h"

int build_dom0(const struct bootinfo *bi, const void *host_fdt, const struct hyp_options *opt);

/* arch: dom0's view of the platform. */
struct boot_range arch_gnttab_region(void);
uint32_t arch_dom0_evtchn_intid(void);
int arch_map_device(struct domain *d, paddr_t start, paddr_t size);
int arch_dom0_route_irqs(struct domain *d, const struct bootinfo *bi);

#endif

/* GICv3: the physical distributor, redistributors and CPU interface. */
#ifndef LAMINA_ARM64_GIC_H
#define LAMINA_ARM64_GIC_H

#include "bootinfo.h"
#include "types.h"

#define GIC_SPURIOUS 1023
#define SGI_KICK 0              /* reschedule / wake from idle */

/* The upcall PPI dom0 gets: the first PPI not used by the timer or devices (Xen: 16 on QEMU). */
#define DOM0_EVTCHN_PPI 16

void gic_init(const struct bootinfo *bi);
unsigned int gic_nr_lines(void);
const struct bootinfo *arch_boot_info(void);
void gic_init_cpu(void);        /* this CPU's redistributor and CPU interface */
void gic_enable_ppi(unsigned int intid);
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_priority_drop(uint32_t intid);
struct domain;
int gic_route_spi_to_domain(uint32_t intid, struct domain *d);
void gic_release_spi(uint32_t intid);
void gic_enable_hyp_spi(uint32_t intid);
struct domain *gic_spi_owner(uint32_t intid);

#endif

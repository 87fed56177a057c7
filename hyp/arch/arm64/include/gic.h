/* GICv3: the physical distributor, redistributors and CPU interface. */
#ifndef LAMINA_ARM64_GIC_H
#define LAMINA_ARM64_GIC_H

#include "bootinfo.h"
#include "types.h"

#define GIC_SPURIOUS 1023
#define SGI_KICK 0              /* reschedule / wake from idle */

void gic_init(const struct bootinfo *bi);
void gic_init_cpu(void);        /* this CPU's redistributor and CPU interface */
void gic_enable_ppi(unsigned int intid);
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);

#endif

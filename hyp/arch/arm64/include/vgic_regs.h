#ifndef LAMINA_ARM64_VGIC_REGS_H
#define LAMINA_ARM64_VGIC_REGS_H
#include "types.h"
struct domain;
struct vcpu;
/*
 * Group/enable/pending/active/priority/config registers at GICD offsets for
 * INTIDs in [lo, hi) (v: the redistributor's vCPU for private interrupts).
 * False if off is not one of them.
 */
bool vgic_irqregs_access(struct domain *d, struct vcpu *v, uint32_t lo, uint32_t hi,
                         uint64_t off, unsigned int size, uint64_t *val, bool write);
#endif

#ifndef LAMINA_ARM64_MMIO_H
#define LAMINA_ARM64_MMIO_H

#include "types.h"
#include "regs.h"

struct vcpu;
struct domain;

struct mmio_ops {
    /* off: within the region; size 1, 2, 4 or 8. False: the access is not allowed. */
    bool (*read)(struct vcpu *v, uint64_t off, unsigned int size, uint64_t *val);
    bool (*write)(struct vcpu *v, uint64_t off, unsigned int size, uint64_t val);
};

struct mmio_region {
    paddr_t base, size;
    const struct mmio_ops *ops;
};

#define MAX_MMIO_REGIONS 8

enum mmio_result { MMIO_UNHANDLED, MMIO_DONE, MMIO_BAD_ACCESS };

int mmio_register(struct domain *d, paddr_t base, paddr_t size, const struct mmio_ops *ops);
enum mmio_result mmio_handle(struct cpu_regs *f, struct vcpu *v, ipa_t ipa, uint64_t esr);

#endif

/* The fake environment of the vGIC unit tests (fake_vgic_env.c). */
#ifndef LAMINA_FAKE_VGIC_ENV_H
#define LAMINA_FAKE_VGIC_ENV_H

#include "config.h"
#include "types.h"

#define FAKE_GICD 0x03001000UL
#define FAKE_GICR 0x03020000UL

struct fake_vgic_env {
    unsigned int this_cpu;                          /* what this_cpu() returns */
    unsigned int unblocks[CONFIG_MAX_VCPUS_PER_DOMAIN];
    unsigned int wakes[CONFIG_MAX_VCPUS_PER_DOMAIN];
    unsigned int kicks[CONFIG_NR_CPUS];
    unsigned int hw_calls;
    uint32_t hw_last_intid;
    bool hw_last_enable;
};

extern struct fake_vgic_env fake;

struct domain;
/* A domain with nr_vcpus vCPUs (vCPU i on pCPU i % 2, RUNNABLE) and a vGIC; resets fake. */
struct domain *fake_domain(unsigned int nr_vcpus, unsigned int nr_spis);
void fake_domain_free(struct domain *d);

#endif

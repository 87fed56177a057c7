/* arm64 parts of struct domain and struct vcpu. */
#ifndef LAMINA_ARM64_ARCH_DOMAIN_H
#define LAMINA_ARM64_ARCH_DOMAIN_H

#include "p2m.h"
#include "timer.h"
#include "regs.h"
#include "vgic.h"
#include "mmio.h"

/* EL1 and EL0 system registers a vCPU owns, switched with it. */
struct el1_sysregs {
    uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
    uint64_t tpidr_el0, tpidr_el1, tpidrro_el0, sp_el0, sp_el1, elr_el1, spsr_el1;
    uint64_t esr, far, afsr0, afsr1, par, cpacr, csselr, cntkctl, mdscr;
    uint64_t cntv_ctl, cntv_cval;
    uint64_t vmpidr;
};

struct fp_state {
    __uint128_t v[32];
    uint64_t fpsr, fpcr;
};

struct arch_vcpu {
    struct cpu_regs regs;
    struct el1_sysregs sys;
    struct fp_state fp __attribute__((aligned(16)));
    struct vgic_cpu vgic;
    struct timer vtimer;            /* fires the virtual timer while the vCPU is off a CPU */
    uint64_t retried_fault_ipa;     /* page of the last stage-2 fault retried (traps.c) */
    unsigned int retried_faults;    /* how many times in a row */
};

struct arch_domain {
    struct p2m p2m;
    uint64_t cntvoff;               /* the counter value at domain creation */
    struct vgic_dist vgic;
    struct mmio_region mmio[MAX_MMIO_REGIONS];
    unsigned int nr_mmio;
};

#endif

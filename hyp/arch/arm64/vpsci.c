/*
 * PSCI and SMCCC for guests (HVC #0 or SMC #0, function ID in w0), as Xen
 * answers them: PSCI 1.1 with CPU_ON/OFF, AFFINITY_INFO, SYSTEM_OFF/RESET;
 * SMCCC 1.1, with the Spectre workarounds reported as not needed.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/sched.h>

#include "domain.h"
#include "printk.h"
#include "psci.h"
#include "regs.h"
#include "sched.h"
#include "traps.h"

#define PSCI_VERSION_1_1 0x10001
#define SMCCC_VERSION_1_1 0x10001

/* vCPU id from an MPIDR affinity value (Aff0 = id & 0xf, Aff1 = id >> 4). */
static struct vcpu *vcpu_by_mpidr(struct domain *d, uint64_t mpidr)
{
    uint64_t aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
    if ((mpidr & ~0xffffUL & 0xff00ffffffUL) || aff0 > 0xf)
        return NULL;
    uint64_t id = aff0 | (aff1 << 4);
    return id < d->max_vcpus ? d->vcpus[id] : NULL;
}

static int64_t vpsci_cpu_on(struct domain *d, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
    struct vcpu *t = vcpu_by_mpidr(d, mpidr);
    if (!t)
        return PSCI_INVALID_PARAMETERS;
    if (entry & 3)
        return PSCI_INVALID_ADDRESS;
    int rc = vcpu_start(t, entry, ctx);
    return rc ? PSCI_ALREADY_ON : PSCI_SUCCESS;
}

static int64_t vpsci_affinity_info(struct domain *d, uint64_t mpidr, uint64_t level)
{
    struct vcpu *t = vcpu_by_mpidr(d, mpidr);
    if (!t || level != 0)
        return PSCI_INVALID_PARAMETERS;
    return t->state == VCPU_OFFLINE ? 1 : 0;    /* OFF : ON */
}

static int64_t vpsci_features(uint32_t fn)
{
    switch (fn) {
    case PSCI_0_2_FN_PSCI_VERSION: case PSCI_0_2_FN_CPU_OFF: case PSCI_0_2_FN_CPU_ON:
    case PSCI_0_2_FN64_CPU_ON: case PSCI_0_2_FN_AFFINITY_INFO: case PSCI_0_2_FN64_AFFINITY_INFO:
    case PSCI_0_2_FN_MIGRATE_INFO_TYPE: case PSCI_0_2_FN_SYSTEM_OFF:
    case PSCI_0_2_FN_SYSTEM_RESET: case PSCI_1_0_FN_PSCI_FEATURES: case SMCCC_VERSION:
        return 0;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

static int64_t smccc_arch_features(uint32_t fn)
{
    switch (fn) {
    case SMCCC_ARCH_WORKAROUND_1:
    case SMCCC_ARCH_WORKAROUND_3:
        return 1;   /* this CPU does not need the workaround */
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

void vsmccc_call(struct cpu_regs *f, struct vcpu *v)
{
    uint32_t fn = (uint32_t)f->x[0];
    struct domain *d = v->domain;
    int64_t rc;

    switch (fn) {
    case PSCI_0_2_FN_PSCI_VERSION: rc = PSCI_VERSION_1_1; break;
    case PSCI_1_0_FN_PSCI_FEATURES: rc = vpsci_features((uint32_t)f->x[1]); break;
    case PSCI_0_2_FN_CPU_ON:
        rc = vpsci_cpu_on(d, (uint32_t)f->x[1], (uint32_t)f->x[2], (uint32_t)f->x[3]);
        break;
    case PSCI_0_2_FN64_CPU_ON: rc = vpsci_cpu_on(d, f->x[1], f->x[2], f->x[3]); break;
    case PSCI_0_2_FN_CPU_OFF:
        vcpu_stop(v, VCPU_OFFLINE);
        return;                         /* does not return to the caller */
    case PSCI_0_2_FN_AFFINITY_INFO:
    case PSCI_0_2_FN64_AFFINITY_INFO: rc = vpsci_affinity_info(d, f->x[1], f->x[2]); break;
    case PSCI_0_2_FN_MIGRATE_INFO_TYPE: rc = 2; break;     /* no trusted OS */
    case PSCI_0_2_FN_SYSTEM_OFF: domain_shutdown(d, SHUTDOWN_poweroff); return;
    case PSCI_0_2_FN_SYSTEM_RESET: domain_shutdown(d, SHUTDOWN_reboot); return;
    case SMCCC_VERSION: rc = SMCCC_VERSION_1_1; break;
    case SMCCC_ARCH_FEATURES: rc = smccc_arch_features((uint32_t)f->x[1]); break;
    default: rc = PSCI_NOT_SUPPORTED; break;
    }
    f->x[0] = (uint64_t)rc;
}

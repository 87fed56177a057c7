/*
 * vcpu_op (24). On arm, Xen accepts only register_vcpu_info and
 * register_runstate_memory_area here (vCPUs are started with PSCI) and
 * answers -EINVAL to the rest; those two arrive with event channels.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/vcpu.h>

#include "domain.h"
#include "errno.h"
#include "hypercall.h"
#include "percpu.h"

long do_vcpu_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], vcpuid = args->a[1];
    struct domain *d = current_vcpu()->domain;

    if (vcpuid >= d->max_vcpus || !d->vcpus[vcpuid])
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_register_vcpu_info:
    case VCPUOP_register_runstate_memory_area:
        return -ENOSYS;
    default:
        return -EINVAL;
    }
}

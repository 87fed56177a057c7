/*
 * vcpu_op (24): (cmd, vcpuid, arg*). On arm, Xen accepts only
 * register_vcpu_info and register_runstate_memory_area (vCPUs are started
 * with PSCI) and answers -EINVAL to the rest. vcpuid names a vCPU of the
 * caller's own domain: -ENOENT if there is none.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/vcpu.h>

#include "domain.h"
#include "errno.h"
#include "event.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"

_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info arg");
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8, "runstate arg");

/* Moves v's vcpu_info into the guest page arg names (event_2l.c has the rules). */
static long register_vcpu_info(struct vcpu *caller, struct vcpu *v, vaddr_t arg)
{
    struct vcpu_register_vcpu_info info;
    if (copy_from_guest(&info, arg, sizeof(info)))
        return -EFAULT;
    return evtchn_register_vcpu_info(caller, v, info.mfn, info.offset);
}

/*
 * Record the guest VA of v's vcpu_runstate_info. Nothing is written there
 * yet; Linux reads it only for steal time, and a zeroed area reads as
 * running with no time stolen.
 */
static long register_runstate(struct vcpu *v, vaddr_t arg)
{
    uint64_t gva;
    if (copy_from_guest(&gva, arg, sizeof(gva)))
        return -EFAULT;
    v->runstate_gva = gva;
    return 0;
}

long do_vcpu_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], vcpuid = args->a[1];
    vaddr_t arg = args->a[2];
    struct vcpu *caller = current_vcpu();
    struct domain *d = caller->domain;

    if (vcpuid >= d->max_vcpus || !d->vcpus[vcpuid])
        return -ENOENT;
    struct vcpu *v = d->vcpus[evtchn_index_nospec((unsigned int)vcpuid, d->max_vcpus)];
    switch (cmd) {
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(caller, v, arg);
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(v, arg);
    default:
        return -EINVAL;
    }
}

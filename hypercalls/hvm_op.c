/*
 * hvm_op (34): get/set of the per-domain parameters Linux and the toolstack
 * use (callback IRQ, xenstore and console pages and event channels). A
 * domain reads its own; it may set only its callback IRQ; the control
 * domain reads and sets any domain's.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"

_Static_assert(HVM_NR_PARAMS <= 64, "struct domain holds 64 parameters");

static long hvm_param(uint64_t gva, bool set)
{
    struct xen_hvm_param p;
    struct domain *self = current_vcpu()->domain, *d = self;
    long rc = copy_from_guest(&p, gva, sizeof(p));

    if (rc)
        return rc;
    if (p.index >= HVM_NR_PARAMS)
        return -EINVAL;
    if (p.domid != DOMID_SELF && p.domid != self->domid) {
        if (!self->is_privileged)
            return -EPERM;
        d = domain_lookup(p.domid);
        if (!d)
            return -ESRCH;
    }
    if (set) {
        if (d == self && !self->is_privileged && p.index != HVM_PARAM_CALLBACK_IRQ)
            return -EPERM;
        d->hvm_params[p.index] = p.value;
        return 0;
    }
    p.value = d->hvm_params[p.index];
    return copy_to_guest(gva, &p, sizeof(p));
}

long do_hvm_op(const struct hypercall_args *args)
{
    switch (args->a[0]) {
    case HVMOP_set_param:
        return hvm_param(args->a[1], true);
    case HVMOP_get_param:
        return hvm_param(args->a[1], false);
    default:
        return -ENOSYS;
    }
}

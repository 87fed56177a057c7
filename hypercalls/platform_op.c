/*
 * platform_op (7), for the control domain: on arm Xen implements time
 * setting only. dom0 pushes the wall-clock time at boot and after NTP steps;
 * it becomes the wall clock later domains read from shared_info.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/platform.h>

#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"
#include "wallclock.h"

long do_platform_op(const struct hypercall_args *args)
{
    struct xen_platform_op op;
    struct domain *d = current_vcpu()->domain;

    if (!d->is_privileged)
        return -EPERM;
    long rc = copy_from_guest(&op, args->a[0], sizeof(op));
    if (rc)
        return rc;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    switch (op.cmd) {
    case XENPF_settime64:
        if (op.u.settime64.mbz || op.u.settime64.nsecs >= 1000000000U)
            return -EINVAL;
        wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        return 0;
    default:
        return -ENOSYS;
    }
}

/* sched_op (29): yield, block, shutdown. */
#include "types.h"
#include <xen/xen.h>
#include <xen/sched.h>

#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"
#include "sched.h"

static long sched_shutdown(uint64_t gva, struct vcpu *v)
{
    struct sched_shutdown s;
    int rc = copy_from_guest(&s, gva, sizeof(s));
    if (rc)
        return rc;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    domain_shutdown(v->domain, s.reason);
    return 0;
}

long do_sched_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], arg = args->a[1];
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        vcpu_block(v, 0);
        return 0;
    case SCHEDOP_shutdown:
        return sched_shutdown(arg, v);
    default:
        return -ENOSYS;
    }
}

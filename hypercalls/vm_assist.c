/* vm_assist (21): optional guest-assist modes; on arm only the runstate update flag. */
#include "types.h"
#include <xen/xen.h>

#include "domain.h"
#include "errno.h"
#include "hypercall.h"
#include "percpu.h"

long do_vm_assist(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], type = args->a[1];
    struct domain *d = current_vcpu()->domain;

    if (type != VMASST_TYPE_runstate_update_flag)
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -ENOSYS;
    }
}

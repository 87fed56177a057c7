/*
 * multicall (13): a batch of hypercalls in one trap, each result written
 * back into its entry. A multicall inside a multicall, and any call that
 * would continue part-way, get an error in their entry instead.
 */
#include "types.h"
#include <xen/xen.h>

#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"
#include "domain.h"

#define MULTICALL_MAX 128

long do_multicall(const struct hypercall_args *args)
{
    uint64_t list = args->a[0], nr = args->a[1];
    bool priv = current_vcpu()->domain->is_privileged;

    if (nr > MULTICALL_MAX)
        return -EINVAL;
    for (uint64_t i = 0; i < nr; i++) {
        struct multicall_entry e;
        struct hypercall_args a;
        uint64_t gva = list + i * sizeof(e);
        if (copy_from_guest(&e, gva, sizeof(e)))
            return -EFAULT;
        for (unsigned int j = 0; j < 5; j++)
            a.a[j] = e.args[j];
        if (e.op == __HYPERVISOR_multicall) {
            e.result = (xen_ulong_t)-EINVAL;
        } else {
            e.result = (xen_ulong_t)hypercall_dispatch(e.op, &a, priv);
            if (hypercall_take_continuation(&a))
                e.result = (xen_ulong_t)-EBUSY;     /* too long for a batch: call it alone */
        }
        if (copy_to_guest(gva + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result)))
            return -EFAULT;
    }
    return 0;
}

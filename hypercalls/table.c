/*
 * The dispatch table: Xen hypercall number -> handler. Rows absent here are
 * not implemented and return -ENOSYS, as on Xen.
 */
#include "types.h"
#include <xen/xen.h>

#include "errno.h"
#include "hypercall.h"
#include "percpu.h"

const struct hypercall_entry hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_platform_op]      = { "platform_op", do_platform_op, 1, HC_PRIV },
    [__HYPERVISOR_memory_op]        = { "memory_op", do_memory_op, 2, 0 },
    [__HYPERVISOR_multicall]        = { "multicall", do_multicall, 2, 0 },
    [__HYPERVISOR_xen_version]      = { "xen_version", do_xen_version, 2, 0 },
    [__HYPERVISOR_console_io]       = { "console_io", do_console_io, 3, 0 },
    [__HYPERVISOR_grant_table_op]   = { "grant_table_op", do_grant_table_op, 3, 0 },
    [__HYPERVISOR_vm_assist]        = { "vm_assist", do_vm_assist, 2, 0 },
    [__HYPERVISOR_vcpu_op]          = { "vcpu_op", do_vcpu_op, 3, 0 },
    [__HYPERVISOR_sched_op]         = { "sched_op", do_sched_op, 2, 0 },
    [__HYPERVISOR_event_channel_op] = { "event_channel_op", do_event_channel_op, 2, 0 },
    [__HYPERVISOR_physdev_op]       = { "physdev_op", do_physdev_op, 2, 0 },
    [__HYPERVISOR_hvm_op]           = { "hvm_op", do_hvm_op, 2, 0 },
    [__HYPERVISOR_sysctl]           = { "sysctl", do_sysctl, 1, HC_PRIV },
    [__HYPERVISOR_domctl]           = { "domctl", do_domctl, 1, HC_PRIV },
};

static uint64_t hypercall_counts[NR_HYPERCALLS];

void hypercall_continue(const struct hypercall_args *next)
{
    struct pcpu *p = this_cpu();
    __builtin_memcpy(p->hc_cont.a, next->a, sizeof(p->hc_cont.a));
    p->hc_cont_pending = true;
}

bool hypercall_take_continuation(struct hypercall_args *next)
{
    struct pcpu *p = this_cpu();
    if (!p->hc_cont_pending)
        return false;
    p->hc_cont_pending = false;
    __builtin_memcpy(next->a, p->hc_cont.a, sizeof(next->a));
    return true;
}

/* Clamp a guest-chosen index under speculation too (Xen's array_index_nospec). */
static inline uint64_t index_nospec(uint64_t idx, uint64_t size)
{
    uint64_t mask = (uint64_t)0 - (uint64_t)(idx < size);
    __asm__ volatile("" : "+r"(mask));
    return idx & mask;
}

long hypercall_dispatch(uint64_t nr, const struct hypercall_args *args, bool privileged)
{
    if (nr >= NR_HYPERCALLS)
        return -ENOSYS;
    nr = index_nospec(nr, NR_HYPERCALLS);
    const struct hypercall_entry *e = &hypercall_table[nr];
    if (!e->fn)
        return -ENOSYS;
    if ((e->flags & HC_PRIV) && !privileged)
        return -EPERM;
    __atomic_add_fetch(&hypercall_counts[nr], 1, __ATOMIC_RELAXED);
    return e->fn(args);
}

unsigned int hypercall_nargs(uint64_t nr)
{
    return nr < NR_HYPERCALLS ? hypercall_table[index_nospec(nr, NR_HYPERCALLS)].nargs : 0;
}

uint64_t hypercall_count(uint64_t nr)
{
    return nr < NR_HYPERCALLS ? __atomic_load_n(&hypercall_counts[nr], __ATOMIC_RELAXED) : 0;
}

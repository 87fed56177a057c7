/*
 * event_channel_op (32): (cmd, arg*). One bounded copy of the argument
 * (its size from op_rows[cmd]), the core call with a kernel copy, and a copy
 * back for the commands with OUT fields. The semantics are in
 * hyp/common/event_*.c. bind_pirq does not exist on arm: -ENOSYS, as Xen.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/event_channel.h>

#include "domain.h"
#include "errno.h"
#include "event.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"

/* Argument layouts (xen-arm-abi.md §4.5). */
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain");
_Static_assert(offsetof(struct evtchn_bind_interdomain, local_port) == 8, "local_port @8");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(sizeof(struct evtchn_status) == 24, "status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "status.u @16");
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(offsetof(struct evtchn_alloc_unbound, port) == 4, "alloc_unbound.port @4");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control");
_Static_assert(offsetof(struct evtchn_init_control, link_bits) == 16, "link_bits @16");

union evtchnop_arg {
    struct evtchn_bind_interdomain bind_interdomain;
    struct evtchn_bind_virq bind_virq;
    struct evtchn_close close;
    struct evtchn_send send;
    struct evtchn_status status;
    struct evtchn_alloc_unbound alloc_unbound;
    struct evtchn_bind_ipi bind_ipi;
    struct evtchn_bind_vcpu bind_vcpu;
    struct evtchn_unmask unmask;
    struct evtchn_reset reset;
    struct evtchn_init_control init_control;
    struct evtchn_expand_array expand_array;
    struct evtchn_set_priority set_priority;
};

struct evtchnop_row {
    uint8_t size;       /* bytes of argument; 0: not implemented */
    bool out;           /* copied back on success */
};

#define ROW(name, out) [EVTCHNOP_##name] = { sizeof(struct evtchn_##name), out }
static const struct evtchnop_row op_rows[] = {
    ROW(bind_interdomain, true),
    ROW(bind_virq, true),
    ROW(close, false),
    ROW(send, false),
    ROW(status, true),
    ROW(alloc_unbound, true),
    ROW(bind_ipi, true),
    ROW(bind_vcpu, false),
    ROW(unmask, false),
    ROW(reset, false),
    ROW(init_control, true),
    ROW(expand_array, false),
    ROW(set_priority, false),
};
#undef ROW

static int evtchnop_invoke(struct domain *d, unsigned int cmd, union evtchnop_arg *u)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(d, &u->bind_interdomain);
    case EVTCHNOP_bind_virq:
        return evtchn_bind_virq(d, &u->bind_virq);
    case EVTCHNOP_close:
        return evtchn_close(d, u->close.port);
    case EVTCHNOP_send:
        return evtchn_send(d, u->send.port);
    case EVTCHNOP_status:
        return evtchn_status(d, &u->status);
    case EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(d, &u->alloc_unbound);
    case EVTCHNOP_bind_ipi:
        return evtchn_bind_ipi(d, &u->bind_ipi);
    case EVTCHNOP_bind_vcpu:
        return evtchn_bind_vcpu(d, u->bind_vcpu.port, u->bind_vcpu.vcpu);
    case EVTCHNOP_unmask:
        return evtchn_unmask(d, u->unmask.port);
    case EVTCHNOP_reset:
        return evtchn_reset(d, u->reset.dom);
    case EVTCHNOP_init_control:
        return evtchn_fifo_init_control(d, &u->init_control);
    case EVTCHNOP_expand_array:
        return evtchn_fifo_expand_array(d, u->expand_array.array_gfn);
    case EVTCHNOP_set_priority:
        return evtchn_set_priority(d, u->set_priority.port, u->set_priority.priority);
    default:
        return -ENOSYS;
    }
}

long do_event_channel_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0];
    vaddr_t arg = args->a[1];
    struct domain *d = current_vcpu()->domain;
    union evtchnop_arg u;

    if (cmd >= ARRAY_SIZE(op_rows) || op_rows[cmd].size == 0 || !d->evtchn)
        return -ENOSYS;
    const struct evtchnop_row *row = &op_rows[evtchn_index_nospec((unsigned int)cmd,
                                                                  ARRAY_SIZE(op_rows))];
    if (copy_from_guest(&u, arg, row->size))
        return -EFAULT;
    int rc = evtchnop_invoke(d, (unsigned int)cmd, &u);
    if (rc == 0 && row->out && copy_to_guest(arg, &u, row->size))
        rc = -EFAULT;
    return rc;
}

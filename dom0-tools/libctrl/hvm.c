/* libctrl: HVM parameters (HVMOP_set/get_param) and unbound event channels. */
#include "ctrl_private.h"

#include <string.h>

#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>

_Static_assert(sizeof(xen_hvm_param_t) <= CTRL_PAYLOAD_MAX, "fits the op page");
_Static_assert(sizeof(evtchn_alloc_unbound_t) <= CTRL_PAYLOAD_MAX, "fits the op page");

static int hvm_param(ctrl_handle *h, unsigned int cmd, uint32_t domid, uint32_t index, uint64_t *value)
{
    xen_hvm_param_t *p = ctrl_payload(h);
    memset(p, 0, sizeof(*p));
    p->domid = (domid_t)domid;
    p->index = index;
    p->value = *value;
    long rc = ctrl_hypercall(h, __HYPERVISOR_hvm_op, cmd, (uintptr_t)p, 0, 0, 0);
    if (rc)
        return ctrl_fail(h, (int)rc, "hvm_op %s_param d%u index %u",
                         cmd == HVMOP_set_param ? "set" : "get", domid, index);
    *value = p->value;
    return 0;
}

int ctrl_hvm_param_set(ctrl_handle *h, uint32_t domid, uint32_t index, uint64_t value)
{
    return hvm_param(h, HVMOP_set_param, domid, index, &value);
}

int ctrl_hvm_param_get(ctrl_handle *h, uint32_t domid, uint32_t index, uint64_t *value)
{
    *value = 0;
    return hvm_param(h, HVMOP_get_param, domid, index, value);
}

int ctrl_evtchn_alloc_unbound(ctrl_handle *h, uint32_t domid, uint32_t remote)
{
    evtchn_alloc_unbound_t *a = ctrl_payload(h);
    memset(a, 0, sizeof(*a));
    a->dom = (domid_t)domid;
    a->remote_dom = (domid_t)remote;
    long rc = ctrl_hypercall(h, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uintptr_t)a, 0, 0, 0);
    if (rc)
        return ctrl_fail(h, (int)rc, "evtchn alloc_unbound d%u for d%u", domid, remote);
    return (int)a->port;
}

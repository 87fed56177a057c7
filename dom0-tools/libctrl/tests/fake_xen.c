/* The fake hypervisor of libctrl's unit test: see fake_xen.h. */
#include "fake_xen.h"

#include <errno.h>
#include <string.h>

#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/memory.h>

void fake_init(struct fake_xen *f)
{
    memset(f, 0, sizeof(*f));
    f->next_domid = 1;
    f->free_pages = 100000;
    f->order9_limit = ~0u;
}

/* The pointer the library passed: it must lie inside one of its locked buffers. */
static void *ptr(struct fake_xen *f, uint64_t va, size_t len)
{
    for (struct ctrl_buf *b = f->h->bufs; b; b = b->next) {
        uintptr_t s = (uintptr_t)b->p;
        if (va >= s && va + len <= s + b->len)
            return (void *)(uintptr_t)va;
    }
    f->bad_pointers++;
    return (void *)(uintptr_t)va;
}

static struct fake_call *record(struct fake_xen *f, uint64_t op, uint32_t cmd, uint32_t domid)
{
    static struct fake_call spare;
    if (f->nr_calls == FAKE_MAX_CALLS)
        return &spare;
    struct fake_call *c = &f->calls[f->nr_calls++];
    *c = (struct fake_call){ .op = op, .cmd = cmd, .domid = domid };
    return c;
}

static long domctl(struct fake_xen *f, uint64_t va)
{
    struct xen_domctl *d = ptr(f, va, sizeof(*d));
    struct fake_call *c = record(f, __HYPERVISOR_domctl, d->cmd, d->domain);
    if (d->interface_version != XEN_DOMCTL_INTERFACE_VERSION) {
        f->bad_versions++;
        return -EACCES;
    }
    f->last_domctl = *d;
    switch (d->cmd) {
    case XEN_DOMCTL_createdomain:
        d->domain = (domid_t)f->next_domid;
        d->u.createdomain.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
        return 0;
    case XEN_DOMCTL_destroydomain:
        if (f->destroy_eagain > 0) {
            f->destroy_eagain--;
            return -EAGAIN;
        }
        return 0;
    case XEN_DOMCTL_getdomaininfo:
        d->domain = (domid_t)(d->domain + (f->info_next_domain ? 1 : 0));
        memset(&d->u.getdomaininfo, 0, sizeof(d->u.getdomaininfo));
        d->u.getdomaininfo.domain = d->domain;
        d->u.getdomaininfo.flags = XEN_DOMINF_paused;
        return 0;
    case XEN_DOMCTL_setvcpucontext:
        f->ctx = *(vcpu_guest_context_t *)ptr(f, d->u.vcpucontext.ctxt.q, sizeof(f->ctx));
        return 0;
    case XEN_DOMCTL_getvcpucontext:
        *(vcpu_guest_context_t *)ptr(f, d->u.vcpucontext.ctxt.q, sizeof(f->ctx)) = f->ctx;
        return 0;
    case XEN_DOMCTL_cacheflush:
        c->nr = d->u.cacheflush.nr_pfns;
        return d->u.cacheflush.nr_pfns > (1u << 18) ? -EINVAL : 0;
    case XEN_DOMCTL_max_mem:
    case XEN_DOMCTL_max_vcpus:
    case XEN_DOMCTL_pausedomain:
    case XEN_DOMCTL_unpausedomain:
        return 0;
    default:
        return -ENOSYS;
    }
}

static long sysctl(struct fake_xen *f, uint64_t va)
{
    struct xen_sysctl *s = ptr(f, va, sizeof(*s));
    record(f, __HYPERVISOR_sysctl, s->cmd, 0);
    if (s->interface_version != XEN_SYSCTL_INTERFACE_VERSION) {
        f->bad_versions++;
        return -EACCES;
    }
    switch (s->cmd) {
    case XEN_SYSCTL_physinfo:
        memset(&s->u.physinfo, 0, sizeof(s->u.physinfo));
        s->u.physinfo.free_pages = f->free_pages;
        s->u.physinfo.capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
        return 0;
    case XEN_SYSCTL_readconsole: {
        struct xen_sysctl_readconsole *r = &s->u.readconsole;
        uint32_t len = (uint32_t)strlen(f->console ? f->console : "");
        uint32_t from = r->incremental ? r->index : 0;
        uint32_t n = from < len ? len - from : 0;
        if (n > r->count)
            n = r->count;
        char *dst = ptr(f, r->buffer.q, n ? n : 1);
        if (n)
            memcpy(dst, f->console + from, n);
        r->count = n;
        r->index = from + n;
        return 0;
    }
    case XEN_SYSCTL_getdomaininfolist: {
        struct xen_sysctl_getdomaininfolist *l = &s->u.getdomaininfolist;
        struct xen_domctl_getdomaininfo *out = ptr(f, l->buffer.q, l->max_domains * sizeof(*out));
        uint32_t n = l->max_domains < 2 ? l->max_domains : 2;      /* d<first> and d<first+3> */
        for (uint32_t i = 0; i < n; i++) {
            memset(&out[i], 0, sizeof(out[i]));
            out[i].domain = (domid_t)(l->first_domain + 3 * i);
        }
        l->num_domains = n;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

static long memory_op(struct fake_xen *f, uint64_t cmd, uint64_t va)
{
    struct xen_memory_reservation *r = ptr(f, va, sizeof(*r));
    struct fake_call *c = record(f, __HYPERVISOR_memory_op, (uint32_t)cmd, r->domid);
    if (cmd != XENMEM_populate_physmap && cmd != XENMEM_decrease_reservation)
        return -ENOSYS;
    c->order = r->extent_order;
    c->nr = r->nr_extents;
    const uint64_t *gfns = ptr(f, r->extent_start.q, r->nr_extents * sizeof(uint64_t));
    uint64_t size = 1ULL << r->extent_order;
    uint64_t i;
    for (i = 0; i < r->nr_extents; i++) {
        if (r->extent_order == 9 && i >= f->order9_limit)
            break;
        if (gfns[i] & (size - 1))
            break;
        if (cmd == XENMEM_populate_physmap)
            for (uint64_t p = gfns[i]; p < gfns[i] + size; p++)
                if (p >= FAKE_RAM_BASE && p < FAKE_RAM_BASE + FAKE_RAM_PAGES)
                    f->populated[p - FAKE_RAM_BASE]++;
    }
    return (long)i;
}

static long hvm_op(struct fake_xen *f, uint64_t cmd, uint64_t va)
{
    xen_hvm_param_t *p = ptr(f, va, sizeof(*p));
    record(f, __HYPERVISOR_hvm_op, (uint32_t)cmd, p->domid);
    if (p->index >= 64)
        return -EINVAL;
    if (cmd == HVMOP_set_param)
        f->hvm_params[p->index] = p->value;
    else if (cmd == HVMOP_get_param)
        p->value = f->hvm_params[p->index];
    else
        return -ENOSYS;
    return 0;
}

long fake_hypercall(void *ctx, uint64_t op, const uint64_t args[5])
{
    struct fake_xen *f = ctx;
    switch (op) {
    case __HYPERVISOR_domctl: return domctl(f, args[0]);
    case __HYPERVISOR_sysctl: return sysctl(f, args[0]);
    case __HYPERVISOR_memory_op: return memory_op(f, args[0], args[1]);
    case __HYPERVISOR_hvm_op: return hvm_op(f, args[0], args[1]);
    case __HYPERVISOR_event_channel_op: {
        evtchn_alloc_unbound_t *a = ptr(f, args[1], sizeof(*a));
        record(f, op, (uint32_t)args[0], a->dom);
        if (args[0] != EVTCHNOP_alloc_unbound)
            return -ENOSYS;
        a->port = 5;
        return 0;
    }
    default:
        record(f, op, 0, 0);
        return -ENOSYS;
    }
}

unsigned int fake_count(const struct fake_xen *f, uint64_t op, uint32_t cmd)
{
    unsigned int n = 0;
    for (unsigned int i = 0; i < f->nr_calls; i++)
        n += f->calls[i].op == op && f->calls[i].cmd == cmd;
    return n;
}

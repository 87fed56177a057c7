/*
 * xen-hostile: every hypercall family, issued from dom0 through
 * /dev/xen/privcmd with invalid input: bad pointers (NULL, kernel addresses
 * in a guard region of the arm64 kernel VA map, non-canonical addresses,
 * unmapped and read-only user pages, buffers running into an unmapped page),
 * bad ports, bad grant references, bad domain ids, bad sub-ops, huge counts.
 * Each must fail -- a negative return, or for the batched grant operations a
 * negative per-op status, or for reservations fewer extents done than asked
 * -- and the machine must survive. Runs in dom0 (lamina.test=xen-hostile).
 *
 * Output: one line per case, "PASS xen-hostile/<family>/<case> (ret=...)"
 * or "FAIL xen-hostile/<family>/<case>: <reason>", then
 * "xen-hostile: done: N passed, N failed". Where the real Xen 4.17 is known
 * to give another error than this hypervisor, the PASS line says so
 * ("Xen 4.17: -14 EFAULT"): not a failure, a hint. Always exits 0.
 *
 *   xen-hostile [--list] [-v] [FILTER]   FILTER: run the cases whose name
 *                                        contains it; -v: name each case first;
 *                                        --list: the cases (and Xen 4.17's answer)
 *
 * Safety (this runs in a dom0 that must live on; xen-arm-abi.md trap 8):
 * nothing here is valid input that shuts down, reboots, pauses or damages
 * dom0. No SCHEDOP_shutdown with a readable reason (Xen reboots the machine
 * on an unknown reason from dom0), no watchdog with a usable id, no
 * decrease_reservation or remove_from_physmap of a real dom0 frame, no close,
 * reset, bind_vcpu or send on a port the kernel owns, no VCPUOP on a vCPU
 * that exists except with bad arguments, no domctl naming dom0 with a
 * command that would act. Frames given are FAR_GFN, beyond any IPA QEMU virt
 * has; domains are BAD_DOMID, which does not exist.
 */
#define _GNU_SOURCE
#include "xentest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>

/* The head of struct xen_domctl / xen_sysctl (<xen/domctl.h>, <xen/sysctl.h>
 * 4.17): those headers pull in hvm/save.h, which needs GNU C. */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015
#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain   3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_SYSCTL_physinfo      3
struct domctl_head { uint32_t cmd; uint32_t interface_version; domid_t domain; };
struct sysctl_head { uint32_t cmd; uint32_t interface_version; };

#define BAD_DOMID 12345u
#define FAR_GFN 0xfffffffffULL          /* IPA 2^48 - 4 KiB: beyond QEMU virt's 44-bit PA */
#define BAD_PORT 0x7fffffffu
#define BAD_VCPU 9999u

/* Argument tokens, resolved to addresses when the case runs. */
#define T_BUF      0xfeed000000000001ULL  /* the scratch page, filled by the case */
#define T_UNMAPPED 0xfeed000000000002ULL  /* a user page that maps nothing */
#define T_RO       0xfeed000000000003ULL  /* a read-only page holding the filled scratch */
#define T_TAIL     0xfeed000000000004ULL  /* the last 16 bytes before an unmapped page */
#define T_TAIL64   0xfeed000000000005ULL  /* the last 64 bytes before an unmapped page */
#define K_GUARD    0xffffff8000000000ULL  /* arm64 48-bit VA: top 2 TB guard region, never mapped */
#define K_GUARD2   0xfffffbfffe000000ULL  /* the guard region below the PCI I/O window */
#define NONCANON   0x0001000000000000ULL  /* bit 48 set in a TTBR0 address: no translation */

enum expect {
    X_ERR,      /* hypercall returns < 0 */
    X_ST16,     /* < 0, or the int16_t status at .off (grant ops) < 0 */
    X_ST32,     /* < 0, or the int32_t at .off (errs[] of add_to_physmap_range) < 0 */
    X_LT1,      /* < 1: no extent done (reservation ops count what they did) */
    X_MC,       /* < 0, or the multicall entry result (int64_t) at .off < 0 */
};

struct env {
    unsigned char *buf;     /* scratch page */
    unsigned char *tail;    /* a page followed by an unmapped page */
    unsigned char *ro;      /* read-only page */
    void *unmapped;
};

struct hcase {
    const char *name;
    uint64_t op;
    uint64_t a[5];
    void (*fill)(struct env *e);
    enum expect expect;
    size_t off;
    long xen;               /* what the real Xen 4.17 returned, 0 = not recorded */
};

/* --- fills: the scratch contents of a case --------------------------------- */

static void f_feat_submap(struct env *e) { ((xen_feature_info_t *)e->buf)->submap_idx = 1000; }

static void f_resv_bad_domid(struct env *e)
{
    struct xen_memory_reservation *r = (void *)e->buf;
    r->extent_start.q = (uintptr_t)e->unmapped;
    r->nr_extents = 1;
    r->domid = BAD_DOMID;
}
static void f_resv_null_list(struct env *e)
{
    struct xen_memory_reservation *r = (void *)e->buf;
    r->extent_start.q = 0;
    r->nr_extents = 1;
    r->domid = DOMID_SELF;
}
static void f_resv_huge_order(struct env *e)
{
    struct xen_memory_reservation *r = (void *)e->buf;
    r->extent_start.q = (uintptr_t)e->unmapped;
    r->nr_extents = 1;
    r->extent_order = 63;
    r->domid = DOMID_SELF;
}
static void f_resv_huge_count(struct env *e)
{
    struct xen_memory_reservation *r = (void *)e->buf;
    r->extent_start.q = (uintptr_t)e->unmapped;
    r->nr_extents = 1ULL << 40;
    r->domid = DOMID_SELF;
}
static void f_domid_bad(struct env *e) { *(domid_t *)e->buf = BAD_DOMID; }
static void f_atp_bad_domid(struct env *e)
{
    struct xen_add_to_physmap *x = (void *)e->buf;
    x->domid = BAD_DOMID;
    x->space = XENMAPSPACE_grant_table;
    x->gpfn = FAR_GFN;
}
static void f_atp_bad_space(struct env *e)
{
    struct xen_add_to_physmap *x = (void *)e->buf;
    x->domid = DOMID_SELF;
    x->space = 99;
    x->gpfn = FAR_GFN;
}
static void f_atp_grant_bad_idx(struct env *e)
{
    struct xen_add_to_physmap *x = (void *)e->buf;
    x->domid = DOMID_SELF;
    x->space = XENMAPSPACE_grant_table;
    x->idx = 0x7fffffff;
    x->gpfn = FAR_GFN;
}
#define ATPR_ARRAYS 256
static void f_atpr_bad_foreign(struct env *e)
{
    struct xen_add_to_physmap_batch *x = (void *)e->buf;
    xen_ulong_t *idxs = (void *)(e->buf + ATPR_ARRAYS);
    xen_pfn_t *gpfns = (void *)(e->buf + ATPR_ARRAYS + 8);
    int *errs = (void *)(e->buf + ATPR_ARRAYS + 16);
    x->domid = DOMID_SELF;
    x->space = XENMAPSPACE_gmfn_foreign;
    x->size = 1;
    x->u.foreign_domid = BAD_DOMID;
    idxs[0] = 0;
    gpfns[0] = FAR_GFN;
    errs[0] = 0;
    x->idxs.q = (uintptr_t)idxs;
    x->gpfns.q = (uintptr_t)gpfns;
    x->errs.q = (uintptr_t)errs;
}
static void f_rfp_bad_domid(struct env *e)
{
    struct xen_remove_from_physmap *x = (void *)e->buf;
    x->domid = BAD_DOMID;
    x->gpfn = FAR_GFN;
}
static void f_rfp_far(struct env *e)
{
    struct xen_remove_from_physmap *x = (void *)e->buf;
    x->domid = DOMID_SELF;
    x->gpfn = FAR_GFN;
}
static void f_acq_bad_domid(struct env *e)
{
    struct xen_mem_acquire_resource *x = (void *)e->buf;
    x->domid = BAD_DOMID;
    x->type = XENMEM_resource_grant_table;
    x->nr_frames = 1;
    x->frame_list.q = (uintptr_t)e->unmapped;
}

static void f_map_bad_domid(struct env *e)
{
    struct gnttab_map_grant_ref *m = (void *)e->buf;
    m->host_addr = FAR_GFN << 12;
    m->flags = GNTMAP_host_map;
    m->ref = 0;
    m->dom = BAD_DOMID;
    m->status = 0;
}
static void f_map_bad_ref(struct env *e)
{
    struct gnttab_map_grant_ref *m = (void *)e->buf;
    m->host_addr = FAR_GFN << 12;
    m->flags = GNTMAP_host_map;
    m->ref = 0xfffffff;
    m->dom = 0;
}
static void f_map_no_flags(struct env *e)
{
    struct gnttab_map_grant_ref *m = (void *)e->buf;
    m->host_addr = FAR_GFN << 12;
    m->flags = 0;
    m->ref = 1;
    m->dom = 0;
}
static void f_unmap_bad_handle(struct env *e)
{
    struct gnttab_unmap_grant_ref *u = (void *)e->buf;
    u->host_addr = FAR_GFN << 12;
    u->handle = 0xdeadbeef;
}
static void f_setup_bad_domid(struct env *e)
{
    struct gnttab_setup_table *s = (void *)e->buf;
    s->dom = BAD_DOMID;
    s->nr_frames = 1;
    s->frame_list.q = (uintptr_t)e->unmapped;
}
static void f_setup_huge(struct env *e)
{
    struct gnttab_setup_table *s = (void *)e->buf;
    s->dom = DOMID_SELF;
    s->nr_frames = 0x7fffffff;
    s->frame_list.q = (uintptr_t)e->unmapped;
}
static void f_dump_bad_domid(struct env *e) { ((struct gnttab_dump_table *)e->buf)->dom = BAD_DOMID; }
static void f_copy_bad_ref(struct env *e)
{
    struct gnttab_copy *c = (void *)e->buf;
    c->source.u.ref = 0xfffffff;
    c->source.domid = DOMID_SELF;
    c->dest.u.gmfn = FAR_GFN;
    c->dest.domid = DOMID_SELF;
    c->len = 8;
    c->flags = GNTCOPY_source_gref;
}
static void f_copy_bad_domid(struct env *e)
{
    struct gnttab_copy *c = (void *)e->buf;
    c->source.u.ref = 1;
    c->source.domid = BAD_DOMID;
    c->dest.u.gmfn = FAR_GFN;
    c->dest.domid = DOMID_SELF;
    c->len = 8;
    c->flags = GNTCOPY_source_gref;
}
static void f_copy_bad_len(struct env *e)
{
    struct gnttab_copy *c = (void *)e->buf;
    c->source.u.gmfn = FAR_GFN;
    c->source.domid = DOMID_SELF;
    c->source.offset = 8;
    c->dest.u.gmfn = FAR_GFN;
    c->dest.domid = DOMID_SELF;
    c->len = 8192;
}
static void f_query_bad_domid(struct env *e) { ((struct gnttab_query_size *)e->buf)->dom = BAD_DOMID; }
static void f_query_self(struct env *e) { ((struct gnttab_query_size *)e->buf)->dom = DOMID_SELF; }
static void f_setver(struct env *e, uint32_t v) { ((struct gnttab_set_version *)e->buf)->version = v; }
static void f_setver2(struct env *e) { f_setver(e, 2); }
static void f_setver3(struct env *e) { f_setver(e, 3); }
static void f_getstatus(struct env *e)
{
    struct gnttab_get_status_frames *g = (void *)e->buf;
    g->nr_frames = 1;
    g->dom = DOMID_SELF;
    g->frame_list.q = (uintptr_t)e->unmapped;
}
static void f_getver_bad_domid(struct env *e) { ((struct gnttab_get_version *)e->buf)->dom = BAD_DOMID; }
static void f_swap_bad(struct env *e)
{
    struct gnttab_swap_grant_ref *s = (void *)e->buf;
    s->ref_a = 0xffffff;
    s->ref_b = 0xfffffe;
}
static void f_cflush_bad_op(struct env *e)
{
    struct gnttab_cache_flush *c = (void *)e->buf;
    c->a.dev_bus_addr = FAR_GFN << 12;
    c->length = 64;
    c->op = 0x100;
}
static void f_cflush_bad_len(struct env *e)
{
    struct gnttab_cache_flush *c = (void *)e->buf;
    c->a.dev_bus_addr = FAR_GFN << 12;
    c->offset = 4000;
    c->length = 4000;
    c->op = GNTTAB_CACHE_CLEAN;
}

static void f_port(struct env *e, uint32_t p) { *(evtchn_port_t *)e->buf = p; }
static void f_port0(struct env *e) { f_port(e, 0); }
static void f_port_huge(struct env *e) { f_port(e, BAD_PORT); }
static void f_status_huge(struct env *e)
{
    evtchn_status_t *s = (void *)e->buf;
    s->dom = DOMID_SELF;
    s->port = BAD_PORT;
}
static void f_status_bad_domid(struct env *e)
{
    evtchn_status_t *s = (void *)e->buf;
    s->dom = BAD_DOMID;
    s->port = 1;
}
static void f_alloc_bad_domid(struct env *e)
{
    evtchn_alloc_unbound_t *a = (void *)e->buf;
    a->dom = BAD_DOMID;
    a->remote_dom = 0;
}
static void f_bi_bad_domid(struct env *e)
{
    evtchn_bind_interdomain_t *b = (void *)e->buf;
    b->remote_dom = BAD_DOMID;
    b->remote_port = 1;
}
static void f_bi_huge_port(struct env *e)
{
    evtchn_bind_interdomain_t *b = (void *)e->buf;
    b->remote_dom = DOMID_SELF;
    b->remote_port = BAD_PORT;
}
static void f_bi_port0(struct env *e)
{
    evtchn_bind_interdomain_t *b = (void *)e->buf;
    b->remote_dom = DOMID_SELF;
    b->remote_port = 0;
}
static void f_virq_bad(struct env *e)
{
    evtchn_bind_virq_t *v = (void *)e->buf;
    v->virq = 0xffff;
    v->vcpu = 0;
}
static void f_virq_bad_vcpu(struct env *e)
{
    evtchn_bind_virq_t *v = (void *)e->buf;
    v->virq = VIRQ_DEBUG;
    v->vcpu = BAD_VCPU;
}
static void f_ipi_bad_vcpu(struct env *e) { ((evtchn_bind_ipi_t *)e->buf)->vcpu = BAD_VCPU; }
static void f_pirq_bad(struct env *e) { ((evtchn_bind_pirq_t *)e->buf)->pirq = 99999; }
static void f_bindvcpu_huge(struct env *e)
{
    evtchn_bind_vcpu_t *b = (void *)e->buf;
    b->port = BAD_PORT;
    b->vcpu = 0;
}
static void f_prio_huge(struct env *e)
{
    evtchn_set_priority_t *p = (void *)e->buf;
    p->port = BAD_PORT;
    p->priority = 1;
}
static void f_initctl_bad_vcpu(struct env *e)
{
    evtchn_init_control_t *c = (void *)e->buf;
    c->control_gfn = FAR_GFN;
    c->offset = 0;
    c->vcpu = BAD_VCPU;
}
static void f_initctl_bad_offset(struct env *e)
{
    evtchn_init_control_t *c = (void *)e->buf;
    c->control_gfn = FAR_GFN;
    c->offset = 4090;
    c->vcpu = 0;
}
static void f_expand_far(struct env *e) { ((evtchn_expand_array_t *)e->buf)->array_gfn = FAR_GFN; }
static void f_reset_bad_domid(struct env *e) { ((evtchn_reset_t *)e->buf)->dom = BAD_DOMID; }

static void f_vcpuinfo_far(struct env *e)
{
    struct vcpu_register_vcpu_info *v = (void *)e->buf;
    v->mfn = FAR_GFN;
    v->offset = 0;
}
static void f_vcpuinfo_bad_offset(struct env *e)
{
    struct vcpu_register_vcpu_info *v = (void *)e->buf;
    v->mfn = FAR_GFN;
    v->offset = 4090;
}

static void f_poll_many(struct env *e)
{
    struct sched_poll *p = (void *)e->buf;
    p->ports.q = (uintptr_t)e->unmapped;
    p->nr_ports = 1000;
    p->timeout = 1;
}
static void f_poll_unmapped(struct env *e)
{
    struct sched_poll *p = (void *)e->buf;
    p->ports.q = (uintptr_t)e->unmapped;
    p->nr_ports = 1;
    p->timeout = 1;
}
static void f_rshut_bad_domid(struct env *e)
{
    struct sched_remote_shutdown *r = (void *)e->buf;
    r->domain_id = BAD_DOMID;
    r->reason = SHUTDOWN_poweroff;
}
static void f_watchdog_bad(struct env *e)
{
    struct sched_watchdog *w = (void *)e->buf;
    w->id = 1000;
    w->timeout = 0;
}
static void f_pin_bad(struct env *e) { ((struct sched_pin_override *)e->buf)->pcpu = 9999; }

static void f_hvm(struct env *e, domid_t d, uint32_t idx)
{
    xen_hvm_param_t *p = (void *)e->buf;
    p->domid = d;
    p->index = idx;
    p->value = 0;
}
static void f_hvm_bad_index(struct env *e) { f_hvm(e, DOMID_SELF, 9999); }
static void f_hvm_bad_domid(struct env *e) { f_hvm(e, BAD_DOMID, HVM_PARAM_STORE_EVTCHN); }
static void f_hvm_set_bad_domid(struct env *e) { f_hvm(e, BAD_DOMID, HVM_PARAM_CALLBACK_IRQ); }
static void f_hvm_store_evtchn(struct env *e) { f_hvm(e, DOMID_SELF, HVM_PARAM_STORE_EVTCHN); }

static void f_pf(struct env *e, uint32_t cmd, uint32_t ver)
{
    struct xen_platform_op *p = (void *)e->buf;
    p->cmd = cmd;
    p->interface_version = ver;
}
static void f_pf_bad_version(struct env *e) { f_pf(e, XENPF_settime64, 0); }
static void f_pf_bad_cmd(struct env *e) { f_pf(e, 9999, XENPF_INTERFACE_VERSION); }

static void f_mc_entry(multicall_entry_t *m, uint64_t op, uint64_t a0, uint64_t a1)
{
    memset(m, 0, sizeof(*m));
    m->op = op;
    m->args[0] = a0;
    m->args[1] = a1;
    m->result = 0x5a5a;
}
static void f_mc_unknown(struct env *e) { f_mc_entry((void *)e->buf, 63, 0, 0); }
static void f_mc_badptr(struct env *e)
{
    f_mc_entry((void *)e->buf, __HYPERVISOR_xen_version, XENVER_extraversion, 0);
}
static void f_mc_nested(struct env *e)
{
    multicall_entry_t *m = (void *)e->buf;
    f_mc_entry(&m[4], __HYPERVISOR_xen_version, XENVER_version, 0);
    f_mc_entry(&m[0], __HYPERVISOR_multicall, (uintptr_t)&m[4], 1);
}
static void f_mc_tail(struct env *e)
{
    /* one valid entry in the last 64 bytes of a page, then nothing mapped */
    f_mc_entry((void *)(e->tail + PAGE_SIZE_4K - 64), __HYPERVISOR_xen_version, XENVER_version, 0);
}

static void f_domctl(struct env *e, uint32_t cmd, uint32_t ver, domid_t d)
{
    struct domctl_head *c = (void *)e->buf;
    c->cmd = cmd;
    c->interface_version = ver;
    c->domain = d;
}
static void f_domctl_bad_version(struct env *e) { f_domctl(e, XEN_DOMCTL_getdomaininfo, 0, 0); }
static void f_domctl_bad_cmd(struct env *e) { f_domctl(e, 9999, XEN_DOMCTL_INTERFACE_VERSION, BAD_DOMID); }
static void f_domctl_destroy(struct env *e) { f_domctl(e, XEN_DOMCTL_destroydomain, XEN_DOMCTL_INTERFACE_VERSION, BAD_DOMID); }
static void f_domctl_pause(struct env *e) { f_domctl(e, XEN_DOMCTL_pausedomain, XEN_DOMCTL_INTERFACE_VERSION, BAD_DOMID); }
static void f_domctl_unpause_self(struct env *e) { f_domctl(e, XEN_DOMCTL_unpausedomain, XEN_DOMCTL_INTERFACE_VERSION, DOMID_SELF); }
static void f_sysctl(struct env *e, uint32_t cmd, uint32_t ver)
{
    struct sysctl_head *s = (void *)e->buf;
    s->cmd = cmd;
    s->interface_version = ver;
}
static void f_sysctl_bad_version(struct env *e) { f_sysctl(e, XEN_SYSCTL_physinfo, 0); }
static void f_sysctl_bad_cmd(struct env *e) { f_sysctl(e, 9999, XEN_SYSCTL_INTERFACE_VERSION); }

/* --- the cases ------------------------------------------------------------- */

#define HC(n, o, a0, a1, a2, ...) { .name = n, .op = o, .a = { a0, a1, a2, 0, 0 }, __VA_ARGS__ }
#define OFF(type, field) .off = offsetof(type, field)

static const struct hcase cases[] = {
    /* xen_version (17) */
    HC("xen_version/extraversion-null", __HYPERVISOR_xen_version, XENVER_extraversion, 0, 0, .xen = -14),
    HC("xen_version/extraversion-kernel-guard", __HYPERVISOR_xen_version, XENVER_extraversion, K_GUARD, 0, .xen = -14),
    HC("xen_version/extraversion-kernel-guard2", __HYPERVISOR_xen_version, XENVER_extraversion, K_GUARD2, 0, .xen = -14),
    HC("xen_version/extraversion-noncanonical", __HYPERVISOR_xen_version, XENVER_extraversion, NONCANON, 0, .xen = -14),
    HC("xen_version/extraversion-unmapped", __HYPERVISOR_xen_version, XENVER_extraversion, T_UNMAPPED, 0, .xen = -14),
    HC("xen_version/extraversion-readonly", __HYPERVISOR_xen_version, XENVER_extraversion, T_RO, 0, .xen = -14),
    HC("xen_version/capabilities-into-unmapped", __HYPERVISOR_xen_version, XENVER_capabilities, T_TAIL, 0, .xen = -14),
    HC("xen_version/compile-info-null", __HYPERVISOR_xen_version, XENVER_compile_info, 0, 0, .xen = -14),
    HC("xen_version/changeset-unmapped", __HYPERVISOR_xen_version, XENVER_changeset, T_UNMAPPED, 0, .xen = -14),
    HC("xen_version/platform-parameters-null", __HYPERVISOR_xen_version, XENVER_platform_parameters, 0, 0, .xen = -14),
    HC("xen_version/get-features-null", __HYPERVISOR_xen_version, XENVER_get_features, 0, 0, .xen = -14),
    HC("xen_version/get-features-bad-submap", __HYPERVISOR_xen_version, XENVER_get_features, T_BUF, 0,
       .fill = f_feat_submap, .xen = -22),
    HC("xen_version/guest-handle-null", __HYPERVISOR_xen_version, XENVER_guest_handle, 0, 0, .xen = -14),
    HC("xen_version/commandline-kernel-guard", __HYPERVISOR_xen_version, XENVER_commandline, K_GUARD, 0, .xen = -14),
    /* a NULL handle is a size query for build_id (Xen 4.17 answers 20) */
    HC("xen_version/build-id-unmapped", __HYPERVISOR_xen_version, XENVER_build_id, T_UNMAPPED, 0, .xen = -14),
    HC("xen_version/bad-subop-99", __HYPERVISOR_xen_version, 99, T_BUF, 0, .xen = -38),
    HC("xen_version/bad-subop-int-max", __HYPERVISOR_xen_version, 0x7fffffff, T_BUF, 0, .xen = -38),

    /* memory_op (12); the low 6 bits of cmd are the op, the rest a continuation */
    HC("memory_op/bad-cmd-63", __HYPERVISOR_memory_op, 63, T_BUF, 0, .xen = -38),
    HC("memory_op/bad-cmd-50", __HYPERVISOR_memory_op, 50, T_BUF, 0, .xen = -38),
    /* The reservation ops answer the number of extents done, also when the
     * argument cannot be read (Xen 4.17: 0, not -EFAULT). */
    HC("memory_op/increase-reservation-null", __HYPERVISOR_memory_op, XENMEM_increase_reservation, 0, 0,
       .expect = X_LT1),
    HC("memory_op/decrease-reservation-null", __HYPERVISOR_memory_op, XENMEM_decrease_reservation, 0, 0,
       .expect = X_LT1),
    HC("memory_op/populate-physmap-unmapped", __HYPERVISOR_memory_op, XENMEM_populate_physmap, T_UNMAPPED, 0,
       .expect = X_LT1),
    HC("memory_op/decrease-reservation-bad-domid", __HYPERVISOR_memory_op, XENMEM_decrease_reservation, T_BUF, 0,
       .fill = f_resv_bad_domid, .expect = X_LT1),
    HC("memory_op/decrease-reservation-null-list", __HYPERVISOR_memory_op, XENMEM_decrease_reservation, T_BUF, 0,
       .fill = f_resv_null_list, .expect = X_LT1),
    HC("memory_op/decrease-reservation-huge-order", __HYPERVISOR_memory_op, XENMEM_decrease_reservation, T_BUF, 0,
       .fill = f_resv_huge_order, .expect = X_LT1),
    HC("memory_op/decrease-reservation-huge-count", __HYPERVISOR_memory_op, XENMEM_decrease_reservation, T_BUF, 0,
       .fill = f_resv_huge_count, .expect = X_LT1),
    HC("memory_op/populate-physmap-bad-domid", __HYPERVISOR_memory_op, XENMEM_populate_physmap, T_BUF, 0,
       .fill = f_resv_bad_domid, .expect = X_LT1),
    HC("memory_op/increase-reservation-bad-domid", __HYPERVISOR_memory_op, XENMEM_increase_reservation, T_BUF, 0,
       .fill = f_resv_bad_domid, .expect = X_LT1),
    HC("memory_op/current-reservation-null", __HYPERVISOR_memory_op, XENMEM_current_reservation, 0, 0, .xen = -14),
    HC("memory_op/current-reservation-bad-domid", __HYPERVISOR_memory_op, XENMEM_current_reservation, T_BUF, 0,
       .fill = f_domid_bad, .xen = -3),
    HC("memory_op/maximum-reservation-unmapped", __HYPERVISOR_memory_op, XENMEM_maximum_reservation, T_UNMAPPED, 0, .xen = -14),
    HC("memory_op/add-to-physmap-null", __HYPERVISOR_memory_op, XENMEM_add_to_physmap, 0, 0, .xen = -14),
    HC("memory_op/add-to-physmap-bad-domid", __HYPERVISOR_memory_op, XENMEM_add_to_physmap, T_BUF, 0,
       .fill = f_atp_bad_domid, .xen = -3),
    HC("memory_op/add-to-physmap-bad-space", __HYPERVISOR_memory_op, XENMEM_add_to_physmap, T_BUF, 0,
       .fill = f_atp_bad_space, .xen = -38),
    HC("memory_op/add-to-physmap-grant-bad-idx", __HYPERVISOR_memory_op, XENMEM_add_to_physmap, T_BUF, 0,
       .fill = f_atp_grant_bad_idx, .xen = -22),
    HC("memory_op/add-to-physmap-batch-kernel-guard", __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, K_GUARD, 0, .xen = -14),
    HC("memory_op/add-to-physmap-batch-bad-foreign", __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, T_BUF, 0,
       .fill = f_atpr_bad_foreign, .expect = X_ST32, .off = ATPR_ARRAYS + 16),
    HC("memory_op/remove-from-physmap-bad-domid", __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, T_BUF, 0,
       .fill = f_rfp_bad_domid, .xen = -3),
    HC("memory_op/remove-from-physmap-far-gfn", __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, T_BUF, 0,
       .fill = f_rfp_far, .xen = -2),
    HC("memory_op/exchange-null", __HYPERVISOR_memory_op, XENMEM_exchange, 0, 0, .xen = -14),
    HC("memory_op/machphys-mfn-list-null", __HYPERVISOR_memory_op, XENMEM_machphys_mfn_list, 0, 0, .xen = -38),
    HC("memory_op/acquire-resource-null", __HYPERVISOR_memory_op, XENMEM_acquire_resource, 0, 0, .xen = -14),
    HC("memory_op/acquire-resource-bad-domid", __HYPERVISOR_memory_op, XENMEM_acquire_resource, T_BUF, 0,
       .fill = f_acq_bad_domid, .xen = -3),

    /* grant_table_op (20): (cmd, uop, count) */
    HC("grant_table_op/bad-cmd", __HYPERVISOR_grant_table_op, 99, T_BUF, 1, .xen = -38),
    HC("grant_table_op/opaque-cmd-bits", __HYPERVISOR_grant_table_op, (1u << 12) | GNTTABOP_query_size, T_BUF, 1,
       .fill = f_query_self, .xen = -22),
    HC("grant_table_op/negative-count", __HYPERVISOR_grant_table_op, GNTTABOP_query_size, T_BUF, 0x80000000u,
       .fill = f_query_self, .xen = -22),
    HC("grant_table_op/map-null", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 0, 1, .xen = -14),
    HC("grant_table_op/map-unmapped", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, T_UNMAPPED, 1, .xen = -14),
    HC("grant_table_op/map-huge-count-into-unmapped", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, T_TAIL,
       0x7fffffff, .xen = -14),
    HC("grant_table_op/map-bad-domid", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, T_BUF, 1,
       .fill = f_map_bad_domid, .expect = X_ST16, OFF(struct gnttab_map_grant_ref, status)),
    HC("grant_table_op/map-bad-ref", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, T_BUF, 1,
       .fill = f_map_bad_ref, .expect = X_ST16, OFF(struct gnttab_map_grant_ref, status)),
    HC("grant_table_op/map-no-flags", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, T_BUF, 1,
       .fill = f_map_no_flags, .expect = X_ST16, OFF(struct gnttab_map_grant_ref, status)),
    HC("grant_table_op/map-status-readonly", __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, T_RO, 1,
       .fill = f_map_bad_ref, .xen = -14),
    HC("grant_table_op/unmap-null", __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, 0, 1, .xen = -14),
    HC("grant_table_op/unmap-bad-handle", __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, T_BUF, 1,
       .fill = f_unmap_bad_handle, .expect = X_ST16, OFF(struct gnttab_unmap_grant_ref, status)),
    HC("grant_table_op/setup-table-null", __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, 0, 1, .xen = -14),
    HC("grant_table_op/setup-table-bad-domid", __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, T_BUF, 1,
       .fill = f_setup_bad_domid, .expect = X_ST16, OFF(struct gnttab_setup_table, status)),
    HC("grant_table_op/setup-table-huge-frames", __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, T_BUF, 1,
       .fill = f_setup_huge, .expect = X_ST16, OFF(struct gnttab_setup_table, status)),
    HC("grant_table_op/dump-table-bad-domid", __HYPERVISOR_grant_table_op, GNTTABOP_dump_table, T_BUF, 1,
       .fill = f_dump_bad_domid, .expect = X_ST16, OFF(struct gnttab_dump_table, status), .xen = -38),
    HC("grant_table_op/transfer-null", __HYPERVISOR_grant_table_op, GNTTABOP_transfer, 0, 1, .xen = -95),
    HC("grant_table_op/copy-null", __HYPERVISOR_grant_table_op, GNTTABOP_copy, 0, 1, .xen = -14),
    HC("grant_table_op/copy-bad-ref", __HYPERVISOR_grant_table_op, GNTTABOP_copy, T_BUF, 1,
       .fill = f_copy_bad_ref, .expect = X_ST16, OFF(struct gnttab_copy, status)),
    HC("grant_table_op/copy-bad-domid", __HYPERVISOR_grant_table_op, GNTTABOP_copy, T_BUF, 1,
       .fill = f_copy_bad_domid, .expect = X_ST16, OFF(struct gnttab_copy, status)),
    HC("grant_table_op/copy-bad-len", __HYPERVISOR_grant_table_op, GNTTABOP_copy, T_BUF, 1,
       .fill = f_copy_bad_len, .expect = X_ST16, OFF(struct gnttab_copy, status)),
    HC("grant_table_op/query-size-null", __HYPERVISOR_grant_table_op, GNTTABOP_query_size, 0, 1, .xen = -14),
    HC("grant_table_op/query-size-kernel-guard", __HYPERVISOR_grant_table_op, GNTTABOP_query_size, K_GUARD, 1, .xen = -14),
    HC("grant_table_op/query-size-bad-domid", __HYPERVISOR_grant_table_op, GNTTABOP_query_size, T_BUF, 1,
       .fill = f_query_bad_domid, .expect = X_ST16, OFF(struct gnttab_query_size, status)),
    HC("grant_table_op/unmap-and-replace-null", __HYPERVISOR_grant_table_op, GNTTABOP_unmap_and_replace, 0, 1, .xen = -14),
    HC("grant_table_op/set-version-3", __HYPERVISOR_grant_table_op, GNTTABOP_set_version, T_BUF, 1,
       .fill = f_setver3, .xen = -22),
    HC("grant_table_op/get-status-frames-v1", __HYPERVISOR_grant_table_op, GNTTABOP_get_status_frames, T_BUF, 1,
       .fill = f_getstatus, .expect = X_ST16, OFF(struct gnttab_get_status_frames, status)),
    HC("grant_table_op/get-version-null", __HYPERVISOR_grant_table_op, GNTTABOP_get_version, 0, 1, .xen = -14),
    HC("grant_table_op/get-version-bad-domid", __HYPERVISOR_grant_table_op, GNTTABOP_get_version, T_BUF, 1,
       .fill = f_getver_bad_domid, .xen = -3),
    HC("grant_table_op/swap-bad-refs", __HYPERVISOR_grant_table_op, GNTTABOP_swap_grant_ref, T_BUF, 1,
       .fill = f_swap_bad, .expect = X_ST16, OFF(struct gnttab_swap_grant_ref, status)),
    HC("grant_table_op/cache-flush-null", __HYPERVISOR_grant_table_op, GNTTABOP_cache_flush, 0, 1, .xen = -14),
    HC("grant_table_op/cache-flush-bad-op", __HYPERVISOR_grant_table_op, GNTTABOP_cache_flush, T_BUF, 1,
       .fill = f_cflush_bad_op, .xen = -22),
    HC("grant_table_op/cache-flush-bad-length", __HYPERVISOR_grant_table_op, GNTTABOP_cache_flush, T_BUF, 1,
       .fill = f_cflush_bad_len, .xen = -22),
    HC("grant_table_op/set-version-2-on-arm", __HYPERVISOR_grant_table_op, GNTTABOP_set_version, T_BUF, 1,
       .fill = f_setver2, .xen = -38),

    /* event_channel_op (32): (cmd, arg) */
    HC("event_channel_op/bad-cmd", __HYPERVISOR_event_channel_op, 99, T_BUF, 0, .xen = -38),
    HC("event_channel_op/send-null", __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0, 0, .xen = -14),
    HC("event_channel_op/send-port-0", __HYPERVISOR_event_channel_op, EVTCHNOP_send, T_BUF, 0, .fill = f_port0, .xen = -22),
    HC("event_channel_op/send-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_send, T_BUF, 0,
       .fill = f_port_huge, .xen = -22),
    HC("event_channel_op/status-null", __HYPERVISOR_event_channel_op, EVTCHNOP_status, 0, 0, .xen = -14),
    HC("event_channel_op/status-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_status, T_BUF, 0,
       .fill = f_status_huge, .xen = -22),
    HC("event_channel_op/status-bad-domid", __HYPERVISOR_event_channel_op, EVTCHNOP_status, T_BUF, 0,
       .fill = f_status_bad_domid, .xen = -3),
    HC("event_channel_op/alloc-unbound-null", __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, 0, 0, .xen = -14),
    HC("event_channel_op/alloc-unbound-bad-domid", __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, T_BUF, 0,
       .fill = f_alloc_bad_domid, .xen = -3),
    HC("event_channel_op/alloc-unbound-readonly", __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, T_RO, 0,
       .fill = f_alloc_bad_domid, .xen = -3),
    HC("event_channel_op/bind-interdomain-bad-domid", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
       T_BUF, 0, .fill = f_bi_bad_domid, .xen = -3),
    HC("event_channel_op/bind-interdomain-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
       T_BUF, 0, .fill = f_bi_huge_port, .xen = -22),
    HC("event_channel_op/bind-interdomain-port-0", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
       T_BUF, 0, .fill = f_bi_port0, .xen = -22),
    HC("event_channel_op/bind-virq-bad-virq", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, T_BUF, 0,
       .fill = f_virq_bad, .xen = -22),
    HC("event_channel_op/bind-virq-bad-vcpu", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, T_BUF, 0,
       .fill = f_virq_bad_vcpu, .xen = -2),
    HC("event_channel_op/bind-ipi-bad-vcpu", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, T_BUF, 0,
       .fill = f_ipi_bad_vcpu, .xen = -2),
    HC("event_channel_op/bind-pirq-bad-pirq", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_pirq, T_BUF, 0,
       .fill = f_pirq_bad, .xen = -22),
    HC("event_channel_op/close-port-0", __HYPERVISOR_event_channel_op, EVTCHNOP_close, T_BUF, 0, .fill = f_port0, .xen = -22),
    HC("event_channel_op/close-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_close, T_BUF, 0,
       .fill = f_port_huge, .xen = -22),
    HC("event_channel_op/unmask-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, T_BUF, 0,
       .fill = f_port_huge, .xen = -22),
    HC("event_channel_op/bind-vcpu-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_bind_vcpu, T_BUF, 0,
       .fill = f_bindvcpu_huge, .xen = -22),
    HC("event_channel_op/set-priority-huge-port", __HYPERVISOR_event_channel_op, EVTCHNOP_set_priority, T_BUF, 0,
       .fill = f_prio_huge, .xen = -22),
    HC("event_channel_op/init-control-bad-vcpu", __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, T_BUF, 0,
       .fill = f_initctl_bad_vcpu, .xen = -2),
    HC("event_channel_op/init-control-bad-offset", __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, T_BUF, 0,
       .fill = f_initctl_bad_offset, .xen = -22),
    HC("event_channel_op/expand-array-far-gfn", __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, T_BUF, 0,
       .fill = f_expand_far, .xen = -22),
    HC("event_channel_op/reset-bad-domid", __HYPERVISOR_event_channel_op, EVTCHNOP_reset, T_BUF, 0,
       .fill = f_reset_bad_domid, .xen = -3),

    /* vcpu_op (24): (cmd, vcpuid, arg) */
    HC("vcpu_op/bad-cmd", __HYPERVISOR_vcpu_op, 99, 0, T_BUF, .xen = -22),
    HC("vcpu_op/initialise-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_initialise, BAD_VCPU, T_BUF, .xen = -2),
    HC("vcpu_op/up-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_up, BAD_VCPU, 0, .xen = -2),
    HC("vcpu_op/down-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_down, BAD_VCPU, 0, .xen = -2),
    HC("vcpu_op/is-up-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_is_up, BAD_VCPU, 0, .xen = -2),
    HC("vcpu_op/huge-vcpuid", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0xffffffffu, T_BUF,
       .fill = f_vcpuinfo_far, .xen = -2),
    HC("vcpu_op/register-vcpu-info-null", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, 0, .xen = -14),
    HC("vcpu_op/register-vcpu-info-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, BAD_VCPU, T_BUF,
       .fill = f_vcpuinfo_far, .xen = -2),
    HC("vcpu_op/register-vcpu-info-far-gfn", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, T_BUF,
       .fill = f_vcpuinfo_far, .xen = -22),
    HC("vcpu_op/register-vcpu-info-bad-offset", __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, T_BUF,
       .fill = f_vcpuinfo_bad_offset, .xen = -6),
    HC("vcpu_op/register-runstate-null", __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, 0, .xen = -14),
    HC("vcpu_op/register-runstate-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, BAD_VCPU,
       T_BUF, .xen = -2),
    HC("vcpu_op/get-runstate-info-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, BAD_VCPU, T_BUF, .xen = -2),
    HC("vcpu_op/set-periodic-timer-bad-vcpu", __HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, BAD_VCPU, T_BUF, .xen = -2),

    /* sched_op (29): never a readable SCHEDOP_shutdown */
    HC("sched_op/bad-cmd", __HYPERVISOR_sched_op, 99, T_BUF, 0, .xen = -38),
    HC("sched_op/shutdown-null", __HYPERVISOR_sched_op, SCHEDOP_shutdown, 0, 0, .xen = -14),
    HC("sched_op/shutdown-unmapped", __HYPERVISOR_sched_op, SCHEDOP_shutdown, T_UNMAPPED, 0, .xen = -14),
    HC("sched_op/shutdown-kernel-guard", __HYPERVISOR_sched_op, SCHEDOP_shutdown, K_GUARD, 0, .xen = -14),
    HC("sched_op/shutdown-noncanonical", __HYPERVISOR_sched_op, SCHEDOP_shutdown, NONCANON, 0, .xen = -14),
    HC("sched_op/shutdown-code-null", __HYPERVISOR_sched_op, SCHEDOP_shutdown_code, 0, 0, .xen = -14),
    HC("sched_op/poll-null", __HYPERVISOR_sched_op, SCHEDOP_poll, 0, 0, .xen = -14),
    HC("sched_op/poll-too-many-ports", __HYPERVISOR_sched_op, SCHEDOP_poll, T_BUF, 0, .fill = f_poll_many, .xen = -22),
    HC("sched_op/poll-unmapped-ports", __HYPERVISOR_sched_op, SCHEDOP_poll, T_BUF, 0, .fill = f_poll_unmapped, .xen = -14),
    HC("sched_op/remote-shutdown-bad-domid", __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, T_BUF, 0,
       .fill = f_rshut_bad_domid, .xen = -3),
    HC("sched_op/remote-shutdown-null", __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0, 0, .xen = -14),
    HC("sched_op/watchdog-bad-id", __HYPERVISOR_sched_op, SCHEDOP_watchdog, T_BUF, 0, .fill = f_watchdog_bad, .xen = -22),
    HC("sched_op/watchdog-null", __HYPERVISOR_sched_op, SCHEDOP_watchdog, 0, 0, .xen = -14),
    HC("sched_op/pin-override-bad-cpu", __HYPERVISOR_sched_op, SCHEDOP_pin_override, T_BUF, 0, .fill = f_pin_bad, .xen = -22),
    HC("sched_op/pin-override-null", __HYPERVISOR_sched_op, SCHEDOP_pin_override, 0, 0, .xen = -14),

    /* hvm_op (34) */
    HC("hvm_op/bad-cmd", __HYPERVISOR_hvm_op, 99, T_BUF, 0, .xen = -38),
    HC("hvm_op/get-param-null", __HYPERVISOR_hvm_op, HVMOP_get_param, 0, 0, .xen = -14),
    HC("hvm_op/get-param-bad-index", __HYPERVISOR_hvm_op, HVMOP_get_param, T_BUF, 0, .fill = f_hvm_bad_index, .xen = -22),
    HC("hvm_op/get-param-bad-domid", __HYPERVISOR_hvm_op, HVMOP_get_param, T_BUF, 0, .fill = f_hvm_bad_domid, .xen = -3),
    HC("hvm_op/get-param-readonly", __HYPERVISOR_hvm_op, HVMOP_get_param, T_RO, 0, .fill = f_hvm_store_evtchn, .xen = -14),
    HC("hvm_op/set-param-null", __HYPERVISOR_hvm_op, HVMOP_set_param, 0, 0, .xen = -14),
    HC("hvm_op/set-param-bad-index", __HYPERVISOR_hvm_op, HVMOP_set_param, T_BUF, 0, .fill = f_hvm_bad_index, .xen = -22),
    HC("hvm_op/set-param-bad-domid", __HYPERVISOR_hvm_op, HVMOP_set_param, T_BUF, 0, .fill = f_hvm_set_bad_domid, .xen = -3),

    /* console_io (18): (cmd, count, buffer) */
    HC("console_io/bad-cmd", __HYPERVISOR_console_io, 99, 0, 0, .xen = -38),
    HC("console_io/write-null", __HYPERVISOR_console_io, CONSOLEIO_write, 16, 0, .xen = -14),
    HC("console_io/write-kernel-guard", __HYPERVISOR_console_io, CONSOLEIO_write, 16, K_GUARD, .xen = -14),
    HC("console_io/write-noncanonical", __HYPERVISOR_console_io, CONSOLEIO_write, 16, NONCANON, .xen = -14),
    HC("console_io/write-unmapped", __HYPERVISOR_console_io, CONSOLEIO_write, 16, T_UNMAPPED, .xen = -14),
    HC("console_io/write-huge-count-into-unmapped", __HYPERVISOR_console_io, CONSOLEIO_write, 0xffffffffu, T_TAIL),

    /* physdev_op (33): (cmd, arg) */
    HC("physdev_op/bad-cmd", __HYPERVISOR_physdev_op, 999, T_BUF, 0, .xen = -38),
    HC("physdev_op/eoi-null", __HYPERVISOR_physdev_op, PHYSDEVOP_eoi, 0, 0, .xen = -38),
    HC("physdev_op/map-pirq-null", __HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, 0, 0, .xen = -38),
    HC("physdev_op/pci-device-add-null", __HYPERVISOR_physdev_op, PHYSDEVOP_pci_device_add, 0, 0, .xen = -38),

    /* platform_op (7): (op*) */
    HC("platform_op/null", __HYPERVISOR_platform_op, 0, 0, 0, .xen = -14),
    HC("platform_op/unmapped", __HYPERVISOR_platform_op, T_UNMAPPED, 0, 0, .xen = -14),
    HC("platform_op/bad-interface-version", __HYPERVISOR_platform_op, T_BUF, 0, 0, .fill = f_pf_bad_version, .xen = -13),
    HC("platform_op/bad-cmd", __HYPERVISOR_platform_op, T_BUF, 0, 0, .fill = f_pf_bad_cmd, .xen = -38),

    /* multicall (13): (entries*, nr_calls) */
    HC("multicall/null", __HYPERVISOR_multicall, 0, 1, 0, .xen = -14),
    HC("multicall/unmapped", __HYPERVISOR_multicall, T_UNMAPPED, 1, 0, .xen = -14),
    HC("multicall/kernel-guard", __HYPERVISOR_multicall, K_GUARD, 1, 0, .xen = -14),
    HC("multicall/huge-count-into-unmapped", __HYPERVISOR_multicall, T_TAIL64, 0x7fffffff, 0, .fill = f_mc_tail, .xen = -14),
    HC("multicall/entry-unknown-op", __HYPERVISOR_multicall, T_BUF, 1, 0, .fill = f_mc_unknown, .expect = X_MC,
       OFF(multicall_entry_t, result)),
    HC("multicall/entry-bad-pointer", __HYPERVISOR_multicall, T_BUF, 1, 0, .fill = f_mc_badptr, .expect = X_MC,
       OFF(multicall_entry_t, result)),
    HC("multicall/entry-nested-multicall", __HYPERVISOR_multicall, T_BUF, 1, 0, .fill = f_mc_nested,
       .expect = X_MC, OFF(multicall_entry_t, result)),

    /* vm_assist (21): (cmd, type) */
    HC("vm_assist/bad-cmd", __HYPERVISOR_vm_assist, 99, 0, 0, .xen = -22),
    HC("vm_assist/bad-type", __HYPERVISOR_vm_assist, VMASST_CMD_enable, 31, 0, .xen = -22),
    HC("vm_assist/huge-type", __HYPERVISOR_vm_assist, VMASST_CMD_enable, 0xffffffffu, 0, .xen = -22),

    /* domctl (36), sysctl (35): never an acting command on dom0 */
    HC("domctl/null", __HYPERVISOR_domctl, 0, 0, 0, .xen = -14),
    HC("domctl/bad-interface-version", __HYPERVISOR_domctl, T_BUF, 0, 0, .fill = f_domctl_bad_version, .xen = -13),
    HC("domctl/bad-cmd", __HYPERVISOR_domctl, T_BUF, 0, 0, .fill = f_domctl_bad_cmd, .xen = -3),
    HC("domctl/destroydomain-bad-domid", __HYPERVISOR_domctl, T_BUF, 0, 0, .fill = f_domctl_destroy, .xen = -3),
    HC("domctl/pausedomain-bad-domid", __HYPERVISOR_domctl, T_BUF, 0, 0, .fill = f_domctl_pause, .xen = -3),
    HC("domctl/unpausedomain-domid-self", __HYPERVISOR_domctl, T_BUF, 0, 0, .fill = f_domctl_unpause_self, .xen = -3),
    HC("sysctl/null", __HYPERVISOR_sysctl, 0, 0, 0, .xen = -14),
    HC("sysctl/bad-interface-version", __HYPERVISOR_sysctl, T_BUF, 0, 0, .fill = f_sysctl_bad_version, .xen = -13),
    HC("sysctl/bad-cmd", __HYPERVISOR_sysctl, T_BUF, 0, 0, .fill = f_sysctl_bad_cmd, .xen = -38),

    /* the rest of the table */
    HC("xsm_op/null", __HYPERVISOR_xsm_op, 0, 0, 0, .xen = -38),
    HC("dm_op/bad-domid", __HYPERVISOR_dm_op, BAD_DOMID, 1, T_UNMAPPED, .xen = -38),
    HC("hypfs_op/read-null-path", __HYPERVISOR_hypfs_op, 1, 0, 5, .xen = -14),
    HC("hypfs_op/bad-cmd", __HYPERVISOR_hypfs_op, 99, 0, 0, .xen = -22),
    HC("argo_op/null", __HYPERVISOR_argo_op, 0, 0, 0, .xen = -38),
    HC("kexec_op/null", __HYPERVISOR_kexec_op, 0, 0, 0, .xen = -38),
    HC("xenpmu_op/null", __HYPERVISOR_xenpmu_op, 0, 0, 0, .xen = -38),
    HC("x86-only/set_trap_table", __HYPERVISOR_set_trap_table, T_BUF, 0, 0, .xen = -38),
    HC("x86-only/mmu_update", __HYPERVISOR_mmu_update, T_BUF, 1, 0, .xen = -38),
    HC("x86-only/stack_switch", __HYPERVISOR_stack_switch, 0, 0, 0, .xen = -38),
    HC("x86-only/set_callbacks", __HYPERVISOR_set_callbacks, 0, 0, 0, .xen = -38),
    HC("x86-only/update_va_mapping", __HYPERVISOR_update_va_mapping, 0, 0, 0, .xen = -38),
    HC("x86-only/set_timer_op", __HYPERVISOR_set_timer_op, 0, 0, 0, .xen = -38),
    HC("x86-only/iret", __HYPERVISOR_iret, 0, 0, 0, .xen = -38),
    HC("x86-only/mmuext_op", __HYPERVISOR_mmuext_op, T_BUF, 1, 0, .xen = -38),
    HC("x86-only/nmi_op", __HYPERVISOR_nmi_op, 0, 0, 0, .xen = -38),
    HC("x86-only/callback_op", __HYPERVISOR_callback_op, 0, 0, 0, .xen = -38),
    HC("compat/sched_op_compat", __HYPERVISOR_sched_op_compat, 99, 0, 0, .xen = -38),
    HC("compat/event_channel_op_compat", __HYPERVISOR_event_channel_op_compat, 0, 0, 0, .xen = -38),
    HC("unknown/43", 43, 0, 0, 0, .xen = -38),
    HC("unknown/arch_0", __HYPERVISOR_arch_0, 0, 0, 0, .xen = -38),
    HC("unknown/63", 63, 0, 0, 0, .xen = -38),
    HC("unknown/64", 64, 0, 0, 0, .xen = -38),
    HC("unknown/1000", 1000, 0, 0, 0, .xen = -38),
    HC("unknown/0xffffffff", 0xffffffffULL, 0, 0, 0, .xen = -38),
    /* Numbers of 2^32 and above cannot be tried from here: Linux's arm64
     * privcmd_call(unsigned call, ...) passes only the low 32 bits on
     * (2^32+17 reaches the hypervisor as xen_version). */
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static uint64_t resolve(const struct env *e, uint64_t v)
{
    switch (v) {
    case T_BUF: return (uintptr_t)e->buf;
    case T_UNMAPPED: return (uintptr_t)e->unmapped;
    case T_RO: return (uintptr_t)e->ro;
    case T_TAIL: return (uintptr_t)(e->tail + PAGE_SIZE_4K - 16);
    case T_TAIL64: return (uintptr_t)(e->tail + PAGE_SIZE_4K - 64);
    default: return v;
    }
}

static void errstr(char *out, size_t n, long r)
{
    snprintf(out, n, "%ld %s", r, xt_errname(r));
}

static void run_case(int fd, struct env *e, const struct hcase *c, int verbose)
{
    int uses_ro = 0;
    memset(e->buf, 0, PAGE_SIZE_4K);
    memset(e->tail, 0, PAGE_SIZE_4K);
    if (c->fill)
        c->fill(e);
    for (int i = 0; i < 5; i++)
        uses_ro |= c->a[i] == T_RO;
    if (uses_ro) {
        mprotect(e->ro, PAGE_SIZE_4K, PROT_READ | PROT_WRITE);
        memcpy(e->ro, e->buf, PAGE_SIZE_4K);
        mprotect(e->ro, PAGE_SIZE_4K, PROT_READ);
    }
    if (verbose) {
        printf("# %s ...\n", c->name);
        fflush(stdout);
    }
    long r = xt_hypercall(fd, c->op, resolve(e, c->a[0]), resolve(e, c->a[1]), resolve(e, c->a[2]),
                          resolve(e, c->a[3]), resolve(e, c->a[4]));
    char rs[48], detail[128] = "";
    errstr(rs, sizeof(rs), r);
    int ok;
    switch (c->expect) {
    case X_ST16: {
        int16_t st;
        memcpy(&st, e->buf + c->off, sizeof(st));
        ok = r < 0 || (r == 0 && st < 0);
        snprintf(detail, sizeof(detail), ", status=%d", st);
        break;
    }
    case X_ST32: {
        int32_t st;
        memcpy(&st, e->buf + c->off, sizeof(st));
        ok = r < 0 || (r == 0 && st < 0);
        snprintf(detail, sizeof(detail), ", err[0]=%d", st);
        break;
    }
    case X_MC: {
        int64_t res;
        memcpy(&res, e->buf + c->off, sizeof(res));
        ok = r < 0 || (r == 0 && res < 0);
        snprintf(detail, sizeof(detail), ", entry result=%lld %s", (long long)res, xt_errname((long)res));
        break;
    }
    case X_LT1:
        ok = r < 1;
        snprintf(detail, sizeof(detail), ", extents done");
        break;
    default:
        ok = r < 0;
        break;
    }
    if (ok) {
        char hint[64] = "";
        if (c->xen && c->xen != r && c->expect == X_ERR)
            snprintf(hint, sizeof(hint), "; Xen 4.17: %ld %s", c->xen, xt_errname(c->xen));
        xt_pass(c->name, "ret=%s%s%s", rs, detail, hint);
    } else {
        xt_fail(c->name, "ret=%s%s: the invalid call succeeded", rs, detail);
    }
}

/* Cases through Linux's devices rather than raw privcmd hypercalls. */
static void run_device_cases(const char *filter)
{
    if (!filter || strstr("devices/evtchn-bind-interdomain-bad-domid", filter)) {
        int h = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
        if (h < 0) {
            xt_fail("devices/evtchn-bind-interdomain-bad-domid", "open /dev/xen/evtchn: %s", strerror(errno));
        } else {
            struct ioctl_evtchn_bind_interdomain b = { .remote_domain = BAD_DOMID, .remote_port = 1 };
            int r = ioctl(h, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
            if (r < 0)
                xt_pass("devices/evtchn-bind-interdomain-bad-domid", "errno %d %s", errno, strerror(errno));
            else
                xt_fail("devices/evtchn-bind-interdomain-bad-domid", "bound port %d", r);
            close(h);
        }
    }
    if (!filter || strstr("devices/gntdev-map-bad-ref", filter)) {
        int g = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
        if (g < 0) {
            xt_fail("devices/gntdev-map-bad-ref", "open /dev/xen/gntdev: %s", strerror(errno));
        } else {
            struct ioctl_gntdev_map_grant_ref m = { .count = 1, .refs = { { .domid = 0, .ref = 0xffffff } } };
            if (ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, &m) != 0) {
                xt_pass("devices/gntdev-map-bad-ref", "MAP_GRANT_REF errno %d", errno);
            } else {
                void *p = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED, g, (off_t)m.index);
                if (p == MAP_FAILED)
                    xt_pass("devices/gntdev-map-bad-ref", "mmap errno %d %s", errno, strerror(errno));
                else {
                    xt_fail("devices/gntdev-map-bad-ref", "ref 0xffffff of dom0 mapped");
                    munmap(p, PAGE_SIZE_4K);
                }
                struct ioctl_gntdev_unmap_grant_ref u = { .index = m.index, .count = 1 };
                ioctl(g, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
            }
            close(g);
        }
    }
    if (!filter || strstr("devices/privcmd-mmapbatch-bad-domid", filter)) {
        int fd = xt_privcmd_open();
        if (fd < 0) {
            xt_fail("devices/privcmd-mmapbatch-bad-domid", "no privcmd");
            return;
        }
        void *addr = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (addr == MAP_FAILED) {
            xt_fail("devices/privcmd-mmapbatch-bad-domid", "mmap privcmd: %s", strerror(errno));
        } else {
            xen_pfn_t arr[1] = { 0 };
            int err[1] = { 0 };
            privcmd_mmapbatch_v2_t b = { .num = 1, .dom = BAD_DOMID, .addr = (uintptr_t)addr, .arr = arr, .err = err };
            int r = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b);
            int e = errno;
            if (r < 0 || err[0] < 0)
                xt_pass("devices/privcmd-mmapbatch-bad-domid", "ioctl %d%s%s, err[0]=%d", r, r < 0 ? " " : "",
                        r < 0 ? strerror(e) : "", err[0]);
            else
                xt_fail("devices/privcmd-mmapbatch-bad-domid", "mapped a frame of domain %u", BAD_DOMID);
            munmap(addr, PAGE_SIZE_4K);
        }
        close(fd);
    }
}

int main(int argc, char **argv)
{
    int verbose = 0, list = 0;
    const char *filter = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else if (!strcmp(argv[i], "--list"))
            list = 1;
        else
            filter = argv[i];
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (list) {
        for (size_t i = 0; i < NCASES; i++) {
            if (cases[i].xen)
                printf("xen-hostile/%s (Xen 4.17: %ld %s)\n", cases[i].name, cases[i].xen,
                       xt_errname(cases[i].xen));
            else
                printf("xen-hostile/%s\n", cases[i].name);
        }
        printf("xen-hostile/devices/evtchn-bind-interdomain-bad-domid\n"
               "xen-hostile/devices/gntdev-map-bad-ref\n"
               "xen-hostile/devices/privcmd-mmapbatch-bad-domid\n");
        return 0;
    }
    xt_set_prefix("xen-hostile");
    int fd = xt_privcmd_open();
    if (fd < 0) {
        xt_fail("setup", "cannot open /dev/xen/privcmd");
        printf("xen-hostile: done: %d passed, %d failed\n", xt_passed(), xt_failed());
        return 0;
    }
    long v = xt_hypercall(fd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    xt_info("xen-hostile: %zu hypercall cases + 3 device cases, hypervisor version 0x%lx", NCASES, v);

    struct env e;
    e.buf = xt_alloc_pages(1);
    e.tail = xt_alloc_pages(2);
    munlock(e.tail + PAGE_SIZE_4K, PAGE_SIZE_4K);
    munmap(e.tail + PAGE_SIZE_4K, PAGE_SIZE_4K);
    e.ro = xt_readonly_page();
    e.unmapped = xt_unmapped_page();

    for (size_t i = 0; i < NCASES; i++) {
        if (filter && !strstr(cases[i].name, filter))
            continue;
        run_case(fd, &e, &cases[i], verbose);
    }
    run_device_cases(filter);

    long v2 = xt_hypercall(fd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    if (v2 == v)
        xt_pass("alive", "xen_version still answers 0x%lx", v2);
    else
        xt_fail("alive", "xen_version now answers %ld", v2);
    printf("xen-hostile: done: %d passed, %d failed\n", xt_passed(), xt_failed());
    return 0;
}

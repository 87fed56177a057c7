/* The hypercall table and the families of the foundation, through the dispatcher. */
#include <string.h>

#include "check.h"
#include "fake_guest.h"
#include "percpu.h"
#include "hypercall.h"
#include <xen/version.h>
#include <xen/features.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/sysctl.h>
#include <xen/domctl.h>

#define G FAKE_GUEST_BASE
#define BAD 0x100000000000UL

static long hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct hypercall_args a = { { a0, a1, a2, 0, 0 } };
    return hypercall_dispatch(nr, &a, fake_domain.is_privileged);
}

static void test_unknown_numbers_enosys(void)
{
    fake_guest_reset(false);
    CHECK_EQ(hc(63, 0, 0, 0), -38);
    CHECK_EQ(hc(64, 0, 0, 0), -38);
    CHECK_EQ(hc(1000, 0, 0, 0), -38);
    CHECK_EQ(hc(0xFFFFFFFFUL, 0, 0, 0), -38);
    CHECK_EQ(hc(~0UL, 0, 0, 0), -38);
    CHECK_EQ(hc(__HYPERVISOR_set_trap_table, 0, 0, 0), -38);   /* x86 PV only */
    CHECK_EQ(hc(__HYPERVISOR_sched_op_compat, 0, 0, 0), -38);
}

static void test_table_rows_are_sane(void)
{
    unsigned int rows = 0;
    for (unsigned int i = 0; i < NR_HYPERCALLS; i++) {
        if (!hypercall_table[i].fn)
            continue;
        rows++;
        CHECK(hypercall_table[i].name != NULL);
        CHECK(hypercall_table[i].nargs >= 1 && hypercall_table[i].nargs <= 5);
    }
    CHECK(rows >= 4);
    CHECK_EQ(hypercall_nargs(__HYPERVISOR_console_io), 3);
    CHECK_EQ(hypercall_nargs(1000), 0);
}

static void test_calls_are_counted(void)
{
    fake_guest_reset(false);
    uint64_t before = hypercall_count(__HYPERVISOR_xen_version);
    hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    CHECK_EQ(hypercall_count(__HYPERVISOR_xen_version) - before, 2);
}

static void test_xen_version_reports_4_17(void)
{
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x40011);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_extraversion, G, 0), 0);
    CHECK(strncmp(guest_ptr(G), ".0-lamina", 16) == 0);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_capabilities, G + 64, 0), 0);
    CHECK(strstr(guest_ptr(G + 64), "xen-3.0-aarch64") != NULL);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, 99, 0, 0), -38);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_build_id, G, 0), -61);
}

static void test_xen_version_bad_pointers_efault(void)
{
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_extraversion, BAD, 0), -14);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_get_features, BAD, 0), -14);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_compile_info, 0, 0), -14);
    /* A buffer that runs off the end of guest memory. */
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_extraversion, G + FAKE_GUEST_SIZE - 8, 0), -14);
}

static void test_features_domu_and_dom0(void)
{
    xen_feature_info_t *fi = guest_ptr(G);
    fake_guest_reset(false);
    fi->submap_idx = 0;
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_get_features, G, 0), 0);
    CHECK_EQ(fi->submap, 0x00016005);           /* Xen 4.17 arm domU */
    fake_guest_reset(true);
    fi->submap_idx = 0;
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_get_features, G, 0), 0);
    CHECK_EQ(fi->submap, 0x00026805);           /* Xen 4.17 arm dom0 */
    fi->submap_idx = 1;
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_get_features, G, 0), -22);
}

static void test_commandline_privileged_only(void)
{
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_commandline, G, 0), -1);
    fake_guest_reset(true);
    CHECK_EQ(hc(__HYPERVISOR_xen_version, XENVER_commandline, G, 0), 0);
    CHECK(strcmp(guest_ptr(G), "loglvl=all") == 0);
}

static void test_console_write(void)
{
    fake_guest_reset(false);
    memcpy(guest_ptr(G), "hello\n", 6);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 6, G), 0);
    CHECK_EQ(fake_calls.console_len, 6);
    CHECK(memcmp(fake_calls.console, "hello\n", 6) == 0);
    /* Longer than one internal chunk. */
    memset(guest_ptr(G), 'x', 1000);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 1000, G), 0);
    CHECK_EQ(fake_calls.console_len, 1006);
}

static void test_console_bad_input_prints_nothing(void)
{
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 10, BAD), -14);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 10, 0), -14);
    /* Starts in guest memory, ends outside: all or nothing. */
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 600, G + FAKE_GUEST_SIZE - 300), -14);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 0x7fffffff, G), -7);
    CHECK_EQ(fake_calls.console_len, 0);
    CHECK_EQ(hc(__HYPERVISOR_console_io, 9, 1, G), -38);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 1, G), -1);
}

extern char fake_console_input[64];
extern size_t fake_console_input_len;

static void test_console_read_dom0_only(void)
{
    fake_guest_reset(true);
    memcpy(fake_console_input, "abc", 3);
    fake_console_input_len = 3;
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 2, BAD), -14);
    CHECK_EQ(fake_console_input_len, 3);                   /* nothing lost on a bad pointer */
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 2, G), 2);
    CHECK(memcmp(guest_ptr(G), "ab", 2) == 0);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, G), 1);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, G), 0);
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, G), -1);
}

static void test_sched_op(void)
{
    struct sched_shutdown *s = guest_ptr(G);
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
    CHECK_EQ(fake_calls.yields, 1);
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0), 0);
    CHECK_EQ(fake_calls.blocks, 1);
    CHECK_EQ(hc(__HYPERVISOR_sched_op, 77, 0, 0), -38);
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, BAD, 0), -14);
    s->reason = 99;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, G, 0), -22);
    CHECK_EQ(fake_calls.shutdowns, 0);
    s->reason = SHUTDOWN_crash;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, G, 0), 0);
    CHECK_EQ(fake_calls.shutdowns, 1);
    CHECK_EQ(fake_calls.shutdown_reason, SHUTDOWN_crash);
}

/* Xen's do_poll: with interrupts masked, only the given ports end the wait
 * (an upcall left pending does not); taking interrupts, any upcall does. */
static void test_sched_poll_xen_semantics(void)
{
    static struct shared_info si;
    struct sched_poll *p = guest_ptr(G);
    uint32_t *ports = guest_ptr(G + 128);
    fake_guest_reset(false);
    memset(&si, 0, sizeof(si));
    fake_domain.shared_info = &si;
    p->ports.q = G + 128;
    p->nr_ports = 1;
    p->timeout = 0;
    ports[0] = 5;
    si.vcpu_info[0].evtchn_upcall_pending = 1;     /* left so by a guest that takes no interrupts */
    this_cpu()->hc_irqs_masked = true;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.blocks, 1);
    CHECK_EQ(fake_calls.unblocks, 0);               /* asleep until port 5 */
    CHECK(fake_vcpu.polling);
    CHECK_EQ(fake_vcpu.poll_port, 5);
    si.evtchn_pending[0] = 1ULL << 5;               /* already pending: back at once */
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.unblocks, 1);
    CHECK(!fake_vcpu.polling);
    si.evtchn_pending[0] = 0;
    this_cpu()->hc_irqs_masked = false;             /* interrupts taken: the upcall wakes */
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.unblocks, 2);
    si.vcpu_info[0].evtchn_upcall_pending = 0;
    p->nr_ports = 2;                                /* several ports: an event on any wakes */
    ports[1] = 9;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.unblocks, 2);
    CHECK(fake_vcpu.polling);
    CHECK_EQ(fake_vcpu.poll_port, 0);
    si.evtchn_pending[0] = 1ULL << 9;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.unblocks, 3);
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0), 0);
    CHECK(!fake_vcpu.polling);                      /* a plain block is not a poll */
    fake_domain.shared_info = NULL;
}

static void test_sched_poll_and_remote_shutdown(void)
{
    struct sched_poll *p = guest_ptr(G);
    struct sched_remote_shutdown *r = guest_ptr(G + 256);
    fake_guest_reset(false);
    p->ports.q = G + 128;
    p->nr_ports = 2;
    p->timeout = 0;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.blocks, 1);
    CHECK_EQ(fake_calls.block_expires, 0);
    p->timeout = 1000000 + 5000;                    /* 5 us from the fake now */
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.block_expires, 1000000 + 5000);
    p->timeout = 10;                                /* already past: no block */
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), 0);
    CHECK_EQ(fake_calls.blocks, 2);
    p->nr_ports = 129;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), -22);
    p->nr_ports = 2;
    p->ports.q = BAD;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, G, 0), -14);
    r->domain_id = 1;
    r->reason = SHUTDOWN_poweroff;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, G + 256, 0), -1);
    fake_guest_reset(true);                          /* dom0 */
    r->domain_id = 77;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, G + 256, 0), -3);
    r->domain_id = 0;
    r->reason = 42;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, G + 256, 0), -22);
    r->reason = SHUTDOWN_reboot;
    CHECK_EQ(hc(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, G + 256, 0), 0);
    CHECK_EQ(fake_calls.shutdown_reason, SHUTDOWN_reboot);
}

void fake_env_domlist(void);

static void test_control_ops_privileged_and_versioned(void)
{
    struct xen_sysctl *s = guest_ptr(G);
    struct xen_domctl *dc = guest_ptr(G + 1024);
    fake_guest_reset(false);
    fake_env_domlist();
    s->cmd = XEN_SYSCTL_physinfo;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), -1);             /* a domU: EPERM */
    dc->cmd = XEN_DOMCTL_getdomaininfo;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G + 1024, 0, 0), -1);
    fake_guest_reset(true);
    fake_env_domlist();
    s->cmd = XEN_SYSCTL_physinfo;
    s->interface_version = 0x14;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), -13);            /* EACCES */
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, BAD, 0, 0), -14);
    s->cmd = 9999;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), -38);
}

static void test_sysctl_physinfo_and_readconsole(void)
{
    struct xen_sysctl *s = guest_ptr(G);
    fake_guest_reset(true);
    fake_env_domlist();
    s->cmd = XEN_SYSCTL_physinfo;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), 0);
    CHECK_EQ(s->u.physinfo.nr_nodes, 1);
    CHECK_EQ(s->u.physinfo.capabilities, XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
                                         XEN_SYSCTL_PHYSCAP_gnttab_v1);
    CHECK_EQ(s->u.physinfo.max_mfn, 0xbffff);
    memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_readconsole;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    s->u.readconsole.buffer.q = G + 2048;
    s->u.readconsole.count = 10;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), 0);
    CHECK_EQ(s->u.readconsole.count, 10);
    CHECK(memcmp(guest_ptr(G + 2048), "(LAMINA) h", 10) == 0);
    s->u.readconsole.incremental = 1;                           /* continue from index 10 */
    s->u.readconsole.count = 100;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), 0);
    CHECK(memcmp(guest_ptr(G + 2048), "ello from the ring\n", 19) == 0);
    CHECK_EQ(s->u.readconsole.count, 19);
    s->u.readconsole.buffer.q = BAD;
    s->u.readconsole.incremental = 0;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G, 0, 0), -14);
}

static void test_getdomaininfo_next_higher(void)
{
    struct xen_domctl *dc = guest_ptr(G);
    struct xen_sysctl *s = guest_ptr(G + 1024);
    fake_guest_reset(true);                                     /* the fake domain is d0 */
    fake_env_domlist();
    dc->cmd = XEN_DOMCTL_getdomaininfo;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = 0;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), 0);
    CHECK_EQ(dc->u.getdomaininfo.domain, 0);
    CHECK_EQ(dc->u.getdomaininfo.max_vcpu_id, 0);
    CHECK(dc->u.getdomaininfo.flags & XEN_DOMINF_hvm_guest);
    dc->domain = 5;                                             /* none >= 5 */
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -3);
    s->cmd = XEN_SYSCTL_getdomaininfolist;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    s->u.getdomaininfolist.first_domain = 0;
    s->u.getdomaininfolist.max_domains = 8;
    s->u.getdomaininfolist.buffer.q = G + 4096;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G + 1024, 0, 0), 0);
    CHECK_EQ(s->u.getdomaininfolist.num_domains, 1);
    s->u.getdomaininfolist.buffer.q = BAD;
    CHECK_EQ(hc(__HYPERVISOR_sysctl, G + 1024, 0, 0), -14);
}

static struct xen_domctl *domctl_at(uint64_t gva, uint32_t cmd, domid_t dom)
{
    struct xen_domctl *dc = guest_ptr(gva);
    memset(dc, 0, sizeof(*dc));
    dc->cmd = cmd;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = dom;
    return dc;
}

static void test_createdomain_validation(void)
{
    fake_guest_reset(true);
    fake_env_domlist();
    memset(&fake_ctl, 0, sizeof(fake_ctl));
    struct xen_domctl *dc = domctl_at(G, XEN_DOMCTL_createdomain, 0);
    struct xen_domctl_createdomain *c = &dc->u.createdomain;
    c->max_vcpus = 2;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);            /* no hvm|hap flags */
    c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_iommu;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -95);            /* no IOMMU */
    c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V2;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -95);            /* only GICv3 */
    c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
    c->arch.nr_spis = 5000;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    c->arch.nr_spis = 32;
    c->max_vcpus = 0;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    c->max_vcpus = 1000;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    CHECK_EQ(fake_ctl.creates, 0);                              /* nothing got that far */
    c->max_vcpus = 2;
    c->max_evtchn_port = 1023;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -12);            /* the core's answer */
    CHECK_EQ(fake_ctl.creates, 1);
    CHECK_EQ(fake_ctl.last_params.max_vcpus, 2);
    CHECK_EQ(fake_ctl.last_params.max_evtchn_port, 1023);
}

static void test_domctl_on_domains(void)
{
    fake_guest_reset(true);                                     /* caller = fake d0 */
    fake_env_domlist();
    memset(&fake_ctl, 0, sizeof(fake_ctl));
    struct xen_domctl *dc = domctl_at(G, XEN_DOMCTL_destroydomain, 7);
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -3);             /* no such domain */
    dc = domctl_at(G, XEN_DOMCTL_destroydomain, 0);
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);            /* not itself */
    dc = domctl_at(G, XEN_DOMCTL_pausedomain, 0);
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    dc = domctl_at(G, XEN_DOMCTL_max_mem, 0);
    dc->u.max_mem.max_memkb = 65536;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), 0);
    CHECK_EQ(fake_domain.max_pages, 16384);
    dc = domctl_at(G, XEN_DOMCTL_max_vcpus, 0);
    dc->u.max_vcpus.max = 4;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);            /* must match creation */
    dc->u.max_vcpus.max = 1;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), 0);
    dc = domctl_at(G, XEN_DOMCTL_set_address_size, 0);
    dc->u.address_size.size = 32;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    dc = domctl_at(G, XEN_DOMCTL_cacheflush, 0);
    dc->u.cacheflush.nr_pfns = 1UL << 20;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    dc = domctl_at(G, 9999, 0);
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -38);
}

static void test_setvcpucontext_rules(void)
{
    fake_guest_reset(true);
    fake_env_domlist();
    memset(&fake_ctl, 0, sizeof(fake_ctl));
    struct vcpu_guest_context *ctx = guest_ptr(G + 2048);
    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_online;
    ctx->user_regs.cpsr = 0x3c5;
    struct xen_domctl *dc = domctl_at(G, XEN_DOMCTL_setvcpucontext, 0);
    dc->u.vcpucontext.vcpu = 0;
    dc->u.vcpucontext.ctxt.q = G + 2048;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -16);            /* domain not paused */
    fake_domain.pause_count = 1;
    dc->u.vcpucontext.vcpu = 3;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);            /* no vCPU 3 */
    dc->u.vcpucontext.vcpu = 0;
    dc->u.vcpucontext.ctxt.q = BAD;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -14);
    dc->u.vcpucontext.ctxt.q = G + 2048;
    ctx->user_regs.cpsr = 0x1d3;                                /* AArch32 mode */
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), -22);
    CHECK_EQ(fake_ctl.wakes, 0);
    ctx->user_regs.cpsr = 0x3c5;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), 0);
    CHECK_EQ(fake_ctl.wakes, 1);                                /* online: made runnable */
    CHECK(fake_vcpu.initialised);
    dc = domctl_at(G, XEN_DOMCTL_getvcpucontext, 0);
    dc->u.vcpucontext.ctxt.q = G + 3072;
    CHECK_EQ(hc(__HYPERVISOR_domctl, G, 0, 0), 0);
    CHECK_EQ(((struct vcpu_guest_context *)guest_ptr(G + 3072))->user_regs.pc64, 0x40000000);
}

static void test_vcpu_op_as_xen_arm(void)
{
    fake_guest_reset(false);
    CHECK_EQ(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), -22);
    CHECK_EQ(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 5, 0), -2);
    CHECK_EQ(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, ~0UL, 0), -2);
}

int main(void)
{
    CHECK_MAIN_BEGIN("hypercalls");
    RUN(test_unknown_numbers_enosys);
    RUN(test_table_rows_are_sane);
    RUN(test_calls_are_counted);
    RUN(test_xen_version_reports_4_17);
    RUN(test_xen_version_bad_pointers_efault);
    RUN(test_features_domu_and_dom0);
    RUN(test_commandline_privileged_only);
    RUN(test_console_write);
    RUN(test_console_bad_input_prints_nothing);
    RUN(test_console_read_dom0_only);
    RUN(test_sched_op);
    RUN(test_sched_poll_and_remote_shutdown);
    RUN(test_sched_poll_xen_semantics);
    RUN(test_vcpu_op_as_xen_arm);
    RUN(test_control_ops_privileged_and_versioned);
    RUN(test_sysctl_physinfo_and_readconsole);
    RUN(test_getdomaininfo_next_higher);
    RUN(test_createdomain_validation);
    RUN(test_domctl_on_domains);
    RUN(test_setvcpucontext_rules);
    CHECK_MAIN_END();
}

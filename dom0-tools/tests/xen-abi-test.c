/*
 * xen-abi-test: dom0's view of the Xen 4.17 guest ABI, through Linux's own
 * Xen devices. Run in dom0 (lamina.test=xen-abi-test); passes on the real
 * Xen 4.17, which is the proof that the checks are right.
 *
 * One line per check: "PASS xen-abi/<name>[ (details)]" or
 * "FAIL xen-abi/<name>: <reason>"; "# ..." lines are information (figures
 * the hypervisor side may want to compare). Always exits 0 once it ran;
 * the summary line is "xen-abi-test: done: N passed, N failed".
 *
 *   version              privcmd hypercall xen_version(XENVER_version) = 4.17
 *   features             XENVER_get_features: dom0 and auto-translated bits
 *   xenfs-capabilities   /proc/xen/capabilities says control_d
 *   multicall            a multicall of xen_version(version) and a bad sub-op
 *   console-io           CONSOLEIO_write of a line
 *   sched-yield          SCHEDOP_yield
 *   memory-reservation   XENMEM_current_reservation / maximum_reservation (SELF)
 *   hvm-param-store-evtchn  HVMOP_get_param(HVM_PARAM_STORE_EVTCHN) succeeds (trap 11)
 *   gnttab-query-size    GNTTABOP_query_size (SELF)
 *   evtchn-loopback      two /dev/xen/evtchn handles of dom0 bound to each other
 *                        (BIND_UNBOUND_PORT, BIND_INTERDOMAIN remote domid 0),
 *                        NOTIFY both ways, each side reads its port
 *   evtchn-status        EVTCHNOP_status of both ends: interdomain, each other's port
 *   gntalloc-gntdev      a gntalloc grant to domid 0 mapped back through gntdev:
 *                        writes through each mapping seen through the other
 *   gntdev-grant-copy    IOCTL_GNTDEV_GRANT_COPY into that grant (GNTTABOP_copy)
 */
#define _GNU_SOURCE
#include "xentest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>

static int pfd = -1;
static uint32_t features0;

static void check_version(void)
{
    long v = xt_hypercall(pfd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    if (v < 0) {
        xt_fail("version", "xen_version(XENVER_version) = %ld (%s)", v, xt_errname(v));
        return;
    }
    char *buf = xt_alloc_pages(1);
    long r = xt_hypercall(pfd, __HYPERVISOR_xen_version, XENVER_extraversion, (uintptr_t)buf, 0, 0, 0);
    char extra[sizeof(xen_extraversion_t) + 1] = "";
    if (r == 0)
        memcpy(extra, buf, sizeof(xen_extraversion_t));
    memset(buf, 0, PAGE_SIZE_4K);
    r = xt_hypercall(pfd, __HYPERVISOR_xen_version, XENVER_capabilities, (uintptr_t)buf, 0, 0, 0);
    if (r == 0)
        xt_info("XENVER_capabilities: %.*s", (int)sizeof(xen_capabilities_info_t), buf);
    long ps = xt_hypercall(pfd, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0);
    xt_info("XENVER_version = 0x%lx, extraversion \"%s\", pagesize %ld", v, extra, ps);
    xt_free_pages(buf, 1);
    if ((v >> 16) == 4 && (v & 0xffff) == 17)
        xt_pass("version", "%ld.%ld%s", v >> 16, v & 0xffff, extra);
    else
        xt_fail("version", "got %ld.%ld, want 4.17", v >> 16, v & 0xffff);
}

static void check_features(void)
{
    xen_feature_info_t *fi = xt_alloc_pages(1);
    fi->submap_idx = 0;
    long r = xt_hypercall(pfd, __HYPERVISOR_xen_version, XENVER_get_features, (uintptr_t)fi, 0, 0, 0);
    if (r != 0) {
        xt_fail("features", "XENVER_get_features = %ld (%s)", r, xt_errname(r));
        xt_free_pages(fi, 1);
        return;
    }
    features0 = fi->submap;
    xt_free_pages(fi, 1);
    xt_info("XENVER_get_features submap 0 = 0x%08x", features0);
    if (!(features0 & (1u << XENFEAT_dom0)))
        xt_fail("features", "XENFEAT_dom0 not set (submap 0x%x)", features0);
    else if (!(features0 & (1u << XENFEAT_auto_translated_physmap)))
        xt_fail("features", "XENFEAT_auto_translated_physmap not set (submap 0x%x)", features0);
    else
        xt_pass("features", "submap0=0x%x dom0 auto_translated%s", features0,
                (features0 & (1u << XENFEAT_direct_mapped)) ? " direct_mapped" : "");
}

static void check_xenfs(void)
{
    char buf[64] = "";
    int fd = open("/proc/xen/capabilities", O_RDONLY);
    if (fd < 0) {
        xt_fail("xenfs-capabilities", "open /proc/xen/capabilities: %s", strerror(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n > 0 && strncmp(buf, "control_d", 9) == 0)
        xt_pass("xenfs-capabilities", "control_d");
    else
        xt_fail("xenfs-capabilities", "read \"%.*s\", want control_d", (int)(n > 0 ? n : 0), buf);
}

static void check_multicall(void)
{
    multicall_entry_t *mc = xt_alloc_pages(1);
    mc[0].op = __HYPERVISOR_xen_version;
    mc[0].args[0] = XENVER_version;
    mc[1].op = __HYPERVISOR_xen_version;
    mc[1].args[0] = 99;                 /* no such sub-op */
    mc[0].result = mc[1].result = 0x5a5a;
    long r = xt_hypercall(pfd, __HYPERVISOR_multicall, (uintptr_t)mc, 2, 0, 0, 0);
    long r0 = (long)mc[0].result, r1 = (long)mc[1].result;
    xt_free_pages(mc, 1);
    if (r == 0 && r0 == 0x40011 && r1 == -ENOSYS)
        xt_pass("multicall", "results 0x%lx, %ld", r0, r1);
    else
        xt_fail("multicall", "multicall = %ld, results 0x%lx and %ld (want 0, 0x40011, -ENOSYS)", r, r0, r1);
}

static void check_console_io(void)
{
    static const char msg[] = "xen-abi-test: a line through CONSOLEIO_write\n";
    char *buf = xt_alloc_pages(1);
    memcpy(buf, msg, sizeof(msg) - 1);
    long r = xt_hypercall(pfd, __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (uintptr_t)buf, 0, 0);
    xt_free_pages(buf, 1);
    if (r == 0)
        xt_pass("console-io", NULL);
    else
        xt_fail("console-io", "CONSOLEIO_write = %ld (%s)", r, xt_errname(r));
}

static void check_sched_yield(void)
{
    long r = xt_hypercall(pfd, __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
    if (r == 0)
        xt_pass("sched-yield", NULL);
    else
        xt_fail("sched-yield", "SCHEDOP_yield = %ld (%s)", r, xt_errname(r));
}

static void check_memory(void)
{
    domid_t *d = xt_alloc_pages(1);
    *d = DOMID_SELF;
    long cur = xt_hypercall(pfd, __HYPERVISOR_memory_op, XENMEM_current_reservation, (uintptr_t)d, 0, 0, 0);
    long max = xt_hypercall(pfd, __HYPERVISOR_memory_op, XENMEM_maximum_reservation, (uintptr_t)d, 0, 0, 0);
    xt_free_pages(d, 1);
    xt_info("XENMEM_current_reservation = %ld pages (%ld MiB), maximum_reservation = %ld", cur, cur / 256, max);
    if (cur > 0 && max >= cur)
        xt_pass("memory-reservation", "%ld MiB", cur / 256);
    else
        xt_fail("memory-reservation", "current %ld, maximum %ld", cur, max);
}

static void check_hvm_param(void)
{
    xen_hvm_param_t *p = xt_alloc_pages(1);
    p->domid = DOMID_SELF;
    p->index = HVM_PARAM_STORE_EVTCHN;
    p->value = 0x5a5a;
    long r = xt_hypercall(pfd, __HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)p, 0, 0, 0);
    uint64_t v = p->value;
    p->index = HVM_PARAM_CALLBACK_IRQ;
    long rc = xt_hypercall(pfd, __HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)p, 0, 0, 0);
    xt_info("HVM_PARAM_STORE_EVTCHN = %ld (value %llu), HVM_PARAM_CALLBACK_IRQ = %ld (value 0x%llx)",
            r, (unsigned long long)v, rc, (unsigned long long)p->value);
    xt_free_pages(p, 1);
    if (r == 0)
        xt_pass("hvm-param-store-evtchn", "value %llu", (unsigned long long)v);
    else
        xt_fail("hvm-param-store-evtchn", "HVMOP_get_param = %ld (%s)", r, xt_errname(r));
}

static void check_gnttab_query(void)
{
    gnttab_query_size_t *q = xt_alloc_pages(1);
    q->dom = DOMID_SELF;
    q->status = 99;
    long r = xt_hypercall(pfd, __HYPERVISOR_grant_table_op, GNTTABOP_query_size, (uintptr_t)q, 1, 0, 0);
    if (r == 0 && q->status == GNTST_okay && q->nr_frames > 0 && q->max_nr_frames >= q->nr_frames)
        xt_pass("gnttab-query-size", "nr_frames %u, max_nr_frames %u", q->nr_frames, q->max_nr_frames);
    else
        xt_fail("gnttab-query-size", "ret %ld status %d nr_frames %u max %u", r, q->status,
                q->nr_frames, q->max_nr_frames);
    xt_free_pages(q, 1);
}

/* Waits up to ms for a port on an evtchn handle; drains what it reads and
 * writes every port back (unmask). Returns 1 if `want` was among them. */
static int evtchn_wait(int fd, uint32_t want, int ms, int *others)
{
    uint64_t deadline = xt_now_ns() + (uint64_t)ms * 1000000ULL;
    int found = 0;
    for (;;) {
        int64_t left = (int64_t)(deadline - xt_now_ns()) / 1000000;
        if (left < 0)
            left = 0;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n = poll(&p, 1, found ? 0 : (int)left);
        if (n <= 0)
            return found;
        uint32_t ports[16];
        ssize_t got = read(fd, ports, sizeof(ports));
        if (got <= 0)
            return found;
        for (size_t i = 0; i < (size_t)got / sizeof(uint32_t); i++) {
            if (ports[i] == want)
                found = 1;
            else if (others)
                (*others)++;
        }
        if (write(fd, ports, (size_t)got) != got)
            return found;
        if (found)
            return 1;
    }
}

static int evtchn_status(uint32_t port, evtchn_status_t *out)
{
    evtchn_status_t *st = xt_alloc_pages(1);
    st->dom = DOMID_SELF;
    st->port = port;
    long r = xt_hypercall(pfd, __HYPERVISOR_event_channel_op, EVTCHNOP_status, (uintptr_t)st, 0, 0, 0);
    *out = *st;
    xt_free_pages(st, 1);
    return (int)r;
}

static void check_evtchn(void)
{
    int h1 = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    int h2 = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if (h1 < 0 || h2 < 0) {
        xt_fail("evtchn-loopback", "open /dev/xen/evtchn: %s", strerror(errno));
        xt_fail("evtchn-status", "no event channels");
        goto out;
    }
    struct ioctl_evtchn_bind_unbound_port ub = { .remote_domain = 0 };
    int p1 = ioctl(h1, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
    if (p1 < 0) {
        xt_fail("evtchn-loopback", "BIND_UNBOUND_PORT: %s", strerror(errno));
        xt_fail("evtchn-status", "no event channels");
        goto out;
    }
    evtchn_status_t st1;
    int r1 = evtchn_status((uint32_t)p1, &st1);
    struct ioctl_evtchn_bind_interdomain bi = { .remote_domain = 0, .remote_port = (uint32_t)p1 };
    int p2 = ioctl(h2, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
    if (p2 < 0) {
        xt_fail("evtchn-loopback", "BIND_INTERDOMAIN(0, %d): %s", p1, strerror(errno));
        xt_fail("evtchn-status", "no interdomain channel");
        goto out;
    }
    xt_info("evtchn: unbound port %d, interdomain port %d", p1, p2);

    /* Xen marks the newly bound port pending at bind time: drain that. */
    int spurious1 = 0, spurious2 = 0;
    evtchn_wait(h1, UINT32_MAX, 100, &spurious1);
    evtchn_wait(h2, UINT32_MAX, 100, &spurious2);
    if (spurious1 || spurious2)
        xt_info("evtchn: %d event(s) pending right after binding (unbound side %d, bound side %d)",
                spurious1 + spurious2, spurious1, spurious2);

    struct ioctl_evtchn_notify n1 = { .port = (uint32_t)p1 }, n2 = { .port = (uint32_t)p2 };
    int ok12 = 0, ok21 = 0;
    if (ioctl(h1, IOCTL_EVTCHN_NOTIFY, &n1) == 0)
        ok12 = evtchn_wait(h2, (uint32_t)p2, 2000, NULL);
    if (ioctl(h2, IOCTL_EVTCHN_NOTIFY, &n2) == 0)
        ok21 = evtchn_wait(h1, (uint32_t)p1, 2000, NULL);

    /* round trips, for information */
    int rounds = 0;
    uint64_t t0 = xt_now_ns();
    if (ok12 && ok21) {
        for (; rounds < 200; rounds++) {
            if (ioctl(h1, IOCTL_EVTCHN_NOTIFY, &n1) != 0 || !evtchn_wait(h2, (uint32_t)p2, 2000, NULL))
                break;
            if (ioctl(h2, IOCTL_EVTCHN_NOTIFY, &n2) != 0 || !evtchn_wait(h1, (uint32_t)p1, 2000, NULL))
                break;
        }
    }
    uint64_t t1 = xt_now_ns();
    if (rounds)
        xt_info("evtchn: %d ping-pong round trips, %.1f us each (wall)", rounds, (t1 - t0) / 1000.0 / rounds);

    if (ok12 && ok21 && (rounds == 200))
        xt_pass("evtchn-loopback", "ports %d<->%d, %d round trips", p1, p2, rounds);
    else
        xt_fail("evtchn-loopback", "notify %d->%d %s, %d->%d %s, %d/200 round trips", p1, p2,
                ok12 ? "seen" : "LOST", p2, p1, ok21 ? "seen" : "LOST", rounds);

    evtchn_status_t sa, sb;
    int ra = evtchn_status((uint32_t)p1, &sa), rb = evtchn_status((uint32_t)p2, &sb);
    xt_info("evtchn status: before bind port %d: ret %d status %u remote dom %u; after: %d: ret %d status %u "
            "(dom %u port %u) vcpu %u; %d: ret %d status %u (dom %u port %u) vcpu %u",
            p1, r1, st1.status, st1.u.unbound.dom, p1, ra, sa.status, sa.u.interdomain.dom,
            sa.u.interdomain.port, sa.vcpu, p2, rb, sb.status, sb.u.interdomain.dom,
            sb.u.interdomain.port, sb.vcpu);
    if (r1 == 0 && st1.status == EVTCHNSTAT_unbound && ra == 0 && rb == 0 &&
        sa.status == EVTCHNSTAT_interdomain && sb.status == EVTCHNSTAT_interdomain &&
        sa.u.interdomain.port == (uint32_t)p2 && sb.u.interdomain.port == (uint32_t)p1 &&
        sa.u.interdomain.dom == 0 && sb.u.interdomain.dom == 0)
        xt_pass("evtchn-status", "unbound, then interdomain %d<->%d", p1, p2);
    else
        xt_fail("evtchn-status", "unexpected status (see the # evtchn status line)");
out:
    if (h1 >= 0)
        close(h1);
    if (h2 >= 0)
        close(h2);
}

static void check_grants(void)
{
    int ga = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
    int gd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    volatile unsigned char *a = MAP_FAILED, *b = MAP_FAILED;
    struct ioctl_gntalloc_alloc_gref al = { .domid = 0, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1 };
    struct ioctl_gntdev_map_grant_ref mg = { .count = 1 };
    int allocated = 0, mapped = 0;

    if (ga < 0 || gd < 0) {
        xt_fail("gntalloc-gntdev", "open /dev/xen/%s: %s", ga < 0 ? "gntalloc" : "gntdev", strerror(errno));
        xt_fail("gntdev-grant-copy", "no grant devices");
        goto out;
    }
    if (ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &al) != 0) {
        xt_fail("gntalloc-gntdev", "IOCTL_GNTALLOC_ALLOC_GREF: %s", strerror(errno));
        xt_fail("gntdev-grant-copy", "no grant");
        goto out;
    }
    allocated = 1;
    a = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED, ga, (off_t)al.index);
    if (a == MAP_FAILED) {
        xt_fail("gntalloc-gntdev", "mmap gntalloc: %s", strerror(errno));
        xt_fail("gntdev-grant-copy", "no grant mapping");
        goto out;
    }
    uint32_t gref = al.gref_ids[0];
    mg.refs[0].domid = 0;
    mg.refs[0].ref = gref;
    if (ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &mg) != 0) {
        xt_fail("gntalloc-gntdev", "IOCTL_GNTDEV_MAP_GRANT_REF(dom 0, ref %u): %s", gref, strerror(errno));
        xt_fail("gntdev-grant-copy", "no grant mapping");
        goto out;
    }
    mapped = 1;
    b = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED, gd, (off_t)mg.index);
    if (b == MAP_FAILED) {
        xt_fail("gntalloc-gntdev", "mmap gntdev (GNTTABOP_map_grant_ref of ref %u): %s", gref, strerror(errno));
        xt_fail("gntdev-grant-copy", "no grant mapping");
        goto out;
    }
    int bad = -1;
    for (unsigned i = 0; i < 2048; i++)
        a[i] = (unsigned char)(i * 7 + 1);
    for (unsigned i = 0; i < 2048 && bad < 0; i++)
        if (b[i] != (unsigned char)(i * 7 + 1))
            bad = (int)i;
    int bad2 = -1;
    for (unsigned i = 2048; i < 4096; i++)
        b[i] = (unsigned char)(i * 13 + 5);
    for (unsigned i = 2048; i < 4096 && bad2 < 0; i++)
        if (a[i] != (unsigned char)(i * 13 + 5))
            bad2 = (int)i;
    if (bad < 0 && bad2 < 0)
        xt_pass("gntalloc-gntdev", "ref %u", gref);
    else
        xt_fail("gntalloc-gntdev", "ref %u: %s", gref,
                bad >= 0 ? "write through gntalloc not seen through gntdev"
                         : "write through gntdev not seen through gntalloc");

    /* GNTTABOP_copy from a local buffer into the granted page */
    unsigned char *src = xt_alloc_pages(1);
    for (unsigned i = 0; i < 256; i++)
        src[i] = (unsigned char)(0xa5 ^ i);
    struct ioctl_gntdev_grant_copy_segment seg = {
        .source.virt = src,
        .dest.foreign = { .ref = gref, .offset = 100, .domid = 0 },
        .len = 256,
        .flags = GNTCOPY_dest_gref,
        .status = 99,
    };
    struct ioctl_gntdev_grant_copy gc = { .count = 1, .segments = &seg };
    int rc = ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &gc);
    int cbad = -1;
    for (unsigned i = 0; i < 256 && cbad < 0; i++)
        if (a[100 + i] != (unsigned char)(0xa5 ^ i))
            cbad = (int)i;
    if (rc == 0 && seg.status == GNTST_okay && cbad < 0)
        xt_pass("gntdev-grant-copy", "256 bytes into ref %u", gref);
    else
        xt_fail("gntdev-grant-copy", "ioctl %d (%s), status %d, %s", rc, rc ? strerror(errno) : "ok",
                seg.status, cbad < 0 ? "data ok" : "data not in the page");
    xt_free_pages(src, 1);
out:
    if (b != MAP_FAILED)
        munmap((void *)b, PAGE_SIZE_4K);
    if (mapped) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = mg.index, .count = 1 };
        if (ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) != 0)
            xt_info("IOCTL_GNTDEV_UNMAP_GRANT_REF: %s", strerror(errno));
    }
    if (a != MAP_FAILED)
        munmap((void *)a, PAGE_SIZE_4K);
    if (allocated) {
        struct ioctl_gntalloc_dealloc_gref d = { .index = al.index, .count = 1 };
        if (ioctl(ga, IOCTL_GNTALLOC_DEALLOC_GREF, &d) != 0)
            xt_info("IOCTL_GNTALLOC_DEALLOC_GREF: %s", strerror(errno));
    }
    if (gd >= 0)
        close(gd);
    if (ga >= 0)
        close(ga);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    xt_set_prefix("xen-abi");
    pfd = xt_privcmd_open();
    if (pfd < 0) {
        xt_fail("privcmd", "cannot open /dev/xen/privcmd: %s", strerror(errno));
    } else {
        check_version();
        check_features();
        check_multicall();
        check_console_io();
        check_sched_yield();
        check_memory();
        check_hvm_param();
        check_gnttab_query();
    }
    check_xenfs();
    check_evtchn();
    check_grants();
    printf("xen-abi-test: done: %d passed, %d failed\n", xt_passed(), xt_failed());
    return 0;
}

/*
 * domu-isolation-test: what an unprivileged Linux domU must not be able to
 * do, tried from inside one (its initramfs, dom0-tools/image/mkdomu.sh, with
 * lamina.domu.xendev so that /dev/xen/{privcmd,gntdev,gntalloc} exist):
 *
 *   domctl-* / sysctl-*   through privcmd: exactly -EPERM, and the buffer
 *                         the hypervisor would fill left as it was
 *   mmapbatch-*           IOCTL_PRIVCMD_MMAPBATCH_V2 of dom0's and the other
 *                         domU's frames: every per-frame error -EPERM; with
 *                         --probe-read alone, reading the range faults
 *   physmap-*             XENMEM_add_to_physmap(_batch), gmfn_foreign
 *   xs-*                  xenstore through /dev/xen/xenbus (xs_wire): the
 *                         other domU's and dom0's nodes answer XS_ERROR
 *                         "EACCES"; privileged requests too
 *   grant-*               IOCTL_GNTDEV_MAP_GRANT_REF + mmap of references
 *                         that were not granted to this domain fail
 *
 * Each refusal has a positive control beside it (a privcmd hypercall that
 * works, this domain's own xenstore nodes, and with --grant a page the other
 * domU granted to this one, mapped and compared word by word), so a broken
 * device or a wrong argument cannot pass for isolation.
 *
 *   domu-isolation-test --other DOMID [--grant DOMID:REF:NONCE] [--not-mine DOMID:REF]
 *   domu-isolation-test --share DOMID      (run in the other domU, backgrounded)
 *   domu-isolation-test --probe-read DOMID (last: may crash this domain)
 *
 * --share grants one page to DOMID and one to dom0 with gntalloc, fills both
 * from a random nonce, prints
 *   domu-isolation-test: share: to=<DOMID> ref=<r> nonce=<hex> dom0-ref=<r>
 * and sleeps holding them: the tester maps ref (--grant, must work) and
 * dom0-ref (--not-mine, must not).
 *
 * Output: "PASS isolation/<check> (...)" or "FAIL isolation/<check>: why",
 * then "domu-isolation-test: done: N passed, M failed". Exits 0.
 */
#define _GNU_SOURCE
#include "xentest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>
#include <xen/version.h>
#include <xen/io/xs_wire.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>

#define NFRAMES 4
/* Guest RAM starts at GUEST_RAM0_BASE (0x40000000) for domUs; dom0 sees the
 * machine's RAM there on QEMU virt. Real frames, so that only the privilege
 * check can refuse them. */
#define RAM_GFN 0x40000UL
/* Where a foreign frame would land in this domain: a hole far above its RAM,
 * so that a hypervisor that wrongly accepts cannot clobber a page in use. */
#define HOLE_GFN 0x8000000UL
#define POISON 0xa5

static int privcmd = -1;

/* ------------------------------------------------------------------------ */
/* domctl and sysctl                                                        */

/* The reply area must come back as it went: a refused call fills nothing. */
static bool untouched(const void *p, size_t off, size_t len)
{
    const uint8_t *b = (const uint8_t *)p + off;
    for (size_t i = 0; i < len; i++)
        if (b[i] != POISON)
            return false;
    return true;
}

static void expect_eperm(const char *name, long ret, const void *buf, size_t off, size_t len)
{
    if (ret != -EPERM)
        xt_fail(name, "returned %ld (%s), want -1 EPERM", ret, xt_errname(ret));
    else if (!untouched(buf, off, len))
        xt_fail(name, "-EPERM, but the reply area was written");
    else
        xt_pass(name, "-EPERM, reply area untouched");
}

static void domctl_case(const char *name, uint32_t cmd, domid_t dom)
{
    struct xen_domctl *d = xt_alloc_pages(1);
    memset(d, POISON, PAGE_SIZE_4K);
    d->cmd = cmd;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = dom;
    if (cmd == XEN_DOMCTL_createdomain) {
        memset(&d->u.createdomain, 0, sizeof(d->u.createdomain));
        d->u.createdomain.max_vcpus = 1;
        d->u.createdomain.max_evtchn_port = 63;
        d->u.createdomain.max_grant_frames = 1;
        d->u.createdomain.max_maptrack_frames = 1;
        d->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    }
    long ret = xt_hypercall(privcmd, __HYPERVISOR_domctl, (uintptr_t)d, 0, 0, 0, 0);
    /* createdomain's IN fields are ours; the other commands' union is reply */
    size_t off = cmd == XEN_DOMCTL_createdomain ? sizeof(*d) : offsetof(struct xen_domctl, u);
    expect_eperm(name, ret, d, off, sizeof(*d) - off);
    xt_free_pages(d, 1);
}

static void sysctl_case(const char *name, uint32_t cmd)
{
    struct xen_sysctl *s = xt_alloc_pages(1);
    uint8_t *reply = xt_alloc_pages(1);
    memset(s, POISON, PAGE_SIZE_4K);
    memset(reply, POISON, PAGE_SIZE_4K);
    s->cmd = cmd;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    size_t off = offsetof(struct xen_sysctl, u);
    if (cmd == XEN_SYSCTL_getdomaininfolist) {
        s->u.getdomaininfolist.first_domain = 0;
        s->u.getdomaininfolist.max_domains = 8;
        set_xen_guest_handle(s->u.getdomaininfolist.buffer, (xen_domctl_getdomaininfo_t *)reply);
        off = offsetof(struct xen_sysctl, u.getdomaininfolist.num_domains);
    } else if (cmd == XEN_SYSCTL_readconsole) {
        memset(&s->u.readconsole, 0, sizeof(s->u.readconsole));
        set_xen_guest_handle(s->u.readconsole.buffer, (char *)reply);
        s->u.readconsole.count = PAGE_SIZE_4K;
        off = sizeof(*s);
    }
    long ret = xt_hypercall(privcmd, __HYPERVISOR_sysctl, (uintptr_t)s, 0, 0, 0, 0);
    if (ret == -EPERM && !untouched(reply, 0, PAGE_SIZE_4K))
        xt_fail(name, "-EPERM, but the output buffer was written");
    else
        expect_eperm(name, ret, s, off, sizeof(*s) - off);
    xt_free_pages(reply, 1);
    xt_free_pages(s, 1);
}

static void check_control_ops(domid_t other)
{
    long v = xt_hypercall(privcmd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    if (v > 0)
        xt_pass("privcmd-works", "xen_version %ld.%ld through privcmd", v >> 16, v & 0xffff);
    else
        xt_fail("privcmd-works", "xen_version returned %ld (%s)", v, xt_errname(v));

    domctl_case("domctl-getdomaininfo-dom0", XEN_DOMCTL_getdomaininfo, 0);
    domctl_case("domctl-getdomaininfo-other", XEN_DOMCTL_getdomaininfo, other);
    domctl_case("domctl-createdomain", XEN_DOMCTL_createdomain, 0);
    domctl_case("domctl-pausedomain-dom0", XEN_DOMCTL_pausedomain, 0);
    domctl_case("domctl-pausedomain-other", XEN_DOMCTL_pausedomain, other);
    domctl_case("domctl-max-mem-other", XEN_DOMCTL_max_mem, other);
    domctl_case("domctl-destroydomain-other", XEN_DOMCTL_destroydomain, other);
    domctl_case("domctl-destroydomain-dom0", XEN_DOMCTL_destroydomain, 0);
    sysctl_case("sysctl-physinfo", XEN_SYSCTL_physinfo);
    sysctl_case("sysctl-getdomaininfolist", XEN_SYSCTL_getdomaininfolist);
    sysctl_case("sysctl-readconsole", XEN_SYSCTL_readconsole);
}

/* ------------------------------------------------------------------------ */
/* foreign mappings                                                         */

/* Reads the first byte of each page here, in this process (privcmd's
 * mappings are VM_DONTCOPY: a forked child would not see them).
 * 0 when every read faulted, else the number of the first readable page + 1. */
static sigjmp_buf read_fault;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
    fault_sig = sig;
    siglongjmp(read_fault, 1);
}

static int readable_page(const volatile uint8_t *p, unsigned int npages, int *sig)
{
    struct sigaction sa = { .sa_handler = on_fault }, old_bus, old_segv;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &old_bus);
    sigaction(SIGSEGV, &sa, &old_segv);
    int first = 0;
    for (volatile unsigned int i = 0; i < npages && !first; i++) {
        if (sigsetjmp(read_fault, 1) == 0) {
            (void)p[i * PAGE_SIZE_4K];
            first = (int)i + 1;
        }
    }
    sigaction(SIGBUS, &old_bus, NULL);
    sigaction(SIGSEGV, &old_segv, NULL);
    *sig = fault_sig;
    return first;
}

/* Asks privcmd to map dom's frames at a fresh range of its device. 0 and
 * the range, or -1 after a FAIL line. */
static void *mmapbatch(const char *name, domid_t dom, int *rc, int err[NFRAMES])
{
    void *va = mmap(NULL, NFRAMES * PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
    if (va == MAP_FAILED) {
        xt_fail(name, "mmap of /dev/xen/privcmd: %s", strerror(errno));
        return NULL;
    }
    xen_pfn_t gfns[NFRAMES];
    for (unsigned int i = 0; i < NFRAMES; i++) {
        gfns[i] = RAM_GFN + i;
        err[i] = 12345;
    }
    privcmd_mmapbatch_v2_t m = { .num = NFRAMES, .dom = dom, .addr = (uintptr_t)va, .arr = gfns, .err = err };
    *rc = ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) ? -errno : 0;
    return va;
}

/* The per-frame errors only: reading the range is --probe-read's job, as
 * it may cost this domain its life (see there). */
static void check_mmapbatch(const char *name, domid_t dom)
{
    int rc, err[NFRAMES], bad = -1;
    void *va = mmapbatch(name, dom, &rc, err);
    if (!va)
        return;
    for (unsigned int i = 0; i < NFRAMES && bad < 0; i++)
        if (err[i] != -EPERM)
            bad = (int)i;
    if (bad >= 0)
        xt_fail(name, "dom %u gfn %#lx: per-frame error %d (ioctl %d %s), want -EPERM", dom,
                RAM_GFN + (unsigned long)bad, err[bad], rc, xt_errname(rc));
    else
        xt_pass(name, "dom %u gfns %#lx..+%d: every frame -EPERM, ioctl %d", dom, RAM_GFN, NFRAMES, rc);
    munmap(va, NFRAMES * PAGE_SIZE_4K);
}

/*
 * After a refused MMAPBATCH, Linux still points the range's PTEs at its own
 * ballooned-out pages ("userspace may decide to continue"): frames that are
 * holes in this domain's stage 2, unless the hypervisor did map something
 * there. Reading them must fault: Xen injects an abort (SIGBUS here); Lamina
 * crashes the domain instead, so this runs last and alone, and dom0 looks at
 * what became of the domain.
 */
static void probe_read(domid_t dom)
{
    const char *name = dom ? "mmapbatch-read-other" : "mmapbatch-read-dom0";
    int rc, err[NFRAMES], sig;
    uint8_t *va = mmapbatch(name, dom, &rc, err);
    if (!va)
        return;
    printf("domu-isolation-test: reading the refused range of dom %u (ioctl %d, frame 0 error %d)\n", dom, rc,
           err[0]);
    fflush(stdout);
    int readable = readable_page(va, NFRAMES, &sig);
    if (readable)
        xt_fail(name, "dom %u: page %d of the refused range is readable (first byte %#x)", dom, readable - 1,
                va[(readable - 1) * PAGE_SIZE_4K]);
    else
        xt_pass(name, "dom %u: every page faults (signal %d)", dom, sig);
    munmap(va, NFRAMES * PAGE_SIZE_4K);
}

static void check_physmap_batch(const char *name, domid_t dom)
{
    xen_ulong_t *idxs = xt_alloc_pages(1);
    xen_pfn_t *gpfns = xt_alloc_pages(1);
    int *errs = xt_alloc_pages(1);
    struct xen_add_to_physmap_batch *b = xt_alloc_pages(1);
    for (unsigned int i = 0; i < NFRAMES; i++) {
        idxs[i] = RAM_GFN + i;
        gpfns[i] = HOLE_GFN + i;
        errs[i] = 12345;
    }
    b->domid = DOMID_SELF;
    b->space = XENMAPSPACE_gmfn_foreign;
    b->size = NFRAMES;
    b->u.foreign_domid = dom;
    set_xen_guest_handle(b->idxs, idxs);
    set_xen_guest_handle(b->gpfns, gpfns);
    set_xen_guest_handle(b->errs, errs);
    long ret = xt_hypercall(privcmd, __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uintptr_t)b, 0, 0, 0);
    int bad = -1;
    for (unsigned int i = 0; i < NFRAMES && bad < 0; i++)
        if (errs[i] != -EPERM)
            bad = (int)i;
    /* Xen stops at a refused call (ret < 0) or reports it per frame (ret 0) */
    if (ret < 0 && ret != -EPERM)
        xt_fail(name, "returned %ld (%s), want 0 with per-frame -EPERM, or -EPERM", ret, xt_errname(ret));
    else if (ret == 0 && bad >= 0)
        xt_fail(name, "frame %d: error %d, want -EPERM", bad, errs[bad]);
    else if (ret > 0)
        xt_fail(name, "returned %ld", ret);
    else
        xt_pass(name, "dom %u: ret %ld (%s), per-frame %d (%s)", dom, ret, xt_errname(ret), errs[0],
                xt_errname(errs[0]));
    xt_free_pages(b, 1);
    xt_free_pages(errs, 1);
    xt_free_pages(gpfns, 1);
    xt_free_pages(idxs, 1);
}

static void check_physmap_single(void)
{
    struct xen_add_to_physmap *x = xt_alloc_pages(1);
    x->domid = DOMID_SELF;
    x->size = 0;        /* the single form has no foreign-domain field: dom0 if any */
    x->space = XENMAPSPACE_gmfn_foreign;
    x->idx = RAM_GFN;
    x->gpfn = HOLE_GFN;
    long ret = xt_hypercall(privcmd, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)x, 0, 0, 0);
    if (ret < 0)
        xt_pass("physmap-foreign-single-dom0", "ret %ld (%s)", ret, xt_errname(ret));
    else
        xt_fail("physmap-foreign-single-dom0", "XENMEM_add_to_physmap gmfn_foreign returned %ld", ret);
    xt_free_pages(x, 1);
}

/* ------------------------------------------------------------------------ */
/* xenstore through /dev/xen/xenbus                                         */

static int xenbus = -1;
static uint32_t xs_req_id = 1;

/* One request; the reply's type, and its payload NUL-terminated in out. */
static int xs_request(uint32_t type, const void *payload, size_t len, char *out, size_t outsz,
                      uint32_t *rtype)
{
    char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = { .type = type, .req_id = xs_req_id++, .tx_id = 0, .len = (uint32_t)len };
    if (len > XENSTORE_PAYLOAD_MAX)
        return -EINVAL;
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), payload, len);
    if (write(xenbus, msg, sizeof(h) + len) != (ssize_t)(sizeof(h) + len))
        return -errno;
    size_t got = 0, want = sizeof(h);
    while (got < want) {
        ssize_t n = read(xenbus, msg + got, want - got);
        if (n <= 0)
            return n ? -errno : -EIO;
        got += (size_t)n;
        if (got == sizeof(h)) {
            memcpy(&h, msg, sizeof(h));
            if (h.len > XENSTORE_PAYLOAD_MAX)
                return -EPROTO;
            want += h.len;
        }
    }
    size_t n = h.len < outsz - 1 ? h.len : outsz - 1;
    memcpy(out, msg + sizeof(h), n);
    out[n] = '\0';
    *rtype = h.type;
    return 0;
}

/* "path\0value" and the like: two strings, the second without its NUL */
static size_t xs_args(char *buf, size_t sz, const char *a, const char *b, bool b_nul)
{
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + (b_nul ? 1 : 0) : 0;
    if (la + lb > sz)
        abort();
    memcpy(buf, a, la);
    if (b)
        memcpy(buf + la, b, lb);
    return la + lb;
}

static const char *xs_type_name(uint32_t t)
{
    return t == XS_ERROR ? "XS_ERROR" : t == XS_READ ? "XS_READ" : t == XS_WRITE ? "XS_WRITE" : "other";
}

static void xs_expect_eacces(const char *name, uint32_t type, const char *path, const char *arg,
                             bool arg_nul)
{
    char req[512], out[4096];
    uint32_t rt = 0;
    size_t len = xs_args(req, sizeof(req), path, arg, arg_nul);
    int rc = xs_request(type, req, len, out, sizeof(out), &rt);
    if (rc)
        xt_fail(name, "%s: request failed: %s", path, strerror(-rc));
    else if (rt != XS_ERROR || strcmp(out, "EACCES"))
        xt_fail(name, "%s: reply %s \"%s\", want XS_ERROR \"EACCES\"", path, xs_type_name(rt), out);
    else
        xt_pass(name, "%s: XS_ERROR EACCES", path);
}

/* This domain's id, from its own xenstore directory (a relative path). */
static int xs_self_domid(void)
{
    char out[64];
    uint32_t rt = 0;
    if (xs_request(XS_READ, "domid", 6, out, sizeof(out), &rt) || rt != XS_READ)
        return -1;
    return atoi(out);
}

static void check_xenstore(domid_t other)
{
    xenbus = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
    if (xenbus < 0) {
        xt_fail("xs-open", "/dev/xen/xenbus: %s", strerror(errno));
        return;
    }
    int self = xs_self_domid();
    char path[128], out[4096], req[256];
    uint32_t rt = 0;

    /* positive controls: this domain's own nodes answer */
    snprintf(path, sizeof(path), "/local/domain/%d/name", self);
    int rc = self < 0 ? -ENOENT : xs_request(XS_READ, path, strlen(path) + 1, out, sizeof(out), &rt);
    if (!rc && rt == XS_READ && out[0])
        xt_pass("xs-read-self", "domid %d, %s = \"%s\"", self, path, out);
    else
        xt_fail("xs-read-self", "domid %d, %s: rc %d, reply %s \"%s\"", self, path, rc, xs_type_name(rt),
                rc ? "" : out);
    snprintf(path, sizeof(path), "/local/domain/%d/data/isolation", self);
    rc = xs_request(XS_WRITE, req, xs_args(req, sizeof(req), path, "ours", false), out, sizeof(out), &rt);
    uint32_t rt2 = 0;
    int rc2 = xs_request(XS_READ, path, strlen(path) + 1, out, sizeof(out), &rt2);
    if (!rc && rt == XS_WRITE && !rc2 && rt2 == XS_READ && !strcmp(out, "ours"))
        xt_pass("xs-write-self", "%s written and read back", path);
    else
        xt_fail("xs-write-self", "%s: write %s, read back %s \"%s\"", path, xs_type_name(rt),
                xs_type_name(rt2), out);

    if (self == other)
        xt_fail("xs-other-differs", "--other %u is this domain", other);
    snprintf(path, sizeof(path), "/local/domain/%u/name", other);
    xs_expect_eacces("xs-read-other-name", XS_READ, path, NULL, false);
    xs_expect_eacces("xs-read-dom0-name", XS_READ, "/local/domain/0/name", NULL, false);
    snprintf(path, sizeof(path), "/local/domain/%u", other);
    xs_expect_eacces("xs-directory-other", XS_DIRECTORY, path, NULL, false);
    snprintf(path, sizeof(path), "/local/domain/%u/data/intruder", other);
    xs_expect_eacces("xs-write-other-data", XS_WRITE, path, "from-elsewhere", false);
    snprintf(path, sizeof(path), "/local/domain/%u/data", other);
    xs_expect_eacces("xs-rm-other-data", XS_RM, path, NULL, false);
    char perms[32];
    snprintf(perms, sizeof(perms), "n%d", self);
    xs_expect_eacces("xs-setperms-other-data", XS_SET_PERMS, path, perms, true);
    /* privileged requests: whatever the arguments, refused before looking */
    xs_expect_eacces("xs-introduce", XS_INTRODUCE, "32000", "1\0" "1", true);
    snprintf(path, sizeof(path), "%u", other);
    xs_expect_eacces("xs-release-other", XS_RELEASE, path, NULL, false);
    close(xenbus);
}

/* ------------------------------------------------------------------------ */
/* grants                                                                   */

/* Maps (dom, ref) read-only through gntdev. 0 and the page copied to page,
 * or -errno of the step that failed. */
static int map_grant(int gd, domid_t dom, uint32_t ref, uint32_t *page, const char **step)
{
    struct ioctl_gntdev_map_grant_ref mg = { .count = 1, .refs[0] = { .domid = dom, .ref = ref } };
    *step = "IOCTL_GNTDEV_MAP_GRANT_REF";
    if (ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &mg) != 0)
        return -errno;
    *step = "mmap";
    int rc = 0;
    void *va = mmap(NULL, PAGE_SIZE_4K, PROT_READ, MAP_SHARED, gd, (off_t)mg.index);
    if (va == MAP_FAILED) {
        rc = -errno;
    } else {
        memcpy(page, va, PAGE_SIZE_4K);
        munmap(va, PAGE_SIZE_4K);
    }
    struct ioctl_gntdev_unmap_grant_ref u = { .index = mg.index, .count = 1 };
    ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    return rc;
}

static void expect_map_fails(int gd, const char *name, domid_t dom, const uint32_t *refs, unsigned int n)
{
    uint32_t *page = xt_alloc_pages(1);
    const char *step = "";
    int rc = 0;
    for (unsigned int i = 0; i < n; i++) {
        rc = map_grant(gd, dom, refs[i], page, &step);
        if (rc == 0) {
            xt_fail(name, "dom %u ref %u mapped (first word %#x)", dom, refs[i], page[0]);
            xt_free_pages(page, 1);
            return;
        }
        if (strcmp(step, "mmap")) {
            xt_fail(name, "dom %u ref %u: %s failed (%s) before any grant op", dom, refs[i], step,
                    strerror(-rc));
            xt_free_pages(page, 1);
            return;
        }
    }
    xt_pass(name, "dom %u refs %u..%u: each mmap refused (last: %s)", dom, refs[0], refs[n - 1],
            strerror(-rc));
    xt_free_pages(page, 1);
}

static uint32_t pattern(uint32_t nonce, unsigned int i)
{
    return nonce ^ (i * 0x9e3779b9u);
}

struct grant_arg {
    bool set;
    unsigned int dom, ref;
    uint32_t nonce;
};

static void check_grants(domid_t other, const struct grant_arg *mine, const struct grant_arg *not_mine)
{
    int gd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (gd < 0) {
        xt_fail("grant-open", "/dev/xen/gntdev: %s", strerror(errno));
        return;
    }
    uint32_t dom0_refs[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    expect_map_fails(gd, "grant-dom0-refs", 0, dom0_refs, 9);
    /* the other domU's console and xenstore pages: granted, but to dom0 */
    uint32_t reserved[2] = { GNTTAB_RESERVED_CONSOLE, GNTTAB_RESERVED_XENSTORE };
    expect_map_fails(gd, "grant-other-reserved", other, reserved, 2);

    if (not_mine->set) {
        uint32_t r = not_mine->ref;
        expect_map_fails(gd, "grant-other-to-dom0", (domid_t)not_mine->dom, &r, 1);
    } else {
        xt_info("grant-other-to-dom0 not run: no --not-mine");
    }
    if (!mine->set) {
        xt_info("grant-shared not run: no --grant");
        close(gd);
        return;
    }
    uint32_t *page = xt_alloc_pages(1);
    const char *step = "";
    int rc = map_grant(gd, (domid_t)mine->dom, mine->ref, page, &step);
    unsigned int i = 0;
    while (!rc && i < PAGE_SIZE_4K / 4 && page[i] == pattern(mine->nonce, i))
        i++;
    if (rc)
        xt_fail("grant-shared", "dom %u ref %u: %s: %s", mine->dom, mine->ref, step, strerror(-rc));
    else if (i < PAGE_SIZE_4K / 4)
        xt_fail("grant-shared", "dom %u ref %u: word %u is %#x, want %#x", mine->dom, mine->ref, i,
                page[i], pattern(mine->nonce, i));
    else
        xt_pass("grant-shared", "dom %u ref %u: mapped, all %u words as written", mine->dom, mine->ref, i);
    /* the same reference claimed from another domain names another grant */
    uint32_t r = mine->ref;
    expect_map_fails(gd, "grant-shared-wrong-domain", 0, &r, 1);
    xt_free_pages(page, 1);
    close(gd);
}

/* ------------------------------------------------------------------------ */
/* --share                                                                  */

static int share(domid_t to)
{
    int ga = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
    if (ga < 0) {
        fprintf(stderr, "domu-isolation-test: /dev/xen/gntalloc: %s\n", strerror(errno));
        return 1;
    }
    uint32_t nonce = 0;
    int ur = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (ur < 0 || read(ur, &nonce, sizeof(nonce)) != sizeof(nonce))
        nonce = (uint32_t)xt_now_ns();
    if (ur >= 0)
        close(ur);
    struct ioctl_gntalloc_alloc_gref al[2] = {
        { .domid = to, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1 },
        { .domid = 0, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1 },
    };
    for (int k = 0; k < 2; k++) {
        if (ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &al[k]) != 0) {
            fprintf(stderr, "domu-isolation-test: IOCTL_GNTALLOC_ALLOC_GREF: %s\n", strerror(errno));
            return 1;
        }
        uint32_t *p = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED, ga, (off_t)al[k].index);
        if (p == MAP_FAILED) {
            fprintf(stderr, "domu-isolation-test: mmap gntalloc: %s\n", strerror(errno));
            return 1;
        }
        for (unsigned int i = 0; i < PAGE_SIZE_4K / 4; i++)
            p[i] = pattern(nonce, i);
    }
    printf("domu-isolation-test: share: to=%u ref=%u nonce=%08x dom0-ref=%u\n", to, al[0].gref_ids[0],
           nonce, al[1].gref_ids[0]);
    fflush(stdout);
    for (;;)
        pause();        /* the grants live as long as the process */
}

static bool parse_grant(const char *s, struct grant_arg *g, bool with_nonce)
{
    char end = 0;
    int n = with_nonce ? sscanf(s, "%u:%u:%" SCNx32 "%c", &g->dom, &g->ref, &g->nonce, &end)
                       : sscanf(s, "%u:%u%c", &g->dom, &g->ref, &end);
    g->set = n == (with_nonce ? 3 : 2);
    return g->set;
}

static void usage(void)
{
    fprintf(stderr, "usage: domu-isolation-test --other DOMID [--grant DOMID:REF:NONCE] [--not-mine DOMID:REF]\n"
                    "       domu-isolation-test --share DOMID\n"
                    "       domu-isolation-test --probe-read DOMID\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct grant_arg mine = { 0 }, not_mine = { 0 };
    long other = -1;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(argv[i], "--share"))
            return share((domid_t)atoi(v));
        if (!strcmp(argv[i], "--probe-read")) {
            xt_set_prefix("isolation");
            if ((privcmd = xt_privcmd_open()) >= 0)
                probe_read((domid_t)atoi(v));
            return 0;
        }
        else if (!strcmp(argv[i], "--other"))
            other = atol(v);
        else if (!strcmp(argv[i], "--grant") ? !parse_grant(v, &mine, true)
                 : !strcmp(argv[i], "--not-mine") ? !parse_grant(v, &not_mine, false) : true)
            usage();
        i++;
    }
    if (other <= 0 || other >= DOMID_FIRST_RESERVED)
        usage();
    xt_set_prefix("isolation");
    privcmd = xt_privcmd_open();
    if (privcmd < 0) {
        xt_fail("privcmd-open", "no /dev/xen/privcmd (boot with lamina.domu.xendev)");
    } else {
        check_control_ops((domid_t)other);
        check_mmapbatch("mmapbatch-dom0", 0);
        check_mmapbatch("mmapbatch-other", (domid_t)other);
        check_physmap_batch("physmap-foreign-batch-dom0", 0);
        check_physmap_batch("physmap-foreign-batch-other", (domid_t)other);
        check_physmap_single();
    }
    check_xenstore((domid_t)other);
    check_grants((domid_t)other, &mine, &not_mine);
    printf("domu-isolation-test: done: %d passed, %d failed\n", xt_passed(), xt_failed());
    return 0;
}

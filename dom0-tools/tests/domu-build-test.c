/*
 * domu-build-test: build, run and destroy a domU from dom0 with libctrl, the
 * way libxl does it on arm64 (xen-arm-abi.md section 3.7), and check that the
 * hypervisor gives every page back. Run in dom0 on Lamina.
 *
 *   domu-build-test [-k KERNEL] [-m MARKER] [-n CYCLES] [-c VCPUS] [-M MIB]
 *                   [-t SECONDS] [-p PREFIX] [-b ROUNDS]
 *
 *   -k  the guest kernel: an arm64 Image, or a raw binary entered at its
 *       first byte (default /usr/lib/lamina/guests/hello.bin)
 *   -m  the console line that says the guest did its job, without the
 *       "(d<N>) " the hypervisor adds (default "<kernel name>: done")
 *   -n  create/run/destroy cycles (default 1)
 *   -c  vCPUs (default 2, as hello needs; vCPU0 starts, the others wait for
 *       PSCI CPU_ON)
 *   -M  RAM in MiB at GUEST_RAM0_BASE (default 16)
 *   -t  seconds the guest gets to shut down (default 30)
 *   -p  check-name prefix (default "domu-build")
 *   -b  first cycle only: ROUNDS times give back the top 2 MiB of the domU's
 *       RAM (decrease_reservation, 4 KiB pages, as Linux's balloon does) and
 *       populate it again; the domain must not hold more memory afterwards
 *       (default 0: not done)
 *
 * A cycle: physinfo (free pages) -> createdomain -> max_vcpus -> max_mem ->
 * set_address_size -> populate_physmap (2 MiB extents, then 4 KiB) -> the
 * kernel copied in through foreign mappings, read back -> cacheflush ->
 * setvcpucontext(vCPU0) -> unpausedomain -> wait for XEN_DOMINF_shutdown ->
 * the marker in the hypervisor's console ring (sysctl readconsole) ->
 * destroydomain -> physinfo: exactly the free pages of the start.
 * The first cycle also checks that max_mem is enforced, the vCPU states and
 * context, and that destroydomain answers -EAGAIN while dom0 still maps a
 * page of the domain. "Exactly" allows for one thing that is dom0's, not the
 * domU's: the stage-2 table pages Lamina (like Xen) allocates when dom0's
 * balloon splits a 2 MiB block of its memory for a foreign mapping; they are
 * measured around each mapping step (see dom0_p2m_pages).
 *
 * Output: "PASS <prefix>/<check>[ (...)]" or "FAIL <prefix>/<check>: why"; the
 * first cycle reports every check, later ones their failures as
 * "cycle<N>/<check>" and one "cycle<N>" line each; then "cycles". Ends with
 * "domu-build-test: done: N passed, M failed"; exit status 0 iff none failed.
 */
#define _GNU_SOURCE
#include "xentest.h"
#include "libctrl.h"
#include "domu_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xen/sched.h>

#define GUEST_DIR "/usr/lib/lamina/guests"
#define RAM_BASE GUEST_RAM0_BASE
#define RAM_BASE_GFN (GUEST_RAM0_BASE >> CTRL_PAGE_SHIFT)
#define MAXMEM_SLACK_KB 1024            /* libxl's LIBXL_MAXMEM_CONSTANT */
#define CONSOLE_MAX (64 * 1024)

struct opts {
    const char *kernel;
    char marker[256];
    unsigned int cycles, vcpus, mem_mib, timeout_s, balloon_rounds;
    const char *prefix;
};

struct kernel {
    unsigned char *data;
    size_t len;
    uint64_t load;                      /* guest-physical load address = entry */
    uint64_t span;                      /* bytes it may use from there */
};

static ctrl_handle *h;
static unsigned int cycle;              /* 1-based */
static int cycle_failures;
static uint32_t last_domid;
/*
 * Free pages dom0's own foreign mappings took this cycle. Linux gives each
 * mapped frame a page of its RAM it balloons out first (decrease_reservation);
 * where that page sat in a 2 MiB block of dom0's stage-2 tables, the block is
 * split into a table page that stays (Xen 4.17 also takes a hardware domain's
 * P2M pages from the heap). That is dom0's memory, not the domU's: measured
 * around every mapping step (nothing else runs then: the domU is paused or
 * shut down) and allowed for in "free-restored".
 */
static int64_t dom0_p2m_pages;
static uint64_t mapping_free;

/* --- reporting: every check in cycle 1, failures only afterwards ----------- */

static void check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cycle_failures += !dc_vcheck(cycle, ok, name, fmt, ap);
    va_end(ap);
}

static void mapping_begin(void)
{
    mapping_free = dc_free_pages(h);
}

static void mapping_end(void)
{
    dom0_p2m_pages += (int64_t)mapping_free - (int64_t)dc_free_pages(h);
}

/* --- the kernel file ------------------------------------------------------- */

static int load_kernel(const struct opts *o, struct kernel *k)
{
    int fd = open(o->kernel, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        xt_fail("kernel", "%s: %s", o->kernel, fd < 0 ? strerror(errno) : "empty or unreadable");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    k->len = (size_t)st.st_size;
    k->data = malloc(k->len);
    size_t got = 0;
    while (k->data && got < k->len) {
        ssize_t n = read(fd, k->data + got, k->len - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!k->data || got != k->len) {
        xt_fail("kernel", "%s: short read", o->kernel);
        return -1;
    }
    struct ctrl_arm64_image img;
    const char *kind = "raw binary";
    k->load = RAM_BASE;
    k->span = k->len;
    if (ctrl_arm64_image_parse(k->data, k->len, &img) == 0) {
        kind = "arm64 Image";
        k->load = RAM_BASE + img.text_offset;
        k->span = img.image_size;
    }
    uint64_t ram = (uint64_t)o->mem_mib << 20;
    if (k->load - RAM_BASE + k->span > ram) {
        xt_fail("kernel", "%s needs 0x%llx bytes from 0x%llx: more than %u MiB of RAM", o->kernel,
                (unsigned long long)k->span, (unsigned long long)k->load, o->mem_mib);
        return -1;
    }
    xt_pass("kernel", "%s: %s, %zu bytes, load and entry 0x%llx", o->kernel, kind, k->len,
            (unsigned long long)k->load);
    return 0;
}

/* --- the console ring ------------------------------------------------------ */

/* Reads the ring from *index to its end; appends to out (NUL-terminated, bounded). */
static int console_read(uint32_t *index, char *out, size_t outsz)
{
    size_t used = out ? strlen(out) : 0;
    char chunk[4096];
    for (int guard = 0; guard < 1024; guard++) {
        uint32_t len = sizeof(chunk);
        int rc = ctrl_readconsole(h, chunk, &len, index, true, false);
        if (rc)
            return rc;
        if (!len)
            return 0;
        if (out && used + 1 < outsz) {
            size_t n = len < outsz - 1 - used ? len : outsz - 1 - used;
            memcpy(out + used, chunk, n);
            used += n;
            out[used] = '\0';
        }
    }
    return 0;
}

/* Prints the domain's lines of text as "# (dN) ..." information. */
static void show_domain_lines(const char *text, uint32_t domid)
{
    char tag[16];
    snprintf(tag, sizeof(tag), "(d%u) ", domid);
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (!strncmp(l, tag, strlen(tag)))
            xt_info("%.*s", (int)n, l);
        l += n + (e ? 1 : 0);
    }
}

/* --- one cycle ------------------------------------------------------------- */

static bool wait_shutdown(uint32_t domid, unsigned int timeout_s, struct xen_domctl_getdomaininfo *info)
{
    uint64_t deadline = xt_now_ns() + (uint64_t)timeout_s * 1000000000ULL;
    do {
        if (ctrl_domain_getinfo(h, domid, info) != 0)
            return false;
        if (info->flags & XEN_DOMINF_shutdown)
            return true;
        usleep(10000);
    } while (xt_now_ns() < deadline);
    return false;
}

/*
 * -b: balloon the top 2 MiB out and in again, several rounds. The first round
 * may cost the hypervisor some bookkeeping (the 2 MiB block split into pages:
 * records and a table page, at most BALLOON_BOOKKEEPING pages); after it, a round
 * must cost nothing: the domain's footprint does not grow.
 */
#define BALLOON_BOOKKEEPING 64
static void check_balloon(uint32_t domid, uint64_t pages, unsigned int rounds)
{
    enum { N = 512 };
    uint64_t list[N];
    long out = 0, in = 0;
    struct xen_domctl_getdomaininfo info = { 0 };
    uint64_t f0 = dc_free_pages(h), f_first = f0;

    for (unsigned int i = 0; i < N; i++)
        list[i] = RAM_BASE_GFN + pages - N + i;
    for (unsigned int r = 0; r < rounds && out >= 0 && in >= 0; r++) {
        out = ctrl_decrease_reservation(h, domid, 0, list, N);
        in = out == N ? ctrl_populate_physmap(h, domid, 0, list, N) : 0;
        if (out != N || in != N)
            break;
        if (r == 0)
            f_first = dc_free_pages(h);
    }
    uint64_t f1 = dc_free_pages(h);
    int rc = ctrl_domain_getinfo(h, domid, &info);
    check(out == N && in == N && rc == 0 && info.tot_pages == pages && f1 == f_first &&
          f0 - f_first <= BALLOON_BOOKKEEPING, "balloon-cycles",
          "%u rounds of 2 MiB out and in (last: %ld out, %ld in): tot_pages %llu, free pages %llu, "
          "%llu after the first round, %llu at the end (more than %d for bookkeeping, or growth)",
          rounds, out, in, (unsigned long long)info.tot_pages, (unsigned long long)f0,
          (unsigned long long)f_first, (unsigned long long)f1, BALLOON_BOOKKEEPING);
}

/* Cycle 1: while dom0 maps a page of the domain, it cannot go. */
static void check_destroy_busy(uint32_t domid)
{
    void *map;
    mapping_begin();
    int rc = ctrl_map_foreign_range(h, domid, RAM_BASE_GFN, 1, PROT_READ, &map);
    mapping_end();
    if (rc) {
        check(false, "destroy-busy-while-mapped", "mapping a page: %s", dc_why(h, rc));
        return;
    }
    rc = ctrl_domain_destroy_timeout(h, domid, 0);
    mapping_begin();
    int un = ctrl_unmap_foreign(h, map, 1);
    mapping_end();
    check(rc == -EAGAIN && un == 0, "destroy-busy-while-mapped",
          "destroydomain with a page mapped = %s (want EAGAIN); unmap = %d", ctrl_errname(rc), un);
}

static void run_cycle(const struct opts *o, const struct kernel *k)
{
    struct xen_sysctl_physinfo pi0, pi;
    struct xen_domctl_getdomaininfo info = { 0 };
    uint64_t pages = (uint64_t)o->mem_mib << (20 - CTRL_PAGE_SHIFT);
    uint32_t con_index = 0, domid = 0;
    static char console[CONSOLE_MAX];
    int rc;

    cycle_failures = 0;
    dom0_p2m_pages = 0;
    rc = ctrl_physinfo(h, &pi0);
    check(rc == 0 && pi0.free_pages > pages, "physinfo", "rc %d, %llu of %llu pages free, %u CPUs, caps 0x%x",
          rc, (unsigned long long)pi0.free_pages, (unsigned long long)pi0.total_pages, pi0.nr_cpus,
          pi0.capabilities);
    if (rc)
        return;
    if (cycle == 1)
        check((pi0.capabilities & (XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap)) ==
              (XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap), "physinfo-caps",
              "capabilities 0x%x (want hvm|hap)", pi0.capabilities);
    rc = console_read(&con_index, NULL, 0);
    check(rc == 0, "readconsole", "ring index %u", con_index);

    struct xen_domctl_createdomain cfg;
    ctrl_createdomain_defaults(&cfg, o->vcpus);
    rc = ctrl_domain_create(h, &cfg, &domid);
    check(rc == 0 && domid > 0 && domid < DOMID_FIRST_RESERVED, "createdomain", "%s d%u, gic_version %u",
          rc ? dc_why(h, rc) : "ok", domid, cfg.arch.gic_version);
    if (rc)
        return;
    check(cfg.arch.gic_version == XEN_DOMCTL_CONFIG_GIC_V3, "createdomain-gic",
          "gic_version written back: %u (want V3 = %u)", cfg.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);
    if (cycle == 1)
        check(true, "domid", "d%u", domid);
    else
        check(domid == last_domid || domid > last_domid, "domid",
              "d%u after d%u (want the same id again or a higher one)", domid, last_domid);
    last_domid = domid;

    rc = ctrl_domain_getinfo(h, domid, &info);
    check(rc == 0 && (info.flags & XEN_DOMINF_paused) && !(info.flags & XEN_DOMINF_shutdown) &&
          info.tot_pages == 0 && info.max_vcpu_id == o->vcpus - 1, "created-paused-empty",
          "rc %d flags 0x%x tot_pages %llu max_vcpu_id %u", rc, info.flags,
          (unsigned long long)info.tot_pages, info.max_vcpu_id);

    if (cycle == 1) {
        /* As on Xen: before max_mem, a domain gets no memory at all. */
        uint64_t one = RAM_BASE_GFN;
        long got = ctrl_populate_physmap(h, domid, 0, &one, 1);
        check(got == 0, "no-memory-before-max-mem", "populate before max_mem: %ld extents", got);
    }
    rc = ctrl_domain_max_vcpus(h, domid, o->vcpus);
    check(rc == 0, "max-vcpus", "%u: %s", o->vcpus, rc ? dc_why(h, rc) : "ok");
    uint64_t max_kb = ((uint64_t)o->mem_mib << 10) + MAXMEM_SLACK_KB;
    rc = ctrl_domain_max_mem(h, domid, max_kb);
    check(rc == 0, "max-mem", "%llu KiB: %s", (unsigned long long)max_kb, rc ? dc_why(h, rc) : "ok");
    rc = ctrl_domain_set_address_size(h, domid, 64);
    check(rc == 0, "address-size", "64: %s", rc ? dc_why(h, rc) : "ok");

    rc = ctrl_populate_range(h, domid, RAM_BASE_GFN, pages);
    int rc2 = ctrl_domain_getinfo(h, domid, &info);
    check(rc == 0 && rc2 == 0 && info.tot_pages == pages, "populate",
          "%u MiB at 0x%llx: %s; tot_pages %llu (want %llu)", o->mem_mib, (unsigned long long)RAM_BASE,
          rc ? dc_why(h, rc) : "ok", (unsigned long long)info.tot_pages, (unsigned long long)pages);
    if (rc)
        goto destroy;
    rc = ctrl_physinfo(h, &pi);
    check(rc == 0 && pi.free_pages + pages <= pi0.free_pages, "populate-from-heap",
          "free pages %llu -> %llu", (unsigned long long)pi0.free_pages, (unsigned long long)pi.free_pages);

    if (cycle == 1) {
        /* 2 MiB more than max_mem allows (it leaves 1 MiB of slack): none may be given. */
        uint64_t extra = RAM_BASE_GFN + pages;
        long done = ctrl_populate_physmap(h, domid, 9, &extra, 1);
        rc2 = ctrl_domain_getinfo(h, domid, &info);
        check(done == 0 && rc2 == 0 && info.tot_pages == pages, "max-mem-enforced",
              "a 2 MiB extent past max_mem: %ld done, tot_pages %llu", done, (unsigned long long)info.tot_pages);
        if (o->balloon_rounds)
            check_balloon(domid, pages, o->balloon_rounds);
    }

    mapping_begin();
    rc = ctrl_copy_to_domain(h, domid, k->load, k->data, k->len);
    mapping_end();
    check(rc == 0, "load-kernel", "%zu bytes at 0x%llx through foreign mappings: %s", k->len,
          (unsigned long long)k->load, rc ? dc_why(h, rc) : "ok");
    if (rc)
        goto destroy;
    unsigned char *back = malloc(k->len + CTRL_PAGE_SIZE);
    mapping_begin();
    rc = back ? ctrl_copy_from_domain(h, domid, k->load, back, k->len + CTRL_PAGE_SIZE) : -ENOMEM;
    mapping_end();
    bool same = rc == 0 && !memcmp(back, k->data, k->len);
    bool zero_after = true;
    for (size_t i = 0; rc == 0 && i < CTRL_PAGE_SIZE; i++)
        zero_after &= back[k->len + i] == 0;
    check(same && zero_after, "kernel-readback", "%s; kernel %s, the page after it %s", rc ? dc_why(h, rc) : "ok",
          same ? "identical" : "DIFFERS", zero_after ? "zeroed" : "NOT ZEROED");
    free(back);

    rc = ctrl_domain_cacheflush(h, domid, RAM_BASE_GFN, pages);
    check(rc == 0, "cacheflush", "%s", rc ? dc_why(h, rc) : "ok");

    vcpu_guest_context_t ctx, got;
    ctrl_vcpu_boot_context(&ctx, k->load, 0);
    rc = ctrl_vcpu_setcontext(h, domid, 0, &ctx);
    check(rc == 0, "setvcpucontext", "vCPU0 pc 0x%llx cpsr 0x%llx sctlr 0x%llx: %s",
          (unsigned long long)ctx.user_regs.pc64, (unsigned long long)ctx.user_regs.cpsr,
          (unsigned long long)ctx.sctlr, rc ? dc_why(h, rc) : "ok");
    if (rc)
        goto destroy;
    if (cycle == 1) {
        rc = ctrl_vcpu_getcontext(h, domid, 0, &got);
        check(rc == 0 && got.user_regs.pc64 == ctx.user_regs.pc64 && got.user_regs.cpsr == ctx.user_regs.cpsr &&
              got.sctlr == ctx.sctlr && (got.flags & VGCF_online), "getvcpucontext",
              "%s: pc 0x%llx cpsr 0x%llx sctlr 0x%llx flags 0x%x", rc ? dc_why(h, rc) : "ok",
              (unsigned long long)got.user_regs.pc64, (unsigned long long)got.user_regs.cpsr,
              (unsigned long long)got.sctlr, got.flags);
        struct xen_domctl_getvcpuinfo v0, v1;
        rc = ctrl_vcpu_getinfo(h, domid, 0, &v0);
        rc2 = o->vcpus > 1 ? ctrl_vcpu_getinfo(h, domid, 1, &v1) : 0;
        check(rc == 0 && rc2 == 0 && v0.online && (o->vcpus < 2 || !v1.online), "vcpu-states",
              "vCPU0 online %d%s", rc ? -1 : v0.online,
              o->vcpus > 1 ? (rc2 == 0 && !v1.online ? ", vCPU1 offline until CPU_ON" : ", vCPU1 NOT offline") : "");
    }

    rc = ctrl_domain_unpause(h, domid);
    check(rc == 0, "unpause", "%s", rc ? dc_why(h, rc) : "ok");
    if (rc)
        goto destroy;
    uint64_t t0 = xt_now_ns();
    bool down = wait_shutdown(domid, o->timeout_s, &info);
    unsigned int reason = (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    check(down && reason == SHUTDOWN_poweroff, "shutdown", "%s after %llu ms, reason %u (want poweroff = %u)",
          down ? "shut down" : "still running", (unsigned long long)((xt_now_ns() - t0) / 1000000), reason,
          SHUTDOWN_poweroff);

    console[0] = '\0';
    rc = console_read(&con_index, console, sizeof(console));
    char want[300];
    snprintf(want, sizeof(want), "(d%u) %s", domid, o->marker);
    bool seen = rc == 0 && strstr(console, want) != NULL;
    if (cycle == 1 || !seen)
        show_domain_lines(console, domid);
    check(seen, "console", "\"%s\" %s the hypervisor's console ring", want, seen ? "in" : "NOT in");

destroy:
    if (cycle == 1)
        check_destroy_busy(domid);
    rc = ctrl_domain_destroy(h, domid);
    check(rc == 0, "destroydomain", "d%u: %s", domid, rc ? dc_why(h, rc) : "ok");
    rc2 = ctrl_domain_getinfo(h, domid, &info);
    check(rc2 == -ESRCH, "gone", "getdomaininfo(d%u) after destroy: %s", domid, ctrl_errname(rc2));
    rc = ctrl_physinfo(h, &pi);
    check(rc == 0 && (int64_t)pi.free_pages + dom0_p2m_pages == (int64_t)pi0.free_pages, "free-restored",
          "%llu free pages before, %llu after (%+lld), of which dom0's stage-2 tables for its foreign "
          "mappings %lld", (unsigned long long)pi0.free_pages, (unsigned long long)pi.free_pages,
          (long long)pi.free_pages - (long long)pi0.free_pages, (long long)-dom0_p2m_pages);
}

/* --- main ------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: domu-build-test [-k KERNEL] [-m MARKER] [-n CYCLES] [-c VCPUS] [-M MIB] "
                    "[-t SECONDS] [-p PREFIX] [-b ROUNDS]\n");
    exit(2);
}

static unsigned int number(const char *s, unsigned int lo, unsigned int hi)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (!*s || *end || v < lo || v > hi)
        usage();
    return (unsigned int)v;
}

int main(int argc, char **argv)
{
    struct opts o = { .kernel = GUEST_DIR "/hello.bin", .cycles = 1, .vcpus = 2, .mem_mib = 16,
                      .timeout_s = 30, .prefix = "domu-build" };
    const char *marker = NULL;
    int c;

    while ((c = getopt(argc, argv, "k:m:n:c:M:t:p:b:h")) != -1) {
        switch (c) {
        case 'k': o.kernel = optarg; break;
        case 'm': marker = optarg; break;
        case 'n': o.cycles = number(optarg, 1, 10000); break;
        case 'c': o.vcpus = number(optarg, 1, 128); break;
        case 'M': o.mem_mib = number(optarg, 2, 3072); break;
        case 't': o.timeout_s = number(optarg, 1, 3600); break;
        case 'p': o.prefix = optarg; break;
        case 'b': o.balloon_rounds = number(optarg, 0, 1000); break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (marker) {
        snprintf(o.marker, sizeof(o.marker), "%s", marker);
    } else {                            /* "<name>: done", name = the file's without ".bin" */
        const char *base = strrchr(o.kernel, '/') ? strrchr(o.kernel, '/') + 1 : o.kernel;
        size_t n = strcspn(base, ".");
        snprintf(o.marker, sizeof(o.marker), "%.*s: done", (int)n, base);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xt_set_prefix(o.prefix);

    int rc = ctrl_open(&h);
    if (rc) {
        xt_fail("open", "/dev/xen/privcmd: %s", ctrl_strerror(rc));
    } else {
        struct kernel k = { 0 };
        if (load_kernel(&o, &k) == 0) {
            unsigned int good = 0;
            for (cycle = 1; cycle <= o.cycles; cycle++) {
                run_cycle(&o, &k);
                good += cycle_failures == 0;
                if (cycle > 1 && cycle_failures == 0) {
                    char name[32];
                    snprintf(name, sizeof(name), "cycle%u", cycle);
                    xt_pass(name, "d%u built, ran, destroyed; free pages restored", last_domid);
                }
            }
            cycle = 0;
            if (good == o.cycles)
                xt_pass("cycles", "%u of %u", good, o.cycles);
            else
                xt_fail("cycles", "%u of %u cycles passed", good, o.cycles);
        }
        free(k.data);
        ctrl_close(h);
    }
    printf("domu-build-test: done: %d passed, %d failed\n", xt_passed(), xt_failed());
    return xt_failed() ? 1 : 0;
}

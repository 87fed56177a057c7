/*
 * domu-linux-test: build a Linux domU from dom0 with libctrl's domain builder
 * (the core of `xl create`), run it to its power-off, destroy it, and check
 * that the hypervisor gives every page back. Run in dom0 on Lamina.
 *
 *   domu-linux-test [-k KERNEL] [-r INITRD] [-a CMDLINE] [-M MIB] [-c VCPUS]
 *                   [-m MARKER] [-t SECONDS] [-n CYCLES] [-p PREFIX] [-D] [-v] [-X]
 *
 *   -k  the kernel: an arm64 Image or Image.gz
 *       (default /usr/lib/lamina/guests/linux/Image.gz)
 *   -r  the initrd (default /usr/lib/lamina/guests/linux/initramfs.cpio.gz;
 *       "none": without)
 *   -a  the kernel command line (default "console=hvc0 earlycon=xenboot
 *       keep_bootcon": the kernel log on the hypervisor console through
 *       console_io, "(d<N>) ..." lines, and on hvc0, which this program reads)
 *   -M  RAM in MiB (default 256)        -c  vCPUs (default 2)
 *   -m  the line the guest's init prints on hvc0 when it got there
 *       (default "lamina-domu: init reached")
 *   -t  seconds from unpause to the guest's shutdown (default 180)
 *   -n  build/run/destroy cycles (default 1)
 *   -p  check-name prefix (default "domu-linux")
 *   -D  print the device tree given to the guest, base64, between the lines
 *       "domu-linux-test: dtb-begin" and "domu-linux-test: dtb-end"
 *   -v  echo every hvc0 line (default: only those that are not kernel log)
 *       and every xenstore request
 *   -X  leave the xenstore ring unanswered (Linux's boot then stops in
 *       xenbus_probe_initcall; where the guest waits is printed at the timeout)
 *
 * It needs no console daemon or xenstored (it does not introduce the domain
 * to the xenstored dom0 runs): it stands in for
 * both. It maps the guest's console ring (HVM_PARAM_CONSOLE_PFN), binds its
 * port and drains the output (Linux's hvc_xen waits, yielding, while the ring
 * is full), printing the guest's own lines as "# hvc0: ...". It answers the
 * xenstore ring (HVM_PARAM_STORE_PFN, port) as an empty store (xs_stub).
 *
 * Checks: build, created-paused, memory, hvm-params, evtchn-unbound,
 * vcpu-context, guest-memory, grant-seed, console-attach, xenstore-attach,
 * unpause, then: hvc0 (the console works), xen-found (the early console, in
 * the hypervisor's ring), grant-table, events (FIFO or 2-level), vcpus-up,
 * init-marker, shutdown (poweroff), xenstore-stub, console-detach,
 * destroydomain, gone, free-restored.
 * Output: "PASS <prefix>/<check> (...)" or "FAIL <prefix>/<check>: why"; ends
 * "domu-linux-test: done: N passed, M failed", exit status 0 iff none failed.
 */
#define _GNU_SOURCE
#include "xentest.h"
#include "libctrl.h"
#include "domu_check.h"
#include "build_dom.h"
#include "console_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xen/event_channel.h>
#include <xen/sys/evtchn.h>
#include <xen/io/xs_wire.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>

#define LINUX_DIR "/usr/lib/lamina/guests/linux"
/* Stage-2 table pages dom0 may take for itself while the domU runs. */
#define DOM0_OWN_TABLE_SLACK 2
#define HVC_MAX (512 * 1024)            /* the guest's console text kept for the checks */

struct opts {
    const char *kernel, *ramdisk, *cmdline, *marker, *prefix;
    unsigned int mem_mib, vcpus, timeout_s, cycles;
    bool dump_dtb, verbose, no_xenstore;
};

static ctrl_handle *h;
static unsigned int cycle;
static int cycle_failures;

/* Every check in cycle 1; later cycles report only failures, as "cycle<N>/<check>". */
static void check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cycle_failures += !dc_vcheck(cycle, ok, name, fmt, ap);
    va_end(ap);
}

/* dom0's stage-2 table pages from its own foreign mappings (see struct ctrl_dom). */
static int64_t dom0_p2m_pages;
static uint64_t mapping_free;
static void mapping_begin(void) { mapping_free = dc_free_pages(h); }
static void mapping_end(void) { dom0_p2m_pages += (int64_t)mapping_free - (int64_t)dc_free_pages(h); }

static int read_file(const char *path, unsigned char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        int e = fd < 0 ? errno : EINVAL;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    *len = (size_t)st.st_size;
    *data = malloc(*len);
    size_t got = 0;
    while (*data && got < *len) {
        ssize_t n = read(fd, *data + got, *len - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!*data || got != *len) {
        free(*data);
        *data = NULL;
        return -EIO;
    }
    return 0;
}

static void print_base64(const void *data, size_t len)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    char line[80];
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < len ? p[i + 2] : 0);
        line[o++] = t[v >> 18 & 63];
        line[o++] = t[v >> 12 & 63];
        line[o++] = i + 1 < len ? t[v >> 6 & 63] : '=';
        line[o++] = i + 2 < len ? t[v & 63] : '=';
        if (o == 76 || i + 3 >= len) {
            line[o] = '\0';
            printf("%s\n", line);
            o = 0;
        }
    }
}

/* --- checks on the paused, built domain ------------------------------------- */

static void check_built(const struct opts *o, const struct ctrl_dom *d, const unsigned char *rd, size_t rd_len)
{
    struct xen_domctl_getdomaininfo info;
    uint64_t ram_pages = (uint64_t)o->mem_mib << (20 - CTRL_PAGE_SHIFT);
    int rc = ctrl_domain_getinfo(h, d->domid, &info);
    check(rc == 0 && (info.flags & XEN_DOMINF_paused) && !(info.flags & XEN_DOMINF_shutdown) &&
          info.max_vcpu_id == o->vcpus - 1, "created-paused", "rc %d flags 0x%x max_vcpu_id %u", rc,
          info.flags, info.max_vcpu_id);
    check(rc == 0 && info.tot_pages == ram_pages + CTRL_NR_MAGIC_PAGES, "memory",
          "tot_pages %llu (want %llu RAM + %d magic), max_pages %llu",
          (unsigned long long)info.tot_pages, (unsigned long long)ram_pages, CTRL_NR_MAGIC_PAGES,
          (unsigned long long)info.max_pages);

    static const struct { uint32_t index; const char *name; } names[] = {
        { HVM_PARAM_CALLBACK_IRQ, "CALLBACK_IRQ" }, { HVM_PARAM_STORE_PFN, "STORE_PFN" },
        { HVM_PARAM_STORE_EVTCHN, "STORE_EVTCHN" }, { HVM_PARAM_CONSOLE_PFN, "CONSOLE_PFN" },
        { HVM_PARAM_CONSOLE_EVTCHN, "CONSOLE_EVTCHN" },
    };
    const uint64_t want[] = { CTRL_CALLBACK_IRQ_PPI, d->store_gfn, d->store_port, d->console_gfn,
                              d->console_port };
    char detail[512] = "";
    bool ok = true;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        uint64_t v = 0;
        rc = ctrl_hvm_param_get(h, d->domid, names[i].index, &v);
        ok &= rc == 0 && v == want[i];
        size_t n = strlen(detail);
        snprintf(detail + n, sizeof(detail) - n, "%s%s=0x%llx", n ? " " : "", names[i].name,
                 (unsigned long long)v);
    }
    check(ok, "hvm-params", "%s", detail);

    /* Both ports unbound in the new domain, waiting for dom0's backends. */
    ok = true;
    detail[0] = '\0';
    const uint32_t ports[] = { d->store_port, d->console_port };
    for (int i = 0; i < 2; i++) {
        evtchn_status_t *st = ctrl_buf_alloc(h, sizeof(*st));
        if (!st)
            break;
        st->dom = (domid_t)d->domid;
        st->port = ports[i];
        long r = ctrl_hypercall(h, __HYPERVISOR_event_channel_op, EVTCHNOP_status, (uintptr_t)st, 0, 0, 0);
        ok &= r == 0 && st->status == EVTCHNSTAT_unbound && st->u.unbound.dom == 0;
        size_t n = strlen(detail);
        snprintf(detail + n, sizeof(detail) - n, "%s%s port %u: rc %ld status %u remote d%u", n ? "; " : "",
                 i ? "console" : "store", ports[i], r, st->status, st->u.unbound.dom);
        ctrl_buf_free(h, st);
    }
    check(ok, "evtchn-unbound", "%s", detail);

    vcpu_guest_context_t ctx;
    struct xen_domctl_getvcpuinfo v1 = { 0 };
    rc = ctrl_vcpu_getcontext(h, d->domid, 0, &ctx);
    int rc1 = o->vcpus > 1 ? ctrl_vcpu_getinfo(h, d->domid, 1, &v1) : 0;
    check(rc == 0 && ctx.user_regs.pc64 == d->layout.kernel_base && ctx.user_regs.x0 == d->layout.dtb_base &&
          (ctx.flags & VGCF_online) && rc1 == 0 && !v1.online, "vcpu-context",
          "vCPU0 pc 0x%llx x0 0x%llx cpsr 0x%llx flags 0x%x; vCPU1 %s", (unsigned long long)ctx.user_regs.pc64,
          (unsigned long long)ctx.user_regs.x0, (unsigned long long)ctx.user_regs.cpsr, ctx.flags,
          o->vcpus < 2 ? "none" : v1.online ? "ONLINE" : "offline until CPU_ON");

    /* What the guest will find: its DTB, the initrd, the kernel's header, zeroed magic pages. */
    size_t dtb_pages = (d->dtb_len + CTRL_PAGE_SIZE - 1) / CTRL_PAGE_SIZE;
    unsigned char *dtb = malloc(dtb_pages * CTRL_PAGE_SIZE), *hdr = malloc(64);
    unsigned char *magic = malloc(CTRL_NR_MAGIC_PAGES * CTRL_PAGE_SIZE);
    unsigned char *rdback = rd_len ? malloc(rd_len) : NULL;
    mapping_begin();
    rc = dtb && hdr && magic && (!rd_len || rdback) ? 0 : -ENOMEM;
    rc = rc ? rc : ctrl_copy_from_domain(h, d->domid, d->layout.dtb_base, dtb, d->dtb_len);
    rc = rc ? rc : ctrl_copy_from_domain(h, d->domid, d->layout.kernel_base, hdr, 64);
    rc = rc ? rc : ctrl_copy_from_domain(h, d->domid, CTRL_MAGIC_GFN << CTRL_PAGE_SHIFT, magic,
                                         CTRL_NR_MAGIC_PAGES * CTRL_PAGE_SIZE);
    rc = rc || !rd_len ? rc : ctrl_copy_from_domain(h, d->domid, d->layout.ramdisk_base, rdback, rd_len);
    mapping_end();
    bool dtb_ok = rc == 0 && !memcmp(dtb, d->dtb, d->dtb_len);
    bool hdr_ok = rc == 0 && !memcmp(hdr + 56, "ARM\x64", 4);
    bool magic_ok = rc == 0;
    for (size_t i = 0; magic_ok && i < CTRL_NR_MAGIC_PAGES * CTRL_PAGE_SIZE; i++)
        magic_ok = magic[i] == 0;
    bool rd_ok = !rd_len || (rc == 0 && !memcmp(rdback, rd, rd_len));
    check(dtb_ok && hdr_ok && magic_ok && rd_ok, "guest-memory",
          "%s: DTB %s, kernel header %s, initrd %s, magic pages %s", rc ? dc_why(h, rc) : "read back",
          dtb_ok ? "identical" : "DIFFERS", hdr_ok ? "ARM\\x64" : "MISSING", !rd_len ? "none" : rd_ok ?
          "identical" : "DIFFERS", magic_ok ? "zeroed" : "NOT ZEROED");
    free(dtb);
    free(hdr);
    free(magic);
    free(rdback);

    /* The grant seed, read back the way it was written (frame 0 at a scratch GFN). */
    const uint64_t scratch = GUEST_GNTTAB_BASE >> CTRL_PAGE_SHIFT;
    grant_entry_v1_t g[2] = { { 0 } };
    rc = ctrl_add_to_physmap(h, d->domid, XENMAPSPACE_grant_table, 0, scratch);
    if (!rc) {
        mapping_begin();
        rc = ctrl_copy_from_domain(h, d->domid, scratch << CTRL_PAGE_SHIFT, g, sizeof(g));
        mapping_end();
        int rc2 = ctrl_remove_from_physmap(h, d->domid, scratch);
        rc = rc ? rc : rc2;
    }
    check(rc == 0 && g[0].flags == GTF_permit_access && g[0].domid == 0 && g[0].frame == d->console_gfn &&
          g[1].flags == GTF_permit_access && g[1].domid == 0 && g[1].frame == d->store_gfn, "grant-seed",
          "%s: ref 0 {flags %u, d%u, gfn 0x%x}, ref 1 {flags %u, d%u, gfn 0x%x}", rc ? dc_why(h, rc) : "read back",
          g[0].flags, g[0].domid, g[0].frame, g[1].flags, g[1].domid, g[1].frame);
}

/* --- a stand-in for xenstored: an empty store ------------------------------ */

/*
 * Linux's xenbus does not boot past its first request without an answer
 * (xenbus_probe_initcall -> xenbus_probe -> xs_init -> xs_reset_watches ->
 * XS_READ control/platform-feature-xs_reset_watches, waiting uninterruptibly
 * in read_reply). Until xenstored introduces domUs, this program answers the
 * guest's ring as an empty store would: reads and directories ENOENT, writes,
 * mkdir, rm, set_perms, unwatch and transaction ends OK (and forgotten),
 * watches OK and fired once as xenstored does, transactions numbered.
 */
struct xs_stub {
    uint32_t domid;
    struct xenstore_domain_interface *ring;
    int local_port;
    char out[2 * XENSTORE_PAYLOAD_MAX];     /* replies waiting for room */
    size_t out_len;
    unsigned int requests, by_type[XS_TYPE_COUNT], next_tx;
    bool verbose;
};

static void ring_copy_out(const char *ring, uint32_t idx, void *dst, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ((char *)dst)[i] = ring[MASK_XENSTORE_IDX(idx + (uint32_t)i)];
}

static void xs_queue(struct xs_stub *s, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *body,
                     size_t len)
{
    struct xsd_sockmsg m = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len };
    if (s->out_len + sizeof(m) + len > sizeof(s->out))
        return;                             /* the guest does not read: drop */
    memcpy(s->out + s->out_len, &m, sizeof(m));
    memcpy(s->out + s->out_len + sizeof(m), body, len);
    s->out_len += sizeof(m) + len;
}

static bool xs_flush(struct xs_stub *s)
{
    struct xenstore_domain_interface *x = s->ring;
    XENSTORE_RING_IDX cons = __atomic_load_n(&x->rsp_cons, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX prod = x->rsp_prod;
    size_t room = XENSTORE_RING_SIZE - (size_t)(prod - cons), n = 0;
    if ((XENSTORE_RING_IDX)(prod - cons) > XENSTORE_RING_SIZE)
        return false;
    while (n < s->out_len && n < room) {
        x->rsp[MASK_XENSTORE_IDX(prod)] = s->out[n++];
        prod++;
    }
    __atomic_store_n(&x->rsp_prod, prod, __ATOMIC_RELEASE);
    memmove(s->out, s->out + n, s->out_len - n);
    s->out_len -= n;
    return n > 0;
}

static void xs_answer(struct xs_stub *s, const struct xsd_sockmsg *m, const char *body)
{
    static const char ok[] = "OK", enoent[] = "ENOENT", eacces[] = "EACCES", einval[] = "EINVAL";
    char buf[64];
    if (m->type < XS_TYPE_COUNT)
        s->by_type[m->type]++;
    switch (m->type) {
    case XS_READ: case XS_DIRECTORY: case XS_DIRECTORY_PART: case XS_GET_PERMS:
        xs_queue(s, XS_ERROR, m->req_id, m->tx_id, enoent, sizeof(enoent));
        break;
    case XS_WRITE: case XS_MKDIR: case XS_RM: case XS_SET_PERMS: case XS_UNWATCH:
    case XS_TRANSACTION_END: case XS_RESET_WATCHES:
        xs_queue(s, m->type, m->req_id, m->tx_id, ok, sizeof(ok));
        break;
    case XS_WATCH:
        xs_queue(s, m->type, m->req_id, m->tx_id, ok, sizeof(ok));
        xs_queue(s, XS_WATCH_EVENT, 0, 0, body, m->len);        /* "path\0token\0", fired at once */
        break;
    case XS_TRANSACTION_START:
        snprintf(buf, sizeof(buf), "%u", ++s->next_tx);
        xs_queue(s, m->type, m->req_id, 0, buf, strlen(buf) + 1);
        break;
    case XS_GET_DOMAIN_PATH:
        snprintf(buf, sizeof(buf), "/local/domain/%u", s->domid);
        xs_queue(s, m->type, m->req_id, m->tx_id, buf, strlen(buf) + 1);
        break;
    case XS_INTRODUCE: case XS_RELEASE: case XS_IS_DOMAIN_INTRODUCED: case XS_RESUME: case XS_SET_TARGET:
    case XS_CONTROL:
        xs_queue(s, XS_ERROR, m->req_id, m->tx_id, eacces, sizeof(eacces));
        break;
    default:
        xs_queue(s, XS_ERROR, m->req_id, m->tx_id, einval, sizeof(einval));
    }
}

/* Takes every complete request off the ring and answers it; notifies the guest. */
static void xs_stub_poll(struct xs_stub *s)
{
    struct xenstore_domain_interface *x = s->ring;
    bool notify = xs_flush(s);
    static char body[XENSTORE_PAYLOAD_MAX + 1];
    while (s->out_len < XENSTORE_PAYLOAD_MAX) {
        XENSTORE_RING_IDX cons = x->req_cons;
        XENSTORE_RING_IDX prod = __atomic_load_n(&x->req_prod, __ATOMIC_ACQUIRE);
        uint32_t avail = prod - cons;
        struct xsd_sockmsg m;
        if (avail > XENSTORE_RING_SIZE) {           /* nonsense indexes: start over */
            __atomic_store_n(&x->req_cons, prod, __ATOMIC_RELEASE);
            break;
        }
        if (avail < sizeof(m))
            break;
        ring_copy_out(x->req, cons, &m, sizeof(m));
        if (m.len > XENSTORE_PAYLOAD_MAX) {
            __atomic_store_n(&x->req_cons, prod, __ATOMIC_RELEASE);
            break;
        }
        if (avail < sizeof(m) + m.len)
            break;                                  /* the rest is still being written */
        ring_copy_out(x->req, cons + sizeof(m), body, m.len);
        body[m.len] = '\0';
        __atomic_store_n(&x->req_cons, cons + (uint32_t)sizeof(m) + m.len, __ATOMIC_RELEASE);
        s->requests++;
        if (s->verbose) {
            char shown[160];
            size_t n = m.len < sizeof(shown) - 1 ? m.len : sizeof(shown) - 1;
            for (size_t i = 0; i < n; i++)
                shown[i] = body[i] ? body[i] : ' ';
            shown[n] = '\0';
            printf("# xenstore d%u: type %u req %u tx %u \"%s\"\n", s->domid, m.type, m.req_id, m.tx_id, shown);
        }
        xs_answer(s, &m, body);
        notify |= xs_flush(s);
        notify = true;
    }
    if (notify && s->local_port >= 0) {
        struct ioctl_evtchn_notify no = { .port = (unsigned int)s->local_port };
        ioctl(ctrl_evtchn_fd(h), IOCTL_EVTCHN_NOTIFY, &no);
    }
}

static int xs_stub_attach(struct xs_stub *s, const struct ctrl_dom *d, bool verbose)
{
    memset(s, 0, sizeof(*s));
    s->domid = d->domid;
    s->local_port = -1;
    s->verbose = verbose;
    int rc = ctrl_map_foreign_range(h, d->domid, d->store_gfn, 1, PROT_READ | PROT_WRITE, (void **)&s->ring);
    if (rc)
        return rc;
    int fd = ctrl_evtchn_fd(h);
    struct ioctl_evtchn_bind_interdomain b = { .remote_domain = d->domid, .remote_port = d->store_port };
    int port = fd < 0 ? -1 : ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
    if (port < 0) {
        ctrl_unmap_foreign(h, s->ring, 1);
        s->ring = NULL;
        return fd < 0 ? fd : -errno;
    }
    s->local_port = port;
    return 0;
}

static void xs_stub_detach(struct xs_stub *s)
{
    if (s->local_port >= 0) {
        struct ioctl_evtchn_unbind u = { .port = (unsigned int)s->local_port };
        ioctl(ctrl_evtchn_fd(h), IOCTL_EVTCHN_UNBIND, &u);
        s->local_port = -1;
    }
    if (s->ring)
        ctrl_unmap_foreign(h, s->ring, 1);
    s->ring = NULL;
}

/* --- the running guest -------------------------------------------------------- */

struct hvc {
    char *text;                 /* everything the guest wrote, NUL-terminated (bounded) */
    size_t len;
    char line[1024];            /* the line being assembled, for echoing */
    size_t line_len;
    bool verbose;
};

/* The hypervisor's console ring (sysctl readconsole) from *index on, appended to text. */
static void hyp_console(uint32_t *index, char *text, size_t *len, size_t cap)
{
    char chunk[4096];
    for (int guard = 0; guard < 256; guard++) {
        uint32_t n = sizeof(chunk);
        if (ctrl_readconsole(h, chunk, &n, index, true, false) != 0 || n == 0)
            return;
        size_t k = n < cap - 1 - *len ? n : cap - 1 - *len;
        memcpy(text + *len, chunk, k);
        *len += k;
        text[*len] = '\0';
    }
}

static bool kernel_line(const char *l)
{
    return l[0] == '[' || !strncmp(l, "<", 1);
}

static void hvc_take(struct hvc *c, const char *buf, size_t n)
{
    size_t room = HVC_MAX - 1 - c->len;
    size_t k = n < room ? n : room;
    memcpy(c->text + c->len, buf, k);
    c->len += k;
    c->text[c->len] = '\0';
    for (size_t i = 0; i < n; i++) {
        char ch = buf[i];
        if (ch == '\r')
            continue;
        if (ch != '\n' && c->line_len < sizeof(c->line) - 1) {
            c->line[c->line_len++] = (ch >= 0x20 && ch < 0x7f) || ch == '\t' ? ch : '?';
            continue;
        }
        if (ch != '\n')
            continue;
        c->line[c->line_len] = '\0';
        if (c->verbose || (c->line_len && !kernel_line(c->line)))
            printf("# hvc0: %s\n", c->line);
        c->line_len = 0;
    }
}

static bool matches(const char *text, const char *pattern, char *what, size_t what_len)
{
    regex_t re;
    regmatch_t m;
    bool found = false;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE) != 0)
        return false;
    if (regexec(&re, text, 1, &m, 0) == 0) {
        found = true;
        /* the whole line it is on */
        const char *s = text + m.rm_so, *e = text + m.rm_eo;
        while (s > text && s[-1] != '\n')
            s--;
        while (*e && *e != '\n' && *e != '\r')
            e++;
        size_t n = (size_t)(e - s) < what_len - 1 ? (size_t)(e - s) : what_len - 1;
        memcpy(what, s, n);
        what[n] = '\0';
    }
    regfree(&re);
    return found;
}

static void check_log(const char *text, const char *name, const char *pattern)
{
    char line[256] = "";
    bool ok = matches(text, pattern, line, sizeof(line));
    check(ok, name, ok ? "\"%s\"" : "no hvc0 line matching /%s/", ok ? line : pattern);
}

/* The kernel symbol at or below addr, from dom0's /proc/kallsyms: dom0 runs the
 * same Image and neither it nor the domU gets a kaslr-seed, so they match. */
static const char *symbol(uint64_t addr, char *out, size_t len)
{
    FILE *f = fopen("/proc/kallsyms", "r");
    unsigned long long a, best = 0;
    char type, name[128], bestname[128] = "?";
    while (f && fscanf(f, "%llx %c %127s%*[^\n]", &a, &type, name) == 3)
        if (a <= addr && a > best) {
            best = a;
            snprintf(bestname, sizeof(bestname), "%s", name);
        }
    if (f)
        fclose(f);
    snprintf(out, len, "%s+0x%llx", bestname, best ? (unsigned long long)(addr - best) : 0ULL);
    return out;
}

/* Why a guest did not finish: where its vCPUs are, what it asked xenstore. */
static void diagnose(const struct ctrl_dom *d, unsigned int vcpus)
{
    char sym[160];
    ctrl_domain_pause(h, d->domid);
    for (unsigned int v = 0; v < vcpus; v++) {
        vcpu_guest_context_t ctx;
        if (ctrl_vcpu_getcontext(h, d->domid, v, &ctx) == 0)
            xt_info("d%uv%u: pc 0x%llx (%s) lr 0x%llx (%s)", d->domid, v,
                    (unsigned long long)ctx.user_regs.pc64, symbol(ctx.user_regs.pc64, sym, 80),
                    (unsigned long long)ctx.user_regs.x30, symbol(ctx.user_regs.x30, sym + 80, 80));
    }
    struct xenstore_domain_interface *x;
    mapping_begin();
    if (ctrl_map_foreign_range(h, d->domid, d->store_gfn, 1, PROT_READ, (void **)&x) == 0) {
        xt_info("d%u xenstore ring: req_cons %u req_prod %u rsp_cons %u rsp_prod %u connection %u",
                d->domid, x->req_cons, x->req_prod, x->rsp_cons, x->rsp_prod, x->connection);
        for (uint32_t i = 0; i + sizeof(struct xsd_sockmsg) <= x->req_prod && i < XENSTORE_RING_SIZE;) {
            struct xsd_sockmsg m;
            memcpy(&m, x->req + i, sizeof(m));
            char body[128];
            size_t n = m.len < sizeof(body) - 1 ? m.len : sizeof(body) - 1;
            if (i + sizeof(m) + n > XENSTORE_RING_SIZE)
                break;
            memcpy(body, x->req + i + sizeof(m), n);
            for (size_t k = 0; k < n; k++)
                body[k] = body[k] ? body[k] : ' ';
            body[n] = '\0';
            xt_info("d%u xenstore request at %u: type %u req_id %u tx %u len %u \"%s\"", d->domid, i, m.type,
                    m.req_id, m.tx_id, m.len, body);
            i += sizeof(m) + m.len;
        }
        ctrl_unmap_foreign(h, x, 1);
    }
    mapping_end();
}

static void run_cycle(const struct opts *o, const unsigned char *kernel, size_t klen, const unsigned char *rd,
                      size_t rd_len)
{
    struct ctrl_dom d;
    struct xen_domctl_getdomaininfo info = { 0 };
    int rc;

    cycle_failures = 0;
    dom0_p2m_pages = 0;
    uint64_t f0 = dc_free_pages(h);

    struct ctrl_dom_config cfg = {
        .kernel = kernel, .kernel_len = klen, .ramdisk = rd, .ramdisk_len = rd_len, .cmdline = o->cmdline,
        .mem_kb = (uint64_t)o->mem_mib << 10, .vcpus = o->vcpus, .console_domid = 0, .xenstore_domid = 0,
    };
    uint64_t t0 = xt_now_ns();
    rc = ctrl_dom_build(h, &cfg, &d);
    uint64_t t_build = xt_now_ns() - t0;
    dom0_p2m_pages += d.dom0_p2m_pages;
    const struct ctrl_dom_layout *l = &d.layout;
    check(rc == 0, "build",
          "%s: d%u, kernel %s%zu bytes -> 0x%llx (image_size 0x%llx, entry = load), initrd %zu bytes at 0x%llx, "
          "DTB %zu bytes at 0x%llx, RAM %u MiB, %u vCPUs, ports console %u store %u, %llu ms",
          rc ? dc_why(h, rc) : "ok", d.domid, d.kernel_was_gzip ? "(inflated from gzip) " : "",
          (size_t)l->kernel_len, (unsigned long long)l->kernel_base, (unsigned long long)l->kernel_span,
          (size_t)l->ramdisk_len, (unsigned long long)l->ramdisk_base, d.dtb_len,
          (unsigned long long)l->dtb_base, o->mem_mib, o->vcpus, d.console_port, d.store_port,
          (unsigned long long)(t_build / 1000000));
    if (rc) {
        ctrl_dom_release(&d);
        return;
    }
    if (o->dump_dtb && cycle <= 1) {
        printf("domu-linux-test: dtb-begin d%u %zu bytes\n", d.domid, d.dtb_len);
        print_base64(d.dtb, d.dtb_len);
        printf("domu-linux-test: dtb-end\n");
    }
    if (cycle <= 1)
        check_built(o, &d, rd, rd_len);

    /* The console backend's part, then go. */
    struct ctrl_console con;
    mapping_begin();
    rc = ctrl_console_attach(h, d.domid, d.console_gfn, (int)d.console_port, &con);
    mapping_end();
    check(rc == 0, "console-attach", "ring gfn 0x%llx, port %u -> dom0 port %d: %s",
          (unsigned long long)d.console_gfn, d.console_port, rc ? -1 : con.local_port, rc ? dc_why(h, rc) : "ok");
    struct hvc hvc = { .text = calloc(1, HVC_MAX), .verbose = o->verbose };
    char *hyp = calloc(1, HVC_MAX);
    size_t hyp_len = 0;
    uint32_t hyp_index = 0;
    if (!hvc.text || !hyp)
        rc = -ENOMEM;
    else
        hyp_console(&hyp_index, hyp, &hyp_len, HVC_MAX), hyp_len = 0, hyp[0] = '\0';
    bool attached = rc == 0;
    struct xs_stub xs = { .ring = NULL, .local_port = -1 };
    if (!rc && !o->no_xenstore) {
        mapping_begin();
        rc = xs_stub_attach(&xs, &d, o->verbose);
        mapping_end();
        check(rc == 0, "xenstore-attach", "ring gfn 0x%llx, port %u -> dom0 port %d: %s",
              (unsigned long long)d.store_gfn, d.store_port, xs.local_port, rc ? ctrl_strerror(rc) : "ok");
    }
    if (!rc)
        rc = ctrl_domain_unpause(h, d.domid);
    check(rc == 0, "unpause", "%s", rc ? dc_why(h, rc) : "ok");

    bool down = false, gone = false;
    uint64_t t_marker = 0, t_down = 0;
    t0 = xt_now_ns();
    uint64_t deadline = t0 + (uint64_t)o->timeout_s * 1000000000ULL;
    char buf[4096];
    while (rc == 0 && !down && !gone && xt_now_ns() < deadline) {
        ctrl_console_wait(&con, 50);
        ssize_t n;
        while ((n = ctrl_console_read(&con, buf, sizeof(buf))) > 0)
            hvc_take(&hvc, buf, (size_t)n);
        if (xs.ring)
            xs_stub_poll(&xs);
        if (!t_marker && strstr(hvc.text, o->marker))
            t_marker = xt_now_ns() - t0;
        hyp_console(&hyp_index, hyp, &hyp_len, HVC_MAX);
        int r = ctrl_domain_getinfo(h, d.domid, &info);
        gone = r == -ESRCH;
        down = r == 0 && (info.flags & XEN_DOMINF_shutdown);
    }
    if (down)
        t_down = xt_now_ns() - t0;
    if (attached) {
        ssize_t n;
        while ((n = ctrl_console_read(&con, buf, sizeof(buf))) > 0)
            hvc_take(&hvc, buf, (size_t)n);
        if (hvc.line_len) {
            hvc_take(&hvc, "\n", 1);
        }
    }

    if (rc == 0) {
        char m[256];
        snprintf(m, sizeof(m), "console \\[hvc0\\] enabled|hvc0");
        check(hvc.len > 0 && matches(hvc.text, m, buf, sizeof(buf)), "hvc0",
              "%zu bytes from the guest's console ring", hvc.len);
        /* Printed before hvc0 exists: only the early console (console_io) has it. */
        hyp_console(&hyp_index, hyp, &hyp_len, HVC_MAX);
        snprintf(m, sizeof(m), "\\(d%u\\) .*Xen 4\\.17 support found", d.domid);
        char line[256] = "";
        bool found = matches(hyp, m, line, sizeof(line));
        check(found, "xen-found", found ? "hypervisor console: \"%s\"" : "no line matching /%s/ in the "
              "hypervisor's console ring", found ? line : m);
        check_log(hvc.text, "grant-table", "Grant table initialized");
        check_log(hvc.text, "events", "xen:events: Using (FIFO-based|2-level) ABI");
        snprintf(m, sizeof(m), "smp: Brought up 1 node, %u CPUs?", o->vcpus);
        check_log(hvc.text, "vcpus-up", m);
        snprintf(m, sizeof(m), "%s", o->marker);
        check_log(hvc.text, "init-marker", m);
        if (t_marker)
            xt_info("d%u: unpause -> init marker %.2f s", d.domid, t_marker / 1e9);
        unsigned int reason = (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
        check(down && reason == SHUTDOWN_poweroff, "shutdown", "%s after %.2f s, reason %u (want poweroff = %u)",
              down ? "shut down" : gone ? "GONE" : "STILL RUNNING", (down ? t_down : xt_now_ns() - t0) / 1e9,
              reason, SHUTDOWN_poweroff);
        if (!down && !gone)
            diagnose(&d, o->vcpus);
        if (!down) {
            /* The last lines the guest wrote, to see where it stopped. */
            const char *p = hvc.text + (hvc.len > 2000 ? hvc.len - 2000 : 0);
            xt_info("the last hvc0 lines of d%u:", d.domid);
            while (*p) {
                size_t n = strcspn(p, "\n");
                printf("# hvc0| %.*s\n", (int)n, p);
                p += n + (p[n] == '\n');
            }
        }
    }

    if (xs.ring) {
        check(xs.requests > 0, "xenstore-stub", "answered %u requests of d%u as an empty store (%u read, %u "
              "directory, %u write, %u watch, %u transaction)", xs.requests, d.domid, xs.by_type[XS_READ],
              xs.by_type[XS_DIRECTORY], xs.by_type[XS_WRITE], xs.by_type[XS_WATCH],
              xs.by_type[XS_TRANSACTION_START]);
        mapping_begin();
        xs_stub_detach(&xs);
        mapping_end();
    }
    if (attached) {
        mapping_begin();
        int r = ctrl_console_detach(&con);
        mapping_end();
        check(r == 0, "console-detach", "%llu bytes read: %s", (unsigned long long)con.bytes, r ? dc_why(h, r) : "ok");
    }
    free(hvc.text);
    free(hyp);
    rc = ctrl_domain_destroy(h, d.domid);
    check(rc == 0, "destroydomain", "d%u: %s", d.domid, rc ? dc_why(h, rc) : "ok");
    int rc2 = ctrl_domain_getinfo(h, d.domid, &info);
    check(rc2 == -ESRCH, "gone", "getdomaininfo(d%u) after destroy: %s", d.domid, ctrl_errname(rc2));
    /* dom0's balloon thread puts back the pages it lent to the foreign
     * mappings a moment later, and may split a block of dom0's own stage-2
     * tables doing so: give it up to 3 s to settle. A table page or two that
     * dom0's own activity takes meanwhile is dom0's, not the domU's; the
     * exact, page-for-page check of destruction is the dom0-xl scenario's
     * (50 destroys, each leaving the same free count). */
    uint64_t f1 = dc_free_pages(h);
    for (int i = 0; i < 30 && (int64_t)f1 + dom0_p2m_pages != (int64_t)f0; i++) {
        usleep(100 * 1000);
        f1 = dc_free_pages(h);
    }
    int64_t missing = (int64_t)f0 - ((int64_t)f1 + dom0_p2m_pages);
    check(missing >= 0 && missing <= DOM0_OWN_TABLE_SLACK, "free-restored",
          "%llu free pages before, %llu after (%+lld), of which dom0's stage-2 tables for its foreign "
          "mappings %lld, for its own balloon meanwhile %lld", (unsigned long long)f0,
          (unsigned long long)f1, (long long)f1 - (long long)f0, (long long)-dom0_p2m_pages,
          (long long)-missing);
    ctrl_dom_release(&d);
}

static void usage(void)
{
    fprintf(stderr, "usage: domu-linux-test [-k KERNEL] [-r INITRD|none] [-a CMDLINE] [-M MIB] [-c VCPUS] "
                    "[-m MARKER] [-t SECONDS] [-n CYCLES] [-p PREFIX] [-D] [-v] [-X]\n");
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
    struct opts o = {
        .kernel = LINUX_DIR "/Image.gz", .ramdisk = LINUX_DIR "/initramfs.cpio.gz",
        .cmdline = "console=hvc0 earlycon=xenboot keep_bootcon", .marker = "lamina-domu: init reached",
        .prefix = "domu-linux", .mem_mib = 256, .vcpus = 2, .timeout_s = 180, .cycles = 1,
    };
    int c;
    while ((c = getopt(argc, argv, "k:r:a:M:c:m:t:n:p:DvXh")) != -1) {
        switch (c) {
        case 'k': o.kernel = optarg; break;
        case 'r': o.ramdisk = strcmp(optarg, "none") ? optarg : NULL; break;
        case 'a': o.cmdline = optarg; break;
        case 'M': o.mem_mib = number(optarg, 16, 65536); break;
        case 'c': o.vcpus = number(optarg, 1, 128); break;
        case 'm': o.marker = optarg; break;
        case 't': o.timeout_s = number(optarg, 1, 3600); break;
        case 'n': o.cycles = number(optarg, 1, 1000); break;
        case 'p': o.prefix = optarg; break;
        case 'D': o.dump_dtb = true; break;
        case 'v': o.verbose = true; break;
        case 'X': o.no_xenstore = true; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    xt_set_prefix(o.prefix);

    unsigned char *kernel = NULL, *rd = NULL;
    size_t klen = 0, rd_len = 0;
    int rc = read_file(o.kernel, &kernel, &klen);
    if (rc)
        xt_fail("files", "kernel %s: %s", o.kernel, strerror(-rc));
    else if (o.ramdisk && (rc = read_file(o.ramdisk, &rd, &rd_len)))
        xt_fail("files", "initrd %s: %s", o.ramdisk, strerror(-rc));
    else
        xt_pass("files", "kernel %s (%zu bytes), initrd %s (%zu bytes), \"%s\"", o.kernel, klen,
                o.ramdisk ? o.ramdisk : "none", rd_len, o.cmdline);
    if (!rc && (rc = ctrl_open(&h)))
        xt_fail("open", "/dev/xen/privcmd: %s", ctrl_strerror(rc));
    if (!rc) {
        unsigned int good = 0;
        for (cycle = 1; cycle <= o.cycles; cycle++) {
            run_cycle(&o, kernel, klen, rd, rd_len);
            good += cycle_failures == 0;
            if (cycle > 1 && cycle_failures == 0) {
                char name[32];
                snprintf(name, sizeof(name), "cycle%u", cycle);
                xt_pass(name, "built, booted to init, powered off, destroyed; free pages restored");
            }
        }
        cycle = 0;
        if (o.cycles > 1) {
            if (good == o.cycles)
                xt_pass("cycles", "%u of %u", good, o.cycles);
            else
                xt_fail("cycles", "%u of %u cycles passed", good, o.cycles);
        }
        ctrl_close(h);
    }
    free(kernel);
    free(rd);
    printf("domu-linux-test: done: %d passed, %d failed\n", xt_passed(), xt_failed());
    return xt_failed() ? 1 : 0;
}

/*
 * xenstored: domains. The core's hooks on Linux's Xen devices, as C
 * xenstored 4.17 does it (xenstored_domain.c, xenstored_posix.c):
 *
 * - dom0's ring is the page of /proc/xen/xsd_kva (mmap, one page), its port
 *   the one dom0's kernel allocated for DOMID_SELF (/proc/xen/xsd_port,
 *   xenbus "local" mode); dom0 is introduced like any domain: bound with
 *   IOCTL_EVTCHN_BIND_INTERDOMAIN (remote domain 0, that port), marked
 *   connected and notified. The kernel's xenbus thread waits for that first
 *   event, then probes; requests it queued before sit in the ring and are
 *   served at once.
 * - Another domain's ring (XS_INTRODUCE domid|gfn|port|): grant reference 1
 *   (GNTTAB_RESERVED_XENSTORE) of the domain through /dev/xen/gntdev, as Xen
 *   4.17; when the toolstack did not seed that grant, a foreign mapping of
 *   the gfn through privcmd (libctrl). RELEASE unmaps and unbinds.
 * - VIRQ_DOM_EXC (IOCTL_EVTCHN_BIND_VIRQ) makes the daemon look at every
 *   introduced domain with getdomaininfo: shut down or crashed -> the core
 *   fires @releaseDomain; dying or gone -> released. The domains are also
 *   looked at once a second while any domU is introduced, because a domain
 *   whose ring the daemon maps is kept from being destroyed, and the
 *   hypervisor sends VIRQ_DOM_EXC only once it is (see README.md).
 * - Every round of the main loop serves every ring (xs_ring_read_req /
 *   xs_ring_write_rsp): replies and watch events caused by other
 *   connections go out without waiting for the domain's own event.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/xs_wire.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>

#include "daemon.h"
#include "libctrl.h"
#include "ring.h"
#include "wire.h"

#define XSD_CHECK_MS 1000              /* the periodic look at introduced domUs */
#define XSD_PAGE     4096

enum map_kind { MAP_KVA, MAP_GRANT, MAP_FOREIGN };

struct dom {
    struct dom *next;
    uint16_t domid;
    enum map_kind kind;
    void *ring;
    uint64_t grant_index;              /* gntdev offset (MAP_GRANT) */
    uint32_t port;                     /* local port, 0 when unbound */
    bool broken;                       /* ring not served any more (corrupt, protocol) */
    char name[16];
    struct xsd_tap tin, tout;
};

static struct dom *doms;
static int evtchn_fd = -1, gntdev_fd = -1;
static ctrl_handle *ctrl;
static uint32_t virq_port;
static bool check_due;
static long long next_check;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct dom *dom_find(uint16_t domid)
{
    struct dom *d = doms;

    while (d && d->domid != domid)
        d = d->next;
    return d;
}

static void dom_free(struct dom *d)
{
    struct dom **p = &doms;

    while (*p != d)
        p = &(*p)->next;
    *p = d->next;
    free(d);
}

/* --- the hooks -------------------------------------------------------------------------- */

static int map_kva(void **ring)
{
    int fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
    void *p;

    if (fd < 0)
        return errno;
    p = mmap(NULL, XSD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return errno;
    *ring = p;
    return 0;
}

/* Grant reference 1 of domid through gntdev: 0 or an errno. */
static int map_grant(uint16_t domid, void **ring, uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref m = { .count = 1 };
    struct ioctl_gntdev_unmap_grant_ref u = { .count = 1 };
    void *p;
    int e;

    if (gntdev_fd < 0) {
        gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
        if (gntdev_fd < 0)
            return errno;
    }
    m.refs[0].domid = domid;
    m.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
    if (ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0)
        return errno;
    p = mmap(NULL, XSD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev_fd, (off_t)m.index);
    if (p == MAP_FAILED) {
        e = errno;
        u.index = m.index;
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        return e;
    }
    *ring = p;
    *index = m.index;
    return 0;
}

static int hook_map_ring(void *ctx, uint16_t domid, uint64_t gfn, void **ring)
{
    struct dom *d = calloc(1, sizeof(*d));
    int rc;

    (void)ctx;
    if (!d)
        return ENOMEM;
    d->domid = domid;
    snprintf(d->name, sizeof(d->name), domid ? "d%u" : "dom0", domid);
    if (domid == 0) {
        rc = map_kva(&d->ring);
        d->kind = MAP_KVA;
        if (rc)
            xsd_log(XSD_ERR, "dom0: mapping /proc/xen/xsd_kva: %s", strerror(rc));
    } else {
        rc = map_grant(domid, &d->ring, &d->grant_index);
        d->kind = MAP_GRANT;
        if (rc) {
            int frc;
            xsd_log(XSD_INFO, "d%u: grant ref %u: %s; mapping gfn 0x%llx instead", domid,
                    GNTTAB_RESERVED_XENSTORE, strerror(rc), (unsigned long long)gfn);
            frc = ctrl ? ctrl_map_foreign_range(ctrl, domid, gfn, 1, PROT_READ | PROT_WRITE,
                                                &d->ring) : -ENODEV;
            d->kind = MAP_FOREIGN;
            rc = frc < 0 ? -frc : 0;
            if (rc)
                xsd_log(XSD_WARN, "d%u: cannot map its store ring: grant ref 1 and gfn 0x%llx: %s",
                        domid, (unsigned long long)gfn, ctrl ? ctrl_last_error(ctrl) : "no privcmd");
        }
    }
    if (rc) {
        free(d);
        return rc == ENOENT || rc == ESRCH || rc == EFAULT || rc == EPERM ? EINVAL : rc;
    }
    d->next = doms;
    doms = d;
    *ring = d->ring;
    xsd_log(XSD_INFO, "%s: ring mapped (%s)", d->name,
            d->kind == MAP_KVA ? "/proc/xen/xsd_kva" : d->kind == MAP_GRANT ? "grant ref 1" :
            "foreign mapping");
    return 0;
}

static void hook_unmap_ring(void *ctx, uint16_t domid, void *ring)
{
    struct dom *d = dom_find(domid);

    (void)ctx;
    if (!d || d->ring != ring)
        return;
    switch (d->kind) {
    case MAP_KVA:
        munmap(ring, XSD_PAGE);
        break;
    case MAP_GRANT: {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = d->grant_index, .count = 1 };
        munmap(ring, XSD_PAGE);
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        break;
    }
    case MAP_FOREIGN:
        ctrl_unmap_foreign(ctrl, ring, 1);
        break;
    }
    xsd_log(XSD_INFO, "%s: ring unmapped", d->name);
    dom_free(d);
}

static int hook_bind_port(void *ctx, uint16_t domid, uint32_t remote_port)
{
    struct ioctl_evtchn_bind_interdomain b = { .remote_domain = domid, .remote_port = remote_port };
    struct dom *d = dom_find(domid);
    int port;

    (void)ctx;
    port = ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
    if (port < 0) {
        int e = errno;
        xsd_log(XSD_WARN, "%s%u: binding its port %u: %s", domid ? "d" : "dom", domid, remote_port,
                strerror(e));
        return -(e == ENOENT || e == ESRCH ? EINVAL : e);
    }
    if (d)
        d->port = (uint32_t)port;
    xsd_log(XSD_INFO, "%s%u: port %u bound to local port %d", domid ? "d" : "dom", domid, remote_port,
            port);
    return port;
}

static void hook_unbind_port(void *ctx, uint32_t local_port)
{
    struct ioctl_evtchn_unbind u = { .port = local_port };

    (void)ctx;
    if (ioctl(evtchn_fd, IOCTL_EVTCHN_UNBIND, &u) < 0)
        xsd_log(XSD_WARN, "unbinding local port %u: %s", local_port, strerror(errno));
    for (struct dom *d = doms; d; d = d->next)
        if (d->port == local_port)
            d->port = 0;
}

static void hook_notify(void *ctx, uint32_t local_port)
{
    struct ioctl_evtchn_notify n = { .port = local_port };

    (void)ctx;
    if (local_port && ioctl(evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0)
        xsd_log(XSD_DEBUG, "notify local port %u: %s", local_port, strerror(errno));
}

static bool hook_domain_exists(void *ctx, uint16_t domid)
{
    struct xen_domctl_getdomaininfo info;

    (void)ctx;
    return ctrl_domain_getinfo(ctrl, domid, &info) == 0 && !(info.flags & XEN_DOMINF_dying);
}

int xsd_xen_open(struct xs_hooks *hooks)
{
    int rc;

    evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (evtchn_fd < 0) {
        rc = -errno;
        xsd_log(XSD_ERR, "cannot open /dev/xen/evtchn: %s (not dom0 on Xen, or xen-evtchn not loaded)",
                strerror(-rc));
        return rc;
    }
    rc = ctrl_open(&ctrl);
    if (rc < 0) {
        xsd_log(XSD_ERR, "cannot open /dev/xen/privcmd: %s", strerror(-rc));
        close(evtchn_fd);
        evtchn_fd = -1;
        return rc;
    }
    hooks->map_ring = hook_map_ring;
    hooks->unmap_ring = hook_unmap_ring;
    hooks->bind_port = hook_bind_port;
    hooks->unbind_port = hook_unbind_port;
    hooks->notify = hook_notify;
    hooks->domain_exists = hook_domain_exists;
    return 0;
}

int xsd_xen_dom0_init(void)
{
    struct ioctl_evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };
    char buf[32] = "";
    unsigned long port;
    char *end;
    int fd, rc;
    ssize_t n;

    fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        xsd_log(XSD_ERR, "cannot open /proc/xen/xsd_port: %s (is xenfs mounted on /proc/xen?)",
                strerror(-rc));
        return rc;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    port = n > 0 ? strtoul(buf, &end, 10) : 0;
    if (n <= 0 || port == 0 || port > UINT32_MAX) {
        xsd_log(XSD_ERR, "/proc/xen/xsd_port: no port (\"%s\")", buf);
        return -EINVAL;
    }
    rc = xs_introduce(xsd_store, 0, 0, (uint32_t)port);
    if (rc) {
        xsd_log(XSD_ERR, "dom0: introducing its ring (port %lu): %s", port, strerror(rc));
        return -rc;
    }
    rc = ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_VIRQ, &bv);
    if (rc < 0) {
        rc = -errno;
        xsd_log(XSD_ERR, "binding VIRQ_DOM_EXC: %s", strerror(-rc));
        return rc;
    }
    virq_port = (uint32_t)rc;
    xsd_log(XSD_INFO, "VIRQ_DOM_EXC on local port %u", virq_port);
    return 0;
}

int xsd_xen_fd(void)
{
    return evtchn_fd;
}

void xsd_xen_handle_events(void)
{
    uint32_t ports[64];
    ssize_t n;

    if (evtchn_fd < 0)
        return;
    while ((n = read(evtchn_fd, ports, sizeof(ports))) > 0) {
        for (size_t i = 0; i < (size_t)n / sizeof(ports[0]); i++)
            if (virq_port && ports[i] == virq_port)
                check_due = true;
        /* unmask them: a later event fires again; the rings are served below */
        if (write(evtchn_fd, ports, (size_t)n) != n)
            xsd_log(XSD_WARN, "unmasking ports: %s", strerror(errno));
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR)
        xsd_log(XSD_WARN, "reading /dev/xen/evtchn: %s", strerror(errno));
}

/* --- serving the rings ------------------------------------------------------------------ */

static void ring_error(struct xenstore_domain_interface *intf, uint32_t err)
{
    *(volatile uint32_t *)&intf->error = err;
}

/*
 * xs_ring_pump (ring.c) with the trace taps: requests in while the
 * connection takes them, replies and events out while they fit. -1 when the
 * ring is corrupt or the connection broke the protocol (error field set).
 */
static int pump(struct dom *d, struct xs_conn *c, struct xenstore_domain_interface *intf,
                bool *notify)
{
    char buf[XENSTORE_RING_SIZE];
    bool progress = true;

    *notify = false;
    while (progress) {
        const void *out;
        size_t want, len;
        int n;

        progress = false;
        while ((want = xs_conn_want(c)) > 0) {
            n = xs_ring_read_req(intf, buf, want < sizeof(buf) ? want : sizeof(buf));
            if (n < 0) {
                ring_error(intf, XENSTORE_ERROR_RINGIDX);
                return -1;
            }
            if (n == 0)
                break;
            xsd_tap(&d->tin, "IN", d->name, buf, (size_t)n);
            xs_conn_feed(c, buf, (size_t)n);
            progress = *notify = true;
        }
        if (xs_conn_dead(c)) {
            ring_error(intf, XENSTORE_ERROR_PROTO);
            return -1;
        }
        while ((out = xs_conn_output(c, &len)) != NULL) {
            n = xs_ring_write_rsp(intf, out, len);
            if (n < 0) {
                ring_error(intf, XENSTORE_ERROR_RINGIDX);
                return -1;
            }
            if (n == 0)
                break;
            xsd_tap(&d->tout, "OUT", d->name, out, (size_t)n);
            xs_conn_output_done(c, (size_t)n);
            progress = *notify = true;
        }
    }
    return 0;
}

/* Xen's check_domains: what getdomaininfo says about each introduced domU. */
static void check_domains(void)
{
    uint16_t ids[256];
    size_t n = 0;

    for (struct dom *d = doms; d && n < sizeof(ids) / sizeof(ids[0]); d = d->next)
        if (d->domid)
            ids[n++] = d->domid;
    for (size_t i = 0; i < n; i++) {
        struct xen_domctl_getdomaininfo info;
        enum xs_dom_state st;
        int rc;

        if (!xs_is_introduced(xsd_store, ids[i]))
            continue;
        rc = ctrl_domain_getinfo(ctrl, ids[i], &info);
        if (rc == -ESRCH)
            st = XS_DOM_DYING;
        else if (rc < 0)
            continue;
        else if (info.flags & XEN_DOMINF_dying)
            st = XS_DOM_DYING;
        else if (info.flags & XEN_DOMINF_shutdown)
            st = XS_DOM_SHUTDOWN;
        else
            st = XS_DOM_RUNNING;
        if (st != XS_DOM_RUNNING)
            xsd_log(XSD_INFO, "d%u: %s", ids[i], st == XS_DOM_DYING ? (rc ? "gone" : "dying") :
                    "shut down");
        xs_domain_update(xsd_store, ids[i], st);
    }
}

int xsd_xen_service(void)
{
    uint16_t ids[256];
    size_t n = 0;
    bool domu = false;
    long long now = now_ms();

    if (!xsd_store)
        return -1;
    for (struct dom *d = doms; d; d = d->next)
        domu |= d->domid != 0;
    if (ctrl && (check_due || (domu && now >= next_check))) {
        check_due = false;
        check_domains();
        next_check = now + XSD_CHECK_MS;
    }
    /* By domid: serving one ring may release another domain (XS_RELEASE). */
    for (struct dom *d = doms; d && n < sizeof(ids) / sizeof(ids[0]); d = d->next)
        ids[n++] = d->domid;
    domu = false;
    for (size_t i = 0; i < n; i++) {
        struct dom *d = dom_find(ids[i]);
        struct xs_conn *c;
        void *ring;
        uint32_t port;
        bool notify;

        if (!d)
            continue;
        domu |= d->domid != 0;
        if (d->broken)
            continue;
        c = xs_domain_conn(xsd_store, d->domid, &ring, &port);
        if (!c || !ring)
            continue;
        if (pump(d, c, ring, &notify) < 0) {
            d->broken = true;
            xsd_log(XSD_WARN, "%s: %s: not served any more", d->name,
                    xs_conn_dead(c) ? "protocol error (a message longer than 4096 bytes)" :
                    "corrupt ring indices");
            notify = true;
        }
        if (notify)
            hook_notify(NULL, port);
    }
    if (!domu || !ctrl)
        return -1;
    return next_check > now ? (int)(next_check - now) : 0;
}

void xsd_xen_close(void)
{
    /* the rings were unmapped with the store (xs_store_free); the ports go with the fd */
    if (evtchn_fd >= 0)
        close(evtchn_fd);
    if (gntdev_fd >= 0)
        close(gntdev_fd);
    ctrl_close(ctrl);
    evtchn_fd = gntdev_fd = -1;
    ctrl = NULL;
}

void xsd_xen_dump(void)
{
    for (struct dom *d = doms; d; d = d->next) {
        const struct xenstore_domain_interface *i = d->ring;
        xsd_log(XSD_NOTE, "dump: %s: %s, local port %u%s; req %u/%u rsp %u/%u connection %u error %u",
                d->name, d->kind == MAP_KVA ? "xsd_kva" : d->kind == MAP_GRANT ? "grant" : "foreign",
                d->port, d->broken ? ", not served (error)" : "", i->req_cons, i->req_prod,
                i->rsp_cons, i->rsp_prod, i->connection, i->error);
    }
    if (virq_port)
        xsd_log(XSD_NOTE, "dump: VIRQ_DOM_EXC on local port %u", virq_port);
}

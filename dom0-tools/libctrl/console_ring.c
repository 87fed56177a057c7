/* libctrl: a domU's console ring read from dom0 (console_ring.h). */
#include "console_ring.h"
#include "ctrl_private.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/console.h>
#include <xen/sys/evtchn.h>

int ctrl_console_attach(ctrl_handle *h, uint32_t domid, uint64_t gfn, int remote_port,
                        struct ctrl_console *c)
{
    void *p;
    memset(c, 0, sizeof(*c));
    c->h = h;
    c->domid = domid;
    c->local_port = -1;
    int rc = ctrl_map_foreign_range(h, domid, gfn, 1, PROT_READ | PROT_WRITE, &p);
    if (rc)
        return rc;
    c->ring = p;
    int fd = remote_port >= 0 ? ctrl_evtchn_fd(h) : -1;
    if (fd >= 0) {
        struct ioctl_evtchn_bind_interdomain b = { .remote_domain = domid,
                                                   .remote_port = (unsigned int)remote_port };
        int port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
        if (port < 0) {
            rc = ctrl_fail(h, -errno, "console of d%u: binding to its port %d", domid, remote_port);
            ctrl_unmap_foreign(h, c->ring, 1);
            c->ring = NULL;
            return rc;
        }
        c->local_port = port;
    }
    return 0;
}

ssize_t ctrl_console_read(struct ctrl_console *c, char *buf, size_t len)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
    XENCONS_RING_IDX prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    size_t n = 0;

    if ((XENCONS_RING_IDX)(prod - cons) > sizeof(r->out)) {
        /* The guest's indexes make no sense: take what it says it wrote last. */
        __atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
        return ctrl_fail(c->h, -EIO, "console of d%u: out_cons %u, out_prod %u", c->domid, cons, prod);
    }
    while (cons != prod && n < len)
        buf[n++] = r->out[MASK_XENCONS_IDX(cons++, r->out)];
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    if (n && c->local_port >= 0) {
        struct ioctl_evtchn_notify no = { .port = (unsigned int)c->local_port };
        ioctl(ctrl_evtchn_fd(c->h), IOCTL_EVTCHN_NOTIFY, &no);
    }
    c->bytes += n;
    return (ssize_t)n;
}

int ctrl_console_wait(struct ctrl_console *c, int timeout_ms)
{
    if (c->local_port < 0) {
        struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        return 0;
    }
    int fd = ctrl_evtchn_fd(c->h);
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc < 0)
        return errno == EINTR ? 0 : -errno;
    if (rc == 0)
        return 0;
    uint32_t ports[16];
    ssize_t n = read(fd, ports, sizeof(ports));
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -errno;
    /* Each delivered port stays masked until written back. */
    for (ssize_t i = 0; i < n / (ssize_t)sizeof(uint32_t); i++)
        if (write(fd, &ports[i], sizeof(ports[i])) != sizeof(ports[i]))
            return -errno;
    return 1;
}

int ctrl_console_detach(struct ctrl_console *c)
{
    int rc = 0;
    if (c->local_port >= 0) {
        struct ioctl_evtchn_unbind u = { .port = (unsigned int)c->local_port };
        if (ioctl(ctrl_evtchn_fd(c->h), IOCTL_EVTCHN_UNBIND, &u) < 0)
            rc = ctrl_fail(c->h, -errno, "console of d%u: unbinding port %d", c->domid, c->local_port);
        c->local_port = -1;
    }
    if (c->ring) {
        int r2 = ctrl_unmap_foreign(c->h, c->ring, 1);
        rc = rc ? rc : r2;
        c->ring = NULL;
    }
    return rc;
}

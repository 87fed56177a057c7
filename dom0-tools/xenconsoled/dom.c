/*
 * xenconsoled: one domain's console (daemon.h). The guest never waits on
 * us: every round drains its output ring into the replay buffer (and the
 * guest log) whether or not anyone is attached; only an attached client's
 * position decides what goes into the pty master, so an unread pty never
 * holds the guest back either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/io/console.h>
#include <xen/sys/evtchn.h>

#include "daemon.h"
#include "ring.h"

struct xc_dom *xc_doms;
bool xc_busy;

struct xc_dom *xc_dom_find(uint32_t domid)
{
    for (struct xc_dom *d = xc_doms; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

static void notify(struct xc_dom *d)
{
    struct ioctl_evtchn_notify no = { .port = (unsigned int)d->con.local_port };

    if (d->con.local_port >= 0)
        ioctl(ctrl_evtchn_fd(xc_ctrl), IOCTL_EVTCHN_NOTIFY, &no);
}

/* A pty in raw mode whose slave we keep open; master non-blocking. */
static int open_pty(struct xc_dom *d)
{
    struct termios t;
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (m < 0)
        return -errno;
    if (grantpt(m) || unlockpt(m) || ptsname_r(m, d->tty, sizeof(d->tty))) {
        int e = errno ? errno : EIO;
        close(m);
        return -e;
    }
    int s = open(d->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        int e = errno;
        close(m);
        return -e;
    }
    if (tcgetattr(s, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(s, TCSANOW, &t);
    }
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    d->master_fd = m;
    d->slave_fd = s;
    return 0;
}

static void open_guest_log(struct xc_dom *d)
{
    char path[4096];

    if (xc_opt.log == XC_LOG_NONE)
        return;
    snprintf(path, sizeof(path), "%s/guest-%s.log", xc_opt.log_dir, d->name);
    d->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (d->log_fd < 0)
        xc_log(XC_WARN, "d%u: guest log %s: %s", d->domid, path, strerror(errno));
}

int xc_dom_start(struct xc_dom *d, uint64_t gfn, uint32_t port)
{
    int rc;

    d->master_fd = d->slave_fd = d->log_fd = -1;
    d->inlen = 0;
    rc = xc_replay_init(&d->replay, xc_opt.buffer_size);
    if (rc)
        return rc;
    rc = ctrl_console_attach(xc_ctrl, d->domid, gfn, (int)port, &d->con);
    if (rc) {
        xc_log(XC_WARN, "d%u: console ring gfn %#llx port %u: %s", d->domid, (unsigned long long)gfn,
               port, ctrl_last_error(xc_ctrl));
        xc_replay_free(&d->replay);
        return rc;
    }
    if (d->con.local_port < 0) {
        /* without a bound port the guest's notifications would be lost: not a console */
        ctrl_console_detach(&d->con);
        xc_replay_free(&d->replay);
        return -ENODEV;
    }
    rc = open_pty(d);
    if (rc) {
        xc_log(XC_ERR, "d%u: pty: %s", d->domid, strerror(-rc));
        ctrl_console_detach(&d->con);
        xc_replay_free(&d->replay);
        return rc;
    }
    open_guest_log(d);
    d->live = true;
    xc_log(XC_INFO, "d%u (%s): ring gfn %#llx, port %u -> dom0 port %d, %s", d->domid, d->name,
           (unsigned long long)gfn, port, d->con.local_port, d->tty);
    /* what the guest wrote before we bound its port, and an event it may wait for */
    xc_dom_service(d);
    notify(d);
    return 0;
}

void xc_dom_drop(struct xc_dom *d, const char *why)
{
    struct xc_dom **pp = &xc_doms;

    if (d->live) {
        xc_log(XC_INFO, "d%u: console closed (%s): %llu bytes, %llu resyncs", d->domid, why,
               (unsigned long long)d->replay.total, (unsigned long long)d->resyncs);
        xc_control_dom_gone(d);
        int rc = ctrl_console_detach(&d->con);
        if (rc)
            xc_log(XC_WARN, "d%u: %s", d->domid, ctrl_last_error(xc_ctrl));
        close(d->master_fd);
        close(d->slave_fd);
        if (d->log_fd >= 0)
            close(d->log_fd);
        xc_replay_free(&d->replay);
    }
    while (*pp && *pp != d)
        pp = &(*pp)->next;
    if (*pp)
        *pp = d->next;
    free(d);
}

static void guest_log(struct xc_dom *d, const char *buf, size_t n)
{
    if (d->log_fd < 0)
        return;
    while (n) {
        ssize_t w = write(d->log_fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            /* a full disk must not stop the console: stop logging this guest */
            xc_log(XC_WARN, "d%u: guest log: %s; no more logging", d->domid, strerror(errno));
            close(d->log_fd);
            d->log_fd = -1;
            return;
        }
        buf += w;
        n -= (size_t)w;
    }
}

/* Replay buffer -> pty master, from the client's position, while the pty takes it. */
static void client_output(struct xc_dom *d)
{
    while (d->client) {
        const char *p;
        size_t len;
        uint64_t skipped;
        xc_replay_peek(&d->replay, &d->client_pos, &p, &len, &skipped);
        d->dropped += skipped;
        if (!len)
            return;
        ssize_t w = write(d->master_fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;             /* EAGAIN: POLLOUT; other errors: the client hears of it */
        d->client_pos += (uint64_t)w;
    }
}

static void guest_output(struct xc_dom *d)
{
    char buf[sizeof(((struct xencons_interface *)0)->out)];
    bool took = false;

    /* a few ring-fulls a round: a flooding guest gets its turn, not every turn */
    for (int i = 0; i < 4; i++) {
        ssize_t n = xc_ring_read(d->con.ring, buf, sizeof(buf));
        if (n == -EIO) {
            if (d->resyncs++ < 10)
                xc_log(XC_WARN, "d%u: impossible output ring indexes: resynchronised", d->domid);
            took = true;
            continue;
        }
        if (n <= 0)
            break;
        took = true;
        if (i == 3)
            xc_busy = true;             /* perhaps more: poll() must not sleep */
        xc_replay_add(&d->replay, buf, (size_t)n);
        guest_log(d, buf, (size_t)n);
    }
    if (took)
        notify(d);
}

static void guest_input(struct xc_dom *d)
{
    if (!d->inlen)
        return;
    ssize_t n = xc_ring_write(d->con.ring, d->inbuf, d->inlen);
    if (n == -EIO) {
        if (d->resyncs++ < 10)
            xc_log(XC_WARN, "d%u: impossible input ring indexes: resynchronised", d->domid);
        n = xc_ring_write(d->con.ring, d->inbuf, d->inlen);
    }
    if (n > 0) {
        memmove(d->inbuf, d->inbuf + n, d->inlen - (size_t)n);
        d->inlen -= (size_t)n;
        notify(d);
    }
}

void xc_dom_service(struct xc_dom *d)
{
    if (!d->live)
        return;
    /* first: our output notification makes the guest read its input indexes too */
    if (xc_ring_in_space(d->con.ring) == -EIO && d->resyncs++ < 10)
        xc_log(XC_WARN, "d%u: impossible input ring indexes: resynchronised", d->domid);
    guest_output(d);
    guest_input(d);
    client_output(d);
}

size_t xc_dom_pollfds(struct pollfd *p, size_t max)
{
    size_t n = 0;

    for (struct xc_dom *d = xc_doms; d && n < max; d = d->next) {
        if (!d->live)
            continue;
        short ev = 0;
        if (d->inlen < sizeof(d->inbuf))
            ev |= POLLIN;
        if (d->client && d->client_pos < d->replay.total)
            ev |= POLLOUT;
        p[n++] = (struct pollfd){ .fd = d->master_fd, .events = ev };
    }
    return n;
}

void xc_dom_handle(const struct pollfd *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!p[i].revents)
            continue;
        for (struct xc_dom *d = xc_doms; d; d = d->next) {
            if (!d->live || d->master_fd != p[i].fd)
                continue;
            if (p[i].revents & POLLIN) {
                ssize_t r = read(d->master_fd, d->inbuf + d->inlen, sizeof(d->inbuf) - d->inlen);
                if (r > 0)
                    d->inlen += (size_t)r;
            }
            xc_dom_service(d);
            break;
        }
    }
}

void xc_dom_events(void)
{
    int fd = ctrl_evtchn_fd(xc_ctrl);
    uint32_t ports[64];
    ssize_t n = read(fd, ports, sizeof(ports));

    /* each port stays masked until written back; the rings are all drained every round */
    for (ssize_t i = 0; i < n / (ssize_t)sizeof(ports[0]); i++)
        if (write(fd, &ports[i], sizeof(ports[i])) != sizeof(ports[i]))
            xc_log(XC_WARN, "unmasking port %u: %s", ports[i], strerror(errno));
}

void xc_dom_attach(struct xc_dom *d, struct xc_client *c)
{
    /* what a previous client left unread must not reach the new one twice */
    tcflush(d->slave_fd, TCIFLUSH);
    d->client = c;
    d->client_pos = xc_replay_start(&d->replay);
    client_output(d);
}

void xc_dom_detach(struct xc_dom *d)
{
    d->client = NULL;
    tcflush(d->slave_fd, TCIFLUSH);
}

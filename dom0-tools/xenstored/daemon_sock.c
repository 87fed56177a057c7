/*
 * xenstored: the Unix socket. Every client is a privileged dom0 connection
 * (as in C xenstored 4.17, whose socket is dom0's). Non-blocking: a client
 * that sends a header announcing more than XENSTORE_PAYLOAD_MAX bytes (the
 * core kills such a connection) is closed; one that does not take its
 * replies is not read from until it does, and is dropped when its output has
 * not moved for XSD_STALL_MS while more is queued; nobody else waits for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "wire.h"

#define XSD_MAX_LISTEN  4
#define XSD_MAX_CLIENTS 1024
#define XSD_STALL_MS    60000          /* a client whose output does not move */
#define XSD_READ_CHUNK  4096           /* bytes read from a client per poll round */

struct listener {
    int fd;
    char *path;
    long long paused_until;            /* accept() failed for want of fds */
};

struct client {
    struct client *next;
    int fd;
    struct xs_conn *conn;
    char name[40];
    long long stalled_since;           /* output pending and not moving: since when (0: no) */
    bool closing;
    struct xsd_tap tin, tout;
};

static struct listener listeners[XSD_MAX_LISTEN];
static size_t nlisteners;
static struct client *clients;
static size_t nclients;
static unsigned long next_client_id = 1;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* mkdir -p of path's directory */
static int make_parent(const char *path)
{
    char *d = strdup(path), *p;
    int rc = 0;

    if (!d)
        return -ENOMEM;
    for (p = d + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(d, 0755) < 0 && errno != EEXIST) {
            rc = -errno;
            break;
        }
        *p = '/';
    }
    free(d);
    return rc;
}

int xsd_sock_listen(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd, rc;

    if (nlisteners == XSD_MAX_LISTEN)
        return -ENOSPC;
    if (strlen(path) >= sizeof(a.sun_path))
        return -ENAMETOOLONG;
    strcpy(a.sun_path, path);
    rc = make_parent(path);
    if (rc)
        return rc;
    /* A socket file left behind by a daemon that died is replaced; one a
     * live daemon answers on is not. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
        close(fd);
        return -EADDRINUSE;
    }
    close(fd);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(path, 0600) < 0 ||
        listen(fd, 128) < 0) {
        rc = -errno;
        close(fd);
        unlink(path);
        return rc;
    }
    listeners[nlisteners].fd = fd;
    listeners[nlisteners].path = strdup(path);
    listeners[nlisteners].paused_until = 0;
    nlisteners++;
    xsd_log(XSD_INFO, "listening on %s", path);
    return 0;
}

static void client_free(struct client *c)
{
    struct client **p;

    for (p = &clients; *p && *p != c; p = &(*p)->next)
        ;
    if (*p)
        *p = c->next;
    xsd_trace_note("CLOSE", c->name, NULL);
    xs_conn_free(c->conn);
    close(c->fd);
    free(c);
    nclients--;
}

void xsd_sock_close_all(void)
{
    while (clients)
        client_free(clients);
    for (size_t i = 0; i < nlisteners; i++) {
        close(listeners[i].fd);
        unlink(listeners[i].path);
        free(listeners[i].path);
    }
    nlisteners = 0;
}

size_t xsd_sock_count(void)
{
    return nclients;
}

static void accept_clients(struct listener *l)
{
    for (;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct client *c;

        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
                xsd_log(XSD_WARN, "accept on %s: %s; not accepting for a second", l->path,
                        strerror(errno));
                l->paused_until = now_ms() + 1000;
            }
            return;         /* EAGAIN: no more */
        }
        if (nclients >= XSD_MAX_CLIENTS) {
            xsd_log(XSD_WARN, "%zu clients: refusing another", nclients);
            close(fd);
            continue;
        }
        c = calloc(1, sizeof(*c));
        if (!c || !(c->conn = xs_conn_new(xsd_store, 0))) {
            xsd_log(XSD_ERR, "out of memory for a client");
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        snprintf(c->name, sizeof(c->name), "sock%lu", next_client_id++);
        {
            struct ucred cr;
            socklen_t len = sizeof(cr);
            if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0)
                xsd_trace_note("CONNECT", c->name, "pid %d uid %u", (int)cr.pid, cr.uid);
            else
                xsd_trace_note("CONNECT", c->name, NULL);
        }
        c->next = clients;
        clients = c;
        nclients++;
        xsd_log(XSD_DEBUG, "%s: connected", c->name);
    }
}

/* Write what c has queued; false when the connection failed. */
static bool flush_client(struct client *c)
{
    const void *out;
    size_t len;
    bool moved = false;

    while ((out = xs_conn_output(c->conn, &len)) != NULL) {
        ssize_t n = send(c->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            xsd_log(XSD_DEBUG, "%s: write: %s", c->name, strerror(errno));
            return false;
        }
        xsd_tap(&c->tout, "OUT", c->name, out, (size_t)n);
        xs_conn_output_done(c->conn, (size_t)n);
        moved = true;
        if ((size_t)n < len)
            break;
    }
    if (!xs_conn_output(c->conn, &len))
        c->stalled_since = 0;
    else if (moved || !c->stalled_since)
        c->stalled_since = now_ms();
    return true;
}

/* Take what c sent; false when the connection is to go (EOF, error, protocol). */
static bool read_client(struct client *c)
{
    char buf[XSD_READ_CHUNK];
    ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
    size_t used;

    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0) {
        xsd_log(XSD_DEBUG, "%s: closed by the client", c->name);
        return false;
    }
    xsd_tap(&c->tin, "IN", c->name, buf, (size_t)n);
    used = xs_conn_feed(c->conn, buf, (size_t)n);
    if (xs_conn_dead(c->conn)) {
        xsd_log(XSD_WARN, "%s: protocol error (a message longer than %u bytes): closing it",
                c->name, 4096u);
        return false;
    }
    if (used < (size_t)n) {         /* a privileged connection always takes all */
        xsd_log(XSD_ERR, "%s: %zu bytes not taken: closing it", c->name, (size_t)n - used);
        return false;
    }
    return true;
}

size_t xsd_sock_pollfds(struct pollfd *p, size_t max)
{
    size_t n = 0;
    long long now = now_ms();

    for (size_t i = 0; i < nlisteners && n < max; i++, n++) {
        p[n].fd = listeners[i].paused_until > now ? -1 : listeners[i].fd;
        p[n].events = POLLIN;
        p[n].revents = 0;
    }
    for (struct client *c = clients; c && n < max; c = c->next, n++) {
        size_t len;
        bool pending = xs_conn_output(c->conn, &len) != NULL;
        p[n].fd = c->fd;
        /* a client with replies it has not taken is not read from (backpressure) */
        p[n].events = pending ? POLLOUT : POLLIN;
        p[n].revents = 0;
    }
    return n;
}

void xsd_sock_handle(const struct pollfd *p, size_t n)
{
    size_t i = 0;

    for (; i < nlisteners && i < n; i++)
        if (p[i].revents & POLLIN)
            accept_clients(&listeners[i]);
    /* the clients in pollfd order: match by descriptor (new ones are at the head) */
    for (; i < n; i++) {
        struct client *c;

        if (!p[i].revents)
            continue;
        for (c = clients; c && c->fd != p[i].fd; c = c->next)
            ;
        if (!c || c->closing)
            continue;
        if (p[i].revents & POLLIN) {
            if (!read_client(c))
                c->closing = true;
        } else if (p[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            c->closing = true;
        }
    }
}

int xsd_sock_flush(void)
{
    long long now = now_ms();
    int next = -1;

    for (struct client *c = clients, *nx; c; c = nx) {
        nx = c->next;
        if (!c->closing && !flush_client(c))
            c->closing = true;
        if (!c->closing && c->stalled_since && now - c->stalled_since >= XSD_STALL_MS) {
            xsd_log(XSD_WARN, "%s: has not taken its output for %d s: closing it", c->name,
                    XSD_STALL_MS / 1000);
            c->closing = true;
        }
        if (c->closing) {
            client_free(c);
            continue;
        }
        if (c->stalled_since) {
            long long left = c->stalled_since + XSD_STALL_MS - now;
            if (next < 0 || left < next)
                next = (int)(left < 0 ? 0 : left);
        }
    }
    for (size_t i = 0; i < nlisteners; i++) {
        if (listeners[i].paused_until > now) {
            long long left = listeners[i].paused_until - now;
            if (next < 0 || left < next)
                next = (int)left;
        }
    }
    return next;
}

void xsd_sock_dump(void)
{
    xsd_log(XSD_NOTE, "dump: %zu socket client(s) on %zu socket(s)", nclients, nlisteners);
    for (size_t i = 0; i < nlisteners; i++)
        xsd_log(XSD_NOTE, "dump:   listening on %s", listeners[i].path);
    for (struct client *c = clients; c; c = c->next) {
        size_t len;
        struct ucred cr = { 0 };
        socklen_t cl = sizeof(cr);
        getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl);
        xsd_log(XSD_NOTE, "dump:   %s: fd %d, pid %d, output %s", c->name, c->fd, (int)cr.pid,
                xs_conn_output(c->conn, &len) ? "pending" : "none");
    }
}

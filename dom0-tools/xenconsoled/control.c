/*
 * xenconsoled: the control socket (protocol in proto.h). Clients are
 * non-blocking; answers are short and written at once (a client that does
 * not read its answer loses it: the socket buffer holds far more than any
 * answer). An attached connection is only watched for its end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"

#define XC_MAX_CLIENTS 64

static int listen_fd = -1;
static char *listen_path;
static struct xc_client *clients;
static size_t nclients;

int xc_control_listen(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    char dir[sizeof(a.sun_path)];
    int fd, rc;

    if (strlen(path) >= sizeof(a.sun_path))
        return -ENAMETOOLONG;
    strcpy(a.sun_path, path);
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    /* a socket nobody answers on is a leftover of a daemon that died */
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
        close(fd);
        return -EADDRINUSE;
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    chmod(path, 0600);
    listen_fd = fd;
    listen_path = strdup(path);
    return 0;
}

static void client_free(struct xc_client *c)
{
    struct xc_client **pp = &clients;

    if (c->dom)
        xc_dom_detach(c->dom);
    close(c->fd);
    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    nclients--;
    free(c);
}

void xc_control_close_all(void)
{
    while (clients)
        client_free(clients);
    if (listen_fd >= 0) {
        close(listen_fd);
        unlink(listen_path);
    }
    listen_fd = -1;
    free(listen_path);
    listen_path = NULL;
}

size_t xc_control_pollfds(struct pollfd *p, size_t max)
{
    size_t n = 0;

    if (listen_fd >= 0 && n < max && nclients < XC_MAX_CLIENTS)
        p[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
    for (struct xc_client *c = clients; c && n < max; c = c->next)
        p[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
    return n;
}

static void say(struct xc_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct xc_client *c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    if (send(c->fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
        c->closing = true;
}

static void command(struct xc_client *c, const char *line, size_t len)
{
    struct xc_cmd cmd;
    const char *why;
    struct xc_dom *d;

    if (xc_proto_parse(line, len, &cmd, &why)) {
        say(c, "error %s\n", why);
        c->closing = true;
        return;
    }
    if (cmd.type == XC_CMD_LIST) {
        unsigned int n = 0;
        for (d = xc_doms; d; d = d->next) {
            if (!d->live)
                continue;
            say(c, "domain %u %s %llu %s\n", d->domid, d->tty, (unsigned long long)d->replay.total,
                d->client ? "attached" : "detached");
            n++;
        }
        say(c, "ok %u\n", n);
        return;
    }
    d = xc_dom_find(cmd.domid);
    if (!d || !d->live) {
        say(c, "error no such domain\n");
        c->closing = true;
        return;
    }
    if (cmd.type == XC_CMD_TTY) {
        say(c, "ok %s\n", d->tty);
        return;
    }
    if (d->client) {
        say(c, "error busy\n");
        c->closing = true;
        return;
    }
    say(c, "ok %s\n", d->tty);
    if (c->closing)
        return;
    c->dom = d;
    xc_log(XC_INFO, "d%u: client attached (%llu bytes to replay)", d->domid,
           (unsigned long long)d->replay.len);
    xc_dom_attach(d, c);
}

static void client_input(struct xc_client *c)
{
    char line[XC_LINE_MAX];

    if (c->dom) {
        /* attached: anything more is ignored; the end is the detach */
        char junk[512];
        ssize_t n = recv(c->fd, junk, sizeof(junk), 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            c->closing = true;
        return;
    }
    ssize_t n = recv(c->fd, c->lb.buf + c->lb.len, sizeof(c->lb.buf) - c->lb.len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        c->closing = true;
        return;
    }
    if (n > 0)
        c->lb.len += (size_t)n;
    while (!c->closing && !c->dom) {
        int len = xc_line_take(&c->lb, line, sizeof(line));
        if (len == -EAGAIN)
            break;
        if (len < 0) {
            say(c, "error line too long\n");
            c->closing = true;
            break;
        }
        command(c, line, (size_t)len);
    }
}

void xc_control_handle(const struct pollfd *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!p[i].revents)
            continue;
        if (p[i].fd == listen_fd) {
            int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            struct xc_client *c = fd >= 0 ? calloc(1, sizeof(*c)) : NULL;
            if (!c) {
                if (fd >= 0)
                    close(fd);
                continue;
            }
            c->fd = fd;
            c->next = clients;
            clients = c;
            nclients++;
            continue;
        }
        for (struct xc_client *c = clients; c; c = c->next)
            if (c->fd == p[i].fd) {
                client_input(c);
                break;
            }
    }
    for (struct xc_client *c = clients, *next; c; c = next) {
        next = c->next;
        if (c->closing) {
            if (c->dom)
                xc_log(XC_INFO, "d%u: client detached", c->dom->domid);
            client_free(c);
        }
    }
}

void xc_control_dom_gone(struct xc_dom *d)
{
    for (struct xc_client *c = clients, *next; c; c = next) {
        next = c->next;
        if (c->dom == d) {
            c->dom = NULL;          /* the domain's pty goes with it: no detach */
            d->client = NULL;
            client_free(c);
        }
    }
}

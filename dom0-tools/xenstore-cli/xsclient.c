/* xsclient: the xenstore wire protocol over a socket or /dev/xen/xenbus; see xsclient.h. */
#define _GNU_SOURCE
#include "xsclient.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

struct xsc_event {
    struct xsc_event *next;
    unsigned int len;
    char data[];             /* path NUL token NUL */
};

struct xsc {
    int fd;
    int timeout_ms;
    uint32_t next_req;
    char *path;
    /* buffered input */
    char in[8192];
    size_t in_off, in_len;
    /* queued watch events */
    struct xsc_event *ev, **ev_last;
};

int xsc_errno(const char *name)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (!strcmp(xsd_errors[i].errstring, name))
            return xsd_errors[i].errnum;
    return EINVAL;
}

/* --- connecting ------------------------------------------------------------------- */

static int connect_socket(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(a.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(a.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* A socket or a device, as Xen's get_handle(). */
static int connect_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return -1;
    if (S_ISSOCK(st.st_mode))
        return connect_socket(path);
    return open(path, O_RDWR | O_CLOEXEC);
}

struct xsc *xsc_open(const char *path, unsigned int flags)
{
    const char *cands[3];
    unsigned int n = 0;
    const char *env = getenv("XENSTORED_PATH");
    int fd = -1, err = ENOENT;
    struct xsc *h;

    if (path) {
        cands[n++] = path;
    } else if (env && *env) {
        cands[n++] = env;
    } else {
        cands[n++] = XSC_SOCKET_PATH;
        cands[n++] = XSC_SOCKET_PATH_LEGACY;
    }
    if (!path && !(flags & XSC_SOCKET_ONLY))
        cands[n++] = XSC_XENBUS_DEV;
    for (unsigned int i = 0; i < n && fd < 0; i++) {
        fd = connect_path(cands[i]);
        if (fd < 0) {
            if (i == 0)
                err = errno;        /* report the first (the expected) one */
            continue;
        }
        path = cands[i];
    }
    if (fd < 0) {
        errno = err;
        return NULL;
    }
    h = calloc(1, sizeof(*h));
    if (!h || !(h->path = strdup(path))) {
        free(h);
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    h->fd = fd;
    h->timeout_ms = -1;
    env = getenv("XENSTORE_TIMEOUT");
    if (env && atoi(env) > 0)
        h->timeout_ms = atoi(env) * 1000;
    h->next_req = 1;
    h->ev_last = &h->ev;
    return h;
}

void xsc_close(struct xsc *h)
{
    if (!h)
        return;
    while (h->ev) {
        struct xsc_event *e = h->ev;
        h->ev = e->next;
        free(e);
    }
    close(h->fd);
    free(h->path);
    free(h);
}

int xsc_fd(const struct xsc *h)
{
    return h->fd;
}

const char *xsc_path(const struct xsc *h)
{
    return h->path;
}

void xsc_set_timeout(struct xsc *h, int ms)
{
    h->timeout_ms = ms;
}

/* --- transport ---------------------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events, at most until deadline (-1: none). */
static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int t = -1, r;

        if (deadline >= 0) {
            long long left = deadline - now_ms();
            t = left < 0 ? 0 : (int)left;
        }
        r = poll(&p, 1, t);
        if (r > 0)
            return 0;
        if (r == 0)
            return -ETIMEDOUT;
        if (errno != EINTR)
            return -errno;
    }
}

static int write_all(struct xsc *h, const void *buf, size_t len, long long deadline)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(h->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                int rc = wait_fd(h->fd, POLLOUT, deadline);
                if (rc)
                    return rc;
                continue;
            }
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Exactly len bytes from the stream. */
static int read_exact(struct xsc *h, void *buf, size_t len, long long deadline)
{
    char *p = buf;

    while (len) {
        if (h->in_off < h->in_len) {
            size_t take = h->in_len - h->in_off < len ? h->in_len - h->in_off : len;
            memcpy(p, h->in + h->in_off, take);
            h->in_off += take;
            p += take;
            len -= take;
            continue;
        }
        if (deadline >= 0) {
            int rc = wait_fd(h->fd, POLLIN, deadline);
            if (rc)
                return rc;
        }
        ssize_t n = read(h->fd, h->in, sizeof(h->in));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -ECONNRESET;     /* the daemon closed the connection */
        h->in_off = 0;
        h->in_len = (size_t)n;
    }
    return 0;
}

/* One whole message: header and payload (NUL-terminated, malloc()ed). */
static int read_msg(struct xsc *h, struct xsd_sockmsg *hdr, char **body, long long deadline)
{
    int rc = read_exact(h, hdr, sizeof(*hdr), deadline);

    if (rc)
        return rc;
    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        return -EBADMSG;
    *body = malloc(hdr->len + 1);
    if (!*body)
        return -ENOMEM;
    rc = read_exact(h, *body, hdr->len, deadline);
    if (rc) {
        free(*body);
        *body = NULL;
        return rc;
    }
    (*body)[hdr->len] = '\0';
    return 0;
}

static int queue_event(struct xsc *h, const char *body, unsigned int len)
{
    struct xsc_event *e = malloc(sizeof(*e) + len + 2);

    if (!e)
        return -ENOMEM;
    e->next = NULL;
    e->len = len;
    memcpy(e->data, body, len);
    e->data[len] = e->data[len + 1] = '\0';
    *h->ev_last = e;
    h->ev_last = &e->next;
    return 0;
}

static long long deadline_of(const struct xsc *h, int timeout_ms)
{
    if (timeout_ms < 0)
        timeout_ms = h->timeout_ms;
    return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

int xsc_request(struct xsc *h, uint32_t type, uint32_t tx, const struct iovec *iov,
                unsigned int niov, char **reply, unsigned int *len)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = h->next_req++, .tx_id = tx };
    long long deadline = deadline_of(h, -1);
    char *msg, *body = NULL;
    size_t total = 0;
    int rc;

    if (reply)
        *reply = NULL;
    if (len)
        *len = 0;
    for (unsigned int i = 0; i < niov; i++)
        total += iov[i].iov_len;
    if (total > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    hdr.len = (uint32_t)total;
    /* one write: /dev/xen/xenbus wants whole messages */
    msg = malloc(sizeof(hdr) + total);
    if (!msg)
        return -ENOMEM;
    memcpy(msg, &hdr, sizeof(hdr));
    total = sizeof(hdr);
    for (unsigned int i = 0; i < niov; i++) {
        memcpy(msg + total, iov[i].iov_base, iov[i].iov_len);
        total += iov[i].iov_len;
    }
    rc = write_all(h, msg, total, deadline);
    free(msg);
    if (rc)
        return rc;
    for (;;) {
        struct xsd_sockmsg rh;

        rc = read_msg(h, &rh, &body, deadline);
        if (rc)
            return rc;
        if (rh.type == XS_WATCH_EVENT) {
            rc = queue_event(h, body, rh.len);
            free(body);
            if (rc)
                return rc;
            continue;
        }
        if (rh.type == XS_ERROR) {
            rc = -xsc_errno(body);
            free(body);
            return rc;
        }
        if (rh.type != type || rh.req_id != hdr.req_id) {
            free(body);
            return -EBADMSG;
        }
        if (len)
            *len = rh.len;
        if (reply)
            *reply = body;
        else
            free(body);
        return 0;
    }
}

/* --- operations ---------------------------------------------------------------------- */

static int one_path(struct xsc *h, uint32_t type, uint32_t tx, const char *path, char **reply,
                    unsigned int *len)
{
    struct iovec iov = { (void *)path, strlen(path) + 1 };

    return xsc_request(h, type, tx, &iov, 1, reply, len);
}

int xsc_read(struct xsc *h, uint32_t tx, const char *path, char **val, unsigned int *len)
{
    return one_path(h, XS_READ, tx, path, val, len);
}

int xsc_write(struct xsc *h, uint32_t tx, const char *path, const void *val, size_t len)
{
    struct iovec iov[2] = { { (void *)path, strlen(path) + 1 }, { (void *)val, len } };

    return xsc_request(h, XS_WRITE, tx, iov, 2, NULL, NULL);
}

int xsc_mkdir(struct xsc *h, uint32_t tx, const char *path)
{
    return one_path(h, XS_MKDIR, tx, path, NULL, NULL);
}

int xsc_rm(struct xsc *h, uint32_t tx, const char *path)
{
    return one_path(h, XS_RM, tx, path, NULL, NULL);
}

/* NUL-separated strings -> one block holding the pointer array and the strings. */
static int split(char *buf, unsigned int len, char ***out, unsigned int *n)
{
    unsigned int count = 0;
    char **v, *s;

    for (unsigned int i = 0; i < len; i++)
        if (buf[i] == '\0')
            count++;
    v = malloc((count + 1) * sizeof(*v) + len + 1);
    if (!v)
        return -ENOMEM;
    s = (char *)(v + count + 1);
    memcpy(s, buf, len);
    s[len] = '\0';
    for (unsigned int i = 0; i < count; i++) {
        v[i] = s;
        s += strlen(s) + 1;
    }
    v[count] = NULL;
    *out = v;
    *n = count;
    return 0;
}

static int list_op(struct xsc *h, uint32_t type, uint32_t tx, const char *path, char ***out,
                   unsigned int *n)
{
    char *r;
    unsigned int len;
    int rc = one_path(h, type, tx, path, &r, &len);

    if (rc)
        return rc;
    rc = split(r, len, out, n);
    free(r);
    return rc;
}

int xsc_directory(struct xsc *h, uint32_t tx, const char *path, char ***names, unsigned int *n)
{
    return list_op(h, XS_DIRECTORY, tx, path, names, n);
}

int xsc_get_perms(struct xsc *h, uint32_t tx, const char *path, char ***perms, unsigned int *n)
{
    return list_op(h, XS_GET_PERMS, tx, path, perms, n);
}

int xsc_set_perms(struct xsc *h, uint32_t tx, const char *path, char *const *perms,
                  unsigned int n)
{
    struct iovec iov[1 + 64];

    if (n > 64)
        return -E2BIG;
    iov[0].iov_base = (void *)path;
    iov[0].iov_len = strlen(path) + 1;
    for (unsigned int i = 0; i < n; i++) {
        iov[1 + i].iov_base = perms[i];
        iov[1 + i].iov_len = strlen(perms[i]) + 1;
    }
    return xsc_request(h, XS_SET_PERMS, tx, iov, n + 1, NULL, NULL);
}

static int two_args(struct xsc *h, uint32_t type, const char *a, const char *b)
{
    struct iovec iov[2] = { { (void *)a, strlen(a) + 1 }, { (void *)b, strlen(b) + 1 } };

    return xsc_request(h, type, XSC_NOTX, iov, 2, NULL, NULL);
}

int xsc_watch(struct xsc *h, const char *path, const char *token)
{
    return two_args(h, XS_WATCH, path, token);
}

int xsc_unwatch(struct xsc *h, const char *path, const char *token)
{
    return two_args(h, XS_UNWATCH, path, token);
}

int xsc_read_watch(struct xsc *h, char **path, char **token, int timeout_ms)
{
    long long deadline = timeout_ms == 0 ? -1 : deadline_of(h, timeout_ms);

    while (!h->ev) {
        struct xsd_sockmsg rh;
        char *body;
        int rc;

        if (timeout_ms == 0 && h->in_off == h->in_len) {
            struct pollfd p = { .fd = h->fd, .events = POLLIN };
            if (poll(&p, 1, 0) <= 0)
                return -EAGAIN;
        }
        rc = read_msg(h, &rh, &body, deadline);
        if (rc)
            return rc;
        if (rh.type != XS_WATCH_EVENT) {
            free(body);
            return -EBADMSG;        /* a reply nobody asked for */
        }
        rc = queue_event(h, body, rh.len);
        free(body);
        if (rc)
            return rc;
    }
    struct xsc_event *e = h->ev;
    h->ev = e->next;
    if (!h->ev)
        h->ev_last = &h->ev;
    /* the event's block becomes the caller's: path, then token */
    memmove(e, e->data, e->len + 2);
    *path = (char *)e;
    *token = *path + strlen(*path) + 1;
    return 0;
}

int xsc_transaction_start(struct xsc *h, uint32_t *tx)
{
    struct iovec iov = { "", 1 };
    char *r, *end;
    unsigned long v;
    int rc = xsc_request(h, XS_TRANSACTION_START, XSC_NOTX, &iov, 1, &r, NULL);

    if (rc)
        return rc;
    errno = 0;
    v = strtoul(r, &end, 10);
    rc = (errno || *end || end == r || v == 0 || v > UINT32_MAX) ? -EBADMSG : 0;
    free(r);
    if (!rc)
        *tx = (uint32_t)v;
    return rc;
}

int xsc_transaction_end(struct xsc *h, uint32_t tx, bool abort)
{
    struct iovec iov = { abort ? "F" : "T", 2 };

    return xsc_request(h, XS_TRANSACTION_END, tx, &iov, 1, NULL, NULL);
}

int xsc_introduce(struct xsc *h, unsigned int domid, uint64_t gfn, unsigned int port)
{
    char a[3][24];
    struct iovec iov[3];

    snprintf(a[0], sizeof(a[0]), "%u", domid);
    snprintf(a[1], sizeof(a[1]), "%llu", (unsigned long long)gfn);
    snprintf(a[2], sizeof(a[2]), "%u", port);
    for (int i = 0; i < 3; i++) {
        iov[i].iov_base = a[i];
        iov[i].iov_len = strlen(a[i]) + 1;
    }
    return xsc_request(h, XS_INTRODUCE, XSC_NOTX, iov, 3, NULL, NULL);
}

static int domid_op(struct xsc *h, uint32_t type, unsigned int domid, char **reply)
{
    char a[16];
    struct iovec iov = { a, 0 };

    snprintf(a, sizeof(a), "%u", domid);
    iov.iov_len = strlen(a) + 1;
    return xsc_request(h, type, XSC_NOTX, &iov, 1, reply, NULL);
}

int xsc_release(struct xsc *h, unsigned int domid)
{
    return domid_op(h, XS_RELEASE, domid, NULL);
}

int xsc_is_introduced(struct xsc *h, unsigned int domid)
{
    char *r;
    int rc = domid_op(h, XS_IS_DOMAIN_INTRODUCED, domid, &r);

    if (rc)
        return rc;
    rc = r[0] == 'T';
    free(r);
    return rc;
}

int xsc_get_domain_path(struct xsc *h, unsigned int domid, char **path)
{
    return domid_op(h, XS_GET_DOMAIN_PATH, domid, path);
}

/* --- values as Xen's tools show them ----------------------------------------------- */

char *xsc_sanitise(const char *val, size_t len)
{
    char *out = malloc(len * 4 + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)val[i];
        if (c >= ' ' && c <= '~' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '\t': *o++ = 't'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\\': *o++ = '\\'; break;
        default:
            o += c < 010 ? sprintf(o, "%03o", c) : sprintf(o, "x%02x", c);
        }
    }
    *o = '\0';
    return out;
}

static int digit(char c, int base)
{
    int v = c >= '0' && c <= '9' ? c - '0' :
            c >= 'a' && c <= 'f' ? c - 'a' + 10 :
            c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
    return v < base ? v : -1;
}

size_t xsc_unsanitise(char *out, const char *in)
{
    char *o = out;

    while (*in) {
        unsigned int c = (unsigned char)*in++;
        if (c == '\\') {
            int base = 0, max = 0, d;
            c = (unsigned char)*in;
            switch (c) {
            case 't': c = '\t'; in++; break;
            case 'n': c = '\n'; in++; break;
            case 'r': c = '\r'; in++; break;
            case '\\': c = '\\'; in++; break;
            case 'x': base = 16; max = 2; in++; c = 'x'; break;
            case '0': case '1': case '2': case '3':
            case '4': case '5': case '6': case '7':
                base = 8; max = 3; break;
            case '\0': c = '\\'; break;     /* a trailing backslash stays */
            default: in++; break;           /* \c is c */
            }
            if (base) {
                unsigned int v = 0;
                int k = 0;
                while (k < max && (d = digit(*in, base)) >= 0) {
                    v = v * (unsigned int)base + (unsigned int)d;
                    in++;
                    k++;
                }
                if (k)
                    c = v & 0xff;   /* as sscanf("%2x"/"%3o") would give */
            }
        }
        *o++ = (char)c;
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* A xenstore client over the ring page: see xs_front.h. */
#include "xs_front.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pv_ring.h"    /* xen_mb and friends */

void xs_front_init(struct xs_front *xs, void *ring_page, evtchn_port_t port)
{
    memset(xs, 0, sizeof(*xs));
    xs->intf = ring_page;
    xs->port = port;
    xs->next_req_id = 1;
    xs->timeout_ms = XS_FRONT_TIMEOUT_MS;
}

int xs_front_error_code(const char *s)
{
    /* xs_wire.h's list (xsd_errors), which needs errno.h macros we may lack. */
    static const struct { const char *name; int code; } errs[] = {
        { "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST }, { "EISDIR", EISDIR },
        { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM }, { "ENOSPC", ENOSPC }, { "EIO", EIO },
        { "ENOTEMPTY", ENOTEMPTY }, { "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
        { "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG }, { "EPERM", EPERM },
        { "EQUOTA", ENOSPC },
    };
    for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
        if (strcmp(s, errs[i].name) == 0)
            return -errs[i].code;
    return -EIO;
}

static int deadline_passed(uint64_t deadline)
{
    return fe_now_ms() >= deadline;
}

/* Copies len bytes into the request ring, waiting for room. */
static int ring_put(struct xs_front *xs, const void *data, size_t len, uint64_t deadline)
{
    struct xenstore_domain_interface *r = xs->intf;
    const char *p = data;

    while (len) {
        XENSTORE_RING_IDX cons = __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX prod = r->req_prod;
        if ((uint32_t)(prod - cons) > XENSTORE_RING_SIZE)
            return -EBADMSG;
        size_t room = XENSTORE_RING_SIZE - (prod - cons);
        if (room == 0) {
            if (deadline_passed(deadline))
                return -ETIMEDOUT;
            fe_evtchn_notify(xs->port);
            fe_evtchn_wait(xs->port, 10);
            continue;
        }
        /* Up to the end of the ring's array, then wrap on the next pass. */
        size_t off = MASK_XENSTORE_IDX(prod);
        size_t n = XENSTORE_RING_SIZE - off;
        if (n > room)
            n = room;
        if (n > len)
            n = len;
        memcpy(r->req + off, p, n);
        xen_wmb();      /* the bytes before the index that publishes them */
        __atomic_store_n(&r->req_prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
        p += n;
        len -= n;
    }
    fe_evtchn_notify(xs->port);
    return 0;
}

/* Takes len bytes from the response ring (into out, or dropped if out is NULL). */
static int ring_get(struct xs_front *xs, void *out, size_t len, uint64_t deadline)
{
    struct xenstore_domain_interface *r = xs->intf;
    char *p = out;

    while (len) {
        XENSTORE_RING_IDX prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = r->rsp_cons;
        if ((uint32_t)(prod - cons) > XENSTORE_RING_SIZE)
            return -EBADMSG;
        size_t avail = prod - cons;
        if (avail == 0) {
            if (deadline_passed(deadline))
                return -ETIMEDOUT;
            fe_evtchn_wait(xs->port, 10);
            continue;
        }
        size_t off = MASK_XENSTORE_IDX(cons);
        size_t n = XENSTORE_RING_SIZE - off;
        if (n > avail)
            n = avail;
        if (n > len)
            n = len;
        if (p) {
            memcpy(p, r->rsp + off, n);
            p += n;
        }
        xen_mb();       /* done reading before the space is handed back */
        __atomic_store_n(&r->rsp_cons, cons + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
        fe_evtchn_notify(xs->port);
        len -= n;
    }
    return 0;
}

static int fail(struct xs_front *xs, int rc)
{
    if (rc == -ETIMEDOUT || rc == -EBADMSG)
        xs->broken = rc;
    return rc;
}

/*
 * One request: the parts are concatenated (each with its NUL when nul_after
 * says so). The reply's payload goes to reply (at most cap bytes, NUL added
 * when there is room); returns the payload length, or -ERANGE when it did
 * not fit (it is consumed either way).
 */
static int request(struct xs_front *xs, uint32_t type, const char *const *parts, const int *nul_after,
                   unsigned int nparts, char *reply, size_t cap)
{
    if (xs->broken)
        return xs->broken;

    size_t len = 0;
    for (unsigned int i = 0; i < nparts; i++)
        len += strlen(parts[i]) + (nul_after[i] ? 1 : 0);
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;

    uint64_t deadline = fe_now_ms() + xs->timeout_ms;
    struct xsd_sockmsg hdr = { .type = type, .req_id = xs->next_req_id++, .tx_id = 0, .len = (uint32_t)len };
    int rc = ring_put(xs, &hdr, sizeof(hdr), deadline);
    for (unsigned int i = 0; rc == 0 && i < nparts; i++)
        rc = ring_put(xs, parts[i], strlen(parts[i]) + (nul_after[i] ? 1 : 0), deadline);
    if (rc)
        return fail(xs, rc);

    for (;;) {
        struct xsd_sockmsg rsp;
        if ((rc = ring_get(xs, &rsp, sizeof(rsp), deadline)) < 0)
            return fail(xs, rc);
        if (rsp.len > XENSTORE_PAYLOAD_MAX)
            return fail(xs, -EBADMSG);
        if (rsp.type == XS_WATCH_EVENT) {
            xs->watch_events++;
            if ((rc = ring_get(xs, NULL, rsp.len, deadline)) < 0)
                return fail(xs, rc);
            continue;
        }
        if (rsp.req_id != hdr.req_id)
            return fail(xs, -EBADMSG);   /* one request at a time: nothing else can come */

        if (rsp.type == XS_ERROR) {
            char err[32];
            size_t n = rsp.len < sizeof(err) ? rsp.len : sizeof(err) - 1;
            if ((rc = ring_get(xs, err, n, deadline)) < 0 || (rc = ring_get(xs, NULL, rsp.len - n, deadline)) < 0)
                return fail(xs, rc);
            err[n] = '\0';
            return xs_front_error_code(err);
        }
        if (rsp.type != type)
            return fail(xs, -EBADMSG);
        size_t keep = rsp.len <= cap ? rsp.len : cap;
        if ((rc = ring_get(xs, reply, keep, deadline)) < 0 || (rc = ring_get(xs, NULL, rsp.len - keep, deadline)) < 0)
            return fail(xs, rc);
        if (rsp.len >= cap)
            return -ERANGE;     /* no room for the value and its NUL */
        reply[rsp.len] = '\0';
        return (int)rsp.len;
    }
}

int xs_front_read(struct xs_front *xs, const char *path, char *buf, size_t len)
{
    const char *parts[] = { path };
    const int nul[] = { 1 };
    return request(xs, XS_READ, parts, nul, 1, buf, len);
}

int xs_front_read_uint(struct xs_front *xs, const char *path, unsigned long long *value)
{
    char buf[32];
    int rc = xs_front_read(xs, path, buf, sizeof(buf));
    if (rc < 0)
        return rc;
    if (rc == 0)
        return -EINVAL;
    unsigned long long v = 0;
    for (int i = 0; i < rc; i++) {
        if (buf[i] < '0' || buf[i] > '9' || v > (~0ULL - 9) / 10)
            return -EINVAL;
        v = v * 10 + (unsigned)(buf[i] - '0');
    }
    *value = v;
    return 0;
}

int xs_front_write(struct xs_front *xs, const char *path, const char *value)
{
    const char *parts[] = { path, value };
    const int nul[] = { 1, 0 };     /* the value has no NUL on the wire */
    char ok[8];
    int rc = request(xs, XS_WRITE, parts, nul, 2, ok, sizeof(ok));
    return rc < 0 ? rc : 0;
}

int xs_front_printf(struct xs_front *xs, const char *path, const char *fmt, ...)
{
    char value[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(value))
        return -E2BIG;
    return xs_front_write(xs, path, value);
}

int xs_front_rm(struct xs_front *xs, const char *path)
{
    const char *parts[] = { path };
    const int nul[] = { 1 };
    char ok[8];
    int rc = request(xs, XS_RM, parts, nul, 1, ok, sizeof(ok));
    return rc < 0 ? rc : 0;
}

int xs_front_directory(struct xs_front *xs, const char *path, char *buf, size_t len)
{
    const char *parts[] = { path };
    const int nul[] = { 1 };
    int rc = request(xs, XS_DIRECTORY, parts, nul, 1, buf, len);
    if (rc < 0)
        return rc;
    int count = 0;
    for (int i = 0; i < rc; i++)
        if (buf[i] == '\0')
            count++;
    return count;
}

static int watch_op(struct xs_front *xs, uint32_t type, const char *path, const char *token)
{
    const char *parts[] = { path, token };
    const int nul[] = { 1, 1 };
    char ok[8];
    int rc = request(xs, type, parts, nul, 2, ok, sizeof(ok));
    return rc < 0 ? rc : 0;
}

int xs_front_watch(struct xs_front *xs, const char *path, const char *token)
{
    return watch_op(xs, XS_WATCH, path, token);
}

int xs_front_unwatch(struct xs_front *xs, const char *path, const char *token)
{
    return watch_op(xs, XS_UNWATCH, path, token);
}

int xs_front_wait_watch(struct xs_front *xs, uint32_t timeout_ms)
{
    uint64_t deadline = fe_now_ms() + timeout_ms;
    for (;;) {
        if (xs->watch_events) {
            xs->watch_events--;
            return 0;
        }
        if (xs->broken)
            return xs->broken;
        struct xenstore_domain_interface *r = xs->intf;
        XENSTORE_RING_IDX prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);
        if ((uint32_t)(prod - r->rsp_cons) >= sizeof(struct xsd_sockmsg)) {
            /* Only watch events come unasked; anything else breaks the framing. */
            struct xsd_sockmsg m;
            int rc = ring_get(xs, &m, sizeof(m), deadline + xs->timeout_ms);
            if (rc == 0 && (m.type != XS_WATCH_EVENT || m.len > XENSTORE_PAYLOAD_MAX))
                rc = -EBADMSG;
            if (rc == 0)
                rc = ring_get(xs, NULL, m.len, deadline + xs->timeout_ms);
            if (rc)
                return fail(xs, rc);
            xs->watch_events++;
            continue;
        }
        if (deadline_passed(deadline))
            return -ETIMEDOUT;
        fe_evtchn_wait(xs->port, 10);
    }
}

#include <stdarg.h>
#include <string.h>

#include "xs_harness.h"

struct xs_fake xs_fake;

static int fake_map(void *ctx, uint16_t domid, uint64_t gfn, void **ring)
{
    (void)ctx;
    (void)gfn;
    if (xs_fake.map_error)
        return xs_fake.map_error;
    if (domid >= 8)
        return 22; /* EINVAL */
    xs_fake.mapped[domid]++;
    memset(&xs_fake.rings[domid], 0, sizeof(xs_fake.rings[domid]));
    xs_fake.rings[domid].connection = 0xdead;
    *ring = &xs_fake.rings[domid];
    return 0;
}

static void fake_unmap(void *ctx, uint16_t domid, void *ring)
{
    (void)ctx;
    (void)ring;
    if (domid < 8)
        xs_fake.unmapped[domid]++;
}

static int fake_bind(void *ctx, uint16_t domid, uint32_t remote_port)
{
    (void)ctx;
    xs_fake.bound++;
    xs_fake.last_remote_port = remote_port;
    return 100 + domid;
}

static void fake_unbind(void *ctx, uint32_t port)
{
    (void)ctx;
    (void)port;
    xs_fake.unbound++;
}

static void fake_notify(void *ctx, uint32_t port)
{
    (void)ctx;
    (void)port;
    xs_fake.notified++;
}

static bool fake_exists(void *ctx, uint16_t domid)
{
    (void)ctx;
    return !(domid < 8 && xs_fake.gone[domid]);
}

struct xs_store *xs_test_store(const struct xs_quota *q)
{
    struct xs_hooks h = {
        .map_ring = fake_map, .unmap_ring = fake_unmap, .bind_port = fake_bind,
        .unbind_port = fake_unbind, .notify = fake_notify, .domain_exists = fake_exists,
    };

    memset(&xs_fake, 0, sizeof(xs_fake));
    return xs_store_new(q, &h);
}

size_t xs_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
               const void *payload, size_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)len };
    unsigned char buf[sizeof(h) + XENSTORE_PAYLOAD_MAX];
    size_t n = len > XENSTORE_PAYLOAD_MAX ? 0 : len;

    memcpy(buf, &h, sizeof(h));
    if (n)
        memcpy(buf + sizeof(h), payload, n);
    return xs_conn_feed(c, buf, sizeof(h) + n);
}

static size_t take(struct xs_conn *c, void *dst, size_t len)
{
    size_t got = 0, n;
    const void *p;

    while (got < len && (p = xs_conn_output(c, &n)) != NULL) {
        if (n > len - got)
            n = len - got;
        memcpy((char *)dst + got, p, n);
        xs_conn_output_done(c, n);
        got += n;
    }
    return got;
}

bool xs_recv(struct xs_conn *c, struct xs_msg *m)
{
    memset(m, 0, sizeof(*m));
    if (take(c, &m->hdr, sizeof(m->hdr)) != sizeof(m->hdr))
        return false;
    if (m->hdr.len > XENSTORE_PAYLOAD_MAX)
        return false;
    return take(c, m->payload, m->hdr.len) == m->hdr.len;
}

void xs_call(struct xs_conn *c, uint32_t type, uint32_t tx_id, const void *payload, size_t len,
             struct xs_msg *m)
{
    static uint32_t req_id = 1000;

    xs_send(c, type, req_id++, tx_id, payload, len);
    if (!xs_recv(c, m))
        m->hdr.type = XS_INVALID;
}

void xs_calls(struct xs_conn *c, uint32_t type, uint32_t tx_id, struct xs_msg *m, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;
    const char *s;
    va_list ap;

    va_start(ap, m);
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t l = strlen(s) + 1;
        if (len + l > sizeof(buf))
            break;
        memcpy(buf + len, s, l);
        len += l;
    }
    va_end(ap);
    xs_call(c, type, tx_id, buf, len, m);
}

void xs_drain(struct xs_conn *c)
{
    struct xs_msg m;

    while (xs_recv(c, &m))
        ;
}

bool xs_is_error(const struct xs_msg *m, const char *name)
{
    return m->hdr.type == XS_ERROR && m->hdr.len == strlen(name) + 1 &&
           !memcmp(m->payload, name, m->hdr.len);
}

bool xs_is_event(const struct xs_msg *m, const char *path, const char *token)
{
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

    return m->hdr.type == XS_WATCH_EVENT && m->hdr.req_id == 0 && m->hdr.tx_id == 0 &&
           m->hdr.len == pl + tl && !memcmp(m->payload, path, pl) &&
           !memcmp(m->payload + pl, token, tl);
}

/*
 * libFuzzer target: arbitrary bytes as xenstore traffic into the wire layer
 * and the store, from a privileged (dom0) and an unprivileged (domain 5)
 * connection and through the rings of domains the input introduces.
 *
 * The input is a list of records: ctl (1 byte), len (2 bytes, little
 * endian), then len bytes (cut short at the end of the input).
 *   ctl & 3 == 0   bytes for the dom0 connection
 *   ctl & 3 == 1   bytes for the domain 5 connection
 *   ctl & 3 == 2   bytes into the request ring of introduced domain
 *                  (ctl >> 2) & 7, then pump that ring
 *   ctl & 3 == 3   an action (ctl >> 2) & 7 on domain payload[0] & 7:
 *                  0 shutdown, 1 dying, 2 running, 3 toggle keep_orphans,
 *                  4 corrupt the domain's ring indices, 5 reconnect domain 5
 *
 * The store runs with small quotas so that short inputs reach every limit.
 *
 * Oracles, besides ASan/UBSan: every message the core sends is well formed
 * (header length within XENSTORE_PAYLOAD_MAX, a type it may send, an error
 * name from xsd_errors, watch events with two strings and zero ids), and the
 * tree is consistent at the end (xs_store_check).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "store.h"
#include "wire.h"

static uint16_t next_port;
static bool keep_orphans;

static int fz_map(void *ctx, uint16_t domid, uint64_t gfn, void **ring)
{
    (void)ctx;
    (void)domid;
    if (gfn == 0xdead)
        return EFAULT;
    *ring = calloc(1, sizeof(struct xenstore_domain_interface));
    return *ring ? 0 : ENOMEM;
}

static void fz_unmap(void *ctx, uint16_t domid, void *ring)
{
    (void)ctx;
    (void)domid;
    free(ring);
}

static int fz_bind(void *ctx, uint16_t domid, uint32_t port)
{
    (void)ctx;
    (void)domid;
    return port == 666 ? -EINVAL : ++next_port;
}

static bool fz_exists(void *ctx, uint16_t domid)
{
    (void)ctx;
    return domid % 11 != 7;
}

static void check_message(const unsigned char *m, size_t len)
{
    struct xsd_sockmsg h;
    const char *p = (const char *)m + sizeof(h);

    if (len < sizeof(h))
        abort();
    memcpy(&h, m, sizeof(h));
    if (h.len > XENSTORE_PAYLOAD_MAX || sizeof(h) + h.len != len)
        abort();
    if (h.type == XS_ERROR) {
        if (!h.len || p[h.len - 1] != '\0')
            abort();
        bool known = false;
        for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
            known |= !strcmp(xsd_errors[i].errstring, p);
        if (!known)
            abort();
    } else if (h.type == XS_WATCH_EVENT) {
        const char *nul = h.len ? memchr(p, '\0', h.len) : NULL;
        if (h.req_id || h.tx_id || !nul || !memchr(nul + 1, '\0', h.len - (size_t)(nul + 1 - p)))
            abort();
    } else if (h.type >= XS_TYPE_COUNT) {
        abort();
    }
}

/* Take all output of c, checking each message. */
static void drain(struct xs_conn *c)
{
    static unsigned char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t have = 0, len;
    const void *p;

    while ((p = xs_conn_output(c, &len)) != NULL) {
        if (len > sizeof(msg) - have)
            abort();
        memcpy(msg + have, p, len);
        have += len;
        xs_conn_output_done(c, len);
        /* each queued message comes out whole when nothing limits the take */
        check_message(msg, have);
        have = 0;
    }
}

static void feed(struct xs_conn *c, const uint8_t *p, size_t len)
{
    while (len) {
        size_t n = xs_conn_feed(c, p, len);
        drain(c);
        if (!n)
            break;     /* dead, or stalled (cannot be: drained) */
        p += n;
        len -= n;
    }
}

static void ring_traffic(struct xs_store *s, uint16_t domid, const uint8_t *p, size_t len)
{
    void *ring;
    struct xs_conn *c = xs_domain_conn(s, domid, &ring, NULL);
    struct xenstore_domain_interface *intf = ring;
    unsigned char out[XENSTORE_RING_SIZE];
    bool notify;

    if (!c || !intf)
        return;
    while (len) {
        int n = xs_ring_write_req(intf, p, len);
        if (n < 0)
            return;
        p += n;
        len -= (size_t)n;
        if (xs_ring_pump(c, intf, &notify) < 0)
            return;
        while (xs_ring_read_rsp(intf, out, sizeof(out)) > 0)
            ;
        if (n == 0 && !notify)
            return;
    }
}

static void action(struct xs_store *s, struct xs_conn **dom5, unsigned int what,
                   const uint8_t *p, size_t len)
{
    uint16_t domid = len ? p[0] & 7 : 3;
    void *ring;

    switch (what) {
    case 0: xs_domain_update(s, domid, XS_DOM_SHUTDOWN); break;
    case 1: xs_domain_update(s, domid, XS_DOM_DYING); break;
    case 2: xs_domain_update(s, domid, XS_DOM_RUNNING); break;
    case 3:
        keep_orphans = !keep_orphans;
        xs_store_keep_orphans(s, keep_orphans);
        break;
    case 4:
        if (xs_domain_conn(s, domid, &ring, NULL) && ring && len >= 2)
            ((struct xenstore_domain_interface *)ring)->req_prod += p[1];
        break;
    case 5:
        xs_conn_free(*dom5);
        *dom5 = xs_conn_new(s, 5);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_hooks hooks = {
        .map_ring = fz_map, .unmap_ring = fz_unmap, .bind_port = fz_bind,
        .domain_exists = fz_exists,
    };
    struct xs_quota q;
    struct xs_store *s;
    struct xs_conn *dom0, *dom5;
    char why[256];

    /* Small quotas, so that short inputs reach every limit. */
    xs_quota_defaults(&q);
    q.nodes = 24;
    q.watches = 6;
    q.transactions = 3;
    q.node_size = 600;
    q.perms = 3;
    q.txn_nodes = 12;
    q.events_max = 16;
    s = xs_store_new(&q, &hooks);
    if (!s)
        return 0;
    next_port = 0;
    keep_orphans = false;
    dom0 = xs_conn_new(s, 0);
    dom5 = xs_conn_new(s, 5);
    while (size >= 3 && dom0 && dom5) {
        unsigned int ctl = data[0];
        size_t len = (size_t)data[1] | (size_t)data[2] << 8;
        data += 3;
        size -= 3;
        if (len > size)
            len = size;
        switch (ctl & 3) {
        case 0: feed(dom0, data, len); break;
        case 1: feed(dom5, data, len); break;
        case 2: ring_traffic(s, (ctl >> 2) & 7, data, len); break;
        case 3: action(s, &dom5, (ctl >> 2) & 7, data, len); break;
        }
        if (xs_conn_dead(dom0)) {
            xs_conn_free(dom0);
            dom0 = xs_conn_new(s, 0);
        }
        if (xs_conn_dead(dom5)) {
            xs_conn_free(dom5);
            dom5 = xs_conn_new(s, 5);
        }
        data += len;
        size -= len;
    }
    if (xs_store_check(s, why, sizeof(why))) {
        fprintf(stderr, "store inconsistent: %s\n", why);
        abort();
    }
    xs_store_free(s);
    return 0;
}

/*
 * Host unit tests of the guest-side PV frontends (pv-drivers/front): the
 * xenstore client, grant table entries, the console ring, and blkfront /
 * netfront through the xenbus handshake.
 *
 * front_env.h is implemented here as a simulation. The clock is virtual:
 * fe_evtchn_wait advances it (by its whole timeout unless the other end had
 * something for the port), so every timeout is instant and repeatable. The
 * other end -- a tiny xenstored on the xenstore ring, a fake blkback and
 * netback driven by the frontend's state key, the console daemon -- runs on
 * every fe_evtchn_notify and fe_evtchn_wait, and each can be told to
 * misbehave. What the other end finds wrong (a grant that is not read-only,
 * a bad ring key) is counted in sim.faults and printed.
 *
 * fe_gfn(p) is p >> 12, and the backends turn a grant entry's frame << 12
 * back into the page. A v1 grant entry holds a 32-bit frame, which host heap
 * addresses (0x55..., 0x6... under ASan) do not fit, so every shared page
 * comes from an arena mapped at 256 MiB rather than from aligned_alloc.
 */
#define _GNU_SOURCE
#include "blkfront.h"
#include "check.h"
#include "cons_front.h"
#include "gnttab_front.h"
#include "netfront.h"
#include "xenbus_front.h"
#include "xs_front.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <xen/io/protocols.h>

#define PAGE_SIZE 4096u

/* ---- shared pages ------------------------------------------------------------------------ */

#define ARENA_BASE 0x10000000UL
#define ARENA_PAGES 256u
static uint8_t *arena;
static unsigned int arena_used;

/* n zeroed, page-aligned, contiguous pages whose frame numbers fit a grant entry. */
static void *page_alloc(unsigned int n)
{
    if (arena_used + n > ARENA_PAGES) {
        printf("  arena exhausted\n");
        abort();
    }
    void *p = arena + (size_t)arena_used * PAGE_SIZE;
    arena_used += n;
    memset(p, 0, (size_t)n * PAGE_SIZE);
    return p;
}

/* ---- event channels and the clock -------------------------------------------------------- */

#define NR_PORTS 64u
#define XS_PORT 1u
#define CONS_PORT 2u
#define FIRST_FREE_PORT 3u

static struct {
    uint64_t now;                   /* the virtual clock, in ms */
    evtchn_port_t next_port;
    domid_t remote[NR_PORTS];       /* who each allocated port is offered to */
    bool pending[NR_PORTS];         /* the other end notified the guest */
    unsigned int faults;            /* protocol violations the other end saw */
} sim;

static void fault(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fault(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("  sim: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    sim.faults++;
}

static void pump(void);

int fe_evtchn_alloc(domid_t remote, evtchn_port_t *port)
{
    if (sim.next_port >= NR_PORTS)
        return -ENOSPC;
    *port = sim.next_port++;
    sim.remote[*port] = remote;
    return 0;
}

void fe_evtchn_notify(evtchn_port_t port)
{
    if (port == 0 || port >= NR_PORTS || (port >= FIRST_FREE_PORT && port >= sim.next_port))
        fault("notify on port %u, which is not ours", port);
    pump();
}

void fe_evtchn_wait(evtchn_port_t port, uint32_t timeout_ms)
{
    pump();
    if (port < NR_PORTS && sim.pending[port]) {
        sim.pending[port] = false;
        sim.now += 1;
    } else {
        sim.now += timeout_ms ? timeout_ms : 1;
    }
}

uint64_t fe_now_ms(void)
{
    return sim.now;
}

uint64_t fe_gfn(const void *page)
{
    if ((uintptr_t)page % PAGE_SIZE)
        fault("fe_gfn of %p, which is not page aligned", page);
    return (uintptr_t)page >> 12;
}

/* ---- grants as the hypervisor sees them -------------------------------------------------- */

static struct gnttab_front gnt;
static grant_entry_v1_t *gtable;
static unsigned int gtable_entries;

enum access { BE_READS, BE_WRITES };

/* The page behind `ref` for domain `domid`, or NULL (and a fault) when the
 * entry does not allow the access. What the backend only reads must be
 * granted read-only; what it writes must not be. */
static uint8_t *grant_page(domid_t domid, grant_ref_t ref, enum access how)
{
    if (!gtable || ref >= gtable_entries) {
        fault("grant ref %u is outside the table", ref);
        return NULL;
    }
    grant_entry_v1_t *e = &gtable[ref];
    uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    if ((flags & GTF_type_mask) != GTF_permit_access) {
        fault("grant ref %u is not granted (flags %#x)", ref, flags);
        return NULL;
    }
    if (e->domid != domid) {
        fault("grant ref %u is for domain %u, not %u", ref, e->domid, domid);
        return NULL;
    }
    if (how == BE_READS && !(flags & GTF_readonly))
        fault("grant ref %u is writable, but the backend only reads it", ref);
    if (how == BE_WRITES && (flags & GTF_readonly)) {
        fault("grant ref %u is read-only, but the backend writes it", ref);
        return NULL;
    }
    uint8_t *p = (uint8_t *)((uintptr_t)e->frame << 12);
    if (p < arena || p >= arena + (size_t)ARENA_PAGES * PAGE_SIZE) {
        fault("grant ref %u names frame %#x, not a guest page", ref, e->frame);
        return NULL;
    }
    return p;
}

/* ---- xenstored --------------------------------------------------------------------------- */

#define XS_NODES 96u
#define XS_WATCHES 8u

struct xs_node {
    bool used;
    char path[128];
    size_t len;
    char value[XENSTORE_PAYLOAD_MAX + 1];   /* NUL-terminated here, not on the wire */
};

static struct {
    struct xenstore_domain_interface *intf;
    struct xs_node node[XS_NODES];
    struct { char path[128], token[64]; } watch[XS_WATCHES];
    unsigned int nwatch;
    char in[2 * XENSTORE_PAYLOAD_MAX];      /* request bytes taken from the ring */
    size_t in_len;
    XENSTORE_RING_IDX in_idx;               /* the ring index of in[0] */
    char out[4 * XENSTORE_PAYLOAD_MAX];     /* replies not yet in the ring */
    size_t out_len;
    /* misbehaviour */
    bool mute;                              /* reads nothing, answers nothing */
    bool wrong_req_id;                      /* the next reply carries another req_id */
    const char *error_next;                 /* the next request is answered with this error */
    /* what happened */
    unsigned int requests, req_split, rsp_split;
} xsd;

static struct xs_node *node_find(const char *path)
{
    for (unsigned int i = 0; i < XS_NODES; i++)
        if (xsd.node[i].used && strcmp(xsd.node[i].path, path) == 0)
            return &xsd.node[i];
    return NULL;
}

/* The value at path (NUL-terminated), or NULL. */
static const char *xs_get(const char *path)
{
    struct xs_node *n = node_find(path);
    return n ? n->value : NULL;
}

/* The length of the value at path; -1 when there is none. */
static long long node_len(const char *path)
{
    struct xs_node *n = node_find(path);
    return n ? (long long)n->len : -1;
}

static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void xsd_queue(uint32_t type, uint32_t req_id, const void *payload, size_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .tx_id = 0, .len = (uint32_t)len };
    if (xsd.out_len + sizeof(h) + len > sizeof(xsd.out)) {
        fault("xenstored: too much unread output");
        return;
    }
    XENSTORE_RING_IDX at = xsd.intf->rsp_prod + (XENSTORE_RING_IDX)xsd.out_len;
    if (MASK_XENSTORE_IDX(at) + sizeof(h) + len > XENSTORE_RING_SIZE)
        xsd.rsp_split++;
    memcpy(xsd.out + xsd.out_len, &h, sizeof(h));
    memcpy(xsd.out + xsd.out_len + sizeof(h), payload, len);
    xsd.out_len += sizeof(h) + len;
}

static void fire_watches(const char *path)
{
    for (unsigned int i = 0; i < xsd.nwatch; i++) {
        if (!under(path, xsd.watch[i].path))
            continue;
        char ev[256];
        size_t pl = strlen(path) + 1, tl = strlen(xsd.watch[i].token) + 1;
        memcpy(ev, path, pl);
        memcpy(ev + pl, xsd.watch[i].token, tl);
        xsd_queue(XS_WATCH_EVENT, 0, ev, pl + tl);
    }
}

static void xs_set(const char *path, const char *value, size_t len)
{
    struct xs_node *n = node_find(path);
    for (unsigned int i = 0; !n && i < XS_NODES; i++)
        if (!xsd.node[i].used)
            n = &xsd.node[i];
    if (!n || strlen(path) >= sizeof(n->path) || len > XENSTORE_PAYLOAD_MAX) {
        fault("xenstored: no room for %s", path);
        return;
    }
    n->used = true;
    strcpy(n->path, path);
    memcpy(n->value, value, len);
    n->value[len] = '\0';
    n->len = len;
    fire_watches(path);
}

static void xs_put(const char *path, const char *value)
{
    xs_set(path, value, strlen(value));
}

/* Removes path and everything under it; how many nodes went. */
static unsigned int xs_remove(const char *path)
{
    unsigned int n = 0;
    for (unsigned int i = 0; i < XS_NODES; i++)
        if (xsd.node[i].used && under(xsd.node[i].path, path)) {
            xsd.node[i].used = false;
            n++;
        }
    if (n)
        fire_watches(path);
    return n;
}

/* "dir/key" in one of a few rotating buffers. */
static const char *key(const char *dir, const char *k)
{
    static char buf[8][192];
    static unsigned int i;
    char *b = buf[i++ % 8];
    snprintf(b, sizeof(buf[0]), "%s/%s", dir, k);
    return b;
}

/* The decimal number at path; -1 when it is missing or not a number. */
static long long num_at(const char *path)
{
    const char *v = xs_get(path);
    if (!v || !*v)
        return -1;
    long long n = 0;
    for (; *v; v++) {
        if (*v < '0' || *v > '9' || n > 1000000000LL)
            return -1;
        n = n * 10 + (*v - '0');
    }
    return n;
}

static bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void record_front_state(const char *path, const char *value);

static void xsd_error(uint32_t req_id, const char *err)
{
    xsd_queue(XS_ERROR, req_id, err, strlen(err) + 1);
}

static void xsd_handle(const struct xsd_sockmsg *h, const char *p)
{
    uint32_t id = h->req_id;
    xsd.requests++;
    if (xsd.wrong_req_id) {
        xsd.wrong_req_id = false;
        id += 1000;
    }
    if (xsd.error_next) {
        const char *e = xsd.error_next;
        xsd.error_next = NULL;
        xsd_error(id, e);
        return;
    }
    /* Every request this client sends starts with a NUL-terminated path. */
    size_t plen = strnlen(p, h->len);
    if (plen == h->len) {
        fault("xenstored: request %u without a NUL-terminated path", h->type);
        xsd_error(id, "EINVAL");
        return;
    }
    const char *rest = p + plen + 1;
    size_t rest_len = h->len - plen - 1;
    struct xs_node *n;

    switch (h->type) {
    case XS_READ:
        if (rest_len)
            fault("xenstored: XS_READ %s with %zu bytes after the path", p, rest_len);
        if ((n = node_find(p)))
            xsd_queue(XS_READ, id, n->value, n->len);
        else
            xsd_error(id, "ENOENT");
        return;
    case XS_WRITE:
        record_front_state(p, rest);
        xs_set(p, rest, rest_len);
        xsd_queue(XS_WRITE, id, "OK", 3);
        return;
    case XS_DIRECTORY: {
        char list[XENSTORE_PAYLOAD_MAX];
        size_t len = 0, dl = strlen(p);
        bool exists = node_find(p) != NULL;
        for (unsigned int i = 0; i < XS_NODES; i++) {
            const char *q = xsd.node[i].path;
            if (!xsd.node[i].used || !under(q, p) || q[dl] != '/')
                continue;
            exists = true;
            const char *child = q + dl + 1;
            size_t cl = strcspn(child, "/");
            bool seen = false;
            for (size_t at = 0; at < len && !seen; at += strlen(list + at) + 1)
                seen = strlen(list + at) == cl && memcmp(list + at, child, cl) == 0;
            if (!seen && len + cl + 1 <= sizeof(list)) {
                memcpy(list + len, child, cl);
                list[len + cl] = '\0';
                len += cl + 1;
            }
        }
        if (exists)
            xsd_queue(XS_DIRECTORY, id, list, len);
        else
            xsd_error(id, "ENOENT");
        return;
    }
    case XS_RM:
        if (xs_remove(p))
            xsd_queue(XS_RM, id, "OK", 3);
        else
            xsd_error(id, "ENOENT");
        return;
    case XS_WATCH:
    case XS_UNWATCH: {
        if (!rest_len || strnlen(rest, rest_len) != rest_len - 1) {
            fault("xenstored: watch request without a NUL-terminated token");
            xsd_error(id, "EINVAL");
            return;
        }
        if (h->type == XS_WATCH) {
            if (xsd.nwatch == XS_WATCHES || strlen(p) >= 128 || strlen(rest) >= 64) {
                xsd_error(id, "ENOSPC");
                return;
            }
            strcpy(xsd.watch[xsd.nwatch].path, p);
            strcpy(xsd.watch[xsd.nwatch].token, rest);
            xsd.nwatch++;
            xsd_queue(XS_WATCH, id, "OK", 3);
            /* As xenstored: a new watch fires once at once. */
            char ev[256];
            size_t pl = strlen(p) + 1;
            memcpy(ev, p, pl);
            memcpy(ev + pl, rest, rest_len);
            xsd_queue(XS_WATCH_EVENT, 0, ev, pl + rest_len);
            return;
        }
        for (unsigned int i = 0; i < xsd.nwatch; i++)
            if (strcmp(xsd.watch[i].path, p) == 0 && strcmp(xsd.watch[i].token, rest) == 0) {
                xsd.watch[i] = xsd.watch[--xsd.nwatch];
                xsd_queue(XS_UNWATCH, id, "OK", 3);
                return;
            }
        xsd_error(id, "ENOENT");
        return;
    }
    default:
        fault("xenstored: request type %u", h->type);
        xsd_error(id, "EINVAL");
    }
}

/* Takes what the client wrote and answers the complete requests. */
static void xsd_serve(void)
{
    struct xenstore_domain_interface *r = xsd.intf;
    if (!r || xsd.mute)
        return;
    XENSTORE_RING_IDX prod = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE), cons = r->req_cons;
    if ((uint32_t)(prod - cons) > XENSTORE_RING_SIZE) {
        fault("xenstored: req_prod %u is more than a ring ahead of req_cons %u", prod, cons);
        return;
    }
    while (cons != prod && xsd.in_len < sizeof(xsd.in))
        xsd.in[xsd.in_len++] = r->req[MASK_XENSTORE_IDX(cons++)];
    __atomic_store_n(&r->req_cons, cons, __ATOMIC_RELEASE);

    size_t off = 0;
    while (xsd.in_len - off >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg h;
        memcpy(&h, xsd.in + off, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX) {
            fault("xenstored: request of %u bytes", h.len);
            xsd.in_len = off = 0;
            break;
        }
        size_t total = sizeof(h) + h.len;
        if (xsd.in_len - off < total)
            break;
        if (MASK_XENSTORE_IDX(xsd.in_idx) + total > XENSTORE_RING_SIZE)
            xsd.req_split++;
        char payload[XENSTORE_PAYLOAD_MAX + 1];
        memcpy(payload, xsd.in + off + sizeof(h), h.len);
        payload[h.len] = '\0';
        xsd_handle(&h, payload);
        off += total;
        xsd.in_idx += (XENSTORE_RING_IDX)total;
    }
    memmove(xsd.in, xsd.in + off, xsd.in_len - off);
    xsd.in_len -= off;
}

/* Moves queued output into the reply ring as far as there is room. */
static void xsd_flush(void)
{
    struct xenstore_domain_interface *r = xsd.intf;
    if (!r || xsd.mute || !xsd.out_len)
        return;
    XENSTORE_RING_IDX prod = r->rsp_prod, cons = __atomic_load_n(&r->rsp_cons, __ATOMIC_ACQUIRE);
    if ((uint32_t)(prod - cons) > XENSTORE_RING_SIZE) {
        fault("xenstored: rsp_cons %u is past rsp_prod %u", cons, prod);
        return;
    }
    size_t n = XENSTORE_RING_SIZE - (prod - cons);
    if (n > xsd.out_len)
        n = xsd.out_len;
    for (size_t i = 0; i < n; i++)
        r->rsp[MASK_XENSTORE_IDX(prod + (XENSTORE_RING_IDX)i)] = xsd.out[i];
    __atomic_store_n(&r->rsp_prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
    memmove(xsd.out, xsd.out + n, xsd.out_len - n);
    xsd.out_len -= n;
    if (n)
        sim.pending[XS_PORT] = true;
}

/* ---- fake backends ----------------------------------------------------------------------- */

struct fake_back {
    bool present;
    char front[64], back[96];       /* the two xenstore directories */
    bool stay_initwait;             /* never reacts to the frontend */
    bool close_on_connect;          /* goes Closing instead of Connected */
    bool connected;
    evtchn_port_t port;
    char history[64];               /* the states the frontend wrote: "3,4,5,6" */
};
static struct fake_back vbd, vif;

static void record_front_state(const char *path, const char *value)
{
    struct fake_back *b[] = { &vbd, &vif };
    for (unsigned int i = 0; i < 2; i++) {
        if (!b[i]->present || strcmp(path, key(b[i]->front, "state")) != 0)
            continue;
        size_t l = strlen(b[i]->history);
        snprintf(b[i]->history + l, sizeof(b[i]->history) - l, "%s%s", l ? "," : "", value);
    }
}

/* The frontend's ring keys: ref and port, checked as a backend would. */
static bool front_uint(struct fake_back *b, const char *k, long long *v)
{
    *v = num_at(key(b->front, k));
    if (*v < 0)
        fault("%s: no usable %s", b->front, k);
    return *v >= 0;
}

static bool port_offered(struct fake_back *b, long long port)
{
    if (port < FIRST_FREE_PORT || port >= sim.next_port || sim.remote[port] != 0) {
        fault("%s: event channel %lld is not one offered to dom0", b->front, port);
        return false;
    }
    b->port = (evtchn_port_t)port;
    return true;
}

#define DISK_BYTES (1u << 20)
static uint8_t disk[DISK_BYTES];

struct blk_log {
    uint64_t sector;
    unsigned int nseg;
    grant_ref_t gref[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

static struct {
    /* what it tells the frontend */
    uint64_t sectors;
    unsigned int sector_size, info;
    bool flush;
    /* misbehaviour */
    bool mute;                      /* stops serving the ring */
    int16_t answer;                 /* a status other than OKAY to give every request */
    unsigned int fail_request;      /* the n-th request (from 1) gets BLKIF_RSP_ERROR */
    bool bad_id;                    /* answers with bad_id_value instead of the request's id */
    uint64_t bad_id_value;
    /* state */
    blkif_back_ring_t ring;
    unsigned int requests, flushes;
    struct blk_log log[16];
} blk;

static bool blkback_connect(void)
{
    long long ref, port;
    if (!front_uint(&vbd, "ring-ref", &ref) || !front_uint(&vbd, "event-channel", &port) || !port_offered(&vbd, port))
        return false;
    if (!streq(xs_get(key(vbd.front, "protocol")), XEN_IO_PROTO_ABI_NATIVE))
        fault("%s: protocol is not %s", vbd.front, XEN_IO_PROTO_ABI_NATIVE);
    uint8_t *page = grant_page(0, (grant_ref_t)ref, BE_WRITES);
    if (!page)
        return false;
    BACK_RING_INIT(&blk.ring, (blkif_sring_t *)page, PAGE_SIZE);
    char v[32];
    snprintf(v, sizeof(v), "%llu", (unsigned long long)blk.sectors);
    xs_put(key(vbd.back, "sectors"), v);
    snprintf(v, sizeof(v), "%u", blk.sector_size);
    xs_put(key(vbd.back, "sector-size"), v);
    snprintf(v, sizeof(v), "%u", blk.info);
    xs_put(key(vbd.back, "info"), v);
    xs_put(key(vbd.back, "feature-flush-cache"), blk.flush ? "1" : "0");
    return true;
}

static int16_t blkback_do(const blkif_request_t *req)
{
    if (req->operation == BLKIF_OP_FLUSH_DISKCACHE) {
        blk.flushes++;
        return BLKIF_RSP_OKAY;
    }
    if (req->operation != BLKIF_OP_READ && req->operation != BLKIF_OP_WRITE)
        return BLKIF_RSP_EOPNOTSUPP;
    bool write = req->operation == BLKIF_OP_WRITE;
    if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
        fault("blkback: request with %u segments", req->nr_segments);
        return BLKIF_RSP_ERROR;
    }
    struct blk_log *l = &blk.log[(blk.requests - 1) % 16];
    l->sector = req->sector_number;
    l->nseg = req->nr_segments;
    uint64_t sector = req->sector_number;
    uint64_t disk_bytes = blk.sectors * blk.sector_size;
    for (unsigned int s = 0; s < req->nr_segments; s++) {
        const struct blkif_request_segment *seg = &req->seg[s];
        l->gref[s] = seg->gref;
        if (seg->first_sect > seg->last_sect || seg->last_sect >= PAGE_SIZE / 512) {
            fault("blkback: segment sectors %u..%u", seg->first_sect, seg->last_sect);
            return BLKIF_RSP_ERROR;
        }
        uint8_t *page = grant_page(0, seg->gref, write ? BE_READS : BE_WRITES);
        if (!page)
            return BLKIF_RSP_ERROR;
        size_t len = (size_t)(seg->last_sect - seg->first_sect + 1) * 512;
        if (sector > disk_bytes / 512 || disk_bytes - sector * 512 < len) {
            fault("blkback: sector %llu is past the end of the disk", (unsigned long long)sector);
            return BLKIF_RSP_ERROR;
        }
        if (write)
            memcpy(disk + sector * 512, page + seg->first_sect * 512, len);
        else
            memcpy(page + seg->first_sect * 512, disk + sector * 512, len);
        sector += len / 512;
    }
    return BLKIF_RSP_OKAY;
}

static void blkback_serve(void)
{
    if (!vbd.connected || blk.mute)
        return;
    blkif_back_ring_t *r = &blk.ring;
    int more;
    do {
        RING_IDX rp = r->sring->req_prod;
        xen_rmb();
        if (rp - r->req_cons > RING_SIZE(r)) {
            fault("blkback: req_prod %u is more than a ring ahead", rp);
            return;
        }
        while (r->req_cons != rp) {
            blkif_request_t req;
            memcpy(&req, RING_GET_REQUEST(r, r->req_cons), sizeof(req));
            r->req_cons++;
            blk.requests++;
            int16_t status = blkback_do(&req);
            if (blk.answer != BLKIF_RSP_OKAY)
                status = blk.answer;
            if (blk.fail_request == blk.requests)
                status = BLKIF_RSP_ERROR;
            blkif_response_t *rsp = RING_GET_RESPONSE(r, r->rsp_prod_pvt);
            rsp->id = blk.bad_id ? blk.bad_id_value : req.id;
            rsp->operation = req.operation;
            rsp->status = status;
            r->rsp_prod_pvt++;
        }
        int notify;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
        if (notify)
            sim.pending[vbd.port] = true;
        RING_FINAL_CHECK_FOR_REQUESTS(r, more);
    } while (more);
}

static struct {
    bool tx_mute;                   /* stops taking frames */
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    uint8_t frame[PAGE_SIZE];       /* the last frame sent */
    size_t frame_len;
    unsigned int frames;
} nb;

static bool netback_connect(void)
{
    long long tx, rx, port;
    if (!front_uint(&vif, "tx-ring-ref", &tx) || !front_uint(&vif, "rx-ring-ref", &rx) ||
        !front_uint(&vif, "event-channel", &port) || !port_offered(&vif, port))
        return false;
    if (!streq(xs_get(key(vif.front, "request-rx-copy")), "1") ||
        !streq(xs_get(key(vif.front, "feature-rx-notify")), "1")) {
        fault("%s: no request-rx-copy / feature-rx-notify", vif.front);
        return false;
    }
    uint8_t *txp = grant_page(0, (grant_ref_t)tx, BE_WRITES), *rxp = grant_page(0, (grant_ref_t)rx, BE_WRITES);
    if (!txp || !rxp)
        return false;
    BACK_RING_INIT(&nb.tx, (netif_tx_sring_t *)txp, PAGE_SIZE);
    BACK_RING_INIT(&nb.rx, (netif_rx_sring_t *)rxp, PAGE_SIZE);
    return true;
}

static void netback_serve(void)
{
    if (!vif.connected || nb.tx_mute)
        return;
    netif_tx_back_ring_t *r = &nb.tx;
    int more;
    do {
        RING_IDX rp = r->sring->req_prod;
        xen_rmb();
        if (rp - r->req_cons > RING_SIZE(r)) {
            fault("netback: tx req_prod %u is more than a ring ahead", rp);
            return;
        }
        while (r->req_cons != rp) {
            netif_tx_request_t req = *RING_GET_REQUEST(r, r->req_cons);
            r->req_cons++;
            int16_t status = NETIF_RSP_OKAY;
            uint8_t *page = grant_page(0, req.gref, BE_READS);
            if (!page || req.flags || req.offset + req.size > PAGE_SIZE) {
                fault("netback: tx request gref %u offset %u size %u flags %#x", req.gref, req.offset, req.size,
                      req.flags);
                status = NETIF_RSP_ERROR;
            } else {
                memcpy(nb.frame, page + req.offset, req.size);
                nb.frame_len = req.size;
                nb.frames++;
            }
            netif_tx_response_t *rsp = RING_GET_RESPONSE(r, r->rsp_prod_pvt);
            rsp->id = req.id;
            rsp->status = status;
            r->rsp_prod_pvt++;
        }
        int notify;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
        if (notify)
            sim.pending[vif.port] = true;
        RING_FINAL_CHECK_FOR_REQUESTS(r, more);
    } while (more);
}

/* Puts a frame into the next posted receive buffer, at `offset` in its page. */
static bool netback_deliver(const void *frame, size_t len, uint16_t offset)
{
    if (!vif.connected)
        return false;
    RING_IDX rp = nb.rx.sring->req_prod;
    xen_rmb();
    if (nb.rx.req_cons == rp)
        return false;
    netif_rx_request_t req = *RING_GET_REQUEST(&nb.rx, nb.rx.req_cons);
    nb.rx.req_cons++;
    uint8_t *page = grant_page(0, req.gref, BE_WRITES);
    if (!page)
        return false;
    memcpy(page + offset, frame, len);
    netif_rx_response_t *rsp = RING_GET_RESPONSE(&nb.rx, nb.rx.rsp_prod_pvt);
    rsp->id = req.id;
    rsp->offset = offset;
    rsp->flags = NETRXF_data_validated;
    rsp->status = (int16_t)len;
    nb.rx.rsp_prod_pvt++;
    int notify;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&nb.rx, notify);
    if (notify)
        sim.pending[vif.port] = true;
    return true;
}

/* The xenbus side of both backends: react to the frontend's state. */
static void back_react(struct fake_back *b, bool net)
{
    if (!b->present || b->stay_initwait)
        return;
    const char *fs = xs_get(key(b->front, "state")), *bs = xs_get(key(b->back, "state"));
    if (!fs || !bs)
        return;
    const char *ready = net ? "4" : "3";    /* netfront goes Connected at once */
    if (streq(bs, "2") && streq(fs, ready)) {
        if (b->close_on_connect) {
            xs_put(key(b->back, "state"), "5");
        } else if (net ? netback_connect() : blkback_connect()) {
            b->connected = true;
            xs_put(key(b->back, "state"), "4");
        } else {
            xs_put(key(b->back, "state"), "5");
        }
    } else if (streq(fs, "5") && streq(bs, "4")) {
        b->connected = false;
        xs_put(key(b->back, "state"), "5");
    } else if (streq(fs, "6") && !streq(bs, "6")) {
        b->connected = false;
        xs_put(key(b->back, "state"), "6");
    }
}

/* ---- the console daemon ------------------------------------------------------------------ */

static struct {
    struct xencons_interface *intf;
    bool drain;                     /* reads the out ring whenever it runs */
    char got[16384];
    size_t got_len;
} cd;

/* Reads what the guest wrote, as xenconsoled does; how many bytes. */
static size_t cd_take(void)
{
    struct xencons_interface *r = cd.intf;
    XENCONS_RING_IDX prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE), cons = r->out_cons;
    size_t n = 0;
    if ((uint32_t)(prod - cons) > sizeof(r->out)) {
        fault("console: out_prod %u is more than a ring ahead of %u", prod, cons);
        return 0;
    }
    while (cons != prod && cd.got_len < sizeof(cd.got)) {
        cd.got[cd.got_len++] = r->out[MASK_XENCONS_IDX(cons, r->out)];
        cons++;
        n++;
    }
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    return n;
}

/* ---- the whole other end ----------------------------------------------------------------- */

static void pump(void)
{
    xsd_serve();
    back_react(&vbd, false);
    back_react(&vif, true);
    blkback_serve();
    netback_serve();
    if (cd.intf && cd.drain && cd_take())
        sim.pending[CONS_PORT] = true;
    xsd_flush();
}

static struct xs_front xs;

static void sim_reset(void)
{
    memset(&sim, 0, sizeof(sim));
    sim.now = 1000;
    sim.next_port = FIRST_FREE_PORT;
    memset(&xsd, 0, sizeof(xsd));
    memset(&vbd, 0, sizeof(vbd));
    memset(&vif, 0, sizeof(vif));
    memset(&blk, 0, sizeof(blk));
    memset(&nb, 0, sizeof(nb));
    memset(&cd, 0, sizeof(cd));
    memset(disk, 0, sizeof(disk));
    memset(&gnt, 0, sizeof(gnt));
    gtable = NULL;
    gtable_entries = 0;
    arena_used = 0;
}

/* A fresh world with a xenstore ring and its client. */
static void xs_setup(void)
{
    sim_reset();
    void *page = page_alloc(1);
    xsd.intf = page;
    xs_front_init(&xs, page, XS_PORT);
}

static void gnt_setup(unsigned int frames)
{
    void *t = page_alloc(frames);
    CHECK_EQ(gnttab_front_init(&gnt, t, frames), 0);
    gtable = t;
    gtable_entries = frames * (PAGE_SIZE / sizeof(grant_entry_v1_t));
}

/* ---- xs_front ---------------------------------------------------------------------------- */

static void test_xs_round_trips(void)
{
    char buf[64];
    unsigned long long v = 0;
    xs_setup();

    CHECK_EQ(xs_front_write(&xs, "data/a", "hello"), 0);
    CHECK(streq(xs_get("data/a"), "hello"));
    CHECK_EQ(node_len("data/a"), 5);      /* the value goes without its NUL */
    CHECK_EQ(xs_front_read(&xs, "data/a", buf, sizeof(buf)), 5);
    CHECK(strcmp(buf, "hello") == 0);

    CHECK_EQ(xs_front_write(&xs, "data/b", ""), 0);
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(xs_front_read(&xs, "data/b", buf, sizeof(buf)), 0);
    CHECK_EQ(buf[0], '\0');

    CHECK_EQ(xs_front_printf(&xs, "data/c/n", "%d-%s", 42, "x"), 0);
    CHECK(streq(xs_get("data/c/n"), "42-x"));
    CHECK_EQ(xs_front_write(&xs, "data/num", "51712"), 0);
    CHECK_EQ(xs_front_read_uint(&xs, "data/num", &v), 0);
    CHECK_EQ(v, 51712);
    CHECK_EQ(xs_front_read_uint(&xs, "data/c/n", &v), -EINVAL);
    CHECK_EQ(xs_front_read_uint(&xs, "data/b", &v), -EINVAL);

    /* the children, each NUL-terminated */
    CHECK_EQ(xs_front_directory(&xs, "data", buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "a\0b\0c\0num\0", 10) == 0);
    CHECK_EQ(xs_front_directory(&xs, "data/c", buf, sizeof(buf)), 1);
    CHECK(strcmp(buf, "n") == 0);

    /* rm takes the subtree */
    CHECK_EQ(xs_front_rm(&xs, "data/c"), 0);
    CHECK(xs_get("data/c/n") == NULL);
    CHECK_EQ(xs_front_read(&xs, "data/c/n", buf, sizeof(buf)), -ENOENT);
    CHECK_EQ(xs_front_directory(&xs, "data", buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "a\0b\0num\0", 8) == 0);
    CHECK_EQ(xs.broken, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_xs_errors(void)
{
    char buf[32];
    xs_setup();
    CHECK_EQ(xs_front_read(&xs, "nothere", buf, sizeof(buf)), -ENOENT);
    CHECK_EQ(xs_front_directory(&xs, "nothere", buf, sizeof(buf)), -ENOENT);
    CHECK_EQ(xs_front_rm(&xs, "nothere"), -ENOENT);
    CHECK_EQ(xs_front_unwatch(&xs, "nothere", "tok"), -ENOENT);
    xsd.error_next = "EACCES";
    CHECK_EQ(xs_front_write(&xs, "a", "1"), -EACCES);
    CHECK(xs_get("a") == NULL);
    /* an error reply is an answer: the client goes on */
    CHECK_EQ(xs.broken, 0);
    CHECK_EQ(xs_front_write(&xs, "a", "1"), 0);
    CHECK_EQ(xs_front_read(&xs, "a", buf, sizeof(buf)), 1);
    CHECK_EQ(sim.faults, 0);
}

static void test_xs_erange(void)
{
    char value[101], good[64];
    xs_setup();
    memset(value, 'v', 100);
    value[100] = '\0';
    CHECK_EQ(xs_front_write(&xs, "big", value), 0);
    CHECK_EQ(xs_front_write(&xs, "small", "fine"), 0);

    char *buf = malloc(50);     /* exactly 50: ASan sees any byte written past it */
    CHECK_EQ(xs_front_read(&xs, "big", buf, 50), -ERANGE);
    CHECK_EQ(xs.broken, 0);
    /* the whole reply was consumed: the next request gets its own answer */
    CHECK_EQ(xs_front_read(&xs, "small", good, sizeof(good)), 4);
    CHECK(strcmp(good, "fine") == 0);
    CHECK_EQ(xs.intf->rsp_cons, xs.intf->rsp_prod);

    /* 49 bytes and the NUL fit in 50; 50 bytes do not */
    value[49] = '\0';
    CHECK_EQ(xs_front_write(&xs, "v49", value), 0);
    value[49] = 'v';
    value[50] = '\0';
    CHECK_EQ(xs_front_write(&xs, "v50", value), 0);
    CHECK_EQ(xs_front_read(&xs, "v49", buf, 50), 49);
    CHECK_EQ(buf[49], '\0');
    CHECK_EQ(xs_front_read(&xs, "v50", buf, 50), -ERANGE);
    CHECK_EQ(xs_front_read(&xs, "small", good, sizeof(good)), 4);
    free(buf);
    CHECK_EQ(sim.faults, 0);
}

static void test_xs_watch_events(void)
{
    char buf[16];
    xs_setup();
    CHECK_EQ(xs_front_watch(&xs, "w", "tok"), 0);
    CHECK(streq(xsd.watch[0].path, "w") && streq(xsd.watch[0].token, "tok"));
    /* The watch's first firing sits behind its reply; the write's event comes
     * ahead of the write's reply. Both are counted while waiting for it. */
    CHECK_EQ(xs_front_write(&xs, "w/x", "1"), 0);
    CHECK_EQ(xs.watch_events, 2);
    CHECK_EQ(xs.intf->rsp_cons, xs.intf->rsp_prod);

    uint64_t t0 = sim.now;
    CHECK_EQ(xs_front_wait_watch(&xs, 1000), 0);
    CHECK_EQ(xs_front_wait_watch(&xs, 1000), 0);
    CHECK_EQ(sim.now, t0);      /* taken without waiting */
    CHECK_EQ(xs_front_wait_watch(&xs, 1000), -ETIMEDOUT);
    CHECK(sim.now >= t0 + 1000);

    /* one that arrives with no request in flight, as another domain writes */
    xs_put("w/y", "2");
    xsd_flush();
    t0 = sim.now;
    CHECK_EQ(xs_front_wait_watch(&xs, 0), 0);
    CHECK_EQ(sim.now, t0);
    CHECK_EQ(xs.watch_events, 0);

    /* reads do not fire; after unwatch writes do not either */
    CHECK_EQ(xs_front_read(&xs, "w/x", buf, sizeof(buf)), 1);
    CHECK_EQ(xs.watch_events, 0);
    CHECK_EQ(xs_front_unwatch(&xs, "w", "tok"), 0);
    CHECK_EQ(xsd.nwatch, 0);
    CHECK_EQ(xs_front_write(&xs, "w/z", "3"), 0);
    CHECK_EQ(xs_front_wait_watch(&xs, 100), -ETIMEDOUT);
    CHECK_EQ(xs.broken, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_xs_ring_wrap(void)
{
    static char value[3001], back[3100];
    xs_setup();
    /* free-running indices that also pass 2^32 on the way */
    struct xenstore_domain_interface *r = xs.intf;
    r->req_prod = r->req_cons = r->rsp_prod = r->rsp_cons = 0xffffff00u;
    xsd.in_idx = 0xffffff00u;

    for (unsigned int i = 0; i < 300; i++) {
        char path[32];
        size_t n = 1 + (i * 37) % 190;
        snprintf(path, sizeof(path), "wrap/%u", i % 7);
        for (size_t k = 0; k < n; k++)
            value[k] = (char)('a' + (i + k) % 26);
        value[n] = '\0';
        CHECK_EQ(xs_front_write(&xs, path, value), 0);
        CHECK_EQ(xs_front_read(&xs, path, back, sizeof(back)), (int)n);
        CHECK(memcmp(back, value, n + 1) == 0);
    }
    CHECK((uint32_t)(r->req_prod - 0xffffff00u) > 10 * XENSTORE_RING_SIZE);
    CHECK((uint32_t)(r->rsp_prod - 0xffffff00u) > 5 * XENSTORE_RING_SIZE);
    CHECK(xsd.req_split > 5);       /* requests split across the end of req[] */
    CHECK(xsd.rsp_split > 5);       /* and replies across the end of rsp[] */

    /* a value larger than the whole ring goes through in pieces both ways */
    for (size_t k = 0; k < 3000; k++)
        value[k] = (char)('A' + k % 23);
    value[3000] = '\0';
    CHECK_EQ(xs_front_write(&xs, "wrap/big", value), 0);
    CHECK_EQ(node_len("wrap/big"), 3000);
    CHECK_EQ(xs_front_read(&xs, "wrap/big", back, sizeof(back)), 3000);
    CHECK(memcmp(back, value, 3001) == 0);
    CHECK_EQ(xs.broken, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_xs_timeout_breaks(void)
{
    char buf[16];
    xs_setup();
    CHECK_EQ(xs_front_write(&xs, "a", "1"), 0);
    xsd.mute = true;
    uint64_t t0 = sim.now;
    CHECK_EQ(xs_front_read(&xs, "a", buf, sizeof(buf)), -ETIMEDOUT);
    CHECK(sim.now >= t0 + XS_FRONT_TIMEOUT_MS);
    CHECK(sim.now < t0 + XS_FRONT_TIMEOUT_MS + 100);
    CHECK_EQ(xs.broken, -ETIMEDOUT);

    /* even with the server back, the framing is lost: calls fail at once,
     * writing nothing and waiting for nothing */
    xsd.mute = false;
    XENSTORE_RING_IDX prod = xs.intf->req_prod;
    t0 = sim.now;
    CHECK_EQ(xs_front_write(&xs, "a", "2"), -ETIMEDOUT);
    CHECK_EQ(xs_front_read(&xs, "a", buf, sizeof(buf)), -ETIMEDOUT);
    CHECK_EQ(xs_front_watch(&xs, "a", "t"), -ETIMEDOUT);
    CHECK_EQ(xs_front_wait_watch(&xs, 500), -ETIMEDOUT);
    CHECK_EQ(xs.intf->req_prod, prod);
    CHECK_EQ(sim.now, t0);
    CHECK(streq(xs_get("a"), "1"));
}

static void test_xs_wrong_req_id(void)
{
    char buf[16];
    xs_setup();
    CHECK_EQ(xs_front_write(&xs, "a", "1"), 0);
    xsd.wrong_req_id = true;
    CHECK_EQ(xs_front_read(&xs, "a", buf, sizeof(buf)), -EBADMSG);
    CHECK_EQ(xs.broken, -EBADMSG);
    unsigned int requests = xsd.requests;
    CHECK_EQ(xs_front_write(&xs, "a", "2"), -EBADMSG);
    CHECK_EQ(xs_front_read(&xs, "a", buf, sizeof(buf)), -EBADMSG);
    pump();
    CHECK_EQ(xsd.requests, requests);   /* nothing more was sent */
    CHECK(streq(xs_get("a"), "1"));
}

static void test_xs_error_codes(void)
{
    static const struct { const char *s; int code; } map[] = {
        { "ENOENT", -ENOENT }, { "EACCES", -EACCES }, { "EEXIST", -EEXIST }, { "EINVAL", -EINVAL },
        { "EISDIR", -EISDIR }, { "ENOMEM", -ENOMEM }, { "ENOSPC", -ENOSPC }, { "EIO", -EIO },
        { "ENOTEMPTY", -ENOTEMPTY }, { "ENOSYS", -ENOSYS }, { "EROFS", -EROFS }, { "EBUSY", -EBUSY },
        { "EAGAIN", -EAGAIN }, { "EISCONN", -EISCONN }, { "E2BIG", -E2BIG }, { "EPERM", -EPERM },
        { "EQUOTA", -ENOSPC },
        /* what no xenstored sends */
        { "EWHATEVER", -EIO }, { "", -EIO }, { "enoent", -EIO }, { "ENOENT ", -EIO }, { "ENOEN", -EIO },
    };
    for (unsigned int i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        CHECK_EQ(xs_front_error_code(map[i].s), map[i].code);
}

/* ---- gnttab_front ------------------------------------------------------------------------ */

static void test_gnt_grant_entries(void)
{
    sim_reset();
    grant_entry_v1_t *t = page_alloc(1);
    CHECK_EQ(gnttab_front_init(&gnt, t, 1), 0);
    CHECK_EQ(gnt.nr_entries, 512);

    int r1 = gnttab_front_grant(&gnt, 0, 0x12345, false);
    CHECK(r1 >= GNTTAB_NR_RESERVED_ENTRIES && r1 < 512);
    if (r1 < 0)
        return;
    CHECK_EQ(t[r1].frame, 0x12345);
    CHECK_EQ(t[r1].domid, 0);
    CHECK_EQ(t[r1].flags, GTF_permit_access);

    int r2 = gnttab_front_grant(&gnt, 7, 0xfedcba98, true);
    CHECK(r2 >= GNTTAB_NR_RESERVED_ENTRIES && r2 < 512 && r2 != r1);
    if (r2 < 0)
        return;
    CHECK_EQ(t[r2].frame, 0xfedcba98u);
    CHECK_EQ(t[r2].domid, 7);
    CHECK_EQ(t[r2].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(gnt.in_use, 2);

    /* a v1 entry has 32 bits of frame */
    CHECK_EQ(gnttab_front_grant(&gnt, 0, 1ULL << 32, false), -EINVAL);
    CHECK_EQ(gnt.in_use, 2);

    CHECK_EQ(gnttab_front_end(&gnt, (grant_ref_t)r1), 0);
    CHECK_EQ(t[r1].flags, 0);
    CHECK_EQ(gnt.in_use, 1);
    CHECK_EQ(t[r2].flags, GTF_permit_access | GTF_readonly);
}

static void test_gnt_reserved_and_full(void)
{
    static bool seen[512];
    sim_reset();
    grant_entry_v1_t *t = page_alloc(1);
    /* the toolstack's entries (console, xenstore) */
    for (unsigned int r = 0; r < GNTTAB_NR_RESERVED_ENTRIES; r++)
        t[r] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 0, .frame = 0x777 + r };
    CHECK_EQ(gnttab_front_init(&gnt, t, 1), 0);

    memset(seen, 0, sizeof(seen));
    for (unsigned int i = 0; i < 512 - GNTTAB_NR_RESERVED_ENTRIES; i++) {
        int r = gnttab_front_grant(&gnt, 1, 0x1000 + i, false);
        CHECK(r >= GNTTAB_NR_RESERVED_ENTRIES && r < 512);
        if (r < GNTTAB_NR_RESERVED_ENTRIES || r >= 512)
            return;
        CHECK(!seen[r]);
        seen[r] = true;
    }
    CHECK_EQ(gnt.in_use, 512 - GNTTAB_NR_RESERVED_ENTRIES);
    CHECK_EQ(gnttab_front_grant(&gnt, 1, 0x5000, false), -ENOSPC);
    for (unsigned int r = 0; r < GNTTAB_NR_RESERVED_ENTRIES; r++) {
        CHECK_EQ(t[r].frame, 0x777 + r);
        CHECK_EQ(t[r].domid, 0);
        CHECK_EQ(t[r].flags, GTF_permit_access);
    }
    /* the toolstack's refs cannot be ended through us */
    CHECK_EQ(gnttab_front_end(&gnt, 3), -EINVAL);
    CHECK_EQ(t[3].flags, GTF_permit_access);

    /* ending one frees it for the next grant */
    CHECK_EQ(gnttab_front_end(&gnt, 100), 0);
    CHECK_EQ(gnt.in_use, 512 - GNTTAB_NR_RESERVED_ENTRIES - 1);
    CHECK_EQ(gnttab_front_grant(&gnt, 2, 0x6000, true), 100);
    CHECK_EQ(t[100].frame, 0x6000);
    CHECK_EQ(t[100].domid, 2);
    CHECK_EQ(gnttab_front_grant(&gnt, 2, 0x6001, true), -ENOSPC);
}

static void test_gnt_end(void)
{
    sim_reset();
    grant_entry_v1_t *t = page_alloc(1);
    CHECK_EQ(gnttab_front_init(&gnt, t, 1), 0);
    int r = gnttab_front_grant(&gnt, 0, 0x4242, false);
    CHECK(r >= GNTTAB_NR_RESERVED_ENTRIES);
    if (r < 0)
        return;

    /* mapped by the other side: it stays granted and is not handed out again */
    t[r].flags |= GTF_reading;
    CHECK_EQ(gnttab_front_end(&gnt, (grant_ref_t)r), -EBUSY);
    CHECK_EQ(t[r].flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(t[r].frame, 0x4242);
    CHECK_EQ(gnt.in_use, 1);
    int other = gnttab_front_grant(&gnt, 0, 0x4343, false);
    CHECK(other >= 0 && other != r);
    t[r].flags = GTF_permit_access | GTF_writing;
    CHECK_EQ(gnttab_front_end(&gnt, (grant_ref_t)r), -EBUSY);
    CHECK_EQ(t[r].flags, GTF_permit_access | GTF_writing);

    /* unmapped: now it goes */
    t[r].flags = GTF_permit_access;
    CHECK_EQ(gnttab_front_end(&gnt, (grant_ref_t)r), 0);
    CHECK_EQ(t[r].flags, 0);
    CHECK_EQ(gnt.in_use, 1);

    /* twice, never granted, out of the table */
    CHECK_EQ(gnttab_front_end(&gnt, (grant_ref_t)r), -EINVAL);
    CHECK_EQ(gnttab_front_end(&gnt, 300), -EINVAL);
    CHECK_EQ(gnttab_front_end(&gnt, 512), -EINVAL);
    CHECK_EQ(gnttab_front_end(&gnt, 0xffffffffu), -EINVAL);
    CHECK_EQ(gnt.in_use, 1);
}

static void test_gnt_init_limits(void)
{
    sim_reset();
    void *t = page_alloc(4);
    CHECK_EQ(gnttab_front_init(&gnt, t, 0), -EINVAL);
    CHECK_EQ(gnttab_front_init(&gnt, t, 5), -EINVAL);      /* more than GNTTAB_FRONT_MAX_ENTRIES */
    CHECK_EQ(gnttab_front_init(&gnt, t, 0x80000000u), -EINVAL);
    CHECK_EQ(gnttab_front_init(&gnt, NULL, 1), -EINVAL);
    CHECK_EQ(gnttab_front_init(&gnt, t, 4), 0);
    CHECK_EQ(gnt.nr_entries, GNTTAB_FRONT_MAX_ENTRIES);
    /* all four frames are used */
    int r = -1;
    for (unsigned int i = 0; i < GNTTAB_FRONT_MAX_ENTRIES - GNTTAB_NR_RESERVED_ENTRIES; i++)
        r = gnttab_front_grant(&gnt, 0, 0x100 + i, false);
    CHECK_EQ(r, GNTTAB_FRONT_MAX_ENTRIES - 1);
    CHECK_EQ(((grant_entry_v1_t *)t)[GNTTAB_FRONT_MAX_ENTRIES - 1].frame,
             0x100 + GNTTAB_FRONT_MAX_ENTRIES - GNTTAB_NR_RESERVED_ENTRIES - 1);
    CHECK_EQ(gnttab_front_grant(&gnt, 0, 0x99, false), -ENOSPC);
}

/* ---- cons_front -------------------------------------------------------------------------- */

static struct cons_front cons;
static char msg[12000];

static void cons_setup(void)
{
    sim_reset();
    cd.intf = page_alloc(1);
    cons_front_init(&cons, cd.intf, CONS_PORT);
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (char)(' ' + (i * 13 + i / 97) % 95);
}

static void test_cons_output_wraps(void)
{
    cons_setup();
    struct xencons_interface *r = cd.intf;
    /* 1024 bytes before the index passes 2^32, in the middle of out[] */
    r->out_prod = r->out_cons = 0xfffffc00u;
    CHECK_EQ(cons_front_write(&cons, msg, 1500), 1500);
    CHECK_EQ(r->out_prod, 0xfffffc00u + 1500u);
    CHECK_EQ(cd_take(), 1500);
    CHECK(memcmp(cd.got, msg, 1500) == 0);
    /* a whole ring's worth starting past the wrap */
    CHECK_EQ(cons_front_write(&cons, msg + 1500, 2048), 2048);
    CHECK_EQ(cd_take(), 2048);
    CHECK(memcmp(cd.got, msg, 3548) == 0);
    CHECK_EQ(cons.dropped, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_cons_output_waits_for_reader(void)
{
    cons_setup();
    cd.drain = true;
    CHECK_EQ(cons_front_write(&cons, msg, 10000), 10000);
    CHECK_EQ(cd.got_len, 10000);
    CHECK(memcmp(cd.got, msg, 10000) == 0);
    CHECK_EQ(cons.dropped, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_cons_output_drops_when_stalled(void)
{
    cons_setup();
    uint64_t t0 = sim.now;
    CHECK_EQ(cons_front_write(&cons, msg, 3000), 2048);
    CHECK_EQ(cons.dropped, 952);
    CHECK(sim.now >= t0 + cons.timeout_ms);
    CHECK(sim.now < t0 + cons.timeout_ms + 100);
    CHECK_EQ(cons_front_write(&cons, msg, 10), 0);
    CHECK_EQ(cons.dropped, 962);
    /* what went in is the start of the output, intact */
    CHECK_EQ(cd_take(), 2048);
    CHECK(memcmp(cd.got, msg, 2048) == 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_cons_input(void)
{
    cons_setup();
    struct xencons_interface *r = cd.intf;
    const char typed[] = "hello world";
    r->in_cons = r->in_prod = 1020;     /* across the end of in[] */
    for (size_t i = 0; i < 11; i++)
        r->in[MASK_XENCONS_IDX(r->in_prod + i, r->in)] = typed[i];
    r->in_prod += 11;

    char buf[8];
    CHECK_EQ(cons_front_read(&cons, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(r->in_cons, 1025);
    CHECK_EQ(cons_front_read(&cons, buf, sizeof(buf)), 6);
    CHECK(memcmp(buf, " world", 6) == 0);
    CHECK_EQ(r->in_cons, 1031);
    CHECK_EQ(cons_front_read(&cons, buf, sizeof(buf)), 0);
    CHECK_EQ(r->in_cons, 1031);
}

static void test_cons_bogus_in_prod(void)
{
    cons_setup();
    struct xencons_interface *r = cd.intf;
    for (size_t i = 0; i < sizeof(r->in); i++)
        r->in[i] = msg[i];
    r->in_cons = 0;
    r->in_prod = 5000;
    char *buf = malloc(4096);
    CHECK_EQ(cons_front_read(&cons, buf, 4096), sizeof(r->in));
    CHECK(memcmp(buf, msg, sizeof(r->in)) == 0);
    CHECK_EQ(r->in_cons, sizeof(r->in));
    free(buf);
}

/* ---- xenbus_front + blkfront ------------------------------------------------------------- */

#define VBD_ID 51712u
static struct blkfront bf;

static void vbd_setup(uint64_t sectors, unsigned int sector_size, unsigned int info)
{
    xs_setup();
    gnt_setup(4);
    vbd.present = true;
    snprintf(vbd.front, sizeof(vbd.front), "device/vbd/%u", VBD_ID);
    snprintf(vbd.back, sizeof(vbd.back), "/local/domain/0/backend/vbd/1/%u", VBD_ID);
    xs_put(key(vbd.front, "backend"), vbd.back);
    xs_put(key(vbd.front, "backend-id"), "0");
    xs_put(key(vbd.front, "state"), "1");
    xs_put(key(vbd.back, "state"), "2");
    blk.sectors = sectors;
    blk.sector_size = sector_size;
    blk.info = info;
    blk.flush = true;
}

/* A connected vbd of `sectors` 512-byte sectors. */
static int vbd_connect(uint64_t sectors, unsigned int info)
{
    vbd_setup(sectors, 512, info);
    return blkfront_connect(&bf, &xs, &gnt, VBD_ID, page_alloc(1));
}

static void test_blk_connect(void)
{
    vbd_setup(256, 4096, 0);
    unsigned int base = gnt.in_use;
    void *ring = page_alloc(1);
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID, ring), 0);
    CHECK_EQ(sim.faults, 0);

    /* what it published */
    CHECK_EQ(num_at(key(vbd.front, "ring-ref")), bf.ring_ref);
    CHECK(bf.ring_ref >= GNTTAB_NR_RESERVED_ENTRIES && bf.ring_ref < (int)gtable_entries);
    if (bf.ring_ref >= 0) {
        CHECK_EQ(gtable[bf.ring_ref].frame, (uintptr_t)ring >> 12);
        CHECK_EQ(gtable[bf.ring_ref].domid, 0);
        CHECK_EQ(gtable[bf.ring_ref].flags, GTF_permit_access);
    }
    CHECK_EQ(num_at(key(vbd.front, "event-channel")), bf.port);
    CHECK_EQ(sim.remote[bf.port], 0);
    CHECK(streq(xs_get(key(vbd.front, "protocol")), XEN_IO_PROTO_ABI_NATIVE));
    CHECK(streq(vbd.history, "3,4"));
    CHECK(streq(xs_get(key(vbd.back, "state")), "4"));
    CHECK_EQ(xsd.nwatch, 0);
    CHECK_EQ(gnt.in_use, base + 1);

    /* what it read */
    CHECK_EQ(bf.sectors, 256);
    CHECK_EQ(bf.sector_size, 4096);
    CHECK(!bf.readonly);
    CHECK(bf.flush);
    CHECK(!bf.barrier);
    /* 256 sectors of 4096 bytes: the last 512-byte sector is 2047 */
    uint8_t *buf = page_alloc(1);
    CHECK_EQ(blkfront_rw(&bf, false, 2047, buf, 512), 0);
    CHECK_EQ(blkfront_rw(&bf, false, 2048, buf, 512), -EINVAL);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_write_read(void)
{
    CHECK_EQ(vbd_connect(2048, 0), 0);
    const size_t len = 100 * 1024 + 1536;  /* 26 pages, the last one partly: 3 requests */
    uint8_t *w = page_alloc(26), *rd = page_alloc(26);
    for (size_t i = 0; i < len; i++)
        w[i] = (uint8_t)(i * 7 + i / 4096);
    unsigned int base = gnt.in_use;

    CHECK_EQ(blkfront_rw(&bf, true, 64, w, len), 0);
    CHECK_EQ(blk.requests, 3);
    CHECK_EQ(blk.log[0].sector, 64);
    CHECK_EQ(blk.log[0].nseg, 11);
    CHECK_EQ(blk.log[1].sector, 64 + 88);
    CHECK_EQ(blk.log[1].nseg, 11);
    CHECK_EQ(blk.log[2].sector, 64 + 176);
    CHECK_EQ(blk.log[2].nseg, 4);
    CHECK(memcmp(disk + 64 * 512, w, len) == 0);
    CHECK_EQ(disk[64 * 512 - 1], 0);
    CHECK_EQ(disk[64 * 512 + len], 0);
    /* every grant ended */
    CHECK_EQ(gnt.in_use, base);
    for (unsigned int q = 0; q < 3; q++)
        for (unsigned int s = 0; s < blk.log[q].nseg; s++)
            CHECK_EQ(gtable[blk.log[q].gref[s]].flags, 0);

    CHECK_EQ(blkfront_rw(&bf, false, 64, rd, len), 0);
    CHECK_EQ(blk.requests, 6);
    CHECK(memcmp(rd, w, len) == 0);
    CHECK_EQ(gnt.in_use, base);
    CHECK_EQ(bf.in_flight, 0);
    CHECK_EQ(bf.errors, 0);
    CHECK_EQ(bf.grants_kept, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_readonly(void)
{
    CHECK_EQ(vbd_connect(2048, VDISK_READONLY), 0);
    CHECK(bf.readonly);
    uint8_t *buf = page_alloc(1);
    memset(buf, 0x5a, PAGE_SIZE);
    unsigned int base = gnt.in_use;
    RING_IDX prod = bf.ring.sring->req_prod;
    CHECK_EQ(blkfront_rw(&bf, true, 0, buf, PAGE_SIZE), -EROFS);
    CHECK_EQ(bf.ring.sring->req_prod, prod);
    CHECK_EQ(blk.requests, 0);
    CHECK_EQ(gnt.in_use, base);
    CHECK_EQ(disk[0], 0);
    /* reading is fine */
    disk[0] = 0x11;
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), 0);
    CHECK_EQ(buf[0], 0x11);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_io_error(void)
{
    CHECK_EQ(vbd_connect(2048, 0), 0);
    uint8_t *buf = page_alloc(24);
    unsigned int base = gnt.in_use;
    blk.answer = BLKIF_RSP_ERROR;
    CHECK_EQ(blkfront_rw(&bf, true, 0, buf, 2 * PAGE_SIZE), -EIO);
    CHECK_EQ(bf.errors, 1);
    CHECK_EQ(gnt.in_use, base);
    /* only the second of three requests fails: the whole I/O does */
    blk.answer = BLKIF_RSP_OKAY;
    blk.fail_request = blk.requests + 2;
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, 24 * PAGE_SIZE), -EIO);
    CHECK_EQ(gnt.in_use, base);
    CHECK_EQ(bf.in_flight, 0);
    /* an error does not break the device */
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), 0);
    blk.answer = BLKIF_RSP_EOPNOTSUPP;
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), -EOPNOTSUPP);
    CHECK_EQ(bf.broken, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_response_id_never_issued(void)
{
    const uint64_t ids[] = { 20, BLKFRONT_SLOTS, 1ULL << 40 };
    for (unsigned int i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        CHECK_EQ(vbd_connect(2048, 0), 0);
        uint8_t *buf = page_alloc(1);
        blk.bad_id = true;
        blk.bad_id_value = ids[i];
        CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), -EBADMSG);
        CHECK_EQ(bf.broken, -EBADMSG);
        /* broken for good: nothing more goes out */
        blk.bad_id = false;
        unsigned int requests = blk.requests;
        RING_IDX prod = bf.ring.sring->req_prod;
        CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), -EBADMSG);
        CHECK_EQ(blkfront_flush(&bf), -EBADMSG);
        CHECK_EQ(bf.ring.sring->req_prod, prod);
        CHECK_EQ(blk.requests, requests);
    }
}

static void test_blk_backend_stops_answering(void)
{
    CHECK_EQ(vbd_connect(2048, 0), 0);
    uint8_t *buf = page_alloc(1);
    unsigned int base = gnt.in_use;
    blk.mute = true;
    uint64_t t0 = sim.now;
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), -ETIMEDOUT);
    CHECK(sim.now >= t0 + BLKFRONT_IO_TIMEOUT_MS);
    CHECK(sim.now < t0 + BLKFRONT_IO_TIMEOUT_MS + 200);
    /* the backend may still write the page: its grant is not taken back */
    CHECK_EQ(bf.in_flight, 1);
    CHECK_EQ(gnt.in_use, base + 1);
    /* and the ring is not used again: a late answer cannot count for new I/O */
    blk.mute = false;
    t0 = sim.now;
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, PAGE_SIZE), -ETIMEDOUT);
    CHECK_EQ(blkfront_flush(&bf), -ETIMEDOUT);
    CHECK(sim.now < t0 + 100);
}

/* Grants run out in the middle of an I/O: nothing of it may stay granted
 * or in flight when the call returns, the caller's buffer is its own again. */
static void test_blk_out_of_grants(void)
{
    CHECK_EQ(vbd_connect(2048, 0), 0);
    uint8_t *buf = page_alloc(20);
    memset(buf, 0x3c, 20 * PAGE_SIZE);
    /* leave 15 free: the first request (11 pages) goes, the second cannot */
    while (gnt.in_use < gnt.nr_entries - GNTTAB_NR_RESERVED_ENTRIES - 15)
        if (gnttab_front_grant(&gnt, 9, 0x1234, true) < 0)
            break;
    unsigned int base = gnt.in_use;
    CHECK_EQ(blkfront_rw(&bf, true, 0, buf, 20 * PAGE_SIZE), -ENOSPC);
    CHECK_EQ(blk.requests, 1);
    CHECK_EQ(bf.in_flight, 0);
    CHECK_EQ(gnt.in_use, base);
    /* with room again, the next I/O goes through whole */
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, 11 * PAGE_SIZE), 0);
    CHECK_EQ(gnt.in_use, base);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_flush(void)
{
    CHECK_EQ(vbd_connect(2048, 0), 0);
    CHECK_EQ(blkfront_flush(&bf), 0);
    CHECK_EQ(blk.flushes, 1);
    blk.answer = BLKIF_RSP_EOPNOTSUPP;
    CHECK_EQ(blkfront_flush(&bf), -EOPNOTSUPP);
    /* a backend without feature-flush-cache or feature-barrier is not asked */
    vbd_setup(2048, 512, 0);
    blk.flush = false;
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID, page_alloc(1)), 0);
    CHECK(!bf.flush && !bf.barrier);
    CHECK_EQ(blkfront_flush(&bf), -EOPNOTSUPP);
    CHECK_EQ(blk.requests, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_bounds(void)
{
    CHECK_EQ(vbd_connect(2048, 0), 0);
    uint8_t *buf = page_alloc(1);
    memset(buf, 0x77, PAGE_SIZE);
    CHECK_EQ(blkfront_rw(&bf, false, 2047, buf, 1024), -EINVAL);   /* one sector past the end */
    CHECK_EQ(blkfront_rw(&bf, true, 2048, buf, 512), -EINVAL);
    CHECK_EQ(blkfront_rw(&bf, false, UINT64_MAX - 3, buf, PAGE_SIZE), -EINVAL);  /* wraps */
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf, 100), -EINVAL);       /* not whole sectors */
    CHECK_EQ(blkfront_rw(&bf, false, 0, buf + 512, 512), -EINVAL); /* not page aligned */
    CHECK_EQ(blk.requests, 0);
    /* the last sector itself is fine */
    CHECK_EQ(blkfront_rw(&bf, true, 2047, buf, 512), 0);
    CHECK_EQ(disk[2047 * 512], 0x77);
    CHECK_EQ(disk[DISK_BYTES - 1], 0x77);
    CHECK_EQ(sim.faults, 0);
}

static void test_blk_backend_closes_during_connect(void)
{
    vbd_setup(2048, 512, 0);
    vbd.close_on_connect = true;
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID, page_alloc(1)), -ENOTCONN);
    CHECK(streq(vbd.history, "3,6"));
    CHECK(streq(xs_get(key(vbd.front, "state")), "6"));
    CHECK_EQ(xsd.nwatch, 0);
}

static void test_blk_backend_stuck_in_initwait(void)
{
    vbd_setup(2048, 512, 0);
    vbd.stay_initwait = true;
    uint64_t t0 = sim.now;
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID, page_alloc(1)), -ETIMEDOUT);
    CHECK(sim.now >= t0 + 30000);
    CHECK(sim.now < t0 + 31000);
    CHECK(streq(vbd.history, "3"));
    CHECK(streq(xs_get(key(vbd.back, "state")), "2"));
    CHECK_EQ(xsd.nwatch, 0);
    CHECK_EQ(xs.broken, 0);
    /* the ring page was never mapped: its grant is back */
    CHECK_EQ(bf.ring_ref, -1);
    CHECK_EQ(gnt.in_use, 0);
}

static void test_blk_missing_device(void)
{
    vbd_setup(2048, 512, 0);
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID + 16, page_alloc(1)), -ENOENT);
    /* a backend path that is not absolute */
    xs_put(key(vbd.front, "backend"), "backend/vbd/1/51712");
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID, page_alloc(1)), -EINVAL);
    CHECK(streq(vbd.history, ""));
}

static void test_blk_close(void)
{
    vbd_setup(2048, 512, 0);
    unsigned int base = gnt.in_use;
    CHECK_EQ(blkfront_connect(&bf, &xs, &gnt, VBD_ID, page_alloc(1)), 0);
    CHECK_EQ(blkfront_close(&bf), 0);
    CHECK(streq(vbd.history, "3,4,5,6"));
    CHECK(streq(xs_get(key(vbd.back, "state")), "6"));
    CHECK_EQ(gnt.in_use, base);     /* the ring's grant too */
    CHECK_EQ(bf.grants_kept, 0);
    CHECK_EQ(xsd.nwatch, 0);
    CHECK_EQ(sim.faults, 0);
}

/* ---- netfront ---------------------------------------------------------------------------- */

static struct netfront nf;
static struct netfront_pages *np;

static void vif_setup(void)
{
    xs_setup();
    gnt_setup(4);
    vif.present = true;
    snprintf(vif.front, sizeof(vif.front), "device/vif/0");
    snprintf(vif.back, sizeof(vif.back), "/local/domain/0/backend/vif/1/0");
    xs_put(key(vif.front, "backend"), vif.back);
    xs_put(key(vif.front, "backend-id"), "0");
    xs_put(key(vif.front, "state"), "1");
    xs_put(key(vif.front, "mac"), "00:16:3e:0a:0b:0c");
    xs_put(key(vif.back, "state"), "2");
    np = page_alloc(sizeof(struct netfront_pages) / PAGE_SIZE);
    memset(np->tx, 0xaa, sizeof(np->tx));   /* stale bytes a short frame must not carry */
}

static int vif_connect(void)
{
    vif_setup();
    return netfront_connect(&nf, &xs, &gnt, 0, np);
}

static void test_net_parse_mac(void)
{
    uint8_t mac[6] = { 0 };
    CHECK_EQ(netfront_parse_mac("00:16:3e:0a:0b:0c", mac), 0);
    CHECK(memcmp(mac, "\x00\x16\x3e\x0a\x0b\x0c", 6) == 0);
    CHECK_EQ(netfront_parse_mac("FE:ff:3E:A0:b1:C2", mac), 0);
    CHECK(memcmp(mac, "\xfe\xff\x3e\xa0\xb1\xc2", 6) == 0);
    const char *bad[] = {
        "", "00:16:3e:0a:0b", "00:16:3e:0a:0b:", "00:16:3e:0a:0b:0", "0:16:3e:0a:0b:0c",
        "00-16-3e-0a-0b-0c", "00:16:3e:0a:0b-0c", "00:16:3g:0a:0b:0c", "00:16:3e:0a:0b:0x",
        "00:16:3e:0a:0b:0c:", "00:16:3e:0a:0b:0c0", "00:16:3e:0a:0b:0c ", " 00:16:3e:0a:0b:0c",
    };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(mac, 0x99, sizeof(mac));
        CHECK_EQ(netfront_parse_mac(bad[i], mac), -EINVAL);
    }
}

static void test_net_connect(void)
{
    vif_setup();
    CHECK_EQ(netfront_connect(&nf, &xs, &gnt, 0, np), 0);
    CHECK_EQ(sim.faults, 0);
    CHECK_EQ(num_at(key(vif.front, "tx-ring-ref")), nf.tx_ring_ref);
    CHECK_EQ(num_at(key(vif.front, "rx-ring-ref")), nf.rx_ring_ref);
    if (nf.tx_ring_ref >= 0 && nf.rx_ring_ref >= 0) {
        CHECK_EQ(gtable[nf.tx_ring_ref].frame, (uintptr_t)np->tx_ring >> 12);
        CHECK_EQ(gtable[nf.rx_ring_ref].frame, (uintptr_t)np->rx_ring >> 12);
    }
    CHECK_EQ(num_at(key(vif.front, "event-channel")), nf.port);
    CHECK(streq(xs_get(key(vif.front, "request-rx-copy")), "1"));
    CHECK(streq(xs_get(key(vif.front, "feature-rx-notify")), "1"));
    CHECK(streq(vif.history, "4"));
    CHECK(streq(xs_get(key(vif.back, "state")), "4"));
    CHECK(memcmp(nf.mac, "\x00\x16\x3e\x0a\x0b\x0c", 6) == 0);
    CHECK_EQ(gnt.in_use, 2 + NETFRONT_RX_BUFS + NETFRONT_TX_BUFS);
    /* every receive buffer is offered to the backend */
    CHECK(vif.connected);
    if (vif.connected)
        CHECK_EQ(nb.rx.sring->req_prod - nb.rx.req_cons, NETFRONT_RX_BUFS);
    CHECK_EQ(xsd.nwatch, 0);

    /* and a malformed mac stops it before anything is published */
    vif_setup();
    xs_put(key(vif.front, "mac"), "00:16:3e:0a:0b");
    CHECK_EQ(netfront_connect(&nf, &xs, &gnt, 0, np), -EINVAL);
    CHECK(streq(vif.history, ""));
}

static void test_net_send(void)
{
    CHECK_EQ(vif_connect(), 0);
    uint8_t f[NETFRONT_MAX_FRAME];
    memset(f, 0xff, 6);                 /* an ARP request: 42 bytes */
    memcpy(f + 6, nf.mac, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    for (unsigned int i = 14; i < 42; i++)
        f[i] = (uint8_t)i;
    CHECK_EQ(netfront_send(&nf, f, 42), 0);
    CHECK_EQ(nb.frames, 1);
    CHECK_EQ(nb.frame_len, 60);
    CHECK(memcmp(nb.frame, f, 42) == 0);
    for (unsigned int i = 42; i < 60; i++)
        CHECK_EQ(nb.frame[i], 0);

    /* transmit buffers come back: more frames than buffers all go out */
    for (unsigned int n = 0; n < 3 * NETFRONT_TX_BUFS; n++) {
        f[20] = (uint8_t)n;
        CHECK_EQ(netfront_send(&nf, f, NETFRONT_MAX_FRAME), 0);
    }
    CHECK_EQ(nb.frames, 1 + 3 * NETFRONT_TX_BUFS);
    CHECK_EQ(nb.frame_len, NETFRONT_MAX_FRAME);
    CHECK(memcmp(nb.frame, f, NETFRONT_MAX_FRAME) == 0);
    CHECK_EQ(nf.tx_errors, 0);
    CHECK_EQ(sim.faults, 0);
}

static void test_net_send_sizes(void)
{
    CHECK_EQ(vif_connect(), 0);
    static uint8_t f[NETFRONT_MAX_FRAME + 1];
    RING_IDX prod = nf.tx.sring->req_prod;
    CHECK_EQ(netfront_send(&nf, f, NETFRONT_MAX_FRAME + 1), -EMSGSIZE);
    CHECK_EQ(netfront_send(&nf, f, 13), -EMSGSIZE);
    CHECK_EQ(nf.tx.sring->req_prod, prod);
    CHECK_EQ(nb.frames, 0);
    CHECK_EQ(netfront_send(&nf, f, 60), 0);
    CHECK_EQ(nb.frame_len, 60);
}

static void test_net_send_stalled(void)
{
    CHECK_EQ(vif_connect(), 0);
    uint8_t f[60] = { 0 };
    nb.tx_mute = true;
    for (unsigned int n = 0; n < NETFRONT_TX_BUFS; n++)
        CHECK_EQ(netfront_send(&nf, f, sizeof(f)), 0);
    uint64_t t0 = sim.now;
    CHECK_EQ(netfront_send(&nf, f, sizeof(f)), -ETIMEDOUT);
    CHECK(sim.now >= t0 + 5000);
    /* the backend catches up: buffers free again */
    nb.tx_mute = false;
    pump();
    CHECK_EQ(netfront_send(&nf, f, sizeof(f)), 0);
    CHECK_EQ(nb.frames, NETFRONT_TX_BUFS + 1);
}

static void test_net_recv(void)
{
    CHECK_EQ(vif_connect(), 0);
    uint8_t f[98];
    for (unsigned int i = 0; i < sizeof(f); i++)
        f[i] = (uint8_t)(i * 3 + 1);
    uint8_t *buf = malloc(NETFRONT_MAX_FRAME);
    CHECK(netback_deliver(f, sizeof(f), 0));
    CHECK_EQ(netfront_recv(&nf, buf, NETFRONT_MAX_FRAME, 1000), 98);
    CHECK(memcmp(buf, f, sizeof(f)) == 0);
    CHECK_EQ(nf.rx_packets, 1);
    /* the buffer went straight back */
    CHECK_EQ(nb.rx.sring->req_prod - nb.rx.req_cons, NETFRONT_RX_BUFS);

    /* not at the start of its page */
    f[0] = 0xee;
    CHECK(netback_deliver(f, 64, 128));
    CHECK_EQ(netfront_recv(&nf, buf, NETFRONT_MAX_FRAME, 1000), 64);
    CHECK(memcmp(buf, f, 64) == 0);

    /* more than all the buffers, one at a time */
    for (unsigned int n = 0; n < 2 * NETFRONT_RX_BUFS; n++) {
        f[1] = (uint8_t)n;
        CHECK(netback_deliver(f, sizeof(f), 0));
        CHECK_EQ(netfront_recv(&nf, buf, NETFRONT_MAX_FRAME, 1000), 98);
        CHECK_EQ(buf[1], (uint8_t)n);
    }

    /* a buffer too small for the frame: -EMSGSIZE, and it is gone */
    CHECK(netback_deliver(f, sizeof(f), 0));
    CHECK_EQ(netfront_recv(&nf, buf, 50, 1000), -EMSGSIZE);
    CHECK_EQ(nf.rx_dropped, 1);
    CHECK_EQ(netfront_recv(&nf, buf, NETFRONT_MAX_FRAME, 100), 0);
    CHECK_EQ(nf.broken, 0);
    free(buf);
    CHECK_EQ(sim.faults, 0);
}

static void test_net_recv_nothing(void)
{
    CHECK_EQ(vif_connect(), 0);
    uint8_t buf[64];
    uint64_t t0 = sim.now;
    CHECK_EQ(netfront_recv(&nf, buf, sizeof(buf), 500), 0);
    CHECK(sim.now >= t0 + 500);
    CHECK(sim.now < t0 + 600);
    CHECK_EQ(nf.rx_packets, 0);
}

int main(void)
{
    CHECK_MAIN_BEGIN("pv_front");
    arena = mmap((void *)ARENA_BASE, (size_t)ARENA_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (arena == MAP_FAILED) {
        printf("FAIL pv_front: cannot map the page arena at %#lx\n", ARENA_BASE);
        return 1;
    }
    RUN(test_xs_round_trips);
    RUN(test_xs_errors);
    RUN(test_xs_erange);
    RUN(test_xs_watch_events);
    RUN(test_xs_ring_wrap);
    RUN(test_xs_timeout_breaks);
    RUN(test_xs_wrong_req_id);
    RUN(test_xs_error_codes);
    RUN(test_gnt_grant_entries);
    RUN(test_gnt_reserved_and_full);
    RUN(test_gnt_end);
    RUN(test_gnt_init_limits);
    RUN(test_cons_output_wraps);
    RUN(test_cons_output_waits_for_reader);
    RUN(test_cons_output_drops_when_stalled);
    RUN(test_cons_input);
    RUN(test_cons_bogus_in_prod);
    RUN(test_blk_connect);
    RUN(test_blk_write_read);
    RUN(test_blk_readonly);
    RUN(test_blk_io_error);
    RUN(test_blk_response_id_never_issued);
    RUN(test_blk_backend_stops_answering);
    RUN(test_blk_out_of_grants);
    RUN(test_blk_flush);
    RUN(test_blk_bounds);
    RUN(test_blk_backend_closes_during_connect);
    RUN(test_blk_backend_stuck_in_initwait);
    RUN(test_blk_missing_device);
    RUN(test_blk_close);
    RUN(test_net_parse_mac);
    RUN(test_net_connect);
    RUN(test_net_send);
    RUN(test_net_send_sizes);
    RUN(test_net_send_stalled);
    RUN(test_net_recv);
    RUN(test_net_recv_nothing);
    munmap(arena, (size_t)ARENA_PAGES * PAGE_SIZE);
    CHECK_MAIN_END();
}

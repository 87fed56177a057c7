/*
 * Message framing, argument checks and the dispatch table.
 *
 * As C xenstored 4.17 (xenstored_core.c process_message): an unknown type,
 * or one a client may not send (WATCH_EVENT, ERROR, CONTROL here), is ENOSYS;
 * a privileged type from an unprivileged connection is EACCES; a non-zero
 * tx_id that names no open transaction of the connection is ENOENT (types
 * flagged NOTID ignore tx_id). Arguments are NUL-terminated strings; one
 * missing or malformed is EINVAL; a reply longer than XENSTORE_PAYLOAD_MAX
 * is E2BIG. A header announcing more than XENSTORE_PAYLOAD_MAX bytes kills
 * the connection.
 */
#include <stdio.h>
#include <string.h>

#include "private.h"
#include "wire.h"

const char *xs_errno_name(int err)
{
    for (size_t i = 0; i < ARRAY_SIZE(xsd_errors); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return "EINVAL";   /* Xen: "error %i untranslatable" is sent as EINVAL */
}

struct req {
    const struct xsd_sockmsg *hdr;
    const char *p;
    size_t len;
};

static int reply(struct xs_conn *c, const struct req *rq, const void *data, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX)
        return E2BIG;
    return xs_conn_queue(c, rq->hdr->type, rq->hdr->req_id, rq->hdr->tx_id, data, len);
}

static int ack(struct xs_conn *c, const struct req *rq)
{
    return reply(c, rq, "OK", 3);
}

static int reply_buf(struct xs_conn *c, const struct req *rq, int rc, struct xs_buf *b)
{
    if (!rc)
        rc = reply(c, rq, b->data, b->len);
    xs_buf_free(b);
    return rc;
}

/* The payload as exactly one NUL-terminated string, or NULL. */
static const char *onearg(const struct req *rq)
{
    if (!rq->len || memchr(rq->p, '\0', rq->len) != rq->p + rq->len - 1)
        return NULL;
    return rq->p;
}

/* Up to n leading NUL-terminated strings; returns how many there are. */
static unsigned int get_strings(const struct req *rq, const char **vec, unsigned int n)
{
    size_t off = 0;
    unsigned int i;

    for (i = 0; i < n && off < rq->len; i++) {
        const char *end = memchr(rq->p + off, '\0', rq->len - off);
        if (!end)
            break;
        vec[i] = rq->p + off;
        off = (size_t)(end - rq->p) + 1;
    }
    return i;
}

/* Plain decimal, no sign, at most max. */
static bool parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
    unsigned long long x = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (max - (unsigned long long)(*s - '0')) / 10)
            return false;
        x = x * 10 + (unsigned long long)(*s - '0');
    }
    *v = x;
    return true;
}

static bool parse_domid(const char *s, uint16_t *domid)
{
    unsigned long long v;

    if (!s || !parse_uint(s, UINT16_MAX, &v))
        return false;
    *domid = (uint16_t)v;
    return true;
}

/* --- handlers ------------------------------------------------------------------------ */

typedef int (*buf_op)(struct xs_conn *, struct xs_txn *, const char *, struct xs_buf *);

static int do_buf_op(struct xs_conn *c, struct xs_txn *t, const struct req *rq, buf_op op)
{
    struct xs_buf b = { 0 };
    const char *path = onearg(rq);

    return path ? reply_buf(c, rq, op(c, t, path, &b), &b) : EINVAL;
}

static int do_directory(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    return do_buf_op(c, t, rq, xs_directory);
}

static int do_read(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    return do_buf_op(c, t, rq, xs_read);
}

static int do_get_perms(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    return do_buf_op(c, t, rq, xs_get_perms);
}

static int do_watch(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *v[2];
    int rc;

    (void)t;
    if (get_strings(rq, v, 2) != 2)
        return EINVAL;
    rc = xs_watch(c, v[0], v[1]);
    if (!rc)
        rc = ack(c, rq);
    if (!rc)
        xs_watch_fire_initial(c, v[0], v[1]);
    return rc;
}

static int do_unwatch(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *v[2];
    int rc;

    (void)t;
    if (get_strings(rq, v, 2) != 2)
        return EINVAL;
    rc = xs_unwatch(c, v[0], v[1]);
    return rc ? rc : ack(c, rq);
}

static int do_transaction_start(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    char id[16];
    uint32_t tid;
    int rc;

    if (t)
        return EBUSY;   /* no nested transactions */
    rc = xs_txn_start(c, &tid);
    if (rc)
        return rc;
    int len = snprintf(id, sizeof(id), "%u", tid);
    rc = reply(c, rq, id, (size_t)len + 1);
    if (rc)
        xs_txn_end(c, xs_txn_find(c, tid), false);
    return rc;
}

static int do_transaction_end(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *arg = onearg(rq);
    int rc;

    if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
        return EINVAL;
    if (!t)
        return ENOENT;
    rc = xs_txn_end(c, t, arg[0] == 'T');
    return rc ? rc : ack(c, rq);
}

static int do_introduce(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *v[3];
    unsigned long long gfn, port;
    uint16_t domid;
    int rc;

    (void)t;
    if (get_strings(rq, v, 3) != 3 || !parse_domid(v[0], &domid) ||
        !parse_uint(v[1], UINT64_MAX, &gfn) || !parse_uint(v[2], UINT32_MAX, &port))
        return EINVAL;
    rc = xs_introduce(c->store, domid, gfn, (uint32_t)port);
    return rc ? rc : ack(c, rq);
}

static int do_domid_op(struct xs_conn *c, const struct req *rq, int (*op)(struct xs_store *, uint16_t))
{
    uint16_t domid;
    int rc;

    if (!parse_domid(onearg(rq), &domid))
        return EINVAL;
    rc = op(c->store, domid);
    return rc ? rc : ack(c, rq);
}

static int do_release(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    (void)t;
    return do_domid_op(c, rq, xs_release);
}

static int do_resume(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    (void)t;
    return do_domid_op(c, rq, xs_resume);
}

static int do_get_domain_path(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    char path[32];
    uint16_t domid;

    (void)t;
    if (!parse_domid(onearg(rq), &domid))
        return EINVAL;
    xs_domain_path(domid, path, sizeof(path));
    return reply(c, rq, path, strlen(path) + 1);
}

static int do_write(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *path;
    size_t off;
    int rc;

    if (get_strings(rq, &path, 1) != 1)
        return EINVAL;
    off = strlen(path) + 1;
    rc = xs_write(c, t, path, rq->p + off, rq->len - off);
    return rc ? rc : ack(c, rq);
}

static int do_mkdir(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *path = onearg(rq);
    int rc;

    if (!path)
        return EINVAL;
    rc = xs_mkdir(c, t, path);
    return rc ? rc : ack(c, rq);
}

static int do_rm(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *path = onearg(rq);
    int rc;

    if (!path)
        return EINVAL;
    rc = xs_rm(c, t, path);
    return rc ? rc : ack(c, rq);
}

static int do_set_perms(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *path;
    size_t off;
    int rc;

    if (get_strings(rq, &path, 1) != 1)
        return EINVAL;
    off = strlen(path) + 1;
    rc = xs_set_perms(c, t, path, rq->p + off, rq->len - off);
    return rc ? rc : ack(c, rq);
}

static int do_is_domain_introduced(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    uint16_t domid;

    (void)t;
    if (!parse_domid(onearg(rq), &domid))
        return EINVAL;
    return reply(c, rq, xs_is_introduced(c->store, domid) ? "T" : "F", 2);
}

static int do_set_target(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *v[2];
    uint16_t domid, target;
    int rc;

    (void)t;
    if (get_strings(rq, v, 2) != 2 || !parse_domid(v[0], &domid) || !parse_domid(v[1], &target))
        return EINVAL;
    rc = xs_set_target(c->store, domid, target);
    return rc ? rc : ack(c, rq);
}

static int do_reset_watches(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    (void)t;
    xs_reset_watches(c);
    return ack(c, rq);
}

static int do_directory_part(struct xs_conn *c, struct xs_txn *t, const struct req *rq)
{
    const char *v[2];
    unsigned long long off;
    struct xs_buf b = { 0 };

    /* exactly two strings: path and the byte offset */
    if (get_strings(rq, v, 2) != 2 || v[1] + strlen(v[1]) + 1 != rq->p + rq->len ||
        !parse_uint(v[1], UINT32_MAX, &off))
        return EINVAL;
    return reply_buf(c, rq, xs_directory_part(c, t, v[0], (unsigned int)off, &b), &b);
}

/* --- the table ------------------------------------------------------------------------ */

#define XS_FLAG_NOTID (1u << 0)   /* ignores tx_id */
#define XS_FLAG_PRIV  (1u << 1)   /* privileged connections only */

static const struct wire_func {
    const char *name;
    int (*fn)(struct xs_conn *c, struct xs_txn *t, const struct req *rq);
    unsigned int flags;
} wire_funcs[XS_TYPE_COUNT] = {
    [XS_CONTROL]              = { "CONTROL", NULL, XS_FLAG_PRIV },
    [XS_DIRECTORY]            = { "DIRECTORY", do_directory, 0 },
    [XS_READ]                 = { "READ", do_read, 0 },
    [XS_GET_PERMS]            = { "GET_PERMS", do_get_perms, 0 },
    [XS_WATCH]                = { "WATCH", do_watch, XS_FLAG_NOTID },
    [XS_UNWATCH]              = { "UNWATCH", do_unwatch, XS_FLAG_NOTID },
    [XS_TRANSACTION_START]    = { "TRANSACTION_START", do_transaction_start, 0 },
    [XS_TRANSACTION_END]      = { "TRANSACTION_END", do_transaction_end, 0 },
    [XS_INTRODUCE]            = { "INTRODUCE", do_introduce, XS_FLAG_PRIV | XS_FLAG_NOTID },
    [XS_RELEASE]              = { "RELEASE", do_release, XS_FLAG_PRIV | XS_FLAG_NOTID },
    [XS_GET_DOMAIN_PATH]      = { "GET_DOMAIN_PATH", do_get_domain_path, XS_FLAG_NOTID },
    [XS_WRITE]                = { "WRITE", do_write, 0 },
    [XS_MKDIR]                = { "MKDIR", do_mkdir, 0 },
    [XS_RM]                   = { "RM", do_rm, 0 },
    [XS_SET_PERMS]            = { "SET_PERMS", do_set_perms, 0 },
    [XS_WATCH_EVENT]          = { "WATCH_EVENT", NULL, 0 },
    [XS_ERROR]                = { "ERROR", NULL, 0 },
    [XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED", do_is_domain_introduced, XS_FLAG_NOTID },
    [XS_RESUME]               = { "RESUME", do_resume, XS_FLAG_PRIV | XS_FLAG_NOTID },
    [XS_SET_TARGET]           = { "SET_TARGET", do_set_target, XS_FLAG_PRIV | XS_FLAG_NOTID },
    [XS_RESET_WATCHES]        = { "RESET_WATCHES", do_reset_watches, XS_FLAG_NOTID },
    [XS_DIRECTORY_PART]       = { "DIRECTORY_PART", do_directory_part, 0 },
};

static void send_error(struct xs_conn *c, const struct xsd_sockmsg *h, int err)
{
    const char *name = xs_errno_name(err);

    xs_conn_queue(c, XS_ERROR, h->req_id, h->tx_id, name, strlen(name) + 1);
}

static void process(struct xs_conn *c)
{
    const struct xsd_sockmsg *h = &c->hdr;
    struct req rq = { h, (const char *)c->payload, h->len };
    const struct wire_func *f;
    struct xs_txn *t = NULL;
    int rc;

    c->payload[h->len] = '\0';   /* a guard; arguments are still checked */
    if (h->type >= XS_TYPE_COUNT || !wire_funcs[h->type].fn) {
        send_error(c, h, ENOSYS);
        return;
    }
    f = &wire_funcs[h->type];
    if ((f->flags & XS_FLAG_PRIV) && !xs_conn_privileged(c)) {
        send_error(c, h, EACCES);
        return;
    }
    if (!(f->flags & XS_FLAG_NOTID) && h->tx_id && !(t = xs_txn_find(c, h->tx_id))) {
        send_error(c, h, ENOENT);
        return;
    }
    rc = f->fn(c, t, &rq);
    if (rc)
        send_error(c, h, rc);
}

size_t xs_conn_feed(struct xs_conn *c, const void *buf, size_t len)
{
    const unsigned char *in = buf;
    size_t used = 0, want, n;

    while (used < len && (want = xs_conn_want(c)) > 0) {
        n = want < len - used ? want : len - used;
        if (!c->hdr_done) {
            memcpy(c->in_hdr + c->in_used, in + used, n);
        } else {
            memcpy(c->payload + c->in_used, in + used, n);
        }
        c->in_used += n;
        used += n;
        if (!c->hdr_done) {
            if (c->in_used < sizeof(c->in_hdr))
                continue;
            memcpy(&c->hdr, c->in_hdr, sizeof(c->hdr));
            c->hdr_done = true;
            c->in_used = 0;
            if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
                xs_conn_kill(c);
                break;
            }
        }
        if (c->in_used == c->hdr.len) {
            process(c);
            c->hdr_done = false;
            c->in_used = 0;
        }
    }
    return used;
}

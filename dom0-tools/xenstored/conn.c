/*
 * Connections: who a client is (the domain it acts as), its output queue of
 * replies and watch events, its watches and transactions.
 *
 * Privilege: dom0 is privileged (C xenstored also knows a "priv_domid" for a
 * xenstore stub domain; Lamina runs xenstored in dom0 and has none).
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"
#include "wire.h"

struct xs_conn *xs_conn_new(struct xs_store *s, uint16_t domid)
{
    struct xs_conn *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->store = s;
    c->domid = domid;
    c->out_last = &c->out;
    c->next_txn_id = 1;
    c->next = s->conns;
    s->conns = c;
    return c;
}

static void drop_output(struct xs_conn *c)
{
    while (c->out) {
        struct xs_outmsg *m = c->out;
        c->out = m->next;
        free(m);
    }
    c->out_last = &c->out;
    c->out_replies = c->out_events = 0;
}

void xs_conn_free(struct xs_conn *c)
{
    struct xs_conn **p;

    if (!c)
        return;
    for (p = &c->store->conns; *p && *p != c; p = &(*p)->next)
        ;
    if (*p)
        *p = c->next;
    xs_watch_free_all(c);
    xs_txn_free_all(c);
    drop_output(c);
    free(c);
}

uint16_t xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

bool xs_conn_privileged(const struct xs_conn *c)
{
    return c->domid == 0;
}

/* A protocol violation: the connection is ignored from now on (Xen's ignore_connection). */
void xs_conn_kill(struct xs_conn *c)
{
    c->dead = true;
    xs_watch_free_all(c);
    xs_txn_free_all(c);
    drop_output(c);
}

bool xs_conn_dead(const struct xs_conn *c)
{
    return c->dead;
}

int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                  const void *payload, size_t len)
{
    struct xsd_sockmsg hdr = { type, req_id, tx_id, (uint32_t)len };
    struct xs_outmsg *m;

    if (c->dead)
        return 0;
    if (len > XENSTORE_PAYLOAD_MAX)
        return E2BIG;
    m = malloc(sizeof(*m) + sizeof(hdr) + len);
    if (!m)
        return ENOMEM;
    m->next = NULL;
    m->len = sizeof(hdr) + len;
    m->off = 0;
    m->is_reply = type != XS_WATCH_EVENT;
    memcpy(m->bytes, &hdr, sizeof(hdr));
    if (len)
        memcpy(m->bytes + sizeof(hdr), payload, len);
    *c->out_last = m;
    c->out_last = &m->next;
    if (m->is_reply)
        c->out_replies++;
    else
        c->out_events++;
    return 0;
}

const void *xs_conn_output(const struct xs_conn *c, size_t *len)
{
    if (!c->out) {
        *len = 0;
        return NULL;
    }
    *len = c->out->len - c->out->off;
    return c->out->bytes + c->out->off;
}

void xs_conn_output_done(struct xs_conn *c, size_t n)
{
    while (n && c->out) {
        struct xs_outmsg *m = c->out;
        size_t take = m->len - m->off < n ? m->len - m->off : n;
        m->off += take;
        n -= take;
        if (m->off < m->len)
            break;
        c->out = m->next;
        if (!c->out)
            c->out_last = &c->out;
        if (m->is_reply)
            c->out_replies--;
        else
            c->out_events--;
        free(m);
    }
}

/*
 * How many input bytes c takes now: the rest of the header or payload; 0 when
 * it is dead or, unprivileged, has quota.outstanding replies not yet taken
 * (Xen's domain_can_read: the guest must read its answers first).
 */
size_t xs_conn_want(const struct xs_conn *c)
{
    if (c->dead)
        return 0;
    if (!xs_conn_privileged(c) && c->out_replies >= c->store->quota.outstanding)
        return 0;
    if (!c->hdr_done)
        return sizeof(c->in_hdr) - c->in_used;
    return c->hdr.len - c->in_used;
}

/*
 * Transactions, and the access layer every request goes through.
 *
 * Every request runs inside a transaction: the client's own (XS_TRANSACTION_
 * START) or an implicit one that lives for that request only. A transaction
 * keeps, per path it touched, the node as it sees it (absent, a private copy,
 * or for an implicit one the global node itself until it changes it) and the
 * generation the global node had when first touched. Committing installs the
 * changed nodes in one step that cannot fail halfway, so a request that fails
 * (a quota hit while creating parents, say) changes nothing.
 *
 * Conflicts (Xen's scheme, xenstored_transaction.c): every change stamps the
 * node with the next value of the store's generation counter. An explicit
 * transaction commits only if every node it touched, read or written, still
 * has the generation it saw (XS_NO_GEN for "did not exist"); otherwise
 * TRANSACTION_END answers EAGAIN and the client (Linux's xenbus, libxenstore)
 * retries the whole transaction. Nodes are always read before they are
 * written, so a write also conflicts with a concurrent change of that node,
 * and creating or deleting a child conflicts through the parent's children.
 *
 * Watch events of a transaction are queued, one per path, and fire when it
 * commits; an aborted or failed transaction fires nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

void xs_txn_init(struct xs_txn *t, struct xs_conn *c, bool implicit)
{
    memset(t, 0, sizeof(*t));
    t->conn = c;
    t->implicit = implicit;
    t->last = &t->first;
    t->events_last = &t->events;
}

static void event_free(struct xs_event *ev)
{
    free(ev->path);
    free(ev->perms);
    free(ev->old);
    free(ev);
}

void xs_txn_discard(struct xs_txn *t)
{
    struct xs_access *a, *an;
    struct xs_event *ev, *en;

    /* the maps link entries embedded in what follows: unlink first */
    xs_map_clear(&t->map, NULL);
    xs_map_clear(&t->evmap, NULL);
    for (a = t->first; a; a = an) {
        an = a->next;
        if (!a->borrowed)
            xs_node_free(a->node);
        free(a->path);
        free(a);
    }
    for (ev = t->events; ev; ev = en) {
        en = ev->next;
        event_free(ev);
    }
    free(t->deltas);
    xs_txn_init(t, t->conn, t->implicit);
}

static struct xs_access *access_new(struct xs_txn *t, const char *path)
{
    struct xs_store *s = t->conn->store;
    struct xs_node *g = xs_map_get(&s->nodes, path);
    struct xs_access *a = calloc(1, sizeof(*a));

    if (!a || !(a->path = strdup(path)))
        goto nomem;
    a->gen = g ? g->generation : XS_NO_GEN;
    if (g && t->implicit) {
        a->node = g;
        a->borrowed = true;
    } else if (g && !(a->node = xs_node_dup(g))) {
        goto nomem;
    }
    a->h.key = a->path;
    a->h.val = a;
    if (xs_map_put(&t->map, &a->h, NULL))
        goto nomem;
    *t->last = a;
    t->last = &a->next;
    t->naccess++;
    return a;

nomem:
    if (a) {
        xs_node_free(a->borrowed ? NULL : a->node);
        free(a->path);
        free(a);
    }
    t->fail = true;
    return NULL;
}

/* The node at path as t sees it (*n = NULL if absent). ENOSPC, ENOMEM. */
int xs_access_get(struct xs_txn *t, const char *path, struct xs_node **n)
{
    struct xs_conn *c = t->conn;
    struct xs_access *a = xs_map_get(&t->map, path);

    if (!a) {
        /* Xen's quota_trans_nodes: a failure also dooms the transaction. */
        if (!t->implicit && !xs_conn_privileged(c) &&
            t->naccess >= c->store->quota.txn_nodes) {
            t->fail = true;
            return ENOSPC;
        }
        a = access_new(t, path);
        if (!a)
            return ENOMEM;
    }
    *n = a->node;
    return 0;
}

/*
 * Make n (a node the caller allocated, named as an accessed path) t's version
 * of its path. On error the caller still owns n.
 */
int xs_access_store(struct xs_txn *t, struct xs_node *n)
{
    struct xs_store *s = t->conn->store;
    struct xs_access *a = xs_map_get(&t->map, n->name);

    if (!xs_conn_privileged(t->conn) && xs_node_size(n) >= s->quota.node_size)
        return ENOSPC;
    if (!a) {
        struct xs_node *cur;
        int rc = xs_access_get(t, n->name, &cur);
        if (rc)
            return rc;
        a = xs_map_get(&t->map, n->name);
    }
    if (a->node != n) {
        if (!a->borrowed)
            xs_node_free(a->node);
        a->node = n;
        a->borrowed = false;
    }
    a->modified = true;
    n->generation = s->generation++;
    return 0;
}

/* Delete the node at path (an accessed path) in t. */
int xs_access_remove(struct xs_txn *t, const char *path)
{
    struct xs_access *a = xs_map_get(&t->map, path);

    if (!a)
        return ENOENT;
    if (!a->borrowed)
        xs_node_free(a->node);
    a->node = NULL;
    a->borrowed = false;
    a->modified = true;
    return 0;
}

/* Account delta nodes to domid's ownership, applied when t commits. */
int xs_access_count(struct xs_txn *t, uint16_t domid, int delta)
{
    struct xs_delta *d;

    if (!xs_dom_get(t->conn->store, domid))
        return ENOMEM;
    for (unsigned int i = 0; i < t->ndeltas; i++) {
        if (t->deltas[i].domid == domid) {
            t->deltas[i].delta += delta;
            return 0;
        }
    }
    d = realloc(t->deltas, (t->ndeltas + 1) * sizeof(*d));
    if (!d)
        return ENOMEM;
    t->deltas = d;
    d[t->ndeltas].domid = domid;
    d[t->ndeltas].delta = delta;
    t->ndeltas++;
    return 0;
}

/* Nodes domid owns as t sees it. */
unsigned int xs_nodes_of(struct xs_txn *t, uint16_t domid)
{
    struct xs_domain *d = xs_dom_find(t->conn->store, domid);
    long n = d ? d->nodes : 0;

    for (unsigned int i = 0; i < t->ndeltas; i++)
        if (t->deltas[i].domid == domid)
            n += t->deltas[i].delta;
    return n < 0 ? 0 : (unsigned int)n;
}

static struct xs_perm *perms_dup(const struct xs_perm *p, unsigned int num)
{
    struct xs_perm *q;

    if (!num)
        return NULL;
    q = malloc(num * sizeof(*q));
    if (q)
        memcpy(q, p, num * sizeof(*q));
    return q;
}

/*
 * Queue the watch event for a change of path (n: the node after the change,
 * or the deleted node; old: the permissions before a SET_PERMS). An explicit
 * transaction keeps one event per path: exact only if every change was.
 */
int xs_queue_event(struct xs_txn *t, const char *path, bool exact,
                   const struct xs_node *n, const struct xs_perm *old, unsigned int nold)
{
    struct xs_event *ev = t->implicit ? NULL : xs_map_get(&t->evmap, path);

    if (ev) {
        ev->exact = ev->exact && exact;
        if (old && !ev->old) {
            ev->old = perms_dup(old, nold);
            ev->nold = ev->old ? nold : 0;
        }
        return 0;
    }
    ev = calloc(1, sizeof(*ev));
    if (!ev || !(ev->path = strdup(path)))
        goto nomem;
    ev->exact = exact;
    if (n && n->nperms) {
        if (!(ev->perms = perms_dup(n->perms, n->nperms)))
            goto nomem;
        ev->nperms = n->nperms;
    }
    if (old && nold) {
        if (!(ev->old = perms_dup(old, nold)))
            goto nomem;
        ev->nold = nold;
    }
    ev->h.key = ev->path;
    ev->h.val = ev;
    if (!t->implicit && xs_map_put(&t->evmap, &ev->h, NULL))
        goto nomem;
    *t->events_last = ev;
    t->events_last = &ev->next;
    return 0;

nomem:
    if (ev)
        event_free(ev);
    t->fail = true;
    return ENOMEM;
}

static int commit_checks(struct xs_txn *t)
{
    struct xs_store *s = t->conn->store;
    struct xs_conn *c = t->conn;

    if (t->fail)
        return ENOMEM;
    if (!xs_conn_privileged(c)) {
        for (unsigned int i = 0; i < t->ndeltas; i++) {
            struct xs_delta *d = &t->deltas[i];
            if (d->domid == c->domid && d->delta > 0 &&
                xs_nodes_of(t, d->domid) > s->quota.nodes)
                return ENOSPC;
        }
    }
    for (struct xs_access *a = t->first; a; a = a->next) {
        struct xs_node *g = xs_map_get(&s->nodes, a->path);
        if ((g ? g->generation : XS_NO_GEN) != a->gen)
            return EAGAIN;
    }
    return 0;
}

/*
 * Check (explicit transactions), then install t's changes in the store and
 * fire its watch events. Nothing changes unless 0 is returned.
 */
int xs_txn_commit(struct xs_txn *t)
{
    struct xs_store *s = t->conn->store;
    struct xs_access *a;
    size_t inserts = 0;
    int rc;

    if (!t->implicit && (rc = commit_checks(t)))
        return rc;
    for (a = t->first; a; a = a->next)
        if (a->modified && a->node && !xs_map_get(&s->nodes, a->path))
            inserts++;
    if (xs_map_reserve(&s->nodes, inserts))
        return ENOMEM;

    /* From here on nothing can fail. */
    for (a = t->first; a; a = a->next) {
        void *old = NULL;
        if (!a->modified)
            continue;
        if (a->node) {
            a->node->generation = s->generation++;
            xs_map_put(&s->nodes, &a->node->h, &old);
            a->node = NULL;
        } else {
            old = xs_map_del(&s->nodes, a->path);
        }
        xs_node_free(old);
    }
    for (unsigned int i = 0; i < t->ndeltas; i++) {
        struct xs_domain *d = xs_dom_find(s, t->deltas[i].domid);
        long n = (long)d->nodes + t->deltas[i].delta;
        d->nodes = n < 0 ? 0 : (unsigned int)n;
    }
    for (struct xs_event *ev = t->events; ev; ev = ev->next)
        xs_fire(s, ev);
    return 0;
}

/* --- the client's transactions -------------------------------------------------- */

int xs_txn_start(struct xs_conn *c, uint32_t *id)
{
    struct xs_txn *t;

    if (!xs_conn_privileged(c) && c->ntxns >= c->store->quota.transactions)
        return ENOSPC;
    t = malloc(sizeof(*t));
    if (!t)
        return ENOMEM;
    xs_txn_init(t, c, false);
    do {
        t->id = c->next_txn_id++;
    } while (t->id == 0 || xs_txn_find(c, t->id));
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    *id = t->id;
    return 0;
}

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
    for (struct xs_txn *t = c->txns; id && t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

/* End t: it is gone afterwards whatever the answer (as in Xen). */
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
    struct xs_txn **p;
    int rc = 0;

    for (p = &c->txns; *p && *p != t; p = &(*p)->next)
        ;
    if (!*p)
        return ENOENT;
    *p = t->next;
    c->ntxns--;
    if (commit)
        rc = xs_txn_commit(t);
    xs_txn_discard(t);
    free(t);
    return rc;
}

void xs_txn_free_all(struct xs_conn *c)
{
    while (c->txns)
        xs_txn_end(c, c->txns, false);
}

/*
 * Domains: their records (node counts, target, introduction) and the
 * requests about them, as C xenstored 4.17 answers them (xenstored_domain.c):
 *
 * - INTRODUCE domid|gfn|port| (privileged): map the domain's store ring and
 *   bind (domid, port) through the caller's hooks, create its connection, set
 *   the ring's connection field to CONNECTED, notify, fire @introduceDomain
 *   (not for dom0). Introducing an introduced domain only rebinds the port.
 * - RELEASE domid| (privileged): the domain's connection goes (its watches
 *   first, so it gets no events), its ring is unmapped and its port unbound,
 *   the nodes it owns are deleted (XSA-419; given to dom0 instead with
 *   keep_orphans), permission entries naming it are ignored from now on, and
 *   @releaseDomain fires. dom0 cannot be released (EINVAL); an unknown domain
 *   is ENOENT. /local/domain/<id> itself is owned by dom0 (libxl writes it
 *   with "n0 r<id>"), so it stays until the toolstack removes it.
 * - RESUME domid| clears the shutdown mark, SET_TARGET domid|target| lets
 *   domid act as target (device models), both for introduced domains only.
 * - The daemon reports shutdowns and deaths (xs_domain_update): a shutdown
 *   fires @releaseDomain once; a dying domain is released.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* --- records ----------------------------------------------------------------------- */

struct xs_domain *xs_dom_find(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = s->dom[domid % XS_DOM_HASH];

    while (d && d->domid != domid)
        d = d->next;
    return d;
}

struct xs_domain *xs_dom_get(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_dom_find(s, domid);

    if (d)
        return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->target = XS_DOMID_INVALID;
    d->next = s->dom[domid % XS_DOM_HASH];
    s->dom[domid % XS_DOM_HASH] = d;
    return d;
}

bool xs_dom_exists(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_dom_find(s, domid);

    if (d && d->introduced)
        return true;
    if (domid >= XS_DOMID_FIRST_RESERVED)
        return false;
    return !s->hooks.domain_exists || s->hooks.domain_exists(s->hooks.ctx, domid);
}

static void dom_unlink(struct xs_store *s, struct xs_domain *d)
{
    struct xs_domain **p = &s->dom[d->domid % XS_DOM_HASH];

    while (*p != d)
        p = &(*p)->next;
    *p = d->next;
}

/* Close d's ring connection: connection, port, mapping. */
static void dom_disconnect(struct xs_store *s, struct xs_domain *d)
{
    if (d->conn) {
        xs_watch_free_all(d->conn);
        xs_conn_free(d->conn);
        d->conn = NULL;
    }
    if (d->local_port && s->hooks.unbind_port)
        s->hooks.unbind_port(s->hooks.ctx, d->local_port);
    if (d->ring && s->hooks.unmap_ring)
        s->hooks.unmap_ring(s->hooks.ctx, d->domid, d->ring);
    d->local_port = 0;
    d->ring = NULL;
    d->introduced = false;
}

void xs_dom_free_all(struct xs_store *s)
{
    for (unsigned int i = 0; i < XS_DOM_HASH; i++) {
        while (s->dom[i]) {
            struct xs_domain *d = s->dom[i];
            dom_disconnect(s, d);
            s->dom[i] = d->next;
            free(d);
        }
    }
}

/* --- what a gone domain leaves behind ------------------------------------------- */

struct owned {
    uint16_t domid;
    char **paths;
    size_t n, cap;
    int err;
};

static void collect_owned(void *val, void *arg)
{
    struct xs_node *n = val;
    struct owned *o = arg;

    if (o->err || n->perms[0].id != o->domid || !strcmp(n->name, "/"))
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        char **p = realloc(o->paths, cap * sizeof(*p));
        if (!p) {
            o->err = ENOMEM;
            return;
        }
        o->paths = p;
        o->cap = cap;
    }
    o->paths[o->n++] = n->name;
}

static int by_length(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

    return la < lb ? -1 : la > lb;
}

static void ignore_entries(struct xs_node *n, uint16_t domid)
{
    for (unsigned int i = 1; n && i < n->nperms; i++)
        if (n->perms[i].id == domid)
            n->perms[i].perm |= XS_PERM_IGNORE;
}

static void ignore_in_node(void *val, void *arg)
{
    ignore_entries(val, *(uint16_t *)arg);
}

/*
 * Delete (or give to dom0) the nodes domid owns, shallowest first so a
 * subtree goes with its top, and make entries naming domid ignored, so a
 * later domain reusing the id inherits nothing.
 */
static void forget_domain(struct xs_store *s, uint16_t domid)
{
    struct owned o = { .domid = domid };
    struct xs_conn *sys;

    xs_map_each(&s->nodes, collect_owned, &o);
    if (o.n)
        qsort(o.paths, o.n, sizeof(*o.paths), by_length);
    /* paths point into nodes that removal frees: copy them first */
    for (size_t i = 0; i < o.n; i++)
        o.paths[i] = strdup(o.paths[i]);
    sys = xs_conn_new(s, 0);
    for (size_t i = 0; sys && i < o.n; i++) {
        struct xs_node *n = o.paths[i] ? xs_map_get(&s->nodes, o.paths[i]) : NULL;
        if (!n)
            continue;
        if (s->keep_orphans) {
            n->perms[0].id = 0;
            xs_dom_find(s, domid)->nodes--;
            xs_dom_find(s, 0)->nodes++;
        } else {
            xs_rm(sys, NULL, o.paths[i]);
        }
    }
    xs_conn_free(sys);
    for (size_t i = 0; i < o.n; i++)
        free(o.paths[i]);
    free(o.paths);

    xs_map_each(&s->nodes, ignore_in_node, &domid);
    for (struct xs_conn *c = s->conns; c; c = c->next)
        for (struct xs_txn *t = c->txns; t; t = t->next)
            for (struct xs_access *a = t->first; a; a = a->next)
                ignore_entries(a->borrowed ? NULL : a->node, domid);
}

/* Release d: the common end of RELEASE and a dying domain. */
static void dom_release(struct xs_store *s, struct xs_domain *d)
{
    uint16_t domid = d->domid;

    dom_disconnect(s, d);
    for (unsigned int i = 0; i < XS_DOM_HASH; i++)
        for (struct xs_domain *o = s->dom[i]; o; o = o->next)
            if (o->target == domid)
                o->target = XS_DOMID_INVALID;
    d->target = XS_DOMID_INVALID;
    d->shutdown = false;
    forget_domain(s, domid);
    /* The record stays while something still counts nodes for it. */
    d = xs_dom_find(s, domid);
    if (d && !d->nodes && domid != 0) {
        dom_unlink(s, d);
        free(d);
    }
    xs_fire_special(s, "@releaseDomain");
}

/* --- the requests ------------------------------------------------------------------ */

static int dom_connect(struct xs_store *s, struct xs_domain *d, uint64_t gfn, uint32_t port)
{
    const struct xs_hooks *h = &s->hooks;
    void *ring = NULL;
    int rc = 0, lp = 0;

    if (h->map_ring && (rc = h->map_ring(h->ctx, d->domid, gfn, &ring)))
        return rc;
    if (h->bind_port && (lp = h->bind_port(h->ctx, d->domid, port)) < 0) {
        if (h->unmap_ring)
            h->unmap_ring(h->ctx, d->domid, ring);
        return -lp;
    }
    d->conn = xs_conn_new(s, d->domid);
    if (!d->conn) {
        if (h->unbind_port)
            h->unbind_port(h->ctx, (uint32_t)lp);
        if (h->unmap_ring)
            h->unmap_ring(h->ctx, d->domid, ring);
        return ENOMEM;
    }
    d->ring = ring;
    d->local_port = (uint32_t)lp;
    d->remote_port = port;
    d->introduced = true;
    if (ring) {
        volatile struct xenstore_domain_interface *intf = ring;
        intf->server_features = XENSTORE_SERVER_FEATURE_ERROR;
        intf->error = XENSTORE_ERROR_NONE;
        intf->connection = XENSTORE_CONNECTED;
    }
    if (h->notify)
        h->notify(h->ctx, d->local_port);
    return 0;
}

int xs_introduce(struct xs_store *s, uint16_t domid, uint64_t gfn, uint32_t port)
{
    const struct xs_hooks *h = &s->hooks;
    struct xs_domain *d;
    int rc;

    if (domid >= XS_DOMID_FIRST_RESERVED || port == 0)
        return EINVAL;
    d = xs_dom_get(s, domid);
    if (!d)
        return ENOMEM;
    if (d->introduced) {
        /* Xen: "Use XS_INTRODUCE for recreating the xenbus event-channel." */
        if (d->local_port && h->unbind_port)
            h->unbind_port(h->ctx, d->local_port);
        rc = h->bind_port ? h->bind_port(h->ctx, domid, port) : 0;
        d->local_port = rc < 0 ? 0 : (uint32_t)rc;
        d->remote_port = port;
        return 0;
    }
    rc = dom_connect(s, d, gfn, port);
    if (rc)
        return rc;
    if (domid != 0)
        xs_fire_special(s, "@introduceDomain");
    return 0;
}

/* Xen's onearg_domain: dom0 is EINVAL, a domain not introduced ENOENT. */
static struct xs_domain *introduced(struct xs_store *s, uint16_t domid, int *rc)
{
    struct xs_domain *d = domid ? xs_dom_find(s, domid) : NULL;

    *rc = !domid ? EINVAL : (d && d->introduced) ? 0 : ENOENT;
    return *rc ? NULL : d;
}

int xs_release(struct xs_store *s, uint16_t domid)
{
    int rc;
    struct xs_domain *d = introduced(s, domid, &rc);

    if (d)
        dom_release(s, d);
    return rc;
}

int xs_resume(struct xs_store *s, uint16_t domid)
{
    int rc;
    struct xs_domain *d = introduced(s, domid, &rc);

    if (d)
        d->shutdown = false;
    return rc;
}

int xs_set_target(struct xs_store *s, uint16_t domid, uint16_t target)
{
    struct xs_domain *d = xs_dom_find(s, domid), *t = xs_dom_find(s, target);

    if (!d || !d->introduced || !t || !t->introduced)
        return ENOENT;
    d->target = target;
    return 0;
}

bool xs_is_introduced(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_dom_find(s, domid);

    return domid == XS_DOMID_SELF || (d && d->introduced);
}

void xs_domain_update(struct xs_store *s, uint16_t domid, enum xs_dom_state state)
{
    struct xs_domain *d = xs_dom_find(s, domid);

    if (!d || !d->introduced || domid == 0 || state == XS_DOM_RUNNING)
        return;
    if (state == XS_DOM_DYING) {
        dom_release(s, d);
    } else if (!d->shutdown) {
        d->shutdown = true;
        xs_fire_special(s, "@releaseDomain");
    }
}

struct xs_conn *xs_domain_conn(struct xs_store *s, uint16_t domid, void **ring, uint32_t *port)
{
    struct xs_domain *d = xs_dom_find(s, domid);

    if (!d || !d->introduced)
        return NULL;
    if (ring)
        *ring = d->ring;
    if (port)
        *port = d->local_port;
    return d->conn;
}

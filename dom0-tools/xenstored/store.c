/*
 * The store's node operations: READ, WRITE, MKDIR, RM, DIRECTORY,
 * DIRECTORY_PART, GET_PERMS, SET_PERMS, with C xenstored 4.17's permission
 * rules and quotas (xenstored_core.c):
 *
 * - A request needs READ (read, directory, get_perms), WRITE (write, mkdir,
 *   rm) or WRITE and OWNER (set_perms) on the node. When the node is missing
 *   or refused, the answer is ENOENT or EACCES as the nearest existing
 *   ancestor allows (Xen's errno_from_parents): a domain learns nothing of
 *   nodes it could not read, and may create a node only where it may write.
 * - Created nodes (and missing parents) inherit their parent's permissions;
 *   an unprivileged creator becomes the owner.
 * - Unprivileged quotas answer ENOSPC: nodes owned, node size (>= 2048 bytes
 *   counted as xenstored's record), permission entries, nodes touched by one
 *   transaction, open transactions. Too many watches answers E2BIG
 *   (watch.c). Xen 4.17 lets one more watch and one more transaction through
 *   than its quota says (it tests "> quota" before adding); Lamina allows
 *   exactly the quota.
 * - WRITE, MKDIR of a new node, SET_PERMS fire watches on the path and its
 *   ancestors; RM fires them for the removed node and fires the watches set
 *   exactly on each removed descendant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* --- buffers and the store's life ----------------------------------------------- */

int xs_buf_put(struct xs_buf *b, const void *p, size_t len)
{
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < len) {
            if (cap > SIZE_MAX / 2)
                return ENOMEM;
            cap *= 2;
        }
        char *d = realloc(b->data, cap);
        if (!d)
            return ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    if (len)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    return 0;
}

void xs_buf_free(struct xs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void xs_quota_defaults(struct xs_quota *q)
{
    q->nodes = 1000;
    q->watches = 128;
    q->transactions = 10;
    q->node_size = 2048;
    q->perms = 5;
    q->txn_nodes = 1024;
    q->outstanding = 20;
    q->path_max = XENSTORE_REL_PATH_MAX;
    q->events_max = 1024;
}

static struct xs_node *node_owned_by_dom0(const char *name)
{
    static const struct xs_perm p = { 0, XS_PERM_NONE };
    struct xs_node *n = xs_node_new(name);

    if (n && xs_node_set_perms(n, &p, 1)) {
        xs_node_free(n);
        n = NULL;
    }
    return n;
}

struct xs_store *xs_store_new(const struct xs_quota *quota, const struct xs_hooks *hooks)
{
    struct xs_store *s = calloc(1, sizeof(*s));
    struct xs_node *root;
    struct xs_domain *dom0;

    if (!s)
        return NULL;
    if (quota)
        s->quota = *quota;
    else
        xs_quota_defaults(&s->quota);
    if (hooks)
        s->hooks = *hooks;
    root = node_owned_by_dom0("/");
    s->special[0] = node_owned_by_dom0("@introduceDomain");
    s->special[1] = node_owned_by_dom0("@releaseDomain");
    dom0 = xs_dom_get(s, 0);
    if (!root || !s->special[0] || !s->special[1] || !dom0 ||
        xs_map_put(&s->nodes, &root->h, NULL)) {
        xs_node_free(root);
        xs_store_free(s);
        return NULL;
    }
    root->generation = s->generation++;
    dom0->nodes = 1;
    return s;
}

void xs_store_free(struct xs_store *s)
{
    if (!s)
        return;
    xs_dom_free_all(s);
    while (s->conns)
        xs_conn_free(s->conns);
    xs_map_clear(&s->nodes, xs_node_free_v);
    xs_node_free(s->special[0]);
    xs_node_free(s->special[1]);
    free(s);
}

void xs_store_keep_orphans(struct xs_store *s, bool keep)
{
    s->keep_orphans = keep;
}

/* --- one request: its transaction and canonical path ------------------------------ */

struct op {
    struct xs_conn *c;
    struct xs_txn *t;
    struct xs_txn implicit;
    char name[XS_PATH_BUF];
};

static int op_begin(struct op *op, struct xs_conn *c, struct xs_txn *t, const char *path)
{
    bool relative;

    op->c = c;
    xs_txn_init(&op->implicit, c, true);
    op->t = t ? t : &op->implicit;
    if (!path || xs_canonical(c, path, op->name, &relative) ||
        !xs_valid_path(c->store, op->name))
        return EINVAL;
    return 0;
}

/* Commit the implicit transaction if the request succeeded; discard it anyway. */
static int op_end(struct op *op, int rc)
{
    if (op->t == &op->implicit) {
        if (!rc)
            rc = xs_txn_commit(op->t);
        xs_txn_discard(op->t);
    }
    return rc;
}

/* Cut path (canonical, not "/") to its parent, in place. */
static void to_parent(char *path)
{
    char *slash = strrchr(path, '/');

    if (slash == path)
        path[1] = '\0';
    else
        *slash = '\0';
}

/*
 * The node at path if c has perm on it. Otherwise ENOENT or EACCES: EACCES
 * unless the nearest existing ancestor grants c some of perm.
 */
static int get_node(struct op *op, const char *path, unsigned int perm, struct xs_node **n)
{
    char p[XS_PATH_BUF];
    struct xs_node *pn = NULL;
    int rc, err;

    rc = xs_access_get(op->t, path, n);
    if (rc)
        return rc;
    if (*n && (xs_perm_for(op->c, (*n)->perms, (*n)->nperms) & perm) == perm)
        return 0;
    err = *n ? EACCES : ENOENT;
    *n = NULL;
    snprintf(p, sizeof(p), "%s", path);
    while (strcmp(p, "/")) {
        to_parent(p);
        rc = xs_access_get(op->t, p, &pn);
        if (rc)
            return rc;
        if (pn)
            break;
    }
    if (!pn || !(xs_perm_for(op->c, pn->perms, pn->nperms) & perm))
        return EACCES;
    return err;
}

/* --- creating ------------------------------------------------------------------- */

/* Create name (missing) under parent (existing in op's view). */
static int create_one(struct op *op, const char *name, const char *parent,
                      const void *data, size_t len, struct xs_node **out)
{
    struct xs_conn *c = op->c;
    struct xs_node *pn, *pm = NULL, *n = NULL;
    int rc;

    rc = xs_access_get(op->t, parent, &pn);
    if (rc || !pn)
        return rc ? rc : ENOENT;
    if (!xs_conn_privileged(c) && xs_nodes_of(op->t, c->domid) >= c->store->quota.nodes)
        return ENOSPC;
    rc = ENOMEM;
    n = xs_node_new(name);
    pm = xs_node_dup(pn);
    if (!n || !pm || xs_node_set_perms(n, pn->perms, pn->nperms) ||
        xs_node_set_data(n, data, len) || xs_node_add_child(pm, strrchr(name, '/') + 1))
        goto fail;
    if (!xs_conn_privileged(c) && n->nperms)
        n->perms[0].id = c->domid;
    rc = xs_access_store(op->t, pm);
    if (rc)
        goto fail;
    pm = NULL;
    rc = xs_access_store(op->t, n);
    if (rc)
        goto fail;
    *out = n;
    return xs_access_count(op->t, n->nperms ? n->perms[0].id : 0, 1);

fail:
    xs_node_free(n);
    xs_node_free(pm);
    return rc;
}

/* Create path and its missing ancestors; path gets the value. */
static int create_node(struct op *op, const char *path, const void *data, size_t len,
                       struct xs_node **out)
{
    char name[XS_PATH_BUF], parent[XS_PATH_BUF];
    size_t plen = strlen(path), base;
    struct xs_node *n;
    int rc;

    /* Walk up to the nearest existing ancestor; base is its length. */
    memcpy(name, path, plen + 1);
    do {
        to_parent(name);
        rc = xs_access_get(op->t, name, &n);
        if (rc)
            return rc;
    } while (!n && strcmp(name, "/"));
    if (!n)
        return ENOENT;
    base = strlen(name);

    /* Create each missing component going down. */
    for (size_t end = base == 1 ? 1 : base + 1;; end++) {
        end += strcspn(path + end, "/");
        memcpy(name, path, end);
        name[end] = '\0';
        memcpy(parent, path, end);
        parent[end] = '\0';
        to_parent(parent);
        bool last = end == plen;
        rc = create_one(op, name, parent, last ? data : NULL, last ? len : 0, out);
        if (rc || last)
            return rc;
    }
}

/* --- the operations -------------------------------------------------------------- */

int xs_read(struct xs_conn *c, struct xs_txn *t, const char *path, struct xs_buf *out)
{
    struct op op;
    struct xs_node *n;
    int rc = op_begin(&op, c, t, path);

    if (!rc)
        rc = get_node(&op, op.name, XS_PERM_READ, &n);
    if (!rc)
        rc = xs_buf_put(out, n->data, n->datalen);
    return op_end(&op, rc);
}

int xs_write(struct xs_conn *c, struct xs_txn *t, const char *path, const void *val, size_t len)
{
    struct op op;
    struct xs_node *n, *m = NULL;
    int rc = op_begin(&op, c, t, path);

    if (!rc)
        rc = get_node(&op, op.name, XS_PERM_WRITE, &n);
    if (rc == ENOENT) {
        rc = create_node(&op, op.name, val, len, &m);
    } else if (!rc) {
        rc = ENOMEM;
        if ((m = xs_node_dup(n)) && !(rc = xs_node_set_data(m, val, len)))
            rc = xs_access_store(op.t, m);
        if (rc)
            xs_node_free(m);
    }
    if (!rc)
        rc = xs_queue_event(op.t, op.name, false, m, NULL, 0);
    return op_end(&op, rc);
}

int xs_mkdir(struct xs_conn *c, struct xs_txn *t, const char *path)
{
    struct op op;
    struct xs_node *n;
    int rc = op_begin(&op, c, t, path);

    if (!rc)
        rc = get_node(&op, op.name, XS_PERM_WRITE, &n);
    if (rc == ENOENT) {
        rc = create_node(&op, op.name, NULL, 0, &n);
        if (!rc)
            rc = xs_queue_event(op.t, op.name, false, n, NULL, 0);
    }
    return op_end(&op, rc);
}

/* Delete the node in path (a buffer of XS_PATH_BUF, len long) and its subtree. */
static int delete_tree(struct op *op, char *path, size_t len, bool exact)
{
    struct xs_node *n;
    uint16_t owner;
    int rc;

    rc = xs_access_get(op->t, path, &n);
    if (rc || !n)
        return rc;
    for (unsigned int off = 0; off < n->childlen;) {
        const char *child = n->children + off;
        size_t clen = strlen(child);
        off += (unsigned int)clen + 1;
        if (len + 1 + clen >= XS_PATH_BUF)
            continue;
        path[len] = '/';
        memcpy(path + len + 1, child, clen + 1);
        rc = delete_tree(op, path, len + 1 + clen, true);
        path[len] = '\0';
        if (rc)
            return rc;
    }
    rc = xs_queue_event(op->t, path, exact, n, NULL, 0);
    owner = n->nperms ? n->perms[0].id : 0;
    if (!rc)
        rc = xs_access_remove(op->t, path);
    if (!rc)
        rc = xs_access_count(op->t, owner, -1);
    return rc;
}

static int rm_node(struct op *op)
{
    char parent[XS_PATH_BUF];
    struct xs_node *n, *pn;
    int rc;

    rc = get_node(op, op->name, XS_PERM_WRITE, &n);
    memcpy(parent, op->name, sizeof(parent));
    if (strcmp(op->name, "/"))
        to_parent(parent);
    if (rc == ENOENT) {
        /* Removing a missing node is fine if its parent exists. */
        rc = xs_access_get(op->t, parent, &pn);
        return rc ? rc : pn ? 0 : ENOENT;
    }
    if (rc)
        return rc;
    if (!strcmp(op->name, "/"))
        return EINVAL;
    rc = delete_tree(op, op->name, strlen(op->name), false);
    if (rc)
        return rc;
    rc = xs_access_get(op->t, parent, &pn);
    if (rc || !pn)
        return rc ? rc : ENOENT;
    struct xs_node *pm = xs_node_dup(pn);
    if (!pm)
        return ENOMEM;
    xs_node_del_child(pm, strrchr(op->name, '/') + 1);
    rc = xs_access_store(op->t, pm);
    if (rc)
        xs_node_free(pm);
    return rc;
}

int xs_rm(struct xs_conn *c, struct xs_txn *t, const char *path)
{
    struct op op;
    int rc = op_begin(&op, c, t, path);

    if (!rc)
        rc = rm_node(&op);
    return op_end(&op, rc);
}

int xs_directory(struct xs_conn *c, struct xs_txn *t, const char *path, struct xs_buf *out)
{
    struct op op;
    struct xs_node *n;
    int rc = op_begin(&op, c, t, path);

    if (!rc)
        rc = get_node(&op, op.name, XS_PERM_READ, &n);
    if (!rc)
        rc = xs_buf_put(out, n->children, n->childlen);
    return op_end(&op, rc);
}

/*
 * "<gencnt>\0" then the children from byte offset off, as many whole names as
 * fit in one payload; an empty name (a second NUL) marks the end of the list.
 */
int xs_directory_part(struct xs_conn *c, struct xs_txn *t, const char *path, unsigned int off,
                      struct xs_buf *out)
{
    struct op op;
    struct xs_node *n;
    char gen[24];
    int rc = op_begin(&op, c, t, path);

    if (!rc)
        rc = get_node(&op, op.name, XS_PERM_READ, &n);
    if (rc)
        return op_end(&op, rc);
    size_t genlen = (size_t)snprintf(gen, sizeof(gen), "%llu",
                                     (unsigned long long)n->generation) + 1;
    size_t len = 0, max = XENSTORE_PAYLOAD_MAX - genlen - 1;
    if (off < n->childlen) {
        /* whole names only: off must start one, or we start at the next */
        const char *ch = n->children;
        while (off && off < n->childlen && ch[off - 1] != '\0')
            off++;
        while (off + len < n->childlen) {
            size_t l = strlen(ch + off + len) + 1;
            if (len + l > max)
                break;
            len += l;
        }
    } else {
        off = n->childlen;
    }
    rc = xs_buf_put(out, gen, genlen);
    if (!rc && len)
        rc = xs_buf_put(out, n->children + off, len);
    if (!rc && off + len == n->childlen)
        rc = xs_buf_put(out, "", 1);
    return op_end(&op, rc);
}

struct xs_node *xs_special(struct xs_store *s, const char *name)
{
    if (!strcmp(name, "@introduceDomain"))
        return s->special[0];
    if (!strcmp(name, "@releaseDomain"))
        return s->special[1];
    return NULL;
}

int xs_get_perms(struct xs_conn *c, struct xs_txn *t, const char *path, struct xs_buf *out)
{
    struct op op;
    struct xs_node *n;
    int rc;

    if (path && path[0] == '@') {
        n = xs_special(c->store, path);
        if (!n)
            return ENOENT;
        if (!(xs_perm_for(c, n->perms, n->nperms) & XS_PERM_READ))
            return EACCES;
        return xs_format_perms(n->perms, n->nperms, out);
    }
    rc = op_begin(&op, c, t, path);
    if (!rc)
        rc = get_node(&op, op.name, XS_PERM_READ, &n);
    if (!rc)
        rc = xs_format_perms(n->perms, n->nperms, out);
    return op_end(&op, rc);
}

static int set_special_perms(struct xs_conn *c, const char *path, const struct xs_perm *p,
                             unsigned int num)
{
    struct xs_node *n = xs_special(c->store, path);
    const unsigned int need = XS_PERM_WRITE | XS_PERM_OWNER;

    if (!n)
        return ENOENT;
    if ((xs_perm_for(c, n->perms, n->nperms) & need) != need)
        return EACCES;
    return xs_node_set_perms(n, p, num);
}

static int set_node_perms(struct op *op, struct xs_perm *p, unsigned int num)
{
    const unsigned int need = XS_PERM_WRITE | XS_PERM_OWNER;
    struct xs_node *n, *m;
    struct xs_perm *old;
    unsigned int nold;
    uint16_t owner;
    int rc;

    rc = get_node(op, op->name, need, &n);
    if (rc)
        return rc;
    owner = n->perms[0].id;
    /* Unprivileged domains may not give their nodes away. */
    if (!xs_conn_privileged(op->c) && p[0].id != owner)
        return EPERM;
    /* The old permissions go with the event: watchers losing access see it. */
    nold = n->nperms;
    old = malloc(nold * sizeof(*old));
    m = xs_node_dup(n);
    if (!old || !m || xs_node_set_perms(m, p, num)) {
        rc = ENOMEM;
        goto out;
    }
    memcpy(old, n->perms, nold * sizeof(*old));
    rc = xs_access_store(op->t, m);     /* n is freed or no longer ours */
    if (rc)
        goto out;
    m = NULL;
    if (owner != p[0].id &&
        ((rc = xs_access_count(op->t, owner, -1)) || (rc = xs_access_count(op->t, p[0].id, 1))))
        goto out;
    xs_access_get(op->t, op->name, &n);
    rc = xs_queue_event(op->t, op->name, false, n, old, nold);
out:
    xs_node_free(m);
    free(old);
    return rc;
}

int xs_set_perms(struct xs_conn *c, struct xs_txn *t, const char *path, const char *perms,
                 size_t len)
{
    struct op op;
    struct xs_perm *p;
    unsigned int num = 0;
    int rc;

    /* Count first: too many entries is ENOSPC before any parsing (as Xen). */
    for (size_t i = 0; i < len; i++)
        num += perms[i] == '\0';
    if (!num)
        return EINVAL;
    if (!xs_conn_privileged(c) && num > c->store->quota.perms)
        return ENOSPC;
    p = calloc(num, sizeof(*p));
    if (!p)
        return ENOMEM;
    rc = xs_parse_perms(perms, len, p, num, &num);
    /* Entries for domains that do not exist are kept but ignored (XSA-322). */
    for (unsigned int i = 1; !rc && i < num; i++)
        if (!xs_dom_exists(c->store, p[i].id))
            p[i].perm |= XS_PERM_IGNORE;
    if (!rc && path && path[0] == '@') {
        rc = set_special_perms(c, path, p, num);
        free(p);
        return rc;
    }
    if (!rc)
        rc = op_begin(&op, c, t, path);
    else
        op_begin(&op, c, t, NULL);
    if (!rc)
        rc = set_node_perms(&op, p, num);
    free(p);
    return op_end(&op, rc);
}

/* --- consistency ------------------------------------------------------------------ */

struct owner_count {
    uint16_t domid;
    unsigned int n;
};

struct check_ctx {
    struct xs_store *s;
    char *why;
    size_t whylen;
    int bad;
    struct owner_count *owned;   /* nodes counted per owner */
    unsigned int nowned;
};

static void count_owner(struct check_ctx *k, uint16_t domid)
{
    struct owner_count *o;

    for (unsigned int i = 0; i < k->nowned; i++) {
        if (k->owned[i].domid == domid) {
            k->owned[i].n++;
            return;
        }
    }
    o = realloc(k->owned, (k->nowned + 1) * sizeof(*o));
    if (!o) {
        k->bad = snprintf(k->why, k->whylen, "out of memory") | 1;
        return;
    }
    k->owned = o;
    o[k->nowned].domid = domid;
    o[k->nowned++].n = 1;
}

static void check_node(void *val, void *arg)
{
    struct check_ctx *k = arg;
    struct xs_node *n = val, *p;
    char parent[XS_PATH_BUF];

    if (k->bad)
        return;
    if (!n->nperms || strcmp(n->h.key, n->name)) {
        k->bad = snprintf(k->why, k->whylen, "%s: no owner or bad key", n->name) | 1;
        return;
    }
    count_owner(k, n->perms[0].id);
    for (unsigned int off = 0; off < n->childlen; off += (unsigned int)strlen(n->children + off) + 1) {
        snprintf(parent, sizeof(parent), "%s%s%s", n->name, strcmp(n->name, "/") ? "/" : "",
                 n->children + off);
        if (!xs_map_get(&k->s->nodes, parent)) {
            k->bad = snprintf(k->why, k->whylen, "%s: child %s missing", n->name, parent) | 1;
            return;
        }
    }
    if (!strcmp(n->name, "/"))
        return;
    snprintf(parent, sizeof(parent), "%s", n->name);
    to_parent(parent);
    p = xs_map_get(&k->s->nodes, parent);
    const char *base = strrchr(n->name, '/') + 1;
    unsigned int seen = 0;
    for (unsigned int off = 0; p && off < p->childlen; off += (unsigned int)strlen(p->children + off) + 1)
        seen += !strcmp(p->children + off, base);
    if (seen != 1)
        k->bad = snprintf(k->why, k->whylen, "%s: listed %u times by its parent", n->name, seen) | 1;
}

int xs_store_check(struct xs_store *s, char *why, size_t whylen)
{
    struct check_ctx k = { s, why, whylen, 0, NULL, 0 };

    xs_map_each(&s->nodes, check_node, &k);
    for (unsigned int i = 0; !k.bad && i < k.nowned; i++) {
        struct xs_domain *d = xs_dom_find(s, k.owned[i].domid);
        if (!d || d->nodes != k.owned[i].n)
            k.bad = snprintf(why, whylen, "domain %u owns %u nodes, counted %u",
                             k.owned[i].domid, k.owned[i].n, d ? d->nodes : 0) | 1;
    }
    for (unsigned int h = 0; !k.bad && h < XS_DOM_HASH; h++) {
        for (struct xs_domain *d = s->dom[h]; d && !k.bad; d = d->next) {
            unsigned int n = 0;
            for (unsigned int i = 0; i < k.nowned; i++)
                n += k.owned[i].domid == d->domid ? k.owned[i].n : 0;
            if (n != d->nodes)
                k.bad = snprintf(why, whylen, "domain %u counted %u nodes, owns %u",
                                 d->domid, d->nodes, n) | 1;
        }
    }
    free(k.owned);
    return k.bad ? -1 : 0;
}

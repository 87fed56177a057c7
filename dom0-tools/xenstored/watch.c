/*
 * Watches, as C xenstored 4.17 fires them (xenstored_watch.c):
 *
 * - WATCH path|token| registers (path canonical; relative paths are resolved
 *   and remembered as relative) and fires once at once, after the OK, with
 *   the watched path. The same path and token twice is EEXIST; more than
 *   quota.watches watches on an unprivileged connection is E2BIG.
 * - A change of node N fires every watch set on N or an ancestor of N (a
 *   watch on "/" sees everything, special events included); the event names
 *   N, relative to /local/domain/<id> for a relative watch. A removed
 *   subtree also fires the watches set exactly on each removed node.
 * - A connection gets the event only if it may read N now, or could before
 *   the change (SET_PERMS, RM), or may read N's parent.
 * - @introduceDomain and @releaseDomain fire for connections that may read
 *   the special path's permissions (dom0 only, until dom0 grants more with
 *   SET_PERMS on the special path).
 * - Events are queued per connection; an unprivileged connection that lets
 *   more than quota.events_max pile up loses the newest (C xenstored drops
 *   events older than 20 s instead; Lamina has no clock in the core).
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Is path equal to or below watched? ("/" watches everything.) */
static bool is_child(const char *path, const char *watched)
{
    size_t len = strlen(watched);

    if (!strcmp(watched, "/"))
        return true;
    return !strncmp(path, watched, len) && (path[len] == '/' || path[len] == '\0');
}

static void send_event(struct xs_conn *c, const struct xs_watch *w, const char *path)
{
    char prefix[32];
    size_t plen, len, tlen = strlen(w->token);

    if (w->relative) {
        xs_domain_path(c->domid, prefix, sizeof(prefix));
        plen = strlen(prefix);
        if (!strncmp(path, prefix, plen)) {
            path += plen;
            if (*path == '/')
                path++;
        }
    }
    len = strlen(path) + 1 + tlen + 1;
    if (len > XENSTORE_PAYLOAD_MAX) {
        c->events_dropped++;  /* Linux would drop the whole ring on a longer message */
        return;
    }
    if (!xs_conn_privileged(c) && c->out_events >= c->store->quota.events_max) {
        c->events_dropped++;
        return;
    }
    char *buf = malloc(len);
    if (!buf) {
        c->events_dropped++;
        return;
    }
    memcpy(buf, path, strlen(path) + 1);
    memcpy(buf + strlen(path) + 1, w->token, tlen + 1);
    if (xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, buf, len))
        c->events_dropped++;
    free(buf);
}

static bool can_read(const struct xs_conn *c, const struct xs_perm *p, unsigned int n)
{
    return p && n && (xs_perm_for(c, p, n) & XS_PERM_READ);
}

static bool permitted(struct xs_conn *c, const struct xs_event *ev)
{
    struct xs_store *s = c->store;
    char parent[XS_PATH_BUF];
    struct xs_node *n;

    if (xs_conn_privileged(c) || can_read(c, ev->old, ev->nold) ||
        can_read(c, ev->perms, ev->nperms))
        return true;
    n = xs_map_get(&s->nodes, ev->path);
    if (n && can_read(c, n->perms, n->nperms))
        return true;
    memcpy(parent, ev->path, strlen(ev->path) + 1);
    char *slash = strrchr(parent, '/');
    if (!slash)
        return false;
    slash[slash == parent] = '\0';
    n = xs_map_get(&s->nodes, parent);
    return n && can_read(c, n->perms, n->nperms);
}

void xs_fire(struct xs_store *s, const struct xs_event *ev)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        bool checked = false, ok = false;
        for (struct xs_watch *w = c->watches; w; w = w->next) {
            if (ev->exact ? strcmp(ev->path, w->path) : !is_child(ev->path, w->path))
                continue;
            if (!checked) {
                ok = permitted(c, ev);
                checked = true;
            }
            if (ok)
                send_event(c, w, ev->path);
        }
    }
}

void xs_fire_special(struct xs_store *s, const char *name)
{
    struct xs_node *sp = xs_special(s, name);

    for (struct xs_conn *c = s->conns; sp && c; c = c->next) {
        if (!c->watches || !can_read(c, sp->perms, sp->nperms))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next)
            if (is_child(name, w->path))
                send_event(c, w, name);
    }
}

/* --- the requests ------------------------------------------------------------------- */

static int watch_path(struct xs_conn *c, const char *path, char *out, bool *relative)
{
    if (path[0] == '@') {
        *relative = false;
        if (strlen(path) > XENSTORE_REL_PATH_MAX)
            return EINVAL;
        strcpy(out, path);
        return 0;
    }
    if (xs_canonical(c, path, out, relative) || !xs_valid_path(c->store, out))
        return EINVAL;
    return 0;
}

int xs_watch(struct xs_conn *c, const char *path, const char *token)
{
    char name[XS_PATH_BUF];
    struct xs_watch *w;
    bool relative;
    int rc = watch_path(c, path, name, &relative);

    if (rc)
        return rc;
    for (w = c->watches; w; w = w->next)
        if (!strcmp(w->path, name) && !strcmp(w->token, token))
            return EEXIST;
    if (!xs_conn_privileged(c) && c->nwatches >= c->store->quota.watches)
        return E2BIG;
    w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(name)) || !(w->token = strdup(token))) {
        if (w)
            free(w->path);
        free(w);
        return ENOMEM;
    }
    w->relative = relative;
    /* Appended: events for one change come in the order watches were set. */
    struct xs_watch **p = &c->watches;
    while (*p)
        p = &(*p)->next;
    *p = w;
    c->nwatches++;
    return 0;
}

void xs_watch_fire_initial(struct xs_conn *c, const char *path, const char *token)
{
    char name[XS_PATH_BUF];
    bool relative;

    if (watch_path(c, path, name, &relative))
        return;
    for (struct xs_watch *w = c->watches; w; w = w->next)
        if (!strcmp(w->path, name) && !strcmp(w->token, token))
            send_event(c, w, w->path);
}

int xs_unwatch(struct xs_conn *c, const char *path, const char *token)
{
    char name[XS_PATH_BUF];
    bool relative;

    if (watch_path(c, path, name, &relative))
        return ENOENT;   /* Xen canonicalizes without validating: no such watch */
    for (struct xs_watch **p = &c->watches; *p; p = &(*p)->next) {
        struct xs_watch *w = *p;
        if (!strcmp(w->path, name) && !strcmp(w->token, token)) {
            *p = w->next;
            free(w->path);
            free(w->token);
            free(w);
            c->nwatches--;
            return 0;
        }
    }
    return ENOENT;
}

void xs_watch_free_all(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;
        c->watches = w->next;
        free(w->path);
        free(w->token);
        free(w);
    }
    c->nwatches = 0;
}

/* RESET_WATCHES drops the connection's watches and transactions (Xen). */
void xs_reset_watches(struct xs_conn *c)
{
    xs_watch_free_all(c);
    xs_txn_free_all(c);
}

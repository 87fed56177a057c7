/*
 * Nodes (name, value bytes, permissions, children, generation) and the
 * string-keyed hash map that holds them, globally and per transaction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* --- map ---------------------------------------------------------------------- */

static size_t hash_str(const char *s)
{
    size_t h = 14695981039346656037ull;   /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int map_resize(struct xs_map *m, size_t nb)
{
    struct xs_hent **b = calloc(nb, sizeof(*b));

    if (!b)
        return ENOMEM;
    for (size_t i = 0; i < m->nb; i++) {
        struct xs_hent *e = m->b[i], *next;
        for (; e; e = next) {
            next = e->next;
            size_t k = hash_str(e->key) & (nb - 1);
            e->next = b[k];
            b[k] = e;
        }
    }
    free(m->b);
    m->b = b;
    m->nb = nb;
    return 0;
}

int xs_map_reserve(struct xs_map *m, size_t n)
{
    size_t nb = m->nb ? m->nb : 64;

    if (n > SIZE_MAX / 4 - m->count)
        return ENOMEM;
    while (nb < m->count + n)
        nb *= 2;
    return nb == m->nb ? 0 : map_resize(m, nb);
}

static struct xs_hent **map_slot(const struct xs_map *m, const char *key)
{
    struct xs_hent **p;

    if (!m->nb)
        return NULL;
    for (p = &m->b[hash_str(key) & (m->nb - 1)]; *p; p = &(*p)->next)
        if (!strcmp((*p)->key, key))
            return p;
    return NULL;
}

void *xs_map_get(const struct xs_map *m, const char *key)
{
    struct xs_hent **p = map_slot(m, key);

    return p ? (*p)->val : NULL;
}

int xs_map_put(struct xs_map *m, struct xs_hent *e, void **old)
{
    struct xs_hent **p = map_slot(m, e->key);

    if (old)
        *old = NULL;
    if (p) {
        if (old)
            *old = (*p)->val;
        e->next = (*p)->next;
        *p = e;
        return 0;
    }
    if (xs_map_reserve(m, 1))
        return ENOMEM;
    size_t k = hash_str(e->key) & (m->nb - 1);
    e->next = m->b[k];
    m->b[k] = e;
    m->count++;
    return 0;
}

void *xs_map_del(struct xs_map *m, const char *key)
{
    struct xs_hent **p = map_slot(m, key), *e;

    if (!p)
        return NULL;
    e = *p;
    *p = e->next;
    m->count--;
    return e->val;
}

void xs_map_clear(struct xs_map *m, void (*free_val)(void *))
{
    for (size_t i = 0; i < m->nb; i++) {
        struct xs_hent *e = m->b[i], *next;
        for (; e; e = next) {
            next = e->next;
            if (free_val)
                free_val(e->val);
        }
    }
    free(m->b);
    m->b = NULL;
    m->nb = 0;
    m->count = 0;
}

void xs_map_each(const struct xs_map *m, void (*fn)(void *val, void *arg), void *arg)
{
    for (size_t i = 0; i < m->nb; i++)
        for (struct xs_hent *e = m->b[i]; e; e = e->next)
            fn(e->val, arg);
}

/* --- nodes -------------------------------------------------------------------- */

struct xs_node *xs_node_new(const char *name)
{
    struct xs_node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->name = strdup(name);
    if (!n->name) {
        free(n);
        return NULL;
    }
    n->generation = XS_NO_GEN;
    n->h.key = n->name;
    n->h.val = n;
    return n;
}

static void *memdup(const void *p, size_t len)
{
    void *q;

    if (!len)
        return NULL;
    q = malloc(len);
    if (q)
        memcpy(q, p, len);
    return q;
}

struct xs_node *xs_node_dup(const struct xs_node *n)
{
    struct xs_node *m = xs_node_new(n->name);

    if (!m)
        return NULL;
    m->generation = n->generation;
    m->nperms = n->nperms;
    m->datalen = n->datalen;
    m->childlen = n->childlen;
    m->perms = memdup(n->perms, n->nperms * sizeof(*n->perms));
    m->data = memdup(n->data, n->datalen);
    m->children = memdup(n->children, n->childlen);
    if ((n->nperms && !m->perms) || (n->datalen && !m->data) ||
        (n->childlen && !m->children)) {
        xs_node_free(m);
        return NULL;
    }
    return m;
}

void xs_node_free(struct xs_node *n)
{
    if (!n)
        return;
    free(n->name);
    free(n->perms);
    free(n->data);
    free(n->children);
    free(n);
}

void xs_node_free_v(void *n)
{
    xs_node_free(n);
}

int xs_node_set_data(struct xs_node *n, const void *data, size_t len)
{
    unsigned char *d = NULL;

    if (len > XENSTORE_PAYLOAD_MAX)
        return E2BIG;
    if (len && !(d = memdup(data, len)))
        return ENOMEM;
    free(n->data);
    n->data = d;
    n->datalen = (unsigned int)len;
    return 0;
}

int xs_node_set_perms(struct xs_node *n, const struct xs_perm *p, unsigned int num)
{
    struct xs_perm *q = memdup(p, num * sizeof(*p));

    if (num && !q)
        return ENOMEM;
    free(n->perms);
    n->perms = q;
    n->nperms = num;
    return 0;
}

int xs_node_add_child(struct xs_node *n, const char *child)
{
    size_t len = strlen(child) + 1;
    char *c = realloc(n->children, n->childlen + len);

    if (!c)
        return ENOMEM;
    memcpy(c + n->childlen, child, len);
    n->children = c;
    n->childlen += (unsigned int)len;
    return 0;
}

void xs_node_del_child(struct xs_node *n, const char *child)
{
    size_t len = strlen(child) + 1;

    for (unsigned int off = 0; off < n->childlen;) {
        size_t here = strlen(n->children + off) + 1;
        if (here == len && !memcmp(n->children + off, child, len)) {
            memmove(n->children + off, n->children + off + len, n->childlen - off - len);
            n->childlen -= (unsigned int)len;
            return;
        }
        off += (unsigned int)here;
    }
}

/*
 * C xenstored stores a node as struct xs_tdb_record_hdr (u64 generation, u32
 * num_perms, datalen, childlen: 24 bytes), then 8 bytes per permission, the
 * value and the children; its node-size quota compares that total.
 */
size_t xs_node_size(const struct xs_node *n)
{
    return 24 + 8 * (size_t)n->nperms + n->datalen + n->childlen;
}

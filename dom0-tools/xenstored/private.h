/*
 * Internals shared by the xenstore core's files (node.c, store.c, txn.c,
 * watch.c, domain.c, conn.c, wire.c). Not for the daemon or clients.
 */
#ifndef LAMINA_XS_PRIVATE_H
#define LAMINA_XS_PRIVATE_H

#include <errno.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Canonical paths fit here: XENSTORE_ABS_PATH_MAX plus the terminator. */
#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)

/* Generation of a node that does not exist (Xen's NO_GENERATION). */
#define XS_NO_GEN UINT64_MAX

/* Permission bits (Xen's XS_PERM_*, internal values). */
#define XS_PERM_NONE   0x00u
#define XS_PERM_READ   0x01u
#define XS_PERM_WRITE  0x02u
#define XS_PERM_OWNER  0x08u
#define XS_PERM_IGNORE 0x10u  /* entry names a domain that is gone */

struct xs_perm {
    uint16_t id;
    uint8_t perm;
};

/* --- node.c: nodes and the string-keyed map -------------------------------- */

struct xs_hent {
    struct xs_hent *next;
    const char *key;
    void *val;               /* the structure this entry is embedded in */
};

struct xs_map {
    struct xs_hent **b;
    size_t nb;
    size_t count;
};

void *xs_map_get(const struct xs_map *m, const char *key);
/* Make room for n more entries, so that that many xs_map_put cannot fail. */
int xs_map_reserve(struct xs_map *m, size_t n);
/* Insert e (key and val set), replacing an entry of the same key (*old = its val). */
int xs_map_put(struct xs_map *m, struct xs_hent *e, void **old);
void *xs_map_del(struct xs_map *m, const char *key);
void xs_map_clear(struct xs_map *m, void (*free_val)(void *));
/* Visit every value; fn may not change the map. */
void xs_map_each(const struct xs_map *m, void (*fn)(void *val, void *arg), void *arg);

struct xs_node {
    struct xs_hent h;        /* key: name */
    char *name;              /* canonical path */
    uint64_t generation;
    struct xs_perm *perms;   /* [0] is the owner and the default */
    unsigned int nperms;
    unsigned char *data;
    unsigned int datalen;
    char *children;          /* "a\0b\0": names, each NUL-terminated */
    unsigned int childlen;
};

struct xs_node *xs_node_new(const char *name);
struct xs_node *xs_node_dup(const struct xs_node *n);
void xs_node_free(struct xs_node *n);
void xs_node_free_v(void *n);
int xs_node_set_data(struct xs_node *n, const void *data, size_t len);
int xs_node_set_perms(struct xs_node *n, const struct xs_perm *p, unsigned int num);
int xs_node_add_child(struct xs_node *n, const char *child);
void xs_node_del_child(struct xs_node *n, const char *child);
/* Size as C xenstored accounts it: record header, perms, value, children. */
size_t xs_node_size(const struct xs_node *n);

/* --- store.c ---------------------------------------------------------------- */

struct xs_domain {
    struct xs_domain *next;   /* hash chain */
    uint16_t domid;
    bool introduced;
    bool shutdown;            /* @releaseDomain already fired for a shutdown */
    uint16_t target;          /* XS_SET_TARGET, or XS_DOMID_INVALID */
    unsigned int nodes;       /* nodes owned */
    struct xs_conn *conn;     /* ring connection while introduced */
    void *ring;
    uint32_t local_port;
    uint32_t remote_port;
};

#define XS_DOM_HASH 64

struct xs_store {
    struct xs_quota quota;
    struct xs_hooks hooks;
    struct xs_map nodes;
    uint64_t generation;
    struct xs_conn *conns;
    struct xs_domain *dom[XS_DOM_HASH];
    struct xs_node *special[2];          /* perms of @introduceDomain, @releaseDomain */
    bool keep_orphans;
};

struct xs_domain *xs_dom_find(struct xs_store *s, uint16_t domid);
struct xs_domain *xs_dom_get(struct xs_store *s, uint16_t domid);   /* allocates */
bool xs_dom_exists(struct xs_store *s, uint16_t domid);

unsigned int xs_perm_for(const struct xs_conn *c, const struct xs_perm *p, unsigned int num);
int xs_parse_perms(const char *strs, size_t len, struct xs_perm *out, unsigned int max,
                   unsigned int *num);
int xs_format_perms(const struct xs_perm *p, unsigned int num, struct xs_buf *out);

/* Canonical form of path for c (relative resolved); 0 or EINVAL. */
int xs_canonical(const struct xs_conn *c, const char *path, char *out, bool *relative);
bool xs_valid_path(const struct xs_store *s, const char *path);
/* "/local/domain/<domid>" */
void xs_domain_path(uint16_t domid, char *out, size_t len);

/* --- txn.c: the access layer every operation goes through --------------------- */

struct xs_access {
    struct xs_hent h;        /* key: path */
    struct xs_access *next;  /* in order of first access */
    char *path;
    uint64_t gen;            /* generation seen first, XS_NO_GEN if absent */
    struct xs_node *node;    /* this transaction's version; NULL = absent */
    bool borrowed;           /* node is the global one (implicit transactions) */
    bool modified;
};

struct xs_event {
    struct xs_hent h;        /* key: path (explicit transactions merge events) */
    struct xs_event *next;
    char *path;
    bool exact;
    struct xs_perm *perms;   /* the node's perms when it changed (may be NULL) */
    unsigned int nperms;
    struct xs_perm *old;     /* perms before a SET_PERMS, or NULL */
    unsigned int nold;
};

struct xs_delta {
    uint16_t domid;
    int delta;
};

struct xs_txn {
    struct xs_txn *next;     /* the connection's list */
    struct xs_conn *conn;
    uint32_t id;             /* 0 for the implicit transaction of one request */
    bool implicit;
    bool fail;               /* commit answers ENOMEM (Xen's trans->fail) */
    struct xs_map map;       /* path -> struct xs_access */
    struct xs_access *first, **last;
    unsigned int naccess;
    struct xs_event *events, **events_last;
    struct xs_map evmap;     /* path -> struct xs_event */
    struct xs_delta *deltas;
    unsigned int ndeltas;
};

void xs_txn_init(struct xs_txn *t, struct xs_conn *c, bool implicit);
void xs_txn_discard(struct xs_txn *t);
int xs_txn_commit(struct xs_txn *t);
void xs_txn_free_all(struct xs_conn *c);

int xs_access_get(struct xs_txn *t, const char *path, struct xs_node **n);
int xs_access_store(struct xs_txn *t, struct xs_node *n);
int xs_access_remove(struct xs_txn *t, const char *path);
int xs_access_count(struct xs_txn *t, uint16_t domid, int delta);
unsigned int xs_nodes_of(struct xs_txn *t, uint16_t domid);
int xs_queue_event(struct xs_txn *t, const char *path, bool exact,
                   const struct xs_node *n, const struct xs_perm *old, unsigned int nold);

/* --- watch.c ---------------------------------------------------------------- */

struct xs_watch {
    struct xs_watch *next;
    char *path;              /* canonical, or a special "@..." name */
    char *token;
    bool relative;
};

void xs_fire(struct xs_store *s, const struct xs_event *ev);
void xs_fire_special(struct xs_store *s, const char *name);
/* The permission holder of a special watch path, or NULL. */
struct xs_node *xs_special(struct xs_store *s, const char *name);
void xs_watch_free_all(struct xs_conn *c);

/* --- domain.c --------------------------------------------------------------- */

void xs_dom_free_all(struct xs_store *s);

/* --- conn.c: a connection and its queues ------------------------------------- */

struct xs_outmsg {
    struct xs_outmsg *next;
    size_t len;              /* header + payload */
    size_t off;              /* bytes already taken by the transport */
    bool is_reply;
    unsigned char bytes[];
};

struct xs_conn {
    struct xs_store *store;
    struct xs_conn *next;    /* store->conns */
    uint16_t domid;
    bool dead;               /* protocol violation: drop it */
    /* input: header, then payload */
    size_t in_used;
    unsigned char in_hdr[sizeof(struct xsd_sockmsg)];
    struct xsd_sockmsg hdr;
    bool hdr_done;
    unsigned char payload[XENSTORE_PAYLOAD_MAX + 1];
    /* output */
    struct xs_outmsg *out, **out_last;
    unsigned int out_replies;
    unsigned int out_events;
    unsigned long events_dropped;
    /* watches and transactions */
    struct xs_watch *watches;
    unsigned int nwatches;
    struct xs_txn *txns;
    unsigned int ntxns;
    uint32_t next_txn_id;
};

int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                  const void *payload, size_t len);
void xs_conn_kill(struct xs_conn *c);

#endif

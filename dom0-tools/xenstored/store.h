/*
 * The xenstore core: a tree of nodes with permissions, transactions, watches,
 * quotas and domain bookkeeping, as Xen 4.17's C xenstored keeps them
 * (docs/misc/xenstore.txt; shared/docs/xen-arm-abi.md section 8.1).
 *
 * The core does no I/O. Requests come in as function calls (or as wire
 * messages through wire.h); replies and watch events go to each connection's
 * output queue; mapping a ring and binding an event channel are the caller's
 * hooks. Unit tests and the fuzzer drive it directly; the daemon adds the
 * Unix socket and the rings around it.
 *
 * Errors are positive errno values (EINVAL, EACCES, ...), sent on the wire by
 * name from the xsd_errors table of <xen/io/xs_wire.h>.
 */
#ifndef LAMINA_XS_STORE_H
#define LAMINA_XS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_DOMID_SELF           0x7FF0u /* DOMID_SELF, xen.h */
#define XS_DOMID_FIRST_RESERVED 0x7FF0u
#define XS_DOMID_INVALID        0x7FF4u

/* Per-domain limits; the defaults are C xenstored 4.17's (xenstored_core.c). */
struct xs_quota {
    unsigned int nodes;        /* nodes owned by a domain (1000) */
    unsigned int watches;      /* watches per domain (128) */
    unsigned int transactions; /* open transactions per domain (10) */
    unsigned int node_size;    /* bytes per node, header + perms + value + children (2048) */
    unsigned int perms;        /* permission entries per node, owner included (5) */
    unsigned int txn_nodes;    /* nodes one transaction may touch (1024) */
    unsigned int outstanding;  /* replies queued but not yet taken (20) */
    unsigned int path_max;     /* path length below /local/domain/<id>/ (2048) */
    unsigned int events_max;   /* queued watch events before dropping (Lamina: 1024) */
};

void xs_quota_defaults(struct xs_quota *q);

/*
 * The real I/O, provided by the caller. Any hook may be NULL: the core then
 * skips that step (map_ring NULL maps nothing; domain_exists NULL treats every
 * domain id below DOMID_FIRST_RESERVED as existing).
 */
struct xs_hooks {
    void *ctx;
    /* Map domain domid's store ring (gfn from XS_INTRODUCE). 0 or an errno. */
    int (*map_ring)(void *ctx, uint16_t domid, uint64_t gfn, void **ring);
    void (*unmap_ring)(void *ctx, uint16_t domid, void *ring);
    /* Bind an interdomain channel to (domid, remote_port): local port, or -errno. */
    int (*bind_port)(void *ctx, uint16_t domid, uint32_t remote_port);
    void (*unbind_port)(void *ctx, uint32_t local_port);
    void (*notify)(void *ctx, uint32_t local_port);
    /* Does the hypervisor know domain domid (created, not yet destroyed)? */
    bool (*domain_exists)(void *ctx, uint16_t domid);
};

struct xs_store;
struct xs_conn;
struct xs_txn;

/* A growable byte buffer for replies. */
struct xs_buf {
    char *data;
    size_t len;
    size_t cap;
};

int xs_buf_put(struct xs_buf *b, const void *p, size_t len);
void xs_buf_free(struct xs_buf *b);

/* quota and hooks may be NULL (defaults, no hooks). NULL on allocation failure. */
struct xs_store *xs_store_new(const struct xs_quota *quota, const struct xs_hooks *hooks);
void xs_store_free(struct xs_store *s);
/* Nodes owned by a released domain are given to dom0 instead of deleted. */
void xs_store_keep_orphans(struct xs_store *s, bool keep);
/* Check the tree's invariants (parents list their children, counts match). 0 if sound. */
int xs_store_check(struct xs_store *s, char *why, size_t whylen);

/*
 * A connection acting as domain domid: dom0 (privileged) for the daemon's
 * Unix socket, or any domain (a ring connection is created by XS_INTRODUCE).
 */
struct xs_conn *xs_conn_new(struct xs_store *s, uint16_t domid);
void xs_conn_free(struct xs_conn *c);
uint16_t xs_conn_domid(const struct xs_conn *c);
bool xs_conn_privileged(const struct xs_conn *c);

/* Transactions: id 0 means none. xs_txn_find returns NULL for unknown ids. */
int xs_txn_start(struct xs_conn *c, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);

/*
 * Node operations; t is a transaction of c or NULL. Paths may be relative to
 * /local/domain/<domid>. Outputs are appended to out.
 */
int xs_read(struct xs_conn *c, struct xs_txn *t, const char *path, struct xs_buf *out);
int xs_write(struct xs_conn *c, struct xs_txn *t, const char *path, const void *val, size_t len);
int xs_mkdir(struct xs_conn *c, struct xs_txn *t, const char *path);
int xs_rm(struct xs_conn *c, struct xs_txn *t, const char *path);
int xs_directory(struct xs_conn *c, struct xs_txn *t, const char *path, struct xs_buf *out);
/* gencnt NUL, then children from byte offset off, an empty name ending the list. */
int xs_directory_part(struct xs_conn *c, struct xs_txn *t, const char *path, unsigned int off,
                      struct xs_buf *out);
int xs_get_perms(struct xs_conn *c, struct xs_txn *t, const char *path, struct xs_buf *out);
/* perms: "<letter><domid>" strings, each NUL-terminated, len bytes in all. */
int xs_set_perms(struct xs_conn *c, struct xs_txn *t, const char *path, const char *perms,
                 size_t len);

/* Watches: the initial event is queued by xs_watch_fire_initial. */
int xs_watch(struct xs_conn *c, const char *path, const char *token);
void xs_watch_fire_initial(struct xs_conn *c, const char *path, const char *token);
int xs_unwatch(struct xs_conn *c, const char *path, const char *token);
void xs_reset_watches(struct xs_conn *c);

/* Domains. */
int xs_introduce(struct xs_store *s, uint16_t domid, uint64_t gfn, uint32_t port);
int xs_release(struct xs_store *s, uint16_t domid);
int xs_resume(struct xs_store *s, uint16_t domid);
int xs_set_target(struct xs_store *s, uint16_t domid, uint16_t target);
bool xs_is_introduced(struct xs_store *s, uint16_t domid);
/* The daemon's view after VIRQ_DOM_EXC and getdomaininfo (Xen's check_domains). */
enum xs_dom_state { XS_DOM_RUNNING, XS_DOM_SHUTDOWN, XS_DOM_DYING };
void xs_domain_update(struct xs_store *s, uint16_t domid, enum xs_dom_state state);
/* The ring connection of an introduced domain, its ring and local port. */
struct xs_conn *xs_domain_conn(struct xs_store *s, uint16_t domid, void **ring, uint32_t *port);

#endif

/*
 * lamina-blkback: the user-space block backend, one process per guest
 * domain (as QEMU's qdisk is in Xen), serving every disk under
 * /local/domain/0/backend/qdisk/<domid>/. See docs/man/lamina-blkback.md.
 */
#ifndef LAMINA_BLKBACK_H
#define LAMINA_BLKBACK_H

#include <stdbool.h>
#include <stdint.h>
#include "blkif_req.h"
#include "disk.h"
#include "xenbus_state.h"
#include "backend_util.h"
#include "vbd_stats.h"
#include "xendev.h"

/* Advertised to frontends (Linux's xen-blkback uses the same defaults). */
#define BLKBACK_MAX_QUEUES 4
#define BLKBACK_MAX_RING_ORDER 4
#define BLKBACK_MAX_RING_PAGES (1u << BLKBACK_MAX_RING_ORDER)
/* Persistent grants kept mapped per queue (xen-blkback: max_pgrants). */
#define BLKBACK_MAX_PGRANTS 1056

struct blk_dev;

struct pgrant {
    grant_ref_t gref;
    struct xendev_map map;
};


struct blk_queue {
    struct blk_dev *dev;
    unsigned int index;
    struct xendev_map ring_map;
    blkif_back_ring_t ring;
    int local_port;                 /* -1: not bound */
    uint32_t remote_port;
    struct pgrant *pgrants;         /* sorted by gref */
    unsigned int nr_pgrants;
};

struct blk_dev {
    struct blkback *bb;
    unsigned int devid;
    char bepath[96], fepath[96];
    unsigned int fe_domid;
    enum xenbus_state state;        /* what we last wrote */
    struct disk disk;
    bool disk_open;
    struct blk_limits lim;
    bool persistent;                /* both sides agreed */
    unsigned int nr_queues;
    unsigned int ring_pages;
    struct blk_queue q[BLKBACK_MAX_QUEUES];
    struct vbd_stats *stats;        /* published for xtop (vbd_stats.h), or own_stats */
    struct vbd_stats own_stats;
    struct blk_dev *next;
};

struct blkback {
    struct xsc *xs;
    struct xendev xd;
    unsigned int domid;             /* the frontend domain served */
    char base[64];                  /* /local/domain/0/backend/qdisk/<domid> */
    struct blk_dev *devs;
    void *bounce;                   /* one request's data for grant copies */
    bool verbose;
    bool broken;                    /* --broken: answer every request with an error */
    const char *stats_dir;          /* where the disks' counters are published (VBD_STATS_DIR) */
};

/* devices.c: the xenstore side */
int blkback_scan(struct blkback *bb);          /* add new devices, drop vanished ones */
void blkback_frontend_changed(struct blkback *bb, const char *path);
void blkback_dev_free(struct blkback *bb, struct blk_dev *d);
void blkback_dev_disconnect(struct blk_dev *d);
/* The frontend broke the protocol: disconnect, say why, go Closing. */
void blkback_dev_fail(struct blk_dev *d, const char *why);

/* io.c: the rings */
int blkback_queue_connect(struct blk_queue *q, const grant_ref_t *refs, unsigned int pages,
                          uint32_t remote_port, bool resume);
void blkback_queue_disconnect(struct blk_queue *q);
/* Serves the queue until it is empty (requests answered, frontend notified). */
void blkback_queue_run(struct blk_queue *q);
struct blk_queue *blkback_queue_by_port(struct blkback *bb, uint32_t local_port);


#endif

/*
 * A blkif frontend (xen/io/blkif.h) for a small guest: one ring page, one
 * queue, direct segments (up to 11 pages a request), grants ended after each
 * response. No indirect descriptors or persistent grants: the backend is not
 * told the frontend can do them, so Linux's xen-blkback and lamina-blkback both
 * serve it through their plain paths.
 */
#ifndef LAMINA_BLKFRONT_H
#define LAMINA_BLKFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gnttab_front.h"
#include "pv_ring.h"
#include "xenbus_front.h"
#include <xen/io/blkif.h>

#define BLKFRONT_SLOTS 32u  /* __CONST_RING_SIZE(blkif, 4096) */
#define BLKFRONT_IO_TIMEOUT_MS 30000u

struct blkfront {
    struct xbf_dev dev;
    struct gnttab_front *gnt;
    void *ring_page;
    blkif_front_ring_t ring;
    int ring_ref;
    evtchn_port_t port;
    blkif_vdev_t handle;

    /* the backend's answers, read at connect */
    uint64_t sectors;           /* in sector_size units */
    unsigned int sector_size;
    bool readonly;
    bool flush;                 /* feature-flush-cache */
    bool barrier;               /* feature-barrier */

    struct {
        bool busy;
        uint8_t nseg;
        int16_t status;
        grant_ref_t gref[BLKIF_MAX_SEGMENTS_PER_REQUEST];
    } slot[BLKFRONT_SLOTS];
    unsigned int in_flight;
    int broken;                 /* the backend answered nonsense or stopped answering */

    uint64_t requests, errors, grants_kept;     /* grants_kept: still mapped when we wanted them back */
};

/* Connects to device/vbd/<devid> with ring_page (one page-aligned page). */
int blkfront_connect(struct blkfront *bf, struct xs_front *xs, struct gnttab_front *gnt, unsigned int devid,
                     void *ring_page);

/* Reads or writes `bytes` (a multiple of 512) at 512-byte sector `sector`
 * from or into buf (page aligned, contiguous in guest memory). Requests go
 * out as the ring has room; returns 0, -EIO if any failed (BLKIF_RSP_ERROR),
 * -EOPNOTSUPP if the backend refused the operation, -EROFS on a read-only
 * disk, -ETIMEDOUT when the backend stops answering. */
int blkfront_rw(struct blkfront *bf, bool write, uint64_t sector, void *buf, size_t bytes);

/* BLKIF_OP_FLUSH_DISKCACHE (or WRITE_BARRIER when that is all the backend has). */
int blkfront_flush(struct blkfront *bf);

int blkfront_close(struct blkfront *bf);

#endif

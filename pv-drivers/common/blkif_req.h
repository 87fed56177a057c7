/*
 * blkif requests (xen/io/blkif.h) decoded and checked before a backend acts
 * on them: decode first, then do (style.md item 3). The ring is shared with
 * the frontend, so a request is copied out of it once (RING_COPY_REQUEST)
 * and everything here is checked on the copy: operation, segment counts,
 * sector ranges within each page and within the disk, read-only disks.
 */
#ifndef LAMINA_BLKIF_REQ_H
#define LAMINA_BLKIF_REQ_H

#include <stdbool.h>
#include <stdint.h>
#include "pv_ring.h"
#include <xen/grant_table.h>
#include <xen/io/blkif.h>

#define BLK_SECTOR_SIZE 512u
#define BLK_SECTORS_PER_PAGE (PV_PAGE_SIZE / BLK_SECTOR_SIZE)
#define BLK_SEGS_PER_INDIRECT_PAGE (PV_PAGE_SIZE / sizeof(struct blkif_request_segment))
/* What backends advertise as feature-max-indirect-segments (Linux's
 * xen-blkback: MAX_INDIRECT_SEGMENTS). At most 8 indirect pages allow 4096. */
#define BLK_MAX_INDIRECT_SEGS 256u

/* One data segment: a granted page and the bytes of it to move. */
struct blk_seg {
    grant_ref_t gref;
    uint16_t offset;        /* bytes into the page */
    uint16_t len;           /* bytes, a multiple of 512 */
};

struct blk_req {
    uint64_t id;                    /* echoed in the response */
    uint8_t op;                     /* READ, WRITE, WRITE_BARRIER, FLUSH_DISKCACHE, DISCARD;
                                       for INDIRECT its indirect_op (the response's operation) */
    bool indirect;
    bool discard_secure;
    uint64_t sector;                /* first 512-byte sector */
    uint64_t nr_sectors;            /* READ/WRITE: sum of the segments; DISCARD: the range */
    unsigned int nr_segs;
    unsigned int nr_indirect_pages;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    struct blk_seg seg[BLK_MAX_INDIRECT_SEGS];
};

/* What the disk allows. */
struct blk_limits {
    uint64_t sectors;               /* disk size in 512-byte sectors */
    unsigned int max_indirect_segs; /* 0: indirect requests refused */
    bool readonly;
    bool discard;                   /* feature-discard advertised */
    bool barrier;                   /* feature-barrier advertised */
};

/*
 * Decodes and checks a request copied from the ring. 0: *out is ready
 * (for an indirect request, nr_segs and the indirect grefs are; the segments
 * come with blk_req_indirect_segs()). Errors, each to be answered with
 * blk_rsp_status(rc) and the request's id and operation (out->id/op are set
 * whenever the request is answered):
 *   -EINVAL      malformed (bad operation, segment counts, sectors, range)
 *   -EROFS       a write, barrier or discard to a read-only disk
 *   -EOPNOTSUPP  an operation the disk does not offer (discard, barrier)
 */
int blk_req_decode(const blkif_request_t *raw, const struct blk_limits *lim, struct blk_req *out);

/*
 * The segments of an indirect request, from its indirect pages as fetched
 * (segs[] holds req->nr_segs entries, in page order). Checks them as
 * blk_req_decode checks direct ones; 0 or -EINVAL.
 */
int blk_req_indirect_segs(struct blk_req *req, const struct blkif_request_segment *segs,
                          const struct blk_limits *lim);

/* The blkif status for a decode or I/O result: 0 -> OKAY, -EOPNOTSUPP ->
 * EOPNOTSUPP, anything else -> ERROR. */
int16_t blk_rsp_status(int rc);

/* "read", "write", ... for logs. */
const char *blk_op_name(unsigned int op);

#endif

/*
 * The data path: requests are copied out of the shared ring, decoded
 * (blkif_req.c), carried out synchronously against the disk, answered.
 * Data moves either straight between the disk and the frontend's pages
 * when both sides use persistent grants (each granted page is mapped once
 * and kept), or through a bounce buffer and one GNTTABOP_copy batch per
 * request (no mapping to set up and tear down for pages used once).
 * A frontend that writes nonsense to its ring gets its queue disconnected;
 * nothing it does reaches beyond its own disk.
 */
#define _GNU_SOURCE
#include "blkback.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct blk_queue *blkback_queue_by_port(struct blkback *bb, uint32_t local_port)
{
    for (struct blk_dev *d = bb->devs; d; d = d->next)
        for (unsigned int i = 0; i < d->nr_queues; i++)
            if (d->q[i].local_port >= 0 && (uint32_t)d->q[i].local_port == local_port)
                return &d->q[i];
    return NULL;
}

int blkback_queue_connect(struct blk_queue *q, const grant_ref_t *refs, unsigned int pages,
                          uint32_t remote_port, bool resume)
{
    struct blkback *bb = q->dev->bb;
    int rc = xendev_map(&bb->xd, (uint16_t)q->dev->fe_domid, refs, pages, 0, &q->ring_map);
    if (rc < 0)
        return rc;
    blkif_sring_t *sring = q->ring_map.addr;
    if (resume) {
        /* A backend restarted under a connected frontend: what was
         * requested but not answered is done again (reads and writes of
         * whole sectors are idempotent). */
        RING_IDX rsp = sring->rsp_prod;
        BACK_RING_ATTACH(&q->ring, sring, rsp, (size_t)pages * PV_PAGE_SIZE);
    } else {
        BACK_RING_INIT(&q->ring, sring, (size_t)pages * PV_PAGE_SIZE);
    }
    rc = xendev_bind(&bb->xd, (uint16_t)q->dev->fe_domid, remote_port);
    if (rc < 0) {
        xendev_unmap(&bb->xd, &q->ring_map);
        return rc;
    }
    q->local_port = rc;
    q->remote_port = remote_port;
    return 0;
}

static void pgrants_release(struct blk_queue *q)
{
    for (unsigned int i = 0; i < q->nr_pgrants; i++)
        xendev_unmap(&q->dev->bb->xd, &q->pgrants[i].map);
    free(q->pgrants);
    q->pgrants = NULL;
    q->nr_pgrants = 0;
}

void blkback_queue_disconnect(struct blk_queue *q)
{
    struct blkback *bb = q->dev->bb;
    if (q->local_port >= 0)
        xendev_unbind(&bb->xd, (uint32_t)q->local_port);
    q->local_port = -1;
    xendev_unmap(&bb->xd, &q->ring_map);
    pgrants_release(q);
}

/* --- persistent grants ------------------------------------------------------------------ */

static int pgrant_find(const struct blk_queue *q, grant_ref_t gref, unsigned int *pos)
{
    unsigned int lo = 0, hi = q->nr_pgrants;
    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        if (q->pgrants[mid].gref < gref)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return lo < q->nr_pgrants && q->pgrants[lo].gref == gref;
}

/* The page of gref mapped read-write, mapping it the first time; NULL when
 * it cannot be (the pool is full, or the frontend did not grant it so). */
static void *pgrant_get(struct blk_queue *q, grant_ref_t gref)
{
    unsigned int pos;
    if (pgrant_find(q, gref, &pos))
        return q->pgrants[pos].map.addr;
    if (q->nr_pgrants >= BLKBACK_MAX_PGRANTS)
        return NULL;
    if (!q->pgrants && !(q->pgrants = calloc(BLKBACK_MAX_PGRANTS, sizeof(*q->pgrants))))
        return NULL;
    struct xendev_map m;
    if (xendev_map(&q->dev->bb->xd, (uint16_t)q->dev->fe_domid, &gref, 1, 0, &m) < 0)
        return NULL;
    memmove(&q->pgrants[pos + 1], &q->pgrants[pos], (q->nr_pgrants - pos) * sizeof(*q->pgrants));
    q->pgrants[pos].gref = gref;
    q->pgrants[pos].map = m;
    q->nr_pgrants++;
    return m.addr;
}

/* --- data movement ---------------------------------------------------------------------- */

static int rw_persistent(struct blk_queue *q, const struct blk_req *req, bool write, bool *done)
{
    struct iovec iov[BLK_MAX_INDIRECT_SEGS];
    *done = false;
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        char *page = pgrant_get(q, req->seg[i].gref);
        if (!page)
            return 0;   /* fall back to copying this request */
        iov[i].iov_base = page + req->seg[i].offset;
        iov[i].iov_len = req->seg[i].len;
    }
    *done = true;
    struct disk *disk = &q->dev->disk;
    uint64_t off = req->sector * BLK_SECTOR_SIZE;
    return write ? disk_writev(disk, off, iov, (int)req->nr_segs) : disk_readv(disk, off, iov, (int)req->nr_segs);
}

static int rw_copy(struct blk_queue *q, const struct blk_req *req, bool write)
{
    struct blkback *bb = q->dev->bb;
    struct ioctl_gntdev_grant_copy_segment seg[BLK_MAX_INDIRECT_SEGS];
    size_t pos = 0;
    uint16_t domid = (uint16_t)q->dev->fe_domid;

    for (unsigned int i = 0; i < req->nr_segs; i++) {
        struct ioctl_gntdev_grant_copy_segment *s = &seg[i];
        memset(s, 0, sizeof(*s));
        if (write) {
            s->source.foreign.ref = req->seg[i].gref;
            s->source.foreign.offset = req->seg[i].offset;
            s->source.foreign.domid = domid;
            s->dest.virt = (char *)bb->bounce + pos;
            s->flags = GNTCOPY_source_gref;
        } else {
            s->source.virt = (char *)bb->bounce + pos;
            s->dest.foreign.ref = req->seg[i].gref;
            s->dest.foreign.offset = req->seg[i].offset;
            s->dest.foreign.domid = domid;
            s->flags = GNTCOPY_dest_gref;
        }
        s->len = req->seg[i].len;
        pos += req->seg[i].len;
    }
    struct iovec v = { bb->bounce, pos };
    uint64_t off = req->sector * BLK_SECTOR_SIZE;
    int rc;
    if (write) {
        if ((rc = xendev_copy(&bb->xd, seg, req->nr_segs, NULL)) < 0)
            return rc;
        return disk_writev(&q->dev->disk, off, &v, 1);
    }
    if ((rc = disk_readv(&q->dev->disk, off, &v, 1)) < 0)
        return rc;
    return xendev_copy(&bb->xd, seg, req->nr_segs, NULL);
}

static int do_rw(struct blk_queue *q, const struct blk_req *req, bool write)
{
    if (req->nr_segs == 0)
        return 0;
    if (q->dev->persistent) {
        bool done;
        int rc = rw_persistent(q, req, write, &done);
        if (done)
            return rc;
    }
    return rw_copy(q, req, write);
}

/* The segment lists of an indirect request, copied out of its pages. */
static int fetch_indirect(struct blk_queue *q, struct blk_req *req)
{
    static struct blkif_request_segment segs[BLK_MAX_INDIRECT_SEGS];
    struct ioctl_gntdev_grant_copy_segment c[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    size_t want = req->nr_segs * sizeof(segs[0]);
    unsigned int n = req->nr_indirect_pages;

    for (unsigned int i = 0; i < n; i++) {
        size_t chunk = want - i * PV_PAGE_SIZE;
        memset(&c[i], 0, sizeof(c[i]));
        c[i].source.foreign.ref = req->indirect_grefs[i];
        c[i].source.foreign.domid = (uint16_t)q->dev->fe_domid;
        c[i].dest.virt = (char *)segs + i * PV_PAGE_SIZE;
        c[i].len = (uint16_t)(chunk > PV_PAGE_SIZE ? PV_PAGE_SIZE : chunk);
        c[i].flags = GNTCOPY_source_gref;
    }
    int rc = xendev_copy(&q->dev->bb->xd, c, n, NULL);
    if (rc < 0)
        return rc;
    return blk_req_indirect_segs(req, segs, &q->dev->lim);
}

static int do_request(struct blk_queue *q, struct blk_req *req)
{
    struct blk_dev *d = q->dev;
    struct vbd_stats *st = d->stats;
    int rc;

    switch (req->op) {
    case BLKIF_OP_READ:
        st->rd_req++;
        st->rd_sect += req->nr_sectors;
        return do_rw(q, req, false);
    case BLKIF_OP_WRITE:
        st->wr_req++;
        st->wr_sect += req->nr_sectors;
        return do_rw(q, req, true);
    case BLKIF_OP_FLUSH_DISKCACHE:
        st->f_req++;
        return disk_flush(&d->disk);
    case BLKIF_OP_WRITE_BARRIER:
        /* Everything before is complete (requests are served in order);
         * make it durable, then this write, then make that durable. */
        st->f_req++;
        if ((rc = disk_flush(&d->disk)) < 0)
            return rc;
        if (req->nr_segs) {
            st->wr_req++;
            st->wr_sect += req->nr_sectors;
            if ((rc = do_rw(q, req, true)) < 0)
                return rc;
        }
        return disk_flush(&d->disk);
    case BLKIF_OP_DISCARD:
        st->ds_req++;
        return disk_discard(&d->disk, req->sector * BLK_SECTOR_SIZE, req->nr_sectors * BLK_SECTOR_SIZE);
    default:
        return -EINVAL;
    }
}

static void respond(struct blk_queue *q, uint64_t id, uint8_t op, int16_t status)
{
    blkif_response_t *rsp = RING_GET_RESPONSE(&q->ring, q->ring.rsp_prod_pvt);
    rsp->id = id;
    rsp->operation = op;
    rsp->status = status;
    q->ring.rsp_prod_pvt++;
}

static void handle(struct blk_queue *q, const blkif_request_t *raw)
{
    static struct blk_req req;
    struct blk_dev *d = q->dev;
    int rc = blk_req_decode(raw, &d->lim, &req);
    if (rc == 0 && req.indirect)
        rc = fetch_indirect(q, &req);
    if (rc == 0)
        rc = d->bb->broken ? -EIO : do_request(q, &req);
    if (rc < 0) {
        d->stats->errors++;
        if (d->stats->errors <= 20 || d->bb->verbose)
            pv_log("vbd %u/%u: %s of sector %llu (%llu sectors): %s", d->fe_domid, d->devid,
                    blk_op_name(req.op), (unsigned long long)req.sector,
                    (unsigned long long)req.nr_sectors, strerror(-rc));
    }
    respond(q, req.id, req.op, blk_rsp_status(rc));
}

void blkback_queue_run(struct blk_queue *q)
{
    struct blk_dev *d = q->dev;
    for (;;) {
        if (q->local_port < 0)
            return;
        RING_IDX prod = q->ring.sring->req_prod;
        xen_rmb();      /* the requests up to prod are visible */
        if (!pv_ring_prod_ok(prod, q->ring.req_cons, q->ring.rsp_prod_pvt, RING_SIZE(&q->ring))) {
            pv_log("vbd %u/%u queue %u: frontend wrote an impossible req_prod %u (consumed %u): disconnecting",
                    d->fe_domid, d->devid, q->index, prod, q->ring.req_cons);
            blkback_dev_fail(d, "impossible ring index from the frontend");
            return;
        }
        while (q->ring.req_cons != prod) {
            blkif_request_t raw;
            RING_COPY_REQUEST(&q->ring, q->ring.req_cons, &raw);
            q->ring.req_cons++;
            handle(q, &raw);
        }
        int notify, more;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->ring, notify);
        if (notify)
            xendev_notify(&d->bb->xd, (uint32_t)q->local_port);
        RING_FINAL_CHECK_FOR_REQUESTS(&q->ring, more);
        if (!more)
            return;
    }
}

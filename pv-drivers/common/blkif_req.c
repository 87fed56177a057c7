/*
 * blkif request decoding: see blkif_req.h. The checks are those Linux's
 * xen-blkback makes in dispatch_rw_block_io() / xen_vbd_translate() /
 * dispatch_discard_io(), restated; any request that fails one is answered
 * with an error and nothing is done.
 */
#include "blkif_req.h"

#include <errno.h>
#include <string.h>

const char *blk_op_name(unsigned int op)
{
    switch (op) {
    case BLKIF_OP_READ: return "read";
    case BLKIF_OP_WRITE: return "write";
    case BLKIF_OP_WRITE_BARRIER: return "write-barrier";
    case BLKIF_OP_FLUSH_DISKCACHE: return "flush";
    case BLKIF_OP_DISCARD: return "discard";
    case BLKIF_OP_INDIRECT: return "indirect";
    default: return "unknown";
    }
}

int16_t blk_rsp_status(int rc)
{
    if (rc == 0)
        return BLKIF_RSP_OKAY;
    return rc == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
}

/* Appends one segment after checking its sectors lie within the page. */
static int add_seg(struct blk_req *req, const struct blkif_request_segment *s)
{
    if (s->first_sect > s->last_sect || s->last_sect >= BLK_SECTORS_PER_PAGE)
        return -EINVAL;
    struct blk_seg *d = &req->seg[req->nr_segs++];
    d->gref = s->gref;
    d->offset = (uint16_t)(s->first_sect * BLK_SECTOR_SIZE);
    d->len = (uint16_t)((s->last_sect - s->first_sect + 1u) * BLK_SECTOR_SIZE);
    req->nr_sectors += (uint64_t)(s->last_sect - s->first_sect + 1u);
    return 0;
}

static int range_ok(uint64_t sector, uint64_t n, uint64_t disk_sectors)
{
    return sector <= disk_sectors && n <= disk_sectors - sector;
}

static int decode_discard(const blkif_request_t *raw, const struct blk_limits *lim, struct blk_req *out)
{
    blkif_request_discard_t d;
    memcpy(&d, raw, sizeof(d));
    out->id = d.id;
    out->sector = d.sector_number;
    out->nr_sectors = d.nr_sectors;
    out->discard_secure = (d.flag & BLKIF_DISCARD_SECURE) != 0;
    if (!lim->discard)
        return -EOPNOTSUPP;
    if (lim->readonly)
        return -EROFS;
    return range_ok(d.sector_number, d.nr_sectors, lim->sectors) ? 0 : -EINVAL;
}

static int decode_indirect(const blkif_request_t *raw, const struct blk_limits *lim, struct blk_req *out)
{
    blkif_request_indirect_t ind;
    memcpy(&ind, raw, sizeof(ind));
    out->id = ind.id;
    out->indirect = true;
    out->sector = ind.sector_number;
    /* The response carries the operation the frontend meant. */
    out->op = ind.indirect_op;
    if (ind.indirect_op != BLKIF_OP_READ && ind.indirect_op != BLKIF_OP_WRITE) {
        out->op = BLKIF_OP_INDIRECT;
        return -EINVAL;
    }
    if (lim->max_indirect_segs == 0 || ind.nr_segments == 0 ||
        ind.nr_segments > lim->max_indirect_segs || ind.nr_segments > BLK_MAX_INDIRECT_SEGS)
        return -EINVAL;
    if (ind.indirect_op == BLKIF_OP_WRITE && lim->readonly)
        return -EROFS;
    out->nr_indirect_pages =
        (ind.nr_segments + (unsigned int)BLK_SEGS_PER_INDIRECT_PAGE - 1) / (unsigned int)BLK_SEGS_PER_INDIRECT_PAGE;
    memcpy(out->indirect_grefs, ind.indirect_grefs, sizeof(out->indirect_grefs));
    /* nr_segs counts the segments still to be fetched. */
    out->nr_segs = ind.nr_segments;
    return 0;
}

int blk_req_decode(const blkif_request_t *raw, const struct blk_limits *lim, struct blk_req *out)
{
    out->id = raw->id;
    out->op = raw->operation;
    out->indirect = false;
    out->discard_secure = false;
    out->sector = raw->sector_number;
    out->nr_sectors = 0;
    out->nr_segs = 0;
    out->nr_indirect_pages = 0;

    switch (raw->operation) {
    case BLKIF_OP_DISCARD:
        return decode_discard(raw, lim, out);
    case BLKIF_OP_INDIRECT:
        return decode_indirect(raw, lim, out);
    case BLKIF_OP_FLUSH_DISKCACHE:
        return 0;   /* segments, if any, are ignored (as Linux) */
    case BLKIF_OP_WRITE_BARRIER:
        if (!lim->barrier)
            return -EOPNOTSUPP;
        if (lim->readonly)
            return -EROFS;
        /* A barrier may carry data or none (a bare ordering point). */
        break;
    case BLKIF_OP_READ:
        break;
    case BLKIF_OP_WRITE:
        if (lim->readonly)
            return -EROFS;
        break;
    default:
        return -EINVAL;
    }
    if (raw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
        (raw->nr_segments == 0 && raw->operation != BLKIF_OP_WRITE_BARRIER))
        return -EINVAL;
    for (unsigned int i = 0; i < raw->nr_segments; i++) {
        struct blkif_request_segment s;
        memcpy(&s, &raw->seg[i], sizeof(s));
        if (add_seg(out, &s) < 0)
            return -EINVAL;
    }
    return range_ok(out->sector, out->nr_sectors, lim->sectors) ? 0 : -EINVAL;
}

int blk_req_indirect_segs(struct blk_req *req, const struct blkif_request_segment *segs,
                          const struct blk_limits *lim)
{
    unsigned int n = req->nr_segs;
    if (!req->indirect || n == 0 || n > BLK_MAX_INDIRECT_SEGS)
        return -EINVAL;
    req->nr_segs = 0;
    req->nr_sectors = 0;
    for (unsigned int i = 0; i < n; i++)
        if (add_seg(req, &segs[i]) < 0)
            return -EINVAL;
    return range_ok(req->sector, req->nr_sectors, lim->sectors) ? 0 : -EINVAL;
}

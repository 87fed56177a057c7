/* The blkif frontend: see blkfront.h. */
#include "blkfront.h"

#include <errno.h>
#include <string.h>

#include <xen/io/protocols.h>

#define PAGE 4096u
#define SECTORS_PER_PAGE (PAGE / 512u)

static int blk_publish(struct xbf_dev *d, void *ctx)
{
    struct blkfront *bf = ctx;
    int rc;

    if ((rc = xbf_write(d, "ring-ref", "%d", bf->ring_ref)) < 0 ||
        (rc = xbf_write(d, "event-channel", "%u", (unsigned)bf->port)) < 0 ||
        (rc = xbf_write(d, "protocol", "%s", XEN_IO_PROTO_ABI_NATIVE)) < 0)
        return rc;
    return 0;
}

static int blk_connected(struct xbf_dev *d, void *ctx)
{
    struct blkfront *bf = ctx;
    unsigned long long sectors, ssize, info, flush, barrier;
    int rc;

    if ((rc = xbf_read_backend_uint(d, "sectors", ~0ULL, &sectors)) < 0 ||
        (rc = xbf_read_backend_uint(d, "sector-size", 512, &ssize)) < 0 ||
        (rc = xbf_read_backend_uint(d, "info", 0, &info)) < 0 ||
        (rc = xbf_read_backend_uint(d, "feature-flush-cache", 0, &flush)) < 0 ||
        (rc = xbf_read_backend_uint(d, "feature-barrier", 0, &barrier)) < 0)
        return rc;
    /* blkif sector numbers are 512 bytes whatever the disk's sector size. */
    if (sectors == ~0ULL || ssize < 512 || ssize > PAGE || ssize % 512)
        return -EINVAL;
    bf->sectors = sectors;
    bf->sector_size = (unsigned int)ssize;
    bf->readonly = info & VDISK_READONLY;
    bf->flush = flush != 0;
    bf->barrier = barrier != 0;
    return 0;
}

static const struct xbf_driver blk_driver = {
    .name = "vbd", .publish = blk_publish, .connect = blk_connected,
};

int blkfront_connect(struct blkfront *bf, struct xs_front *xs, struct gnttab_front *gnt, unsigned int devid,
                     void *ring_page)
{
    int rc;

    memset(bf, 0, sizeof(*bf));
    bf->gnt = gnt;
    bf->ring_page = ring_page;
    bf->ring_ref = -1;
    bf->handle = (blkif_vdev_t)devid;
    if ((rc = xbf_open(&bf->dev, xs, "vbd", devid)) < 0)
        return rc;

    memset(ring_page, 0, PAGE);
    blkif_sring_t *sring = ring_page;
    SHARED_RING_INIT(sring);
    FRONT_RING_INIT(&bf->ring, sring, PAGE);
    if ((rc = gnttab_front_grant(gnt, bf->dev.backend_id, fe_gfn(ring_page), false)) < 0)
        return rc;
    bf->ring_ref = rc;
    if ((rc = fe_evtchn_alloc(bf->dev.backend_id, &bf->port)) < 0 ||
        (rc = xbf_connect(&bf->dev, &blk_driver, bf, 30000)) < 0) {
        /* Take the ring back unless the backend still has it mapped. */
        if (gnttab_front_end(gnt, (grant_ref_t)bf->ring_ref) == 0)
            bf->ring_ref = -1;
        else
            bf->grants_kept++;
    }
    return rc;
}

/* Takes every response there is; 0, or -EBADMSG for one the ring never asked for. */
static int reap(struct blkfront *bf)
{
    int more;
    do {
        RING_IDX rp = bf->ring.sring->rsp_prod;
        xen_rmb();      /* the responses before the index that says they are there */
        if ((uint32_t)(rp - bf->ring.rsp_cons) > BLKFRONT_SLOTS)
            return bf->broken = -EBADMSG;
        for (RING_IDX i = bf->ring.rsp_cons; i != rp; i++) {
            blkif_response_t *r = RING_GET_RESPONSE(&bf->ring, i);
            uint64_t id = r->id;
            if (id >= BLKFRONT_SLOTS || !bf->slot[id].busy)
                return bf->broken = -EBADMSG;
            bf->slot[id].status = r->status;
            bf->slot[id].busy = false;
            for (unsigned int s = 0; s < bf->slot[id].nseg; s++)
                if (gnttab_front_end(bf->gnt, bf->slot[id].gref[s]) < 0)
                    bf->grants_kept++;  /* still mapped: left granted rather than reused */
            bf->in_flight--;
            if (r->status != BLKIF_RSP_OKAY)
                bf->errors++;
        }
        bf->ring.rsp_cons = rp;
        RING_FINAL_CHECK_FOR_RESPONSES(&bf->ring, more);
    } while (more);
    return 0;
}

/* Waits until at most `left` requests are in flight. */
static int wait_in_flight(struct blkfront *bf, unsigned int left)
{
    uint64_t deadline = fe_now_ms() + BLKFRONT_IO_TIMEOUT_MS;
    for (;;) {
        int rc = reap(bf);
        if (rc < 0)
            return rc;
        if (bf->in_flight <= left)
            return 0;
        uint64_t now = fe_now_ms();
        if (now >= deadline)
            /* Requests still out own their pages' grants: stop using the ring. */
            return bf->broken = -ETIMEDOUT;
        fe_evtchn_wait(bf->port, (uint32_t)(deadline - now < 100 ? deadline - now : 100));
    }
}

static int status_error(int16_t status)
{
    return status == BLKIF_RSP_OKAY ? 0 : status == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO;
}

/* Publishes the request just filled in at req_prod_pvt as slot id. */
static void push(struct blkfront *bf, unsigned int id, unsigned int nseg)
{
    bf->slot[id].busy = true;
    bf->slot[id].nseg = (uint8_t)nseg;
    bf->slot[id].status = BLKIF_RSP_OKAY;
    bf->in_flight++;
    bf->requests++;
    bf->ring.req_prod_pvt++;
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf->ring, notify);
    if (notify)
        fe_evtchn_notify(bf->port);
}

/* Waits for every request out; the first error among their answers. */
static int wait_all(struct blkfront *bf)
{
    int result = wait_in_flight(bf, 0);
    if (result < 0)
        return result;
    for (unsigned int i = 0; i < BLKFRONT_SLOTS; i++) {
        int rc = status_error(bf->slot[i].status);
        bf->slot[i].status = BLKIF_RSP_OKAY;
        if (rc && !result)
            result = rc;
    }
    return result;
}

static int free_slot(struct blkfront *bf)
{
    for (unsigned int i = 0; i < BLKFRONT_SLOTS; i++)
        if (!bf->slot[i].busy)
            return (int)i;
    return -1;
}

int blkfront_rw(struct blkfront *bf, bool write, uint64_t sector, void *buf, size_t bytes)
{
    if (bf->broken)
        return bf->broken;
    if (write && bf->readonly)
        return -EROFS;
    if (bytes % 512 || ((uintptr_t)buf % PAGE) || sector + bytes / 512 < sector ||
        sector + bytes / 512 > bf->sectors * (bf->sector_size / 512))
        return -EINVAL;

    uint8_t *p = buf;
    int result = 0;
    while (bytes) {
        if (RING_FULL(&bf->ring) && (result = wait_in_flight(bf, BLKFRONT_SLOTS - 1)) < 0)
            return result;
        int id = free_slot(bf);
        if (id < 0 && ((result = wait_in_flight(bf, BLKFRONT_SLOTS - 1)) < 0 || (id = free_slot(bf)) < 0))
            return result < 0 ? result : -EBADMSG;

        blkif_request_t *req = RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt);
        memset(req, 0, sizeof(*req));
        req->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
        req->handle = bf->handle;     /* the devid, as Linux's blkfront sends */
        req->id = (uint64_t)id;
        req->sector_number = sector;
        unsigned int nseg = 0;
        while (bytes && nseg < BLKIF_MAX_SEGMENTS_PER_REQUEST) {
            size_t chunk = bytes < PAGE ? bytes : PAGE;
            /* a read lets the backend write our page; a write only read it */
            int ref = gnttab_front_grant(bf->gnt, bf->dev.backend_id, fe_gfn(p), write);
            if (ref < 0) {
                /* Out of grants: what was granted for this request goes back,
                 * and the requests already sent are waited for, so that no
                 * grant on buf outlives the call (nor their status the next). */
                for (unsigned int s = 0; s < nseg; s++)
                    gnttab_front_end(bf->gnt, req->seg[s].gref);
                int rc = wait_all(bf);
                return rc == -ETIMEDOUT || rc == -EBADMSG ? rc : ref;
            }
            req->seg[nseg].gref = (grant_ref_t)ref;
            req->seg[nseg].first_sect = 0;
            req->seg[nseg].last_sect = (uint8_t)(chunk / 512 - 1);
            bf->slot[id].gref[nseg] = (grant_ref_t)ref;
            nseg++;
            p += chunk;
            bytes -= chunk;
            sector += chunk / 512;
        }
        req->nr_segments = (uint8_t)nseg;
        push(bf, (unsigned int)id, nseg);
    }
    return wait_all(bf);
}

int blkfront_flush(struct blkfront *bf)
{
    if (bf->broken)
        return bf->broken;
    if (!bf->flush && !bf->barrier)
        return -EOPNOTSUPP;
    int rc = wait_in_flight(bf, 0);
    if (rc < 0)
        return rc;
    blkif_request_t *req = RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt);
    memset(req, 0, sizeof(*req));
    req->operation = bf->flush ? BLKIF_OP_FLUSH_DISKCACHE : BLKIF_OP_WRITE_BARRIER;
    req->id = 0;
    push(bf, 0, 0);
    return wait_all(bf);
}

int blkfront_close(struct blkfront *bf)
{
    int rc = xbf_close(&bf->dev, 10000);
    if (bf->ring_ref >= 0 && gnttab_front_end(bf->gnt, (grant_ref_t)bf->ring_ref) < 0)
        bf->grants_kept++;
    bf->ring_ref = -1;
    return rc;
}

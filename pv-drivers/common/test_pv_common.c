/*
 * Host unit tests of pv-drivers/common (xenbus states, ring index checks,
 * blkif request decoding) and the block backend's disk layer.
 */
#define _GNU_SOURCE
#include "blkif_req.h"
#include "check.h"
#include "disk.h"
#include "netif_pkt.h"
#include "pv_ring.h"
#include "vbd_stats.h"
#include "xenbus_state.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_state_parse(void)
{
    enum xenbus_state s;
    CHECK_EQ(xb_state_parse("4", &s), 0);
    CHECK_EQ(s, XenbusStateConnected);
    CHECK_EQ(xb_state_parse("0", &s), 0);
    CHECK_EQ(xb_state_parse("8", &s), 0);
    CHECK_EQ(s, XenbusStateReconfigured);
    /* what a hostile or buggy peer might write */
    const char *bad[] = { "", "9", "-1", "4 ", " 4", "44", "4\n", "x", "04" };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_EQ(xb_state_parse(bad[i], &s), -EINVAL);
    CHECK_EQ(xb_state_parse(NULL, &s), -EINVAL);
    CHECK(strcmp(xb_state_name(XenbusStateInitWait), "InitWait") == 0);
    CHECK(strcmp(xb_state_name(42), "Invalid") == 0);
    CHECK(strcmp(xb_state_name(-1), "Invalid") == 0);
}

/* The handshake with Linux's blkfront (Initialised first) and netfront
 * (straight to Connected), closing, and a frontend that restarts. */
static void test_backend_table(void)
{
    CHECK_EQ(xb_back_on_front(XenbusStateInitWait, XenbusStateInitialising), XB_BACK_NONE);
    CHECK_EQ(xb_back_on_front(XenbusStateInitWait, XenbusStateInitialised), XB_BACK_CONNECT);
    CHECK_EQ(xb_back_on_front(XenbusStateInitWait, XenbusStateConnected), XB_BACK_CONNECT);
    /* already connected: the frontend's own Connected is no news */
    CHECK_EQ(xb_back_on_front(XenbusStateConnected, XenbusStateConnected), XB_BACK_NONE);
    CHECK_EQ(xb_back_on_front(XenbusStateConnected, XenbusStateClosing), XB_BACK_CLOSING);
    CHECK_EQ(xb_back_on_front(XenbusStateClosing, XenbusStateClosing), XB_BACK_NONE);
    CHECK_EQ(xb_back_on_front(XenbusStateClosing, XenbusStateClosed), XB_BACK_CLOSED);
    CHECK_EQ(xb_back_on_front(XenbusStateClosed, XenbusStateClosed), XB_BACK_NONE);
    /* the frontend's directory vanished */
    CHECK_EQ(xb_back_on_front(XenbusStateConnected, XenbusStateUnknown), XB_BACK_CLOSED);
    /* a frontend coming back after Closed (module reload) */
    CHECK_EQ(xb_back_on_front(XenbusStateClosed, XenbusStateInitialising), XB_BACK_REINIT);
    /* a closing backend does not reconnect before the frontend restarts */
    CHECK_EQ(xb_back_on_front(XenbusStateClosing, XenbusStateConnected), XB_BACK_NONE);
    CHECK_EQ(xb_back_on_front(XenbusStateClosed, XenbusStateInitialised), XB_BACK_NONE);
    /* states a frontend never takes change nothing */
    CHECK_EQ(xb_back_on_front(XenbusStateInitWait, XenbusStateInitWait), XB_BACK_NONE);
    CHECK_EQ(xb_back_on_front(XenbusStateInitWait, XenbusStateReconfiguring), XB_BACK_NONE);
}

static void test_frontend_table(void)
{
    CHECK_EQ(xb_front_on_back(XenbusStateInitialising, XenbusStateInitWait), XB_FRONT_PUBLISH);
    CHECK_EQ(xb_front_on_back(XenbusStateInitialised, XenbusStateInitWait), XB_FRONT_NONE);
    CHECK_EQ(xb_front_on_back(XenbusStateInitialised, XenbusStateConnected), XB_FRONT_CONNECT);
    CHECK_EQ(xb_front_on_back(XenbusStateConnected, XenbusStateConnected), XB_FRONT_NONE);
    CHECK_EQ(xb_front_on_back(XenbusStateConnected, XenbusStateClosing), XB_FRONT_CLOSE);
    CHECK_EQ(xb_front_on_back(XenbusStateClosed, XenbusStateClosed), XB_FRONT_NONE);
    CHECK_EQ(xb_front_on_back(XenbusStateClosed, XenbusStateInitWait), XB_FRONT_PUBLISH);
    /* backend's directory vanished */
    CHECK_EQ(xb_front_on_back(XenbusStateConnected, XenbusStateUnknown), XB_FRONT_CLOSE);
}

static void test_ring_sizes(void)
{
    /* io/blkif.h: one page holds 32 requests of 112 bytes; netif 256 of 12 */
    CHECK_EQ(sizeof(blkif_request_t), 112);
    CHECK_EQ(pv_ring_entries(1, sizeof(blkif_request_t)), 32);
    CHECK_EQ(pv_ring_entries(1, 12), 256);
    CHECK_EQ(pv_ring_entries(16, sizeof(blkif_request_t)), 512);
    CHECK_EQ(pv_ring_entries(0, 8), 0);
    CHECK_EQ(pv_ring_entries(1, 5000), 0);
    /* the macros agree */
    blkif_sring_t *s = calloc(1, 4096);
    blkif_back_ring_t r;
    SHARED_RING_INIT(s);
    BACK_RING_INIT(&r, s, 4096);
    CHECK_EQ(RING_SIZE(&r), pv_ring_entries(1, sizeof(blkif_request_t)));
    free(s);
}

static void test_ring_prod(void)
{
    CHECK(pv_ring_prod_ok(0, 0, 0, 32));
    CHECK(pv_ring_prod_ok(32, 0, 0, 32));
    CHECK(!pv_ring_prod_ok(33, 0, 0, 32));          /* more than the ring holds */
    CHECK(pv_ring_prod_ok(40, 10, 10, 32));
    CHECK(!pv_ring_prod_ok(5, 10, 10, 32));         /* went backwards */
    /* wrap-around of the free-running indices */
    CHECK(pv_ring_prod_ok(3, 0xfffffffcu, 0xfffffffau, 32));
    CHECK(!pv_ring_prod_ok(0x7fffffffu, 0, 0, 32));
}

static const struct blk_limits rw_disk = {
    .sectors = 2048, .max_indirect_segs = BLK_MAX_INDIRECT_SEGS, .discard = true, .barrier = true,
};

static blkif_request_t rw_req(uint8_t op, uint64_t sector, unsigned int nsegs)
{
    blkif_request_t r;
    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.nr_segments = (uint8_t)nsegs;
    r.id = 0x1234;
    r.sector_number = sector;
    for (unsigned int i = 0; i < nsegs && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r.seg[i].gref = 100 + i;
        r.seg[i].first_sect = 0;
        r.seg[i].last_sect = 7;
    }
    return r;
}

static void test_decode_rw(void)
{
    static struct blk_req q;
    blkif_request_t r = rw_req(BLKIF_OP_READ, 8, 3);
    r.seg[1].first_sect = 2;
    r.seg[1].last_sect = 5;
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);
    CHECK_EQ(q.id, 0x1234);
    CHECK_EQ(q.op, BLKIF_OP_READ);
    CHECK_EQ(q.nr_segs, 3);
    CHECK_EQ(q.nr_sectors, 8 + 4 + 8);
    CHECK_EQ(q.seg[1].gref, 101);
    CHECK_EQ(q.seg[1].offset, 1024);
    CHECK_EQ(q.seg[1].len, 2048);
    /* the last sectors of the disk, and one past them */
    r = rw_req(BLKIF_OP_WRITE, 2048 - 16, 2);
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);
    r = rw_req(BLKIF_OP_WRITE, 2048 - 15, 2);
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    /* a sector number that would wrap */
    r = rw_req(BLKIF_OP_READ, UINT64_MAX - 3, 1);
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
}

static void test_decode_malformed(void)
{
    static struct blk_req q;
    blkif_request_t r = rw_req(BLKIF_OP_READ, 0, 1);
    r.seg[0].first_sect = 5;
    r.seg[0].last_sect = 4;
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    r = rw_req(BLKIF_OP_READ, 0, 1);
    r.seg[0].last_sect = 8;                         /* past the page */
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    r = rw_req(BLKIF_OP_READ, 0, 0);                /* no data */
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    r = rw_req(BLKIF_OP_WRITE, 0, 1);
    r.nr_segments = 12;                             /* more than a request has */
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    r = rw_req(4, 0, 1);                            /* BLKIF_OP_RESERVED_1 */
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    CHECK_EQ(q.op, 4);                              /* answered with its own operation */
    r = rw_req(0xff, 0, 1);
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    CHECK_EQ(blk_rsp_status(-EINVAL), BLKIF_RSP_ERROR);
    CHECK_EQ(blk_rsp_status(-EOPNOTSUPP), BLKIF_RSP_EOPNOTSUPP);
    CHECK_EQ(blk_rsp_status(0), BLKIF_RSP_OKAY);
}

static void test_decode_readonly_and_features(void)
{
    static struct blk_req q;
    struct blk_limits ro = rw_disk;
    ro.readonly = true;
    blkif_request_t r = rw_req(BLKIF_OP_WRITE, 0, 1);
    CHECK_EQ(blk_req_decode(&r, &ro, &q), -EROFS);
    r = rw_req(BLKIF_OP_READ, 0, 1);
    CHECK_EQ(blk_req_decode(&r, &ro, &q), 0);
    r = rw_req(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    CHECK_EQ(blk_req_decode(&r, &ro, &q), 0);
    r = rw_req(BLKIF_OP_WRITE_BARRIER, 0, 0);
    CHECK_EQ(blk_req_decode(&r, &ro, &q), -EROFS);
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);  /* a bare barrier */
    struct blk_limits nobar = rw_disk;
    nobar.barrier = false;
    CHECK_EQ(blk_req_decode(&r, &nobar, &q), -EOPNOTSUPP);

    blkif_request_discard_t d;
    memset(&d, 0, sizeof(d));
    d.operation = BLKIF_OP_DISCARD;
    d.id = 9;
    d.sector_number = 100;
    d.nr_sectors = 1948;
    memcpy(&r, &d, sizeof(d));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);
    CHECK_EQ(q.nr_sectors, 1948);
    CHECK_EQ(q.id, 9);
    d.nr_sectors = 1949;
    memcpy(&r, &d, sizeof(d));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    d.nr_sectors = 8;
    memcpy(&r, &d, sizeof(d));
    CHECK_EQ(blk_req_decode(&r, &ro, &q), -EROFS);
    struct blk_limits nodisc = rw_disk;
    nodisc.discard = false;
    CHECK_EQ(blk_req_decode(&r, &nodisc, &q), -EOPNOTSUPP);
}

static void test_decode_indirect(void)
{
    static struct blk_req q;
    static struct blkif_request_segment segs[BLK_MAX_INDIRECT_SEGS];
    blkif_request_indirect_t ind;
    blkif_request_t r;
    memset(&ind, 0, sizeof(ind));
    ind.operation = BLKIF_OP_INDIRECT;
    ind.indirect_op = BLKIF_OP_WRITE;
    ind.nr_segments = 200;
    ind.id = 77;
    ind.sector_number = 0;
    ind.indirect_grefs[0] = 500;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);
    CHECK_EQ(q.op, BLKIF_OP_WRITE);                 /* the response's operation */
    CHECK(q.indirect);
    CHECK_EQ(q.nr_indirect_pages, 1);
    CHECK_EQ(q.nr_segs, 200);
    for (unsigned int i = 0; i < 200; i++)
        segs[i] = (struct blkif_request_segment){ .gref = 1000 + i, .first_sect = 0, .last_sect = 7 };
    CHECK_EQ(blk_req_indirect_segs(&q, segs, &rw_disk), 0);
    CHECK_EQ(q.nr_sectors, 1600);
    CHECK_EQ(q.seg[199].gref, 1199);
    /* 256 whole pages from sector 8 go one page past a 2048-sector disk */
    ind.nr_segments = 256;
    ind.sector_number = 8;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);
    for (unsigned int i = 0; i < 256; i++)
        segs[i] = (struct blkif_request_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
    CHECK_EQ(blk_req_indirect_segs(&q, segs, &rw_disk), -EINVAL);
    /* a bad segment in an indirect page */
    ind.nr_segments = 2;
    ind.sector_number = 0;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), 0);
    segs[1].last_sect = 9;
    CHECK_EQ(blk_req_indirect_segs(&q, segs, &rw_disk), -EINVAL);
    /* too many segments, none, a bad inner operation, not advertised */
    ind.nr_segments = 257;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    ind.nr_segments = 0;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    ind.nr_segments = 4;
    ind.indirect_op = BLKIF_OP_DISCARD;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &rw_disk, &q), -EINVAL);
    ind.indirect_op = BLKIF_OP_READ;
    memcpy(&r, &ind, sizeof(ind));
    struct blk_limits noind = rw_disk;
    noind.max_indirect_segs = 0;
    CHECK_EQ(blk_req_decode(&r, &noind, &q), -EINVAL);
    /* 513 segments would need 2 pages: the page count follows nr_segments */
    struct blk_limits big = rw_disk;
    big.max_indirect_segs = 4096;
    ind.nr_segments = 256;
    memcpy(&r, &ind, sizeof(ind));
    CHECK_EQ(blk_req_decode(&r, &big, &q), 0);
    CHECK_EQ(q.nr_indirect_pages, 1);
}

static char tmpdir[] = "/tmp/pv-common-XXXXXX";

static void test_disk(void)
{
    char path[64];
    snprintf(path, sizeof(path), "%s/img", tmpdir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(ftruncate(fd, 1024 * 1024 + 100), 0);  /* a partial sector at the end */
    close(fd);
    struct disk d;
    CHECK_EQ(disk_open(&d, path, false), 0);
    CHECK_EQ(d.sectors, 2048);
    CHECK(!d.is_blkdev);
    char a[4096], b[8192];
    memset(a, 'x', sizeof(a));
    struct iovec v[2] = { { a, 1024 }, { a + 1024, 3072 } };
    CHECK_EQ(disk_writev(&d, 4096, v, 2), 0);
    struct iovec w = { b, sizeof(b) };
    CHECK_EQ(disk_readv(&d, 0, &w, 1), 0);
    CHECK(b[0] == 0 && b[4095] == 0 && b[4096] == 'x' && b[8191] == 'x');
    CHECK_EQ(disk_flush(&d), 0);
    /* discarded sectors read back as zeroes */
    CHECK_EQ(disk_discard(&d, 4096, 4096), 0);
    CHECK_EQ(disk_readv(&d, 0, &w, 1), 0);
    CHECK(b[4096] == 0 && b[8191] == 0);
    /* reading past the end of the image: an error, not garbage */
    CHECK_EQ(disk_readv(&d, 1024 * 1024 + 100, &w, 1), -EIO);
    disk_close(&d);

    CHECK_EQ(disk_open(&d, path, true), 0);
    CHECK_EQ(disk_writev(&d, 0, v, 2), -EROFS);
    CHECK_EQ(disk_discard(&d, 0, 4096), -EROFS);
    CHECK_EQ(disk_readv(&d, 0, &w, 1), 0);
    disk_close(&d);
    CHECK_EQ(disk_open(&d, tmpdir, false), -EISDIR);
    char missing[80];
    snprintf(missing, sizeof(missing), "%s/none", tmpdir);
    CHECK_EQ(disk_open(&d, missing, false), -ENOENT);
    unlink(path);
}

static void test_params(void)
{
    CHECK(strcmp(disk_params_path("/img"), "/img") == 0);
    CHECK(strcmp(disk_params_path("raw:/var/a.img"), "/var/a.img") == 0);
    CHECK(strcmp(disk_params_path("aio:/var/a.img"), "/var/a.img") == 0);
    CHECK(disk_params_path("qcow2:/var/a.qcow2") == NULL);
    CHECK(disk_params_path("vhd:/x") == NULL);
    CHECK(strcmp(disk_params_path("plain.img"), "plain.img") == 0);
}

static netif_tx_request_t txr(grant_ref_t g, uint16_t off, uint16_t size, bool more)
{
    return (netif_tx_request_t){ .gref = g, .offset = off, .size = size,
                                 .flags = (uint16_t)(more ? NETTXF_more_data : 0) };
}

static void test_netif_pieces(void)
{
    struct netif_piece p[NETIF_MAX_SLOTS];
    size_t total;
    netif_tx_request_t one = txr(5, 100, 1514, false);
    CHECK_EQ(netif_tx_pieces(&one, 1, p, &total), 0);
    CHECK_EQ(total, 1514);
    CHECK_EQ(p[0].len, 1514);
    CHECK_EQ(p[0].offset, 100);
    /* a linear packet crossing a page: the first slot says the whole size */
    netif_tx_request_t two[2] = { txr(5, 3000, 1514, true), txr(6, 0, 418, false) };
    CHECK_EQ(netif_tx_pieces(two, 2, p, &total), 0);
    CHECK_EQ(p[0].len, 1096);
    CHECK_EQ(p[1].len, 418);
    CHECK_EQ(total, 1514);
    /* what a hostile frontend may write */
    netif_tx_request_t past = txr(5, 4000, 200, false);           /* past its page */
    CHECK_EQ(netif_tx_pieces(&past, 1, p, &total), -22);
    netif_tx_request_t tiny = txr(5, 0, 10, false);               /* no Ethernet header */
    CHECK_EQ(netif_tx_pieces(&tiny, 1, p, &total), -22);
    netif_tx_request_t over[2] = { txr(5, 0, 100, true), txr(6, 0, 200, false) };
    CHECK_EQ(netif_tx_pieces(over, 2, p, &total), -22);           /* pieces beyond the size */
    netif_tx_request_t chain[2] = { txr(5, 0, 100, true), txr(6, 0, 50, true) };
    CHECK_EQ(netif_tx_pieces(chain, 2, p, &total), -22);          /* the chain does not end */
    netif_tx_request_t many[NETIF_MAX_SLOTS + 1];
    for (unsigned int i = 0; i <= NETIF_MAX_SLOTS; i++)
        many[i] = txr(i, 0, i == 0 ? 60000 : 100, i < NETIF_MAX_SLOTS);
    CHECK_EQ(netif_tx_pieces(many, NETIF_MAX_SLOTS + 1, p, &total), -22);
    CHECK_EQ(netif_tx_pieces(many, 0, p, &total), -22);
}

static void test_netif_csum(void)
{
    uint8_t f[128] = { 0 };
    uint16_t start, off;
    f[12] = 0x08; f[13] = 0x00;             /* IPv4, IHL 5, TCP */
    f[14] = 0x45; f[14 + 9] = 6;
    CHECK_EQ(netif_csum_offsets(f, 74, &start, &off), 0);
    CHECK_EQ(start, 34);
    CHECK_EQ(off, 16);
    f[14] = 0x46; f[14 + 9] = 17;           /* IHL 6 (options), UDP */
    CHECK_EQ(netif_csum_offsets(f, 64, &start, &off), 0);
    CHECK_EQ(start, 38);
    CHECK_EQ(off, 6);
    CHECK_EQ(netif_csum_offsets(f, 40, &start, &off), -22);     /* too short for the UDP header */
    f[14 + 9] = 1;                          /* ICMP: no transport checksum to place */
    CHECK_EQ(netif_csum_offsets(f, 64, &start, &off), -22);
    memset(f, 0, sizeof(f));                /* VLAN-tagged IPv6 TCP */
    f[12] = 0x81; f[13] = 0x00; f[16] = 0x86; f[17] = 0xdd;
    f[18] = 0x60; f[18 + 6] = 6;
    CHECK_EQ(netif_csum_offsets(f, 128, &start, &off), 0);
    CHECK_EQ(start, 58);
    CHECK_EQ(off, 16);
    f[13] = 0x01;                           /* not a type we know */
    CHECK_EQ(netif_csum_offsets(f, 128, &start, &off), -22);
    CHECK_EQ(netif_csum_offsets(f, 5, &start, &off), -22);
}

/* What xtop reads of lamina-blkback's counters: published, updated in place,
 * kept across a backend restart, gone with the disk; a damaged file is reset. */
static void test_vbd_stats(void)
{
    char dir[300], path[340];
    snprintf(dir, sizeof(dir), "%s/stats/run", tmpdir);    /* made on demand, two levels */
    struct vbd_stats own, got;
    struct vbd_stats *s = vbd_stats_publish(dir, 7, 51712, &own);
    CHECK(s != &own);
    CHECK_EQ(vbd_stats_read(dir, 7, 51712, &got), 0);
    CHECK_EQ(got.rd_req, 0);
    s->rd_req += 3;
    s->wr_sect += 2048;
    CHECK_EQ(vbd_stats_read(dir, 7, 51712, &got), 0);
    CHECK_EQ(got.rd_req, 3);
    CHECK_EQ(got.wr_sect, 2048);
    CHECK_EQ(vbd_stats_read(dir, 7, 51728, &got), -ENOENT);
    /* a backend restarted (the old mapping is simply gone) counts on */
    CHECK_EQ(munmap(s, 4096), 0);
    s = vbd_stats_publish(dir, 7, 51712, &own);
    CHECK(s != &own);
    CHECK_EQ(s->rd_req, 3);
    vbd_stats_unpublish(s, dir, 7, 51712, &own);
    CHECK_EQ(vbd_stats_read(dir, 7, 51712, &got), -ENOENT);
    /* a file that is not a record: not read as one, and reset when published */
    CHECK_EQ(vbd_stats_path(path, sizeof(path), dir, 7, 1), 0);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0);
    char junk[4096];
    memset(junk, 0x5a, sizeof(junk));
    CHECK_EQ(write(fd, junk, sizeof(junk)), (long)sizeof(junk));
    close(fd);
    CHECK_EQ(vbd_stats_read(dir, 7, 1, &got), -EINVAL);
    s = vbd_stats_publish(dir, 7, 1, &own);
    CHECK(s != &own);
    CHECK_EQ(s->rd_req, 0);
    CHECK_EQ(vbd_stats_read(dir, 7, 1, &got), 0);
    vbd_stats_unpublish(s, dir, 7, 1, &own);
    /* nowhere to publish: counting goes on in the fallback */
    s = vbd_stats_publish("/proc/no/such/dir", 7, 2, &own);
    CHECK(s == &own);
    CHECK_EQ(s->magic, VBD_STATS_MAGIC);
    s->rd_req++;
    vbd_stats_unpublish(s, "/proc/no/such/dir", 7, 2, &own);
    CHECK_EQ(own.rd_req, 1);
    rmdir(dir);
    snprintf(path, sizeof(path), "%s/stats", tmpdir);
    rmdir(path);
}

int main(void)
{
    CHECK_MAIN_BEGIN("pv_common");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_state_parse);
    RUN(test_backend_table);
    RUN(test_frontend_table);
    RUN(test_ring_sizes);
    RUN(test_ring_prod);
    RUN(test_decode_rw);
    RUN(test_decode_malformed);
    RUN(test_decode_readonly_and_features);
    RUN(test_decode_indirect);
    RUN(test_disk);
    RUN(test_params);
    RUN(test_netif_pieces);
    RUN(test_netif_csum);
    RUN(test_vbd_stats);
    rmdir(tmpdir);
    CHECK_MAIN_END();
}

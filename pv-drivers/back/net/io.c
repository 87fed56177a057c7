/*
 * The data path of lamina-netback. Guest -> tap: the slots of a packet are
 * copied out of the TX ring and checked (netif_pkt.c), the data comes over
 * in one GNTTABOP_copy batch behind a virtio-net header (a checksum the
 * guest left blank stays to be filled in further on), and one write to the
 * tap sends it. Tap -> guest: a frame is read only when the guest has
 * posted a receive buffer, and copied into it with one grant copy.
 * A frontend that breaks the ring protocol loses its interface; malformed
 * packets are answered with NETIF_RSP_ERROR and dropped.
 */
#define _GNU_SOURCE
#include "netback.h"

#include <errno.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct net_dev *netback_dev_by_port(struct netback *nb, uint32_t local_port)
{
    for (struct net_dev *d = nb->devs; d; d = d->next)
        if (d->connected && d->local_port >= 0 && (uint32_t)d->local_port == local_port)
            return d;
    return NULL;
}

int netback_connect_rings(struct net_dev *d, grant_ref_t tx_ref, grant_ref_t rx_ref, uint32_t port, bool resume)
{
    struct xendev *xd = &d->nb->xd;
    uint16_t dom = (uint16_t)d->fe_domid;
    int rc = xendev_map(xd, dom, &tx_ref, 1, 0, &d->tx_map);
    if (rc < 0)
        return rc;
    if ((rc = xendev_map(xd, dom, &rx_ref, 1, 0, &d->rx_map)) < 0) {
        xendev_unmap(xd, &d->tx_map);
        return rc;
    }
    netif_tx_sring_t *txs = d->tx_map.addr;
    netif_rx_sring_t *rxs = d->rx_map.addr;
    if (resume) {
        /* a backend restarted under a connected frontend: carry on after
         * the last responses published (packets in flight are sent again
         * or lost, as on a wire) */
        BACK_RING_ATTACH(&d->tx, txs, txs->rsp_prod, PV_PAGE_SIZE);
        BACK_RING_ATTACH(&d->rx, rxs, rxs->rsp_prod, PV_PAGE_SIZE);
    } else {
        BACK_RING_INIT(&d->tx, txs, PV_PAGE_SIZE);
        BACK_RING_INIT(&d->rx, rxs, PV_PAGE_SIZE);
    }
    if ((rc = xendev_bind(xd, dom, port)) < 0) {
        xendev_unmap(xd, &d->rx_map);
        xendev_unmap(xd, &d->tx_map);
        return rc;
    }
    d->local_port = rc;
    d->connected = true;
    return 0;
}

void netback_disconnect_rings(struct net_dev *d)
{
    struct xendev *xd = &d->nb->xd;
    if (d->local_port >= 0)
        xendev_unbind(xd, (uint32_t)d->local_port);
    d->local_port = -1;
    xendev_unmap(xd, &d->tx_map);
    xendev_unmap(xd, &d->rx_map);
    d->connected = false;
}

static void tx_respond(struct net_dev *d, uint16_t id, int16_t status)
{
    netif_tx_response_t *r = RING_GET_RESPONSE(&d->tx, d->tx.rsp_prod_pvt);
    r->id = id;
    r->status = status;
    d->tx.rsp_prod_pvt++;
}

/* Sends one checked packet to the tap: 0, or -errno (the packet is lost). */
static int tx_send(struct net_dev *d, const netif_tx_request_t *first, const struct netif_piece *p,
                   unsigned int n, size_t total)
{
    static uint8_t frame[XEN_NETIF_MAX_TX_SIZE];
    struct ioctl_gntdev_grant_copy_segment seg[NETIF_MAX_SLOTS];
    size_t pos = 0;
    for (unsigned int i = 0; i < n; i++) {
        memset(&seg[i], 0, sizeof(seg[i]));
        seg[i].source.foreign.ref = p[i].gref;
        seg[i].source.foreign.offset = p[i].offset;
        seg[i].source.foreign.domid = (uint16_t)d->fe_domid;
        seg[i].dest.virt = frame + pos;
        seg[i].len = p[i].len;
        seg[i].flags = GNTCOPY_source_gref;
        pos += p[i].len;
    }
    int rc = xendev_copy(&d->nb->xd, seg, n, NULL);
    if (rc < 0)
        return rc;
    struct virtio_net_hdr h;
    memset(&h, 0, sizeof(h));
    if (first->flags & NETTXF_csum_blank) {
        uint16_t start, off;
        if (netif_csum_offsets(frame, total, &start, &off) < 0)
            return -EPROTO;
        h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h.csum_start = start;
        h.csum_offset = off;
    } else if (first->flags & NETTXF_data_validated) {
        h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    }
    struct iovec v[2] = { { &h, sizeof(h) }, { frame, total } };
    ssize_t w = writev(d->tap_fd, v, 2);
    return w < 0 ? -errno : 0;
}

void netback_run_tx(struct net_dev *d)
{
    while (d->connected) {
        RING_IDX prod = d->tx.sring->req_prod;
        xen_rmb();
        if (!pv_ring_prod_ok(prod, d->tx.req_cons, d->tx.rsp_prod_pvt, RING_SIZE(&d->tx))) {
            netback_dev_fail(d, "impossible TX ring index from the frontend");
            return;
        }
        while (d->tx.req_cons != prod) {
            netif_tx_request_t slots[NETIF_MAX_SLOTS];
            struct netif_piece pieces[NETIF_MAX_SLOTS];
            unsigned int n = 0, extras = 0;
            bool broken = false;
            RING_COPY_REQUEST(&d->tx, d->tx.req_cons, &slots[0]);
            d->tx.req_cons++;
            n = 1;
            /* extra-info slots (GSO, multicast: not offered, so skipped) */
            bool more_extra = (slots[0].flags & NETTXF_extra_info) != 0;
            while (more_extra && !broken) {
                if (d->tx.req_cons == prod || extras == 4) {
                    broken = true;
                    break;
                }
                netif_tx_request_t slot;
                netif_extra_info_t ex;
                RING_COPY_REQUEST(&d->tx, d->tx.req_cons, &slot);
                memcpy(&ex, &slot, sizeof(ex));     /* an extra-info slot is the first 8 bytes */
                d->tx.req_cons++;
                extras++;
                more_extra = (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0;
            }
            while (!broken && (slots[n - 1].flags & NETTXF_more_data)) {
                if (d->tx.req_cons == prod || n == NETIF_MAX_SLOTS) {
                    broken = true;
                    break;
                }
                RING_COPY_REQUEST(&d->tx, d->tx.req_cons, &slots[n]);
                d->tx.req_cons++;
                n++;
            }
            if (broken) {
                /* a packet cut off at the producer index, or a chain too long */
                netback_dev_fail(d, "a TX packet with too many or missing slots");
                return;
            }
            size_t total = 0;
            int rc = netif_tx_pieces(slots, n, pieces, &total);
            if (rc == 0)
                rc = tx_send(d, &slots[0], pieces, n, total);
            if (rc == 0) {
                d->stats.tx_packets++;
                d->stats.tx_bytes += total;
            } else if (++d->stats.tx_errors <= 20 || d->nb->verbose) {
                pv_log("vif %u/%u: TX packet of %u slot(s) dropped: %s", d->fe_domid, d->devid, n, strerror(-rc));
            }
            /* one response per request slot, NULL for the extra-info slots */
            tx_respond(d, slots[0].id, rc == 0 ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
            for (unsigned int i = 0; i < extras; i++)
                tx_respond(d, 0, NETIF_RSP_NULL);
            for (unsigned int i = 1; i < n; i++)
                tx_respond(d, slots[i].id, rc == 0 ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
        }
        int notify, more;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&d->tx, notify);
        if (notify)
            xendev_notify(&d->nb->xd, (uint32_t)d->local_port);
        RING_FINAL_CHECK_FOR_REQUESTS(&d->tx, more);
        if (!more)
            return;
    }
}

bool netback_rx_ready(const struct net_dev *d)
{
    if (!d->connected)
        return false;
    RING_IDX prod = d->rx.sring->req_prod;
    xen_rmb();
    return prod != d->rx.req_cons &&
           pv_ring_prod_ok(prod, d->rx.req_cons, d->rx.rsp_prod_pvt, RING_SIZE(&d->rx));
}

void netback_run_rx(struct net_dev *d)
{
    static uint8_t buf[sizeof(struct virtio_net_hdr) + NETBACK_MAX_FRAME + 64];
    bool pushed = false;
    for (;;) {
        if (!d->connected)
            return;
        RING_IDX prod = d->rx.sring->req_prod;
        xen_rmb();
        if (!pv_ring_prod_ok(prod, d->rx.req_cons, d->rx.rsp_prod_pvt, RING_SIZE(&d->rx))) {
            netback_dev_fail(d, "impossible RX ring index from the frontend");
            return;
        }
        if (prod == d->rx.req_cons) {
            /* no buffer: ask to be told of the next one, then look again */
            int more;
            RING_FINAL_CHECK_FOR_REQUESTS(&d->rx, more);
            if (!more)
                break;
            continue;
        }
        ssize_t n = read(d->tap_fd, buf, sizeof(buf));
        if (n < 0)
            break;      /* EAGAIN: the tap is empty */
        if ((size_t)n <= sizeof(struct virtio_net_hdr) + 14) {
            d->stats.rx_dropped++;
            continue;
        }
        struct virtio_net_hdr h;
        memcpy(&h, buf, sizeof(h));
        size_t len = (size_t)n - sizeof(h);
        netif_rx_request_t req;
        RING_COPY_REQUEST(&d->rx, d->rx.req_cons, &req);
        d->rx.req_cons++;
        struct ioctl_gntdev_grant_copy_segment seg;
        memset(&seg, 0, sizeof(seg));
        seg.source.virt = buf + sizeof(h);
        seg.dest.foreign.ref = req.gref;
        seg.dest.foreign.offset = 0;
        seg.dest.foreign.domid = (uint16_t)d->fe_domid;
        seg.len = (uint16_t)len;
        seg.flags = GNTCOPY_dest_gref;
        int rc = xendev_copy(&d->nb->xd, &seg, 1, NULL);
        netif_rx_response_t *r = RING_GET_RESPONSE(&d->rx, d->rx.rsp_prod_pvt);
        r->id = req.id;
        r->offset = 0;
        r->flags = (h.flags & VIRTIO_NET_HDR_F_DATA_VALID) ? NETRXF_data_validated : 0;
        r->status = rc == 0 ? (int16_t)len : NETIF_RSP_ERROR;
        d->rx.rsp_prod_pvt++;
        pushed = true;
        if (rc == 0) {
            d->stats.rx_packets++;
            d->stats.rx_bytes += len;
        } else {
            d->stats.rx_dropped++;
        }
    }
    if (pushed) {
        int notify;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&d->rx, notify);
        if (notify)
            xendev_notify(&d->nb->xd, (uint32_t)d->local_port);
    }
}

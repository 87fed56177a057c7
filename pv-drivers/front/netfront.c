/* The netif frontend: see netfront.h. */
#include "netfront.h"

#include <errno.h>
#include <string.h>

#define PAGE 4096u

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int netfront_parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
        if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
            return -EINVAL;
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 3;
    }
    return 0;
}

static int net_publish(struct xbf_dev *d, void *ctx)
{
    struct netfront *nf = ctx;
    int rc;

    /* Single queue: the keys sit in the device directory itself. */
    if ((rc = xbf_write(d, "tx-ring-ref", "%d", nf->tx_ring_ref)) < 0 ||
        (rc = xbf_write(d, "rx-ring-ref", "%d", nf->rx_ring_ref)) < 0 ||
        (rc = xbf_write(d, "event-channel", "%u", (unsigned)nf->port)) < 0 ||
        (rc = xbf_write(d, "request-rx-copy", "1")) < 0 ||
        (rc = xbf_write(d, "feature-rx-notify", "1")) < 0 ||   /* mandatory for xen-netback */
        (rc = xbf_write(d, "feature-sg", "0")) < 0 ||
        (rc = xbf_write(d, "feature-gso-tcpv4", "0")) < 0 ||
        (rc = xbf_write(d, "feature-no-csum-offload", "1")) < 0)
        return rc;
    return 0;
}

static int net_connected(struct xbf_dev *d, void *ctx)
{
    (void)d;
    (void)ctx;
    return 0;   /* nothing of the backend's changes what this frontend sends */
}

static const struct xbf_driver net_driver = {
    .name = "vif", .connected_after_publish = true, .publish = net_publish, .connect = net_connected,
};

static void end_one(struct netfront *nf, int *ref)
{
    if (*ref < 0)
        return;
    if (gnttab_front_end(nf->gnt, (grant_ref_t)*ref) == 0)
        *ref = -1;
    else
        nf->grants_kept++;
}

/* Takes back every grant still out; one still mapped stays out and is counted. */
static void end_grants(struct netfront *nf)
{
    end_one(nf, &nf->tx_ring_ref);
    end_one(nf, &nf->rx_ring_ref);
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        end_one(nf, &nf->rx_ref[i]);
    for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
        end_one(nf, &nf->tx_ref[i]);
}

static void post_rx(struct netfront *nf, unsigned int id)
{
    netif_rx_request_t *req = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);
    req->id = (uint16_t)id;
    req->gref = (grant_ref_t)nf->rx_ref[id];
    nf->rx.req_prod_pvt++;
}

static void push_rx(struct netfront *nf)
{
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
    if (notify)
        fe_evtchn_notify(nf->port);
}

int netfront_connect(struct netfront *nf, struct xs_front *xs, struct gnttab_front *gnt, unsigned int devid,
                     struct netfront_pages *pages)
{
    char mac[32];
    int rc;

    memset(nf, 0, sizeof(*nf));
    nf->gnt = gnt;
    nf->pages = pages;
    nf->tx_ring_ref = nf->rx_ring_ref = -1;
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        nf->rx_ref[i] = -1;
    for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
        nf->tx_ref[i] = -1;
    if ((rc = xbf_open(&nf->dev, xs, "vif", devid)) < 0)
        return rc;
    if ((rc = xbf_read(&nf->dev, "mac", mac, sizeof(mac))) < 0 || (rc = netfront_parse_mac(mac, nf->mac)) < 0)
        return rc;

    domid_t be = nf->dev.backend_id;
    memset(pages->tx_ring, 0, PAGE);
    memset(pages->rx_ring, 0, PAGE);
    netif_tx_sring_t *txs = (void *)pages->tx_ring;
    netif_rx_sring_t *rxs = (void *)pages->rx_ring;
    SHARED_RING_INIT(txs);
    SHARED_RING_INIT(rxs);
    FRONT_RING_INIT(&nf->tx, txs, PAGE);
    FRONT_RING_INIT(&nf->rx, rxs, PAGE);
    if ((rc = nf->tx_ring_ref = gnttab_front_grant(gnt, be, fe_gfn(pages->tx_ring), false)) < 0 ||
        (rc = nf->rx_ring_ref = gnttab_front_grant(gnt, be, fe_gfn(pages->rx_ring), false)) < 0)
        goto fail;
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        if ((rc = nf->rx_ref[i] = gnttab_front_grant(gnt, be, fe_gfn(pages->rx[i]), false)) < 0)
            goto fail;
    for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
        if ((rc = nf->tx_ref[i] = gnttab_front_grant(gnt, be, fe_gfn(pages->tx[i]), true)) < 0)
            goto fail;
    if ((rc = fe_evtchn_alloc(be, &nf->port)) < 0)
        goto fail;

    /* Receive buffers are there before the backend connects, as netfront does. */
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        post_rx(nf, i);
    RING_PUSH_REQUESTS(&nf->rx);
    if ((rc = xbf_connect(&nf->dev, &net_driver, nf, 30000)) < 0)
        goto fail;
    fe_evtchn_notify(nf->port);
    return 0;

fail:
    /* What the backend may have mapped stays granted (counted in grants_kept). */
    end_grants(nf);
    return rc;
}

/* Frees the transmit buffers the backend is done with. */
static int reap_tx(struct netfront *nf)
{
    int more;
    do {
        RING_IDX rp = nf->tx.sring->rsp_prod;
        xen_rmb();
        if ((uint32_t)(rp - nf->tx.rsp_cons) > RING_SIZE(&nf->tx))
            return nf->broken = -EBADMSG;
        for (RING_IDX i = nf->tx.rsp_cons; i != rp; i++) {
            netif_tx_response_t *r = RING_GET_RESPONSE(&nf->tx, i);
            if (r->status == NETIF_RSP_NULL)
                continue;
            if (r->id >= NETFRONT_TX_BUFS || !nf->tx_busy[r->id])
                return nf->broken = -EBADMSG;
            nf->tx_busy[r->id] = false;
            if (r->status != NETIF_RSP_OKAY)
                nf->tx_errors++;
        }
        nf->tx.rsp_cons = rp;
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
    } while (more);
    return 0;
}

int netfront_send(struct netfront *nf, const void *frame, size_t len)
{
    if (nf->broken)
        return nf->broken;
    if (len > NETFRONT_MAX_FRAME || len < 14)
        return -EMSGSIZE;
    uint64_t deadline = fe_now_ms() + 5000;
    int id = -1;
    for (;;) {
        int rc = reap_tx(nf);
        if (rc < 0)
            return rc;
        for (unsigned int i = 0; i < NETFRONT_TX_BUFS && id < 0; i++)
            if (!nf->tx_busy[i])
                id = (int)i;
        if (id >= 0 && !RING_FULL(&nf->tx))
            break;
        if (fe_now_ms() >= deadline)
            return -ETIMEDOUT;
        fe_evtchn_wait(nf->port, 10);
    }

    uint8_t *page = nf->pages->tx[id];
    memcpy(page, frame, len);
    if (len < 60) {     /* the Ethernet minimum: pad rather than let a bridge drop it */
        memset(page + len, 0, 60 - len);
        len = 60;
    }
    netif_tx_request_t *req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);
    req->gref = (grant_ref_t)nf->tx_ref[id];
    req->offset = 0;
    req->flags = 0;     /* one slot, checksums complete */
    req->id = (uint16_t)id;
    req->size = (uint16_t)len;
    nf->tx_busy[id] = true;
    nf->tx.req_prod_pvt++;
    nf->tx_packets++;
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
    if (notify)
        fe_evtchn_notify(nf->port);
    return 0;
}

/* One received frame into buf (its length), or 0 when none is waiting; each
 * buffer goes back to the backend as soon as it has been read. */
static int take_rx(struct netfront *nf, void *buf, size_t cap)
{
    for (;;) {
        RING_IDX rp = nf->rx.sring->rsp_prod;
        xen_rmb();
        if ((uint32_t)(rp - nf->rx.rsp_cons) > RING_SIZE(&nf->rx))
            return nf->broken = -EBADMSG;
        while (nf->rx.rsp_cons != rp) {
            netif_rx_response_t *r = RING_GET_RESPONSE(&nf->rx, nf->rx.rsp_cons);
            nf->rx.rsp_cons++;
            if (r->id >= NETFRONT_RX_BUFS)
                return nf->broken = -EBADMSG;
            int16_t status = r->status;
            uint16_t off = r->offset, flags = r->flags;
            unsigned int id = r->id;
            int got = 0;
            /* Without feature-sg nothing should span slots: drop what does, to its end. */
            if (nf->rx_dropping || (flags & (NETRXF_more_data | NETRXF_extra_info)) || status <= 0 ||
                (unsigned)off + (unsigned)status > PAGE) {
                nf->rx_dropped += !nf->rx_dropping;
                nf->rx_dropping = (flags & NETRXF_more_data) != 0;
            } else if ((size_t)status > cap) {
                nf->rx_dropped++;
                got = -EMSGSIZE;
            } else {
                memcpy(buf, nf->pages->rx[id] + off, (size_t)status);
                nf->rx_packets++;
                got = status;
            }
            post_rx(nf, id);
            push_rx(nf);
            if (got)
                return got;
        }
        int more;
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
        if (!more)
            return 0;
    }
}

int netfront_recv(struct netfront *nf, void *buf, size_t cap, uint32_t timeout_ms)
{
    uint64_t deadline = fe_now_ms() + timeout_ms;
    for (;;) {
        if (nf->broken)
            return nf->broken;
        int rc = take_rx(nf, buf, cap);
        if (rc != 0)
            return rc;
        if ((rc = reap_tx(nf)) < 0)
            return rc;
        uint64_t now = fe_now_ms();
        if (now >= deadline)
            return 0;
        fe_evtchn_wait(nf->port, (uint32_t)(deadline - now < 50 ? deadline - now : 50));
    }
}

int netfront_close(struct netfront *nf)
{
    int rc = xbf_close(&nf->dev, 10000);
    /* The backend has let go of the rings and buffers once it is closed. */
    end_grants(nf);
    return rc;
}

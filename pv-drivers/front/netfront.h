/*
 * A netif frontend (xen/io/netif.h) for a small guest: one queue, one event
 * channel, packets of up to one page each way (no scatter-gather, no GSO,
 * checksums always complete: feature-no-csum-offload). Receive buffers stay
 * granted to the backend for the device's life, which the copying backends
 * (Linux's xen-netback, lamina-netback) fill with grant copies.
 */
#ifndef LAMINA_NETFRONT_H
#define LAMINA_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gnttab_front.h"
#include "pv_ring.h"
#include "xenbus_front.h"
#include <xen/io/netif.h>

#define NETFRONT_RX_BUFS 32u
#define NETFRONT_TX_BUFS 16u
#define NETFRONT_MAX_FRAME 1514u    /* Ethernet header + 1500 */

/* The pages a netfront lives in (page aligned, the caller's memory). */
struct netfront_pages {
    uint8_t tx_ring[4096];
    uint8_t rx_ring[4096];
    uint8_t rx[NETFRONT_RX_BUFS][4096];
    uint8_t tx[NETFRONT_TX_BUFS][4096];
};

struct netfront {
    struct xbf_dev dev;
    struct gnttab_front *gnt;
    struct netfront_pages *pages;
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    int tx_ring_ref, rx_ring_ref;
    int rx_ref[NETFRONT_RX_BUFS], tx_ref[NETFRONT_TX_BUFS];
    bool tx_busy[NETFRONT_TX_BUFS];
    evtchn_port_t port;
    uint8_t mac[6];
    bool rx_dropping;       /* inside a multi-slot frame being dropped */
    int broken;

    uint64_t tx_packets, tx_errors, rx_packets, rx_dropped, grants_kept;
};

/* Parses "00:16:3e:12:34:56"; -EINVAL otherwise. */
int netfront_parse_mac(const char *s, uint8_t mac[6]);

/* Connects to device/vif/<devid>; its MAC is the device's "mac" key. */
int netfront_connect(struct netfront *nf, struct xs_front *xs, struct gnttab_front *gnt, unsigned int devid,
                     struct netfront_pages *pages);

/* Queues one Ethernet frame (at most NETFRONT_MAX_FRAME bytes; short ones are
 * padded to 60): 0, -EMSGSIZE, -ETIMEDOUT if no transmit buffer came free. */
int netfront_send(struct netfront *nf, const void *frame, size_t len);

/* The next received frame into buf: its length, 0 after timeout_ms with
 * nothing, -EMSGSIZE if buf was too small (the frame is dropped). */
int netfront_recv(struct netfront *nf, void *buf, size_t cap, uint32_t timeout_ms);

int netfront_close(struct netfront *nf);

#endif

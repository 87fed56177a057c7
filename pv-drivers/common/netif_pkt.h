/*
 * netif packets (xen/io/netif.h) as a backend receives them from a
 * frontend's TX ring: the slots of one packet checked before any byte is
 * copied, and where a packet's checksum goes when the frontend left it
 * blank (NETTXF_csum_blank), for the virtio header of a tap device.
 */
#ifndef LAMINA_NETIF_PKT_H
#define LAMINA_NETIF_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pv_ring.h"
#include <xen/grant_table.h>
#include <xen/io/netif.h>

/* At most this many slots per packet (XEN_NETIF_NR_SLOTS_MIN: what every
 * backend must accept). */
#define NETIF_MAX_SLOTS 18
#define NETIF_MIN_FRAME 14      /* an Ethernet header */

/* One slot's piece of the packet. */
struct netif_piece {
    grant_ref_t gref;
    uint16_t offset, len;
};

/*
 * The slots of one packet (the first carries the packet's whole size,
 * each other its own piece; all but the last have NETTXF_more_data):
 * fills pieces[] and *total. -EINVAL for a packet no frontend may send:
 * more than NETIF_MAX_SLOTS slots, a piece past its page, pieces that add
 * up to more than the first slot's size, a packet shorter than an Ethernet
 * header or longer than XEN_NETIF_MAX_TX_SIZE.
 */
int netif_tx_pieces(const netif_tx_request_t *slots, unsigned int n, struct netif_piece *pieces, size_t *total);

/*
 * For a frame whose transport checksum is to be filled in: the offset of
 * the TCP or UDP header (csum_start) and of the checksum within it
 * (csum_offset: 16 for TCP, 6 for UDP), through an optional 802.1Q tag,
 * IPv4 (any header length) or IPv6 (no extension headers). -EINVAL for
 * anything else or a frame too short to hold the headers.
 */
int netif_csum_offsets(const uint8_t *frame, size_t len, uint16_t *csum_start, uint16_t *csum_offset);

#endif

/*
 * Just enough IPv4 for the PV network checks of the pvfront guest: ARP
 * (asking and answering) and ICMP echo (pinging and answering), over one
 * netfront. Frames are built byte by byte: the guest's memory is Device
 * memory (MMU off), where unaligned loads fault.
 */
#ifndef LAMINA_PVFRONT_NET_H
#define LAMINA_PVFRONT_NET_H

#include <stdbool.h>
#include <stdint.h>
#include "netfront.h"

struct pvnet {
    struct netfront nf;
    uint8_t ip[4];
    /* the last ARP answer and echo reply seen */
    uint8_t arp_ip[4], arp_mac[6];
    bool arp_seen;
    uint16_t echo_id, echo_seq;
    bool echo_seen, echo_payload_ok;
    uint64_t arp_answered, echo_answered;
};

int pvnet_parse_ip(const char *s, uint8_t ip[4]);

/* Reads and handles what has arrived (answering ARP and echo requests) for up to timeout_ms. */
int pvnet_poll(struct pvnet *n, uint32_t timeout_ms);

/* ARP for `ip`: 0 with its MAC in mac, -ETIMEDOUT after `tries` seconds. */
int pvnet_arp(struct pvnet *n, const uint8_t ip[4], uint8_t mac[6], int tries);

/* One echo request of `size` payload bytes to ip/mac; 0 when the reply came
 * with the same payload within timeout_ms, -ETIMEDOUT, or -EIO for a wrong payload. */
int pvnet_ping(struct pvnet *n, const uint8_t ip[4], const uint8_t mac[6], uint16_t seq, unsigned int size,
               uint32_t timeout_ms);

#endif

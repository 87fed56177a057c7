/* ARP and ICMP echo over a netfront: see pvfront_net.h. */
#include "pvfront_net.h"

#include <errno.h>
#include <string.h>

#include "front_env.h"

#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define ECHO_ID 0x4c61      /* "La" */

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071) over len bytes. */
static uint16_t inet_csum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int pvnet_parse_ip(const char *s, uint8_t ip[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned int v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || v > 255 || *s != (i == 3 ? '\0' : '.'))
            return -EINVAL;
        ip[i] = (uint8_t)v;
        s++;
    }
    return 0;
}

static void eth_header(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, type);
}

static int send_arp(struct pvnet *n, uint16_t op, const uint8_t tmac[6], const uint8_t tip[4])
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t f[42];
    eth_header(f, op == 1 ? bcast : tmac, n->nf.mac, ETH_ARP);
    uint8_t *a = f + 14;
    put16(a, 1);            /* Ethernet */
    put16(a + 2, ETH_IP);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);       /* 1 request, 2 reply */
    memcpy(a + 8, n->nf.mac, 6);
    memcpy(a + 14, n->ip, 4);
    memcpy(a + 18, tmac, 6);
    memcpy(a + 24, tip, 4);
    return netfront_send(&n->nf, f, sizeof(f));
}

static int send_ip_icmp(struct pvnet *n, const uint8_t mac[6], const uint8_t ip[4], uint8_t type, uint16_t id,
                        uint16_t seq, const uint8_t *payload, size_t plen)
{
    static uint8_t f[NETFRONT_MAX_FRAME];
    static uint16_t ip_id;
    if (14 + 20 + 8 + plen > sizeof(f))
        return -EMSGSIZE;
    eth_header(f, mac, n->nf.mac, ETH_IP);
    uint8_t *h = f + 14;
    h[0] = 0x45;
    h[1] = 0;
    put16(h + 2, (uint16_t)(20 + 8 + plen));
    put16(h + 4, ip_id++);
    put16(h + 6, 0x4000);   /* don't fragment */
    h[8] = 64;
    h[9] = 1;               /* ICMP */
    put16(h + 10, 0);
    memcpy(h + 12, n->ip, 4);
    memcpy(h + 16, ip, 4);
    put16(h + 10, inet_csum(h, 20));
    uint8_t *icmp = h + 20;
    icmp[0] = type;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    memcpy(icmp + 8, payload, plen);
    put16(icmp + 2, inet_csum(icmp, 8 + plen));
    return netfront_send(&n->nf, f, 14 + 20 + 8 + plen);
}

static uint8_t payload_byte(uint16_t seq, size_t i)
{
    return (uint8_t)(i * 7 + seq);
}

static void handle(struct pvnet *n, const uint8_t *f, int len)
{
    if (len < 14)
        return;
    uint16_t type = get16(f + 12);
    if (type == ETH_ARP && len >= 42) {
        const uint8_t *a = f + 14;
        uint16_t op = get16(a + 6);
        if (get16(a) != 1 || get16(a + 2) != ETH_IP || a[4] != 6 || a[5] != 4)
            return;
        if (op == 1 && memcmp(a + 24, n->ip, 4) == 0) {
            send_arp(n, 2, a + 8, a + 14);
            n->arp_answered++;
        } else if (op == 2) {
            memcpy(n->arp_mac, a + 8, 6);
            memcpy(n->arp_ip, a + 14, 4);
            n->arp_seen = true;
        }
        return;
    }
    if (type != ETH_IP || len < 14 + 20 + 8)
        return;
    const uint8_t *h = f + 14;
    size_t ihl = (size_t)(h[0] & 0xf) * 4;
    size_t tot = get16(h + 2);
    if ((h[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || 14 + tot > (size_t)len || h[9] != 1 ||
        memcmp(h + 16, n->ip, 4) != 0 || inet_csum(h, ihl) != 0)
        return;
    const uint8_t *icmp = h + ihl;
    size_t ilen = tot - ihl;
    if (inet_csum(icmp, ilen) != 0)
        return;
    if (icmp[0] == 8) {         /* echo request: answer with the same id, seq and data */
        send_ip_icmp(n, f + 6, h + 12, 0, get16(icmp + 4), get16(icmp + 6), icmp + 8, ilen - 8);
        n->echo_answered++;
    } else if (icmp[0] == 0 && get16(icmp + 4) == ECHO_ID) {
        n->echo_seen = true;
        n->echo_id = get16(icmp + 4);
        n->echo_seq = get16(icmp + 6);
        bool ok = true;
        for (size_t i = 0; i < ilen - 8; i++)
            if (icmp[8 + i] != payload_byte(n->echo_seq, i))
                ok = false;
        n->echo_payload_ok = ok;
    }
}

int pvnet_poll(struct pvnet *n, uint32_t timeout_ms)
{
    static uint8_t f[4096];
    uint64_t deadline = fe_now_ms() + timeout_ms;
    for (;;) {
        uint64_t now = fe_now_ms();
        int len = netfront_recv(&n->nf, f, sizeof(f), now >= deadline ? 0 : (uint32_t)(deadline - now));
        if (len < 0 && len != -EMSGSIZE)
            return len;
        if (len > 0)
            handle(n, f, len);
        if (len == 0)
            return 0;
    }
}

int pvnet_arp(struct pvnet *n, const uint8_t ip[4], uint8_t mac[6], int tries)
{
    static const uint8_t zero[6];
    for (int t = 0; t < tries; t++) {
        n->arp_seen = false;
        int rc = send_arp(n, 1, zero, ip);
        if (rc < 0)
            return rc;
        uint64_t deadline = fe_now_ms() + 1000;
        while (fe_now_ms() < deadline) {
            if ((rc = pvnet_poll(n, 50)) < 0)
                return rc;
            if (n->arp_seen && memcmp(n->arp_ip, ip, 4) == 0) {
                memcpy(mac, n->arp_mac, 6);
                return 0;
            }
        }
    }
    return -ETIMEDOUT;
}

int pvnet_ping(struct pvnet *n, const uint8_t ip[4], const uint8_t mac[6], uint16_t seq, unsigned int size,
               uint32_t timeout_ms)
{
    static uint8_t payload[1472];
    if (size > sizeof(payload))
        return -EMSGSIZE;
    for (unsigned int i = 0; i < size; i++)
        payload[i] = payload_byte(seq, i);
    n->echo_seen = false;
    int rc = send_ip_icmp(n, mac, ip, 8, ECHO_ID, seq, payload, size);
    if (rc < 0)
        return rc;
    uint64_t deadline = fe_now_ms() + timeout_ms;
    while (fe_now_ms() < deadline) {
        if ((rc = pvnet_poll(n, 20)) < 0)
            return rc;
        if (n->echo_seen && n->echo_seq == seq)
            return n->echo_payload_ok ? 0 : -EIO;
    }
    return -ETIMEDOUT;
}

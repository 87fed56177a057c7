/* netif packets: see netif_pkt.h. */
#include "netif_pkt.h"

#include <errno.h>
#include <stdbool.h>

int netif_tx_pieces(const netif_tx_request_t *slots, unsigned int n, struct netif_piece *pieces, size_t *total)
{
    if (n == 0 || n > NETIF_MAX_SLOTS)
        return -EINVAL;
    size_t size = slots[0].size, rest = 0;
    for (unsigned int i = 0; i < n; i++) {
        bool more = (slots[i].flags & NETTXF_more_data) != 0;
        if (more != (i + 1 < n))
            return -EINVAL;     /* the chain must end exactly at the last slot */
        if (i > 0)
            rest += slots[i].size;
    }
    if (size < NETIF_MIN_FRAME || size > XEN_NETIF_MAX_TX_SIZE || rest >= size)
        return -EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        size_t len = i == 0 ? size - rest : slots[i].size;
        if (len == 0 || (size_t)slots[i].offset + len > PV_PAGE_SIZE)
            return -EINVAL;
        pieces[i].gref = slots[i].gref;
        pieces[i].offset = slots[i].offset;
        pieces[i].len = (uint16_t)len;
    }
    *total = size;
    return 0;
}

int netif_csum_offsets(const uint8_t *f, size_t len, uint16_t *csum_start, uint16_t *csum_offset)
{
    size_t off = 12;
    if (len < 14)
        return -EINVAL;
    unsigned int type = (unsigned int)f[off] << 8 | f[off + 1];
    off += 2;
    if (type == 0x8100) {                       /* 802.1Q */
        if (len < off + 4)
            return -EINVAL;
        type = (unsigned int)f[off + 2] << 8 | f[off + 3];
        off += 4;
    }
    unsigned int proto;
    if (type == 0x0800) {                       /* IPv4 */
        if (len < off + 20 || (f[off] >> 4) != 4)
            return -EINVAL;
        size_t ihl = (size_t)(f[off] & 0xf) * 4;
        if (ihl < 20 || len < off + ihl)
            return -EINVAL;
        proto = f[off + 9];
        off += ihl;
    } else if (type == 0x86dd) {                /* IPv6 */
        if (len < off + 40 || (f[off] >> 4) != 6)
            return -EINVAL;
        proto = f[off + 6];
        off += 40;
    } else {
        return -EINVAL;
    }
    uint16_t where;
    if (proto == 6)
        where = 16;
    else if (proto == 17)
        where = 6;
    else
        return -EINVAL;
    if (len < off + where + 2u || off > 0xffff)
        return -EINVAL;
    *csum_start = (uint16_t)off;
    *csum_offset = where;
    return 0;
}

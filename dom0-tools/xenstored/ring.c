/* Ring transport helpers; see ring.h. */
#include <stdatomic.h>
#include <string.h>

#include "ring.h"
#include "wire.h"

#define RING_SIZE XENSTORE_RING_SIZE

_Static_assert(sizeof(struct xenstore_domain_interface) == 2076, "xs_wire.h ring layout");
_Static_assert(RING_SIZE && !(RING_SIZE & (RING_SIZE - 1)), "ring size a power of two");

static uint32_t load_idx(const XENSTORE_RING_IDX *p)
{
    return *(const volatile XENSTORE_RING_IDX *)p;
}

static void store_idx(XENSTORE_RING_IDX *p, uint32_t v)
{
    *(volatile XENSTORE_RING_IDX *)p = v;
}

static int ring_take(const char *ring, XENSTORE_RING_IDX *cons, const XENSTORE_RING_IDX *prod,
                     void *buf, size_t len)
{
    uint32_t c = load_idx(cons), p = load_idx(prod), n, off, first;

    atomic_thread_fence(memory_order_acquire);      /* index before data */
    if (p - c > RING_SIZE)
        return -1;
    n = p - c;
    if (n > len)
        n = (uint32_t)len;
    off = MASK_XENSTORE_IDX(c);
    first = n < RING_SIZE - off ? n : RING_SIZE - off;
    memcpy(buf, ring + off, first);
    memcpy((char *)buf + first, ring, n - first);
    atomic_thread_fence(memory_order_seq_cst);      /* data read before the slot is freed */
    store_idx(cons, c + n);
    return (int)n;
}

static int ring_put(char *ring, const XENSTORE_RING_IDX *cons, XENSTORE_RING_IDX *prod,
                    const void *buf, size_t len)
{
    uint32_t c = load_idx(cons), p = load_idx(prod), n, off, first;

    atomic_thread_fence(memory_order_seq_cst);      /* consumer index before reuse */
    if (p - c > RING_SIZE)
        return -1;
    n = RING_SIZE - (p - c);
    if (n > len)
        n = (uint32_t)len;
    off = MASK_XENSTORE_IDX(p);
    first = n < RING_SIZE - off ? n : RING_SIZE - off;
    memcpy(ring + off, buf, first);
    memcpy(ring, (const char *)buf + first, n - first);
    atomic_thread_fence(memory_order_release);      /* data before the index */
    store_idx(prod, p + n);
    return (int)n;
}

int xs_ring_read_req(struct xenstore_domain_interface *intf, void *buf, size_t len)
{
    return ring_take(intf->req, &intf->req_cons, &intf->req_prod, buf, len);
}

int xs_ring_write_rsp(struct xenstore_domain_interface *intf, const void *buf, size_t len)
{
    return ring_put(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, buf, len);
}

int xs_ring_write_req(struct xenstore_domain_interface *intf, const void *buf, size_t len)
{
    return ring_put(intf->req, &intf->req_cons, &intf->req_prod, buf, len);
}

int xs_ring_read_rsp(struct xenstore_domain_interface *intf, void *buf, size_t len)
{
    return ring_take(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, buf, len);
}

static int ring_error(struct xenstore_domain_interface *intf, uint32_t err)
{
    *(volatile uint32_t *)&intf->error = err;
    return -1;
}

int xs_ring_pump(struct xs_conn *c, struct xenstore_domain_interface *intf, bool *notify)
{
    char buf[RING_SIZE];
    bool progress = true;

    *notify = false;
    while (progress) {
        size_t want, len;
        const void *out;
        int n;

        progress = false;
        while ((want = xs_conn_want(c)) > 0) {
            n = xs_ring_read_req(intf, buf, want < sizeof(buf) ? want : sizeof(buf));
            if (n < 0)
                return ring_error(intf, XENSTORE_ERROR_RINGIDX);
            if (n == 0)
                break;
            xs_conn_feed(c, buf, (size_t)n);
            progress = *notify = true;
        }
        if (xs_conn_dead(c))
            return ring_error(intf, XENSTORE_ERROR_PROTO);
        while ((out = xs_conn_output(c, &len)) != NULL) {
            n = xs_ring_write_rsp(intf, out, len);
            if (n < 0)
                return ring_error(intf, XENSTORE_ERROR_RINGIDX);
            if (n == 0)
                break;
            xs_conn_output_done(c, (size_t)n);
            progress = *notify = true;
        }
    }
    return 0;
}

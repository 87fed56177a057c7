/* The console ring from the guest's side: see cons_front.h. */
#include "cons_front.h"

#include <string.h>

#include "pv_ring.h"    /* barriers */

void cons_front_init(struct cons_front *c, void *ring_page, evtchn_port_t port)
{
    memset(c, 0, sizeof(*c));
    c->intf = ring_page;
    c->port = port;
    c->timeout_ms = 2000;
}

size_t cons_front_write(struct cons_front *c, const char *buf, size_t len)
{
    struct xencons_interface *r = c->intf;
    const size_t size = sizeof(r->out);
    size_t done = 0;
    uint64_t deadline = fe_now_ms() + c->timeout_ms;

    while (done < len) {
        XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = r->out_prod;
        size_t used = (uint32_t)(prod - cons);
        if (used > size) {
            /* A reader that moved its index past ours: start over from its view. */
            prod = cons;
            used = 0;
        }
        if (used == size) {
            if (fe_now_ms() >= deadline)
                break;
            fe_evtchn_notify(c->port);
            fe_evtchn_wait(c->port, 10);
            continue;
        }
        size_t n = 0;
        while (n < size - used && done + n < len) {
            r->out[MASK_XENCONS_IDX(prod + n, r->out)] = buf[done + n];
            n++;
        }
        xen_wmb();
        __atomic_store_n(&r->out_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
        fe_evtchn_notify(c->port);
        done += n;
    }
    c->dropped += len - done;
    return done;
}

size_t cons_front_read(struct cons_front *c, char *buf, size_t len)
{
    struct xencons_interface *r = c->intf;
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX cons = r->in_cons;
    size_t avail = (uint32_t)(prod - cons);
    size_t n = 0;

    if (avail > sizeof(r->in))
        avail = sizeof(r->in);      /* a writer gone wrong: take at most one ring's worth */
    while (n < avail && n < len) {
        buf[n] = r->in[MASK_XENCONS_IDX(cons + n, r->in)];
        n++;
    }
    if (n) {
        xen_mb();
        __atomic_store_n(&r->in_cons, cons + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
        fe_evtchn_notify(c->port);
    }
    return n;
}

/*
 * Copying into and out of a console ring page (xencons_ring.h).
 *
 * Barriers, as io/ring.h's protocol: the consumer's index is loaded with
 * acquire, so our writes into out[] cannot move before we saw that the
 * consumer had finished reading those slots; the data is stored before the
 * producer index with release, so a reader that sees the new index sees the
 * bytes. Input mirrors it: in_prod with acquire before reading in[], in_cons
 * with release after.
 */
#include "xencons_ring.h"

size_t xencons_out_put(struct xencons_interface *r, const char *buf, size_t len)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = __atomic_load_n(&r->out_prod, __ATOMIC_RELAXED);
    XENCONS_RING_IDX used = prod - cons;
    size_t n = 0;

    /* Impossible indexes: full until the reader resynchronises. */
    if (used > sizeof(r->out))
        return 0;
    size_t room = sizeof(r->out) - used;
    while (n < len && n < room) {
        r->out[MASK_XENCONS_IDX(prod, r->out)] = buf[n++];
        prod++;
    }
    if (n)
        __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    return n;
}

size_t xencons_in_get(struct xencons_interface *r, char *buf, size_t len)
{
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX cons = __atomic_load_n(&r->in_cons, __ATOMIC_RELAXED);
    size_t n = 0;

    if ((XENCONS_RING_IDX)(prod - cons) > sizeof(r->in)) {
        /* Impossible indexes: what is there cannot be told apart from garbage. */
        __atomic_store_n(&r->in_cons, prod, __ATOMIC_RELEASE);
        return 0;
    }
    while (n < len && cons != prod) {
        buf[n++] = r->in[MASK_XENCONS_IDX(cons, r->in)];
        cons++;
    }
    if (n)
        __atomic_store_n(&r->in_cons, cons, __ATOMIC_RELEASE);
    return n;
}

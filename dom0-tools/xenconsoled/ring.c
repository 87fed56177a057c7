/* xenconsoled: console ring copies (ring.h). */
#include "ring.h"

#include <errno.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/io/console.h>

ssize_t xc_ring_read(struct xencons_interface *r, char *buf, size_t len)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
    XENCONS_RING_IDX prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    size_t n = 0;

    if ((XENCONS_RING_IDX)(prod - cons) > sizeof(r->out)) {
        __atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
        return -EIO;
    }
    while (cons != prod && n < len)
        buf[n++] = r->out[MASK_XENCONS_IDX(cons++, r->out)];
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    return (ssize_t)n;
}

ssize_t xc_ring_in_space(struct xencons_interface *r)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
    XENCONS_RING_IDX used = prod - cons;

    if (used > sizeof(r->in)) {
        /* the guest reads from in_cons on: start there, losing nothing it has not read */
        __atomic_store_n(&r->in_prod, cons, __ATOMIC_RELEASE);
        return -EIO;
    }
    return (ssize_t)(sizeof(r->in) - used);
}

ssize_t xc_ring_write(struct xencons_interface *r, const char *buf, size_t len)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
    size_t n = 0;

    if ((XENCONS_RING_IDX)(prod - cons) > sizeof(r->in)) {
        __atomic_store_n(&r->in_prod, cons, __ATOMIC_RELEASE);
        return -EIO;
    }
    while (n < len && (XENCONS_RING_IDX)(prod - cons) < sizeof(r->in))
        r->in[MASK_XENCONS_IDX(prod++, r->in)] = buf[n++];
    /* the bytes before the index that publishes them */
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    return (ssize_t)n;
}

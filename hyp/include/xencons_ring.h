/*
 * The console ring page of io/console.h (struct xencons_interface) seen from
 * the hypervisor: copying into out[] (as the guest's producer would) and out
 * of in[] (as the guest's consumer would).
 *
 * The page is shared with the guest and with dom0's console daemon, so every
 * index is read once, never trusted: positions are masked into the arrays,
 * and a producer/consumer distance larger than the ring means someone
 * scribbled on it. Output is then dropped (the ring counts as full until its
 * consumer resynchronises, as libctrl's reader does); input is discarded by
 * moving in_cons up to in_prod. Neither call ever waits.
 */
#ifndef LAMINA_XENCONS_RING_H
#define LAMINA_XENCONS_RING_H

#include "types.h"
#include <xen/xen.h>
#include <xen/io/console.h>

_Static_assert(sizeof(struct xencons_interface) == 3088, "io/console.h layout (xen-arm-abi.md 8.2)");

/* Append up to len bytes to out[]: how many went in (the rest is dropped). */
size_t xencons_out_put(struct xencons_interface *r, const char *buf, size_t len);
/* Take up to len bytes from in[]: how many. */
size_t xencons_in_get(struct xencons_interface *r, char *buf, size_t len);

#endif

/*
 * The shared store ring of xs_wire.h (struct xenstore_domain_interface: a
 * 1024-byte request ring and a 1024-byte response ring, free-running u32
 * indices masked with XENSTORE_RING_SIZE - 1). The client writes req and
 * bumps req_prod; the server consumes, writes rsp and bumps rsp_prod; each
 * side notifies the other's event channel after moving an index.
 *
 * Barriers (as Xen's xenstored and Linux's xenbus): read the producer index,
 * then a read barrier before reading data; finish reading data before the
 * consumer index moves (full barrier); finish writing data before the
 * producer index moves (write barrier). A producer more than a ring ahead of
 * its consumer is a corrupt ring: the helpers answer -1.
 *
 * The helpers work on any memory (a mapped page, or a plain struct in tests).
 */
#ifndef LAMINA_XS_RING_H
#define LAMINA_XS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store.h"

/* Server side: take up to len request bytes / put up to len response bytes.
 * Return the bytes moved (0 when empty / full) or -1 on corrupt indices. */
int xs_ring_read_req(struct xenstore_domain_interface *intf, void *buf, size_t len);
int xs_ring_write_rsp(struct xenstore_domain_interface *intf, const void *buf, size_t len);

/* Client side, the mirror image (libxenstore over a ring; tests). */
int xs_ring_write_req(struct xenstore_domain_interface *intf, const void *buf, size_t len);
int xs_ring_read_rsp(struct xenstore_domain_interface *intf, void *buf, size_t len);

/*
 * Move what can move between c and its ring: requests in (as much as c
 * wants), replies and events out (as much as fits). *notify is set when an
 * index moved, so the caller signals the domain's port. On corrupt indices
 * or a dead connection the ring's error field is set (XENSTORE_ERROR_RINGIDX,
 * XENSTORE_ERROR_PROTO) and -1 returned: the caller stops serving the ring.
 */
int xs_ring_pump(struct xs_conn *c, struct xenstore_domain_interface *intf, bool *notify);

#endif

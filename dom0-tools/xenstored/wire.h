/*
 * The xenstore wire protocol over one connection (xs_wire.h; shared/docs/
 * xen-arm-abi.md 8.1): a stream of messages, each a struct xsd_sockmsg
 * {type, req_id, tx_id, len} and len payload bytes (len <= XENSTORE_PAYLOAD_MAX,
 * else the connection is dead). Replies echo type (XS_ERROR on failure, with
 * the errno's name and a NUL), req_id and tx_id; watch events are XS_WATCH_EVENT
 * with req_id = tx_id = 0.
 *
 * A transport (Unix socket, ring.c) moves bytes: it feeds at most
 * xs_conn_want() bytes at a time, and takes output with xs_conn_output() /
 * xs_conn_output_done(). When xs_conn_dead(), it closes the socket or marks
 * the ring with XENSTORE_ERROR_PROTO.
 */
#ifndef LAMINA_XS_WIRE_H
#define LAMINA_XS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

size_t xs_conn_want(const struct xs_conn *c);
/* Consume up to len bytes (no more than xs_conn_want), processing whole messages. */
size_t xs_conn_feed(struct xs_conn *c, const void *buf, size_t len);
bool xs_conn_dead(const struct xs_conn *c);

/* The next bytes to send (NULL when none), and how many were sent. */
const void *xs_conn_output(const struct xs_conn *c, size_t *len);
void xs_conn_output_done(struct xs_conn *c, size_t n);

/* The errno's name as sent in XS_ERROR ("EINVAL" for any not in the table). */
const char *xs_errno_name(int err);

#endif

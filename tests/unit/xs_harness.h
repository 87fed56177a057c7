/*
 * Helpers for the xenstored unit tests: a store with fake hooks (rings are
 * plain structs, ports are numbers), and a way to send one wire message and
 * take back whole messages from a connection's output queue.
 */
#ifndef LAMINA_XS_HARNESS_H
#define LAMINA_XS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store.h"
#include "wire.h"

struct xs_fake {
    struct xenstore_domain_interface rings[8];
    int mapped[8];            /* domid -> times mapped (domids 0..7) */
    int unmapped[8];
    int bound, unbound, notified;
    uint32_t last_remote_port;
    int map_error;            /* returned by map_ring when non-zero */
    bool gone[8];             /* domain_exists answers false */
};

extern struct xs_fake xs_fake;

/* A store with default quotas (or q) and the fake hooks; resets xs_fake. */
struct xs_store *xs_test_store(const struct xs_quota *q);

struct xs_msg {
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];   /* NUL added after len bytes */
};

/* Feed one message; returns the bytes the connection took. */
size_t xs_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
               const void *payload, size_t len);
/* Take the next whole message from c's output; false when there is none. */
bool xs_recv(struct xs_conn *c, struct xs_msg *m);
/* Send and take the first message back (the reply). */
void xs_call(struct xs_conn *c, uint32_t type, uint32_t tx_id, const void *payload, size_t len,
             struct xs_msg *m);
/* Like xs_call with the payload given as strings, each sent with its NUL. */
void xs_calls(struct xs_conn *c, uint32_t type, uint32_t tx_id, struct xs_msg *m, ...);
/* Drop everything queued on c. */
void xs_drain(struct xs_conn *c);
/* Is m an XS_ERROR carrying name? */
bool xs_is_error(const struct xs_msg *m, const char *name);
/* Is m a watch event for path and token? */
bool xs_is_event(const struct xs_msg *m, const char *path, const char *token);

#endif

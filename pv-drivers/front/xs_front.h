/*
 * A xenstore client over the domain's ring page (xen/io/xs_wire.h), as a
 * guest kernel has one: requests go one at a time, replies are matched by
 * req_id, and watch events that arrive in between are counted for
 * xs_front_wait_watch. Every call returns a negative errno on failure:
 * xenstored's error strings ("ENOENT") become their numbers; a ring that
 * stops answering within the timeout, or answers nonsense, is -ETIMEDOUT /
 * -EBADMSG and stays broken (its framing can no longer be trusted).
 */
#ifndef LAMINA_XS_FRONT_H
#define LAMINA_XS_FRONT_H

#include <stddef.h>
#include <stdint.h>
#include "front_env.h"
#include <xen/io/xs_wire.h>

#define XS_FRONT_TIMEOUT_MS 10000u

struct xs_front {
    struct xenstore_domain_interface *intf;
    evtchn_port_t port;
    uint32_t next_req_id;
    uint32_t timeout_ms;        /* for one request; XS_FRONT_TIMEOUT_MS by default */
    unsigned int watch_events;  /* arrived, not yet taken by xs_front_wait_watch */
    int broken;                 /* 0, or the error that broke the ring */
};

void xs_front_init(struct xs_front *xs, void *ring_page, evtchn_port_t port);

/* The value of `path`, NUL-terminated, in buf; returns its length. */
int xs_front_read(struct xs_front *xs, const char *path, char *buf, size_t len);
int xs_front_read_uint(struct xs_front *xs, const char *path, unsigned long long *value);
int xs_front_write(struct xs_front *xs, const char *path, const char *value);
int xs_front_printf(struct xs_front *xs, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int xs_front_rm(struct xs_front *xs, const char *path);

/* The children of `path` as NUL-separated names in buf; returns how many. */
int xs_front_directory(struct xs_front *xs, const char *path, char *buf, size_t len);

int xs_front_watch(struct xs_front *xs, const char *path, const char *token);
int xs_front_unwatch(struct xs_front *xs, const char *path, const char *token);

/* Waits up to timeout_ms for a watch event (one registered is fired once at
 * once, as xenstored does); 0 when one came, -ETIMEDOUT otherwise. */
int xs_front_wait_watch(struct xs_front *xs, uint32_t timeout_ms);

/* "ENOENT" -> -ENOENT; an unknown string -> -EIO. */
int xs_front_error_code(const char *s);

#endif

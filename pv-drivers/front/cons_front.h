/*
 * The PV console from the guest's side (xen/io/console.h): output into the
 * ring's `out` half, input from its `in` half, the event channel kicked after
 * each. dom0's console daemon is the other end (`xl console`).
 */
#ifndef LAMINA_CONS_FRONT_H
#define LAMINA_CONS_FRONT_H

#include <stddef.h>
#include <stdint.h>
#include "front_env.h"
#include <xen/io/console.h>

struct cons_front {
    struct xencons_interface *intf;
    evtchn_port_t port;
    uint32_t timeout_ms;    /* how long a write waits for room before dropping the rest */
    size_t dropped;         /* bytes given up on (nobody reading) */
};

void cons_front_init(struct cons_front *c, void *ring_page, evtchn_port_t port);

/* Writes all of buf unless the reader stalls for timeout_ms; returns what was written. */
size_t cons_front_write(struct cons_front *c, const char *buf, size_t len);

/* What has been typed so far, up to len bytes; 0 when nothing is waiting. */
size_t cons_front_read(struct cons_front *c, char *buf, size_t len);

#endif

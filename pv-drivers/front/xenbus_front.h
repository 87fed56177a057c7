/*
 * One frontend device in xenstore (device/<type>/<id>): where its backend is,
 * and the connection handshake driven by the shared state table
 * (pv-drivers/common/xenbus_state.h): publish the ring keys when the backend
 * waits (InitWait), read its features when it is Connected, give up when it
 * closes. Linux's xenbus_probe_frontend does the same for its drivers.
 */
#ifndef LAMINA_XENBUS_FRONT_H
#define LAMINA_XENBUS_FRONT_H

#include <stdint.h>
#include "xs_front.h"
#include "xenbus_state.h"

struct xbf_dev {
    struct xs_front *xs;
    char node[64];          /* device/vbd/51712 */
    char backend[128];      /* /local/domain/0/backend/vbd/5/51712 */
    domid_t backend_id;
    enum xenbus_state state;    /* ours, as last written */
};

/* What a driver does at the two steps of the handshake; 0 or -errno. */
struct xbf_driver {
    const char *name;                               /* for messages: "vbd" */
    bool connected_after_publish;                   /* netfront: Connected at once, not Initialised */
    int (*publish)(struct xbf_dev *d, void *ctx);   /* write ring-ref, event-channel, features */
    int (*connect)(struct xbf_dev *d, void *ctx);   /* read the backend's sizes and features */
};

/* Finds device/<type>/<devid> and its backend; -ENOENT when there is none. */
int xbf_open(struct xbf_dev *d, struct xs_front *xs, const char *type, unsigned int devid);

/* Runs the handshake until both ends are Connected (0), the backend closes
 * (-ENOTCONN), a step fails (its error, and our state goes Closed), or
 * timeout_ms pass (-ETIMEDOUT). */
int xbf_connect(struct xbf_dev *d, const struct xbf_driver *drv, void *ctx, uint32_t timeout_ms);

/* Closes our end: Closing, wait for the backend to close (up to timeout_ms), Closed. */
int xbf_close(struct xbf_dev *d, uint32_t timeout_ms);

int xbf_set_state(struct xbf_dev *d, enum xenbus_state state);
int xbf_backend_state(struct xbf_dev *d, enum xenbus_state *state);

/* Our own keys ("ring-ref") and the backend's ("sectors"). */
int xbf_write(struct xbf_dev *d, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int xbf_read(struct xbf_dev *d, const char *key, char *buf, size_t len);
int xbf_read_backend(struct xbf_dev *d, const char *key, char *buf, size_t len);
/* A number the backend wrote; `dflt` when it did not write the key. */
int xbf_read_backend_uint(struct xbf_dev *d, const char *key, unsigned long long dflt, unsigned long long *value);

#endif

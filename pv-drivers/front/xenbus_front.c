/* A frontend device's xenstore handshake: see xenbus_front.h. */
#include "xenbus_front.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int path_of(char *out, size_t cap, const char *dir, const char *key)
{
    int n = snprintf(out, cap, "%s/%s", dir, key);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int xbf_open(struct xbf_dev *d, struct xs_front *xs, const char *type, unsigned int devid)
{
    char path[160];
    unsigned long long id;
    int rc;

    memset(d, 0, sizeof(*d));
    d->xs = xs;
    d->state = XenbusStateInitialising;
    int n = snprintf(d->node, sizeof(d->node), "device/%s/%u", type, devid);
    if (n < 0 || (size_t)n >= sizeof(d->node))
        return -ENAMETOOLONG;
    if ((rc = path_of(path, sizeof(path), d->node, "backend")) < 0 ||
        (rc = xs_front_read(xs, path, d->backend, sizeof(d->backend))) < 0)
        return rc;
    if ((rc = path_of(path, sizeof(path), d->node, "backend-id")) < 0 || (rc = xs_front_read_uint(xs, path, &id)) < 0)
        return rc;
    if (id >= DOMID_FIRST_RESERVED || d->backend[0] != '/')
        return -EINVAL;
    d->backend_id = (domid_t)id;
    return 0;
}

int xbf_write(struct xbf_dev *d, const char *key, const char *fmt, ...)
{
    char path[160], value[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(value))
        return -E2BIG;
    int rc = path_of(path, sizeof(path), d->node, key);
    return rc < 0 ? rc : xs_front_write(d->xs, path, value);
}

int xbf_read(struct xbf_dev *d, const char *key, char *buf, size_t len)
{
    char path[160];
    int rc = path_of(path, sizeof(path), d->node, key);
    return rc < 0 ? rc : xs_front_read(d->xs, path, buf, len);
}

int xbf_read_backend(struct xbf_dev *d, const char *key, char *buf, size_t len)
{
    char path[200];
    int rc = path_of(path, sizeof(path), d->backend, key);
    return rc < 0 ? rc : xs_front_read(d->xs, path, buf, len);
}

int xbf_read_backend_uint(struct xbf_dev *d, const char *key, unsigned long long dflt, unsigned long long *value)
{
    char path[200];
    int rc = path_of(path, sizeof(path), d->backend, key);
    if (rc < 0)
        return rc;
    rc = xs_front_read_uint(d->xs, path, value);
    if (rc == -ENOENT) {
        *value = dflt;
        return 0;
    }
    return rc;
}

int xbf_set_state(struct xbf_dev *d, enum xenbus_state state)
{
    int rc = xbf_write(d, "state", "%d", (int)state);
    if (rc == 0)
        d->state = state;
    return rc;
}

int xbf_backend_state(struct xbf_dev *d, enum xenbus_state *state)
{
    char v[16];
    int rc = xbf_read_backend(d, "state", v, sizeof(v));
    if (rc == -ENOENT) {
        *state = XenbusStateUnknown;    /* gone: as good as closed */
        return 0;
    }
    return rc < 0 ? rc : xb_state_parse(v, state);
}

/* Watches the backend's state node for the duration of one wait loop. */
static int watch_backend(struct xbf_dev *d, bool on)
{
    char path[200];
    int rc = path_of(path, sizeof(path), d->backend, "state");
    if (rc < 0)
        return rc;
    return on ? xs_front_watch(d->xs, path, d->node) : xs_front_unwatch(d->xs, path, d->node);
}

int xbf_connect(struct xbf_dev *d, const struct xbf_driver *drv, void *ctx, uint32_t timeout_ms)
{
    uint64_t deadline = fe_now_ms() + timeout_ms;
    int rc = watch_backend(d, true);
    if (rc < 0)
        return rc;

    for (;;) {
        enum xenbus_state back;
        if ((rc = xbf_backend_state(d, &back)) < 0)
            break;
        if (d->state == XenbusStateConnected && back == XenbusStateConnected) {
            /* A driver that went Connected at publish reads the features now. */
            rc = drv->connected_after_publish && drv->connect ? drv->connect(d, ctx) : 0;
            break;
        }
        enum xb_front_action a = xb_front_on_back(d->state, back);
        if (a == XB_FRONT_PUBLISH) {
            if ((rc = drv->publish(d, ctx)) < 0)
                break;
            enum xenbus_state next = drv->connected_after_publish ? XenbusStateConnected : XenbusStateInitialised;
            if ((rc = xbf_set_state(d, next)) < 0)
                break;
            continue;
        }
        if (a == XB_FRONT_CONNECT) {
            if ((rc = drv->connect(d, ctx)) < 0 || (rc = xbf_set_state(d, XenbusStateConnected)) < 0)
                break;
            continue;
        }
        if (a == XB_FRONT_CLOSE) {
            rc = -ENOTCONN;
            break;
        }
        uint64_t now = fe_now_ms();
        if (now >= deadline) {
            rc = -ETIMEDOUT;
            break;
        }
        int w = xs_front_wait_watch(d->xs, (uint32_t)(deadline - now));
        if (w < 0 && w != -ETIMEDOUT) {
            rc = w;
            break;
        }
    }
    if (rc < 0 && rc != -ETIMEDOUT && !d->xs->broken)
        xbf_set_state(d, XenbusStateClosed);
    if (!d->xs->broken)
        watch_backend(d, false);
    return rc;
}

int xbf_close(struct xbf_dev *d, uint32_t timeout_ms)
{
    uint64_t deadline = fe_now_ms() + timeout_ms;
    int rc = xbf_set_state(d, XenbusStateClosing);
    if (rc < 0)
        return rc;
    if ((rc = watch_backend(d, true)) < 0)
        return rc;
    for (;;) {
        enum xenbus_state back;
        if ((rc = xbf_backend_state(d, &back)) < 0)
            break;
        if (back == XenbusStateClosing || back == XenbusStateClosed || back == XenbusStateUnknown ||
            back == XenbusStateInitWait) {
            rc = 0;
            break;
        }
        uint64_t now = fe_now_ms();
        if (now >= deadline) {
            rc = -ETIMEDOUT;
            break;
        }
        xs_front_wait_watch(d->xs, (uint32_t)(deadline - now));
    }
    watch_backend(d, false);
    int rc2 = xbf_set_state(d, XenbusStateClosed);
    return rc ? rc : rc2;
}

/*
 * The xenbus device life cycle (xen/io/xenbus.h) as pure functions, shared
 * by Lamina's backends and frontends: the state strings each side writes in
 * its own xenstore directory, and what one side does when it sees the
 * other's state change. The tables follow what Linux's xen-blkback /
 * xen-netback (backend) and xen-blkfront (frontend) do, so our drivers and
 * Linux's can face each other in any combination.
 */
#ifndef LAMINA_XENBUS_STATE_H
#define LAMINA_XENBUS_STATE_H

#include <stdbool.h>
#include <xen/io/xenbus.h>

/* "Initialising", ... as xenbus_strstate(); "Invalid" outside 0..8. */
const char *xb_state_name(int state);

/*
 * A <dir>/state value: decimal 0..8, nothing else (no sign, no spaces, no
 * trailing bytes). -EINVAL otherwise: a hostile peer's junk is not a state.
 */
int xb_state_parse(const char *s, enum xenbus_state *out);

/* What a backend does when the frontend's state changes. */
enum xb_back_action {
    XB_BACK_NONE,           /* nothing to do */
    XB_BACK_REINIT,         /* frontend restarting after Closed: back to InitWait */
    XB_BACK_CONNECT,        /* read the frontend's ring keys, map, go Connected */
    XB_BACK_CLOSING,        /* disconnect the rings, go Closing */
    XB_BACK_CLOSED,         /* disconnect the rings, go Closed */
};

/*
 * back: the backend's own state; front: the frontend's new state.
 * Unknown (the frontend's directory vanished) is treated as Closed.
 */
enum xb_back_action xb_back_on_front(enum xenbus_state back, enum xenbus_state front);

/* What a frontend does when the backend's state changes. */
enum xb_front_action {
    XB_FRONT_NONE,
    XB_FRONT_PUBLISH,       /* backend InitWait: write ring keys, go Initialised
                               (netfront-style drivers go straight to Connected) */
    XB_FRONT_CONNECT,       /* backend Connected: read its features, go Connected */
    XB_FRONT_CLOSE,         /* backend Closing/Closed: tear down, go Closed */
};

enum xb_front_action xb_front_on_back(enum xenbus_state front, enum xenbus_state back);

const char *xb_back_action_name(enum xb_back_action a);

#endif

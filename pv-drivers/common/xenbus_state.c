/*
 * The xenbus state machine: see xenbus_state.h. The backend table is
 * Linux's frontend_changed() of xen-blkback (drivers/block/xen-blkback/
 * xenbus.c) restated as a function of both states; the frontend table is
 * blkback_changed() of xen-blkfront.
 */
#include "xenbus_state.h"

#include <errno.h>

const char *xb_state_name(int state)
{
    static const char *const names[] = {
        [XenbusStateUnknown] = "Unknown",
        [XenbusStateInitialising] = "Initialising",
        [XenbusStateInitWait] = "InitWait",
        [XenbusStateInitialised] = "Initialised",
        [XenbusStateConnected] = "Connected",
        [XenbusStateClosing] = "Closing",
        [XenbusStateClosed] = "Closed",
        [XenbusStateReconfiguring] = "Reconfiguring",
        [XenbusStateReconfigured] = "Reconfigured",
    };
    if (state < 0 || state >= (int)(sizeof(names) / sizeof(names[0])))
        return "Invalid";
    return names[state];
}

int xb_state_parse(const char *s, enum xenbus_state *out)
{
    if (!s || s[0] < '0' || s[0] > '8' || s[1] != '\0')
        return -EINVAL;
    *out = (enum xenbus_state)(s[0] - '0');
    return 0;
}

enum xb_back_action xb_back_on_front(enum xenbus_state back, enum xenbus_state front)
{
    switch (front) {
    case XenbusStateInitialising:
        /* A frontend that closed and starts again (module reload, kexec). */
        return back == XenbusStateClosed ? XB_BACK_REINIT : XB_BACK_NONE;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        /* netfront skips Initialised; either means its keys are written.
         * Only from InitWait: a Connected backend is already connected, a
         * closing one must not reconnect before the frontend restarts. */
        return back == XenbusStateInitWait ? XB_BACK_CONNECT : XB_BACK_NONE;
    case XenbusStateClosing:
        return back == XenbusStateClosing || back == XenbusStateClosed ? XB_BACK_NONE
                                                                       : XB_BACK_CLOSING;
    case XenbusStateUnknown:
    case XenbusStateClosed:
        return back == XenbusStateClosed ? XB_BACK_NONE : XB_BACK_CLOSED;
    case XenbusStateInitWait:
    case XenbusStateReconfiguring:
    case XenbusStateReconfigured:
    default:
        return XB_BACK_NONE;
    }
}

enum xb_front_action xb_front_on_back(enum xenbus_state front, enum xenbus_state back)
{
    switch (back) {
    case XenbusStateInitWait:
        return front == XenbusStateInitialising || front == XenbusStateClosed ? XB_FRONT_PUBLISH
                                                                               : XB_FRONT_NONE;
    case XenbusStateConnected:
        return front == XenbusStateInitialised ? XB_FRONT_CONNECT : XB_FRONT_NONE;
    case XenbusStateClosing:
    case XenbusStateClosed:
    case XenbusStateUnknown:
        return front == XenbusStateClosed ? XB_FRONT_NONE : XB_FRONT_CLOSE;
    default:
        return XB_FRONT_NONE;
    }
}

const char *xb_back_action_name(enum xb_back_action a)
{
    switch (a) {
    case XB_BACK_NONE: return "none";
    case XB_BACK_REINIT: return "reinit";
    case XB_BACK_CONNECT: return "connect";
    case XB_BACK_CLOSING: return "closing";
    case XB_BACK_CLOSED: return "closed";
    }
    return "?";
}

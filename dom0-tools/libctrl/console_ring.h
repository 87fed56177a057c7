/*
 * libctrl: the guest side of a domU's console as its backend sees it (what
 * xenconsoled does, minus the pty): the console ring page (io/console.h,
 * HVM_PARAM_CONSOLE_PFN) foreign-mapped into dom0, the guest's port
 * (HVM_PARAM_CONSOLE_EVTCHN) bound through /dev/xen/evtchn. Reading drains
 * the guest's output ring and notifies it; a guest whose ring nobody drains
 * stops at its next full ring (Linux's hvc_xen waits, yielding, until there
 * is room).
 */
#ifndef LAMINA_LIBCTRL_CONSOLE_RING_H
#define LAMINA_LIBCTRL_CONSOLE_RING_H

#include "libctrl.h"

#include <sys/types.h>

struct xencons_interface;

struct ctrl_console {
    ctrl_handle *h;
    uint32_t domid;
    struct xencons_interface *ring;     /* the foreign-mapped page */
    int local_port;                     /* dom0's end, -1 when not bound (polling) */
    uint64_t bytes;                     /* read so far */
};

/* Maps gfn of domid and binds to its port remote_port (< 0: no port, the
 * reader then polls). 0 or -errno; without /dev/xen/evtchn the port is
 * skipped, not an error. */
int ctrl_console_attach(ctrl_handle *h, uint32_t domid, uint64_t gfn, int remote_port,
                        struct ctrl_console *c);
/* Moves up to len bytes the guest wrote into buf: how many (0: none), or
 * -EIO when the ring's indexes are impossible (the reader resynchronises). */
ssize_t ctrl_console_read(struct ctrl_console *c, char *buf, size_t len);
/* Waits up to timeout_ms for a notification from the guest (with a port),
 * or sleeps that long (without): 1 notified, 0 timed out, -errno. */
int ctrl_console_wait(struct ctrl_console *c, int timeout_ms);
/* Unbinds and unmaps. */
int ctrl_console_detach(struct ctrl_console *c);

#endif

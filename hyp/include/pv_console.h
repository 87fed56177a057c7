/*
 * The PV console of a domain built at boot (dom0-less): a ring page at
 * GUEST_MAGIC_BASE + PV_CONSOLE_PFN_OFF and an event channel whose remote end
 * is dom0, announced through HVM_PARAM_CONSOLE_PFN/EVTCHN, so dom0's console
 * daemon serves it as it serves a domain the toolstack built. The guest's
 * console_io output is copied into the ring (and still printed on the
 * hypervisor console); console_io reads take what dom0 typed into in[].
 * docs/design/dom0less-console.md says why, and what it cannot do.
 *
 * Lock order: pv_console.lock -> the event-channel locks (event.h).
 */
#ifndef LAMINA_PV_CONSOLE_H
#define LAMINA_PV_CONSOLE_H

#include "types.h"

struct domain;

/* Offset of the console page among the magic pages (libxenguest's xg_dom_arm.c). */
#define PV_CONSOLE_PFN_OFF 0

/*
 * Make page, a zeroed page of d's own RAM at gfn (the builder populated it,
 * so it is counted to d and freed with its RAM), d's console: an unbound
 * port for dom0, the two HVM params. 0 or -ENOMEM/-ENOSPC.
 */
int __must_check pv_console_create(struct domain *d, uint64_t gfn, void *page);

/* Copy guest output into the ring (what does not fit is dropped). */
void pv_console_write(struct domain *d, const char *buf, size_t len);
/* Tell dom0 there is output (once per console_io call, not per chunk). */
void pv_console_notify(struct domain *d);
/* Up to len bytes dom0 typed (0: none), notifying dom0 there is room; -EPERM
 * when d has no console. */
long pv_console_read(struct domain *d, char *buf, size_t len);
bool pv_console_present(const struct domain *d);

/* The domain is being killed: stop using the page and let it go. */
void pv_console_detach(struct domain *d);
/* Free what is left (no vCPU of d runs any more). */
void pv_console_destroy(struct domain *d);

#endif

/*
 * The PV console of dom0-less domains (pv_console.h).
 *
 * The hypervisor holds a reference on the ring page (page_info.count) from
 * creation until the domain is killed: a guest that gives the page back
 * (decrease_reservation) then gets -EBUSY semantics from
 * domain_release_page, so the page cannot be freed, and handed to someone
 * else, while console_io still writes into it. domain_kill drops the
 * reference (pv_console_detach) before it waits for the domain's pages to be
 * unreferenced; the page itself is freed with the domain's RAM.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/hvm/params.h>

#include "domain.h"
#include "errno.h"
#include "event.h"
#include "page_alloc.h"
#include "pv_console.h"
#include "spinlock.h"
#include "xencons_ring.h"
#include "xmalloc.h"

struct pv_console {
    spinlock_t lock;                    /* ring, and the notification's use of port */
    struct xencons_interface *ring;     /* hypervisor VA; NULL once detached */
    evtchn_port_t port;                 /* in the domain, remote dom0 */
};

static void put_ring_ref(struct xencons_interface *ring, long delta)
{
    struct page_info *pi = page_info_of(virt_to_maddr(ring));
    if (delta > 0)
        __atomic_add_fetch(&pi->count, 1, __ATOMIC_RELAXED);
    else
        __atomic_sub_fetch(&pi->count, 1, __ATOMIC_RELAXED);
}

int pv_console_create(struct domain *d, uint64_t gfn, void *page)
{
    struct pv_console *c = xzalloc(struct pv_console);
    if (!c)
        return -ENOMEM;
    int port = evtchn_alloc_unbound_port(d, 0);
    if (port < 0) {
        xfree(c);
        return port;
    }
    spin_lock_init(&c->lock);
    c->ring = page;
    c->port = (evtchn_port_t)port;
    put_ring_ref(c->ring, 1);
    d->pv_console = c;
    d->hvm_params[HVM_PARAM_CONSOLE_PFN] = gfn;
    d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = (uint64_t)port;
    return 0;
}

bool pv_console_present(const struct domain *d)
{
    return d->pv_console != NULL;
}

void pv_console_write(struct domain *d, const char *buf, size_t len)
{
    struct pv_console *c = d->pv_console;
    if (!c)
        return;
    spin_lock(&c->lock);
    if (c->ring)
        xencons_out_put(c->ring, buf, len);
    spin_unlock(&c->lock);
}

/* Under the lock: detach cannot pass us, so d's event channels still exist. */
static void notify_locked(struct domain *d, struct pv_console *c)
{
    /* The guest may have closed or rebound the port: that only costs it its console. */
    if (c->ring && d->evtchn && evtchn_send(d, c->port))
        return;
}

void pv_console_notify(struct domain *d)
{
    struct pv_console *c = d->pv_console;
    if (!c)
        return;
    spin_lock(&c->lock);
    notify_locked(d, c);
    spin_unlock(&c->lock);
}

long pv_console_read(struct domain *d, char *buf, size_t len)
{
    struct pv_console *c = d->pv_console;
    if (!c)
        return -EPERM;
    spin_lock(&c->lock);
    if (!c->ring) {
        spin_unlock(&c->lock);
        return -EPERM;
    }
    size_t n = xencons_in_get(c->ring, buf, len);
    if (n)
        notify_locked(d, c);        /* there is room in in[] again */
    spin_unlock(&c->lock);
    return (long)n;
}

void pv_console_detach(struct domain *d)
{
    struct pv_console *c = d->pv_console;
    if (!c)
        return;
    spin_lock(&c->lock);
    if (c->ring) {
        put_ring_ref(c->ring, -1);
        c->ring = NULL;
    }
    spin_unlock(&c->lock);
}

void pv_console_destroy(struct domain *d)
{
    pv_console_detach(d);
    xfree(d->pv_console);
    d->pv_console = NULL;
}

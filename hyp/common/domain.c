/*
 * Domains: creation, RAM, shutdown, crash and destruction.
 * A shut-down domain is destroyed (its memory freed) once none of its vCPUs
 * is left in a CPU's frame, when no control domain is there to decide; with
 * every domain gone, the machine powers off.
 */
#include "types.h"
#include <xen/sched.h>

#include "bug.h"
#include "console.h"
#include "domain.h"
#include "errno.h"
#include "event.h"
#include "grant_table.h"
#include "wallclock.h"
#include "page_alloc.h"
#include "percpu.h"
#include "printk.h"
#include "pv_console.h"
#include "sched.h"
#include "xmalloc.h"

spinlock_t domlist_lock = SPINLOCK_INIT;
struct list_head domlist = LIST_HEAD_INIT(domlist);

__noreturn void arch_system_off(void);
__noreturn void arch_system_reset(void);

/* dom0's shutdown is the machine's, as on Xen. */
static __noreturn void hardware_domain_shutdown(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        log_info("dom0 powered off: powering off the machine\n");
        arch_system_off();
    case SHUTDOWN_crash:
        log_err("dom0 crashed: resetting the machine\n");
        arch_system_reset();
    default:
        log_info("dom0 asked for %s: resetting the machine\n", shutdown_reason_name(reason));
        arch_system_reset();
    }
}

/* RAM of a domain, one allocator block each. */
struct mem_chunk {
    struct list_head link;
    paddr_t pa;
    ipa_t gpa;
    unsigned int order;
};

const char *shutdown_reason_name(unsigned int reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };
    return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "unknown";
}

/* The Xen interfaces of a domain: shared_info, event channels, grant table. */
static int domain_xen_init(struct domain *d)
{
    d->shared_info = alloc_page_zeroed();
    if (!d->shared_info)
        return -ENOMEM;
    page_info_of(virt_to_maddr(d->shared_info))->owner = d->domid;
    int rc = evtchn_domain_init(d);
    rc = rc ? rc : grant_table_init(d);
    if (!rc)
        wallclock_update_domain(d);
    return rc;
}

static void domain_xen_destroy(struct domain *d)
{
    pv_console_destroy(d);          /* it notifies through the event channels */
    if (d->grant_table)
        grant_table_destroy(d);
    if (d->evtchn)
        evtchn_domain_destroy(d);
    if (d->shared_info) {
        page_info_of(virt_to_maddr(d->shared_info))->owner = DOMID_NONE;
        free_page(d->shared_info);
        d->shared_info = NULL;
    }
}

struct domain *domain_create(domid_t domid, const char *name, unsigned int max_vcpus,
                             bool privileged)
{
    struct domain_params p = { .max_vcpus = max_vcpus, .privileged = privileged };
    return domain_create_cfg(domid, name, &p);
}

struct domain *domain_create_cfg(domid_t domid, const char *name, const struct domain_params *p)
{
    unsigned int max_vcpus = p->max_vcpus;
    bool privileged = p->privileged;

    if (max_vcpus == 0 || max_vcpus > CONFIG_MAX_VCPUS_PER_DOMAIN || domain_lookup(domid))
        return NULL;
    if (domains_total() >= CONFIG_MAX_DOMAINS) {
        log_err("cannot create d%u: CONFIG_MAX_DOMAINS (%d) domains exist\n", domid,
                CONFIG_MAX_DOMAINS);
        return NULL;
    }
    struct domain *d = xzalloc(struct domain);
    if (!d)
        return NULL;
    d->domid = domid;
    hyp_snprintf(d->name, sizeof(d->name), "%s", name);
    d->is_privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->cfg_nr_spis = p->nr_spis;
    spin_lock_init(&d->lock);
    list_init(&d->mem_chunks);
    if (arch_domain_init(d)) {
        xfree(d);
        return NULL;
    }
    if (domain_xen_init(d) ||
        (p->max_evtchn_port && evtchn_set_max_port(d, p->max_evtchn_port))) {
        domain_destroy(d);
        return NULL;
    }
    for (unsigned int i = 0; i < max_vcpus; i++) {
        if (!vcpu_create(d, i)) {
            domain_destroy(d);
            return NULL;
        }
    }
    spin_lock(&domlist_lock);
    list_add_tail(&d->link, &domlist);
    spin_unlock(&domlist_lock);
    return d;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v = xzalloc(struct vcpu);
    if (!v)
        return NULL;
    v->id = id;
    v->domain = d;
    v->state = VCPU_OFFLINE;
    v->processor = sched_place_vcpu(v);
    sched_vcpu_init(v);
    arch_vcpu_init(v);
    d->vcpus[id] = v;
    return v;
}

struct domain *domain_lookup(domid_t domid)
{
    struct list_head *pos;
    struct domain *found = NULL;

    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist) {
        struct domain *d = list_entry(pos, struct domain, link);
        if (d->domid == domid) {
            found = d;
            break;
        }
    }
    spin_unlock(&domlist_lock);
    return found;
}

static unsigned int count_domains(bool alive_only)
{
    struct list_head *pos;
    unsigned int n = 0;

    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist)
        n += !alive_only || list_entry(pos, struct domain, link)->state == DOMAIN_ACTIVE;
    spin_unlock(&domlist_lock);
    return n;
}

unsigned int domains_total(void)
{
    return count_domains(false);
}

unsigned int domains_alive(void)
{
    return count_domains(true);
}

/* Largest order that fits both the remaining size and the address alignment. */
static unsigned int chunk_order(ipa_t gpa, unsigned long left)
{
    unsigned int order = 0;
    while (order < 9 && (1UL << (order + 1)) <= left &&
           IS_ALIGNED(gpa, PAGE_SIZE << (order + 1)))
        order++;
    return order;
}

int domain_add_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned int order)
{
    struct mem_chunk *c = xzalloc(struct mem_chunk);
    if (!c) {
        free_pages(maddr_to_virt(pa), order);
        return -ENOMEM;
    }
    c->pa = pa;
    c->gpa = gpa;
    c->order = order;
    for (unsigned long i = 0; i < (1UL << order); i++)
        page_info_of(pa + i * PAGE_SIZE)->owner = d->domid;
    list_add_tail(&c->link, &d->mem_chunks);
    d->tot_pages += 1UL << order;
    return arch_p2m_map_ram(d, gpa, pa, 1UL << order);
}

int domain_populate(struct domain *d, ipa_t gpa, unsigned long nr_pages)
{
    while (nr_pages) {
        unsigned int order = chunk_order(gpa, nr_pages);
        void *va = alloc_pages_zeroed(order);
        while (!va && order > 0)
            va = alloc_pages_zeroed(--order);
        if (!va)
            return -ENOMEM;
        int rc = domain_add_ram(d, gpa, virt_to_maddr(va), order);
        if (rc)
            return rc;
        gpa += PAGE_SIZE << order;
        nr_pages -= 1UL << order;
    }
    return 0;
}

void *domain_gpa_to_virt(struct domain *d, ipa_t gpa)
{
    struct list_head *pos;
    list_for_each(pos, &d->mem_chunks) {
        struct mem_chunk *c = list_entry(pos, struct mem_chunk, link);
        if (gpa >= c->gpa && gpa < c->gpa + (PAGE_SIZE << c->order))
            return maddr_to_virt(c->pa + (gpa - c->gpa));
    }
    return NULL;
}

static struct mem_chunk *chunk_of(struct domain *d, paddr_t pa)
{
    struct list_head *pos;
    list_for_each(pos, &d->mem_chunks) {
        struct mem_chunk *c = list_entry(pos, struct mem_chunk, link);
        if (pa >= c->pa && pa < c->pa + (PAGE_SIZE << c->order))
            return c;
    }
    return NULL;
}

/* A chunk of 2^order pages becomes 2^order single-page chunks (its block split too). */
static int split_chunk(struct mem_chunk *c)
{
    unsigned long n = 1UL << c->order;
    struct mem_chunk *pieces = NULL;
    struct list_head tmp = LIST_HEAD_INIT(tmp);

    for (unsigned long i = 1; i < n; i++) {
        pieces = xzalloc(struct mem_chunk);
        if (!pieces)
            break;
        pieces->pa = c->pa + i * PAGE_SIZE;
        pieces->gpa = c->gpa + i * PAGE_SIZE;
        list_add_tail(&pieces->link, &tmp);
    }
    if (!pieces && n > 1) {
        struct list_head *pos, *t;
        list_for_each_safe(pos, t, &tmp) {
            list_del(pos);
            xfree(list_entry(pos, struct mem_chunk, link));
        }
        return -ENOMEM;
    }
    page_split(maddr_to_virt(c->pa), c->order);
    c->order = 0;
    while (!list_empty(&tmp)) {
        struct list_head *first = tmp.next;
        list_del(first);
        list_insert(first, &c->link, c->link.next);
        c = list_entry(first, struct mem_chunk, link);
    }
    return 0;
}

int domain_release_page(struct domain *d, paddr_t pa)
{
    struct mem_chunk *c = chunk_of(d, pa);
    if (!c)
        return -EINVAL;
    if (page_info_of(pa)->count)
        return -EBUSY;                      /* another domain maps it: held until destroy */
    if (c->order) {
        int rc = split_chunk(c);
        if (rc)
            return rc;
        c = chunk_of(d, pa);
    }
    list_del(&c->link);
    xfree(c);
    page_info_of(pa)->owner = DOMID_NONE;
    free_page(maddr_to_virt(pa));
    d->tot_pages--;
    return 0;
}

unsigned long domain_referenced_pages(struct domain *d)
{
    struct list_head *pos;
    unsigned long n = 0;
    list_for_each(pos, &d->mem_chunks) {
        struct mem_chunk *c = list_entry(pos, struct mem_chunk, link);
        for (unsigned long i = 0; i < (1UL << c->order); i++)
            n += page_info_of(c->pa + i * PAGE_SIZE)->count != 0;
    }
    return n;
}

static void domain_free_memory(struct domain *d)
{
    struct list_head *pos, *tmp;
    list_for_each_safe(pos, tmp, &d->mem_chunks) {
        struct mem_chunk *c = list_entry(pos, struct mem_chunk, link);
        for (unsigned long i = 0; i < (1UL << c->order); i++)
            page_info_of(c->pa + i * PAGE_SIZE)->owner = DOMID_NONE;
        list_del(&c->link);
        free_pages(maddr_to_virt(c->pa), c->order);
        xfree(c);
    }
    d->tot_pages = 0;
}

void domain_destroy(struct domain *d)
{
    spin_lock(&domlist_lock);
    if (d->link.next && !list_empty(&d->link))
        list_del(&d->link);
    spin_unlock(&domlist_lock);
    domain_xen_destroy(d);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            timer_kill(&d->vcpus[i]->wake_timer);
    arch_domain_teardown(d);
    domain_free_memory(d);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        xfree(d->vcpus[i]);
    xfree(d);
}

static bool any_control_domain(void)
{
    struct list_head *pos;
    bool found = false;
    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist)
        found |= list_entry(pos, struct domain, link)->is_privileged;
    spin_unlock(&domlist_lock);
    return found;
}

/* Every vCPU has left the CPUs: free the domain if nobody else will. */
static void domain_shutdown_complete(struct domain *d)
{
    if (__atomic_exchange_n(&d->teardown_started, true, __ATOMIC_ACQ_REL))
        return;
    if (!any_control_domain()) {
        domid_t id = d->domid;
        unsigned long pages = d->tot_pages;
        domain_destroy(d);
        log_info("d%u: destroyed, %lu pages returned (%lu free)\n", id, pages,
                 page_alloc_free_pages());
    }
    if (domains_alive() == 0) {
        log_info("all domains have shut down: powering off\n");
        arch_system_off();
    }
}

static unsigned int vcpus_in_frame(struct domain *d)
{
    unsigned int n = 0;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        n += __atomic_load_n(&d->vcpus[i]->in_frame, __ATOMIC_ACQUIRE);
    return n;
}

void domain_vcpu_descheduled(struct vcpu *v)
{
    struct domain *d = v->domain;
    /* Our vCPU is already out of the frame; make that visible before reading the others'. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (d->state != DOMAIN_ACTIVE && vcpus_in_frame(d) == 0)
        domain_shutdown_complete(d);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    spin_lock(&d->lock);
    if (d->state != DOMAIN_ACTIVE) {
        spin_unlock(&d->lock);
        return;
    }
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    spin_unlock(&d->lock);
    console_guest_flush(d);
    log_info("d%u: shutdown (%s)\n", d->domid, shutdown_reason_name(reason));
    if (d->is_privileged)
        hardware_domain_shutdown(reason);
    /* Tell the toolstack (xenstored binds VIRQ_DOM_EXC in dom0). */
    struct domain *dom0 = domain_lookup(0);
    if (dom0 && dom0 != d)
        send_global_virq(dom0, VIRQ_DOM_EXC);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_stop(d->vcpus[i], VCPU_PAUSED);
    if (vcpus_in_frame(d) == 0)
        domain_shutdown_complete(d);
}

void domain_crash(struct domain *d, const char *why)
{
    struct vcpu *v = current_vcpu();
    if (v && v->domain == d)
        log_err("d%uv%u: %s: crashing domain\n", d->domid, v->id, why);
    else
        log_err("d%u: %s: crashing domain\n", d->domid, why);
    domain_shutdown(d, SHUTDOWN_crash);
}

int vcpu_start(struct vcpu *v, uint64_t entry, uint64_t context)
{
    struct pcpu *p = &pcpus[v->processor];

    spin_lock(&p->rq_lock);
    bool offline = v->state == VCPU_OFFLINE && v->domain->state == DOMAIN_ACTIVE;
    spin_unlock(&p->rq_lock);
    if (!offline)
        return -EBUSY;
    arch_vcpu_reset(v, entry, context);
    v->initialised = true;
    vcpu_wake(v);
    return 0;
}

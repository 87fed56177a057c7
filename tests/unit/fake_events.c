/* Fake domains, RAM by GFN and upcall counting for event-channel tests. */
#include <stdlib.h>
#include <string.h>

#include "fake_events.h"
#include "domain.h"
#include "percpu.h"
#include <xen/xen.h>

static struct fe_domain *doms[FE_MAX_DOMAINS];

static struct fe_domain *fe_of(struct domain *d)
{
    for (unsigned int i = 0; i < FE_MAX_DOMAINS; i++)
        if (doms[i] && &doms[i]->d == d)
            return doms[i];
    return NULL;
}

void fe_reset(void)
{
    for (unsigned int i = 0; i < FE_MAX_DOMAINS; i++) {
        if (!doms[i])
            continue;
        free(doms[i]->si);
        free(doms[i]->ram);
        free(doms[i]);
        doms[i] = NULL;
    }
    fake_guest_reset(false);
}

struct domain *fe_domain(domid_t id, bool privileged, unsigned int nr_vcpus)
{
    unsigned int slot = 0;
    while (slot < FE_MAX_DOMAINS && doms[slot])
        slot++;
    if (slot == FE_MAX_DOMAINS || nr_vcpus == 0 || nr_vcpus > FE_MAX_VCPUS)
        abort();
    struct fe_domain *f = calloc(1, sizeof(*f));
    f->si = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    f->ram = aligned_alloc(PAGE_SIZE, FE_PAGES * PAGE_SIZE);
    memset(f->si, 0, PAGE_SIZE);
    memset(f->ram, 0, FE_PAGES * PAGE_SIZE);
    f->d.domid = id;
    f->d.is_privileged = privileged;
    f->d.max_vcpus = nr_vcpus;
    f->d.shared_info = f->si;
    spin_lock_init(&f->d.lock);
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        f->v[i].id = i;
        f->v[i].domain = &f->d;
        f->v[i].state = VCPU_RUNNING;
        f->d.vcpus[i] = &f->v[i];
    }
    doms[slot] = f;
    return &f->d;
}

void *fe_ram(struct domain *d, unsigned int page)
{
    struct fe_domain *f = fe_of(d);
    return f && page < FE_PAGES ? f->ram + (size_t)page * PAGE_SIZE : NULL;
}

unsigned int fe_upcalls(struct vcpu *v)
{
    struct fe_domain *f = fe_of(v->domain);
    return f ? f->upcalls[v->id] : 0;
}

unsigned int fe_unblocks(struct vcpu *v)
{
    struct fe_domain *f = fe_of(v->domain);
    return f ? f->unblocks[v->id] : 0;
}

void vcpu_unblock(struct vcpu *v)
{
    struct fe_domain *f = fe_of(v->domain);
    if (f)
        f->unblocks[v->id]++;
}

void fe_set_current(struct vcpu *v)
{
    this_cpu()->curr = v;
}

/* --- the services event channels call ---------------------------------- */

struct domain *domain_lookup(domid_t domid)
{
    for (unsigned int i = 0; i < FE_MAX_DOMAINS; i++)
        if (doms[i] && doms[i]->d.domid == domid)
            return &doms[i]->d;
    return NULL;
}

void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write)
{
    (void)write;
    if (gfn < FE_GFN_BASE || gfn - FE_GFN_BASE >= FE_PAGES)
        return NULL;
    return fe_ram(d, (unsigned int)(gfn - FE_GFN_BASE));
}

void arch_vcpu_raise_upcall(struct vcpu *v)
{
    struct fe_domain *f = fe_of(v->domain);
    if (f)
        f->upcalls[v->id]++;
}

/*
 * The rest of the hypervisor as the hypercall families see it, for the
 * dispatch-table test: the fake domain of fake_guest.c is the only one, it
 * has no RAM beyond the fake window, and stage-2 edits are refused.
 */
#include "fake_guest.h"
#include "errno.h"
#include "grant_table.h"
#include "wallclock.h"

struct domain *domain_lookup(domid_t domid)
{
    return domid == fake_domain.domid ? &fake_domain : NULL;
}

void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write)
{
    (void)write;
    uint64_t base = FAKE_GUEST_BASE >> PAGE_SHIFT;
    if (d != &fake_domain || gfn < base || gfn >= base + FAKE_GUEST_SIZE / PAGE_SIZE)
        return NULL;
    return fake_guest_mem + ((gfn - base) << PAGE_SHIFT);
}

int domain_add_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned int order)
{
    (void)d; (void)gpa; (void)pa; (void)order;
    return -ENOMEM;
}

enum gfn_kind arch_gfn_query(struct domain *d, uint64_t gfn, paddr_t *pa)
{
    (void)d; (void)gfn; (void)pa;
    return GFN_HOLE;
}

int arch_gfn_map(struct domain *d, uint64_t gfn, paddr_t pa, enum gfn_kind kind)
{
    (void)d; (void)gfn; (void)pa; (void)kind;
    return -EINVAL;
}

int arch_gfn_unmap(struct domain *d, uint64_t gfn)
{
    (void)d; (void)gfn;
    return -EINVAL;
}

int arch_grant_map(struct domain *d, ipa_t gpa, paddr_t pa, bool readonly)
{
    (void)d; (void)gpa; (void)pa; (void)readonly;
    return -EINVAL;
}

int arch_grant_unmap(struct domain *d, ipa_t gpa, paddr_t pa)
{
    (void)d; (void)gpa; (void)pa;
    return -EINVAL;
}

void arch_grant_cache_flush(const void *va, size_t len, uint32_t op)
{
    (void)va; (void)len; (void)op;
}

void arch_vcpu_raise_upcall(struct vcpu *v)
{
    (void)v;
}

void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time_ns)
{
    (void)secs; (void)nsecs; (void)system_time_ns;
}

/* Time: a counter at 1 GHz that the tests do not move. */
uint64_t fake_now_ticks = 1000000;
uint64_t now_ticks(void) { return fake_now_ticks; }
uint64_t ticks_to_ns(uint64_t t) { return t; }
uint64_t ns_to_ticks(uint64_t ns) { return ns; }
uint64_t arch_domain_counter_offset(const struct domain *d) { (void)d; return 0; }

void vcpu_unblock(struct vcpu *v)
{
    (void)v;
    fake_calls.unblocks++;
}

/*
 * A domain's memory as the rest of the hypervisor sees it, through its
 * stage-2 tables: guest frames to hypervisor addresses (only the domain's
 * own RAM), and granted pages mapped into or out of a domain.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/grant_table.h>

#include "domain.h"
#include "errno.h"
#include "grant_table.h"
#include "page_alloc.h"
#include "p2m.h"

void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write)
{
    paddr_t pa;
    enum p2m_type t;

    if (gfn >= (1UL << (P2M_IPA_BITS - PAGE_SHIFT)))
        return NULL;
    if (p2m_lookup(&d->arch.p2m, gfn << PAGE_SHIFT, &pa, &t) != 0)
        return NULL;
    if (t != P2M_RAM_RW && !(t == P2M_RAM_RO && !write))
        return NULL;
    struct page_info *pg = page_info_of(pa & PAGE_MASK);
    if (!pg || pg->owner != d->domid)
        return NULL;
    return maddr_to_virt(pa & PAGE_MASK);
}

int arch_grant_map(struct domain *d, ipa_t gpa, paddr_t pa, bool readonly)
{
    if (gpa & (PAGE_SIZE - 1) || pa & (PAGE_SIZE - 1) || gpa >= (1UL << P2M_IPA_BITS))
        return -EINVAL;
    return p2m_map(&d->arch.p2m, gpa, pa, 1, readonly ? P2M_GRANT_RO : P2M_GRANT_RW);
}

int arch_grant_unmap(struct domain *d, ipa_t gpa, paddr_t pa)
{
    paddr_t cur;
    enum p2m_type t;

    if (gpa & (PAGE_SIZE - 1) || gpa >= (1UL << P2M_IPA_BITS))
        return -EINVAL;
    if (p2m_lookup(&d->arch.p2m, gpa, &cur, &t) != 0 || (cur & PAGE_MASK) != pa ||
        (t != P2M_GRANT_RW && t != P2M_GRANT_RO))
        return -EINVAL;
    return p2m_unmap(&d->arch.p2m, gpa, 1);
}

/* GNTTABOP_cache_flush: clean (and invalidate) a range to the point of coherency. */
void arch_grant_cache_flush(const void *va, size_t len, uint32_t op)
{
    const uint64_t line = 64;
    uint64_t a = ROUNDDOWN((uint64_t)(uintptr_t)va, line);
    bool inval = op & GNTTAB_CACHE_INVAL;

    for (; a < (uint64_t)(uintptr_t)va + len; a += line) {
        if (inval)
            __asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
        else
            __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" ::: "memory");
}

enum gfn_kind arch_gfn_query(struct domain *d, uint64_t gfn, paddr_t *pa)
{
    enum p2m_type t;
    paddr_t p;

    if (gfn >= (1UL << (P2M_IPA_BITS - PAGE_SHIFT)) ||
        p2m_lookup(&d->arch.p2m, gfn << PAGE_SHIFT, &p, &t) != 0)
        return GFN_HOLE;
    if (pa)
        *pa = p & PAGE_MASK;
    switch (t) {
    case P2M_RAM_RW: case P2M_RAM_RO: return GFN_RAM;
    case P2M_MAP_FOREIGN_RW: case P2M_MAP_FOREIGN_RO: return GFN_FOREIGN;
    case P2M_GRANT_RW: case P2M_GRANT_RO: return GFN_GRANT;
    default: return GFN_OTHER;
    }
}

int arch_gfn_map(struct domain *d, uint64_t gfn, paddr_t pa, enum gfn_kind kind)
{
    if (gfn >= (1UL << (P2M_IPA_BITS - PAGE_SHIFT)) || (pa & (PAGE_SIZE - 1)))
        return -EINVAL;
    enum p2m_type t = kind == GFN_FOREIGN ? P2M_MAP_FOREIGN_RW : P2M_RAM_RW;
    return p2m_map(&d->arch.p2m, gfn << PAGE_SHIFT, pa, 1, t);
}

int arch_gfn_unmap(struct domain *d, uint64_t gfn)
{
    if (gfn >= (1UL << (P2M_IPA_BITS - PAGE_SHIFT)))
        return -EINVAL;
    return p2m_unmap(&d->arch.p2m, gfn << PAGE_SHIFT, 1);
}

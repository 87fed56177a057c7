/*
 * Guest virtual address access for hypercalls. The calling vCPU's stage 1
 * (its TTBRs, TCR, SCTLR) and its stage 2 (VTTBR) are live on this CPU
 * while we handle its trap, so AT S12E1R/W translates exactly as the guest
 * would, page by page. The result must be a frame the domain owns.
 */
#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "page_alloc.h"
#include "percpu.h"
#include "sysregs.h"

#define PAR_F (1UL << 0)

static int translate(vaddr_t gva, bool write, paddr_t *pa)
{
    uint64_t saved = READ_SYSREG(par_el1), par;

    if (write)
        __asm__ volatile("at s12e1w, %0" : : "r"(gva));
    else
        __asm__ volatile("at s12e1r, %0" : : "r"(gva));
    isb();
    par = READ_SYSREG(par_el1);
    WRITE_SYSREG(saved, par_el1);
    if (par & PAR_F)
        return -EFAULT;
    *pa = (par & 0x0000fffffffff000UL) | (gva & 0xfff);
    return 0;
}

static int guest_page(vaddr_t gva, bool write, void **hyp_va)
{
    struct domain *d = current_vcpu()->domain;
    paddr_t pa;
    int rc = translate(gva, write, &pa);
    if (rc)
        return rc;
    struct page_info *pg = page_info_of(pa & PAGE_MASK);
    if (!pg || pg->owner != d->domid)
        return -EFAULT;
    *hyp_va = maddr_to_virt(pa);
    return 0;
}

static int copy_guest(void *hyp, vaddr_t gva, size_t len, bool to_guest)
{
    if (gva + len < gva)
        return -EFAULT;
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        void *g;
        int rc = guest_page(gva, to_guest, &g);
        if (rc)
            return rc;
        if (to_guest)
            __builtin_memcpy(g, hyp, chunk);
        else
            __builtin_memcpy(hyp, g, chunk);
        hyp = (char *)hyp + chunk;
        gva += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_guest(void *dst, vaddr_t gva, size_t len)
{
    return copy_guest(dst, gva, len, false);
}

int copy_to_guest(vaddr_t gva, const void *src, size_t len)
{
    return copy_guest((void *)src, gva, len, true);
}

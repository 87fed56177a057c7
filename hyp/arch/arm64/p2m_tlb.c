/*
 * Stage-2 TLB maintenance for a domain: with that domain's VMID in
 * VTTBR_EL2, invalidate by IPA (stage 2) and then all stage-1 entries of the
 * VMID (they may have cached the old translation), inner shareable.
 */
#include "p2m.h"
#include "sysregs.h"

void arch_p2m_flush_tlb(const struct p2m *p2m, ipa_t ipa, uint64_t size)
{
    uint64_t saved = READ_SYSREG(vttbr_el2);

    WRITE_SYSREG(p2m_vttbr(p2m), vttbr_el2);
    isb();
    dsb_ishst();
    if (size > (64UL << 12)) {
        __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    } else {
        for (uint64_t a = ipa; a < ipa + size; a += 4096)
            __asm__ volatile("tlbi ipas2e1is, %0" : : "r"(a >> 12) : "memory");
        dsb_ish();
        __asm__ volatile("tlbi vmalle1is" ::: "memory");
    }
    dsb_ish();
    isb();
    WRITE_SYSREG(saved, vttbr_el2);
    isb();
}

/* EL2 register state every CPU sets before running guests. */
#include "bootinfo.h"
#include "bug.h"
#include "printk.h"
#include "psci.h"
#include "sysregs.h"
#include "timer.h"

#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
                   HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TSW | HCR_RW)

uint64_t arch_hcr_guest(void)
{
    return HCR_GUEST;
}

/* VTCR_EL2: 40-bit IPA, start level 1, 4K granule, WB WA inner shareable, 40-bit PA. */
#define VTCR_VALUE ((64 - 40) | (1UL << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) | \
                    (0UL << 14) | (2UL << 16) | (1UL << 31))

void arch_cpu_init_el2(void)
{
    WRITE_SYSREG(HCR_GUEST, hcr_el2);
    WRITE_SYSREG(VTCR_VALUE, vtcr_el2);
    WRITE_SYSREG(CPTR_EL2_RES1, cptr_el2);          /* FP/SIMD not trapped */
    WRITE_SYSREG(0, mdcr_el2);
    WRITE_SYSREG(CNTHCTL_EL1PCTEN, cnthctl_el2);     /* EL1 physical timer trapped */
    WRITE_SYSREG(0, cntvoff_el2);
    WRITE_SYSREG(0, cnthp_ctl_el2);
    WRITE_SYSREG(READ_SYSREG(midr_el1), vpidr_el2);
    WRITE_SYSREG(0, vttbr_el2);
    isb();
}

__noreturn void arch_halt(void)
{
    __asm__ volatile("msr daifset, #0xf");
    for (;;)
        __asm__ volatile("wfi");
}

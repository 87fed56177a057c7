/* Calls to the platform's PSCI firmware (EL3, or QEMU's built-in PSCI) by SMC. */
#include "bug.h"
#include "psci.h"

static uint64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
                       "x14", "x15", "x16", "x17", "memory");
    return x0;
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
    return (int64_t)smc_call(PSCI_0_2_FN64_CPU_ON, mpidr, entry, context);
}

__noreturn void psci_system_off(void)
{
    smc_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}

__noreturn void psci_system_reset(void)
{
    smc_call(PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}

__noreturn void arch_system_off(void)
{
    psci_system_off();
}

__noreturn void arch_system_reset(void)
{
    psci_system_reset();
}

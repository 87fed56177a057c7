/* Exceptions injected into a guest's EL1. */
#include "printk.h"
#include "regs.h"
#include "sysregs.h"
#include "traps.h"

/* Undefined Instruction at f->pc, taken to the guest's EL1 vector table. */
void inject_undef(struct cpu_regs *f, struct vcpu *v)
{
    gprintk(LOG_INFO, v, "unhandled trap (ESR 0x%lx) at pc 0x%lx: undefined instruction injected\n",
            (unsigned long)READ_SYSREG(esr_el2), (unsigned long)f->pc);
    uint64_t mode = f->cpsr & (PSR_MODE_MASK | PSR_MODE_32);
    uint64_t offset;

    if (mode == PSR_MODE_EL1h)
        offset = 0x200;
    else if (mode == PSR_MODE_EL1t)
        offset = 0x000;
    else
        offset = 0x400;                 /* from EL0, AArch64 */
    WRITE_SYSREG((ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, esr_el1);
    WRITE_SYSREG(f->pc, elr_el1);
    WRITE_SYSREG(f->cpsr, spsr_el1);
    f->pc = READ_SYSREG(vbar_el1) + offset;
    f->cpsr = PSR_D | PSR_A | PSR_I | PSR_F | PSR_MODE_EL1h;
}

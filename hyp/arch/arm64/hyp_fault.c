/* A fault in the hypervisor itself is a bug: show everything, then panic. */
#include "bug.h"
#include "printk.h"
#include "regs.h"
#include "sysregs.h"

static const char *ec_name(unsigned int ec)
{
    switch (ec) {
    case ESR_EC_UNKNOWN: return "unknown reason";
    case ESR_EC_IABT_CUR: return "instruction abort at EL2";
    case ESR_EC_PC_ALIGN: return "PC alignment fault";
    case ESR_EC_DABT_CUR: return "data abort at EL2";
    case ESR_EC_SP_ALIGN: return "SP alignment fault";
    case ESR_EC_SERROR: return "SError";
    case ESR_EC_BRK: return "BRK instruction";
    case ESR_EC_HVC64: return "HVC at EL2";
    case ESR_EC_SYSREG: return "system register access";
    default: return "other";
    }
}

static void dump_regs(const struct cpu_regs *f, uint64_t esr)
{
    unsigned int ec = esr >> ESR_EC_SHIFT;
    log_err("Unexpected exception in the hypervisor: %s (EC 0x%x)\n", ec_name(ec), ec);
    log_err("ESR_EL2 0x%016lx  FAR_EL2 0x%016lx  ISS 0x%lx\n", (unsigned long)esr,
            (unsigned long)READ_SYSREG(far_el2), (unsigned long)(esr & 0x1ffffff));
    if (ec == ESR_EC_DABT_CUR || ec == ESR_EC_IABT_CUR)
        log_err("  fault status 0x%lx, %s\n", (unsigned long)(esr & 0x3f),
                (esr & (1UL << 6)) ? "write" : "read");
    log_err("PC 0x%016lx  PSTATE 0x%08lx\n", (unsigned long)f->pc, (unsigned long)f->cpsr);
    for (unsigned int i = 0; i < 31; i += 2) {
        if (i == 30)
            log_err("x30 0x%016lx\n", (unsigned long)f->x[30]);
        else
            log_err("x%-2u 0x%016lx  x%-2u 0x%016lx\n", i, (unsigned long)f->x[i], i + 1,
                    (unsigned long)f->x[i + 1]);
    }
}

void do_hyp_sync(struct cpu_regs *f)
{
    uint64_t esr = READ_SYSREG(esr_el2);
    dump_regs(f, esr);
    panic("fault in the hypervisor at pc 0x%lx", (unsigned long)f->pc);
}

void do_hyp_bad_exception(struct cpu_regs *f)
{
    uint64_t esr = READ_SYSREG(esr_el2);
    dump_regs(f, esr);
    panic("unexpected exception vector taken in the hypervisor");
}

/*
 * vCPU state on arm64: what a context switch saves and loads (general
 * registers through the trap frame, EL1/EL0 system registers, FP/SIMD,
 * the virtual timer), and the reset state of a new vCPU.
 */
#include "bug.h"
#include "domain.h"
#include "regs.h"
#include "sysregs.h"
#include "vgic.h"
#include "vtimer.h"

void fpsimd_save(struct fp_state *s);
void fpsimd_restore(const struct fp_state *s);
uint64_t arch_hcr_guest(void);

/* VMPIDR as the guest sees it: Aff0 = id & 0xf, Aff1 = id >> 4, bit 31 RES1. */
static uint64_t vcpu_mpidr(unsigned int id)
{
    return (1UL << 31) | (id & 0xf) | ((uint64_t)(id >> 4) << 8);
}

void arch_vcpu_init(struct vcpu *v)
{
    __builtin_memset(&v->arch, 0, sizeof(v->arch));
    v->arch.sys.vmpidr = vcpu_mpidr(v->id);
    vgic_vcpu_init(v);
    vtimer_vcpu_init(v);
}

/* PSCI CPU_ON: registers as at reset; the interrupt controller state is kept. */
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
    uint64_t vmpidr = v->arch.sys.vmpidr;
    __builtin_memset(&v->arch.regs, 0, sizeof(v->arch.regs));
    __builtin_memset(&v->arch.sys, 0, sizeof(v->arch.sys));
    __builtin_memset(&v->arch.fp, 0, sizeof(v->arch.fp));
    v->arch.sys.vmpidr = vmpidr;
    v->arch.regs.pc = entry;
    v->arch.regs.x[0] = x0;
    v->arch.regs.cpsr = GUEST_PSTATE_INIT;
    v->arch.sys.sctlr = SCTLR_GUEST_INIT;
    v->arch.sys.cpacr = 3UL << 20;      /* FP/SIMD usable at EL1 and EL0 */
}

static void save_el1(struct el1_sysregs *s)
{
    s->sctlr = READ_SYSREG(sctlr_el1);
    s->ttbr0 = READ_SYSREG(ttbr0_el1);
    s->ttbr1 = READ_SYSREG(ttbr1_el1);
    s->tcr = READ_SYSREG(tcr_el1);
    s->mair = READ_SYSREG(mair_el1);
    s->amair = READ_SYSREG(amair_el1);
    s->vbar = READ_SYSREG(vbar_el1);
    s->contextidr = READ_SYSREG(contextidr_el1);
    s->tpidr_el0 = READ_SYSREG(tpidr_el0);
    s->tpidr_el1 = READ_SYSREG(tpidr_el1);
    s->tpidrro_el0 = READ_SYSREG(tpidrro_el0);
    s->sp_el0 = READ_SYSREG(sp_el0);
    s->sp_el1 = READ_SYSREG(sp_el1);
    s->elr_el1 = READ_SYSREG(elr_el1);
    s->spsr_el1 = READ_SYSREG(spsr_el1);
    s->esr = READ_SYSREG(esr_el1);
    s->far = READ_SYSREG(far_el1);
    s->afsr0 = READ_SYSREG(afsr0_el1);
    s->afsr1 = READ_SYSREG(afsr1_el1);
    s->par = READ_SYSREG(par_el1);
    s->cpacr = READ_SYSREG(cpacr_el1);
    s->csselr = READ_SYSREG(csselr_el1);
    s->cntkctl = READ_SYSREG(cntkctl_el1);
    s->mdscr = READ_SYSREG(mdscr_el1);
    s->cntv_ctl = READ_SYSREG(cntv_ctl_el0);
    s->cntv_cval = READ_SYSREG(cntv_cval_el0);
}

static void load_el1(const struct el1_sysregs *s)
{
    WRITE_SYSREG(s->sctlr, sctlr_el1);
    WRITE_SYSREG(s->ttbr0, ttbr0_el1);
    WRITE_SYSREG(s->ttbr1, ttbr1_el1);
    WRITE_SYSREG(s->tcr, tcr_el1);
    WRITE_SYSREG(s->mair, mair_el1);
    WRITE_SYSREG(s->amair, amair_el1);
    WRITE_SYSREG(s->vbar, vbar_el1);
    WRITE_SYSREG(s->contextidr, contextidr_el1);
    WRITE_SYSREG(s->tpidr_el0, tpidr_el0);
    WRITE_SYSREG(s->tpidr_el1, tpidr_el1);
    WRITE_SYSREG(s->tpidrro_el0, tpidrro_el0);
    WRITE_SYSREG(s->sp_el0, sp_el0);
    WRITE_SYSREG(s->sp_el1, sp_el1);
    WRITE_SYSREG(s->elr_el1, elr_el1);
    WRITE_SYSREG(s->spsr_el1, spsr_el1);
    WRITE_SYSREG(s->esr, esr_el1);
    WRITE_SYSREG(s->far, far_el1);
    WRITE_SYSREG(s->afsr0, afsr0_el1);
    WRITE_SYSREG(s->afsr1, afsr1_el1);
    WRITE_SYSREG(s->par, par_el1);
    WRITE_SYSREG(s->cpacr, cpacr_el1);
    WRITE_SYSREG(s->csselr, csselr_el1);
    WRITE_SYSREG(s->cntkctl, cntkctl_el1);
    WRITE_SYSREG(s->mdscr, mdscr_el1);
    WRITE_SYSREG(s->vmpidr, vmpidr_el2);
}

void arch_vcpu_save(struct vcpu *v, const struct cpu_regs *frame)
{
    v->arch.regs = *frame;
    save_el1(&v->arch.sys);
    /* Stop the guest's timer: it must not fire while another guest runs. */
    WRITE_SYSREG(0, cntv_ctl_el0);
    fpsimd_save(&v->arch.fp);
    vgic_save(v);
    isb();
    vtimer_vcpu_saved(v);
}

void arch_vcpu_load(struct vcpu *v, struct cpu_regs *frame)
{
    struct domain *d = v->domain;

    WRITE_SYSREG(p2m_vttbr(&d->arch.p2m), vttbr_el2);
    WRITE_SYSREG(d->arch.cntvoff, cntvoff_el2);
    WRITE_SYSREG(arch_hcr_guest(), hcr_el2);
    isb();
    load_el1(&v->arch.sys);
    /* CNTVOFF first, then the timer, so it compares against the right count. */
    WRITE_SYSREG(v->arch.sys.cntv_cval, cntv_cval_el0);
    WRITE_SYSREG(v->arch.sys.cntv_ctl, cntv_ctl_el0);
    fpsimd_restore(&v->arch.fp);
    vgic_restore(v);
    isb();
    vtimer_vcpu_loaded(v);
    *frame = v->arch.regs;
}

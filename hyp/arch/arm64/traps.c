/*
 * Traps from guests (lower EL) and faults in the hypervisor itself.
 * A guest's mistakes end in an error code, an injected exception or the
 * crash of that guest; only the hypervisor's own faults panic.
 */
#include "bug.h"
#include "domain.h"
#include "gic.h"
#include "hypercall.h"
#include "percpu.h"
#include "printk.h"
#include "regs.h"
#include "sched.h"
#include "sysregs.h"
#include "timer.h"
#include "traps.h"

static void do_hypercall(struct cpu_regs *f, struct vcpu *v)
{
    uint64_t nr = f->x[16];
    struct hypercall_args a = { { f->x[0], f->x[1], f->x[2], f->x[3], f->x[4] } };
    long rc = hypercall_dispatch(nr, &a, v->domain->is_privileged);

    f->x[0] = (uint64_t)rc;
#if CONFIG_DEBUG
    /* The ABI lets a hypercall clobber x16 and the arguments it uses. */
    unsigned int n = hypercall_nargs(nr);
    for (unsigned int i = 1; i < n; i++)
        f->x[i] = 0xDEADBEEFUL;
    f->x[16] = 0xDEADBEEFUL;
#endif
}

static void do_trap_hvc(struct cpu_regs *f, struct vcpu *v, uint64_t esr)
{
    uint32_t imm = esr & 0xffff;
    if (imm == XEN_HYPERCALL_TAG)
        do_hypercall(f, v);
    else if (imm == 0)
        vsmccc_call(f, v);
    else {
        f->pc -= 4;                     /* the exception returns to the HVC itself */
        inject_undef(f, v);
    }
}

/* WFI: sleep until the vCPU's virtual timer fires (no other wake source yet). */
static void do_trap_wfx(struct cpu_regs *f, struct vcpu *v, uint64_t esr)
{
    f->pc += 4;
    if (esr & 1) {                      /* WFE */
        vcpu_yield(v);
        return;
    }
    uint64_t ctl = READ_SYSREG(cntv_ctl_el0);
    if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE) {
        if (ctl & CNT_CTL_ISTATUS)
            return;                     /* already due */
        uint64_t cval = READ_SYSREG(cntv_cval_el0);
        vcpu_block(v, cval + v->domain->arch.cntvoff);
        return;
    }
    vcpu_block(v, 0);
}

static void do_trap_guest_abort(struct cpu_regs *f, struct vcpu *v, uint64_t esr, bool data)
{
    uint64_t hpfar = READ_SYSREG(hpfar_el2);
    uint64_t far = READ_SYSREG(far_el2);
    uint64_t ipa = ((hpfar >> 4) << 12) | (far & 0xfff);
    char why[160];

    hyp_snprintf(why, sizeof(why), "%s abort at IPA 0x%lx (VA 0x%lx, pc 0x%lx, ESR 0x%lx) "
                 "outside its memory", data ? "data" : "instruction", (unsigned long)ipa,
                 (unsigned long)far, (unsigned long)f->pc, (unsigned long)esr);
    domain_crash(v->domain, why);
}

static void finish_trap(struct cpu_regs *f)
{
    struct pcpu *p = this_cpu();
    struct vcpu *v = p->curr;
    if (p->need_resched || !v || v->state != VCPU_RUNNING)
        schedule(f);
}

void do_trap_guest_sync(struct cpu_regs *f)
{
    struct vcpu *v = current_vcpu();
    uint64_t esr = READ_SYSREG(esr_el2);

    switch (esr >> ESR_EC_SHIFT) {
    case ESR_EC_HVC64:
        do_trap_hvc(f, v, esr);
        break;
    case ESR_EC_SMC64:
        f->pc += 4;                     /* a trapped SMC points at itself */
        vsmccc_call(f, v);
        break;
    case ESR_EC_WFX:
        do_trap_wfx(f, v, esr);
        break;
    case ESR_EC_DABT_LOW:
        do_trap_guest_abort(f, v, esr, true);
        break;
    case ESR_EC_IABT_LOW:
        do_trap_guest_abort(f, v, esr, false);
        break;
    default:
        inject_undef(f, v);
        break;
    }
    finish_trap(f);
}

/* Physical interrupts, taken at EL2 while a guest or the idle loop runs. */
void handle_pending_irqs(void)
{
    for (;;) {
        uint32_t intid = gic_ack();
        if (intid >= GIC_SPURIOUS)
            break;
        if (intid == hyp_timer_intid) {
            timer_softirq();
        } else if (intid == SGI_KICK) {
            this_cpu()->need_resched = true;
        } else if (intid == vtimer_intid) {
            /* No virtual GIC yet: silence the guest's timer until it re-arms it. */
            WRITE_SYSREG(READ_SYSREG(cntv_ctl_el0) | CNT_CTL_IMASK, cntv_ctl_el0);
        } else {
            log_warn("unexpected interrupt %u\n", intid);
        }
        gic_eoi(intid);
    }
}

void do_trap_guest_irq(struct cpu_regs *f)
{
    handle_pending_irqs();
    finish_trap(f);
}

void do_trap_guest_fiq(struct cpu_regs *f)
{
    domain_crash(current_vcpu()->domain, "FIQ taken from the guest");
    finish_trap(f);
}

void do_trap_guest_serror(struct cpu_regs *f)
{
    char why[64];
    hyp_snprintf(why, sizeof(why), "SError (ESR 0x%lx)", (unsigned long)READ_SYSREG(esr_el2));
    domain_crash(current_vcpu()->domain, why);
    finish_trap(f);
}

void do_trap_guest_aarch32(struct cpu_regs *f)
{
    domain_crash(current_vcpu()->domain, "trap from AArch32 state (not supported)");
    finish_trap(f);
}

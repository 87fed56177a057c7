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
#include "mmio.h"
#include "console.h"
#include "pl011.h"
#include "vgic.h"
#include "vtimer.h"

static void do_hypercall(struct cpu_regs *f, struct vcpu *v)
{
    uint64_t nr = f->x[16];
    struct hypercall_args a = { { f->x[0], f->x[1], f->x[2], f->x[3], f->x[4] } };
    this_cpu()->hc_irqs_masked = (f->cpsr & PSR_I) != 0;
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

/*
 * WFI: sleep until an interrupt is pending for the vCPU (its virtual timer
 * keeps running as a software timer while it is off the CPU). Block first,
 * then look: an interrupt injected in between finds the vCPU blocked and
 * wakes it, or we see it here.
 */
static void do_trap_wfx(struct cpu_regs *f, struct vcpu *v, uint64_t esr)
{
    f->pc += 4;
    if (esr & 1) {                      /* WFE */
        vcpu_yield(v);
        return;
    }
    vcpu_block(v, 0);
    if (vgic_vcpu_pending(v))
        vcpu_unblock(v);
}

/*
 * A translation fault on an address that is mapped when we look again is
 * the other side of a break-before-make: another CPU was replacing the
 * entry (splitting a block for a balloon or foreign-mapping change, under
 * the p2m lock) while this vCPU walked the tables. p2m_lookup() takes that
 * lock, so it answers after the change; the access is then retried. A vCPU
 * that keeps faulting on a page that is mapped is a bug, and is crashed.
 */
#define ESR_FSC_TYPE_MASK   0x3cUL      /* fault status code without the level */
#define ESR_FSC_TRANSLATION 0x04UL
#define MAX_RETRIED_FAULTS  64

static bool fault_is_stale(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
    if ((esr & ESR_FSC_TYPE_MASK) != ESR_FSC_TRANSLATION)
        return false;
    if (p2m_lookup(&v->domain->arch.p2m, ipa, NULL, NULL) != 0)
        return false;
    uint64_t page = ipa & ~(uint64_t)(PAGE_SIZE - 1);
    if (v->arch.retried_fault_ipa != page) {
        v->arch.retried_fault_ipa = page;
        v->arch.retried_faults = 0;
    }
    return ++v->arch.retried_faults <= MAX_RETRIED_FAULTS;
}

static void do_trap_guest_abort(struct cpu_regs *f, struct vcpu *v, uint64_t esr, bool data)
{
    uint64_t hpfar = READ_SYSREG(hpfar_el2);
    uint64_t far = READ_SYSREG(far_el2);
    uint64_t ipa = ((hpfar >> 4) << 12) | (far & 0xfff);
    const char *what = "outside its memory";
    char why[176];

    if (data) {
        enum mmio_result r = mmio_handle(f, v, ipa, esr);
        if (r == MMIO_DONE)
            return;
        if (r == MMIO_BAD_ACCESS)
            what = "to an emulated device that cannot be emulated (size or instruction form)";
    }
    if (fault_is_stale(v, esr, ipa))
        return;                         /* the pc still points at the access: it runs again */
    hyp_snprintf(why, sizeof(why), "%s abort at IPA 0x%lx (VA 0x%lx, pc 0x%lx, ESR 0x%lx) %s",
                 data ? "data" : "instruction", (unsigned long)ipa, (unsigned long)far,
                 (unsigned long)f->pc, (unsigned long)esr, what);
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

    vgic_sync_from_lrs(v);
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
    case ESR_EC_SYSREG:
        do_trap_sysreg(f, v, esr);
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
        struct domain *owner = gic_spi_owner(intid);
        if (owner) {
            /* A device's interrupt for a guest: it stays active until the guest's EOI. */
            gic_priority_drop(intid);
            vgic_inject_hw_spi(owner, intid);
            continue;
        }
        if (intid == hyp_timer_intid)
            timer_softirq();
        else if (intid == SGI_KICK)
            this_cpu()->need_resched = true;
        else if (intid == vtimer_intid)
            vtimer_hw_fired(current_vcpu());
        else if (intid == uart_intid && uart_intid)
            pl011_rx_irq(console_input);
        else if (intid != maint_intid)  /* maintenance: the LRs are refilled on the way out */
            log_warn("unexpected interrupt %u\n", intid);
        gic_eoi(intid);
    }
}

void do_trap_guest_irq(struct cpu_regs *f)
{
    vgic_sync_from_lrs(current_vcpu());
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

/* Last thing before eret (entry.S): the vCPU's interrupts into the list registers. */
void leave_hypervisor_to_guest(void)
{
    vgic_flush_to_lrs(current_vcpu());
}

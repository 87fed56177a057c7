/*
 * The toolstack's view of a vCPU (struct vcpu_guest_context of arch-arm.h):
 * set before the vCPU first runs (XEN_DOMCTL_setvcpucontext), read back
 * with getvcpucontext.
 */
#include "types.h"
#include <xen/xen.h>

#include "domain.h"
#include "errno.h"
#include "sysregs.h"

/* x0..x30 are 31 consecutive 64-bit fields, followed by pc64 (arch-arm.h). */
_Static_assert(__builtin_offsetof(struct vcpu_guest_core_regs, pc64) == 31 * 8,
               "vcpu_guest_core_regs layout");

/* Xen accepts AArch64 EL0t, EL1t and EL1h; no AArch32 (not supported here). */
static bool valid_cpsr(uint64_t cpsr)
{
    uint64_t mode = cpsr & (PSR_MODE_MASK | PSR_MODE_32);
    return !(cpsr >> 32) && (mode == PSR_MODE_EL0t || mode == PSR_MODE_EL1t || mode == PSR_MODE_EL1h);
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    const struct vcpu_guest_core_regs *r = &c->user_regs;

    if (!valid_cpsr(r->cpsr) || (c->flags & ~(uint32_t)VGCF_online))
        return -EINVAL;
    arch_vcpu_reset(v, r->pc64, r->x0);
    __builtin_memcpy(v->arch.regs.x, r, 31 * 8);
    v->arch.regs.cpsr = r->cpsr;
    v->arch.sys.spsr_el1 = r->spsr_el1;
    v->arch.sys.sp_el0 = r->sp_el0;
    v->arch.sys.sp_el1 = r->sp_el1;
    v->arch.sys.elr_el1 = r->elr_el1;
    v->arch.sys.sctlr = c->sctlr;
    v->arch.sys.tcr = c->ttbcr;
    v->arch.sys.ttbr0 = c->ttbr0;
    v->arch.sys.ttbr1 = c->ttbr1;
    return 0;
}

void arch_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    struct vcpu_guest_core_regs *r = &c->user_regs;

    __builtin_memset(c, 0, sizeof(*c));
    c->flags = v->state != VCPU_OFFLINE ? VGCF_online : 0;
    __builtin_memcpy(r, v->arch.regs.x, 31 * 8);
    r->pc64 = v->arch.regs.pc;
    r->cpsr = v->arch.regs.cpsr;
    r->spsr_el1 = v->arch.sys.spsr_el1;
    r->sp_el0 = v->arch.sys.sp_el0;
    r->sp_el1 = v->arch.sys.sp_el1;
    r->elr_el1 = v->arch.sys.elr_el1;
    c->sctlr = v->arch.sys.sctlr;
    c->ttbcr = v->arch.sys.tcr;
    c->ttbr0 = v->arch.sys.ttbr0;
    c->ttbr1 = v->arch.sys.ttbr1;
}

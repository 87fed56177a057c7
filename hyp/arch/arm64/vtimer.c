/*
 * The guest's virtual timer. While the vCPU runs, the hardware timer fires
 * at EL2 (HCR_EL2.IMO): we mask it in CNTV_CTL, as the guest's handler
 * expects to find it, and inject virtual PPI 27. While the vCPU is off the
 * CPU, a software timer at the same deadline does the same, waking it.
 */
#include "domain.h"
#include "sysregs.h"
#include "timer.h"
#include "vgic.h"
#include "vtimer.h"

unsigned int vtimer_intid = 27;

void vtimer_hw_fired(struct vcpu *v)
{
    WRITE_SYSREG(READ_SYSREG(cntv_ctl_el0) | CNT_CTL_IMASK, cntv_ctl_el0);
    isb();
    if (v)
        vgic_inject(v->domain, v, vtimer_intid);
}

static void vtimer_soft_fired(void *data)
{
    struct vcpu *v = data;
    v->arch.sys.cntv_ctl |= CNT_CTL_IMASK;
    vgic_inject(v->domain, v, vtimer_intid);
}

void vtimer_vcpu_init(struct vcpu *v)
{
    timer_init(&v->arch.vtimer, vtimer_soft_fired, v, v->processor);
}

/* The vCPU leaves the CPU (its CNTV_* already saved): keep its deadline. */
void vtimer_vcpu_saved(struct vcpu *v)
{
    uint64_t ctl = v->arch.sys.cntv_ctl;
    /* A paused or stopped vCPU is not coming back: nothing to wake. */
    if (v->state == VCPU_PAUSED || v->state == VCPU_OFFLINE)
        return;
    if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE)
        timer_set(&v->arch.vtimer, v->arch.sys.cntv_cval + v->domain->arch.cntvoff);
}

void vtimer_vcpu_destroy(struct vcpu *v)
{
    timer_kill(&v->arch.vtimer);
}

void vtimer_vcpu_loaded(struct vcpu *v)
{
    timer_stop(&v->arch.vtimer);
}

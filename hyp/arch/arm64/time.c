/* The architected counter and the EL2 physical timer (CNTHP), one per CPU. */
#include "sysregs.h"
#include "timer.h"

static uint64_t cntfrq;

void arch_time_init(void)
{
    cntfrq = READ_SYSREG(cntfrq_el0);
    if (!cntfrq)
        cntfrq = 62500000;      /* QEMU virt's counter; firmware should set CNTFRQ */
}

uint64_t now_ticks(void)
{
    return read_cntpct();
}

uint64_t ticks_per_sec(void)
{
    return cntfrq;
}

/* Exact for any counter frequency (62.5 MHz on QEMU is not a whole number of MHz). */
static uint64_t ticks_scaled(uint64_t ticks, uint64_t per_sec)
{
    return (ticks / cntfrq) * per_sec + (ticks % cntfrq) * per_sec / cntfrq;
}

uint64_t ticks_to_us(uint64_t ticks)
{
    return ticks_scaled(ticks, 1000000);
}

uint64_t ticks_to_ns(uint64_t ticks)
{
    return ticks_scaled(ticks, 1000000000);
}

uint64_t ns_to_ticks(uint64_t ns)
{
    return (ns / 1000000000) * cntfrq + (ns % 1000000000) * cntfrq / 1000000000;
}

void arch_timer_program(uint64_t expires)
{
    if (!expires) {
        WRITE_SYSREG(0, cnthp_ctl_el2);
    } else {
        WRITE_SYSREG(expires, cnthp_cval_el2);
        WRITE_SYSREG(CNT_CTL_ENABLE, cnthp_ctl_el2);
    }
    isb();
}

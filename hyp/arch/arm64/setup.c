/* arm64 steps of the boot sequence (hyp/common/setup.c reads like the order). */
#include <libfdt.h>

#include "bootinfo.h"
#include "bug.h"
#include "gic.h"
#include "mm.h"
#include "page_alloc.h"
#include "percpu.h"
#include "pl011.h"
#include "printk.h"
#include "setup_arch.h"
#include "sysregs.h"
#include "timer.h"
#include "traps.h"
#include "vgic.h"
#include "vtimer.h"

extern char _start_image[], _end[];
void pcpu_setup(unsigned int id, uint64_t mpidr);
void arch_set_this_cpu(struct pcpu *p);
void arch_cpu_init_el2(void);
void arch_time_init(void);
void smp_boot_secondaries(const struct bootinfo *bi);
__noreturn void enter_scheduler(void);

unsigned int hyp_timer_intid = 26, maint_intid = 25, uart_intid;

void arch_early_init(paddr_t dtb)
{
    pcpu_setup(0, READ_SYSREG(mpidr_el1) & 0xff00ffffffUL);
    arch_set_this_cpu(&pcpus[0]);
    mm_early_init(dtb);
#ifdef CONFIG_EARLY_UART_PL011
    pl011_init(CONFIG_EARLY_UART_BASE);
#endif
    arch_cpu_init_el2();
    arch_time_init();
}

size_t arch_fdt_size(paddr_t dtb)
{
    return fdt_totalsize(maddr_to_virt(dtb));
}

struct boot_range arch_image_range(void)
{
    paddr_t s = (paddr_t)(uintptr_t)_start_image;
    return (struct boot_range){ s, (paddr_t)(uintptr_t)_end - s };
}

void arch_setup(const struct bootinfo *bi)
{
    if (bi->uart_found)
        pl011_init(bi->uart.start);
    mm_map_ram(bi);
}

void arch_init_irq_and_time(const struct bootinfo *bi)
{
    if (bi->timer_hyp_intid)
        hyp_timer_intid = bi->timer_hyp_intid;
    if (bi->timer_virt_intid)
        vtimer_intid = bi->timer_virt_intid;
    if (bi->gic_maint_intid)
        maint_intid = bi->gic_maint_intid;
    vgic_hw_init();
    gic_init(bi);
    gic_init_cpu();
    if (bi->uart_found && bi->uart_intid) {
        uart_intid = bi->uart_intid;
        pl011_enable_rx_irq();
        gic_enable_hyp_spi(uart_intid);
    }
    pcpus[0].online = true;
    nr_pcpus_online = 1;
}

void arch_smp_boot(const struct bootinfo *bi)
{
    smp_boot_secondaries(bi);
}

__noreturn void arch_enter_scheduler(void)
{
    enter_scheduler();
}

void arch_clean_dcache(const void *p, size_t size)
{
    clean_dcache_range(p, size);
}

void arch_idle(void)
{
    struct pcpu *p = this_cpu();
    uint64_t t = now_ticks();
    wfi();
    handle_pending_irqs();
    p->idle_ticks += now_ticks() - t;
}

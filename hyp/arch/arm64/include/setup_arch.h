/* The arch steps of start_lamina(), in the order it calls them. */
#ifndef LAMINA_ARM64_SETUP_ARCH_H
#define LAMINA_ARM64_SETUP_ARCH_H

#include "bootinfo.h"

void arch_early_init(paddr_t dtb);              /* CPU0, MMU, early console */
size_t arch_fdt_size(paddr_t dtb);
struct boot_range arch_image_range(void);
void arch_setup(const struct bootinfo *bi);     /* console, RAM mapping */
void arch_init_irq_and_time(const struct bootinfo *bi);
void arch_smp_boot(const struct bootinfo *bi);
__noreturn void arch_enter_scheduler(void);

#endif

#ifndef LAMINA_ARM64_TRAPS_H
#define LAMINA_ARM64_TRAPS_H
#include "domain.h"
#include "regs.h"
extern unsigned int hyp_timer_intid, maint_intid, uart_intid;
void do_trap_sysreg(struct cpu_regs *f, struct vcpu *v, uint64_t esr);
void vsmccc_call(struct cpu_regs *f, struct vcpu *v);
void inject_undef(struct cpu_regs *f, struct vcpu *v);
void handle_pending_irqs(void);
#endif

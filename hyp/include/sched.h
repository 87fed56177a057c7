/*
 * Scheduler interface. The round-robin scheduler (sched_rr.c) implements it;
 * a credit scheduler can replace it behind the same calls.
 */
#ifndef LAMINA_SCHED_H
#define LAMINA_SCHED_H

#include "domain.h"

void sched_init_cpu(unsigned int cpu);
/* Scheduler fields of a new vCPU (after v->processor is set). */
void sched_vcpu_init(struct vcpu *v);
/* Choose the physical CPU for a new vCPU. */
unsigned int sched_place_vcpu(struct vcpu *v);
/* Make a vCPU runnable (from OFFLINE or BLOCKED); kicks its CPU. */
void vcpu_wake(struct vcpu *v);
/* Only from BLOCKED: an interrupt or event never starts an offline vCPU. */
void vcpu_unblock(struct vcpu *v);
/*
 * Pausing (the toolstack's pausedomain, domain creation): a paused vCPU keeps
 * its state (runnable, blocked ...) but is not run until the last unpause.
 */
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
/* The running vCPU blocks; timeout_ticks = absolute expiry or 0 for none. */
void vcpu_block(struct vcpu *v, uint64_t expires);
/* The running vCPU gives up the rest of its slice. */
void vcpu_yield(struct vcpu *v);
/* Take a vCPU off the CPU for good (CPU_OFF, domain shutdown). */
void vcpu_stop(struct vcpu *v, enum vcpu_state new_state);
/* On the way back to a guest: switch vCPUs if needed (may idle). */
struct cpu_regs;
void schedule(struct cpu_regs *frame);

#endif

/* Per physical CPU state. */
#ifndef LAMINA_PERCPU_H
#define LAMINA_PERCPU_H

#include "config.h"
#include "list.h"
#include "spinlock.h"
#include "types.h"

struct vcpu;

struct timer;
struct timer_queue {
    spinlock_t lock;
    struct list_head timers;        /* sorted by expiry */
    struct timer *running;          /* the timer whose callback runs now, or NULL */
};

struct pcpu {
    uint64_t stack_top;             /* must stay first: enter_scheduler reads it */
    unsigned int id;
    uint64_t mpidr;
    bool online;
    struct vcpu *curr;              /* the vCPU in the frame, NULL when idle */
    bool need_resched;              /* set by IRQs and wake-ups, read on guest exit */
    spinlock_t rq_lock;             /* guards runq and the state of vCPUs on this CPU */
    struct list_head runq;          /* runnable vCPUs, not the running one */
    uint64_t slice_end;             /* counter value when curr's slice ends */
    struct timer_queue timers;
    uint64_t idle_ticks;            /* counter ticks spent idle */
    /* A hypercall continuation asked for by the running handler (hypercalls/table.c). */
    bool hc_cont_pending;
    bool hc_irqs_masked;            /* the caller had PSTATE.I set (SCHEDOP_poll reads it) */
    struct { uint64_t a[5]; } hc_cont;
};

extern struct pcpu pcpus[CONFIG_NR_CPUS];
extern unsigned int nr_pcpus_online;

struct pcpu *this_cpu(void);        /* arch: TPIDR_EL2 */

static inline struct vcpu *current_vcpu(void)
{
    return this_cpu()->curr;
}

#endif

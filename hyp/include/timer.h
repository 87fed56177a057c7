/*
 * Software timers on each physical CPU, ordered by expiry in counter ticks.
 * The arch code programs the hardware timer for the earliest and calls
 * timer_softirq() from the timer interrupt.
 */
#ifndef LAMINA_TIMER_H
#define LAMINA_TIMER_H

#include "list.h"
#include "types.h"

struct timer {
    struct list_head link;
    uint64_t expires;               /* counter ticks */
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;               /* the CPU whose queue holds it */
    bool active;
};

void timer_init(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
void timer_set(struct timer *t, uint64_t expires);
void timer_stop(struct timer *t);
/* Stop it and wait until its callback is not running anywhere: then t may be freed. */
void timer_kill(struct timer *t);
/* Run expired timers of this CPU and reprogram the hardware. */
void timer_softirq(void);

/* Time: the architected counter. */
uint64_t now_ticks(void);
uint64_t ticks_per_sec(void);
static inline uint64_t ms_to_ticks(uint64_t ms) { return ms * ticks_per_sec() / 1000; }
uint64_t ticks_to_us(uint64_t ticks);
uint64_t ticks_to_ns(uint64_t ticks);
uint64_t ns_to_ticks(uint64_t ns);

/* arch: program this CPU's hypervisor timer to fire at expires (0 = off). */
void arch_timer_program(uint64_t expires);

#endif

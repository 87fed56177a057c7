/* Per-CPU software timers, kept sorted; the hardware timer fires for the first. */
#include "bug.h"
#include "percpu.h"
#include "timer.h"

void timer_init(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    list_init(&t->link);
    t->fn = fn;
    t->data = data;
    t->cpu = cpu;
    t->active = false;
    t->expires = 0;
}

static void reprogram_if_local(struct timer_queue *q, unsigned int cpu)
{
    if (cpu != this_cpu()->id)
        return;     /* the remote CPU reprograms when it next looks; see timer_set */
    if (list_empty(&q->timers))
        arch_timer_program(0);
    else
        arch_timer_program(list_first_entry(&q->timers, struct timer, link)->expires);
}

void timer_set(struct timer *t, uint64_t expires)
{
    struct timer_queue *q = &pcpus[t->cpu].timers;
    struct list_head *pos;

    spin_lock(&q->lock);
    if (t->active)
        list_del(&t->link);
    t->expires = expires ? expires : 1;
    t->active = true;
    list_for_each(pos, &q->timers) {
        if (list_entry(pos, struct timer, link)->expires > t->expires)
            break;
    }
    list_insert(&t->link, pos->prev, pos);
    reprogram_if_local(q, t->cpu);
    spin_unlock(&q->lock);
    /* A timer for another CPU: kick it so it reprograms its hardware timer. */
    if (t->cpu != this_cpu()->id)
        pcpus[t->cpu].need_resched = true;
}

void timer_stop(struct timer *t)
{
    struct timer_queue *q = &pcpus[t->cpu].timers;

    spin_lock(&q->lock);
    if (t->active) {
        list_del(&t->link);
        t->active = false;
        reprogram_if_local(q, t->cpu);
    }
    spin_unlock(&q->lock);
}

void timer_kill(struct timer *t)
{
    struct timer_queue *q = &pcpus[t->cpu].timers;

    timer_stop(t);
    /* The callback runs without the lock held (timer_softirq): wait for it to end. */
    while (__atomic_load_n(&q->running, __ATOMIC_ACQUIRE) == t)
        arch_cpu_relax();
}

void timer_softirq(void)
{
    struct pcpu *p = this_cpu();
    struct timer_queue *q = &p->timers;

    spin_lock(&q->lock);
    while (!list_empty(&q->timers)) {
        struct timer *t = list_first_entry(&q->timers, struct timer, link);
        if (t->expires > now_ticks())
            break;
        list_del(&t->link);
        t->active = false;
        __atomic_store_n(&q->running, t, __ATOMIC_RELEASE);
        spin_unlock(&q->lock);
        t->fn(t->data);
        spin_lock(&q->lock);
        __atomic_store_n(&q->running, NULL, __ATOMIC_RELEASE);
    }
    reprogram_if_local(q, p->id);
    spin_unlock(&q->lock);
}

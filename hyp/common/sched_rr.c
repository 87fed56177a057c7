/*
 * Round-robin scheduler: each physical CPU runs the vCPUs placed on it in
 * turn, each for at most CONFIG_SCHED_SLICE_MS. schedule() runs on the way
 * back to a guest and may swap the vCPU in the trap frame; with nothing to
 * run, the CPU idles inside it (WFI with interrupts masked, then polls the
 * GIC), so there is no idle vCPU.
 */
#include "bug.h"
#include "domain.h"
#include "percpu.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"

void arch_vcpu_save(struct vcpu *v, const struct cpu_regs *frame);
void arch_vcpu_load(struct vcpu *v, struct cpu_regs *frame);
void arch_kick_cpu(unsigned int cpu);
void arch_idle(void);                       /* WFI, then handle pending interrupts */

static struct timer slice_timers[CONFIG_NR_CPUS];
static unsigned int next_placement;

static void slice_expired(void *data)
{
    (void)data;
    this_cpu()->need_resched = true;
}

void sched_init_cpu(unsigned int cpu)
{
    timer_init(&slice_timers[cpu], slice_expired, NULL, cpu);
}

unsigned int sched_place_vcpu(struct vcpu *v)
{
    (void)v;
    unsigned int n = __atomic_load_n(&nr_pcpus_online, __ATOMIC_RELAXED);
    unsigned int slot = __atomic_fetch_add(&next_placement, 1, __ATOMIC_RELAXED);
    /* Online CPUs are numbered 0..n-1. */
    return n ? slot % n : 0;
}

/* Make a CPU look at its run queue: this one at the next exit, another by a kick. */
static void resched_cpu(unsigned int cpu)
{
    if (cpu == this_cpu()->id)
        this_cpu()->need_resched = true;
    else
        arch_kick_cpu(cpu);
}

static void wake_timer_fn(void *data)
{
    vcpu_wake(data);
}

void sched_vcpu_init(struct vcpu *v)
{
    list_init(&v->runq_link);
    timer_init(&v->wake_timer, wake_timer_fn, v, v->processor);
}

static void wake_if(struct vcpu *v, bool from_offline)
{
    struct pcpu *p = &pcpus[v->processor];
    bool queued = false;

    spin_lock(&p->rq_lock);
    if (v->state == VCPU_BLOCKED || (from_offline && v->state == VCPU_OFFLINE)) {
        v->state = VCPU_RUNNABLE;
        if (p->curr != v && !v->pause_count) {
            list_add_tail(&v->runq_link, &p->runq);
            queued = true;
        }
        queued |= p->curr == v;
    }
    spin_unlock(&p->rq_lock);
    if (!queued)
        return;
    resched_cpu(v->processor);
}

void vcpu_wake(struct vcpu *v)
{
    wake_if(v, true);
}

void vcpu_unblock(struct vcpu *v)
{
    wake_if(v, false);
}

void vcpu_pause(struct vcpu *v)
{
    struct pcpu *p = &pcpus[v->processor];
    bool kick = false;

    spin_lock(&p->rq_lock);
    if (v->pause_count++ == 0) {
        if (v->state == VCPU_RUNNABLE && p->curr != v)
            list_del(&v->runq_link);        /* keeps RUNNABLE: requeued on unpause */
        kick = p->curr == v;
    }
    spin_unlock(&p->rq_lock);
    if (!kick)
        return;
    resched_cpu(v->processor);
}

void vcpu_unpause(struct vcpu *v)
{
    struct pcpu *p = &pcpus[v->processor];
    bool queued = false;

    spin_lock(&p->rq_lock);
    if (v->pause_count && --v->pause_count == 0 && v->state == VCPU_RUNNABLE && p->curr != v) {
        list_add_tail(&v->runq_link, &p->runq);
        queued = true;
    }
    spin_unlock(&p->rq_lock);
    if (!queued)
        return;
    resched_cpu(v->processor);
}

void vcpu_block(struct vcpu *v, uint64_t expires)
{
    struct pcpu *p = &pcpus[v->processor];

    spin_lock(&p->rq_lock);
    if (v->state == VCPU_RUNNING)
        v->state = VCPU_BLOCKED;
    spin_unlock(&p->rq_lock);
    if (expires)
        timer_set(&v->wake_timer, expires);
    this_cpu()->need_resched = true;
}

void vcpu_yield(struct vcpu *v)
{
    v->yielded = true;
    this_cpu()->need_resched = true;
}

void vcpu_stop(struct vcpu *v, enum vcpu_state new_state)
{
    struct pcpu *p = &pcpus[v->processor];

    spin_lock(&p->rq_lock);
    if (v->state == VCPU_RUNNABLE && p->curr != v && !v->pause_count)
        list_del(&v->runq_link);
    v->state = new_state;
    spin_unlock(&p->rq_lock);
    timer_stop(&v->wake_timer);
    resched_cpu(v->processor);
}

/* Pick the next vCPU under the run-queue lock; prev keeps the CPU if it may. */
static struct vcpu *pick_next(struct pcpu *p, struct vcpu *prev, uint64_t now)
{
    /*
     * Woken again before it left the CPU: vcpu_wake() did not queue it (it is
     * in the frame), so it competes as if it had never blocked.
     */
    if (prev && prev->state == VCPU_RUNNABLE)
        prev->state = VCPU_RUNNING;
    /* Paused while it ran: it leaves the CPU still runnable, off the queue. */
    if (prev && prev->state == VCPU_RUNNING && prev->pause_count)
        prev->state = VCPU_RUNNABLE;
    if (prev && prev->state == VCPU_RUNNING) {
        bool slice_left = now < p->slice_end && !prev->yielded;
        if (list_empty(&p->runq) || slice_left)
            return prev;
        prev->state = VCPU_RUNNABLE;
        list_add_tail(&prev->runq_link, &p->runq);
    }
    if (list_empty(&p->runq))
        return NULL;
    struct vcpu *next = list_first_entry(&p->runq, struct vcpu, runq_link);
    list_del(&next->runq_link);
    return next;
}

static void switch_out(struct vcpu *prev, struct cpu_regs *frame, uint64_t now)
{
    arch_vcpu_save(prev, frame);
    prev->cpu_time += now - prev->run_start;
    __atomic_store_n(&prev->in_frame, false, __ATOMIC_RELEASE);
    domain_vcpu_descheduled(prev);
}

static void switch_in(struct pcpu *p, struct vcpu *next, struct cpu_regs *frame, uint64_t now)
{
    next->in_frame = true;
    arch_vcpu_load(next, frame);
    next->run_start = now;
    p->slice_end = now + ms_to_ticks(CONFIG_SCHED_SLICE_MS);
    timer_set(&slice_timers[p->id], p->slice_end);
    if (next->id == 0 && !next->domain->first_entry_ticks) {
        next->domain->first_entry_ticks = now;
        log_info("d%u: first entry at cntpct=%lu (%lu us since reset)\n", next->domain->domid,
                 (unsigned long)now, (unsigned long)ticks_to_us(now));
    }
}

void schedule(struct cpu_regs *frame)
{
    struct pcpu *p = this_cpu();

    for (;;) {
        uint64_t now = now_ticks();
        struct vcpu *prev = p->curr, *next;

        spin_lock(&p->rq_lock);
        p->need_resched = false;
        next = pick_next(p, prev, now);
        if (next) {
            next->state = VCPU_RUNNING;
            next->yielded = false;
        }
        /*
         * Under the lock: vcpu_wake() must see at once that prev is leaving,
         * or it would mark prev runnable without queueing it (a lost wake-up).
         */
        p->curr = next;
        spin_unlock(&p->rq_lock);

        if (next == prev && next) {
            if (now >= p->slice_end)
                p->slice_end = now + ms_to_ticks(CONFIG_SCHED_SLICE_MS);
            timer_set(&slice_timers[p->id], p->slice_end);
            return;
        }
        if (prev)
            switch_out(prev, frame, now);
        if (next) {
            switch_in(p, next, frame, now);
            return;
        }
        timer_stop(&slice_timers[p->id]);
        while (!p->need_resched)
            arch_idle();
    }
}

/* First call on each CPU: nothing in the frame yet. */
void schedule_first(struct cpu_regs *frame)
{
    this_cpu()->curr = NULL;
    schedule(frame);
}

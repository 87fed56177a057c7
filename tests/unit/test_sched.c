/*
 * The round-robin scheduler and the timer queue on the host: one physical
 * CPU, a fake counter, and arch hooks that record what the frame holds.
 */
#include <string.h>

#include "check.h"
#include "domain.h"
#include "percpu.h"
#include "regs.h"
#include "sched.h"
#include "timer.h"

struct pcpu pcpus[CONFIG_NR_CPUS];
unsigned int nr_pcpus_online = 1;
static uint64_t fake_now;
static uint64_t hw_timer;
static unsigned int kicks, descheds, idles;
static struct domain dom;
static struct vcpu vc[3];
static struct cpu_regs frame;

struct pcpu *this_cpu(void) { return &pcpus[0]; }
uint64_t now_ticks(void) { return fake_now; }
uint64_t ticks_per_sec(void) { return 1000000; }     /* 1 tick = 1 us */
uint64_t ticks_to_us(uint64_t t) { return t; }
void arch_timer_program(uint64_t expires) { hw_timer = expires; }
void arch_kick_cpu(unsigned int cpu) { (void)cpu; kicks++; }
void domain_vcpu_descheduled(struct vcpu *v) { (void)v; descheds++; }

/* The frame's x0 names the vCPU loaded in it. */
static struct vcpu *wake_during_save;   /* simulates another CPU waking v mid-switch */
void arch_vcpu_save(struct vcpu *v, const struct cpu_regs *f)
{
    v->arch.regs = *f;
    if (wake_during_save == v) {
        wake_during_save = NULL;
        vcpu_wake(v);
    }
}
void arch_vcpu_load(struct vcpu *v, struct cpu_regs *f) { *f = v->arch.regs; }

/* Idle: time jumps to the next hardware timer, which fires. */
void arch_idle(void)
{
    idles++;
    if (!hw_timer || idles > 100)
        return;
    if (fake_now < hw_timer)
        fake_now = hw_timer;
    timer_softirq();
}

static void setup(unsigned int n)
{
    memset(pcpus, 0, sizeof(pcpus));
    memset(&dom, 0, sizeof(dom));
    memset(vc, 0, sizeof(vc));
    fake_now = 1000;
    hw_timer = 0;
    kicks = descheds = idles = 0;
    spin_lock_init(&pcpus[0].rq_lock);
    list_init(&pcpus[0].runq);
    spin_lock_init(&pcpus[0].timers.lock);
    list_init(&pcpus[0].timers.timers);
    sched_init_cpu(0);
    dom.max_vcpus = n;
    for (unsigned int i = 0; i < n; i++) {
        vc[i].id = i;
        vc[i].domain = &dom;
        vc[i].processor = 0;
        vc[i].state = VCPU_OFFLINE;
        vc[i].arch.regs.x[0] = 100 + i;
        sched_vcpu_init(&vc[i]);
        dom.vcpus[i] = &vc[i];
    }
}

static uint64_t running(void)
{
    return pcpus[0].curr ? frame.x[0] : 0;
}

static void test_round_robin_on_slice_expiry(void)
{
    setup(3);
    for (int i = 0; i < 3; i++)
        vcpu_wake(&vc[i]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    /* Mid-slice: a reschedule request does not preempt. */
    schedule(&frame);
    CHECK_EQ(running(), 100);
    uint64_t order[6];
    for (int i = 0; i < 6; i++) {
        fake_now = pcpus[0].slice_end;
        schedule(&frame);
        order[i] = running();
    }
    CHECK_EQ(order[0], 101); CHECK_EQ(order[1], 102); CHECK_EQ(order[2], 100);
    CHECK_EQ(order[3], 101); CHECK_EQ(order[4], 102); CHECK_EQ(order[5], 100);
}

static void test_slice_timer_programmed(void)
{
    setup(2);
    vcpu_wake(&vc[0]);
    vcpu_wake(&vc[1]);
    schedule(&frame);
    CHECK_EQ(hw_timer, fake_now + CONFIG_SCHED_SLICE_MS * 1000);
    fake_now = hw_timer;
    timer_softirq();
    CHECK(pcpus[0].need_resched);
}

static void test_yield_goes_to_the_back(void)
{
    setup(3);
    for (int i = 0; i < 3; i++)
        vcpu_wake(&vc[i]);
    schedule(&frame);
    vcpu_yield(&vc[0]);
    schedule(&frame);
    CHECK_EQ(running(), 101);
    vcpu_yield(&vc[1]);
    schedule(&frame);
    CHECK_EQ(running(), 102);
    vcpu_yield(&vc[2]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    /* Alone on the CPU, a yield keeps running. */
    setup(1);
    vcpu_wake(&vc[0]);
    schedule(&frame);
    vcpu_yield(&vc[0]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
}

static void test_registers_survive_switches(void)
{
    setup(2);
    vcpu_wake(&vc[0]);
    vcpu_wake(&vc[1]);
    schedule(&frame);
    frame.x[5] = 0xaaaa;            /* vCPU0 computes something */
    vcpu_yield(&vc[0]);
    schedule(&frame);
    CHECK_EQ(running(), 101);
    frame.x[5] = 0xbbbb;
    vcpu_yield(&vc[1]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    CHECK_EQ(frame.x[5], 0xaaaa);
    CHECK_EQ(vc[1].arch.regs.x[5], 0xbbbb);
}

static void test_block_and_timed_wake(void)
{
    setup(2);
    vcpu_wake(&vc[0]);
    vcpu_wake(&vc[1]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    vcpu_block(&vc[0], fake_now + 5000);
    schedule(&frame);
    CHECK_EQ(running(), 101);
    CHECK_EQ(vc[0].state, VCPU_BLOCKED);
    CHECK_EQ(descheds, 1);
    /* vCPU1 blocks for good: the CPU idles until vCPU0's timer. */
    uint64_t wake_at = fake_now + 5000;
    vcpu_block(&vc[1], 0);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    CHECK(fake_now >= wake_at);
    CHECK(idles >= 1);
    CHECK_EQ(vc[1].state, VCPU_BLOCKED);
}

static void test_wake_before_leaving_cpu(void)
{
    setup(1);
    vcpu_wake(&vc[0]);
    schedule(&frame);
    vcpu_block(&vc[0], 0);
    vcpu_wake(&vc[0]);              /* an event arrives before the switch */
    schedule(&frame);
    CHECK_EQ(running(), 100);
    CHECK_EQ(vc[0].state, VCPU_RUNNING);
    CHECK_EQ(descheds, 0);
}

static void test_wake_before_leaving_cpu_with_others_queued(void)
{
    setup(2);
    vcpu_wake(&vc[0]);
    vcpu_wake(&vc[1]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    vcpu_block(&vc[0], 0);
    vcpu_wake(&vc[0]);              /* woken while still in the frame */
    fake_now = pcpus[0].slice_end;  /* and its slice is over: vCPU1's turn */
    schedule(&frame);
    CHECK_EQ(running(), 101);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 100);       /* not lost */
}

/* A wake-up that lands while the blocked vCPU is being switched out is not lost. */
static void test_wake_during_switch_out(void)
{
    setup(2);
    vcpu_wake(&vc[0]);
    vcpu_wake(&vc[1]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    vcpu_block(&vc[0], 0);
    wake_during_save = &vc[0];
    schedule(&frame);
    CHECK_EQ(running(), 101);
    CHECK_EQ(vc[0].state, VCPU_RUNNABLE);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 100);
}

static void test_pause_and_unpause(void)
{
    setup(3);
    for (int i = 0; i < 3; i++)
        vcpu_wake(&vc[i]);
    schedule(&frame);
    CHECK_EQ(running(), 100);
    vcpu_pause(&vc[1]);                         /* queued: taken off the queue */
    vcpu_pause(&vc[0]);                         /* running: leaves at the next schedule */
    schedule(&frame);
    CHECK_EQ(running(), 102);
    CHECK_EQ(vc[0].state, VCPU_RUNNABLE);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 102);                   /* the paused ones do not come back */
    vcpu_pause(&vc[1]);                         /* nested: two unpauses needed */
    vcpu_unpause(&vc[1]);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 102);
    vcpu_unpause(&vc[1]);
    vcpu_unpause(&vc[0]);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 101);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 100);
}

static void test_wake_while_paused(void)
{
    setup(2);
    vcpu_wake(&vc[1]);
    schedule(&frame);
    CHECK_EQ(running(), 101);
    vcpu_pause(&vc[0]);                         /* offline and paused (a new domain) */
    vcpu_wake(&vc[0]);                          /* started while paused: not queued */
    CHECK_EQ(vc[0].state, VCPU_RUNNABLE);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 101);
    vcpu_unpause(&vc[0]);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 100);
}

static void test_stop_removes_from_queue(void)
{
    setup(3);
    for (int i = 0; i < 3; i++)
        vcpu_wake(&vc[i]);
    schedule(&frame);
    vcpu_stop(&vc[1], VCPU_PAUSED);             /* queued, not running */
    vcpu_stop(&vc[0], VCPU_OFFLINE);            /* running */
    schedule(&frame);
    CHECK_EQ(running(), 102);
    fake_now = pcpus[0].slice_end;
    schedule(&frame);
    CHECK_EQ(running(), 102);                    /* nobody else to run */
    /* Waking a paused vCPU does nothing; an offline one comes back. */
    vcpu_wake(&vc[1]);
    CHECK_EQ(vc[1].state, VCPU_PAUSED);
    vcpu_wake(&vc[0]);
    CHECK_EQ(vc[0].state, VCPU_RUNNABLE);
}

static int fired[4];
static void record(void *data) { fired[(uintptr_t)data]++; }

static void test_timer_queue_order(void)
{
    struct timer t[3];
    setup(1);
    memset(fired, 0, sizeof(fired));
    for (uintptr_t i = 0; i < 3; i++)
        timer_init(&t[i], record, (void *)i, 0);
    timer_set(&t[0], 3000);
    timer_set(&t[1], 2000);
    timer_set(&t[2], 4000);
    CHECK_EQ(hw_timer, 2000);
    timer_stop(&t[1]);
    CHECK_EQ(hw_timer, 3000);
    fake_now = 3500;
    timer_softirq();
    CHECK_EQ(fired[0], 1); CHECK_EQ(fired[1], 0); CHECK_EQ(fired[2], 0);
    CHECK_EQ(hw_timer, 4000);
    timer_set(&t[2], 5000);                     /* re-arming moves it */
    fake_now = 4500;
    timer_softirq();
    CHECK_EQ(fired[2], 0);
    fake_now = 5000;
    timer_softirq();
    CHECK_EQ(fired[2], 1);
    CHECK_EQ(hw_timer, 0);
}

int main(void)
{
    CHECK_MAIN_BEGIN("sched");
    RUN(test_round_robin_on_slice_expiry);
    RUN(test_slice_timer_programmed);
    RUN(test_yield_goes_to_the_back);
    RUN(test_registers_survive_switches);
    RUN(test_block_and_timed_wake);
    RUN(test_wake_before_leaving_cpu);
    RUN(test_wake_before_leaving_cpu_with_others_queued);
    RUN(test_wake_during_switch_out);
    RUN(test_pause_and_unpause);
    RUN(test_wake_while_paused);
    RUN(test_stop_removes_from_queue);
    RUN(test_timer_queue_order);
    CHECK_MAIN_END();
}

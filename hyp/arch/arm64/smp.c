/*
 * Physical CPU bring-up: the boot CPU starts the others through the
 * firmware's PSCI CPU_ON; each one sets up its MMU, GIC and timer, then
 * enters the scheduler.
 */
#include "asm_defs.h"
#include "bootinfo.h"
#include "gic.h"
#include "mm.h"
#include "percpu.h"
#include "printk.h"
#include "psci.h"
#include "sched.h"
#include "sysregs.h"
#include "timer.h"

extern void secondary_entry(void);
void arch_set_this_cpu(struct pcpu *p);
void arch_cpu_init_el2(void);
void enter_scheduler(void) __noreturn;

char boot_stacks[CONFIG_NR_CPUS][HYP_STACK_SIZE] __aligned(16);

void pcpu_setup(unsigned int id, uint64_t mpidr)
{
    struct pcpu *p = &pcpus[id];
    p->id = id;
    p->mpidr = mpidr;
    p->stack_top = (uint64_t)(uintptr_t)&boot_stacks[id][HYP_STACK_SIZE];
    spin_lock_init(&p->rq_lock);
    list_init(&p->runq);
    spin_lock_init(&p->timers.lock);
    list_init(&p->timers.timers);
}

void mmu_enable_secondary(void)
{
    mm_enable_secondary();
}

__noreturn void start_secondary(unsigned int id)
{
    struct pcpu *p = &pcpus[id];
    arch_set_this_cpu(p);
    arch_cpu_init_el2();
    gic_init_cpu();
    sched_init_cpu(id);
    __atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
    __atomic_add_fetch(&nr_pcpus_online, 1, __ATOMIC_RELAXED);
    log_info("CPU%u online (MPIDR 0x%lx)\n", id, (unsigned long)p->mpidr);
    enter_scheduler();
}

void smp_boot_secondaries(const struct bootinfo *bi)
{
    uint64_t self = READ_SYSREG(mpidr_el1) & 0xff00ffffffUL;
    unsigned int next = 1;

    mm_clean_tables();
    for (unsigned int i = 0; i < bi->nr_cpus && next < CONFIG_NR_CPUS; i++) {
        uint64_t mpidr = bi->cpu_mpidr[i];
        if (mpidr == self)
            continue;
        unsigned int id = next++;
        pcpu_setup(id, mpidr);
        clean_dcache_range(&pcpus[id], sizeof(pcpus[id]));
        int64_t rc = psci_cpu_on(mpidr, (uint64_t)(uintptr_t)secondary_entry, id);
        if (rc != PSCI_SUCCESS) {
            log_warn("CPU%u (MPIDR 0x%lx): PSCI CPU_ON failed (%ld)\n", id,
                     (unsigned long)mpidr, (long)rc);
            continue;
        }
        uint64_t deadline = now_ticks() + ticks_per_sec();
        while (!__atomic_load_n(&pcpus[id].online, __ATOMIC_ACQUIRE)) {
            if (now_ticks() > deadline) {
                log_warn("CPU%u did not come online\n", id);
                break;
            }
        }
    }
    log_info("%u CPUs online\n", nr_pcpus_online);
}

void arch_kick_cpu(unsigned int cpu)
{
    gic_send_sgi(cpu, SGI_KICK);
}

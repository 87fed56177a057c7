/* Per-CPU data access and small CPU services. */
#include "percpu.h"
#include "sysregs.h"

struct pcpu pcpus[CONFIG_NR_CPUS];
unsigned int nr_pcpus_online;

struct pcpu *this_cpu(void)
{
    return (struct pcpu *)(uintptr_t)READ_SYSREG(tpidr_el2);
}

void arch_cpu_relax(void)
{
    __asm__ volatile("yield" ::: "memory");
}

void arch_set_this_cpu(struct pcpu *p)
{
    WRITE_SYSREG((uint64_t)(uintptr_t)p, tpidr_el2);
}

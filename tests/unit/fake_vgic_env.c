/*
 * What the vGIC emulation (vgic.c, vgic_regs.c, vgic_dist.c, vgic_redist.c)
 * calls outside itself, faked for host unit tests: the physical CPUs, the
 * scheduler's vcpu_unblock (with the real rule: only BLOCKED becomes
 * RUNNABLE), CPU kicks, the physical GIC enable hook, and xmalloc on libc
 * (so ASan sees every allocation). Each call is counted for the tests.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "fake_vgic_env.h"
#include "percpu.h"
#include "sched.h"
#include "vgic.h"
#include "xmalloc.h"

struct pcpu pcpus[CONFIG_NR_CPUS];
unsigned int nr_pcpus_online = 2;
struct fake_vgic_env fake;

struct pcpu *this_cpu(void)
{
    return &pcpus[fake.this_cpu];
}

void vcpu_unblock(struct vcpu *v)
{
    fake.unblocks[v->id]++;
    if (v->state == VCPU_BLOCKED)
        v->state = VCPU_RUNNABLE;
}

/* The vGIC must never start a vCPU: only vcpu_unblock is allowed. */
void vcpu_wake(struct vcpu *v)
{
    fake.wakes[v->id]++;
    v->state = VCPU_RUNNABLE;
}

void arch_kick_cpu(unsigned int cpu)
{
    fake.kicks[cpu]++;
}

void arch_hw_irq_enable(uint32_t intid, bool enable)
{
    fake.hw_calls++;
    fake.hw_last_intid = intid;
    fake.hw_last_enable = enable;
}

void *xmalloc_bytes(size_t size)
{
    return malloc(size ? size : 1);
}

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size ? size : 1);
}

void xfree(void *p)
{
    free(p);
}

void xmalloc_reset(void) {}

struct domain *fake_domain(unsigned int nr_vcpus, unsigned int nr_spis)
{
    memset(pcpus, 0, sizeof(pcpus));
    memset(&fake, 0, sizeof(fake));
    for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
        pcpus[i].id = i;
    struct domain *d = calloc(1, sizeof(*d));
    d->domid = 1;
    d->max_vcpus = nr_vcpus;
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));
        v->id = i;
        v->domain = d;
        v->processor = i % 2;
        v->state = VCPU_RUNNABLE;
        vgic_vcpu_init(v);
        d->vcpus[i] = v;
    }
    if (vgic_domain_init(d, FAKE_GICD, FAKE_GICR, nr_vcpus * GICR_FRAME_SIZE, nr_spis, 31)) {
        fake_domain_free(d);
        return NULL;
    }
    return d;
}

void fake_domain_free(struct domain *d)
{
    if (!d)
        return;
    vgic_domain_destroy(d);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        free(d->vcpus[i]);
    free(d);
}

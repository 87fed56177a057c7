/*
 * Debug keys: what the hypervisor console answers once input is switched to
 * it (Ctrl-A three times), as Xen's: 'h' lists them.
 */
#include "domain.h"
#include "page_alloc.h"
#include "percpu.h"
#include "printk.h"

static const char *const vcpu_state_names[] = {
    [VCPU_OFFLINE] = "offline", [VCPU_RUNNABLE] = "runnable", [VCPU_RUNNING] = "running",
    [VCPU_BLOCKED] = "blocked", [VCPU_PAUSED] = "paused",
};

static void dump_domains(void)
{
    struct list_head *pos;
    log_info("'q' pressed -> dumping domain info\n");
    spin_lock(&domlist_lock);
    list_for_each(pos, &domlist) {
        struct domain *d = list_entry(pos, struct domain, link);
        log_info("d%u %s: %s, %lu pages (%lu ballooned), %u vCPU(s)%s\n", d->domid, d->name,
                 d->state == DOMAIN_ACTIVE ? "active" : "shut down", d->tot_pages,
                 d->ballooned_pages, d->max_vcpus, d->is_privileged ? ", control domain" : "");
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpus[i];
            log_info("  d%uv%u on CPU%u: %s, %lu ms of CPU time\n", d->domid, v->id, v->processor,
                     vcpu_state_names[v->state], (unsigned long)(ticks_to_us(v->cpu_time) / 1000));
        }
    }
    spin_unlock(&domlist_lock);
}

static void dump_memory(void)
{
    log_info("'m' pressed -> memory: %lu of %lu pages free\n", page_alloc_free_pages(),
             page_alloc_total_pages());
}

static void dump_cpus(void)
{
    log_info("'r' pressed -> CPUs\n");
    for (unsigned int i = 0; i < nr_pcpus_online; i++) {
        struct vcpu *v = pcpus[i].curr;
        log_info("  CPU%u: %s%u%s%u, idle %lu ms\n", i, v ? "d" : "idle", v ? v->domain->domid : 0,
                 v ? "v" : "", v ? v->id : 0, (unsigned long)(ticks_to_us(pcpus[i].idle_ticks) / 1000));
    }
}

void console_debug_key(char key)
{
    switch (key) {
    case 'q': dump_domains(); break;
    case 'm': dump_memory(); break;
    case 'r': dump_cpus(); break;
    case 'h':
    default:
        log_info("'%c' pressed -> showing the keys: q domains and vCPUs, m memory, r CPUs, "
                 "h this help\n", key >= 0x20 && key < 0x7f ? key : '?');
        break;
    }
}

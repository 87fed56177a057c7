/*
 * The rest of the hypervisor as the hypercall families see it, for the
 * dispatch-table test: the fake domain of fake_guest.c is the only one, it
 * has no RAM beyond the fake window, and stage-2 edits are refused.
 */
#include "fake_guest.h"
#include "errno.h"
#include "grant_table.h"
#include "wallclock.h"
#include "domain_ctl.h"
#include <string.h>
#include <xen/xen.h>

struct domain *domain_lookup(domid_t domid)
{
    return domid == fake_domain.domid ? &fake_domain : NULL;
}

void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write)
{
    (void)write;
    uint64_t base = FAKE_GUEST_BASE >> PAGE_SHIFT;
    if (d != &fake_domain || gfn < base || gfn >= base + FAKE_GUEST_SIZE / PAGE_SIZE)
        return NULL;
    return fake_guest_mem + ((gfn - base) << PAGE_SHIFT);
}

int domain_add_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned int order)
{
    (void)d; (void)gpa; (void)pa; (void)order;
    return -ENOMEM;
}

enum gfn_kind arch_gfn_query(struct domain *d, uint64_t gfn, paddr_t *pa)
{
    (void)d; (void)gfn; (void)pa;
    return GFN_HOLE;
}

int arch_gfn_map(struct domain *d, uint64_t gfn, paddr_t pa, enum gfn_kind kind)
{
    (void)d; (void)gfn; (void)pa; (void)kind;
    return -EINVAL;
}

int arch_gfn_unmap(struct domain *d, uint64_t gfn)
{
    (void)d; (void)gfn;
    return -EINVAL;
}

int arch_grant_map(struct domain *d, ipa_t gpa, paddr_t pa, bool readonly)
{
    (void)d; (void)gpa; (void)pa; (void)readonly;
    return -EINVAL;
}

int arch_grant_unmap(struct domain *d, ipa_t gpa, paddr_t pa)
{
    (void)d; (void)gpa; (void)pa;
    return -EINVAL;
}

void arch_grant_cache_flush(const void *va, size_t len, uint32_t op)
{
    (void)va; (void)len; (void)op;
}

void arch_vcpu_raise_upcall(struct vcpu *v)
{
    (void)v;
}

void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time_ns)
{
    (void)secs; (void)nsecs; (void)system_time_ns;
}

/* Time: a counter at 1 GHz that the tests do not move. */
uint64_t fake_now_ticks = 1000000;
uint64_t now_ticks(void) { return fake_now_ticks; }
uint64_t ticks_to_ns(uint64_t t) { return t; }
uint64_t ns_to_ticks(uint64_t ns) { return ns; }
uint64_t arch_domain_counter_offset(const struct domain *d) { (void)d; return 0; }

void vcpu_unblock(struct vcpu *v)
{
    (void)v;
    fake_calls.unblocks++;
}

/* The domain list holds the fake domain (fake_env_domlist() links it in). */
spinlock_t domlist_lock = SPINLOCK_INIT;
struct list_head domlist = LIST_HEAD_INIT(domlist);

void fake_env_domlist(void)
{
    list_init(&domlist);
    list_add_tail(&fake_domain.link, &domlist);
}

unsigned int arch_domain_nr_spis(const struct domain *d)
{
    (void)d;
    return 32;
}

uint64_t arch_max_mfn(void)
{
    return 0xbffff;
}

/* The console ring: a fixed text, read from *index. */
const char fake_conring[] = "(LAMINA) hello from the ring\n";

size_t console_ring_read(char *buf, size_t max, uint32_t *index, bool incremental, bool clear)
{
    (void)clear;
    uint32_t c = incremental ? *index : 0;
    size_t n = 0;
    for (; c < sizeof(fake_conring) - 1 && n < max; c++)
        buf[n++] = fake_conring[c];
    *index = c;
    return n;
}
uint64_t ticks_per_sec(void) { return 1000000000; }

/* Domain control: recorded, so the domctl layer's checks can be tested alone. */
struct fake_ctl fake_ctl;

void domain_pause(struct domain *d) { d->pause_count++; fake_ctl.pauses++; }
int domain_unpause(struct domain *d)
{
    if (!d->pause_count)
        return -EINVAL;
    d->pause_count--;
    return 0;
}
int domain_kill(struct domain *d) { (void)d; fake_ctl.kills++; return fake_ctl.kill_rc; }
struct domain *domain_create_for_toolstack(domid_t want, const struct domain_params *p, long *rc)
{
    fake_ctl.creates++;
    fake_ctl.last_params = *p;
    fake_ctl.last_want = want;
    *rc = -ENOMEM;
    return NULL;
}
void vcpu_wake(struct vcpu *v) { (void)v; fake_ctl.wakes++; }
int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    (void)v;
    fake_ctl.set_ctx++;
    return (c->user_regs.cpsr & 0x10) ? -EINVAL : 0;    /* AArch32: refused */
}
void arch_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    (void)v;
    memset(c, 0, sizeof(*c));
    c->user_regs.pc64 = 0x40000000;
}

int domain_release_page(struct domain *d, paddr_t pa)
{
    (void)d; (void)pa;
    return -EINVAL;
}

/*
 * Domain life cycle on the host: creation limits, RAM accounting through
 * destruction, shutdown completion and power-off after the last domain.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain.h"
#include "page_alloc.h"
#include "percpu.h"
#include "sched.h"
#include "xmalloc.h"
#include "domain_ctl.h"

struct pcpu pcpus[CONFIG_NR_CPUS];
unsigned int nr_pcpus_online = 1;
static unsigned int system_offs, mapped_pages, stopped;
static ipa_t last_map_gpa;

struct pcpu *this_cpu(void) { return &pcpus[0]; }
int arch_domain_init(struct domain *d) { (void)d; return 0; }
void arch_domain_teardown(struct domain *d) { (void)d; }
void arch_vcpu_init(struct vcpu *v) { (void)v; }
void arch_vcpu_reset(struct vcpu *v, uint64_t e, uint64_t x0) { v->arch.regs.pc = e; v->arch.regs.x[0] = x0; }
int arch_p2m_map_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned long n)
{
    (void)d; (void)pa;
    last_map_gpa = gpa;
    mapped_pages += n;
    return 0;
}
unsigned int sched_place_vcpu(struct vcpu *v) { (void)v; return 0; }
void sched_vcpu_init(struct vcpu *v) { list_init(&v->runq_link); }
void vcpu_stop(struct vcpu *v, enum vcpu_state s) { v->state = s; stopped++; }
void vcpu_pause(struct vcpu *v) { v->pause_count++; }
void vcpu_unpause(struct vcpu *v) { v->pause_count--; }
void vcpu_wake(struct vcpu *v) { v->state = VCPU_RUNNABLE; }
void vcpu_unblock(struct vcpu *v) { (void)v; }     /* event_2l.c wakes pollers */
void console_guest_flush(struct domain *d) { (void)d; }
/* The real one does not return: neither may the fake. */
static jmp_buf off_jmp;
static unsigned int system_resets;
__noreturn void arch_system_off(void)
{
    system_offs++;
    longjmp(off_jmp, 1);
}

__noreturn void arch_system_reset(void)
{
    system_resets++;
    longjmp(off_jmp, 1);
}
uint64_t now_ticks(void) { return 0; }
void timer_kill(struct timer *t) { t->active = false; }
uint64_t ticks_per_sec(void) { return 1000; }
uint64_t ticks_to_ns(uint64_t t) { return t * 1000000; }
uint64_t arch_domain_counter_offset(const struct domain *d) { (void)d; return 0; }
void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write) { (void)d; (void)gfn; (void)write; return NULL; }
void arch_vcpu_raise_upcall(struct vcpu *v) { (void)v; }
int arch_grant_map(struct domain *d, ipa_t gpa, paddr_t pa, bool ro) { (void)d; (void)gpa; (void)pa; (void)ro; return -22; }
int arch_grant_unmap(struct domain *d, ipa_t gpa, paddr_t pa) { (void)d; (void)gpa; (void)pa; return -22; }
void arch_grant_cache_flush(const void *va, size_t len, uint32_t op) { (void)va; (void)len; (void)op; }

static void *arena;

static void setup(void)
{
    page_alloc_reset();
    xmalloc_reset();
    if (!arena)
        arena = aligned_alloc(2 << 20, 64 << 20);
    page_alloc_add_region((paddr_t)(uintptr_t)arena, (paddr_t)(uintptr_t)arena + (64 << 20));
    memset(pcpus, 0, sizeof(pcpus));
    list_init(&domlist);
    system_offs = mapped_pages = stopped = 0;
}

static void test_populate_and_destroy_returns_every_page(void)
{
    setup();
    unsigned long before = page_alloc_free_pages();
    struct domain *d = domain_create(1, "a", 2, false);
    CHECK(d != NULL);
    CHECK_EQ(domain_populate(d, 0x40000000, 1000), 0);     /* not a power of two */
    CHECK_EQ(d->tot_pages, 1000);
    CHECK_EQ(mapped_pages, 1000);
    uint8_t *p = domain_gpa_to_virt(d, 0x40000000 + 999 * 4096 + 5);
    CHECK(p != NULL);
    CHECK(domain_gpa_to_virt(d, 0x40000000 + 1000 * 4096) == NULL);
    CHECK(domain_gpa_to_virt(d, 0x3ffff000) == NULL);
    struct page_info *pg = page_info_of(((paddr_t)(uintptr_t)p) & PAGE_MASK);
    CHECK(pg && pg->owner == 1);
    domain_destroy(d);
    CHECK_EQ(page_alloc_free_pages(), before);
    CHECK(pg->owner == DOMID_NONE);
    CHECK(domain_lookup(1) == NULL);
}

static void test_create_limits(void)
{
    setup();
    CHECK(domain_create(1, "a", 0, false) == NULL);
    CHECK(domain_create(1, "a", CONFIG_MAX_VCPUS_PER_DOMAIN + 1, false) == NULL);
    CHECK(domain_create(1, "a", 1, false) != NULL);
    CHECK(domain_create(1, "dup", 1, false) == NULL);       /* domid in use */
    unsigned int made = 1;
    for (unsigned int id = 2; id < CONFIG_MAX_DOMAINS + 5; id++)
        made += domain_create((domid_t)id, "x", 1, false) != NULL;
    CHECK_EQ(made, CONFIG_MAX_DOMAINS);
    CHECK_EQ(domains_total(), CONFIG_MAX_DOMAINS);
}

static void test_populate_out_of_memory(void)
{
    setup();
    struct domain *d = domain_create(1, "big", 1, false);
    CHECK_EQ(domain_populate(d, 0x40000000, 32 * 1024), -12);  /* 128 MiB of 64 */
    unsigned long before_destroy = page_alloc_free_pages();
    CHECK(before_destroy < 16);
    domain_destroy(d);
    CHECK(page_alloc_free_pages() > 16000);
}

static void test_last_shutdown_powers_off(void)
{
    setup();
    unsigned long baseline = page_alloc_free_pages();
    struct domain *a = domain_create(1, "a", 2, false);
    struct domain *b = domain_create(2, "b", 1, false);
    domain_populate(a, 0x40000000, 16);
    domain_populate(b, 0x40000000, 16);
    unsigned long before = page_alloc_free_pages();
    domain_shutdown(a, 0);
    CHECK_EQ(stopped, 2);
    CHECK(domain_lookup(1) == NULL);            /* no control domain: freed at once */
    CHECK(page_alloc_free_pages() >= before + 16);  /* its RAM, and its structures' pages */
    CHECK_EQ(system_offs, 0);
    /* b's vCPU is in a CPU's frame: completion waits until it leaves. */
    b->vcpus[0]->in_frame = true;
    domain_crash(b, "test");
    CHECK(domain_lookup(2) != NULL);
    CHECK_EQ(system_offs, 0);
    b->vcpus[0]->in_frame = false;
    struct vcpu *v = b->vcpus[0];
    if (setjmp(off_jmp) == 0)
        domain_vcpu_descheduled(v);
    CHECK(domain_lookup(2) == NULL);
    CHECK_EQ(system_offs, 1);
    CHECK_EQ(page_alloc_free_pages(), baseline);
}

static void test_shutdown_twice_is_once(void)
{
    setup();
    struct domain *a = domain_create(1, "a", 1, false);
    struct domain *keep = domain_create(2, "b", 1, false);
    (void)keep;
    a->vcpus[0]->in_frame = true;
    domain_shutdown(a, 0);
    domain_shutdown(a, 3);
    CHECK_EQ(a->shutdown_reason, 0);
    CHECK_EQ(stopped, 1);
}

static void test_vcpu_start_only_when_offline(void)
{
    setup();
    struct domain *a = domain_create(1, "a", 2, false);
    CHECK_EQ(vcpu_start(a->vcpus[1], 0x40001000, 7), 0);
    CHECK_EQ(a->vcpus[1]->arch.regs.pc, 0x40001000);
    CHECK_EQ(a->vcpus[1]->arch.regs.x[0], 7);
    CHECK_EQ(vcpu_start(a->vcpus[1], 0x40002000, 8), -16);  /* already on */
    CHECK_EQ(a->vcpus[1]->arch.regs.pc, 0x40001000);
}

static void test_dom0_shutdown_is_the_machines(void)
{
    setup();
    system_resets = 0;
    struct domain *dom0 = domain_create(0, "Domain-0", 1, true);
    struct domain *u = domain_create(1, "u", 1, false);
    domain_shutdown(u, 0);
    CHECK(domain_lookup(1) != NULL);            /* with a control domain: kept for the toolstack */
    if (setjmp(off_jmp) == 0)
        domain_shutdown(dom0, 1);               /* reboot */
    CHECK_EQ(system_resets, 1);
    CHECK_EQ(system_offs, 0);
    setup();
    dom0 = domain_create(0, "Domain-0", 1, true);
    if (setjmp(off_jmp) == 0)
        domain_shutdown(dom0, 0);               /* poweroff */
    CHECK_EQ(system_offs, 1);
    setup();
    system_resets = 0;
    dom0 = domain_create(0, "Domain-0", 1, true);
    if (setjmp(off_jmp) == 0)
        domain_crash(dom0, "panic");
    CHECK_EQ(system_resets, 1);
}

static void test_toolstack_create_pause_kill(void)
{
    setup();
    unsigned long baseline = page_alloc_free_pages();
    struct domain *dom0 = domain_create(0, "Domain-0", 1, true);
    struct domain_params p = { .max_vcpus = 2 };
    long rc;
    struct domain *a = domain_create_for_toolstack(0, &p, &rc);     /* any id */
    CHECK(a && rc == 0 && a->domid == 1);
    CHECK_EQ(a->pause_count, 1);                                    /* created paused */
    CHECK_EQ(a->vcpus[1]->pause_count, 1);
    CHECK(domain_create_for_toolstack(1, &p, &rc) == NULL && rc == -17);   /* EEXIST */
    struct domain *b = domain_create_for_toolstack(9, &p, &rc);
    CHECK(b && b->domid == 9);
    CHECK_EQ(domain_unpause(a), 0);
    CHECK_EQ(a->vcpus[0]->pause_count, 0);
    CHECK_EQ(domain_unpause(a), -22);                               /* not paused */
    CHECK_EQ(domain_kill(dom0), -22);                               /* never dom0 */
    domain_populate(a, 0x40000000, 64);
    a->vcpus[0]->in_frame = true;                                   /* still on a CPU */
    CHECK_EQ(domain_kill(a), -11);                                  /* EAGAIN: retry */
    CHECK_EQ(a->state, DOMAIN_DYING);
    a->vcpus[0]->in_frame = false;
    struct page_info *pg = page_info_of(virt_to_maddr(domain_gpa_to_virt(a, 0x40001000)));
    pg->count = 1;                                                  /* dom0 maps a page of it */
    CHECK_EQ(domain_kill(a), -11);
    pg->count = 0;
    CHECK_EQ(domain_kill(a), 0);
    CHECK(domain_lookup(1) == NULL);
    CHECK_EQ(domain_kill(b), 0);
    struct domain *c = domain_create_for_toolstack(0, &p, &rc);     /* d1 is free again ... */
    CHECK(c && c->domid == 2);                                      /* ... but ids move on */
    CHECK_EQ(domain_kill(c), 0);
    domain_destroy(dom0);
    CHECK_EQ(page_alloc_free_pages(), baseline);
}

static void test_release_page_splits_and_frees(void)
{
    setup();
    unsigned long baseline = page_alloc_free_pages();
    struct domain *d = domain_create(1, "a", 1, false);
    CHECK_EQ(domain_populate(d, 0x40000000, 1024), 0);      /* 2 MiB chunks */
    unsigned long held = page_alloc_free_pages();
    paddr_t p1 = virt_to_maddr(domain_gpa_to_virt(d, 0x40003000));
    paddr_t p2 = virt_to_maddr(domain_gpa_to_virt(d, 0x40004000));
    CHECK_EQ(domain_release_page(d, p1), 0);
    CHECK_EQ(d->tot_pages, 1023);
    /* Really back in the heap (the split's records took a few slab pages: not compared). */
    CHECK_EQ(page_info_of(p1)->owner, DOMID_NONE);
    CHECK(page_alloc_free_pages() > held - 16);             /* at most a few record pages */
    CHECK(domain_gpa_to_virt(d, 0x40003000) == NULL);
    CHECK(domain_gpa_to_virt(d, 0x40005000) != NULL);      /* the rest of the chunk stays */
    page_info_of(p2)->count = 1;                            /* mapped by someone else */
    CHECK_EQ(domain_release_page(d, p2), -16);
    CHECK_EQ(d->tot_pages, 1023);
    page_info_of(p2)->count = 0;
    CHECK_EQ(domain_release_page(d, p1), -22);              /* not its any more */
    domain_destroy(d);
    CHECK_EQ(page_alloc_free_pages(), baseline);
}

int main(void)
{
    CHECK_MAIN_BEGIN("domain");
    RUN(test_populate_and_destroy_returns_every_page);
    RUN(test_create_limits);
    RUN(test_populate_out_of_memory);
    RUN(test_last_shutdown_powers_off);
    RUN(test_shutdown_twice_is_once);
    RUN(test_vcpu_start_only_when_offline);
    RUN(test_dom0_shutdown_is_the_machines);
    RUN(test_toolstack_create_pause_kill);
    RUN(test_release_page_splits_and_frees);
    CHECK_MAIN_END();
}

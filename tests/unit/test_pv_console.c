/*
 * The PV console of dom0-less domains (hyp/common/pv_console.c) with the real
 * domain, event-channel and page-allocator code: the HVM params, dom0's
 * binding and notifications, input, a guest that tries to give the page back,
 * and the kill that must return every page, the console's included.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include <xen/hvm/params.h>

#include "check.h"
#include "domain.h"
#include "domain_ctl.h"
#include "errno.h"
#include "event.h"
#include "page_alloc.h"
#include "percpu.h"
#include "pv_console.h"
#include "sched.h"
#include "xencons_ring.h"
#include "xmalloc.h"

/* The rest of the hypervisor, as test_domain.c fakes it. */
struct pcpu pcpus[CONFIG_NR_CPUS];
unsigned int nr_pcpus_online = 1;
struct pcpu *this_cpu(void) { return &pcpus[0]; }
int arch_domain_init(struct domain *d) { (void)d; return 0; }
void arch_domain_teardown(struct domain *d) { (void)d; }
void arch_vcpu_init(struct vcpu *v) { (void)v; }
void arch_vcpu_reset(struct vcpu *v, uint64_t e, uint64_t x0) { (void)v; (void)e; (void)x0; }
int arch_p2m_map_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned long n)
{
    (void)d; (void)gpa; (void)pa; (void)n;
    return 0;
}
unsigned int sched_place_vcpu(struct vcpu *v) { (void)v; return 0; }
void sched_vcpu_init(struct vcpu *v) { list_init(&v->runq_link); }
void vcpu_stop(struct vcpu *v, enum vcpu_state s) { v->state = s; }
void vcpu_pause(struct vcpu *v) { v->pause_count++; }
void vcpu_unpause(struct vcpu *v) { v->pause_count--; }
void vcpu_wake(struct vcpu *v) { v->state = VCPU_RUNNABLE; }
void vcpu_unblock(struct vcpu *v) { (void)v; }
void console_guest_flush(struct domain *d) { (void)d; }
__noreturn void arch_system_off(void) { abort(); }
__noreturn void arch_system_reset(void) { abort(); }
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

#define CONSOLE_GFN 0x39000UL

static void *arena;
static struct domain *dom0, *du;
static struct xencons_interface *ring;

/* dom0 and a dom0-less domain with 64 pages of RAM and its console, as domain_build.c makes it. */
static void setup(void)
{
    page_alloc_reset();
    xmalloc_reset();
    if (!arena)
        arena = aligned_alloc(2 << 20, 16 << 20);
    page_alloc_add_region((paddr_t)(uintptr_t)arena, (paddr_t)(uintptr_t)arena + (16 << 20));
    memset(pcpus, 0, sizeof(pcpus));
    list_init(&domlist);
    dom0 = domain_create(0, "dom0", 1, true);
    du = domain_create(1, "domU1", 1, false);
    CHECK(dom0 && du);
    CHECK_EQ(domain_populate(du, 0x40000000, 64), 0);
    CHECK_EQ(domain_populate(du, CONSOLE_GFN << PAGE_SHIFT, 1), 0);
    ring = domain_gpa_to_virt(du, CONSOLE_GFN << PAGE_SHIFT);
    CHECK_EQ(pv_console_create(du, CONSOLE_GFN, ring), 0);
}

static bool dom0_pending(evtchn_port_t port)
{
    return (dom0->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void dom0_clear(evtchn_port_t port)
{
    dom0->shared_info->evtchn_pending[port / 64] &= ~(1UL << (port % 64));
}

static void test_params_and_unbound_port_for_dom0(void)
{
    setup();
    CHECK(pv_console_present(du));
    CHECK(!pv_console_present(dom0));
    CHECK_EQ(du->hvm_params[HVM_PARAM_CONSOLE_PFN], CONSOLE_GFN);
    evtchn_port_t port = (evtchn_port_t)du->hvm_params[HVM_PARAM_CONSOLE_EVTCHN];
    CHECK(port != 0);
    struct evtchn_status st = { .dom = 1, .port = port };
    CHECK_EQ(evtchn_status(dom0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);
    CHECK_EQ(du->tot_pages, 65);
}

static void test_output_reaches_dom0_with_a_notification(void)
{
    setup();
    evtchn_port_t port = (evtchn_port_t)du->hvm_params[HVM_PARAM_CONSOLE_EVTCHN];
    /* Unbound: copied all the same, the notification goes nowhere. */
    pv_console_write(du, "early\n", 6);
    pv_console_notify(du);
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = port };
    CHECK_EQ(evtchn_bind_interdomain(dom0, &b), 0);
    dom0_clear(b.local_port);
    pv_console_write(du, "hello\n", 6);
    pv_console_notify(du);
    CHECK(dom0_pending(b.local_port));
    CHECK_EQ(ring->out_prod, 12);
    CHECK(memcmp(ring->out, "early\nhello\n", 12) == 0);
}

static void test_input_is_read_and_dom0_told(void)
{
    char buf[8];
    setup();
    evtchn_port_t port = (evtchn_port_t)du->hvm_params[HVM_PARAM_CONSOLE_EVTCHN];
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = port };
    CHECK_EQ(evtchn_bind_interdomain(dom0, &b), 0);
    dom0_clear(b.local_port);
    CHECK_EQ(pv_console_read(du, buf, sizeof(buf)), 0);
    CHECK(!dom0_pending(b.local_port));
    memcpy(ring->in, "hi", 2);
    ring->in_prod = 2;
    CHECK_EQ(pv_console_read(du, buf, sizeof(buf)), 2);
    CHECK(memcmp(buf, "hi", 2) == 0);
    CHECK(dom0_pending(b.local_port));
    CHECK_EQ(pv_console_read(dom0, buf, sizeof(buf)), -EPERM);   /* dom0 has none */
}

static void test_guest_cannot_give_the_page_back(void)
{
    setup();
    paddr_t pa = virt_to_maddr(ring);
    CHECK_EQ(domain_release_page(du, pa), -EBUSY);
    CHECK_EQ(page_info_of(pa)->owner, 1);
}

static void test_kill_returns_every_page(void)
{
    page_alloc_reset();
    xmalloc_reset();
    page_alloc_add_region((paddr_t)(uintptr_t)arena, (paddr_t)(uintptr_t)arena + (16 << 20));
    list_init(&domlist);
    dom0 = domain_create(0, "dom0", 1, true);
    unsigned long before = page_alloc_free_pages();
    du = domain_create(1, "domU1", 2, false);
    CHECK_EQ(domain_populate(du, 0x40000000, 64), 0);
    CHECK_EQ(domain_populate(du, CONSOLE_GFN << PAGE_SHIFT, 1), 0);
    ring = domain_gpa_to_virt(du, CONSOLE_GFN << PAGE_SHIFT);
    CHECK_EQ(pv_console_create(du, CONSOLE_GFN, ring), 0);
    struct evtchn_bind_interdomain b = { .remote_dom = 1,
        .remote_port = (evtchn_port_t)du->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] };
    CHECK_EQ(evtchn_bind_interdomain(dom0, &b), 0);
    pv_console_write(du, "bye\n", 4);
    CHECK_EQ(domain_kill(du), 0);
    CHECK_EQ(page_alloc_free_pages(), before);
    CHECK(domain_lookup(1) == NULL);
    /* dom0's end went back to unbound-style closed state, not a dangling link. */
    struct evtchn_status st = { .dom = DOMID_SELF, .port = b.local_port };
    CHECK_EQ(evtchn_status(dom0, &st), 0);
    CHECK(st.status != EVTCHNSTAT_interdomain);
}

static void test_build_failure_destroy_returns_every_page(void)
{
    setup();
    unsigned long before_du = page_alloc_free_pages() + du->tot_pages;
    domain_destroy(du);
    CHECK(page_alloc_free_pages() >= before_du);
}

int main(void)
{
    CHECK_MAIN_BEGIN("pv_console");
    RUN(test_params_and_unbound_port_for_dom0);
    RUN(test_output_reaches_dom0_with_a_notification);
    RUN(test_input_is_read_and_dom0_told);
    RUN(test_guest_cannot_give_the_page_back);
    RUN(test_kill_returns_every_page);
    RUN(test_build_failure_destroy_returns_every_page);
    CHECK_MAIN_END();
}

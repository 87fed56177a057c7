/*
 * Domains and vCPUs.
 *
 * Lock order: domlist_lock -> pcpu.rq_lock -> domain.lock -> p2m.lock.
 * A vCPU stays on the physical CPU it was placed on (vcpu->processor); its
 * run state changes only under that CPU's rq_lock.
 */
#ifndef LAMINA_DOMAIN_H
#define LAMINA_DOMAIN_H

#include "config.h"
#include "list.h"
#include "spinlock.h"
#include "timer.h"
#include "types.h"
#include "arch_domain.h"

enum vcpu_state {
    VCPU_OFFLINE = 0,   /* not started (PSCI CPU_OFF, or never CPU_ON'd) */
    VCPU_RUNNABLE,      /* on its CPU's run queue */
    VCPU_RUNNING,       /* in its CPU's frame */
    VCPU_BLOCKED,       /* waiting for an event or a timer */
    VCPU_PAUSED,        /* its domain is shut down or being destroyed */
};

struct domain;

struct evtchn_domain;
struct evtchn_fifo_vcpu;
struct grant_table;
struct pv_console;
struct vcpu_info;
struct shared_info;

struct vcpu {
    unsigned int id;
    struct domain *domain;
    unsigned int processor;
    enum vcpu_state state;
    struct list_head runq_link;
    struct timer wake_timer;        /* ends a timed block (WFI with a timer armed) */
    uint64_t cpu_time;              /* ticks spent running */
    uint64_t run_start;             /* counter when it last got a CPU */
    bool initialised;               /* has a context to run */
    bool yielded;                   /* gave up the rest of its slice */
    bool in_frame;                  /* its registers are in a CPU's frame (not saved) */
    unsigned int pause_count;       /* > 0: kept off the CPU, its state kept (rq_lock) */
    /* Events (event_channel.c): the registered vcpu_info (hypervisor VA) or NULL. */
    struct vcpu_info *vcpu_info;
    struct evtchn_fifo_vcpu *evtchn_fifo;
    uint64_t runstate_gva;          /* registered runstate area, 0 if none */
    /* In SCHEDOP_poll: an event on poll_port (0: on any port) wakes it, masked or not. */
    bool polling;
    uint32_t poll_port;
    struct arch_vcpu arch;
};

enum domain_state { DOMAIN_ACTIVE = 0, DOMAIN_SHUTDOWN, DOMAIN_DYING };

/* Xen's SHUTDOWN_* reasons (sched.h). */
const char *shutdown_reason_name(unsigned int reason);

struct domain {
    domid_t domid;
    char name[32];
    bool is_privileged;             /* the control domain (dom0) */
    spinlock_t lock;
    enum domain_state state;
    unsigned int shutdown_reason;
    struct list_head link;          /* domlist */
    unsigned int max_vcpus;
    struct vcpu *vcpus[CONFIG_MAX_VCPUS_PER_DOMAIN];
    unsigned long tot_pages;
    unsigned long max_pages;        /* what populate_physmap may reach (max_mem); 0: nothing */
    unsigned long ballooned_pages;  /* direct-mapped: frames the guest gave back but still owns */
    bool direct_mapped;             /* guest frame == machine frame (dom0) */
    unsigned long vm_assist;        /* VMASST_TYPE_* bits enabled */
    unsigned int pause_count;       /* pauses by the control domain */
    unsigned int cfg_nr_spis;       /* as asked at creation, 0: default */
    uint64_t paging_mempool_bytes;  /* the toolstack's P2M pool size (tables come from the heap) */
    uint8_t handle[16];             /* the toolstack's UUID for it */
    struct list_head mem_chunks;    /* RAM allocated to the domain */
    uint64_t first_entry_ticks;     /* counter when vCPU0 first ran, 0 before */
    bool teardown_started;          /* shutdown completion ran (once) */
    /* Xen interfaces: the shared_info page (hypervisor-owned), events, grants, params. */
    struct shared_info *shared_info;
    struct evtchn_domain *evtchn;
    struct grant_table *grant_table;
    uint64_t hvm_params[64];        /* HVM_NR_PARAMS in xen/hvm/params.h is 39 on 4.17 */
    struct pv_console *pv_console;  /* dom0-less domains' console ring (pv_console.c), or NULL */
    struct arch_domain arch;
    /* Guest-caused log messages in the current one-second window (console.c). */
    uint64_t log_window_start;
    unsigned int log_count;
    /* Console output being assembled into lines (console.c). */
    char con_buf[128];
    unsigned int con_len;
};

extern spinlock_t domlist_lock;
extern struct list_head domlist;

/* What the creator decides (the toolstack's createdomain, or the boot-time builders). */
struct domain_params {
    unsigned int max_vcpus;
    bool privileged;
    unsigned int nr_spis;           /* 0: the default for the domain's kind */
    unsigned int max_evtchn_port;   /* 0: the default */
    unsigned int max_grant_frames;  /* 0: the default */
};

struct domain *domain_create(domid_t domid, const char *name, unsigned int max_vcpus,
                             bool privileged);
struct domain *domain_create_cfg(domid_t domid, const char *name, const struct domain_params *p);
/*
 * The guest gave back the page at machine address pa (already unmapped):
 * free it. -EBUSY while another domain maps it (it stays the domain's until
 * destroyed), -ENOMEM if its chunk could not be split, -EINVAL if not its.
 */
int domain_release_page(struct domain *d, paddr_t pa);
/* Pages of the domain another domain still maps (grants, foreign maps). */
unsigned long domain_referenced_pages(struct domain *d);
struct domain *domain_lookup(domid_t domid);   /* no reference counting yet */
unsigned int domains_alive(void);    /* not shut down */
unsigned int domains_total(void);

/* Give the domain the allocator block pa (2^order pages) at gpa; on failure it is freed. */
int domain_add_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned int order);
/* Give the domain nr_pages of new, zeroed RAM at guest physical address gpa. */
int domain_populate(struct domain *d, ipa_t gpa, unsigned long nr_pages);
/* A page of the domain's RAM by guest address (hypervisor VA), or NULL. */
void *domain_gpa_to_virt(struct domain *d, ipa_t gpa);

/* Shut the domain down: stop its vCPUs; with no control domain, free it. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* The domain misbehaved: log why and shut it down with SHUTDOWN_crash. */
void domain_crash(struct domain *d, const char *why);
void domain_destroy(struct domain *d);
/* The scheduler took one of the domain's vCPUs off its CPU. */
void domain_vcpu_descheduled(struct vcpu *v);

struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/* Bring an offline vCPU up at entry with x0 = context (PSCI CPU_ON). */
int vcpu_start(struct vcpu *v, uint64_t entry, uint64_t context);

/* --- architecture hooks --- */
int arch_domain_init(struct domain *d);
/* The counter value that is zero in the domain's virtual counter. */
uint64_t arch_domain_counter_offset(const struct domain *d);
unsigned int arch_domain_nr_spis(const struct domain *d);
/* The highest machine frame number there is (sysctl physinfo). */
uint64_t arch_max_mfn(void);
void arch_domain_teardown(struct domain *d);
void arch_vcpu_init(struct vcpu *v);
void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0);
struct vcpu_guest_context;
int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c);
void arch_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c);
/* Save the running vCPU's state from the CPU (frame included) / load it. */
struct cpu_regs;
void arch_vcpu_save(struct vcpu *v, const struct cpu_regs *frame);
void arch_vcpu_load(struct vcpu *v, struct cpu_regs *frame);
void arch_kick_cpu(unsigned int cpu);
int arch_p2m_map_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned long nr_pages);
/*
 * The hypervisor VA of a page of the domain's RAM by guest frame number, or
 * NULL if the GFN is not the domain's own RAM (holes, MMIO, foreign and
 * granted pages are refused). write: the page must be writable by the guest.
 */
void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write);
/* What a guest frame holds, for memory_op (arch: the stage-2 tables). */
enum gfn_kind { GFN_HOLE, GFN_RAM, GFN_FOREIGN, GFN_GRANT, GFN_OTHER };
enum gfn_kind arch_gfn_query(struct domain *d, uint64_t gfn, paddr_t *pa);
/* Map one page at gfn (RAM: read/write; FOREIGN: another domain's page). */
int arch_gfn_map(struct domain *d, uint64_t gfn, paddr_t pa, enum gfn_kind kind);
int arch_gfn_unmap(struct domain *d, uint64_t gfn);
/* Make the event-channel upcall pending on v (inject the PPI, kick its CPU). */
void arch_vcpu_raise_upcall(struct vcpu *v);

#endif

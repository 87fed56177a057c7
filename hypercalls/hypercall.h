/*
 * The hypercall ABI surface. A guest issues HVC #0xEA1 with the number in
 * x16 and up to five arguments in x0..x4; the result goes back in x0
 * (negative Xen errno on failure). The dispatch table (table.c) is the index
 * of the ABI: one row per implemented hypercall, one file per family.
 */
#ifndef LAMINA_HYPERCALL_H
#define LAMINA_HYPERCALL_H

#include "types.h"
#include <xen/xen.h>     /* XEN_HYPERCALL_TAG, __HYPERVISOR_* */

struct hypercall_args {
    uint64_t a[5];
};

typedef long hypercall_fn_t(const struct hypercall_args *args);

#define HC_PRIV 0x1     /* control domain only: others get -EPERM */

struct hypercall_entry {
    const char *name;
    hypercall_fn_t *fn;
    uint8_t nargs;
    uint8_t flags;
};

#define NR_HYPERCALLS 64

extern const struct hypercall_entry hypercall_table[NR_HYPERCALLS];

/*
 * A long operation stops part-way and asks to be called again with these
 * arguments: the guest re-executes the HVC (invisible to it), so other vCPUs
 * get the CPU in between. The handler's return value is then ignored.
 */
void hypercall_continue(const struct hypercall_args *next);
/* Taken by the trap code after each call: true (and the arguments) if one was asked for. */
bool hypercall_take_continuation(struct hypercall_args *next);

/* Validate nr, check privilege, count, call. Unknown numbers: -ENOSYS. */
long hypercall_dispatch(uint64_t nr, const struct hypercall_args *args, bool privileged);
/* Arguments the row says the call uses (for debug poisoning), 0 if unknown. */
unsigned int hypercall_nargs(uint64_t nr);
uint64_t hypercall_count(uint64_t nr);

/* The families. */
hypercall_fn_t do_xen_version;
hypercall_fn_t do_memory_op;
hypercall_fn_t do_hvm_op;
hypercall_fn_t do_platform_op;
hypercall_fn_t do_physdev_op;
hypercall_fn_t do_vm_assist;
hypercall_fn_t do_multicall;
hypercall_fn_t do_sysctl;
hypercall_fn_t do_domctl;
hypercall_fn_t do_console_io;
hypercall_fn_t do_sched_op;
hypercall_fn_t do_vcpu_op;
hypercall_fn_t do_grant_table_op;
hypercall_fn_t do_event_channel_op;

#endif

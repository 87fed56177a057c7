/*
 * xenctx [-a] <domid> [vcpu]: a guest's vCPU registers, as Xen's xenctx
 * prints them (pc, lr, sp, cpsr; -a all general registers). The domain is
 * paused while they are read. Look the pc up in the guest kernel's
 * System.map to see where a hung guest spins.
 */
#define _GNU_SOURCE
#include "libctrl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dump(ctrl_handle *h, uint32_t domid, uint32_t vcpu, int all)
{
    vcpu_guest_context_t ctx;
    int rc = ctrl_vcpu_getcontext(h, domid, vcpu, &ctx);
    if (rc < 0)
        return rc;
    const struct vcpu_guest_core_regs *r = &ctx.user_regs;
    printf("vcpu %u: pc %016llx lr %016llx sp_el1 %016llx cpsr %08llx elr_el1 %016llx\n", vcpu,
           (unsigned long long)r->pc64, (unsigned long long)r->x30, (unsigned long long)r->sp_el1,
           (unsigned long long)r->cpsr, (unsigned long long)r->elr_el1);
    if (all) {
        const uint64_t *x = &r->x0;
        for (int i = 0; i < 30; i++)
            printf("  x%-2d %016llx%s", i, (unsigned long long)x[i], i % 3 == 2 ? "\n" : "");
        printf("\n  sctlr %016llx ttbr0 %016llx ttbr1 %016llx\n", (unsigned long long)ctx.sctlr,
               (unsigned long long)ctx.ttbr0, (unsigned long long)ctx.ttbr1);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int all = 0, i = 1;
    if (i < argc && !strcmp(argv[i], "-a")) {
        all = 1;
        i++;
    }
    if (argc - i < 1 || argc - i > 2) {
        fprintf(stderr, "usage: xenctx [-a] <domid> [vcpu]\n");
        return 2;
    }
    uint32_t domid = (uint32_t)strtoul(argv[i], NULL, 10);
    ctrl_handle *h;
    int rc = ctrl_open(&h);
    if (rc < 0) {
        fprintf(stderr, "xenctx: %s\n", ctrl_strerror(rc));
        return 1;
    }
    struct xen_domctl_getdomaininfo info;
    if ((rc = ctrl_domain_getinfo(h, domid, &info)) < 0) {
        fprintf(stderr, "xenctx: domain %u: %s\n", domid, ctrl_strerror(rc));
        return 1;
    }
    bool was_paused = info.flags & XEN_DOMINF_paused;
    if (!was_paused)
        ctrl_domain_pause(h, domid);
    uint32_t first = 0, last = info.max_vcpu_id;
    if (argc - i == 2)
        first = last = (uint32_t)strtoul(argv[i + 1], NULL, 10);
    for (uint32_t v = first; v <= last; v++)
        if ((rc = dump(h, domid, v, all)) < 0)
            fprintf(stderr, "xenctx: vcpu %u: %s\n", v, ctrl_strerror(rc));
    if (!was_paused)
        ctrl_domain_unpause(h, domid);
    ctrl_close(h);
    return rc < 0 ? 1 : 0;
}

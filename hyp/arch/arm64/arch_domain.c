/* arm64 domain set-up: stage-2 tables with a VMID, and the virtual counter offset. */
#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "printk.h"
#include "sysregs.h"
#include "timer.h"

/* 8-bit VMIDs (Cortex-A72); VMID 0 is never given to a guest. */
static uint8_t vmid_used[256 / 8];
static spinlock_t vmid_lock = SPINLOCK_INIT;

static int vmid_alloc(void)
{
    spin_lock(&vmid_lock);
    for (unsigned int i = 1; i < 256; i++) {
        if (!(vmid_used[i / 8] & (1U << (i % 8)))) {
            vmid_used[i / 8] |= 1U << (i % 8);
            spin_unlock(&vmid_lock);
            return (int)i;
        }
    }
    spin_unlock(&vmid_lock);
    return -ENOSPC;
}

static void vmid_free(unsigned int vmid)
{
    spin_lock(&vmid_lock);
    vmid_used[vmid / 8] &= ~(1U << (vmid % 8));
    spin_unlock(&vmid_lock);
}

int arch_domain_init(struct domain *d)
{
    int vmid = vmid_alloc();
    if (vmid < 0)
        return vmid;
    int rc = p2m_init(&d->arch.p2m, (uint16_t)vmid);
    if (rc) {
        vmid_free((unsigned int)vmid);
        return rc;
    }
    d->arch.cntvoff = now_ticks();
    return 0;
}

void arch_domain_teardown(struct domain *d)
{
    p2m_teardown(&d->arch.p2m);
    vmid_free(d->arch.p2m.vmid);
}

int arch_p2m_map_ram(struct domain *d, ipa_t gpa, paddr_t pa, unsigned long nr_pages)
{
    return p2m_map(&d->arch.p2m, gpa, pa, nr_pages, P2M_RAM_RW);
}

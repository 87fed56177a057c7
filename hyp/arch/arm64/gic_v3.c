/*
 * GICv3 driver for the hypervisor's own interrupts: SGIs (kicks between
 * CPUs), the EL2 timer PPI, the virtual timer PPI. Everything is Group 1
 * non-secure; EOImode=1 at EL2, so EOIR drops priority and DIR deactivates
 * (later, guest-owned interrupts are deactivated by the guest through
 * hardware-linked list registers).
 */
#include "bootinfo.h"
#include "bug.h"
#include "gic.h"
#include "percpu.h"
#include "printk.h"
#include "sysregs.h"
#include "traps.h"
#include "vtimer.h"

#define GICD_CTLR      0x0000
#define GICD_TYPER     0x0004
#define GICD_IGROUPR   0x0080
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_CTLR_RWP  (1U << 31)
#define GICD_CTLR_ARE  (1U << 4)
#define GICD_CTLR_GRP1 (3U << 0)

#define GICR_FRAME     0x20000         /* RD + SGI frames, no VLPI frames */
#define GICR_TYPER     0x0008
#define GICR_WAKER     0x0014
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_WAKER_PS  (1U << 1)
#define GICR_WAKER_CA  (1U << 2)
#define GICR_SGI       0x10000
#define GICR_IGROUPR0  (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)

#define HYP_IRQ_PRIORITY 0xa0

static uintptr_t gicd;
static const struct bootinfo *gic_bi;
static uintptr_t gicr_of_cpu[CONFIG_NR_CPUS];

static inline uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t rd64(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

static void gicd_wait_rwp(void)
{
    for (unsigned long i = 0; rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP; i++)
        BUG_ON(i > 100000000UL);
}

unsigned int gic_nr_lines(void)
{
    return 32 * ((rd32(gicd + GICD_TYPER) & 0x1f) + 1);
}

const struct bootinfo *arch_boot_info(void)
{
    return gic_bi;
}

void gic_init(const struct bootinfo *bi)
{
    gic_bi = bi;
    gicd = (uintptr_t)bi->gicd.start;
    wr32(gicd + GICD_CTLR, 0);
    gicd_wait_rwp();

    unsigned int lines = gic_nr_lines();
    /* SPIs: group 1, disabled, default priority (dom0 routes them later). */
    for (unsigned int i = 32; i < lines; i += 32) {
        wr32(gicd + GICD_IGROUPR + i / 8, ~0U);
        wr32(gicd + GICD_ICENABLER + i / 8, ~0U);
    }
    for (unsigned int i = 32; i < lines; i += 4)
        wr32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0U);
    wr32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
    gicd_wait_rwp();
    log_info("GICv3: distributor at 0x%lx, %u interrupt lines\n", (unsigned long)gicd, lines);
}

/* This CPU's redistributor: the frame whose GICR_TYPER affinity is our MPIDR. */
static uintptr_t find_redist(uint64_t mpidr)
{
    uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
    for (unsigned int r = 0; r < gic_bi->nr_gicr; r++) {
        uintptr_t f = (uintptr_t)gic_bi->gicr[r].start;
        uintptr_t end = f + gic_bi->gicr[r].size;
        for (; f < end; f += GICR_FRAME) {
            uint64_t typer = rd64(f + GICR_TYPER);
            if ((typer >> 32) == aff)
                return f;
            if (typer & GICR_TYPER_LAST)
                break;
        }
    }
    return 0;
}

void gic_init_cpu(void)
{
    struct pcpu *p = this_cpu();
    uintptr_t r = find_redist(p->mpidr);
    if (!r)
        panic("GICv3: no redistributor for CPU%u (MPIDR 0x%lx)", p->id, (unsigned long)p->mpidr);
    gicr_of_cpu[p->id] = r;

    wr32(r + GICR_WAKER, rd32(r + GICR_WAKER) & ~GICR_WAKER_PS);
    for (unsigned long i = 0; rd32(r + GICR_WAKER) & GICR_WAKER_CA; i++)
        BUG_ON(i > 100000000UL);
    wr32(r + GICR_ICENABLER0, ~0U);
    wr32(r + GICR_IGROUPR0, ~0U);
    for (unsigned int i = 0; i < 32; i += 4)
        wr32(r + GICR_IPRIORITYR + i, 0xa0a0a0a0U);

    WRITE_SYSREG(READ_SYSREG(ICC_SRE_EL2) | 0x9, ICC_SRE_EL2);   /* SRE, Enable for EL1 */
    isb();
    WRITE_SYSREG(0xff, ICC_PMR_EL1);
    WRITE_SYSREG(0, ICC_BPR1_EL1);
    WRITE_SYSREG(1UL << 1, ICC_CTLR_EL1);                           /* EOImode = 1 */
    WRITE_SYSREG(1, ICC_IGRPEN1_EL1);
    WRITE_SYSREG(1, ICH_HCR_EL2);                                   /* virtual CPU interface on */
    isb();
    gic_enable_ppi(SGI_KICK);
    gic_enable_ppi(hyp_timer_intid);
    gic_enable_ppi(vtimer_intid);
    gic_enable_ppi(maint_intid);
}

void gic_enable_ppi(unsigned int intid)
{
    BUG_ON(intid >= 32);
    wr32(gicr_of_cpu[this_cpu()->id] + GICR_ISENABLER0, 1U << intid);
}

void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
    uint64_t mpidr = pcpus[cpu].mpidr;
    uint64_t v = ((uint64_t)sgi << 24) | (1UL << (mpidr & 0xf)) |
                 (((mpidr >> 8) & 0xff) << 16) | (((mpidr >> 16) & 0xff) << 32) |
                 (((mpidr >> 32) & 0xff) << 48);
    /* Target list bits select Aff0 values 0..15 in the cluster given by Aff1..3. */
    dsb_ishst();
    WRITE_SYSREG(v, ICC_SGI1R_EL1);
    isb();
}

uint32_t gic_ack(void)
{
    uint32_t intid = (uint32_t)READ_SYSREG(ICC_IAR1_EL1);
    dsb_sy();
    return intid;
}

void gic_eoi(uint32_t intid)
{
    WRITE_SYSREG(intid, ICC_EOIR1_EL1);
    WRITE_SYSREG(intid, ICC_DIR_EL1);
    isb();
}

/* Priority drop only (EOImode 1): a guest's EOI deactivates it through the LR. */
void gic_priority_drop(uint32_t intid)
{
    WRITE_SYSREG(intid, ICC_EOIR1_EL1);
    isb();
}

/*
 * SPIs given to a guest (dom0's devices). Routed to the boot CPU; enabled at
 * the distributor when the guest enables its virtual twin.
 */
#define GICD_ISENABLER 0x0100
#define GICD_IROUTER   0x6000
static struct domain *spi_owner[1020];

int gic_route_spi_to_domain(uint32_t intid, struct domain *d)
{
    if (intid < 32 || intid >= 1020 || spi_owner[intid])
        return -1;
    spi_owner[intid] = d;
    *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) = pcpus[0].mpidr & 0xff00ffffffUL;
    return 0;
}

/* An SPI the hypervisor itself takes (its UART), on the boot CPU. */
void gic_enable_hyp_spi(uint32_t intid)
{
    if (intid < 32 || intid >= 1020)
        return;
    *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) = pcpus[0].mpidr & 0xff00ffffffUL;
    arch_hw_irq_enable(intid, true);
}

void gic_release_spi(uint32_t intid)
{
    if (intid >= 32 && intid < 1020) {
        arch_hw_irq_enable(intid, false);
        spi_owner[intid] = NULL;
    }
}

struct domain *gic_spi_owner(uint32_t intid)
{
    return (intid >= 32 && intid < 1020) ? spi_owner[intid] : NULL;
}

void arch_hw_irq_enable(uint32_t intid, bool enable)
{
    uint32_t reg = enable ? GICD_ISENABLER : GICD_ICENABLER;
    wr32(gicd + reg + (intid / 32) * 4, 1U << (intid % 32));
}

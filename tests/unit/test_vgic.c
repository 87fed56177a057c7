/*
 * The virtual GICv3's MMIO emulation and interrupt state on the host:
 * vgic.c, vgic_regs.c, vgic_dist.c and vgic_redist.c against a fake
 * scheduler, fake CPUs and libc allocation (fake_vgic_env.c). The list
 * registers (vgic_lr.c) need the real CPU: the "vgic" QEMU scenario covers them.
 */
#include <string.h>

#include "check.h"
#include "domain.h"
#include "errno.h"
#include "fake_vgic_env.h"
#include "percpu.h"
#include "vgic.h"

/* GICD */
#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IIDR       0x0008
#define GICD_TYPER2     0x000C
#define GICD_STATUSR    0x0010
#define GICD_SETSPI     0x0040
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISPENDR    0x0200
#define GICD_ICPENDR    0x0280
#define GICD_ISACTIVER  0x0300
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR  0x0800
#define GICD_ICFGR      0x0C00
#define GICD_IGRPMODR   0x0D00
#define GICD_NSACR      0x0E00
#define GICD_IROUTER    0x6000
#define GICD_PIDR2      0xFFE8

/* GICR: RD_base, then SGI_base at +64 KiB */
#define GICR_CTLR       0x0000
#define GICR_IIDR       0x0004
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_PROPBASER  0x0070
#define GICR_PIDR2      0xFFE8
#define SGI_BASE        0x10000
#define GICR_IGROUPR0   (SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (SGI_BASE + 0x0180)
#define GICR_ISPENDR0   (SGI_BASE + 0x0200)
#define GICR_ICPENDR0   (SGI_BASE + 0x0280)
#define GICR_ISACTIVER0 (SGI_BASE + 0x0300)
#define GICR_ICACTIVER0 (SGI_BASE + 0x0380)
#define GICR_IPRIORITYR (SGI_BASE + 0x0400)
#define GICR_ICFGR0     (SGI_BASE + 0x0C00)
#define GICR_ICFGR1     (SGI_BASE + 0x0C04)

#define POISON 0x5a5a5a5a5a5a5a5aUL

static struct domain *d;

static struct vcpu *V(unsigned int i)
{
    return d->vcpus[i];
}

/* Accesses from vCPU0 that must be accepted. */
static uint64_t dr(uint64_t off, unsigned int size)
{
    uint64_t val = POISON;
    CHECK(vgic_dist_read(V(0), off, size, &val));
    return val;
}

static void dw(uint64_t off, unsigned int size, uint64_t val)
{
    CHECK(vgic_dist_write(V(0), off, size, val));
}

static uint64_t rr(unsigned int frame, uint64_t off, unsigned int size)
{
    uint64_t val = POISON;
    CHECK(vgic_redist_read(V(0), frame * GICR_FRAME_SIZE + off, size, &val));
    return val;
}

static void rw(unsigned int frame, uint64_t off, unsigned int size, uint64_t val)
{
    CHECK(vgic_redist_write(V(0), frame * GICR_FRAME_SIZE + off, size, val));
}

static bool on_ap_list(struct vcpu *v, uint32_t intid)
{
    struct list_head *pos;
    list_for_each(pos, &v->arch.vgic.ap_list) {
        if (list_entry(pos, struct vgic_irq, ap_link)->intid == intid)
            return true;
    }
    return false;
}

/* The ap_list as INTIDs; returns how many. */
static unsigned int ap_list(struct vcpu *v, uint32_t *out, unsigned int max)
{
    struct list_head *pos;
    unsigned int n = 0;
    list_for_each(pos, &v->arch.vgic.ap_list) {
        if (n < max)
            out[n] = list_entry(pos, struct vgic_irq, ap_link)->intid;
        n++;
    }
    return n;
}

static struct vgic_irq *irq(struct vcpu *v, uint32_t intid)
{
    return vgic_get_irq(d, v, intid);
}

static uint64_t sgi1r(unsigned int intid, unsigned int tlist, unsigned int aff1, unsigned int rs,
                      bool irm)
{
    return (uint64_t)tlist | ((uint64_t)aff1 << 16) | ((uint64_t)intid << 24) |
           ((uint64_t)irm << 40) | ((uint64_t)rs << 44);
}

static void setup(unsigned int nr_vcpus, unsigned int nr_spis)
{
    d = fake_domain(nr_vcpus, nr_spis);
    CHECK(d != NULL);
}

static void teardown(void)
{
    fake_domain_free(d);
    d = NULL;
}

/* --- domain set-up ----------------------------------------------------------- */

static void test_domain_init_rejects_bad_parameters(void)
{
    struct domain dom;
    memset(&dom, 0, sizeof(dom));
    dom.max_vcpus = 1;
    CHECK_EQ(vgic_domain_init(&dom, FAKE_GICD, FAKE_GICR, GICR_FRAME_SIZE, 33, 31), -EINVAL);
    CHECK_EQ(vgic_domain_init(&dom, FAKE_GICD, FAKE_GICR, GICR_FRAME_SIZE, 992, 31), -EINVAL);
    CHECK_EQ(vgic_domain_init(&dom, FAKE_GICD, FAKE_GICR, GICR_FRAME_SIZE, 32, 15), -EINVAL);
    CHECK_EQ(vgic_domain_init(&dom, FAKE_GICD, FAKE_GICR, GICR_FRAME_SIZE, 32, 32), -EINVAL);
    CHECK_EQ(vgic_domain_init(&dom, FAKE_GICD, FAKE_GICR, GICR_FRAME_SIZE, 960, 16), 0);
    CHECK_EQ(dom.arch.vgic.nr_spis, 960);
    CHECK(dom.arch.vgic.spis != NULL);
    CHECK_EQ(dom.arch.vgic.spis[959].intid, 991);
    vgic_domain_destroy(&dom);
    CHECK(dom.arch.vgic.spis == NULL);
}

static void test_reset_state(void)
{
    setup(2, 64);
    for (uint32_t i = 0; i < 32; i++) {
        struct vgic_irq *p = irq(V(1), i);
        CHECK_EQ(p->intid, i);
        CHECK_EQ(p->priority, 0xa0);
        CHECK_EQ(p->edge, i < 16);
        CHECK(!p->enabled && !p->pending && !p->active && !p->queued);
    }
    CHECK(irq(V(0), 5) != irq(V(1), 5));            /* private per vCPU */
    CHECK(irq(V(0), 40) == irq(V(1), 40));          /* SPIs shared */
    CHECK_EQ(irq(NULL, 95)->intid, 95);
    CHECK(irq(NULL, 96) == NULL);                   /* beyond nr_spis */
    CHECK(irq(NULL, 1020) == NULL);
    CHECK(irq(NULL, 3) == NULL);                    /* private without a vCPU */
    CHECK(irq(V(0), 0xffffffffU) == NULL);
    teardown();
}

/* --- GICD identification and control ----------------------------------------- */

static void test_gicd_id_registers(void)
{
    setup(2, 64);
    uint64_t typer = dr(GICD_TYPER, 4);
    CHECK_EQ(typer & 0x1f, 2);                      /* (32 + 64) / 32 - 1 */
    CHECK_EQ((typer >> 5) & 7, 1);                  /* 2 vCPUs */
    CHECK_EQ((typer >> 19) & 0x1f, 9);              /* 10 INTID bits */
    CHECK_EQ((typer >> 25) & 1, 1);                 /* No1N */
    CHECK_EQ((typer >> 17) & 1, 0);                 /* no LPIs */
    CHECK_EQ((typer >> 16) & 1, 0);                 /* no MBIs */
    CHECK_EQ(dr(GICD_IIDR, 4), 0x34c);
    CHECK_EQ(dr(GICD_PIDR2, 4), 0x3b);
    CHECK_EQ((dr(GICD_PIDR2, 4) >> 4) & 0xf, 3);    /* ArchRev GICv3 */
    CHECK_EQ(dr(GICD_TYPER2, 4), 0);
    CHECK_EQ(dr(GICD_STATUSR, 4), 0);
    teardown();

    setup(8, 0);
    typer = dr(GICD_TYPER, 4);
    CHECK_EQ(typer & 0x1f, 0);
    CHECK_EQ((typer >> 5) & 7, 7);
    teardown();

    setup(1, 960);
    typer = dr(GICD_TYPER, 4);
    CHECK_EQ(typer & 0x1f, 30);
    CHECK_EQ((typer >> 5) & 7, 0);
    teardown();
}

static void test_gicd_ctlr_rwp(void)
{
    setup(2, 32);
    uint64_t ctlr = dr(GICD_CTLR, 4);
    CHECK_EQ(ctlr, (1U << 4) | (1U << 6));          /* ARE and DS always, nothing enabled */
    dw(GICD_CTLR, 4, (1U << 4) | 3);                /* Linux: ARE_NS | G1A | G1 */
    ctlr = dr(GICD_CTLR, 4);
    CHECK_EQ(ctlr & 3, 3);
    CHECK_EQ(ctlr & (1U << 31), 0);                 /* RWP: writes complete at once */
    CHECK(ctlr & (1U << 4));
    dw(GICD_CTLR, 4, 0xffffffffU);
    ctlr = dr(GICD_CTLR, 4);
    CHECK_EQ(ctlr, 3 | (1U << 4) | (1U << 6));      /* only the enables are writable */
    dw(GICD_CTLR, 4, 0);
    CHECK_EQ(dr(GICD_CTLR, 4), (1U << 4) | (1U << 6));
    teardown();
}

/* --- GICR -------------------------------------------------------------------- */

static void test_gicr_walk(void)
{
    setup(8, 32);
    for (unsigned int i = 0; i < 8; i++) {
        uint64_t typer = rr(i, GICR_TYPER, 8);
        CHECK_EQ(typer >> 32, i);                   /* Aff0 = id (ids < 16) */
        CHECK_EQ((typer >> 8) & 0xffff, i);         /* Processor_Number */
        CHECK_EQ((typer >> 4) & 1, i == 7);         /* Last only on the final frame */
        CHECK_EQ(typer & 1, 0);                     /* no physical LPIs */
        CHECK_EQ(rr(i, GICR_TYPER, 4), (uint32_t)typer);
        CHECK_EQ(rr(i, GICR_TYPER + 4, 4), typer >> 32);
        CHECK_EQ(rr(i, GICR_PIDR2, 4), 0x3b);
        CHECK_EQ(rr(i, GICR_IIDR, 4), 0x34c);
        CHECK_EQ(rr(i, GICR_CTLR, 4), 0);           /* RWP 0, no LPIs */
    }
    /* Linux's walk: frames in order until one has Last. */
    unsigned int frames = 0;
    for (unsigned int i = 0; i < 64; i++) {
        frames++;
        if (rr(i, GICR_TYPER, 8) & (1UL << 4))
            break;
    }
    CHECK_EQ(frames, 8);
    /* The frame is chosen by the offset, not by the vCPU that accesses it. */
    uint64_t val = 0;
    CHECK(vgic_redist_read(V(5), 3 * GICR_FRAME_SIZE + GICR_TYPER, 8, &val));
    CHECK_EQ(val >> 32, 3);
    teardown();

    setup(1, 32);
    CHECK_EQ((rr(0, GICR_TYPER, 8) >> 4) & 1, 1);   /* a single vCPU is its own Last */
    teardown();
}

static void test_gicr_beyond_last_frame(void)
{
    setup(2, 32);
    uint64_t val = POISON;
    CHECK(vgic_redist_read(V(0), 2 * GICR_FRAME_SIZE + GICR_TYPER, 8, &val));
    CHECK_EQ(val, 0);
    val = POISON;
    CHECK(vgic_redist_read(V(0), 5 * GICR_FRAME_SIZE + GICR_WAKER, 4, &val));
    CHECK_EQ(val, 0);
    CHECK(vgic_redist_write(V(0), 2 * GICR_FRAME_SIZE + GICR_WAKER, 4, 0));
    CHECK(!vgic_redist_read(V(0), 2 * GICR_FRAME_SIZE + GICR_WAKER, 2, &val));
    teardown();
}

static void test_gicr_waker(void)
{
    setup(2, 32);
    const uint32_t PS = 1U << 1, CA = 1U << 2;
    CHECK_EQ(rr(0, GICR_WAKER, 4), PS | CA);        /* asleep at reset */
    CHECK_EQ(rr(1, GICR_WAKER, 4), PS | CA);
    rw(0, GICR_WAKER, 4, 0);                        /* Linux: clear ProcessorSleep ... */
    CHECK_EQ(rr(0, GICR_WAKER, 4), 0);              /* ... and ChildrenAsleep follows at once */
    CHECK_EQ(rr(1, GICR_WAKER, 4), PS | CA);        /* per redistributor */
    rw(0, GICR_WAKER, 4, CA);                       /* ChildrenAsleep is read-only */
    CHECK_EQ(rr(0, GICR_WAKER, 4), 0);
    rw(0, GICR_WAKER, 4, PS);                       /* back to sleep (CPU off) */
    CHECK_EQ(rr(0, GICR_WAKER, 4), PS | CA);
    rw(0, GICR_WAKER, 4, 0xfffffff9U);              /* other bits RAZ/WI */
    CHECK_EQ(rr(0, GICR_WAKER, 4), 0);
    teardown();
}

/* --- enable / pending / active ------------------------------------------------ */

/* Set/clear pairs: a write of 1 bits sets (clears) just those; both read the state. */
static void bit_pair_round_trip(bool redist, uint64_t set_off, uint64_t clr_off, uint32_t mask)
{
    uint32_t a = 0x00010003U & mask, b = 0x80000100U & mask;

#define RD(off) (redist ? rr(1, (off), 4) : dr((off), 4))
#define WR(off, v) (redist ? rw(1, (off), 4, (v)) : dw((off), 4, (v)))
    CHECK_EQ(RD(set_off), 0);
    WR(set_off, a);
    CHECK_EQ(RD(set_off), a);
    CHECK_EQ(RD(clr_off), a);
    WR(set_off, b);
    CHECK_EQ(RD(set_off), a | b);
    WR(set_off, 0);                                 /* zeros change nothing */
    CHECK_EQ(RD(set_off), a | b);
    WR(clr_off, a);
    CHECK_EQ(RD(set_off), b);
    CHECK_EQ(RD(clr_off), b);
    WR(clr_off, 0);
    CHECK_EQ(RD(clr_off), b);
    WR(clr_off, 0xffffffffU);
    CHECK_EQ(RD(set_off), 0);
#undef RD
#undef WR
}

static void test_enable_pending_active_round_trips(void)
{
    setup(2, 64);
    bit_pair_round_trip(true, GICR_ISENABLER0, GICR_ICENABLER0, ~0U);
    bit_pair_round_trip(true, GICR_ISPENDR0, GICR_ICPENDR0, ~0U);
    bit_pair_round_trip(true, GICR_ISACTIVER0, GICR_ICACTIVER0, ~0U);
    bit_pair_round_trip(false, GICD_ISENABLER + 4, GICD_ICENABLER + 4, ~0U);
    bit_pair_round_trip(false, GICD_ISPENDR + 8, GICD_ICPENDR + 8, ~0U);
    bit_pair_round_trip(false, GICD_ISACTIVER + 4, GICD_ICACTIVER + 4, ~0U);
    /* The state behind the bits. */
    rw(1, GICR_ISENABLER0, 4, 1U << 27);
    CHECK(irq(V(1), 27)->enabled);
    CHECK(!irq(V(0), 27)->enabled);
    dw(GICD_ISPENDR + 8, 4, 1U << 1);               /* SPI 65 */
    CHECK(irq(NULL, 65)->pending);
    dw(GICD_ISACTIVER + 4, 4, 1U << 2);             /* SPI 34 */
    CHECK(irq(NULL, 34)->active);
    teardown();
}

static void test_gicd_private_and_missing_intids_raz_wi(void)
{
    setup(2, 32);
    /* With affinity routing, GICD's registers for INTIDs 0-31 are RAZ/WI. */
    dw(GICD_ISENABLER, 4, 0xffffffffU);
    CHECK_EQ(dr(GICD_ISENABLER, 4), 0);
    CHECK(!irq(V(0), 1)->enabled);
    dw(GICD_ISPENDR, 4, 0xffffffffU);
    CHECK(!irq(V(0), 1)->pending);
    dw(GICD_IPRIORITYR, 4, 0x10101010);
    CHECK_EQ(dr(GICD_IPRIORITYR, 4), 0);
    CHECK_EQ(irq(V(0), 0)->priority, 0xa0);
    /* Beyond the last SPI (63): RAZ/WI. */
    dw(GICD_ISENABLER + 8, 4, 0xffffffffU);
    CHECK_EQ(dr(GICD_ISENABLER + 8, 4), 0);
    CHECK_EQ(dr(GICD_ISENABLER + 0x7c, 4), 0);
    dw(GICD_IPRIORITYR + 64, 4, 0x10101010);
    CHECK_EQ(dr(GICD_IPRIORITYR + 64, 4), 0);
    CHECK_EQ(dr(GICD_IPRIORITYR + 1019, 1), 0);
    dw(GICD_ICFGR + 16, 4, 0xaaaaaaaaU);
    CHECK_EQ(dr(GICD_ICFGR + 16, 4), 0);
    /* The GICR SGI frame past the private INTIDs. */
    rw(0, GICR_ISENABLER0 + 4, 4, 0xffffffffU);
    CHECK_EQ(rr(0, GICR_ISENABLER0 + 4, 4), 0);
    CHECK_EQ(rr(0, GICR_IPRIORITYR + 32, 4), 0);
    CHECK_EQ(rr(0, GICR_ICFGR0 + 8, 4), 0);
    teardown();
}

static void test_raz_wi_registers(void)
{
    setup(2, 32);
    /* Group 1 everywhere: RAO/WI. */
    CHECK_EQ(dr(GICD_IGROUPR + 4, 4), 0xffffffffU);
    dw(GICD_IGROUPR + 4, 4, 0);
    CHECK_EQ(dr(GICD_IGROUPR + 4, 4), 0xffffffffU);
    CHECK_EQ(rr(0, GICR_IGROUPR0, 4), 0xffffffffU);
    /* ITARGETSR, IGRPMODR, NSACR: RAZ/WI under affinity routing. */
    dw(GICD_ITARGETSR + 32, 4, 0x01010101);
    CHECK_EQ(dr(GICD_ITARGETSR + 32, 4), 0);
    CHECK_EQ(dr(GICD_IGRPMODR + 4, 4), 0);
    CHECK_EQ(dr(GICD_NSACR + 8, 4), 0);
    /* Unknown offsets read as zero and ignore writes (SETSPI, implementation space). */
    dw(GICD_SETSPI, 4, 40);
    CHECK(!irq(NULL, 40)->pending);
    CHECK_EQ(dr(0x0050, 4), 0);
    CHECK_EQ(dr(0xC000, 4), 0);
    CHECK_EQ(dr(0xFFFC, 4), 0);
    dw(0x0050, 4, 1);
    CHECK_EQ(rr(0, 0x0100, 4), 0);
    CHECK_EQ(rr(0, SGI_BASE + 0x0F00, 4), 0);       /* GICR_NSACR area */
    rw(0, SGI_BASE + 0x0F00, 4, 0xffffffffU);
    teardown();
}

static void test_bad_sizes_rejected(void)
{
    setup(2, 32);
    uint64_t val;
    struct vcpu *v = V(0);
    /* 32-bit registers: only 32-bit accesses. */
    CHECK(!vgic_dist_read(v, GICD_CTLR, 1, &val));
    CHECK(!vgic_dist_read(v, GICD_CTLR, 2, &val));
    CHECK(!vgic_dist_read(v, GICD_CTLR, 8, &val));
    CHECK(!vgic_dist_write(v, GICD_CTLR, 8, 3));
    CHECK(!vgic_dist_read(v, GICD_TYPER, 2, &val));
    CHECK(!vgic_dist_read(v, GICD_ISENABLER + 4, 8, &val));
    CHECK(!vgic_dist_write(v, GICD_ISENABLER + 4, 1, 1));
    CHECK(!irq(NULL, 32)->enabled);
    CHECK(!vgic_dist_write(v, GICD_ICFGR + 8, 2, 0xaaaa));
    CHECK(!vgic_redist_read(v, GICR_WAKER, 1, &val));
    CHECK(!vgic_redist_write(v, GICR_WAKER, 2, 0));
    CHECK(!vgic_redist_read(v, GICR_ISENABLER0, 8, &val));
    CHECK(!vgic_redist_write(v, GICR_ISPENDR0, 1, 1));
    CHECK(!irq(v, 0)->pending);
    CHECK(!vgic_redist_read(v, GICR_TYPER, 2, &val));
    /* IPRIORITYR: byte, halfword, word and doubleword all work. */
    CHECK(vgic_dist_read(v, GICD_IPRIORITYR + 33, 1, &val));
    CHECK(vgic_redist_read(v, GICR_IPRIORITYR + 2, 2, &val));
    teardown();
}

/* 64-bit GICR registers other than TYPER (the LPI ones): RAZ/WI as the write path says. */
static void test_gicr_64bit_registers_raz_wi(void)
{
    setup(2, 32);
    uint64_t val = POISON;
    CHECK(vgic_redist_write(V(0), GICR_PROPBASER, 8, 0x1234000));
    CHECK(vgic_redist_read(V(0), GICR_PROPBASER, 8, &val));
    CHECK_EQ(val, 0);
    teardown();
}

/* --- priorities and configuration ---------------------------------------------- */

static void test_priority_bytes_and_masking(void)
{
    setup(2, 64);
    CHECK_EQ(rr(1, GICR_IPRIORITYR, 4), 0xa0a0a0a0U);
    rw(1, GICR_IPRIORITYR + 5, 1, 0x47);            /* byte: SGI 5 */
    CHECK_EQ(irq(V(1), 5)->priority, 0x40);         /* 5 bits */
    CHECK_EQ(rr(1, GICR_IPRIORITYR + 5, 1), 0x40);
    CHECK_EQ(rr(1, GICR_IPRIORITYR + 4, 4), 0xa0a040a0U);   /* neighbours kept */
    CHECK_EQ(irq(V(0), 5)->priority, 0xa0);         /* the other vCPU's SGI 5 */
    rw(1, GICR_IPRIORITYR + 8, 4, 0x12345678);
    CHECK_EQ(rr(1, GICR_IPRIORITYR + 8, 4), 0x10305078U);
    CHECK_EQ(irq(V(1), 8)->priority, 0x78);
    CHECK_EQ(irq(V(1), 11)->priority, 0x10);
    rw(1, GICR_IPRIORITYR + 26, 2, 0xffff);         /* halfword: PPIs 26, 27 */
    CHECK_EQ(rr(1, GICR_IPRIORITYR + 24, 4), 0xf8f8a0a0U);
    CHECK_EQ(rr(1, GICR_IPRIORITYR + 26, 2), 0xf8f8);
    dw(GICD_IPRIORITYR + 32, 8, 0x0102030405060708UL);  /* doubleword: SPIs 32-39 */
    CHECK_EQ(dr(GICD_IPRIORITYR + 32, 8), 0x0000000000000008UL);
    dw(GICD_IPRIORITYR + 40, 8, 0xf1e2d3c4b5a69788UL);
    CHECK_EQ(dr(GICD_IPRIORITYR + 40, 8), 0xf0e0d0c0b0a09088UL);
    CHECK_EQ(irq(NULL, 47)->priority, 0xf0);
    dw(GICD_IPRIORITYR + 63, 1, 0x81);
    CHECK_EQ(dr(GICD_IPRIORITYR + 60, 4), 0x80a0a0a0U);
    teardown();
}

static void test_icfgr(void)
{
    setup(2, 64);
    /* SGIs: edge, read-only. */
    CHECK_EQ(rr(0, GICR_ICFGR0, 4), 0xaaaaaaaaU);
    rw(0, GICR_ICFGR0, 4, 0);
    CHECK_EQ(rr(0, GICR_ICFGR0, 4), 0xaaaaaaaaU);
    CHECK(irq(V(0), 3)->edge);
    /* PPIs: level at reset, configurable per vCPU. */
    CHECK_EQ(rr(0, GICR_ICFGR1, 4), 0);
    rw(0, GICR_ICFGR1, 4, 2U << (2 * (20 - 16)));
    CHECK_EQ(rr(0, GICR_ICFGR1, 4), 2U << (2 * (20 - 16)));
    CHECK(irq(V(0), 20)->edge);
    CHECK(!irq(V(1), 20)->edge);
    /* The low bit of each field is RES0/RAZ. */
    rw(0, GICR_ICFGR1, 4, 0x55555555U);
    CHECK_EQ(rr(0, GICR_ICFGR1, 4), 0);
    /* SPIs through GICD. */
    CHECK_EQ(dr(GICD_ICFGR + 8, 4), 0);
    dw(GICD_ICFGR + 8, 4, 0xaaaaaaaaU);
    CHECK_EQ(dr(GICD_ICFGR + 8, 4), 0xaaaaaaaaU);
    dw(GICD_ICFGR + 12, 4, 0x8);
    CHECK_EQ(dr(GICD_ICFGR + 12, 4), 0x8);
    CHECK(irq(NULL, 49)->edge);
    CHECK(!irq(NULL, 48)->edge);
    /* GICD's ICFGR0/1 (private INTIDs) are not the redistributor's. */
    CHECK_EQ(dr(GICD_ICFGR, 4), 0);
    dw(GICD_ICFGR + 4, 4, 0xaaaaaaaaU);
    CHECK_EQ(dr(GICD_ICFGR + 4, 4), 0);
    CHECK(!irq(V(0), 21)->edge);
    CHECK(!irq(V(1), 21)->edge);
    teardown();
}

/* --- routing --------------------------------------------------------------------- */

static void test_irouter(void)
{
    setup(3, 64);
    uint64_t off = GICD_IROUTER + 8 * 40;
    CHECK_EQ(dr(off, 8), 0);
    CHECK_EQ(irq(NULL, 40)->target, 0);
    dw(off, 8, 2);                                  /* Aff0 = 2 */
    CHECK_EQ(dr(off, 8), 2);
    CHECK_EQ(irq(NULL, 40)->target, 2);
    CHECK(vgic_irq_target(d, NULL, irq(NULL, 40)) == V(2));
    /* 1-of-N: kept as written, delivered to vCPU0. */
    dw(off, 8, (1UL << 31) | 1);
    CHECK_EQ(dr(off, 8), (1UL << 31) | 1);
    CHECK_EQ(irq(NULL, 40)->target, 0);
    /* Affinities naming no vCPU: vCPU0. */
    dw(off, 8, 1);
    dw(off, 8, 3);                                  /* Aff0 = 3, only 3 vCPUs */
    CHECK_EQ(irq(NULL, 40)->target, 0);
    dw(off, 8, 1);
    dw(off, 8, 0x100);                              /* Aff1 = 1: vCPU 16 */
    CHECK_EQ(irq(NULL, 40)->target, 0);
    dw(off, 8, 1);
    dw(off, 8, 0x10001);                            /* Aff2 */
    CHECK_EQ(irq(NULL, 40)->target, 0);
    dw(off, 8, 1);
    dw(off, 8, 0x100000001UL);                      /* Aff3 */
    CHECK_EQ(irq(NULL, 40)->target, 0);
    CHECK_EQ(dr(off, 8), 0x100000001UL);
    dw(off, 8, 1);
    dw(off, 8, 0x11);                               /* Aff0 = 17: not a valid Aff0 */
    CHECK_EQ(irq(NULL, 40)->target, 0);
    /* Reserved bits are not kept. */
    dw(off, 8, 0xff00ffff00000002UL | (1UL << 30));    /* bits 63:40 and 30:24 reserved */
    CHECK_EQ(dr(off, 8), 0x000000ff00000002UL);
    /* SGIs/PPIs and INTIDs past the SPIs: RAZ/WI. */
    dw(GICD_IROUTER + 8 * 20, 8, 1);
    CHECK_EQ(dr(GICD_IROUTER + 8 * 20, 8), 0);
    dw(GICD_IROUTER + 8 * 96, 8, 1);
    CHECK_EQ(dr(GICD_IROUTER + 8 * 96, 8), 0);
    CHECK_EQ(dr(GICD_IROUTER + 8 * 1019, 8), 0);
    teardown();
}

static void test_spi_follows_irouter(void)
{
    setup(2, 32);
    dw(GICD_IROUTER + 8 * 33, 8, 1);
    dw(GICD_ISENABLER + 4, 4, 1U << 1);
    dw(GICD_ISPENDR + 4, 4, 1U << 1);
    CHECK(on_ap_list(V(1), 33));
    CHECK(!on_ap_list(V(0), 33));
    CHECK(vgic_vcpu_pending(V(1)));
    CHECK(!vgic_vcpu_pending(V(0)));
    /* Injected from the hardware path too. */
    dw(GICD_IROUTER + 8 * 34, 8, 1);
    dw(GICD_ISENABLER + 4, 4, 1U << 2);
    vgic_inject_hw_spi(d, 34);
    CHECK(on_ap_list(V(1), 34));
    CHECK(irq(NULL, 34)->hw);
    teardown();
}

/* --- SGIs ------------------------------------------------------------------------- */

static void enable_all_sgis(void)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        rw(i, GICR_ISENABLER0, 4, 0xffff);
}

static uint32_t pending_sgis(unsigned int vcpu)
{
    return (uint32_t)rr(vcpu, GICR_ISPENDR0, 4) & 0xffff;
}

static void test_sgi_target_list(void)
{
    setup(4, 32);
    enable_all_sgis();
    vgic_send_sgi(V(0), sgi1r(7, 0x6, 0, 0, false));    /* vCPUs 1 and 2 */
    CHECK_EQ(pending_sgis(0), 0);
    CHECK_EQ(pending_sgis(1), 1U << 7);
    CHECK_EQ(pending_sgis(2), 1U << 7);
    CHECK_EQ(pending_sgis(3), 0);
    vgic_send_sgi(V(3), sgi1r(15, 0x1, 0, 0, false));   /* INTID field: 4 bits */
    CHECK_EQ(pending_sgis(0), 1U << 15);
    vgic_send_sgi(V(1), sgi1r(2, 0x2, 0, 0, false));    /* to itself */
    CHECK_EQ(pending_sgis(1), (1U << 7) | (1U << 2));
    /* Target-list bits naming no vCPU, an empty list: nothing. */
    vgic_send_sgi(V(0), sgi1r(9, 0xfff0, 0, 0, false));
    vgic_send_sgi(V(0), sgi1r(9, 0, 0, 0, false));
    for (unsigned int i = 0; i < 4; i++)
        CHECK_EQ(pending_sgis(i) & (1U << 9), 0);
    teardown();
}

static void test_sgi_affinity_fields(void)
{
    setup(8, 32);
    enable_all_sgis();
    /* Aff1 = 1 is vCPU 16 upwards: none here. */
    vgic_send_sgi(V(0), sgi1r(4, 0xffff, 1, 0, false));
    /* RS = 1 selects Aff0 16..31: no vCPU has those. */
    vgic_send_sgi(V(0), sgi1r(4, 0xffff, 0, 1, false));
    /* Aff2, Aff3. */
    vgic_send_sgi(V(0), sgi1r(4, 0xffff, 0, 0, false) | (1UL << 32));
    vgic_send_sgi(V(0), sgi1r(4, 0xffff, 0, 0, false) | (1UL << 48));
    for (unsigned int i = 0; i < 8; i++)
        CHECK_EQ(pending_sgis(i), 0);
    /* RS = 0, Aff1 = 0, bits 0..7: every vCPU. */
    vgic_send_sgi(V(0), sgi1r(4, 0xffff, 0, 0, false));
    for (unsigned int i = 0; i < 8; i++)
        CHECK_EQ(pending_sgis(i), 1U << 4);
    teardown();
}

static void test_sgi_broadcast(void)
{
    setup(4, 32);
    enable_all_sgis();
    memset(&fake.unblocks, 0, sizeof(fake.unblocks));
    V(3)->state = VCPU_OFFLINE;
    /* IRM = 1: every vCPU but the sender, target list and affinity ignored. */
    vgic_send_sgi(V(1), sgi1r(3, 0x2, 5, 0, true));
    CHECK_EQ(pending_sgis(0), 1U << 3);
    CHECK_EQ(pending_sgis(1), 0);
    CHECK_EQ(pending_sgis(2), 1U << 3);
    CHECK_EQ(pending_sgis(3), 0);                   /* offline: left out */
    CHECK_EQ(fake.unblocks[3], 0);
    CHECK_EQ(fake.wakes[3], 0);
    CHECK_EQ(V(3)->state, VCPU_OFFLINE);
    teardown();
}

static void test_sgi_to_offline_vcpu_does_not_start_it(void)
{
    setup(2, 32);
    enable_all_sgis();
    V(1)->state = VCPU_OFFLINE;
    vgic_send_sgi(V(0), sgi1r(1, 0x2, 0, 0, false));
    CHECK_EQ(V(1)->state, VCPU_OFFLINE);
    CHECK_EQ(fake.wakes[1], 0);
    CHECK_EQ(pending_sgis(1), 1U << 1);             /* latched for when it starts */
    teardown();
}

/* --- injection, queueing and kicks -------------------------------------------------- */

static void test_queue_order_by_priority(void)
{
    setup(1, 32);
    struct vcpu *v = V(0);
    rw(0, GICR_ISENABLER0, 4, 0xffffffffU);
    rw(0, GICR_IPRIORITYR + 0, 4, 0x40a08060U);     /* SGI0 0x60, SGI1 0x80, SGI2 0xa0, SGI3 0x40 */
    rw(0, GICR_IPRIORITYR + 4, 4, 0x00000080U);     /* SGI4 0x80, SGI5-7 0x00 */
    uint32_t order[] = { 2, 1, 4, 0, 3, 6, 5 };
    for (unsigned int i = 0; i < ARRAY_SIZE(order); i++)
        vgic_inject(d, v, order[i]);
    uint32_t got[16];
    unsigned int n = ap_list(v, got, 16);
    /* By priority, first come first among equals: 6 5 (0x00), 3 (0x40), 0 (0x60), 1 4 (0x80), 2. */
    uint32_t want[] = { 6, 5, 3, 0, 1, 4, 2 };
    CHECK_EQ(n, ARRAY_SIZE(want));
    for (unsigned int i = 0; i < ARRAY_SIZE(want) && i < n; i++)
        CHECK_EQ(got[i], want[i]);
    /* Injecting again while queued does not duplicate. */
    vgic_inject(d, v, 3);
    CHECK_EQ(ap_list(v, got, 16), ARRAY_SIZE(want));
    CHECK_EQ(irq(v, 3)->seq, 2);
    teardown();
}

static void test_disabled_interrupt_latched_not_queued(void)
{
    setup(2, 32);
    struct vcpu *v = V(1);
    v->state = VCPU_BLOCKED;
    vgic_inject(d, v, 27);
    CHECK(irq(v, 27)->pending);
    CHECK(!on_ap_list(v, 27));
    CHECK(!vgic_vcpu_pending(v));
    CHECK_EQ(rr(1, GICR_ISPENDR0, 4), 1U << 27);
    rw(1, GICR_ISENABLER0, 4, 1U << 27);           /* enabling delivers it */
    CHECK(on_ap_list(v, 27));
    CHECK(vgic_vcpu_pending(v));
    CHECK_EQ(v->state, VCPU_RUNNABLE);              /* and wakes the vCPU */
    /* Disabled again: still queued (a stale entry), but nothing to take. */
    rw(1, GICR_ICENABLER0, 4, 1U << 27);
    CHECK(!vgic_vcpu_pending(v));
    /* Cleared while disabled, enabled again: nothing. */
    rw(1, GICR_ICPENDR0, 4, 1U << 27);
    rw(1, GICR_ISENABLER0, 4, 1U << 27);
    CHECK(!vgic_vcpu_pending(v));
    teardown();
}

static void test_active_is_queued(void)
{
    setup(1, 32);
    rw(0, GICR_ISACTIVER0, 4, 1U << 9);             /* disabled but active: needs an LR for the EOI */
    CHECK(on_ap_list(V(0), 9));
    CHECK(!vgic_vcpu_pending(V(0)));                /* active alone does not wake WFI */
    teardown();
}

static void test_kicks(void)
{
    setup(4, 32);                                   /* vCPUs 0, 2 on pCPU 0; 1, 3 on pCPU 1 */
    rw(1, GICR_ISENABLER0, 4, 0xffff);
    rw(2, GICR_ISENABLER0, 4, 0xffff);
    rw(3, GICR_ISENABLER0, 4, 0xffff);
    fake.this_cpu = 0;
    pcpus[0].curr = V(0);
    pcpus[1].curr = V(1);
    memset(fake.kicks, 0, sizeof(fake.kicks));
    memset(fake.unblocks, 0, sizeof(fake.unblocks));

    /* Running on another CPU: that CPU is kicked to refill its list registers. */
    V(1)->state = VCPU_RUNNING;
    vgic_inject(d, V(1), 1);
    CHECK_EQ(fake.kicks[1], 1);
    CHECK_EQ(V(1)->state, VCPU_RUNNING);
    /* Runnable but not on its CPU: no kick, it is flushed when it runs. */
    V(3)->state = VCPU_RUNNABLE;
    vgic_inject(d, V(3), 1);
    CHECK_EQ(fake.kicks[1], 1);
    /* Blocked (WFI): unblocked. */
    V(3)->state = VCPU_BLOCKED;
    vgic_inject(d, V(3), 2);
    CHECK_EQ(V(3)->state, VCPU_RUNNABLE);
    CHECK_EQ(fake.unblocks[3], 2);
    /* On this CPU: no self-kick (the exit path flushes). */
    pcpus[0].curr = V(2);
    V(2)->state = VCPU_RUNNING;
    vgic_inject(d, V(2), 1);
    CHECK_EQ(fake.kicks[0], 0);
    /* An SGI from vCPU0 (pCPU 0) to vCPU1 running on pCPU 1. */
    vgic_send_sgi(V(0), sgi1r(5, 0x2, 0, 0, false));
    CHECK_EQ(fake.kicks[1], 2);
    /* An SPI write from pCPU 1 for vCPU 2, running on pCPU 0. */
    fake.this_cpu = 1;
    dw(GICD_IROUTER + 8 * 32, 8, 2);
    dw(GICD_ISENABLER + 4, 4, 1);
    unsigned int before = fake.kicks[0];
    dw(GICD_ISPENDR + 4, 4, 1);
    CHECK_EQ(fake.kicks[0], before + 1);
    CHECK_EQ(fake.kicks[1], 2);
    CHECK(on_ap_list(V(2), 32));
    teardown();
}

static void test_clearing_does_not_kick(void)
{
    setup(2, 32);
    pcpus[1].curr = V(1);
    V(1)->state = VCPU_RUNNING;
    rw(1, GICR_ICENABLER0, 4, 0xffff);
    rw(1, GICR_ICPENDR0, 4, 0xffff);
    rw(1, GICR_ISACTIVER0, 4, 1);
    rw(1, GICR_ICACTIVER0, 4, 1);
    CHECK_EQ(fake.kicks[1], 0);
    rw(1, GICR_ISENABLER0, 4, 1);                   /* enabled but nothing pending: no kick */
    CHECK_EQ(fake.kicks[1], 0);
    rw(1, GICR_ICENABLER0, 4, 1);
    rw(1, GICR_ISPENDR0, 4, 1);                     /* pending but disabled: latched, no kick */
    CHECK_EQ(fake.kicks[1], 0);
    rw(1, GICR_ISENABLER0, 4, 1);                   /* now deliverable: one kick */
    CHECK_EQ(fake.kicks[1], 1);
    teardown();
}

static void test_hw_spi_enable_reaches_the_gic(void)
{
    setup(1, 32);
    vgic_inject_hw_spi(d, 40);                      /* a device interrupt: marks it hw */
    CHECK(irq(NULL, 40)->hw);
    CHECK_EQ(fake.hw_calls, 0);
    dw(GICD_ISENABLER + 4, 4, 1U << 8);
    CHECK_EQ(fake.hw_calls, 1);
    CHECK_EQ(fake.hw_last_intid, 40);
    CHECK(fake.hw_last_enable);
    dw(GICD_ISENABLER + 4, 4, 1U << 8);             /* already enabled: no second call */
    CHECK_EQ(fake.hw_calls, 1);
    dw(GICD_ICENABLER + 4, 4, 1U << 8);
    CHECK_EQ(fake.hw_calls, 2);
    CHECK(!fake.hw_last_enable);
    dw(GICD_ISENABLER + 4, 4, 1U << 9);             /* a software SPI: no call */
    CHECK_EQ(fake.hw_calls, 2);
    teardown();
}

static void test_event_channel_upcall(void)
{
    setup(2, 32);
    rw(1, GICR_ISENABLER0, 4, 1U << 31);
    V(1)->state = VCPU_BLOCKED;
    arch_vcpu_raise_upcall(V(1));
    CHECK(irq(V(1), 31)->pending);
    CHECK(!irq(V(0), 31)->pending);
    CHECK(vgic_vcpu_pending(V(1)));
    CHECK_EQ(V(1)->state, VCPU_RUNNABLE);
    teardown();
}

static void test_out_of_range_inject_ignored(void)
{
    setup(1, 32);
    vgic_inject(d, V(0), 64);                       /* no such SPI */
    vgic_inject(d, V(0), 1023);
    vgic_inject_hw_spi(d, 100);
    CHECK(list_empty(&V(0)->arch.vgic.ap_list));
    CHECK_EQ(fake.unblocks[0], 0);
    teardown();
}

/*
 * A pending SPI whose IROUTER changes moves to the new target's ap_list and
 * wakes it (Linux's set_affinity: disable, route, enable).
 */
static void test_pending_spi_moves_with_irouter(void)
{
    setup(2, 32);
    dw(GICD_ISENABLER + 4, 4, 1U << 10);            /* SPI 42 -> vCPU0 */
    dw(GICD_ISPENDR + 4, 4, 1U << 10);
    CHECK(on_ap_list(V(0), 42));
    V(0)->state = VCPU_BLOCKED;                     /* say it sleeps in WFI meanwhile */
    V(1)->state = VCPU_BLOCKED;
    dw(GICD_ICENABLER + 4, 4, 1U << 10);
    dw(GICD_IROUTER + 8 * 42, 8, 1);
    dw(GICD_ISENABLER + 4, 4, 1U << 10);
    CHECK(vgic_vcpu_pending(V(1)));                 /* the new target has it ... */
    CHECK(on_ap_list(V(1), 42));
    CHECK(!on_ap_list(V(0), 42));                   /* ... and the old one not */
    CHECK_EQ(V(1)->state, VCPU_RUNNABLE);
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("vgic");
    RUN(test_domain_init_rejects_bad_parameters);
    RUN(test_reset_state);
    RUN(test_gicd_id_registers);
    RUN(test_gicd_ctlr_rwp);
    RUN(test_gicr_walk);
    RUN(test_gicr_beyond_last_frame);
    RUN(test_gicr_waker);
    RUN(test_enable_pending_active_round_trips);
    RUN(test_gicd_private_and_missing_intids_raz_wi);
    RUN(test_raz_wi_registers);
    RUN(test_bad_sizes_rejected);
    RUN(test_gicr_64bit_registers_raz_wi);
    RUN(test_priority_bytes_and_masking);
    RUN(test_icfgr);
    RUN(test_irouter);
    RUN(test_spi_follows_irouter);
    RUN(test_sgi_target_list);
    RUN(test_sgi_affinity_fields);
    RUN(test_sgi_broadcast);
    RUN(test_sgi_to_offline_vcpu_does_not_start_it);
    RUN(test_queue_order_by_priority);
    RUN(test_disabled_interrupt_latched_not_queued);
    RUN(test_active_is_queued);
    RUN(test_kicks);
    RUN(test_clearing_does_not_kick);
    RUN(test_hw_spi_enable_reaches_the_gic);
    RUN(test_event_channel_upcall);
    RUN(test_out_of_range_inject_ignored);
    RUN(test_pending_spi_moves_with_irouter);
    CHECK_MAIN_END();
}

/* AArch64 system registers and the bits Lamina uses (ARM DDI 0487). */
#ifndef LAMINA_ARM64_SYSREGS_H
#define LAMINA_ARM64_SYSREGS_H

#define HCR_VM      (1UL << 0)
#define HCR_SWIO    (1UL << 1)
#define HCR_PTW     (1UL << 2)
#define HCR_FMO     (1UL << 3)
#define HCR_IMO     (1UL << 4)
#define HCR_AMO     (1UL << 5)
#define HCR_FB      (1UL << 9)
#define HCR_BSU_IS  (1UL << 10)
#define HCR_TWI     (1UL << 13)
#define HCR_TWE     (1UL << 14)
#define HCR_TSC     (1UL << 19)
#define HCR_TACR    (1UL << 21)
#define HCR_TSW     (1UL << 22)
#define HCR_TIDCP   (1UL << 20)
#define HCR_RW      (1UL << 31)

/* SCTLR_EL2 */
#define SCTLR_M     (1UL << 0)
#define SCTLR_A     (1UL << 1)
#define SCTLR_C     (1UL << 2)
#define SCTLR_SA    (1UL << 3)
#define SCTLR_I     (1UL << 12)
#define SCTLR_WXN   (1UL << 19)
#define SCTLR_EL2_RES1 ((3UL << 28) | (3UL << 22) | (1UL << 18) | (1UL << 16) | (1UL << 11) | (3UL << 4))

/* ESR_ELx exception classes */
#define ESR_EC_SHIFT    26
#define ESR_EC_UNKNOWN  0x00
#define ESR_EC_WFX      0x01
#define ESR_EC_FP       0x07
#define ESR_EC_HVC64    0x16
#define ESR_EC_SMC64    0x17
#define ESR_EC_SYSREG   0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR   0x2f
#define ESR_EC_BRK      0x3c
#define ESR_IL          (1UL << 25)

/* PSTATE / SPSR */
#ifndef PSR_MODE_EL0t          /* also in Xen's arch-arm.h (tools view) */
#define PSR_MODE_EL0t 0x0
#define PSR_MODE_EL1t 0x4
#define PSR_MODE_EL1h 0x5
#define PSR_MODE_EL2h 0x9
#endif
#define PSR_MODE_MASK 0xf
#define PSR_MODE_32   (1UL << 4)
#define PSR_F (1UL << 6)
#define PSR_I (1UL << 7)
#define PSR_A (1UL << 8)
#define PSR_D (1UL << 9)
/* Guest entry: EL1h with D, A, I, F masked (Linux booting.rst; Xen leaves D clear). */
#define GUEST_PSTATE_INIT (PSR_D | PSR_A | PSR_I | PSR_F | PSR_MODE_EL1h)

/* SCTLR_EL1 at guest reset: MMU and caches off, RES1 bits (Xen's SCTLR_GUEST_INIT). */
#ifndef SCTLR_GUEST_INIT
#define SCTLR_GUEST_INIT 0x00C50078UL
#endif

/* CNTHCTL_EL2: let EL1 read the physical counter; trap the EL1 physical timer. */
#define CNTHCTL_EL1PCTEN (1UL << 0)
#define CNTHCTL_EL1PCEN  (1UL << 1)

/* Timer control */
#define CNT_CTL_ENABLE  (1UL << 0)
#define CNT_CTL_IMASK   (1UL << 1)
#define CNT_CTL_ISTATUS (1UL << 2)

/* CPTR_EL2 RES1 bits; TFP (bit 10) clear: FP/SIMD not trapped. */
#define CPTR_EL2_RES1 ((1UL << 13) | (1UL << 12) | 0xffUL | (1UL << 9))

#ifndef __ASSEMBLY__
#include <stdint.h>

#define READ_SYSREG(name) ({                                 \
    uint64_t _r;                                             \
    __asm__ volatile("mrs %0, " #name : "=r"(_r));           \
    _r; })

#define WRITE_SYSREG(v, name) do {                           \
    uint64_t _w = (uint64_t)(v);                             \
    __asm__ volatile("msr " #name ", %0" : : "r"(_w));       \
} while (0)

/* Generic-name system registers (GIC ICC/ICH), by their encoding. */
#define ICC_SRE_EL2     S3_4_C12_C9_5
#define ICC_SRE_EL1     S3_0_C12_C12_5
#define ICC_CTLR_EL1    S3_0_C12_C12_4
#define ICC_PMR_EL1     S3_0_C4_C6_0
#define ICC_IAR1_EL1    S3_0_C12_C12_0
#define ICC_EOIR1_EL1   S3_0_C12_C12_1
#define ICC_DIR_EL1     S3_0_C12_C11_1
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_BPR1_EL1    S3_0_C12_C12_3
#define ICC_SGI1R_EL1   S3_0_C12_C11_5
#define ICH_HCR_EL2     S3_4_C12_C11_0
#define ICH_VTR_EL2     S3_4_C12_C11_1
#define ICH_VMCR_EL2    S3_4_C12_C11_7

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

static inline uint64_t read_cntpct(void)
{
    isb();
    return READ_SYSREG(cntpct_el0);
}

#endif
#endif

/*
 * Trapped system-register accesses (ESR_EL2.EC 0x18): SGIs through
 * ICC_SGI1R_EL1 (trapped because HCR_EL2.IMO is set), and the EL1 physical
 * timer, which guests do not get (Linux uses the virtual timer): RAZ/WI.
 */
#include "domain.h"
#include "printk.h"
#include "sysregs.h"
#include "traps.h"
#include "vgic.h"

/* ISS: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Dir[0] (1 = read). */
#define SYSREG(op0, op1, crn, crm, op2) \
    (((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define SYSREG_MASK SYSREG(3, 7, 15, 15, 7)

#define SR_ICC_SGI1R  SYSREG(3, 0, 12, 11, 5)
#define SR_ICC_ASGI1R SYSREG(3, 0, 12, 11, 6)
#define SR_ICC_SGI0R  SYSREG(3, 0, 12, 11, 7)
#define SR_CNTP_TVAL  SYSREG(3, 3, 14, 2, 0)
#define SR_CNTP_CTL   SYSREG(3, 3, 14, 2, 1)
#define SR_CNTP_CVAL  SYSREG(3, 3, 14, 2, 2)

void do_trap_sysreg(struct cpu_regs *f, struct vcpu *v, uint64_t esr)
{
    uint32_t iss = esr & 0x1ffffff;
    unsigned int rt = (iss >> 5) & 31;
    bool read = iss & 1;
    uint64_t val = (rt == 31) ? 0 : f->x[rt];

    switch (iss & SYSREG_MASK) {
    case SR_ICC_SGI1R:
    case SR_ICC_ASGI1R:
        if (read)
            break;                      /* write-only: a read is UNDEFINED */
        vgic_send_sgi(v, val);
        f->pc += 4;
        return;
    case SR_ICC_SGI0R:                  /* Group 0 does not exist for guests */
    case SR_CNTP_TVAL:
    case SR_CNTP_CTL:
    case SR_CNTP_CVAL:
        if (read && rt != 31)
            f->x[rt] = 0;
        f->pc += 4;
        return;
    default:
        break;
    }
    inject_undef(f, v);
}

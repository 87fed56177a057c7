/*
 * Emulated MMIO: a guest's access to a registered region traps as a stage-2
 * fault; the syndrome (ESR_EL2.ISS with ISV set) gives size, register and
 * direction, so the access is emulated and the guest resumes after it.
 */
#include "domain.h"
#include "mmio.h"
#include "printk.h"
#include "sysregs.h"

#define ISS_ISV (1UL << 24)
#define ISS_SAS(iss) (((iss) >> 22) & 3)
#define ISS_SSE (1UL << 21)
#define ISS_SRT(iss) (((iss) >> 16) & 31)
#define ISS_SF  (1UL << 15)
#define ISS_WNR (1UL << 6)

int mmio_register(struct domain *d, paddr_t base, paddr_t size, const struct mmio_ops *ops)
{
    struct arch_domain *a = &d->arch;
    if (a->nr_mmio == ARRAY_SIZE(a->mmio))
        return -1;
    a->mmio[a->nr_mmio++] = (struct mmio_region){ base, size, ops };
    return 0;
}

static const struct mmio_region *find_region(struct domain *d, ipa_t ipa)
{
    for (unsigned int i = 0; i < d->arch.nr_mmio; i++) {
        const struct mmio_region *r = &d->arch.mmio[i];
        if (ipa >= r->base && ipa - r->base < r->size)
            return r;
    }
    return NULL;
}

static uint64_t sign_extend(uint64_t v, unsigned int size)
{
    unsigned int bits = 8 * size;
    if (bits < 64 && (v & (1UL << (bits - 1))))
        v |= ~0UL << bits;
    return v;
}

enum mmio_result mmio_handle(struct cpu_regs *f, struct vcpu *v, ipa_t ipa, uint64_t esr)
{
    const struct mmio_region *r = find_region(v->domain, ipa);
    if (!r)
        return MMIO_UNHANDLED;
    if (!(esr & ISS_ISV))
        return MMIO_BAD_ACCESS;     /* e.g. a load/store pair or writeback: not decodable */

    unsigned int size = 1U << ISS_SAS(esr), rt = ISS_SRT(esr);
    uint64_t off = ipa - r->base, val;

    if (esr & ISS_WNR) {
        val = rt == 31 ? 0 : f->x[rt];
        if (size < 8)
            val &= (1UL << (8 * size)) - 1;
        if (!r->ops->write(v, off, size, val))
            return MMIO_BAD_ACCESS;
    } else {
        if (!r->ops->read(v, off, size, &val))
            return MMIO_BAD_ACCESS;
        if (esr & ISS_SSE)
            val = sign_extend(val, size);
        if (!(esr & ISS_SF))
            val &= 0xffffffffUL;
        if (rt != 31)
            f->x[rt] = val;
    }
    f->pc += 4;
    return MMIO_DONE;
}

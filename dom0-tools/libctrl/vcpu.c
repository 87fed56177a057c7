/* libctrl: a domain's vCPUs (boot context, set/get context, state). */
#include "ctrl_private.h"

#include <errno.h>
#include <string.h>

/* EL1h with D, A, I and F masked (booting.rst; Xen's PSR_GUEST64_INIT leaves D open). */
#define CTRL_PSR_EL1H_DAIF 0x3c5ULL
/* SCTLR_EL1 at reset as Xen sets it (SCTLR_GUEST_INIT): MMU, caches off. */
#define CTRL_SCTLR_GUEST_INIT 0x00c50078ULL

void ctrl_vcpu_boot_context(vcpu_guest_context_t *ctx, uint64_t pc, uint64_t x0)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->user_regs.pc64 = pc;
    ctx->user_regs.x0 = x0;
    ctx->user_regs.cpsr = CTRL_PSR_EL1H_DAIF;
    ctx->sctlr = CTRL_SCTLR_GUEST_INIT;
    ctx->ttbcr = ctx->ttbr0 = ctx->ttbr1 = 0;
    ctx->flags = VGCF_online;
}

_Static_assert(sizeof(vcpu_guest_context_t) <= CTRL_PAYLOAD_MAX, "the context fits the op page");

int ctrl_vcpu_setcontext(ctrl_handle *h, uint32_t domid, uint32_t vcpu, const vcpu_guest_context_t *ctx)
{
    struct xen_domctl op = { 0 };
    vcpu_guest_context_t *buf = ctrl_payload(h);

    memcpy(buf, ctx, sizeof(*ctx));
    op.cmd = XEN_DOMCTL_setvcpucontext;
    op.domain = (domid_t)domid;
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, buf);
    int rc = ctrl_domctl(h, &op);
    return rc ? ctrl_fail(h, rc, "domctl setvcpucontext d%uv%u", domid, vcpu) : 0;
}

int ctrl_vcpu_getcontext(ctrl_handle *h, uint32_t domid, uint32_t vcpu, vcpu_guest_context_t *ctx)
{
    struct xen_domctl op = { 0 };
    vcpu_guest_context_t *buf = ctrl_payload(h);

    memset(buf, 0, sizeof(*buf));
    op.cmd = XEN_DOMCTL_getvcpucontext;
    op.domain = (domid_t)domid;
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, buf);
    int rc = ctrl_domctl(h, &op);
    if (rc)
        return ctrl_fail(h, rc, "domctl getvcpucontext d%uv%u", domid, vcpu);
    memcpy(ctx, buf, sizeof(*ctx));
    return 0;
}

int ctrl_vcpu_getinfo(ctrl_handle *h, uint32_t domid, uint32_t vcpu, struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl op = { 0 };
    op.cmd = XEN_DOMCTL_getvcpuinfo;
    op.domain = (domid_t)domid;
    op.u.getvcpuinfo.vcpu = vcpu;
    int rc = ctrl_domctl(h, &op);
    if (rc)
        return ctrl_fail(h, rc, "domctl getvcpuinfo d%uv%u", domid, vcpu);
    *info = op.u.getvcpuinfo;
    return 0;
}

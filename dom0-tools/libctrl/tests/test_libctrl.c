/*
 * libctrl host unit test: every part that needs no device, on a fake
 * hypervisor (fake_xen.c) that also checks each pointer it is handed lies in
 * a locked buffer of the handle and each domctl/sysctl carries the
 * interface version.
 */
#include "check.h"
#include "fake_xen.h"

#include <errno.h>
#include <string.h>

#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>

static struct fake_xen fx;
static ctrl_handle *h;

static void setup(void)
{
    ctrl_close(h);
    fake_init(&fx);
    h = NULL;
    if (ctrl_open_with(&h, fake_hypercall, &fx) != 0)
        abort();
    fx.h = h;
}

static void test_createdomain_defaults(void)
{
    struct xen_domctl_createdomain c;
    memset(&c, 0xa5, sizeof(c));
    ctrl_createdomain_defaults(&c, 2);
    CHECK_EQ(c.flags, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
    CHECK_EQ(c.max_vcpus, 2);
    CHECK_EQ(c.max_evtchn_port, 1023);
    CHECK_EQ(c.max_grant_frames, -1);
    CHECK_EQ(c.max_maptrack_frames, -1);
    CHECK_EQ(c.grant_opts, 1);
    CHECK_EQ(c.ssidref, 0);
    CHECK_EQ(c.iommu_opts, 0);
    CHECK_EQ(c.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_NATIVE);
    CHECK_EQ(c.arch.tee_type, XEN_DOMCTL_CONFIG_TEE_NONE);
    CHECK_EQ(c.arch.nr_spis, 0);
}

static void test_create(void)
{
    setup();
    struct xen_domctl_createdomain c;
    uint32_t domid = 0;
    ctrl_createdomain_defaults(&c, 1);
    fx.next_domid = 7;
    CHECK_EQ(ctrl_domain_create(h, &c, &domid), 0);
    CHECK_EQ(domid, 7);
    CHECK_EQ(c.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);
    CHECK_EQ(fx.last_domctl.cmd, XEN_DOMCTL_createdomain);
    CHECK_EQ(fx.last_domctl.domain, 0);
    CHECK_EQ(fx.last_domctl.u.createdomain.max_evtchn_port, 1023);
    CHECK_EQ(fx.bad_pointers, 0);
    CHECK_EQ(fx.bad_versions, 0);
}

static void test_destroy_retries(void)
{
    setup();
    fx.destroy_eagain = 3;
    CHECK_EQ(ctrl_domain_destroy(h, 4), 0);
    CHECK_EQ(fake_count(&fx, __HYPERVISOR_domctl, XEN_DOMCTL_destroydomain), 4);
    CHECK_EQ(fx.last_domctl.domain, 4);

    fx.destroy_eagain = 1000000;
    CHECK_EQ(ctrl_domain_destroy_timeout(h, 4, 30), -EAGAIN);
    CHECK(strstr(ctrl_last_error(h), "destroydomain d4") != NULL);
    CHECK(strstr(ctrl_last_error(h), "EAGAIN") != NULL);

    unsigned int before = fake_count(&fx, __HYPERVISOR_domctl, XEN_DOMCTL_destroydomain);
    CHECK_EQ(ctrl_domain_destroy_timeout(h, 4, 0), -EAGAIN);    /* one attempt */
    CHECK_EQ(fake_count(&fx, __HYPERVISOR_domctl, XEN_DOMCTL_destroydomain), before + 1);
    CHECK_EQ(fx.bad_pointers, 0);
}

static void test_simple_domctls(void)
{
    setup();
    CHECK_EQ(ctrl_domain_max_mem(h, 3, 17408), 0);
    CHECK_EQ(fx.last_domctl.cmd, XEN_DOMCTL_max_mem);
    CHECK_EQ(fx.last_domctl.domain, 3);
    CHECK_EQ(fx.last_domctl.u.max_mem.max_memkb, 17408);
    CHECK_EQ(ctrl_domain_max_vcpus(h, 3, 2), 0);
    CHECK_EQ(fx.last_domctl.u.max_vcpus.max, 2);
    CHECK_EQ(ctrl_domain_pause(h, 3), 0);
    CHECK_EQ(ctrl_domain_unpause(h, 3), 0);
    CHECK_EQ(fx.last_domctl.cmd, XEN_DOMCTL_unpausedomain);
    /* An unknown command's error comes back as -errno, with a message. */
    CHECK_EQ(ctrl_domain_set_address_size(h, 3, 64), -ENOSYS);
    CHECK(strstr(ctrl_last_error(h), "set_address_size d3") != NULL);
    CHECK_EQ(fx.bad_pointers, 0);
    CHECK_EQ(fx.bad_versions, 0);
}

static void test_cacheflush_chunks(void)
{
    setup();
    CHECK_EQ(ctrl_domain_cacheflush(h, 2, 0x40000, (1u << 18) * 2 + 5), 0);
    CHECK_EQ(fake_count(&fx, __HYPERVISOR_domctl, XEN_DOMCTL_cacheflush), 3);
    CHECK_EQ(fx.calls[0].nr, 1u << 18);
    CHECK_EQ(fx.calls[2].nr, 5);
    CHECK_EQ(fx.last_domctl.u.cacheflush.start_pfn, 0x40000 + (2u << 18));
}

static void test_getinfo_exact(void)
{
    setup();
    struct xen_domctl_getdomaininfo info;
    CHECK_EQ(ctrl_domain_getinfo(h, 5, &info), 0);
    CHECK_EQ(info.domain, 5);
    fx.info_next_domain = true;         /* d5 gone: Xen answers for d6 */
    CHECK_EQ(ctrl_domain_getinfo(h, 5, &info), -ESRCH);
}

static void test_getinfolist(void)
{
    setup();
    struct xen_domctl_getdomaininfo info[4];
    CHECK_EQ(ctrl_domain_getinfolist(h, 1, info, 4), 2);
    CHECK_EQ(info[0].domain, 1);
    CHECK_EQ(info[1].domain, 4);
    CHECK_EQ(fx.bad_pointers, 0);
}

static void test_physinfo(void)
{
    setup();
    struct xen_sysctl_physinfo pi;
    fx.free_pages = 12345;
    CHECK_EQ(ctrl_physinfo(h, &pi), 0);
    CHECK_EQ(pi.free_pages, 12345);
    CHECK_EQ(fx.bad_versions, 0);
}

static void test_readconsole(void)
{
    setup();
    char buf[8];
    uint32_t index = 0, len = sizeof(buf);
    fx.console = "(d1) hello: done\n";
    CHECK_EQ(ctrl_readconsole(h, buf, &len, &index, true, false), 0);
    CHECK_EQ(len, 8);
    CHECK_EQ(index, 8);
    CHECK(!memcmp(buf, "(d1) hel", 8));
    len = sizeof(buf);
    CHECK_EQ(ctrl_readconsole(h, buf, &len, &index, true, false), 0);
    CHECK(!memcmp(buf, "lo: done", 8));
    len = sizeof(buf);
    CHECK_EQ(ctrl_readconsole(h, buf, &len, &index, true, false), 0);
    CHECK_EQ(len, 1);
    len = sizeof(buf);
    CHECK_EQ(ctrl_readconsole(h, buf, &len, &index, true, false), 0);
    CHECK_EQ(len, 0);
    CHECK_EQ(fx.bad_pointers, 0);
}

static unsigned int populated_once(uint64_t gfn, uint64_t nr)
{
    unsigned int ok = 1;
    for (uint64_t i = 0; i < FAKE_RAM_PAGES; i++) {
        bool in = FAKE_RAM_BASE + i >= gfn && FAKE_RAM_BASE + i < gfn + nr;
        ok &= fx.populated[i] == (in ? 1 : 0);
    }
    return ok;
}

static void test_extent_span(void)
{
    uint64_t first, count;
    ctrl_extent_span(0x40000, 4096, 9, &first, &count);
    CHECK_EQ(first, 0x40000);
    CHECK_EQ(count, 8);
    ctrl_extent_span(0x40001, 1024, 9, &first, &count);
    CHECK_EQ(first, 0x40200);
    CHECK_EQ(count, 1);
    ctrl_extent_span(0x40001, 100, 9, &first, &count);
    CHECK_EQ(count, 0);
    ctrl_extent_span(0x40000, 511, 9, &first, &count);
    CHECK_EQ(count, 0);
    ctrl_extent_span(~0ULL - 3, 3, 9, &first, &count);      /* rounding up wraps */
    CHECK_EQ(count, 0);
}

static void test_populate_superpages(void)
{
    setup();
    CHECK_EQ(ctrl_populate_range(h, 9, 0x40000, 4096), 0);       /* 16 MiB, aligned */
    CHECK_EQ(fake_count(&fx, __HYPERVISOR_memory_op, XENMEM_populate_physmap), 1);
    CHECK_EQ(fx.calls[0].order, 9);
    CHECK_EQ(fx.calls[0].nr, 8);
    CHECK_EQ(fx.calls[0].domid, 9);
    CHECK(populated_once(0x40000, 4096));
    CHECK_EQ(fx.bad_pointers, 0);
}

static void test_populate_unaligned(void)
{
    setup();
    CHECK_EQ(ctrl_populate_range(h, 9, 0x401ff, 1026), 0);       /* 1 + 2 x 512 + 1 */
    CHECK_EQ(fake_count(&fx, __HYPERVISOR_memory_op, XENMEM_populate_physmap), 3);
    CHECK(populated_once(0x401ff, 1026));
}

static void test_populate_falls_back(void)
{
    setup();
    fx.order9_limit = 3;                 /* memory for only 3 of the 8 large extents */
    CHECK_EQ(ctrl_populate_range(h, 9, 0x40000, 4096), 0);
    CHECK(populated_once(0x40000, 4096));
    CHECK_EQ(fx.calls[1].order, 0);
    CHECK_EQ(fx.calls[1].nr, 5 * 512);

    setup();
    fx.order9_limit = 0;
    CHECK_EQ(ctrl_populate_range(h, 9, 0x40000, 1024), 0);
    CHECK(populated_once(0x40000, 1024));
}

static void test_populate_short(void)
{
    setup();
    uint64_t gfn = 0x40001;             /* not 2 MiB-aligned: the order-9 extent is refused */
    CHECK_EQ(ctrl_populate_physmap(h, 9, 9, &gfn, 1), 0);          /* 0 extents done */
    CHECK_EQ(ctrl_populate_physmap(h, 9, 0, &gfn, 1), 1);
    CHECK_EQ(ctrl_decrease_reservation(h, 9, 0, &gfn, 1), 1);
    CHECK_EQ(ctrl_populate_physmap(h, 9, 0, NULL, 0), 0);          /* nothing to do: no call */
    CHECK_EQ(fake_count(&fx, __HYPERVISOR_memory_op, XENMEM_populate_physmap), 2);
    CHECK_EQ(fx.bad_pointers, 0);
}

static void test_vcpu_context(void)
{
    setup();
    vcpu_guest_context_t ctx, got;
    memset(&ctx, 0xff, sizeof(ctx));
    ctrl_vcpu_boot_context(&ctx, 0x40000000, 0x48000000);
    CHECK_EQ(ctx.user_regs.pc64, 0x40000000);
    CHECK_EQ(ctx.user_regs.x0, 0x48000000);
    CHECK_EQ(ctx.user_regs.x1, 0);
    CHECK_EQ(ctx.user_regs.cpsr, 0x3c5);
    CHECK_EQ(ctx.sctlr, 0x00c50078);
    CHECK_EQ(ctx.ttbr0, 0);
    CHECK_EQ(ctx.flags, VGCF_online);
    CHECK_EQ(ctrl_vcpu_setcontext(h, 2, 0, &ctx), 0);
    CHECK_EQ(fx.last_domctl.u.vcpucontext.vcpu, 0);
    CHECK_EQ(fx.ctx.user_regs.pc64, 0x40000000);
    CHECK_EQ(ctrl_vcpu_getcontext(h, 2, 0, &got), 0);
    CHECK(!memcmp(&got, &ctx, sizeof(ctx)));
    CHECK_EQ(fx.bad_pointers, 0);
}

static void test_hvm_and_evtchn(void)
{
    setup();
    uint64_t v = 0;
    CHECK_EQ(ctrl_hvm_param_set(h, 3, HVM_PARAM_STORE_PFN, 0x39001), 0);
    CHECK_EQ(ctrl_hvm_param_get(h, 3, HVM_PARAM_STORE_PFN, &v), 0);
    CHECK_EQ(v, 0x39001);
    CHECK_EQ(ctrl_hvm_param_get(h, 3, 99, &v), -EINVAL);
    CHECK_EQ(ctrl_evtchn_alloc_unbound(h, 3, 0), 5);
    CHECK_EQ(fx.bad_pointers, 0);
}

static void test_no_device(void)
{
    setup();
    void *p = NULL;
    uint64_t gfn = 0x40000;
    CHECK_EQ(ctrl_privcmd_fd(h), -1);
    CHECK_EQ(ctrl_map_foreign(h, 1, &gfn, 1, 1, &p, NULL), -ENODEV);
    CHECK(p == NULL);
    CHECK_EQ(ctrl_copy_to_domain(h, 1, 0x40000000, "x", 1), -ENODEV);
}

static void test_buffers(void)
{
    setup();
    unsigned char *b = ctrl_buf_alloc(h, 5000);
    CHECK(b != NULL);
    CHECK(((uintptr_t)b & (CTRL_PAGE_SIZE - 1)) == 0);
    unsigned int zero = 1;
    for (size_t i = 0; b && i < 2 * CTRL_PAGE_SIZE; i++)
        zero &= b[i] == 0;
    CHECK(zero);
    ctrl_buf_free(h, b);
    ctrl_buf_free(h, (void *)0x1000);   /* not a buffer: ignored */
}

static void test_errors(void)
{
    CHECK(!strcmp(ctrl_errname(-EAGAIN), "EAGAIN"));
    CHECK(!strcmp(ctrl_errname(ESRCH), "ESRCH"));
    CHECK(!strcmp(ctrl_errname(-4000), "E?"));
    CHECK(!strncmp(ctrl_strerror(-EINVAL), "EINVAL (", 8));
    CHECK(ctrl_strerror(-EINVAL) == ctrl_strerror(EINVAL));
    CHECK(strstr(ctrl_strerror(-100000), "-100000") != NULL);
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void test_image(void)
{
    unsigned char img[4096] = { 0 };
    struct ctrl_arm64_image i;
    put64(img + 8, 0);                  /* text_offset */
    put64(img + 16, 0x9000);            /* image_size (with .bss) */
    put64(img + 24, 0xa);
    img[56] = 'A'; img[57] = 'R'; img[58] = 'M'; img[59] = 0x64;
    CHECK_EQ(ctrl_arm64_image_parse(img, sizeof(img), &i), 0);
    CHECK_EQ(i.text_offset, 0);
    CHECK_EQ(i.image_size, 0x9000);
    CHECK_EQ(ctrl_arm64_image_parse(img, 63, &i), -EINVAL);
    put64(img + 16, 0);                 /* an old kernel: offset 0x80000, size = file */
    CHECK_EQ(ctrl_arm64_image_parse(img, sizeof(img), &i), 0);
    CHECK_EQ(i.text_offset, 0x80000);
    CHECK_EQ(i.image_size, sizeof(img));
    put64(img + 24, 0xb);               /* big-endian */
    CHECK_EQ(ctrl_arm64_image_parse(img, sizeof(img), &i), -EINVAL);
    img[59] = 0;
    put64(img + 24, 0xa);
    CHECK_EQ(ctrl_arm64_image_parse(img, sizeof(img), &i), -EINVAL);
}

int main(void)
{
    CHECK_MAIN_BEGIN("libctrl");
    RUN(test_createdomain_defaults);
    RUN(test_create);
    RUN(test_destroy_retries);
    RUN(test_simple_domctls);
    RUN(test_cacheflush_chunks);
    RUN(test_getinfo_exact);
    RUN(test_getinfolist);
    RUN(test_physinfo);
    RUN(test_readconsole);
    RUN(test_extent_span);
    RUN(test_populate_superpages);
    RUN(test_populate_unaligned);
    RUN(test_populate_falls_back);
    RUN(test_populate_short);
    RUN(test_vcpu_context);
    RUN(test_hvm_and_evtchn);
    RUN(test_no_device);
    RUN(test_buffers);
    RUN(test_errors);
    RUN(test_image);
    ctrl_close(h);
    CHECK_MAIN_END();
}

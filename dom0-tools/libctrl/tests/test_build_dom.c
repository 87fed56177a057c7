/*
 * libctrl domain builder, host unit test: the kernel (plain and gzip'd),
 * libxenguest's placement, the device tree libxl makes (read back with
 * libfdt), and the order of the build's hypercalls on the fake hypervisor
 * (up to the first foreign mapping, which needs a real privcmd device).
 */
#include "check.h"
#include "fake_xen.h"
#include "build_dom.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <zlib.h>

#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/memory.h>
#include <xen/version.h>

#define MIB (1ULL << 20)

/* A small arm64 Image: the 64-byte header (text_offset 0, image_size 32 MiB + 64 KiB as Debian's 6.1), then a body. */
static unsigned char *fake_image(size_t len)
{
    unsigned char *p = malloc(len);
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(i * 7 + (i >> 9));
    memset(p, 0, 64);
    uint64_t image_size = 0x2010000, flags = 0xa;
    memcpy(p + 16, &image_size, 8);
    memcpy(p + 24, &flags, 8);
    memcpy(p + 56, "ARM\x64", 4);
    return p;
}

static unsigned char *gzip_of(const unsigned char *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&z, len) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

static void test_kernel_plain(void)
{
    unsigned char *img = fake_image(100000);
    const void *out;
    size_t n;
    bool gz;
    struct ctrl_arm64_image hdr;
    CHECK_EQ(ctrl_kernel_prepare(img, 100000, &out, &n, &gz, &hdr), 0);
    CHECK(out == img);
    CHECK_EQ(n, 100000);
    CHECK(!gz);
    CHECK_EQ(hdr.text_offset, 0);
    CHECK_EQ(hdr.image_size, 0x2010000);
    img[56] = 'X';
    CHECK_EQ(ctrl_kernel_prepare(img, 100000, &out, &n, &gz, &hdr), -EINVAL);
    free(img);
}

static void test_kernel_gzip(void)
{
    size_t len = 3 * MIB + 123, zlen;
    unsigned char *img = fake_image(len);
    unsigned char *z = gzip_of(img, len, &zlen);
    const void *out;
    size_t n;
    bool gz;
    struct ctrl_arm64_image hdr;
    CHECK_EQ(ctrl_kernel_prepare(z, zlen, &out, &n, &gz, &hdr), 0);
    CHECK(gz);
    CHECK_EQ(n, len);
    CHECK(out && !memcmp(out, img, len));
    CHECK_EQ(hdr.image_size, 0x2010000);
    free((void *)out);

    /* A damaged trailer (ISIZE, the last 4 bytes, too small): inflating grows
     * its buffer past the guess, then zlib refuses the member. */
    z[zlen - 4] = 1, z[zlen - 3] = z[zlen - 2] = z[zlen - 1] = 0;
    CHECK_EQ(ctrl_kernel_prepare(z, zlen, &out, &n, &gz, &hdr), -EINVAL);
    /* Truncated: refused. */
    unsigned char *z2 = gzip_of(img, len, &zlen);
    CHECK_EQ(ctrl_kernel_prepare(z2, zlen / 2, &out, &n, &gz, &hdr), -EINVAL);
    /* gzip of something that is not an Image: refused after inflating. */
    memcpy(img + 56, "NOPE", 4);
    unsigned char *z3 = gzip_of(img, len, &zlen);
    CHECK_EQ(ctrl_kernel_prepare(z3, zlen, &out, &n, &gz, &hdr), -EINVAL);
    free(z);
    free(z2);
    free(z3);
    free(img);
}

static void test_layout(void)
{
    struct ctrl_arm64_image img = { .text_offset = 0, .image_size = 0x2010000, .flags = 0xa };
    struct ctrl_dom_layout l;

    /* 256 MiB: modules at 128 MiB, the initrd first, the DTB on the next page. */
    CHECK_EQ(ctrl_dom_layout(256 * 1024, &img, 32 * MIB, MIB + 1, 2000, &l), 0);
    CHECK_EQ(l.ram_base[0], GUEST_RAM0_BASE);
    CHECK_EQ(l.ram_size[0], 256 * MIB);
    CHECK_EQ(l.ram_size[1], 0);
    CHECK_EQ(l.kernel_base, 0x40000000);
    CHECK_EQ(l.kernel_span, 0x2010000);
    CHECK_EQ(l.ramdisk_base, 0x48000000);
    CHECK_EQ(l.ramdisk_len, MIB + 1);
    CHECK_EQ(l.dtb_base, 0x48000000 + MIB + 0x1000);
    CHECK_EQ(l.dtb_len, 2000);

    /* 64 MiB: no room at 128 MiB, so at the top of RAM. */
    CHECK_EQ(ctrl_dom_layout(64 * 1024, &img, 32 * MIB, 3 * MIB, 4096, &l), 0);
    CHECK_EQ(l.ramdisk_base, 0x44000000 - 3 * MIB - 0x1000);
    CHECK_EQ(l.dtb_base, 0x44000000 - 0x1000);

    /* Without an initrd the DTB alone goes to 128 MiB. */
    CHECK_EQ(ctrl_dom_layout(512 * 1024, &img, 32 * MIB, 0, 100, &l), 0);
    CHECK_EQ(l.ramdisk_base, 0);
    CHECK_EQ(l.ramdisk_len, 0);
    CHECK_EQ(l.dtb_base, 0x48000000);

    /* 4 GiB: 3 GiB in bank 0, the rest in bank 1. */
    CHECK_EQ(ctrl_dom_layout(4ULL * 1024 * 1024, &img, 32 * MIB, MIB, 4096, &l), 0);
    CHECK_EQ(l.ram_size[0], GUEST_RAM0_SIZE);
    CHECK_EQ(l.ram_base[1], GUEST_RAM1_BASE);
    CHECK_EQ(l.ram_size[1], 1024 * MIB);

    /* A text_offset moves the kernel; modules below it when nothing else fits. */
    struct ctrl_arm64_image off = { .text_offset = 0x1000000, .image_size = 0x2010000 };
    CHECK_EQ(ctrl_dom_layout(52 * 1024, &off, 32 * MIB, 4 * MIB, 4096, &l), 0);
    CHECK_EQ(l.kernel_base, 0x41000000);
    CHECK_EQ(l.ramdisk_base, 0x41000000 - 4 * MIB - 0x1000);

    /* Does not fit: the kernel's image_size beyond RAM, or no room for the modules. */
    CHECK_EQ(ctrl_dom_layout(32 * 1024, &img, 32 * MIB, 0, 4096, &l), -ENOMEM);
    CHECK_EQ(ctrl_dom_layout(36 * 1024, &img, 32 * MIB, 8 * MIB, 4096, &l), -ENOMEM);
    /* Nonsense. */
    CHECK_EQ(ctrl_dom_layout(0, &img, 32 * MIB, 0, 4096, &l), -EINVAL);
    CHECK_EQ(ctrl_dom_layout(256 * 1024, &img, 32 * MIB, 0, 0, &l), -EINVAL);
    CHECK_EQ(ctrl_dom_layout(256 * 1024, &img, 32 * MIB, 0, CTRL_DTB_MAX + 1, &l), -EINVAL);
}

/* --- the device tree ---------------------------------------------------------- */

static int node(const void *fdt, const char *path)
{
    return fdt_path_offset(fdt, path);
}

static uint32_t cell(const void *fdt, const char *path, const char *prop, int i)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node(fdt, path), prop, &len);
    return p && (i + 1) * 4 <= len ? fdt32_to_cpu(p[i]) : 0xdeadbeef;
}

static uint64_t cell64(const void *fdt, const char *path, const char *prop, int i)
{
    return (uint64_t)cell(fdt, path, prop, 2 * i) << 32 | cell(fdt, path, prop, 2 * i + 1);
}

static int prop_len(const void *fdt, const char *path, const char *prop)
{
    int len = -1;
    return fdt_getprop(fdt, node(fdt, path), prop, &len) ? len : -1;
}

static bool prop_is(const void *fdt, const char *path, const char *prop, const void *val, int len)
{
    int l;
    const void *p = fdt_getprop(fdt, node(fdt, path), prop, &l);
    return p && l == len && !memcmp(p, val, (size_t)len);
}
#define PROP_STR(fdt, path, prop, lit) prop_is(fdt, path, prop, lit, sizeof(lit))

static void test_fdt(void)
{
    static char buf[65536];
    uint8_t seed[CTRL_RNG_SEED_LEN];
    memset(seed, 0x5a, sizeof(seed));
    struct ctrl_dom_fdt_info fi = {
        .cmdline = "console=hvc0 earlycon=xenboot", .vcpus = 2, .has_ramdisk = true,
        .ram_base = { GUEST_RAM0_BASE, GUEST_RAM1_BASE }, .ram_size = { 256 * MIB, 0 },
        .gpaddr_bits = 40, .rng_seed = seed,
    };
    CHECK_EQ(ctrl_dom_make_fdt(buf, sizeof(buf), &fi), 0);
    CHECK_EQ(fdt_check_header(buf), 0);
    CHECK_EQ(ctrl_dom_fdt_set_ramdisk(buf, 0x48000000, 0x48123456), 0);

    CHECK(PROP_STR(buf, "/", "model", "XENVM-4.17"));
    CHECK(PROP_STR(buf, "/", "compatible", "xen,xenvm-4.17\0xen,xenvm"));
    CHECK_EQ(cell(buf, "/", "interrupt-parent", 0), 65000);
    CHECK_EQ(cell(buf, "/", "#address-cells", 0), 2);
    CHECK_EQ(cell(buf, "/", "#size-cells", 0), 2);

    CHECK(PROP_STR(buf, "/chosen", "bootargs", "console=hvc0 earlycon=xenboot"));
    CHECK_EQ(cell64(buf, "/chosen", "linux,initrd-start", 0), 0x48000000);
    CHECK_EQ(cell64(buf, "/chosen", "linux,initrd-end", 0), 0x48123456);
    CHECK(prop_is(buf, "/chosen", "rng-seed", seed, sizeof(seed)));
    CHECK_EQ(prop_len(buf, "/chosen", "kaslr-seed"), -1);

    CHECK_EQ(cell(buf, "/cpus", "#address-cells", 0), 1);
    CHECK_EQ(cell(buf, "/cpus", "#size-cells", 0), 0);
    CHECK(PROP_STR(buf, "/cpus/cpu@0", "device_type", "cpu"));
    CHECK(PROP_STR(buf, "/cpus/cpu@0", "compatible", "arm,armv8"));
    CHECK(PROP_STR(buf, "/cpus/cpu@0", "enable-method", "psci"));
    CHECK_EQ(cell(buf, "/cpus/cpu@1", "reg", 0), 1);
    CHECK(node(buf, "/cpus/cpu@2") < 0);

    CHECK(PROP_STR(buf, "/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
    CHECK(PROP_STR(buf, "/psci", "method", "hvc"));
    CHECK_EQ(cell(buf, "/psci", "cpu_off", 0), 1);
    CHECK_EQ(cell(buf, "/psci", "cpu_on", 0), 2);

    CHECK(PROP_STR(buf, "/memory@40000000", "device_type", "memory"));
    CHECK_EQ(cell64(buf, "/memory@40000000", "reg", 0), 0x40000000);
    CHECK_EQ(cell64(buf, "/memory@40000000", "reg", 1), 256 * MIB);
    CHECK(node(buf, "/memory@200000000") < 0);

    const char *gic = "/interrupt-controller@3001000";
    CHECK(PROP_STR(buf, gic, "compatible", "arm,gic-v3"));
    CHECK_EQ(cell(buf, gic, "#interrupt-cells", 0), 3);
    CHECK_EQ(cell(buf, gic, "#address-cells", 0), 0);
    CHECK_EQ(prop_len(buf, gic, "interrupt-controller"), 0);
    CHECK_EQ(prop_len(buf, gic, "reg"), 32);
    CHECK_EQ(cell64(buf, gic, "reg", 0), 0x03001000);
    CHECK_EQ(cell64(buf, gic, "reg", 1), 0x10000);
    CHECK_EQ(cell64(buf, gic, "reg", 2), 0x03020000);
    CHECK_EQ(cell64(buf, gic, "reg", 3), 0x1000000);
    CHECK_EQ(cell(buf, gic, "phandle", 0), 65000);
    CHECK_EQ(cell(buf, gic, "linux,phandle", 0), 65000);

    CHECK(PROP_STR(buf, "/timer", "compatible", "arm,armv8-timer"));
    CHECK_EQ(prop_len(buf, "/timer", "interrupts"), 36);
    const uint32_t timer[] = { 1, 13, 0xf08, 1, 14, 0xf08, 1, 11, 0xf08 };
    for (int i = 0; i < 9; i++)
        CHECK_EQ(cell(buf, "/timer", "interrupts", i), timer[i]);
    CHECK_EQ(cell(buf, "/timer", "interrupt-parent", 0), 65000);
    CHECK_EQ(prop_len(buf, "/timer", "clock-frequency"), -1);

    CHECK(PROP_STR(buf, "/hypervisor", "compatible", "xen,xen-4.17\0xen,xen"));
    CHECK_EQ(prop_len(buf, "/hypervisor", "reg"), 3 * 16);
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 0), 0x38000000);
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 1), 0x1000000);
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 2), 0x50000000);         /* above the 256 MiB */
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 3), 0xb0000000);         /* to the end of bank 0 */
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 4), 0x200000000);        /* bank 1, empty */
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 5), (1ULL << 40) - 0x200000000);
    CHECK_EQ(cell(buf, "/hypervisor", "interrupts", 0), 1);
    CHECK_EQ(cell(buf, "/hypervisor", "interrupts", 1), 15);
    CHECK_EQ(cell(buf, "/hypervisor", "interrupts", 2), 0xf08);
    CHECK_EQ(cell(buf, "/hypervisor", "interrupt-parent", 0), 65000);
    CHECK_EQ(fdt_totalsize(buf) < 4096, 1);
}

static void test_fdt_variants(void)
{
    static char buf[65536];
    /* No command line, no initrd, no seed, 17 vCPUs, a clock, 3.5 GiB; 32-bit IPA: no bank-1 region. */
    struct ctrl_dom_fdt_info fi = {
        .vcpus = 17, .ram_base = { GUEST_RAM0_BASE, GUEST_RAM1_BASE },
        .ram_size = { GUEST_RAM0_SIZE - 32 * MIB, 0 }, .clock_frequency = 62500000, .gpaddr_bits = 32,
    };
    CHECK_EQ(ctrl_dom_make_fdt(buf, sizeof(buf), &fi), 0);
    CHECK_EQ(prop_len(buf, "/chosen", "bootargs"), -1);
    CHECK_EQ(prop_len(buf, "/chosen", "linux,initrd-start"), -1);
    CHECK_EQ(prop_len(buf, "/chosen", "rng-seed"), -1);
    CHECK_EQ(ctrl_dom_fdt_set_ramdisk(buf, 1, 2), -ENOENT);
    CHECK_EQ(cell(buf, "/cpus/cpu@f", "reg", 0), 15);
    CHECK_EQ(cell(buf, "/cpus/cpu@100", "reg", 0), 0x100);              /* vCPU 16: Aff1 = 1 */
    CHECK_EQ(cell(buf, "/timer", "clock-frequency", 0), 62500000);
    /* bank 0's free tail is 32 MiB, less than 64: only the grant-table region. */
    CHECK_EQ(prop_len(buf, "/hypervisor", "reg"), 16);

    fi.ram_size[0] = GUEST_RAM0_SIZE;
    fi.ram_size[1] = 1024 * MIB;
    fi.gpaddr_bits = 40;
    CHECK_EQ(ctrl_dom_make_fdt(buf, sizeof(buf), &fi), 0);
    CHECK_EQ(cell64(buf, "/memory@200000000", "reg", 0), 0x200000000);
    CHECK_EQ(cell64(buf, "/memory@200000000", "reg", 1), 1024 * MIB);
    CHECK_EQ(prop_len(buf, "/hypervisor", "reg"), 32);
    CHECK_EQ(cell64(buf, "/hypervisor", "reg", 2), 0x240000000);

    /* Too small a buffer, no vCPUs. */
    CHECK_EQ(ctrl_dom_make_fdt(buf, 256, &fi), -ENOSPC);
    fi.vcpus = 0;
    CHECK_EQ(ctrl_dom_make_fdt(buf, sizeof(buf), &fi), -EINVAL);
}

/* --- the build order on the fake hypervisor ----------------------------------- */

static struct fake_xen fx;
struct seen { uint64_t op; uint32_t cmd; uint32_t domid; uint64_t arg, nr; };
static struct seen seq[512];
static unsigned int nseq;

/* The fake plus what it does not know: xen_version, set_address_size, the paging pool. */
static long hv(void *ctx, uint64_t op, const uint64_t a[5])
{
    struct seen s = { .op = op };
    if (op == __HYPERVISOR_domctl) {
        struct xen_domctl *d = (void *)(uintptr_t)a[0];
        s.cmd = d->cmd;
        s.domid = d->domain;
        if (d->cmd == XEN_DOMCTL_max_mem)
            s.arg = d->u.max_mem.max_memkb;
        if (d->cmd == XEN_DOMCTL_set_paging_mempool_size)
            s.arg = d->u.paging_mempool.size;
        if (d->cmd == XEN_DOMCTL_set_address_size)
            s.arg = d->u.address_size.size;
    } else if (op == __HYPERVISOR_sysctl) {
        s.cmd = ((struct xen_sysctl *)(uintptr_t)a[0])->cmd;
    } else if (op == __HYPERVISOR_hvm_op) {
        xen_hvm_param_t *p = (void *)(uintptr_t)a[1];
        s.cmd = (uint32_t)a[0];
        s.domid = p->domid;
        s.arg = p->index;
    } else if (op == __HYPERVISOR_event_channel_op) {
        evtchn_alloc_unbound_t *e = (void *)(uintptr_t)a[1];
        s.cmd = (uint32_t)a[0];
        s.domid = e->dom;
        s.arg = e->remote_dom;
    } else if (op == __HYPERVISOR_memory_op) {
        struct xen_memory_reservation *r = (void *)(uintptr_t)a[1];
        s.cmd = (uint32_t)a[0];
        s.domid = r->domid;
        s.arg = r->extent_order;
        s.nr = r->nr_extents;
    } else {
        s.cmd = (uint32_t)a[0];
    }
    if (nseq < sizeof(seq) / sizeof(seq[0]))
        seq[nseq++] = s;
    if (op == __HYPERVISOR_xen_version && a[0] == XENVER_capabilities) {
        strcpy((char *)(uintptr_t)a[1], "xen-3.0-aarch64 xen-3.0-armv7l ");
        return 0;
    }
    if (op == __HYPERVISOR_domctl) {
        struct xen_domctl *d = (void *)(uintptr_t)a[0];
        if (d->cmd == XEN_DOMCTL_set_address_size || d->cmd == XEN_DOMCTL_set_paging_mempool_size)
            return d->interface_version == XEN_DOMCTL_INTERFACE_VERSION ? 0 : -EACCES;
    }
    return fake_hypercall(ctx, op, a);
}

/* Index of the first call after `from` matching op/cmd, or -1. */
static int find(unsigned int from, uint64_t op, uint32_t cmd)
{
    for (unsigned int i = from; i < nseq; i++)
        if (seq[i].op == op && seq[i].cmd == cmd)
            return (int)i;
    return -1;
}

static void test_build_order(void)
{
    ctrl_handle *h = NULL;
    fake_init(&fx);
    fx.next_domid = 3;
    nseq = 0;
    if (ctrl_open_with(&h, hv, &fx) != 0)
        abort();
    fx.h = h;
    unsigned char *img = fake_image(200000);
    struct ctrl_dom_config cfg = {
        .kernel = img, .kernel_len = 200000, .ramdisk = img, .ramdisk_len = 5000,
        .cmdline = "console=hvc0", .mem_kb = 64 * 1024, .vcpus = 2,
    };
    struct ctrl_dom d;
    /* No privcmd device: the build stops at the first copy into the guest, and destroys it. */
    CHECK_EQ(ctrl_dom_build(h, &cfg, &d), -ENODEV);
    CHECK_EQ(d.domid, 0);
    CHECK(strstr(ctrl_last_error(h), "foreign map") != NULL);
    CHECK_EQ(fx.bad_pointers, 0);
    CHECK_EQ(fx.bad_versions, 0);

    int i_phys = find(0, __HYPERVISOR_sysctl, XEN_SYSCTL_physinfo);
    int i_caps = find(0, __HYPERVISOR_xen_version, XENVER_capabilities);
    int i_create = find(0, __HYPERVISOR_domctl, XEN_DOMCTL_createdomain);
    int i_vcpus = find(0, __HYPERVISOR_domctl, XEN_DOMCTL_max_vcpus);
    int i_mem = find(0, __HYPERVISOR_domctl, XEN_DOMCTL_max_mem);
    int i_pool = find(0, __HYPERVISOR_domctl, XEN_DOMCTL_set_paging_mempool_size);
    int i_ev1 = find(0, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound);
    int i_ev2 = i_ev1 < 0 ? -1 : find((unsigned)i_ev1 + 1, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound);
    int i_cb = find(0, __HYPERVISOR_hvm_op, HVMOP_set_param);
    int i_as = find(0, __HYPERVISOR_domctl, XEN_DOMCTL_set_address_size);
    int i_pop = find(0, __HYPERVISOR_memory_op, XENMEM_populate_physmap);
    int i_destroy = find(0, __HYPERVISOR_domctl, XEN_DOMCTL_destroydomain);
    CHECK(i_phys >= 0 && i_caps > i_phys && i_create > i_caps && i_vcpus > i_create && i_mem > i_vcpus &&
          i_pool > i_mem && i_ev1 > i_pool && i_ev2 > i_ev1 && i_cb > i_ev2 && i_as > i_cb && i_pop > i_as &&
          i_destroy > i_pop);
    if (i_mem >= 0)
        CHECK_EQ(seq[i_mem].arg, 64 * 1024 + 1024 + 16);
    if (i_pool >= 0)
        CHECK_EQ(seq[i_pool].arg, 4ULL * (256 * 2 + 2 * 64) * 1024);
    if (i_ev2 >= 0) {
        CHECK_EQ(seq[i_ev1].domid, 3);
        CHECK_EQ(seq[i_ev1].arg, 0);
        CHECK_EQ(seq[i_ev2].domid, 3);
    }
    if (i_cb >= 0)
        CHECK_EQ(seq[i_cb].arg, HVM_PARAM_CALLBACK_IRQ);
    CHECK_EQ(fx.hvm_params[HVM_PARAM_CALLBACK_IRQ], 0x020000000000021fULL);
    if (i_as >= 0)
        CHECK_EQ(seq[i_as].arg, 64);
    /* RAM (2 MiB extents) then the four magic pages (order 0) of d3, from 0x39000. */
    int magic = -1;
    for (int i = i_pop; i >= 0 && i < (int)nseq; i++)
        if (seq[i].op == __HYPERVISOR_memory_op && seq[i].cmd == XENMEM_populate_physmap && seq[i].arg == 0)
            magic = i;
    CHECK(magic > i_pop);
    if (magic > 0)
        CHECK_EQ(seq[magic].nr, CTRL_NR_MAGIC_PAGES);
    if (i_pop >= 0) {
        CHECK_EQ(seq[i_pop].domid, 3);
        CHECK_EQ(seq[i_pop].arg, 9);
        CHECK_EQ(seq[i_pop].nr, 32);            /* 64 MiB in 2 MiB extents */
    }
    CHECK_EQ(fx.populated[0], 1);               /* GFN 0x40000, the first of RAM */
    if (i_destroy >= 0)
        CHECK_EQ(seq[i_destroy].domid, 3);
    /* Nothing was made to run. */
    CHECK_EQ(find(0, __HYPERVISOR_domctl, XEN_DOMCTL_unpausedomain), -1);
    CHECK_EQ(find(0, __HYPERVISOR_domctl, XEN_DOMCTL_setvcpucontext), -1);
    free(img);
    ctrl_close(h);
}

static void test_build_refuses(void)
{
    ctrl_handle *h = NULL;
    fake_init(&fx);
    nseq = 0;
    if (ctrl_open_with(&h, hv, &fx) != 0)
        abort();
    fx.h = h;
    unsigned char junk[4096] = { 0 };
    struct ctrl_dom_config cfg = { .kernel = junk, .kernel_len = sizeof(junk), .mem_kb = 65536, .vcpus = 1 };
    struct ctrl_dom d;
    CHECK_EQ(ctrl_dom_build(h, &cfg, &d), -EINVAL);          /* not an Image: nothing created */
    CHECK_EQ(find(0, __HYPERVISOR_domctl, XEN_DOMCTL_createdomain), -1);
    cfg.vcpus = 0;
    CHECK_EQ(ctrl_dom_build(h, &cfg, &d), -EINVAL);
    unsigned char *img = fake_image(100000);
    cfg = (struct ctrl_dom_config){ .kernel = img, .kernel_len = 100000, .mem_kb = 32 * 1024, .vcpus = 1 };
    /* 32 MiB: the kernel's image_size does not leave room for the DTB; the domain goes again. */
    CHECK_EQ(ctrl_dom_build(h, &cfg, &d), -ENOMEM);
    CHECK(find(0, __HYPERVISOR_domctl, XEN_DOMCTL_createdomain) >= 0);
    CHECK(find(0, __HYPERVISOR_domctl, XEN_DOMCTL_destroydomain) >= 0);
    CHECK(strstr(ctrl_last_error(h), "do not fit") != NULL);
    /* More memory than is free: refused before anything is created. */
    nseq = 0;
    fx.free_pages = 1000;
    cfg.mem_kb = 256 * 1024;
    CHECK_EQ(ctrl_dom_build(h, &cfg, &d), -ENOMEM);
    CHECK_EQ(find(0, __HYPERVISOR_domctl, XEN_DOMCTL_createdomain), -1);
    free(img);
    ctrl_close(h);
}

int main(void)
{
    CHECK_MAIN_BEGIN("libctrl_build");
    RUN(test_kernel_plain);
    RUN(test_kernel_gzip);
    RUN(test_layout);
    RUN(test_fdt);
    RUN(test_fdt_variants);
    RUN(test_build_order);
    RUN(test_build_refuses);
    CHECK_MAIN_END();
}

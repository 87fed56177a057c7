/*
 * libctrl builder: a domU from a kernel Image (or Image.gz), an initrd and a
 * command line, as libxl + libxenguest do it on arm64 (xen-arm-abi.md 3.1,
 * 3.2, 3.4-3.7). The device tree is build_fdt.c's.
 */
#include "build_dom.h"
#include "ctrl_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <libfdt.h>
#include <zlib.h>

#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/version.h>
#include <xen/sys/privcmd.h>

#define MIB (1ULL << 20)
#define GZIP_MAX_OUT (1ULL << 30)       /* no arm64 kernel inflates to more */
#define FDT_BUF_SIZE (64 * 1024)        /* what the generated tree is written into */

static uint64_t round_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) & ~(a - 1);
}

/* --- the kernel ------------------------------------------------------------ */

static int gunzip(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len)
{
    if (len < 18 || len > UINT32_MAX)
        return -EINVAL;
    /* ISIZE, the size modulo 2^32, ends the member: a good first guess. */
    uint32_t isize = (uint32_t)in[len - 4] | (uint32_t)in[len - 3] << 8 | (uint32_t)in[len - 2] << 16 |
                     (uint32_t)in[len - 1] << 24;
    size_t cap = isize ? isize : len * 4;
    if (cap > GZIP_MAX_OUT)
        return -E2BIG;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return -ENOMEM;

    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {      /* gzip wrapper only */
        free(buf);
        return -ENOMEM;
    }
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)len;
    int zr;
    do {
        if (z.total_out == cap) {
            size_t ncap = cap * 2;
            unsigned char *nb = ncap <= GZIP_MAX_OUT ? realloc(buf, ncap) : NULL;
            if (!nb) {
                inflateEnd(&z);
                free(buf);
                return ncap > GZIP_MAX_OUT ? -E2BIG : -ENOMEM;
            }
            buf = nb;
            cap = ncap;
        }
        z.next_out = buf + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        zr = inflate(&z, Z_NO_FLUSH);
    } while (zr == Z_OK || (zr == Z_BUF_ERROR && z.avail_out == 0));
    size_t got = z.total_out;
    inflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(buf);
        return -EINVAL;
    }
    *out = buf;
    *out_len = got;
    return 0;
}

int ctrl_kernel_prepare(const void *data, size_t len, const void **out, size_t *out_len,
                        bool *was_gzip, struct ctrl_arm64_image *img)
{
    const unsigned char *p = data;
    unsigned char *inflated = NULL;

    *was_gzip = false;
    if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        size_t n;
        int rc = gunzip(p, len, &inflated, &n);
        if (rc)
            return rc;
        p = inflated;
        len = n;
    }
    int rc = ctrl_arm64_image_parse(p, len, img);
    if (rc) {
        free(inflated);
        return rc;
    }
    *out = p;
    *out_len = len;
    *was_gzip = inflated != NULL;
    return 0;
}

/* --- layout ---------------------------------------------------------------- */

int ctrl_dom_layout(uint64_t mem_kb, const struct ctrl_arm64_image *img, size_t kernel_len,
                    size_t ramdisk_len, size_t dtb_len, struct ctrl_dom_layout *l)
{
    static const uint64_t bankbase[] = GUEST_RAM_BANK_BASES;
    uint64_t mem = mem_kb << 10;

    memset(l, 0, sizeof(*l));
    if (!mem_kb || mem_kb > (GUEST_RAM_MAX >> 10) || (mem & (CTRL_PAGE_SIZE - 1)) || !dtb_len ||
        dtb_len > CTRL_DTB_MAX || kernel_len > img->image_size)
        return -EINVAL;
    for (unsigned int b = 0; b < GUEST_RAM_BANKS; b++)
        l->ram_base[b] = bankbase[b];
    l->ram_size[0] = mem < GUEST_RAM0_SIZE ? mem : GUEST_RAM0_SIZE;
    l->ram_size[1] = mem - l->ram_size[0];

    const uint64_t bank0_end = GUEST_RAM0_BASE + l->ram_size[0];
    const uint64_t kernbase = GUEST_RAM0_BASE + img->text_offset;
    /* libxenguest keeps the kernel's 2 MiB-rounded end free; we keep its whole image_size. */
    const uint64_t kernend = round_up(kernbase + img->image_size, 2 * MIB);
    l->kernel_base = kernbase;
    l->kernel_len = kernel_len;
    l->kernel_span = img->image_size;
    if (kernbase + img->image_size > bank0_end)
        return -ENOMEM;

    const uint64_t rd = round_up(ramdisk_len, CTRL_PAGE_SIZE);
    const uint64_t dt = round_up(dtb_len, CTRL_PAGE_SIZE);
    const uint64_t modsize = rd + dt;
    const uint64_t ram128mb = GUEST_RAM0_BASE + 128 * MIB;
    uint64_t modbase;
    /* xg_dom_arm.c meminit: at 128 MiB, else as high as possible, else below the kernel. */
    if (bank0_end >= ram128mb + modsize && kernend < ram128mb)
        modbase = ram128mb;
    else if (bank0_end > modsize && bank0_end - modsize > kernend)
        modbase = bank0_end - modsize;
    else if (kernbase - GUEST_RAM0_BASE > modsize)
        modbase = kernbase - modsize;
    else
        return -ENOMEM;
    /* initrd first, the DTB after it (the opposite of Xen's dom0). */
    if (ramdisk_len) {
        l->ramdisk_base = modbase;
        l->ramdisk_len = ramdisk_len;
        modbase += rd;
    }
    l->dtb_base = modbase;
    l->dtb_len = dtb_len;
    return 0;
}

/* --- small hypercall wrappers ------------------------------------------------ */

int ctrl_xen_capabilities(ctrl_handle *h, char *buf, size_t len)
{
    char *b = ctrl_buf_alloc(h, XEN_CAPABILITIES_INFO_LEN);
    if (!b)
        return -ENOMEM;
    long rc = ctrl_hypercall(h, __HYPERVISOR_xen_version, XENVER_capabilities, (uintptr_t)b, 0, 0, 0);
    if (rc >= 0 && len) {
        size_t n = strnlen(b, XEN_CAPABILITIES_INFO_LEN);
        n = n < len - 1 ? n : len - 1;
        memcpy(buf, b, n);
        buf[n] = '\0';
    }
    ctrl_buf_free(h, b);
    return rc < 0 ? ctrl_fail(h, (int)rc, "xen_version capabilities") : 0;
}

_Static_assert(sizeof(struct xen_add_to_physmap) <= CTRL_PAYLOAD_MAX, "fits the op page");
_Static_assert(sizeof(struct xen_remove_from_physmap) <= CTRL_PAYLOAD_MAX, "fits the op page");

int ctrl_add_to_physmap(ctrl_handle *h, uint32_t domid, unsigned int space, uint64_t idx, uint64_t gfn)
{
    struct xen_add_to_physmap *x = ctrl_payload(h);
    memset(x, 0, sizeof(*x));
    x->domid = (domid_t)domid;
    x->space = space;
    x->idx = idx;
    x->gpfn = gfn;
    long rc = ctrl_hypercall(h, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)x, 0, 0, 0);
    return rc ? ctrl_fail(h, (int)rc, "memory_op add_to_physmap d%u space %u idx %llu gfn 0x%llx", domid,
                          space, (unsigned long long)idx, (unsigned long long)gfn) : 0;
}

int ctrl_remove_from_physmap(ctrl_handle *h, uint32_t domid, uint64_t gfn)
{
    struct xen_remove_from_physmap *x = ctrl_payload(h);
    memset(x, 0, sizeof(*x));
    x->domid = (domid_t)domid;
    x->gpfn = gfn;
    long rc = ctrl_hypercall(h, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, (uintptr_t)x, 0, 0, 0);
    return rc ? ctrl_fail(h, (int)rc, "memory_op remove_from_physmap d%u gfn 0x%llx", domid,
                          (unsigned long long)gfn) : 0;
}

/* --- dom0's own page-table cost of mapping (see struct ctrl_dom) ------------- */

struct measure {
    ctrl_handle *h;
    int64_t *acc;
    uint64_t before;
};

static uint64_t free_pages(ctrl_handle *h)
{
    struct xen_sysctl_physinfo pi;
    return ctrl_physinfo(h, &pi) == 0 ? pi.free_pages : 0;
}

static void measure_begin(struct measure *m, ctrl_handle *h, int64_t *acc)
{
    m->h = h;
    m->acc = acc;
    m->before = acc ? free_pages(h) : 0;
}

static void measure_end(struct measure *m)
{
    if (m->acc)
        *m->acc += (int64_t)m->before - (int64_t)free_pages(m->h);
}

/* --- grant-table seed ------------------------------------------------------- */

static void write_entries(grant_entry_v1_t *g, uint64_t con_gfn, uint32_t con_dom, uint64_t st_gfn,
                          uint32_t st_dom)
{
    /* frame and domid first, flags last: the entry is valid only when complete. */
    if (con_dom != DOMID_INVALID) {
        g[CTRL_GNTTAB_CONSOLE].domid = (domid_t)con_dom;
        g[CTRL_GNTTAB_CONSOLE].frame = (uint32_t)con_gfn;
    }
    if (st_dom != DOMID_INVALID) {
        g[CTRL_GNTTAB_XENSTORE].domid = (domid_t)st_dom;
        g[CTRL_GNTTAB_XENSTORE].frame = (uint32_t)st_gfn;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if (con_dom != DOMID_INVALID)
        __atomic_store_n(&g[CTRL_GNTTAB_CONSOLE].flags, GTF_permit_access, __ATOMIC_RELEASE);
    if (st_dom != DOMID_INVALID)
        __atomic_store_n(&g[CTRL_GNTTAB_XENSTORE].flags, GTF_permit_access, __ATOMIC_RELEASE);
}

/* Path 1: the shared frame 0 through IOCTL_PRIVCMD_MMAP_RESOURCE. -EOPNOTSUPP: use path 2. */
static int seed_by_resource(ctrl_handle *h, uint32_t domid, uint64_t con_gfn, uint32_t con_dom,
                            uint64_t st_gfn, uint32_t st_dom)
{
    int fd = ctrl_privcmd_fd(h);
    if (fd < 0)
        return -EOPNOTSUPP;
    void *p = mmap(NULL, CTRL_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return ctrl_fail(h, -errno, "mmap of privcmd for the grant table of d%u", domid);
    privcmd_mmap_resource_t r = {
        .dom = (domid_t)domid, .type = XENMEM_resource_grant_table,
        .id = XENMEM_resource_grant_table_id_shared, .idx = 0, .num = 1, .addr = (uintptr_t)p,
    };
    int rc = 0;
    if (ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r) < 0)
        rc = -errno;
    else
        write_entries(p, con_gfn, con_dom, st_gfn, st_dom);
    munmap(p, CTRL_PAGE_SIZE);
    if (rc && rc != -EOPNOTSUPP && rc != -ENOSYS && rc != -ENOTTY)
        return ctrl_fail(h, rc, "acquire_resource (grant table) of d%u", domid);
    return rc ? -EOPNOTSUPP : 0;
}

/* Path 2 (libxenguest compat_gnttab_hvm_seed): frame 0 placed at a scratch
 * GFN of the guest (the first page of its grant-table region, as
 * xc_core_arch_get_scratch_gpfn on arm), foreign-mapped, written, removed. */
static int seed_by_physmap(ctrl_handle *h, uint32_t domid, uint64_t con_gfn, uint32_t con_dom,
                           uint64_t st_gfn, uint32_t st_dom, int64_t *p2m_acc)
{
    const uint64_t scratch = GUEST_GNTTAB_BASE >> CTRL_PAGE_SHIFT;
    int rc = ctrl_add_to_physmap(h, domid, XENMAPSPACE_grant_table, 0, scratch);
    if (rc)
        return rc;
    void *p;
    struct measure m;
    measure_begin(&m, h, p2m_acc);
    rc = ctrl_map_foreign_range(h, domid, scratch, 1, PROT_READ | PROT_WRITE, &p);
    if (!rc) {
        write_entries(p, con_gfn, con_dom, st_gfn, st_dom);
        rc = ctrl_unmap_foreign(h, p, 1);
    }
    measure_end(&m);
    /* "Guest shouldn't really touch its grant table until it has enabled its caches." */
    int rc2 = rc ? 0 : ctrl_domain_cacheflush(h, domid, scratch, 1);
    int rc3 = ctrl_remove_from_physmap(h, domid, scratch);
    return rc ? rc : rc2 ? rc2 : rc3;
}

static int seed(ctrl_handle *h, uint32_t domid, uint64_t con_gfn, uint32_t con_dom, uint64_t st_gfn,
                uint32_t st_dom, int64_t *p2m_acc)
{
    struct measure m;
    measure_begin(&m, h, p2m_acc);
    int rc = seed_by_resource(h, domid, con_gfn, con_dom, st_gfn, st_dom);
    measure_end(&m);
    if (rc == -EOPNOTSUPP)
        rc = seed_by_physmap(h, domid, con_gfn, con_dom, st_gfn, st_dom, p2m_acc);
    return rc;
}

int ctrl_dom_seed_grant_table(ctrl_handle *h, uint32_t domid, uint64_t console_gfn,
                              uint32_t console_domid, uint64_t store_gfn, uint32_t store_domid)
{
    return seed(h, domid, console_gfn, console_domid, store_gfn, store_domid, NULL);
}

/* --- the build --------------------------------------------------------------- */

static void rng_seed(uint8_t *seed, size_t len)
{
    /* dom0 has entropy from its own rng-seed; never block on it anyway. */
    ssize_t n = getrandom(seed, len, GRND_NONBLOCK);
    if (n == (ssize_t)len)
        return;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, seed, len);
        close(fd);
        if (n == (ssize_t)len)
            return;
    }
    for (size_t i = 0; i < len; i++)        /* no entropy at all: still a seed */
        seed[i] = (uint8_t)(i * 131 + (uintptr_t)seed);
}

/* The paging pool libxl asks for on arm (libxl_get_required_shadow_memory), bytes. */
static uint64_t paging_pool_bytes(uint64_t mem_kb, uint32_t vcpus)
{
    return 4ULL * (256ULL * vcpus + 2ULL * (mem_kb / 1024)) * 1024;
}

static int copy_in(ctrl_handle *h, struct ctrl_dom *dom, uint64_t gpa, const void *src, size_t len)
{
    struct measure m;
    measure_begin(&m, h, &dom->dom0_p2m_pages);
    int rc = ctrl_copy_to_domain(h, dom->domid, gpa, src, len);
    measure_end(&m);
    return rc;
}

static int flush(ctrl_handle *h, uint32_t domid, uint64_t gpa, uint64_t len)
{
    if (!len)
        return 0;
    uint64_t first = gpa >> CTRL_PAGE_SHIFT;
    uint64_t last = (gpa + len - 1) >> CTRL_PAGE_SHIFT;
    return ctrl_domain_cacheflush(h, domid, first, last - first + 1);
}

static int build(ctrl_handle *h, const struct ctrl_dom_config *cfg, struct ctrl_dom *dom,
                 const void *image, size_t image_len)
{
    struct ctrl_dom_layout *l = &dom->layout;
    int rc;

    /* 1. the host: free memory, and a hypervisor that runs AArch64 guests */
    struct xen_sysctl_physinfo pi;
    if ((rc = ctrl_physinfo(h, &pi)))
        return rc;
    if (pi.free_pages < (cfg->mem_kb >> 2) + CTRL_NR_MAGIC_PAGES)
        return ctrl_fail(h, -ENOMEM, "build: %llu KiB wanted, %llu KiB free",
                         (unsigned long long)cfg->mem_kb, (unsigned long long)pi.free_pages * 4);
    char caps[XEN_CAPABILITIES_INFO_LEN];
    if ((rc = ctrl_xen_capabilities(h, caps, sizeof(caps))))
        return rc;
    if (!strstr(caps, "xen-3.0-aarch64"))
        return ctrl_fail(h, -EOPNOTSUPP, "build: the hypervisor's capabilities \"%s\" lack xen-3.0-aarch64",
                         caps);

    /* 2.-5. the domain, its vCPUs and limits */
    struct xen_domctl_createdomain c;
    ctrl_createdomain_defaults(&c, cfg->vcpus);
    uint32_t domid = cfg->domid;
    if ((rc = ctrl_domain_create(h, &c, &domid)))
        return rc;
    dom->domid = domid;
    dom->gic_version = c.arch.gic_version;
    dom->clock_frequency = c.arch.clock_frequency;
    if (c.arch.gic_version != XEN_DOMCTL_CONFIG_GIC_V3)
        return ctrl_fail(h, -EOPNOTSUPP, "build d%u: GIC version %u, only GICv3 guests are described",
                         domid, c.arch.gic_version);
    if (cfg->uuid && (rc = ctrl_domain_set_handle(h, domid, cfg->uuid)))
        return rc;
    if ((rc = ctrl_domain_max_vcpus(h, domid, cfg->vcpus)))
        return rc;
    if ((rc = ctrl_domain_max_mem(h, domid, cfg->mem_kb + CTRL_MAXMEM_SLACK_KB +
                                  CTRL_NR_MAGIC_PAGES * (CTRL_PAGE_SIZE >> 10))))
        return rc;
    if ((rc = ctrl_domain_paging_mempool(h, domid, paging_pool_bytes(cfg->mem_kb, cfg->vcpus))))
        return rc;

    /* 6. the xenstore and console ports, in the new domain, for their backends */
    if ((rc = ctrl_evtchn_alloc_unbound(h, domid, cfg->xenstore_domid)) < 0)
        return rc;
    dom->store_port = (uint32_t)rc;
    if ((rc = ctrl_evtchn_alloc_unbound(h, domid, cfg->console_domid)) < 0)
        return rc;
    dom->console_port = (uint32_t)rc;
    dom->console_gfn = CTRL_MAGIC_GFN + CTRL_CONSOLE_PFN_OFF;
    dom->store_gfn = CTRL_MAGIC_GFN + CTRL_XENSTORE_PFN_OFF;

    /* 7. the upcall, and the device tree (placeholders for the initrd) */
    if ((rc = ctrl_hvm_param_set(h, domid, HVM_PARAM_CALLBACK_IRQ, CTRL_CALLBACK_IRQ_PPI)))
        return rc;
    struct xen_domctl_getdomaininfo info;
    if ((rc = ctrl_domain_getinfo(h, domid, &info)))
        return rc;
    uint8_t seedbytes[CTRL_RNG_SEED_LEN];
    rng_seed(seedbytes, sizeof(seedbytes));
    struct ctrl_dom_fdt_info fi = {
        .cmdline = cfg->cmdline, .vcpus = cfg->vcpus, .has_ramdisk = cfg->ramdisk_len != 0,
        .clock_frequency = c.arch.clock_frequency, .gpaddr_bits = info.gpaddr_bits,
        .rng_seed = seedbytes,
    };
    uint64_t mem = cfg->mem_kb << 10;
    fi.ram_base[0] = GUEST_RAM0_BASE;
    fi.ram_size[0] = mem < GUEST_RAM0_SIZE ? mem : GUEST_RAM0_SIZE;
    fi.ram_base[1] = GUEST_RAM1_BASE;
    fi.ram_size[1] = mem - fi.ram_size[0];
    dom->dtb = malloc(FDT_BUF_SIZE);
    if (!dom->dtb)
        return ctrl_fail(h, -ENOMEM, "build d%u: device tree buffer", domid);
    if ((rc = ctrl_dom_make_fdt(dom->dtb, FDT_BUF_SIZE, &fi)))
        return ctrl_fail(h, rc, "build d%u: device tree", domid);
    dom->dtb_len = fdt_totalsize(dom->dtb);
    void *shrunk = realloc(dom->dtb, dom->dtb_len);
    if (shrunk)
        dom->dtb = shrunk;
    if ((rc = ctrl_dom_layout(cfg->mem_kb, &dom->image, image_len, cfg->ramdisk_len, dom->dtb_len, l)))
        return ctrl_fail(h, rc, "build d%u: kernel (0x%llx bytes at +0x%llx), initrd (%zu) and DTB (%zu) "
                         "do not fit in %llu KiB", domid, (unsigned long long)dom->image.image_size,
                         (unsigned long long)dom->image.text_offset, cfg->ramdisk_len, dom->dtb_len,
                         (unsigned long long)cfg->mem_kb);
    if (cfg->ramdisk_len &&
        (rc = ctrl_dom_fdt_set_ramdisk(dom->dtb, l->ramdisk_base, l->ramdisk_base + l->ramdisk_len)))
        return ctrl_fail(h, rc, "build d%u: /chosen initrd properties", domid);

    /* 8. AArch64, then memory: RAM bank by bank, the magic pages */
    if ((rc = ctrl_domain_set_address_size(h, domid, 64)))
        return rc;
    for (unsigned int b = 0; b < GUEST_RAM_BANKS; b++)
        if (l->ram_size[b] &&
            (rc = ctrl_populate_range(h, domid, l->ram_base[b] >> CTRL_PAGE_SHIFT,
                                      l->ram_size[b] >> CTRL_PAGE_SHIFT)))
            return rc;
    uint64_t magic[CTRL_NR_MAGIC_PAGES];
    for (unsigned int i = 0; i < CTRL_NR_MAGIC_PAGES; i++)
        magic[i] = CTRL_MAGIC_GFN + i;
    long done = ctrl_populate_physmap(h, domid, 0, magic, CTRL_NR_MAGIC_PAGES);
    if (done != CTRL_NR_MAGIC_PAGES)
        return done < 0 ? (int)done : ctrl_fail(h, -ENOMEM, "build d%u: %ld of %d magic pages", domid,
                                               done, CTRL_NR_MAGIC_PAGES);

    /* 9. contents: kernel, initrd, DTB; the magic pages cleared; the HVM params; caches */
    if ((rc = copy_in(h, dom, l->kernel_base, image, image_len)))
        return rc;
    if (cfg->ramdisk_len && (rc = copy_in(h, dom, l->ramdisk_base, cfg->ramdisk, cfg->ramdisk_len)))
        return rc;
    if ((rc = copy_in(h, dom, l->dtb_base, dom->dtb, dom->dtb_len)))
        return rc;
    static const unsigned char zeros[CTRL_NR_MAGIC_PAGES * CTRL_PAGE_SIZE];
    if ((rc = copy_in(h, dom, CTRL_MAGIC_GFN << CTRL_PAGE_SHIFT, zeros, sizeof(zeros))))
        return rc;
    const struct { uint32_t index; uint64_t value; } params[] = {
        { HVM_PARAM_CONSOLE_PFN, dom->console_gfn },
        { HVM_PARAM_STORE_PFN, dom->store_gfn },
        { HVM_PARAM_MONITOR_RING_PFN, CTRL_MAGIC_GFN + CTRL_MEMACCESS_PFN_OFF },
        { HVM_PARAM_CONSOLE_EVTCHN, dom->console_port },
        { HVM_PARAM_STORE_EVTCHN, dom->store_port },
    };
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
        if ((rc = ctrl_hvm_param_set(h, domid, params[i].index, params[i].value)))
            return rc;
    if ((rc = flush(h, domid, l->kernel_base, image_len)) ||
        (rc = flush(h, domid, l->ramdisk_base, l->ramdisk_len)) ||
        (rc = flush(h, domid, l->dtb_base, l->dtb_len)) ||
        (rc = flush(h, domid, CTRL_MAGIC_GFN << CTRL_PAGE_SHIFT, sizeof(zeros))))
        return rc;

    /* 10. vCPU0 at the kernel's entry, x0 = the DTB; the others wait for PSCI CPU_ON */
    vcpu_guest_context_t ctx;
    ctrl_vcpu_boot_context(&ctx, l->kernel_base, l->dtb_base);
    if ((rc = ctrl_vcpu_setcontext(h, domid, 0, &ctx)))
        return rc;

    /* 11. the console's and xenstore's grant references */
    return seed(h, domid, dom->console_gfn, cfg->console_domid, dom->store_gfn, cfg->xenstore_domid,
                &dom->dom0_p2m_pages);
}

int ctrl_dom_build(ctrl_handle *h, const struct ctrl_dom_config *cfg, struct ctrl_dom *dom)
{
    const void *image = NULL;
    size_t image_len = 0;

    memset(dom, 0, sizeof(*dom));
    if (!cfg->kernel || !cfg->kernel_len || !cfg->vcpus || cfg->vcpus > GUEST_MAX_VCPUS ||
        cfg->mem_kb < 2048 || (cfg->mem_kb & 3) || cfg->mem_kb > (GUEST_RAM_MAX >> 10) ||
        (cfg->ramdisk_len && !cfg->ramdisk))
        return ctrl_fail(h, -EINVAL, "build: bad configuration (kernel %zu bytes, %u vCPUs, %llu KiB)",
                         cfg->kernel_len, cfg->vcpus, (unsigned long long)cfg->mem_kb);
    int rc = ctrl_kernel_prepare(cfg->kernel, cfg->kernel_len, &image, &image_len, &dom->kernel_was_gzip,
                                 &dom->image);
    if (rc)
        return ctrl_fail(h, rc, "build: the kernel (%zu bytes) is not an arm64 Image%s", cfg->kernel_len,
                         rc == -E2BIG ? " (inflates to more than 1 GiB)" : " or a gzip'd one");
    rc = build(h, cfg, dom, image, image_len);
    if (dom->kernel_was_gzip)
        free((void *)image);
    if (rc && dom->domid && !cfg->keep_on_error) {
        char why[sizeof(h->err)];
        memcpy(why, h->err, sizeof(why));
        ctrl_domain_destroy(h, dom->domid);
        memcpy(h->err, why, sizeof(why));
        dom->domid = 0;
    }
    if (rc)
        ctrl_dom_release(dom);
    return rc;
}

void ctrl_dom_release(struct ctrl_dom *dom)
{
    free(dom->dtb);
    dom->dtb = NULL;
    dom->dtb_len = 0;
}

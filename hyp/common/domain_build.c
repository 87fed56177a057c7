/*
 * Domains built at boot from /chosen "xen,domain" nodes (Xen's dom0-less
 * binding): RAM at GUEST_RAM0_BASE, the kernel at its Image text_offset, a
 * generated device tree near the end of RAM, vCPU0 started at the kernel
 * entry with x0 = the device tree, the other vCPUs left for PSCI CPU_ON.
 * Each gets a PV console page among the magic pages (pv_console.h), so
 * dom0's toolstack can adopt it.
 */
#include "types.h"
#include <libfdt.h>
#include <xen/xen.h>
#include <xen/arch-arm.h>
#include <xen/hvm/params.h>

#include "bootinfo.h"
#include "domain.h"
#include "domain_build.h"
#include "errno.h"
#include "kernel_image.h"
#include "page_alloc.h"
#include "printk.h"
#include "pv_console.h"
#include "sched.h"

#define GUEST_DTB_MAX (64 * 1024)

void arch_clean_dcache(const void *p, size_t size);
int guest_fdt_build(void *buf, size_t size, const struct guest_fdt_info *info);

struct boot_start {
    struct vcpu *vcpu;
    uint64_t entry;
    ipa_t dtb;
};

static int copy_to_domain(struct domain *d, ipa_t gpa, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    while (len) {
        uint64_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        void *dst = domain_gpa_to_virt(d, gpa);
        if (!dst)
            return -EFAULT;
        __builtin_memcpy(dst, s, chunk);
        /* The guest starts with caches off: its view is memory, not our cache. */
        arch_clean_dcache(dst, chunk);
        s += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

static int load_kernel(struct domain *d, const struct boot_domain *bd, uint64_t ram_size,
                       uint64_t *entry)
{
    struct kernel_image ki;
    const void *blob = maddr_to_virt(bd->kernel.start);
    int rc = kernel_image_probe(blob, bd->kernel.size, &ki);

    if (rc == -EOPNOTSUPP) {
        log_err("%s: compressed kernels are not supported yet\n", bd->name);
        return rc;
    }
    if (rc) {
        log_err("%s: malformed kernel Image header\n", bd->name);
        return rc;
    }
    if (ki.text_offset + ki.image_size + GUEST_DTB_MAX > ram_size) {
        log_err("%s: kernel needs %lu bytes at offset 0x%lx, RAM is %lu bytes\n", bd->name,
                (unsigned long)ki.image_size, (unsigned long)ki.text_offset,
                (unsigned long)ram_size);
        return -ENOMEM;
    }
    *entry = GUEST_RAM0_BASE + ki.text_offset;
    return copy_to_domain(d, *entry, blob, bd->kernel.size);
}

/* The console page outside RAM, where libxenguest puts it, counted to the domain. */
static int add_console(struct domain *d)
{
    ipa_t gpa = GUEST_MAGIC_BASE + ((ipa_t)PV_CONSOLE_PFN_OFF << PAGE_SHIFT);
    int rc = domain_populate(d, gpa, 1);
    void *page = rc ? NULL : domain_gpa_to_virt(d, gpa);
    if (!page)
        return rc ? rc : -ENOMEM;
    return pv_console_create(d, gpa >> PAGE_SHIFT, page);
}

static int build_one(const struct boot_domain *bd, domid_t domid, const struct bootinfo *bi,
                     struct boot_start *start)
{
    uint64_t ram_size = bd->mem_kib * 1024;
    uint64_t entry = 0;
    static uint8_t dtb[GUEST_DTB_MAX];
    int rc;

    if (ram_size < (2UL << 20) || ram_size > GUEST_RAM0_SIZE || (ram_size & (PAGE_SIZE - 1))) {
        log_err("%s: memory %lu KiB out of range (2 MiB .. 3 GiB, page multiple)\n", bd->name,
                (unsigned long)bd->mem_kib);
        return -EINVAL;
    }
    struct domain *d = domain_create(domid, bd->name, bd->vcpus, false);
    if (!d)
        return -ENOMEM;
    /* It cannot populate itself beyond this; the console page counts, as libxl's magic pages. */
    d->max_pages = (ram_size >> PAGE_SHIFT) + 1;
    rc = domain_populate(d, GUEST_RAM0_BASE, ram_size >> PAGE_SHIFT);
    if (!rc)
        rc = add_console(d);
    if (!rc)
        rc = load_kernel(d, bd, ram_size, &entry);

    struct guest_fdt_info info = {
        .ram_base = GUEST_RAM0_BASE, .ram_size = ram_size, .nr_vcpus = bd->vcpus,
        .cmdline = bd->kernel.has_cmdline ? bd->kernel.cmdline : "",
        .timer_clock_frequency = bi->timer_clock_frequency,
    };
    ipa_t dtb_gpa = ROUNDDOWN(GUEST_RAM0_BASE + ram_size - GUEST_DTB_MAX, 8);
    if (!rc)
        rc = guest_fdt_build(dtb, sizeof(dtb), &info);
    if (!rc)
        rc = copy_to_domain(d, dtb_gpa, dtb, fdt_totalsize(dtb));
    if (rc) {
        log_err("%s: not built (%d)\n", bd->name, rc);
        domain_destroy(d);
        return rc;
    }
    log_info("d%u (%s): %lu MiB RAM at 0x%lx, %u vCPU(s), entry 0x%lx, DTB at 0x%lx, "
             "console gfn 0x%lx port %lu\n",
             domid, bd->name, (unsigned long)(ram_size >> 20), (unsigned long)GUEST_RAM0_BASE,
             bd->vcpus, (unsigned long)entry, (unsigned long)dtb_gpa,
             (unsigned long)d->hvm_params[HVM_PARAM_CONSOLE_PFN],
             (unsigned long)d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN]);
    *start = (struct boot_start){ d->vcpus[0], entry, dtb_gpa };
    return 0;
}

/* Build them all, then start them all, as Xen unpauses dom0-less domains at the end. */
unsigned int build_boot_domains(const struct bootinfo *bi)
{
    static struct boot_start start[BOOT_MAX_DOMUS];
    unsigned int built = 0;

    for (unsigned int i = 0; i < bi->nr_domus; i++) {
        if (build_one(&bi->domus[i], (domid_t)(i + 1), bi, &start[built]) == 0)
            built++;
    }
    for (unsigned int i = 0; i < built; i++)
        vcpu_start(start[i].vcpu, start[i].entry, start[i].dtb);
    return built;
}

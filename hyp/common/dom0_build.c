/*
 * Building dom0 (xen-arm-abi.md 2): the control domain, direct-mapped
 * (every RAM page at guest physical == machine address), its kernel at
 * bank 0 + text_offset (inflated first if gzip'd), its device tree at bank 0
 * + 128 MiB and its initrd 2 MiB after, every device but the hypervisor's
 * passed through, vCPU0 entered at the kernel with x0 = the device tree.
 */
#include "types.h"
#include <libfdt.h>
#include <xen/xen.h>
#include <xen/hvm/params.h>

#include "bootinfo.h"
#include "cmdline.h"
#include "dom0_build.h"
#include "dom0_fdt.h"
#include "domain.h"
#include "errno.h"
#include "gunzip.h"
#include "kernel_image.h"
#include "page_alloc.h"
#include "percpu.h"
#include "printk.h"

#define DOM0_DTB_OFFSET (128UL << 20)
#define DOM0_DTB_MAX (2UL << 20)

void arch_clean_dcache(const void *p, size_t size);

struct dom0_layout {
    struct dom0_fdt_info fdt;
    paddr_t kernel, dtb, initrd;
    uint64_t entry;
};

/* RAM in the largest blocks the allocator has, each mapped 1:1; banks ascending. */
static int allocate_memory(struct domain *d, uint64_t bytes, struct dom0_layout *l)
{
    unsigned long left = bytes >> PAGE_SHIFT;
    unsigned int order = MAX_ORDER;

    while (left) {
        while (order && (1UL << order) > left)
            order--;
        void *va = alloc_pages(order);
        if (!va) {
            if (!order)
                return -ENOMEM;
            order--;
            continue;
        }
        paddr_t pa = virt_to_maddr(va);
        int rc = domain_add_ram(d, pa, pa, order);
        if (rc)
            return rc;
        if (dom0_add_bank(&l->fdt, pa, PAGE_SIZE << order))
            return -E2BIG;
        left -= 1UL << order;
    }
    return 0;
}

static int load_kernel(const struct bootinfo *bi, struct dom0_layout *l)
{
    const struct boot_range *bank0 = &l->fdt.banks[0];
    const void *blob = maddr_to_virt(bi->dom0_kernel.start);
    uint64_t size = bi->dom0_kernel.size;
    void *dst = maddr_to_virt(bank0->start);
    struct kernel_image ki;

    if (is_gzip(blob, size)) {
        long n = gunzip(blob, size, dst, DOM0_DTB_OFFSET);
        if (n < 0) {
            log_err("dom0: cannot inflate the gzip'd kernel (%ld)\n", n);
            return (int)n;
        }
        log_info("dom0: kernel inflated, %lu -> %ld bytes\n", (unsigned long)size, n);
        blob = dst;
        size = (uint64_t)n;
    }
    int rc = kernel_image_probe(blob, size, &ki);
    if (rc || ki.text_offset + ki.image_size > DOM0_DTB_OFFSET) {
        log_err("dom0: kernel unusable (Image header, or more than 128 MiB)\n");
        return rc ? rc : -E2BIG;
    }
    l->kernel = bank0->start + ki.text_offset;
    l->entry = l->kernel;
    /* An inflated kernel sits at the bank start: move it up to text_offset if needed. */
    __builtin_memmove(maddr_to_virt(l->kernel), blob, size);
    arch_clean_dcache(maddr_to_virt(l->kernel), size);
    return 0;
}

static int load_initrd(const struct bootinfo *bi, struct dom0_layout *l)
{
    uint64_t size = bi->dom0_ramdisk.size;
    if (bi->dom0_ramdisk.kind == BOOTMOD_NONE || !size)
        return 0;
    l->initrd = l->fdt.banks[0].start + DOM0_DTB_OFFSET + DOM0_DTB_MAX;
    if (l->initrd + size > l->fdt.banks[0].start + l->fdt.banks[0].size) {
        log_err("dom0: the initrd (%lu bytes) does not fit in its first memory bank\n",
                (unsigned long)size);
        return -E2BIG;
    }
    __builtin_memcpy(maddr_to_virt(l->initrd), maddr_to_virt(bi->dom0_ramdisk.start), size);
    arch_clean_dcache(maddr_to_virt(l->initrd), size);
    l->fdt.initrd_start = l->initrd;
    l->fdt.initrd_end = l->initrd + size;
    return 0;
}

static int map_device(void *arg, paddr_t start, paddr_t size)
{
    return arch_map_device(arg, start, size);
}

static int write_dtb(struct domain *d, const void *host_fdt, struct dom0_layout *l)
{
    l->dtb = l->fdt.banks[0].start + DOM0_DTB_OFFSET;
    l->fdt.map_mmio = map_device;
    l->fdt.arg = d;
    int rc = dom0_fdt_build(host_fdt, maddr_to_virt(l->dtb), DOM0_DTB_MAX, &l->fdt);
    if (rc) {
        log_err("dom0: cannot make its device tree (%d)\n", rc);
        return rc;
    }
    arch_clean_dcache(maddr_to_virt(l->dtb), fdt_totalsize(maddr_to_virt(l->dtb)));
    return 0;
}

static const char *dom0_cmdline(const struct bootinfo *bi)
{
    if (bi->has_dom0_cmdline)
        return bi->dom0_cmdline;
    if (bi->dom0_kernel.has_cmdline)
        return bi->dom0_kernel.cmdline;
    return "";
}

int build_dom0(const struct bootinfo *bi, const void *host_fdt, const struct hyp_options *opt)
{
    static struct dom0_layout l;
    unsigned int vcpus = opt->dom0_max_vcpus ? opt->dom0_max_vcpus : nr_pcpus_online;
    uint64_t mem = opt->dom0_mem ? opt->dom0_mem : DOM0_MEM_DEFAULT;

    vcpus = MIN(vcpus, (unsigned int)CONFIG_MAX_VCPUS_PER_DOMAIN);
    if (mem < DOM0_DTB_OFFSET + DOM0_DTB_MAX + bi->dom0_ramdisk.size) {
        log_err("dom0: dom0_mem=%luM is too small\n", (unsigned long)(mem >> 20));
        return -EINVAL;
    }
    struct domain *d = domain_create(0, "Domain-0", vcpus, true);
    if (!d)
        return -ENOMEM;
    d->direct_mapped = true;
    l.fdt = (struct dom0_fdt_info){ .bi = bi, .nr_vcpus = vcpus, .cmdline = dom0_cmdline(bi),
                                    .gnttab = arch_gnttab_region(),
                                    .evtchn_intid = arch_dom0_evtchn_intid() };
    int rc = allocate_memory(d, ROUNDUP(mem, PAGE_SIZE), &l);
    if (!rc && l.fdt.banks[0].size < DOM0_DTB_OFFSET + DOM0_DTB_MAX)
        rc = -ENOMEM;
    d->max_pages = d->tot_pages;
    rc = rc ? rc : load_kernel(bi, &l);
    rc = rc ? rc : load_initrd(bi, &l);
    rc = rc ? rc : write_dtb(d, host_fdt, &l);
    rc = rc ? rc : arch_dom0_route_irqs(d, bi);
    if (rc) {
        domain_destroy(d);
        return rc;
    }
    d->hvm_params[HVM_PARAM_CALLBACK_IRQ] =
        (2ULL << 56) | (2ULL << 8) | l.fdt.evtchn_intid;   /* type PPI, level-low */
    log_info("dom0: %lu MiB in %u bank(s) from 0x%lx, %u vCPU(s), kernel at 0x%lx, "
             "DTB at 0x%lx, initrd at 0x%lx\n", (unsigned long)(mem >> 20), l.fdt.nr_banks,
             (unsigned long)l.fdt.banks[0].start, vcpus, (unsigned long)l.kernel,
             (unsigned long)l.dtb, (unsigned long)l.initrd);
    log_info("dom0: command line: %s\n", l.fdt.cmdline);
    return vcpu_start(d->vcpus[0], l.entry, l.dtb);
}

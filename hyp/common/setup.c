/*
 * Boot, in order: the MMU and early console, the device tree, memory, the
 * interrupt controller and timers, the other CPUs, the boot-time domains,
 * then the scheduler.
 */
#include "bootinfo.h"
#include "bug.h"
#include "cmdline.h"
#include "dom0_build.h"
#include "domain_build.h"
#include "memmap.h"
#include "page_alloc.h"
#include "percpu.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"
#include "version.h"

#include "setup_arch.h"

static struct bootinfo bootinfo;
static struct hyp_options options;

const char *hypervisor_cmdline(void)
{
    return bootinfo.cmdline;
}

static void add_free_ram(paddr_t start, paddr_t end, void *arg)
{
    unsigned long *total = arg;
    long n = page_alloc_add_region(start, end);
    if (n > 0)
        *total += (unsigned long)n;
}

/* RAM not taken by the image, the device tree, boot modules or reserved ranges. */
static void heap_init(const struct bootinfo *bi, paddr_t dtb, size_t dtb_size)
{
    struct boot_range used[BOOT_MAX_RESERVED + 4 + 3 * BOOT_MAX_DOMUS];
    unsigned int n = 0;
    unsigned long total = 0;

    used[n++] = arch_image_range();
    used[n++] = (struct boot_range){ dtb, dtb_size };
    for (unsigned int i = 0; i < bi->nr_reserved; i++)
        used[n++] = bi->reserved[i];
    used[n++] = (struct boot_range){ bi->dom0_kernel.start, bi->dom0_kernel.size };
    used[n++] = (struct boot_range){ bi->dom0_ramdisk.start, bi->dom0_ramdisk.size };
    for (unsigned int i = 0; i < bi->nr_domus; i++) {
        used[n++] = (struct boot_range){ bi->domus[i].kernel.start, bi->domus[i].kernel.size };
        used[n++] = (struct boot_range){ bi->domus[i].ramdisk.start, bi->domus[i].ramdisk.size };
        used[n++] = (struct boot_range){ bi->domus[i].dtb.start, bi->domus[i].dtb.size };
    }
    page_alloc_reset();
    memmap_for_each_free(bi->mem, bi->nr_mem, used, n, add_free_ram, &total);
    log_info("memory: %lu MiB free for domains and the hypervisor (%lu pages)\n",
             total >> (20 - PAGE_SHIFT), page_alloc_free_pages());
}

__noreturn void start_lamina(paddr_t dtb)
{
    size_t dtb_size;

    arch_early_init(dtb);
    log_info("Lamina %s (Xen %d.%d ABI) starting, device tree at 0x%lx\n", LAMINA_VERSION,
             LAMINA_XEN_MAJOR, LAMINA_XEN_MINOR, (unsigned long)dtb);
    int rc = bootfdt_parse(maddr_to_virt(dtb), &bootinfo);
    if (rc)
        panic("cannot use the device tree at 0x%lx (error %d)", (unsigned long)dtb, rc);
    dtb_size = arch_fdt_size(dtb);
    log_info("command line: %s\n", bootinfo.cmdline);
    cmdline_parse(bootinfo.cmdline, &options);
    arch_setup(&bootinfo);
    heap_init(&bootinfo, dtb, dtb_size);
    arch_init_irq_and_time(&bootinfo);
    sched_init_cpu(0);
    arch_smp_boot(&bootinfo);

    unsigned int built = 0;
    if (bootinfo.dom0_kernel.kind != BOOTMOD_NONE) {
        rc = build_dom0(&bootinfo, maddr_to_virt(dtb), &options);
        if (rc)
            panic("cannot build dom0 (error %d): see the messages above", rc);
        built++;
    }
    built += build_boot_domains(&bootinfo);
    if (!built)
        panic("no domain to run: give a dom0 kernel (multiboot,kernel under /chosen) "
              "or xen,domain nodes");
    log_info("%u domain(s) built; starting the scheduler\n", built);
    arch_enter_scheduler();
}

/*
 * libctrl's domain builder: a Linux (or any arm64 Image) domU built from
 * dom0 the way libxl + libxenguest build one on arm64 (xen-arm-abi.md
 * section 3): guest layout of arch-arm.h, the kernel Image (or Image.gz,
 * inflated with zlib) at RAM base + text_offset, initrd then DTB at 128 MiB
 * (or as high as they fit), the device tree libxl_arm.c generates (libfdt),
 * the four magic pages, event channels for the console and xenstore, the HVM
 * parameters, the grant-table entries of the console and xenstore, vCPU0's
 * boot context. The domain is left paused: ctrl_domain_unpause() starts it.
 *
 * Conventions are libctrl's (libctrl.h): 0 or -errno, ctrl_last_error().
 * Pure parts (kernel parsing, layout, device tree) need no hypervisor and
 * have their own entry points, for tools and the host unit test.
 *
 * Link with Debian's arm64 libfdt.a and libz.a (build/sysroot).
 */
#ifndef LAMINA_LIBCTRL_BUILD_DOM_H
#define LAMINA_LIBCTRL_BUILD_DOM_H

#include "libctrl.h"

#include <xen/arch-arm.h>
#include <xen/hvm/params.h>

/* The magic pages (xg_dom_arm.c): populated at GUEST_MAGIC_BASE, zeroed. */
#define CTRL_NR_MAGIC_PAGES    4
#define CTRL_MAGIC_GFN         (GUEST_MAGIC_BASE >> CTRL_PAGE_SHIFT)
#define CTRL_CONSOLE_PFN_OFF   0
#define CTRL_XENSTORE_PFN_OFF  1
#define CTRL_MEMACCESS_PFN_OFF 2
#define CTRL_VUART_PFN_OFF     3
/* libxl's LIBXL_MAXMEM_CONSTANT: max_mem = RAM + this + the magic pages. */
#define CTRL_MAXMEM_SLACK_KB   1024
/* Reserved grant references (grant_table.h GNTTAB_RESERVED_*). */
#define CTRL_GNTTAB_CONSOLE    0
#define CTRL_GNTTAB_XENSTORE   1
/* Largest device tree libxl allows (FDT_MAX_SIZE). */
#define CTRL_DTB_MAX           (2UL << 20)
/* The guest's event-channel upcall in HVM_PARAM_CALLBACK_IRQ: PPI 31, low level. */
#define CTRL_CALLBACK_IRQ_PPI  (((uint64_t)HVM_PARAM_CALLBACK_TYPE_PPI << 56) | \
                                ((uint64_t)HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL << 8) | \
                                GUEST_EVTCHN_PPI)

/* What to build. Zero-initialise, then fill in. */
struct ctrl_dom_config {
    const void *kernel;             /* an arm64 Image, or one gzip'd (Image.gz) */
    size_t kernel_len;
    const void *ramdisk;            /* NULL: none */
    size_t ramdisk_len;
    const char *cmdline;            /* NULL: no /chosen/bootargs */
    uint64_t mem_kb;                /* RAM: bank 0 (3 GiB at most), then bank 1 */
    uint32_t vcpus;                 /* 1..GUEST_MAX_VCPUS */
    uint32_t domid;                 /* wanted id, 0: the hypervisor picks */
    uint32_t console_domid;         /* the console backend (0: dom0) */
    uint32_t xenstore_domid;        /* xenstored's domain (0: dom0) */
    const uint8_t *uuid;            /* 16 bytes for setdomainhandle, or NULL */
    bool keep_on_error;             /* leave a half-built domain for inspection */
};

/* Where everything goes in the guest (guest-physical addresses, bytes). */
struct ctrl_dom_layout {
    uint64_t ram_base[GUEST_RAM_BANKS], ram_size[GUEST_RAM_BANKS];
    uint64_t kernel_base;           /* load address = entry = RAM0 base + text_offset */
    uint64_t kernel_len;            /* bytes copied (the inflated Image) */
    uint64_t kernel_span;           /* bytes the kernel may use from its base (image_size) */
    uint64_t ramdisk_base, ramdisk_len;     /* 0, 0 without one */
    uint64_t dtb_base, dtb_len;
};

/* A built domain. ctrl_dom_release() frees what it holds (not the domain). */
struct ctrl_dom {
    uint32_t domid;
    struct ctrl_dom_layout layout;
    struct ctrl_arm64_image image;  /* the kernel's header */
    bool kernel_was_gzip;
    uint32_t console_port, store_port;      /* the new domain's unbound ports */
    uint64_t console_gfn, store_gfn;
    uint32_t gic_version;           /* from createdomain */
    uint32_t clock_frequency;       /* from createdomain (0: the guest reads CNTFRQ) */
    void *dtb;                      /* the device tree given to the guest (malloc'd) */
    size_t dtb_len;
    /*
     * Free pages that went to the hypervisor for dom0's own stage-2 tables
     * while dom0 mapped the new domain's memory (Linux balloons a page of its
     * RAM out for each foreign frame; where that splits a 2 MiB block a table
     * page is allocated). They are dom0's: destroying the domU does not give
     * them back. Measured around each mapping step (physinfo).
     */
    int64_t dom0_p2m_pages;
};

/* --- the build ------------------------------------------------------------ */

/*
 * Builds the domain in libxl's order (xen-arm-abi.md 3.7): physinfo, the
 * capabilities (xen-3.0-aarch64), createdomain, max_vcpus, max_mem, paging
 * mempool, two unbound ports (xenstore, console), HVM_PARAM_CALLBACK_IRQ,
 * the device tree, set_address_size(64), populate RAM and the magic pages,
 * copy kernel, initrd and DTB, clear the magic pages, the other HVM params,
 * cacheflush, vCPU0's context, the grant-table seed (acquire_resource, or
 * add_to_physmap + foreign map + remove_from_physmap when the hypervisor
 * answers -EOPNOTSUPP). On failure the domain is destroyed (unless
 * keep_on_error: dom->domid then names it) and dom holds nothing to release.
 */
int ctrl_dom_build(ctrl_handle *h, const struct ctrl_dom_config *cfg, struct ctrl_dom *dom);
void ctrl_dom_release(struct ctrl_dom *dom);

/* Seeds grant references 0 (console) and 1 (xenstore) of domid. */
int ctrl_dom_seed_grant_table(ctrl_handle *h, uint32_t domid, uint64_t console_gfn,
                              uint32_t console_domid, uint64_t store_gfn, uint32_t store_domid);

/* XENMEM_add_to_physmap / remove_from_physmap on another domain's p2m. */
int ctrl_add_to_physmap(ctrl_handle *h, uint32_t domid, unsigned int space, uint64_t idx, uint64_t gfn);
int ctrl_remove_from_physmap(ctrl_handle *h, uint32_t domid, uint64_t gfn);
/* XENVER_capabilities into buf (NUL-terminated). */
int ctrl_xen_capabilities(ctrl_handle *h, char *buf, size_t len);

/* --- pure parts (no hypervisor) ------------------------------------------- */

/*
 * The kernel to load: data itself when it is an arm64 Image, or the Image
 * inflated from gzip (*out malloc'd, *was_gzip set). -EINVAL when it is
 * neither, -ENOMEM, -E2BIG above 1 GiB inflated. *out is data when not gzip'd
 * (free only when *was_gzip).
 */
int ctrl_kernel_prepare(const void *data, size_t len, const void **out, size_t *out_len,
                        bool *was_gzip, struct ctrl_arm64_image *img);

/*
 * libxenguest's placement: RAM in bank 0 then bank 1; the kernel at
 * GUEST_RAM0_BASE + text_offset, keeping image_size bytes; the modules
 * (initrd, then the DTB, each page-rounded) at RAM0 + 128 MiB when that
 * fits above the kernel, else at the top of bank 0, else below the kernel.
 * -ENOMEM when they do not fit, -EINVAL for a bad size.
 */
int ctrl_dom_layout(uint64_t mem_kb, const struct ctrl_arm64_image *img, size_t kernel_len,
                    size_t ramdisk_len, size_t dtb_len, struct ctrl_dom_layout *l);

/* What the generated device tree describes. */
struct ctrl_dom_fdt_info {
    const char *cmdline;            /* NULL: no bootargs */
    uint32_t vcpus;
    uint64_t ram_base[GUEST_RAM_BANKS], ram_size[GUEST_RAM_BANKS];
    bool has_ramdisk;               /* linux,initrd-start/-end (set with ctrl_dom_fdt_set_ramdisk) */
    uint32_t clock_frequency;       /* 0: no clock-frequency in /timer */
    unsigned int gpaddr_bits;       /* for the extended regions (0: 40) */
    const uint8_t *rng_seed;        /* CTRL_RNG_SEED_LEN bytes, or NULL: none */
};
#define CTRL_RNG_SEED_LEN 128

/* Writes the device tree libxl makes for a 64-bit GICv3 guest into buf. */
int ctrl_dom_make_fdt(void *buf, size_t size, const struct ctrl_dom_fdt_info *info);
/* Fills /chosen/linux,initrd-start and -end in place. */
int ctrl_dom_fdt_set_ramdisk(void *fdt, uint64_t start, uint64_t end);

#endif

/*
 * libctrl: Lamina's control library, the role of Xen's libxenctrl: what a
 * toolstack in dom0 needs to build, run and tear down domains, through
 * Linux's /dev/xen/privcmd (and /dev/xen/evtchn, /dev/xen/gntdev).
 *
 * Conventions:
 * - Every call returns 0 (or a count, a port ...) on success and -errno on
 *   failure (Xen's errno values are Linux's). ctrl_last_error() says what
 *   failed last on a handle ("domctl createdomain: EINVAL ..."),
 *   ctrl_errname()/ctrl_strerror() name a -errno.
 * - Structures are Xen 4.17's own (<xen/domctl.h>, <xen/sysctl.h>, built with
 *   __XEN_TOOLS__). Those headers need GNU C's anonymous unions: compile
 *   users with -std=gnu11 (the library's code is plain C11).
 * - Hypercall arguments are user virtual addresses the hypervisor walks
 *   (xen-arm-abi.md trap 1): the library passes only its own buffers,
 *   page-aligned, mlock()ed and written before every call (ctrl_buf_alloc()).
 * - A handle is not thread-safe (one per thread).
 * - Without a device, ctrl_open_with() runs the same code on any hypercall
 *   function (the host unit tests use a fake hypervisor).
 */
#ifndef LAMINA_LIBCTRL_H
#define LAMINA_LIBCTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

#define CTRL_PAGE_SHIFT 12
#define CTRL_PAGE_SIZE  (1UL << CTRL_PAGE_SHIFT)

typedef struct ctrl_handle ctrl_handle;

/* --- handle (handle.c) ---------------------------------------------------- */

/* Opens /dev/xen/privcmd (or /proc/xen/privcmd). 0 or -errno. */
int ctrl_open(ctrl_handle **out);
/* A handle whose hypercalls go to fn(ctx, op, args) instead of a device:
 * fn returns the hypervisor's result (>= 0 or -errno). */
typedef long ctrl_hypercall_fn(void *ctx, uint64_t op, const uint64_t args[5]);
int ctrl_open_with(ctrl_handle **out, ctrl_hypercall_fn *fn, void *ctx);
void ctrl_close(ctrl_handle *h);
/* The privcmd descriptor (-1 for ctrl_open_with handles). */
int ctrl_privcmd_fd(const ctrl_handle *h);
/* /dev/xen/evtchn and /dev/xen/gntdev, opened at the first call: fd or -errno. */
int ctrl_evtchn_fd(ctrl_handle *h);
int ctrl_gntdev_fd(ctrl_handle *h);

/* --- errors (error.c) ----------------------------------------------------- */

/* "EAGAIN" for -EAGAIN (or EAGAIN); "E?" for an unknown value. */
const char *ctrl_errname(int err);
/* "EAGAIN (Resource temporarily unavailable)". Static storage per value. */
const char *ctrl_strerror(int err);
/* What failed last on this handle, or "" when nothing has. */
const char *ctrl_last_error(const ctrl_handle *h);

/* --- hypercalls and their buffers (hypercall.c) --------------------------- */

/* size bytes (rounded up to pages), zeroed, locked and touched; every live
 * buffer of the handle is written again before each hypercall. NULL (and
 * ctrl_last_error) on failure. */
void *ctrl_buf_alloc(ctrl_handle *h, size_t size);
void ctrl_buf_free(ctrl_handle *h, void *p);
/* One raw hypercall. Pointers in a0..a4 must be ctrl_buf_alloc() memory. */
long ctrl_hypercall(ctrl_handle *h, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                    uint64_t a3, uint64_t a4);
/* domctl / sysctl with the interface version filled in; op is copied in and
 * back out through a locked buffer. */
int ctrl_domctl(ctrl_handle *h, struct xen_domctl *op);
int ctrl_sysctl(ctrl_handle *h, struct xen_sysctl *op);

/* --- domains (domctl.c) --------------------------------------------------- */

/* What libxl passes for an arm guest: hvm|hap, GIC native, 1023 event
 * channels, grant frames and maptrack frames -1 (the hypervisor's defaults,
 * 64 and 1024 on Xen), grant table v1, no TEE, no SPIs. */
void ctrl_createdomain_defaults(struct xen_domctl_createdomain *c, uint32_t max_vcpus);
/* *domid: IN the wanted id (0: the hypervisor picks), OUT the new domain's.
 * cfg is IN/OUT (gic_version, nr_spis, clock_frequency come back). The
 * domain starts paused, without memory. */
int ctrl_domain_create(ctrl_handle *h, struct xen_domctl_createdomain *cfg, uint32_t *domid);
/* Destroys, retrying -EAGAIN (pages still mapped by someone, a vCPU still
 * leaving its CPU) for up to CTRL_DESTROY_TIMEOUT_MS; then -EAGAIN. */
#define CTRL_DESTROY_TIMEOUT_MS 5000
int ctrl_domain_destroy(ctrl_handle *h, uint32_t domid);
/* The same with a bound in milliseconds (0: a single attempt). */
int ctrl_domain_destroy_timeout(ctrl_handle *h, uint32_t domid, unsigned int timeout_ms);
int ctrl_domain_pause(ctrl_handle *h, uint32_t domid);
int ctrl_domain_unpause(ctrl_handle *h, uint32_t domid);
int ctrl_domain_max_vcpus(ctrl_handle *h, uint32_t domid, uint32_t max);
int ctrl_domain_max_mem(ctrl_handle *h, uint32_t domid, uint64_t max_kb);
int ctrl_domain_set_address_size(ctrl_handle *h, uint32_t domid, uint32_t bits);
int ctrl_domain_set_handle(ctrl_handle *h, uint32_t domid, const uint8_t handle[16]);
int ctrl_domain_paging_mempool(ctrl_handle *h, uint32_t domid, uint64_t bytes);
/* Cleans and invalidates nr guest frames from gfn to the point of coherency
 * (split into the hypervisor's largest request). */
int ctrl_domain_cacheflush(ctrl_handle *h, uint32_t domid, uint64_t gfn, uint64_t nr);
/* That very domain's information: -ESRCH when it does not exist (Xen would
 * answer for the next higher domain: trap 28). */
int ctrl_domain_getinfo(ctrl_handle *h, uint32_t domid, struct xen_domctl_getdomaininfo *info);

/* --- vCPUs (vcpu.c) ------------------------------------------------------- */

/* An AArch64 vCPU's boot state as libxl sets it: pc, x0 (the DTB), EL1h with
 * DAIF masked (0x3c5), SCTLR_EL1 0x00c50078 (MMU and caches off), online. */
void ctrl_vcpu_boot_context(vcpu_guest_context_t *ctx, uint64_t pc, uint64_t x0);
int ctrl_vcpu_setcontext(ctrl_handle *h, uint32_t domid, uint32_t vcpu, const vcpu_guest_context_t *ctx);
int ctrl_vcpu_getcontext(ctrl_handle *h, uint32_t domid, uint32_t vcpu, vcpu_guest_context_t *ctx);
int ctrl_vcpu_getinfo(ctrl_handle *h, uint32_t domid, uint32_t vcpu, struct xen_domctl_getvcpuinfo *info);

/* --- the host (sysctl.c) -------------------------------------------------- */

int ctrl_physinfo(ctrl_handle *h, struct xen_sysctl_physinfo *info);
/* Up to max domains with ids >= first: how many were written, or -errno. */
int ctrl_domain_getinfolist(ctrl_handle *h, uint32_t first, struct xen_domctl_getdomaininfo *info,
                            uint32_t max);
/* The hypervisor's console ring (xl dmesg). *len: IN the room in buf, OUT the
 * bytes read. *index: with incremental, IN where to start; OUT where the
 * next incremental read starts. clear forgets what was read. */
int ctrl_readconsole(ctrl_handle *h, char *buf, uint32_t *len, uint32_t *index, bool incremental,
                     bool clear);

/* --- guest memory (memory.c) ---------------------------------------------- */

/* XENMEM_populate_physmap of n extents of 2^order pages at the given GFNs of
 * domid: the number of extents done (fewer when memory or max_mem ran out),
 * or -errno when none could be read. */
long ctrl_populate_physmap(ctrl_handle *h, uint32_t domid, unsigned int order, const uint64_t *gfns,
                           size_t n);
/* XENMEM_decrease_reservation, the same way. */
long ctrl_decrease_reservation(ctrl_handle *h, uint32_t domid, unsigned int order,
                               const uint64_t *gfns, size_t n);
/* RAM for nr pages from gfn, as libxl does: 2 MiB extents where aligned,
 * 4 KiB pages for the rest and for what the large ones could not get.
 * 0, or -ENOMEM when not every page could be populated. */
int ctrl_populate_range(ctrl_handle *h, uint32_t domid, uint64_t gfn, uint64_t nr);
/* The run of 2^order-aligned extents inside [gfn, gfn + nr): its first GFN
 * and how many extents (0 when none fits). */
void ctrl_extent_span(uint64_t gfn, uint64_t nr, unsigned int order, uint64_t *first,
                      uint64_t *count);

/* --- foreign mappings (foreign.c) ----------------------------------------- */

/* Maps n frames of domid (GFNs gfns[]) into this process, contiguously
 * (IOCTL_PRIVCMD_MMAPBATCH_V2). prot: PROT_READ and/or PROT_WRITE. errs,
 * when not NULL, gets each frame's error (0 or -errno). On failure nothing
 * stays mapped. Each mapped frame costs dom0 one ballooned page. */
int ctrl_map_foreign(ctrl_handle *h, uint32_t domid, const uint64_t *gfns, size_t n, int prot,
                     void **addr, int *errs);
/* n consecutive frames from gfn. */
int ctrl_map_foreign_range(ctrl_handle *h, uint32_t domid, uint64_t gfn, size_t n, int prot,
                           void **addr);
/* Unmaps what ctrl_map_foreign*() mapped (n frames at addr). */
int ctrl_unmap_foreign(ctrl_handle *h, void *addr, size_t n);
/* Copies into / out of a domain's guest-physical memory (map, copy, unmap). */
int ctrl_copy_to_domain(ctrl_handle *h, uint32_t domid, uint64_t gpa, const void *src, size_t len);
int ctrl_copy_from_domain(ctrl_handle *h, uint32_t domid, uint64_t gpa, void *dst, size_t len);

/* --- HVM parameters and event channels (hvm.c) ---------------------------- */

int ctrl_hvm_param_set(ctrl_handle *h, uint32_t domid, uint32_t index, uint64_t value);
int ctrl_hvm_param_get(ctrl_handle *h, uint32_t domid, uint32_t index, uint64_t *value);
/* EVTCHNOP_alloc_unbound in domid for remote: the port, or -errno. */
int ctrl_evtchn_alloc_unbound(ctrl_handle *h, uint32_t domid, uint32_t remote);

/* --- kernel images (image.c, no device) ----------------------------------- */

struct ctrl_arm64_image {
    uint64_t text_offset;       /* load at RAM base + this */
    uint64_t image_size;        /* bytes from the load address the kernel uses (>= file size) */
    uint64_t flags;
};
/* Reads an arm64 Image header (Linux's booting.rst): 0, or -EINVAL when data
 * is not one (too short, no "ARM\x64" magic) or cannot be loaded (big-endian,
 * text_offset not page-aligned). An image_size of 0 (Linux before 3.17) means
 * text_offset 0x80000; image_size is never less than len. */
int ctrl_arm64_image_parse(const void *data, size_t len, struct ctrl_arm64_image *img);

#endif

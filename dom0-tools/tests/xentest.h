/*
 * Shared helpers of the dom0 test programs (xen-abi-test, xen-hostile,
 * hypercall-bench): hypercalls through Linux's /dev/xen/privcmd, hypercall-safe
 * buffers, PASS/FAIL reporting.
 *
 * The ioctl structures come from Debian's copy of the Linux UAPI headers for
 * Xen (libxen-dev: /usr/include/xen/sys/{privcmd,evtchn,gntalloc,gntdev}.h,
 * reached as <xen/sys/...> through BUILD/include, see scripts/xen-headers.sh);
 * they compile as they are for arm64.
 */
#ifndef LAMINA_DOM0_XENTEST_H
#define LAMINA_DOM0_XENTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <xen/xen.h>
#include <xen/sys/privcmd.h>

#define PAGE_SIZE_4K 4096UL

/* Opens /dev/xen/privcmd (falling back to /proc/xen/privcmd); -1 and a
 * message on stderr when there is none (not on Xen, modules not loaded). */
int xt_privcmd_open(void);

/* One hypercall through IOCTL_PRIVCMD_HYPERCALL. Returns the hypervisor's
 * result: >= 0, or a negative Xen errno (-EFAULT, -ENOSYS, ...). Linux hands
 * results in -4095..-1 back as errno, which is turned back here; anything
 * else returned by the ioctl is the hypercall's own value. */
long xt_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                  uint64_t a3, uint64_t a4);

/* Page-aligned memory a hypercall may read and write: anonymous, touched and
 * mlock()ed, so that the hypervisor's stage-1 walk finds it mapped and
 * writable (xen-arm-abi.md trap 1). Aborts on failure. */
void *xt_alloc_pages(size_t npages);
void xt_free_pages(void *p, size_t npages);

/* A user address that maps nothing: a page mmap()ed and munmap()ed again. */
void *xt_unmapped_page(void);
/* A page-aligned read-only page (mapped, readable, not writable). */
void *xt_readonly_page(void);

/* Reporting. xt_pass/xt_fail print "PASS <prefix>/<name>[ (...)]" or
 * "FAIL <prefix>/<name>: <reason>", one line each, and count. */
void xt_set_prefix(const char *prefix);
void xt_pass(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xt_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int xt_passed(void);
int xt_failed(void);

/* "EFAULT" for -14 etc.; "?" for others. */
const char *xt_errname(long ret);

/* Monotonic time in nanoseconds. */
uint64_t xt_now_ns(void);

#endif

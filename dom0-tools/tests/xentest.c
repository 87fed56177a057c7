/* Shared helpers of the dom0 test programs: see xentest.h. */
#define _GNU_SOURCE
#include "xentest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static const char *prefix = "xen";
static int n_pass, n_fail;

int xt_privcmd_open(void)
{
    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "cannot open /dev/xen/privcmd: %s (not on Xen, or xen-privcmd not loaded)\n",
                strerror(errno));
    return fd;
}

long xt_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                  uint64_t a3, uint64_t a4)
{
    privcmd_hypercall_t h = { .op = op, .arg = { a0, a1, a2, a3, a4 } };
    long r = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
    if (r == -1)
        return -(long)errno;
    return r;
}

void *xt_alloc_pages(size_t npages)
{
    size_t len = npages * PAGE_SIZE_4K;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        abort();
    }
    memset(p, 0, len);
    if (mlock(p, len) != 0) {
        perror("mlock");
        abort();
    }
    return p;
}

void xt_free_pages(void *p, size_t npages)
{
    munlock(p, npages * PAGE_SIZE_4K);
    munmap(p, npages * PAGE_SIZE_4K);
}

void *xt_unmapped_page(void)
{
    void *p = mmap(NULL, PAGE_SIZE_4K, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        abort();
    }
    munmap(p, PAGE_SIZE_4K);
    return p;
}

void *xt_readonly_page(void)
{
    void *p = xt_alloc_pages(1);
    memcpy(p, "read-only page\n", 15);
    if (mprotect(p, PAGE_SIZE_4K, PROT_READ) != 0) {
        perror("mprotect");
        abort();
    }
    return p;
}

void xt_set_prefix(const char *p)
{
    prefix = p;
}

void xt_pass(const char *name, const char *fmt, ...)
{
    n_pass++;
    printf("PASS %s/%s", prefix, name);
    if (fmt && *fmt) {
        va_list ap;
        printf(" (");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf(")");
    }
    printf("\n");
    fflush(stdout);
}

void xt_fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    n_fail++;
    printf("FAIL %s/%s: ", prefix, name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

void xt_info(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

int xt_passed(void)
{
    return n_pass;
}

int xt_failed(void)
{
    return n_fail;
}

const char *xt_errname(long ret)
{
    switch (ret) {
    case 0: return "ok";
    case -EPERM: return "EPERM";
    case -ENOENT: return "ENOENT";
    case -ESRCH: return "ESRCH";
    case -EINTR: return "EINTR";
    case -EIO: return "EIO";
    case -ENXIO: return "ENXIO";
    case -E2BIG: return "E2BIG";
    case -ENOMEM: return "ENOMEM";
    case -EACCES: return "EACCES";
    case -EFAULT: return "EFAULT";
    case -EBUSY: return "EBUSY";
    case -EEXIST: return "EEXIST";
    case -ENODEV: return "ENODEV";
    case -EINVAL: return "EINVAL";
    case -ENOSPC: return "ENOSPC";
    case -ERANGE: return "ERANGE";
    case -ENOSYS: return "ENOSYS";
    case -EOPNOTSUPP: return "EOPNOTSUPP";
    case -ENOTTY: return "ENOTTY";
    case -EAGAIN: return "EAGAIN";
    case -EBADF: return "EBADF";
    case -EOVERFLOW: return "EOVERFLOW";
    default: return "?";
    }
}

uint64_t xt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

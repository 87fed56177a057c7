/*
 * hypercall-bench: the cost of a null hypercall (xen_version(XENVER_version))
 * issued from dom0 userspace through /dev/xen/privcmd, in wall-clock ns per
 * call (CLOCK_MONOTONIC), median of 5 batches. For comparison it also times
 * a privcmd ioctl the kernel refuses without a hypercall and a plain system
 * call (getppid), so the hypervisor's share can be told from Linux's.
 *
 *   hypercall-bench [CALLS_PER_BATCH]      (default 20000)
 *
 * Output (the last line is what tests/bench/dom0.sh reads):
 *   hypercall-bench: ns_per_call=<f> calls=<n> ioctl_ns=<f> syscall_ns=<f> version=0x<v>
 */
#define _GNU_SOURCE
#include "xentest.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xen/version.h>

#define BATCHES 5
#define IOCTL_PRIVCMD_NOSUCH _IOC(_IOC_NONE, 'P', 0xFE, 0)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 0) : 20000;
    if (n <= 0)
        n = 20000;
    int fd = xt_privcmd_open();
    if (fd < 0) {
        /* no hypervisor: the system call alone, for comparison */
        double sc[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            uint64_t t0 = xt_now_ns();
            for (long i = 0; i < n; i++)
                syscall(SYS_getppid);
            sc[b] = (double)(xt_now_ns() - t0) / (double)n;
        }
        printf("hypercall-bench: no /dev/xen/privcmd: hypercalls not measured\n");
        printf("hypercall-bench: ns_per_call=- calls=%ld ioctl_ns=- syscall_ns=%.1f version=-\n", n,
               median(sc, BATCHES));
        return 0;
    }
    long v = xt_hypercall(fd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    if (v < 0) {
        printf("hypercall-bench: xen_version failed (%ld): not measured\n", v);
        return 0;
    }
    double hc[BATCHES], io[BATCHES], sc[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = xt_now_ns();
        for (long i = 0; i < n; i++)
            xt_hypercall(fd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
        uint64_t t1 = xt_now_ns();
        for (long i = 0; i < n; i++)
            ioctl(fd, IOCTL_PRIVCMD_NOSUCH, 0);
        uint64_t t2 = xt_now_ns();
        for (long i = 0; i < n; i++)
            syscall(SYS_getppid);
        uint64_t t3 = xt_now_ns();
        hc[b] = (double)(t1 - t0) / (double)n;
        io[b] = (double)(t2 - t1) / (double)n;
        sc[b] = (double)(t3 - t2) / (double)n;
    }
    printf("hypercall-bench: %d batches of %ld xen_version(XENVER_version) calls through privcmd\n", BATCHES, n);
    printf("hypercall-bench: ns_per_call=%.1f calls=%ld ioctl_ns=%.1f syscall_ns=%.1f version=0x%lx\n",
           median(hc, BATCHES), n, median(io, BATCHES), median(sc, BATCHES), v);
    return 0;
}

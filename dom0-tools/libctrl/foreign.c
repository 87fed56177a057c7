/*
 * libctrl: another domain's frames mapped into this process. Linux's privcmd
 * does it: mmap() of the privcmd device reserves the range, then
 * IOCTL_PRIVCMD_MMAPBATCH_V2 gives each page a ballooned dom0 frame and maps
 * the foreign frame there (XENMEM_add_to_physmap_batch, gmfn_foreign);
 * munmap() removes them again (XENMEM_remove_from_physmap). The hypervisor
 * keeps a domain with mapped frames from being destroyed (-EAGAIN): unmap
 * first.
 */
#include "ctrl_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <xen/sys/privcmd.h>

/* ctrl_copy_*_domain map at most this many frames at a time. */
#define COPY_CHUNK_PAGES 1024

int ctrl_map_foreign(ctrl_handle *h, uint32_t domid, const uint64_t *gfns, size_t n, int prot,
                     void **addr, int *errs)
{
    if (h->privcmd_fd < 0)
        return ctrl_fail(h, -ENODEV, "foreign map of d%u: no privcmd device", domid);
    if (!n || n > (size_t)0x7fffffff || n > SIZE_MAX / CTRL_PAGE_SIZE)
        return ctrl_fail(h, -EINVAL, "foreign map of d%u: %zu frames", domid, n);
    int *err = errs ? errs : calloc(n, sizeof(int));
    if (!err)
        return ctrl_fail(h, -ENOMEM, "foreign map of d%u", domid);
    memset(err, 0, n * sizeof(int));        /* Linux writes them only when one failed */

    int rc = 0;
    size_t len = n * CTRL_PAGE_SIZE;
    void *p = mmap(NULL, len, prot, MAP_SHARED, h->privcmd_fd, 0);
    if (p == MAP_FAILED) {
        rc = ctrl_fail(h, -errno, "mmap of privcmd for %zu frames of d%u", n, domid);
        goto out;
    }
    privcmd_mmapbatch_v2_t m = {
        .num = (unsigned int)n, .dom = (domid_t)domid, .addr = (uintptr_t)p,
        .arr = (const xen_pfn_t *)gfns, .err = err,
    };
    if (ioctl(h->privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0)
        rc = -errno;
    /* Errors other than ENOENT only show in err[] (the ioctl returns 0). */
    for (size_t i = 0; i < n && rc >= 0; i++)
        if (err[i])
            rc = err[i] < 0 ? err[i] : -err[i];
    if (rc) {
        size_t bad = 0;
        while (bad < n && !err[bad])
            bad++;
        ctrl_fail(h, rc, "foreign map of %zu frames of d%u (first failing: gfn 0x%llx)", n, domid,
                  bad < n ? (unsigned long long)gfns[bad] : 0ULL);
        munmap(p, len);
        goto out;
    }
    *addr = p;
out:
    if (err != errs)
        free(err);
    return rc;
}

int ctrl_map_foreign_range(ctrl_handle *h, uint32_t domid, uint64_t gfn, size_t n, int prot,
                           void **addr)
{
    uint64_t *gfns = calloc(n ? n : 1, sizeof(uint64_t));
    if (!gfns)
        return ctrl_fail(h, -ENOMEM, "foreign map of d%u", domid);
    for (size_t i = 0; i < n; i++)
        gfns[i] = gfn + i;
    int rc = ctrl_map_foreign(h, domid, gfns, n, prot, addr, NULL);
    free(gfns);
    return rc;
}

int ctrl_unmap_foreign(ctrl_handle *h, void *addr, size_t n)
{
    if (munmap(addr, n * CTRL_PAGE_SIZE) != 0)
        return ctrl_fail(h, -errno, "munmap of %zu foreign frames", n);
    return 0;
}

/* Copy len bytes between buf and the domain's memory from gpa, a chunk of frames at a time. */
static int copy_domain(ctrl_handle *h, uint32_t domid, uint64_t gpa, void *buf, size_t len, bool to)
{
    char *b = buf;
    while (len) {
        uint64_t gfn = gpa >> CTRL_PAGE_SHIFT;
        size_t off = (size_t)(gpa & (CTRL_PAGE_SIZE - 1));
        size_t pages = ctrl_pages(off + len);
        if (pages > COPY_CHUNK_PAGES)
            pages = COPY_CHUNK_PAGES;
        size_t n = pages * CTRL_PAGE_SIZE - off;
        if (n > len)
            n = len;
        void *map;
        int rc = ctrl_map_foreign_range(h, domid, gfn, pages, to ? PROT_READ | PROT_WRITE : PROT_READ, &map);
        if (rc)
            return rc;
        if (to)
            memcpy((char *)map + off, b, n);
        else
            memcpy(b, (char *)map + off, n);
        rc = ctrl_unmap_foreign(h, map, pages);
        if (rc)
            return rc;
        b += n;
        gpa += n;
        len -= n;
    }
    return 0;
}

int ctrl_copy_to_domain(ctrl_handle *h, uint32_t domid, uint64_t gpa, const void *src, size_t len)
{
    return copy_domain(h, domid, gpa, (void *)src, len, true);
}

int ctrl_copy_from_domain(ctrl_handle *h, uint32_t domid, uint64_t gpa, void *dst, size_t len)
{
    return copy_domain(h, domid, gpa, dst, len, false);
}

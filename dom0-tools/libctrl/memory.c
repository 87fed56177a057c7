/* libctrl: a domain's RAM (XENMEM_populate_physmap, decrease_reservation). */
#include "ctrl_private.h"

#include <errno.h>
#include <string.h>

#include <xen/memory.h>

#define SUPERPAGE_ORDER 9       /* 2 MiB */
#define LIST_OFF 64             /* the GFN list follows the request in one buffer */

static long reservation(ctrl_handle *h, unsigned int cmd, const char *what, uint32_t domid,
                        unsigned int order, const uint64_t *gfns, size_t n)
{
    if (!n)
        return 0;
    if (n > (SIZE_MAX - LIST_OFF) / sizeof(uint64_t))
        return ctrl_fail(h, -E2BIG, "memory_op %s d%u: %zu extents", what, domid, n);
    char *buf = ctrl_buf_alloc(h, LIST_OFF + n * sizeof(uint64_t));
    if (!buf)
        return -ENOMEM;
    struct xen_memory_reservation *r = (void *)buf;
    xen_pfn_t *list = (void *)(buf + LIST_OFF);
    _Static_assert(sizeof(*r) <= LIST_OFF, "the request fits before the list");
    _Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t), "GFNs are 64-bit on arm");
    memcpy(list, gfns, n * sizeof(uint64_t));
    set_xen_guest_handle(r->extent_start, list);
    r->nr_extents = n;
    r->extent_order = order;
    r->mem_flags = 0;
    r->domid = (domid_t)domid;
    long rc = ctrl_hypercall(h, __HYPERVISOR_memory_op, cmd, (uintptr_t)r, 0, 0, 0);
    ctrl_buf_free(h, buf);
    if (rc < 0)
        return ctrl_fail(h, (int)rc, "memory_op %s d%u (%zu extents of order %u)", what, domid, n, order);
    return rc;
}

long ctrl_populate_physmap(ctrl_handle *h, uint32_t domid, unsigned int order, const uint64_t *gfns,
                           size_t n)
{
    return reservation(h, XENMEM_populate_physmap, "populate_physmap", domid, order, gfns, n);
}

long ctrl_decrease_reservation(ctrl_handle *h, uint32_t domid, unsigned int order,
                               const uint64_t *gfns, size_t n)
{
    return reservation(h, XENMEM_decrease_reservation, "decrease_reservation", domid, order, gfns, n);
}

void ctrl_extent_span(uint64_t gfn, uint64_t nr, unsigned int order, uint64_t *first, uint64_t *count)
{
    uint64_t size = 1ULL << order;
    uint64_t start = (gfn + size - 1) & ~(size - 1);
    uint64_t end = gfn + nr;

    *first = start;
    *count = (start < gfn || start >= end) ? 0 : (end - start) >> order;
}

/* Populate [gfn, gfn + nr) page by page: 0 or -ENOMEM/-errno. */
static int populate_small(ctrl_handle *h, uint32_t domid, uint64_t gfn, uint64_t nr)
{
    if (!nr)
        return 0;
    uint64_t *list = ctrl_buf_alloc(h, nr * sizeof(uint64_t));   /* just memory, not passed */
    if (!list)
        return -ENOMEM;
    for (uint64_t i = 0; i < nr; i++)
        list[i] = gfn + i;
    long done = ctrl_populate_physmap(h, domid, 0, list, nr);
    ctrl_buf_free(h, list);
    if (done < 0)
        return (int)done;
    if ((uint64_t)done != nr)
        return ctrl_fail(h, -ENOMEM, "populate_physmap d%u: %ld of %llu pages from gfn 0x%llx",
                         domid, done, (unsigned long long)nr, (unsigned long long)gfn);
    return 0;
}

int ctrl_populate_range(ctrl_handle *h, uint32_t domid, uint64_t gfn, uint64_t nr)
{
    uint64_t first, count;
    long done = 0;

    ctrl_extent_span(gfn, nr, SUPERPAGE_ORDER, &first, &count);
    if (count) {
        uint64_t *list = ctrl_buf_alloc(h, count * sizeof(uint64_t));
        if (!list)
            return -ENOMEM;
        for (uint64_t i = 0; i < count; i++)
            list[i] = first + (i << SUPERPAGE_ORDER);
        done = ctrl_populate_physmap(h, domid, SUPERPAGE_ORDER, list, count);
        ctrl_buf_free(h, list);
        if (done < 0)
            return (int)done;
    } else {
        first = gfn + nr;                   /* no large extent: all of it below */
    }
    /* What the large extents did not cover: the head, then everything after them. */
    uint64_t covered_end = first + ((uint64_t)done << SUPERPAGE_ORDER);
    int rc = populate_small(h, domid, gfn, first - gfn);
    return rc ? rc : populate_small(h, domid, covered_end, gfn + nr - covered_end);
}

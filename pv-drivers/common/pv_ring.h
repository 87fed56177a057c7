/*
 * <xen/io/ring.h> for user space and the host: the ring macros need the
 * three barriers a kernel would give them. Full fences are what the
 * protocol asks for (Linux uses virt_mb() and friends, which are dmb ish on
 * arm64); __atomic_thread_fence gives them on arm64 and on the host alike.
 */
#ifndef LAMINA_PV_RING_H
#define LAMINA_PV_RING_H

#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <stddef.h>
#include <stdint.h>
#include <xen/io/ring.h>

#define PV_PAGE_SIZE 4096u

/*
 * Entries in a ring of `pages` pages for entries of entry_size bytes (the
 * larger of request and response): the largest power of two that fits
 * after the 64-byte header, as __RING_SIZE. 0 when none fits.
 */
unsigned int pv_ring_entries(unsigned int pages, size_t entry_size);

/*
 * Whether a producer index read from a shared ring is sane for a consumer at
 * cons with rsp_prod_pvt responses produced and `size` entries: a hostile
 * peer may write anything there. Sane means at most `size` requests beyond
 * the responses produced (RING_REQUEST_PROD_OVERFLOW) and not behind cons.
 */
int pv_ring_prod_ok(uint32_t prod, uint32_t cons, uint32_t rsp_prod_pvt, unsigned int size);

#endif

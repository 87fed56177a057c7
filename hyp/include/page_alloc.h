/*
 * Machine memory: a buddy allocator over page frames.
 *
 * The hypervisor maps all RAM 1:1 (VA == PA), so a block is named by its
 * address. Regions are handed in at boot with the hypervisor image, the DTB
 * and the boot modules already cut out. Each region keeps its frame table
 * (one struct page_info per frame) at its own start, so no other allocator is
 * needed to bootstrap. Blocks are naturally aligned to their size
 * (an order-n block is 2^n pages and 2^n-page aligned).
 *
 * Thread-safe (one lock). Host unit tests run it over a malloc'd arena.
 */
#ifndef LAMINA_PAGE_ALLOC_H
#define LAMINA_PAGE_ALLOC_H

#include "types.h"

#define MAX_ORDER 18            /* largest block: 2^18 pages = 1 GiB */
#define MAX_RAM_REGIONS 16
#define DOMID_NONE 0xFFFFu      /* owner of free and hypervisor-owned frames */

struct page_info {
    uint32_t count;             /* references (foreign maps etc.), 0 when free */
    domid_t owner;              /* DOMID_NONE: free or the hypervisor's */
    uint8_t order;              /* order of the block this frame heads */
    uint8_t flags;              /* PGF_* */
};

#define PGF_FREE  0x01          /* heads a free block */
#define PGF_ALLOC 0x02          /* heads an allocated block */

/* Forget everything (unit tests; boot calls it once). */
void page_alloc_reset(void);

/*
 * Give [start, end) to the allocator; both are rounded inwards to pages.
 * Returns the number of frames made available, or -EINVAL/-ENOSPC.
 */
long page_alloc_add_region(paddr_t start, paddr_t end);

/* 2^order contiguous, naturally aligned pages; NULL if none. Not zeroed. */
void *alloc_pages(unsigned int order);
/* Same, zero-filled. */
void *alloc_pages_zeroed(unsigned int order);
void free_pages(void *va, unsigned int order);
/* Make an allocated 2^order block 2^order allocated pages (freed one by one). */
void page_split(void *va, unsigned int order);

static inline void *alloc_page(void) { return alloc_pages(0); }
static inline void *alloc_page_zeroed(void) { return alloc_pages_zeroed(0); }
static inline void free_page(void *va) { free_pages(va, 0); }

/* Frame metadata of a managed frame, or NULL if the address is not managed. */
struct page_info *page_info_of(paddr_t pa);

unsigned long page_alloc_free_pages(void);
unsigned long page_alloc_total_pages(void);

/* Maps between the 1:1 hypervisor VA and machine addresses. */
static inline paddr_t virt_to_maddr(const void *va) { return (paddr_t)(uintptr_t)va; }
static inline void *maddr_to_virt(paddr_t pa) { return (void *)(uintptr_t)pa; }

#endif

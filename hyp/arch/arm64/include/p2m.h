/*
 * Stage-2 translation tables of one domain (guest physical -> machine).
 *
 * Format: VMSAv8-64 stage 2, 4 KiB granule, 40-bit IPA, start level 1 with
 * two concatenated level-1 tables as root (VTCR_EL2: T0SZ=24, SL0=1,
 * TG0=4K, PS=40 bit). 1 GiB and 2 MiB blocks are used where IPA, PA and size
 * allow; unmapping part of a block splits it. Table pages come from the page
 * allocator and are counted in nr_table_pages. This file is plain C over the
 * descriptor format (no system registers), so host unit tests drive it;
 * TLB maintenance goes through arch_p2m_flush_tlb().
 */
#ifndef LAMINA_P2M_H
#define LAMINA_P2M_H

#include "types.h"
#include "spinlock.h"

#define P2M_IPA_BITS 40
#define P2M_ROOT_ORDER 1                /* two concatenated 4 KiB tables */
#define P2M_ROOT_ENTRIES 1024

enum p2m_type {
    P2M_INVALID = 0,
    P2M_RAM_RW,         /* normal WB, read/write, executable */
    P2M_RAM_RO,         /* normal WB, read-only, executable */
    P2M_MMIO,           /* device nGnRE, read/write, never executable */
    P2M_MAP_FOREIGN_RW, /* another domain's page (toolstack maps) */
    P2M_MAP_FOREIGN_RO,
    P2M_GRANT_RW,       /* a granted page */
    P2M_GRANT_RO,
};

struct p2m {
    spinlock_t lock;
    uint64_t *root;                 /* P2M_ROOT_ENTRIES descriptors, 8 KiB aligned */
    uint16_t vmid;
    unsigned long nr_table_pages;   /* root included */
    unsigned long nr_mapped_pages;  /* 4 KiB pages currently mapped */
};

/* Allocate the root. 0 or -ENOMEM. */
int p2m_init(struct p2m *p2m, uint16_t vmid);
/* Free every table page (not the mapped frames), flush the VMID's TLB. */
void p2m_teardown(struct p2m *p2m);

/*
 * Map nr_pages pages [ipa, ipa + nr_pages*4K) to [pa, ...) with type t,
 * replacing what was there. -EINVAL for misaligned or out-of-range input
 * (ipa + size beyond 2^40), -ENOMEM if a table page cannot be allocated (what
 * was mapped before the failure stays mapped; the caller unmaps on error).
 */
int p2m_map(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t nr_pages, enum p2m_type t);

/* Remove the mappings in the range (holes are fine). -EINVAL, -ENOMEM (split). */
int p2m_unmap(struct p2m *p2m, ipa_t ipa, uint64_t nr_pages);

/*
 * Translate one IPA. Returns 0 and fills *pa (byte address, offset kept) and
 * *t (either may be NULL), or -ENOENT for a hole, -EINVAL out of range.
 */
int p2m_lookup(struct p2m *p2m, ipa_t ipa, paddr_t *pa, enum p2m_type *t);

/* Value for VTTBR_EL2: root address | VMID << 48. */
uint64_t p2m_vttbr(const struct p2m *p2m);

/* Invalidate stage-2 TLB entries of this VMID for [ipa, ipa+size) (arch code). */
void arch_p2m_flush_tlb(const struct p2m *p2m, ipa_t ipa, uint64_t size);

#endif

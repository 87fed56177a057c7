/*
 * Fakes for grant-table host tests: a registry of domains (domain_lookup),
 * a few pages of "RAM" per domain from the real page allocator (owner set,
 * so page_info counts and owners are the real thing), a fake stage 2 that
 * records grant mappings in a window of guest physical space, and a log of
 * cache maintenance calls.
 */
#ifndef LAMINA_FAKE_GRANTS_H
#define LAMINA_FAKE_GRANTS_H

#include "domain.h"

#define FG_MAX_DOMS 4
#define FG_RAM_PAGES 16
#define FG_RAM_GFN 0x80000UL            /* RAM page i of every domain is GFN FG_RAM_GFN + i */
#define FG_FOREIGN_GFN 0x90000UL        /* resolves to another domain's page (must be refused) */
#define FG_MAP_BASE 0x100000000UL       /* the fake stage 2 accepts grant maps here... */
#define FG_MAP_PAGES 65536UL            /* ...for this many pages; elsewhere -EINVAL */

struct fg_flush { const void *va; size_t len; uint32_t op; };

extern unsigned int fg_flush_calls;
extern struct fg_flush fg_last_flush;
extern int fg_map_rc;                   /* arch_grant_map returns this when non-zero */
extern int fg_unmap_rc;                 /* arch_grant_unmap returns this when non-zero */
extern unsigned int fg_unmap_spin;      /* arch_grant_unmap busy-waits this long (a slow flush) */

/* Fresh page allocator and xmalloc, no domains. */
void fg_reset(void);
/* Register d (zeroed unless it is fake_domain) as domid, with RAM and a grant table. */
struct domain *fg_add_domain(struct domain *d, domid_t domid, bool privileged);
/* Forget d (domain_lookup no longer finds it); its RAM stays allocated. */
void fg_remove_domain(struct domain *d);
void *fg_ram(struct domain *d, unsigned int i);
paddr_t fg_ram_pa(struct domain *d, unsigned int i);
void fg_set_ram_readonly(struct domain *d, unsigned int i, bool ro);
/* The fake stage 2: what d has at gpa (grant mappings only). */
bool fg_p2m_lookup(struct domain *d, ipa_t gpa, paddr_t *pa, bool *ro);
unsigned long fg_p2m_count(struct domain *d);
/* Put pa at gpa as the guest could (e.g. populate over a grant mapping). */
void fg_p2m_set(struct domain *d, ipa_t gpa, paddr_t pa);

#endif

/* Fakes for the grant-table host tests (see fake_grants.h). */
#include <stdlib.h>
#include <string.h>

#include "fake_grants.h"
#include "fake_guest.h"
#include "errno.h"
#include "grant_table.h"
#include "page_alloc.h"
#include "xmalloc.h"

#define ARENA_SIZE (32UL << 20)

struct fg_map { paddr_t pa; bool ro; };

struct fg_dom {
    struct domain *d;
    void *ram[FG_RAM_PAGES];
    bool ro[FG_RAM_PAGES];
    struct fg_map *p2m;             /* FG_MAP_PAGES entries */
    unsigned long mapped;
};

static void *arena;
static struct fg_dom doms[FG_MAX_DOMS];
static void *foreign_page;          /* owned by nobody we register */

unsigned int fg_flush_calls;
struct fg_flush fg_last_flush;
int fg_map_rc, fg_unmap_rc;
unsigned int fg_unmap_spin;

void fg_reset(void)
{
    if (!arena)
        arena = aligned_alloc(2UL << 20, ARENA_SIZE);
    page_alloc_reset();
    xmalloc_reset();
    page_alloc_add_region((paddr_t)(uintptr_t)arena, (paddr_t)(uintptr_t)arena + ARENA_SIZE);
    for (unsigned int i = 0; i < FG_MAX_DOMS; i++) {
        struct fg_map *p2m = doms[i].p2m;
        if (!p2m)
            p2m = calloc(FG_MAP_PAGES, sizeof(*p2m));
        else
            memset(p2m, 0, FG_MAP_PAGES * sizeof(*p2m));
        doms[i] = (struct fg_dom){ .p2m = p2m };
    }
    foreign_page = alloc_page_zeroed();
    page_info_of((paddr_t)(uintptr_t)foreign_page)->owner = 77;
    fg_flush_calls = 0;
    fg_map_rc = fg_unmap_rc = 0;
    fg_unmap_spin = 0;
}

static struct fg_dom *find(const struct domain *d)
{
    for (unsigned int i = 0; i < FG_MAX_DOMS; i++)
        if (doms[i].d == d)
            return &doms[i];
    return NULL;
}

struct domain *fg_add_domain(struct domain *d, domid_t domid, bool privileged)
{
    struct fg_dom *slot = find(NULL);

    if (d != &fake_domain)
        memset(d, 0, sizeof(*d));
    d->domid = domid;
    d->is_privileged = privileged;
    d->grant_table = NULL;
    slot->d = d;
    for (unsigned int i = 0; i < FG_RAM_PAGES; i++) {
        slot->ram[i] = alloc_page_zeroed();
        page_info_of((paddr_t)(uintptr_t)slot->ram[i])->owner = domid;
    }
    if (grant_table_init(d))
        abort();
    return d;
}

void fg_remove_domain(struct domain *d)
{
    find(d)->d = NULL;
}

void *fg_ram(struct domain *d, unsigned int i)
{
    return find(d)->ram[i];
}

paddr_t fg_ram_pa(struct domain *d, unsigned int i)
{
    return (paddr_t)(uintptr_t)fg_ram(d, i);
}

void fg_set_ram_readonly(struct domain *d, unsigned int i, bool ro)
{
    find(d)->ro[i] = ro;
}

static struct fg_map *p2m_slot(struct domain *d, ipa_t gpa)
{
    struct fg_dom *fd = find(d);
    if (!fd || gpa < FG_MAP_BASE || gpa >= FG_MAP_BASE + FG_MAP_PAGES * PAGE_SIZE ||
        !IS_ALIGNED(gpa, PAGE_SIZE))
        return NULL;
    return &fd->p2m[(gpa - FG_MAP_BASE) >> PAGE_SHIFT];
}

bool fg_p2m_lookup(struct domain *d, ipa_t gpa, paddr_t *pa, bool *ro)
{
    struct fg_map *m = p2m_slot(d, gpa);
    if (!m || !m->pa)
        return false;
    if (pa)
        *pa = m->pa;
    if (ro)
        *ro = m->ro;
    return true;
}

unsigned long fg_p2m_count(struct domain *d)
{
    return find(d)->mapped;
}

void fg_p2m_set(struct domain *d, ipa_t gpa, paddr_t pa)
{
    struct fg_map *m = p2m_slot(d, gpa);
    if (!m->pa)
        find(d)->mapped++;
    *m = (struct fg_map){ pa, false };
}

/* --- the services grant tables call ------------------------------------------ */

struct domain *domain_lookup(domid_t domid)
{
    for (unsigned int i = 0; i < FG_MAX_DOMS; i++)
        if (doms[i].d && doms[i].d->domid == domid)
            return doms[i].d;
    return NULL;
}

void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool write)
{
    struct fg_dom *fd = find(d);

    if (gfn == FG_FOREIGN_GFN)
        return foreign_page;        /* a broken p2m: the owner check must catch it */
    if (!fd || gfn < FG_RAM_GFN || gfn >= FG_RAM_GFN + FG_RAM_PAGES)
        return NULL;
    if (write && fd->ro[gfn - FG_RAM_GFN])
        return NULL;
    return fd->ram[gfn - FG_RAM_GFN];
}

int arch_grant_map(struct domain *d, ipa_t gpa, paddr_t pa, bool readonly)
{
    struct fg_map *m = p2m_slot(d, gpa);

    if (fg_map_rc)
        return fg_map_rc;
    if (!m)
        return -EINVAL;
    if (!m->pa)
        find(d)->mapped++;
    *m = (struct fg_map){ pa, readonly };
    return 0;
}

int arch_grant_unmap(struct domain *d, ipa_t gpa, paddr_t pa)
{
    struct fg_map *m = p2m_slot(d, gpa);

    for (volatile unsigned int i = 0; i < fg_unmap_spin; i++)
        ;
    if (fg_unmap_rc)
        return fg_unmap_rc;
    if (!m || m->pa != pa)
        return -EINVAL;
    *m = (struct fg_map){ 0, false };
    find(d)->mapped--;
    return 0;
}

void arch_grant_cache_flush(const void *va, size_t len, uint32_t op)
{
    fg_flush_calls++;
    fg_last_flush = (struct fg_flush){ va, len, op };
}

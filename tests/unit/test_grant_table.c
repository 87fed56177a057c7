/*
 * Grant tables through do_grant_table_op and the core API: grant -> map ->
 * data visible at the mapped address -> unmap, the exact GTF_reading/writing
 * bits a Linux granter sees (its revoke must fail while they are set), page
 * reference counts, read-only and wrong-domain grants, bad refs, handles and
 * domains with Xen's GNTST codes, table growth, copy, cache flush, domain
 * destruction on either side, maptrack exhaustion, and a granter that keeps
 * changing its entry from another thread.
 */
#define _POSIX_C_SOURCE 200809L     /* pthread barriers */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "fake_grants.h"
#include "fake_guest.h"
#include "errno.h"
#include "grant_table.h"
#include "hypercall.h"
#include "page_alloc.h"
#include <xen/grant_table.h>
#include <xen/memory.h>

#define G FAKE_GUEST_BASE
#define BAD 0x100000000000UL
#define GPA(i) (FG_MAP_BASE + (uint64_t)(i) * PAGE_SIZE)
#define GFN(i) (FG_RAM_GFN + (i))
#define CALLER (&fake_domain)
#define ME (fake_domain.domid)
#define GRANTER 5
#define OTHER 6
#define READ_WRITE (GTF_reading | GTF_writing)

static struct domain granter, other, spare;

static void setup(bool privileged)
{
    fake_guest_reset(privileged);
    fg_reset();
    fg_add_domain(&fake_domain, privileged ? 0 : 1, privileged);
    fg_add_domain(&granter, GRANTER, false);
    fg_add_domain(&other, OTHER, false);
}

static long gnttab_hc(uint64_t cmd, uint64_t uop, uint64_t count)
{
    struct hypercall_args a = { { cmd, uop, count, 0, 0 } };
    return do_grant_table_op(&a);
}

/* d's grant entry ref as d sees it (growing the table like Linux would). */
static grant_entry_v1_t *entry(struct domain *d, uint32_t ref)
{
    paddr_t pa = 0;
    CHECK_EQ(gnttab_map_frame(d, ref / GNTTAB_ENTRIES_PER_FRAME, &pa), 0);
    return (grant_entry_v1_t *)(uintptr_t)pa + ref % GNTTAB_ENTRIES_PER_FRAME;
}

static uint16_t flags_of(struct domain *d, uint32_t ref)
{
    return __atomic_load_n(&entry(d, ref)->flags, __ATOMIC_ACQUIRE);
}

/* As Linux gnttab_grant_foreign_access_ref: frame and domid, barrier, flags. */
static void grant(struct domain *d, uint32_t ref, domid_t to, unsigned int page, uint16_t extra)
{
    grant_entry_v1_t *e = entry(d, ref);
    e->frame = (uint32_t)GFN(page);
    e->domid = to;
    __atomic_store_n(&e->flags, GTF_permit_access | extra, __ATOMIC_RELEASE);
}

/* As Linux gnttab_end_foreign_access_ref_v1: fails while the entry is in use. */
static bool linux_revoke(struct domain *d, uint32_t ref)
{
    uint16_t *flags = &entry(d, ref)->flags;
    uint16_t seen = __atomic_load_n(flags, __ATOMIC_ACQUIRE);
    do {
        if (seen & READ_WRITE)
            return false;
    } while (!__atomic_compare_exchange_n(flags, &seen, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return true;
}

static uint32_t refs(paddr_t pa)
{
    return page_info_of(pa)->count;
}

static int16_t hc_map(domid_t dom, uint32_t ref, uint32_t flags, ipa_t gpa, uint32_t *handle,
                      uint64_t *bus)
{
    struct gnttab_map_grant_ref *m = guest_ptr(G);
    *m = (struct gnttab_map_grant_ref){ .host_addr = gpa, .flags = flags, .ref = ref,
                                        .dom = dom, .status = 99, .handle = 0xdead };
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, G, 1), 0);
    if (handle)
        *handle = m->handle;
    if (bus)
        *bus = m->dev_bus_addr;
    return m->status;
}

static int16_t hc_unmap(uint32_t handle, ipa_t gpa, uint64_t bus)
{
    struct gnttab_unmap_grant_ref *u = guest_ptr(G + 512);
    *u = (struct gnttab_unmap_grant_ref){ .host_addr = gpa, .dev_bus_addr = bus,
                                          .handle = handle, .status = 99 };
    CHECK_EQ(gnttab_hc(GNTTABOP_unmap_grant_ref, G + 512, 1), 0);
    return u->status;
}

struct side { bool gref; uint64_t v; domid_t dom; uint16_t off; };

static int16_t hc_copy(struct side s, struct side d, uint16_t len)
{
    struct gnttab_copy *c = guest_ptr(G + 1024);
    memset(c, 0, sizeof(*c));
    if (s.gref)
        c->source.u.ref = (uint32_t)s.v;
    else
        c->source.u.gmfn = s.v;
    if (d.gref)
        c->dest.u.ref = (uint32_t)d.v;
    else
        c->dest.u.gmfn = d.v;
    c->source.domid = s.dom;
    c->source.offset = s.off;
    c->dest.domid = d.dom;
    c->dest.offset = d.off;
    c->len = len;
    c->flags = (s.gref ? GNTCOPY_source_gref : 0) | (d.gref ? GNTCOPY_dest_gref : 0);
    c->status = 99;
    CHECK_EQ(gnttab_hc(GNTTABOP_copy, G + 1024, 1), 0);
    return c->status;
}

static long hc_flush(uint64_t addr, uint16_t off, uint16_t len, uint32_t op)
{
    struct gnttab_cache_flush *f = guest_ptr(G + 1536);
    *f = (struct gnttab_cache_flush){ .a.dev_bus_addr = addr, .offset = off, .length = len,
                                      .op = op };
    return gnttab_hc(GNTTABOP_cache_flush, G + 1536, 1);
}

/* --- tests --------------------------------------------------------------- */

static void test_init_and_query_size(void)
{
    struct gnttab_query_size *q = guest_ptr(G);

    setup(false);
    CHECK_EQ(gnttab_nr_frames(CALLER), 1);
    CHECK_EQ(gnttab_max_frames(CALLER), 64);
    CHECK_EQ(grant_table_init(CALLER), -EEXIST);
    *q = (struct gnttab_query_size){ .dom = DOMID_SELF, .status = 99 };
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 1), 0);
    CHECK_EQ(q->status, GNTST_okay);
    CHECK_EQ(q->nr_frames, 1);
    CHECK_EQ(q->max_nr_frames, 64);
    q->dom = ME;
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 1), 0);
    CHECK_EQ(q->status, GNTST_okay);
    /* Someone else's table: the control domain only. */
    q->dom = GRANTER;
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 1), 0);
    CHECK_EQ(q->status, GNTST_permission_denied);
    q->dom = 99;
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 1), 0);
    CHECK_EQ(q->status, GNTST_bad_domain);
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 2), -EINVAL);
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 0), -EINVAL);
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, BAD, 1), -EFAULT);

    setup(true);
    entry(&granter, 3 * GNTTAB_ENTRIES_PER_FRAME);      /* grow to 4 frames */
    *q = (struct gnttab_query_size){ .dom = GRANTER, .status = 99 };
    CHECK_EQ(gnttab_hc(GNTTABOP_query_size, G, 1), 0);
    CHECK_EQ(q->status, GNTST_okay);
    CHECK_EQ(q->nr_frames, 4);
    CHECK_EQ(q->max_nr_frames, 64);
}

static void test_map_frame_growth(void)
{
    paddr_t pa0 = 0, pa = 0, prev = 0;

    setup(false);
    CHECK_EQ(gnttab_map_frame(&granter, 0, &pa0), 0);
    CHECK_EQ(page_info_of(pa0)->owner, GRANTER);
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        CHECK_EQ(((uint8_t *)(uintptr_t)pa0)[i], 0);
    CHECK_EQ(gnttab_map_frame(&granter, 5, &pa), 0);
    CHECK_EQ(gnttab_nr_frames(&granter), 6);
    for (unsigned long i = 1; i < 6; i++) {
        CHECK_EQ(gnttab_map_frame(&granter, i, &pa), 0);
        CHECK(pa != pa0 && pa != prev && IS_ALIGNED(pa, PAGE_SIZE));
        CHECK_EQ(page_info_of(pa)->owner, GRANTER);
        prev = pa;
    }
    CHECK_EQ(gnttab_map_frame(&granter, 63, &pa), 0);
    CHECK_EQ(gnttab_nr_frames(&granter), 64);
    pa = 0x1234;
    CHECK_EQ(gnttab_map_frame(&granter, 64, &pa), -EINVAL);
    CHECK_EQ(gnttab_map_frame(&granter, XENMAPIDX_grant_table_status, &pa), -EINVAL);
    CHECK_EQ(gnttab_map_frame(&granter, XENMAPIDX_grant_table_status | 1, &pa), -EINVAL);
    CHECK_EQ(gnttab_map_frame(&granter, ~0UL, &pa), -EINVAL);
    CHECK_EQ(pa, 0x1234);
    CHECK_EQ(gnttab_nr_frames(&granter), 64);
    /* Frame idx 0 is the same page every time. */
    CHECK_EQ(gnttab_map_frame(&granter, 0, &pa), 0);
    CHECK_EQ(pa, pa0);

    /* Where the guest put the frames: one GFN at a time. */
    CHECK_EQ(gnttab_set_frame_gfn(&granter, 0, 0x38000), GNTTAB_INVALID_GFN);
    CHECK_EQ(gnttab_set_frame_gfn(&granter, 0, 0x38001), 0x38000);
    CHECK_EQ(gnttab_set_frame_gfn(&granter, 64, 0x38000), GNTTAB_INVALID_GFN);

    /* No table: -ENODEV. */
    memset(&spare, 0, sizeof(spare));
    CHECK_EQ(gnttab_map_frame(&spare, 0, &pa), -ENODEV);
    CHECK_EQ(gnttab_nr_frames(&spare), 0);
}

static void test_table_memory_is_returned(void)
{
    unsigned long free0;
    uint32_t handle;
    paddr_t pa, bus;

    setup(false);
    free0 = page_alloc_free_pages();
    fg_add_domain(&spare, 9, false);                   /* 16 pages of RAM + its table */
    CHECK_EQ(gnttab_map_frame(&spare, 63, &pa), 0);
    grant(&granter, 8, 9, 0, 0);
    for (unsigned int i = 0; i < 300; i++)            /* three maptrack chunks */
        CHECK_EQ(gnttab_map(&spare, GRANTER, 8, GNTMAP_host_map, GPA(i), &handle, &bus), 0);
    grant_table_destroy(&spare);
    CHECK(spare.grant_table == NULL);
    CHECK_EQ(page_alloc_free_pages(), free0 - FG_RAM_PAGES);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access);
    grant_table_destroy(&spare);                        /* twice: nothing */
}

static void test_map_data_visible_then_unmap(void)
{
    uint32_t handle = 0;
    uint64_t bus = 0;
    paddr_t pa = 0;
    bool ro = true;
    grant_entry_v1_t *e;

    setup(true);
    grant(&granter, 8, ME, 3, 0);
    memcpy(fg_ram(&granter, 3), "hello", 6);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), &handle, &bus), GNTST_okay);
    CHECK_EQ(handle, 0);
    CHECK_EQ(bus, fg_ram_pa(&granter, 3));      /* the machine address, for swiotlb-xen */
    CHECK(fg_p2m_lookup(CALLER, GPA(0), &pa, &ro));
    CHECK_EQ(pa, bus);
    CHECK(!ro);
    CHECK(memcmp((void *)(uintptr_t)pa, "hello", 6) == 0);
    memcpy((void *)(uintptr_t)pa, "world", 6);  /* write through the mapping */
    CHECK(memcmp(fg_ram(&granter, 3), "world", 6) == 0);

    e = entry(&granter, 8);
    CHECK_EQ(e->flags, GTF_permit_access | READ_WRITE);
    CHECK_EQ(e->domid, ME);
    CHECK_EQ(e->frame, GFN(3));
    CHECK_EQ(refs(bus), 1);
    CHECK(!linux_revoke(&granter, 8));
    CHECK_EQ(e->flags, GTF_permit_access | READ_WRITE);

    CHECK_EQ(hc_unmap(handle, GPA(0), 0), GNTST_okay);
    CHECK(!fg_p2m_lookup(CALLER, GPA(0), NULL, NULL));
    CHECK_EQ(e->flags, GTF_permit_access);
    CHECK_EQ(refs(bus), 0);
    CHECK_EQ(hc_unmap(handle, GPA(0), 0), GNTST_bad_handle);
    CHECK(linux_revoke(&granter, 8));
    CHECK_EQ(e->flags, 0);
    /* Revoked: no more maps. */
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_general_error);
    CHECK_EQ(e->flags, 0);
    CHECK_EQ(fg_p2m_count(CALLER), 0);
}

static void test_revoke_and_map_race(void)
{
    grant_entry_v1_t *e;
    uint32_t handle = 99;
    uint16_t seen;

    setup(false);
    grant(&granter, 9, ME, 1, 0);
    e = entry(&granter, 9);
    /* Linux read the flags, then the map got in first: its cmpxchg must fail. */
    seen = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map | GNTMAP_readonly, GPA(1), &handle, NULL),
             GNTST_okay);
    CHECK(!__atomic_compare_exchange_n(&e->flags, &seen, 0, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST));
    CHECK_EQ(e->flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(hc_unmap(handle, GPA(1), 0), GNTST_okay);

    /* The revoke got in first: the map fails and leaves nothing behind. */
    CHECK(linux_revoke(&granter, 9));
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map, GPA(1), &handle, NULL), GNTST_general_error);
    CHECK_EQ(e->flags, 0);
    CHECK_EQ(refs(fg_ram_pa(&granter, 1)), 0);
    CHECK_EQ(fg_p2m_count(CALLER), 0);
    grant(&granter, 9, ME, 1, 0);
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map, GPA(1), &handle, NULL), GNTST_okay);
    CHECK_EQ(handle, 0);                        /* the failed map's handle came back */
}

static void test_readonly_grants(void)
{
    uint32_t h1, h2;
    bool ro = false;

    setup(false);
    grant(&granter, 10, ME, 2, GTF_readonly);
    CHECK_EQ(hc_map(GRANTER, 10, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_general_error);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access | GTF_readonly);
    CHECK_EQ(refs(fg_ram_pa(&granter, 2)), 0);
    CHECK_EQ(fg_p2m_count(CALLER), 0);

    CHECK_EQ(hc_map(GRANTER, 10, GNTMAP_host_map | GNTMAP_readonly, GPA(0), &h1, NULL),
             GNTST_okay);
    CHECK(fg_p2m_lookup(CALLER, GPA(0), NULL, &ro));
    CHECK(ro);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access | GTF_readonly | GTF_reading);
    /* Already pinned read-only: still no writable mapping. */
    CHECK_EQ(hc_map(GRANTER, 10, GNTMAP_host_map, GPA(1), NULL, NULL), GNTST_general_error);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(refs(fg_ram_pa(&granter, 2)), 1);
    CHECK_EQ(hc_unmap(h1, GPA(0), 0), GNTST_okay);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access | GTF_readonly);

    /* A page the granter itself may only read cannot be mapped writable. */
    fg_set_ram_readonly(&granter, 4, true);
    grant(&granter, 11, ME, 4, 0);
    CHECK_EQ(hc_map(GRANTER, 11, GNTMAP_host_map, GPA(2), NULL, NULL), GNTST_bad_page);
    CHECK_EQ(flags_of(&granter, 11), GTF_permit_access);
    CHECK_EQ(hc_map(GRANTER, 11, GNTMAP_host_map | GNTMAP_readonly, GPA(2), &h2, NULL),
             GNTST_okay);
    CHECK_EQ(hc_map(GRANTER, 11, GNTMAP_host_map, GPA(3), NULL, NULL), GNTST_bad_page);
    CHECK_EQ(flags_of(&granter, 11), GTF_permit_access | GTF_reading);
    CHECK_EQ(refs(fg_ram_pa(&granter, 4)), 1);
    CHECK_EQ(hc_unmap(h2, 0, 0), GNTST_okay);
    CHECK_EQ(flags_of(&granter, 11), GTF_permit_access);
    CHECK_EQ(refs(fg_ram_pa(&granter, 4)), 0);
}

static void test_wrong_domain_and_types(void)
{
    uint32_t h_other = 0, h_me;
    paddr_t bus;

    setup(false);
    grant(&granter, 12, OTHER, 5, 0);
    CHECK_EQ(hc_map(GRANTER, 12, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_general_error);
    CHECK_EQ(flags_of(&granter, 12), GTF_permit_access);
    CHECK_EQ(refs(fg_ram_pa(&granter, 5)), 0);

    /* The grantee maps it; the caller still cannot, and its handle is useless to us. */
    CHECK_EQ(gnttab_map(&other, GRANTER, 12, GNTMAP_host_map, GPA(7), &h_other, &bus), 0);
    CHECK_EQ(hc_map(GRANTER, 12, GNTMAP_host_map | GNTMAP_readonly, GPA(0), NULL, NULL),
             GNTST_general_error);
    CHECK_EQ(hc_unmap(h_other, 0, 0), GNTST_bad_handle);
    grant(&granter, 13, ME, 6, 0);
    CHECK_EQ(hc_map(GRANTER, 13, GNTMAP_host_map, GPA(7), &h_me, NULL), GNTST_okay);
    CHECK_EQ(h_me, h_other);                    /* same number, different table */
    CHECK_EQ(gnttab_unmap(&other, h_other, GPA(7), 0), GNTST_okay);
    CHECK(fg_p2m_lookup(CALLER, GPA(7), NULL, NULL));   /* ours untouched */
    CHECK_EQ(flags_of(&granter, 13), GTF_permit_access | READ_WRITE);
    CHECK_EQ(flags_of(&granter, 12), GTF_permit_access);

    /* Only permit_access entries map; sub-page is v2 and refused. */
    static const uint16_t bad_types[] = { GTF_invalid, GTF_accept_transfer, GTF_transitive,
                                          GTF_permit_access | GTF_sub_page };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_types); i++) {
        grant_entry_v1_t *e = entry(&granter, 14);
        e->frame = (uint32_t)GFN(7);
        e->domid = ME;
        e->flags = bad_types[i];
        CHECK_EQ(hc_map(GRANTER, 14, GNTMAP_host_map | GNTMAP_readonly, GPA(1), NULL, NULL),
                 GNTST_general_error);
        CHECK_EQ(e->flags, bad_types[i]);
    }
    CHECK_EQ(refs(fg_ram_pa(&granter, 7)), 0);
}

static void test_map_bad_arguments(void)
{
    uint32_t handle;
    paddr_t bus;

    setup(false);
    grant(&granter, 8, ME, 0, 0);
    CHECK_EQ(hc_map(99, 8, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_bad_domain);
    CHECK_EQ(hc_map(DOMID_SELF, 8, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_bad_domain);
    CHECK_EQ(hc_map(GRANTER, 512, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_bad_gntref);
    CHECK_EQ(hc_map(GRANTER, 0xFFFFFFFFu, GNTMAP_host_map, GPA(0), NULL, NULL),
             GNTST_bad_gntref);
    CHECK_EQ(hc_map(GRANTER, 8, 0, GPA(0), NULL, NULL), GNTST_bad_gntref);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_device_map, GPA(0), NULL, NULL), GNTST_general_error);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map | GNTMAP_device_map, GPA(0), NULL, NULL),
             GNTST_general_error);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map | GNTMAP_application_map, GPA(0), NULL, NULL),
             GNTST_general_error);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map | GNTMAP_contains_pte, GPA(0), NULL, NULL),
             GNTST_general_error);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0) + 8, NULL, NULL), GNTST_bad_virt_addr);
    /* The stage 2 refuses the address: nothing left pinned. */
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, 1UL << 52, NULL, NULL), GNTST_general_error);
    fg_map_rc = -ENOMEM;
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_general_error);
    fg_map_rc = 0;
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);

    /* Frames that are not the granter's RAM. */
    entry(&granter, 9)->frame = 0x1234;
    entry(&granter, 9)->domid = ME;
    entry(&granter, 9)->flags = GTF_permit_access;
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_bad_page);
    CHECK_EQ(flags_of(&granter, 9), GTF_permit_access);
    entry(&granter, 9)->frame = FG_FOREIGN_GFN;
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map | GNTMAP_readonly, GPA(0), NULL, NULL),
             GNTST_bad_page);
    CHECK_EQ(flags_of(&granter, 9), GTF_permit_access);

    CHECK_EQ(fg_p2m_count(CALLER), 0);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), &handle, NULL), GNTST_okay);
    CHECK_EQ(handle, 0);                        /* no handle leaked by the failures */

    /* A ref beyond the table works once the granter grew it. */
    grant(&granter, 512 + 3, ME, 1, 0);
    CHECK_EQ(gnttab_map(CALLER, GRANTER, 512 + 3, GNTMAP_host_map, GPA(1), &handle, &bus), 0);
    CHECK_EQ(bus, fg_ram_pa(&granter, 1));
}

static void test_unmap_errors(void)
{
    uint32_t h;
    uint64_t bus;
    paddr_t pa;

    setup(false);
    grant(&granter, 8, ME, 0, 0);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(4), &h, &bus), GNTST_okay);
    CHECK_EQ(hc_unmap(5000, 0, 0), GNTST_bad_handle);
    CHECK_EQ(hc_unmap(0xFFFFFFFFu, 0, 0), GNTST_bad_handle);
    CHECK_EQ(hc_unmap(h + 1, 0, 0), GNTST_bad_handle);         /* a free slot */
    CHECK_EQ(hc_unmap(h, GPA(5), 0), GNTST_bad_virt_addr);
    CHECK_EQ(hc_unmap(h, GPA(4), bus + PAGE_SIZE), GNTST_bad_dev_addr);
    fg_unmap_rc = -ENOMEM;
    CHECK_EQ(hc_unmap(h, GPA(4), bus), GNTST_general_error);
    fg_unmap_rc = 0;
    CHECK(fg_p2m_lookup(CALLER, GPA(4), NULL, NULL));           /* all of that left it alone */
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access | READ_WRITE);
    CHECK_EQ(refs(bus), 1);
    CHECK_EQ(hc_unmap(h, GPA(4), bus), GNTST_okay);
    CHECK_EQ(refs(bus), 0);

    /* The guest put something else at the address: the grant is still released. */
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(4), &h, &bus), GNTST_okay);
    fg_p2m_set(CALLER, GPA(4), fg_ram_pa(CALLER, 0));
    CHECK_EQ(hc_unmap(h, 0, 0), GNTST_okay);
    CHECK_EQ(refs(bus), 0);
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access);
    CHECK(fg_p2m_lookup(CALLER, GPA(4), &pa, NULL));
    CHECK_EQ(pa, fg_ram_pa(CALLER, 0));                         /* not ours to remove */
}

static void test_pins_count_every_mapping(void)
{
    uint32_t ro1, ro2, rw1, rw2;
    paddr_t pa;

    setup(false);
    grant(&granter, 20, ME, 9, 0);
    pa = fg_ram_pa(&granter, 9);
    CHECK_EQ(hc_map(GRANTER, 20, GNTMAP_host_map | GNTMAP_readonly, GPA(0), &ro1, NULL), 0);
    CHECK_EQ(flags_of(&granter, 20), GTF_permit_access | GTF_reading);
    CHECK_EQ(hc_map(GRANTER, 20, GNTMAP_host_map | GNTMAP_readonly, GPA(1), &ro2, NULL), 0);
    CHECK_EQ(hc_map(GRANTER, 20, GNTMAP_host_map, GPA(2), &rw1, NULL), 0);
    CHECK_EQ(hc_map(GRANTER, 20, GNTMAP_host_map, GPA(3), &rw2, NULL), 0);
    CHECK_EQ(flags_of(&granter, 20), GTF_permit_access | READ_WRITE);
    CHECK_EQ(refs(pa), 4);
    CHECK_EQ(hc_unmap(rw1, GPA(2), 0), 0);
    CHECK_EQ(flags_of(&granter, 20), GTF_permit_access | READ_WRITE);
    CHECK_EQ(hc_unmap(rw2, GPA(3), 0), 0);
    CHECK_EQ(flags_of(&granter, 20), GTF_permit_access | GTF_reading);
    CHECK_EQ(refs(pa), 2);
    CHECK_EQ(hc_unmap(ro1, GPA(0), 0), 0);
    CHECK_EQ(flags_of(&granter, 20), GTF_permit_access | GTF_reading);
    CHECK(!linux_revoke(&granter, 20));
    CHECK_EQ(hc_unmap(ro2, GPA(1), 0), 0);
    CHECK_EQ(flags_of(&granter, 20), GTF_permit_access);
    CHECK_EQ(refs(pa), 0);
    CHECK(linux_revoke(&granter, 20));
}

static void test_reserved_refs_mappable(void)
{
    uint32_t h0, h1;

    setup(true);
    CHECK_EQ(gnttab_seed_entry(&granter, GNTTAB_RESERVED_CONSOLE, ME, GFN(0)), 0);
    CHECK_EQ(gnttab_seed_entry(&granter, GNTTAB_RESERVED_XENSTORE, ME, GFN(1)), 0);
    CHECK_EQ(gnttab_seed_entry(&granter, 512, ME, GFN(1)), -EINVAL);
    CHECK_EQ(gnttab_seed_entry(&granter, 2, ME, 1ULL << 32), -EINVAL);
    CHECK_EQ(entry(&granter, 1)->frame, GFN(1));
    CHECK_EQ(hc_map(GRANTER, 0, GNTMAP_host_map, GPA(0), &h0, NULL), GNTST_okay);
    CHECK_EQ(hc_map(GRANTER, 1, GNTMAP_host_map, GPA(1), &h1, NULL), GNTST_okay);
    CHECK_EQ(hc_unmap(h0, GPA(0), 0), GNTST_okay);
    CHECK_EQ(hc_unmap(h1, GPA(1), 0), GNTST_okay);
    CHECK_EQ(flags_of(&granter, 0), GTF_permit_access);
}

static void test_destroy_the_mapping_domain(void)
{
    uint32_t h;

    setup(false);
    grant(&granter, 8, ME, 0, 0);
    grant(&granter, 9, ME, 1, GTF_readonly);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), &h, NULL), 0);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map | GNTMAP_readonly, GPA(1), &h, NULL), 0);
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map | GNTMAP_readonly, GPA(2), &h, NULL), 0);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 2);
    grant_table_destroy(CALLER);
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access);
    CHECK_EQ(flags_of(&granter, 9), GTF_permit_access | GTF_readonly);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);
    CHECK_EQ(refs(fg_ram_pa(&granter, 1)), 0);
    CHECK_EQ(fg_p2m_count(CALLER), 0);
    CHECK(CALLER->grant_table == NULL);
    /* Without a table the calls fail cleanly. */
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), NULL, NULL), GNTST_general_error);
    CHECK_EQ(hc_unmap(0, 0, 0), GNTST_bad_handle);
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access);
}

static void test_destroy_the_granter_while_mapped(void)
{
    uint32_t h, h2;
    paddr_t frame0;
    unsigned long free_before;

    setup(false);
    grant(&granter, 8, ME, 0, 0);
    grant(&granter, 9, ME, 1, 0);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), &h, NULL), 0);
    CHECK_EQ(gnttab_map_frame(&granter, 0, &frame0), 0);
    grant_table_destroy(&granter);
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map, GPA(1), &h2, NULL), GNTST_bad_domain);
    CHECK_EQ(refs(fg_ram_pa(&granter, 1)), 0);
    /* The mapping still works, and unmapping it frees the dead table. */
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 1);
    free_before = page_alloc_free_pages();
    CHECK_EQ(hc_unmap(h, GPA(0), 0), GNTST_okay);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);
    CHECK(page_alloc_free_pages() > free_before);
    CHECK_EQ(page_info_of(frame0)->owner, DOMID_NONE);  /* the frame went back */
    fg_remove_domain(&granter);
    CHECK_EQ(hc_map(GRANTER, 9, GNTMAP_host_map, GPA(1), &h2, NULL), GNTST_bad_domain);

    /* A frame still referenced elsewhere (a toolstack map) is kept, not reused. */
    setup(false);
    CHECK_EQ(gnttab_map_frame(&granter, 0, &frame0), 0);
    page_info_of(frame0)->count++;
    grant_table_destroy(&granter);
    CHECK_EQ(page_info_of(frame0)->flags, PGF_ALLOC);   /* not back on the free list */
    CHECK_EQ(page_info_of(frame0)->owner, DOMID_NONE);
    CHECK_EQ(refs(frame0), 1);
}

static void test_copy(void)
{
    const domid_t S = DOMID_SELF;
    uint8_t *mine, *rw, *ro;
    uint32_t h;

    setup(false);
    grant(&granter, 10, ME, 4, 0);
    grant(&granter, 11, ME, 5, GTF_readonly);
    grant(&granter, 12, OTHER, 6, 0);
    mine = fg_ram(CALLER, 0);
    rw = fg_ram(&granter, 4);
    ro = fg_ram(&granter, 5);
    memset(ro, 0xAB, PAGE_SIZE);

    /* Grant -> own frame. */
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 100 },
                     (struct side){ false, GFN(0), S, 200 }, 50), GNTST_okay);
    CHECK_EQ(mine[199], 0);
    CHECK_EQ(mine[200], 0xAB);
    CHECK_EQ(mine[249], 0xAB);
    CHECK_EQ(mine[250], 0);
    CHECK_EQ(flags_of(&granter, 11), GTF_permit_access | GTF_readonly);
    /* Own frame -> grant, to the last byte of the page; the caller's id works as self. */
    memset(mine, 0x5A, 96);
    CHECK_EQ(hc_copy((struct side){ false, GFN(0), ME, 0 },
                     (struct side){ true, 10, GRANTER, 4000 }, 96), GNTST_okay);
    CHECK_EQ(rw[3999], 0);
    CHECK_EQ(rw[4000], 0x5A);
    CHECK_EQ(rw[4095], 0x5A);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access);
    /* Grant -> grant, a whole page. */
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 0 },
                     (struct side){ true, 10, GRANTER, 0 }, PAGE_SIZE), GNTST_okay);
    CHECK_EQ(rw[0], 0xAB);
    CHECK_EQ(rw[4095], 0xAB);
    /* Own frame -> same frame, overlapping. */
    memcpy(mine, "abcdef", 6);
    CHECK_EQ(hc_copy((struct side){ false, GFN(0), S, 0 },
                     (struct side){ false, GFN(0), S, 1 }, 5), GNTST_okay);
    CHECK(memcmp(mine, "aabcde", 6) == 0);

    /* Errors. */
    CHECK_EQ(hc_copy((struct side){ false, GFN(0), S, 0 },
                     (struct side){ true, 11, GRANTER, 0 }, 8), GNTST_general_error);
    CHECK_EQ(ro[0], 0xAB);
    CHECK_EQ(hc_copy((struct side){ true, 12, GRANTER, 0 },
                     (struct side){ false, GFN(0), S, 0 }, 8), GNTST_general_error);
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 4000 },
                     (struct side){ false, GFN(0), S, 0 }, 97), GNTST_bad_copy_arg);
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 0 },
                     (struct side){ false, GFN(0), S, 4095 }, 2), GNTST_bad_copy_arg);
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 0xFFFF },
                     (struct side){ false, GFN(0), S, 0 }, 0xFFFF), GNTST_bad_copy_arg);
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 0 },
                     (struct side){ false, GFN(0), OTHER, 0 }, 8), GNTST_permission_denied);
    CHECK_EQ(hc_copy((struct side){ false, GFN(0), GRANTER, 0 },
                     (struct side){ false, GFN(1), S, 0 }, 8), GNTST_permission_denied);
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 0 },
                     (struct side){ false, 0x1234, S, 0 }, 8), GNTST_bad_page);
    CHECK_EQ(hc_copy((struct side){ false, FG_FOREIGN_GFN, S, 0 },
                     (struct side){ false, GFN(0), S, 0 }, 8), GNTST_bad_page);
    CHECK_EQ(hc_copy((struct side){ true, 11, 99, 0 },
                     (struct side){ false, GFN(0), S, 0 }, 8), GNTST_bad_domain);
    CHECK_EQ(hc_copy((struct side){ true, 4096, GRANTER, 0 },
                     (struct side){ false, GFN(0), S, 0 }, 8), GNTST_bad_gntref);
    fg_set_ram_readonly(CALLER, 2, true);
    CHECK_EQ(hc_copy((struct side){ true, 11, GRANTER, 0 },
                     (struct side){ false, GFN(2), S, 0 }, 8), GNTST_bad_page);
    CHECK_EQ(gnttab_copy(CALLER, &(struct gnttab_copy_side){ true, 1ULL << 32, GRANTER, 0 },
                         &(struct gnttab_copy_side){ false, GFN(0), DOMID_SELF, 0 }, 8),
             GNTST_bad_gntref);
    CHECK_EQ(flags_of(&granter, 11), GTF_permit_access | GTF_readonly);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access);

    /* A copy on a mapped entry keeps the mapping's pin. */
    CHECK_EQ(hc_map(GRANTER, 10, GNTMAP_host_map, GPA(0), &h, NULL), GNTST_okay);
    CHECK_EQ(hc_copy((struct side){ true, 10, GRANTER, 0 },
                     (struct side){ false, GFN(0), S, 0 }, 8), GNTST_okay);
    CHECK_EQ(flags_of(&granter, 10), GTF_permit_access | READ_WRITE);
    CHECK_EQ(refs(fg_ram_pa(&granter, 4)), 1);
    CHECK_EQ(hc_unmap(h, GPA(0), 0), GNTST_okay);

    for (unsigned int i = 0; i < FG_RAM_PAGES; i++) {
        CHECK_EQ(refs(fg_ram_pa(&granter, i)), 0);
        CHECK_EQ(refs(fg_ram_pa(CALLER, i)), 0);
    }
}

static void test_cache_flush(void)
{
    struct gnttab_cache_flush *f = guest_ptr(G + 2048);
    uint8_t *mine;
    uint32_t h;

    setup(true);
    mine = fg_ram(CALLER, 3);
    CHECK_EQ(hc_flush(0, 0, 0, 0), 0);          /* Linux's boot probe */
    CHECK_EQ(fg_flush_calls, 0);
    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3), 0, 16, GNTTAB_CACHE_SOURCE_GREF), -EOPNOTSUPP);
    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3), 4096, 0, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3), 4000, 97, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3), 0, 4097, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3), 0, 16, 4), -EINVAL);
    CHECK_EQ(fg_flush_calls, 0);

    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3) + 16, 16, 32, GNTTAB_CACHE_CLEAN), 0);
    CHECK_EQ(fg_flush_calls, 1);
    CHECK(fg_last_flush.va == mine + 16);       /* the page of the address, plus offset */
    CHECK_EQ(fg_last_flush.len, 32);
    CHECK_EQ(fg_last_flush.op, GNTTAB_CACHE_CLEAN);
    CHECK_EQ(hc_flush(fg_ram_pa(CALLER, 3), 0, 4096, GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN),
             0);
    CHECK_EQ(fg_last_flush.op, GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN);

    /* Someone else's page: only while grant-mapped. */
    grant(&granter, 8, ME, 2, 0);
    CHECK_EQ(hc_flush(fg_ram_pa(&granter, 2), 0, 64, GNTTAB_CACHE_INVAL), -EINVAL);
    CHECK_EQ(hc_map(GRANTER, 8, GNTMAP_host_map, GPA(0), &h, NULL), GNTST_okay);
    CHECK_EQ(hc_flush(fg_ram_pa(&granter, 2), 0, 64, GNTTAB_CACHE_INVAL), 0);
    CHECK_EQ(fg_flush_calls, 3);
    CHECK_EQ(hc_unmap(h, GPA(0), 0), GNTST_okay);
    CHECK_EQ(hc_flush(fg_ram_pa(&granter, 2), 0, 64, GNTTAB_CACHE_INVAL), -EINVAL);
    /* Hypervisor pages and unmanaged addresses. */
    void *hyp = alloc_page();
    CHECK_EQ(hc_flush((paddr_t)(uintptr_t)hyp, 0, 64, GNTTAB_CACHE_CLEAN), -EPERM);
    CHECK_EQ(hc_flush(0x1000, 0, 64, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(fg_flush_calls, 3);

    /* Batches: bounded; an error stops the batch after what was done. */
    f[0] = (struct gnttab_cache_flush){ .a.dev_bus_addr = fg_ram_pa(CALLER, 3), .length = 8,
                                        .op = GNTTAB_CACHE_CLEAN };
    f[1] = (struct gnttab_cache_flush){ .a.dev_bus_addr = 0x1000, .length = 8,
                                        .op = GNTTAB_CACHE_CLEAN };
    CHECK_EQ(gnttab_hc(GNTTABOP_cache_flush, G + 2048, 2), -EINVAL);
    CHECK_EQ(fg_flush_calls, 4);
    CHECK_EQ(gnttab_hc(GNTTABOP_cache_flush, G + 2048, 0), 0);
    CHECK_EQ(gnttab_hc(GNTTABOP_cache_flush, G + 2048, GNTTAB_MAX_FLUSH_BATCH + 1), -E2BIG);
    CHECK_EQ(gnttab_hc(GNTTABOP_cache_flush, BAD, 1), -EFAULT);
}

static void test_hypercall_layer(void)
{
    static const uint64_t unsupported[] = { GNTTABOP_dump_table, GNTTABOP_transfer,
                                            GNTTABOP_unmap_and_replace, GNTTABOP_swap_grant_ref,
                                            13, 99, 0xFFF };
    static const uint64_t all_ops[] = { GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref,
                                        GNTTABOP_setup_table, GNTTABOP_copy,
                                        GNTTABOP_query_size, GNTTABOP_set_version,
                                        GNTTABOP_get_status_frames, GNTTABOP_get_version,
                                        GNTTABOP_cache_flush };
    struct gnttab_map_grant_ref *m;

    setup(false);
    for (unsigned int i = 0; i < ARRAY_SIZE(unsupported); i++)
        CHECK_EQ(gnttab_hc(unsupported[i], G, 1), -ENOSYS);
    CHECK_EQ(gnttab_hc(0x1000 | GNTTABOP_map_grant_ref, G, 1), -EINVAL);
    CHECK_EQ(gnttab_hc(0x1000 | GNTTABOP_cache_flush, G, 1), -EINVAL);
    CHECK_EQ(gnttab_hc(1ULL << 32, G, 1), -EINVAL);
    CHECK_EQ(gnttab_hc(~0ULL, G, 1), -EINVAL);
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, G, 0x80000000UL), -EINVAL);
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, G, ~0ULL), -EINVAL);
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, G, GNTTAB_MAX_BATCH + 1), -E2BIG);
    CHECK_EQ(gnttab_hc(GNTTABOP_copy, G, GNTTAB_MAX_BATCH + 1), -E2BIG);
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, BAD, 0), 0);    /* nothing to do */
    for (unsigned int i = 0; i < ARRAY_SIZE(all_ops); i++) {
        CHECK_EQ(gnttab_hc(all_ops[i], BAD, 1), -EFAULT);
        CHECK_EQ(gnttab_hc(all_ops[i], 0, 1), -EFAULT);
    }

    /* A batch: per-op status, the call itself succeeds. */
    grant(&granter, 8, ME, 0, 0);
    grant(&granter, 9, ME, 1, 0);
    m = guest_ptr(G);
    m[0] = (struct gnttab_map_grant_ref){ GPA(0), GNTMAP_host_map, 8, GRANTER, 99, 0, 0 };
    m[1] = (struct gnttab_map_grant_ref){ GPA(1), GNTMAP_host_map, 4096, GRANTER, 99, 0, 0 };
    m[2] = (struct gnttab_map_grant_ref){ GPA(2), GNTMAP_host_map, 9, GRANTER, 99, 0, 0 };
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, G, 3), 0);
    CHECK_EQ(m[0].status, GNTST_okay);
    CHECK_EQ(m[1].status, GNTST_bad_gntref);
    CHECK_EQ(m[2].status, GNTST_okay);
    CHECK_EQ(m[0].ref, 8);                      /* IN fields are not rewritten */
    CHECK(m[0].handle != m[2].handle);
    CHECK_EQ(m[2].dev_bus_addr, fg_ram_pa(&granter, 1));

    /* A batch running off the end of guest memory: done ops stay done. */
    m = guest_ptr(G + FAKE_GUEST_SIZE - sizeof(*m));
    *m = (struct gnttab_map_grant_ref){ GPA(3), GNTMAP_host_map, 8, GRANTER, 99, 0, 0 };
    CHECK_EQ(gnttab_hc(GNTTABOP_map_grant_ref, G + FAKE_GUEST_SIZE - sizeof(*m), 2), -EFAULT);
    CHECK_EQ(m->status, GNTST_okay);
    CHECK(fg_p2m_lookup(CALLER, GPA(3), NULL, NULL));
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 2);
}

static void test_versions(void)
{
    struct gnttab_set_version *sv = guest_ptr(G);
    struct gnttab_get_version *gv = guest_ptr(G + 64);
    struct gnttab_get_status_frames *sf = guest_ptr(G + 128);

    setup(false);
    sv->version = 1;
    CHECK_EQ(gnttab_hc(GNTTABOP_set_version, G, 1), 0);
    CHECK_EQ(sv->version, 1);
    sv->version = 2;                            /* Xen on arm: GNTTAB_MAX_VERSION 1 */
    CHECK_EQ(gnttab_hc(GNTTABOP_set_version, G, 1), -ENOSYS);
    CHECK_EQ(sv->version, 1);
    sv->version = 0;
    CHECK_EQ(gnttab_hc(GNTTABOP_set_version, G, 1), -EINVAL);
    sv->version = 3;
    CHECK_EQ(gnttab_hc(GNTTABOP_set_version, G, 7), -EINVAL);
    CHECK_EQ(sv->version, 1);

    *gv = (struct gnttab_get_version){ .dom = DOMID_SELF, .version = 0 };
    CHECK_EQ(gnttab_hc(GNTTABOP_get_version, G + 64, 1), 0);
    CHECK_EQ(gv->version, 1);
    gv->dom = GRANTER;
    CHECK_EQ(gnttab_hc(GNTTABOP_get_version, G + 64, 1), -EPERM);
    gv->dom = 99;
    CHECK_EQ(gnttab_hc(GNTTABOP_get_version, G + 64, 1), -ESRCH);

    *sf = (struct gnttab_get_status_frames){ .nr_frames = 0, .dom = DOMID_SELF, .status = 99 };
    CHECK_EQ(gnttab_hc(GNTTABOP_get_status_frames, G + 128, 1), 0);
    CHECK_EQ(sf->status, GNTST_okay);
    sf->nr_frames = 1;
    CHECK_EQ(gnttab_hc(GNTTABOP_get_status_frames, G + 128, 1), 0);
    CHECK_EQ(sf->status, GNTST_general_error);  /* v1 has none */
    sf->dom = 99;
    CHECK_EQ(gnttab_hc(GNTTABOP_get_status_frames, G + 128, 1), 0);
    CHECK_EQ(sf->status, GNTST_bad_domain);
    CHECK_EQ(gnttab_hc(GNTTABOP_get_status_frames, G + 128, 2), -EINVAL);

    setup(true);
    *gv = (struct gnttab_get_version){ .dom = GRANTER };
    CHECK_EQ(gnttab_hc(GNTTABOP_get_version, G + 64, 1), 0);
    CHECK_EQ(gv->version, 1);
}

static void test_setup_table(void)
{
    struct gnttab_setup_table *s = guest_ptr(G);
    uint64_t *list = guest_ptr(G + 256);

    setup(false);
    CHECK_EQ(gnttab_set_frame_gfn(CALLER, 0, 0x38000), GNTTAB_INVALID_GFN);
    memset(list, 0x11, 65 * 8);
    *s = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 4, .status = 99 };
    s->frame_list.q = G + 256;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), 0);
    CHECK_EQ(s->status, GNTST_okay);
    CHECK_EQ(gnttab_nr_frames(CALLER), 4);
    CHECK_EQ(list[0], 0x38000);
    CHECK_EQ(list[1], GNTTAB_INVALID_GFN);
    CHECK_EQ(list[3], GNTTAB_INVALID_GFN);
    CHECK_EQ(list[4], 0x1111111111111111ULL);  /* only nr_frames written */
    s->nr_frames = 65;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), 0);
    CHECK_EQ(s->status, GNTST_general_error);
    CHECK_EQ(gnttab_nr_frames(CALLER), 4);
    s->nr_frames = 64;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), 0);
    CHECK_EQ(s->status, GNTST_okay);
    CHECK_EQ(gnttab_nr_frames(CALLER), 64);
    s->frame_list.q = BAD;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), -EFAULT);
    s->nr_frames = 0;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), 0);   /* nothing to write */
    CHECK_EQ(s->status, GNTST_okay);
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 2), -EINVAL);
    s->dom = GRANTER;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), 0);
    CHECK_EQ(s->status, GNTST_permission_denied);
    s->dom = 99;
    CHECK_EQ(gnttab_hc(GNTTABOP_setup_table, G, 1), 0);
    CHECK_EQ(s->status, GNTST_bad_domain);
}

static void test_maptrack_exhaustion(void)
{
    const uint32_t max = GNTTAB_MAPTRACK_PER_CHUNK * GNTTAB_MAX_MAPTRACK_CHUNKS;
    uint32_t handle;
    paddr_t bus, pa;

    setup(false);
    grant(&granter, 8, ME, 0, GTF_readonly);
    pa = fg_ram_pa(&granter, 0);
    for (uint32_t i = 0; i < max; i++) {
        if (gnttab_map(CALLER, GRANTER, 8, GNTMAP_host_map | GNTMAP_readonly, GPA(i),
                       &handle, &bus) != GNTST_okay) {
            CHECK(!"map failed before the limit");
            break;
        }
    }
    CHECK_EQ(refs(pa), max);
    CHECK_EQ(gnttab_map(CALLER, GRANTER, 8, GNTMAP_host_map | GNTMAP_readonly, GPA(max),
                        &handle, &bus), GNTST_no_device_space);
    CHECK_EQ(refs(pa), max);
    CHECK_EQ(gnttab_unmap(CALLER, 77, GPA(77), 0), GNTST_okay);
    CHECK_EQ(gnttab_map(CALLER, GRANTER, 8, GNTMAP_host_map | GNTMAP_readonly, GPA(max),
                        &handle, &bus), GNTST_okay);
    CHECK_EQ(handle, 77);
    grant_table_destroy(CALLER);
    CHECK_EQ(refs(pa), 0);
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access | GTF_readonly);
    CHECK_EQ(fg_p2m_count(CALLER), 0);
}

/* A hostile granter rewrites its entry from another CPU while we map. */
static volatile bool hostile_stop;

static void *hostile_granter(void *arg)
{
    uint32_t *word = arg;       /* {flags, domid} of the entry */
    static const uint32_t values[] = {
        GTF_permit_access | (1u << 16), GTF_permit_access | GTF_readonly | (1u << 16),
        GTF_permit_access | (6u << 16), 0,
    };
    for (unsigned int i = 0; !hostile_stop; i++)
        __atomic_store_n(word, values[i % ARRAY_SIZE(values)], __ATOMIC_RELAXED);
    return NULL;
}

static void test_hostile_granter(void)
{
    pthread_t t;
    uint32_t handle;
    paddr_t bus;
    unsigned int ok = 0, refused = 0;

    setup(false);                               /* the caller is d1 */
    grant(&granter, 8, ME, 0, 0);
    hostile_stop = false;
    CHECK_EQ(pthread_create(&t, NULL, hostile_granter, entry(&granter, 8)), 0);
    for (unsigned int i = 0; i < 20000; i++) {
        bool ro = i & 1;
        int rc = gnttab_map(CALLER, GRANTER, 8, GNTMAP_host_map | (ro ? GNTMAP_readonly : 0),
                            GPA(0), &handle, &bus);
        if (rc == GNTST_okay) {
            ok++;
            CHECK_EQ(gnttab_unmap(CALLER, handle, GPA(0), bus), GNTST_okay);
        } else {
            refused++;
            CHECK_EQ(rc, GNTST_general_error);
        }
    }
    hostile_stop = true;
    pthread_join(t, NULL);
    CHECK_EQ(ok + refused, 20000);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);
    CHECK_EQ(fg_p2m_count(CALLER), 0);
    CHECK_EQ(flags_of(&granter, 8) & READ_WRITE, 0);
}

/*
 * A Linux-like granter on another CPU: grant, try to revoke with cmpxchg;
 * once a revoke has succeeded nobody may set a bit in the entry again (a
 * mapper that stored its flags without a compare would resurrect it).
 */
static volatile unsigned int resurrected, revokes;

static void *linux_granter(void *arg)
{
    grant_entry_v1_t *e = arg;
    while (!hostile_stop) {
        __atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);
        uint16_t seen = GTF_permit_access;
        if (!__atomic_compare_exchange_n(&e->flags, &seen, 0, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST))
            continue;
        revokes++;
        for (unsigned int i = 0; i < 200; i++)
            if (__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) != 0)
                resurrected++;
    }
    return NULL;
}

static void test_revoke_race_threads(void)
{
    pthread_t t;
    uint32_t handle;
    paddr_t bus;
    grant_entry_v1_t *e;

    setup(false);
    grant(&granter, 8, ME, 0, 0);
    e = entry(&granter, 8);
    hostile_stop = false;
    resurrected = revokes = 0;
    CHECK_EQ(pthread_create(&t, NULL, linux_granter, e), 0);
    for (unsigned int i = 0; i < 50000; i++) {
        if (gnttab_map(CALLER, GRANTER, 8, GNTMAP_host_map, GPA(0), &handle, &bus) == 0)
            CHECK_EQ(gnttab_unmap(CALLER, handle, GPA(0), bus), GNTST_okay);
    }
    hostile_stop = true;
    pthread_join(t, NULL);
    CHECK_EQ(resurrected, 0);
    CHECK(revokes > 0);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);
}

/* Two vCPUs unmapping the same handle at once: exactly one succeeds. */
static pthread_barrier_t unmap_barrier;
static volatile uint32_t shared_handle;
static volatile bool unmap_stop;
static unsigned int unmap_ok[2];

static void *unmapper(void *arg)
{
    unsigned int me = (unsigned int)(uintptr_t)arg;
    for (;;) {
        pthread_barrier_wait(&unmap_barrier);
        if (unmap_stop)
            return NULL;
        if (gnttab_unmap(CALLER, shared_handle, 0, 0) == GNTST_okay)
            unmap_ok[me]++;
        pthread_barrier_wait(&unmap_barrier);
    }
}

static void test_concurrent_unmaps_of_one_handle(void)
{
    const unsigned int rounds = 3000;
    pthread_t t[2];
    uint32_t handle;
    paddr_t bus;

    setup(false);
    grant(&granter, 8, ME, 0, 0);
    unmap_stop = false;
    unmap_ok[0] = unmap_ok[1] = 0;
    fg_unmap_spin = 20000;                      /* widen the window between claim and release */
    pthread_barrier_init(&unmap_barrier, NULL, 3);
    for (uintptr_t i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, unmapper, (void *)i), 0);
    for (unsigned int i = 0; i < rounds; i++) {
        CHECK_EQ(gnttab_map(CALLER, GRANTER, 8, GNTMAP_host_map, GPA(i % 8), &handle, &bus), 0);
        shared_handle = handle;
        pthread_barrier_wait(&unmap_barrier);   /* go */
        pthread_barrier_wait(&unmap_barrier);   /* both done */
    }
    unmap_stop = true;
    pthread_barrier_wait(&unmap_barrier);
    for (unsigned int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&unmap_barrier);
    CHECK_EQ(unmap_ok[0] + unmap_ok[1], rounds);
    CHECK_EQ(refs(fg_ram_pa(&granter, 0)), 0);
    CHECK_EQ(flags_of(&granter, 8), GTF_permit_access);
}

int main(void)
{
    CHECK_MAIN_BEGIN("grant_table");
    RUN(test_init_and_query_size);
    RUN(test_map_frame_growth);
    RUN(test_table_memory_is_returned);
    RUN(test_map_data_visible_then_unmap);
    RUN(test_revoke_and_map_race);
    RUN(test_readonly_grants);
    RUN(test_wrong_domain_and_types);
    RUN(test_map_bad_arguments);
    RUN(test_unmap_errors);
    RUN(test_pins_count_every_mapping);
    RUN(test_reserved_refs_mappable);
    RUN(test_destroy_the_mapping_domain);
    RUN(test_destroy_the_granter_while_mapped);
    RUN(test_copy);
    RUN(test_cache_flush);
    RUN(test_hypercall_layer);
    RUN(test_versions);
    RUN(test_setup_table);
    RUN(test_maptrack_exhaustion);
    RUN(test_hostile_granter);
    RUN(test_revoke_race_threads);
    RUN(test_concurrent_unmaps_of_one_handle);
    CHECK_MAIN_END();
}

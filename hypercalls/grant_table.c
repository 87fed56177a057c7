/*
 * grant_table_op (20): (cmd, uop*, count). The edge only: each sub-op is
 * described once in gnttab_ops[] (guest structure size, which bytes go back,
 * how count is read); the dispatcher copies each op in, calls the handler
 * (which calls hyp/common/grant_*.c with kernel values) and copies the OUT
 * fields back. Per-op results go in the op's status field; the hypercall
 * returns 0 once the batch is processed, or -errno for the call itself
 * (-EFAULT on a bad pointer: ops before it stay done, as on Xen).
 *
 * Differences from Xen 4.17 on arm, all deliberate:
 *  - no continuations: count > GNTTAB_MAX_BATCH (GNTTAB_MAX_FLUSH_BATCH for
 *    cache_flush) is -E2BIG, and any bit above the 12-bit command (Xen's
 *    continuation argument) is -EINVAL, cache_flush included;
 *  - transfer, unmap_and_replace, swap_grant_ref, dump_table: -ENOSYS;
 *  - unmap with a host_addr / dev_bus_addr that does not match the mapping:
 *    GNTST_bad_virt_addr / GNTST_bad_dev_addr (Xen: general_error);
 *  - a map whose results cannot be written back is undone.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/grant_table.h>

#include "domain.h"
#include "errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"

#define GNTTABOP_CMD_MASK 0xFFFu    /* Xen: GNTTABOP_CONTINUATION_ARG_SHIFT 12 */

/* Layouts this file relies on (aarch64, public/grant_table.h). */
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref is 32 bytes");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "map status @18");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "map bus @24");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref is 24 bytes");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20, "unmap status @20");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table is 24 bytes");
_Static_assert(sizeof(struct gnttab_copy) == 40, "copy is 40 bytes");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "copy status @36");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size is 16 bytes");
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "get_status_frames is 16 bytes");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "get_version is 8 bytes");
_Static_assert(sizeof(struct gnttab_cache_flush) == 16, "cache_flush is 16 bytes");

union gnttab_any_op {
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_setup_table setup;
    struct gnttab_copy copy;
    struct gnttab_query_size query;
    struct gnttab_set_version set_version;
    struct gnttab_get_status_frames status_frames;
    struct gnttab_get_version get_version;
    struct gnttab_cache_flush flush;
};

/* < 0: the call fails with it; handlers put per-op results in the status field. */
typedef long gnttab_op_fn(struct domain *d, union gnttab_any_op *op);

enum gnttab_count { COUNT_BATCH, COUNT_ONE, COUNT_IGNORED };

struct gnttab_op_desc {
    gnttab_op_fn *fn;
    uint16_t size;              /* bytes per op in the guest array */
    uint16_t out_off, out_len;  /* bytes copied back after each op */
    uint8_t count;              /* enum gnttab_count */
    bool out_on_error;          /* copy back even when fn fails (set_version) */
    uint32_t max_batch;         /* COUNT_BATCH only */
    /* Called when the OUT fields could not be copied back. */
    void (*undo)(struct domain *d, const union gnttab_any_op *op);
};

/*
 * The domain a query names: the caller (DOMID_SELF or its own id), or, for
 * the control domain only, any other (Xen's XSM_TARGET). GNTST_*
 */
static int target_domain(struct domain *d, domid_t dom, domid_t *out)
{
    if (dom == DOMID_SELF || dom == d->domid) {
        *out = d->domid;
        return GNTST_okay;
    }
    if (!domain_lookup(dom))
        return GNTST_bad_domain;
    if (!d->is_privileged)
        return GNTST_permission_denied;
    *out = dom;
    return GNTST_okay;
}

static long op_map(struct domain *d, union gnttab_any_op *op)
{
    struct gnttab_map_grant_ref *m = &op->map;
    uint32_t handle;
    paddr_t bus;

    m->status = (int16_t)gnttab_map(d, m->dom, m->ref, m->flags, m->host_addr, &handle, &bus);
    if (m->status == GNTST_okay) {
        m->handle = handle;
        m->dev_bus_addr = bus;
    }
    return 0;
}

static void undo_map(struct domain *d, const union gnttab_any_op *op)
{
    if (op->map.status == GNTST_okay)
        (void)gnttab_unmap(d, op->map.handle, 0, 0);
}

static long op_unmap(struct domain *d, union gnttab_any_op *op)
{
    struct gnttab_unmap_grant_ref *u = &op->unmap;

    u->status = (int16_t)gnttab_unmap(d, u->handle, u->host_addr, u->dev_bus_addr);
    return 0;
}

static long op_copy(struct domain *d, union gnttab_any_op *op)
{
    struct gnttab_copy *c = &op->copy;
    bool src_gref = c->flags & GNTCOPY_source_gref, dst_gref = c->flags & GNTCOPY_dest_gref;
    struct gnttab_copy_side src = {
        .is_gref = src_gref, .ref_or_gfn = src_gref ? c->source.u.ref : c->source.u.gmfn,
        .domid = c->source.domid, .offset = c->source.offset,
    };
    struct gnttab_copy_side dst = {
        .is_gref = dst_gref, .ref_or_gfn = dst_gref ? c->dest.u.ref : c->dest.u.gmfn,
        .domid = c->dest.domid, .offset = c->dest.offset,
    };

    c->status = (int16_t)gnttab_copy(d, &src, &dst, c->len);
    return 0;
}

static long op_query_size(struct domain *d, union gnttab_any_op *op)
{
    struct gnttab_query_size *q = &op->query;
    unsigned int nr, max;
    domid_t dom;

    q->status = (int16_t)target_domain(d, q->dom, &dom);
    if (q->status == GNTST_okay)
        q->status = (int16_t)gnttab_query_size(dom, &nr, &max);
    if (q->status == GNTST_okay) {
        q->nr_frames = nr;
        q->max_nr_frames = max;
    }
    return 0;
}

/*
 * The frame list holds, per frame, the GFN where the domain mapped it or
 * GNTTAB_INVALID_GFN (Xen on arm: gnttab_shared_gfn() of an unmapped
 * xenheap page): translated guests place frames with add_to_physmap.
 */
static long op_setup_table(struct domain *d, union gnttab_any_op *op)
{
    struct gnttab_setup_table *s = &op->setup;
    uint64_t gfns[GNTTAB_MAX_FRAMES];
    domid_t dom;

    s->status = (int16_t)target_domain(d, s->dom, &dom);
    if (s->status != GNTST_okay)
        return 0;
    if (s->nr_frames > GNTTAB_MAX_FRAMES) {
        s->status = GNTST_general_error;
        return 0;
    }
    s->status = (int16_t)gnttab_setup_table(dom, s->nr_frames, gfns);
    if (s->status == GNTST_okay && s->nr_frames &&
        copy_to_guest(s->frame_list.q, gfns, s->nr_frames * sizeof(gfns[0])))
        return -EFAULT;
    return 0;
}

/* v1 only (GNTTAB_MAX_VERSION 1 on arm): 2 is -ENOSYS as on Xen; version reads back 1. */
static long op_set_version(struct domain *d, union gnttab_any_op *op)
{
    uint32_t want = op->set_version.version;

    (void)d;
    op->set_version.version = 1;
    if (want == 1)
        return 0;
    return want == 2 ? -ENOSYS : -EINVAL;
}

/* v1 has no status frames: asking for any is GNTST_general_error, as on Xen. */
static long op_get_status_frames(struct domain *d, union gnttab_any_op *op)
{
    struct gnttab_get_status_frames *g = &op->status_frames;
    domid_t dom;

    g->status = (int16_t)target_domain(d, g->dom, &dom);
    if (g->status == GNTST_okay && g->nr_frames)
        g->status = GNTST_general_error;
    return 0;
}

static long op_get_version(struct domain *d, union gnttab_any_op *op)
{
    domid_t dom = op->get_version.dom;

    if (dom != DOMID_SELF && dom != d->domid) {
        if (!domain_lookup(dom))
            return -ESRCH;
        if (!d->is_privileged)
            return -EPERM;
    }
    op->get_version.version = 1;
    return 0;
}

static long op_cache_flush(struct domain *d, union gnttab_any_op *op)
{
    const struct gnttab_cache_flush *f = &op->flush;

    return gnttab_cache_flush(d, f->a.dev_bus_addr, f->offset, f->length, f->op);
}

#define OUT_FROM(type, field) offsetof(type, field), sizeof(type) - offsetof(type, field)
#define OUT_FIELD(type, field) offsetof(type, field), sizeof(((type *)0)->field)

static const struct gnttab_op_desc gnttab_ops[] = {
    [GNTTABOP_map_grant_ref] = { op_map, sizeof(struct gnttab_map_grant_ref),
        OUT_FROM(struct gnttab_map_grant_ref, status), COUNT_BATCH, false,
        GNTTAB_MAX_BATCH, undo_map },
    [GNTTABOP_unmap_grant_ref] = { op_unmap, sizeof(struct gnttab_unmap_grant_ref),
        OUT_FIELD(struct gnttab_unmap_grant_ref, status), COUNT_BATCH, false,
        GNTTAB_MAX_BATCH, NULL },
    [GNTTABOP_setup_table] = { op_setup_table, sizeof(struct gnttab_setup_table),
        OUT_FIELD(struct gnttab_setup_table, status), COUNT_ONE, false, 1, NULL },
    [GNTTABOP_copy] = { op_copy, sizeof(struct gnttab_copy),
        OUT_FIELD(struct gnttab_copy, status), COUNT_BATCH, false, GNTTAB_MAX_BATCH, NULL },
    [GNTTABOP_query_size] = { op_query_size, sizeof(struct gnttab_query_size),
        0, sizeof(struct gnttab_query_size), COUNT_ONE, false, 1, NULL },
    [GNTTABOP_set_version] = { op_set_version, sizeof(struct gnttab_set_version),
        0, sizeof(struct gnttab_set_version), COUNT_IGNORED, true, 1, NULL },
    [GNTTABOP_get_status_frames] = { op_get_status_frames,
        sizeof(struct gnttab_get_status_frames),
        OUT_FIELD(struct gnttab_get_status_frames, status), COUNT_ONE, false, 1, NULL },
    [GNTTABOP_get_version] = { op_get_version, sizeof(struct gnttab_get_version),
        OUT_FIELD(struct gnttab_get_version, version), COUNT_IGNORED, false, 1, NULL },
    [GNTTABOP_cache_flush] = { op_cache_flush, sizeof(struct gnttab_cache_flush),
        0, 0, COUNT_BATCH, false, GNTTAB_MAX_FLUSH_BATCH, NULL },
};

/* Clamp a guest-chosen index under speculation too (Xen's array_index_nospec). */
static inline uint64_t index_nospec(uint64_t idx, uint64_t size)
{
    uint64_t mask = (uint64_t)0 - (uint64_t)(idx < size);
    __asm__ volatile("" : "+r"(mask));
    return idx & mask;
}

static long run_ops(struct domain *d, const struct gnttab_op_desc *desc, vaddr_t uop,
                    uint64_t count)
{
    union gnttab_any_op op;

    for (uint64_t i = 0; i < count; i++) {
        vaddr_t gva = uop + i * desc->size;
        long rc;

        if (copy_from_guest(&op, gva, desc->size))
            return -EFAULT;
        rc = desc->fn(d, &op);
        if (rc < 0 && !desc->out_on_error)
            return rc;
        if (desc->out_len &&
            copy_to_guest(gva + desc->out_off, (const char *)&op + desc->out_off,
                          desc->out_len)) {
            if (desc->undo)
                desc->undo(d, &op);
            return -EFAULT;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

long do_grant_table_op(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], uop = args->a[1], count = args->a[2];
    const struct gnttab_op_desc *desc;

    if (count > INT32_MAX)
        return -EINVAL;                 /* Xen: (int)count < 0 */
    if (cmd > GNTTABOP_CMD_MASK)
        return -EINVAL;                 /* a continuation argument: never issued by us */
    if (cmd >= ARRAY_SIZE(gnttab_ops))
        return -ENOSYS;
    desc = &gnttab_ops[index_nospec(cmd, ARRAY_SIZE(gnttab_ops))];
    if (!desc->fn)
        return -ENOSYS;
    switch (desc->count) {
    case COUNT_ONE:
        if (count != 1)
            return -EINVAL;
        break;
    case COUNT_IGNORED:
        count = 1;
        break;
    default:
        if (count > desc->max_batch)
            return -E2BIG;
        break;
    }
    return run_ops(current_vcpu()->domain, desc, uop, count);
}

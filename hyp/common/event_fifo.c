/*
 * The FIFO event ABI (Xen's event_fifo.c): an array of 32-bit event words in
 * guest pages (PENDING, MASKED, LINKED, BUSY, 17-bit LINK) and, per vCPU, a
 * control block with a ready bitmap and the heads of 16 priority queues.
 * The hypervisor appends to a queue by writing LINK into the tail's word;
 * the guest consumes from the head by clearing LINKED. Linking a word the
 * guest is racing on follows Xen's rules: the tail is only linked while it is
 * still LINKED, and BUSY holds off the guest's unmask while we retry.
 *
 * All of it runs with the domain's deliver lock held, which also stands in
 * for Xen's per-queue locks.
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/event_channel.h>

#include "bug.h"
#include "domain.h"
#include "errno.h"
#include "event.h"
#include "xmalloc.h"

_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "control block is 72 bytes");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control is 24 bytes");

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define BIT(n) ((uint32_t)1 << (n))

struct evtchn_fifo_vcpu {
    struct evtchn_fifo_control_block *cb;       /* in a guest page */
    evtchn_port_t tail[EVTCHN_FIFO_MAX_QUEUES]; /* last port linked per queue, 0 = none */
};

struct evtchn_fifo_domain {
    event_word_t *page[MAX_ARRAY_PAGES];        /* guest pages, in order */
    unsigned int nr_words;                      /* ports that have an event word */
};

static event_word_t *word_of(struct evtchn_fifo_domain *fd, evtchn_port_t port)
{
    if (!fd || port >= fd->nr_words)
        return NULL;
    port = evtchn_index_nospec(port, fd->nr_words);
    return fd->page[port / WORDS_PER_PAGE] + port % WORDS_PER_PAGE;
}

/*
 * Point the tail's LINK at port, if the tail is still LINKED. true: linked
 * (or the guest kept the word changing and the event is given up); false:
 * the guest already consumed the tail, so the queue is empty.
 */
static bool set_link(event_word_t *word, evtchn_port_t port)
{
    uint32_t w = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    bool busy = false;

    for (unsigned int i = 0; i < GUEST_ATOMIC_TRIES; i++) {
        if (!(w & BIT(EVTCHN_FIFO_LINKED)))
            break;
        uint32_t want = (w & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;
        if (guest_cas32(word, &w, want))
            return true;            /* (want has BUSY clear) */
        if (!busy) {
            /* Hold off the guest's unmask: only a few changes remain possible. */
            busy = guest_test_and_set_bit32(word, EVTCHN_FIFO_BUSY) == 0;
            w = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        }
    }
    if (busy)
        (void)guest_test_and_clear_bit32(word, EVTCHN_FIFO_BUSY);
    return (w & BIT(EVTCHN_FIFO_LINKED)) != 0;
}

/* The queue chn was last linked on, so its stale tail can be dropped. */
static struct evtchn_fifo_vcpu *last_queue_vcpu(struct domain *d, const struct evtchn *chn)
{
    struct vcpu *v = chn->last_vcpu < d->max_vcpus ? d->vcpus[chn->last_vcpu] : NULL;
    return v ? v->evtchn_fifo : NULL;
}

/* Append chn (just marked LINKED) to queue q of v. Returns whether the queue
 * was non-empty (then the guest is already busy with it: no upcall). */
static bool link_to_queue(struct domain *d, struct vcpu *v, struct evtchn *chn,
                          unsigned int q)
{
    struct evtchn_fifo_domain *fd = d->evtchn->fifo;
    struct evtchn_fifo_vcpu *efv = v->evtchn_fifo, *old = last_queue_vcpu(d, chn);

    /* It was not LINKED, so if it is a tail, that queue has been consumed. */
    if (old && old->tail[chn->last_priority] == chn->port)
        old->tail[chn->last_priority] = 0;
    chn->last_vcpu = (uint16_t)v->id;
    chn->last_priority = (uint8_t)q;

    bool linked = false;
    event_word_t *tail = efv->tail[q] ? word_of(fd, efv->tail[q]) : NULL;
    if (tail)
        linked = set_link(tail, chn->port);
    if (!linked)
        __atomic_store_n(&efv->cb->head[q], chn->port, __ATOMIC_RELEASE);
    efv->tail[q] = chn->port;
    return linked;
}

void evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn)
{
    ASSERT(spin_is_locked(&d->evtchn->deliver));
    event_word_t *word = word_of(d->evtchn->fifo, chn->port);
    if (!word) {
        chn->fifo_pending = true;       /* raised again when its page arrives */
        return;
    }
    chn->fifo_pending = false;
    if (guest_test_and_set_bit32(word, EVTCHN_FIFO_PENDING) == GUEST_ATOMIC_GAVE_UP)
        return;
    /* No control block yet: the guest cannot have unmasked, leave it pending. */
    struct evtchn_fifo_vcpu *efv = v->evtchn_fifo;
    if (!efv || !efv->cb)
        return;

    unsigned int q = chn->priority < EVTCHN_FIFO_MAX_QUEUES ? chn->priority
                                                            : EVTCHN_FIFO_PRIORITY_DEFAULT;
    bool linked = true;
    if (!guest_test_bit32(word, EVTCHN_FIFO_MASKED) &&
        guest_test_and_set_bit32(word, EVTCHN_FIFO_LINKED) == 0)
        linked = link_to_queue(d, v, chn, q);
    if (!linked && guest_test_and_set_bit32(&efv->cb->ready, q) == 0)
        evtchn_mark_events_pending(v);
}

void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn)
{
    /* Only PENDING: the guest unlinks and skips events that are not pending. */
    event_word_t *word = word_of(d->evtchn->fifo, chn->port);
    if (word)
        (void)guest_test_and_clear_bit32(word, EVTCHN_FIFO_PENDING);
}

bool evtchn_fifo_is_pending(struct domain *d, evtchn_port_t port)
{
    event_word_t *word = word_of(d->evtchn->fifo, port);
    return word && guest_test_bit32(word, EVTCHN_FIFO_PENDING);
}

void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn)
{
    event_word_t *word = word_of(d->evtchn->fifo, chn->port);
    struct vcpu *v = chn->notify_vcpu < d->max_vcpus ? d->vcpus[chn->notify_vcpu] : NULL;
    if (!word || !v)
        return;
    (void)guest_test_and_clear_bit32(word, EVTCHN_FIFO_MASKED);
    if (guest_test_bit32(word, EVTCHN_FIFO_PENDING))
        evtchn_fifo_set_pending(d, v, chn);
}

int evtchn_set_priority(struct domain *d, evtchn_port_t port, uint32_t priority)
{
    struct evtchn_domain *ed = d->evtchn;
    int rc = 0;
    spin_lock(&ed->lock);
    struct evtchn *chn = evtchn_lookup(ed, port);
    if (!chn)
        rc = -EINVAL;
    else if (ed->abi != EVTCHN_ABI_FIFO)
        rc = -ENOSYS;
    else if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        rc = -EINVAL;
    if (!rc) {
        /* Future events use the new queue; a linked one stays where it is. */
        spin_lock(&ed->deliver);
        chn->priority = (uint8_t)priority;
        spin_unlock(&ed->deliver);
    }
    spin_unlock(&ed->lock);
    return rc;
}

/* Switching from 2-level: ports pending there become pending here once their
 * event word exists (the toolstack's store and console ports). */
static void carry_pending_over(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    for (evtchn_port_t port = 1; port < MIN(ed->nr_valid, EVTCHN_2L_NR_CHANNELS); port++) {
        struct evtchn *chn = evtchn_lookup(ed, port);
        if (!chn || chn->state == ECS_FREE)
            continue;
        chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->fifo_pending = evtchn_2l_is_pending(d, port);
    }
}

/* Both locks held. The first control block switches the domain to FIFO. */
static int map_control_block(struct domain *d, struct vcpu *v,
                             struct evtchn_fifo_control_block *cb)
{
    struct evtchn_domain *ed = d->evtchn;
    if (v->evtchn_fifo && v->evtchn_fifo->cb)
        return -EINVAL;
    bool first = !ed->fifo;
    if (first && !(ed->fifo = xzalloc(struct evtchn_fifo_domain)))
        return -ENOMEM;
    if (!v->evtchn_fifo && !(v->evtchn_fifo = xzalloc(struct evtchn_fifo_vcpu))) {
        if (first) {
            xfree(ed->fifo);
            ed->fifo = NULL;
        }
        return -ENOMEM;
    }
    v->evtchn_fifo->cb = cb;
    if (first) {
        __atomic_store_n(&ed->abi, EVTCHN_ABI_FIFO, __ATOMIC_RELAXED);
        carry_pending_over(d);
    }
    return 0;
}

/* For any vCPU, including an offline one (Linux sets up secondaries from CPU 0). */
int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *c)
{
    struct evtchn_domain *ed = d->evtchn;
    c->link_bits = EVTCHN_FIFO_LINK_BITS;
    if (c->vcpu >= d->max_vcpus || !d->vcpus[c->vcpu])
        return -ENOENT;
    struct vcpu *v = d->vcpus[evtchn_index_nospec(c->vcpu, d->max_vcpus)];
    /* Inside one page, 8-byte aligned. */
    if (c->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
        !IS_ALIGNED(c->offset, 8))
        return -EINVAL;
    uint8_t *page = domain_gfn_to_virt(d, c->control_gfn, true);
    if (!page)
        return -EINVAL;
    spin_lock(&ed->lock);
    spin_lock(&ed->deliver);
    int rc = map_control_block(d, v, (struct evtchn_fifo_control_block *)(page + c->offset));
    spin_unlock(&ed->deliver);
    spin_unlock(&ed->lock);
    return rc;
}

/* Both locks held: one more page of event words. */
static int add_array_page(struct domain *d, event_word_t *page)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_fifo_domain *fd = ed->fifo;
    if (!fd)
        return -EOPNOTSUPP;
    unsigned int slot = fd->nr_words / WORDS_PER_PAGE;
    if (slot >= MAX_ARRAY_PAGES)
        return -ENOSPC;
    fd->page[slot] = page;
    unsigned int first = fd->nr_words;
    fd->nr_words += WORDS_PER_PAGE;
    /* Raise the events that arrived while their word was missing. */
    for (evtchn_port_t port = first; port < fd->nr_words; port++) {
        struct evtchn *chn = evtchn_lookup(ed, port);
        if (!chn)
            break;
        if (chn->fifo_pending)
            evtchn_set_pending(d, chn->notify_vcpu, chn);
    }
    return 0;
}

int evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn)
{
    struct evtchn_domain *ed = d->evtchn;
    if (__atomic_load_n(&ed->abi, __ATOMIC_RELAXED) != EVTCHN_ABI_FIFO)
        return -EOPNOTSUPP;
    event_word_t *page = domain_gfn_to_virt(d, array_gfn, true);
    if (!page)
        return -EINVAL;
    spin_lock(&ed->lock);
    spin_lock(&ed->deliver);
    int rc = add_array_page(d, page);
    spin_unlock(&ed->deliver);
    spin_unlock(&ed->lock);
    return rc;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    ASSERT(spin_is_locked(&ed->lock) && spin_is_locked(&ed->deliver));
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (v && v->evtchn_fifo) {
            xfree(v->evtchn_fifo);
            v->evtchn_fifo = NULL;
        }
    }
    xfree(ed->fifo);
    ed->fifo = NULL;
    __atomic_store_n(&ed->abi, EVTCHN_ABI_2L, __ATOMIC_RELAXED);
}

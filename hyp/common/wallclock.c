/*
 * Wall-clock time. dom0 tells us the time (platform_op settime64); each
 * domain's shared_info then holds the wall time of its own counter's zero
 * (wc_sec/wc_nsec), which Linux adds to its monotonic time at boot.
 */
#include "types.h"
#include <xen/xen.h>

#include "domain.h"
#include "spinlock.h"
#include "timer.h"
#include "wallclock.h"

static spinlock_t wc_lock = SPINLOCK_INIT;
static uint64_t wc_base_ns;         /* wall time, ns since the epoch, at wc_base_ticks */
static uint64_t wc_base_ticks;
static bool wc_known;

void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time_ns)
{
    (void)system_time_ns;           /* dom0's own clock: we date the call instead */
    spin_lock(&wc_lock);
    wc_base_ns = secs * 1000000000ULL + nsecs;
    wc_base_ticks = now_ticks();
    wc_known = true;
    spin_unlock(&wc_lock);

    spin_lock(&domlist_lock);
    struct list_head *pos;
    list_for_each(pos, &domlist)
        wallclock_update_domain(list_entry(pos, struct domain, link));
    spin_unlock(&domlist_lock);
}

void wallclock_update_domain(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    uint64_t now = now_ticks();

    if (!s)
        return;
    spin_lock(&wc_lock);
    if (!wc_known) {
        spin_unlock(&wc_lock);
        return;
    }
    uint64_t wall_now = wc_base_ns + ticks_to_ns(now - wc_base_ticks);
    uint64_t guest_now = ticks_to_ns(now - arch_domain_counter_offset(d));
    uint64_t zero = wall_now - guest_now;
    spin_unlock(&wc_lock);

    /* Odd version while writing: the guest retries its read (Xen's protocol). */
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)(zero / 1000000000ULL);
    s->wc_sec_hi = (uint32_t)((zero / 1000000000ULL) >> 32);
    s->wc_nsec = (uint32_t)(zero % 1000000000ULL);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELEASE);
}

/*
 * Ticket spinlocks on compiler atomics: the same code runs at EL2 and in host
 * unit tests. Lock order, where several are taken, is documented beside the
 * code that takes them.
 */
#ifndef LAMINA_SPINLOCK_H
#define LAMINA_SPINLOCK_H

#include "types.h"

typedef struct {
    uint32_t next;
    uint32_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

void arch_cpu_relax(void);

static inline void spin_lock_init(spinlock_t *l)
{
    l->next = 0;
    l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        arch_cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    uint32_t expected = owner;
    return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
           __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

#endif

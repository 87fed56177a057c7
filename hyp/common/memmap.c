/* Free RAM at boot: the memory banks minus everything that is in use. */
#include "bootinfo.h"
#include "memmap.h"

/*
 * Call fn for each piece of [start, end) not covered by any of the used
 * ranges. Recursive split: each used range cuts the piece in at most two.
 */
static void subtract(paddr_t start, paddr_t end, const struct boot_range *used,
                     unsigned int nr_used, void (*fn)(paddr_t, paddr_t, void *), void *arg)
{
    for (unsigned int i = 0; i < nr_used; i++) {
        paddr_t us = used[i].start, ue = used[i].start + used[i].size;
        if (!used[i].size || ue <= start || us >= end)
            continue;
        if (us > start)
            subtract(start, us, used + i + 1, nr_used - i - 1, fn, arg);
        if (ue < end)
            subtract(ue, end, used + i + 1, nr_used - i - 1, fn, arg);
        return;
    }
    if (end > start)
        fn(start, end, arg);
}

void memmap_for_each_free(const struct boot_range *banks, unsigned int nr_banks,
                          const struct boot_range *used, unsigned int nr_used,
                          void (*fn)(paddr_t start, paddr_t end, void *arg), void *arg)
{
    for (unsigned int b = 0; b < nr_banks; b++)
        subtract(banks[b].start, banks[b].start + banks[b].size, used, nr_used, fn, arg);
}

#ifndef LAMINA_MEMMAP_H
#define LAMINA_MEMMAP_H

#include "bootinfo.h"

/* Call fn(start, end) for every part of the banks that no used range covers. */
void memmap_for_each_free(const struct boot_range *banks, unsigned int nr_banks,
                          const struct boot_range *used, unsigned int nr_used,
                          void (*fn)(paddr_t start, paddr_t end, void *arg), void *arg);

#endif

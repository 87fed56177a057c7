/* EL2 address space (arm64). */
#ifndef LAMINA_ARM64_MM_H
#define LAMINA_ARM64_MM_H

#include "bootinfo.h"
#include "types.h"

enum map_kind { MAP_RAM, MAP_DEVICE, MAP_TEXT, MAP_RODATA };

void mm_early_init(paddr_t dtb);
void mm_map_ram(const struct bootinfo *bi);
void mm_map_range(paddr_t start, paddr_t size, enum map_kind kind);
void mm_enable_secondary(void);
void mm_clean_tables(void);
void clean_dcache_range(const void *p, size_t size);

#endif

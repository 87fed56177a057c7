/* Ring sizing and index checks: see pv_ring.h. */
#include "pv_ring.h"

unsigned int pv_ring_entries(unsigned int pages, size_t entry_size)
{
    const size_t header = 64;   /* req_prod ... pad: __RING_HEADER_SIZE */
    if (pages == 0 || entry_size == 0 || (size_t)pages * PV_PAGE_SIZE <= header)
        return 0;
    size_t fit = ((size_t)pages * PV_PAGE_SIZE - header) / entry_size;
    unsigned int n = 1;
    if (fit == 0)
        return 0;
    while ((size_t)n * 2 <= fit)
        n *= 2;
    return n;
}

int pv_ring_prod_ok(uint32_t prod, uint32_t cons, uint32_t rsp_prod_pvt, unsigned int size)
{
    if ((uint32_t)(prod - rsp_prod_pvt) > size)
        return 0;
    if ((uint32_t)(prod - cons) > (uint32_t)(prod - rsp_prod_pvt))
        return 0;   /* prod moved backwards past what we consumed */
    return 1;
}

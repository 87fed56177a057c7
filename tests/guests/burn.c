/*
 * burn: a domain that only computes. Prints one line, then spins forever
 * without a hypercall or WFI, so the hypervisor charges it all the CPU time
 * it gets: the busy domain of xtop's checks (dom0-tools/image/tests/xtop-setup).
 */
#include "guest.h"

const char guest_name[] = "burn";

void guest_main(void)
{
    say("spinning");
    volatile uint64_t n = 0;
    for (;;)
        n++;
}

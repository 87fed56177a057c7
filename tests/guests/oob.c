/*
 * oob: the guest that breaks the rules. It reads and writes an IPA far above
 * its RAM (which starts at 0x40000000 and is 16 MiB here); nothing is mapped
 * there, so the hypervisor must crash the domain on the stage-2 fault. The
 * line after the access must never appear.
 */
#include "guest.h"

const char guest_name[] = "oob";

#define OUTSIDE_IPA     0x7ff00000UL

void guest_main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)OUTSIDE_IPA;
    uint32_t v;

    say("started");
    say("touching memory outside my RAM");
    v = *p;
    *p = v + 1;
    dsb_sy();
    say("STILL ALIVE (isolation broken): read 0x%x at 0x%lx", v, OUTSIDE_IPA);
    guest_exit(SHUTDOWN_poweroff);
}

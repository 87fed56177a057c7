/*
 * spinner: the CPU hog. Busy-loops on the virtual counter for 3 s of counter
 * time with no hypercall and no WFI, so only preemption by the hypervisor's
 * timer lets anyone else run on this pCPU. It powers off through PSCI
 * SYSTEM_OFF rather than SCHEDOP_shutdown, so that path is exercised too.
 */
#include "guest.h"

const char guest_name[] = "spinner";

#define SPIN_SECONDS    3

void guest_main(void)
{
    uint64_t freq = read_cntfrq();
    uint64_t t0, t1;

    say("spinning for %d s without yielding", SPIN_SECONDS);
    t0 = read_cntvct();
    spin_ticks(SPIN_SECONDS * freq);
    t1 = read_cntvct();
    say("done spinning (%lu ticks at %lu Hz)", t1 - t0, freq);
    long rc = psci_system_off();
    say("PSCI SYSTEM_OFF returned %ld", rc);
    guest_exit(SHUTDOWN_poweroff);
}

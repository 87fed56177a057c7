/*
 * bench: the null-hypercall round trip. 100000 xen_version(XENVER_version)
 * calls timed with CNTVCT, plus the counter at the guest's first instruction.
 *
 * Also runs bare on QEMU (virt without virtualization: -kernel at EL1, QEMU's
 * own PSCI behind HVC). There is no Lamina then: xen_version does not answer
 * 0x4xxxx, so the bench times a null SMCCC call (PSCI_VERSION) instead and
 * writes to the PL011 directly, as the reference point.
 */
#include "guest.h"

const char guest_name[] = "bench";

#define CALLS   100000UL

static void report(const char *what, uint64_t ticks, uint64_t freq)
{
    uint64_t centi = ticks * 100 / CALLS;   /* ticks per call, x100 */

    say("%s ticks-per-call=%lu.%02lu freq=%lu calls=%lu",
        what, centi / 100, centi % 100, freq, CALLS);
}

void guest_main(void)
{
    uint64_t freq = read_cntfrq();
    uint64_t t0, t1;
    unsigned long i;
    long v;

    if (guest_bare) {
        /* Bare QEMU: hvc #0xEA1 reached QEMU's PSCI, which knows no function 0. */
        say("timing a null SMCCC call (PSCI_VERSION) instead");
        say("first-instruction cntvct=%lu", boot_cntvct);
        say("psci version 0x%lx", psci_version());
        t0 = read_cntvct();
        for (i = 0; i < CALLS; i++)
            psci_version();
        t1 = read_cntvct();
        report("null-smccc", t1 - t0, freq);
        say("done");
        psci_system_off();
        park();
    }

    say("first-instruction cntvct=%lu", boot_cntvct);
    v = xen_version(XENVER_version, NULL);
    say("xen version %ld.%ld", v >> 16, v & 0xffff);
    t0 = read_cntvct();
    for (i = 0; i < CALLS; i++)
        xen_version(XENVER_version, NULL);
    t1 = read_cntvct();
    report("null-hypercall", t1 - t0, freq);
    say("done");
    guest_exit(SHUTDOWN_poweroff);
}

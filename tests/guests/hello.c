/*
 * hello: the friendly guest. Asks xen_version for what a Linux guest asks,
 * checks the counter moves, brings vCPU1 up with PSCI CPU_ON and back down
 * with CPU_OFF, ticks a few times ~100 ms apart while yielding, and powers off.
 */
#include "guest.h"

const char guest_name[] = "hello";

#define VCPU1_MPIDR     1UL
#define VCPU1_CONTEXT   0x1ea1cafeUL
#define NR_TICKS        5

static volatile uint32_t vcpu1_up;

void secondary_main(unsigned long context_id)
{
    long rc;

    say("vcpu1 up (context=0x%lx)", context_id);
    vcpu1_up = (context_id == VCPU1_CONTEXT) ? 1 : 2;
    dsb_sy();
    rc = psci_cpu_off();
    say("vcpu1: CPU_OFF returned %ld", rc);
    park();
}

static void ask_xen_version(void)
{
    char extra[XEN_EXTRAVERSION_LEN + 1];
    struct xen_feature_info fi = { .submap_idx = 0 };
    long v, rc;

    v = xen_version(XENVER_version, NULL);
    if (v < 0)
        say("xen_version(XENVER_version) failed: %ld", v);
    else
        say("xen version %ld.%ld", v >> 16, v & 0xffff);

    memset(extra, 0, sizeof(extra));
    rc = xen_version(XENVER_extraversion, extra);
    extra[XEN_EXTRAVERSION_LEN] = '\0';
    if (rc < 0)
        say("extraversion failed: %ld", rc);
    else
        say("extraversion \"%s\"", extra);

    rc = xen_version(XENVER_get_features, &fi);
    if (rc < 0)
        say("get_features failed: %ld", rc);
    else
        say("features submap 0 = 0x%x", fi.submap);

    rc = xen_version(XENVER_pagesize, NULL);
    say("pagesize %ld", rc);
}

static void check_counter(void)
{
    uint64_t freq = read_cntfrq();
    uint64_t c1 = read_cntvct(), c2;
    unsigned long spins = 0;

    /* A yield, then spin (bounded by iterations: time may be stuck). */
    sched_yield();
    do {
        c2 = read_cntvct();
    } while (c2 == c1 && ++spins < 1000000);
    if (c2 > c1)
        say("counter advances (%lu -> %lu, freq %lu Hz)", c1, c2, freq);
    else
        say("counter DOES NOT advance (%lu -> %lu, freq %lu Hz)", c1, c2, freq);
}

static int start_vcpu1(void)
{
    uint64_t freq = read_cntfrq(), start;
    long rc;

    rc = psci_version();
    say("psci version %ld.%ld", (rc >> 16) & 0xffff, rc & 0xffff);

    rc = psci_cpu_on(VCPU1_MPIDR, secondary_entry, VCPU1_CONTEXT);
    say("CPU_ON(vcpu1) = %ld", rc);
    if (rc != 0)
        return -1;

    /* Wait up to 10 s of counter time, yielding. */
    start = read_cntvct();
    while (!vcpu1_up) {
        if (read_cntvct() - start > 10 * freq) {
            say("vcpu1 did not come up within 10 s");
            return -1;
        }
        sched_yield();
    }
    if (vcpu1_up != 1) {
        say("vcpu1 saw the wrong context id");
        return -1;
    }
    say("vcpu0 saw vcpu1's flag");
    return 0;
}

void guest_main(void)
{
    uint64_t tick = read_cntfrq() / 10;     /* ~100 ms */
    int i, ok = 1;

    say("started");
    ask_xen_version();
    check_counter();
    if (start_vcpu1() != 0)
        ok = 0;

    for (i = 1; i <= NR_TICKS; i++) {
        yield_ticks(tick);
        say("tick %d", i);
    }

    if (!ok) {
        say("FAILED");
        guest_exit(SHUTDOWN_crash);
    }
    say("done");
    guest_exit(SHUTDOWN_poweroff);
}

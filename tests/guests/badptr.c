/*
 * badptr: the hostile-but-harmless guest. Every hypercall here is malformed
 * (bad pointers, unknown numbers and sub-ops, absurd lengths); each must fail
 * with the right error code and leave the domain running.
 */
#include "guest.h"

const char guest_name[] = "badptr";

#define UNMAPPED_IPA    0x1000000000UL  /* 64 GiB: far outside guest RAM */
#define HOLE_IPA        0x0UL           /* below every device: nothing mapped */

enum expect {
    EXPECT_EFAULT,      /* exactly -EFAULT */
    EXPECT_ENOSYS,      /* exactly -ENOSYS */
    EXPECT_ERROR,       /* any negative value */
};

static int failures;

static void check(const char *what, long rc, enum expect e)
{
    int ok;
    const char *want;

    switch (e) {
    case EXPECT_EFAULT:
        ok = rc == -XEN_EFAULT;
        want = "-14 (EFAULT)";
        break;
    case EXPECT_ENOSYS:
        ok = rc == -XEN_ENOSYS;
        want = "-38 (ENOSYS)";
        break;
    default:
        ok = rc < 0;
        want = "an error (< 0)";
        break;
    }
    say("%s = %ld", what, rc);
    if (!ok) {
        say("UNEXPECTED %s = %ld, expected %s", what, rc, want);
        failures++;
    }
}

void guest_main(void)
{
    static const char msg[] = "badptr: this line must not be printed whole\n";
    struct sched_shutdown *bad_shutdown = (void *)UNMAPPED_IPA;

    say("started");

    check("console_io(write, unmapped 0x1000000000)",
          console_io(CONSOLEIO_write, 16, (const void *)UNMAPPED_IPA), EXPECT_EFAULT);
    check("console_io(write, device hole 0x0)",
          console_io(CONSOLEIO_write, 16, (const void *)HOLE_IPA), EXPECT_EFAULT);
    check("xen_version(extraversion, unmapped)",
          xen_version(XENVER_extraversion, (void *)UNMAPPED_IPA), EXPECT_EFAULT);
    check("xen_version(sub-op 99)", xen_version(99, NULL), EXPECT_ENOSYS);
    check("hypercall 63", hypercall0(63), EXPECT_ENOSYS);
    check("hypercall 1000", hypercall0(1000), EXPECT_ENOSYS);
    check("hypercall 0xffffffff", hypercall0(0xffffffffUL), EXPECT_ENOSYS);
    check("sched_op(sub-op 77)", sched_op(77, NULL), EXPECT_ENOSYS);
    check("sched_op(shutdown, unmapped)",
          sched_op(SCHEDOP_shutdown, bad_shutdown), EXPECT_EFAULT);
    check("console_io(cmd 9)", console_io(9, sizeof(msg) - 1, msg), EXPECT_ENOSYS);
    check("console_io(write, len 0x7fffffff)",
          console_io(CONSOLEIO_write, 0x7fffffffUL, msg), EXPECT_ERROR);

    if (failures == 0)
        say("all errors as expected");
    else
        say("UNEXPECTED: %d check(s) failed", failures);
    say("done");
    guest_exit(SHUTDOWN_poweroff);
}

/*
 * console_io (18): a guest's direct line to the hypervisor console.
 * Xen allows it to dom0 only in release builds; Lamina allows every domain
 * to write (dom0-less test guests have no other console) and tags each line
 * with the domain. A dom0-less domain's output also goes into its PV console
 * ring, where dom0's console daemon reads it, and it reads what dom0 typed
 * from that ring (pv_console.h). Reading the serial input is for the control
 * domain.
 */
#include "types.h"
#include <xen/xen.h>

#include "console.h"
#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"
#include "pv_console.h"

/* One call prints at most this much: a larger count is refused, not truncated. */
#define CONSOLE_WRITE_MAX (16 * 1024)

static long console_write(uint64_t count, uint64_t gva, struct domain *d)
{
    char chunk[128];

    if (count > CONSOLE_WRITE_MAX)
        return -E2BIG;
    /* Check the whole buffer first, so a bad one prints nothing. */
    for (uint64_t off = 0; off < count; off += sizeof(chunk)) {
        size_t n = MIN(sizeof(chunk), count - off);
        int rc = copy_from_guest(chunk, gva + off, n);
        if (rc)
            return rc;
    }
    for (uint64_t off = 0; off < count; off += sizeof(chunk)) {
        size_t n = MIN(sizeof(chunk), count - off);
        int rc = copy_from_guest(chunk, gva + off, n);
        if (rc)
            return rc;
        console_guest_write(d, chunk, n);
        pv_console_write(d, chunk, n);
    }
    if (count)
        pv_console_notify(d);
    return 0;
}

/* dom0's input from the serial line. */
static long serial_input(struct domain *d, char *buf, size_t len)
{
    (void)d;
    return (long)console_read_input(buf, len);
}

/* Bytes read (0 when nothing is waiting); what the guest cannot take stays queued. */
static long console_read(uint64_t count, uint64_t gva, struct domain *d,
                         long (*input)(struct domain *d, char *buf, size_t len))
{
    char buf[128] = { 0 };          /* the probe below must not leak our stack */
    long total = 0;

    while (count) {
        size_t want = MIN(count, sizeof(buf));
        /* Check the destination first, so no input is lost on a bad pointer. */
        int rc = copy_to_guest(gva, buf, want);
        if (rc)
            return total ? total : rc;
        long got = input(d, buf, want);
        if (got <= 0)
            return total ? total : got;
        size_t n = (size_t)got;
        rc = copy_to_guest(gva, buf, n);
        if (rc)
            return total ? total : rc;
        total += (long)n;
        gva += n;
        count -= n;
        if (n < want)
            break;
    }
    return total;
}

long do_console_io(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], count = args->a[1], gva = args->a[2];
    struct domain *d = current_vcpu()->domain;

    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(count, gva, d);
    case CONSOLEIO_read:
        if (d->is_privileged)
            return console_read(count, gva, d, serial_input);
        if (pv_console_present(d))
            return console_read(count, gva, d, pv_console_read);
        return -EPERM;
    default:
        return -ENOSYS;
    }
}

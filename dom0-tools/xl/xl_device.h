/*
 * What xl does the same way for every kind of guest device (disks, network
 * interfaces): a device spec given as several arguments, numbers read from
 * xenstore, the backend a frontend names, waiting for a backend's node, and
 * taking a device away as libxl does.
 */
#ifndef LAMINA_XL_DEVICE_H
#define LAMINA_XL_DEVICE_H

#include "xl.h"

/* How long a guest gets to let go of a device being detached (libxl waits
 * 10 s too). */
#define XL_DETACH_TIMEOUT_MS 10000

/* The attach commands' spec components joined with commas, as Xen's xl
 * does (malloc'd; NULL when memory runs out). */
char *xl_join_args(int argc, char **argv);

/* dir/key as a decimal int, dflt when missing or not a number. */
int xl_xs_read_int(struct xl_ctx *x, const char *dir, const char *key, int dflt);

/* The backend directory the frontend device/<type>/<devid> of domid names:
 * 0, or -errno (-EINVAL when it is not under dom0's backends: the guest
 * owns that node). */
int xl_device_find_backend(struct xl_ctx *x, uint32_t domid, const char *type, unsigned int devid, char *out,
                           size_t len);

/* Waits until dir/key holds one of the space-separated values in accept:
 * 0, or -ETIMEDOUT. */
int xl_xs_wait_value(struct xl_ctx *x, const char *dir, const char *key, const char *accept, int timeout_ms);

/* As libxl takes a device away: the backend goes offline and Closing, the
 * guest closes its side, the backend follows to Closed. Waits up to
 * timeout_ms and returns the backend's state then (6 when closed). */
int xl_device_close(struct xl_ctx *x, const char *be, int timeout_ms);

#endif

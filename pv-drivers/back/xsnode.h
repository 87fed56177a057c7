/*
 * The xenstore reads and writes every user-space backend makes on its own
 * and its frontend's directories: a node under a directory, a number with
 * a default, a formatted value. Errors are negative errno values (xsclient).
 */
#ifndef LAMINA_XSNODE_H
#define LAMINA_XSNODE_H

#include <stdint.h>
#include "xsclient.h"

/* dir/key's value (malloc'd). */
int xsn_read(struct xsc *xs, const char *dir, const char *key, char **val);
/* An unsigned decimal at dir/key; dflt when the node is missing; -EINVAL
 * for anything else a peer may have written there. */
int xsn_read_uint(struct xsc *xs, const char *dir, const char *key, uint64_t dflt, uint64_t *out);
int xsn_writef(struct xsc *xs, uint32_t tx, const char *dir, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif

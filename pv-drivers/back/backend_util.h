/*
 * What every user-space backend process (lamina-blkback, lamina-netback)
 * does the same way: its log lines, its pidfile, and the device numbers
 * under its backend directory in xenstore.
 */
#ifndef LAMINA_BACKEND_UTIL_H
#define LAMINA_BACKEND_UTIL_H

#include "xsclient.h"

/* One line on stderr (the process's log file), with a timestamp. */
void pv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Our pid in path, atomically (xl may be reading it). */
void pv_write_pidfile(const char *path);

/* A device directory name (or what follows "fe:" in a watch token): a
 * decimal devid up to max; -EINVAL for anything else. */
int pv_parse_devid(const char *s, unsigned long max, unsigned int *devid);

/* The devids under base (names that are not devids are skipped): a
 * malloc'd array in *ids, *n of them; -ENOENT when base is gone. */
int pv_list_devids(struct xsc *xs, const char *base, unsigned long max, unsigned int **ids, unsigned int *n);

#endif

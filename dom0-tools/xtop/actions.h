/* What xtop does to a domain (P, K): through xl, so that pausing and
 * destroying are the toolstack's, backends and all. */
#ifndef LAMINA_XTOP_ACTIONS_H
#define LAMINA_XTOP_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

/* Runs `xl <verb> <domid>`; 0 or xl's exit status, with its first line of
 * output (or a reason) in msg. */
int xtop_xl(const char *verb, uint32_t domid, char *msg, size_t len);

#endif

/* The process that follows a domain after `xl create` (xl_monitor.c). */
#ifndef LAMINA_XL_MONITOR_H
#define LAMINA_XL_MONITOR_H

#include "xl_create.h"

#include <sys/types.h>

/* Detaches a monitor for domid (double fork, new session, stdio on
 * /dev/null, messages in the domain's log): the first child's pid or -errno. */
pid_t xl_monitor_spawn(struct xl_ctx *x, struct domain_config *dc, uint32_t domid);
/* The monitor itself: returns when the domain is destroyed or preserved. */
int xl_monitor_run(struct xl_ctx *x, struct domain_config *dc, uint32_t domid);

#endif

/* Wall-clock time, as dom0 sets it (platform_op settime64) and guests read it (shared_info). */
#ifndef LAMINA_WALLCLOCK_H
#define LAMINA_WALLCLOCK_H
#include "types.h"
struct domain;
void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time_ns);
/* Write the wall time of the domain's counter zero into its shared_info (seqlock protocol). */
void wallclock_update_domain(struct domain *d);
#endif

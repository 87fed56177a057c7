/*
 * Shared by domu-build-test and domu-linux-test, programs that build, run
 * and destroy a domU several times: their PASS/FAIL reporting by cycle (the
 * first cycle reports every check, later ones only their failures, as
 * "cycle<N>/<check>"), and two libctrl conveniences.
 */
#ifndef LAMINA_DOM0_DOMU_CHECK_H
#define LAMINA_DOM0_DOMU_CHECK_H

#include "libctrl.h"

#include <stdarg.h>
#include <stdbool.h>

/* Reports one check of cycle (1-based); fmt may be NULL. Returns ok. */
bool dc_vcheck(unsigned int cycle, bool ok, const char *name, const char *fmt, va_list ap);
/* What failed last on h ("domctl createdomain: ..."), else rc's name. */
const char *dc_why(ctrl_handle *h, int rc);
/* The hypervisor's free pages (physinfo), 0 when it cannot be read. */
uint64_t dc_free_pages(ctrl_handle *h);

#endif

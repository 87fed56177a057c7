/*
 * Two strengths of assertion. ASSERT: debug-build invariant. BUG_ON: always-on
 * self-consistency check. Neither is ever used on a value a guest controls:
 * guest mistakes get an error code, a rate-limited log line or a domain crash.
 */
#ifndef LAMINA_BUG_H
#define LAMINA_BUG_H

#include "config.h"
#include "types.h"

__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define BUG_ON(cond)                                                        \
    do {                                                                    \
        if (unlikely(cond))                                                 \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);           \
    } while (0)

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#if CONFIG_DEBUG
#define ASSERT(p) BUG_ON(!(p))
#else
#define ASSERT(p) do { if (0 && (p)) {} } while (0)
#endif

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif

/* Build configuration: Kconfig's header on the target, fixed values on the host. */
#ifndef LAMINA_CONFIG_H
#define LAMINA_CONFIG_H

#if defined(LAMINA_HOST_TEST)
#define CONFIG_NR_CPUS 8
#define CONFIG_MAX_DOMAINS 64
#define CONFIG_MAX_VCPUS_PER_DOMAIN 8
#define CONFIG_SCHED_SLICE_MS 10
#define CONFIG_LOG_LEVEL 4
#define CONFIG_DEBUG 1
#define CONFIG_GUEST_LOG_RATELIMIT 20
#else
#include <generated/autoconf.h>
#endif

#endif

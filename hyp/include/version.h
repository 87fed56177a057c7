/* The Xen version Lamina presents to guests (the 4.17 ABI it implements). */
#ifndef LAMINA_VERSION_H
#define LAMINA_VERSION_H

#include <stdint.h>

#define LAMINA_VERSION "0.1"
#define LAMINA_XEN_MAJOR 4
#define LAMINA_XEN_MINOR 17
#define LAMINA_XEN_EXTRAVERSION ".0-lamina"
#define LAMINA_CHANGESET "lamina " LAMINA_VERSION
#ifdef __VERSION__
#define LAMINA_COMPILER "gcc " __VERSION__
#else
#define LAMINA_COMPILER "unknown"
#endif

struct domain;
uint32_t xen_features_submap0(const struct domain *d);
const char *hypervisor_cmdline(void);

#endif

/* The hypervisor's <string.h> (hyp/lib/string.c), for libfdt and friends. */
#ifndef LAMINA_LIBC_STRING_H
#define LAMINA_LIBC_STRING_H
#include "lib.h"
#endif

/* The hypervisor's <stdlib.h>: only what libfdt's headers expect. */
#ifndef LAMINA_LIBC_STDLIB_H
#define LAMINA_LIBC_STDLIB_H
#include "lib.h"
#endif

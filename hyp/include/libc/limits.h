/* <limits.h> for the freestanding image: GCC's own, without a system one behind it. */
#ifndef LAMINA_LIBC_LIMITS_H
#define LAMINA_LIBC_LIMITS_H
#define _LIBC_LIMITS_H_
#include_next <limits.h>
#endif

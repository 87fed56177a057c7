/* <unistd.h> for zlib's headers in the freestanding image: SEEK_* only. */
#ifndef LAMINA_LIBC_UNISTD_H
#define LAMINA_LIBC_UNISTD_H
#include <sys/types.h>
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

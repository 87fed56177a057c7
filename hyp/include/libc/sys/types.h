/* <sys/types.h> for zlib's headers in the freestanding image: only off_t. */
#ifndef LAMINA_LIBC_SYS_TYPES_H
#define LAMINA_LIBC_SYS_TYPES_H
typedef long off_t;
typedef long ssize_t;
#endif

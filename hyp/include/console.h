#ifndef LAMINA_CONSOLE_H
#define LAMINA_CONSOLE_H
#include "domain.h"
void console_guest_write(struct domain *d, const char *buf, size_t len);
void console_guest_flush(struct domain *d);
/* A byte from the serial line (Ctrl-A x3 switches between dom0 and the debug keys). */
void console_input(char c);
/*
 * Up to max bytes of the console ring (XEN_SYSCTL_readconsole): from *index
 * if incremental, else from the last clear; *index is where it stopped.
 */
size_t console_ring_read(char *buf, size_t max, uint32_t *index, bool incremental, bool clear);
/* dom0's pending input, for CONSOLEIO_read. */
size_t console_read_input(char *buf, size_t len);
#endif

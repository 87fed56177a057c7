#ifndef LAMINA_CONSOLE_H
#define LAMINA_CONSOLE_H
#include "domain.h"
void console_guest_write(struct domain *d, const char *buf, size_t len);
void console_guest_flush(struct domain *d);
#endif

#ifndef LAMINA_ARM64_PL011_H
#define LAMINA_ARM64_PL011_H
#include "types.h"
void pl011_init(paddr_t base);
void pl011_putc(char c);
int pl011_getc(void);
void pl011_enable_rx_irq(void);
void pl011_rx_irq(void (*deliver)(char c));
#endif

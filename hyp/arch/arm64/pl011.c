/* The hypervisor's console: an Arm PL011 UART, polled. */
#include "pl011.h"
#include "types.h"

#define UARTDR   0x00
#define UARTFR   0x18
#define UARTFR_TXFF (1U << 5)
#define UARTFR_RXFE (1U << 4)

static volatile uint8_t *uart_base;

void pl011_init(paddr_t base)
{
    uart_base = (volatile uint8_t *)(uintptr_t)base;
}

static inline uint32_t rd(unsigned int off)
{
    return *(volatile uint32_t *)(uart_base + off);
}

static inline void wr(unsigned int off, uint32_t v)
{
    *(volatile uint32_t *)(uart_base + off) = v;
}

void pl011_putc(char c)
{
    if (!uart_base)
        return;
    while (rd(UARTFR) & UARTFR_TXFF)
        ;
    wr(UARTDR, (uint8_t)c);
}

int pl011_getc(void)
{
    if (!uart_base || (rd(UARTFR) & UARTFR_RXFE))
        return -1;
    return (int)(rd(UARTDR) & 0xff);
}

void arch_console_putc(char c)
{
    pl011_putc(c);
}

/* The hypervisor's console: an Arm PL011 UART, polled. */
#include "pl011.h"
#include "types.h"

#define UARTDR   0x00
#define UARTFR   0x18
#define UARTIMSC 0x38
#define UARTICR  0x44
#define UART_RXIM (1U << 4)
#define UART_RTIM (1U << 6)
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

/* Receive and receive-timeout interrupts on, so input arrives as an interrupt. */
void pl011_enable_rx_irq(void)
{
    if (!uart_base)
        return;
    wr(UARTICR, UART_RXIM | UART_RTIM);
    wr(UARTIMSC, rd(UARTIMSC) | UART_RXIM | UART_RTIM);
}

/* Drain the receive FIFO into the console. */
void pl011_rx_irq(void (*deliver)(char c))
{
    int c;
    while ((c = pl011_getc()) >= 0)
        deliver((char)c);
    wr(UARTICR, UART_RXIM | UART_RTIM);
}

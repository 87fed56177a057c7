/*
 * ticker: a guest that never ends, for console checks of dom0-less domains.
 * Prints "ticker: tick N" about every 200 ms, and between ticks polls
 * CONSOLEIO_read: what dom0 typed into its console ring comes back as
 * "ticker: echo <text>" (non-printable bytes as '.'). It runs until someone
 * destroys it; the bootarg is printed once so two tickers can be told apart.
 */
#include "guest.h"

const char guest_name[] = "ticker";

#define TICK_MS 200
#define POLL_MS 20

static void echo_input(void)
{
    char buf[64];
    long n = console_io(CONSOLEIO_read, sizeof(buf) - 1, buf);

    if (n <= 0)
        return;
    for (long i = 0; i < n; i++)
        if (buf[i] < ' ' || buf[i] > '~')
            buf[i] = '.';
    buf[n] = '\0';
    say("echo %s", buf);
}

void guest_main(void)
{
    uint64_t ms = read_cntfrq() / 1000;
    unsigned long tick = 0;
    long rc;

    /* Tells whether this domain has a console ring to read from (else -EPERM). */
    rc = console_io(CONSOLEIO_read, 0, NULL);
    say("started, console read %ld", rc);
    for (;;) {
        for (unsigned int i = 0; i < TICK_MS / POLL_MS; i++) {
            yield_ticks(POLL_MS * ms);
            echo_input();
        }
        say("tick %lu", ++tick);
    }
}

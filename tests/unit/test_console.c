/* The console: guest lines tagged and cleaned, and the guest log rate limit. */
#define _GNU_SOURCE
#include <string.h>

#include "check.h"
#include "console.h"
#include "domain.h"
#include "printk.h"
#include "timer.h"

static char out[8192];
static size_t out_len;
static uint64_t fake_now;

void arch_console_putc(char c) { if (out_len < sizeof(out) - 1) out[out_len++] = c; }
void arch_cpu_relax(void) {}
__noreturn void arch_halt(void) { abort(); }
uint64_t now_ticks(void) { return fake_now; }
uint64_t ticks_per_sec(void) { return 1000; }

static void reset_out(void);

static struct domain dom0 = { .domid = 0 };
static bool have_dom0 = true;
static unsigned int virqs;
static char keys[16];
static unsigned int nr_keys;
struct domain *domain_lookup(domid_t id) { return id == 0 && have_dom0 ? &dom0 : NULL; }
void send_global_virq(struct domain *d, unsigned int virq) { (void)d; if (virq == 2) virqs++; }
void console_debug_key(char key) { if (nr_keys < sizeof(keys)) keys[nr_keys++] = key; }

static void test_input_goes_to_dom0(void)
{
    char buf[16];
    virqs = 0;
    console_input('l');
    console_input('s');
    CHECK_EQ(virqs, 2);
    CHECK_EQ(console_read_input(buf, sizeof(buf)), 2);
    CHECK(memcmp(buf, "ls", 2) == 0);
    CHECK_EQ(console_read_input(buf, sizeof(buf)), 0);
}

static void test_ctrl_a_three_times_switches(void)
{
    char buf[16];
    reset_out();
    nr_keys = 0;
    console_input(1); console_input(1); console_input(1);
    CHECK(strstr(out, "Serial input to Lamina") != NULL);
    console_input('q');
    CHECK_EQ(nr_keys, 1);
    CHECK_EQ(keys[0], 'q');
    CHECK_EQ(console_read_input(buf, sizeof(buf)), 0);      /* not dom0's */
    console_input(1); console_input(1); console_input(1);
    CHECK(strstr(out, "Serial input to DOM0") != NULL);
    /* Two Ctrl-As and a letter reach dom0 as they were typed. */
    console_input(1); console_input(1); console_input('x');
    CHECK_EQ(console_read_input(buf, sizeof(buf)), 3);
    CHECK(buf[0] == 1 && buf[1] == 1 && buf[2] == 'x');
}

static void test_input_overflow_and_no_dom0(void)
{
    char buf[64];
    for (int i = 0; i < 5000; i++)
        console_input('a');
    size_t total = 0, n;
    while ((n = console_read_input(buf, sizeof(buf))) > 0)
        total += n;
    CHECK_EQ(total, 4096);                      /* the ring's size: the rest was dropped */
    have_dom0 = false;
    console_input('z');
    CHECK_EQ(console_read_input(buf, sizeof(buf)), 0);
    have_dom0 = true;
}

static void reset_out(void)
{
    memset(out, 0, sizeof(out));
    out_len = 0;
}

static void test_guest_lines_tagged(void)
{
    struct domain d = { .domid = 7 };
    reset_out();
    console_guest_write(&d, "hel", 3);
    CHECK_EQ(out_len, 0);                       /* nothing until the line ends */
    console_guest_write(&d, "lo\nworld\r\n", 10);
    CHECK(strcmp(out, "(d7) hello\r\n(d7) world\r\n") == 0);
}

static void test_dom0_output_raw_and_immediate(void)
{
    struct domain d0 = { .domid = 0, .is_privileged = true };
    reset_out();
    console_guest_write(&d0, "prompt# \x1b[6n", 12);
    CHECK(strcmp(out, "prompt# \x1b[6n") == 0);       /* no prefix, no wait for a newline */
    console_guest_write(&d0, "x\r\n", 3);
    CHECK(strcmp(out, "prompt# \x1b[6nx\r\n") == 0);      /* its CR LF, not CR CR LF */
}

static void test_guest_control_chars_replaced(void)
{
    struct domain d = { .domid = 1 };
    reset_out();
    console_guest_write(&d, "a\x1b[2Jb\x7f\tc\n", 10);
    CHECK(strcmp(out, "(d1) a?[2Jb?\tc\r\n") == 0);
}

static void test_guest_long_line_split_and_flush(void)
{
    struct domain d = { .domid = 2 };
    char buf[200];
    memset(buf, 'x', sizeof(buf));
    reset_out();
    console_guest_write(&d, buf, sizeof(buf));
    CHECK_EQ(out_len, 5 + 128 + 2);             /* one full line out, 72 bytes held */
    console_guest_flush(&d);
    CHECK_EQ(out_len, 2 * (5 + 2) + 200);
}

static void test_guest_log_rate_limit(void)
{
    struct domain d = { .domid = 3 };
    struct vcpu v = { .id = 1, .domain = &d };
    fake_now = 5000;
    reset_out();
    unsigned int shown = 0;
    for (int i = 0; i < CONFIG_GUEST_LOG_RATELIMIT + 30; i++)
        shown += guest_log_allowed(&d);
    CHECK_EQ(shown, CONFIG_GUEST_LOG_RATELIMIT);
    fake_now += 1000;                           /* the next second */
    gprintk(LOG_ERR, &v, "bad thing %d\n", 1);
    CHECK(strstr(out, "d3: 30 messages suppressed") != NULL);
    CHECK(strstr(out, "(LAMINA) d3v1: bad thing 1") != NULL);
}

static void test_console_ring(void)
{
    char buf[64];
    uint32_t idx;
    console_ring_read(buf, 0, &idx, false, true);      /* forget what earlier tests printed */
    printk_raw("ring-one\n");
    size_t n = console_ring_read(buf, sizeof(buf), &idx, false, true);   /* read and clear */
    CHECK(n > 0 && memmem(buf, n, "ring-one", 8) != NULL);
    CHECK_EQ(console_ring_read(buf, sizeof(buf), &idx, false, false), 0); /* cleared */
    uint32_t mark = idx;
    printk_raw("ring-two\n");
    n = console_ring_read(buf, 4, &idx, true, false);                     /* 4 bytes from mark */
    CHECK_EQ(n, 4);
    CHECK_EQ(idx, mark + 4);
    n = console_ring_read(buf, sizeof(buf), &idx, true, false);
    CHECK(n > 0 && memmem(buf, n, "two", 3) != NULL);
    /* After more than the ring holds, reads start at the oldest byte kept. */
    for (int i = 0; i < 2000; i++)
        printk_raw("filler line %04d\n", i);
    idx = mark;
    n = console_ring_read(buf, sizeof(buf), &idx, true, false);
    CHECK(n == sizeof(buf) && memmem(buf, n, "ring-two", 8) == NULL);
}

int main(void)
{
    CHECK_MAIN_BEGIN("console");
    RUN(test_guest_lines_tagged);
    RUN(test_guest_control_chars_replaced);
    RUN(test_dom0_output_raw_and_immediate);
    RUN(test_guest_long_line_split_and_flush);
    RUN(test_guest_log_rate_limit);
    RUN(test_input_goes_to_dom0);
    RUN(test_ctrl_a_three_times_switches);
    RUN(test_input_overflow_and_no_dom0);
    RUN(test_console_ring);
    CHECK_MAIN_END();
}

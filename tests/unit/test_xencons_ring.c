/*
 * The console ring copy of dom0-less domains (hyp/common/xencons_ring.c):
 * output into out[], input from in[], with indexes that a guest or dom0 may
 * have scribbled on. Nothing may be written outside the page, and nothing
 * may wait.
 */
#include <string.h>

#include "check.h"
#include "xencons_ring.h"

/* The ring with guard bytes on both sides, to catch a write outside it. */
static struct {
    unsigned char before[64];
    struct xencons_interface r;
    unsigned char after[64];
} page;

static void reset(void)
{
    memset(&page, 0xA5, sizeof(page));
    memset(&page.r, 0, sizeof(page.r));
}

static int guards_intact(void)
{
    for (size_t i = 0; i < sizeof(page.before); i++)
        if (page.before[i] != 0xA5 || page.after[i] != 0xA5)
            return 0;
    return 1;
}

static void test_out_appends_and_advances(void)
{
    reset();
    CHECK_EQ(xencons_out_put(&page.r, "hello\n", 6), 6);
    CHECK_EQ(page.r.out_prod, 6);
    CHECK_EQ(page.r.out_cons, 0);
    CHECK(memcmp(page.r.out, "hello\n", 6) == 0);
    CHECK_EQ(xencons_out_put(&page.r, "ab", 2), 2);
    CHECK_EQ(page.r.out_prod, 8);
    CHECK(memcmp(page.r.out + 6, "ab", 2) == 0);
    CHECK(guards_intact());
}

static void test_out_drops_what_does_not_fit(void)
{
    static char big[3000];
    reset();
    memset(big, 'x', sizeof(big));
    CHECK_EQ(xencons_out_put(&page.r, big, sizeof(big)), 2048);
    CHECK_EQ(page.r.out_prod, 2048);
    CHECK_EQ(xencons_out_put(&page.r, "y", 1), 0);            /* full: dropped, no wait */
    page.r.out_cons = 100;                                     /* the reader took 100 */
    CHECK_EQ(xencons_out_put(&page.r, big, sizeof(big)), 100);
    CHECK_EQ(page.r.out_prod, 2148);
    CHECK(guards_intact());
}

static void test_out_wraps_at_the_end(void)
{
    reset();
    page.r.out_cons = page.r.out_prod = 2046;
    CHECK_EQ(xencons_out_put(&page.r, "abcd", 4), 4);
    CHECK(page.r.out[2046] == 'a' && page.r.out[2047] == 'b');
    CHECK(page.r.out[0] == 'c' && page.r.out[1] == 'd');
    CHECK_EQ(page.r.out_prod, 2050);
    CHECK(guards_intact());
}

static void test_out_index_wraps_at_2_to_32(void)
{
    reset();
    page.r.out_cons = page.r.out_prod = 0xFFFFFFFEu;
    CHECK_EQ(xencons_out_put(&page.r, "wxyz", 4), 4);
    CHECK_EQ(page.r.out_prod, 2);
    CHECK(page.r.out[2046] == 'w' && page.r.out[1] == 'z');
    CHECK(guards_intact());
}

static void test_out_hostile_indexes_stay_inside(void)
{
    /* Huge and crossed indexes: either nothing is written, or within out[]. */
    static const uint32_t vals[] = { 0, 1, 2047, 2048, 2049, 4096, 0x7FFFFFFF, 0x80000000u,
                                     0xFFFFF800u, 0xFFFFFFFFu, 12345678 };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        for (size_t j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
            reset();
            page.r.out_prod = vals[i];
            page.r.out_cons = vals[j];
            uint32_t used = vals[i] - vals[j];
            size_t n = xencons_out_put(&page.r, "0123456789", 10);
            if (used > 2048) {
                CHECK_EQ(n, 0);                                /* treated as full */
                CHECK_EQ(page.r.out_prod, vals[i]);            /* left for the reader to resync */
            } else {
                CHECK_EQ(n, used + 10 <= 2048 ? 10 : 2048 - used);
                CHECK_EQ(page.r.out_prod, (uint32_t)(vals[i] + n));
            }
            CHECK_EQ(page.r.out_cons, vals[j]);                /* never ours to move */
            CHECK(guards_intact());
        }
    }
}

static void test_in_reads_and_consumes(void)
{
    char buf[16];
    reset();
    memcpy(page.r.in, "ls\n", 3);
    page.r.in_prod = 3;
    CHECK_EQ(xencons_in_get(&page.r, buf, 2), 2);
    CHECK(memcmp(buf, "ls", 2) == 0);
    CHECK_EQ(page.r.in_cons, 2);
    CHECK_EQ(xencons_in_get(&page.r, buf, sizeof(buf)), 1);
    CHECK_EQ(buf[0], '\n');
    CHECK_EQ(xencons_in_get(&page.r, buf, sizeof(buf)), 0);   /* empty: no wait */
    CHECK_EQ(page.r.in_cons, 3);
}

static void test_in_wraps(void)
{
    char buf[8];
    reset();
    page.r.in_cons = 1022;
    page.r.in_prod = 1026;
    page.r.in[1022] = 'a'; page.r.in[1023] = 'b'; page.r.in[0] = 'c'; page.r.in[1] = 'd';
    CHECK_EQ(xencons_in_get(&page.r, buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK_EQ(page.r.in_cons, 1026);
}

static void test_in_impossible_indexes_resync(void)
{
    static const uint32_t vals[] = { 0, 1023, 1024, 1025, 0x80000000u, 0xFFFFFFFFu, 99999 };
    char buf[2048];
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        for (size_t j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
            reset();
            page.r.in_prod = vals[i];
            page.r.in_cons = vals[j];
            uint32_t avail = vals[i] - vals[j];
            size_t n = xencons_in_get(&page.r, buf, sizeof(buf));
            if (avail > 1024) {
                CHECK_EQ(n, 0);
                CHECK_EQ(page.r.in_cons, vals[i]);             /* resynchronised */
            } else {
                CHECK_EQ(n, avail);
                CHECK_EQ(page.r.in_cons, vals[i]);
            }
            CHECK_EQ(page.r.in_prod, vals[i]);
            CHECK(guards_intact());
        }
    }
}

int main(void)
{
    CHECK_MAIN_BEGIN("xencons_ring");
    RUN(test_out_appends_and_advances);
    RUN(test_out_drops_what_does_not_fit);
    RUN(test_out_wraps_at_the_end);
    RUN(test_out_index_wraps_at_2_to_32);
    RUN(test_out_hostile_indexes_stay_inside);
    RUN(test_in_reads_and_consumes);
    RUN(test_in_wraps);
    RUN(test_in_impossible_indexes_resync);
    CHECK_MAIN_END();
}

/*
 * hyp_snprintf against the host's snprintf: every case is run at several
 * buffer sizes (truncation, size 1, size 0) and must give the same return
 * value and the same bytes, with nothing written past the size.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "printk.h"
#include "types.h"

#define BUF 512

static const size_t sizes[] = { BUF, 0, 1, 2, 3, 7, 16 };
static unsigned int cases_run;

static int shown(const char *s, size_t size)
{
    size_t n = 0;

    while (n < size && s[n])
        n++;
    return (int)n;
}

/* Both results at one size; prints the first difference in detail. */
static void compare(int line, const char *fmt, size_t size, int hn, const char *h,
                    int ln, const char *l)
{
    cases_run++;
    if (hn == ln && memcmp(h, l, BUF) == 0)
        return;
    if (check_failures_in_case == 0)
        printf("  line %d: fmt \"%s\" size %zu: hyp %d \"%.*s\", libc %d \"%.*s\"\n",
               line, fmt, size, hn, shown(h, size), h, ln, shown(l, size), l);
    check_failures_in_case++;
}

/* Run one format at every size in sizes[] through both implementations. */
#define CMP(fmt, ...)                                                        \
    do {                                                                     \
        for (size_t i_ = 0; i_ < ARRAY_SIZE(sizes); i_++) {                  \
            char h_[BUF], l_[BUF];                                           \
            memset(h_, 'Z', BUF);                                            \
            memset(l_, 'Z', BUF);                                            \
            int hn_ = hyp_snprintf(h_, sizes[i_], fmt, ##__VA_ARGS__);         \
            int ln_ = snprintf(l_, sizes[i_], fmt, ##__VA_ARGS__);           \
            compare(__LINE__, fmt, sizes[i_], hn_, h_, ln_, l_);             \
        }                                                                    \
    } while (0)

static void test_integers(void)
{
    CMP("%d", 0);
    CMP("%d", 42);
    CMP("%d", -42);
    CMP("%i", INT_MAX);
    CMP("%d", INT_MIN);
    CMP("%u", UINT_MAX);
    CMP("%x", 0xdeadbeefu);
    CMP("%X", 0xdeadbeefu);
    CMP("%o", 0777u);
    CMP("%#o|%#o|%#.0o|%#.3o|%#5o", 0u, 8u, 0u, 8u, 8u);
    CMP("%#x|%#x|%#X", 0u, 255u, 255u);
    CMP("%.0d|%.0x|%+.0d|% .0d|%5.0d|", 0, 0u, 0, 0, 0);
    CMP("%d", 1234567890);
    CMP("%u|%x|%o", 0u, 0u, 0u);
    CMP("%o", 8u);
    CMP("%x|%X|%o", 0x7fffffffu, 0x80000000u, 0x80000000u);
    CMP("%lu", 0UL);
}

/*
 * Flag combinations C defines as ignored ('0' with a precision or with '-',
 * '+' and ' ' on unsigned conversions, ' ' with '+') draw -Wformat warnings;
 * they are tested on purpose here and in test_own_behaviour.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"

static void test_flags_width_precision(void)
{
    CMP("[%5d][%-5d][%05d][%+d][% d][%+d]", 42, 42, -42, 42, 42, -42);
    CMP("[% 05d][%+05d][%-+8d][%- 8d]", 7, 7, 5, 5);
    CMP("[%.3d][%8.3d][%-8.3x][%08.3d][%08.3x]", 7, -7, 0xau, 7, 0x1fu);
    CMP("[%*d][%-*d][%*d]", 6, 42, 6, 42, -6, 42);
    CMP("[%.*d][%.*d][%*.*d]", 4, 42, -1, 42, 8, 5, -42);
    CMP("[%#20llx][%#-20llx][%020llx][%#020llx]", 0x1234ULL, 0x1234ULL, 0x1234ULL, 0x1234ULL);
    CMP("[%+u][% u][%+x]", 7u, 7u, 7u);
    CMP("[%#.5x][%#8.5X][%-#10o]", 0xabu, 0xabu, 9u);
    CMP("[%.20llu][%30d]", 123ULL, -5);
    CMP("[%-0 +8d][%0-8x]", 3, 0xbu);
    CMP("[%5s][%5d][%5x]", "abcdefgh", 1234567, 0x1234567u);   /* wider than width */
    CMP("[%-1d][%1d][%.1s]", 12, -12, "xyz");
}

#pragma GCC diagnostic pop

static void test_length_modifiers(void)
{
    CMP("%lld", (long long)INT64_MIN);
    CMP("%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
    CMP("%llu", (unsigned long long)UINT64_MAX);
    CMP("%llx|%llX", (unsigned long long)UINT64_MAX, 0xABCDEF0123456789ULL);
    CMP("%llo", (unsigned long long)UINT64_MAX);
    CMP("%ld|%lu|%lx", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
    CMP("%hhd|%hhu|%hhx|%hhd", 300, -1, 0x1ff, -129);
    CMP("%hd|%hu|%hx|%hd", 70000, -1, -1, -32769);
    CMP("%zu|%zx|%zd", (size_t)SIZE_MAX, (size_t)0x1000, (ptrdiff_t)-5);
    CMP("%td|%tu|%tx", (ptrdiff_t)-12345, (ptrdiff_t)12345, (ptrdiff_t)-1);
    CMP("%jd|%ju|%jx", INTMAX_MIN, UINTMAX_MAX, UINTMAX_MAX);
    CMP("%jd|%+jd", INTMAX_MAX, (intmax_t)0);
    CMP("%lli|%li|%hi|%hhi", -1LL, -2L, -3, -4);
}

static void test_chars_strings(void)
{
    static const char *const volatile no_string = NULL;
    static const char long_text[] =
        "The quick brown fox jumps over the lazy dog, and then over it again, "
        "and once more for luck: 0123456789abcdefghijklmnopqrstuvwxyz";

    CMP("%c|%5c|%-5c|", 'A', 'B', 'C');
    CMP("%c%c%c", 'x', '\x7f', 'y');
    CMP("%s", "hello");
    CMP("%s|%s", "", "-");
    CMP("[%10s][%-10s]", "hi", "hi");
    CMP("[%.3s][%.*s][%10.2s][%-10.0s]", "abcdef", 2, "abcdef", "abcdef", "abcdef");
    CMP("[%.10s]", "abc");
    CMP("[%.5s][%-7.5s][%7.5s]", "ab", "abcdefgh", "abcdefgh");
    CMP("%s", long_text);
    CMP("[%s][%10s][%-8s]", no_string, no_string, no_string);
    CMP("[%.3s][%.6s]", no_string, no_string);
    CMP("%%");
    CMP("100%% %d%%", 5);
    CMP("a%db%sc%xd%ce", 1, "s", 0xfu, 'z');
    CMP("%5.1d|%-3u|%03x|%s|%c", 9, 2u, 0xau, "end", '!');
}

static void test_pointers(void)
{
    void *p = (void *)(uintptr_t)0x1234;
    void *q = (void *)(uintptr_t)0xffff800012345678ULL;

    CMP("%p", p);
    CMP("%p|%p", q, (void *)&cases_run);
    CMP("[%20p][%-20p]", p, q);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"

static void test_own_behaviour(void)
{
    char buf[32];
    char small[4] = { 'x', 'x', 'x', 'x' };

    /* Cases without a libc twin (or where C leaves the result open). */
    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), "%p", NULL), 3);
    CHECK(strcmp(buf, "0x0") == 0);
    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), "[%5p]", NULL), 7);
    CHECK(strcmp(buf, "[  0x0]") == 0);
    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), "a%yb"), 4);      /* unknown: kept */
    CHECK(strcmp(buf, "a%yb") == 0);
    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), "a%"), 2);        /* trailing '%' */
    CHECK(strcmp(buf, "a%") == 0);
    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), "%y%d", 5), 3);
    CHECK(strcmp(buf, "%y5") == 0);

    /* size 0: nothing written, NULL allowed; size 1: only the NUL. */
    CHECK_EQ(hyp_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
    CHECK_EQ(hyp_snprintf(small, 0, "%s", "abc"), 3);
    CHECK_EQ(small[0], 'x');
    CHECK_EQ(hyp_snprintf(small, 1, "%s", "abc"), 3);
    CHECK_EQ(small[0], '\0');
    CHECK_EQ(small[1], 'x');
    CHECK_EQ(hyp_snprintf(small, 4, "%s", "abcdef"), 6);
    CHECK(strcmp(small, "abc") == 0);
}

#pragma GCC diagnostic pop

/* A va_list handed on twice: hyp_vsnprintf must not consume the caller's. */
static int twice(char *a, char *b, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r1, r2;

    va_start(ap, fmt);
    r1 = hyp_vsnprintf(a, n, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    r2 = vsnprintf(b, n, fmt, ap);
    va_end(ap);
    return r1 == r2 ? r1 : -1000;
}

static void test_vsnprintf_entry(void)
{
    char a[64], b[64];

    CHECK_EQ(twice(a, b, sizeof(a), "%s=%llx %d", "key", 0xfeedULL, -1), 11);
    CHECK(strcmp(a, b) == 0);
    CHECK(strcmp(a, "key=feed -1") == 0);
}

static void test_case_count(void)
{
    /* Each CMP line (one case) runs ARRAY_SIZE(sizes) comparisons. */
    CHECK_EQ(cases_run % ARRAY_SIZE(sizes), 0);
    CHECK(cases_run / ARRAY_SIZE(sizes) >= 60);
    printf("  %u cases, %u comparisons\n", cases_run / (unsigned int)ARRAY_SIZE(sizes), cases_run);
}

int main(void)
{
    CHECK_MAIN_BEGIN("vsnprintf");
    RUN(test_integers);
    RUN(test_flags_width_precision);
    RUN(test_length_modifiers);
    RUN(test_chars_strings);
    RUN(test_pointers);
    RUN(test_own_behaviour);
    RUN(test_vsnprintf_entry);
    RUN(test_case_count);
    CHECK_MAIN_END();
}

/*
 * Minimal unit-test harness. Each test binary defines test functions and a
 * main() that calls RUN(fn) for each. A test case prints "PASS name" or
 * "FAIL name: file:line: condition"; tests/run.sh counts those lines.
 */
#ifndef LAMINA_CHECK_H
#define LAMINA_CHECK_H

#include <stdio.h>
#include <stdlib.h>

extern int check_failures_in_case;
extern int check_cases_failed;
extern const char *check_binary_name;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            if (check_failures_in_case++ == 0)                               \
                printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                    \
    } while (0)

#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        long long _a = (long long)(a), _b = (long long)(b);                  \
        if (_a != _b) {                                                      \
            if (check_failures_in_case++ == 0)                               \
                printf("  %s:%d: %s == %s failed: %lld != %lld\n", __FILE__,  \
                       __LINE__, #a, #b, _a, _b);                            \
        }                                                                    \
    } while (0)

#define RUN(fn)                                                              \
    do {                                                                     \
        check_failures_in_case = 0;                                          \
        fn();                                                                \
        if (check_failures_in_case) {                                        \
            check_cases_failed++;                                            \
            printf("FAIL %s/%s\n", check_binary_name, #fn);                  \
        } else {                                                             \
            printf("PASS %s/%s\n", check_binary_name, #fn);                  \
        }                                                                    \
    } while (0)

#define CHECK_MAIN_BEGIN(name) check_binary_name = (name)
#define CHECK_MAIN_END() return check_cases_failed ? 1 : 0

#endif

/*
 * xl-json-check: is standard input one JSON document? For dom0's checks
 * (image/tests/xl-read), whose busybox has no JSON tool. It reads with
 * xl's own reader (xl_jsoncopy.c), which refuses numbers with fractions
 * or exponents: xl prints none.
 *
 *   xl-json-check < file      prints "valid", or "invalid at byte N"; exit 0/1
 */
#include "xl_jsoncopy.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    size_t len = 0, cap = 1 << 16, at = 0;
    char *buf = malloc(cap);
    if (!buf)
        return 2;
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, stdin);
        len += n;
        if (n == 0)
            break;
        if (len == cap) {
            if (cap >= (64u << 20)) {
                fprintf(stderr, "xl-json-check: input over 64 MiB\n");
                return 2;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                return 2;
            buf = bigger;
            cap *= 2;
        }
    }
    int rc = xl_json_copy(NULL, buf, len, NULL, &at);
    free(buf);
    if (rc == 0) {
        printf("valid\n");
        return 0;
    }
    printf("invalid at byte %zu\n", at);
    return 1;
}

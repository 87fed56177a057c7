/*
 * What xl accepts as a domain's name (pure; declared in xl_print.h). The
 * rules are libxlcfg's for name= (dom0-tools/libxlcfg/xlcfg_domain.c), so
 * that xl rename cannot give a domain a name xl create would refuse.
 */
#include "xl_print.h"

#include <errno.h>
#include <string.h>

/* libxlcfg's XLCFG_MAX_NAME */
#define XL_MAX_NAME 64

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

int xl_check_domain_name(const char *name, char *why, size_t len)
{
    size_t n = strlen(name);

    if (n == 0 || n > XL_MAX_NAME) {
        snprintf(why, len, "a name must be 1 to %d characters long", XL_MAX_NAME);
        return -EINVAL;
    }
    for (const char *p = name; *p; p++) {
        if (!name_char_ok(*p)) {
            unsigned char c = (unsigned char)*p;
            if (c >= 0x21 && c < 0x7f)
                snprintf(why, len, "it has the character '%c': use letters, digits, '.', '_' and '-'", c);
            else
                snprintf(why, len, "it has the byte 0x%02x: use letters, digits, '.', '_' and '-'", c);
            return -EINVAL;
        }
    }
    if (name[0] == '-') {
        snprintf(why, len, "a name must not start with '-'");
        return -EINVAL;
    }
    if (strspn(name, "0123456789") == n) {
        snprintf(why, len, "it is all digits, which xl reads as a domain id");
        return -EINVAL;
    }
    return 0;
}

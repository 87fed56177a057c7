/* The hypervisor command line: whitespace-separated name=value options. */
#include "cmdline.h"
#include "printk.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

uint64_t cmdline_parse_size(const char *s, const char **end)
{
    uint64_t v = 0;
    const char *p = s;

    if (!is_digit(*p))
        return 0;
    for (; is_digit(*p); p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    unsigned int shift = 0;
    switch (*p) {
    case 'G': case 'g': shift = 30; p++; break;
    case 'M': case 'm': shift = 20; p++; break;
    case 'K': case 'k': shift = 10; p++; break;
    default: break;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return 0;
    if (end)
        *end = p;
    return v << shift;
}

/* Does the token [tok, tok_end) start with "name="? Returns the value or NULL. */
static const char *option_value(const char *tok, const char *tok_end, const char *name)
{
    const char *p = tok;
    for (; *name; name++, p++)
        if (p == tok_end || *p != *name)
            return NULL;
    return (p < tok_end && *p == '=') ? p + 1 : NULL;
}

static bool parse_one(const char *tok, const char *end, struct hyp_options *opt)
{
    const char *v, *stop;

    if ((v = option_value(tok, end, "dom0_mem"))) {
        uint64_t size = cmdline_parse_size(v, &stop);
        if (!size || stop != end)
            return false;
        opt->dom0_mem = size;
        return true;
    }
    if ((v = option_value(tok, end, "dom0_max_vcpus"))) {
        uint64_t n = cmdline_parse_size(v, &stop);
        if (!n || n > 128 || stop != end)
            return false;
        opt->dom0_max_vcpus = (unsigned int)n;
        return true;
    }
    /* Accepted for compatibility with Xen command lines; no effect here. */
    static const char *const ignored[] = { "console", "dtuart", "loglvl", "guest_loglvl",
                                           "sync_console", "noreboot" };
    for (unsigned int i = 0; i < ARRAY_SIZE(ignored); i++) {
        size_t n = __builtin_strlen(ignored[i]);
        if ((size_t)(end - tok) >= n && __builtin_memcmp(tok, ignored[i], n) == 0 &&
            (tok + n == end || tok[n] == '='))
            return true;
    }
    return false;
}

int cmdline_parse(const char *cmdline, struct hyp_options *opt)
{
    int unknown = 0;
    const char *p = cmdline ? cmdline : "";

    opt->dom0_mem = 0;
    opt->dom0_max_vcpus = 0;
    while (*p) {
        while (is_space(*p))
            p++;
        const char *tok = p;
        while (*p && !is_space(*p))
            p++;
        if (p == tok)
            break;
        if (!parse_one(tok, p, opt)) {
            log_warn("command line: ignoring '%.*s'\n", (int)(p - tok), tok);
            unknown++;
        }
    }
    return unknown;
}

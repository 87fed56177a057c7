/* xenconsoled: control protocol parsing (proto.h). */
#include "proto.h"

#include <errno.h>
#include <string.h>

#include <xen/xen.h>

static int parse_domid(const char *s, size_t len, uint32_t *domid)
{
    uint32_t v = 0;

    if (!len || len > 5 || (s[0] == '0' && len > 1))
        return -ERANGE;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -ERANGE;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    if (v == 0 || v >= DOMID_FIRST_RESERVED)
        return -ERANGE;
    *domid = v;
    return 0;
}

int xc_proto_parse(const char *line, size_t len, struct xc_cmd *cmd, const char **why)
{
    static const struct { const char *word; enum xc_cmd_type type; int has_domid; } cmds[] = {
        { "attach", XC_CMD_ATTACH, 1 }, { "tty", XC_CMD_TTY, 1 }, { "list", XC_CMD_LIST, 0 },
    };

    *why = "unknown command";
    if (len && line[len - 1] == '\r')
        len--;
    if (memchr(line, '\0', len))
        return -EINVAL;
    const char *sp = memchr(line, ' ', len);
    size_t wlen = sp ? (size_t)(sp - line) : len;
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strlen(cmds[i].word) != wlen || memcmp(line, cmds[i].word, wlen))
            continue;
        cmd->type = cmds[i].type;
        cmd->domid = 0;
        if (!cmds[i].has_domid) {
            *why = "unexpected argument";
            return sp ? -EINVAL : 0;
        }
        *why = "bad domid";
        if (!sp)
            return -ERANGE;
        return parse_domid(sp + 1, len - wlen - 1, &cmd->domid);
    }
    return -EINVAL;
}

int xc_line_take(struct xc_linebuf *lb, char *line, size_t room)
{
    char *nl = memchr(lb->buf, '\n', lb->len);

    if (!nl)
        return lb->len >= sizeof(lb->buf) ? -E2BIG : -EAGAIN;
    size_t n = (size_t)(nl - lb->buf);
    if (n + 1 > room)
        return -E2BIG;
    memcpy(line, lb->buf, n);
    line[n] = '\0';
    lb->len -= n + 1;
    memmove(lb->buf, nl + 1, lb->len);
    return (int)n;
}

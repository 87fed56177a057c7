/*
 * xl console [-t pv|serial] [-n 0] <Domain>: as Xen's xl, it runs the
 * console client, xenconsole (dom0-tools/xenconsoled/), in its place; the
 * client replays what the guest printed before (xenconsoled keeps it) and
 * leaves on Ctrl-].
 */
#define _GNU_SOURCE
#include "xl_cmds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_console(struct xl_ctx *x, int argc, char **argv)
{
    int opt;
    optind = 1;
    while ((opt = getopt(argc, argv, "+t:n:")) != -1) {
        switch (opt) {
        case 't':
            if (strcmp(optarg, "pv") != 0 && strcmp(optarg, "serial") != 0)
                return xl_usage_error(x, "console type must be pv or serial, not %s", optarg);
            if (strcmp(optarg, "serial") == 0)
                return xl_error(x, "Lamina guests have no emulated serial console (vuart): use -t pv");
            break;
        case 'n':
            if (strcmp(optarg, "0") != 0)
                return xl_error(x, "only console 0 exists (Lamina gives each domain one PV console)");
            break;
        default:
            return xl_usage_error(x, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return xl_usage_error(x, "one domain, please");
    uint32_t domid;
    if (xl_parse_domain(x, argv[optind], &domid))
        return 1;
    if (domid == 0)
        return xl_error(x, "domain 0's console is the hypervisor's console (this terminal, or hvc0)");
    char id[16];
    snprintf(id, sizeof(id), "%u", domid);
    xl_ctx_close(x);
    execlp("xenconsole", "xenconsole", id, (char *)NULL);
    return xl_error_errno(x, -errno, "cannot run xenconsole (the console client) for domain %u", domid);
}

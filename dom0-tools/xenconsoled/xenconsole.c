/*
 * xenconsole: attach this terminal to a domain's console through
 * xenconsoled (the role of Xen's /usr/lib/xen/bin/xenconsole; `xl console`
 * does the same through console_client.h).
 *
 *   xenconsole [-e CHAR] [-s SOCKET] [-t TTY] DOMID
 *
 *   -e  the escape character: a letter X for Ctrl-X, or "none" (default ^])
 *   -s  the daemon's control socket (default /run/xenconsoled/socket)
 *   -t  the pty slave (default: as the daemon says)
 *
 * Exit status 0 when left with the escape character, at the end of a piped
 * input, or when the console went away (a line on stderr says so); 1 on
 * an error.
 */
#include "console_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: xenconsole [-e CHAR|none] [-s SOCKET] [-t TTY] DOMID\n");
    exit(1);
}

int main(int argc, char **argv)
{
    const char *sock = NULL, *tty = NULL;
    int esc = XCONS_ESCAPE_DEFAULT, c;

    while ((c = getopt(argc, argv, "e:s:t:h")) != -1) {
        switch (c) {
        case 'e':
            if (!strcmp(optarg, "none"))
                esc = -1;
            else if (strlen(optarg) == 1 && ((optarg[0] | 0x20) >= 'a' && (optarg[0] | 0x20) <= 'z'))
                esc = (optarg[0] | 0x20) - 'a' + 1;
            else if (!strcmp(optarg, "]"))
                esc = XCONS_ESCAPE_DEFAULT;
            else
                usage();
            break;
        case 's': sock = optarg; break;
        case 't': tty = optarg; break;
        default: usage();
        }
    }
    if (optind != argc - 1)
        usage();
    char *end;
    unsigned long domid = strtoul(argv[optind], &end, 10);
    if (!*argv[optind] || *end || domid == 0 || domid > 0x7fef)
        usage();

    int rc = xcons_attach_at((uint32_t)domid, tty, sock, esc);
    if (rc == -ENOENT || rc == -EBUSY) {
        fprintf(stderr, "xenconsole: d%lu: %s\n", domid, rc == -ENOENT ? "no such console" :
                "another client is attached");
        return 1;
    }
    if (rc == XCONS_END_GONE)
        fprintf(stderr, "\r\nxenconsole: d%lu's console went away\n", domid);
    if (rc < 0) {
        fprintf(stderr, "xenconsole: d%lu: %s\n", domid, strerror(-rc));
        return 1;
    }
    return 0;
}

/*
 * xtop: live domain monitoring, what xentop does and more (docs/man/xtop.md).
 *
 *   xtop [-d SECONDS] [-n] [-x] [-v] [-r] [-f] [-z] [-s COLUMN] [-b] [-i N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "screens.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: xtop [OPTION]...\n"
            "Shows the domains and what they use, refreshed every few seconds.\n\n"
            "  -h, --help            this help\n"
            "  -V, --version         the version\n"
            "  -d, --delay=SECONDS   between frames (default 3; fractions allowed)\n"
            "  -n, --networks        a line per network interface\n"
            "  -x, --vbds            a line per virtual disk\n"
            "  -v, --vcpus           the vCPUs' times\n"
            "  -r, --repeat-header   the column header before each domain\n"
            "  -f, --full-name       names not cut to 10 characters\n"
            "  -z, --dom0-first      dom0 first whatever the sort\n"
            "  -s, --sort=COLUMN     sort by COLUMN (a header: NAME, CPU(%%), ...)\n"
            "  -b, --batch           frames on stdout, no keys (for scripts)\n"
            "  -i, --iterations=N    stop after N frames\n\n"
            "Keys: D N V B S R Q as xentop (R reverses the sort), arrows and page keys\n"
            "select, P pause/unpause, K destroy, / filter, H help.\n");
}

static bool parse_sort(const char *s, enum xtop_field *f)
{
    for (unsigned int i = 0; i < XF_COUNT; i++) {
        const char *name = xtop_field_name((enum xtop_field)i);
        size_t n = strcspn(name, "(");
        /* "CPU(%)" by its full name, or "cpu%"-less short forms: "name", "mem" */
        if (strcasecmp(s, name) == 0 || (strlen(s) == n && strncasecmp(s, name, n) == 0 && !strchr(s, '('))) {
            *f = (enum xtop_field)i;
            return true;
        }
    }
    return false;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "help", no_argument, NULL, 'h' },          { "version", no_argument, NULL, 'V' },
        { "delay", required_argument, NULL, 'd' },   { "networks", no_argument, NULL, 'n' },
        { "vbds", no_argument, NULL, 'x' },          { "vcpus", no_argument, NULL, 'v' },
        { "repeat-header", no_argument, NULL, 'r' }, { "full-name", no_argument, NULL, 'f' },
        { "dom0-first", no_argument, NULL, 'z' },    { "sort", required_argument, NULL, 's' },
        { "batch", no_argument, NULL, 'b' },         { "iterations", required_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 },
    };
    struct xtop_opts o = { .view = { .sort = XF_NAME }, .delay = 3.0, .iterations = 0 };
    bool batch = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "hVd:nxvrfzs:bi:", lopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("xtop (Lamina) 1.0\n");
            return 0;
        case 'd':
            o.delay = strtod(optarg, &end);
            if (end == optarg || *end || o.delay < 0.1 || o.delay > 3600) {
                fprintf(stderr, "xtop: -d %s: a number of seconds from 0.1 to 3600\n", optarg);
                return 1;
            }
            break;
        case 'n': o.view.show_nets = true; break;
        case 'x': o.view.show_vbds = true; break;
        case 'v': o.view.show_vcpus = true; break;
        case 'r': o.view.repeat_header = true; break;
        case 'f': o.view.full_name = true; break;
        case 'z': o.view.dom0_first = true; break;
        case 'b': batch = true; break;
        case 's':
            if (!parse_sort(optarg, &o.view.sort)) {
                fprintf(stderr, "xtop: -s %s: not a column (NAME, STATE, CPU(sec), CPU(%%), MEM(k), ...)\n", optarg);
                return 1;
            }
            break;
        case 'i':
            o.iterations = strtol(optarg, &end, 10);
            if (end == optarg || *end || o.iterations < 1) {
                fprintf(stderr, "xtop: -i %s: a number of frames, 1 or more\n", optarg);
                return 1;
            }
            break;
        default:
            usage(stderr);
            return 1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xtop: unexpected argument '%s'\n", argv[optind]);
        return 1;
    }

    struct xtop_source src;
    char err[200];
    if (xtop_source_open(&src, err, sizeof(err)) < 0) {
        fprintf(stderr, "xtop: %s\n", err);
        return 1;
    }
    int rc = batch ? xtop_batch(&src, &o) : xtop_ui(&src, &o);
    xtop_source_close(&src);
    return rc;
}

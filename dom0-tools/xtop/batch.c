/*
 * Batch mode (-b): frames on stdout for scripts, as xentop -b prints them:
 * the column header, then a line per domain (and its vCPU, network and disk
 * lines when asked), every `delay` seconds, `iterations` times or until
 * SIGINT/SIGTERM. Unlike xentop's, the first frame's CPU(%) is measured (over
 * one interval before it) instead of being 0.
 */
#include "screens.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

void xtop_sleep(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    nanosleep(&ts, NULL);       /* a signal cuts it short: the caller looks at its flag */
}

static void print_frame(const struct xtop_node *cur, const struct xtop_node *prev, const struct xtop_view *v,
                        struct xtop_row *rows)
{
    unsigned int n = xtop_rows(cur, prev, v, rows);
    struct xtop_widths w;
    xtop_widths(rows, n, v, &w);
    char line[1024];
    xtop_header(line, sizeof(line), &w);
    if (!v->repeat_header || n == 0)
        puts(line);
    for (unsigned int i = 0; i < n; i++) {
        if (v->repeat_header)
            puts(line);
        char row[1024];
        xtop_row_text(row, sizeof(row), &rows[i], cur, &w);
        puts(row);
        unsigned int k = xtop_detail_count(rows[i].dom, v);
        for (unsigned int j = 0; j < k; j++) {
            xtop_detail_text(row, sizeof(row), rows[i].dom, v, j);
            puts(row);
        }
    }
    fflush(stdout);
}

int xtop_batch(struct xtop_source *src, const struct xtop_opts *o)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct xtop_node a = { 0 }, b = { 0 };
    struct xtop_node *cur = &a, *prev = &b;
    bool vcpus = o->view.show_vcpus;
    int rc = xtop_collect(src, vcpus, prev);
    if (rc < 0) {
        fprintf(stderr, "xtop: reading the domains: %s\n", strerror(-rc));
        return 1;
    }
    xtop_sleep(o->delay);       /* the first frame is measured over a whole interval too */
    struct xtop_row *rows = NULL;
    long frames = 0;
    while (!stop) {
        if ((rc = xtop_collect(src, vcpus, cur)) < 0) {
            fprintf(stderr, "xtop: reading the domains: %s\n", strerror(-rc));
            break;
        }
        struct xtop_row *nr = realloc(rows, (cur->nr_dom ? cur->nr_dom : 1) * sizeof(*nr));
        if (!nr)
            break;
        rows = nr;
        print_frame(cur, prev, &o->view, rows);
        if (o->iterations > 0 && ++frames >= o->iterations)
            break;
        struct xtop_node *t = prev;
        prev = cur;
        cur = t;
        xtop_sleep(o->delay);
    }
    free(rows);
    xtop_node_free(&a);
    xtop_node_free(&b);
    return rc < 0 ? 1 : 0;
}

/*
 * xtop's table: the columns (xentop's, in its order and widths), CPU(%)
 * between two frames, filtering and sorting, and each line of text. The
 * ncurses screen and batch mode print the same lines.
 */
#ifndef LAMINA_XTOP_TABLE_H
#define LAMINA_XTOP_TABLE_H

#include "xtop.h"

enum xtop_field {
    XF_NAME, XF_STATE, XF_CPU, XF_CPU_PCT, XF_MEM, XF_MEM_PCT, XF_MAXMEM, XF_MAX_PCT, XF_VCPUS,
    XF_NETS, XF_NET_TX, XF_NET_RX, XF_VBDS, XF_VBD_OO, XF_VBD_RD, XF_VBD_WR, XF_VBD_RSECT, XF_VBD_WSECT,
    XF_COUNT
};

/* What is shown, and how (the keys change it). */
struct xtop_view {
    enum xtop_field sort;
    bool reverse;               /* R: the sort order turned around */
    bool full_name;             /* -f */
    bool dom0_first;            /* -z */
    bool show_vcpus, show_nets, show_vbds, repeat_header;
    char filter[64];            /* /: only names containing this */
};

struct xtop_row {
    const struct xtop_dom *dom;
    double cpu_pct;
};

struct xtop_widths {
    unsigned int w[XF_COUNT];
};

const char *xtop_field_name(enum xtop_field f);

/* CPU time used between the frames over the wall time between them, in % of
 * one CPU (a busy 2-vCPU domain shows 200); 0 without a previous frame. */
double xtop_cpu_pct(const struct xtop_node *cur, const struct xtop_node *prev, const struct xtop_dom *d);

/* The domains to show, filtered and sorted, into rows (room for cur->nr_dom). */
unsigned int xtop_rows(const struct xtop_node *cur, const struct xtop_node *prev, const struct xtop_view *v,
                       struct xtop_row *rows);

/* Column widths for these rows (numbers wider than a column widen it, as xentop). */
void xtop_widths(const struct xtop_row *rows, unsigned int n, const struct xtop_view *v, struct xtop_widths *w);

/* The three summary lines above the table (xentop's). */
void xtop_summary(const struct xtop_node *n, char *line1, char *line2, char *line3, size_t len);

void xtop_header(char *buf, size_t len, const struct xtop_widths *w);
void xtop_row_text(char *buf, size_t len, const struct xtop_row *r, const struct xtop_node *n,
                   const struct xtop_widths *w);

/* The detail lines under a domain (V, N, B): how many there are and the i-th. */
unsigned int xtop_detail_count(const struct xtop_dom *d, const struct xtop_view *v);
void xtop_detail_text(char *buf, size_t len, const struct xtop_dom *d, const struct xtop_view *v, unsigned int i);

#endif

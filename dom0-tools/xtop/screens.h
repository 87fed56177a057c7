/* xtop's two ways of showing frames: the ncurses screen (ui.c) and batch
 * mode (batch.c, -b), with the options main.c parsed. */
#ifndef LAMINA_XTOP_SCREENS_H
#define LAMINA_XTOP_SCREENS_H

#include "collect.h"
#include "table.h"

struct xtop_opts {
    struct xtop_view view;
    double delay;               /* seconds between frames */
    long iterations;            /* frames to show; 0: until quit */
};

/* On the screen, the first frame's CPU(%) is measured over this much, not
 * left at 0 as xentop does (batch mode waits one whole interval). */
#define XTOP_FIRST_SAMPLE_S 0.25

int xtop_ui(struct xtop_source *src, struct xtop_opts *o);
int xtop_batch(struct xtop_source *src, const struct xtop_opts *o);

/* Sleeps for seconds (0 when interrupted by a signal the caller handles). */
void xtop_sleep(double seconds);

#endif

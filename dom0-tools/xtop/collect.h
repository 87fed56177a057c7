/*
 * One frame of the machine, from the hypervisor (libctrl: physinfo, the
 * domain list, vCPU times), xenstore (names) and dom0's files (devstats.h).
 * Names are cached by domain id and read again every NAME_REFRESH frames, so a
 * frame with many domains costs one getdomaininfolist and a few file reads.
 */
#ifndef LAMINA_XTOP_COLLECT_H
#define LAMINA_XTOP_COLLECT_H

#include "devstats.h"
#include "xtop.h"

struct ctrl_handle;
struct xsc;

struct xtop_source {
    struct ctrl_handle *ctrl;
    struct xsc *xs;             /* NULL without xenstored: names are "Domain-<id>" */
    struct xtop_dev_roots roots;
    char version[32];
    struct xtop_name { uint32_t domid; char name[XTOP_NAME_MAX]; } *names;
    unsigned int nr_names;
    unsigned int frames;
};

/* 0, or -errno with a message in err. */
int xtop_source_open(struct xtop_source *s, char *err, size_t errlen);
void xtop_source_close(struct xtop_source *s);

/* Fills out (freed first with xtop_node_free); vcpus: also each vCPU's time. */
int xtop_collect(struct xtop_source *s, bool vcpus, struct xtop_node *out);

#endif

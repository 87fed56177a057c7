/*
 * The test guest's side of pv-drivers/front/front_env.h, and what it sets up
 * once: the shared_info page (2-level event channels), the grant table frames
 * at Xen's GUEST_GNTTAB_BASE, the xenstore and console rings the toolstack
 * left in the HVM params.
 */
#ifndef LAMINA_PVFRONT_ENV_H
#define LAMINA_PVFRONT_ENV_H

#include "front_env.h"
#include "gnttab_front.h"
#include "xs_front.h"
#include "cons_front.h"

#define PVFRONT_GNTTAB_FRAMES 2u

struct pvfront_env {
    struct xs_front xs;
    struct cons_front cons;
    struct gnttab_front gnt;
};

/* 0, or a negative errno with the failing step in *what. */
int pvfront_env_init(struct pvfront_env *env, const char **what);

/* Sleeps until one of the ports is pending or timeout_ms passed; clears them. */
void pvfront_wait_any(const evtchn_port_t *ports, unsigned int n, uint32_t timeout_ms);

#endif

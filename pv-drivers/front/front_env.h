/*
 * What the frontends (pv-drivers/front) need from the system they run in:
 * event channels, a millisecond clock and the guest frame number of a page.
 * The test guest implements these with hypercalls (tests/guests/pvfront_env.c),
 * the host unit test with a simulated other end (test_pv_front.c).
 */
#ifndef LAMINA_FRONT_ENV_H
#define LAMINA_FRONT_ENV_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

/* An unbound port that `remote` may bind to (EVTCHNOP_alloc_unbound). */
int fe_evtchn_alloc(domid_t remote, evtchn_port_t *port);

/* EVTCHNOP_send. */
void fe_evtchn_notify(evtchn_port_t port);

/* Sleeps until `port` is pending or `timeout_ms` passed, then clears it.
 * Callers re-check their ring afterwards either way: the other end writes the
 * ring before it notifies, so a cleared event never hides work. */
void fe_evtchn_wait(evtchn_port_t port, uint32_t timeout_ms);

uint64_t fe_now_ms(void);

/* The guest frame number of the page at `page` (page aligned). */
uint64_t fe_gfn(const void *page);

#endif

/* Building and tearing down domains (xl_create.c, xl_teardown.c). */
#ifndef LAMINA_XL_CREATE_H
#define LAMINA_XL_CREATE_H

#include "xl.h"
#include "xlcfg_domain.h"

/* The whole file into malloc'd *data: 0, or 1 after the message. */
int xl_read_file(struct xl_ctx *x, const char *what, const char *path, void **data, size_t *len);
/* Builds dc, writes its xenstore entries, introduces it, saves its
 * configuration, starts it unless paused: 0 and *domid, or 1 after the
 * message with nothing left behind. */
int xl_domain_create(struct xl_ctx *x, const struct domain_config *dc, bool paused, uint32_t *domid);
/* Writes the entries in one transaction (retried on conflicts): 0 or -errno. */
int xl_xs_write_entries(struct xl_ctx *x, const struct xl_xs_entry *e, size_t n);
/* Destroys the domain (retrying while it is still in use), then removes its
 * xenstore entries, tells xenstored and forgets its saved configuration.
 * 0, or -errno of the destroy (the rest is done anyway). */
int xl_domain_teardown(struct xl_ctx *x, uint32_t domid);
/* Forgets what xl keeps about domid (xenstore, saved config): for a domain
 * that is already gone. */
void xl_domain_forget(struct xl_ctx *x, uint32_t domid);

#endif

#ifndef LAMINA_DOMAIN_CTL_H
#define LAMINA_DOMAIN_CTL_H

#include "domain.h"

void domain_pause(struct domain *d);
/* -EINVAL if it was not paused. */
int domain_unpause(struct domain *d);
/* A new domain (id want, or the lowest free if want is 0), paused. */
struct domain *domain_create_for_toolstack(domid_t want, const struct domain_params *p, long *rc);
/* Stop and free it; -EAGAIN while a vCPU or a page of it is still in use (retry). */
int domain_kill(struct domain *d);

#endif

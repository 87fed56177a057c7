/*
 * Network interfaces of a domain (vif = [...]), served by Linux's
 * xen-netback in dom0's kernel: the xenstore entries as libxl writes them,
 * then, once netback has made vif<domid>.<devid>, Xen's hotplug script
 * (/etc/xen/scripts/vif-bridge by default) puts it on the bridge and says
 * hotplug-status=connected, which netback waits for before it connects.
 */
#ifndef LAMINA_XL_NIC_H
#define LAMINA_XL_NIC_H

#include "xl.h"
#include "xlcfg_domain.h"

#define XL_SCRIPT_DIR "/etc/xen/scripts"
#define XL_DEFAULT_BRIDGE "xenbr0"
#define XL_DEFAULT_VIF_SCRIPT "vif-bridge"

/* Checks an entry Lamina can serve. Prints why not: 0 or 1. */
int xl_nic_check(struct xl_ctx *x, const struct xlcfg_nic *nic);
/* A missing mac= gets libxl's random 00:16:3e:xx:xx:xx (before the
 * configuration is saved, so a restart keeps it). 0 or 1. */
int xl_nic_assign_mac(struct xl_ctx *x, struct xlcfg_nic *nic);
/* Writes the entries, waits for netback, runs the hotplug script. 0 or 1. */
int xl_nic_add(struct xl_ctx *x, uint32_t domid, const struct xlcfg_nic *nic);
/* Runs the script's offline step for each vif of domid (before its backend
 * directory goes). */
void xl_nic_remove_all(struct xl_ctx *x, uint32_t domid);
void xl_nic_remove_one(struct xl_ctx *x, uint32_t domid, int devid);
/* Whether lamina-netback serves it (the default), else xen-netback (backendtype=netback). */
bool xl_nic_is_lamina(const struct xlcfg_nic *nic);

#endif

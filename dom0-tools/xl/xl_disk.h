/*
 * Disks of a domain: the images behind them (a blank one made when the
 * config's size= asks), their xenstore entries, and lamina-blkback, the
 * user-space backend process that serves them (one per domain, as Xen's
 * QEMU qdisk). See docs/man/xl.cfg.md (disk) and docs/man/lamina-blkback.md.
 */
#ifndef LAMINA_XL_DISK_H
#define LAMINA_XL_DISK_H

#include "xl.h"
#include "xlcfg_domain.h"

#define XL_BLKBACK_RUN_DIR "/run/lamina"

/* Checks a disk entry Lamina can serve and makes its blank image when
 * size= is given and the target does not exist (an existing one is never
 * touched). Prints why not; 0 or 1. devid receives the device number. */
int xl_disk_prepare(struct xl_ctx *x, const struct xlcfg_disk *disk, unsigned int *devid);

/* Writes the disk's xenstore entries (frontend and backend directories). */
int xl_disk_add(struct xl_ctx *x, uint32_t domid, const struct xlcfg_disk *disk, unsigned int devid);

/* A user-space backend process, kind "blkback" or "netback" (the program
 * lamina-<kind>, its pidfile XL_BLKBACK_RUN_DIR/<kind>-<domid>.pid, its log
 * XL_LOG_DIR/<kind>-<domid>.log): start unless one runs, pid (0: none),
 * stop (SIGTERM, then SIGKILL). */
int xl_backend_start(struct xl_ctx *x, const char *kind, uint32_t domid, bool broken);
pid_t xl_backend_pid(const char *kind, uint32_t domid);
void xl_backend_stop(struct xl_ctx *x, const char *kind, uint32_t domid);

/* Starts lamina-blkback for domid unless one runs; broken: the mode that
 * fails every request (after repeated deaths). 0 or -errno. */
int xl_blkback_start(struct xl_ctx *x, uint32_t domid, bool broken);
/* The running backend's pid, or 0. */
pid_t xl_blkback_pid(uint32_t domid);
/* SIGTERM, then SIGKILL after a few seconds: its grant mappings must be
 * gone before the domain can be destroyed. */
void xl_blkback_stop(struct xl_ctx *x, uint32_t domid);

/* Waits until the backend has taken the disk (InitWait or later): 0, or an
 * error printed with the backend's own message. */
int xl_disk_wait_backend(struct xl_ctx *x, uint32_t domid, const struct xlcfg_disk *disk, unsigned int devid,
                         int timeout_ms);
/* Whether lamina-blkback serves the disk (else Linux's xen-blkback). */
bool xl_disk_is_qdisk(const struct xlcfg_disk *disk);

/* The backend directory of a disk: backend/vbd/ for phy, else backend/qdisk/. */
void xl_disk_backend_path(uint32_t domid, unsigned int devid, bool phy, char *out, size_t len);

#endif

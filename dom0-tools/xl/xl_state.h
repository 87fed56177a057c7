/*
 * The configuration a domain was created with, as xl create saved it
 * (XL_STATE_DIR/<domid>.json, libxlcfg's domain_config_to_json): read by
 * xl list -l, rewritten by xl rename (xl_state.c).
 */
#ifndef LAMINA_XL_STATE_H
#define LAMINA_XL_STATE_H

#include <stddef.h>
#include <stdint.h>

/* Larger files are refused as damaged (a configuration is a few KiB). */
#define XL_STATE_MAX_BYTES (1u << 20)

/* The file's text (malloc'd, NUL-terminated, *len bytes): 0, -ENOENT when
 * there is none, -EFBIG, or -errno. */
int xl_state_read(uint32_t domid, char **text, size_t *len);
/* Replaces the file (a temporary file renamed over it): 0 or -errno. */
int xl_state_write(uint32_t domid, const char *text);
void xl_state_file(uint32_t domid, char *buf, size_t len);

#endif

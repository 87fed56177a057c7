/* The commands, one family per file (cmd_<family>.c). */
#ifndef LAMINA_XL_CMDS_H
#define LAMINA_XL_CMDS_H

#include "xl.h"

/* cmd_create.c */
int cmd_create(struct xl_ctx *x, int argc, char **argv);
/* cmd_lifecycle.c */
int cmd_destroy(struct xl_ctx *x, int argc, char **argv);
int cmd_shutdown(struct xl_ctx *x, int argc, char **argv);
int cmd_reboot(struct xl_ctx *x, int argc, char **argv);
int cmd_pause(struct xl_ctx *x, int argc, char **argv);
int cmd_unpause(struct xl_ctx *x, int argc, char **argv);
/* cmd_console.c */
int cmd_console(struct xl_ctx *x, int argc, char **argv);
/* cmd_list.c */
int cmd_list(struct xl_ctx *x, int argc, char **argv);
/* cmd_info.c */
int cmd_info(struct xl_ctx *x, int argc, char **argv);
int cmd_dmesg(struct xl_ctx *x, int argc, char **argv);
int cmd_uptime(struct xl_ctx *x, int argc, char **argv);
/* cmd_vcpu.c */
int cmd_vcpu_list(struct xl_ctx *x, int argc, char **argv);
/* cmd_block.c */
int cmd_block_attach(struct xl_ctx *x, int argc, char **argv);
int cmd_block_detach(struct xl_ctx *x, int argc, char **argv);
int cmd_block_list(struct xl_ctx *x, int argc, char **argv);
/* cmd_net.c */
int cmd_network_attach(struct xl_ctx *x, int argc, char **argv);
int cmd_network_detach(struct xl_ctx *x, int argc, char **argv);
int cmd_network_list(struct xl_ctx *x, int argc, char **argv);
/* cmd_names.c */
int cmd_domid(struct xl_ctx *x, int argc, char **argv);
int cmd_domname(struct xl_ctx *x, int argc, char **argv);
int cmd_rename(struct xl_ctx *x, int argc, char **argv);

#endif

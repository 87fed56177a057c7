/*
 * xl create [-p] [-c] [-e] [-n] [-q] [-f] <ConfigFile> [key=value ...]
 *
 * Parses the config (file:line messages, overrides applied as xl does),
 * builds and starts the domain, leaves a monitor process to carry out the
 * on_* actions, and with -c attaches to the console.
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_monitor.h"
#include "xl_nic.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where xl looks for a config file named without a directory that is not
 * in the current one (Xen's XEN_CONFIG_DIR). */
#define XL_CONFIG_DIR "/etc/xen"

static char *find_config(const char *name)
{
    if (access(name, F_OK) == 0 || strchr(name, '/'))
        return strdup(name);
    char *alt;
    if (asprintf(&alt, "%s/%s", XL_CONFIG_DIR, name) < 0)
        return NULL;
    if (access(alt, F_OK) == 0)
        return alt;
    free(alt);
    return strdup(name);
}

/* Reads, parses and models the config: 0, or 1 after the message. */
static int load_config(struct xl_ctx *x, const char *file, char **overrides, int noverrides, bool quiet,
                       struct domain_config *dc)
{
    void *text;
    size_t len;
    if (!quiet)
        fprintf(stderr, "Parsing config from %s\n", file);
    if (xl_read_file(x, "config file", file, &text, &len))
        return 1;
    struct xlcfg_error err = { 0 };
    struct xlcfg *cfg = xlcfg_parse(text, len, file, &err);
    free(text);
    if (!cfg)
        return xl_error(x, "%s", err.msg);
    for (int i = 0; i < noverrides; i++) {
        if (xlcfg_apply_override(cfg, overrides[i], &err) != 0) {
            xlcfg_free(cfg);
            return xl_error(x, "%s", err.msg);
        }
    }
    int rc = xlcfg_to_domain(cfg, dc, &err);
    for (size_t i = 0; i < dc->num_warnings; i++)
        xl_warn(x, "%s", dc->warnings[i]);
    xlcfg_free(cfg);
    if (rc != 0)
        return xl_error(x, "%s", err.msg);
    return 0;
}

int cmd_create(struct xl_ctx *x, int argc, char **argv)
{
    bool paused = false, console = false, no_monitor = false, dryrun = false, quiet = false;
    const char *file = NULL;
    static const struct option longopts[] = {
        { "dryrun", no_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+pcenqf:FdV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'p': paused = true; break;
        case 'c': console = true; break;
        case 'e': no_monitor = true; break;
        case 'n': dryrun = true; break;
        case 'q': quiet = true; break;
        case 'f': file = optarg; break;
        case 'F': case 'd': case 'V': break;       /* xl's debugging switches: nothing to do here */
        default: return xl_usage_error(x, "unknown option");
        }
    }
    if (!file) {
        if (optind >= argc || strchr(argv[optind], '='))
            return xl_usage_error(x, "no config file given");
        file = argv[optind++];
    }
    char *path = find_config(file);
    if (!path)
        return xl_error_errno(x, -ENOMEM, "config file %s", file);

    struct domain_config dc = { 0 };
    int rc = load_config(x, path, argv + optind, argc - optind, quiet, &dc);
    free(path);
    if (rc)
        goto out;
    if (dryrun) {
        char *json = domain_config_to_json(&dc);
        if (!json) {
            rc = xl_error_errno(x, -ENOMEM, "printing the config");
            goto out;
        }
        printf("%s\n", json);
        free(json);
        goto out;
    }
    xl_log_for_domain(x, dc.name);
    uint32_t domid;
    for (size_t i = 0; i < dc.num_nics; i++)
        if ((rc = xl_nic_assign_mac(x, &dc.nics[i])))
            goto out;
    if ((rc = xl_domain_create(x, &dc, paused, &domid)))
        goto out;
    if (!quiet && x->verbose)
        fprintf(stderr, "Domain %s created: domid %u\n", dc.name, domid);
    if (!no_monitor) {
        fflush(NULL);
        pid_t pid = xl_monitor_spawn(x, &dc, domid);
        if (pid < 0)
            xl_warn(x, "cannot start the process that carries out on_poweroff/on_reboot/on_crash: %s",
                    ctrl_strerror((int)pid));
    }
    if (console) {
        char id[16];
        snprintf(id, sizeof(id), "%u", domid);
        xl_ctx_close(x);
        execlp("xenconsole", "xenconsole", id, (char *)NULL);
        rc = xl_error_errno(x, -errno, "cannot run xenconsole for the console of domain %u", domid);
    }
out:
    domain_config_free(&dc);
    return rc;
}

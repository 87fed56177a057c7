/*
 * Domain names: xl domid <name>, xl domname <id>, xl rename <Domain>
 * <NewName>. A name lives in xenstore (/local/domain/<id>/name, and
 * /vm/<uuid>/name for domains xl create made) and in the configuration xl
 * create saved (XL_STATE_DIR/<domid>.json).
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_jsoncopy.h"
#include "xl_print.h"
#include "xl_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* xenstore transactions that keep meeting another writer: give up after */
#define RENAME_TRIES 16

/* These commands take no options; anything that looks like one is a
 * mistake (-h/--help never gets here: main() answers it). */
static int plain_args(struct xl_ctx *x, int argc, char **argv, int want)
{
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0)
            return xl_usage_error(x, "option '%s' not supported", argv[i]);
    if (argc - 1 != want)
        return xl_usage_error(x, "'xl %s' requires %d argument%s", x->cmd, want, want > 1 ? "s" : "");
    return 0;
}

int cmd_domid(struct xl_ctx *x, int argc, char **argv)
{
    uint32_t domid;
    int rc = plain_args(x, argc, argv, 1);
    if (rc)
        return rc;
    if (xl_need_ctrl(x))
        return 1;
    xl_need_xs(x);                  /* without it only Domain-0 is known */
    rc = xl_find_domain_by_name(x, argv[1], &domid);
    if (rc == -ENOENT)
        return xl_error(x, "Can't get domid of domain name '%s', maybe this domain does not exist.",
                        argv[1]);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "looking up domain %s", argv[1]);
    printf("%u\n", domid);
    return 0;
}

int cmd_domname(struct xl_ctx *x, int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    int rc = plain_args(x, argc, argv, 1);
    if (rc)
        return rc;
    const char *arg = argv[1];
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end || errno || v >= DOMID_FIRST_RESERVED)
        return xl_error(x, "Invalid domain id '%s'.", arg);
    if (xl_need_ctrl(x))
        return 1;
    xl_need_xs(x);
    char *name = NULL;
    rc = ctrl_domain_getinfo(x->ctrl, (uint32_t)v, &info);
    if (rc == 0)
        name = xl_domain_name(x, (uint32_t)v);
    else if (rc != -ESRCH)
        return xl_error_ctrl(x, rc, "reading domain %lu's information", v);
    if (!name)
        return xl_error(x, "Can't get domain name of domain id '%lu', maybe this domain does not exist.", v);
    printf("%s\n", name);
    free(name);
    return 0;
}

/* --- rename ----------------------------------------------------------- */

/* Inside transaction tx: is new_name some other domain's? Reading every
 * name in the transaction makes a rival rename to the same name conflict
 * with ours (-EAGAIN) instead of both succeeding. 0, -EEXIST (*owner), or
 * -errno. */
static int name_taken(struct xl_ctx *x, uint32_t tx, uint32_t domid, const char *new_name,
                      uint32_t *owner)
{
    char **ids;
    unsigned int n;
    int rc = xsc_directory(x->xs, tx, "/local/domain", &ids, &n);
    if (rc < 0)
        return rc;
    for (unsigned int i = 0; i < n && rc == 0; i++) {
        char path[96], *val = NULL, *end;
        unsigned long id = strtoul(ids[i], &end, 10);
        if (*end || id == domid)
            continue;
        snprintf(path, sizeof(path), "/local/domain/%s/name", ids[i]);
        int r = xsc_read(x->xs, tx, path, &val, NULL);
        if (r == -ENOENT && id == 0)
            val = strdup("Domain-0");       /* xl_domain_name's name for it */
        else if (r < 0 && r != -ENOENT)
            rc = r;
        if (val && strcmp(val, new_name) == 0) {
            *owner = (uint32_t)id;
            rc = -EEXIST;
        }
        free(val);
    }
    free(ids);
    return rc;
}

/* One attempt: the name under /local/domain and /vm, in transaction tx. */
static int rename_in_tx(struct xl_ctx *x, uint32_t tx, uint32_t domid, const char *old_name,
                        const char *new_name, uint32_t *owner)
{
    char path[96], *cur = NULL, *vm = NULL;
    int rc = name_taken(x, tx, domid, new_name, owner);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    rc = xsc_read(x->xs, tx, path, &cur, NULL);
    if (rc == 0 && old_name && strcmp(cur, old_name) != 0) {
        xl_log(x, "domain %u was named '%s', is now '%s': someone renamed it meanwhile", domid,
               old_name, cur);
        rc = -EAGAIN;
    } else if (rc == -ENOENT) {
        rc = 0;                                 /* dom0 before its kernel wrote it */
    }
    free(cur);
    if (rc < 0)
        return rc;
    rc = xsc_write(x->xs, tx, path, new_name, strlen(new_name));
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    rc = xsc_read(x->xs, tx, path, &vm, NULL);
    if (rc == -ENOENT)
        return 0;                               /* not made by xl create: no /vm entry */
    if (rc < 0)
        return rc;
    char *vm_name;
    if (asprintf(&vm_name, "%s/name", vm) < 0) {
        free(vm);
        return -ENOMEM;
    }
    rc = xsc_write(x->xs, tx, vm_name, new_name, strlen(new_name));
    free(vm_name);
    free(vm);
    return rc;
}

static int rename_xenstore(struct xl_ctx *x, uint32_t domid, const char *old_name, const char *new_name)
{
    const char *expect = old_name;
    int rc = -EAGAIN;
    for (int attempt = 0; attempt < RENAME_TRIES && rc == -EAGAIN; attempt++) {
        uint32_t tx, owner = 0;
        rc = xsc_transaction_start(x->xs, &tx);
        if (rc < 0)
            return xl_error_errno(x, rc, "starting a xenstore transaction");
        rc = rename_in_tx(x, tx, domid, expect, new_name, &owner);
        if (rc < 0) {
            xsc_transaction_end(x->xs, tx, true);
            if (rc == -EEXIST)
                return xl_error(x, "a domain named '%s' already exists (domain %u)", new_name, owner);
            if (rc == -EAGAIN) {
                expect = NULL;                  /* renamed meanwhile: take what is there now */
                continue;
            }
            return xl_error_errno(x, rc, "renaming domain %u in xenstore", domid);
        }
        rc = xsc_transaction_end(x->xs, tx, false);
        if (rc == -EAGAIN)
            xl_log(x, "rename of domain %u: xenstore transaction conflict, trying again", domid);
        else if (rc < 0)
            return xl_error_errno(x, rc, "renaming domain %u in xenstore", domid);
    }
    if (rc == -EAGAIN)
        return xl_error_errno(x, rc, "renaming domain %u: xenstore kept changing (%d tries)", domid,
                              RENAME_TRIES);
    return 0;
}

/* The saved configuration's c_info.name, so xl list -l and a restart use
 * the new name. 0, or 1 after a message (xenstore is renamed already). */
static int rename_state(struct xl_ctx *x, uint32_t domid, const char *new_name)
{
    char *text, path[96];
    size_t len, at = 0;
    int rc = xl_state_read(domid, &text, &len);
    xl_state_file(domid, path, sizeof(path));
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        return xl_error_errno(x, rc, "renamed, but cannot read %s to rename it there too", path);
    static const char *const name_path[] = { "c_info", "name" };
    struct xl_json_subst sub = { .path = name_path, .depth = 2, .value = new_name };
    struct jw w;
    jw_init(&w);
    rc = xl_json_copy(NULL, text, len, NULL, &at);
    if (rc == 0)
        rc = xl_json_copy(&w, text, len, &sub, &at);
    free(text);
    char *doc = rc == 0 ? jw_finish(&w) : NULL;
    if (rc < 0 || !doc) {
        jw_discard(&w);
        if (rc == -EINVAL)
            return xl_error(x, "renamed, but %s is damaged (byte %zu): its name is unchanged", path, at);
        return xl_error_errno(x, rc < 0 ? rc : -ENOMEM, "renamed, but not in %s", path);
    }
    if (sub.found)
        rc = xl_state_write(domid, doc);
    free(doc);
    if (rc < 0)
        return xl_error_errno(x, rc, "renamed, but writing %s failed", path);
    return 0;
}

int cmd_rename(struct xl_ctx *x, int argc, char **argv)
{
    char why[128];
    uint32_t domid;
    int rc = plain_args(x, argc, argv, 2);
    if (rc)
        return rc;
    const char *new_name = argv[2];
    if (xl_parse_domain(x, argv[1], &domid))
        return 1;
    if (xl_check_domain_name(new_name, why, sizeof(why)) < 0)
        return xl_error(x, "cannot rename domain '%s' to '%s': %s", argv[1], new_name, why);
    if (xl_need_xs(x))
        return 1;
    char *old_name = xl_domain_name(x, domid);
    if (old_name)
        xl_log_for_domain(x, old_name);
    if (old_name && strcmp(old_name, new_name) == 0) {
        free(old_name);
        return 0;                               /* already so named: nothing to do */
    }
    rc = rename_xenstore(x, domid, old_name, new_name);
    free(old_name);
    if (rc)
        return rc;
    xl_log(x, "domain %u renamed to '%s'", domid, new_name);
    return rename_state(x, domid, new_name);
}

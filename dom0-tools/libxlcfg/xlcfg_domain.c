/*
 * libxlcfg: the domain model. Each rule cites where xl has it; "xl" is
 * Xen 4.17's tools/xl/xl_parse.c:parse_config_data unless said otherwise.
 *
 *   type/builder  type= is matched as a prefix of "hvm", "pv", "pvh" in that
 *                 order, builder= of "hvm", "generic" (deprecated), and the
 *                 two must agree. Arm's default is PVH; libxl converts PV to
 *                 PVH on Arm with a warning (libxl_arm.c:
 *                 libxl__arch_domain_create_info_setdefault). HVM is refused.
 *   name          required ("Domain name must be specified."). xl checks no
 *                 charset; Lamina requires 1..64 of [A-Za-z0-9._-], not
 *                 starting with '-', not all digits (xl reads an all-digit
 *                 name as a domid: libxl_domain_qualifier_to_domid), and
 *                 not "Domain-0" (dom0's name).
 *   uuid          8-4-4-4-12 hex digits (libxl_uuid_from_string); optional.
 *   memory/maxmem MiB. maxmem defaults to memory, memory to maxmem, both to
 *                 32 (libxl__domain_build_info_setdefault); maxmem >= memory
 *                 (xl.cfg(5)).
 *   vcpus/maxvcpus vcpus defaults to 1, maxvcpus to vcpus; "maxvcpus < vcpus"
 *                 is an error; at most GUEST_MAX_VCPUS (128) on Arm.
 *   cmdline       cmdline= wins over root= and extra= (with a warning);
 *                 otherwise "root=<root> <extra>", "root=<root>" or <extra>
 *                 (xl_parse.c: parse_cmdline).
 *   kernel        required: Lamina boots guests directly (xl requires kernel,
 *                 bootloader or firmware: "Neither kernel nor bootloader
 *                 specified"; Lamina has no bootloader or pvgrub).
 *   on_*          destroy restart rename-restart preserve coredump-destroy
 *                 coredump-restart soft-reset (exact names); defaults destroy,
 *                 restart, destroy (watchdog), destroy (crash), soft-reset.
 * Where xl warns and ignores a malformed value (a list for a string, a bad
 * number), this is an error: starting a guest without the setting the
 * user wrote is worse than not starting it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_int.h"
#include "xlcfg_domain.h"

struct ctx {
    const struct xlcfg *cfg;
    struct domain_config *dc;
    struct xlcfg_error *err;
};

static const char *first_source(const struct xlcfg *cfg)
{
    return cfg->nsources ? cfg->sources[0] : "<config>";
}

static int warn_at(struct ctx *c, long i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int warn_at(struct ctx *c, long i, const char *fmt, ...)
{
    char msg[XLCFG_ERR_MAX - 64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (i >= 0)
        return xc_msg_add(&c->dc->warnings, &c->dc->num_warnings, "%s:%d: warning: %s",
                          c->cfg->settings[i].source, c->cfg->settings[i].line, msg);
    return xc_msg_add(&c->dc->warnings, &c->dc->num_warnings, "%s: warning: %s",
                      first_source(c->cfg), msg);
}

static int err_at(struct ctx *c, long i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int err_at(struct ctx *c, long i, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (i >= 0)
        xc_verror(c->err, c->cfg->settings[i].source, c->cfg->settings[i].line, 0, fmt, ap);
    else
        xc_verror(c->err, first_source(c->cfg), 0, 0, fmt, ap);
    va_end(ap);
    return XLCFG_EINVAL;
}

static int oom(struct ctx *c)
{
    xc_oom(c->err);
    return XLCFG_ENOMEM;
}

/* A copy of string key into *out; 0 when absent (leaving *out NULL). */
static int dup_string(struct ctx *c, const char *key, char **out)
{
    const char *s;
    int rc = xlcfg_get_string(c->cfg, key, &s, c->err);

    if (rc == XLCFG_ENOENT)
        return 0;
    if (rc)
        return rc;
    *out = xc_strdup(s);
    return *out ? 0 : oom(c);
}

/* --- type, name, uuid ------------------------------------------------ */

enum dtype { T_NONE, T_HVM, T_PV, T_PVH };

static bool prefix_of(const char *s, const char *word)
{
    return !strncmp(s, word, strlen(s));
}

static int parse_type(struct ctx *c)
{
    const char *s;
    long ti = xlcfg_setting_find(c->cfg, "type"), bi = xlcfg_setting_find(c->cfg, "builder");
    enum dtype type = T_NONE, builder;
    int rc;

    if ((rc = xlcfg_get_string(c->cfg, "type", &s, c->err)) == 0) {
        if (prefix_of(s, "hvm"))
            type = T_HVM;
        else if (prefix_of(s, "pv"))
            type = T_PV;
        else if (prefix_of(s, "pvh"))
            type = T_PVH;
        else
            return err_at(c, ti, "type: invalid domain type \"%.40s\" (pvh, pv or hvm)", s);
    } else if (rc != XLCFG_ENOENT) {
        return rc;
    }
    if ((rc = xlcfg_get_string(c->cfg, "builder", &s, c->err)) == 0) {
        if (prefix_of(s, "hvm"))
            builder = T_HVM;
        else if (prefix_of(s, "generic"))
            builder = T_PV;
        else
            return err_at(c, bi, "builder: invalid domain type \"%.40s\" (generic or hvm; "
                          "builder is deprecated, use type=)", s);
        if (type != T_NONE && type != builder)
            return err_at(c, bi, "builder: contradicting \"builder\" and \"type\" options");
        type = builder;
        ti = bi;
    } else if (rc != XLCFG_ENOENT) {
        return rc;
    }
    if (type == T_HVM)
        return err_at(c, ti, "%s: HVM guests are not supported on Arm: Lamina runs PVH guests, "
                      "xl's default on Arm%s", ti == bi ? "builder" : "type",
                      xlcfg_value_string(c->cfg->settings[ti].value)[0] ? "" :
                      " (an empty type is read by xl as \"hvm\")");
    if (type == T_PV && warn_at(c, ti, "%s: Arm guests are PVH: converting this PV guest to PVH, "
                                "as xl does on Arm", ti == bi ? "builder" : "type"))
        return oom(c);
    c->dc->type = "pvh";
    return 0;
}

static bool name_char_ok(int ch)
{
    return xc_is_lower(ch) || xc_is_upper(ch) || xc_is_digit(ch) || ch == '.' || ch == '_' ||
           ch == '-';
}

static int parse_name(struct ctx *c)
{
    long i = xlcfg_setting_find(c->cfg, "name");
    const char *s, *p;
    char cb[8];
    size_t len;
    int rc = xlcfg_get_string(c->cfg, "name", &s, c->err);

    if (rc == XLCFG_ENOENT)
        return err_at(c, -1, "name: missing: a domain name must be specified (name=\"...\")");
    if (rc)
        return rc;
    len = strlen(s);
    if (!len || len > XLCFG_MAX_NAME)
        return err_at(c, i, "name: \"%.70s%s\" must be 1 to %d characters long", s,
                      len > 70 ? "..." : "", XLCFG_MAX_NAME);
    for (p = s; *p; p++)
        if (!name_char_ok((unsigned char)*p))
            return err_at(c, i, "name: \"%s\" has the character %s: use letters, digits, '.', "
                          "'_' and '-'", s, xc_char_name((unsigned char)*p, cb));
    if (s[0] == '-')
        return err_at(c, i, "name: \"%s\" must not start with '-'", s);
    if (strspn(s, "0123456789") == len)
        return err_at(c, i, "name: \"%s\" is all digits, which xl reads as a domain id", s);
    if (!strcmp(s, "Domain-0"))
        return err_at(c, i, "name: \"Domain-0\" is dom0's name");
    c->dc->name = xc_strdup(s);
    return c->dc->name ? 0 : oom(c);
}

static int parse_uuid(struct ctx *c)
{
    long i = xlcfg_setting_find(c->cfg, "uuid");
    const char *s;
    int rc = xlcfg_get_string(c->cfg, "uuid", &s, c->err), n = 0;
    size_t k;

    if (rc == XLCFG_ENOENT)
        return 0;
    if (rc)
        return rc;
    for (k = 0; s[k] && k < 36; k++) {
        int ch = (unsigned char)s[k];

        if (k == 8 || k == 13 || k == 18 || k == 23) {
            if (ch != '-')
                break;
        } else if (!xc_is_xdigit(ch)) {
            break;
        } else {
            c->dc->uuid[n / 2] = (uint8_t)(c->dc->uuid[n / 2] << 4 | xc_xdigit_value(ch));
            n++;
        }
    }
    if (k != 36 || s[k])
        return err_at(c, i, "uuid: \"%.60s\" is not a UUID "
                      "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)", s);
    c->dc->uuid_set = true;
    return 0;
}

/* --- memory and vCPUs ----------------------------------------------- */

static int parse_sizes(struct ctx *c)
{
    struct domain_config *dc = c->dc;
    int64_t mem = 0, max = 0, vcpus = 0, maxv = 0;
    int rc;

    rc = xlcfg_get_long(c->cfg, "memory", 1, XLCFG_MAX_MEMORY_MIB, &mem, c->err);
    if (rc && rc != XLCFG_ENOENT)
        return rc;
    rc = xlcfg_get_long(c->cfg, "maxmem", 1, XLCFG_MAX_MEMORY_MIB, &max, c->err);
    if (rc && rc != XLCFG_ENOENT)
        return rc;
    if (!mem && !max)
        mem = max = XLCFG_DEFAULT_MEMORY_MIB;
    else if (!max)
        max = mem;
    else if (!mem)
        mem = max;
    if (max < mem)
        return err_at(c, xlcfg_setting_find(c->cfg, "maxmem"), "maxmem: %lld MiB is less than "
                      "memory (%lld MiB): maxmem must be at least memory", (long long)max,
                      (long long)mem);
    dc->memory_mib = (uint64_t)mem;
    dc->maxmem_mib = (uint64_t)max;

    rc = xlcfg_get_long(c->cfg, "vcpus", 1, XLCFG_MAX_VCPUS, &vcpus, c->err);
    if (rc && rc != XLCFG_ENOENT)
        return rc;
    rc = xlcfg_get_long(c->cfg, "maxvcpus", 1, XLCFG_MAX_VCPUS, &maxv, c->err);
    if (rc && rc != XLCFG_ENOENT)
        return rc;
    if (!vcpus)
        vcpus = 1;
    if (!maxv)
        maxv = vcpus;
    if (maxv < vcpus)
        return err_at(c, xlcfg_setting_find(c->cfg, "maxvcpus"), "maxvcpus: %lld is less than "
                      "vcpus (%lld): maxvcpus < vcpus", (long long)maxv, (long long)vcpus);
    dc->vcpus = (unsigned int)vcpus;
    dc->maxvcpus = (unsigned int)maxv;
    return 0;
}

/* --- kernel and its command line ------------------------------------ */

static int parse_boot(struct ctx *c)
{
    struct domain_config *dc = c->dc;
    char *root = NULL, *extra = NULL;
    int rc;

    if ((rc = dup_string(c, "kernel", &dc->kernel)) ||
        (rc = dup_string(c, "ramdisk", &dc->ramdisk)) ||
        (rc = dup_string(c, "device_tree", &dc->device_tree)) ||
        (rc = dup_string(c, "cmdline", &dc->cmdline)) || (rc = dup_string(c, "root", &root)) ||
        (rc = dup_string(c, "extra", &extra)))
        goto out;
    if (dc->cmdline) {
        if ((root || extra) &&
            warn_at(c, xlcfg_setting_find(c->cfg, "cmdline"),
                    "cmdline: ignoring root= and extra= in favour of cmdline= (as xl does)"))
            rc = oom(c);
    } else if (root || extra) {
        struct xc_buf b = { 0 };

        if (root)
            xc_buf_printf(&b, "root=%s%s", root, extra ? " " : "");
        if (extra)
            xc_buf_puts(&b, extra);
        if (b.failed) {
            free(b.s);
            rc = oom(c);
        }
        dc->cmdline = b.failed ? NULL : b.s;
    }
    if (rc)
        goto out;
    if (!dc->kernel) {
        long bl = xlcfg_setting_find(c->cfg, "bootloader"), fw = xlcfg_setting_find(c->cfg, "firmware");

        if (bl >= 0 || fw >= 0)
            rc = err_at(c, bl >= 0 ? bl : fw, "kernel: missing: Lamina boots guests directly "
                        "from kernel= (%s= is not supported)", bl >= 0 ? "bootloader" : "firmware");
        else
            rc = err_at(c, -1, "kernel: missing: Lamina boots guests directly, set "
                        "kernel=\"/path/to/Image\"");
    } else if (xlcfg_setting_find(c->cfg, "firmware") >= 0) {
        rc = err_at(c, xlcfg_setting_find(c->cfg, "firmware"),
                    "firmware: both kernel and firmware specified");
    }
out:
    free(root);
    free(extra);
    return rc;
}

/* --- shutdown actions ----------------------------------------------- */

static const char *const action_names[] = {
    [XLCFG_ACTION_DESTROY] = "destroy", [XLCFG_ACTION_RESTART] = "restart",
    [XLCFG_ACTION_RESTART_RENAME] = "rename-restart", [XLCFG_ACTION_PRESERVE] = "preserve",
    [XLCFG_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [XLCFG_ACTION_COREDUMP_RESTART] = "coredump-restart",
    [XLCFG_ACTION_SOFT_RESET] = "soft-reset",
};

static const char *const action_json[] = {
    [XLCFG_ACTION_DESTROY] = "destroy", [XLCFG_ACTION_RESTART] = "restart",
    [XLCFG_ACTION_RESTART_RENAME] = "restart_rename", [XLCFG_ACTION_PRESERVE] = "preserve",
    [XLCFG_ACTION_COREDUMP_DESTROY] = "coredump_destroy",
    [XLCFG_ACTION_COREDUMP_RESTART] = "coredump_restart",
    [XLCFG_ACTION_SOFT_RESET] = "soft_reset",
};

#define NACTIONS (sizeof(action_names) / sizeof(action_names[0]))

const char *xlcfg_action_name(enum xlcfg_action a)
{
    return (unsigned)a < NACTIONS ? action_names[a] : "?";
}

const char *xlcfg_action_json(enum xlcfg_action a)
{
    return (unsigned)a < NACTIONS ? action_json[a] : "?";
}

bool xlcfg_action_implemented(enum xlcfg_action a)
{
    return a == XLCFG_ACTION_DESTROY || a == XLCFG_ACTION_RESTART ||
           a == XLCFG_ACTION_RESTART_RENAME || a == XLCFG_ACTION_PRESERVE;
}

static int parse_action(struct ctx *c, const char *key, enum xlcfg_action def,
                        enum xlcfg_action *out)
{
    long i = xlcfg_setting_find(c->cfg, key);
    const char *s;
    unsigned a;
    int rc = xlcfg_get_string(c->cfg, key, &s, c->err);

    *out = def;
    if (rc == XLCFG_ENOENT)
        return 0;
    if (rc)
        return rc;
    for (a = 0; a < NACTIONS; a++)
        if (!strcmp(s, action_names[a]))
            break;
    if (a == NACTIONS)
        return err_at(c, i, "%s: unknown action \"%.40s\" (destroy, restart, rename-restart, "
                      "preserve, coredump-destroy, coredump-restart or soft-reset)", key, s);
    *out = (enum xlcfg_action)a;
    if (a == XLCFG_ACTION_COREDUMP_DESTROY || a == XLCFG_ACTION_COREDUMP_RESTART)
        rc = warn_at(c, i, "%s=\"%s\": Lamina cannot write core dumps yet; the domain will be "
                     "%s without one", key, s,
                     a == XLCFG_ACTION_COREDUMP_DESTROY ? "destroyed" : "restarted");
    else if (a == XLCFG_ACTION_SOFT_RESET && strcmp(key, "on_soft_reset"))
        rc = warn_at(c, i, "%s=\"soft-reset\": Lamina does not implement soft reset (Xen does "
                     "not on Arm either); the domain will be destroyed", key);
    return rc ? oom(c) : 0;
}

static int parse_actions(struct ctx *c)
{
    struct domain_config *dc = c->dc;
    int rc;

    if ((rc = parse_action(c, "on_poweroff", XLCFG_ACTION_DESTROY, &dc->on_poweroff)) ||
        (rc = parse_action(c, "on_reboot", XLCFG_ACTION_RESTART, &dc->on_reboot)) ||
        (rc = parse_action(c, "on_watchdog", XLCFG_ACTION_DESTROY, &dc->on_watchdog)) ||
        (rc = parse_action(c, "on_crash", XLCFG_ACTION_DESTROY, &dc->on_crash)) ||
        (rc = parse_action(c, "on_soft_reset", XLCFG_ACTION_SOFT_RESET, &dc->on_soft_reset)))
        return rc;
    return 0;
}

/* --- devices --------------------------------------------------------- */

/* Items of a device list; each must be a string (xl stops at the first
 * that is not, silently). */
static int device_item(struct ctx *c, const char *key, const struct xlcfg_value *list, size_t k,
                       const char **spec)
{
    const struct xlcfg_value *item = list->items[k];

    if (item->type != XLCFG_STRING)
        return err_at(c, xlcfg_setting_find(c->cfg, key), "%s: entry %zu (line %d) is a list; "
                      "each entry must be a string", key, k + 1, item->line);
    *spec = item->str;
    return 0;
}

#define XLCFG_MAX_DEVICES 256

static int parse_disks(struct ctx *c)
{
    const struct xlcfg_value *list;
    long si = xlcfg_setting_find(c->cfg, "disk");
    int rc = xlcfg_get_list(c->cfg, "disk", &list, c->err);
    size_t k;

    if (rc == XLCFG_ENOENT)
        return 0;
    if (rc)
        return rc;
    if (list->nitems > XLCFG_MAX_DEVICES)
        return err_at(c, si, "disk: more than %d disks", XLCFG_MAX_DEVICES);
    c->dc->disks = calloc(list->nitems ? list->nitems : 1, sizeof(*c->dc->disks));
    if (!c->dc->disks)
        return oom(c);
    for (k = 0; k < list->nitems; k++) {
        const char *spec;

        if ((rc = device_item(c, "disk", list, k, &spec)))
            return rc;
        rc = xlcfg_parse_disk(spec, &c->dc->disks[k], c->cfg->settings[si].source,
                              list->items[k]->line, c->err);
        if (rc)
            return rc;
        c->dc->num_disks++;
    }
    for (k = 0; k < c->dc->num_disks; k++)
        for (size_t j = 0; j < k; j++)
            if (!strcmp(c->dc->disks[k].vdev, c->dc->disks[j].vdev))
                return err_at(c, si, "disk: vdev \"%.30s\" is used twice (entries %zu and %zu)",
                              c->dc->disks[k].vdev, j + 1, k + 1);
    return 0;
}

static int parse_nics(struct ctx *c)
{
    const struct xlcfg_value *list;
    long si = xlcfg_setting_find(c->cfg, "vif");
    int rc = xlcfg_get_list(c->cfg, "vif", &list, c->err);
    size_t k;

    if (rc == XLCFG_ENOENT)
        return 0;
    if (rc)
        return rc;
    if (list->nitems > XLCFG_MAX_DEVICES)
        return err_at(c, si, "vif: more than %d network interfaces", XLCFG_MAX_DEVICES);
    c->dc->nics = calloc(list->nitems ? list->nitems : 1, sizeof(*c->dc->nics));
    if (!c->dc->nics)
        return oom(c);
    for (k = 0; k < list->nitems; k++) {
        const char *spec;

        if ((rc = device_item(c, "vif", list, k, &spec)))
            return rc;
        c->dc->nics[k].devid = (int)k;      /* xl: the index, unless devid= */
        rc = xlcfg_parse_nic(spec, &c->dc->nics[k], c->cfg->settings[si].source,
                             list->items[k]->line, &c->dc->warnings, &c->dc->num_warnings,
                             c->err);
        if (rc)
            return rc;
        c->dc->num_nics++;
    }
    for (k = 0; k < c->dc->num_nics; k++)
        for (size_t j = 0; j < k; j++)
            if (c->dc->nics[k].devid == c->dc->nics[j].devid)
                return err_at(c, si, "vif: devid %d is used twice (entries %zu and %zu)",
                              c->dc->nics[k].devid, j + 1, k + 1);
    return 0;
}

/* --- keys Lamina does not use ------------------------------------------ */

static bool lamina_key(const char *key)
{
    static const char *const keys[] = {
        "name", "uuid", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus", "kernel",
        "ramdisk", "cmdline", "root", "extra", "device_tree", "on_poweroff", "on_reboot",
        "on_watchdog", "on_crash", "on_soft_reset", "disk", "vif", "bootloader", "firmware",
    };
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(key, keys[i]))
            return true;
    return false;
}

static int warn_unused_keys(struct ctx *c)
{
    size_t i, j;

    for (i = 0; i < c->cfg->nsettings; i++) {
        const char *key = c->cfg->settings[i].key, *hint;
        bool seen = false;
        int rc;

        for (j = 0; j < i && !seen; j++)
            seen = !strcmp(c->cfg->settings[j].key, key);
        if (seen || lamina_key(key))
            continue;
        if (xc_key_known_to_xl(key)) {
            rc = warn_at(c, (long)i, "%s: not supported by Lamina, ignored", key);
        } else {
            hint = xc_key_suggest(key);
            if (hint)
                rc = warn_at(c, (long)i, "%s: unknown key, ignored (did you mean '%s'?)", key, hint);
            else
                rc = warn_at(c, (long)i, "%s: unknown key, ignored", key);
        }
        if (rc)
            return oom(c);
    }
    return 0;
}

/* --- the whole ------------------------------------------------------- */

int xlcfg_to_domain(const struct xlcfg *cfg, struct domain_config *dc, struct xlcfg_error *err)
{
    struct ctx c = { .cfg = cfg, .dc = dc, .err = err };
    int rc;

    memset(dc, 0, sizeof(*dc));
    if (err)
        memset(err, 0, sizeof(*err));
    if (!cfg) {
        xc_error(err, "<config>", 0, 0, "no configuration");
        return XLCFG_EINVAL;
    }
    if ((rc = warn_unused_keys(&c)) || (rc = parse_type(&c)) || (rc = parse_name(&c)) ||
        (rc = parse_uuid(&c)) || (rc = parse_sizes(&c)) || (rc = parse_boot(&c)) ||
        (rc = parse_actions(&c)) || (rc = parse_disks(&c)) || (rc = parse_nics(&c))) {
        /* Keep the warnings: they may explain the error (a misspelt key). */
        char **w = dc->warnings;
        size_t nw = dc->num_warnings;

        dc->warnings = NULL;
        dc->num_warnings = 0;
        domain_config_free(dc);
        dc->warnings = w;
        dc->num_warnings = nw;
        return rc;
    }
    return 0;
}

void domain_config_free(struct domain_config *dc)
{
    size_t i;

    if (!dc)
        return;
    free(dc->name);
    free(dc->kernel);
    free(dc->ramdisk);
    free(dc->cmdline);
    free(dc->device_tree);
    for (i = 0; i < dc->num_disks; i++)
        xlcfg_disk_dispose(&dc->disks[i]);
    free(dc->disks);
    for (i = 0; i < dc->num_nics; i++)
        xlcfg_nic_dispose(&dc->nics[i]);
    free(dc->nics);
    for (i = 0; i < dc->num_warnings; i++)
        free(dc->warnings[i]);
    free(dc->warnings);
    memset(dc, 0, sizeof(*dc));
}

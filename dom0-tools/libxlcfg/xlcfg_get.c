/*
 * libxlcfg: typed lookups, as libxlutil's xlu_cfg_get_* (libxlu_cfg.c).
 * Every atom is a string; numbers are converted on demand with strtol
 * base 0 semantics, so `memory = "512"` and `memory = 0x200` both work.
 * Where xl prints a warning and ignores the setting (a list where a single
 * value belongs, a bad number, `+=` on a number), these return
 * XLCFG_EINVAL with the message, and the domain model makes it an error.
 */
#include <stdio.h>
#include <string.h>
#include "xlcfg_int.h"

const struct xlcfg_value *xlcfg_lookup(const struct xlcfg *cfg, const char *key)
{
    long i = cfg && key ? xlcfg_setting_find(cfg, key) : -1;

    return i < 0 ? NULL : cfg->settings[i].value;
}

static long find_atom(const struct xlcfg *cfg, const char *key, struct xlcfg_error *err)
{
    long i = cfg && key ? xlcfg_setting_find(cfg, key) : -1;

    if (i < 0)
        return XLCFG_ENOENT;
    if (cfg->settings[i].value->type != XLCFG_STRING) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: expected a single value, found a list", key);
        return XLCFG_EINVAL;
    }
    return i;
}

int xlcfg_get_string(const struct xlcfg *cfg, const char *key, const char **out,
                     struct xlcfg_error *err)
{
    long i = find_atom(cfg, key, err);

    if (i < 0)
        return (int)i;
    *out = cfg->settings[i].value->str;
    return 0;
}

int xlcfg_get_long(const struct xlcfg *cfg, const char *key, int64_t min, int64_t max,
                   int64_t *out, struct xlcfg_error *err)
{
    long i = find_atom(cfg, key, err);
    const char *s;
    int64_t v;
    int rc;

    if (i < 0)
        return (int)i;
    s = cfg->settings[i].value->str;
    if (cfg->settings[i].added) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: can't use += with numbers", key);
        return XLCFG_EINVAL;
    }
    rc = xc_parse_long(s, &v);
    if (rc == XLCFG_ERANGE) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: %.40s is out of range", key, s);
        return XLCFG_EINVAL;
    }
    if (rc) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: \"%.40s\" is not a valid number", key, s);
        return XLCFG_EINVAL;
    }
    if (v < min) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: %lld is less than the minimum %lld", key,
                       (long long)v, (long long)min);
        return XLCFG_EINVAL;
    }
    if (v > max) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: %lld is greater than the maximum %lld", key,
                       (long long)v, (long long)max);
        return XLCFG_EINVAL;
    }
    *out = v;
    return 0;
}

int xlcfg_get_bool(const struct xlcfg *cfg, const char *key, bool *out, struct xlcfg_error *err)
{
    int64_t v;
    int rc = xlcfg_get_long(cfg, key, INT64_MIN, INT64_MAX, &v, err);

    if (!rc)
        *out = v != 0;
    return rc;
}

int xlcfg_get_list(const struct xlcfg *cfg, const char *key, const struct xlcfg_value **out,
                   struct xlcfg_error *err)
{
    long i = cfg && key ? xlcfg_setting_find(cfg, key) : -1;

    if (i < 0)
        return XLCFG_ENOENT;
    if (cfg->settings[i].value->type != XLCFG_LIST) {
        xlcfg_error_at(err, cfg, (size_t)i, "%s: expected a list [ ... ], found a single value",
                       key);
        return XLCFG_EINVAL;
    }
    *out = cfg->settings[i].value;
    return 0;
}

enum xlcfg_value_type xlcfg_value_type(const struct xlcfg_value *v)
{
    return v->type;
}

const char *xlcfg_value_string(const struct xlcfg_value *v)
{
    return v && v->type == XLCFG_STRING ? v->str : NULL;
}

bool xlcfg_value_quoted(const struct xlcfg_value *v)
{
    return v && v->quoted;
}

size_t xlcfg_list_length(const struct xlcfg_value *list)
{
    return list && list->type == XLCFG_LIST ? list->nitems : 0;
}

const struct xlcfg_value *xlcfg_list_item(const struct xlcfg_value *list, size_t i)
{
    return list && list->type == XLCFG_LIST && i < list->nitems ? list->items[i] : NULL;
}

int xlcfg_value_line(const struct xlcfg_value *v)
{
    return v ? v->line : 0;
}

int xlcfg_value_column(const struct xlcfg_value *v)
{
    return v ? v->column : 0;
}

size_t xlcfg_setting_count(const struct xlcfg *cfg)
{
    return cfg ? cfg->nsettings : 0;
}

const char *xlcfg_setting_key(const struct xlcfg *cfg, size_t i)
{
    return cfg && i < cfg->nsettings ? cfg->settings[i].key : NULL;
}

const struct xlcfg_value *xlcfg_setting_value(const struct xlcfg *cfg, size_t i)
{
    return cfg && i < cfg->nsettings ? cfg->settings[i].value : NULL;
}

const char *xlcfg_setting_source(const struct xlcfg *cfg, size_t i)
{
    return cfg && i < cfg->nsettings ? cfg->settings[i].source : NULL;
}

int xlcfg_setting_line(const struct xlcfg *cfg, size_t i)
{
    return cfg && i < cfg->nsettings ? cfg->settings[i].line : 0;
}

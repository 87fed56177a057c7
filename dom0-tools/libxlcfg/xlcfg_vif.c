/*
 * libxlcfg: one vif specification (xl-network-configuration(5)), as Xen
 * 4.17's parse_nic_config (tools/xl/xl_parse.c): the string is split at
 * ',' (empty pieces skipped, as strtok does), leading spaces of a piece
 * are dropped, and each piece is key=value. The empty string is a NIC
 * with every default.
 *
 * Differences from xl, all on input xl does not handle well: xl prints a
 * message for a bad mac= or type= and carries on with the default; here
 * that is an error. xl reads devid= and mtu= with strtoul and ignores
 * junk after the digits; here they must be plain decimal numbers. Keys xl
 * does not know are a warning ("unrecognized argument"), as in xl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_int.h"
#include "xlcfg_domain.h"

struct npc {
    struct xlcfg_nic *nic;
    const char *spec, *source;
    int line;
    struct xlcfg_error *err;
    char ***warnings;
    size_t *num_warnings;
};

static int nerr(struct npc *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int nerr(struct npc *n, const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xc_error(n->err, n->source, n->line, 0, "vif '%.120s': %s", n->spec, msg);
    return XLCFG_EINVAL;
}

static int nwarn(struct npc *n, const char *msg, const char *piece)
{
    if (!n->warnings)
        return 0;
    return xc_msg_add(n->warnings, n->num_warnings, "%s:%d: warning: vif '%.120s': %s '%.60s'",
                      n->source, n->line, n->spec, msg, piece);
}

/* Six groups of one or two hex digits separated by ':' (or '-'). */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    int i;

    for (i = 0; i < 6; i++) {
        int v = 0, digits = 0;

        while (xc_is_xdigit((unsigned char)*s) && digits < 2) {
            v = v * 16 + xc_xdigit_value((unsigned char)*s++);
            digits++;
        }
        if (!digits)
            return false;
        mac[i] = (uint8_t)v;
        if (i < 5) {
            if (*s != ':' && *s != '-')
                return false;
            s++;
        }
    }
    return *s == 0;
}

static bool parse_decimal(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (!xc_is_digit((unsigned char)*s))
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static int set_string(struct npc *n, char **field, const char *value)
{
    char *s = xc_strdup(value);

    if (!s) {
        xc_oom(n->err);
        return XLCFG_ENOMEM;
    }
    free(*field);
    *field = s;
    return 0;
}

/* One "key=value" piece. */
static int parse_piece(struct npc *n, char *piece)
{
    struct xlcfg_nic *nic = n->nic;
    char *eq = strchr(piece, '=');
    const char *v = eq ? eq + 1 : NULL;
    unsigned long num;
    static const struct { const char *key; size_t off; } strings[] = {
        { "bridge", offsetof(struct xlcfg_nic, bridge) },
        { "gatewaydev", offsetof(struct xlcfg_nic, gatewaydev) },
        { "netdev", offsetof(struct xlcfg_nic, gatewaydev) },   /* deprecated alias */
        { "ip", offsetof(struct xlcfg_nic, ip) },
        { "script", offsetof(struct xlcfg_nic, script) },
        { "backend", offsetof(struct xlcfg_nic, backend_domname) },
        { "vifname", offsetof(struct xlcfg_nic, ifname) },
        { "model", offsetof(struct xlcfg_nic, model) },
        { "rate", offsetof(struct xlcfg_nic, rate) },
    };
    size_t i;

    if (eq)
        *eq = 0;
    for (i = 0; eq && i < sizeof(strings) / sizeof(strings[0]); i++)
        if (!strcmp(piece, strings[i].key))
            return set_string(n, (char **)((char *)nic + strings[i].off), v);
    if (eq && !strcmp(piece, "type")) {
        if (!strcmp(v, "vif"))
            nic->nictype = XLCFG_NIC_VIF;
        else if (!strcmp(v, "ioemu"))
            nic->nictype = XLCFG_NIC_VIF_IOEMU;
        else
            return nerr(n, "invalid type '%.40s' (vif or ioemu)", v);
    } else if (eq && !strcmp(piece, "backendtype")) {
        /* Lamina's key: which backend serves the interface */
        if (!strcmp(v, "netback"))
            nic->backend_type = XLCFG_NIC_BACKEND_NETBACK;
        else if (!strcmp(v, "lamina"))
            nic->backend_type = XLCFG_NIC_BACKEND_LAMINA;
        else
            return nerr(n, "invalid backendtype '%.40s' (netback: Linux's xen-netback; lamina: lamina-netback)", v);
    } else if (eq && !strcmp(piece, "mac")) {
        if (!parse_mac(v, nic->mac))
            return nerr(n, "invalid mac '%.40s' (six hex bytes: 00:16:3e:12:34:56)", v);
        nic->mac_set = true;
    } else if (eq && !strcmp(piece, "devid")) {
        if (!parse_decimal(v, 65535, &num))
            return nerr(n, "invalid devid '%.40s' (a number from 0 to 65535)", v);
        nic->devid = (int)num;
    } else if (eq && !strcmp(piece, "mtu")) {
        if (!parse_decimal(v, 65535, &num) || num < 68)
            return nerr(n, "invalid mtu '%.40s' (a number from 68 to 65535)", v);
        nic->mtu = (unsigned int)num;
    } else if (eq && (!strcmp(piece, "accel") || !strncmp(piece, "colo_", 5) ||
                      !strcmp(piece, "forwarddev"))) {
        if (eq)
            *eq = '=';
        return nwarn(n, "not supported by Lamina, ignored:", piece);
    } else {
        if (eq)
            *eq = '=';
        return nwarn(n, "unrecognized argument (xl ignores it too)", piece);
    }
    return 0;
}

void xlcfg_nic_dispose(struct xlcfg_nic *nic)
{
    if (!nic)
        return;
    free(nic->bridge);
    free(nic->gatewaydev);
    free(nic->ip);
    free(nic->script);
    free(nic->backend_domname);
    free(nic->ifname);
    free(nic->model);
    free(nic->rate);
    memset(nic, 0, sizeof(*nic));
}

int xlcfg_parse_nic(const char *spec, struct xlcfg_nic *nic, const char *source, int line,
                    char ***warnings, size_t *num_warnings, struct xlcfg_error *err)
{
    struct npc n = { .nic = nic, .spec = spec ? spec : "", .line = line, .err = err,
                     .source = source ? source : "<vif>", .warnings = warnings,
                     .num_warnings = num_warnings };
    int devid = nic->devid;
    char *buf = xc_strdup(n.spec), *p, *end;
    int rc = 0;

    memset(nic, 0, sizeof(*nic));
    nic->devid = devid;
    nic->line = line;
    if (!buf) {
        xc_oom(err);
        return XLCFG_ENOMEM;
    }
    for (p = buf; !rc && *p; p = end) {
        end = strchr(p, ',');
        if (end)
            *end++ = 0;
        else
            end = p + strlen(p);
        while (*p == ' ')
            p++;
        if (*p)
            rc = parse_piece(&n, p);
    }
    free(buf);
    if (rc)
        xlcfg_nic_dispose(nic);
    return rc;
}

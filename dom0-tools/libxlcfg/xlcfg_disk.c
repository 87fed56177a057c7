/*
 * libxlcfg: one disk specification (xl-disk-configuration(5)), parsed the
 * way Xen 4.17's flex scanner tools/libs/util/libxlu_disk_l.l does it:
 * at each position the longest-matching rule wins, ties going to the
 * earlier rule. That gives, for example:
 *
 *   'format=raw, vdev=xvda, access=rw, target=/dev/vg/guest'   key=value form
 *   '/dev/vg/guest,raw,xvda,rw'        positional: target, format, vdev, access
 *   'phy:/dev/vg/guest,xvda,w'         legacy: a prefix (phy: file: tap:
 *                                      aio: raw: qcow2: ...) drops the
 *                                      format position: target, vdev, access
 *   ',hdc:cdrom,r'                     legacy empty CD-ROM
 *   'file.img,xvda,w'                  an error, as in xl: xvda is taken as
 *                                      the format (the message says how to fix it)
 *
 * Then the defaults of xlu_disk_parse (libxlu_disk.c): format raw, a
 * CD-ROM is removable and read-only, a vdev is required, and a target
 * unless the device is removable. COLO options are refused: Lamina has no
 * COLO replication.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_int.h"
#include "xlcfg_domain.h"

struct dpc {
    struct xlcfg_disk *disk;
    const char *spec, *source;
    int line;
    struct xlcfg_error *err;
    bool failed, oom;
    bool had_depr_prefix, access_set;
};

static void derr(struct dpc *d, const char *near, size_t nlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void derr(struct dpc *d, const char *near, size_t nlen, const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    if (d->failed)
        return;
    d->failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (near)
        xc_error(d->err, d->source, d->line, 0, "disk '%.120s': %s near '%.*s'", d->spec, msg,
                 (int)(nlen > 60 ? 60 : nlen), near);
    else
        xc_error(d->err, d->source, d->line, 0, "disk '%.120s': %s", d->spec, msg);
}

static void savestring(struct dpc *d, const char *what, char **loc, const char *val)
{
    char *s;

    if (*loc && **loc) {
        derr(d, val, strlen(val), "%s respecified", what);
        return;
    }
    s = xc_strdup(val);
    if (!s) {
        d->oom = true;
        derr(d, NULL, 0, "out of memory");
        return;
    }
    free(*loc);
    *loc = s;
}

static void setaccess(struct dpc *d, const char *s)
{
    if (!strcmp(s, "r") || !strcmp(s, "ro"))
        d->disk->readwrite = false;
    else if (!strcmp(s, "rw") || !strcmp(s, "w") || !*s)
        d->disk->readwrite = true;
    else
        derr(d, s, strlen(s), "unknown value for access (r, ro, w or rw)");
}

static const char *const format_names[] = {
    [XLCFG_FORMAT_UNKNOWN] = "unknown", [XLCFG_FORMAT_QCOW] = "qcow",
    [XLCFG_FORMAT_QCOW2] = "qcow2", [XLCFG_FORMAT_VHD] = "vhd", [XLCFG_FORMAT_RAW] = "raw",
    [XLCFG_FORMAT_EMPTY] = "empty", [XLCFG_FORMAT_QED] = "qed",
};

static const char *const backend_names[] = {
    [XLCFG_BACKEND_UNKNOWN] = "unknown", [XLCFG_BACKEND_PHY] = "phy",
    [XLCFG_BACKEND_TAP] = "tap", [XLCFG_BACKEND_QDISK] = "qdisk",
    [XLCFG_BACKEND_STANDALONE] = "standalone",
};

const char *xlcfg_disk_format_name(enum xlcfg_disk_format f)
{
    return (unsigned)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f] : "?";
}

const char *xlcfg_disk_backend_name(enum xlcfg_disk_backend b)
{
    return (unsigned)b < sizeof(backend_names) / sizeof(backend_names[0]) ? backend_names[b] : "?";
}

static bool looks_like_vdev(const char *s)
{
    return !strncmp(s, "xvd", 3) || !strncmp(s, "hd", 2) || !strncmp(s, "sd", 2);
}

/* positional: whether the unknown format came from the format position. */
static void setformat(struct dpc *d, const char *s, bool positional)
{
    enum xlcfg_disk_format f = XLCFG_FORMAT_UNKNOWN;
    unsigned i;

    if (!*s)
        f = XLCFG_FORMAT_RAW;
    for (i = 1; i < sizeof(format_names) / sizeof(format_names[0]); i++)
        if (!strcmp(s, format_names[i]))
            f = (enum xlcfg_disk_format)i;
    if (f == XLCFG_FORMAT_UNKNOWN) {
        if (positional && looks_like_vdev(s))
            derr(d, s, strlen(s), "unknown value for format: the positional order is "
                 "target,format,vdev,access, so '%s' was read as the format (write "
                 "'target,raw,%s,...', or use a prefix such as 'phy:' or 'file:', or vdev=)", s, s);
        else
            derr(d, s, strlen(s), "unknown value for format (raw, qcow, qcow2, vhd, qed, empty)");
    } else if (d->disk->format != XLCFG_FORMAT_UNKNOWN && d->disk->format != f) {
        derr(d, s, strlen(s), "format respecified");
    } else {
        d->disk->format = f;
    }
}

static void setbackendtype(struct dpc *d, const char *s)
{
    unsigned i;

    for (i = 1; i < sizeof(backend_names) / sizeof(backend_names[0]); i++) {
        if (!strcmp(s, backend_names[i])) {
            if (d->disk->backend != XLCFG_BACKEND_UNKNOWN && d->disk->backend != i)
                derr(d, s, strlen(s), "backend respecified");
            else
                d->disk->backend = (enum xlcfg_disk_backend)i;
            return;
        }
    }
    derr(d, s, strlen(s), "unknown value for backendtype (phy, tap, qdisk, standalone)");
}

static void setspecification(struct dpc *d, const char *s)
{
    enum xlcfg_disk_spec v;

    if (!strcmp(s, "xen"))
        v = XLCFG_SPEC_XEN;
    else if (!strcmp(s, "virtio"))
        v = XLCFG_SPEC_VIRTIO;
    else {
        derr(d, s, strlen(s), "unknown value for specification (xen, virtio)");
        return;
    }
    if (d->disk->specification != XLCFG_SPEC_UNKNOWN && d->disk->specification != v)
        derr(d, s, strlen(s), "specification respecified");
    else
        d->disk->specification = v;
}

/* "<vdev>:<devtype>" in the vdev position; returns whether it was one. */
static bool vdev_and_devtype(struct dpc *d, char *s)
{
    char *colon = strrchr(s, ':');

    if (!colon)
        return false;
    *colon++ = 0;
    savestring(d, "vdev", &d->disk->vdev, s);
    if (!strcmp(colon, "cdrom"))
        d->disk->is_cdrom = true;
    else if (!strcmp(colon, "disk"))
        d->disk->is_cdrom = false;
    else
        derr(d, colon, strlen(colon), "unknown deprecated type (cdrom or disk)");
    return true;
}

static void positional(struct dpc *d, char *s)
{
    struct xlcfg_disk *k = d->disk;

    if (!k->pdev_path) {
        savestring(d, "target", &k->pdev_path, s);
    } else if (!d->had_depr_prefix && k->format == XLCFG_FORMAT_UNKNOWN) {
        if (!*k->pdev_path && vdev_and_devtype(d, s))
            k->format = XLCFG_FORMAT_EMPTY;
        else
            setformat(d, s, true);
    } else if (!k->vdev) {
        if (!vdev_and_devtype(d, s))
            savestring(d, "vdev", &k->vdev, s);
    } else if (!d->access_set) {
        d->access_set = true;
        setaccess(d, s);
    } else {
        derr(d, s, strlen(s), "too many positional parameters");
    }
}

/* size=N[KMGT]: Lamina's key (xen-tools' xen-create-image habit) for a
 * blank raw image that xl create makes when the target does not exist.
 * Binary units, as qemu-img; a bare number is bytes. */
static void setsize(struct dpc *d, const char *s)
{
    const char *end = s;
    unsigned long long n = 0;
    unsigned int shift = 0;

    while (*end >= '0' && *end <= '9' && n <= XLCFG_MAX_DISK_SIZE)
        n = n * 10 + (unsigned long long)(*end++ - '0');
    if (end == s || n > XLCFG_MAX_DISK_SIZE) {
        derr(d, s, strlen(s), "size is not a number (e.g. size=512M, size=4G)");
        return;
    }
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: end = "?"; break;
    }
    if (*end == 'i' && end[1] == 'B')
        end += 2;
    else if (*end == 'B')
        end++;
    if (*end) {
        derr(d, s, strlen(s), "unknown unit for size (K, M, G or T)");
        return;
    }
    if (n == 0 || n > (XLCFG_MAX_DISK_SIZE >> shift)) {
        derr(d, s, strlen(s), "size must be more than 0 and at most 16T");
        return;
    }
    n <<= shift;
    if (n % 512) {
        derr(d, s, strlen(s), "size must be a whole number of 512-byte sectors");
        return;
    }
    d->disk->size_bytes = n;
}

/* --- the scanner rules, in libxlu_disk_l.l's order ------------------------ */

enum rule_kind {
    R_KV,           /* name=[^,]*,?      */
    R_WORD,         /* word,?            */
    R_TARGET,       /* target=.*         */
    R_UNKNOWN_KV,   /* [a-z][-a-z0-9]*=[^,],? */
    R_PREFIX,       /* word:/.*          */
    R_BAD_PREFIX,   /* [a-z][a-z0-9]*:/([^a-z0-9].*)? */
    R_POSITIONAL,   /* [^=,]*,|[^=,]+,?  */
};

enum action {
    A_FORMAT, A_CDROM, A_DISK, A_BADTYPE, A_ACCESS, A_BACKEND, A_BACKENDTYPE, A_SPEC,
    A_VDEV, A_SCRIPT, A_DIRECTIO, A_DISCARD, A_NODISCARD, A_COLO, A_TRUSTED, A_UNTRUSTED,
    A_GRANT1, A_GRANT0, A_TARGET, A_UNKNOWN, A_FMT_PREFIX, A_SCRIPT_PREFIX, A_PREFIX,
    A_BAD_PREFIX, A_POSITIONAL, A_SIZE,
};

struct rule {
    enum rule_kind kind;
    const char *text;
    enum action action;
};

static const struct rule rules[] = {
    { R_KV, "format=", A_FORMAT },
    { R_WORD, "cdrom", A_CDROM },
    { R_WORD, "devtype=cdrom", A_CDROM },
    { R_WORD, "devtype=disk", A_DISK },
    { R_KV, "devtype=", A_BADTYPE },
    { R_KV, "access=", A_ACCESS },
    { R_KV, "backend=", A_BACKEND },
    { R_KV, "backendtype=", A_BACKENDTYPE },
    { R_KV, "specification=", A_SPEC },
    { R_KV, "vdev=", A_VDEV },
    { R_KV, "script=", A_SCRIPT },
    { R_KV, "size=", A_SIZE },          /* Lamina's: create a blank image */
    { R_WORD, "direct-io-safe", A_DIRECTIO },
    { R_WORD, "discard", A_DISCARD },
    { R_WORD, "no-discard", A_NODISCARD },
    { R_WORD, "colo", A_COLO },
    { R_WORD, "no-colo", A_COLO },
    { R_KV, "colo-host=", A_COLO },
    { R_KV, "colo-port=", A_COLO },
    { R_KV, "colo-export=", A_COLO },
    { R_KV, "active-disk=", A_COLO },
    { R_KV, "hidden-disk=", A_COLO },
    { R_WORD, "trusted", A_TRUSTED },
    { R_WORD, "untrusted", A_UNTRUSTED },
    { R_WORD, "grant_usage=1", A_GRANT1 },
    { R_WORD, "grant_usage=0", A_GRANT0 },
    { R_TARGET, "target=", A_TARGET },
    { R_UNKNOWN_KV, NULL, A_UNKNOWN },
    { R_PREFIX, "raw", A_FMT_PREFIX }, { R_PREFIX, "qcow", A_FMT_PREFIX },
    { R_PREFIX, "qcow2", A_FMT_PREFIX }, { R_PREFIX, "vhd", A_FMT_PREFIX },
    { R_PREFIX, "iscsi", A_SCRIPT_PREFIX }, { R_PREFIX, "nbd", A_SCRIPT_PREFIX },
    { R_PREFIX, "enbd", A_SCRIPT_PREFIX }, { R_PREFIX, "drbd", A_SCRIPT_PREFIX },
    { R_PREFIX, "tapdisk", A_PREFIX }, { R_PREFIX, "tap", A_PREFIX },
    { R_PREFIX, "tap2", A_PREFIX }, { R_PREFIX, "aio", A_PREFIX },
    { R_PREFIX, "ioemu", A_PREFIX }, { R_PREFIX, "file", A_PREFIX },
    { R_PREFIX, "phy", A_PREFIX },
    { R_BAD_PREFIX, NULL, A_BAD_PREFIX },
    { R_POSITIONAL, NULL, A_POSITIONAL },
};

static size_t line_rest(const char *s)
{
    return strcspn(s, "\n");
}

/* Length of rule r's match at s (0: none), counting trailing context. */
static size_t rule_match(const struct rule *r, const char *s)
{
    size_t n = r->text ? strlen(r->text) : 0, k;

    switch (r->kind) {
    case R_KV:
        if (strncmp(s, r->text, n))
            return 0;
        k = n + strcspn(s + n, ",");
        return k + (s[k] == ',');
    case R_WORD:
        if (strncmp(s, r->text, n))
            return 0;
        return n + (s[n] == ',');
    case R_TARGET:
        return strncmp(s, r->text, n) ? 0 : line_rest(s);
    case R_UNKNOWN_KV:
        if (!xc_is_lower((unsigned char)s[0]))
            return 0;
        for (k = 1; xc_is_lower((unsigned char)s[k]) || xc_is_digit((unsigned char)s[k]) ||
                    s[k] == '-'; k++)
            ;
        if (s[k] != '=' || !s[k + 1] || s[k + 1] == ',')
            return 0;
        return k + 2 + (s[k + 2] == ',');
    case R_PREFIX:
        return strncmp(s, r->text, n) || s[n] != ':' ? 0 : line_rest(s);
    case R_BAD_PREFIX:
        if (!xc_is_lower((unsigned char)s[0]))
            return 0;
        for (k = 1; xc_is_lower((unsigned char)s[k]) || xc_is_digit((unsigned char)s[k]); k++)
            ;
        if (s[k] != ':')
            return 0;
        k++;
        if (s[k] && !xc_is_lower((unsigned char)s[k]) && !xc_is_digit((unsigned char)s[k]))
            return k + 1 + line_rest(s + k + 1);
        return k;
    case R_POSITIONAL:
        k = strcspn(s, "=,");
        return s[k] == ',' ? k + 1 : k;
    }
    return 0;
}

/* The value part of a matched token (after '='), with one trailing ',' cut. */
static char *token_value(struct dpc *d, const char *tok, size_t len, bool from_equals)
{
    const char *v = tok;
    char *s;

    if (len && tok[len - 1] == ',')
        len--;
    if (from_equals) {
        const char *eq = memchr(tok, '=', len);

        len -= (size_t)(eq + 1 - tok);
        v = eq + 1;
    }
    s = xc_strndup(v, len);
    if (!s) {
        d->oom = true;
        derr(d, NULL, 0, "out of memory");
    }
    return s;
}

static void run_action(struct dpc *d, const struct rule *r, const char *tok, size_t len)
{
    struct xlcfg_disk *k = d->disk;
    bool eq = r->kind == R_KV || r->kind == R_TARGET;
    char *v = (eq || r->kind == R_POSITIONAL) ? token_value(d, tok, len, eq) : NULL;
    char script[16];

    if ((eq || r->kind == R_POSITIONAL) && !v)
        return;
    switch (r->action) {
    case A_FORMAT: setformat(d, v, false); break;
    case A_CDROM: k->is_cdrom = true; break;
    case A_DISK: k->is_cdrom = false; break;
    case A_BADTYPE: derr(d, tok, len, "unknown value for devtype (disk or cdrom)"); break;
    case A_ACCESS: setaccess(d, v); break;
    case A_BACKEND: savestring(d, "backend", &k->backend_domname, v); break;
    case A_BACKENDTYPE: setbackendtype(d, v); break;
    case A_SPEC: setspecification(d, v); break;
    case A_VDEV: savestring(d, "vdev", &k->vdev, v); break;
    case A_SCRIPT: savestring(d, "script", &k->script, v); break;
    case A_DIRECTIO: k->direct_io_safe = true; break;
    case A_DISCARD: k->discard = XLCFG_TRUE; break;
    case A_NODISCARD: k->discard = XLCFG_FALSE; break;
    case A_COLO: derr(d, tok, len, "COLO replication is not supported by Lamina"); break;
    case A_TRUSTED: k->trusted = XLCFG_TRUE; break;
    case A_UNTRUSTED: k->trusted = XLCFG_FALSE; break;
    case A_GRANT1: k->grant_usage = XLCFG_TRUE; break;
    case A_GRANT0: k->grant_usage = XLCFG_FALSE; break;
    case A_TARGET: savestring(d, "target", &k->pdev_path, v); break;
    case A_UNKNOWN: derr(d, tok, len, "unknown parameter"); break;
    case A_FMT_PREFIX:
        d->had_depr_prefix = true;
        snprintf(script, sizeof(script), "%.*s", (int)(strchr(tok, ':') - tok), tok);
        setformat(d, script, false);
        break;
    case A_SCRIPT_PREFIX:
        d->had_depr_prefix = true;
        snprintf(script, sizeof(script), "block-%.*s", (int)(strchr(tok, ':') - tok), tok);
        savestring(d, "script", &k->script, script);
        break;
    case A_PREFIX: d->had_depr_prefix = true; break;
    case A_BAD_PREFIX:
        derr(d, tok, (size_t)(strchr(tok, ':') + 1 - tok), "unknown deprecated disk prefix");
        break;
    case A_POSITIONAL: positional(d, v); break;
    case A_SIZE: setsize(d, v); break;
    }
    free(v);
}

static void scan(struct dpc *d)
{
    const char *s = d->spec;
    size_t i;

    while (*s && !d->failed) {
        const struct rule *best = NULL;
        size_t best_len = 0;

        if (*s == ' ' || *s == '\t' || *s == '\n') {
            s++;
            continue;
        }
        for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
            size_t n = rule_match(&rules[i], s);

            if (n > best_len) {
                best = &rules[i];
                best_len = n;
            }
        }
        if (!best) {
            derr(d, s, line_rest(s), "bad disk syntax");
            return;
        }
        /* Prefix rules consume only "word:"; their trailing context stays. */
        if (best->kind == R_PREFIX || best->kind == R_BAD_PREFIX)
            run_action(d, best, s, (size_t)(strchr(s, ':') + 1 - s));
        else
            run_action(d, best, s, best_len);
        if (best->kind == R_PREFIX)
            best_len = (size_t)(strchr(s, ':') + 1 - s);
        s += best_len;
    }
}

void xlcfg_disk_dispose(struct xlcfg_disk *disk)
{
    if (!disk)
        return;
    free(disk->pdev_path);
    free(disk->vdev);
    free(disk->backend_domname);
    free(disk->script);
    memset(disk, 0, sizeof(*disk));
}

int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *disk, const char *source, int line,
                     struct xlcfg_error *err)
{
    struct dpc d = { .disk = disk, .spec = spec ? spec : "", .err = err, .line = line,
                     .source = source ? source : "<disk>" };

    memset(disk, 0, sizeof(*disk));
    disk->readwrite = true;
    disk->line = line;
    scan(&d);
    if (!d.failed) {
        if (disk->format == XLCFG_FORMAT_UNKNOWN)
            disk->format = XLCFG_FORMAT_RAW;
        if (disk->is_cdrom) {
            disk->removable = true;
            disk->readwrite = false;
            if (!disk->pdev_path || !*disk->pdev_path)
                disk->format = XLCFG_FORMAT_EMPTY;
        }
        if (!disk->vdev)
            derr(&d, NULL, 0, "no vdev specified (add vdev=xvda, or use the positional form "
                 "target,format,vdev,access)");
        else if (!disk->pdev_path && !disk->removable)
            derr(&d, NULL, 0, "no target specified (and device not removable)");
    }
    if (d.failed) {
        xlcfg_disk_dispose(disk);
        return d.oom ? XLCFG_ENOMEM : XLCFG_EINVAL;
    }
    return 0;
}

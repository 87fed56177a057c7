/*
 * libxlcfg golden files, as OpenBSD vmd's regress/usr.sbin/vmd/config:
 * every tests/xlcfg/NAME.cfg is parsed (with the command-line overrides
 * of NAME.args, one per line, when that file exists), converted to the
 * domain model and printed: the warnings, one per line, then the JSON of
 * the domain config or the error message. The output must equal NAME.ok.
 * pass-*.cfg must convert, fail-*.cfg must not. Prints "PASS
 * xlcfg_golden/NAME.cfg" or "FAIL ..." per file.
 *
 *   build/host/unit-tests/xlcfg_golden [DIR]        (default tests/xlcfg)
 *   XLCFG_GOLDEN_UPDATE=1 ... rewrites the .ok files (review the diff!)
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <string.h>
#include "check.h"
#include "../../dom0-tools/libxlcfg/xlcfg_domain.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return NULL;
    do {
        if (n + 4096 > cap) {
            char *p = realloc(buf, cap = cap * 2 + 4096);

            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

static void append(char **out, size_t *len, const char *s)
{
    size_t n = strlen(s);
    char *p = realloc(*out, *len + n + 1);

    if (!p)
        abort();
    memcpy(p + *len, s, n + 1);
    *out = p;
    *len += n;
}

/* The output for one .cfg; *ok tells whether the conversion succeeded. */
static char *run_one(const char *dir, const char *name, bool *ok)
{
    char path[1024], *text, *args, *out = NULL, *json;
    size_t len, olen = 0, i;
    struct xlcfg_error err;
    struct domain_config dc;
    struct xlcfg *cfg;
    int rc = XLCFG_EINVAL;

    memset(&dc, 0, sizeof(dc));
    append(&out, &olen, "");
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    text = read_file(path, &len);
    if (!text) {
        *ok = false;
        append(&out, &olen, "cannot read the file\n");
        return out;
    }
    cfg = xlcfg_parse(text, len, name, &err);
    free(text);
    snprintf(path, sizeof(path), "%s/%.*s.args", dir, (int)(strlen(name) - 4), name);
    args = cfg ? read_file(path, &len) : NULL;
    for (char *line = args, *nl; cfg && line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl)
            *nl++ = 0;
        else
            nl = line + strlen(line);
        if (*line && xlcfg_apply_override(cfg, line, &err)) {
            xlcfg_free(cfg);
            cfg = NULL;
        }
    }
    free(args);
    if (cfg)
        rc = xlcfg_to_domain(cfg, &dc, &err);
    for (i = 0; i < dc.num_warnings; i++) {
        append(&out, &olen, dc.warnings[i]);
        append(&out, &olen, "\n");
    }
    *ok = rc == 0;
    if (rc == 0) {
        json = domain_config_to_json(&dc);
        append(&out, &olen, json ? json : "JSON failed\n");
        free(json);
    } else {
        append(&out, &olen, err.msg);
        append(&out, &olen, "\n");
    }
    domain_config_free(&dc);
    xlcfg_free(cfg);
    return out;
}

static void show_difference(const char *want, const char *got)
{
    const char *w = want, *g = got, *wl = want, *gl = got;
    int line = 1;

    while (*w && *w == *g) {
        if (*w == '\n') {
            line++;
            wl = w + 1;
            gl = g + 1;
        }
        w++;
        g++;
    }
    printf("  first difference on line %d of the output:\n  want: %.*s\n  got:  %.*s\n", line,
           (int)strcspn(wl, "\n"), wl, (int)strcspn(gl, "\n"), gl);
}

static int check_one(const char *dir, const char *name, bool update)
{
    char path[1024], *want;
    size_t len;
    bool ok;
    char *got = run_one(dir, name, &ok);
    int pass = 1;
    bool want_ok = !strncmp(name, "pass-", 5);

    if (!want_ok && strncmp(name, "fail-", 5)) {
        printf("  %s: golden files are named pass-*.cfg or fail-*.cfg\n", name);
        pass = 0;
    } else if (ok != want_ok) {
        printf("  %s: expected to %s, but it %s:\n%s", name, want_ok ? "pass" : "fail",
               ok ? "passed" : "failed", got);
        pass = 0;
    }
    snprintf(path, sizeof(path), "%s/%.*s.ok", dir, (int)(strlen(name) - 4), name);
    if (update && pass) {
        FILE *f = fopen(path, "w");

        if (!f || fputs(got, f) < 0 || fclose(f)) {
            printf("  cannot write %s\n", path);
            pass = 0;
        }
    } else if (pass) {
        want = read_file(path, &len);
        if (!want) {
            printf("  %s: no %s (XLCFG_GOLDEN_UPDATE=1 writes it)\n", name, path);
            pass = 0;
        } else if (strcmp(want, got)) {
            show_difference(want, got);
            pass = 0;
        }
        free(want);
    }
    free(got);
    printf("%s xlcfg_golden/%s\n", pass ? "PASS" : "FAIL", name);
    return pass;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/xlcfg";
    bool update = getenv("XLCFG_GOLDEN_UPDATE") != NULL;
    char **names = NULL;
    size_t n = 0, i;
    int failed = 0;
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        printf("FAIL xlcfg_golden: cannot open %s (run from the top of the tree)\n", dir);
        return 1;
    }
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);

        if (l > 4 && !strcmp(e->d_name + l - 4, ".cfg")) {
            names = realloc(names, (n + 1) * sizeof(*names));
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        failed += !check_one(dir, names[i], update);
        free(names[i]);
    }
    free(names);
    if (!n) {
        printf("FAIL xlcfg_golden: no .cfg files in %s\n", dir);
        return 1;
    }
    return failed ? 1 : 0;
}

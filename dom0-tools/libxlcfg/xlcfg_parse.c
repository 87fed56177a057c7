/*
 * libxlcfg: the parser and the settings store. The grammar is Xen 4.17's
 * (tools/libs/util/libxlu_cfg_y.y, rules as in the generated
 * libxlu_cfg_y.c):
 *
 *   file       := { stmt } [ assignment ]        last line may lack '\n'
 *   stmt       := assignment endstmt | endstmt
 *   assignment := key ( '=' | '+=' ) value
 *   endstmt    := newline | ';'
 *   value      := atom | '[' nl* [ values [ ',' nl* ] ] ']'
 *   values     := value nl* { ',' nl* value nl* }
 *   atom       := string | number
 *
 * Settings are kept in order; lookups take the latest (libxlu_cfg.c
 * prepends and searches from the head). `+=` concatenates with the
 * previous value of the key, string to string or list to list
 * (xlu__cfg_set_store / xlu__cfg_concat_vals). xl reports an error and
 * goes on to find more; we stop at the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_lex.h"

struct parser {
    struct xc_lexer lx;
    struct xc_token tok;        /* the current token */
    struct xlcfg *cfg;
    const char *source;
    struct xlcfg_error *err;
    bool oom;
};

static bool next(struct parser *p)
{
    xc_lex_next(&p->lx, &p->tok);
    return p->tok.type != TOK_ERROR;
}

static bool perr(struct parser *p, const struct xc_token *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool perr(struct parser *p, const struct xc_token *at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xc_verror(p->err, p->source, at->line, at->column, fmt, ap);
    va_end(ap);
    return false;
}

static bool oom(struct parser *p)
{
    p->oom = true;
    xc_oom(p->err);
    return false;
}

static bool skip_newlines(struct parser *p)
{
    while (p->tok.type == TOK_NEWLINE)
        if (!next(p))
            return false;
    return true;
}

static bool parse_value(struct parser *p, int depth, struct xlcfg_value **out,
                        const char *what);

/* At '['. */
static bool parse_list(struct parser *p, int depth, struct xlcfg_value **out)
{
    struct xc_token open = p->tok;
    struct xlcfg_value *list;
    char tb[48];

    if (depth >= XLCFG_MAX_DEPTH)
        return perr(p, &open, "lists nested more than %d deep", XLCFG_MAX_DEPTH);
    list = xc_value_list(open.line, open.column);
    if (!list)
        return oom(p);
    *out = list;
    if (!next(p) || !skip_newlines(p))
        return false;
    while (p->tok.type != TOK_RBRACK) {
        struct xlcfg_value *item = NULL;

        if (p->tok.type == TOK_EOF)
            return perr(p, &open, "unterminated list: this '[' has no matching ']'");
        if (!parse_value(p, depth + 1, &item, "a list item or ']'")) {
            xc_value_free(item);
            return false;
        }
        if (xc_list_append(list, item)) {
            xc_value_free(item);
            return oom(p);
        }
        if (!next(p) || !skip_newlines(p))
            return false;
        if (p->tok.type == TOK_COMMA) {
            if (!next(p) || !skip_newlines(p))
                return false;
        } else if (p->tok.type == TOK_EOF) {
            return perr(p, &open, "unterminated list: this '[' has no matching ']'");
        } else if (p->tok.type != TOK_RBRACK) {
            return perr(p, &p->tok, "expected ',' or ']' after a list item, found %s",
                        xc_tok_describe(&p->lx, &p->tok, tb, sizeof(tb)));
        }
    }
    return true;
}

/* The value at the current token; leaves the token on its last token. */
static bool parse_value(struct parser *p, int depth, struct xlcfg_value **out,
                        const char *what)
{
    struct xc_token *t = &p->tok;
    char *s;
    char tb[48];

    switch (t->type) {
    case TOK_STRING:
        *out = xc_value_string(t->str, true, t->line, t->column);
        if (!*out)
            return oom(p);
        t->str = NULL;
        return true;
    case TOK_NUMBER:
        s = xc_strndup(p->lx.buf + t->start, t->len);
        if (!s || !(*out = xc_value_string(s, false, t->line, t->column))) {
            free(s);
            return oom(p);
        }
        return true;
    case TOK_LBRACK:
        return parse_list(p, depth, out);
    case TOK_IDENT:
    case TOK_BADWORD:
        return perr(p, t, "expected %s, found %s: text values need quotes, e.g. \"%.*s\"",
                    what, xc_tok_describe(&p->lx, t, tb, sizeof(tb)),
                    (int)(t->len > 40 ? 40 : t->len), p->lx.buf + t->start);
    default:
        return perr(p, t, "expected %s, found %s", what,
                    xc_tok_describe(&p->lx, t, tb, sizeof(tb)));
    }
}

static const char *intern_source(struct xlcfg *cfg, const char *source)
{
    char **l;
    char *s;
    size_t cap = cfg->nsources;

    if (cfg->nsources && !strcmp(cfg->sources[cfg->nsources - 1], source))
        return cfg->sources[cfg->nsources - 1];
    s = xc_strdup(source);
    if (!s)
        return NULL;
    l = xc_grow(cfg->sources, &cap, cfg->nsources + 1, sizeof(*l));
    if (!l) {
        free(s);
        return NULL;
    }
    cfg->sources = l;
    cfg->sources[cfg->nsources++] = s;
    return s;
}

long xlcfg_setting_find(const struct xlcfg *cfg, const char *key)
{
    size_t i;

    for (i = cfg->nsettings; i-- > 0;)
        if (!strcmp(cfg->settings[i].key, key))
            return (long)i;
    return -1;
}

/*
 * `key += value`: value becomes the previous value of key followed by
 * itself. As in xl, the previous value is moved, not copied (its setting
 * is left with an empty string or list), so long chains of += stay linear.
 */
static bool concat_previous(struct parser *p, const char *key, struct xlcfg_value *value,
                            const struct xc_token *at)
{
    long prev = xlcfg_setting_find(p->cfg, key);
    struct xlcfg_value *pv;

    if (prev < 0)
        return true;
    pv = p->cfg->settings[prev].value;
    if (pv->type != value->type)
        return perr(p, at, "%s += : can't add [list] to \"string\" or vice versa "
                    "(%s was set as a %s on line %d)", key, key,
                    pv->type == XLCFG_LIST ? "list" : "string", p->cfg->settings[prev].line);
    if (value->type == XLCFG_STRING) {
        size_t a = pv->len, b = value->len;
        char *empty = malloc(1);
        char *s = empty ? xc_grow(pv->str, &pv->cap, a + b + 1, 1) : NULL;

        if (!s) {
            free(empty);
            return oom(p);
        }
        memcpy(s + a, value->str, b + 1);
        free(value->str);
        value->str = s;
        value->len = a + b;
        value->cap = pv->cap;
        empty[0] = 0;
        pv->str = empty;
        pv->len = 0;
        pv->cap = 1;
        return true;
    } else {
        size_t n = pv->nitems + value->nitems;
        struct xlcfg_value **items = xc_grow(pv->items, &pv->cap, n, sizeof(*items));

        if (!items)
            return oom(p);
        if (value->nitems)
            memcpy(items + pv->nitems, value->items, value->nitems * sizeof(*items));
        free(value->items);
        value->items = items;
        value->nitems = n;
        value->cap = pv->cap;
        pv->items = NULL;
        pv->nitems = pv->cap = 0;
        return true;
    }
}

static bool store(struct parser *p, const struct xc_token *keytok, bool add,
                  struct xlcfg_value *value)
{
    struct xlcfg *cfg = p->cfg;
    struct xlcfg_setting *s;
    char *key = xc_strndup(p->lx.buf + keytok->start, keytok->len);
    const char *src = intern_source(cfg, p->source);
    size_t cap = cfg->cap;

    if (cfg->nsettings >= XLCFG_MAX_SETTINGS) {
        free(key);
        xc_value_free(value);
        return perr(p, keytok, "more than %d settings", XLCFG_MAX_SETTINGS);
    }
    if (!key || !src) {
        free(key);
        xc_value_free(value);
        return oom(p);
    }
    if (add && !concat_previous(p, key, value, keytok)) {
        free(key);
        xc_value_free(value);
        return false;
    }
    s = xc_grow(cfg->settings, &cap, cfg->nsettings + 1, sizeof(*s));
    if (!s) {
        free(key);
        xc_value_free(value);
        return oom(p);
    }
    cfg->settings = s;
    cfg->cap = cap;
    s = &cfg->settings[cfg->nsettings++];
    s->key = key;
    s->value = value;
    s->source = src;
    s->line = keytok->line;
    s->column = keytok->column;
    s->added = add;
    return true;
}

/* Keys that start Python statements, for a hint in the error. */
static bool python_word(const char *s, size_t n)
{
    static const char *const words[] = { "import", "from", "def", "if", "for", "print" };
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && !strncmp(s, words[i], n))
            return true;
    return false;
}

/* At a key. */
static bool parse_assignment(struct parser *p)
{
    struct xc_token key = p->tok;
    struct xlcfg_value *value = NULL;
    bool add;
    char tb[48];

    if (!next(p))
        return false;
    if (p->tok.type != TOK_EQ && p->tok.type != TOK_ADD)
        return perr(p, &p->tok, "expected '=' after '%.*s', found %s%s", (int)key.len,
                    p->lx.buf + key.start, xc_tok_describe(&p->lx, &p->tok, tb, sizeof(tb)),
                    python_word(p->lx.buf + key.start, key.len)
                    ? " (configs written as Python are not supported)" : "");
    add = p->tok.type == TOK_ADD;
    if (!next(p))
        return false;
    if (p->tok.type == TOK_NEWLINE || p->tok.type == TOK_EOF || p->tok.type == TOK_SEMI)
        return perr(p, &p->tok, "expected a value after '%s'", add ? "+=" : "=");
    if (!parse_value(p, 0, &value, add ? "a value after '+='" : "a value after '='")) {
        xc_value_free(value);
        return false;
    }
    if (!store(p, &key, add, value))
        return false;
    if (!next(p))
        return false;
    if (p->tok.type != TOK_NEWLINE && p->tok.type != TOK_SEMI && p->tok.type != TOK_EOF)
        return perr(p, &p->tok, "expected the end of the line or ';' after the value of '%.*s', "
                    "found %s", (int)key.len, p->lx.buf + key.start,
                    xc_tok_describe(&p->lx, &p->tok, tb, sizeof(tb)));
    return true;
}

static bool parse_all(struct parser *p)
{
    char tb[48];

    for (;;) {
        if (!next(p))
            return false;
        switch (p->tok.type) {
        case TOK_EOF:
            return true;
        case TOK_NEWLINE:
        case TOK_SEMI:
            break;
        case TOK_IDENT:
            if (!parse_assignment(p))
                return false;
            if (p->tok.type == TOK_EOF)
                return true;
            break;
        case TOK_BADWORD:
            return perr(p, &p->tok, "invalid key %s: keys are lower-case letters, digits, '_' "
                        "and '.', starting with a letter",
                        xc_tok_describe(&p->lx, &p->tok, tb, sizeof(tb)));
        default:
            return perr(p, &p->tok, "expected a key at the start of a setting, found %s",
                        xc_tok_describe(&p->lx, &p->tok, tb, sizeof(tb)));
        }
    }
}

static int parse_into(struct xlcfg *cfg, const char *buf, size_t len, const char *source,
                      struct xlcfg_error *err)
{
    struct parser p = { .cfg = cfg, .source = source, .err = err };
    size_t before = cfg->nsettings;
    bool ok;

    if (len > XLCFG_MAX_INPUT) {
        xc_error(err, source, 0, 0, "input of %zu bytes is larger than the %u-byte limit",
                 len, XLCFG_MAX_INPUT);
        return XLCFG_EINVAL;
    }
    if (len && !buf) {
        xc_error(err, source, 0, 0, "no input buffer");
        return XLCFG_EINVAL;
    }
    xc_lex_init(&p.lx, buf, len, source, err);
    ok = parse_all(&p);
    free(p.tok.str);
    if (ok)
        return 0;
    /* All or nothing: drop what this input added. */
    while (cfg->nsettings > before) {
        struct xlcfg_setting *s = &cfg->settings[--cfg->nsettings];

        free(s->key);
        xc_value_free(s->value);
    }
    return p.oom || p.lx.oom ? XLCFG_ENOMEM : XLCFG_EINVAL;
}

struct xlcfg *xlcfg_parse(const char *buf, size_t len, const char *filename,
                          struct xlcfg_error *err)
{
    struct xlcfg *cfg = calloc(1, sizeof(*cfg));

    if (err)
        memset(err, 0, sizeof(*err));
    if (!cfg) {
        xc_oom(err);
        return NULL;
    }
    if (parse_into(cfg, buf, len, filename ? filename : "<input>", err)) {
        xlcfg_free(cfg);
        return NULL;
    }
    return cfg;
}

int xlcfg_apply_override(struct xlcfg *cfg, const char *text, struct xlcfg_error *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
    if (!cfg || !text) {
        xc_error(err, "command line", 0, 0, "no configuration or override");
        return XLCFG_EINVAL;
    }
    if (!strchr(text, '=')) {
        xc_error(err, "command line", 0, 0, "override '%.60s' is not of the form key=value", text);
        return XLCFG_EINVAL;
    }
    return parse_into(cfg, text, strlen(text), "command line", err);
}

void xlcfg_free(struct xlcfg *cfg)
{
    size_t i;

    if (!cfg)
        return;
    for (i = 0; i < cfg->nsettings; i++) {
        free(cfg->settings[i].key);
        xc_value_free(cfg->settings[i].value);
    }
    free(cfg->settings);
    for (i = 0; i < cfg->nsources; i++)
        free(cfg->sources[i]);
    free(cfg->sources);
    free(cfg);
}

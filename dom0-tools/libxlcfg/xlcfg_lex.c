/*
 * libxlcfg: the tokenizer. It accepts the tokens of Xen 4.17's flex
 * lexer (tools/libs/util/libxlu_cfg_l.l, whose tables are in the
 * generated libxlu_cfg_l.c):
 *
 *   key       [a-z][._0-9a-z]*          (no upper case)
 *   number    [0-9][0-9a-fx]*           (lower-case hex digits only)
 *   string    '...' or "..." on one line; a backslash escapes the next
 *             character; \" \' \\ \a \b \f \n \r \t \v are decoded
 *   = += ; , [ ]  newline  # comment up to the newline   space and tab
 *
 * Everything else is an error, with a message that says why. Where xl's
 * own behaviour is broken we refuse rather than imitate it:
 *   - numeric escapes: xl's \xHH always fails and its octal \NNN drops
 *     the character (libxlu_cfg.c: xlu__cfgl_dequote), so both are errors;
 *   - CR (DOS line endings) and NUL bytes: xl's "lexical error", named here.
 * One leniency: a comment on the last line without a newline is accepted
 * (xl's rule needs the newline; xl create appends one when there are
 * command-line overrides).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_lex.h"

void xc_lex_init(struct xc_lexer *lx, const char *buf, size_t len, const char *source,
                 struct xlcfg_error *err)
{
    lx->buf = buf;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->column = 1;
    lx->source = source;
    lx->err = err;
    lx->oom = false;
}

static int peekc(const struct xc_lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? (unsigned char)lx->buf[lx->pos + ahead] : -1;
}

static void advance(struct xc_lexer *lx, size_t n)
{
    lx->pos += n;
    lx->column += (int)n;
}

static bool is_key_char(int c)
{
    return xc_is_lower(c) || xc_is_digit(c) || c == '_' || c == '.';
}

static bool is_word_char(int c)
{
    return is_key_char(c) || xc_is_upper(c);
}

static bool is_number_char(int c)
{
    return xc_is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x';
}

static void lex_error(struct xc_lexer *lx, struct xc_token *t, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void lex_error(struct xc_lexer *lx, struct xc_token *t, int col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xc_verror(lx->err, lx->source, lx->line, col, fmt, ap);
    va_end(ap);
    t->type = TOK_ERROR;
}

/* Decodes the escape after a backslash at in[i]; returns the byte or -1. */
static int decode_escape(int c)
{
    switch (c) {
    case '"': case '\'': case '\\': return c;
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    }
    return -1;
}

/* A quoted string starting at lx->pos. */
static void lex_string(struct xc_lexer *lx, struct xc_token *t)
{
    int quote = peekc(lx, 0);
    size_t i = 1, n = 0;
    char *out;
    char cb[8];

    /* Find the end first: the decoded text is never longer than the source. */
    for (;;) {
        int c = peekc(lx, i);

        if (c < 0 || c == '\n') {
            lex_error(lx, t, t->column, "unterminated string: %c without a closing %c on the same "
                      "line (strings cannot span lines)", quote, quote);
            return;
        }
        if (c == quote)
            break;
        if (c == 0) {
            lex_error(lx, t, t->column + (int)i, "NUL byte inside a string");
            return;
        }
        if (c == '\\') {
            int e = peekc(lx, i + 1);

            if (e < 0 || e == '\n') {
                lex_error(lx, t, t->column, "unterminated string: backslash at the end of the line");
                return;
            }
            i++;
        }
        i++;
    }
    out = malloc(i);
    if (!out) {
        lx->oom = true;
        xc_oom(lx->err);
        t->type = TOK_ERROR;
        return;
    }
    for (size_t j = 1; j < i; j++) {
        int c = (unsigned char)lx->buf[lx->pos + j];

        if (c == '\\') {
            int e = (unsigned char)lx->buf[lx->pos + ++j];
            int d = decode_escape(e);

            if (d < 0) {
                free(out);
                if (e == 'x' || (e >= '0' && e <= '7'))
                    lex_error(lx, t, t->column + (int)j - 1, "numeric escape '\\%c' in a string is "
                              "not supported (xl mis-parses \\x and octal escapes)", e);
                else
                    lex_error(lx, t, t->column + (int)j - 1, "invalid escape '\\' followed by %s in "
                              "a string (use \\\\ for a backslash)", xc_char_name((unsigned char)e, cb));
                return;
            }
            c = d;
        }
        out[n++] = (char)c;
    }
    out[n] = 0;
    t->type = TOK_STRING;
    t->str = out;
    advance(lx, i + 1);
}

/* A run of letters, digits, '_' and '.' that is not a key or number. */
static void lex_word(struct xc_lexer *lx, struct xc_token *t, enum xc_tok type)
{
    size_t n = 1;

    while (peekc(lx, n) >= 0 && is_word_char(peekc(lx, n)))
        n++;
    t->type = type;
    advance(lx, n);
}

static void lex_number(struct xc_lexer *lx, struct xc_token *t)
{
    size_t n = 1;

    while (peekc(lx, n) >= 0 && is_number_char(peekc(lx, n)))
        n++;
    if (peekc(lx, n) >= 0 && is_word_char(peekc(lx, n))) {
        size_t m = n;

        while (peekc(lx, m) >= 0 && (is_word_char(peekc(lx, m)) || peekc(lx, m) == '-'))
            m++;
        lex_error(lx, t, t->column, "'%.*s' is not a number: numbers are decimal, octal (leading "
                  "0) or hex (0x, lower-case digits), without units or fractions; "
                  "quote text as a string", (int)(m > 40 ? 40 : m), lx->buf + lx->pos);
        return;
    }
    t->type = TOK_NUMBER;
    advance(lx, n);
}

/* Skips blanks and comments (up to, not including, the newline). */
static void skip_blank(struct xc_lexer *lx)
{
    for (;;) {
        int c = peekc(lx, 0);

        if (c == ' ' || c == '\t') {
            advance(lx, 1);
        } else if (c == '#') {
            const char *nl = memchr(lx->buf + lx->pos, '\n', lx->len - lx->pos);
            size_t end = nl ? (size_t)(nl - lx->buf) : lx->len;

            advance(lx, end - lx->pos);
        } else {
            return;
        }
    }
}

void xc_lex_next(struct xc_lexer *lx, struct xc_token *t)
{
    int c;
    char cb[8];

    memset(t, 0, sizeof(*t));
    skip_blank(lx);
    t->start = lx->pos;
    t->line = lx->line;
    t->column = lx->column;
    c = peekc(lx, 0);
    if (c < 0) {
        t->type = TOK_EOF;
        return;
    }
    switch (c) {
    case '\n':
        t->type = TOK_NEWLINE;
        lx->pos++;
        lx->line++;
        lx->column = 1;
        t->len = 1;
        return;
    case '=': t->type = TOK_EQ; advance(lx, 1); break;
    case ';': t->type = TOK_SEMI; advance(lx, 1); break;
    case ',': t->type = TOK_COMMA; advance(lx, 1); break;
    case '[': t->type = TOK_LBRACK; advance(lx, 1); break;
    case ']': t->type = TOK_RBRACK; advance(lx, 1); break;
    case '\'': case '"': lex_string(lx, t); break;
    case '+':
        if (peekc(lx, 1) == '=') {
            t->type = TOK_ADD;
            advance(lx, 2);
            break;
        }
        /* fall through */
    case '-': case '.': case '(': case ')': case ':':
        lex_error(lx, t, t->column, "unexpected '%c': expressions are not part of the xl syntax "
                  "(configs written as Python are not supported)", c);
        return;
    case '\r':
        lex_error(lx, t, t->column, "carriage return in the input: xl accepts only Unix (LF) "
                  "line endings");
        return;
    case 0:
        lex_error(lx, t, t->column, "NUL byte in the input");
        return;
    default:
        if (xc_is_lower(c)) {
            size_t n = 1;

            while (peekc(lx, n) >= 0 && is_key_char(peekc(lx, n)))
                n++;
            if (peekc(lx, n) >= 0 && xc_is_upper(peekc(lx, n)))
                lex_word(lx, t, TOK_BADWORD);
            else {
                t->type = TOK_IDENT;
                advance(lx, n);
            }
        } else if (xc_is_digit(c)) {
            lex_number(lx, t);
        } else if (xc_is_upper(c) || c == '_') {
            lex_word(lx, t, TOK_BADWORD);
        } else {
            lex_error(lx, t, t->column, "unexpected character %s", xc_char_name((unsigned char)c, cb));
            return;
        }
    }
    if (t->type != TOK_ERROR)
        t->len = lx->pos - t->start;
}

/* "'name'", "end of line", ... for messages. */
const char *xc_tok_describe(const struct xc_lexer *lx, const struct xc_token *t,
                            char *buf, size_t size)
{
    switch (t->type) {
    case TOK_EOF: return "the end of the file";
    case TOK_NEWLINE: return "the end of the line";
    case TOK_EQ: return "'='";
    case TOK_ADD: return "'+='";
    case TOK_SEMI: return "';'";
    case TOK_COMMA: return "','";
    case TOK_LBRACK: return "'['";
    case TOK_RBRACK: return "']'";
    case TOK_STRING: return "a string";
    default:
        snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), lx->buf + t->start);
        return buf;
    }
}

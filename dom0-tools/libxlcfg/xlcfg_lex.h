/* libxlcfg: the tokenizer of xl.cfg (Xen 4.17 tools/libs/util/libxlu_cfg_l.l). */
#ifndef LAMINA_XLCFG_LEX_H
#define LAMINA_XLCFG_LEX_H

#include "xlcfg_int.h"

enum xc_tok {
    TOK_EOF, TOK_NEWLINE, TOK_IDENT, TOK_NUMBER, TOK_STRING,
    TOK_EQ, TOK_ADD, TOK_SEMI, TOK_COMMA, TOK_LBRACK, TOK_RBRACK,
    TOK_BADWORD,        /* a word that is no key: upper case, '_' first */
    TOK_ERROR,          /* the lexer filled *err */
};

struct xc_token {
    enum xc_tok type;
    size_t start, len;  /* the token's bytes in the input */
    int line, column;
    char *str;          /* TOK_STRING: the dequoted text (the parser takes it) */
};

struct xc_lexer {
    const char *buf;
    size_t len, pos;
    int line, column;
    const char *source;
    struct xlcfg_error *err;
    bool oom;
};

void xc_lex_init(struct xc_lexer *lx, const char *buf, size_t len, const char *source,
                 struct xlcfg_error *err);
void xc_lex_next(struct xc_lexer *lx, struct xc_token *t);
const char *xc_tok_describe(const struct xc_lexer *lx, const struct xc_token *t,
                            char *buf, size_t size);

#endif

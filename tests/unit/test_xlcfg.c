/* libxlcfg: the xl.cfg syntax (lexer, parser, overrides, typed getters). */
#include <string.h>
#include "check.h"
#include "../../dom0-tools/libxlcfg/xlcfg.h"

static struct xlcfg_error err;

static struct xlcfg *P(const char *s)
{
    return xlcfg_parse(s, strlen(s), "t.cfg", &err);
}

/* Parses s, which must fail with a message starting with want. */
static int fails_with(const char *s, const char *want)
{
    struct xlcfg *c = P(s);

    if (c) {
        xlcfg_free(c);
        printf("  unexpectedly parsed: %s\n", s);
        return 0;
    }
    if (strncmp(err.msg, want, strlen(want))) {
        printf("  got '%s'\n  want '%s...'\n", err.msg, want);
        return 0;
    }
    return 1;
}

static const char *str(const struct xlcfg *c, const char *key)
{
    const char *s = NULL;

    return xlcfg_get_string(c, key, &s, &err) ? NULL : s;
}

static void test_basic_settings(void)
{
    struct xlcfg *c = P("name = \"vm1\"\nmemory = 512\n\n# comment\nkernel='/boot/Image' # tail\n");
    int64_t v;

    CHECK(c);
    CHECK(!strcmp(str(c, "name"), "vm1"));
    CHECK(!strcmp(str(c, "kernel"), "/boot/Image"));
    CHECK_EQ(xlcfg_get_long(c, "memory", 1, 1 << 20, &v, &err), 0);
    CHECK_EQ(v, 512);
    CHECK_EQ(xlcfg_setting_count(c), 3);
    CHECK_EQ(xlcfg_setting_line(c, 2), 5);
    CHECK(!strcmp(xlcfg_setting_source(c, 0), "t.cfg"));
    CHECK_EQ(xlcfg_get_string(c, "nosuch", &(const char *){ 0 }, &err), XLCFG_ENOENT);
    xlcfg_free(c);
}

static void test_separators_and_eof(void)
{
    struct xlcfg *c = P("name=\"h0\"; type=\"pvh\";;\n;memory=4");   /* no final newline */

    CHECK(c);
    CHECK(!strcmp(str(c, "type"), "pvh"));
    CHECK_EQ(xlcfg_setting_count(c), 3);
    xlcfg_free(c);
    c = P("");
    CHECK(c);
    CHECK_EQ(xlcfg_setting_count(c), 0);
    xlcfg_free(c);
    c = P("# only a comment, no newline");
    CHECK(c);
    xlcfg_free(c);
    c = P("\n\n   \t\n");
    CHECK(c);
    xlcfg_free(c);
}

static void test_later_overrides_earlier(void)
{
    struct xlcfg *c = P("memory = 128\nmemory = 256\nname='a'\nname='b'\n");
    int64_t v;

    CHECK(c);
    CHECK_EQ(xlcfg_get_long(c, "memory", 0, 10000, &v, &err), 0);
    CHECK_EQ(v, 256);
    CHECK(!strcmp(str(c, "name"), "b"));
    CHECK_EQ(xlcfg_setting_find(c, "memory"), 1);
    xlcfg_free(c);
}

static void test_strings_and_escapes(void)
{
    struct xlcfg *c = P("a = 'it''s'\n");   /* two strings: an error */

    CHECK(!c);
    c = P("a = \"q\\\"uote\"\nb = 'q\\'s'\nc = \"t\\tn\\nb\\\\\"\nd = 'x\\a\\b\\f\\r\\v'\n"
          "e = \"\"\nf = 'double \" inside single'\ng = \"caf\xc3\xa9\"\n");
    CHECK(c);
    CHECK(!strcmp(str(c, "a"), "q\"uote"));
    CHECK(!strcmp(str(c, "b"), "q's"));
    CHECK(!strcmp(str(c, "c"), "t\tn\nb\\"));
    CHECK(!strcmp(str(c, "d"), "x\a\b\f\r\v"));
    CHECK(!strcmp(str(c, "e"), ""));
    CHECK(!strcmp(str(c, "f"), "double \" inside single"));
    CHECK(!strcmp(str(c, "g"), "caf\xc3\xa9"));
    CHECK(xlcfg_value_quoted(xlcfg_lookup(c, "a")));
    xlcfg_free(c);
    CHECK(fails_with("a = \"\\x41\"\n", "t.cfg:1:6: numeric escape '\\x'"));
    CHECK(fails_with("a = \"\\101\"\n", "t.cfg:1:6: numeric escape '\\1'"));
    CHECK(fails_with("a = '\\q'\n", "t.cfg:1:6: invalid escape"));
}

static void test_unterminated(void)
{
    CHECK(fails_with("name = \"vm1\nmemory = 5\n", "t.cfg:1:8: unterminated string"));
    CHECK(fails_with("name = 'vm1", "t.cfg:1:8: unterminated string"));
    CHECK(fails_with("name = 'vm1\\", "t.cfg:1:8: unterminated string"));
    CHECK(fails_with("name = 'a\\\nb'\n", "t.cfg:1:8: unterminated string"));
    CHECK(fails_with("disk = [ 'a',\n 'b'\n", "t.cfg:1:8: unterminated list"));
    CHECK(fails_with("disk = [", "t.cfg:1:8: unterminated list"));
    CHECK(fails_with("disk = [ 'a' 'b' ]", "t.cfg:1:14: expected ',' or ']'"));
}

static void test_lists(void)
{
    struct xlcfg *c = P("disk = [ 'a', \"b\", ]\nvif = [\n  'x',  # one\n\n  'y'\n  ]\n"
                        "e = []\nn = [ [ 'p=0', 1 ], [] ]\nm = [ 1, 0x10 ,'s' ]\n");
    const struct xlcfg_value *l;

    CHECK(c);
    CHECK_EQ(xlcfg_get_list(c, "disk", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 2);
    CHECK(!strcmp(xlcfg_value_string(xlcfg_list_item(l, 1)), "b"));
    CHECK(xlcfg_list_item(l, 2) == NULL);
    CHECK_EQ(xlcfg_get_list(c, "vif", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 2);
    CHECK_EQ(xlcfg_value_line(xlcfg_list_item(l, 1)), 5);
    CHECK_EQ(xlcfg_get_list(c, "e", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 0);
    CHECK_EQ(xlcfg_get_list(c, "n", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 2);
    CHECK_EQ(xlcfg_value_type(xlcfg_list_item(l, 0)), XLCFG_LIST);
    CHECK_EQ(xlcfg_list_length(xlcfg_list_item(l, 0)), 2);
    CHECK_EQ(xlcfg_get_list(c, "m", &l, &err), 0);
    CHECK(!strcmp(xlcfg_value_string(xlcfg_list_item(l, 1)), "0x10"));
    CHECK(!xlcfg_value_quoted(xlcfg_list_item(l, 1)));
    /* type mismatches */
    CHECK_EQ(xlcfg_get_string(c, "disk", &(const char *){ 0 }, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:1: disk: expected a single value, found a list"));
    CHECK_EQ(xlcfg_get_list(c, "missing", &l, &err), XLCFG_ENOENT);
    xlcfg_free(c);
    c = P("a = 'x'\n");
    CHECK_EQ(xlcfg_get_list(c, "a", &l, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:1: a: expected a list [ ... ], found a single value"));
    xlcfg_free(c);
    CHECK(fails_with("a = [ , ]\n", "t.cfg:1:7: expected a list item or ']', found ','"));
    CHECK(fails_with("a = [ 'x', , ]\n", "t.cfg:1:12: expected a list item"));
    CHECK(fails_with("a = [ 'x' ] 'y'\n", "t.cfg:1:13: expected the end of the line"));
}

static void test_nesting_limit(void)
{
    char deep[200];
    struct xlcfg *c;
    int i;

    strcpy(deep, "a = ");
    for (i = 0; i < XLCFG_MAX_DEPTH; i++)
        strcat(deep, "[");
    for (i = 0; i < XLCFG_MAX_DEPTH; i++)
        strcat(deep, "]");
    c = P(deep);
    CHECK(c);
    xlcfg_free(c);
    strcpy(deep, "a = ");
    for (i = 0; i < XLCFG_MAX_DEPTH + 1; i++)
        strcat(deep, "[");
    CHECK(fails_with(deep, "t.cfg:1:"));
    CHECK(strstr(err.msg, "nested more than"));
}

static void test_numbers(void)
{
    struct xlcfg *c = P("d = 42\nh = 0x1f\no = 010\ns = \"512\"\nsp = ' 7'\nneg = '-3'\n"
                        "bad = '12abc'\nhuge = 99999999999999999999\nlist = [1]\n"
                        "nine = 09\nmax = 9223372036854775807\n");
    int64_t v;
    bool b;

    CHECK(c);
    CHECK_EQ(xlcfg_get_long(c, "d", 0, 100, &v, &err), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(xlcfg_get_long(c, "h", 0, 100, &v, &err), 0);
    CHECK_EQ(v, 31);
    CHECK_EQ(xlcfg_get_long(c, "o", 0, 100, &v, &err), 0);      /* octal, as strtol base 0 */
    CHECK_EQ(v, 8);
    CHECK_EQ(xlcfg_get_long(c, "s", 0, 1000, &v, &err), 0);     /* a string works */
    CHECK_EQ(v, 512);
    CHECK_EQ(xlcfg_get_long(c, "sp", 0, 1000, &v, &err), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(xlcfg_get_long(c, "neg", -10, 10, &v, &err), 0);
    CHECK_EQ(v, -3);
    CHECK_EQ(xlcfg_get_long(c, "neg", 0, 10, &v, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:6: neg: -3 is less than the minimum 0"));
    CHECK_EQ(xlcfg_get_long(c, "d", 0, 10, &v, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:1: d: 42 is greater than the maximum 10"));
    CHECK_EQ(xlcfg_get_long(c, "bad", 0, 100, &v, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:7: bad: \"12abc\" is not a valid number"));
    CHECK_EQ(xlcfg_get_long(c, "huge", INT64_MIN, INT64_MAX, &v, &err), XLCFG_EINVAL);
    CHECK(strstr(err.msg, "out of range"));
    CHECK_EQ(xlcfg_get_long(c, "list", 0, 100, &v, &err), XLCFG_EINVAL);
    CHECK_EQ(xlcfg_get_long(c, "nine", 0, 100, &v, &err), XLCFG_EINVAL);   /* 9 is no octal digit */
    CHECK_EQ(xlcfg_get_long(c, "max", INT64_MIN, INT64_MAX, &v, &err), 0);
    CHECK_EQ(v, INT64_MAX);
    CHECK_EQ(xlcfg_get_bool(c, "d", &b, &err), 0);
    CHECK(b);
    xlcfg_free(c);
    /* Tokens xl's lexer does not take as numbers. */
    CHECK(fails_with("memory = 512M\n", "t.cfg:1:10: '512M' is not a number"));
    CHECK(fails_with("memory = 1.5\n", "t.cfg:1:10: '1.5' is not a number"));
    CHECK(fails_with("memory = 0x1F\n", "t.cfg:1:10: '0x1F' is not a number"));
    CHECK(fails_with("memory = -5\n", "t.cfg:1:10: unexpected '-'"));
    CHECK(fails_with("memory = 512m\n", "t.cfg:1:10: '512m' is not a number"));
}

static void test_syntax_errors(void)
{
    CHECK(fails_with("name =\n", "t.cfg:1:7: expected a value after '='"));
    CHECK(fails_with("\n\n\nname = ", "t.cfg:4:8: expected a value after '='"));
    CHECK(fails_with("name = ;\n", "t.cfg:1:8: expected a value after '='"));
    CHECK(fails_with("name \"x\"\n", "t.cfg:1:6: expected '=' after 'name', found a string"));
    CHECK(fails_with("name\n= 'x'\n", "t.cfg:1:5: expected '=' after 'name', found the end of the line"));
    CHECK(fails_with("Name = 'x'\n", "t.cfg:1:1: invalid key 'Name'"));
    CHECK(fails_with("memOry = 1\n", "t.cfg:1:1: invalid key 'memOry'"));
    CHECK(fails_with("_x = 1\n", "t.cfg:1:1: invalid key '_x'"));
    CHECK(fails_with("name = vm1\n", "t.cfg:1:8: expected a value after '=', found 'vm1': text values need quotes"));
    CHECK(fails_with("'x' = 1\n", "t.cfg:1:1: expected a key at the start of a setting, found a string"));
    CHECK(fails_with("= 1\n", "t.cfg:1:1: expected a key"));
    CHECK(fails_with("a = 1 2\n", "t.cfg:1:7: expected the end of the line or ';'"));
    CHECK(fails_with("a = 1\r\n", "t.cfg:1:6: carriage return"));
    CHECK(fails_with("a = (1)\n", "t.cfg:1:5: unexpected '('"));
    CHECK(fails_with("import os\n", "t.cfg:1:8: expected '='"));
    CHECK(fails_with("a + 1\n", "t.cfg:1:3: unexpected '+'"));
    CHECK(fails_with("a = {}\n", "t.cfg:1:5: unexpected character '{'"));
    CHECK(fails_with("a = \x01\n", "t.cfg:1:5: unexpected character '\\x01'"));
    CHECK(fails_with("a = \xff\n", "t.cfg:1:5: unexpected character '\\xff'"));
    CHECK(fails_with("a = 1 ]\n", "t.cfg:1:7: expected the end"));
    /* dotted keys are keys */
    struct xlcfg *c = P("a.b_1 = 1\n");
    CHECK(c && xlcfg_lookup(c, "a.b_1"));
    xlcfg_free(c);
}

static void test_nul_bytes(void)
{
    static const char in[] = "name = 'a\0b'\n";
    static const char in2[] = "name = 'a'\n\0memory = 1\n";
    struct xlcfg *c = xlcfg_parse(in, sizeof(in) - 1, "n.cfg", &err);

    CHECK(!c);
    CHECK(!strcmp(err.msg, "n.cfg:1:10: NUL byte inside a string"));
    c = xlcfg_parse(in2, sizeof(in2) - 1, "n.cfg", &err);
    CHECK(!c);
    CHECK(!strcmp(err.msg, "n.cfg:2:1: NUL byte in the input"));
    /* The length bounds the input: bytes after it are never read. */
    c = xlcfg_parse("memory = 12345", 10, "n.cfg", &err);
    CHECK(c);
    CHECK(!strcmp(str(c, "memory"), "1"));
    xlcfg_free(c);
    c = xlcfg_parse(NULL, 0, NULL, &err);
    CHECK(c);
    xlcfg_free(c);
}

static void test_plus_equals(void)
{
    struct xlcfg *c = P("extra = 'a'\nextra += ' b'\ndisk = ['x']\ndisk += ['y', 'z']\n"
                        "new += 'n'\nnl += [1]\n");
    const struct xlcfg_value *l;
    int64_t v;

    CHECK(c);
    CHECK(!strcmp(str(c, "extra"), "a b"));
    CHECK_EQ(xlcfg_get_list(c, "disk", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 3);
    CHECK(!strcmp(xlcfg_value_string(xlcfg_list_item(l, 0)), "x"));
    CHECK(!strcmp(xlcfg_value_string(xlcfg_list_item(l, 2)), "z"));
    CHECK(!strcmp(str(c, "new"), "n"));
    CHECK_EQ(xlcfg_get_list(c, "nl", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 1);
    xlcfg_free(c);
    CHECK(fails_with("a = 'x'\na += ['y']\n", "t.cfg:2:1: a += : can't add [list] to \"string\""));
    c = P("m = 1\nm += 2\n");
    CHECK(c);
    CHECK_EQ(xlcfg_get_long(c, "m", 0, 100, &v, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:2: m: can't use += with numbers"));
    xlcfg_free(c);
    /* Long chains stay linear (the previous value is moved, as in xl). */
    {
        static char big[7 * 5000 + 1];
        int i;

        for (i = 0; i < 5000; i++)
            memcpy(big + 7 * i, "a+=[1]\n", 7);
        c = xlcfg_parse(big, 7 * 5000, "big.cfg", &err);
        CHECK(c);
        CHECK_EQ(xlcfg_get_list(c, "a", &l, &err), 0);
        CHECK_EQ(xlcfg_list_length(l), 5000);
        xlcfg_free(c);
    }
}

static void test_overrides(void)
{
    struct xlcfg *c = P("name = 'vm'\nmemory = 128\nextra = 'quiet'\ndisk = ['a']\n");
    const struct xlcfg_value *l;
    int64_t v;

    CHECK(c);
    CHECK_EQ(xlcfg_apply_override(c, "memory=512", &err), 0);
    CHECK_EQ(xlcfg_get_long(c, "memory", 0, 100000, &v, &err), 0);
    CHECK_EQ(v, 512);
    CHECK_EQ(xlcfg_apply_override(c, "extra+=\" console=hvc0\"", &err), 0);
    CHECK(!strcmp(str(c, "extra"), "quiet console=hvc0"));
    CHECK_EQ(xlcfg_apply_override(c, "disk+=['b'];vcpus=2", &err), 0);
    CHECK_EQ(xlcfg_get_list(c, "disk", &l, &err), 0);
    CHECK_EQ(xlcfg_list_length(l), 2);
    CHECK_EQ(xlcfg_get_long(c, "vcpus", 0, 10, &v, &err), 0);
    CHECK(!strcmp(xlcfg_setting_source(c, xlcfg_setting_count(c) - 1), "command line"));
    /* A failed override leaves the configuration as it was. */
    size_t n = xlcfg_setting_count(c);
    CHECK_EQ(xlcfg_apply_override(c, "name='x'; memory=", &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "command line:1:18: expected a value after '='"));
    CHECK_EQ(xlcfg_setting_count(c), n);
    CHECK(!strcmp(str(c, "name"), "vm"));
    CHECK_EQ(xlcfg_apply_override(c, "memory", &err), XLCFG_EINVAL);
    CHECK(strstr(err.msg, "is not of the form key=value"));
    CHECK_EQ(xlcfg_apply_override(c, "memory = 'x", &err), XLCFG_EINVAL);
    CHECK(!strncmp(err.msg, "command line:1:10: unterminated string", 38));
    xlcfg_free(c);
}

static void test_long_lines_and_big_input(void)
{
    size_t n = 1 << 20, i;
    char *buf = malloc(n + 32);
    struct xlcfg *c;

    /* A one-megabyte string value on one line. */
    memcpy(buf, "a = '", 5);
    for (i = 5; i < n; i++)
        buf[i] = 'x';
    memcpy(buf + n, "'\n", 2);
    c = xlcfg_parse(buf, n + 2, "long.cfg", &err);
    CHECK(c);
    CHECK_EQ(strlen(str(c, "a")), n - 5);
    xlcfg_free(c);
    /* A megabyte of one key name. */
    for (i = 0; i < n; i++)
        buf[i] = 'k';
    memcpy(buf + n, " = 1\n", 5);
    c = xlcfg_parse(buf, n + 5, "long.cfg", &err);
    CHECK(c);
    xlcfg_free(c);
    /* Too large. */
    CHECK(!xlcfg_parse(buf, XLCFG_MAX_INPUT + 1, "big.cfg", &err));
    CHECK(strstr(err.msg, "larger than"));
    free(buf);
    /* Too many settings. */
    buf = malloc(6 * (XLCFG_MAX_SETTINGS + 1));
    for (i = 0; i <= XLCFG_MAX_SETTINGS; i++)
        memcpy(buf + 6 * i, "a = 1\n", 6);
    CHECK(!xlcfg_parse(buf, 6 * (XLCFG_MAX_SETTINGS + 1), "many.cfg", &err));
    CHECK(strstr(err.msg, "more than 10000 settings"));
    c = xlcfg_parse(buf, 6 * XLCFG_MAX_SETTINGS, "many.cfg", &err);
    CHECK(c);
    xlcfg_free(c);
    free(buf);
}

/* Random and mutated inputs: nothing may crash or trip the sanitizers. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state >> 11);
}

static void test_random_inputs(void)
{
    static const char alphabet[] = "ab=+[],;'\"\\#\n \t0x9.-:\r\0\xff_AZ";
    static const char seed[] = "name = \"vm\"\nmemory = 0x200\ndisk = [ 'phy:/dev/x,xvda,w',\n"
                               "  \"format=raw, vdev=xvdb, target=/img\", ]\nextra += 'a\\tb' # c\n";
    char buf[256];
    int iter, parsed = 0;

    for (iter = 0; iter < 30000; iter++) {
        size_t len, i;
        struct xlcfg *c;

        if (iter & 1) {
            len = rnd() % sizeof(buf);
            for (i = 0; i < len; i++)
                buf[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
        } else {
            len = sizeof(seed) - 1;
            memcpy(buf, seed, len);
            for (i = rnd() % 4 + 1; i > 0 && len > 0; i--) {
                size_t at = rnd() % len;

                switch (rnd() % 3) {
                case 0: buf[at] = alphabet[rnd() % (sizeof(alphabet) - 1)]; break;
                case 1: len = at; break;                             /* truncate */
                default: buf[at] = (char)rnd(); break;
                }
            }
        }
        /* Exactly len bytes, in a fresh allocation so ASan sees any over-read. */
        char *in = malloc(len ? len : 1);
        memcpy(in, buf, len);
        c = xlcfg_parse(in, len, "fuzz.cfg", &err);
        if (c) {
            parsed++;
            xlcfg_apply_override(c, "x+=[1]", &err);
        } else {
            CHECK(err.msg[0] != 0);
        }
        xlcfg_free(c);
        free(in);
    }
    CHECK(parsed > 100);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xlcfg");
    RUN(test_basic_settings);
    RUN(test_separators_and_eof);
    RUN(test_later_overrides_earlier);
    RUN(test_strings_and_escapes);
    RUN(test_unterminated);
    RUN(test_lists);
    RUN(test_nesting_limit);
    RUN(test_numbers);
    RUN(test_syntax_errors);
    RUN(test_nul_bytes);
    RUN(test_plus_equals);
    RUN(test_overrides);
    RUN(test_long_lines_and_big_input);
    RUN(test_random_inputs);
    CHECK_MAIN_END();
}

/*
 * ere.c - the grep tool's pattern check and multiline rewrite (ere.h).
 *
 * One pass over the pattern, outside and inside brackets, as musl's
 * regcomp will read it: each construct of another engine becomes an
 * issue (offset, length, message, and its ERE spelling when there is a
 * mechanical one), and the pattern for regcomp is built as it goes.
 */
#include "ere.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_ISSUES 4 /* the rest are counted */

typedef struct {
    size_t off, len;
    char *msg;  /* the explanation after "PIECE" at offset N */
    char *repl; /* the ERE spelling of the piece, or NULL */
} issue;

typedef struct {
    const char *p;
    size_t n;
    int multiline;
    issue *v;
    size_t nv, capv;
    int want_icase, want_multiline; /* the fix needs these inputs */
    int anchors;                    /* a ^ or $ outside brackets */
    sbuf out;                       /* the pattern for regcomp */
} scan;

static const char NO_LOOKAROUND[] =
    "lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!)";
static const char NEWLINE_LINE_MODE[] =
    "matches a newline, but this search goes line by line and a line never "
    "holds one; set multiline to true to match across lines";
static const char NO_BRACKET_ESCAPES[] = "POSIX brackets take no escapes";

static void add(scan *s, size_t off, size_t len, const char *repl,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(scan *s, size_t off, size_t len, const char *repl,
                const char *fmt, ...)
{
    if (s->nv == s->capv) {
        s->capv = s->capv ? s->capv * 2 : 8;
        s->v = xrealloc(s->v, s->capv * sizeof *s->v);
    }
    sbuf m = SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&m, fmt, ap);
    va_end(ap);
    issue *is = &s->v[s->nv++];
    is->off = off;
    is->len = len;
    is->msg = sb_detach(&m, NULL);
    is->repl = repl ? xstrdup(repl) : NULL;
}

static void copy(scan *s, size_t from, size_t to)
{
    sb_put(&s->out, s->p + from, to - from);
}

/* "a" or "an" before the name of the letter or digit c ("an n", "a d"). */
static const char *art(int c)
{
    return strchr("aefhilmnorsxAEFHILMNORSX18", c) ? "an" : "a";
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The character cp as pattern text: its UTF-8 bytes, with a backslash
 * before an ERE special character. */
static void put_char(sbuf *b, unsigned long cp)
{
    if (cp == 0)
        return;
    if (cp < 0x80) {
        if (strchr(".[]()*+?{}|^$\\", (int)cp))
            sb_putc(b, '\\');
        sb_putc(b, (int)cp);
    } else if (cp < 0x800) {
        sb_putc(b, (int)(0xc0 | (cp >> 6)));
        sb_putc(b, (int)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        sb_putc(b, (int)(0xe0 | (cp >> 12)));
        sb_putc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
        sb_putc(b, (int)(0x80 | (cp & 0x3f)));
    } else {
        sb_putc(b, (int)(0xf0 | (cp >> 18)));
        sb_putc(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
        sb_putc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
        sb_putc(b, (int)(0x80 | (cp & 0x3f)));
    }
}

/* Index just past the first `c` at or after i (n when there is none). */
static size_t past(const scan *s, size_t i, char c)
{
    while (i < s->n && s->p[i] != c)
        i++;
    return i < s->n ? i + 1 : s->n;
}

/* ---- escapes outside brackets ---------------------------------------- */

static const struct {
    const char *name, *cls;
} PROPS[] = {
    {"L", "alpha"}, {"Letter", "alpha"}, {"Alpha", "alpha"},
    {"Alphabetic", "alpha"}, {"Lu", "upper"}, {"Uppercase_Letter", "upper"},
    {"Upper", "upper"}, {"Ll", "lower"}, {"Lowercase_Letter", "lower"},
    {"Lower", "lower"}, {"N", "digit"}, {"Nd", "digit"}, {"Digit", "digit"},
    {"P", "punct"}, {"Punct", "punct"}, {"Z", "space"}, {"Zs", "space"},
    {"Space", "space"}, {"White_Space", "space"},
};

static size_t escape(scan *s, size_t i)
{
    const char *p = s->p;
    unsigned char c = (unsigned char)p[i + 1];
    size_t end = i + 2;
    if (c == 0) { /* a trailing backslash: regcomp says so */
        copy(s, i, i + 1);
        return i + 1;
    }
    switch (c) {
    case 'w': case 's': case 'd': case 'S': case 'b': case 'B':
    case '<': case '>': case 't': case 'r': case 'f': case 'e':
        break;
    case 'W': case 'D':
        if (s->multiline) {
            sb_puts(&s->out, c == 'W' ? "(\\W|\n)" : "(\\D|\n)");
            return end;
        }
        break;
    case 'n':
        if (!s->multiline)
            add(s, i, 2, NULL, "%s", NEWLINE_LINE_MODE);
        break;
    case 'x': {
        unsigned long v = 0;
        if (p[i + 2] == '{') {
            size_t j = i + 3;
            while (hexval((unsigned char)p[j]) >= 0 && j - i < 12)
                v = v * 16 + (unsigned long)hexval((unsigned char)p[j++]);
            if (p[j] != '}')
                break; /* regcomp judges it */
            end = j + 1;
        } else {
            size_t j = i + 2;
            while (j < i + 4 && hexval((unsigned char)p[j]) >= 0)
                v = v * 16 + (unsigned long)hexval((unsigned char)p[j++]);
            end = j;
        }
        if (v == '\n' && !s->multiline)
            add(s, i, end - i, NULL, "%s", NEWLINE_LINE_MODE);
        else if (v > 0x7f && v <= 0x10ffff) {
            sbuf r = SBUF_INIT;
            put_char(&r, v);
            add(s, i, end - i, sb_cstr(&r),
                "is the character U+%04lX, which this POSIX ERE cannot "
                "spell as an escape (it compares the bytes of UTF-8 text); "
                "write the character itself", v);
            sb_free(&r);
        }
        break;
    }
    case 'A':
        add(s, i, 2, "^", "(start of text) is not POSIX ERE; use ^ (the "
            "start of a line)");
        break;
    case 'z': case 'Z':
        add(s, i, 2, "$", "(end of text) is not POSIX ERE; use $ (the end "
            "of a line)");
        break;
    case 'h':
        add(s, i, 2, "[[:blank:]]", "(horizontal space) is not POSIX ERE; "
            "use [[:blank:]]");
        break;
    case 'H':
        add(s, i, 2, "[^[:blank:]]", "(not horizontal space) is not POSIX "
            "ERE; use [^[:blank:]]");
        break;
    case 'Q': {
        size_t j = i + 2;
        while (j < s->n && !(p[j] == '\\' && p[j + 1] == 'E'))
            j++;
        sbuf r = SBUF_INIT;
        for (size_t k = i + 2; k < j; k++) {
            if ((unsigned char)p[k] < 0x80)
                put_char(&r, (unsigned char)p[k]);
            else
                sb_putc(&r, p[k]); /* UTF-8 bytes as they are */
        }
        end = j < s->n ? j + 2 : s->n;
        add(s, i, end - i, sb_cstr(&r), "(quoted text) is not POSIX ERE; "
            "put a backslash before each special character instead");
        sb_free(&r);
        break;
    }
    case 'E':
        add(s, i, 2, "", "(end of quoted text) is not POSIX ERE; remove it");
        break;
    case 'p': case 'P': {
        size_t nb = i + 2, ne;
        if (p[nb] == '{') {
            end = past(s, nb, '}');
            nb++;
            ne = end > nb ? end - 1 : nb;
        } else {
            ne = p[nb] ? nb + 1 : nb;
            end = ne;
        }
        const char *cls = NULL;
        for (size_t k = 0; k < sizeof PROPS / sizeof PROPS[0]; k++)
            if (strlen(PROPS[k].name) == ne - nb &&
                memcmp(PROPS[k].name, p + nb, ne - nb) == 0)
                cls = PROPS[k].cls;
        char r[32];
        if (cls)
            snprintf(r, sizeof r, "[%s[:%s:]]", c == 'P' ? "^" : "", cls);
        add(s, i, end - i, cls ? r : NULL,
            "(a Unicode property) is not POSIX ERE; use a POSIX class such "
            "as [[:alpha:]], [[:upper:]], [[:lower:]], [[:digit:]], "
            "[[:punct:]] or [[:space:]]");
        break;
    }
    case 'u': {
        unsigned long v = 0;
        size_t j = i + 2;
        while (j < i + 6 && hexval((unsigned char)p[j]) >= 0)
            v = v * 16 + (unsigned long)hexval((unsigned char)p[j++]);
        if (j < i + 6) {
            add(s, i, 2, NULL, "is not an escape POSIX ERE knows (it would "
                "match a plain u)");
            break;
        }
        end = j;
        sbuf r = SBUF_INIT;
        put_char(&r, v);
        if (v == '\n' && !s->multiline)
            add(s, i, end - i, NULL, "%s", NEWLINE_LINE_MODE);
        else
            add(s, i, end - i, v ? sb_cstr(&r) : NULL, "is not POSIX ERE; "
                "write the character itself");
        sb_free(&r);
        break;
    }
    case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9':
        add(s, i, 2, NULL, "is a backreference, which POSIX ERE does not "
            "have (it would match a plain %c); write the repeated text out",
            c);
        break;
    case 'k': case 'g':
        if (p[i + 2] == '<' || p[i + 2] == '{' || p[i + 2] == '\'' ||
            (c == 'g' && isdigit((unsigned char)p[i + 2]))) {
            char close = p[i + 2] == '<' ? '>' : p[i + 2] == '{' ? '}'
                       : p[i + 2] == '\'' ? '\'' : 0;
            if (close)
                end = past(s, i + 3, close);
            else
                for (end = i + 2; isdigit((unsigned char)p[end]); end++)
                    ;
            add(s, i, end - i, NULL, "is a backreference, which POSIX ERE "
                "does not have; write the repeated text out");
        } else {
            add(s, i, 2, NULL, "is not an escape POSIX ERE knows (it would "
                "match a plain %c)", c);
        }
        break;
    case 'K':
        add(s, i, 2, NULL, "(keep out) is not POSIX ERE; match the whole "
            "text instead");
        break;
    case 'R':
        add(s, i, 2, NULL, "(a line break) is not POSIX ERE; use \\n with "
            "multiline true, or $ for the end of a line");
        break;
    default:
        if (isalnum(c))
            add(s, i, 2, NULL, "is not an escape POSIX ERE knows (it would "
                "match a plain %c)", c);
        break; /* an escaped punctuation character: itself */
    }
    copy(s, i, end);
    return end;
}

/* ---- brackets ------------------------------------------------------------ */

/* A backslash at j inside brackets.  Returns where the scan goes on. */
static size_t bracket_escape(scan *s, size_t j)
{
    const char *p = s->p;
    unsigned char c = (unsigned char)p[j + 1];
    char r[2] = {0, 0};
    switch (c) {
    case '\\': /* two backslashes: PCRE's one, POSIX's two of the same */
        return j + 2;
    case 'd':
        add(s, j, 2, "0-9", "inside brackets: %s (there \\d means a "
            "backslash or a d); write 0-9 inside the brackets, as in [0-9]",
            NO_BRACKET_ESCAPES);
        return j + 2;
    case 'w':
        add(s, j, 2, "[:alnum:]_", "inside brackets: %s (there \\w means a "
            "backslash or a w); write [:alnum:]_ inside the brackets, as in "
            "[[:alnum:]_]", NO_BRACKET_ESCAPES);
        return j + 2;
    case 's':
        add(s, j, 2, "[:space:]", "inside brackets: %s (there \\s means a "
            "backslash or an s); write [:space:] inside the brackets, as in "
            "[[:space:]]", NO_BRACKET_ESCAPES);
        return j + 2;
    case 'D': case 'W': case 'S': {
        const char *neg = c == 'D' ? "[^0-9]" : c == 'W' ? "[^[:alnum:]_]"
                        : "[^[:space:]]";
        add(s, j, 2, NULL, "inside brackets: %s, and a bracket cannot hold "
            "a negated class; use %s on its own, or \\%c outside brackets",
            NO_BRACKET_ESCAPES, neg, c);
        return j + 2;
    }
    case 'n': case 't': case 'r': case 'f': case 'v':
        r[0] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r'
             : c == 'f' ? '\f' : '\v';
        add(s, j, 2, r, "inside brackets: %s (there \\%c means a backslash "
            "or %s %c); put the character itself there (in the JSON input, "
            "\"\\%c\" rather than \"\\\\%c\")", NO_BRACKET_ESCAPES, c, art(c),
            c, c, c);
        return j + 2;
    case ']':
        add(s, j, 2, NULL, "inside brackets: %s, so the backslash is a "
            "plain character and this ] ends the brackets; put ] first "
            "instead, as in []abc] or [^]abc]", NO_BRACKET_ESCAPES);
        return j + 2;
    case '-':
        if (p[j + 2] == ']')
            return j + 1;
        add(s, j, 2, NULL, "inside brackets: %s, so the backslash is a "
            "plain character and this - makes a range that starts at \\; "
            "put - last instead, as in [a-z_-]", NO_BRACKET_ESCAPES);
        return j + 2;
    default:
        if (isalnum(c)) {
            add(s, j, 2, NULL, "inside brackets: %s (there \\%c means a "
                "backslash or %s %c); put the character itself there",
                NO_BRACKET_ESCAPES, c, art(c), c);
            return j + 2;
        }
        return j + 1; /* [\.] also holds a backslash: harmless */
    }
}

static size_t bracket(scan *s, size_t i)
{
    const char *p = s->p;
    size_t j = i + 1;
    int neg = 0, has_nl = 0;
    if (p[j] == '^') {
        neg = 1;
        j++;
    }
    if (p[j] == ']')
        j++;
    while (j < s->n && p[j] != ']') {
        if (p[j] == '[' && (p[j + 1] == ':' || p[j + 1] == '.' ||
                            p[j + 1] == '=')) {
            char d = p[j + 1];
            size_t k = j + 2;
            while (k + 1 < s->n && !(p[k] == d && p[k + 1] == ']'))
                k++;
            if (k + 1 >= s->n) {
                j = s->n;
                break;
            }
            j = k + 2;
        } else if (p[j] == '\\') {
            j = bracket_escape(s, j);
        } else {
            if (p[j] == '\n')
                has_nl = 1;
            j++;
        }
    }
    if (j >= s->n) { /* unterminated: regcomp says so */
        copy(s, i, s->n);
        return s->n;
    }
    int wrap = s->multiline && neg && !has_nl;
    if (wrap)
        sb_putc(&s->out, '(');
    copy(s, i, j + 1);
    if (wrap)
        sb_puts(&s->out, "|\n)");
    return j + 1;
}

/* ---- groups ---------------------------------------------------------------- */

static size_t group(scan *s, size_t i)
{
    const char *p = s->p;
    if (p[i + 1] != '?') {
        sb_putc(&s->out, '(');
        return i + 1;
    }
    char c = p[i + 2];
    size_t end = i + 3;
    if (c == ':') {
        add(s, i, 3, "(", "is a non-capturing group, which POSIX ERE does "
            "not have; use a plain group (...)");
    } else if (c == '=' || c == '!') {
        add(s, i, 3, NULL, "is a %slookahead: %s; %s", c == '!' ?
            "negative " : "", NO_LOOKAROUND, c == '!' ?
            "a bracket such as [^x] excludes one character, or search for "
            "the positive case and compare" :
            "match the text that follows as part of the pattern (foo(?=bar) "
            "as foobar)");
    } else if (c == '<' && (p[i + 3] == '=' || p[i + 3] == '!')) {
        end = i + 4;
        add(s, i, 4, NULL, "is a %slookbehind: %s; %s", p[i + 3] == '!' ?
            "negative " : "", NO_LOOKAROUND, p[i + 3] == '!' ?
            "a bracket such as [^x] excludes one character, or search for "
            "the positive case and compare" :
            "match the text before as part of the pattern ((?<=foo)bar as "
            "foobar)");
    } else if (c == '<' || c == '\'' || (c == 'P' && p[i + 3] == '<')) {
        char close = c == '\'' ? '\'' : '>';
        end = past(s, c == 'P' ? i + 4 : i + 3, close);
        add(s, i, end - i, "(", "is a named group, which POSIX ERE does not "
            "have; use a plain group (...)");
    } else if (c == 'P' && p[i + 3] == '=') {
        end = past(s, i + 4, ')');
        add(s, i, end - i, NULL, "is a backreference, which POSIX ERE does "
            "not have; write the repeated text out");
    } else if (c == '>') {
        add(s, i, 3, "(", "is an atomic group, which POSIX ERE does not "
            "have; use a plain group (...)");
    } else if (c == '|') {
        add(s, i, 3, "(", "is a branch-reset group, which POSIX ERE does "
            "not have; use a plain group (...)");
    } else if (c == '#') {
        end = past(s, i + 3, ')');
        add(s, i, end - i, "", "is a comment, which POSIX ERE does not "
            "have; remove it");
    } else if (c == 'R' || c == '&' || c == '+' || (c == 'P' &&
               p[i + 3] == '>') || isdigit((unsigned char)c)) {
        end = past(s, i + 2, ')');
        add(s, i, end - i, NULL, "is a recursive call, which POSIX ERE does "
            "not have");
    } else if (c == '(') {
        add(s, i, 3, NULL, "is a conditional group, which POSIX ERE does "
            "not have");
    } else if (isalpha((unsigned char)c) || c == '-' || c == '^') {
        /* inline flags: (?i) (?im) (?-i) (?i:...) */
        size_t j = i + 2;
        while (isalpha((unsigned char)p[j]) || p[j] == '-' || p[j] == '^')
            j++;
        if (p[j] != ')' && p[j] != ':') {
            add(s, i, 2, NULL, "is a group syntax that POSIX ERE does not "
                "have; use a plain group (...)");
            end = i + 2;
        } else {
            int scoped = p[j] == ':', off = 0, fixable = 1;
            int wi = 0, ws = 0;
            sbuf adv = SBUF_INIT;
            for (size_t k = i + 2; k < j; k++) {
                const char *a = NULL;
                char other[96];
                if (p[k] == '-' || p[k] == '^') {
                    off = 1;
                    continue;
                }
                if (off) {
                    fixable = 0;
                    snprintf(other, sizeof other, "flags cannot be turned "
                             "off (-%c) in POSIX ERE", p[k]);
                    a = other;
                } else if (p[k] == 'i') {
                    wi = 1;
                    a = "use the case_insensitive (or -i) input";
                } else if (p[k] == 's') {
                    ws = 1;
                    a = "use the multiline input (then . matches newlines "
                        "too)";
                } else if (p[k] == 'm') {
                    a = "(?m) is not needed: ^ and $ already match at the "
                        "start and end of every line";
                } else if (p[k] == 'x') {
                    fixable = 0;
                    a = "write the pattern without extended-mode spaces and "
                        "comments";
                } else {
                    fixable = 0;
                    snprintf(other, sizeof other, "POSIX ERE has nothing "
                             "like (?%c)", p[k]);
                    a = other;
                }
                if (!strstr(sb_cstr(&adv), a))
                    sb_printf(&adv, "%s%s", adv.len ? ", and " : "", a);
            }
            end = j + 1;
            if (fixable) {
                s->want_icase |= wi;
                s->want_multiline |= ws;
            }
            if (scoped)
                add(s, i, end - i, fixable ? "(" : NULL, "is a group with "
                    "inline flags, which POSIX ERE does not have; use a "
                    "plain group (...), and %s (for the whole pattern)",
                    sb_cstr(&adv));
            else
                add(s, i, end - i, fixable ? "" : NULL, "is an inline flag "
                    "group, which POSIX ERE does not have; %s",
                    sb_cstr(&adv));
            sb_free(&adv);
        }
    } else {
        end = i + 2;
        add(s, i, 2, NULL, "is a group syntax that POSIX ERE does not have "
            "(a ? cannot follow a bare ( there); use a plain group (...)");
    }
    sb_putc(&s->out, '(');
    return end;
}

/* ---- quantifiers ------------------------------------------------------------ */

/* The quantifier p[from..to) was read; a ? or + after it is PCRE's. */
static size_t quantifier(scan *s, size_t from, size_t to)
{
    const char *p = s->p;
    copy(s, from, to);
    char r[64];
    snprintf(r, sizeof r, "%.*s", (int)(to - from), p + from);
    if (p[to] == '+') {
        add(s, from, to + 1 - from, r, "is a possessive quantifier, which "
            "POSIX ERE does not have; use %s (there is no possessive or "
            "atomic matching)", r);
        return to + 1;
    }
    if (p[to] == '?') {
        if (s->multiline)
            add(s, from, to + 1 - from, NULL, "is a lazy quantifier, which "
                "POSIX ERE does not have: its quantifiers are greedy, so "
                "across lines .* runs on to the last place where the rest "
                "matches; use a negated bracket instead, as in <[^>]*> for "
                "<.*?>");
        else
            copy(s, to, to + 1); /* line by line: the same lines match */
        return to + 1;
    }
    return to;
}

static size_t interval(scan *s, size_t i)
{
    const char *p = s->p;
    size_t j = i + 1, lo = 0, hi = 0;
    while (isdigit((unsigned char)p[j])) {
        j++;
        lo++;
    }
    int comma = p[j] == ',';
    if (comma) {
        j++;
        while (isdigit((unsigned char)p[j])) {
            j++;
            hi++;
        }
    }
    if (p[j] == '}' && lo > 0)
        return quantifier(s, i, j + 1);
    if (p[j] == '}' && comma && hi > 0) {
        char r[64];
        snprintf(r, sizeof r, "{0,%.*s}", (int)hi, p + j - hi);
        add(s, i, j + 1 - i, r, "is not a POSIX ERE interval; write %s", r);
        copy(s, i, j + 1);
        return j + 1;
    }
    add(s, i, 1, "\\{", "does not start an interval ({n}, {n,} or {n,m}); "
        "POSIX ERE needs \\{ for a plain {");
    copy(s, i, i + 1);
    return i + 1;
}

/* ---- the pass -------------------------------------------------------------- */

static void run_scan(scan *s, const char *pattern, int multiline)
{
    memset(s, 0, sizeof *s);
    s->p = pattern;
    s->n = strlen(pattern);
    s->multiline = multiline;
    size_t i = 0;
    while (i < s->n) {
        unsigned char c = (unsigned char)pattern[i];
        switch (c) {
        case '\\':
            i = escape(s, i);
            break;
        case '[':
            i = bracket(s, i);
            break;
        case '(':
            i = group(s, i);
            break;
        case '.':
            sb_puts(&s->out, multiline ? "(.|\n)" : ".");
            i++;
            break;
        case '*': case '+': case '?':
            i = quantifier(s, i, i + 1);
            break;
        case '{':
            i = interval(s, i);
            break;
        case '\n':
            if (!multiline)
                add(s, i, 1, NULL, "%s", NEWLINE_LINE_MODE);
            sb_putc(&s->out, '\n');
            i++;
            break;
        default:
            if (c == '^' || c == '$')
                s->anchors = 1;
            sb_putc(&s->out, c);
            i++;
            break;
        }
    }
}

static void free_scan(scan *s)
{
    for (size_t k = 0; k < s->nv; k++) {
        free(s->v[k].msg);
        free(s->v[k].repl);
    }
    free(s->v);
    sb_free(&s->out);
}

/* A piece of the pattern as the message shows it, in double quotes;
 * control characters as JSON writes them. */
static void put_piece(sbuf *b, const char *p, size_t len)
{
    sb_putc(b, '"');
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)p[k];
        if (c == '\n')
            sb_puts(b, "\\n");
        else if (c == '\t')
            sb_puts(b, "\\t");
        else if (c == '\r')
            sb_puts(b, "\\r");
        else if (c < 0x20)
            sb_printf(b, "\\u%04x", c);
        else
            sb_putc(b, c);
    }
    sb_putc(b, '"');
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 1;
    return 0;
}

int ere_prepare(const char *pattern, int multiline, int icase, char **out,
                int *newline, sbuf *err)
{
    scan s;
    run_scan(&s, pattern, multiline);
    *newline = 0;
    if (s.nv == 0) {
        if (multiline && s.anchors) {
            *out = sb_detach(&s.out, NULL);
            *newline = 1;
        } else {
            /* Without REG_NEWLINE everything already matches newlines. */
            *out = xstrdup(pattern);
        }
        if (!*out)
            *out = xstrdup("");
        free_scan(&s);
        return 0;
    }
    *out = NULL;
    int fixable = 1;
    sbuf fix = SBUF_INIT;
    size_t at = 0;
    for (size_t k = 0; k < s.nv; k++) {
        const issue *is = &s.v[k];
        if (k < SHOWN_ISSUES) {
            if (k)
                sb_puts(err, "; ");
            put_piece(err, pattern + is->off, is->len);
            sb_printf(err, " at offset %zu %s", is->off, is->msg);
        }
        if (!is->repl || is->off < at)
            fixable = 0;
        if (fixable) {
            sb_put(&fix, pattern + at, is->off - at);
            sb_puts(&fix, is->repl);
            at = is->off + is->len;
        }
    }
    if (s.nv > SHOWN_ISSUES)
        sb_printf(err, "; and %zu more", s.nv - SHOWN_ISSUES);
    if (fixable) {
        sb_puts(&fix, pattern + at);
        /* Offer the fixed pattern only when it passes itself. */
        int ml = multiline || s.want_multiline;
        scan again;
        run_scan(&again, sb_cstr(&fix), ml);
        regex_t re;
        if (fix.len == 0 || again.nv != 0 ||
            regcomp(&re, sb_cstr(&again.out), REG_EXTENDED | REG_NOSUB |
                    (ml && again.anchors ? REG_NEWLINE : 0) |
                    (icase || s.want_icase ? REG_ICASE : 0)) != 0)
            fixable = 0;
        else
            regfree(&re);
        free_scan(&again);
    }
    if (fixable) {
        if (has_control(sb_cstr(&fix))) {
            sb_puts(err, ". In POSIX ERE (as a JSON string): ");
            sb_json_str(err, fix.data, fix.len);
        } else {
            sb_printf(err, ". In POSIX ERE: %s", sb_cstr(&fix));
        }
        int wi = s.want_icase && !icase, wm = s.want_multiline && !multiline;
        if (wi || wm)
            sb_printf(err, " with %s%s%s", wi ? "case_insensitive true" : "",
                      wi && wm ? " and " : "", wm ? "multiline true" : "");
    }
    sb_free(&fix);
    free_scan(&s);
    return -1;
}

void ere_hint(const char *pattern, int rc, sbuf *b)
{
    (void)pattern;
    switch (rc) {
    case REG_BADRPT:
        sb_puts(b, "; a * + ? or {n} must follow something to repeat: write "
                   "\\* \\+ \\? or \\{ for the character itself");
        break;
    case REG_ECTYPE:
        sb_puts(b, "; the POSIX classes are [:alnum:] [:alpha:] [:blank:] "
                   "[:cntrl:] [:digit:] [:graph:] [:lower:] [:print:] "
                   "[:punct:] [:space:] [:upper:] [:xdigit:] (for word "
                   "characters, [[:alnum:]_] or \\w)");
        break;
    case REG_EPAREN:
        sb_puts(b, "; write \\( or \\) for a plain parenthesis");
        break;
    case REG_EBRACK:
        sb_puts(b, "; write \\[ for a plain [");
        break;
    case REG_EBRACE:
    case REG_BADBR:
        sb_puts(b, "; an interval is {n}, {n,} or {n,m}; write \\{ for a "
                   "plain {");
        break;
    case REG_ERANGE:
        sb_puts(b, "; a range must not start after its end (put - first or "
                   "last in the brackets for a plain -)");
        break;
    case REG_EESCAPE:
        sb_puts(b, "; write \\\\ for a plain backslash");
        break;
    default:
        break;
    }
}

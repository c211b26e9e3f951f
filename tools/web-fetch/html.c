/*
 * html.c - web-fetch's HTML to text / markdown converter (see html.h).
 *
 * One pass over the bytes.  Text is collapsed and written lazily: spaces
 * and line breaks are only "pending" until the next visible character, so
 * the output never has trailing spaces, leading blank lines or runs of
 * more than one blank line.  A few stacks keep the structure that changes
 * the layout: the line prefixes (list markers and indents, blockquotes),
 * the inline markers waiting for their first character (**, `, [ of a
 * link, # of a heading), the open lists and tables, and the open elements
 * that have to undo something at their end tag.  End tags close whatever
 * is open above their element; an end tag with no open element is
 * ignored, as are unknown tags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define MAX_OPEN 256   /* open elements tracked (deeper ones are flattened) */
#define MAX_INDENT 48  /* line prefixes */
#define MAX_INLINE 64  /* pending / open inline markers */
#define MAX_LISTS 48
#define MAX_TABLES 16
#define MAX_ATTRS 24

/* ---- characters -------------------------------------------------------- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_hex(int c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

void utf8_put(sbuf *b, unsigned long cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        sb_putc(b, (int)cp);
    } else if (cp < 0x800) {
        sb_putc(b, (int)(0xC0 | (cp >> 6)));
        sb_putc(b, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_putc(b, (int)(0xE0 | (cp >> 12)));
        sb_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(b, (int)(0x80 | (cp & 0x3F)));
    } else {
        sb_putc(b, (int)(0xF0 | (cp >> 18)));
        sb_putc(b, (int)(0x80 | ((cp >> 12) & 0x3F)));
        sb_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(b, (int)(0x80 | (cp & 0x3F)));
    }
}

/* windows-1252 0x80..0x9F (also what the HTML spec maps &#128;..&#159; to) */
static const unsigned short CP1252[32] = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

int utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t need;
        unsigned long cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3, cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + need >= len)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

int wf_to_utf8(const char *cs, const char *data, size_t len, sbuf *out)
{
    static const char *const latin[] = {"",         "iso-8859-1", "iso8859-1", "latin1",
                                        "latin-1",  "l1",         "windows-1252", "cp1252",
                                        "us-ascii", "ascii",      "x-cp1252",     "cp819",
                                        "iso_8859-1", "ibm819"};
    int ok = 0;
    for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
        if (strcmp(cs, latin[i]) == 0)
            ok = 1;
    if (!ok || utf8_valid(data, len))
        return 0;
    sb_reserve(out, len + len / 4 + 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c < 0x80)
            sb_putc(out, c);
        else if (c < 0xA0)
            utf8_put(out, CP1252[c - 0x80]);
        else
            utf8_put(out, c);
    }
    return 1;
}

/* ---- character references ------------------------------------------------ */

static const struct {
    const char *name;
    unsigned short cp;
} ENTITIES[] = {
    {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},      {"copy", 0xA9},      {"reg", 0xAE},
    {"trade", 0x2122},  {"hellip", 0x2026},  {"mdash", 0x2014},   {"ndash", 0x2013},
    {"lsquo", 0x2018},  {"rsquo", 0x2019},   {"sbquo", 0x201A},   {"ldquo", 0x201C},
    {"rdquo", 0x201D},  {"bdquo", 0x201E},   {"laquo", 0xAB},     {"raquo", 0xBB},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203A},  {"bull", 0x2022},    {"middot", 0xB7},
    {"para", 0xB6},     {"sect", 0xA7},      {"deg", 0xB0},       {"plusmn", 0xB1},
    {"times", 0xD7},    {"divide", 0xF7},    {"frac12", 0xBD},    {"frac14", 0xBC},
    {"frac34", 0xBE},   {"sup1", 0xB9},      {"sup2", 0xB2},      {"sup3", 0xB3},
    {"micro", 0xB5},    {"cent", 0xA2},      {"pound", 0xA3},     {"yen", 0xA5},
    {"euro", 0x20AC},   {"curren", 0xA4},    {"iexcl", 0xA1},     {"iquest", 0xBF},
    {"shy", 0xAD},      {"macr", 0xAF},      {"acute", 0xB4},     {"cedil", 0xB8},
    {"uml", 0xA8},      {"ordf", 0xAA},      {"ordm", 0xBA},      {"not", 0xAC},
    {"brvbar", 0xA6},   {"dagger", 0x2020},  {"Dagger", 0x2021},  {"permil", 0x2030},
    {"prime", 0x2032},  {"Prime", 0x2033},   {"oline", 0x203E},   {"frasl", 0x2044},
    {"ensp", 0x2002},   {"emsp", 0x2003},    {"thinsp", 0x2009},  {"zwnj", 0x200C},
    {"zwj", 0x200D},    {"lrm", 0x200E},     {"rlm", 0x200F},     {"larr", 0x2190},
    {"uarr", 0x2191},   {"rarr", 0x2192},    {"darr", 0x2193},    {"harr", 0x2194},
    {"lArr", 0x21D0},   {"rArr", 0x21D2},    {"hArr", 0x21D4},    {"le", 0x2264},
    {"ge", 0x2265},     {"ne", 0x2260},      {"asymp", 0x2248},   {"equiv", 0x2261},
    {"infin", 0x221E},  {"minus", 0x2212},   {"radic", 0x221A},   {"sum", 0x2211},
    {"prod", 0x220F},   {"part", 0x2202},    {"forall", 0x2200},  {"exist", 0x2203},
    {"empty", 0x2205},  {"isin", 0x2208},    {"notin", 0x2209},   {"and", 0x2227},
    {"or", 0x2228},     {"cap", 0x2229},     {"cup", 0x222A},     {"int", 0x222B},
    {"there4", 0x2234}, {"sim", 0x223C},     {"sub", 0x2282},     {"sup", 0x2283},
    {"loz", 0x25CA},    {"spades", 0x2660},  {"clubs", 0x2663},   {"hearts", 0x2665},
    {"diams", 0x2666},  {"check", 0x2713},   {"cross", 0x2717},   {"star", 0x2606},
    {"Agrave", 0xC0},   {"Aacute", 0xC1},    {"Acirc", 0xC2},     {"Atilde", 0xC3},
    {"Auml", 0xC4},     {"Aring", 0xC5},     {"AElig", 0xC6},     {"Ccedil", 0xC7},
    {"Egrave", 0xC8},   {"Eacute", 0xC9},    {"Ecirc", 0xCA},     {"Euml", 0xCB},
    {"Igrave", 0xCC},   {"Iacute", 0xCD},    {"Icirc", 0xCE},     {"Iuml", 0xCF},
    {"ETH", 0xD0},      {"Ntilde", 0xD1},    {"Ograve", 0xD2},    {"Oacute", 0xD3},
    {"Ocirc", 0xD4},    {"Otilde", 0xD5},    {"Ouml", 0xD6},      {"Oslash", 0xD8},
    {"Ugrave", 0xD9},   {"Uacute", 0xDA},    {"Ucirc", 0xDB},     {"Uuml", 0xDC},
    {"Yacute", 0xDD},   {"THORN", 0xDE},     {"szlig", 0xDF},     {"agrave", 0xE0},
    {"aacute", 0xE1},   {"acirc", 0xE2},     {"atilde", 0xE3},    {"auml", 0xE4},
    {"aring", 0xE5},    {"aelig", 0xE6},     {"ccedil", 0xE7},    {"egrave", 0xE8},
    {"eacute", 0xE9},   {"ecirc", 0xEA},     {"euml", 0xEB},      {"igrave", 0xEC},
    {"iacute", 0xED},   {"icirc", 0xEE},     {"iuml", 0xEF},      {"eth", 0xF0},
    {"ntilde", 0xF1},   {"ograve", 0xF2},    {"oacute", 0xF3},    {"ocirc", 0xF4},
    {"otilde", 0xF5},   {"ouml", 0xF6},      {"oslash", 0xF8},    {"ugrave", 0xF9},
    {"uacute", 0xFA},   {"ucirc", 0xFB},     {"uuml", 0xFC},      {"yacute", 0xFD},
    {"thorn", 0xFE},    {"yuml", 0xFF},      {"OElig", 0x152},    {"oelig", 0x153},
    {"Scaron", 0x160},  {"scaron", 0x161},   {"Yuml", 0x178},     {"fnof", 0x192},
    {"circ", 0x2C6},    {"tilde", 0x2DC},    {"Alpha", 0x391},    {"Beta", 0x392},
    {"Gamma", 0x393},   {"Delta", 0x394},    {"Theta", 0x398},    {"Lambda", 0x39B},
    {"Pi", 0x3A0},      {"Sigma", 0x3A3},    {"Phi", 0x3A6},      {"Psi", 0x3A8},
    {"Omega", 0x3A9},   {"alpha", 0x3B1},    {"beta", 0x3B2},     {"gamma", 0x3B3},
    {"delta", 0x3B4},   {"epsilon", 0x3B5},  {"zeta", 0x3B6},     {"eta", 0x3B7},
    {"theta", 0x3B8},   {"iota", 0x3B9},     {"kappa", 0x3BA},    {"lambda", 0x3BB},
    {"mu", 0x3BC},      {"nu", 0x3BD},       {"xi", 0x3BE},       {"omicron", 0x3BF},
    {"pi", 0x3C0},      {"rho", 0x3C1},      {"sigma", 0x3C3},    {"sigmaf", 0x3C2},
    {"tau", 0x3C4},     {"upsilon", 0x3C5},  {"phi", 0x3C6},      {"chi", 0x3C7},
    {"psi", 0x3C8},     {"omega", 0x3C9},    {"Tab", '\t'},       {"NewLine", '\n'},
    {"colon", ':'},     {"comma", ','},      {"period", '.'},     {"excl", '!'},
    {"quest", '?'},     {"num", '#'},        {"dollar", '$'},     {"percnt", '%'},
    {"lpar", '('},      {"rpar", ')'},       {"ast", '*'},        {"plus", '+'},
    {"sol", '/'},       {"bsol", '\\'},      {"semi", ';'},       {"equals", '='},
    {"lsqb", '['},      {"rsqb", ']'},       {"lbrack", '['},     {"rbrack", ']'},
    {"lcub", '{'},      {"rcub", '}'},       {"lbrace", '{'},     {"rbrace", '}'},
    {"verbar", '|'},    {"vert", '|'},       {"grave", '`'},      {"Hat", '^'},
    {"lowbar", '_'},    {"commat", '@'},     {"AMP", '&'},        {"LT", '<'},
    {"GT", '>'},        {"QUOT", '"'},       {"COPY", 0xA9},      {"REG", 0xAE},
};

/* Names that browsers also accept without the ';' (the common legacy ones). */
static int legacy_name(const char *n, size_t len)
{
    static const char *const L[] = {"amp", "lt", "gt", "quot", "nbsp", "copy", "reg",
                                    "AMP", "LT", "GT", "QUOT", "COPY", "REG"};
    for (size_t i = 0; i < sizeof L / sizeof L[0]; i++)
        if (strlen(L[i]) == len && memcmp(L[i], n, len) == 0)
            return 1;
    return 0;
}

/* s[0] is '&'.  Decodes one reference into b and returns the bytes used, or
 * 0 when s does not start a reference (the '&' is then literal). */
static size_t entity(const char *s, size_t n, int in_attr, sbuf *b)
{
    size_t i = 1;
    if (i < n && s[i] == '#') {
        i++;
        int hex = i < n && (s[i] == 'x' || s[i] == 'X');
        if (hex)
            i++;
        size_t start = i;
        unsigned long cp = 0;
        while (i < n && (hex ? is_hex((unsigned char)s[i]) : is_digit((unsigned char)s[i]))) {
            int c = lower((unsigned char)s[i]);
            int d = c <= '9' ? c - '0' : c - 'a' + 10;
            if (cp <= 0x10FFFF)
                cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            i++;
        }
        if (i == start)
            return 0;
        if (i < n && s[i] == ';')
            i++;
        if (cp >= 0x80 && cp <= 0x9F)
            cp = CP1252[cp - 0x80];
        utf8_put(b, cp);
        return i;
    }
    while (i < n && i <= 32 && is_alnum((unsigned char)s[i]))
        i++;
    size_t nl = i - 1;
    if (nl == 0)
        return 0;
    int semi = i < n && s[i] == ';';
    if (!semi) {
        if (!legacy_name(s + 1, nl))
            return 0;
        if (in_attr && i < n && (s[i] == '=' || is_alnum((unsigned char)s[i])))
            return 0;
    }
    for (size_t k = 0; k < sizeof ENTITIES / sizeof ENTITIES[0]; k++) {
        if (strlen(ENTITIES[k].name) == nl && memcmp(ENTITIES[k].name, s + 1, nl) == 0) {
            utf8_put(b, ENTITIES[k].cp);
            return i + (semi ? 1 : 0);
        }
    }
    return 0;
}

/* Appends s[0..n) with its character references decoded. */
static void decode(const char *s, size_t n, int in_attr, sbuf *b)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
        sb_put(b, s + i, run);
        i += run;
        if (i >= n)
            break;
        size_t used = entity(s + i, n - i, in_attr, b);
        if (used == 0) {
            sb_putc(b, '&');
            i++;
        } else {
            i += used;
        }
    }
}

/* ---- the converter state ---------------------------------------------------- */

typedef struct {
    char first[24], rest[24]; /* the prefix of an item's first line, of the others */
    int first_pending;
} indent;

typedef struct {
    char *open, *close; /* written before the first character / at the end */
    char *href;         /* a link's target (to drop [] when the text is the URL) */
    int emitted;
    size_t mark;        /* where the element's text starts in the output */
} inl;

enum {
    E_PLAIN, /* only for matching end tags (block break at the end) */
    E_LIST,
    E_LI,
    E_QUOTE,
    E_DD,
    E_PRE,
    E_INLINE,
    E_HEADING,
    E_TABLE,
    E_TR,
    E_CELL,
    E_LINK
};

typedef struct {
    char name[16];
    int kind;
    int brk; /* block break at the end tag (0, 1, 2) */
} elem;

typedef struct {
    int ordered;
    long next;
} list;

typedef struct {
    int flat;     /* inside a cell: rows and cells become spaces */
    int rows;     /* rows finished */
    int cells;    /* cells in the open row */
    int head_cells;
    int in_row;
} table;

typedef struct {
    sbuf *out;
    size_t out0;
    int md;
    char *base;
    int pend_nl, pend_sp, line_start;
    indent ind[MAX_INDENT];
    int nind;
    int nind_line; /* prefixes in effect on the last line written */
    inl in[MAX_INLINE];
    int nin;
    list lists[MAX_LISTS];
    int nlist;
    table tabs[MAX_TABLES];
    int ntab;
    elem st[MAX_OPEN];
    int nst;
    int pre;        /* open <pre> elements */
    int pre_start;  /* just after <pre>: drop one leading newline */
    int pre_nls;    /* newlines in pre not written yet */
    int inline_only; /* headings, cells, links: no line breaks */
    char skip_name[16];
    int skip_depth;
    int in_link;
    char *title;
    sbuf tmp;
} conv;

/* ---- output ---------------------------------------------------------------- */

static void write_prefix(conv *c, int blank)
{
    if (blank) {
        /* a blank line between blocks belongs to the outer ones only */
        int upto = c->nind < c->nind_line ? c->nind : c->nind_line;
        sbuf t = SBUF_INIT;
        for (int i = 0; i < upto; i++)
            sb_puts(&t, c->ind[i].rest);
        size_t n = t.len;
        while (n > 0 && t.data[n - 1] == ' ')
            n--;
        sb_put(c->out, t.data, n);
        sb_free(&t);
        return;
    }
    c->nind_line = c->nind;
    for (int i = 0; i < c->nind; i++) {
        if (c->ind[i].first_pending) {
            sb_puts(c->out, c->ind[i].first);
            c->ind[i].first_pending = 0;
        } else {
            sb_puts(c->out, c->ind[i].rest);
        }
    }
}

/* Writes what is pending before a visible character: the line breaks or the
 * space, the line prefix, the inline markers waiting for text. */
static void flush(conv *c)
{
    if (c->out->len == c->out0) {
        c->pend_nl = c->pend_sp = 0;
        c->line_start = 1;
    }
    if (c->pend_nl > 0) {
        sb_putc(c->out, '\n');
        if (c->pend_nl > 1) {
            write_prefix(c, 1);
            sb_putc(c->out, '\n');
        }
        c->line_start = 1;
    } else if (c->pend_sp && !c->line_start) {
        sb_putc(c->out, ' ');
    }
    c->pend_nl = c->pend_sp = 0;
    if (c->line_start) {
        write_prefix(c, 0);
        c->line_start = 0;
    }
    for (int i = 0; i < c->nin; i++) {
        if (!c->in[i].emitted) {
            sb_puts(c->out, c->in[i].open);
            c->in[i].emitted = 1;
            c->in[i].mark = c->out->len;
        }
    }
}

static void block(conv *c, int n)
{
    if (c->inline_only > 0 || c->pre > 0) {
        if (c->pre == 0)
            c->pend_sp = 1;
        return;
    }
    if (n > c->pend_nl)
        c->pend_nl = n;
}

static void hard_break(conv *c)
{
    if (c->pre > 0) {
        c->pre_nls++;
        return;
    }
    if (c->inline_only > 0) {
        c->pend_sp = 1;
        return;
    }
    if (c->out->len == c->out0)
        return;
    if (c->pend_nl < 2)
        c->pend_nl++;
}

static void put_raw(conv *c, const char *s)
{
    flush(c);
    sb_puts(c->out, s);
}

/* Collapsing text (already decoded). */
static void put_text(conv *c, const char *s, size_t n)
{
    int cell_md = c->md && c->ntab > 0 && !c->tabs[c->ntab - 1].flat && c->tabs[c->ntab - 1].in_row;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (is_space(ch)) {
            c->pend_sp = 1;
            continue;
        }
        /* U+00A0 (no-break space) counts as a space too */
        if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            c->pend_sp = 1;
            i++;
            continue;
        }
        flush(c);
        if (cell_md && ch == '|')
            sb_putc(c->out, '\\');
        sb_putc(c->out, ch);
    }
}

/* Text inside <pre>: kept as it is, newlines carry the line prefix. */
static void put_pre(conv *c, const char *s, size_t n)
{
    size_t i = 0;
    if (c->pre_start) {
        c->pre_start = 0;
        if (n > 0 && s[0] == '\r')
            i++;
        if (i < n && s[i] == '\n')
            i++;
    }
    for (; i < n; i++) {
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            continue;
        if (s[i] == '\n' || s[i] == '\r') {
            c->pre_nls++; /* written before the next character: none at the end */
        } else {
            flush(c);
            for (; c->pre_nls > 0; c->pre_nls--) {
                sb_putc(c->out, '\n');
                write_prefix(c, 0);
            }
            sb_putc(c->out, s[i]);
        }
    }
}

static void text(conv *c, const char *s, size_t n, int decode_refs)
{
    if (c->skip_depth > 0 || n == 0)
        return;
    sb_reset(&c->tmp);
    if (decode_refs)
        decode(s, n, 0, &c->tmp);
    else
        sb_put(&c->tmp, s, n);
    if (c->pre > 0)
        put_pre(c, c->tmp.data, c->tmp.len);
    else
        put_text(c, c->tmp.data, c->tmp.len);
}

/* ---- inline markers ---------------------------------------------------------- */

static int push_inline(conv *c, const char *open, const char *close, const char *href)
{
    if (c->nin >= MAX_INLINE)
        return 0;
    inl *e = &c->in[c->nin++];
    e->open = xstrdup(open);
    e->close = xstrdup(close);
    e->href = href ? xstrdup(href) : NULL;
    e->emitted = 0;
    e->mark = 0;
    return 1;
}

/* Is the text the link's own URL (so the link adds nothing)? */
static int text_is_href(const char *t, size_t n, const char *href)
{
    size_t hl = strlen(href);
    if (strncmp(href, "mailto:", 7) == 0 && hl - 7 == n && memcmp(href + 7, t, n) == 0)
        return 1;
    if (hl > 0 && href[hl - 1] == '/' && hl - 1 == n && memcmp(href, t, n) == 0)
        return 1;
    return hl == n && memcmp(href, t, n) == 0;
}

static void pop_inline(conv *c)
{
    inl *e = &c->in[--c->nin];
    if (e->emitted) {
        size_t ol = strlen(e->open);
        if (e->href != NULL && text_is_href(c->out->data + e->mark, c->out->len - e->mark, e->href)) {
            /* "[https://x](https://x)" -> "https://x" */
            memmove(c->out->data + e->mark - ol, c->out->data + e->mark, c->out->len - e->mark);
            c->out->len -= ol;
            c->out->data[c->out->len] = '\0';
        } else {
            sb_puts(c->out, e->close);
        }
    }
    free(e->open);
    free(e->close);
    free(e->href);
}

/* ---- tables ------------------------------------------------------------------ */

static table *cur_table(conv *c) { return c->ntab > 0 ? &c->tabs[c->ntab - 1] : NULL; }

static void end_row(conv *c)
{
    table *t = cur_table(c);
    if (t == NULL || !t->in_row)
        return;
    t->in_row = 0;
    if (t->flat) {
        c->pend_sp = 1;
        return;
    }
    if (c->md && t->cells > 0) {
        c->pend_sp = 0;
        put_raw(c, " |");
        if (t->rows == 0) {
            t->head_cells = t->cells;
            c->pend_nl = 1;
            flush(c);
            sb_putc(c->out, '|');
            for (int i = 0; i < t->cells; i++)
                sb_puts(c->out, " --- |");
        }
    }
    if (t->cells > 0)
        t->rows++;
    c->inline_only--;
    block(c, 1);
}

static void start_row(conv *c)
{
    table *t = cur_table(c);
    if (t == NULL)
        return;
    end_row(c);
    t->in_row = 1;
    t->cells = 0;
    if (t->flat) {
        c->pend_sp = 1;
        return;
    }
    block(c, 1);
    c->inline_only++; /* a row is one line */
}

static void start_cell(conv *c)
{
    table *t = cur_table(c);
    if (t == NULL)
        return;
    if (!t->in_row)
        start_row(c);
    if (t->flat) {
        c->pend_sp = 1;
        return;
    }
    c->pend_sp = 0;
    if (c->md)
        put_raw(c, t->cells == 0 ? "|" : " |");
    else if (t->cells > 0)
        put_raw(c, " |");
    c->pend_sp = 1;
    t->cells++;
}

/* ---- elements --------------------------------------------------------------------- */

static int name_in(const char *name, const char *const *set)
{
    for (; *set != NULL; set++)
        if (strcmp(name, *set) == 0)
            return 1;
    return 0;
}

static const char *const VOID_TAGS[] = {"area", "base",  "br",   "col",    "embed",
                                         "hr",   "img",   "input", "link",  "meta",
                                         "param", "source", "track", "wbr", "keygen", NULL};
/* Content never shown. */
static const char *const SKIP_TAGS[] = {"svg", "template", "select", "datalist", "canvas",
                                         "video", "audio", NULL};
/* Raw text: the content ends only at the matching end tag. */
static const char *const RAW_TAGS[] = {"script", "style",  "noscript", "iframe", "noembed",
                                        "noframes", "xmp", "textarea", "title", "plaintext", NULL};
/* A paragraph before and after. */
static const char *const PARA_TAGS[] = {"p",       "blockquote", "pre",    "table",  "dl",
                                         "figure",  "address",    "hr",     "fieldset", "details",
                                         "h1", "h2", "h3", "h4", "h5", "h6", NULL};
/* A line break before and after. */
static const char *const LINE_TAGS[] = {
    "div",    "section", "article", "main",    "header",  "footer", "nav",     "aside",
    "form",   "figcaption", "summary", "center", "caption", "legend", "hgroup", "menu",
    "dir",    "html",    "body",    "tbody",   "thead",   "tfoot",  "dialog",  "search",
    "dt",     "dd",      "li",      "tr",      "option",  "frameset", "frame", "label", NULL};

static void push_elem(conv *c, const char *name, int kind, int brk)
{
    if (c->nst >= MAX_OPEN)
        return;
    elem *e = &c->st[c->nst++];
    strncpy(e->name, name, sizeof e->name - 1);
    e->name[sizeof e->name - 1] = '\0';
    e->kind = kind;
    e->brk = brk;
}

/* Undoes what the top element did, and pops it. */
static void pop_elem(conv *c)
{
    elem *e = &c->st[--c->nst];
    switch (e->kind) {
    case E_LIST:
        if (c->nlist > 0)
            c->nlist--;
        break;
    case E_LI:
    case E_QUOTE:
    case E_DD:
        if (c->nind > 0)
            c->nind--;
        break;
    case E_PRE:
        if (c->pre > 0) {
            c->pre--;
            c->pre_start = 0;
            if (c->pre == 0) {
                c->pre_nls = 0;
                if (c->md) {
                    sb_putc(c->out, '\n');
                    write_prefix(c, 0);
                    sb_puts(c->out, "```");
                }
            }
        }
        break;
    case E_INLINE:
        if (c->nin > 0)
            pop_inline(c);
        break;
    case E_HEADING:
        if (c->nin > 0)
            pop_inline(c);
        c->inline_only--;
        break;
    case E_LINK:
        if (c->nin > 0)
            pop_inline(c);
        c->in_link = 0;
        if (c->md)
            c->inline_only--;
        break;
    case E_TABLE:
        end_row(c);
        if (c->ntab > 0 && c->tabs[c->ntab - 1].flat)
            c->pend_sp = 1;
        if (c->ntab > 0)
            c->ntab--;
        break;
    case E_TR:
        end_row(c);
        break;
    case E_CELL:
        break;
    }
    if (e->brk)
        block(c, e->brk);
}

/* Index of the topmost open element called name, stopping at any element
 * in stop (or -1). */
static int find_open(conv *c, const char *name, const char *const *stop)
{
    for (int i = c->nst - 1; i >= 0; i--) {
        if (strcmp(c->st[i].name, name) == 0)
            return i;
        if (stop != NULL && name_in(c->st[i].name, stop))
            return -1;
    }
    return -1;
}

static void pop_to(conv *c, int idx)
{
    while (c->nst > idx)
        pop_elem(c);
}

typedef struct {
    const char *name;
    size_t name_n;
    const char *val;
    size_t val_n;
} attr;

/* The decoded value of attribute name, malloc'd, or NULL. */
static char *get_attr(const attr *a, int na, const char *name)
{
    for (int i = 0; i < na; i++) {
        if (a[i].name_n == strlen(name)) {
            int same = 1;
            for (size_t k = 0; k < a[i].name_n && same; k++)
                same = lower((unsigned char)a[i].name[k]) == name[k];
            if (same) {
                sbuf b = SBUF_INIT;
                decode(a[i].val, a[i].val_n, 1, &b);
                return sb_detach(&b, NULL);
            }
        }
    }
    return NULL;
}

/* style="display:none" (any spacing or case) */
static int style_hidden(const char *style)
{
    char buf[256];
    size_t n = 0;
    for (const char *p = style; *p && n + 1 < sizeof buf; p++)
        if (!is_space((unsigned char)*p))
            buf[n++] = (char)lower((unsigned char)*p);
    buf[n] = '\0';
    return strstr(buf, "display:none") != NULL || strstr(buf, "visibility:hidden") != NULL;
}

/* A link target worth showing, resolved; NULL for none. */
static char *link_target(conv *c, const char *href)
{
    const char *h = href;
    while (*h && is_space((unsigned char)*h))
        h++;
    if (*h == '\0' || *h == '#')
        return NULL;
    char sch[16];
    size_t k = 0;
    while (h[k] && h[k] != ':' && k < sizeof sch - 1 && h[k] != '/') {
        sch[k] = (char)lower((unsigned char)h[k]);
        k++;
    }
    sch[k] = '\0';
    if (h[k] == ':' && (strcmp(sch, "javascript") == 0 || strcmp(sch, "data") == 0 ||
                        strcmp(sch, "vbscript") == 0))
        return NULL;
    char *abs = url_resolve(c->base, h, strlen(h));
    if (!c->md)
        return abs;
    /* markdown: no spaces or parentheses in the destination */
    sbuf b = SBUF_INIT;
    for (const char *p = abs; *p; p++) {
        if (*p == ' ')
            sb_puts(&b, "%20");
        else if (*p == '(')
            sb_puts(&b, "%28");
        else if (*p == ')')
            sb_puts(&b, "%29");
        else if (*p == '<' || *p == '>')
            sb_printf(&b, "%%%02X", (unsigned char)*p);
        else
            sb_putc(&b, *p);
    }
    free(abs);
    return sb_detach(&b, NULL);
}

static void start_tag(conv *c, const char *name, const attr *a, int na, int self_closing)
{
    /* hidden content */
    if (!name_in(name, VOID_TAGS) && !self_closing) {
        int hide = name_in(name, SKIP_TAGS);
        if (!hide) {
            char *h = get_attr(a, na, "hidden");
            char *st = get_attr(a, na, "style");
            hide = h != NULL || (st != NULL && style_hidden(st));
            free(h);
            free(st);
        }
        if (hide) {
            strcpy(c->skip_name, name);
            c->skip_depth = 1;
            return;
        }
    }

    if (strcmp(name, "br") == 0) {
        hard_break(c);
        return;
    }
    if (strcmp(name, "base") == 0) {
        char *h = get_attr(a, na, "href");
        if (h != NULL) {
            char *nb = url_resolve(c->base, h, strlen(h));
            free(c->base);
            c->base = nb;
            free(h);
        }
        return;
    }
    if (strcmp(name, "hr") == 0) {
        block(c, 2);
        if (c->inline_only == 0 && c->pre == 0) {
            put_raw(c, "---");
            block(c, 2);
        }
        return;
    }
    if (strcmp(name, "img") == 0) {
        char *alt = get_attr(a, na, "alt");
        char *src = get_attr(a, na, "src");
        if (alt != NULL) {
            /* collapse the alt text */
            sbuf t = SBUF_INIT;
            int sp = 0;
            for (const char *p = alt; *p; p++) {
                if (is_space((unsigned char)*p)) {
                    sp = t.len > 0;
                    continue;
                }
                if (sp)
                    sb_putc(&t, ' ');
                sp = 0;
                if (c->md && (*p == '[' || *p == ']'))
                    sb_putc(&t, '\\');
                sb_putc(&t, *p);
            }
            char *target = src != NULL && c->md && !c->in_link ? link_target(c, src) : NULL;
            if (t.len > 0 && target != NULL) {
                flush(c);
                sb_puts(c->out, "![");
                sb_puts(c->out, sb_cstr(&t));
                sb_puts(c->out, "](");
                sb_puts(c->out, target);
                sb_putc(c->out, ')');
            } else if (t.len > 0) {
                put_text(c, t.data, t.len);
            }
            free(target);
            sb_free(&t);
        }
        free(alt);
        free(src);
        return;
    }
    if (name_in(name, VOID_TAGS))
        return;

    /* implicit ends */
    static const char *const list_scope[] = {"ul", "ol", "menu", "dir", "table", NULL};
    static const char *const dl_scope[] = {"dl", "table", NULL};
    static const char *const row_scope[] = {"table", NULL};
    static const char *const cell_scope[] = {"tr", "table", NULL};
    int idx;
    if (strcmp(name, "li") == 0 && (idx = find_open(c, "li", list_scope)) >= 0)
        pop_to(c, idx);
    if ((strcmp(name, "dt") == 0 || strcmp(name, "dd") == 0)) {
        if ((idx = find_open(c, "dd", dl_scope)) >= 0)
            pop_to(c, idx);
        if ((idx = find_open(c, "dt", dl_scope)) >= 0)
            pop_to(c, idx);
    }
    if (strcmp(name, "tr") == 0 && (idx = find_open(c, "tr", row_scope)) >= 0)
        pop_to(c, idx);
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
        if ((idx = find_open(c, "td", cell_scope)) >= 0)
            pop_to(c, idx);
        if ((idx = find_open(c, "th", cell_scope)) >= 0)
            pop_to(c, idx);
    }
    if (strcmp(name, "a") == 0 && (idx = find_open(c, "a", NULL)) >= 0)
        pop_to(c, idx);
    if (strcmp(name, "p") == 0 && (idx = find_open(c, "p", list_scope)) >= 0)
        pop_to(c, idx);

    if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0 || strcmp(name, "menu") == 0 ||
        strcmp(name, "dir") == 0) {
        int nested = c->nind > 0;
        block(c, nested ? 1 : 2);
        if (c->nlist < MAX_LISTS) {
            list *l = &c->lists[c->nlist++];
            l->ordered = strcmp(name, "ol") == 0;
            l->next = 1;
            char *s = get_attr(a, na, "start");
            if (s != NULL && l->ordered)
                l->next = strtol(s, NULL, 10);
            free(s);
            push_elem(c, name, E_LIST, nested ? 1 : 2);
        } else {
            push_elem(c, name, E_PLAIN, 1);
        }
        return;
    }
    if (strcmp(name, "li") == 0) {
        block(c, 1);
        if (c->nind < MAX_INDENT && c->inline_only == 0) {
            indent *d = &c->ind[c->nind++];
            if (c->nlist > 0 && c->lists[c->nlist - 1].ordered) {
                long n = c->lists[c->nlist - 1].next++;
                snprintf(d->first, sizeof d->first, "%ld. ", n);
            } else {
                strcpy(d->first, "- ");
            }
            size_t w = strlen(d->first);
            memset(d->rest, ' ', w);
            d->rest[w] = '\0';
            d->first_pending = 1;
            push_elem(c, name, E_LI, 1);
        } else {
            push_elem(c, name, E_PLAIN, 1);
        }
        return;
    }
    if (strcmp(name, "blockquote") == 0 || strcmp(name, "dd") == 0) {
        int q = name[0] == 'b';
        block(c, q ? 2 : 1);
        if (c->nind < MAX_INDENT && c->inline_only == 0) {
            indent *d = &c->ind[c->nind++];
            const char *p = q && c->md ? "> " : "  ";
            strcpy(d->first, p);
            strcpy(d->rest, p);
            d->first_pending = 0;
            push_elem(c, name, q ? E_QUOTE : E_DD, q ? 2 : 1);
        } else {
            push_elem(c, name, E_PLAIN, q ? 2 : 1);
        }
        return;
    }
    if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0) {
        block(c, 2);
        if (c->inline_only > 0) {
            push_elem(c, name, E_PLAIN, 2);
            return;
        }
        if (c->pre == 0 && c->md) {
            put_raw(c, "```");
            sb_putc(c->out, '\n');
            write_prefix(c, 0);
        } else if (c->pre == 0) {
            flush(c);
        }
        c->pre++;
        c->pre_start = 1;
        c->pre_nls = 0;
        push_elem(c, name, E_PRE, 2);
        return;
    }
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0') {
        block(c, 2);
        if (c->inline_only > 0 || c->pre > 0) {
            push_elem(c, name, E_PLAIN, 2);
            return;
        }
        char hashes[8] = "";
        if (c->md) {
            int lvl = name[1] - '0';
            memset(hashes, '#', (size_t)lvl);
            hashes[lvl] = ' ';
            hashes[lvl + 1] = '\0';
        }
        if (push_inline(c, hashes, "", NULL)) {
            c->inline_only++;
            push_elem(c, name, E_HEADING, 2);
        }
        return;
    }
    if (strcmp(name, "a") == 0) {
        char *href = get_attr(a, na, "href");
        char *target = href != NULL && !c->in_link ? link_target(c, href) : NULL;
        free(href);
        if (target == NULL)
            return;
        sbuf close = SBUF_INIT;
        if (c->md) {
            sb_puts(&close, "](");
            sb_puts(&close, target);
            sb_putc(&close, ')');
        } else {
            sb_puts(&close, " (");
            sb_puts(&close, target);
            sb_putc(&close, ')');
        }
        if (push_inline(c, c->md ? "[" : "", sb_cstr(&close), target)) {
            c->in_link = 1;
            if (c->md)
                c->inline_only++;
            push_elem(c, name, E_LINK, 0);
        }
        sb_free(&close);
        free(target);
        return;
    }
    if (strcmp(name, "table") == 0) {
        int flat = c->inline_only > 0 || c->pre > 0 || c->ntab >= MAX_TABLES;
        block(c, 2);
        if (c->ntab < MAX_TABLES) {
            table *t = &c->tabs[c->ntab++];
            memset(t, 0, sizeof *t);
            t->flat = flat;
            push_elem(c, name, E_TABLE, flat ? 0 : 2);
        }
        return;
    }
    if (strcmp(name, "tr") == 0) {
        if (c->ntab > 0) {
            start_row(c);
            push_elem(c, name, E_TR, 0);
        }
        return;
    }
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
        if (c->ntab > 0) {
            start_cell(c);
            push_elem(c, name, E_CELL, 0);
        }
        return;
    }
    /* inline markers (markdown only) */
    const char *mark = NULL;
    if (strcmp(name, "b") == 0 || strcmp(name, "strong") == 0)
        mark = "**";
    else if (strcmp(name, "i") == 0 || strcmp(name, "em") == 0 || strcmp(name, "cite") == 0)
        mark = "*";
    else if (strcmp(name, "code") == 0 || strcmp(name, "kbd") == 0 || strcmp(name, "samp") == 0 ||
             strcmp(name, "tt") == 0)
        mark = "`";
    else if (strcmp(name, "s") == 0 || strcmp(name, "del") == 0 || strcmp(name, "strike") == 0)
        mark = "~~";
    if (mark != NULL) {
        int in_heading = 0;
        for (int i = 0; i < c->nst; i++)
            if (c->st[i].kind == E_HEADING)
                in_heading = 1;
        if (c->md && c->pre == 0 && !(in_heading && mark[0] == '*') &&
            push_inline(c, mark, mark, NULL))
            push_elem(c, name, E_INLINE, 0);
        else
            push_elem(c, name, E_PLAIN, 0);
        return;
    }
    if (name_in(name, PARA_TAGS)) {
        block(c, 2);
        push_elem(c, name, E_PLAIN, 2);
        return;
    }
    if (name_in(name, LINE_TAGS)) {
        block(c, 1);
        push_elem(c, name, E_PLAIN, 1);
        return;
    }
}

static void end_tag(conv *c, const char *name)
{
    if (strcmp(name, "br") == 0) { /* </br> acts like <br> */
        hard_break(c);
        return;
    }
    int idx = find_open(c, name, NULL);
    if (idx >= 0) {
        pop_to(c, idx);
        return;
    }
    if (name_in(name, PARA_TAGS))
        block(c, 2);
    else if (name_in(name, LINE_TAGS))
        block(c, 1);
}

/* ---- the tokenizer --------------------------------------------------------------- */

static size_t find_ci(const char *s, size_t n, size_t from, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = from; i + nl <= n; i++) {
        size_t k = 0;
        while (k < nl && lower((unsigned char)s[i + k]) == needle[k])
            k++;
        if (k == nl)
            return i;
    }
    return n;
}

/* The end of raw text started at from: the index of "</name" followed by
 * a space, '/' or '>', or n. */
static size_t raw_end(const char *s, size_t n, size_t from, const char *name)
{
    char needle[20];
    snprintf(needle, sizeof needle, "</%s", name);
    size_t nl = strlen(needle);
    for (size_t i = find_ci(s, n, from, needle); i < n; i = find_ci(s, n, i + 1, needle)) {
        if (i + nl >= n || is_space((unsigned char)s[i + nl]) || s[i + nl] == '/' ||
            s[i + nl] == '>')
            return i;
    }
    return n;
}

static size_t skip_to_gt(const char *s, size_t n, size_t i)
{
    const char *gt = memchr(s + i, '>', n - i);
    return gt ? (size_t)(gt - s) + 1 : n;
}

static void raw_content(conv *c, const char *name, const char *s, size_t n)
{
    if (strcmp(name, "title") == 0) {
        /* the page's title, not an svg's */
        if (c->title != NULL || (c->skip_depth > 0 && strcmp(c->skip_name, "svg") == 0))
            return;
        sbuf d = SBUF_INIT, t = SBUF_INIT;
        decode(s, n, 0, &d);
        int sp = 0;
        for (size_t i = 0; i < d.len; i++) {
            if (is_space((unsigned char)d.data[i])) {
                sp = t.len > 0;
                continue;
            }
            if (sp)
                sb_putc(&t, ' ');
            sp = 0;
            sb_putc(&t, d.data[i]);
        }
        sb_free(&d);
        c->title = sb_detach(&t, NULL);
        return;
    }
    if (c->skip_depth > 0)
        return;
    if (strcmp(name, "textarea") == 0)
        text(c, s, n, 1);
    else if (strcmp(name, "xmp") == 0 || strcmp(name, "plaintext") == 0)
        text(c, s, n, 0);
    /* script, style, noscript, iframe, noembed, noframes: not shown */
}

/* Handles the markup at s[i] == '<'; returns the index after it, or i when
 * the '<' is a literal character. */
static size_t markup(conv *c, const char *s, size_t n, size_t i)
{
    if (i + 1 >= n)
        return i;
    char nx = s[i + 1];
    if (nx == '!') {
        if (i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
            size_t from = i + 4;
            if (from < n && s[from] == '>') /* <!--> */
                return from + 1;
            if (from + 1 < n && s[from] == '-' && s[from + 1] == '>') /* <!---> */
                return from + 2;
            for (size_t k = from; k + 2 < n; k++)
                if (s[k] == '-' && s[k + 1] == '-' && (s[k + 2] == '>' ||
                    (s[k + 2] == '!' && k + 3 < n && s[k + 3] == '>')))
                    return k + (s[k + 2] == '>' ? 3 : 4);
            return n;
        }
        if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            size_t k = i + 9;
            while (k + 2 < n && !(s[k] == ']' && s[k + 1] == ']' && s[k + 2] == '>'))
                k++;
            size_t end = k + 2 < n ? k : n;
            text(c, s + i + 9, end - (i + 9), 0);
            return end < n ? end + 3 : n;
        }
        return skip_to_gt(s, n, i + 2);
    }
    if (nx == '?')
        return skip_to_gt(s, n, i + 2);
    if (nx == '/') {
        if (i + 2 < n && is_alpha((unsigned char)s[i + 2])) {
            char name[16];
            size_t k = i + 2, nl = 0;
            while (k < n && !is_space((unsigned char)s[k]) && s[k] != '/' && s[k] != '>') {
                if (nl < sizeof name - 1)
                    name[nl++] = (char)lower((unsigned char)s[k]);
                k++;
            }
            name[nl] = '\0';
            size_t end = skip_to_gt(s, n, k);
            if (c->skip_depth > 0) {
                if (strcmp(name, c->skip_name) == 0 && --c->skip_depth == 0)
                    c->skip_name[0] = '\0';
            } else {
                end_tag(c, name);
            }
            return end;
        }
        if (i + 2 < n && s[i + 2] == '>')
            return i + 3;
        return skip_to_gt(s, n, i + 2); /* bogus comment */
    }
    if (!is_alpha((unsigned char)nx))
        return i;

    /* a start tag */
    char name[16];
    size_t k = i + 1, nl = 0;
    while (k < n && !is_space((unsigned char)s[k]) && s[k] != '/' && s[k] != '>') {
        if (nl < sizeof name - 1)
            name[nl++] = (char)lower((unsigned char)s[k]);
        k++;
    }
    name[nl] = '\0';
    attr a[MAX_ATTRS];
    int na = 0, self_closing = 0;
    for (;;) {
        while (k < n && (is_space((unsigned char)s[k]) || s[k] == '/')) {
            self_closing = s[k] == '/';
            k++;
        }
        if (k >= n)
            break;
        if (s[k] == '>') {
            k++;
            break;
        }
        self_closing = 0;
        size_t an = k;
        k++; /* the first character may be '=' */
        while (k < n && !is_space((unsigned char)s[k]) && s[k] != '/' && s[k] != '>' &&
               s[k] != '=')
            k++;
        size_t an_end = k;
        while (k < n && is_space((unsigned char)s[k]))
            k++;
        size_t v = k, v_end = k;
        if (k < n && s[k] == '=') {
            k++;
            while (k < n && is_space((unsigned char)s[k]))
                k++;
            if (k < n && (s[k] == '"' || s[k] == '\'')) {
                char q = s[k++];
                v = k;
                const char *e = memchr(s + k, q, n - k);
                v_end = e ? (size_t)(e - s) : n;
                k = e ? v_end + 1 : n;
            } else {
                v = k;
                while (k < n && !is_space((unsigned char)s[k]) && s[k] != '>')
                    k++;
                v_end = k;
            }
        }
        if (na < MAX_ATTRS) {
            a[na].name = s + an;
            a[na].name_n = an_end - an;
            a[na].val = s + v;
            a[na].val_n = v_end - v;
            na++;
        }
    }

    if (c->skip_depth > 0) {
        if (strcmp(name, c->skip_name) == 0 && !self_closing)
            c->skip_depth++;
    } else {
        start_tag(c, name, a, na, self_closing);
    }

    if (name_in(name, RAW_TAGS)) {
        if (strcmp(name, "plaintext") == 0) {
            raw_content(c, name, s + k, n - k);
            return n;
        }
        size_t e = raw_end(s, n, k, name);
        raw_content(c, name, s + k, e - k);
        return e < n ? skip_to_gt(s, n, e) : n;
    }
    return k;
}

void html_convert(const char *html, size_t len, int mode, const char *base_url, sbuf *out,
                  char **title)
{
    conv *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->out = out;
    c->out0 = out->len;
    c->md = mode == HTML_MARKDOWN;
    c->base = base_url ? xstrdup(base_url) : NULL;
    c->line_start = 1;
    sb_init(&c->tmp);

    size_t i = 0;
    if (len >= 3 && memcmp(html, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        if (html[i] == '<') {
            size_t j = markup(c, html, len, i);
            if (j > i) {
                i = j;
                continue;
            }
        }
        size_t e = i + 1;
        while (e < len && html[e] != '<')
            e++;
        text(c, html + i, e - i, 1);
        i = e;
    }
    pop_to(c, 0);
    while (c->nin > 0)
        pop_inline(c);

    /* no trailing whitespace */
    while (out->len > c->out0 && is_space((unsigned char)out->data[out->len - 1]))
        out->len--;
    if (out->data != NULL)
        out->data[out->len] = '\0';

    if (title != NULL)
        *title = c->title;
    else
        free(c->title);
    free(c->base);
    sb_free(&c->tmp);
    free(c);
}

void html_charset(const char *ct, const char *body, size_t len, int is_html, char *buf,
                  size_t cap)
{
    buf[0] = '\0';
    const char *src = NULL;
    size_t src_n = 0;
    if (ct != NULL) {
        size_t cl = strlen(ct);
        size_t p = find_ci(ct, cl, 0, "charset=");
        if (p < cl) {
            src = ct + p + 8;
            src_n = cl - p - 8;
        }
    }
    if (src == NULL && is_html && body != NULL) {
        size_t n = len < 1024 ? len : 1024;
        size_t p = find_ci(body, n, 0, "charset=");
        if (p < n) {
            src = body + p + 8;
            src_n = n - p - 8;
        }
    }
    if (src == NULL)
        return;
    size_t i = 0, o = 0;
    while (i < src_n && (src[i] == '"' || src[i] == '\'' || is_space((unsigned char)src[i])))
        i++;
    while (i < src_n && o + 1 < cap &&
           (is_alnum((unsigned char)src[i]) || src[i] == '-' || src[i] == '_' || src[i] == '.' ||
            src[i] == ':'))
        buf[o++] = (char)lower((unsigned char)src[i++]);
    buf[o] = '\0';
}

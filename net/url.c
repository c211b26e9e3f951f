/*
 * url.c - strict URL, host and IP-literal parsing (see url.h for the rules
 * and why each one exists).
 */
#define _POSIX_C_SOURCE 200809L

#include "url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

unsigned net_default_port(const char *scheme)
{
    static const struct {
        const char *scheme;
        unsigned port;
    } ports[] = {{"http", 80},    {"https", 443},  {"postgres", 5432},
                 {"mysql", 3306}, {"redis", 6379}, {"mqtt", 1883}};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        const char *a = ports[i].scheme, *b = scheme;
        while (*a != '\0' && tolower((unsigned char)*b) == *a) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0')
            return ports[i].port;
    }
    return 0;
}

/* ---- IP literals ----------------------------------------------------------- */

static int digit_in(char c, unsigned base)
{
    int d;
    if (c >= '0' && c <= '9')
        d = c - '0';
    else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
    else
        return -1;
    return (unsigned)d < base ? d : -1;
}

/* IPv4 as inet_aton reads it: 1..4 parts of decimal, octal (leading 0) or
 * hex (0x; "0x" alone is 0, as in glibc), the last part filling the bytes
 * left.  One trailing dot is allowed (WHATWG URL does the same). */
static bool parse_v4(const char *s, size_t n, uint8_t out[4])
{
    uint64_t parts[4];
    size_t np = 0, i = 0;
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0)
        return false;
    for (;;) {
        if (np == 4)
            return false;
        unsigned base = 10;
        size_t start = i;
        if (i < n && s[i] == '0') {
            base = 8;
            i++;
            if (i < n && (s[i] == 'x' || s[i] == 'X')) {
                base = 16;
                i++;
            }
        }
        uint64_t v = 0;
        for (; i < n && s[i] != '.'; i++) {
            int d = digit_in(s[i], base);
            if (d < 0)
                return false;
            v = v * base + (unsigned)d;
            if (v > 0xffffffffu)
                return false;
        }
        if (i == start)
            return false; /* empty part */
        parts[np++] = v;
        if (i == n)
            break;
        if (++i == n)
            return false; /* "1.2." after the trailing dot went: "1.2.." */
    }
    for (size_t k = 0; k + 1 < np; k++)
        if (parts[k] > 255)
            return false;
    if (parts[np - 1] > (0xffffffffu >> (8 * (np - 1))))
        return false;
    uint32_t v = (uint32_t)parts[np - 1];
    for (size_t k = 0; k + 1 < np; k++)
        v |= (uint32_t)parts[k] << (24 - 8 * k);
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
    return true;
}

/* IPv6 text without brackets; no zone id. */
static bool parse_v6(const char *s, size_t n, uint8_t out[16])
{
    char buf[64];
    if (n == 0 || n >= sizeof buf || memchr(s, '%', n) != NULL)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return inet_pton(AF_INET6, buf, out) == 1;
}

static void set_ip(net_cidr *c, int family, const uint8_t *addr)
{
    memset(c, 0, sizeof *c);
    c->family = (uint8_t)family;
    c->prefix = family == 4 ? 32 : 128;
    memcpy(c->addr, addr, family == 4 ? 4 : 16);
}

static bool parse_ip(const char *s, size_t n, net_cidr *out)
{
    uint8_t a[16];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        if (!parse_v6(s + 1, n - 2, a))
            return false;
        set_ip(out, 6, a);
        return true;
    }
    if (memchr(s, ':', n) != NULL) {
        if (!parse_v6(s, n, a))
            return false;
        set_ip(out, 6, a);
        return true;
    }
    if (!parse_v4(s, n, a))
        return false;
    set_ip(out, 4, a);
    return true;
}

bool net_parse_ip(const char *host, net_cidr *out)
{
    return parse_ip(host, strlen(host), out);
}

bool net_ip_as_v4(const net_cidr *a, net_cidr *v4)
{
    static const uint8_t zero[10];
    if (a->family != 6 || a->prefix < 96 || memcmp(a->addr, zero, 10) != 0)
        return false;
    const uint8_t *t = a->addr + 12;
    bool mapped = a->addr[10] == 0xff && a->addr[11] == 0xff;
    /* ::a.b.c.d, but :: and ::1 are IPv6's own unspecified and loopback. */
    bool compat = a->addr[10] == 0 && a->addr[11] == 0 && a->prefix == 128 &&
                  (t[0] | t[1] | t[2] | (t[3] & 0xfe)) != 0;
    if (!mapped && !compat)
        return false;
    memset(v4, 0, sizeof *v4);
    v4->family = 4;
    v4->prefix = (uint8_t)(a->prefix - 96);
    memcpy(v4->addr, t, 4);
    return true;
}

static void embed(net_embedded *e, const uint8_t *v4, bool invert, const char *form)
{
    memset(&e->v4, 0, sizeof e->v4);
    e->v4.family = 4;
    e->v4.prefix = 32;
    for (int i = 0; i < 4; i++)
        e->v4.addr[i] = invert ? (uint8_t)~v4[i] : v4[i];
    e->form = form;
}

size_t net_ip_embedded_v4(const net_cidr *a, net_embedded out[NET_EMBED_MAX])
{
    static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};
    static const uint8_t siit[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
    const uint8_t *b = a->addr;
    if (a->family != 6 || a->prefix != 128)
        return 0;
    if (memcmp(b, nat64, 12) == 0) {
        embed(&out[0], b + 12, false, "NAT64, RFC 6052");
        return 1;
    }
    if (memcmp(b, siit, 12) == 0) {
        embed(&out[0], b + 12, false, "IPv4-translated, RFC 2765");
        return 1;
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
        embed(&out[0], b + 4, false, "Teredo server, RFC 4380");
        embed(&out[1], b + 12, true, "Teredo client, RFC 4380");
        return 2;
    }
    size_t n = 0;
    if (b[0] == 0x20 && b[1] == 0x02)
        embed(&out[n++], b + 2, false, "6to4, RFC 3056");
    /* An ISATAP interface id may follow any /64, a 6to4 one included. */
    if ((b[8] & 0xfc) == 0 && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe)
        embed(&out[n++], b + 12, false, "ISATAP, RFC 5214");
    return n;
}

bool net_cidr_contains(const net_cidr *n, const net_cidr *a)
{
    if (n->family != a->family)
        return false;
    unsigned full = n->prefix / 8, rest = n->prefix % 8;
    if (memcmp(n->addr, a->addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff00u >> rest);
    return (n->addr[full] & mask) == (a->addr[full] & mask);
}

void net_cidr_format(const net_cidr *c, char *buf, size_t cap)
{
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, text, sizeof text) == NULL)
        strcpy(text, "?");
    if (c->prefix == (c->family == 4 ? 32 : 128))
        snprintf(buf, cap, "%s", text);
    else
        snprintf(buf, cap, "%s/%u", text, (unsigned)c->prefix);
}

/* ---- hosts ----------------------------------------------------------------------- */

/* WHATWG "ends in a number": the last label is all digits or 0x + hex. */
static bool ends_in_number(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && s[i - 1] != '.')
        i--;
    const char *l = s + i;
    size_t len = n - i;
    bool hex = len >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X');
    if (len == 0)
        return false;
    for (size_t k = hex ? 2 : 0; k < len; k++)
        if (digit_in(l[k], hex ? 16 : 10) < 0)
            return false;
    return true;
}

static const char *check_name(const char *s, size_t n, char *out)
{
    if (n > NET_NAME_MAX)
        return "the host name is longer than 253 bytes";
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '.') {
            if (label == 0)
                return "the host name has an empty label";
            label = 0;
        } else if (isalnum(ch) || ch == '-' || ch == '_') {
            if (++label > 63)
                return "a label of the host name is longer than 63 bytes";
        } else {
            return "the host name may only hold letters, digits, '-', '_' and '.'";
        }
        out[i] = (char)tolower(ch);
    }
    out[n] = '\0';
    if (label == 0)
        return "the host name has an empty label";
    if (ends_in_number(s, n))
        return "not a valid IPv4 address";
    return NULL;
}

const char *net_url_host(const char *s, size_t n, bool bare_ipv6, net_url *u)
{
    if (n == 0)
        return "the host is empty";
    bool bracket = s[0] == '[';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '%')
            return bracket ? "an IPv6 zone id is not allowed"
                           : "percent-encoding is not allowed in the host";
        if (ch == '\\')
            return "a backslash is not allowed";
        if (ch == '@')
            return "userinfo is not allowed";
        if (ch <= ' ' || ch == 0x7f)
            return "spaces and control characters are not allowed";
        if (ch >= 0x80)
            return "non-ASCII host names must be written in punycode (xn--)";
    }
    u->is_ip = false;
    if (bracket) {
        if (s[n - 1] != ']')
            return "'[' without ']'";
        if (!parse_ip(s, n, &u->ip))
            return "not a valid IPv6 address between '[' and ']'";
    } else if (memchr(s, ':', n) != NULL) {
        if (!bare_ipv6 || !parse_ip(s, n, &u->ip))
            return "an IPv6 address must be written in brackets ([::1])";
    } else if (!parse_ip(s, n, &u->ip)) {
        if (n > 1 && s[n - 1] == '.')
            n--; /* "example.com." is "example.com" */
        return check_name(s, n, u->host);
    }
    u->is_ip = true;
    net_cidr_format(&u->ip, u->host, sizeof u->host);
    return NULL;
}

/* ---- URLs ------------------------------------------------------------------------- */

const char *net_url_parse_why(const char *url, net_url *u)
{
    memset(u, 0, sizeof *u);
    for (const char *p = url; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\\')
            return "a backslash is not allowed (write %5C in a path)";
        if (ch <= ' ' || ch == 0x7f)
            return "spaces and control characters are not allowed";
        if (ch >= 0x80)
            return "non-ASCII bytes must be percent-encoded";
    }
    size_t slen = 0;
    while (isalpha((unsigned char)url[slen]))
        slen++;
    if (slen == 0 || strncmp(url + slen, "://", 3) != 0)
        return "expected SCHEME://HOST[:PORT][/PATH]";
    if (slen > NET_SCHEME_MAX)
        return "the scheme is too long";
    for (size_t i = 0; i < slen; i++)
        u->scheme[i] = (char)tolower((unsigned char)url[i]);

    const char *a = url + slen + 3;
    size_t alen = strcspn(a, "/?#");
    if (memchr(a, '@', alen) != NULL)
        return "userinfo is not allowed";
    const char *port = NULL; /* the ':' before the port */
    size_t hlen = alen;
    if (alen > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', alen);
        if (close == NULL)
            return "'[' without ']'";
        hlen = (size_t)(close + 1 - a);
        if (hlen < alen && a[hlen] != ':')
            return "unexpected text after ']'";
    } else {
        const char *colon = memchr(a, ':', alen);
        if (colon != NULL && memchr(colon + 1, ':', alen - (size_t)(colon + 1 - a)) != NULL)
            return "an IPv6 address must be written in brackets ([::1])";
        if (colon != NULL)
            hlen = (size_t)(colon - a);
    }
    if (hlen < alen)
        port = a + hlen;
    const char *why = net_url_host(a, hlen, false, u);
    if (why != NULL)
        return why;

    if (port != NULL) {
        size_t plen = alen - hlen - 1;
        unsigned long v = 0;
        if (plen == 0)
            return "the port after ':' is empty";
        for (size_t i = 1; i <= plen; i++) {
            if (!isdigit((unsigned char)port[i]) || i > 5)
                return "the port must be a number 1..65535";
            v = v * 10 + (unsigned long)(port[i] - '0');
        }
        if (v < 1 || v > 65535)
            return "the port must be a number 1..65535";
        u->port = (uint16_t)v;
        u->port_explicit = true;
    } else {
        unsigned d = net_default_port(u->scheme);
        if (d == 0)
            return "this scheme has no default port; give one (SCHEME://HOST:PORT)";
        u->port = (uint16_t)d;
    }
    u->path = a + alen;
    u->path_len = strcspn(u->path, "#"); /* the fragment is never sent */
    return NULL;
}

bool net_url_parse(const char *url, net_url *out, char *err, size_t cap)
{
    const char *why = net_url_parse_why(url, out);
    if (why != NULL && err != NULL && cap > 0)
        snprintf(err, cap, "invalid URL '%s': %s", url, why);
    return why == NULL;
}

size_t net_url_format(const net_url *u, char *buf, size_t cap, bool with_path)
{
    bool v6 = u->is_ip && u->ip.family == 6;
    int n = snprintf(buf, cap, "%s://%s%s%s:%u", u->scheme, v6 ? "[" : "", u->host,
                     v6 ? "]" : "", (unsigned)u->port);
    size_t len = n < 0 ? 0 : (size_t)n;
    if (with_path) {
        const char *lead = u->path_len == 0 || u->path[0] == '?' ? "/" : "";
        size_t off = len < cap ? len : (cap > 0 ? cap - 1 : 0);
        n = snprintf(cap > 0 ? buf + off : buf, cap > 0 ? cap - off : 0, "%s%.*s", lead,
                     (int)u->path_len, u->path);
        len += n < 0 ? 0 : (size_t)n;
    }
    return len;
}

/*
 * policy.c - parsing and validation of the outbound network policy.
 *
 * Pattern grammar (docs/policy.md, "Patterns"):
 *   SCHEME://HOST[:PORT][/]
 *   SCHEME  "*" or letters
 *   HOST    "*" | "*." NAME | NAME | IPv4 | "[" IPv6 "]" | IPv4 "/" N
 *           | "[" IPv6 "/" N "]" | "[" IPv6 "]/" N
 *   PORT    "*" | N | A ".." B   (B excluded)
 * Addresses in patterns go through inet_pton, so only the canonical dotted
 * quad is an IPv4 address: "010.1" or "127.1" are refused, never
 * reinterpreted, because the user who wrote them may not mean what a
 * resolver reads (URLs, in contrast, are read as resolvers read them).
 * Names follow the URL rules of net_url_host.
 *
 * Matching is at the end of the file; the rules are in policy.h.
 */
#define _POSIX_C_SOURCE 200809L

#include "policy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool fail(char *err, size_t cap, const char *what, const char *text, const char *fmt,
                 ...)
{
    if (err == NULL || cap == 0)
        return false;
    int n = snprintf(err, cap, "invalid %s '%s': ", what, text);
    if (n >= 0 && (size_t)n < cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, cap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* A decimal number of at most 10 digits, the whole of [s, e); -1 if not. */
static long decimal(const char *s, const char *e)
{
    if (s == e || e - s > 10)
        return -1;
    long v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* An address (no prefix) into c at full length.  Returns false if [s, e)
 * is not one of the given family (4, 6, or 0 for either). */
static bool parse_addr(const char *s, const char *e, int family, net_cidr *c)
{
    char buf[64];
    size_t n = (size_t)(e - s);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    memset(c, 0, sizeof *c);
    if (family != 6 && inet_pton(AF_INET, buf, c->addr) == 1) {
        c->family = 4;
        c->prefix = 32;
        return true;
    }
    if (family != 4 && strchr(buf, '%') == NULL && inet_pton(AF_INET6, buf, c->addr) == 1) {
        c->family = 6;
        c->prefix = 128;
        return true;
    }
    return false;
}

/* Apply a "/N" prefix from [s, e) to c; a message on failure. */
static const char *apply_prefix(net_cidr *c, const char *s, const char *e)
{
    unsigned max = c->family == 4 ? 32 : 128;
    long p = decimal(s, e);
    if (p < 0 || (unsigned long)p > max)
        return c->family == 4 ? "the prefix length must be 0..32" : "the prefix length must be 0..128";
    c->prefix = (uint8_t)p;
    for (unsigned bit = (unsigned)p; bit < max; bit++)
        if (c->addr[bit / 8] & (0x80u >> (bit % 8)))
            return "address bits are set past the prefix length";
    return NULL;
}

/* A NAME (or the domain of "*.") of a pattern, lower-cased into out. */
static const char *pattern_name(const char *s, const char *e, char *out)
{
    if (memchr(s, '*', (size_t)(e - s)) != NULL)
        return "'*' may only be the whole host or a leading '*.'";
    net_url u;
    const char *why = net_url_host(s, (size_t)(e - s), false, &u);
    if (why != NULL)
        return why;
    if (u.is_ip)
        return "not a valid IPv4 address (write it as a dotted quad, like 127.0.0.1)";
    memcpy(out, u.host, strlen(u.host) + 1);
    return NULL;
}

/* HOST of a pattern, [s, e). */
static const char *parse_host(const char *s, const char *e, net_allow *a)
{
    const char *slash = memchr(s, '/', (size_t)(e - s));
    if (s == e)
        return "the host is empty";
    if (*s == '[') {
        const char *close = memchr(s, ']', (size_t)(e - s));
        if (close == NULL)
            return "'[' without ']'";
        const char *in_slash = memchr(s, '/', (size_t)(close - s));
        a->host_kind = NET_HOST_CIDR;
        if (!parse_addr(s + 1, in_slash != NULL ? in_slash : close, 6, &a->net))
            return "not a valid IPv6 address between '[' and ']'";
        if (in_slash != NULL) {
            if (close + 1 != e)
                return "unexpected text after ']'";
            return apply_prefix(&a->net, in_slash + 1, close);
        }
        if (close + 1 == e)
            return NULL;
        if (close[1] != '/')
            return "unexpected text after ']'";
        return apply_prefix(&a->net, close + 2, e);
    }
    if (e - s == 1 && *s == '*') {
        a->host_kind = NET_HOST_ANY;
        return NULL;
    }
    if (slash != NULL) {
        a->host_kind = NET_HOST_CIDR;
        if (!parse_addr(s, slash, 4, &a->net))
            return "a pattern has no path; a '/' in the host must follow an IPv4 address "
                   "(CIDR, e.g. 10.0.0.0/8)";
        return apply_prefix(&a->net, slash + 1, e);
    }
    if (parse_addr(s, e, 4, &a->net)) {
        a->host_kind = NET_HOST_CIDR;
        return NULL;
    }
    if (memchr(s, ':', (size_t)(e - s)) != NULL)
        return "an IPv6 address must be written in brackets ([::1])";
    if (e - s >= 2 && s[0] == '*' && s[1] == '.') {
        a->host_kind = NET_HOST_SUFFIX;
        const char *why = pattern_name(s + 2, e, a->name);
        if (why != NULL && (strncmp(why, "not a valid IPv4", 16) == 0 ||
                            strcmp(why, "the host is empty") == 0))
            return "'*.' must be followed by a domain name";
        return why;
    }
    a->host_kind = NET_HOST_NAME;
    return pattern_name(s, e, a->name);
}

/* PORT of a pattern, [s, e). */
static const char *parse_port(const char *s, const char *e, net_allow *a)
{
    if (s == e)
        return "the port after ':' is empty";
    if (e - s == 1 && *s == '*') {
        a->port_lo = 0;
        a->port_hi = 65536;
        return NULL;
    }
    const char *dots = NULL;
    for (const char *p = s; p + 1 < e; p++)
        if (p[0] == '.' && p[1] == '.') {
            dots = p;
            break;
        }
    if (dots == NULL) {
        long p = decimal(s, e);
        if (p < 1 || p > 65535)
            return "the port must be '*', a number 1..65535 or a range A..B";
        a->port_lo = (uint32_t)p;
        a->port_hi = (uint32_t)p + 1;
        return NULL;
    }
    long lo = decimal(s, dots), hi = decimal(dots + 2, e);
    if (lo < 1 || lo > 65535 || hi < 1 || hi > 65536)
        return "a port range A..B needs numbers, A in 1..65535 and B in 2..65536";
    if (hi <= lo)
        return "a port range A..B needs A < B (B is excluded)";
    a->port_lo = (uint32_t)lo;
    a->port_hi = (uint32_t)hi;
    return NULL;
}

bool net_parse_allow(const char *pattern, net_allow *out, char *err, size_t errcap)
{
    static const char WHAT[] = "allowed host";
    net_allow a;
    memset(&a, 0, sizeof a);
    const char *sep = strstr(pattern, "://");
    if (sep == NULL)
        return fail(err, errcap, WHAT, pattern,
                    "expected SCHEME://HOST[:PORT] (for example https://api.example.com)");
    size_t slen = (size_t)(sep - pattern);
    if (slen == 0)
        return fail(err, errcap, WHAT, pattern, "the scheme is empty (use '*' for any)");
    if (slen > NET_SCHEME_MAX)
        return fail(err, errcap, WHAT, pattern, "the scheme is longer than %d letters",
                    NET_SCHEME_MAX);
    if (!(slen == 1 && pattern[0] == '*')) {
        for (size_t i = 0; i < slen; i++)
            if (!isalpha((unsigned char)pattern[i]))
                return fail(err, errcap, WHAT, pattern, "the scheme must be '*' or letters");
    }
    for (size_t i = 0; i < slen; i++)
        a.scheme[i] = (char)tolower((unsigned char)pattern[i]);
    a.scheme[slen] = '\0';

    const char *s = sep + 3, *e = s + strlen(s);
    for (const char *p = s; p < e; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return fail(err, errcap, WHAT, pattern, "spaces and control characters are not allowed");
    if (e > s && e[-1] == '/')
        e--; /* one optional trailing '/' */
    if (memchr(s, '?', (size_t)(e - s)) != NULL || memchr(s, '#', (size_t)(e - s)) != NULL ||
        memchr(s, '@', (size_t)(e - s)) != NULL)
        return fail(err, errcap, WHAT, pattern,
                    "a pattern is SCHEME://HOST[:PORT], without user, path, query or fragment");

    /* HOST ends at the ':' of the port: after ']' for IPv6, else the first ':'. */
    const char *host_end = e;
    if (s < e && *s == '[') {
        const char *close = memchr(s, ']', (size_t)(e - s));
        if (close == NULL)
            return fail(err, errcap, WHAT, pattern, "'[' without ']'");
        const char *colon = memchr(close, ':', (size_t)(e - close));
        if (colon != NULL)
            host_end = colon;
    } else {
        const char *colon = memchr(s, ':', (size_t)(e - s));
        const char *second = colon != NULL ? memchr(colon + 1, ':', (size_t)(e - colon - 1)) : NULL;
        if (second != NULL)
            return fail(err, errcap, WHAT, pattern,
                        "an IPv6 address must be written in brackets ([::1])");
        if (colon != NULL)
            host_end = colon;
    }
    const char *why = parse_host(s, host_end, &a);
    if (why != NULL)
        return fail(err, errcap, WHAT, pattern, "%s", why);

    if (host_end < e) {
        why = parse_port(host_end + 1, e, &a);
        if (why != NULL)
            return fail(err, errcap, WHAT, pattern, "%s", why);
    } else if (strcmp(a.scheme, "*") == 0) {
        a.default_port = true;
    } else {
        unsigned port = net_default_port(a.scheme);
        if (port == 0)
            return fail(err, errcap, WHAT, pattern,
                        "scheme '%s' has no default port; give one (%s://HOST:PORT)", a.scheme,
                        a.scheme);
        a.port_lo = port;
        a.port_hi = port + 1;
    }
    *out = a;
    return true;
}

/* The --block-network keywords (docs/policy.md, "Blocked networks").  Each also blocks
 * the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) whole: a translator
 * there may carry any IPv4 address, private, loopback and link-local ones
 * included, at a place only its operator knows (RFC 6052 section 2.2), so
 * no one reading of it can be checked.  The other IPv6 forms that embed an
 * IPv4 address (policy.h) are checked as that address instead. */
#define KW_MAX 6
static const struct {
    const char *word;
    const char *nets[KW_MAX];
} keywords[] = {
    {"private",
     {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7",
      "64:ff9b:1::/48"}},
    {"loopback", {"127.0.0.0/8", "::1/128", "64:ff9b:1::/48"}},
    {"link-local", {"169.254.0.0/16", "fe80::/10", "64:ff9b:1::/48"}},
};

static const char *keyword_of(const char *entry)
{
    for (size_t w = 0; w < sizeof keywords / sizeof keywords[0]; w++)
        if (strcasecmp(entry, keywords[w].word) == 0)
            return keywords[w].word;
    return NULL;
}

bool net_parse_block(const char *entry, net_cidr *out, size_t max, size_t *n, char *err,
                     size_t errcap)
{
    static const char WHAT[] = "blocked network";
    *n = 0;
    for (size_t w = 0; w < sizeof keywords / sizeof keywords[0]; w++) {
        if (strcasecmp(entry, keywords[w].word) != 0)
            continue;
        for (size_t i = 0; i < KW_MAX && keywords[w].nets[i] != NULL; i++) {
            if (*n >= max)
                return fail(err, errcap, WHAT, entry, "too many networks");
            bool ok = net_parse_block(keywords[w].nets[i], &out[*n], 1, &(size_t){0}, err, errcap);
            if (!ok)
                return false;
            (*n)++;
        }
        return true;
    }
    if (max == 0)
        return fail(err, errcap, WHAT, entry, "too many networks");
    const char *e = entry + strlen(entry), *slash = strchr(entry, '/');
    net_cidr c;
    if (*entry == '\0')
        return fail(err, errcap, WHAT, entry, "empty (expected a CIDR, private, loopback or link-local)");
    const char *ae = slash != NULL ? slash : e;
    const char *as = entry;
    if (*as == '[' && ae > as + 1 && ae[-1] == ']') { /* tolerate [IPv6]/N */
        as++;
        ae--;
    }
    if (!parse_addr(as, ae, 0, &c))
        return fail(err, errcap, WHAT, entry,
                    "expected an IPv4 or IPv6 CIDR (10.0.0.0/8, fd00::/8), private, loopback "
                    "or link-local");
    if (slash != NULL) {
        const char *why = apply_prefix(&c, slash + 1, e);
        if (why != NULL)
            return fail(err, errcap, WHAT, entry, "%s", why);
    }
    out[0] = c;
    *n = 1;
    return true;
}

bool net_parse_block_url(const char *prefix, net_url *out, char *err, size_t errcap)
{
    static const char WHAT[] = "blocked URL prefix";
    if (strncasecmp(prefix, "http://", 7) != 0 && strncasecmp(prefix, "https://", 8) != 0)
        return fail(err, errcap, WHAT, prefix, "must start with http:// or https://");
    const char *why = net_url_parse_why(prefix, out);
    if (why != NULL)
        return fail(err, errcap, WHAT, prefix, "%s", why);
    return true;
}

void net_policy_init(net_policy *p)
{
    memset(p, 0, sizeof *p);
}

static bool oom(char *err, size_t cap)
{
    if (err != NULL && cap > 0)
        snprintf(err, cap, "out of memory");
    return false;
}

bool net_policy_add_allow(net_policy *p, const char *pattern, char *err, size_t errcap)
{
    net_allow a;
    if (!net_parse_allow(pattern, &a, err, errcap))
        return false;
    net_allow *v = realloc(p->allow, (p->nallow + 1) * sizeof *v);
    if (v == NULL)
        return oom(err, errcap);
    p->allow = v;
    v[p->nallow++] = a;
    return true;
}

bool net_policy_add_block(net_policy *p, const char *entry, char *err, size_t errcap)
{
    net_cidr c[NET_BLOCK_MAX];
    size_t n;
    if (!net_parse_block(entry, c, NET_BLOCK_MAX, &n, err, errcap))
        return false;
    net_block *v = realloc(p->block, (p->nblock + n) * sizeof *v);
    if (v == NULL)
        return oom(err, errcap);
    p->block = v;
    for (size_t i = 0; i < n; i++)
        v[p->nblock++] = (net_block){c[i], keyword_of(entry)};
    return true;
}

bool net_policy_add_block_url(net_policy *p, const char *prefix, char *err, size_t errcap)
{
    size_t len = strlen(prefix) + 1;
    char *copy = malloc(len);
    if (copy == NULL)
        return oom(err, errcap);
    memcpy(copy, prefix, len);
    net_url u; /* parsed from the copy: u.path points into it */
    if (!net_parse_block_url(copy, &u, err, errcap)) {
        free(copy);
        return false;
    }
    net_block_url *v = realloc(p->block_urls, (p->nblock_urls + 1) * sizeof *v);
    if (v == NULL) {
        free(copy);
        return oom(err, errcap);
    }
    p->block_urls = v;
    v[p->nblock_urls++] = (net_block_url){copy, u};
    return true;
}

void net_policy_free(net_policy *p)
{
    for (size_t i = 0; i < p->nblock_urls; i++)
        free(p->block_urls[i].text);
    free(p->block_urls);
    free(p->allow);
    free(p->block);
    memset(p, 0, sizeof *p);
}

/* ---- matching -------------------------------------------------------------- */

static bool say(char *why, size_t cap, const char *fmt, ...)
{
    if (why != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Is address ip inside network net?  Compared as given, and again with
 * IPv4-mapped / -compatible IPv6 (of either side) turned into IPv4, so no
 * spelling of an IPv4 address escapes an IPv4 rule or vice versa. */
static bool ip_in(const net_cidr *net, const net_cidr *ip)
{
    if (net_cidr_contains(net, ip))
        return true;
    net_cidr n4, i4;
    const net_cidr *n = net_ip_as_v4(net, &n4) ? &n4 : net;
    const net_cidr *i = net_ip_as_v4(ip, &i4) ? &i4 : ip;
    return (n != net || i != ip) && net_cidr_contains(n, i);
}

/* The blocked network containing ip, with its label, or NULL. */
static const net_cidr *blocked_as(const net_policy *p, const net_cidr *ip, const char **label)
{
    static const net_cidr always[] = {
        {4, 8, {0}},   /* 0.0.0.0/8: "this network"; 0.0.0.0 reaches the local host */
        {6, 128, {0}}, /* ::, the same for IPv6 */
    };
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        if (ip_in(&always[i], ip)) {
            *label = "always blocked";
            return &always[i];
        }
    for (size_t i = 0; i < p->nblock; i++)
        if (ip_in(&p->block[i].net, ip)) {
            *label = p->block[i].label != NULL ? p->block[i].label : "--block-network";
            return &p->block[i].net;
        }
    return NULL;
}

/* The same for ip and, when it is an IPv6 form that carries an IPv4
 * address (net_ip_embedded_v4: NAT64, 6to4, Teredo, ...), for that address
 * too: it is where the packets end up.  *via is the embedded address that
 * was blocked, or NULL when ip itself was. */
static const net_cidr *blocked(const net_policy *p, const net_cidr *ip, const char **label,
                               const net_embedded **via, net_embedded emb[NET_EMBED_MAX])
{
    *via = NULL;
    const net_cidr *b = blocked_as(p, ip, label);
    size_t k = b == NULL ? net_ip_embedded_v4(ip, emb) : 0;
    for (size_t i = 0; i < k && b == NULL; i++)
        if ((b = blocked_as(p, &emb[i].v4, label)) != NULL)
            *via = &emb[i];
    return b;
}

static bool deny_blocked(const net_policy *p, const net_cidr *ip, uint16_t port, char *why,
                         size_t cap)
{
    const char *label;
    const net_embedded *via;
    net_embedded emb[NET_EMBED_MAX];
    const net_cidr *b = blocked(p, ip, &label, &via, emb);
    if (b == NULL)
        return true;
    char a[64], n[64], e[64] = "";
    net_cidr_format(ip, a, sizeof a);
    net_cidr_format(b, n, sizeof n);
    if (via != NULL)
        net_cidr_format(&via->v4, e, sizeof e);
    const char *open = ip->family == 6 ? "[" : "", *close = ip->family == 6 ? "]" : "";
    if (via != NULL)
        return say(why, cap, "%s%s%s:%u is in blocked network %s (%s): it embeds %s (%s)", open,
                   a, close, (unsigned)port, n, label, e, via->form);
    return say(why, cap, "%s%s%s:%u is in blocked network %s (%s)", open, a, close,
               (unsigned)port, n, label);
}

bool net_policy_allows_addr(const net_policy *p, int family, const uint8_t *addr, uint16_t port,
                            char *why, size_t cap)
{
    net_cidr ip;
    memset(&ip, 0, sizeof ip);
    if (family == 4 || family == AF_INET) {
        ip.family = 4;
        ip.prefix = 32;
        memcpy(ip.addr, addr, 4);
    } else if (family == 6 || family == AF_INET6) {
        ip.family = 6;
        ip.prefix = 128;
        memcpy(ip.addr, addr, 16);
    } else {
        return say(why, cap, "address family %d is not allowed", family);
    }
    return deny_blocked(p, &ip, port, why, cap);
}

static bool host_matches(const net_allow *a, const net_url *u)
{
    switch (a->host_kind) {
    case NET_HOST_ANY:
        return true;
    case NET_HOST_SUFFIX: {
        size_t h = strlen(u->host), d = strlen(a->name);
        return !u->is_ip && h > d + 1 && u->host[h - d - 1] == '.' &&
               strcmp(u->host + h - d, a->name) == 0;
    }
    case NET_HOST_NAME:
        return !u->is_ip && strcmp(u->host, a->name) == 0;
    case NET_HOST_CIDR:
        return u->is_ip && ip_in(&a->net, &u->ip);
    }
    return false;
}

static bool allow_matches(const net_allow *a, const net_url *u)
{
    if (strcmp(a->scheme, "*") != 0 && strcmp(a->scheme, u->scheme) != 0)
        return false;
    if (!host_matches(a, u))
        return false;
    if (a->default_port) {
        unsigned d = net_default_port(u->scheme);
        return d != 0 && d == u->port;
    }
    return u->port >= a->port_lo && u->port < a->port_hi;
}

/* Step 1, common to URLs and sockets: blocked IP literal, then patterns. */
static bool allowed_dest(const net_policy *p, const net_url *u, char *why, size_t cap)
{
    if (u->is_ip && !deny_blocked(p, &u->ip, u->port, why, cap))
        return false;
    for (size_t i = 0; i < p->nallow; i++)
        if (allow_matches(&p->allow[i], u))
            return true;
    char origin[NET_NAME_MAX + NET_SCHEME_MAX + 16];
    net_url_format(u, origin, sizeof origin, false);
    return say(why, cap, "no allowed host matches '%s'", origin);
}

static bool unreserved(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* A path for --block-url comparison (see policy.h): "%XX" of unreserved
 * characters decoded, other "%xx" upper-cased; in the path (not the query)
 * "." and ".." segments removed and runs of '/' collapsed.  malloc'd; NULL when out of memory. */
static char *norm_path(const char *s, size_t n)
{
    char *t = malloc(n + 2), *out = malloc(n + 2);
    if (t == NULL || out == NULL) {
        free(t);
        free(out);
        return NULL;
    }
    size_t m = 0;
    if (n == 0 || s[0] == '?')
        t[m++] = '/';
    for (size_t i = 0; i < n; i++) {
        int h1 = -1, h2 = -1;
        if (s[i] == '%' && i + 2 < n) {
            h1 = hexval((unsigned char)s[i + 1]);
            h2 = hexval((unsigned char)s[i + 2]);
        }
        if (h1 >= 0 && h2 >= 0) {
            int c = h1 * 16 + h2;
            if (unreserved(c)) {
                t[m++] = (char)c;
            } else {
                t[m++] = '%';
                t[m++] = (char)toupper((unsigned char)s[i + 1]);
                t[m++] = (char)toupper((unsigned char)s[i + 2]);
            }
            i += 2;
        } else {
            t[m++] = s[i];
        }
    }
    /* RFC 3986 5.2.4 for a path starting with '/'. */
    size_t q = 0, o = 0, i = 0;
    while (q < m && t[q] != '?')
        q++;
    while (i < q) {
        const char *r = t + i;
        size_t left = q - i;
        bool dot = left >= 2 && r[1] == '.' && (left == 2 || r[2] == '/');
        bool dotdot = left >= 3 && r[1] == '.' && r[2] == '.' && (left == 3 || r[3] == '/');
        if (dot || dotdot) {
            if (dotdot) /* drop the last output segment and its '/' */
                while (o > 0 && out[--o] != '/')
                    ;
            i += dot ? 2 : 3;
            if (i == q)
                out[o++] = '/';
            continue;
        }
        if (left >= 2 && r[1] == '/') { /* "//" is "/" to most servers */
            i++;
            continue;
        }
        out[o++] = t[i++];
        while (i < q && t[i] != '/')
            out[o++] = t[i++];
    }
    memcpy(out + o, t + q, m - q);
    out[o + m - q] = '\0';
    free(t);
    return out;
}

/* Does u start with the --block-url prefix b?  b == NULL: out of memory. */
static bool url_prefixed(const net_url *u, const net_url *b, bool *oom_)
{
    if (strcmp(u->scheme, b->scheme) != 0 || u->port != b->port || u->is_ip != b->is_ip)
        return false;
    if (u->is_ip ? !ip_in(&b->ip, &u->ip) : strcmp(u->host, b->host) != 0)
        return false;
    char *up = norm_path(u->path, u->path_len), *bp = norm_path(b->path, b->path_len);
    bool hit = up != NULL && bp != NULL && strncmp(up, bp, strlen(bp)) == 0;
    *oom_ = up == NULL || bp == NULL;
    free(up);
    free(bp);
    return hit;
}

bool net_policy_allows_url(const net_policy *p, const net_url *u, char *why, size_t cap)
{
    for (size_t i = 0; i < p->nblock_urls; i++) {
        bool oom_ = false;
        if (url_prefixed(u, &p->block_urls[i].url, &oom_))
            return say(why, cap, "blocked by --block-url '%s'", p->block_urls[i].text);
        if (oom_)
            return say(why, cap, "out of memory while checking --block-url");
    }
    return allowed_dest(p, u, why, cap);
}

bool net_policy_allows_host_port(const net_policy *p, const char *scheme, const char *host,
                                 uint16_t port, char *why, size_t cap)
{
    net_url u;
    memset(&u, 0, sizeof u);
    size_t slen = strlen(scheme);
    if (slen == 0 || slen > NET_SCHEME_MAX)
        return say(why, cap, "invalid scheme '%s'", scheme);
    for (size_t i = 0; i < slen; i++) {
        if (!isalpha((unsigned char)scheme[i]))
            return say(why, cap, "invalid scheme '%s'", scheme);
        u.scheme[i] = (char)tolower((unsigned char)scheme[i]);
    }
    const char *bad = net_url_host(host, strlen(host), true, &u);
    if (bad != NULL)
        return say(why, cap, "invalid host '%s': %s", host, bad);
    if (port == 0)
        return say(why, cap, "port 0 is not allowed");
    u.port = port;
    u.path = "";
    return allowed_dest(p, &u, why, cap);
}

void net_denial_message(const net_url *u, char *buf, size_t cap)
{
    char origin[NET_NAME_MAX + NET_SCHEME_MAX + 16];
    net_url_format(u, origin, sizeof origin, false);
    snprintf(buf, cap,
             "A tool tried to make an outbound network connection to disallowed destination "
             "'%s'. To allow this request, add '%s' to the allowed outbound hosts.",
             origin, origin);
}

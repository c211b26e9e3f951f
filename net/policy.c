/*
 * policy.c - parsing and validation of the outbound network policy.
 *
 * Pattern grammar (DESIGN.md section 5):
 *   SCHEME://HOST[:PORT][/]
 *   SCHEME  "*" or letters
 *   HOST    "*" | "*." NAME | NAME | IPv4 | "[" IPv6 "]" | IPv4 "/" N
 *           | "[" IPv6 "/" N "]" | "[" IPv6 "]/" N
 *   PORT    "*" | N | A ".." B   (B excluded)
 * Addresses go through inet_pton, so only the canonical dotted quad is an
 * IPv4 address ("010.1", "1.2.3" are refused, never reinterpreted).
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

unsigned net_default_port(const char *scheme)
{
    static const struct {
        const char *scheme;
        unsigned port;
    } ports[] = {{"http", 80},     {"https", 443}, {"postgres", 5432},
                 {"mysql", 3306},  {"redis", 6379}, {"mqtt", 1883}};
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

/* A DNS name: labels of letters, digits, '-' and '_', 1..63 bytes each,
 * 253 in all; lower-cased into out.  A name made only of digits and dots
 * is a malformed IPv4 address rather than a name. */
static const char *check_name(const char *s, const char *e, char *out)
{
    size_t n = (size_t)(e - s);
    if (n == 0)
        return "the host is empty";
    if (n > NET_NAME_MAX)
        return "the host name is longer than 253 bytes";
    size_t label = 0;
    bool numeric = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '.') {
            if (label == 0)
                return "the host name has an empty label";
            label = 0;
        } else if (isalnum(ch) || ch == '-' || ch == '_') {
            if (!isdigit(ch))
                numeric = false;
            if (++label > 63)
                return "a label of the host name is longer than 63 bytes";
        } else if (ch == '*') {
            return "'*' may only be the whole host or a leading '*.'";
        } else {
            return "the host name may only hold letters, digits, '-', '_' and '.'";
        }
        out[i] = (char)tolower(ch);
    }
    out[n] = '\0';
    if (label == 0)
        return "the host name has an empty label";
    if (numeric)
        return "not a valid IPv4 address";
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
        const char *why = check_name(s + 2, e, a->name);
        return why != NULL && strcmp(why, "not a valid IPv4 address") == 0
                   ? "'*.' must be followed by a domain name"
                   : why;
    }
    a->host_kind = NET_HOST_NAME;
    return check_name(s, e, a->name);
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

bool net_parse_block(const char *entry, net_cidr *out, size_t max, size_t *n, char *err,
                     size_t errcap)
{
    static const char WHAT[] = "blocked network";
    static const struct {
        const char *word;
        const char *nets[6];
    } words[] = {
        {"private", {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"}},
        {"loopback", {"127.0.0.0/8", "::1/128"}},
        {"link-local", {"169.254.0.0/16", "fe80::/10"}},
    };
    *n = 0;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        if (strcasecmp(entry, words[w].word) != 0)
            continue;
        for (size_t i = 0; i < 6 && words[w].nets[i] != NULL; i++) {
            if (*n >= max)
                return fail(err, errcap, WHAT, entry, "too many networks");
            bool ok = net_parse_block(words[w].nets[i], &out[*n], 1, &(size_t){0}, err, errcap);
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

bool net_check_block_url(const char *prefix, char *err, size_t errcap)
{
    static const char WHAT[] = "blocked URL prefix";
    for (const char *p = prefix; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return fail(err, errcap, WHAT, prefix, "spaces and control characters are not allowed");
    size_t skip = 0;
    if (strncasecmp(prefix, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(prefix, "https://", 8) == 0)
        skip = 8;
    if (skip == 0)
        return fail(err, errcap, WHAT, prefix, "must start with http:// or https://");
    if (prefix[skip] == '\0' || prefix[skip] == '/')
        return fail(err, errcap, WHAT, prefix, "a host must follow the scheme");
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
    net_cidr *v = realloc(p->block, (p->nblock + n) * sizeof *v);
    if (v == NULL)
        return oom(err, errcap);
    p->block = v;
    memcpy(v + p->nblock, c, n * sizeof *c);
    p->nblock += n;
    return true;
}

bool net_policy_add_block_url(net_policy *p, const char *prefix, char *err, size_t errcap)
{
    if (!net_check_block_url(prefix, err, errcap))
        return false;
    char **v = realloc(p->block_urls, (p->nblock_urls + 1) * sizeof *v);
    if (v == NULL)
        return oom(err, errcap);
    p->block_urls = v;
    size_t len = strlen(prefix) + 1;
    char *copy = malloc(len);
    if (copy == NULL)
        return oom(err, errcap);
    memcpy(copy, prefix, len);
    v[p->nblock_urls++] = copy;
    return true;
}

void net_policy_free(net_policy *p)
{
    for (size_t i = 0; i < p->nblock_urls; i++)
        free(p->block_urls[i]);
    free(p->block_urls);
    free(p->allow);
    free(p->block);
    memset(p, 0, sizeof *p);
}

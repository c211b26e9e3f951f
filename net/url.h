/*
 * url.h - strict URL, host and IP-literal parsing for the network policy
 * (docs/policy.md).  Pure data: no DNS, no sockets (inet_pton only).
 *
 * Why strict: the policy decides on the host it parses, and libcurl
 * connects to the host *it* parses.  Anything two parsers could read
 * differently is refused instead of guessed:
 *   - userinfo ("http://allowed.com@evil.com") is refused outright
 *     ("userinfo is not allowed"): reading it as host evil.com would be
 *     right, but a user who wrote it almost certainly meant allowed.com, and
 *     credentials in URLs end up in logs;
 *   - backslashes (anywhere in the URL), percent-encoding in the host,
 *     spaces, control characters and non-ASCII bytes are refused;
 *   - IPv6 zone ids ("[fe80::1%25eth0]") are refused: a zone is only
 *     meaningful for link-local addresses, which a policy never wants;
 *   - a host whose last label is numeric ("1.2.3.999", "foo.0x10") must be
 *     a valid IPv4 address, or it is refused (as the WHATWG URL standard
 *     does), so that no resolver can read it as an address we did not see.
 * and what has one meaning is normalised:
 *   - scheme and host names are lower-cased, one trailing dot is removed
 *     ("Example.COM." is "example.com");
 *   - IPv4 literals in every spelling inet_aton accepts (2130706433,
 *     0177.0.0.1, 0x7f.1, 127.1) are read by value and printed as the
 *     dotted quad; IPv6 literals are printed by inet_ntop.
 *
 * Callers that hand a URL to libcurl should give it net_url_format(u, ...,
 * true), not the original string, so that both see the same host.
 *
 * Prefix: net_.  Depends on: libc and inet_pton / inet_ntop.
 */
#ifndef NET_URL_H
#define NET_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corral_bounds.h" /* NET_NAME_MAX, NET_SCHEME_MAX */

/* An IPv4 or IPv6 network.  addr is in network byte order; an IPv4
 * address uses addr[0..3].  prefix is in bits (32 or 128 for one host);
 * the bits past prefix are zero. */
typedef struct {
    uint8_t family; /* 4 or 6 */
    uint8_t prefix;
    uint8_t addr[16];
} net_cidr;

/* A parsed URL.  path points into the string given to net_url_parse (it is
 * not copied), so that string must outlive the net_url. */
typedef struct {
    char scheme[NET_SCHEME_MAX + 1]; /* lower-case letters */
    /* A lower-cased name without trailing dot, or for an IP literal its
     * canonical text (dotted quad; IPv6 without brackets). */
    char host[NET_NAME_MAX + 1];
    bool is_ip;         /* host is an IP literal; ip holds it */
    net_cidr ip;        /* full-length prefix; IPv4-mapped IPv6 stays family 6 */
    uint16_t port;      /* explicit, or net_default_port(scheme) */
    bool port_explicit; /* the URL spelled a port */
    const char *path;   /* path and query as given, without '#fragment'; */
    size_t path_len;    /* may be empty (means "/") or start with '?' */
} net_url;

/* The default port of a scheme (http 80, https 443, postgres 5432,
 * mysql 3306, redis 6379, mqtt 1883; case-insensitive), or 0. */
unsigned net_default_port(const char *scheme);

/* Parse SCHEME://HOST[:PORT][/PATH][?QUERY][#FRAGMENT] strictly (see the
 * top of this file).  Any scheme of letters is accepted (the caller decides
 * which it serves); one without a default port needs an explicit port.
 * false with a message such as "invalid URL 'http://a@b/': userinfo is not
 * allowed" in err (cap bytes, truncated). */
bool net_url_parse(const char *url, net_url *out, char *err, size_t cap);
/* The same, returning NULL or the bare reason ("userinfo is not allowed"). */
const char *net_url_parse_why(const char *url, net_url *out);

/* Parse the host part [host, host + len) of a URL or a socket address into
 * u->host / u->is_ip / u->ip: "[IPv6]" (no zone id), an IPv4 literal in any
 * spelling, or a DNS name (letters, digits, '-', '_'; labels 1..63 bytes,
 * 253 in all; one trailing dot dropped).  If bare_ipv6, an IPv6 address
 * without brackets is accepted too (socket APIs write it so).  Returns NULL,
 * or the reason it is refused.  Other fields of u are untouched. */
const char *net_url_host(const char *host, size_t len, bool bare_ipv6, net_url *u);

/* Write "scheme://host:port" (the origin, with the port always explicit and
 * IPv6 in brackets), followed by the path and query when with_path (an
 * empty path is written "/").  Returns the length it needed, as snprintf. */
size_t net_url_format(const net_url *u, char *buf, size_t cap, bool with_path);

/* Is host an IP literal?  true with the address (full-length prefix) in
 * *out for: IPv4 as inet_aton reads it - 1 to 4 parts, each decimal, octal
 * (leading 0) or hex (0x), the last part filling the remaining bytes
 * ("2130706433", "0177.0.0.1", "0x7f.1", "127.1") - with one optional
 * trailing dot; IPv6 with or without brackets (inet_pton; no zone id).
 * IPv4-mapped / -compatible IPv6 stay family 6 here; see net_ip_as_v4. */
bool net_parse_ip(const char *host, net_cidr *out);

/* If a (family 6) is IPv4-mapped (::ffff:a.b.c.d, or a network inside
 * ::ffff:0:0/96) or IPv4-compatible (the single address ::a.b.c.d, other
 * than :: and ::1), write the IPv4 address or network (prefix - 96) to *v4
 * and return true.  Such addresses are checked as IPv4. */
bool net_ip_as_v4(const net_cidr *a, net_cidr *v4);

/* The IPv4 addresses that an IPv6 address a (family 6, full prefix) hands
 * its packets on to, by a translation or tunnelling form that puts the
 * IPv4 address at a fixed place in the IPv6 one:
 *   NAT64, the well-known prefix 64:ff9b::/96 (RFC 6052 section 2.1): the
 *     last 32 bits;
 *   IPv4-translated ::ffff:0:a.b.c.d, ::ffff:0:0/96 (SIIT, RFC 2765
 *     section 2.1): the last 32 bits;
 *   6to4, 2002::/16 (RFC 3056 section 2): bits 16..47;
 *   Teredo, 2001::/32 (RFC 4380 section 4): the server in bits 32..63 and
 *     the client in bits 96..127, inverted (two addresses);
 *   ISATAP, any prefix with the interface id 0000:5efe:a.b.c.d, the u and g
 *     bits (0x02, 0x01 of its first byte) either way (RFC 5214 section 6.1):
 *     the last 32 bits.
 * Writes up to NET_EMBED_MAX addresses (full prefix) to out, each with the
 * form's name ("6to4, RFC 3056"), and returns how many (0: none of these).
 * IPv4-mapped and -compatible addresses are net_ip_as_v4's, not listed
 * here.  The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is not
 * either: where its IPv4 address sits depends on a prefix length only its
 * operator knows (RFC 6052 section 2.2), so policy.c blocks it whole. */
#define NET_EMBED_MAX 2
typedef struct {
    net_cidr v4;
    const char *form; /* static */
} net_embedded;
size_t net_ip_embedded_v4(const net_cidr *a, net_embedded out[NET_EMBED_MAX]);

/* Is the single address a (full prefix) inside network n?  Families must
 * agree; no mapping is done here. */
bool net_cidr_contains(const net_cidr *n, const net_cidr *a);

/* "10.0.0.0/8", "fe80::/10", or without "/N" for a full-length prefix. */
void net_cidr_format(const net_cidr *c, char *buf, size_t cap);

#endif

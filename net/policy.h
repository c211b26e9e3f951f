/*
 * policy.h - the outbound network policy as data: allowed-host patterns,
 * blocked networks and blocked URL prefixes (docs/policy.md).
 *
 * Pure data and matching; no I/O (no DNS, no sockets).  A pattern that does
 * not parse is an error naming the pattern and the reason, never a silent
 * "deny everything".
 *
 * How a connection is checked (both steps must allow it; default deny):
 *   1. before connecting, the destination: net_policy_allows_url (HTTP) or
 *      net_policy_allows_host_port (sockets) - an allowed-host pattern must
 *      match, no --block-url prefix may match, and an IP-literal host must
 *      be in no blocked network;
 *   2. at connect time, every address actually connected to (after DNS):
 *      net_policy_allows_addr - in no blocked network.  This is the check
 *      that defeats DNS rebinding and odd IP spellings; step 1 alone is not
 *      enough.
 * A block always wins over an allow.  On denial, why (cap bytes) names the
 * rule that fired; net_denial_message builds the line of docs/policy.md,
 * "Denials".
 *
 * The keywords private, loopback and link-local each also block the
 * local-use NAT64 prefix 64:ff9b:1::/48 whole (RFC 8215; see policy.c).
 *
 * Prefix: net_.  Depends on: libc, inet_pton / inet_ntop, url.h.
 */
#ifndef NET_POLICY_H
#define NET_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "url.h" /* net_cidr, net_url, net_default_port */

typedef enum {
    NET_HOST_ANY,    /* "*" */
    NET_HOST_SUFFIX, /* "*.example.com": subdomains of name, not name itself */
    NET_HOST_NAME,   /* "example.com" (lower-cased) */
    NET_HOST_CIDR    /* an IPv4 / [IPv6] address (full prefix) or a CIDR */
} net_host_kind;

/* One allowed-host pattern, SCHEME://HOST[:PORT][/]. */
typedef struct {
    char scheme[NET_SCHEME_MAX + 1]; /* lower-case letters, or "*" */
    net_host_kind host_kind;
    char name[NET_NAME_MAX + 1];     /* NAME, or the domain of SUFFIX */
    net_cidr net;                    /* CIDR */
    /* Ports: [port_lo, port_hi).  When default_port is set (scheme "*"
     * without a port), the port must be the default of the connection's
     * scheme (net_default_port) and port_lo/port_hi are unused. */
    bool default_port;
    uint32_t port_lo, port_hi;
} net_allow;

/* One --block-network network; label is the keyword it came from
 * ("private", "loopback", "link-local") or NULL for a CIDR. */
typedef struct {
    net_cidr net;
    const char *label; /* static string */
} net_block;

/* One --block-url prefix: the text as given (owned) and parsed from it
 * (url.path points into text). */
typedef struct {
    char *text;
    net_url url;
} net_block_url;

/* The whole policy.  Zero-initialise it (or net_policy_init), add
 * entries, free it with net_policy_free. */
typedef struct {
    net_allow *allow;
    size_t nallow;
    net_block *block; /* --block-network entries, keywords expanded */
    size_t nblock;
    net_block_url *block_urls;
    size_t nblock_urls;
} net_policy;

/* Parse one allowed-host pattern.  Returns true, or false with a message
 * such as "invalid allowed host 'http://a*b.com': '*' may only be the
 * whole host or a leading '*.'" written to err (errcap bytes, truncated). */
bool net_parse_allow(const char *pattern, net_allow *out, char *err, size_t errcap);

/* Parse one blocked-network entry: an IPv4 or IPv6 CIDR (or one address),
 * or the keyword private, loopback or link-local.  Writes up to max
 * networks to out and their count to *n (keywords give several; 8 is
 * always enough). */
#define NET_BLOCK_MAX 8
bool net_parse_block(const char *entry, net_cidr *out, size_t max, size_t *n, char *err,
                     size_t errcap);

/* Parse a blocked URL prefix: an http:// or https:// URL that
 * net_url_parse accepts (so userinfo, backslashes etc. are errors here
 * too).  out->path points into prefix. */
bool net_parse_block_url(const char *prefix, net_url *out, char *err, size_t errcap);

void net_policy_init(net_policy *p);
/* Parse and append.  false with err set on a bad entry or out of memory;
 * the policy is unchanged then. */
bool net_policy_add_allow(net_policy *p, const char *pattern, char *err, size_t errcap);
bool net_policy_add_block(net_policy *p, const char *entry, char *err, size_t errcap);
bool net_policy_add_block_url(net_policy *p, const char *prefix, char *err, size_t errcap);
void net_policy_free(net_policy *p);

/* ---- matching ------------------------------------------------------------
 * Allowed-host patterns match a destination when:
 *   SCHEME  "*", or equal to the destination's scheme;
 *   HOST    "*" any host (name or IP); "*.d" a name ending in ".d" (not d
 *           itself, never an IP); a name equal (case-insensitive, trailing
 *           dot ignored); an IP or CIDR the IP-literal host is inside, by
 *           numeric value (IPv4-mapped / -compatible IPv6 hosts are compared
 *           as IPv4, and as IPv6 against IPv6 patterns).  A name never
 *           matches an IP pattern: what it resolves to is checked only
 *           against the blocked networks, by net_policy_allows_addr.
 *   PORT    "*", N, A..B (B excluded), or for a pattern without a port the
 *           default port of the pattern's scheme; "*://h" (no port) wants
 *           the default port of the destination's scheme.
 */

/* Step 1 for HTTP.  Denied when no allowed host matches ("no allowed host
 * matches 'https://evil.com:443'"), when a --block-url prefix matches
 * ("blocked by --block-url 'http://x/admin'"), or when the host is an IP
 * literal in a blocked network.
 *
 * --block-url rule: the prefix and the URL are compared normalised, so that
 * spelling cannot dodge it.  Scheme, host and port must be equal after
 * net_url_parse (case, trailing dot, default port, IP spelling by value);
 * then the URL's path+query must start with the prefix's path+query, both
 * first normalised by decoding %XX of unreserved characters
 * (A-Z a-z 0-9 - . _ ~), upper-casing other %xx, removing "." and ".."
 * segments (as libcurl does before sending) and collapsing runs of '/'.  An empty prefix path is "/"
 * and matches every path.  The comparison of paths is case-sensitive and a
 * plain prefix: "http://x/admin" also blocks "http://x/administrator". */
bool net_policy_allows_url(const net_policy *p, const net_url *u, char *why, size_t cap);

/* Step 2: the address actually being connected to.  family is 4 or 6
 * (AF_INET / AF_INET6 are accepted too); addr is in network byte order,
 * 4 or 16 bytes.  Denied when the address is in a --block-network network
 * ("10.0.0.5 is in blocked network 10.0.0.0/8 (private)"), or in 0.0.0.0/8
 * or :: (always blocked).  IPv4-mapped / -compatible IPv6 addresses are
 * checked both as IPv4 and as IPv6; the other IPv6 forms that carry an IPv4
 * address (NAT64, 6to4, Teredo, ISATAP, IPv4-translated: net_ip_embedded_v4)
 * as IPv6 and as each IPv4 address they carry ("[2002:7f00:1::]:443 is in
 * blocked network 127.0.0.0/8 (loopback): it embeds 127.0.0.1 (6to4, RFC
 * 3056)").  Only blocking looks through them: an allowed IPv4 pattern does
 * not allow its NAT64 or 6to4 spelling, which goes through a translator or
 * relay.  Allowed patterns are not consulted (step 1 did that); port only
 * appears in why. */
bool net_policy_allows_addr(const net_policy *p, int family, const uint8_t *addr, uint16_t port,
                            char *why, size_t cap);

/* Step 1 for raw sockets: scheme (normally "tcp"), a host (name, IPv4 in
 * any spelling, IPv6 with or without brackets) and a port.  Patterns with
 * scheme "*" or equal to scheme match.  There is no default port for tcp:
 * a pattern must give one ("tcp://db:5432", "*://db:5432"); "*://db"
 * without a port matches only schemes that have a default port.
 * --block-url does not apply.  An IP-literal host in a blocked network is
 * denied. */
bool net_policy_allows_host_port(const net_policy *p, const char *scheme, const char *host,
                                 uint16_t port, char *why, size_t cap);

/* The log line for a denied URL (docs/policy.md, "Denials"):
 *   A tool tried to make an outbound network connection to disallowed
 *   destination 'https://host:port'. To allow this request, add
 *   'https://host:port' to the allowed outbound hosts.
 * (one line), with 'https://host:port' from net_url_format(u, .., false). */
void net_denial_message(const net_url *u, char *buf, size_t cap);

#endif

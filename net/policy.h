/*
 * policy.h - the outbound network policy as data: allowed-host patterns,
 * blocked networks and blocked URL prefixes (DESIGN.md section 5).
 *
 * This part only parses and validates what the user wrote; it does no I/O.
 * A pattern that does not parse is an error naming the pattern and the
 * reason, never a silent "deny everything".  Matching a destination against
 * the policy comes with the network issue; the structures below carry what
 * it needs (lower-cased names, addresses in network byte order, port
 * ranges).
 *
 * Prefix: net_.  Depends on: libc and inet_pton.
 */
#ifndef NET_POLICY_H
#define NET_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 network.  addr is in network byte order; an IPv4
 * address uses addr[0..3].  prefix is in bits (32 or 128 for one host);
 * the bits past prefix are zero. */
typedef struct {
    uint8_t family; /* 4 or 6 */
    uint8_t prefix;
    uint8_t addr[16];
} net_cidr;

typedef enum {
    NET_HOST_ANY,    /* "*" */
    NET_HOST_SUFFIX, /* "*.example.com": subdomains of name, not name itself */
    NET_HOST_NAME,   /* "example.com" (lower-cased) */
    NET_HOST_CIDR    /* an IPv4 / [IPv6] address (full prefix) or a CIDR */
} net_host_kind;

#define NET_NAME_MAX 253   /* longest DNS name */
#define NET_SCHEME_MAX 31

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

/* The whole policy.  Zero-initialise it (or net_policy_init), add
 * entries, free it with net_policy_free. */
typedef struct {
    net_allow *allow;
    size_t nallow;
    net_cidr *block;    /* --block-network entries, keywords expanded */
    size_t nblock;
    char **block_urls;  /* --block-url prefixes, copied */
    size_t nblock_urls;
} net_policy;

/* The default port of a scheme (http 80, https 443, postgres 5432,
 * mysql 3306, redis 6379, mqtt 1883; case-insensitive), or 0. */
unsigned net_default_port(const char *scheme);

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

/* Check a blocked URL prefix: non-empty, http:// or https://, no spaces or
 * control characters. */
bool net_check_block_url(const char *prefix, char *err, size_t errcap);

void net_policy_init(net_policy *p);
/* Parse and append.  false with err set on a bad entry or out of memory;
 * the policy is unchanged then. */
bool net_policy_add_allow(net_policy *p, const char *pattern, char *err, size_t errcap);
bool net_policy_add_block(net_policy *p, const char *entry, char *err, size_t errcap);
bool net_policy_add_block_url(net_policy *p, const char *prefix, char *err, size_t errcap);
void net_policy_free(net_policy *p);

#endif

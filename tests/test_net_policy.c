/*
 * test_net_policy.c - table-driven tests of net/policy and net/url: the
 * allowed-host pattern grammar, blocked networks, strict URL parsing, every
 * IP spelling, CIDR and keyword ranges, matching, --block-url and the
 * denial message.
 *
 * Every row is { input, expect, why } (policy rows add the flags).  expect
 * is the normalised result, or "!text" for a refusal whose message holds
 * text.  Each row runs as its own cmocka test, named after its group and
 * input, so a failure names the row and prints its why.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"
#include "url.h"

/* Rows leave the policy fields out when they have none: NULL on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

typedef struct {
    const char *input;  /* what is parsed or checked */
    const char *expect; /* the result, or "!text": refused with a message holding text */
    const char *why;    /* why that is the right answer */
    const char *allow, *block, *block_url; /* policy rows: space-separated flags */
} row;

/* ---- the grammar of --allow-host: expect "SCHEME HOST PORTS" ---------------- */
static const row patterns[] = {
    {"https://api.example.com", "https api.example.com 443..444", "no port: https's default"},
    {"http://example.com", "http example.com 80..81", "no port: http's default"},
    {"postgres://db.local", "postgres db.local 5432..5433", "postgres default port"},
    {"mysql://db", "mysql db 3306..3307", "mysql default port"},
    {"redis://cache", "redis cache 6379..6380", "redis default port"},
    {"mqtt://broker", "mqtt broker 1883..1884", "mqtt default port"},
    {"HTTPS://API.Example.COM", "https api.example.com 443..444", "scheme and name lower-cased"},
    {"https://example.com.", "https example.com 443..444", "a trailing dot is the same name"},
    {"https://example.com/", "https example.com 443..444", "one trailing '/' is allowed"},
    {"*://example.com", "* example.com default", "'*' scheme without port: each scheme's default"},
    {"*://example.com:8080", "* example.com 8080..8081", "'*' scheme with a port"},
    {"https://*", "https * 443..444", "'*' host"},
    {"https://*.example.com", "https *.example.com 443..444", "subdomain wildcard"},
    {"https://example.com:*", "https example.com 0..65536", "'*' port"},
    {"https://example.com:8000..8010", "https example.com 8000..8010", "range, B excluded"},
    {"https://example.com:1..65536", "https example.com 1..65536", "the widest range"},
    {"https://example.com:65535", "https example.com 65535..65536", "the highest port"},
    {"http://10.0.0.1", "http 10.0.0.1 80..81", "an IPv4 address is a /32"},
    {"http://10.0.0.0/8", "http 10.0.0.0/8 80..81", "an IPv4 CIDR"},
    {"http://10.0.0.0/8:8080", "http 10.0.0.0/8 8080..8081", "a CIDR with a port"},
    {"http://0.0.0.0/0", "http 0.0.0.0/0 80..81", "prefix 0 is every IPv4 address"},
    {"http://[::1]", "http ::1 80..81", "a bracketed IPv6 address"},
    {"http://[::1]:8080", "http ::1 8080..8081", "IPv6 with a port"},
    {"http://[fd00::]/8", "http fd00::/8 80..81", "IPv6 CIDR, prefix outside brackets"},
    {"http://[fd00::/8]", "http fd00::/8 80..81", "IPv6 CIDR, prefix inside brackets"},
    {"http://[fd00::]/8:9000", "http fd00::/8 9000..9001", "IPv6 CIDR with a port"},
    {"http://[::]/0", "http ::/0 80..81", "every IPv6 address"},
    {"tcp://db:5432", "tcp db 5432..5433", "a socket pattern with its port"},
    {"http://my_host-1.example", "http my_host-1.example 80..81", "'_' and '-' in names"},
    {"https://xn--bcher-kva.example", "https xn--bcher-kva.example 443..444", "punycode"},
    {"example.com", "!expected SCHEME://HOST", "no scheme"},
    {"://example.com", "!the scheme is empty", "empty scheme"},
    {"ht1p://x", "!the scheme must be '*' or letters", "digit in scheme"},
    {"**://x", "!the scheme must be '*' or letters", "'*' misuse in scheme"},
    {"h*://x", "!the scheme must be '*' or letters", "'*' inside a scheme"},
    {"foo://x", "!scheme 'foo' has no default port", "unknown scheme needs a port"},
    {"tcp://db", "!scheme 'tcp' has no default port", "tcp has no default port"},
    {"https://", "!the host is empty", "no host"},
    {"https://:443", "!the host is empty", "only a port"},
    {"https://a*b.com", "!'*' may only be the whole host", "'*' inside a name"},
    {"https://*example.com", "!'*' may only be the whole host", "'*' without '.'"},
    {"https://*.", "!'*.' must be followed by a domain name", "'*.' alone"},
    {"https://*.*.com", "!'*' may only be the whole host", "two wildcards"},
    {"https://foo.*.com", "!'*' may only be the whole host", "wildcard in the middle"},
    {"https://*.10.0.0.1", "!'*.' must be followed by a domain name", "wildcard over an IP"},
    {"https://x:0", "!the port must be", "port 0"},
    {"https://x:65536", "!the port must be", "port too high"},
    {"https://x:abc", "!the port must be", "port not a number"},
    {"https://x:-1", "!the port must be", "negative port"},
    {"https://x:", "!the port after ':' is empty", "empty port"},
    {"https://x:90..80", "!needs A < B", "reversed range"},
    {"https://x:80..80", "!needs A < B", "empty range (B excluded)"},
    {"https://x:0..80", "!a port range A..B needs numbers", "range from 0"},
    {"https://x:80..65537", "!a port range A..B needs numbers", "range end too high"},
    {"https://x:80..", "!a port range A..B needs numbers", "range without end"},
    {"https://x:*..80", "!a port range A..B needs numbers", "'*' in a range"},
    {"http://::1", "!must be written in brackets", "IPv6 without brackets"},
    {"http://fe80::1:80", "!must be written in brackets", "IPv6 without brackets, with port"},
    {"http://[::1", "!'[' without ']'", "unclosed bracket"},
    {"http://[::g]", "!not a valid IPv6 address", "bad IPv6"},
    {"http://[fe80::1%eth0]", "!not a valid IPv6 address", "zone id in a pattern"},
    {"http://[::1]x", "!unexpected text after ']'", "junk after ']'"},
    {"http://10.0.0.1/8", "!address bits are set past the prefix", "CIDR with host bits"},
    {"http://[fd00::1]/8", "!address bits are set past the prefix", "IPv6 CIDR with host bits"},
    {"http://10.0.0.0/33", "!the prefix length must be 0..32", "IPv4 prefix too long"},
    {"http://[::]/129", "!the prefix length must be 0..128", "IPv6 prefix too long"},
    {"http://10.0.0.0/x", "!the prefix length must be 0..32", "prefix not a number"},
    {"http://example.com/path", "!a pattern has no path", "a path is not a pattern"},
    {"http://user@example.com", "!without user, path", "userinfo in a pattern"},
    {"http://example.com?q", "!without user, path", "query in a pattern"},
    {"http://exa mple.com", "!spaces and control characters", "space"},
    {"http://010.0.0.1", "!write it as a dotted quad", "octal would be 8.0.0.1: ambiguous"},
    {"http://127.1", "!write it as a dotted quad", "short form is ambiguous"},
    {"http://2130706433", "!write it as a dotted quad", "decimal form is ambiguous"},
    {"http://0x7f.1", "!write it as a dotted quad", "hex form is ambiguous"},
    {"http://1.2.3.999", "!not a valid IPv4 address", "numeric last label, not an address"},
    {"http://exa%6dple.com", "!percent-encoding is not allowed", "percent in a name"},
    {"http://exa\\mple.com", "!backslash", "backslash in a name"},
    {"http://a..b", "!empty label", "empty label"},
    {"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
     "!longer than 63 bytes", "64-byte label"},
};

/* ---- --block-network: expect the networks, space-separated ------------------- */
static const row blocks[] = {
    {"private", "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10 fc00::/7 64:ff9b:1::/48", "keyword"},
    {"LOOPBACK", "127.0.0.0/8 ::1 64:ff9b:1::/48", "keywords are case-insensitive"},
    {"link-local", "169.254.0.0/16 fe80::/10 64:ff9b:1::/48", "keyword incl. cloud metadata"},
    {"10.1.0.0/16", "10.1.0.0/16", "IPv4 CIDR"},
    {"192.0.2.1", "192.0.2.1", "one IPv4 address"},
    {"2001:db8::/32", "2001:db8::/32", "IPv6 CIDR"},
    {"[2001:db8::]/32", "2001:db8::/32", "IPv6 CIDR in brackets"},
    {"", "!empty", "nothing"},
    {"10.0.0.1/8", "!address bits are set past", "host bits"},
    {"10.0.0.0/33", "!0..32", "prefix too long"},
    {"::/129", "!0..128", "IPv6 prefix too long"},
    {"10.0.0.0/-1", "!0..32", "negative prefix"},
    {"public", "!expected an IPv4 or IPv6 CIDR", "unknown keyword"},
    {"10.1/16", "!expected an IPv4 or IPv6 CIDR", "short forms are refused in flags"},
    {"fe80::1%eth0", "!expected an IPv4 or IPv6 CIDR", "zone id"},
};

/* ---- --block-url: expect "ok" ----------------------------------------------------- */
static const row block_urls[] = {
    {"http://x/admin", "ok", "a prefix"},
    {"HTTPS://X/Admin", "ok", "upper case is fine"},
    {"ftp://x/", "!must start with http:// or https://", "only http(s)"},
    {"http://", "!the host is empty", "no host"},
    {"http:///admin", "!the host is empty", "no host, a path"},
    {"http://u@x/", "!userinfo is not allowed", "userinfo"},
    {"http://x/a b", "!spaces", "space"},
    {"http://x\\y/", "!backslash", "backslash"},
};

/* ---- net_parse_ip: expect the canonical address, "!" if not an IP ------------------ */
static const row ips[] = {
    {"127.0.0.1", "127.0.0.1", "dotted quad"},
    {"2130706433", "127.0.0.1", "one decimal number"},
    {"0177.0.0.1", "127.0.0.1", "octal part"},
    {"0x7f.1", "127.0.0.1", "hex part, short form a.b"},
    {"0x7f000001", "127.0.0.1", "one hex number"},
    {"0X7F.0.0.1", "127.0.0.1", "upper-case hex"},
    {"017700000001", "127.0.0.1", "one octal number"},
    {"127.1", "127.0.0.1", "a.b: b fills 24 bits"},
    {"127.0.1", "127.0.0.1", "a.b.c: c fills 16 bits"},
    {"10.1.65535", "10.1.255.255", "a.b.c with c at its maximum"},
    {"10.16777215", "10.255.255.255", "a.b with b at its maximum"},
    {"4294967295", "255.255.255.255", "largest single number"},
    {"127.000.000.001", "127.0.0.1", "leading zeros are octal zeros"},
    {"010.0.0.1", "8.0.0.1", "a leading zero means octal: 010 is 8"},
    {"0127.0.0.1", "87.0.0.1", "0127 octal is 87"},
    {"0x7f.0x0.0.01", "127.0.0.1", "mixed bases"},
    {"0", "0.0.0.0", "zero"},
    {"0x", "0.0.0.0", "bare 0x is 0 (glibc)"},
    {"1.2.3.4.", "1.2.3.4", "one trailing dot"},
    {"4294967296", "!", "over 32 bits"},
    {"0x100000000", "!", "hex over 32 bits"},
    {"08.0.0.1", "!", "8 is not an octal digit"},
    {"1.2.3.4..", "!", "two trailing dots"},
    {"1.2.3.4.5", "!", "five parts"},
    {"256.0.0.1", "!", "part over 255"},
    {"1.256.1", "!", "middle part over 255"},
    {"1.2.65536", "!", "last of three over 16 bits"},
    {"1.16777216", "!", "last of two over 24 bits"},
    {"1..2", "!", "empty part"},
    {".1.2.3", "!", "leading dot"},
    {"", "!", "empty"},
    {"+1.2.3.4", "!", "sign"},
    {"-1", "!", "negative"},
    {"1.2.3.4 ", "!", "trailing space (inet_aton would stop there; we do not)"},
    {"0x1g", "!", "not hex"},
    {"example.com", "!", "a name"},
    {"::1", "::1", "IPv6 loopback"},
    {"[::1]", "::1", "IPv6 in brackets"},
    {"[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "IPv4-mapped (checked as IPv4 later)"},
    {"::127.0.0.1", "::127.0.0.1", "IPv4-compatible"},
    {"0000:0000:0000:0000:0000:0000:0000:0001", "::1", "IPv6 leading zeros"},
    {"[fe80::1%25eth0]", "!", "zone id"},
    {"fe80::1%eth0", "!", "zone id, bare"},
    {"[::1", "!", "unclosed bracket"},
    {"1:2:3:4:5:6:7:8:9", "!", "nine groups"},
    {"[1.2.3.4]", "!", "IPv4 in brackets"},
};

/* ---- net_url_parse: expect net_url_format(with path) --------------------------------- */
static const row urls[] = {
    {"http://example.com", "http://example.com:80/", "default port, empty path is /"},
    {"https://example.com", "https://example.com:443/", "https default port"},
    {"HTTP://EXAMPLE.COM/Path?Q=1", "http://example.com:80/Path?Q=1", "path kept as given"},
    {"http://example.com./", "http://example.com:80/", "trailing dot dropped"},
    {"http://example.com:8080/x#frag", "http://example.com:8080/x", "fragment dropped"},
    {"http://example.com?q", "http://example.com:80/?q", "query without path"},
    {"http://2130706433/", "http://127.0.0.1:80/", "decimal IPv4"},
    {"http://0177.0.0.1/", "http://127.0.0.1:80/", "octal IPv4"},
    {"http://0x7f.1/", "http://127.0.0.1:80/", "hex short IPv4"},
    {"http://127.1:8080/", "http://127.0.0.1:8080/", "short IPv4 with port"},
    {"http://127.0.0.1./", "http://127.0.0.1:80/", "IPv4 with trailing dot"},
    {"http://[::1]:8080/", "http://[::1]:8080/", "IPv6 with port"},
    {"http://[::FFFF:127.0.0.1]/", "http://[::ffff:127.0.0.1]:80/", "mapped IPv6"},
    {"postgres://db", "postgres://db:5432/", "postgres default"},
    {"foo://x:99", "foo://x:99/", "any scheme with a port"},
    {"http://example.com:00080/", "http://example.com:80/", "leading zeros in a port"},
    {"http://example.com:65535/", "http://example.com:65535/", "highest port"},
    {"http://example.123abc/", "http://example.123abc:80/", "last label not a number"},
    {"http://exa_mple.com/", "http://exa_mple.com:80/", "underscore"},
    {"http://allowed.com@evil.com/", "!userinfo is not allowed", "the classic trick"},
    {"http://user:pass@evil.com/", "!userinfo is not allowed", "credentials"},
    {"http://@evil.com/", "!userinfo is not allowed", "empty userinfo"},
    {"http://evil.com\\@allowed.com/", "!backslash", "backslash before '@'"},
    {"http:\\\\evil.com", "!backslash", "backslashes for slashes"},
    {"http://evil.com\\x", "!backslash", "backslash in authority"},
    {"http://exa%6dple.com/", "!percent-encoding is not allowed in the host", "%-host"},
    {"http://%31%32%37.0.0.1/", "!percent-encoding is not allowed in the host", "%-IPv4"},
    {"http://[fe80::1%25eth0]/", "!zone id is not allowed", "encoded zone id"},
    {"http://[fe80::1%eth0]/", "!zone id is not allowed", "raw zone id"},
    {"http://[::1/", "!'[' without ']'", "unclosed bracket"},
    {"http://[::1]x/", "!unexpected text after ']'", "junk after ']'"},
    {"http://[::g]/", "!not a valid IPv6 address", "bad IPv6"},
    {"http://[127.0.0.1]/", "!not a valid IPv6 address", "IPv4 in brackets"},
    {"http://::1/", "!must be written in brackets", "IPv6 without brackets"},
    {"http:///", "!the host is empty", "empty host"},
    {"http://:80/", "!the host is empty", "empty host with port"},
    {"http://example.com:/", "!the port after ':' is empty", "empty port"},
    {"http://example.com:0/", "!the port must be a number 1..65535", "port 0"},
    {"http://example.com:65536/", "!the port must be a number 1..65535", "port too high"},
    {"http://example.com:000080/", "!the port must be a number 1..65535", "six digits"},
    {"http://example.com:8o/", "!the port must be a number 1..65535", "letter in port"},
    {"http://exa mple.com/", "!spaces and control characters", "space in host"},
    {"http://example.com/a b", "!spaces and control characters", "space in path"},
    {"http://example.com\t/", "!spaces and control characters", "tab"},
    {"http://ex\x01" "ample.com/", "!spaces and control characters", "control byte"},
    {"http://ex\x7f" "ample.com/", "!spaces and control characters", "DEL"},
    {"http://b\xc3\xbc" "cher.de/", "!non-ASCII", "IDN must be punycode"},
    {"example.com", "!expected SCHEME://HOST", "no scheme"},
    {"http:example.com", "!expected SCHEME://HOST", "no //"},
    {"http:/example.com", "!expected SCHEME://HOST", "one /"},
    {"1http://x", "!expected SCHEME://HOST", "scheme starts with a digit"},
    {"foo://x", "!no default port", "unknown scheme, no port"},
    {"http://1.2.3.999/", "!not a valid IPv4 address", "numeric host, not an address"},
    {"http://foo.0x10/", "!not a valid IPv4 address", "hex last label"},
    {"http://1.2.3.4.5/", "!not a valid IPv4 address", "five parts"},
    {"http://a..b/", "!empty label", "empty label"},
    {"http://example.com../", "!empty label", "two trailing dots"},
    {"http://*.example.com/", "!may only hold letters", "wildcard in a URL"},
};

/* ---- matching URLs: expect "allow" or "!why" --------------------------------------- */
#define A(x) .allow = (x)
#define B(x) .block = (x)
#define U(x) .block_url = (x)
static const row policies[] = {
    {"https://example.com/", "allow", "exact name, default port", A("https://example.com")},
    {"https://EXAMPLE.com./x", "allow", "case and trailing dot", A("https://example.com")},
    {"http://example.com/", "!no allowed host matches 'http://example.com:80'", "scheme differs",
     A("https://example.com")},
    {"https://example.com:8443/", "!no allowed host matches 'https://example.com:8443'",
     "only the default port", A("https://example.com")},
    {"https://www.example.com/", "!no allowed host", "a name is not its subdomains",
     A("https://example.com")},
    {"https://example.com.evil.org/", "!no allowed host", "suffix trick", A("https://example.com")},
    {"https://api.example.com/", "allow", "subdomain", A("https://*.example.com")},
    {"https://a.b.example.com/", "allow", "deeper subdomain", A("https://*.example.com")},
    {"https://example.com/", "!no allowed host", "'*.d' is subdomains only",
     A("https://*.example.com")},
    {"https://badexample.com/", "!no allowed host", "label boundary", A("https://*.example.com")},
    {"https://example.com.evil.com/", "!no allowed host", "suffix must be at the end",
     A("https://*.example.com")},
    {"https://10.0.0.1/", "!no allowed host", "'*.d' never matches an IP",
     A("https://*.example.com")},
    {"http://example.com/", "allow", "'*' scheme, http default", A("*://example.com")},
    {"https://example.com/", "allow", "'*' scheme, https default", A("*://example.com")},
    {"postgres://example.com/", "allow", "'*' scheme, postgres default", A("*://example.com")},
    {"http://example.com:443/", "!no allowed host", "443 is not http's default",
     A("*://example.com")},
    {"foo://example.com:99/", "!no allowed host", "no default port for foo",
     A("*://example.com")},
    {"foo://example.com:99/", "allow", "'*' port", A("*://example.com:*")},
    {"https://anything.org/", "allow", "'*' host", A("https://*")},
    {"https://10.0.0.1/", "allow", "'*' host covers IPs when not blocked", A("https://*")},
    {"http://anything.org/", "!no allowed host", "'*' host, scheme still checked",
     A("https://*")},
    {"http://example.com:8000/", "allow", "range start", A("http://example.com:8000..8010")},
    {"http://example.com:8009/", "allow", "range end - 1", A("http://example.com:8000..8010")},
    {"http://example.com:8010/", "!no allowed host", "B excluded",
     A("http://example.com:8000..8010")},
    {"http://example.com:7999/", "!no allowed host", "below range",
     A("http://example.com:8000..8010")},
    {"http://example.com:1/", "allow", "'*' port, lowest", A("http://example.com:*")},
    {"http://example.com:65535/", "allow", "'*' port, highest", A("http://example.com:*")},
    {"http://2130706433:8080/", "allow", "decimal spelling by value", A("http://127.0.0.1:8080")},
    {"http://0x7f.1:8080/", "allow", "hex spelling by value", A("http://127.0.0.1:8080")},
    {"http://[::ffff:127.0.0.1]:8080/", "allow", "mapped IPv6 as IPv4",
     A("http://127.0.0.1:8080")},
    {"http://[::127.0.0.1]:8080/", "allow", "compatible IPv6 as IPv4",
     A("http://127.0.0.1:8080")},
    {"http://127.0.0.2:8080/", "!no allowed host", "another address", A("http://127.0.0.1:8080")},
    {"http://localhost:8080/", "!no allowed host", "a name never matches an IP pattern",
     A("http://127.0.0.1:8080")},
    {"http://10.0.0.0/", "allow", "CIDR first address", A("http://10.0.0.0/8")},
    {"http://10.255.255.255/", "allow", "CIDR last address", A("http://10.0.0.0/8")},
    {"http://9.255.255.255/", "!no allowed host", "just below", A("http://10.0.0.0/8")},
    {"http://11.0.0.0/", "!no allowed host", "just above", A("http://10.0.0.0/8")},
    {"http://012.1/", "allow", "octal 012 is 10: 10.0.0.1", A("http://10.0.0.0/8")},
    {"http://[2001:db8::]/", "allow", "v6 CIDR first", A("http://[2001:db8::]/32")},
    {"http://[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]/", "allow", "v6 CIDR last",
     A("http://[2001:db8::]/32")},
    {"http://[2001:db9::]/", "!no allowed host", "v6 just above", A("http://[2001:db8::]/32")},
    {"http://[2001:db7:ffff::]/", "!no allowed host", "v6 just below",
     A("http://[2001:db8::]/32")},
    {"http://10.1.2.3/", "allow", "mapped v6 pattern matches IPv4",
     A("http://[::ffff:10.0.0.0]/104")},
    {"http://[0:0:0:0:0:0:0:1]/", "allow", "IPv6 by value", A("http://[::1]")},
    {"http://127.0.0.1/", "!no allowed host", "::1 is not 127.0.0.1", A("http://[::1]")},
    {"http://[fe80::1%25eth0]/", "!zone id is not allowed", "zone ids never parse",
     A("http://*")},
    {"http://example.com/", "!no allowed host matches 'http://example.com:80'", "default deny"},
    {"http://other.com:8080/", "allow", "second pattern",
     A("https://example.com http://other.com:8080")},
    /* a block always wins */
    {"http://127.0.0.1/", "!127.0.0.0/8 (loopback)", "block wins over '*'", A("http://*"),
     B("loopback")},
    {"http://2130706433/", "!127.0.0.0/8 (loopback)", "decimal loopback", A("http://*"),
     B("loopback")},
    {"http://[::ffff:127.0.0.1]/", "!127.0.0.0/8 (loopback)", "mapped loopback", A("http://*"),
     B("loopback")},
    {"http://[::127.0.0.1]/", "!127.0.0.0/8 (loopback)", "compatible loopback", A("http://*"),
     B("loopback")},
    {"http://[::1]/", "![::1]:80 is in blocked network ::1 (loopback)", "v6 loopback",
     A("http://*"), B("loopback")},
    {"http://[64:ff9b::a9fe:a9fe]/", "!169.254.0.0/16 (link-local): it embeds 169.254.169.254",
     "NAT64 metadata literal (finding 9)", A("http://*"), B("link-local")},
    {"http://[2002:7f00:1::1]:8080/", "!127.0.0.0/8 (loopback): it embeds 127.0.0.1 (6to4",
     "6to4 loopback literal (finding 9)", A("http://*:*"), B("loopback")},
    {"http://127.0.0.1/", "!127.0.0.0/8 (loopback)", "block wins over an exact IP allow",
     A("http://127.0.0.1"), B("loopback")},
    {"http://0.0.0.0/", "!0.0.0.0/8 (always blocked)", "0.0.0.0 reaches the local host",
     A("http://*")},
    {"http://0/", "!0.0.0.0/8 (always blocked)", "0 is 0.0.0.0", A("http://*")},
    {"http://[::]/", "!:: (always blocked)", ":: reaches the local host", A("http://*")},
    {"http://[::ffff:0.0.0.0]/", "!0.0.0.0/8 (always blocked)", "mapped 0.0.0.0",
     A("http://*")},
    {"http://[::ffff:10.1.1.1]/", "!10.0.0.0/8 (private)", "mapped private", A("http://*"),
     B("private")},
    {"http://169.254.169.254/", "!169.254.0.0/16 (link-local)", "cloud metadata",
     A("http://*"), B("link-local")},
    {"http://0251.0376.0251.0376/", "!169.254.0.0/16 (link-local)", "octal metadata",
     A("http://*"), B("link-local")},
    {"http://2852039166/", "!169.254.0.0/16 (link-local)", "decimal metadata", A("http://*"),
     B("link-local")},
    {"http://203.0.113.7/", "!203.0.113.7:80 is in blocked network 203.0.113.0/24 (--block-network)",
     "user CIDR", A("http://*"), B("203.0.113.0/24")},
    {"http://localhost/", "allow", "a name passes step 1; its IP is checked at connect",
     A("http://localhost"), B("loopback")},
    /* --block-url */
    {"http://x/admin", "!blocked by --block-url 'http://x/admin'", "exact prefix",
     A("http://x"), U("http://x/admin")},
    {"http://x/admin/users", "!blocked by --block-url", "below the prefix", A("http://x"),
     U("http://x/admin")},
    {"http://x/administrator", "!blocked by --block-url", "a plain string prefix",
     A("http://x"), U("http://x/admin")},
    {"http://x/Admin", "allow", "paths are case-sensitive", A("http://x"), U("http://x/admin")},
    {"http://X./admin", "!blocked by --block-url", "host normalised", A("http://x"),
     U("http://x/admin")},
    {"http://x:80/admin", "!blocked by --block-url", "default port spelled", A("http://x"),
     U("http://x/admin")},
    {"HTTP://x/admin", "!blocked by --block-url", "scheme case", A("http://x"),
     U("http://x/admin")},
    {"http://x/admin", "!blocked by --block-url", "prefix spelled with case and port",
     A("http://x"), U("HTTP://X:80/admin")},
    {"http://x:8080/admin", "allow", "another port is another origin", A("http://x:*"),
     U("http://x/admin")},
    {"https://x/admin", "allow", "another scheme is another origin", A("*://x"),
     U("http://x/admin")},
    {"http://x/%61dmin", "!blocked by --block-url", "%61 is 'a'", A("http://x"),
     U("http://x/admin")},
    {"http://x/public/../admin", "!blocked by --block-url", "dot-dot segment", A("http://x"),
     U("http://x/admin")},
    {"http://x/./admin", "!blocked by --block-url", "dot segment", A("http://x"),
     U("http://x/admin")},
    {"http://x/%2e%2e/admin", "!blocked by --block-url", "encoded dot-dot", A("http://x"),
     U("http://x/admin")},
    {"http://x//admin", "!blocked by --block-url", "'//' collapsed", A("http://x"),
     U("http://x/admin")},
    {"http://x/a/b/../../admin", "!blocked by --block-url", "two dot-dots", A("http://x"),
     U("http://x/admin")},
    {"http://x/../../../admin", "!blocked by --block-url", "dot-dot above the root",
     A("http://x"), U("http://x/admin")},
    {"http://x/admin/..", "allow", "resolves to /", A("http://x"), U("http://x/admin")},
    {"http://x/%41dmin", "allow", "%41 is 'A', and paths are case-sensitive", A("http://x"),
     U("http://x/admin")},
    {"http://x/", "allow", "root is not under /admin", A("http://x"), U("http://x/admin")},
    {"http://x/?admin", "allow", "the query is not the path", A("http://x"),
     U("http://x/admin")},
    {"http://x/admin#frag", "!blocked by --block-url", "fragment ignored", A("http://x"),
     U("http://x/admin")},
    {"http://x/anything", "!blocked by --block-url 'http://x'", "no path: the whole origin",
     A("http://x"), U("http://x")},
    {"http://y/admin", "allow", "another host", A("http://*"), U("http://x/admin")},
    {"http://2130706433/admin", "!blocked by --block-url", "IP host by value", A("http://*"),
     U("http://127.0.0.1/admin")},
    {"http://x/a%2Fb", "!blocked by --block-url", "%xx case-insensitive", A("http://x"),
     U("http://x/a%2fb")},
    {"http://x/admin", "!blocked by --block-url", "block-url reported first, even when not allowed",
     U("http://x/admin")},
};

/* ---- the connect-time check: input is the address; expect "allow" or "!why" ------------ */
static const row addrs[] = {
    {"10.0.0.0", "!10.0.0.0/8 (private)", "first of 10/8", B("private")},
    {"10.255.255.255", "!10.0.0.0/8 (private)", "last of 10/8", B("private")},
    {"9.255.255.255", "allow", "below 10/8", B("private")},
    {"11.0.0.0", "allow", "above 10/8", B("private")},
    {"172.16.0.0", "!172.16.0.0/12 (private)", "first of 172.16/12", B("private")},
    {"172.31.255.255", "!172.16.0.0/12 (private)", "last of 172.16/12", B("private")},
    {"172.15.255.255", "allow", "below 172.16/12", B("private")},
    {"172.32.0.0", "allow", "above 172.16/12", B("private")},
    {"192.168.0.0", "!192.168.0.0/16 (private)", "first of 192.168/16", B("private")},
    {"192.168.255.255", "!192.168.0.0/16 (private)", "last of 192.168/16", B("private")},
    {"192.167.255.255", "allow", "below 192.168/16", B("private")},
    {"192.169.0.0", "allow", "above 192.168/16", B("private")},
    {"100.64.0.0", "!100.64.0.0/10 (private)", "first of CGNAT", B("private")},
    {"100.127.255.255", "!100.64.0.0/10 (private)", "last of CGNAT", B("private")},
    {"100.63.255.255", "allow", "below CGNAT", B("private")},
    {"100.128.0.0", "allow", "above CGNAT", B("private")},
    {"fc00::", "!fc00::/7 (private)", "first ULA", B("private")},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "!fc00::/7 (private)", "last ULA", B("private")},
    {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "allow", "below ULA", B("private")},
    {"fe00::", "allow", "above ULA", B("private")},
    {"::ffff:10.0.0.1", "!10.0.0.0/8 (private)", "mapped checked as IPv4", B("private")},
    {"::10.0.0.1", "!10.0.0.0/8 (private)", "compatible checked as IPv4", B("private")},
    {"127.0.0.0", "!127.0.0.0/8 (loopback)", "first of 127/8", B("loopback")},
    {"127.255.255.255", "!127.0.0.0/8 (loopback)", "last of 127/8", B("loopback")},
    {"126.255.255.255", "allow", "below 127/8", B("loopback")},
    {"128.0.0.0", "allow", "above 127/8", B("loopback")},
    {"::1", "!::1 (loopback)", "IPv6 loopback", B("loopback")},
    {"::ffff:127.0.0.1", "!127.0.0.0/8 (loopback)", "mapped loopback", B("loopback")},
    {"::2", "!0.0.0.0/8 (always blocked)", "compatible 0.0.0.2", B("loopback")},
    {"169.254.0.0", "!169.254.0.0/16 (link-local)", "first of 169.254/16", B("link-local")},
    {"169.254.255.255", "!169.254.0.0/16 (link-local)", "last of 169.254/16", B("link-local")},
    {"169.253.255.255", "allow", "below 169.254/16", B("link-local")},
    {"169.255.0.0", "allow", "above 169.254/16", B("link-local")},
    {"fe80::", "!fe80::/10 (link-local)", "first of fe80::/10", B("link-local")},
    {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "!fe80::/10 (link-local)", "last of fe80::/10",
     B("link-local")},
    {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "allow", "below fe80::/10", B("link-local")},
    {"fec0::", "allow", "above fe80::/10", B("link-local")},
    {"::ffff:169.254.169.254", "!169.254.0.0/16 (link-local)", "mapped metadata",
     B("link-local")},
    {"0.0.0.0", "!0.0.0.0/8 (always blocked)", "always, no flags needed"},
    {"0.255.255.255", "!0.0.0.0/8 (always blocked)", "last of 0/8"},
    {"1.0.0.0", "allow", "just above 0/8"},
    {"::", "!:: (always blocked)", "IPv6 unspecified"},
    {"::ffff:0.0.0.0", "!0.0.0.0/8 (always blocked)", "mapped 0.0.0.0"},
    {"::1", "allow", "loopback not blocked unless asked"},
    {"127.0.0.1", "allow", "loopback not blocked unless asked"},
    {"192.0.2.0", "!192.0.2.0/24 (--block-network)", "user CIDR first", B("192.0.2.0/24")},
    {"192.0.2.255", "!192.0.2.0/24", "user CIDR last", B("192.0.2.0/24")},
    {"192.0.3.0", "allow", "user CIDR above", B("192.0.2.0/24")},
    {"192.0.1.255", "allow", "user CIDR below", B("192.0.2.0/24")},
    {"2001:db8::", "!2001:db8::/32", "v6 CIDR first", B("2001:db8::/32")},
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "!2001:db8::/32", "v6 CIDR last",
     B("2001:db8::/32")},
    {"2001:db9::", "allow", "v6 CIDR above", B("2001:db8::/32")},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "allow", "v6 CIDR below", B("2001:db8::/32")},
    {"10.1.1.1", "!::ffff:10.0.0.0/104", "a mapped block applies to IPv4",
     B("::ffff:10.0.0.0/104")},
    {"::ffff:10.1.1.1", "!10.0.0.0/8", "an IPv4 block applies to mapped", B("10.0.0.0/8")},
    {"1.2.3.4", "!1.2.3.4 (--block-network)", "one address", B("1.2.3.4")},
    {"1.2.3.5", "allow", "the next one", B("1.2.3.4")},
    {"8.8.8.8", "!0.0.0.0/0", "all of IPv4", B("0.0.0.0/0")},
    {"2001:4860::8888", "allow", "IPv4 block leaves IPv6", B("0.0.0.0/0")},
    {"2001:4860::8888", "!::/0", "all of IPv6", B("::/0")},
    {"10.0.0.5", "!10.0.0.5:443 is in blocked network 10.0.0.0/8 (private)",
     "the full message", B("private")},
};

/* ---- finding 9: IPv6 forms that carry an IPv4 address are checked as that
 * address too (input as for connect; policy.h lists the forms) ----------------------- */
#define KW B("private loopback link-local")
static const row embedded[] = {
    {"64:ff9b::7f00:1", "!127.0.0.0/8 (loopback): it embeds 127.0.0.1 (NAT64", "NAT64 loopback",
     B("loopback")},
    {"64:ff9b::a9fe:a9fe", "!169.254.0.0/16 (link-local): it embeds 169.254.169.254 (NAT64",
     "NAT64 metadata address", B("link-local")},
    {"64:ff9b::a00:1", "!10.0.0.0/8 (private)", "NAT64 private", B("private")},
    {"64:ff9b::", "!0.0.0.0/8 (always blocked)", "NAT64 of 0.0.0.0"},
    {"64:ff9b::808:808", "allow", "NAT64 of a public address", KW},
    {"64:ff9b::1:7f00:1", "allow", "outside 64:ff9b::/96: not the well-known prefix", KW},
    {"2002:7f00:1::",
     "![2002:7f00:1::]:443 is in blocked network 127.0.0.0/8 (loopback): it embeds 127.0.0.1 "
     "(6to4, RFC 3056)",
     "6to4 loopback, the full message", B("loopback")},
    {"2002:a9fe:a9fe::1", "!169.254.0.0/16 (link-local)", "6to4 metadata", B("link-local")},
    {"2002:c0a8:101:5::1", "!192.168.0.0/16 (private)", "6to4 private, any subnet and host",
     B("private")},
    {"2002:c000:22d::1", "!192.0.2.0/24 (--block-network)", "6to4 against a user CIDR",
     B("192.0.2.0/24")},
    {"2002:808:808::1", "allow", "6to4 of a public address", KW},
    {"2001:0:7f00:1:8000:63bf:3fff:fdd2", "!127.0.0.0/8 (loopback): it embeds 127.0.0.1 (Teredo server",
     "Teredo server loopback", B("loopback")},
    {"2001:0:4136:e378:8000:63bf:80ff:fffe",
     "!127.0.0.0/8 (loopback): it embeds 127.0.0.1 (Teredo client", "Teredo client (inverted)",
     B("loopback")},
    {"2001:0:4136:e378:8000:63bf:f5ff:fffe", "!10.0.0.0/8 (private)", "Teredo client private",
     B("private")},
    {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "!192.0.2.0/24", "Teredo client 192.0.2.45 (RFC 4380)",
     B("192.0.2.0/24")},
    {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "allow", "Teredo of public addresses", KW},
    {"2001:1:7f00:1::", "allow", "2001:1::/32 is not Teredo", KW},
    {"2001:db8::5efe:a9fe:a9fe", "!169.254.0.0/16 (link-local): it embeds 169.254.169.254 (ISATAP",
     "ISATAP metadata", B("link-local")},
    {"2001:db8::200:5efe:a00:1", "!10.0.0.0/8 (private)", "ISATAP, u bit set", B("private")},
    {"2001:db8:1:2:0:5efe:7f00:1", "!127.0.0.0/8 (loopback)", "ISATAP under any /64",
     B("loopback")},
    {"2001:db8::5efe:808:808", "allow", "ISATAP of a public address", KW},
    {"2001:db8::400:5efe:7f00:1", "allow", "not an ISATAP interface id", KW},
    {"::ffff:0:7f00:1", "!127.0.0.0/8 (loopback): it embeds 127.0.0.1 (IPv4-translated",
     "SIIT IPv4-translated", B("loopback")},
    {"::ffff:0:a9fe:a9fe", "!169.254.0.0/16 (link-local)", "IPv4-translated metadata",
     B("link-local")},
    {"64:ff9b:1::7f00:1", "!64:ff9b:1::/48 (loopback)", "local-use NAT64: all of it",
     B("loopback")},
    {"64:ff9b:1:7f00:0:100::", "!64:ff9b:1::/48 (link-local)", "local-use NAT64, /48 position",
     B("link-local")},
    {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "!64:ff9b:1::/48 (private)", "local-use NAT64, last",
     B("private")},
    {"64:ff9b:2::808:808", "allow", "past the local-use /48", KW},
};
#undef KW

/* ---- sockets: input "scheme|host|port"; expect "allow" or "!why" --------------------- */
static const row sockets[] = {
    {"tcp|db|5432", "allow", "tcp pattern with port", A("tcp://db:5432")},
    {"tcp|db|5433", "!no allowed host matches 'tcp://db:5433'", "other port", A("tcp://db:5432")},
    {"tcp|DB.|5432", "allow", "name normalised", A("tcp://db:5432")},
    {"TCP|db|5432", "allow", "scheme case", A("tcp://db:5432")},
    {"tcp|db|5432", "allow", "'*' scheme with port", A("*://db:5432")},
    {"tcp|db|5432", "!no allowed host", "tcp has no default port", A("*://db")},
    {"tcp|db|5432", "!no allowed host", "postgres:// is not tcp", A("postgres://db")},
    {"tcp|2130706433|9000", "allow", "decimal IP by value", A("tcp://127.0.0.1:9000")},
    {"tcp|::ffff:127.0.0.1|9000", "allow", "bare mapped IPv6", A("tcp://127.0.0.1:9000")},
    {"tcp|[::ffff:127.0.0.1]|9000", "allow", "bracketed mapped", A("tcp://127.0.0.1:9000")},
    {"tcp|127.0.0.1|9000", "!127.0.0.0/8 (loopback)", "block wins", A("tcp://*:9000"),
     B("loopback")},
    {"tcp|evil.com%00|80", "!percent-encoding", "percent in host", A("tcp://*:*")},
    {"tcp|a b|80", "!spaces", "space in host", A("tcp://*:*")},
    {"tcp||80", "!the host is empty", "empty host", A("tcp://*:*")},
    {"tcp|db|0", "!port 0", "port 0", A("tcp://*:*")},
    {"t1p|db|80", "!invalid scheme", "bad scheme", A("*://*:*")},
    {"tcp|fe80::1%eth0|22", "!percent", "zone id", A("tcp://*:*")},
    {"tcp|x|80", "allow", "--block-url does not apply to sockets", A("tcp://x:80"),
     U("http://x/")},
    {"tcp|64:ff9b::7f00:1|9000", "!127.0.0.0/8 (loopback): it embeds", "NAT64 literal (finding 9)",
     A("tcp://*:9000"), B("loopback")},
};

/* ---- the denial message (docs/policy.md) ---------------------------------------------- */
static const row denials[] = {
    {"https://Example.com/x",
     "A tool tried to make an outbound network connection to disallowed destination "
     "'https://example.com:443'. To allow this request, add 'https://example.com:443' to the "
     "allowed outbound hosts.",
     "normalised origin, explicit port"},
    {"http://[::1]:8080/",
     "A tool tried to make an outbound network connection to disallowed destination "
     "'http://[::1]:8080'. To allow this request, add 'http://[::1]:8080' to the allowed "
     "outbound hosts.",
     "IPv6 in brackets"},
    {"http://2130706433/",
     "A tool tried to make an outbound network connection to disallowed destination "
     "'http://127.0.0.1:80'. To allow this request, add 'http://127.0.0.1:80' to the allowed "
     "outbound hosts.",
     "the address, as the user would write it"},
};

/* ---- the runner --------------------------------------------------------------------- */

static void check(const row *r, bool ok, const char *got)
{
    bool pass = r->expect[0] == '!' ? !ok && strstr(got, r->expect + 1) != NULL
                                    : ok && strcmp(got, r->expect) == 0;
    if (!pass)
        fail_msg("input    %s\nexpected %s\ngot      %s%s\nwhy      %s", r->input, r->expect,
                 ok ? "" : "refused: ", got, r->why);
}

static void pattern_summary(const net_allow *a, char *buf, size_t cap)
{
    char host[300], net[64];
    switch (a->host_kind) {
    case NET_HOST_ANY:
        snprintf(host, sizeof host, "*");
        break;
    case NET_HOST_SUFFIX:
        snprintf(host, sizeof host, "*.%s", a->name);
        break;
    case NET_HOST_NAME:
        snprintf(host, sizeof host, "%s", a->name);
        break;
    case NET_HOST_CIDR:
        net_cidr_format(&a->net, net, sizeof net);
        snprintf(host, sizeof host, "%s", net);
        break;
    }
    if (a->default_port)
        snprintf(buf, cap, "%s %s default", a->scheme, host);
    else
        snprintf(buf, cap, "%s %s %u..%u", a->scheme, host, (unsigned)a->port_lo,
                 (unsigned)a->port_hi);
}

static void run_pattern(const row *r)
{
    char got[512];
    net_allow a;
    bool ok = net_parse_allow(r->input, &a, got, sizeof got);
    if (ok)
        pattern_summary(&a, got, sizeof got);
    else
        assert_non_null(strstr(got, r->input)); /* the error names the pattern */
    check(r, ok, got);
}

static void run_block(const row *r)
{
    char got[512] = "", one[64];
    net_cidr c[NET_BLOCK_MAX];
    size_t n = 0;
    bool ok = net_parse_block(r->input, c, NET_BLOCK_MAX, &n, got, sizeof got);
    if (ok) {
        for (size_t i = 0; i < n; i++) {
            net_cidr_format(&c[i], one, sizeof one);
            strcat(got, i ? " " : "");
            strcat(got, one);
        }
    }
    check(r, ok, got);
}

static void run_block_url(const row *r)
{
    char got[512] = "ok";
    net_url u;
    bool ok = net_parse_block_url(r->input, &u, got, sizeof got);
    check(r, ok, got);
}

static void run_ip(const row *r)
{
    char got[64] = "";
    net_cidr c;
    bool ok = net_parse_ip(r->input, &c);
    if (ok)
        net_cidr_format(&c, got, sizeof got);
    check(r, ok, got);
}

static void run_url(const row *r)
{
    char got[512];
    net_url u;
    bool ok = net_url_parse(r->input, &u, got, sizeof got);
    if (ok)
        net_url_format(&u, got, sizeof got, true);
    check(r, ok, got);
}

/* Add each space-separated entry of list with add(); every one must parse. */
static void add_all(net_policy *p, const char *list,
                    bool (*add)(net_policy *, const char *, char *, size_t))
{
    char buf[512], err[256];
    if (list == NULL)
        return;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, " "); tok != NULL; tok = strtok(NULL, " "))
        if (!add(p, tok, err, sizeof err))
            fail_msg("test policy: %s", err);
}

static void make_policy(net_policy *p, const row *r)
{
    net_policy_init(p);
    add_all(p, r->allow, net_policy_add_allow);
    add_all(p, r->block, net_policy_add_block);
    add_all(p, r->block_url, net_policy_add_block_url);
}

static void run_policy(const row *r)
{
    net_policy p;
    net_url u;
    char got[512] = "allow";
    make_policy(&p, r);
    bool ok = net_url_parse(r->input, &u, got, sizeof got) &&
              net_policy_allows_url(&p, &u, got, sizeof got);
    net_policy_free(&p);
    check(r, ok, got);
}

static void run_addr(const row *r)
{
    net_policy p;
    uint8_t a[16];
    char got[512] = "allow";
    int family = strchr(r->input, ':') != NULL ? 6 : 4;
    assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, r->input, a), 1);
    make_policy(&p, r);
    bool ok = net_policy_allows_addr(&p, family, a, 443, got, sizeof got);
    net_policy_free(&p);
    check(r, ok, got);
}

static void run_socket(const row *r)
{
    net_policy p;
    char in[256], got[512] = "allow";
    snprintf(in, sizeof in, "%s", r->input);
    char *host = strchr(in, '|');
    assert_non_null(host);
    *host++ = '\0';
    char *port = strchr(host, '|');
    assert_non_null(port);
    *port++ = '\0';
    make_policy(&p, r);
    bool ok = net_policy_allows_host_port(&p, in, host, (uint16_t)atoi(port), got, sizeof got);
    net_policy_free(&p);
    check(r, ok, got);
}

static void run_denial(const row *r)
{
    net_url u;
    char got[512];
    bool ok = net_url_parse(r->input, &u, got, sizeof got);
    if (ok)
        net_denial_message(&u, got, sizeof got);
    check(r, ok, got);
}

/* One cmocka test per row: the state carries the row and its runner. */
typedef struct {
    const row *r;
    void (*run)(const row *);
} job;

static void run_job(void **state)
{
    const job *j = *state;
    j->run(j->r);
}

static const struct {
    const char *name;
    const row *rows;
    size_t n;
    void (*run)(const row *);
} groups[] = {
#define G(name, rows, fn) {name, rows, sizeof rows / sizeof rows[0], fn}
    G("pattern", patterns, run_pattern),   G("block-network", blocks, run_block),
    G("block-url", block_urls, run_block_url), G("ip", ips, run_ip),
    G("url", urls, run_url),               G("match-url", policies, run_policy),
    G("connect", addrs, run_addr),         G("socket", sockets, run_socket),
    G("denial", denials, run_denial),      G("ipv6_embedded_ipv4", embedded, run_addr),
#undef G
};

/* "group: input", with bytes outside printable ASCII as \xNN. */
static char *test_name(const char *group, const char *input)
{
    size_t cap = strlen(group) + 4 * strlen(input) + 4;
    char *s = malloc(cap), *o = s;
    if (s == NULL)
        abort();
    o += sprintf(o, "%s: ", group);
    for (const unsigned char *p = (const unsigned char *)input; *p; p++)
        o += *p < 0x20 || *p >= 0x7f ? sprintf(o, "\\x%02x", *p) : sprintf(o, "%c", *p);
    return s;
}

int main(void)
{
    size_t n = 0, k = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        n += groups[g].n;
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    job *jobs = calloc(n, sizeof *jobs);
    if (tests == NULL || jobs == NULL)
        return 1;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        for (size_t i = 0; i < groups[g].n; i++, k++) {
            jobs[k] = (job){&groups[g].rows[i], groups[g].run};
            tests[k].name = test_name(groups[g].name, groups[g].rows[i].input);
            tests[k].test_func = run_job;
            tests[k].initial_state = &jobs[k];
        }
    int rc = _cmocka_run_group_tests("net_policy", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free((char *)tests[i].name);
    free(tests);
    free(jobs);
    return rc;
}

/*
 * fuzz_url.c - target (d): the URL parser and the network policy matcher
 * (net/url.c, net/policy.c).
 *
 * Input: lines.  "A pattern", "B network" and "U prefix" add an allowed
 * host, a blocked network and a blocked URL prefix to the policy (errors
 * are fine); every other line is a URL, parsed and, if it parses, checked
 * against the policy built so far.
 * Invariants: net_url_parse and net_url_parse_why agree; a URL that parses
 * is printed by net_url_format into a URL that parses back to the same
 * scheme, host, IP, port and path, and that the policy judges the same
 * way (spelling cannot change a verdict); an IP literal allowed by the URL
 * check is allowed at connect time too (a blocked network always wins),
 * unless it is in 0.0.0.0/8 or :: (refused only at connect time); an IP
 * host prints (net_cidr_format) to text that net_parse_ip reads back to
 * the same address.
 */
#include "fuzz.h"
#include "policy.h"

/* A path as a request sends it: "" is "/", "?q" is "/?q" (url.h). */
static void req_path(const net_url *u, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%.*s", u->path_len && u->path[0] == '/' ? "" : "/",
             (int)u->path_len, u->path);
}

static void same_url(const net_url *a, const net_url *b, const char *text)
{
    static char pa[4096], pb[4096];
    req_path(a, pa, sizeof pa);
    req_path(b, pb, sizeof pb);
    if (strcmp(a->scheme, b->scheme) != 0 || strcmp(a->host, b->host) != 0 ||
        a->is_ip != b->is_ip || a->port != b->port ||
        (a->is_ip && memcmp(&a->ip, &b->ip, sizeof a->ip) != 0) || strcmp(pa, pb) != 0)
        fuzz_fail("'%s' prints as a URL that parses differently", text);
}

static int always_blocked(const net_cidr *ip)
{
    net_cidr v4;
    const net_cidr *a = ip->family == 6 && net_ip_as_v4(ip, &v4) ? &v4 : ip;
    static const uint8_t zero[16];
    return a->family == 4 ? a->addr[0] == 0 : memcmp(a->addr, zero, 16) == 0;
}

static void check_url(const net_policy *p, const char *text)
{
    net_url u, w, v;
    char err[512], why[512], buf[2048];
    bool ok = net_url_parse(text, &u, err, sizeof err);
    const char *reason = net_url_parse_why(text, &w);
    if (ok != (reason == NULL))
        fuzz_fail("'%s': net_url_parse says %d, net_url_parse_why \"%s\"", text, ok,
                  reason ? reason : "ok");
    if (!ok)
        return;
    size_t need = net_url_format(&u, buf, sizeof buf, true);
    if (need >= sizeof buf)
        return;
    if (!net_url_parse(buf, &v, err, sizeof err))
        fuzz_fail("'%s' prints as '%s', which does not parse: %s", text, buf, err);
    same_url(&u, &v, text);
    bool a1 = net_policy_allows_url(p, &u, why, sizeof why);
    bool a2 = net_policy_allows_url(p, &v, why, sizeof why);
    if (a1 != a2)
        fuzz_fail("'%s' is %s, its printed form '%s' %s", text, a1 ? "allowed" : "denied", buf,
                  a2 ? "allowed" : "denied");
    (void)net_policy_allows_host_port(p, u.scheme, u.host, u.port, why, sizeof why);
    if (u.is_ip) {
        const uint8_t *addr = u.ip.addr;
        bool c = net_policy_allows_addr(p, u.ip.family, addr, u.port, why, sizeof why);
        if (a1 && !c && !always_blocked(&u.ip))
            fuzz_fail("'%s' passes the URL check but not the connect check: %s", text, why);
        char ipt[128];
        net_cidr back;
        net_cidr_format(&u.ip, ipt, sizeof ipt);
        if (!net_parse_ip(ipt, &back) || memcmp(&back, &u.ip, sizeof back) != 0)
            fuzz_fail("'%s': its address prints as '%s', which reads back differently", text,
                      ipt);
    }
    char msg[1024];
    net_denial_message(&u, msg, sizeof msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    net_policy p;
    net_policy_init(&p);
    char err[512];
    for (size_t at = 0; at < size;) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t n = nl ? (size_t)(nl - (data + at)) : size - at;
        /* a copy of exactly the line (NUL-terminated), for ASan */
        char *line = malloc(n + 1);
        if (!line)
            fuzz_fail("out of memory");
        memcpy(line, data + at, n);
        line[n] = 0;
        at += n + 1;
        n = strlen(line); /* an embedded NUL ends the C string */
        if (n >= 2 && line[1] == ' ' && line[0] == 'A')
            (void)net_policy_add_allow(&p, line + 2, err, sizeof err);
        else if (n >= 2 && line[1] == ' ' && line[0] == 'B')
            (void)net_policy_add_block(&p, line + 2, err, sizeof err);
        else if (n >= 2 && line[1] == ' ' && line[0] == 'U')
            (void)net_policy_add_block_url(&p, line + 2, err, sizeof err);
        else
            check_url(&p, line);
        free(line);
    }
    net_policy_free(&p);
    return 0;
}

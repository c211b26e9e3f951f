/* Builtins: sha256sum, md5sum, base64, diff, tar (curl and wget: curl.c). */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <time.h>
#include <sys/stat.h>

/* ---- SHA-256 ------------------------------------------------------------------------ */
static const uint32_t K256[64] = {
    0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2 };
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
static void sha256_block(uint32_t h[8], const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K256[i] + w[i];
        uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + mj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}
void sha256_buf(const unsigned char *d, size_t n, unsigned char out[32]) {
    uint32_t h[8] = { 0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19 };
    size_t i = 0;
    for (; i + 64 <= n; i += 64) sha256_block(h, d + i);
    unsigned char last[128] = {0};
    size_t r = n - i;
    memcpy(last, d + i, r);
    last[r] = 0x80;
    size_t tot = r + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int k = 0; k < 8; k++) last[tot - 1 - k] = (unsigned char)(bits >> (8 * k));
    sha256_block(h, last);
    if (tot == 128) sha256_block(h, last + 64);
    for (int k = 0; k < 8; k++) { out[4 * k] = (unsigned char)(h[k] >> 24); out[4 * k + 1] = (unsigned char)(h[k] >> 16); out[4 * k + 2] = (unsigned char)(h[k] >> 8); out[4 * k + 3] = (unsigned char)h[k]; }
}

/* ---- MD5 ---------------------------------------------------------------------------- */
static const uint32_t MD5K[64] = {
    0xd76aa478,0xe8c7b756,0x242070db,0xc1bdceee,0xf57c0faf,0x4787c62a,0xa8304613,0xfd469501,
    0x698098d8,0x8b44f7af,0xffff5bb1,0x895cd7be,0x6b901122,0xfd987193,0xa679438e,0x49b40821,
    0xf61e2562,0xc040b340,0x265e5a51,0xe9b6c7aa,0xd62f105d,0x02441453,0xd8a1e681,0xe7d3fbc8,
    0x21e1cde6,0xc33707d6,0xf4d50d87,0x455a14ed,0xa9e3e905,0xfcefa3f8,0x676f02d9,0x8d2a4c8a,
    0xfffa3942,0x8771f681,0x6d9d6122,0xfde5380c,0xa4beea44,0x4bdecfa9,0xf6bb4b60,0xbebfbc70,
    0x289b7ec6,0xeaa127fa,0xd4ef3085,0x04881d05,0xd9d4d039,0xe6db99e5,0x1fa27cf8,0xc4ac5665,
    0xf4292244,0x432aff97,0xab9423a7,0xfc93a039,0x655b59c3,0x8f0ccc92,0xffeff47d,0x85845dd1,
    0x6fa87e4f,0xfe2ce6e0,0xa3014314,0x4e0811a1,0xf7537e82,0xbd3af235,0x2ad7d2bb,0xeb86d391 };
static const int MD5R[64] = { 7,12,17,22,7,12,17,22,7,12,17,22,7,12,17,22,5,9,14,20,5,9,14,20,5,9,14,20,5,9,14,20,
    4,11,16,23,4,11,16,23,4,11,16,23,4,11,16,23,6,10,15,21,6,10,15,21,6,10,15,21,6,10,15,21 };
static void md5_block(uint32_t h[4], const unsigned char *p) {
    uint32_t m[16];
    for (int i = 0; i < 16; i++) m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f; int g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        uint32_t t = d; d = c; c = b;
        uint32_t x = a + f + MD5K[i] + m[g];
        b = b + ((x << MD5R[i]) | (x >> (32 - MD5R[i])));
        a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}
void md5_buf(const unsigned char *d, size_t n, unsigned char out[16]) {
    uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    size_t i = 0;
    for (; i + 64 <= n; i += 64) md5_block(h, d + i);
    unsigned char last[128] = {0};
    size_t r = n - i;
    memcpy(last, d + i, r);
    last[r] = 0x80;
    size_t tot = r + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int k = 0; k < 8; k++) last[tot - 8 + k] = (unsigned char)(bits >> (8 * k));
    md5_block(h, last);
    if (tot == 128) md5_block(h, last + 64);
    for (int k = 0; k < 4; k++) for (int j = 0; j < 4; j++) out[4 * k + j] = (unsigned char)(h[k] >> (8 * j));
}

static int hashsum(Sh *sh, int argc, char **argv, IO *io, int md5) {
    int st = 0, nf = 0, check = 0;
    for (int i = 1; i < argc; i++) if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--check")) check = 1;
    for (int i = 1; i <= argc; i++) {
        const char *f;
        if (i == argc) { if (nf) break; f = "-"; }
        else { f = argv[i]; if (f[0] == '-' && f[1]) continue; }
        nf++;
        char *d; size_t n;
        if (read_input(sh, io, f, &d, &n, argv[0])) { st = 1; continue; }
        if (check) {
            /* lines: HASH  FILE */
            char *line = d;
            while (line && *line) {
                char *nl = strchr(line, '\n');
                if (nl) *nl = 0;
                char *sp = strchr(line, ' ');
                if (sp) {
                    char *fn = sp; while (*fn == ' ' || *fn == '*') fn++;
                    char *fd; size_t fnn;
                    if (read_file(sh, fn, &fd, &fnn)) { ERR(io, "%s: %s: No such file or directory\n", argv[0], fn); OUT(io, "%s: FAILED open or read\n", fn); st = 1; }
                    else {
                        unsigned char h[32]; char hex[65];
                        int hl = md5 ? 16 : 32;
                        if (md5) md5_buf((unsigned char *)fd, fnn, h); else sha256_buf((unsigned char *)fd, fnn, h);
                        for (int k = 0; k < hl; k++) sprintf(hex + 2 * k, "%02x", h[k]);
                        int ok = (size_t)(sp - line) == (size_t)(2 * hl) && !strncasecmp(line, hex, (size_t)(2 * hl));
                        OUT(io, "%s: %s\n", fn, ok ? "OK" : "FAILED");
                        if (!ok) st = 1;
                        free(fd);
                    }
                }
                line = nl ? nl + 1 : NULL;
            }
            free(d);
            continue;
        }
        unsigned char h[32];
        int hl = md5 ? 16 : 32;
        if (md5) md5_buf((unsigned char *)d, n, h); else sha256_buf((unsigned char *)d, n, h);
        free(d);
        char hex[65];
        for (int k = 0; k < hl; k++) sprintf(hex + 2 * k, "%02x", h[k]);
        OUT(io, "%s  %s\n", hex, f);
    }
    return st;
}
static int u_sha256sum(Sh *sh, int argc, char **argv, IO *io) { return hashsum(sh, argc, argv, io, 0); }
static int u_md5sum(Sh *sh, int argc, char **argv, IO *io) { return hashsum(sh, argc, argv, io, 1); }

/* ---- base64 -------------------------------------------------------------------------- */
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static int u_base64(Sh *sh, int argc, char **argv, IO *io) {
    int dec = 0, wrap = 76;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-d") || !strcmp(a, "--decode") || !strcmp(a, "-D")) dec = 1;
        else if (!strcmp(a, "-i") || !strcmp(a, "--ignore-garbage")) {}
        else if (!strncmp(a, "-w", 2)) wrap = atoi(a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "76"));
        else if (!strncmp(a, "--wrap=", 7)) wrap = atoi(a + 7);
        else if (a[0] == '-' && a[1]) { ERR(io, "base64: invalid option -- '%c'\n", a[1]); return 1; }
        else file = a;
    }
    char *d; size_t n;
    if (read_input(sh, io, file, &d, &n, "base64")) return 1;
    Buf o = {0};
    if (!dec) {
        size_t col = 0;
        for (size_t i = 0; i < n; i += 3) {
            uint32_t v = (uint32_t)(unsigned char)d[i] << 16;
            if (i + 1 < n) v |= (uint32_t)(unsigned char)d[i + 1] << 8;
            if (i + 2 < n) v |= (unsigned char)d[i + 2];
            char q[4] = { B64[v >> 18], B64[(v >> 12) & 63], i + 1 < n ? B64[(v >> 6) & 63] : '=', i + 2 < n ? B64[v & 63] : '=' };
            for (int k = 0; k < 4; k++) {
                buf_addc(&o, q[k]);
                if (wrap > 0 && ++col == (size_t)wrap) { buf_addc(&o, '\n'); col = 0; }
            }
        }
        if (col || o.len == 0) { if (n) buf_addc(&o, '\n'); }
    } else {
        uint32_t acc = 0; int bits = 0;
        for (size_t i = 0; i < n; i++) {
            char c = d[i];
            if (c == '=' ) break;
            const char *p = strchr(B64, c);
            if (!p || !c) {
                if (isspace((unsigned char)c)) continue;
                io_write(io, 1, o.s ? o.s : "", o.len);
                ERR(io, "base64: invalid input\n");
                buf_free(&o); free(d);
                return 1;
            }
            acc = (acc << 6) | (uint32_t)(p - B64);
            bits += 6;
            if (bits >= 8) { bits -= 8; buf_addc(&o, (char)((acc >> bits) & 0xff)); }
        }
    }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    free(d);
    return 0;
}

/* ---- diff (unified, LCS by Myers-ish DP on lines) ---------------------------------------- */
typedef struct { char **v; int n; } DL;
static void dl_split(const char *d, size_t n, DL *l, int *noeol) {
    l->v = NULL; l->n = 0;
    size_t st = 0;
    *noeol = n > 0 && d[n - 1] != '\n';
    for (size_t i = 0; i <= n; i++) {
        if (i == n ? i > st : d[i] == '\n') {
            l->v = xrealloc(l->v, sizeof(char *) * (size_t)(l->n + 1));
            l->v[l->n++] = xstrndup(d + st, i - st);
            st = i + 1;
        }
    }
}

static int u_diff(Sh *sh, int argc, char **argv, IO *io) {
    const char *f[2]; int nf = 0, ctx = 3, brief = 0, unified = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (!strcmp(a, "-u") || !strcmp(a, "--unified")) unified = 1;
            else if (!strncmp(a, "-U", 2)) ctx = atoi(a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "3"));
            else if (!strcmp(a, "-q") || !strcmp(a, "--brief")) brief = 1;
            else if (!strcmp(a, "-N") || !strcmp(a, "-a") || !strcmp(a, "-r") || !strcmp(a, "-w") || !strcmp(a, "-B")) {}
            else { ERR(io, "diff: invalid option -- '%c'\n", a[1]); return 2; }
            continue;
        }
        if (nf < 2) f[nf++] = a;
    }
    (void)unified;
    if (nf < 2) { ERR(io, "diff: missing operand after '%s'\ndiff: Try 'diff --help' for more information.\n", nf ? f[0] : "diff"); return 2; }
    char *d[2]; size_t n[2];
    for (int k = 0; k < 2; k++) {
        if (read_input(sh, io, f[k], &d[k], &n[k], "diff")) { if (k) free(d[0]); return 2; }
    }
    if (n[0] == n[1] && !memcmp(d[0], d[1], n[0])) { free(d[0]); free(d[1]); return 0; }
    if (brief) { OUT(io, "Files %s and %s differ\n", f[0], f[1]); free(d[0]); free(d[1]); return 1; }
    DL a, b; int ne[2];
    dl_split(d[0], n[0], &a, &ne[0]);
    dl_split(d[1], n[1], &b, &ne[1]);
    free(d[0]); free(d[1]);
    /* trim common prefix/suffix, LCS table on the middle */
    int pre = 0;
    while (pre < a.n && pre < b.n && !strcmp(a.v[pre], b.v[pre]) && !(pre == a.n - 1 && ne[0] != ne[1]) && !(pre == b.n - 1 && ne[0] != ne[1])) pre++;
    int suf = 0;
    while (suf < a.n - pre && suf < b.n - pre && !strcmp(a.v[a.n - 1 - suf], b.v[b.n - 1 - suf]) && !(suf == 0 && ne[0] != ne[1])) suf++;
    int m = a.n - pre - suf, k = b.n - pre - suf;
    if ((long long)(m + 1) * (k + 1) > 40000000LL) { ERR(io, "diff: files too large to compare\n"); return 2; }
    unsigned short *L = calloc((size_t)(m + 1) * (size_t)(k + 1), sizeof(unsigned short));
    #define LL(i, j) L[(size_t)(i) * (size_t)(k + 1) + (size_t)(j)]
    for (int i = m - 1; i >= 0; i--)
        for (int j = k - 1; j >= 0; j--)
            LL(i, j) = !strcmp(a.v[pre + i], b.v[pre + j]) ? (unsigned short)(LL(i + 1, j + 1) + 1) : (LL(i + 1, j) > LL(i, j + 1) ? LL(i + 1, j) : LL(i, j + 1));
    /* edit script over full files: ops ' ', '-', '+' with line indexes */
    int cap = a.n + b.n + 1, no = 0;
    char *op = xmalloc((size_t)cap); int *ia = xmalloc(sizeof(int) * (size_t)cap), *ib = xmalloc(sizeof(int) * (size_t)cap);
    for (int i = 0; i < pre; i++) { op[no] = ' '; ia[no] = i; ib[no] = i; no++; }
    int i = 0, j = 0;
    while (i < m || j < k) {
        if (i < m && j < k && !strcmp(a.v[pre + i], b.v[pre + j])) { op[no] = ' '; ia[no] = pre + i; ib[no] = pre + j; no++; i++; j++; }
        else if (i < m && (j >= k || LL(i + 1, j) >= LL(i, j + 1))) { op[no] = '-'; ia[no] = pre + i; ib[no] = pre + j; no++; i++; }
        else { op[no] = '+'; ia[no] = pre + i; ib[no] = pre + j; no++; j++; }
    }
    for (int s = 0; s < suf; s++) { op[no] = ' '; ia[no] = a.n - suf + s; ib[no] = b.n - suf + s; no++; }
    free(L);
    Buf o = {0};
    buf_printf(&o, "--- %s\n+++ %s\n", f[0], f[1]);
    int p = 0;
    while (p < no) {
        while (p < no && op[p] == ' ') p++;
        if (p >= no) break;
        int hs = p - ctx < 0 ? 0 : p - ctx;
        /* extend hunk while the gap between changes is <= 2*ctx */
        int e = p;
        for (;;) {
            while (e < no && op[e] != ' ') e++;
            int g = e;
            while (g < no && op[g] == ' ') g++;
            if (g < no && g - e <= 2 * ctx) { e = g; continue; }
            break;
        }
        int he = e + ctx > no ? no : e + ctx;
        int a0 = -1, b0 = -1, ac = 0, bc = 0;
        for (int q = hs; q < he; q++) {
            if (op[q] != '+') { if (a0 < 0) a0 = ia[q]; ac++; }
            if (op[q] != '-') { if (b0 < 0) b0 = ib[q]; bc++; }
        }
        if (a0 < 0) a0 = hs < no ? ia[hs] : a.n;
        if (b0 < 0) b0 = hs < no ? ib[hs] : b.n;
        buf_adds(&o, "@@ -");
        if (ac == 1) buf_printf(&o, "%d", a0 + 1); else buf_printf(&o, "%d,%d", ac ? a0 + 1 : a0, ac);
        buf_adds(&o, " +");
        if (bc == 1) buf_printf(&o, "%d", b0 + 1); else buf_printf(&o, "%d,%d", bc ? b0 + 1 : b0, bc);
        buf_adds(&o, " @@\n");
        for (int q = hs; q < he; q++) {
            const char *t = op[q] == '+' ? b.v[ib[q]] : a.v[ia[q]];
            buf_addc(&o, op[q]); buf_adds(&o, t); buf_addc(&o, '\n');
            int last_a = op[q] != '+' && ia[q] == a.n - 1 && ne[0];
            int last_b = op[q] != '-' && ib[q] == b.n - 1 && ne[1];
            if ((op[q] == '-' && last_a) || (op[q] == '+' && last_b) || (op[q] == ' ' && (last_a || last_b))) buf_adds(&o, "\\ No newline at end of file\n");
        }
        p = he;
    }
    io_write(io, 1, o.s, o.len);
    buf_free(&o);
    free(op); free(ia); free(ib);
    free_strv(a.v, a.n); free_strv(b.v, b.n);
    return 1;
}

/* ---- tar (ustar) ------------------------------------------------------------------------ */
static void tar_octal(char *dst, size_t n, unsigned long long v) {
    snprintf(dst, n, "%0*llo", (int)n - 1, v);
}
static void tar_header(Buf *o, const char *name, int isdir, unsigned long long size, unsigned long long mtime, unsigned mode) {
    char h[512];
    memset(h, 0, sizeof h);
    size_t nl = strlen(name);
    if (nl <= 100) memcpy(h, name, nl);
    else {
        /* split into prefix (155) / name (100) at a slash */
        const char *sl = name + nl - 100 - 1;
        while (*sl && *sl != '/') sl++;
        size_t pl = (size_t)(sl - name);
        if (pl > 155) pl = 155;
        memcpy(h + 345, name, pl);
        memcpy(h, sl + 1, strlen(sl + 1) > 100 ? 100 : strlen(sl + 1));
    }
    tar_octal(h + 100, 8, mode);
    tar_octal(h + 108, 8, 1000);
    tar_octal(h + 116, 8, 1000);
    tar_octal(h + 124, 12, size);
    tar_octal(h + 136, 12, mtime);
    memset(h + 148, ' ', 8);
    h[156] = isdir ? '5' : '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 265, "user", 4);
    memcpy(h + 297, "user", 4);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++) sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    buf_add(o, h, 512);
}

static int tar_add(Sh *sh, IO *io, Buf *o, const char *path, int verbose) {
    char *h = sh_hostpath(sh, path);
    struct stat st;
    if (stat(h, &st) != 0) { ERR(io, "tar: %s: Cannot stat: %s\n", path, sh_strerror(errno)); free(h); return 2; }
    int r = 0;
    /* stored name: strip leading '/' */
    const char *nm = path;
    while (*nm == '/') nm++;
    if (nm != path && !*nm) nm = ".";
    if (S_ISDIR(st.st_mode)) {
        Buf n = {0}; buf_adds(&n, nm); if (n.len && n.s[n.len - 1] != '/') buf_addc(&n, '/');
        tar_header(o, n.s, 1, 0, (unsigned long long)st.st_mtime, 0755);
        if (verbose) OUT(io, "%s\n", n.s);
        buf_free(&n);
        DIR *d = opendir(h);
        if (d) {
            char **names = NULL; int nn = 0;
            struct dirent *de;
            while ((de = readdir(d))) if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) { names = xrealloc(names, sizeof(char *) * (size_t)(nn + 1)); names[nn++] = xstrdup(de->d_name); }
            closedir(d);
            if (nn) qsort(names, (size_t)nn, sizeof(char *), sort_strcmp);
            for (int k = 0; k < nn; k++) {
                Buf c = {0}; buf_adds(&c, path); if (c.len && c.s[c.len - 1] != '/') buf_addc(&c, '/'); buf_adds(&c, names[k]);
                if (tar_add(sh, io, o, c.s, verbose)) r = 2;
                buf_free(&c);
            }
            free_strv(names, nn);
        }
    } else {
        char *d; size_t n;
        int e = read_file(sh, path, &d, &n);
        if (e) { ERR(io, "tar: %s: Cannot open: %s\n", path, sh_strerror(e)); free(h); return 2; }
        tar_header(o, nm, 0, n, (unsigned long long)st.st_mtime, (unsigned)(st.st_mode & 0777) ? (unsigned)(st.st_mode & 0777) : 0644);
        buf_add(o, d, n);
        static const char zero[512];
        if (n % 512) buf_add(o, zero, 512 - n % 512);
        if (verbose) OUT(io, "%s\n", nm);
        free(d);
    }
    free(h);
    return r;
}

static unsigned long long tar_num(const char *p, size_t n) {
    unsigned long long v = 0;
    for (size_t i = 0; i < n && p[i]; i++) if (p[i] >= '0' && p[i] <= '7') v = v * 8 + (unsigned)(p[i] - '0');
    return v;
}

static int u_tar(Sh *sh, int argc, char **argv, IO *io) {
    int c = 0, x = 0, t = 0, v = 0, z = 0;
    const char *file = NULL, *dir = NULL;
    char **names = xmalloc(sizeof(char *) * (size_t)argc); int nn = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int first_bundle = i == 1 && a[0] != '-';
        if (a[0] == '-' || first_bundle) {
            if (!strncmp(a, "--file=", 7)) { file = a + 7; continue; }
            if (!strncmp(a, "--directory=", 12)) { dir = a + 12; continue; }
            if (a[1] == '-') { if (!strcmp(a, "--create")) c = 1; else if (!strcmp(a, "--extract")) x = 1; else if (!strcmp(a, "--list")) t = 1; else if (!strcmp(a, "--verbose")) v = 1; continue; }
            for (const char *p = a + (a[0] == '-'); *p; p++) {
                switch (*p) {
                case 'c': c = 1; break; case 'x': x = 1; break; case 't': t = 1; break; case 'v': v = 1; break;
                case 'z': case 'j': case 'J': z = 1; break;
                case 'f': file = i + 1 < argc ? argv[++i] : NULL; break;
                case 'C': dir = i + 1 < argc ? argv[++i] : NULL; break;
                case 'p': case 'o': case 'k': break;
                default: ERR(io, "tar: invalid option -- '%c'\n", *p); free(names); return 2;
                }
            }
            continue;
        }
        names[nn++] = argv[i];
    }
    if (z) { ERR(io, "tar: compression (-z/-j/-J) is not supported in this build\n"); free(names); return 2; }
    if (c + x + t != 1) { ERR(io, "tar: You must specify one of the '-ctx' options\nTry 'tar --help' for more information.\n"); free(names); return 2; }
    char ocwd[4096];
    memcpy(ocwd, sh->cwd, sizeof ocwd);
    int st = 0;
    if (c) {
        if (!nn) { ERR(io, "tar: Cowardly refusing to create an empty archive\n"); free(names); return 2; }
        Buf o = {0};
        if (dir) { char *a = sh_abspath(sh, dir); snprintf(sh->cwd, sizeof sh->cwd, "%s", a); free(a); }
        for (int k = 0; k < nn; k++) if (tar_add(sh, io, &o, names[k], v)) st = 2;
        memcpy(sh->cwd, ocwd, sizeof ocwd);
        static const char zero[1024];
        buf_add(&o, zero, 1024);
        if (o.len % 10240) { size_t pad = 10240 - o.len % 10240; char *zz = calloc(1, pad); buf_add(&o, zz, pad); free(zz); }
        if (!file || !strcmp(file, "-")) { if (v) {} io_write(io, 1, o.s, o.len); }
        else {
            char *h = sh_hostpath(sh, file);
            int fd = open(h, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            free(h);
            if (fd < 0) { ERR(io, "tar: %s: Cannot open: %s\n", file, sh_strerror(errno)); st = 2; }
            else { Out *ot = out_new_fd(fd); out_write(ot, o.s, o.len); out_unref(ot); }
        }
        buf_free(&o);
        free(names);
        return st;
    }
    char *d; size_t n;
    if (!file || !strcmp(file, "-")) { size_t l; char *p = in_readall(io->in, &l); d = xstrndup(p, l); n = l; }
    else {
        int e = read_file(sh, file, &d, &n);
        if (e) { ERR(io, "tar: %s: Cannot open: %s\ntar: Error is not recoverable: exiting now\n", file, sh_strerror(e)); free(names); return 2; }
    }
    if (dir) { char *a = sh_abspath(sh, dir); snprintf(sh->cwd, sizeof sh->cwd, "%s", a); free(a); }
    size_t off = 0;
    while (off + 512 <= n) {
        const char *h = d + off;
        int allzero = 1;
        for (int i = 0; i < 512; i++) if (h[i]) { allzero = 0; break; }
        if (allzero) break;
        if (memcmp(h + 257, "ustar", 5) != 0 && tar_num(h + 148, 8) == 0) { ERR(io, "tar: This does not look like a tar archive\n"); st = 2; break; }
        char name[512];
        char pfx[156]; memcpy(pfx, h + 345, 155); pfx[155] = 0;
        char nm[101]; memcpy(nm, h, 100); nm[100] = 0;
        if (pfx[0]) snprintf(name, sizeof name, "%s/%s", pfx, nm); else snprintf(name, sizeof name, "%s", nm);
        unsigned long long size = tar_num(h + 124, 12);
        char type = h[156];
        off += 512;
        if (off + size > n) { ERR(io, "tar: Unexpected EOF in archive\n"); st = 2; break; }
        int want = nn == 0;
        for (int k = 0; k < nn; k++) { size_t l = strlen(names[k]); if (!strncmp(name, names[k], l) && (name[l] == 0 || name[l] == '/')) want = 1; }
        if (want) {
            if (t || v) OUT(io, "%s\n", name);
            if (x) {
                /* refuse absolute and parent paths */
                const char *nmp = name;
                while (*nmp == '/') nmp++;
                if (strstr(nmp, "../") || !strcmp(nmp, "..")) { ERR(io, "tar: %s: Member name contains '..'\n", name); st = 2; }
                else if (type == '5') {
                    char *hp = sh_hostpath(sh, nmp);
                    mkdir(hp, 0755);
                    free(hp);
                } else if (type == '0' || type == 0) {
                    /* create parent dirs */
                    char *a = sh_abspath(sh, nmp);
                    for (char *p = a + 1; *p; p++) if (*p == '/') { *p = 0; char *hp = sh_hostpath(sh, a); mkdir(hp, 0755); free(hp); *p = '/'; }
                    char *hp = sh_hostpath(sh, a);
                    int fd = open(hp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                    if (fd < 0) { ERR(io, "tar: %s: Cannot open: %s\n", name, sh_strerror(errno)); st = 2; }
                    else { Out *ot = out_new_fd(fd); out_write(ot, d + off, (size_t)size); out_unref(ot); }
                    free(hp); free(a);
                }
            }
        }
        off += (size_t)((size + 511) / 512 * 512);
    }
    memcpy(sh->cwd, ocwd, sizeof ocwd);
    free(d);
    free(names);
    return st;
}

static const Builtin utils2[] = {
    { "sha256sum", u_sha256sum }, { "md5sum", u_md5sum }, { "base64", u_base64 }, { "diff", u_diff },
    { "tar", u_tar }, { "curl", u_curl }, { "wget", u_wget },
    { NULL, NULL }
};

BuiltinFn util2_find(const char *name) {
    for (int i = 0; utils2[i].name; i++) if (!strcmp(utils2[i].name, name)) return utils2[i].fn;
    return NULL;
}

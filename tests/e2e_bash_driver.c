/* Test driver for the bash tool: runs each case of tests/bash_cases.txt.
 *
 *   e2e_bash_driver CASES corral CORRAL BASHWASM   (through the sandbox)
 *   e2e_bash_driver CASES native SHELLBIN          (a native build: BIN ROOT < script)
 *
 * Case format (blocks):
 *   ### name
 *   <script lines>
 *   --- stdout
 *   <expected stdout lines>          (compared exactly)
 *   --- exit N
 * Each case runs in a fresh temporary work dir.  Prints "ok N - name" or
 * "FAIL N - name: ..." and a summary line. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/types.h>
#include <fcntl.h>

typedef struct { char *s; size_t len, cap; } B;
static void badd(B *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) { b->cap = (b->len + n + 1) * 2; b->s = realloc(b->s, b->cap); }
    memcpy(b->s + b->len, s, n); b->len += n; b->s[b->len] = 0;
}
static void badds(B *b, const char *s) { badd(b, s, strlen(s)); }

static void json_str(B *b, const char *s, size_t n) {
    badds(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char t[8];
        if (c == '"' || c == '\\') { t[0] = '\\'; t[1] = (char)c; badd(b, t, 2); }
        else if (c == '\n') badds(b, "\\n");
        else if (c == '\t') badds(b, "\\t");
        else if (c < 0x20) { snprintf(t, sizeof t, "\\u%04x", c); badds(b, t); }
        else badd(b, (const char *)&c, 1);
    }
    badds(b, "\"");
}

/* run argv with stdin data; capture stdout; returns exit status */
static int run(char **argv, const char *in, size_t inlen, B *out) {
    int pin[2], pout[2];
    if (pipe(pin) || pipe(pout)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pin[0], 0); dup2(pout[1], 1);
        int dn = open("/dev/null", 1); if (dn >= 0) dup2(dn, 2);
        close(pin[1]); close(pout[0]);
        execv(argv[0], argv);
        _exit(126);
    }
    close(pin[0]); close(pout[1]);
    /* write all input (small), then read */
    size_t w = 0;
    while (w < inlen) { ssize_t r = write(pin[1], in + w, inlen - w); if (r <= 0) break; w += (size_t)r; }
    close(pin[1]);
    char tmp[65536]; ssize_t r;
    while ((r = read(pout[0], tmp, sizeof tmp)) > 0) badd(out, tmp, (size_t)r);
    close(pout[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* minimal JSON: find top-level or nested key and decode its string/number */
static const char *skip_ws(const char *p) { while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++; return p; }
static const char *parse_string(const char *p, B *out) {
    if (*p != '"') return NULL;
    p++;
    while (*p && *p != '"') {
        if (*p == '\\') {
            p++;
            char c = *p++;
            switch (c) {
            case 'n': badds(out, "\n"); break; case 't': badds(out, "\t"); break; case 'r': badds(out, "\r"); break;
            case 'b': badds(out, "\b"); break; case 'f': badds(out, "\f"); break;
            case 'u': {
                unsigned v = 0;
                for (int k = 0; k < 4; k++) { char h = *p++; v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10); }
                if (v >= 0xD800 && v < 0xDC00 && p[0] == '\\' && p[1] == 'u') {
                    unsigned lo = 0; p += 2;
                    for (int k = 0; k < 4; k++) { char h = *p++; lo = lo * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10); }
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                }
                char u[4]; size_t n;
                if (v < 0x80) { u[0] = (char)v; n = 1; }
                else if (v < 0x800) { u[0] = (char)(0xC0 | v >> 6); u[1] = (char)(0x80 | (v & 63)); n = 2; }
                else if (v < 0x10000) { u[0] = (char)(0xE0 | v >> 12); u[1] = (char)(0x80 | ((v >> 6) & 63)); u[2] = (char)(0x80 | (v & 63)); n = 3; }
                else { u[0] = (char)(0xF0 | v >> 18); u[1] = (char)(0x80 | ((v >> 12) & 63)); u[2] = (char)(0x80 | ((v >> 6) & 63)); u[3] = (char)(0x80 | (v & 63)); n = 4; }
                badd(out, u, n);
                break;
            }
            default: badd(out, &c, 1);
            }
            continue;
        }
        badd(out, p, 1);
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}
/* find "key": at any depth (keys are unique enough in tool results) */
static const char *find_key(const char *json, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = json;
    int in_str = 0;
    for (; *p; p++) {
        if (in_str) { if (*p == '\\') { p++; continue; } if (*p == '"') in_str = 0; continue; }
        if (*p == '"') {
            if (!strncmp(p, pat, strlen(pat))) {
                const char *q = skip_ws(p + strlen(pat));
                if (*q == ':') return skip_ws(q + 1);
            }
            in_str = 1;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s CASES corral CORRAL WASM | CASES native BIN\n", argv[0]); return 2; }
    int native = !strcmp(argv[2], "native");
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 2; }
    B all = {0};
    char tmp[65536]; size_t r;
    while ((r = fread(tmp, 1, sizeof tmp, f)) > 0) badd(&all, tmp, r);
    fclose(f);
    const char *only = getenv("CASE");
    int pass = 0, fail = 0, skip = 0, num = 0;
    char *p = all.s;
    while (p && (p = strstr(p, "### ")) && (p == all.s || p[-1] == '\n')) {
        char *nl = strchr(p, '\n');
        if (!nl) break;
        char *name = strndup(p + 4, (size_t)(nl - p - 4));
        char *script = nl + 1;
        char *so = strstr(script, "\n--- stdout\n");
        char *ex = so ? strstr(so + 1, "\n--- exit ") : NULL;
        if (!so && !strncmp(script, "--- stdout\n", 11)) { so = script - 1; ex = strstr(script, "\n--- exit "); }
        num++;
        if (!so || !ex) { printf("FAIL %d - %s: malformed case\n", num, name); fail++; p = nl; free(name); continue; }
        B sc = {0}; badd(&sc, script, (size_t)(so + 1 - script));
        B expect = {0}; badd(&expect, so + 12, (size_t)(ex + 1 - (so + 12)));
        if (so + 12 > ex + 1) { expect.len = 0; badds(&expect, ""); expect.len = 0; }
        int want = atoi(ex + 10);
        char *next = strchr(ex + 1, '\n');
        p = next ? next + 1 : NULL;
        if (only && !strstr(name, only)) { free(name); free(sc.s); free(expect.s); num--; continue; }
        if (!sc.s) badds(&sc, "");
        char dir[] = "/tmp/e2e_bash_XXXXXX";
        if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
        B out = {0}; badds(&out, "");
        int code;
        B got = {0}; badds(&got, "");
        char msg[512] = "";
        if (native) {
            char *av[] = { argv[3], dir, NULL };
            code = run(av, sc.s, sc.len, &out);
            badd(&got, out.s, out.len);
        } else {
            B in = {0};
            badds(&in, "{\"command\": ");
            json_str(&in, sc.s, sc.len);
            badds(&in, "}");
            char *av[] = { argv[3], "run", "--work-dir", dir, argv[4], NULL };
            run(av, in.s, in.len, &out);
            free(in.s);
            const char *c = find_key(out.s, "content");
            const char *ec = find_key(out.s, "exit_code");
            const char *sb = find_key(out.s, "stdout_bytes");
            B content = {0}; badds(&content, "");
            if (!c || !ec || !sb || !parse_string(c, &content)) {
                snprintf(msg, sizeof msg, "bad result: %.300s", out.s);
                code = -1;
            } else {
                code = atoi(ec);
                size_t n = (size_t)atol(sb);
                if (n > content.len) n = content.len;
                badd(&got, content.s, n);
            }
            free(content.s);
        }
        int ok = !msg[0] && code == want && got.len == expect.len && !memcmp(got.s, expect.s ? expect.s : "", got.len);
        if (ok) { printf("ok %d - %s\n", num, name); pass++; }
        else {
            fail++;
            if (!msg[0]) {
                if (code != want) snprintf(msg, sizeof msg, "exit %d, expected %d; ", code, want);
                if (got.len != expect.len || memcmp(got.s, expect.s ? expect.s : "", got.len)) {
                    size_t l = strlen(msg);
                    snprintf(msg + l, sizeof msg - l, "stdout [%.180s] expected [%.180s]", got.s, expect.s ? expect.s : "");
                }
            }
            printf("FAIL %d - %s: %s\n", num, name, msg);
        }
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd)) {}
        free(name); free(sc.s); free(expect.s); free(out.s); free(got.s);
    }
    printf("e2e_bash: %d passed, %d failed, %d skipped\n", pass, fail, skip);
    return fail ? 1 : 0;
}

/*
 * gen_huge_module.c - writes a large valid module to stdout, for the
 * "loading a huge module" row of tests/e2e_stops.sh: NFUNCS functions of
 * type [] -> [], each a body of NOPS (i32.const 1, drop) pairs, and an
 * exported _start that returns at once.  Decoding, validating and
 * lowering it takes seconds, so --timeout must stop the load itself.
 *
 *   cc -o gen tests/gen_huge_module.c && ./gen NFUNCS NOPS > huge.wasm
 */
#include <stdio.h>
#include <stdlib.h>

static void uleb(FILE *f, unsigned long v)
{
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        fputc(v ? b | 0x80 : b, f);
    } while (v);
}

static unsigned long uleb_len(unsigned long v)
{
    unsigned long n = 1;
    while (v >>= 7)
        n++;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s NFUNCS NOPS\n", argv[0]);
        return 2;
    }
    unsigned long nf = strtoul(argv[1], NULL, 10), nops = strtoul(argv[2], NULL, 10);
    if (nf == 0 || nops == 0) {
        fprintf(stderr, "gen_huge_module: NFUNCS and NOPS must be positive\n");
        return 2;
    }
    FILE *f = stdout;
    fwrite("\0asm\1\0\0\0", 1, 8, f);
    /* type section: one type, [] -> [] */
    fwrite("\x01\x04\x01\x60\x00\x00", 1, 6, f);
    /* function section: nf functions of type 0 */
    fputc(3, f);
    uleb(f, uleb_len(nf) + nf);
    uleb(f, nf);
    for (unsigned long i = 0; i < nf; i++)
        fputc(0, f);
    /* export section: "_start" = function 0 */
    fwrite("\x07\x0a\x01\x06_start\x00\x00", 1, 12, f);
    /* code section: function 0 is empty, the rest NOPS pairs each */
    unsigned long body = 1 + 3 * nops + 1; /* no locals, pairs, end */
    unsigned long entry = uleb_len(body) + body;
    unsigned long size = uleb_len(nf) + 3 + (nf - 1) * entry;
    fputc(10, f);
    uleb(f, size);
    uleb(f, nf);
    fwrite("\x02\x00\x0b", 1, 3, f);
    for (unsigned long i = 1; i < nf; i++) {
        uleb(f, body);
        fputc(0, f);
        for (unsigned long k = 0; k < nops; k++)
            fwrite("\x41\x01\x1a", 1, 3, f);
        fputc(0x0b, f);
    }
    return fflush(f) == 0 ? 0 : 1;
}

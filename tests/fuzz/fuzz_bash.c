/*
 * fuzz_bash.c - target (e): the bash tool's parser (tools/bash/parse.c)
 * and brace expansion (brace.c), compiled natively.
 *
 * Input: a script.  Invariants: sh_parse returns a tree or an error
 * message, never both or neither; brace expansion of each short line gives
 * a result, "as is" or "too many", with every word a string.  No crash,
 * no hang, no out-of-bounds access (ASan).
 *
 * The parse tree is never freed by the tool (it runs one script and
 * exits), so LeakSanitizer is told to ignore what sh_parse allocates.
 */
#include "fuzz.h"

#include "sh.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_LSAN 1
#endif
#ifdef FUZZ_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define BRACE_LINE_MAX 48 /* longer lines could expand to BRACE_MAX words */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char base;
    /* the parser's recursion guard measures from the first call's frame
     * (every call comes from the same depth) */
    sh_stack_init(&base);
    char *src = malloc(size + 1);
    if (!src)
        fuzz_fail("out of memory");
    memcpy(src, data, size);
    src[size] = 0;
    char *err = NULL;
#ifdef FUZZ_LSAN
    __lsan_disable();
#endif
    Node *n = sh_parse(src, &err);
#ifdef FUZZ_LSAN
    __lsan_enable();
#endif
    if ((n == NULL) == (err == NULL))
        fuzz_fail("sh_parse: a tree and an error, or neither");
    free(err);

    for (char *line = src; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        if (strlen(line) <= BRACE_LINE_MAX) {
            char **words = NULL;
            int nw = 0;
            int r = brace_expand(line, &words, &nw);
            if (r < -1 || r > 1)
                fuzz_fail("brace_expand returned %d", r);
            if (r == 1) {
                for (int i = 0; i < nw; i++)
                    if (!words[i])
                        fuzz_fail("brace_expand: word %d of %d is NULL", i, nw);
                free_strv(words, nw);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(src);
    return 0;
}

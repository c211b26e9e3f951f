/*
 * curl_dl.c - libcurl, loaded on first use (see curl_dl.h).
 *
 * One pthread_once does all of it: dlopen, dlsym of every function of
 * NET_CURL_FUNCTIONS, and curl_global_init, which libcurl requires before
 * any other call and which is not thread-safe itself.  The result is kept
 * for the life of the process: the library is never closed and the global
 * state never undone (curl_global_cleanup at exit would race with other
 * users of libcurl in an embedding process).  This is the one piece of
 * global state net/ has (docs/design.md, "Layers", allows no other).
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_dl.h"

/* Each pointer of the table has the type of libcurl's own prototype: the
 * comparison below does not compile otherwise (sizeof: nothing is
 * evaluated, so nothing refers to libcurl's symbols at link time). */
#define X(R, NAME, P) \
    _Static_assert(sizeof(((net_curl_api *)0)->NAME == &curl_##NAME) > 0, "curl_" #NAME);
NET_CURL_FUNCTIONS(X)
#undef X

int net_curl_open(const char *soname, net_curl_api *api, char *why, size_t cap)
{
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *e = dlerror();
        snprintf(why, cap, "%s could not be loaded: %s", soname, e != NULL ? e : "unknown error");
        return -1;
    }
    memset(api, 0, sizeof *api);
    void *sym;
    /* dlsym returns an object pointer; POSIX guarantees it converts to the
     * function pointer (copied, since ISO C has no such conversion). */
#define X(R, NAME, P)                                                                  \
    dlerror();                                                                         \
    sym = dlsym(lib, "curl_" #NAME);                                                   \
    if (sym == NULL) {                                                                 \
        const char *e = dlerror();                                                     \
        snprintf(why, cap, "%s could not be loaded: %s", soname,                       \
                 e != NULL ? e : "no symbol curl_" #NAME);                             \
        dlclose(lib);                                                                  \
        return -1;                                                                     \
    }                                                                                  \
    memcpy(&api->NAME, &sym, sizeof sym);
    NET_CURL_FUNCTIONS(X)
#undef X
    return 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static net_curl_api table;
static int loaded; /* 1: table is usable */
static char load_error[512];

static void load(void)
{
    const char *soname = getenv("CORRAL_LIBCURL");
    if (soname == NULL || soname[0] == '\0')
        soname = NET_CURL_SONAME;
    if (net_curl_open(soname, &table, load_error, sizeof load_error) != 0)
        return;
    CURLcode rc = table.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "%s failed to initialise: %s", soname,
                 table.easy_strerror(rc));
        return;
    }
    loaded = 1;
}

const net_curl_api *net_curl(char *why, size_t cap)
{
    pthread_once(&once, load);
    if (!loaded) {
        snprintf(why, cap, "%s", load_error);
        return NULL;
    }
    return &table;
}

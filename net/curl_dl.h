/*
 * curl_dl.h - libcurl, loaded on first use.
 *
 * corral does not link libcurl: a run that never makes an HTTP request
 * maps none of it (nor OpenSSL, GnuTLS, Kerberos, LDAP, ... that it pulls
 * in).  The first request loads it with dlopen of its soname and resolves
 * the functions http.c calls into a table; <curl/curl.h> is used for types
 * and constants only.  The soname is NET_CURL_SONAME, or the value of the
 * environment variable CORRAL_LIBCURL when it is set and not empty (a
 * differently named libcurl, say Debian's libcurl-gnutls.so.4).
 *
 * Prefix: net_curl.  Depends on: libcurl's headers, the dynamic loader.
 */
#ifndef NET_CURL_DL_H
#define NET_CURL_DL_H

#include <stddef.h>

#include <curl/curl.h>

#define NET_CURL_SONAME "libcurl.so.4"

/* X(RESULT, NAME, PARAMETERS): the function curl_NAME, every one that
 * http.c calls (curl_multi_poll, the newest, is libcurl 7.66). */
#define NET_CURL_FUNCTIONS(X)                                                  \
    X(CURLcode, global_init, (long flags))                                     \
    X(const char *, easy_strerror, (CURLcode code))                            \
    X(CURL *, easy_init, (void))                                               \
    X(CURLcode, easy_setopt, (CURL *e, CURLoption option, ...))                \
    X(CURLcode, easy_getinfo, (CURL *e, CURLINFO info, ...))                   \
    X(void, easy_cleanup, (CURL *e))                                           \
    X(CURLM *, multi_init, (void))                                             \
    X(CURLMcode, multi_add_handle, (CURLM *m, CURL *e))                        \
    X(CURLMcode, multi_remove_handle, (CURLM *m, CURL *e))                     \
    X(CURLMcode, multi_perform, (CURLM *m, int *running))                      \
    X(CURLMcode, multi_poll,                                                   \
      (CURLM *m, struct curl_waitfd extra[], unsigned int n, int timeout_ms,   \
       int *numfds))                                                           \
    X(CURLMsg *, multi_info_read, (CURLM *m, int *left))                       \
    X(CURLMcode, multi_cleanup, (CURLM *m))                                    \
    X(struct curl_slist *, slist_append, (struct curl_slist *l, const char *s)) \
    X(void, slist_free_all, (struct curl_slist *l))

typedef struct {
#define X(R, NAME, P) R(*NAME) P;
    NET_CURL_FUNCTIONS(X)
#undef X
} net_curl_api;

/* The table, loaded and curl_global_init'ed by the first call in the
 * process (thread-safe; never unloaded).  NULL when that failed, with the
 * reason in why ("libcurl.so.4 could not be loaded: ..."); every later
 * call gives the same answer. */
const net_curl_api *net_curl(char *why, size_t cap);

/* The loading itself, for tests: open soname and fill *api (no global
 * initialisation).  0, or -1 with the reason in why. */
int net_curl_open(const char *soname, net_curl_api *api, char *why, size_t cap);

#endif

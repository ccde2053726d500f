#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/crypto.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic; Swift calls these fixed-arity forms. */
static inline CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_write(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode ccurl_setopt_header(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

/* curl_share_setopt is variadic too: KubeClient shares DNS and TLS sessions between its easy handles. */
static inline CURLSHcode ccurl_share_setopt_data(CURLSH *s, CURLSHoption o, curl_lock_data d) {
    return curl_share_setopt(s, o, (int)d);
}
static inline CURLSHcode ccurl_share_setopt_pointer(CURLSH *s, CURLSHoption o, void *v) { return curl_share_setopt(s, o, v); }
static inline CURLSHcode ccurl_share_setopt_lock(CURLSH *s, curl_lock_function f) {
    return curl_share_setopt(s, CURLSHOPT_LOCKFUNC, f);
}
static inline CURLSHcode ccurl_share_setopt_unlock(CURLSH *s, curl_unlock_function f) {
    return curl_share_setopt(s, CURLSHOPT_UNLOCKFUNC, f);
}
/* curl_multi_setopt is variadic: KubeClient drives its transfers through one multi handle (HTTP/2 multiplexing). */
static inline CURLMcode ccurl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
/* CURLMsg's result lives in a union. */
static inline CURLcode ccurl_msg_result(const CURLMsg *m) { return m->data.result; }
/* Before libcurl (and through it OpenSSL) initializes: no OpenSSL teardown in an atexit handler. A thread may still
   be inside a transfer when the process exits (the image pre-puller's thread is detached, not joined, when a stop
   finds it in a round), and OPENSSL_cleanup freeing what that thread uses crashed the supervisor at exit
   (OPENSSL_init_crypto(3), OPENSSL_INIT_NO_ATEXIT). The memory goes with the process. */
static inline int ccurl_openssl_no_atexit(void) { return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL); }
/* CURLVERSION_NOW is a macro Swift does not import. */
static inline curl_version_info_data *ccurl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }
#endif

/*
 * libcurl through lib/dl: HTTP_GET / SSL_GET in the check process and
 * genhash open it on their first transfer; the parent and the vrrp
 * process never map it (nor GnuTLS, Kerberos, LDAP, ... that it pulls).
 *
 * The three variadic functions take one argument whose type the option
 * number says (curl's own CURLOPTTYPE_* ranges), so it is read with that
 * type and passed on with it.  CURL_DISABLE_TYPECHECK: curl's header
 * otherwise turns curl_easy_setopt into a checking macro, which would
 * rename the definitions below.
 */
#define CURL_DISABLE_TYPECHECK 1
#include <stdarg.h>
#include <curl/curl.h>

#include "lib/dl.h"

#define F(name) __typeof__(name) *name
static struct {
	F(curl_global_init);
	F(curl_easy_init);
	F(curl_easy_cleanup);
	F(curl_easy_reset);
	F(curl_easy_perform);
	F(curl_easy_setopt);
	F(curl_easy_getinfo);
	F(curl_easy_strerror);
	F(curl_multi_init);
	F(curl_multi_setopt);
	F(curl_multi_add_handle);
	F(curl_multi_remove_handle);
	F(curl_multi_assign);
	F(curl_multi_info_read);
	F(curl_multi_socket_action);
	F(curl_slist_append);
	F(curl_slist_free_all);
} fn;
#undef F

#define S(name) { #name, (void **)&fn.name }
static const struct dl_sym syms[] = {
	S(curl_global_init), S(curl_easy_init), S(curl_easy_cleanup),
	S(curl_easy_reset), S(curl_easy_perform), S(curl_easy_setopt),
	S(curl_easy_getinfo), S(curl_easy_strerror), S(curl_multi_init),
	S(curl_multi_setopt), S(curl_multi_add_handle),
	S(curl_multi_remove_handle), S(curl_multi_assign),
	S(curl_multi_info_read), S(curl_multi_socket_action),
	S(curl_slist_append), S(curl_slist_free_all), { NULL, NULL }
};
#undef S

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_CURL,
	.package = "libcurl4",
	.feature = "HTTP_GET / SSL_GET (and genhash)",
	.syms = syms,
};

#define CALL(name) (dl_need(&lib), fn.name)

CURLcode curl_global_init(long flags)
{
	return CALL(curl_global_init)(flags);
}

CURL *curl_easy_init(void)
{
	return CALL(curl_easy_init)();
}

void curl_easy_cleanup(CURL *curl)
{
	CALL(curl_easy_cleanup)(curl);
}

void curl_easy_reset(CURL *curl)
{
	CALL(curl_easy_reset)(curl);
}

CURLcode curl_easy_perform(CURL *curl)
{
	return CALL(curl_easy_perform)(curl);
}

const char *curl_easy_strerror(CURLcode code)
{
	return CALL(curl_easy_strerror)(code);
}

/* An option's type is its range: CURLOPTTYPE_LONG (0), OBJECTPOINT
 * (10000), FUNCTIONPOINT (20000), OFF_T (30000), BLOB (40000, a
 * pointer).  CURLMoption uses the same bases. */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	CURLcode r;

	dl_need(&lib);
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		r = fn.curl_easy_setopt(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		r = fn.curl_easy_setopt(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		r = fn.curl_easy_setopt(curl, option,
					va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)
		r = fn.curl_easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else
		r = fn.curl_easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	return r;
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	va_list ap;
	void *out;

	dl_need(&lib);
	va_start(ap, info);
	out = va_arg(ap, void *);
	va_end(ap);
	return fn.curl_easy_getinfo(curl, info, out);
}

CURLM *curl_multi_init(void)
{
	return CALL(curl_multi_init)();
}

CURLMcode curl_multi_setopt(CURLM *multi, CURLMoption option, ...)
{
	va_list ap;
	CURLMcode r;

	dl_need(&lib);
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		r = fn.curl_multi_setopt(multi, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		r = fn.curl_multi_setopt(multi, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		r = fn.curl_multi_setopt(multi, option,
					 va_arg(ap, void (*)(void)));
	else
		r = fn.curl_multi_setopt(multi, option,
					 va_arg(ap, curl_off_t));
	va_end(ap);
	return r;
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy)
{
	return CALL(curl_multi_add_handle)(multi, easy);
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
	return CALL(curl_multi_remove_handle)(multi, easy);
}

CURLMcode curl_multi_assign(CURLM *multi, curl_socket_t fd, void *p)
{
	return CALL(curl_multi_assign)(multi, fd, p);
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *left)
{
	return CALL(curl_multi_info_read)(multi, left);
}

CURLMcode curl_multi_socket_action(CURLM *multi, curl_socket_t fd,
				   int ev_bitmask, int *running)
{
	return CALL(curl_multi_socket_action)(multi, fd, ev_bitmask, running);
}

struct curl_slist *curl_slist_append(struct curl_slist *list,
				     const char *data)
{
	return CALL(curl_slist_append)(list, data);
}

void curl_slist_free_all(struct curl_slist *list)
{
	CALL(curl_slist_free_all)(list);
}

/*
 * The optional-library loader and its shims: a shim opens its library on
 * the first call and forwards (digests and HMAC with known answers; a curl
 * transfer of a local file through options of each type, long, pointer,
 * function and curl_off_t, and a getinfo); a missing library or symbol
 * gives a message naming the feature, the soname and the Debian package;
 * dl_need ends the process with status 1 and that message.
 */
#define CURL_DISABLE_TYPECHECK 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lib/dl.h"

static void hex(const unsigned char *b, unsigned int n, char *out)
{
	for (unsigned int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void test_crypto_shim(void **state)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char h[2 * EVP_MAX_MD_SIZE + 1];
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	(void)state;
	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, EVP_md5(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, "abc", 3), 1);
	assert_int_equal(EVP_DigestFinal_ex(c, md, &n), 1);
	EVP_MD_CTX_free(c);
	hex(md, n, h);
	assert_string_equal(h, "900150983cd24fb0d6963f7d28e17f72");
	/* RFC 2202, HMAC-MD5 test case 2 */
	assert_non_null(HMAC(EVP_md5(), "Jefe", 4,
			     (const unsigned char *)"what do ya want for nothing?",
			     28, md, &n));
	hex(md, n, h);
	assert_string_equal(h, "750c783e6ab0b503eaa86e310a5db738");
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	size_t *got = ud;

	(void)p;
	*got += size * n;
	return size * n;
}

static void test_curl_shim(void **state)
{
	char path[] = "/tmp/test_dl.XXXXXX", url[64];
	size_t got = 0;
	curl_off_t dl = 0;
	int fd = mkstemp(path);
	CURL *c;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	snprintf(url, sizeof(url), "file://%s", path);
	assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	assert_non_null(c = curl_easy_init());
	assert_int_equal(curl_easy_setopt(c, CURLOPT_URL, url), CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body),
			 CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEDATA, &got),
			 CURLE_OK);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	assert_int_equal(got, 10);
	assert_int_equal(curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &dl),
			 CURLE_OK);
	assert_int_equal(dl, 10);
	/* resumed at byte 4: the curl_off_t got through */
	assert_int_equal(curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE,
					  (curl_off_t)4), CURLE_OK);
	got = 0;
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	assert_int_equal(got, 6);
	assert_non_null(strstr(curl_easy_strerror(CURLE_FILESIZE_EXCEEDED),
			       "size"));
	curl_easy_cleanup(c);
	unlink(path);
}

static void *sym;
static const struct dl_sym absent_syms[] = { { "no_such_function", &sym },
					     { NULL, NULL } };

static void test_missing_library(void **state)
{
	struct dl_lib l = { .soname = "libtandem-absent.so.7",
			    .package = "tandem-absent7",
			    .feature = "the absent feature",
			    .syms = absent_syms };

	(void)state;
	assert_int_equal(dl_load(&l), -1);
	assert_null(l.handle);
	assert_non_null(strstr(l.error, "the absent feature"));
	assert_non_null(strstr(l.error, "libtandem-absent.so.7"));
	assert_non_null(strstr(l.error, "apt-get install tandem-absent7"));
}

static void test_missing_symbol(void **state)
{
	struct dl_lib l = { .soname = TANDEM_SONAME_CRYPTO,
			    .package = "libssl3", .feature = "X",
			    .syms = absent_syms };

	(void)state;
	assert_int_equal(dl_load(&l), -1);
	assert_null(l.handle);
	assert_non_null(strstr(l.error, "no_such_function"));
	assert_non_null(strstr(l.error, TANDEM_SONAME_CRYPTO));
}

static void test_need_exits(void **state)
{
	struct dl_lib l = { .soname = "libtandem-absent.so.7",
			    .package = "tandem-absent7", .feature = "X",
			    .syms = absent_syms };
	int st = 0;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dl_need(&l);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_shim),
		cmocka_unit_test(test_curl_shim),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol),
		cmocka_unit_test(test_need_exits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * libcrypto through lib/dl: the MD5 of HTTP_GET digests and genhash, and
 * the HMAC-MD5 of VRRPv2 AH authentication.  Only a process that digests
 * a body or signs an advert opens it (curl, when loaded, brings its own
 * copy in through libssl; dlopen then finds it already mapped).
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lib/dl.h"

#define F(name) __typeof__(name) *name
static struct {
	F(EVP_md5);
	F(EVP_MD_CTX_new);
	F(EVP_MD_CTX_free);
	F(EVP_DigestInit_ex);
	F(EVP_DigestUpdate);
	F(EVP_DigestFinal_ex);
	F(HMAC);
	F(CRYPTO_memcmp);
} fn;
#undef F

#define S(name) { #name, (void **)&fn.name }
static const struct dl_sym syms[] = {
	S(EVP_md5), S(EVP_MD_CTX_new), S(EVP_MD_CTX_free),
	S(EVP_DigestInit_ex), S(EVP_DigestUpdate), S(EVP_DigestFinal_ex),
	S(HMAC), S(CRYPTO_memcmp), { NULL, NULL }
};
#undef S

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_CRYPTO,
	.package = "libssl3",
	.feature = "MD5 digests (HTTP_GET digest, genhash) and VRRP AH",
	.syms = syms,
};

#define CALL(name) (dl_need(&lib), fn.name)

const EVP_MD *EVP_md5(void)
{
	return CALL(EVP_md5)();
}

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	return CALL(EVP_MD_CTX_new)();
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	CALL(EVP_MD_CTX_free)(ctx);
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	return CALL(EVP_DigestInit_ex)(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	return CALL(EVP_DigestUpdate)(ctx, d, cnt);
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	return CALL(EVP_DigestFinal_ex)(ctx, md, s);
}

unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
		    const unsigned char *data, size_t data_len,
		    unsigned char *md, unsigned int *md_len)
{
	return CALL(HMAC)(evp_md, key, key_len, data, data_len, md, md_len);
}

int CRYPTO_memcmp(const void *a, const void *b, size_t len)
{
	return CALL(CRYPTO_memcmp)(a, b, len);
}

/*
 * libssl through lib/dl: SSL_GET's quiet TLS shutdown, set from curl's
 * SSL_CTX callback.  curl has libssl mapped by then, so this dlopen only
 * finds it; the process that never runs SSL_GET never opens either.
 */
#include <openssl/ssl.h>

#include "lib/dl.h"

static struct {
	__typeof__(SSL_CTX_set_quiet_shutdown) *SSL_CTX_set_quiet_shutdown;
} fn;

static const struct dl_sym syms[] = {
	{ "SSL_CTX_set_quiet_shutdown", (void **)&fn.SSL_CTX_set_quiet_shutdown },
	{ NULL, NULL }
};

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_SSL,
	.package = "libssl3",
	.feature = "SSL_GET",
	.syms = syms,
};

void SSL_CTX_set_quiet_shutdown(SSL_CTX *ctx, int mode)
{
	dl_need(&lib);
	fn.SSL_CTX_set_quiet_shutdown(ctx, mode);
}

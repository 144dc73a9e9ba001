/*
 * libnftables through lib/dl: the no_accept / vrrp_strict table of the
 * vrrp process, when the config asks for nftables.  A config without it
 * never maps libnftables, libnftnl, libjansson, libxtables...
 */
#include <stdint.h>
#include <nftables/libnftables.h>

#include "lib/dl.h"

#define F(name) __typeof__(name) *name
static struct {
	F(nft_ctx_new);
	F(nft_ctx_free);
	F(nft_ctx_buffer_output);
	F(nft_ctx_buffer_error);
	F(nft_ctx_get_error_buffer);
	F(nft_run_cmd_from_buffer);
} fn;
#undef F

#define S(name) { #name, (void **)&fn.name }
static const struct dl_sym syms[] = {
	S(nft_ctx_new), S(nft_ctx_free), S(nft_ctx_buffer_output),
	S(nft_ctx_buffer_error), S(nft_ctx_get_error_buffer),
	S(nft_run_cmd_from_buffer), { NULL, NULL }
};
#undef S

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_NFT,
	.package = "libnftables1",
	.feature = "no_accept / vrrp_strict through nftables",
	.syms = syms,
};

#define CALL(name) (dl_need(&lib), fn.name)

struct nft_ctx *nft_ctx_new(uint32_t flags)
{
	return CALL(nft_ctx_new)(flags);
}

void nft_ctx_free(struct nft_ctx *ctx)
{
	CALL(nft_ctx_free)(ctx);
}

int nft_ctx_buffer_output(struct nft_ctx *ctx)
{
	return CALL(nft_ctx_buffer_output)(ctx);
}

int nft_ctx_buffer_error(struct nft_ctx *ctx)
{
	return CALL(nft_ctx_buffer_error)(ctx);
}

const char *nft_ctx_get_error_buffer(struct nft_ctx *ctx)
{
	return CALL(nft_ctx_get_error_buffer)(ctx);
}

int nft_run_cmd_from_buffer(struct nft_ctx *nft, const char *buf)
{
	return CALL(nft_run_cmd_from_buffer)(nft, buf);
}

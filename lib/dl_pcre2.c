/*
 * libpcre2-8 through lib/dl: the regex of HTTP_GET urls, compiled where
 * the config is applied and matched in the check process.  A config
 * without a regex never opens it.  pcre2.h maps each name to its
 * _8-suffixed symbol, so the names below are expanded before they are
 * made strings.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lib/dl.h"

#define F(name) __typeof__(name) *name
static struct {
	F(pcre2_compile);
	F(pcre2_code_free);
	F(pcre2_get_error_message);
	F(pcre2_match);
	F(pcre2_match_context_create);
	F(pcre2_match_context_free);
	F(pcre2_match_data_create_from_pattern);
	F(pcre2_match_data_free);
	F(pcre2_set_offset_limit);
} fn;
#undef F

#define NAME(sym) #sym
#define S(name) { NAME(name), (void **)&fn.name }
static const struct dl_sym syms[] = {
	S(pcre2_compile), S(pcre2_code_free), S(pcre2_get_error_message),
	S(pcre2_match), S(pcre2_match_context_create),
	S(pcre2_match_context_free), S(pcre2_match_data_create_from_pattern),
	S(pcre2_match_data_free), S(pcre2_set_offset_limit), { NULL, NULL }
};
#undef S

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_PCRE2,
	.package = "libpcre2-8-0",
	.feature = "HTTP_GET regex",
	.syms = syms,
};

#define CALL(name) (dl_need(&lib), fn.name)

pcre2_code *pcre2_compile(PCRE2_SPTR pattern, PCRE2_SIZE len,
			  uint32_t options, int *err, PCRE2_SIZE *off,
			  pcre2_compile_context *cc)
{
	return CALL(pcre2_compile)(pattern, len, options, err, off, cc);
}

void pcre2_code_free(pcre2_code *code)
{
	CALL(pcre2_code_free)(code);
}

int pcre2_get_error_message(int err, PCRE2_UCHAR *buf, PCRE2_SIZE size)
{
	return CALL(pcre2_get_error_message)(err, buf, size);
}

int pcre2_match(const pcre2_code *code, PCRE2_SPTR subject,
		PCRE2_SIZE len, PCRE2_SIZE start, uint32_t options,
		pcre2_match_data *md, pcre2_match_context *mc)
{
	return CALL(pcre2_match)(code, subject, len, start, options, md, mc);
}

pcre2_match_context *pcre2_match_context_create(pcre2_general_context *gc)
{
	return CALL(pcre2_match_context_create)(gc);
}

void pcre2_match_context_free(pcre2_match_context *mc)
{
	CALL(pcre2_match_context_free)(mc);
}

pcre2_match_data *pcre2_match_data_create_from_pattern(const pcre2_code *code,
						       pcre2_general_context *gc)
{
	return CALL(pcre2_match_data_create_from_pattern)(code, gc);
}

void pcre2_match_data_free(pcre2_match_data *md)
{
	CALL(pcre2_match_data_free)(md);
}

int pcre2_set_offset_limit(pcre2_match_context *mc, PCRE2_SIZE limit)
{
	return CALL(pcre2_set_offset_limit)(mc, limit);
}

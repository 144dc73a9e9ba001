/*
 * Internal to vrrp_conf_route.c and vrrp_conf_rule.c: walking the words
 * of an `ip route` / `ip rule` line, and the values both syntaxes share
 * (numbers, tables, prefixes, addresses, interface names), each reporting
 * a located error that names the word.
 */
#ifndef TANDEM_VRRP_CONF_WORDS_H
#define TANDEM_VRRP_CONF_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/conf.h"

/* The words of a line: the keyword position first, then the arguments;
 * i is the word being read. */
struct cw_words {
	const struct conf_node *n;
	size_t i, len;
};

const char *cw_word(const struct cw_words *w, size_t i);
/* The word after w->i (w->i moves on to it), or NULL after an error. */
const char *cw_value(struct conf_ctx *c, struct cw_words *w);
/* A 32-bit number, decimal or 0x hex; 0 or -1. */
int cw_u32(const char *s, uint32_t *out);
/* The value after w->i as a number 0..MAX; 0 or -1 (reported). */
int cw_num(struct conf_ctx *c, struct cw_words *w, uint32_t max,
	   uint32_t *out);
/* The value after w->i as a routing table (number or name). */
int cw_table(struct conf_ctx *c, struct cw_words *w, uint32_t *out);
/* ADDR[/PREFIX] (ANY: "default" / "all" too, leaving *FAM alone) of the
 * family *FAM (AF_UNSPEC: any, then set); WHAT names it in errors. */
int cw_prefix(struct conf_ctx *c, const struct conf_node *n,
	      const char *what, const char *s, bool any, sa_family_t *fam,
	      uint8_t *addr, uint8_t *plen);
/* An address without a prefix, same rules. */
int cw_host(struct conf_ctx *c, const struct conf_node *n, const char *what,
	    const char *s, sa_family_t *fam, uint8_t *addr);
/* An interface name after keyword K. */
int cw_ifname(struct conf_ctx *c, const struct conf_node *n, const char *k,
	      const char *v);

#endif

/*
 * Encoding and decoding of the IPVS generic netlink attributes.
 *
 * Kept apart from the socket code so it can be unit-tested without a
 * kernel: a service or destination written into an nl_msg by the put
 * functions reads back identical through the parse functions.  Everything
 * goes through libnl's nla_* API and policies; nothing here walks raw
 * netlink bytes.  Functions return 0 or a negative errno (-EMSGSIZE when a
 * message is full, -EBADMSG when a reply does not parse).
 */
#ifndef TANDEM_IPVS_MSG_H
#define TANDEM_IPVS_MSG_H

#include <netlink/msg.h>
#include <netlink/attr.h>

#include "ipvs/ipvs_types.h"

/* "full" adds the settings (scheduler, flags, weight...) to the key
 * attributes that identify the entry. */
int ipvs_msg_put_service(struct nl_msg *m, const struct ipvs_service *s, bool full);
int ipvs_msg_put_dest(struct nl_msg *m, const struct ipvs_dest *d, int svc_af, bool full);
int ipvs_msg_put_daemon(struct nl_msg *m, const struct ipvs_daemon *dm, bool full);
int ipvs_msg_put_timeouts(struct nl_msg *m, const struct ipvs_timeouts *t);

/* Split a received IPVS message into its top-level attributes
 * (tb[IPVS_CMD_ATTR_MAX + 1]). */
int ipvs_msg_parse(struct nl_msg *m, struct nlattr **tb);
/* Parse an IPVS_CMD_ATTR_* nest. */
int ipvs_msg_parse_service(struct nlattr *nest, struct ipvs_service *s);
int ipvs_msg_parse_dest(struct nlattr *nest, int svc_af, struct ipvs_dest *d);
int ipvs_msg_parse_daemon(struct nlattr *nest, struct ipvs_daemon *dm);
void ipvs_msg_parse_timeouts(struct nlattr **tb, struct ipvs_timeouts *t);

#endif

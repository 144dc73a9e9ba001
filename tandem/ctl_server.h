/*
 * The control socket, served by the parent (see doc/tandem-control.7).
 * parent.c starts it, moves it when a reload changes control_socket or
 * control_socket_group, and stops it last.
 */
#ifndef TANDEM_CTL_SERVER_H
#define TANDEM_CTL_SERVER_H

#include <systemd/sd-event.h>

struct global_defs;

/* A path another daemon serves, or one that cannot be made, is logged
 * and tandem runs without the socket: never fatal. */
void ctl_server_start(sd_event *e, const struct global_defs *gd,
		      const char *conf_file);
void ctl_server_configure(const struct global_defs *gd);
void ctl_server_stop(void);

#endif

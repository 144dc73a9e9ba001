/*
 * tandemctl's human output: one function per kind of answer, reading the
 * result objects doc/tandem-control.7 describes.  Missing fields print
 * as "-", so an older or newer daemon still gives a readable screen.
 */
#ifndef TANDEM_CTL_CLI_H
#define TANDEM_CTL_CLI_H

struct json_object;

void cli_print_status(struct json_object *res);
void cli_print_show(struct json_object *res);
void cli_print_reload(struct json_object *res);
void cli_print_done(struct json_object *res);
void cli_print_version(struct json_object *res);
void cli_print_metrics(struct json_object *res);
/* An {"ok": false} answer, on stderr (a refused reload's errors, one
 * file:line: message each). */
void cli_print_error(struct json_object *rep);
/* One monitor event, as a line. */
void cli_print_event(struct json_object *ev);

#endif

/*
 * tandemctl: see and steer a running tandem over its control socket
 * (doc/tandemctl.8; the protocol in doc/tandem-control.7).
 *
 * Each subcommand is one line of a table: its words, how many arguments
 * it takes, how they become the request object, and how the result is
 * printed for a human (--json prints the result as the daemon sent it).
 * The program sends one request, reads one answer, and exits with what
 * the answer says: 0 ok, 1 refused or failed, 2 a usage error (nothing
 * sent), 3 no daemon to talk to.  monitor is the one stream: it reads
 * event lines until the daemon closes the connection or is interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tandem/ctl_cli.h"
#include "tandem/ctl_proto.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_NOCONN 3
#define REPLY_MAX (256 << 20)
#define REPLY_TIMEOUT_MS (120 * 1000)	/* a reload of a big file waits */

struct args {
	const char *sock;
	const char *vs;
	bool json;
	char **pos;		/* the subcommand's own words */
	int npos;
};

struct subcmd {
	const char *name;
	const char *usage;	/* arguments, for the help */
	int min, max;		/* positional arguments */
	bool takes_vs;		/* --vs VS */
	/* Fill req from the arguments; an error message, or NULL. */
	const char *(*build)(struct json_object *req, const struct args *a);
	void (*print)(struct json_object *result);
	bool stream;
	const char *help;
};

static const char *b_show(struct json_object *req, const struct args *a)
{
	const char *w = a->pos[0];

	if (strcmp(w, "vrrp") && strcmp(w, "vs") && strcmp(w, "rs") &&
	    strcmp(w, "ipvs"))
		return "show: expected vrrp, vs, rs or ipvs";
	if (!strcmp(w, "ipvs") && a->npos > 1)
		return "show ipvs: the whole table, no name";
	if (a->vs && strcmp(w, "rs"))
		return "show: --vs goes with show rs";
	json_object_object_add(req, "what", json_object_new_string(w));
	if (a->npos > 1)
		json_object_object_add(req, "name", json_object_new_string(a->pos[1]));
	return NULL;
}

static const char *b_rs(struct json_object *req, const struct args *a)
{
	json_object_object_add(req, "rs", json_object_new_string(a->pos[0]));
	return NULL;
}

static const char *b_name(struct json_object *req, const struct args *a)
{
	json_object_object_add(req, "name", json_object_new_string(a->pos[0]));
	return NULL;
}

static const struct subcmd subcmds[] = {
	{ "status", "", 0, 0, false, NULL, cli_print_status, false,
	  "each VRRP instance and each virtual service with its real servers" },
	{ "show", "vrrp|vs|rs [NAME] | ipvs", 1, 2, true, b_show, cli_print_show, false,
	  "the state of VRRP instances, virtual servers or real servers" },
	{ "reload", "", 0, 0, false, NULL, cli_print_reload, false,
	  "reload the config; prints what changed or why it was refused" },
	{ "drain", "RS", 1, 1, true, b_rs, cli_print_done, false,
	  "weight 0 for RS: no new connections, existing ones finish" },
	{ "disable", "RS", 1, 1, true, b_rs, cli_print_done, false,
	  "take RS out of service until enabled again" },
	{ "enable", "RS", 1, 1, true, b_rs, cli_print_done, false,
	  "undo drain or disable" },
	{ "poll", "RS", 1, 1, true, b_rs, cli_print_done, false,
	  "check RS now" },
	{ "demote", "INSTANCE", 1, 1, false, b_name, cli_print_done, false,
	  "hand INSTANCE over to the backup (priority 0)" },
	{ "promote", "INSTANCE", 1, 1, false, b_name, cli_print_done, false,
	  "undo demote" },
	{ "metrics", "", 0, 0, false, NULL, cli_print_metrics, false,
	  "the Prometheus text the metrics endpoint serves" },
	{ "monitor", "", 0, 0, false, NULL, NULL, true,
	  "print state changes as they happen, until interrupted" },
	{ "ping", "", 0, 0, false, NULL, cli_print_done, false,
	  "check that the daemon answers" },
	{ "version", "", 0, 0, false, NULL, cli_print_version, false,
	  "the daemon's version and pid" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tandemctl [-s|--socket PATH] [--json] COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++) {
		const struct subcmd *s = &subcmds[i];
		char words[64];

		snprintf(words, sizeof(words), "%s %s%s", s->name, s->usage,
			 s->takes_vs ? " [--vs VS]" : "");
		fprintf(f, "  %-32s %s\n", words, s->help);
	}
	fprintf(f, "\nThe socket is %s unless -s or $TANDEM_SOCKET says otherwise.\n"
		"Exit status: 0 ok, 1 refused or failed, 2 usage, 3 cannot connect.\n",
		CTL_DEFAULT_SOCKET);
}

__attribute__((format(printf, 1, 2)))
static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tandemctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(tandemctl --help lists the commands)\n", stderr);
	exit(EXIT_USAGE);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "tandemctl: socket path too long: %s\n", path);
		exit(EXIT_NOCONN);
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "tandemctl: cannot connect to %s: %s\n", path,
			strerror(errno));
		exit(EXIT_NOCONN);
	}
	return fd;
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t k = send(fd, buf, len, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fprintf(stderr, "tandemctl: cannot send the request: %s\n",
				strerror(errno));
			exit(EXIT_NOCONN);
		}
		buf += k;
		len -= (size_t)k;
	}
}

/* The next line from the daemon as JSON; NULL at the end of the stream
 * (timeout_ms < 0: wait for ever). */
static struct json_object *read_obj(int fd, struct ctl_lines *in, int timeout_ms)
{
	for (;;) {
		char *line, buf[16384];
		size_t len;
		const char *why;
		struct json_object *o;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t k;
		int r = ctl_lines_next(in, &line, &len);

		if (r < 0) {
			fprintf(stderr, "tandemctl: out of memory\n");
			exit(EXIT_REFUSED);
		}
		if (r > 0) {
			o = ctl_parse_line(line, len, &why);
			if (!o)
				fprintf(stderr, "tandemctl: bad answer from the daemon: %s\n", why);
			free(line);
			if (!o)
				exit(EXIT_REFUSED);
			return o;
		}
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "tandemctl: no answer from the daemon\n");
			exit(EXIT_REFUSED);
		}
		k = recv(fd, buf, sizeof(buf), 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return NULL;
		if (ctl_lines_add(in, buf, (size_t)k) < 0) {
			fprintf(stderr, "tandemctl: answer too large\n");
			exit(EXIT_REFUSED);
		}
	}
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int run_monitor(int fd, struct ctl_lines *in, bool json)
{
	struct json_object *ev;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ev = read_obj(fd, in, -1))) {
		if (json)
			puts(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			cli_print_event(ev);
		json_object_put(ev);
	}
	return 0;
}

static void parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "vs", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->sock = getenv("TANDEM_SOCKET");
	if (!a->sock || !*a->sock)
		a->sock = CTL_DEFAULT_SOCKET;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': a->sock = optarg; break;
		case 'j': a->json = true; break;
		case 'v': a->vs = optarg; break;
		case 'h': usage(stdout); exit(0);
		default:
			usage_error("unknown or incomplete option %s", argv[optind - 1]);
		}
	}
	a->pos = argv + optind;
	a->npos = argc - optind;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	const struct subcmd *sc = NULL;
	struct ctl_lines in = { .max = REPLY_MAX };
	struct json_object *req, *rep, *res = NULL;
	const char *why;
	char *line;
	size_t len;
	int fd, code;

	parse_args(argc, argv, &a);
	if (a.npos < 1)
		usage_error("%s", "no command given");
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]) && !sc; i++)
		if (!strcmp(subcmds[i].name, a.pos[0]))
			sc = &subcmds[i];
	if (!sc)
		usage_error("unknown command %s", a.pos[0]);
	a.pos++;
	a.npos--;
	if (a.npos < sc->min || a.npos > sc->max)
		usage_error("usage: tandemctl %s %s", sc->name, sc->usage);
	if (a.vs && !sc->takes_vs)
		usage_error("%s takes no --vs", sc->name);
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(sc->name));
	if (a.vs)
		json_object_object_add(req, "vs", json_object_new_string(a.vs));
	why = sc->build ? sc->build(req, &a) : NULL;
	if (why)
		usage_error("%s", why);
	line = ctl_line_of(req, &len);
	json_object_put(req);
	if (!line)
		return EXIT_REFUSED;
	signal(SIGPIPE, SIG_IGN);
	fd = connect_to(a.sock);
	send_all(fd, line, len);
	free(line);
	rep = read_obj(fd, &in, REPLY_TIMEOUT_MS);
	if (!rep) {
		fprintf(stderr, "tandemctl: the daemon closed the connection\n");
		return EXIT_REFUSED;
	}
	if (!json_object_get_boolean(json_object_object_get(rep, "ok"))) {
		if (a.json)
			print_json(rep);
		else
			cli_print_error(rep);
		code = EXIT_REFUSED;
	} else if (sc->stream) {
		code = run_monitor(fd, &in, a.json);
	} else {
		json_object_object_get_ex(rep, "result", &res);
		if (a.json)
			print_json(res);
		else if (sc->print)
			sc->print(res);
		code = 0;
	}
	json_object_put(rep);
	ctl_lines_free(&in);
	close(fd);
	return code;
}

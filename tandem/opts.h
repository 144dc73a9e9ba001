/*
 * The command line: keepalived's options, same letters, same meaning.
 * opts_parse() only records what was asked; main.c acts on it.
 */
#ifndef TANDEM_OPTS_H
#define TANDEM_OPTS_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes: keepalived's numbering (lib/scheduler.h, enum exit_code), so
 * scripts written for keepalived read tandem's the same way.  2 is also
 * what a bad command line exits with. */
enum tandem_exit {
	TANDEM_EXIT_OK = 0,
	TANDEM_EXIT_FAILURE = 1,	/* out of memory, system call failed */
	TANDEM_EXIT_USAGE = 2,		/* bad command line */
	TANDEM_EXIT_FATAL = 3,		/* a child could not be kept running */
	TANDEM_EXIT_CONFIG = 4,		/* the config has errors (-t too) */
};

#define TANDEM_DEFAULT_CONF	SYSCONFDIR "/tandem/tandem.conf"
/* Root keeps its pid files in /run as keepalived does.  Any other user
 * cannot write there: it uses /run/tandem/, the runtime directory that the
 * units' RuntimeDirectory=tandem makes (owned by the service's user) and
 * that also holds the control socket. */
#define TANDEM_DEFAULT_PID	"/run/tandem.pid"
#define TANDEM_DEFAULT_VRRP_PID	"/run/tandem_vrrp.pid"
#define TANDEM_DEFAULT_CHECK_PID "/run/tandem_checkers.pid"
#define TANDEM_RUN_DIR		"/run/tandem"
#define TANDEM_USER_PID		TANDEM_RUN_DIR "/tandem.pid"
#define TANDEM_USER_VRRP_PID	TANDEM_RUN_DIR "/tandem_vrrp.pid"
#define TANDEM_USER_CHECK_PID	TANDEM_RUN_DIR "/tandem_checkers.pid"
#define TANDEM_DEFAULT_LOG_FILE	"/tmp/tandem.log"

struct tandem_opts {
	const char *conf_file;		/* -f */
	bool only_vrrp;			/* -P */
	bool only_check;		/* -C */
	bool all;			/* --all */
	bool log_console;		/* -l */
	bool log_detail;		/* -D */
	int log_facility;		/* -S, LOG_DAEMON by default */
	bool no_syslog;			/* -G */
	const char *log_file;		/* -g[FILE] */
	bool dont_fork;			/* -n */
	bool dump_conf;			/* -d */
	bool config_test;		/* -t[FILE] */
	const char *pid_file;		/* -p */
	const char *vrrp_pid_file;	/* -r */
	const char *check_pid_file;	/* -c */
	const char *config_id;		/* -i */
	bool dont_respawn;		/* -R */
	bool dont_release_vrrp;		/* -V */
	bool dont_release_ipvs;		/* -I */
	bool release_vips;		/* -X */
	const char *netns;		/* -s */
	const char *signum;		/* --signum */
	bool version;			/* -v */
	bool help;			/* -h */

	/* The argv strings' memory, rewritten by children for ps. */
	char *title;
	size_t title_len;
};

/* Fill o from argv.  Returns -1 after printing the usage to stderr on a
 * bad command line (exit TANDEM_EXIT_USAGE), 0 otherwise. */
int opts_parse(struct tandem_opts *o, int argc, char **argv);
void opts_usage(const char *prog, bool to_stderr);
void opts_version(void);

#endif

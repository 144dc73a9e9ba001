/*
 * The command line.  keepalived's users script against its option letters,
 * so tandem takes the same ones with the same meaning (keepalived(8));
 * options keepalived has and tandem does not are rejected with the usage
 * rather than silently accepted.  Parsing only records; acting on the
 * options (namespace, config test, daemonizing) is main.c's job.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tandem/opts.h"

enum { OPT_ALL = 0x100, OPT_SIGNUM };

static const struct option long_opts[] = {
	{ "use-file",		required_argument, NULL, 'f' },
	{ "vrrp",		no_argument,	   NULL, 'P' },
	{ "check",		no_argument,	   NULL, 'C' },
	{ "all",		no_argument,	   NULL, OPT_ALL },
	{ "log-console",	no_argument,	   NULL, 'l' },
	{ "log-detail",		no_argument,	   NULL, 'D' },
	{ "log-facility",	required_argument, NULL, 'S' },
	{ "no-syslog",		no_argument,	   NULL, 'G' },
	{ "log-file",		optional_argument, NULL, 'g' },
	{ "dont-fork",		no_argument,	   NULL, 'n' },
	{ "dump-conf",		no_argument,	   NULL, 'd' },
	{ "config-test",	optional_argument, NULL, 't' },
	{ "pid",		required_argument, NULL, 'p' },
	{ "vrrp_pid",		required_argument, NULL, 'r' },
	{ "checkers_pid",	required_argument, NULL, 'c' },
	{ "config-id",		required_argument, NULL, 'i' },
	{ "dont-respawn",	no_argument,	   NULL, 'R' },
	{ "dont-release-vrrp",	no_argument,	   NULL, 'V' },
	{ "dont-release-ipvs",	no_argument,	   NULL, 'I' },
	{ "release-vips",	no_argument,	   NULL, 'X' },
	{ "namespace",		required_argument, NULL, 's' },
	{ "signum",		required_argument, NULL, OPT_SIGNUM },
	{ "version",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

void opts_usage(const char *prog, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	fprintf(f,
"Usage: %s [OPTION...]\n"
"  -f, --use-file=FILE        use this config file (default %s)\n"
"  -P, --vrrp                 run only the VRRP child\n"
"  -C, --check                run only the checker child\n"
"      --all                  start every child even if the config needs none\n"
"  -l, --log-console          log to stderr\n"
"  -D, --log-detail           log debug messages too\n"
"  -S, --log-facility=N       syslog facility LOG_LOCAL0..7 (0-7, local0-7,\n"
"                             user, daemon; default daemon)\n"
"  -G, --no-syslog            do not log to syslog\n"
"  -g, --log-file[=FILE]      also log to FILE (default %s)\n"
"  -n, --dont-fork            stay in the foreground\n"
"  -d, --dump-conf            dump the config as understood (with -t: stdout)\n"
"  -t, --config-test[=FILE]   check the config file and exit\n"
"  -p, --pid=FILE             parent pid file (default %s)\n"
"  -r, --vrrp_pid=FILE        VRRP child pid file (default %s)\n"
"  -c, --checkers_pid=FILE    checker child pid file (default %s)\n"
"  -i, --config-id=ID         select @ID config lines (default: host name)\n"
"  -R, --dont-respawn         exit instead of restarting a child\n"
"  -V, --dont-release-vrrp    keep VIPs and routes on exit\n"
"  -I, --dont-release-ipvs    keep the IPVS table on exit\n"
"  -X, --release-vips         drop VIPs on a transition caused by a signal\n"
"  -s, --namespace=NAME       run in network namespace NAME\n"
"      --signum=SIGFUNC       print the signal number of RELOAD, STOP, DATA,\n"
"                             STATS or JSON and exit\n"
"  -T, --genhash ARGS...      run genhash(1) with ARGS (first option only)\n"
"  -v, --version              print the version and exit\n"
"  -h, --help                 print this help and exit\n",
		prog, TANDEM_DEFAULT_CONF, TANDEM_DEFAULT_LOG_FILE,
		TANDEM_DEFAULT_PID, TANDEM_DEFAULT_VRRP_PID,
		TANDEM_DEFAULT_CHECK_PID);
}

void opts_version(void)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	printf("features:");
#ifdef WITH_VRRP
	printf(" VRRP");
#endif
#ifdef WITH_LVS
	printf(" LVS");
#endif
#ifdef WITH_SNMP
	printf(" SNMP");
#endif
	printf("\n");
}

/* keepalived takes 0-7 for LOG_LOCAL0..7; newer versions also spell
 * them out and accept user and daemon. */
static int parse_facility(const char *s)
{
	static const int local[] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
		LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };

	if (!strncmp(s, "local", 5))
		s += 5;
	else if (!strcmp(s, "user"))
		return LOG_USER;
	else if (!strcmp(s, "daemon"))
		return LOG_DAEMON;
	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return local[s[0] - '0'];
	return -1;
}

int opts_parse(struct tandem_opts *o, int argc, char **argv)
{
	const char *prog = argv[0] ? argv[0] : "tandem";
	int c;

	memset(o, 0, sizeof(*o));
	o->conf_file = TANDEM_DEFAULT_CONF;
	o->pid_file = TANDEM_DEFAULT_PID;
	o->vrrp_pid_file = TANDEM_DEFAULT_VRRP_PID;
	o->check_pid_file = TANDEM_DEFAULT_CHECK_PID;
	o->log_facility = LOG_DAEMON;

	/* Children show their role in ps by overwriting the argv strings,
	 * which the kernel keeps contiguous. */
	if (argc > 0 && argv[0]) {
		o->title = argv[0];
		o->title_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1])
					- argv[0]);
	}

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:PClDS:Gg::ndt::p:r:c:i:RVIXs:vh",
				long_opts, NULL)) != -1) {
		switch (c) {
		case 'f': o->conf_file = optarg; break;
		case 'P':
#ifdef WITH_VRRP
			o->only_vrrp = true;
			break;
#else
			fprintf(stderr, "%s: -P: built without VRRP (--disable-vrrp)\n", prog);
			return -1;
#endif
		case 'C':
#ifdef WITH_LVS
			o->only_check = true;
			break;
#else
			fprintf(stderr, "%s: -C: built without the checkers (--disable-lvs)\n", prog);
			return -1;
#endif
		case OPT_ALL: o->all = true; break;
		case 'l': o->log_console = true; break;
		case 'D': o->log_detail = true; break;
		case 'S':
			o->log_facility = parse_facility(optarg);
			if (o->log_facility < 0) {
				fprintf(stderr, "%s: -S %s: expected 0-7, local0-7, user or daemon\n",
					prog, optarg);
				opts_usage(prog, true);
				return -1;
			}
			break;
		case 'G': o->no_syslog = true; break;
		case 'g': o->log_file = optarg ? optarg : TANDEM_DEFAULT_LOG_FILE; break;
		case 'n': o->dont_fork = true; break;
		case 'd': o->dump_conf = true; break;
		case 't':
			o->config_test = true;
			if (optarg)
				o->conf_file = optarg;
			break;
		case 'p': o->pid_file = optarg; break;
		case 'r': o->vrrp_pid_file = optarg; break;
		case 'c': o->check_pid_file = optarg; break;
		case 'i': o->config_id = optarg; break;
		case 'R': o->dont_respawn = true; break;
		case 'V': o->dont_release_vrrp = true; break;
		case 'I': o->dont_release_ipvs = true; break;
		case 'X': o->release_vips = true; break;
		case 's': o->netns = optarg; break;
		case OPT_SIGNUM: o->signum = optarg; break;
		case 'v': o->version = true; break;
		case 'h': o->help = true; break;
		case ':':
			fprintf(stderr, "%s: option needs an argument: %s\n", prog,
				argv[optind - 1]);
			opts_usage(prog, true);
			return -1;
		default:
			fprintf(stderr, "%s: unknown option: %s\n", prog,
				argv[optind - 1]);
			opts_usage(prog, true);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n", prog, argv[optind]);
		opts_usage(prog, true);
		return -1;
	}
	return 0;
}

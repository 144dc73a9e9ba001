/*
 * tandem's entry point: the command line, the one-shot modes (--help,
 * --version, --signum, -t), and the start of the daemon: namespace,
 * logging, the config (refused on any error, each one logged with its
 * location), the pid file lock, detaching, and then the supervisor.
 *
 * Order matters.  The network namespace is entered before anything opens
 * a socket.  The pid file is locked before detaching so that "already
 * running" reaches the terminal and the exit code; the lock is an open
 * file description, so it passes to the detached process unchanged.
 * Paths are made absolute before detaching moves to "/".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "genhash/genhash.h"
#include "lib/log.h"
#include "tandem/config.h"
#include "tandem/heap_tune.h"
#include "tandem/opts.h"
#include "tandem/parent.h"
#include "tandem/pidfile.h"
#include "tandem/signals.h"

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, r = 0;

	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		fprintf(stderr, "tandem: -s %s: not a namespace name\n", name);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		r = -errno;
		fprintf(stderr, "tandem: network namespace %s (%s): %s\n", name,
			path, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* stderr is the journal when systemd says so (JOURNAL_STREAM=dev:ino). */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *out;

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path ? strdup(path) : NULL;
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

static void log_diag(const struct conf_diag_entry *e, void *arg)
{
	int prio = e->sev == CONF_ERROR ? LOG_ERR : LOG_WARNING;
	const char *sev = e->sev == CONF_ERROR ? "error" : "warning";

	if (e->file)
		log_msg(prio, "%s:%d: %s: %s", e->file, e->line, sev, e->msg);
	else
		log_msg(prio, "%s: %s", sev, e->msg);
}

/* -d without -t: the config as understood, into the log. */
static void dump_to_log(const struct tandem_config *cfg)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	config_dump(cfg, f);
	if (fclose(f) == 0)
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			log_info("config: %s", line);
	free(buf);
}

static int config_test(const struct tandem_opts *o)
{
	struct config_load_opts lo = { .config_id = o->config_id };
	struct tandem_config *cfg;
	struct conf_diag d;

	conf_diag_init(&d);
	cfg = config_load(o->conf_file, &lo, &d);
	conf_diag_print(&d, stderr);
	if (cfg && o->dump_conf)
		config_dump(cfg, stdout);
	if (!cfg)
		fprintf(stderr, "%s: %zu error(s)\n", o->conf_file, d.errors);
	conf_diag_free(&d);
	config_free(cfg);
	return cfg ? TANDEM_EXIT_OK : TANDEM_EXIT_CONFIG;
}

static int daemonize(void)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	return 0;
}

static bool child_pidfile_busy(const char *path)
{
	pid_t pid = pidfile_live_tandem(path);

	if (pid)
		log_err("%s names a running tandem (pid %ld): is another instance using it?",
			path, (long)pid);
	return pid != 0;
}

int main(int argc, char **argv)
{
	struct tandem_opts o;
	struct log_opts lo = { .ident = "tandem" };
	struct config_load_opts clo = { .config_id = NULL };
	struct tandem_config *cfg;
	struct conf_diag d;
	char *conf = NULL, *pidf = NULL, *vpid = NULL, *cpid = NULL;
	pid_t holder;
	int code, pidfd = -1, r;

	/* keepalived's --genhash / -T: the rest of the line is genhash's. */
	if (argc > 1 && (!strcmp(argv[1], "--genhash") || !strcmp(argv[1], "-T"))) {
		static char name[] = "tandem --genhash";	/* for its messages */

		argv[1] = name;
		return genhash_main(argc - 1, argv + 1);
	}
	if (opts_parse(&o, argc, argv) < 0)
		return TANDEM_EXIT_USAGE;
	if (o.help) {
		opts_usage(argv[0], false);
		return TANDEM_EXIT_OK;
	}
	if (o.version) {
		opts_version();
		return TANDEM_EXIT_OK;
	}
	if (o.signum) {
		int sig = signals_by_name(o.signum);

		if (sig < 0) {
			fprintf(stderr, "tandem: --signum=%s: expected RELOAD, STOP, DATA, STATS or JSON\n",
				o.signum);
			return TANDEM_EXIT_USAGE;
		}
		printf("%d\n", sig);
		return TANDEM_EXIT_OK;
	}
	heap_tune(argv);
	if (o.netns && enter_netns(o.netns) < 0)
		return TANDEM_EXIT_FAILURE;
	if (o.config_test)
		return config_test(&o);

	lo.console = o.log_console;
	lo.syslog = !o.no_syslog;
	lo.journal = stderr_is_journal();
	lo.detail = o.log_detail;
	lo.facility = o.log_facility;
	lo.file = o.log_file;
	log_init(&lo);

	conf = absolute(o.conf_file);
	pidf = absolute(o.pid_file);
	vpid = absolute(o.vrrp_pid_file);
	cpid = absolute(o.check_pid_file);
	if (!conf || !pidf || !vpid || !cpid) {
		log_err("out of memory");
		code = TANDEM_EXIT_FAILURE;
		goto out;
	}
	o.conf_file = conf;
	o.pid_file = pidf;
	o.vrrp_pid_file = vpid;
	o.check_pid_file = cpid;

	/* Blocked before any fork so no signal is lost between the fork and
	 * the loops' signal sources. */
	r = signals_block();
	if (r < 0) {
		log_err("cannot block signals: %s", strerror(-r));
		code = TANDEM_EXIT_FAILURE;
		goto out;
	}

	log_info("starting %s %s with %s", PACKAGE_NAME, PACKAGE_VERSION, conf);
	clo.config_id = o.config_id;
	conf_diag_init(&d);
	cfg = config_load(conf, &clo, &d);
	conf_diag_foreach(&d, log_diag, NULL);
	if (!cfg) {
		/* Without -l, a terminal user would otherwise see nothing. */
		if (!o.log_console && !lo.journal && isatty(STDERR_FILENO))
			conf_diag_print(&d, stderr);
		log_err("%s has %zu error(s): not starting", conf, d.errors);
		conf_diag_free(&d);
		code = TANDEM_EXIT_CONFIG;
		goto out;
	}
	conf_diag_free(&d);
	if (o.dump_conf)
		dump_to_log(cfg);

	pidfd = pidfile_acquire(pidf, &holder);
	if (pidfd < 0) {
		if (pidfd == -EEXIST)
			log_err("another tandem (pid %ld) holds %s: not starting",
				(long)holder, pidf);
		else
			log_err("cannot open pid file %s: %s", pidf, strerror(-pidfd));
		config_free(cfg);
		code = TANDEM_EXIT_FAILURE;
		goto out;
	}
	if (child_pidfile_busy(vpid) || child_pidfile_busy(cpid)) {
		config_free(cfg);
		code = TANDEM_EXIT_FAILURE;
		goto out;
	}
	if (!o.dont_fork) {
		r = daemonize();
		if (r < 0) {
			log_err("cannot detach: %s", strerror(-r));
			config_free(cfg);
			code = TANDEM_EXIT_FAILURE;
			goto out;
		}
	}
	r = pidfile_write_fd(pidfd, getpid());
	if (r < 0)
		log_warn("cannot write %s: %s", pidf, strerror(-r));

	code = parent_run(&o, &lo, cfg);
	unlink(pidf);
	log_info("exiting with status %d", code);
out:
	if (pidfd >= 0)
		close(pidfd);
	free(conf);
	free(pidf);
	free(vpid);
	free(cpid);
	log_close();
	return code;
}

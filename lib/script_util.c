/*
 * The parts of the script runner that need no process: splitting a
 * command line into words, finding the program, the script user, and
 * enable_script_security's test.
 *
 * The security test walks the program's real path (symbolic links
 * resolved) and every directory above it, and also the directories of
 * the path as written, since whoever can change a link's directory can
 * point the link elsewhere.  A file or directory is unsafe when a user
 * other than root owns it (an owner may always chmod), or when its group
 * or others may write it.  A world-writable directory with the sticky
 * bit (/tmp) is accepted: there no one but the owner may rename or
 * remove root's entries.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/script.h"

void script_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static int push_word(char ***v, size_t *n, char *w)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));

	if (!nv) {
		free(w);
		return -ENOMEM;
	}
	nv[(*n)++] = w;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

int script_split(const char *cmd, char ***argv)
{
	size_t len = strlen(cmd), n = 0;
	char **v = NULL, *w = NULL;
	const char *p = cmd;

	*argv = NULL;
	while (*p) {
		size_t k = 0;
		bool in_word = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (!(w = malloc(len + 1))) {
			script_argv_free(v);
			return -ENOMEM;
		}
		while (*p && (in_word = true) &&
		       !(*p == ' ' || *p == '\t' || *p == '\n')) {
			char q = *p;

			if (q == '\'' || q == '"') {
				for (p++; *p && *p != q; p++) {
					if (q == '"' && *p == '\\' &&
					    (p[1] == '"' || p[1] == '\\'))
						p++;
					w[k++] = *p;
				}
				if (*p != q) {
					free(w);
					script_argv_free(v);
					return -EINVAL;
				}
				p++;
			} else if (q == '\\' && p[1]) {
				w[k++] = p[1];
				p += 2;
			} else {
				w[k++] = *p++;
			}
		}
		w[k] = '\0';
		if (in_word && push_word(&v, &n, w) < 0) {
			script_argv_free(v);
			return -ENOMEM;
		}
	}
	if (!n)
		return -EINVAL;
	*argv = v;
	return 0;
}

static const char *owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s (uid %u)", pw->pw_name, (unsigned)uid);
	else
		snprintf(buf, len, "uid %u", (unsigned)uid);
	return buf;
}

/* One file or directory. */
static int check_one(const char *path, bool dir, char *why, size_t len)
{
	struct stat st;
	char who[64];

	if (stat(path, &st) < 0) {
		int e = errno;

		snprintf(why, len, "%s: %s", path, strerror(e));
		return -e;
	}
	if (st.st_uid != 0) {
		snprintf(why, len, "%s is owned by %s, not root", path,
			 owner_name(st.st_uid, who, sizeof(who)));
		return -EPERM;
	}
	if ((st.st_mode & S_IWOTH) && !(dir && (st.st_mode & S_ISVTX))) {
		snprintf(why, len, "%s (owner %s) is writable by every user",
			 path, owner_name(st.st_uid, who, sizeof(who)));
		return -EPERM;
	}
	if ((st.st_mode & S_IWGRP) && st.st_gid != 0 &&
	    !(dir && (st.st_mode & S_ISVTX))) {
		struct group *gr = getgrgid(st.st_gid);

		snprintf(why, len, "%s (owner %s) is writable by group %s", path,
			 owner_name(st.st_uid, who, sizeof(who)),
			 gr ? gr->gr_name : "?");
		return -EPERM;
	}
	return 0;
}

/* PATH and every directory above it. */
static int check_chain(const char *path, char *why, size_t len)
{
	char buf[PATH_MAX];
	char *slash;
	int r = check_one(path, false, why, len);

	if (r < 0)
		return r;
	snprintf(buf, sizeof(buf), "%s", path);
	while ((slash = strrchr(buf, '/'))) {
		if (slash == buf) {
			buf[1] = '\0';
			return check_one(buf, true, why, len);
		}
		*slash = '\0';
		if ((r = check_one(buf, true, why, len)) < 0)
			return r;
	}
	return 0;
}

int script_check_secure(const char *path, char *why, size_t len)
{
	char real[PATH_MAX], abs[PATH_MAX];
	int r;

	if (!realpath(path, real)) {
		r = errno;
		snprintf(why, len, "%s: %s", path, strerror(r));
		return -r;
	}
	r = check_chain(real, why, len);
	if (r < 0 || !strcmp(real, path))
		return r;
	/* The path as written: its directories decide where it leads. */
	if (path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >=
		    sizeof(abs))
			return -ENAMETOOLONG;
	} else {
		snprintf(abs, sizeof(abs), "%s", path);
	}
	return check_chain(abs, why, len);
}

int script_resolve_user(const struct script_opts *o, uid_t *uid, gid_t *gid,
			char *why, size_t len)
{
	struct passwd *pw = NULL;
	const char *name = o->user;

	if (name) {
		pw = getpwnam(name);
	} else {
		name = SCRIPT_DEFAULT_USER;
		if (!(pw = getpwnam(name)))
			pw = getpwnam(name = SCRIPT_FALLBACK_USER);
	}
	if (!pw) {
		char *end;
		unsigned long v = strtoul(name, &end, 10);

		if (!*name || *end) {
			snprintf(why, len, "no user %s", name);
			return -ENOENT;
		}
		*uid = (uid_t)v;
		*gid = (gid_t)v;
	} else {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (o->group) {
		const char *g = o->group[0] == ':' ? o->group + 1 : o->group;
		struct group *gr = getgrnam(g);

		if (gr) {
			*gid = gr->gr_gid;
		} else {
			char *end;
			unsigned long v = strtoul(g, &end, 10);

			if (!*g || *end) {
				snprintf(why, len, "no group %s", g);
				return -ENOENT;
			}
			*gid = (gid_t)v;
		}
	}
	return 0;
}

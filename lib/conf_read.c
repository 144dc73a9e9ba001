/*
 * Reading config files: lines, @ID conditionals, definitions, include.
 *
 * Every physical line has its comment cut off first, so that a '#' that
 * a definition later produces (${_HASH}) is text, not a comment.  A line
 * whose definition ends with a backslash starts a multi-line definition:
 * the following lines, up to one without a trailing backslash, are its
 * value (blank lines inside it are skipped, as keepalived's own examples
 * have them).  Then each logical line goes through conf_read_logical():
 * "@ID " keeps the rest of the line only when ID is the config id ("@^ID"
 * only when it is not), "$NAME=value" defines, ~SEQ/~LST repeat, $NAME is
 * substituted and the result goes round again (it may be a conditional, a
 * definition or several lines), and what is left is cut into words.
 *
 * include (and keepalived's includer/m/w/b/a variants) takes one pattern,
 * relative to the folder of the file it is in, expanded by glob(3) with
 * GLOB_BRACE.  A missing file, a pattern that matches nothing (except
 * for includer, whose point is to allow it), an include loop and nesting
 * deeper than the limit are errors at the include line.  include_check is
 * accepted and has no effect (tandem's checks are always all on), but
 * its words are checked.  With
 * opts->include_root set, includes may not leave that folder: the fuzzer
 * uses it to keep arbitrary input off the real file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/conf_int.h"

void conf_rerr(struct conf_reader *r, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_diag_vaddf(r->d, CONF_ERROR, r->src->name, line, fmt, ap);
	va_end(ap);
}

void conf_rwarn(struct conf_reader *r, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_diag_vaddf(r->d, CONF_WARNING, r->src->name, line, fmt, ap);
	va_end(ap);
}

bool conf_budget(struct conf_reader *r, int lineno, unsigned long n)
{
	if (r->budget_reported)
		return false;
	if (n <= r->lines_left) {
		r->lines_left -= n;
		return true;
	}
	r->budget_reported = true;
	conf_rerr(r, lineno, "~: expected the configuration to expand to "
		  "less than the limit of generated lines and bytes, got more; "
		  "expansion stopped here");
	return false;
}

static const bool conf_space_tab[256] = {
	[' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
	['\v'] = true, ['\f'] = true,
};

static bool conf_space(char c)
{
	return conf_space_tab[(unsigned char)c];
}

static void conf_trim(const char **s, size_t *len)
{
	while (*len && conf_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && conf_space((*s)[*len - 1]))
		(*len)--;
}

/* "$NAME=" at the start: length of NAME, or 0. */
static size_t conf_def_head(const char *s, size_t len)
{
	size_t i = 1;

	if (len < 3 || s[0] != '$')
		return 0;
	while (i < len && conf_def_name_char(s[i], i == 1))
		i++;
	if (i == 1 || i >= len || s[i] != '=')
		return 0;
	return i - 1;
}

static void conf_def_line(struct conf_reader *r, const char *s, size_t len,
			  size_t nlen, int lineno, unsigned depth, bool skip)
{
	const char *name = s + 1;
	const char *v = s + nlen + 2;
	size_t vlen = len - nlen - 2;

	conf_not_alone(r);
	conf_trim(&v, &vlen);
	bool more = vlen && v[vlen - 1] == '\\';

	if (more) {
		vlen--;
		conf_trim(&v, &vlen);
	}
	if (!skip && conf_def_is_predefined(name, nlen)) {
		conf_rerr(r, lineno, "$%.*s: expected a name that is not "
			  "predefined, got \"%.*s\"", (int)nlen, name,
			  (int)nlen, name);
		skip = true;
	}
	if (more && depth == 0) {
		struct conf_src *src = r->src;

		src->def_name = conf_xstrndup(name, nlen);
		src->def_skip = skip;
		src->def_line = lineno;
		conf_buf_clear(&src->def_val);
		if (vlen)
			conf_buf_add(&src->def_val, v, vlen);
		return;
	}
	if (skip)
		return;
	char *val = conf_xstrndup(v, vlen);

	conf_defs_set(&r->defs, name, nlen, val);
	free(val);
}

static void conf_def_end(struct conf_reader *r)
{
	struct conf_src *src = r->src;

	if (!src->def_name)
		return;
	if (!src->def_skip)
		conf_defs_set(&r->defs, src->def_name, strlen(src->def_name),
			      src->def_val.p ? src->def_val.p : "");
	free(src->def_name);
	src->def_name = NULL;
	conf_buf_clear(&src->def_val);
}

static const char *const conf_include_kw[] = {
	"include", "includer", "includem", "includew", "includeb", "includea",
	NULL
};

static void conf_read_path(struct conf_reader *r, const char *path,
			   int inc_line);

bool conf_reader_keyword(const char *w)
{
	/* Every one starts so: most words are out after one compare. */
	if (w[0] != 'i' || strncmp(w, "include", 7))
		return false;
	for (int i = 0; conf_include_kw[i]; i++)
		if (!strcmp(w, conf_include_kw[i]))
			return true;
	return !strcmp(w, "include_check");
}

static bool conf_has_magic(const char *p)
{
	return strpbrk(p, "*?[{") != NULL;
}

static bool conf_outside_root(struct conf_reader *r, const char *path)
{
	size_t rl = strlen(r->root);

	if (strncmp(path, r->root, rl) || (path[rl] != '/' && path[rl]))
		return true;
	/* No ".." component anywhere. */
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return true;
	return false;
}

static void conf_include(struct conf_reader *r, const struct conf_toks *t,
			 int lineno, const char *kw)
{
	if (t->n != 2 || t->v[1].kind != CONF_TOK_WORD || !t->v[1].len) {
		struct conf_buf got = { 0 };

		for (size_t i = 1; i < t->n; i++) {
			if (i > 1)
				conf_buf_addc(&got, ' ');
			conf_buf_add_shown(&got, t->v[i].text, t->v[i].len);
		}
		conf_rerr(r, lineno, "%s: expected one file name or pattern, "
			  "got \"%s\"", kw, got.p ? got.p : "");
		conf_buf_free(&got);
		return;
	}
	struct conf_buf pat = { 0 };

	if (t->v[1].text[0] != '/') {
		conf_buf_adds(&pat, r->src->dir);
		conf_buf_addc(&pat, '/');
	}
	conf_buf_add(&pat, t->v[1].text, t->v[1].len);
	if (r->root && conf_outside_root(r, pat.p)) {
		conf_rerr(r, lineno, "%s: expected a file inside %s, got "
			  "\"%s\"", kw, r->root, t->v[1].text);
		conf_buf_free(&pat);
		return;
	}
	glob_t g;
	int rc = glob(pat.p, GLOB_BRACE, NULL, &g);

	if (rc == GLOB_NOMATCH) {
		if (!conf_has_magic(t->v[1].text))
			conf_rerr(r, lineno, "%s: cannot read \"%s\": %s", kw,
				  pat.p, strerror(ENOENT));
		else if (strcmp(kw, "includer"))
			conf_rerr(r, lineno, "%s: expected files matching "
				  "\"%s\", got none", kw, pat.p);
	} else if (rc) {
		conf_rerr(r, lineno, "%s: cannot expand \"%s\"", kw, pat.p);
	} else {
		for (size_t i = 0; i < g.gl_pathc; i++)
			conf_read_path(r, g.gl_pathv[i], lineno);
	}
	globfree(&g);
	conf_buf_free(&pat);
}

static void conf_include_check(struct conf_reader *r,
			       const struct conf_toks *tp, int lineno);

static void conf_emit(struct conf_reader *r, const char *s, size_t len,
		      int lineno)
{
	/* One token buffer for the whole read; an include is done with its
	 * tokens before the included file reuses them. */
	struct conf_toks *tp = &r->toks;
	const char *err;

	if (conf_lex(s, len, true, tp, &err) < 0) {
		struct conf_buf got = { 0 };
		size_t kl = 0;

		while (kl < len && !conf_space(s[kl]) && s[kl] != '"' &&
		       s[kl] != '\'')
			kl++;
		conf_buf_add_shown(&got, s, len);
		conf_rerr(r, lineno, "%.*s: expected words and quoted strings, "
			  "got %s in \"%s\"", kl ? (int)(kl > 64 ? 64 : kl) : 6,
			  kl ? s : "(line)", err, got.p);
		conf_buf_free(&got);
		return;
	}
	/* A quoted "include" is a word like any other (the dump writes it so
	 * when a statement is spelled that way); an unquoted one must start
	 * its line, since the included lines replace the whole line. */
	for (size_t k = 1; k < tp->n; k++) {
		if (tp->v[k].kind == CONF_TOK_WORD && !tp->v[k].quoted &&
		    tp->v[k - 1].kind != CONF_TOK_WORD &&
		    conf_reader_keyword(tp->v[k].text))
			conf_rerr(r, lineno, "%s: expected at the start of a "
				  "line of its own, got it after a brace",
				  tp->v[k].text);
	}
	if (tp->n && tp->v[0].kind == CONF_TOK_WORD && !tp->v[0].quoted &&
	    conf_reader_keyword(tp->v[0].text)) {
		conf_not_alone(r);
		for (int i = 0; conf_include_kw[i]; i++) {
			if (strcmp(tp->v[0].text, conf_include_kw[i]))
				continue;
			/* Again without brace tokens: they are glob's. */
			if (conf_lex(s, len, false, tp, &err) == 0)
				conf_include(r, tp, lineno, conf_include_kw[i]);
			return;
		}
		if (!strcmp(tp->v[0].text, "include_check")) {
			conf_include_check(r, tp, lineno);
			return;
		}
	}
	conf_builder_line(r, tp, r->src->name, lineno);
}

/* keepalived's include_check levels.  tandem's checks are always all on,
 * so the words change nothing, but a word keepalived would not take is
 * still an error rather than silently accepted. */
static void conf_include_check(struct conf_reader *r,
			       const struct conf_toks *tp, int lineno)
{
	static const char *const words[] = {
		"readable", "match", "wildcard_match", "brace_match", NULL
	};

	for (size_t i = 1; i < tp->n; i++) {
		int k = 0;

		if (tp->v[i].kind != CONF_TOK_WORD) {
			conf_rerr(r, lineno, "include_check: expected readable, "
				  "match, wildcard_match or brace_match, got a "
				  "brace");
			return;
		}
		while (words[k] && strcmp(words[k], tp->v[i].text))
			k++;
		if (!words[k])
			conf_rerr(r, lineno, "include_check: expected readable, "
				  "match, wildcard_match or brace_match, got \"%s\"",
				  tp->v[i].text);
	}
}

void conf_expand_too_deep(struct conf_reader *r, int lineno)
{
	conf_rerr(r, lineno, "$: expected definitions and generators nested "
		  "at most %d deep, got deeper (does a definition use itself?)",
		  CONF_MAX_EXPAND_DEPTH);
}

void conf_read_logical(struct conf_reader *r, const char *s, size_t len,
		       int lineno, unsigned depth)
{
	/* Callers check the depth before they recurse (one error, not one
	 * per line of the expansion); this is only the backstop. */
	if (depth > CONF_MAX_EXPAND_DEPTH)
		return;
	for (;;) {
		conf_trim(&s, &len);
		if (!len)
			return;
		if (s[0] != '@')
			break;
		bool neg = len > 1 && s[1] == '^';
		size_t st = neg ? 2 : 1, i = st;

		while (i < len && !conf_space(s[i]))
			i++;
		if (i == st) {
			conf_rerr(r, lineno, "@: expected a config id right "
				  "after '%s', got \"%.*s\"", neg ? "@^" : "@",
				  (int)(len > 60 ? 60 : len), s);
			return;
		}
		bool match = strlen(r->config_id) == i - st &&
			     !memcmp(r->config_id, s + st, i - st);

		s += i;
		len -= i;
		if (match == neg) {
			/* Skipped, but a multi-line definition's following
			 * lines must still be skipped with it. */
			conf_trim(&s, &len);
			size_t nl = conf_def_head(s, len);

			if (nl)
				conf_def_line(r, s, len, nl, lineno, depth, true);
			return;
		}
	}
	size_t nl = conf_def_head(s, len);

	if (nl) {
		conf_def_line(r, s, len, nl, lineno, depth, false);
		return;
	}
	if (s[0] == '~' && conf_gen_line(r, s, len, lineno, depth)) {
		conf_not_alone(r);
		return;
	}
	if (memchr(s, '$', len)) {
		struct conf_buf out = { 0 };

		conf_not_alone(r);
		int rc = conf_defs_expand(r, s, len, lineno, &out);

		if (rc > 0 && out.len > r->bytes_left) {
			r->bytes_left = 0;
			conf_budget(r, lineno, r->lines_left + 1);
			rc = -1;
		} else if (rc > 0) {
			r->bytes_left -= out.len;
		}
		if (rc > 0 && depth >= CONF_MAX_EXPAND_DEPTH) {
			conf_expand_too_deep(r, lineno);
			rc = -1;
		}
		if (rc > 0) {
			const char *p = out.p, *end = out.p + out.len;
			unsigned long pieces = 0;

			for (const char *q = p; q < end; q++)
				pieces += *q == '\n';
			if (!pieces || conf_budget(r, lineno, pieces + 1)) {
				while (p < end && !r->budget_reported) {
					const char *q = memchr(p, '\n',
							       (size_t)(end - p));

					if (!q)
						q = end;
					conf_read_logical(r, p, (size_t)(q - p),
							  lineno, depth + 1);
					p = q + 1;
				}
			}
		}
		conf_buf_free(&out);
		if (rc != 0)
			return;
	}
	conf_emit(r, s, len, lineno);
}

/* Bytes after which a line needs the whole treatment: a NUL, a comment, a
 * quote (the comment rules depend on it) or a '$'. */
static const bool conf_line_special[256] = {
	['\0'] = true, ['#'] = true, ['!'] = true, ['"'] = true,
	['\''] = true, ['$'] = true,
};

/* One physical line of the current file. */
static void conf_physical(struct conf_reader *r, const char *s, size_t len,
			  int lineno)
{
	struct conf_src *src = r->src;
	size_t i = 0;

	src->line = lineno;
	/* Most lines hold none of them: no comment to cut, nothing to
	 * substitute, so unless a multi-line definition is being gathered
	 * or the line is a conditional or a generator, its words are all. */
	while (i < len && !conf_line_special[(unsigned char)s[i]])
		i++;
	if (i == len && !src->def_name) {
		conf_trim(&s, &len);
		if (len && s[0] != '@' && s[0] != '~')
			conf_emit(r, s, len, lineno);
		else if (len)
			conf_read_logical(r, s, len, lineno, 0);
		return;
	}
	if (memchr(s, '\0', len)) {
		conf_rerr(r, lineno, "(line): expected text, got a NUL byte");
		return;
	}
	len = conf_comment_cut(s, len);
	conf_trim(&s, &len);
	if (!src->def_name) {
		conf_read_logical(r, s, len, lineno, 0);
		return;
	}
	bool more = len && s[len - 1] == '\\';

	if (more) {
		len--;
		conf_trim(&s, &len);
	}
	if (len) {
		if (src->def_val.len)
			conf_buf_addc(&src->def_val, '\n');
		conf_buf_add(&src->def_val, s, len);
	}
	if (!more && len)
		conf_def_end(r);
}

static void conf_read_text(struct conf_reader *r, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	/* A piece of the main file read again (conf_splice.c) starts
	 * where it stands in the file. */
	int lineno = r->depth == 1 ? r->first_line : 0;

	while (p < end) {
		const char *q = memchr(p, '\n', (size_t)(end - p));

		if (!q)
			q = end;
		if (lineno < INT_MAX)
			lineno++;
		r->line_off = (size_t)(p - buf);
		conf_physical(r, p, (size_t)(q - p), lineno);
		p = q + 1;
	}
	conf_def_end(r);
}

static const char *conf_intern(struct conf_reader *r, const char *s)
{
	return conf_mem_strndup(r->mem, s, strlen(s));
}

static char *conf_dir_of(const char *path)
{
	char *copy = conf_xstrdup(path);
	char *dir = dirname(copy);
	char *real = realpath(dir, NULL);
	char *res = real ? real : conf_xstrdup(dir);

	free(copy);
	return res;
}

static void conf_src_run(struct conf_reader *r, struct conf_src *src,
			 const char *buf, size_t len)
{
	src->up = r->src;
	r->src = src;
	r->depth++;
	conf_read_text(r, buf, len);
	r->depth--;
	r->src = src->up;
	free(src->dir);
	free(src->def_name);
	conf_buf_free(&src->def_val);
}

static int conf_slurp(int fd, size_t hint, char **out, size_t *len)
{
	/* Sized from fstat, so a large file is read without copies (one
	 * byte more: the read that returns 0 needs room to be asked). */
	size_t cap = hint + 1;
	size_t n = 0;
	char *buf = conf_xmalloc(cap);

	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = conf_xrealloc(buf, cap);
		}
		ssize_t k = read(fd, buf + n, cap - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;

			free(buf);
			return -e;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*out = buf;
	*len = n;
	return 0;
}

static void conf_read_path(struct conf_reader *r, const char *path,
			   int inc_line)
{
	const char *kw = "include";

	if (r->depth >= r->max_depth) {
		conf_rerr(r, inc_line, "%s: expected includes nested at most %u "
			  "deep, got \"%s\" one level deeper", kw, r->max_depth,
			  path);
		return;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		conf_rerr(r, inc_line, "%s: cannot read \"%s\": %s", kw, path,
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_rerr(r, inc_line, "%s: expected a regular file, got \"%s\"",
			  kw, path);
		close(fd);
		return;
	}
	for (const struct conf_src *s = r->src; s; s = s->up) {
		if (s->has_id && s->dev == st.st_dev && s->ino == st.st_ino) {
			conf_rerr(r, inc_line, "%s: \"%s\" is already being "
				  "read (an include loop through %s)", kw, path,
				  s->name);
			close(fd);
			return;
		}
	}
	char *buf;
	size_t len;
	int rc = conf_slurp(fd, (size_t)st.st_size, &buf, &len);

	close(fd);
	if (rc < 0) {
		conf_rerr(r, inc_line, "%s: cannot read \"%s\": %s", kw, path,
			  strerror(-rc));
		return;
	}
	struct conf_src src = { .name = conf_intern(r, path),
				.dir = conf_dir_of(path), .dev = st.st_dev,
				.ino = st.st_ino, .has_id = true };

	conf_src_run(r, &src, buf, len);
	free(buf);
}

static void conf_default_id(char *id, size_t size)
{
	if (gethostname(id, size) < 0)
		id[0] = '\0';
	id[size - 1] = '\0';
	char *dot = strchr(id, '.');

	if (dot)
		*dot = '\0';
}

void conf_config_id(const struct conf_read_opts *o, char *id, size_t size)
{
	if (o && o->config_id)
		snprintf(id, size, "%s", o->config_id);
	else
		conf_default_id(id, size);
}

static void conf_reader_init(struct conf_reader *r,
			     const struct conf_read_opts *o,
			     struct conf_diag *d, struct conf_tree **out)
{
	memset(r, 0, sizeof(*r));
	r->d = d;
	r->tree = conf_tree_new();
	r->mem = conf_tree_mem(r->tree);
	*out = r->tree;
	conf_builder_init(&r->tb, r->tree);
	r->toks.arena = r->mem;
	r->max_depth = o && o->max_include_depth ? o->max_include_depth : 32;
	conf_config_id(o, r->config_id, sizeof(r->config_id));
	r->lines_left = o && o->max_expanded_lines ? o->max_expanded_lines :
		CONF_DEFAULT_MAX_LINES;
	r->bytes_left = o && o->max_expanded_bytes ? o->max_expanded_bytes :
		CONF_DEFAULT_MAX_BYTES;
	r->max_line = CONF_DEFAULT_MAX_LINE;
	if (o && o->include_root) {
		r->root = realpath(o->include_root, NULL);
		if (!r->root)
			r->root = conf_xstrdup(o->include_root);
	}
	r->rnd = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
		 (uint64_t)(uintptr_t)r;
	if (!r->rnd)
		r->rnd = 88172645463325252ULL;
	r->errors_at_start = d->errors;
}

static int conf_reader_done(struct conf_reader *r)
{
	conf_builder_finish(r);
	conf_builder_free(&r->tb);
	conf_toks_free(&r->toks);
	conf_defs_free(&r->defs);
	free(r->root);
	return r->d->errors > r->errors_at_start ? -1 : 0;
}

int conf_read_buffer(const char *name, const char *buf, size_t len,
		     const struct conf_read_opts *o, struct conf_diag *d,
		     struct conf_tree **out)
{
	struct conf_reader r;

	conf_reader_init(&r, o, d, out);
	if (!name)
		name = "(buffer)";
	struct conf_src src = { .name = conf_intern(&r, name),
				.dir = conf_dir_of(name) };

	conf_src_run(&r, &src, buf, len);
	return conf_reader_done(&r);
}

int conf_slurp_main(const char *path, struct conf_diag *d, char **buf,
		    size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int rc;

	/* The main file's own problems are located at the file itself. */
	if (fd < 0 || fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		int e = fd < 0 ? errno : EINVAL;

		conf_diag_add(d, CONF_ERROR, path, 0, "cannot read the "
			      "configuration: %s", e == EINVAL ?
			      "not a regular file" : strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	rc = conf_slurp(fd, (size_t)st->st_size, buf, len);
	close(fd);
	if (rc < 0)
		conf_diag_add(d, CONF_ERROR, path, 0, "cannot read the "
			      "configuration: %s", strerror(-rc));
	return rc;
}

int conf_read_main(const char *path, const struct stat *st, const char *buf,
		   size_t len, int first_line, bool whole,
		   const struct conf_read_opts *o, struct conf_diag *d,
		   struct conf_tree **out)
{
	struct conf_reader r;
	struct conf_text *keep = calloc(1, sizeof(*keep));
	size_t before = d->n;
	int rc;

	conf_reader_init(&r, o, d, out);
	/* Without it, the file is read in full the next time: no loss
	 * but time. */
	if (keep) {
		keep->alone = keep->all_main = true;
		snprintf(keep->config_id, sizeof(keep->config_id), "%s",
			 r.config_id);
		r.keep = keep;
	}
	r.first_line = first_line;

	struct conf_src src = { .name = conf_intern(&r, path),
				.dir = conf_dir_of(path), .dev = st->st_dev,
				.ino = st->st_ino, .has_id = true };

	conf_src_run(&r, &src, buf, len);
	if (keep)
		keep->len = len;
	conf_tree_store(*out)->src = keep;
	rc = conf_reader_done(&r);
	if (keep)
		keep->quiet = d->n == before;
	/* Only a text that can be read again in part gets its spans (the
	 * record stays without: it says so). */
	if (keep && whole && keep->alone && keep->all_main && keep->quiet)
		conf_text_seal(keep, buf);
	return rc;
}

int conf_read_file(const char *path, const struct conf_read_opts *o,
		   struct conf_diag *d, struct conf_tree **out)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	if (conf_slurp_main(path, d, &buf, &len, &st) < 0) {
		*out = conf_tree_new();
		return -1;
	}
	rc = conf_read_main(path, &st, buf, len, 0, true, o, d, out);
	free(buf);
	return rc;
}

/*
 * Loading the whole configuration: read the tree, apply the top-level
 * table, resolve the derived defaults.
 *
 * The apply stage runs even when reading found errors, on whatever could be
 * read, so one run of `tandem -t` lists every error of the file rather than
 * the first one.  A config is returned only when neither stage added an
 * error; the caller's diagnostics may already hold entries from earlier
 * work, so errors are counted relative to what was there on entry.  The
 * tree is kept for config_dump (-d) and for reload diffs.
 *
 * A reload hands the parent's validated tree to each child packed
 * (conf_pack), not as text: the child applies the tables to the very
 * statements the parent checked, without reading them a second time.
 * When the parent's read kept most of the running config's statements
 * (conf_read_file_again), a child that runs that config is sent only
 * the statements read anew and where they go, and splices its own tree
 * the same way (conf_tree_splice): a one-line edit of a large file
 * travels as one statement.  The pack's header names the parent's
 * config it is and, for such a delta, the one it applies to, so a child
 * never splices onto another tree than the parent's.
 *
 * No process keeps more of a config than it uses.  The parent runs no
 * VRRP and drops the compiled VRRP part once the file is validated
 * (config_drop_vrrp).  The vrrp child compiles its own from the pack.
 * Both keep the tree packed between reloads (config_fold): a
 * 1,000-instance tree is about 750 kB of nodes, word pointers and words,
 * its pack 200 kB, and they look at the statements only at a reload
 * and in a dump.  A reload unpacks it for the while (config_unfold):
 * the parent's read of the file against it, with the record of its
 * reading that went with the pack, is a splice as before, and a child's
 * delta splices onto it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "tandem/config.h"
#include "tandem/global_defs.h"

static struct tandem_config *cfg_new(const char *path)
{
	static unsigned long serial;
	struct tandem_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->serial = cfg->pserial = ++serial;
	if (!(cfg->path = strdup(path))) {
		free(cfg);
		return NULL;
	}
	gd_init(&cfg->gd);
#ifdef WITH_VRRP
	vrrp_conf_init(&cfg->vrrp);
#endif
	return cfg;
}

#ifdef WITH_LVS
/* FILE_CHECK's track_file names a top-level track_file block, which the
 * VRRP side's config holds: hand check/ a copy of what it needs. */
static void track_files_to_check(struct tandem_config *cfg, struct conf_diag *d)
{
	struct check_track_file *tf = NULL;
	size_t n = 0;

#ifdef WITH_VRRP
	n = cfg->vrrp.ntrack_files;
	if (n && !(tf = calloc(n, sizeof(*tf)))) {
		conf_diag_add(d, CONF_ERROR, cfg->path, 0, "track_file: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vrrp_conf_track_file *v = cfg->vrrp.track_files[i];

		tf[i] = (struct check_track_file){ .name = v->name,
			.path = v->path ? v->path : "", .weight = v->weight,
			.reverse = v->reverse };
	}
#endif
	check_conf_track_files(&cfg->check, tf, n, d);
	free(tf);
}
#endif

/* The pack's header: which parent config it is, and for a delta the
 * one it applies to (base, 0 for a whole pack) and where its statements
 * go in it. */
struct pack_head {
	char magic[8];
	uint64_t serial, base, head, from, nold;
};
#define PACK_MAGIC "tdmcfg1"

static size_t top_count(const struct conf_tree *t)
{
	size_t n = 0;

	for (const struct conf_node *x = t ? t->first : NULL; x; x = x->next)
		n++;
	return n;
}

/* A pack from the parent into cfg->tree: whole, or a delta against base
 * (which must be the very config of the parent the delta names). */
static int unpack(struct tandem_config *cfg, const char *buf, size_t len,
		  const struct tandem_config *base)
{
	struct pack_head h;
	struct conf_tree *mid;

	if (len < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, PACK_MAGIC, sizeof(h.magic)))
		return -1;
	cfg->pserial = h.serial;
	if (!h.base)
		return conf_unpack(buf + sizeof(h), len - sizeof(h), &cfg->tree);
	if (!base || !base->tree || base->pserial != h.base ||
	    top_count(base->tree) != h.nold) {
		cfg->tree = NULL;
		return -1;
	}
	if (conf_unpack(buf + sizeof(h), len - sizeof(h), &mid) < 0) {
		conf_tree_free(mid);
		cfg->tree = NULL;
		return -1;
	}
	cfg->tree = conf_tree_splice(base->tree, h.head, mid, h.from);
	return cfg->tree ? 0 : -1;
}

#ifdef WITH_LVS
/* A reload's tree against the config it replaces, in the check child:
 * when every top-level statement is where it was and each one other
 * than a virtual_server is exactly as before (so nothing a virtual
 * server depends on moved), every virtual_server that is exactly as
 * before is taken over with its real servers, checkers and their state
 * instead of being applied again.  That is the whole cost of a reload
 * of a large file that changed one weight.  Anything else applies
 * everything, as a first load does. */
static void plan_shares(struct tandem_config *cfg,
			const struct tandem_config *base)
{
	const struct conf_node *a, *b;
	size_t nvs = 0, n = 0, i = 0;
	bool *same;

	if (!base || !base->tree || !cfg->tree)
		return;
	for (a = cfg->tree->first; a; a = a->next)
		n++;
	/* Without it, nothing but the report's speed is lost. */
	same = calloc(n ? n : 1, sizeof(*same));
	for (a = cfg->tree->first, b = base->tree->first; a && b;
	     a = a->next, b = b->next, i++) {
		bool vs = !strcmp(a->word, "virtual_server");

		if (vs != !strcmp(b->word, "virtual_server") ||
		    (!vs && !conf_node_same(a, b)))
			goto none;
		if (!vs) {
			if (same)
				same[i] = true;
			continue;
		}
		if (conf_node_same(a, b)) {
			if (check_conf_share_add(&cfg->check, &base->check, a,
						 nvs) < 0)
				goto none;
			if (same)
				same[i] = true;
		}
		nvs++;
	}
	if (!a && !b && nvs == base->check.nvs) {
		free(cfg->same_top);
		cfg->same_top = same;
		cfg->same_base = base->serial;
		return;
	}
none:
	free(same);
	check_conf_share_clear(&cfg->check);
}
#endif

#if defined(WITH_LVS) && defined(WITH_VRRP)
static unsigned lvs_sync_vrid(const struct tandem_config *cfg)
{
	const char *inst = cfg->gd.lvs_sync_daemon.vrrp_instance;

	for (size_t i = 0; inst && i < cfg->vrrp.ninst; i++)
		if (!strcmp(cfg->vrrp.inst[i]->name, inst))
			return cfg->vrrp.inst[i]->vrid;
	return 0;
}
#endif

/* The second stage, shared by the loaders.  validated: the parent
 * checked these very statements, so the whole-file checks that only
 * find errors are not made again. */
static struct tandem_config *finish(struct tandem_config *cfg,
				    struct conf_diag *d, size_t errors_before,
				    size_t diags_before, bool validated)
{
	if (cfg->tree)
		conf_apply(cfg->tree, &conf_top_block, cfg, d);
#ifdef WITH_LVS
	/* check/ cannot see global_defs: tell it what its checks need. */
	cfg->check.sync_daemon = cfg->gd.lvs_sync_daemon.ifname != NULL;
	if (!validated)
		check_conf_finish(&cfg->check, d);
	track_files_to_check(cfg, d);
#endif
#ifdef WITH_VRRP
	{
		/* vrrp/ cannot see global_defs: hand it what it falls back on. */
		struct vrrp_conf_globals g = {
			.vrrp_version = cfg->gd.vrrp_version,
			.vrrp_strict = cfg->gd.vrrp_strict,
			.default_interface = cfg->gd.default_interface,
		};

		vrrp_conf_check(&cfg->vrrp, &g, d);
	}
#endif
#if defined(WITH_LVS) && defined(WITH_VRRP)
	cfg->sync_vrid = lvs_sync_vrid(cfg);
#endif
	if (gd_finish(&cfg->gd) < 0)
		conf_diag_add(d, CONF_ERROR, cfg->path, 0,
			      "global_defs: out of memory");
	conf_top_needs(cfg->tree, &cfg->needs_vrrp, &cfg->needs_check);
	cfg->clean = d->n == diags_before;
	if (d->errors > errors_before) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static void read_opts(const struct config_load_opts *o,
		      struct conf_read_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	if (o)
		ro->config_id = o->config_id;
}

struct tandem_config *config_load(const char *path,
				  const struct config_load_opts *o,
				  struct conf_diag *d)
{
	size_t before = d->errors, diags = d->n;
	struct conf_read_opts ro;
	struct tandem_config *cfg = cfg_new(path);

	if (!cfg) {
		conf_diag_add(d, CONF_ERROR, path, 0, "out of memory");
		return NULL;
	}
	read_opts(o, &ro);
	if (o && o->base && o->base->tree) {
		conf_read_file_again(path, &ro, o->base->tree, d, &cfg->tree,
				     &cfg->splice);
		if (cfg->splice.spliced)
			cfg->splice_base = o->base->serial;
	} else {
		conf_read_file(path, &ro, d, &cfg->tree);
	}
#ifdef WITH_LVS
	if (o && o->base && o->base->clean)
		plan_shares(cfg, o->base);
#endif
	return finish(cfg, d, before, diags, false);
}

struct tandem_config *config_load_buffer(const char *name, const char *buf,
					 size_t len,
					 const struct config_load_opts *o,
					 struct conf_diag *d)
{
	size_t before = d->errors, diags = d->n;
	struct conf_read_opts ro;
	struct tandem_config *cfg = cfg_new(name);

	if (!cfg) {
		conf_diag_add(d, CONF_ERROR, name, 0, "out of memory");
		return NULL;
	}
	read_opts(o, &ro);
	conf_read_buffer(name, buf, len, &ro, d, &cfg->tree);
	return finish(cfg, d, before, diags, false);
}

struct tandem_config *config_load_packed(const char *name, const char *buf,
					 size_t len,
					 const struct tandem_config *base,
					 struct conf_diag *d)
{
	size_t before = d->errors, diags = d->n;
	struct tandem_config *cfg = cfg_new(name);

	if (!cfg) {
		conf_diag_add(d, CONF_ERROR, name, 0, "out of memory");
		return NULL;
	}
	if (unpack(cfg, buf, len, base) < 0) {
		conf_diag_add(d, CONF_ERROR, name, 0, "the configuration passed "
			      "by the parent is damaged (%zu bytes) or not for "
			      "the config this process runs", len);
		config_free(cfg);
		return NULL;
	}
#ifdef WITH_LVS
	plan_shares(cfg, base);
#else
	(void)base;
#endif
	return finish(cfg, d, before, diags, true);
}

void config_take_shared(struct tandem_config *cfg, struct tandem_config *base)
{
#ifdef WITH_LVS
	if (cfg && base)
		check_conf_take_shared(&cfg->check, &base->check);
#else
	(void)cfg;
	(void)base;
#endif
}

static int pack_with(const struct tandem_config *cfg, bool delta, char **buf,
		     size_t *len)
{
	struct pack_head h = { .magic = PACK_MAGIC,
			       .serial = cfg ? cfg->pserial : 0 };

	if (delta) {
		h.base = cfg->splice_base;
		h.head = cfg->splice.head;
		h.from = cfg->splice.from;
		h.nold = cfg->splice.nold;
		conf_pack_part(cfg->tree, cfg->splice.head, cfg->splice.nmid,
			       sizeof(h), buf, len);
	} else if (cfg && !cfg->tree && cfg->folded) {
		/* The fold is conf_pack's output: the header goes before. */
		if (!(*buf = malloc(sizeof(h) + cfg->folded_len)))
			return -1;
		memcpy(*buf + sizeof(h), cfg->folded, cfg->folded_len);
		*len = sizeof(h) + cfg->folded_len;
	} else {
		conf_pack_part(cfg ? cfg->tree : NULL, 0, SIZE_MAX, sizeof(h),
			       buf, len);
	}
	memcpy(*buf, &h, sizeof(h));
	return 0;
}

int config_pack(const struct tandem_config *cfg, char **buf, size_t *len)
{
	return pack_with(cfg, false, buf, len);
}

int config_pack_delta(const struct tandem_config *cfg, char **buf,
		      size_t *len)
{
	if (!cfg || !cfg->tree || !cfg->splice.spliced || !cfg->splice_base)
		return -1;
	return pack_with(cfg, true, buf, len);
}

void config_free(struct tandem_config *cfg)
{
	if (!cfg)
		return;
	gd_free(&cfg->gd);
#ifdef WITH_LVS
	check_conf_free(&cfg->check);
#endif
#ifdef WITH_VRRP
	vrrp_conf_free(&cfg->vrrp);
#endif
	conf_tree_free(cfg->tree);
	free(cfg->folded);
	conf_text_free(cfg->folded_text);
	free(cfg->same_top);
	free(cfg->path);
	free(cfg);
}

void config_drop_vrrp(struct tandem_config *cfg)
{
#ifdef WITH_VRRP
	if (!cfg)
		return;
	vrrp_conf_free(&cfg->vrrp);
	vrrp_conf_init(&cfg->vrrp);
#else
	(void)cfg;
#endif
}

int config_fold(struct tandem_config *cfg)
{
	char *buf, *fit;
	size_t len;

	if (!cfg || !cfg->tree)
		return 0;
	if (!cfg->folded) {
		conf_pack(cfg->tree, &buf, &len);
		/* The packer's buffer grows by doubling: up to twice the
		 * pack, for as long as the config runs. */
		fit = realloc(buf, len ? len : 1);
		cfg->folded = fit ? fit : buf;
		cfg->folded_len = len;
	}
	conf_text_free(cfg->folded_text);
	cfg->folded_text = conf_tree_take_text(cfg->tree);
	conf_tree_free(cfg->tree);
	cfg->tree = NULL;
	return 0;
}

int config_unfold(struct tandem_config *cfg)
{
	struct conf_tree *t;

	if (!cfg || cfg->tree || !cfg->folded)
		return 0;
	if (conf_unpack(cfg->folded, cfg->folded_len, &t) < 0) {
		conf_tree_free(t);
		return -1;
	}
	conf_tree_give_text(t, cfg->folded_text);
	cfg->folded_text = NULL;
	cfg->tree = t;
	return 0;
}

void config_dump(const struct tandem_config *cfg, FILE *out)
{
	struct conf_tree *t = NULL;

	if (cfg && cfg->tree) {
		conf_dump(cfg->tree, &conf_top_block, out);
		return;
	}
	if (!cfg || !cfg->folded)
		return;
	if (conf_unpack(cfg->folded, cfg->folded_len, &t) == 0)
		conf_dump(t, &conf_top_block, out);
	conf_tree_free(t);
}

char *config_dump_text(const struct tandem_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	config_dump(cfg, f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

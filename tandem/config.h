/*
 * The whole configuration of one tandem: what the parent validates before it
 * starts or reloads anything, and what each child is given.  Loading is the
 * two stages of lib/conf (read the tree, apply the tables); the top-level
 * table in tandem/conf_top.c names every block keepalived.conf may hold and
 * which module owns it.
 */
#ifndef TANDEM_CONFIG_H
#define TANDEM_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/conf.h"
#include "tandem/global_defs.h"
#ifdef WITH_LVS
#include "check/check_vs_conf.h"
#endif
#ifdef WITH_VRRP
#include "vrrp/vrrp_conf.h"
#endif

struct tandem_config {
	char *path;			/* the file it was read from */
	struct conf_tree *tree;		/* resolved statements, for -d */
	struct global_defs gd;
#ifdef WITH_LVS
	struct check_conf check;	/* virtual_server(_group) blocks */
#endif
#ifdef WITH_VRRP
	struct vrrp_conf vrrp;		/* vrrp_instance, vrrp_sync_group */
#endif
	/* Which children the config needs (before -P/-C/--all). */
	bool needs_vrrp;
	bool needs_check;
	bool clean;			/* its load gave no diagnostic */
	unsigned long serial;		/* unique among the loads of a run */
	/* A reload's load against the running config (its base): when
	 * same_top is set, same_top[i] says whether this config's i-th
	 * top-level statement is the base's i-th to the letter
	 * (conf_node_same).  Found while sharing virtual servers, and used
	 * by the reload report so as not to compare them twice. */
	unsigned long same_base;	/* the base's serial */
	bool *same_top;
	/* The parent's serial of the config this one is (in the parent,
	 * serial; in a child, the one it was forked with or sent). */
	unsigned long pserial;
	/* A reload's read that kept the base's unchanged top-level
	 * statements (conf_read_file_again): splice_base is the base's
	 * serial, and a child running the base is sent only the rest
	 * (config_pack_delta). */
	struct conf_splice splice;
	unsigned long splice_base;
	/* The tree packed (config_fold), while tree is NULL: a process
	 * that looks at its statements only at a reload and in a dump
	 * (the parent, the vrrp child) keeps a fifth of the memory of
	 * the tree. */
	char *folded;
	size_t folded_len;
	/* The parent's: the tree's record of its reading, which the next
	 * reload needs to read the file again as a splice. */
	struct conf_text *folded_text;
	/* The VRID of lvs_sync_daemon's instance, 0 without one: the
	 * check child's default sync id, resolved here because the parent
	 * that forks it keeps no VRRP part (config_drop_vrrp). */
	unsigned sync_vrid;
};

struct config_load_opts {
	const char *config_id;		/* -i; NULL: host name w/o domain */
	/* A reload: the running config.  When its own load gave no
	 * diagnostic at all, a virtual_server whose statement did not
	 * change is taken over from it, as config_load_packed does, rather
	 * than applied again (which could only find nothing again); the
	 * whole-file checks still see every one. */
	const struct tandem_config *base;
};

/* Read and validate path.  On success return the config (diagnostics may
 * still hold warnings); on any error return NULL with every error in d. */
struct tandem_config *config_load(const char *path,
				  const struct config_load_opts *o,
				  struct conf_diag *d);
/* Same from memory (name: for messages and relative includes). */
struct tandem_config *config_load_buffer(const char *name, const char *buf,
					 size_t len,
					 const struct config_load_opts *o,
					 struct conf_diag *d);
/* From config_pack's output, as the parent validated it: the tables are
 * applied to the unpacked tree (name: for messages without a location).
 * With base (the config this one replaces, or NULL), a virtual_server
 * whose statement did not change is taken over from base rather than
 * applied again: the two share it until config_take_shared or the
 * result is freed (base must outlive the result until then). */
struct tandem_config *config_load_packed(const char *name, const char *buf,
					 size_t len,
					 const struct tandem_config *base,
					 struct conf_diag *d);
/* base is about to be freed and cfg (loaded against it) replaces it: cfg
 * becomes the only owner of what it shares with base. */
void config_take_shared(struct tandem_config *cfg, struct tandem_config *base);
/* cfg's statements packed for config_load_packed in a child: *buf is
 * malloc'd.  Returns 0, or -1 when out of memory. */
int config_pack(const struct tandem_config *cfg, char **buf, size_t *len);
/* Only what a child running the config of serial cfg->splice_base needs
 * to make cfg of it: the statements the reload read, and where they go.
 * -1 when cfg was not spliced. */
int config_pack_delta(const struct tandem_config *cfg, char **buf,
		      size_t *len);
void config_free(struct tandem_config *cfg);
/* The parent runs no VRRP: once the file is validated it frees the
 * compiled VRRP part (instances, groups, trackers), which it neither
 * uses nor hands on (a child is sent the tree packed and compiles its
 * own).  The tree and everything else stay. */
void config_drop_vrrp(struct tandem_config *cfg);
/* Pack the tree into cfg->folded and free it (config_fold), or unpack
 * it back (config_unfold: for a reload, which reads the file against the
 * tree, splices a delta onto it, compares it with the new one; the pack
 * is kept, so a fold after it frees the tree only).  The tree's record of
 * its reading goes with the pack, so the tree unfolded is read again as
 * a splice as the one folded was.  config_pack of a folded config is its
 * pack.  0, or -1 (out of memory, a damaged pack) with cfg as it was. */
int config_fold(struct tandem_config *cfg);
int config_unfold(struct tandem_config *cfg);
/* keepalived syntax, as understood (see conf_dump); a folded config is
 * unpacked for the while. */
void config_dump(const struct tandem_config *cfg, FILE *out);
/* The same as a malloc'd string, or NULL when out of memory. */
char *config_dump_text(const struct tandem_config *cfg);

/* tandem/conf_top.c: the top-level table, whose object is a struct
 * tandem_config.  Each block keepalived accepts has an entry; the ones no
 * module implements yet are CONF_T_NOTIMPL. */
extern const struct conf_block conf_top_block;
/* Which children a tree needs: any VRRP block (vrrp_instance,
 * vrrp_sync_group, static addresses/routes/rules), any virtual_server. */
void conf_top_needs(const struct conf_tree *t, bool *needs_vrrp,
		    bool *needs_check);

#endif

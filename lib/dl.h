/*
 * Optional libraries opened with dlopen() on first use.
 *
 * tandem links only what every process needs (libc, libsystemd, libnl,
 * json-c).  curl, OpenSSL, net-snmp, nftables, libipset and PCRE2 serve
 * one feature each, and linking them would make every process map and
 * relocate them (and their own dependencies: GnuTLS, Kerberos, Perl, ...)
 * at start, whether the config uses the feature or not.  Instead a shim
 * per library (lib/dl_*.c) defines the library's functions under their
 * own names, and each one opens the library here the first time it is
 * called: only the process whose config needs the feature pays for it.
 *
 * A struct dl_lib names the library by the soname configure found, the
 * Debian package that ships it and the feature that needs it, so that a
 * missing library is reported as what to install, not as a crash.  The
 * symbols are resolved all at once, so a library is either wholly usable
 * or not at all.
 */
#ifndef TANDEM_DL_H
#define TANDEM_DL_H

#include <stdbool.h>
#include <stddef.h>

struct dl_sym {
	const char *name;
	void **addr;		/* where the resolved pointer goes */
};

struct dl_lib {
	const char *soname;	/* "libcurl.so.4" */
	const char *package;	/* Debian package that ships it */
	const char *feature;	/* what needs it, for the message */
	const struct dl_sym *syms;	/* ends with a NULL name */
	void *handle;		/* set once every symbol resolved */
	char error[320];	/* why the last dl_load failed */
};

/* Open l and resolve its symbols.  Returns 0 (at once when already
 * open), or -1 with l->error naming the feature, library and package. */
int dl_load(struct dl_lib *l);

/* The same, for a caller that cannot go on without it: on failure log
 * l->error and end the process with status 1. */
void dl_need_slow(struct dl_lib *l);

static inline void dl_need(struct dl_lib *l)
{
	if (__builtin_expect(l->handle == NULL, 0))
		dl_need_slow(l);
}

#endif

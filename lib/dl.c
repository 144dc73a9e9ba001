/*
 * The loader behind the shims of lib/dl_*.c (see lib/dl.h for why).
 *
 * RTLD_LOCAL keeps a library's symbols out of the global scope, so one
 * optional library never satisfies another's references by accident;
 * RTLD_NOW makes a broken install fail here, at the first use, rather
 * than at some later call.  The executable exports none of the shim
 * names (it is not linked with -rdynamic, and links none of these
 * libraries), so a loaded library's calls to its own functions bind to
 * itself, never back to a shim.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/dl.h"
#include "lib/log.h"

int dl_load(struct dl_lib *l)
{
	void *h;
	const char *e;

	if (l->handle)
		return 0;
	if (!(h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL))) {
		e = dlerror();
		snprintf(l->error, sizeof(l->error),
			 "%s needs %s, which cannot be loaded (%s); on Debian "
			 "install it with: apt-get install %s", l->feature,
			 l->soname, e ? e : "unknown error", l->package);
		return -1;
	}
	for (const struct dl_sym *s = l->syms; s->name; s++) {
		void *p;

		dlerror();
		p = dlsym(h, s->name);
		if (!p) {
			snprintf(l->error, sizeof(l->error),
				 "%s needs %s, but the one installed has no "
				 "%s; reinstall %s", l->feature, l->soname,
				 s->name, l->package);
			dlclose(h);
			return -1;
		}
		*s->addr = p;
	}
	l->handle = h;
	l->error[0] = '\0';
	return 0;
}

void dl_need_slow(struct dl_lib *l)
{
	if (dl_load(l) == 0)
		return;
	log_err("%s", l->error);
	_exit(1);
}

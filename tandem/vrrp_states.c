/*
 * VRRP instance states as messages and as a table (see vrrp_states.h).
 * The table is a plain array searched linearly: it changes only on state
 * transitions and is read when one arrives, and even a thousand
 * instances is a few microseconds a lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/ipc.h"
#include "tandem/vrrp_states.h"

static const char *const known[] = {
	"MASTER", "BACKUP", "FAULT", "INIT", "DELETED",
};

static bool state_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == n && !memcmp(known[i], s, n))
			return true;
	return false;
}

static struct vrrp_state_entry *find(const struct vrrp_states *t,
				     const char *name, size_t nlen)
{
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->v[i].name) == nlen && !memcmp(t->v[i].name, name, nlen))
			return &t->v[i];
	return NULL;
}

static int set(struct vrrp_states *t, const char *state, size_t slen,
	       const char *name, size_t nlen)
{
	struct vrrp_state_entry *e = find(t, name, nlen);

	if (slen == 7 && !memcmp(state, "DELETED", 7)) {
		if (e) {
			free(e->name);
			*e = t->v[--t->n];
		}
		return 0;
	}
	if (!e) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 16;
			void *v = realloc(t->v, cap * sizeof(*t->v));

			if (!v)
				return -ENOMEM;
			t->v = v;
			t->cap = cap;
		}
		e = &t->v[t->n];
		if (!(e->name = strndup(name, nlen)))
			return -ENOMEM;
		t->n++;
	}
	memcpy(e->state, state, slen);
	e->state[slen] = '\0';
	return 0;
}

size_t vrrp_states_apply(struct vrrp_states *t, const char *text, size_t len,
			 size_t *bad)
{
	const char *p = text, *end = text + len;
	size_t applied = 0, nbad = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *sp = memchr(p, ' ', (size_t)(line_end - p));

		if (sp && sp > p && sp + 1 < line_end &&
		    state_ok(p, (size_t)(sp - p)) &&
		    !memchr(sp + 1, '\0', (size_t)(line_end - sp - 1)) &&
		    set(t, p, (size_t)(sp - p), sp + 1,
			(size_t)(line_end - sp - 1)) == 0)
			applied++;
		else
			nbad++;
		p = line_end + 1;
	}
	if (bad)
		*bad = nbad;
	return applied;
}

const char *vrrp_states_get(const struct vrrp_states *t, const char *name)
{
	const struct vrrp_state_entry *e = find(t, name, strlen(name));

	return e ? e->state : NULL;
}

int vrrp_states_line(char **buf, size_t *len, const char *state,
		     const char *name)
{
	size_t add = strlen(state) + 1 + strlen(name) + 1;
	char *b = realloc(*buf, *len + add + 1);

	if (!b)
		return -ENOMEM;
	*buf = b;
	*len += (size_t)snprintf(b + *len, add + 1, "%s %s\n", state, name);
	return 0;
}

int vrrp_states_send(int sock, char **buf, size_t *len)
{
	size_t done = 0;
	int r = 0;

	while (done < *len) {
		size_t n = *len - done;

		if (n > IPC_MAX_PAYLOAD) {
			/* Cut after the last whole line that fits; a single
			 * line longer than a message cannot be sent. */
			const char *b = *buf + done;
			size_t k = IPC_MAX_PAYLOAD;

			while (k > 0 && b[k - 1] != '\n')
				k--;
			if (!k) {
				r = -EMSGSIZE;
				break;
			}
			n = k;
		}
		r = ipc_send(sock, IPC_VRRP_STATE, *buf + done, n, -1);
		if (r < 0)
			break;
		done += n;
	}
	if (r == -EMSGSIZE) {
		/* Drop the line that can never go, keep the rest. */
		const char *nl = memchr(*buf + done, '\n', *len - done);

		done = nl ? (size_t)(nl - *buf) + 1 : *len;
	}
	memmove(*buf, *buf + done, *len - done);
	*len -= done;
	return r;
}

int vrrp_states_snapshot(const struct vrrp_states *t, char **buf, size_t *len)
{
	for (size_t i = 0; i < t->n; i++)
		if (vrrp_states_line(buf, len, t->v[i].state, t->v[i].name) < 0)
			return -ENOMEM;
	return 0;
}

void vrrp_states_free(struct vrrp_states *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

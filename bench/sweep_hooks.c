/* Which hook backends attach here: before the sweep, every value of the hook
 * axis is asked (`cob-hook can`); those that cannot are dropped with one line
 * each (and recorded for meta.json's hooks_skipped). */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mode B runs in: the config's, but none always observes: it attaches
 * nothing, so in an override experiment it is the plain read (the copy
 * happens) that every override is compared with, and its rows say so. */
const char *sweep_hook_mode(const struct cob_config *c, const char *backend)
{
	return !strcmp(backend, "none") ? "observe" : c->mode;
}

/* `cob-hook can --backend B`: its exit status; *line = its last output line
 * without cob-hook's prefixes (the backend it picked, or why it cannot). */
static int hook_can(struct sweep *s, const struct cob_config *c, const char *backend, char *line, size_t len)
{
	char *hook = sweep_path(s, s->opt.bin, "cob-hook"), out[4096];
	char *argv[] = { hook, "can", "--backend", (char *)backend, "--mode", (char *)sweep_hook_mode(c, backend),
			 "--function", (char *)c->axes[cob_config_axis(c, "function")].v[0].text, NULL };
	int rc = sweep_capture_all(s, argv, 0, 1, 0, PROBE_MS, out, sizeof(out));
	const char *l = "", *p;
	size_t n;

	for (p = out; *p; p += n + (p[n] ? 1 : 0)) { /* the last non-empty line */
		n = strcspn(p, "\r\n");
		if (n)
			l = p;
	}
	n = strcspn(l, "\r\n");
	for (;;) { /* "cob-hook: no usable backend: B: reason" -> "reason" */
		static const char *const prefixes[] = { "cob-hook: ", "no usable backend: " };
		size_t blen = strlen(backend);
		int cut = 0;

		for (size_t i = 0; i < 2; i++)
			if (!strncmp(l, prefixes[i], strlen(prefixes[i]))) {
				l += strlen(prefixes[i]);
				n -= strlen(prefixes[i]);
				cut = 1;
			}
		if (rc == 3 && n > blen + 2 && !strncmp(l, backend, blen) && !strncmp(l + blen, ": ", 2)) {
			l += blen + 2;
			n -= blen + 2;
			cut = 1;
		}
		if (!cut)
			break;
	}
	snprintf(line, len, "%.*s", (int)n, n ? l : "(no message)");
	free(hook);
	return rc;
}

/* s->auto_backend: what the hook axis value auto resolved to when the sweep
 * started: every run then attaches that backend by name instead of probing
 * again. */
/* Probe every value of the hook axis and drop those that cannot attach here,
 * each with one line on stderr. When nothing worth running is left (no
 * value; with report = overhead, no baseline or nothing but the baseline)
 * exit 3 with one line. */
void sweep_select_hooks(struct sweep *s, struct cob_config *c)
{
	int k = cob_config_axis(c, "hook");
	struct cob_axis *ax = &c->axes[k];
	int overhead = !strcmp(c->report, "overhead");
	size_t n = ax->n, left = 0, real_left = 0, none_ok = 0, none_at = 0;
	char (*why)[512] = calloc(n, sizeof(*why)), picked[COB_MAX_VALUES][COB_VALUE_LEN];
	char all[4096] = "";
	int ok[COB_MAX_VALUES];

	if (!why)
		sweep_fail(s, 1, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *b = ax->v[i].text;
		int rc = hook_can(s, c, b, why[i], sizeof(why[i]));

		sweep_check_interrupt(s);
		if (rc != 0 && rc != 3)
			sweep_fail(s, 1, "cob-hook can --backend %s failed (exit %d): %s", b, rc, why[i]);
		ok[i] = rc == 0;
		snprintf(picked[i], sizeof(picked[i]), "%s", ok[i] ? why[i] : "");
		if (ok[i] && !strcmp(b, "auto"))
			snprintf(s->auto_backend, sizeof(s->auto_backend), "%s", picked[i]);
	}
	/* auto picks one of the others: it would measure that one twice */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; ok[i] && j < n; j++)
			if (j != i && ok[j] && !strcmp(ax->v[i].text, "auto") &&
			    !strcmp(picked[i], ax->v[j].text)) {
				ok[i] = 0;
				snprintf(why[i], sizeof(why[i]), "it picks %s, which is in the list already",
					 picked[i]);
			}
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(all);

		left += ok[i];
		if (!strcmp(ax->v[i].text, "none")) {
			none_ok = ok[i];
			none_at = i;
		} else
			real_left += ok[i];
		if (!ok[i])
			snprintf(all + used, sizeof(all) - used, "%s%s: %s", used ? "; " : "",
				 ax->v[i].text, why[i]);
	}
	if (n == 1 && !left)
		sweep_fail(s, 3, "hook backend '%s' is not available here: %s", ax->v[0].text, why[0]);
	if (!left)
		sweep_fail(s, 3, "%s: no hook backend attaches here: %s", c->name, all);
	if (overhead && !none_ok)
		sweep_fail(s, 3, "%s: the baseline 'none' cannot run here: %s", c->name, why[none_at]);
	if (overhead && !real_left)
		sweep_fail(s, 3, "%s: no hook backend to compare with none attaches here: %s", c->name, all);
	for (size_t i = 0; i < n; i++)
		if (!ok[i]) {
			fprintf(stderr, "%s: skipping %s: %s\n", c->name, ax->v[i].text, why[i]);
			if (s->skipped)
				json_object_set_new(s->skipped, ax->v[i].text, json_string(why[i]));
		}
	for (size_t i = n; i-- > 0;) /* from the end: the indices before stay valid */
		if (!ok[i])
			cob_config_drop(c, "hook", i);
	free(why);
}

/* --check-hook: 0 when a backend other than none attaches here (or the axis
 * is just none), 3 when not. */
static int real_hooks(const struct cob_config *c)
{
	const struct cob_axis *ax = &c->axes[cob_config_axis(c, "hook")];
	int n = 0;

	for (size_t i = 0; i < ax->n; i++)
		n += strcmp(ax->v[i].text, "none") != 0;
	return n;
}

int sweep_check_hook(struct sweep *s, struct cob_config *c)
{
	int wanted = real_hooks(c);

	sweep_select_hooks(s, c);
	return !wanted || real_hooks(c) ? 0 : 3;
}


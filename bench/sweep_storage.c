/* cob-sweep's storage axis: before the sweep, every storage of the axis is
 * asked whether this kernel can give it (storage.c's check); those that
 * cannot are dropped with one line each (meta.json storage_skipped), or the
 * sweep ends with exit 3 when none is left. A storage is set up when a run
 * first needs it, sized for the data files of its points, and stays until
 * the sweep ends: its undo actions run then (and on Ctrl-C, failure, or by
 * the guard after a SIGKILL). Setting up is never timed. */
#include "sweep.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

void sweep_select_storage(struct sweep *s, struct cob_config *c)
{
	const struct cob_axis *ax = &c->axes[cob_config_axis(c, "storage")];
	char why[COB_MAX_VALUES][256], all[1024] = "";
	int ok[COB_MAX_VALUES], nok = 0;
	size_t n = ax->n, used = 0;

	for (size_t i = 0; i < n; i++) {
		const struct storage_ops *st = storage_find(ax->v[i].text);

		why[i][0] = '\0';
		ok[i] = st && !st->check(why[i], sizeof(why[i]));
		nok += ok[i];
		if (!ok[i])
			used += (size_t)snprintf(all + used, used < sizeof(all) ? sizeof(all) - used : 0, "%s%s: %s",
						 used ? "; " : "", ax->v[i].text, why[i]);
	}
	if (!nok) {
		if (n == 1)
			sweep_fail(s, 3, "storage '%s' is not available here: %s", ax->v[0].text, why[0]);
		sweep_fail(s, 3, "no storage of the config is available here (%s)", all);
	}
	for (size_t i = n; i-- > 0;)
		if (!ok[i]) {
			fprintf(stderr, "%s: skipping storage %s: %s\n", c->name, ax->v[i].text, why[i]);
			json_object_set_new(s->storage_skipped, ax->v[i].text, json_string(why[i]));
			cob_config_drop(c, "storage", i);
		}
	/* Our mounts go into a mount namespace of our own, private from /
	 * down: nobody else sees them, and a namespace someone else makes while
	 * they exist does not copy them (a copy would hold the device open: a
	 * zram device that could not be removed was seen). They end with us,
	 * however we end; our children are in it, the guard (forked before)
	 * is not. */
	for (size_t i = 0; i < ax->n; i++)
		if (strcmp(ax->v[i].text, "disk")) {
			if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
				sweep_fail(s, 3, "storage %s: a mount namespace of our own: %s", ax->v[i].text,
					   strerror(errno));
			break;
		}
}

/* The bytes of the distinct data files of the points on storage value v. */
static uint64_t storage_bytes(const struct cob_config *c, size_t ks, size_t v)
{
	size_t np = cob_config_points(c), nkeys = 0, *sel = calloc(c->naxes, sizeof(*sel));
	char (*keys)[256] = calloc(np, sizeof(*keys));
	int kf = cob_config_axis(c, "file_size");
	uint64_t total = 0;

	if (!sel || !keys) {
		free(sel);
		free(keys);
		return 0;
	}
	for (size_t p = 0; p < np; p++) {
		char key[256] = "";
		size_t off = 0, i;

		cob_config_point(c, p, sel);
		if (sel[ks] != v)
			continue;
		for (size_t k = 0; k < c->naxes && off < sizeof(key); k++)
			if (c->axes[k].param->mkfile_opt)
				off += (size_t)snprintf(key + off, sizeof(key) - off, "-%s",
							sweep_axis_text(c, sel, k));
		for (i = 0; i < nkeys && strcmp(keys[i], key); i++)
			;
		if (i < nkeys)
			continue;
		snprintf(keys[nkeys++], sizeof(keys[0]), "%s", key);
		total += strtoull(sweep_axis_text(c, sel, (size_t)kf), NULL, 10);
	}
	free(sel);
	free(keys);
	return total;
}

static void env_undo(void *arg, const char *fmt, ...)
{
	char line[UNDO_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sweep_undo(arg, "%s", line);
}

static int env_run(void *arg, char *const argv[], char *out, size_t len)
{
	/* mke2fs of a few hundred MiB in a TCG guest: minutes, not seconds */
	out[0] = '\0';
	return sweep_capture_all(arg, argv, 0, 1, 1, 600000, out, len);
}

/* The directory for the data files of the point SEL: its storage, set up now
 * if this is its first run. */
const char *sweep_storage_dir(struct sweep *s, const struct cob_config *c, const size_t *sel)
{
	int ks = cob_config_axis(c, "storage");
	size_t v = sel[ks];
	struct sweep_storage *st = &s->storage[v];
	const char *name = c->axes[ks].v[v].text;
	const struct storage_ops *ops = storage_find(name);
	struct storage_env env = { s->workdir, storage_bytes(c, (size_t)ks, v), env_undo, env_run, s };
	char why[512];
	long long t0 = cob_now_ns();

	if (st->made)
		return st->m.dir;
	if (!ops)
		sweep_fail(s, 1, "internal: no storage '%s'", name);
	if (ops->setup(&env, &st->m, why, sizeof(why)))
		sweep_fail(s, 3, "storage %s: %s", name, why);
	st->made = 1;
	if (st->m.device[0] || st->m.size)
		printf("storage %s: %s%s%s %llu MiB on %s (%.1f s to set up)\n", name, st->m.fs,
		       st->m.device[0] ? " on " : "", st->m.device, (unsigned long long)(st->m.size >> 20),
		       st->m.dir, (double)(cob_now_ns() - t0) / 1e9);
	return st->m.dir;
}

/* meta.json storage: what each storage that ran was */
json_t *sweep_storage_meta(struct sweep *s, const struct cob_config *c)
{
	const struct cob_axis *ax = &c->axes[cob_config_axis(c, "storage")];
	json_t *o = json_object();

	for (size_t i = 0; i < ax->n; i++) {
		const struct sweep_storage *st = &s->storage[i];

		if (st->made)
			json_object_set_new(o, ax->v[i].text,
					    json_pack("{s:s, s:s, s:I}", "device", st->m.device, "fs",
						      st->m.fs[0] ? st->m.fs : "the work directory's",
						      "size_bytes", (json_int_t)st->m.size));
	}
	return o;
}

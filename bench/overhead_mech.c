/* The overhead report's mechanism / bookkeeping split: see overhead_mech.h. */
#include "overhead_mech.h"
#include "backend.h"
#include "stats.h"
#include "sweep.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void om_measure(struct sweep *s)
{
	char *dir = sweep_path(s, s->opt.out, OM_DIR), *csv = sweep_path(s, dir, "trigger.csv");
	char *bc = sweep_path(s, s->opt.bin, "cob-bpfcost"), reps[16];
	char *argv[] = { bc, "trigger", "--out", dir, "--command", "cob-sweep (report = overhead): the hook mechanisms",
			 "--reps", reps, s->opt.quick ? "--quick" : NULL, NULL };
	long long t0 = cob_now_ns();
	int st = 0;
	pid_t pid;

	if (!sweep_file_exists(csv)) {
		/* as many repetitions as the sweep: the spread of the two is alike */
		snprintf(reps, sizeof(reps), "%u", s->cfg.repetitions);
		printf("%s: first the hook mechanisms' own cost on this kernel (cob-bpfcost trigger -> %s/)\n",
		       s->cfg.name, OM_DIR);
		fflush(stdout);
		if (setenv("COB_WHERE", s->opt.where, 1))
			sweep_fail(s, 1, "setenv: %s", strerror(errno));
		pid = sweep_spawn(s, argv, 2, 2, 0, "cob-bpfcost trigger");
		sweep_wait(s, pid, &st, -1, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fprintf(stderr, "%s: no mechanism costs (cob-bpfcost trigger: %s %d): the overhead report "
				"has no split\n", s->cfg.name, WIFEXITED(st) ? "exit" : "signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		else
			printf("%s: mechanisms measured in %.1f s\n", s->cfg.name, (double)(cob_now_ns() - t0) / 1e9);
	}
	free(bc);
	free(csv);
	free(dir);
}

void om_load(struct sweep *s, struct om_costs *c)
{
	char *dir = sweep_path(s, s->opt.out, OM_DIR), *csv = sweep_path(s, dir, "trigger.csv"),
	     *meta = sweep_path(s, dir, "meta.json");
	struct cob_stats st[COB_NMECHS];
	struct cob_csvr *r = cob_csvr_open(csv);
	json_t *m = json_load_file(meta, 0, NULL), *skipped = json_object_get(m, "skipped");

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < COB_NMECHS; i++)
		cob_stats_init(&st[i]);
	c->measured = r && m;
	while (r && cob_csvr_next(r) == 1) {
		const char *name = cob_csvr_field(r, "mechanism"), *ns = cob_csvr_field(r, "overhead_ns");
		int i = name ? cob_mech_find(name) : -1;

		if (i >= 0 && ns && *ns)
			cob_stats_add(&st[i], strtod(ns, NULL));
	}
	for (int i = 0; i < COB_NMECHS; i++) {
		const char *why = json_string_value(json_object_get(skipped, cob_mech_names[i]));

		c->ns[i] = st[i].n ? cob_stats_median(&st[i]) : NAN;
		if (st[i].n)
			continue;
		if (why)
			snprintf(c->why[i], sizeof(c->why[i]), "refused-by-kernel: %s: %s", cob_mech_names[i], why);
		else
			snprintf(c->why[i], sizeof(c->why[i]), "not-measured: %s", c->measured ?
				 "no trigger row" : "cob-bpfcost trigger left no results");
	}
	for (int i = 0; i < COB_NMECHS; i++)
		cob_stats_free(&st[i]);
	if (r)
		cob_csvr_close(r);
	json_decref(m);
	free(meta);
	free(csv);
	free(dir);
}

void om_split(const struct om_costs *c, const char *backend, double overhead_ns, struct om_split *out)
{
	const struct hook_backend *b = hook_backend_find(backend);
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	out->mech_ns = out->book_ns = NAN;
	if (!b || !b->per_read[0])
		return; /* the baseline: no hook */
	out->mech_ns = 0;
	for (size_t k = 0; k < sizeof(b->per_read) / sizeof(b->per_read[0]) && b->per_read[k]; k++) {
		int i = cob_mech_find(b->per_read[k]);

		off += (size_t)snprintf(out->hooks + off, sizeof(out->hooks) - off, "%s%s", k ? " " : "",
					b->per_read[k]);
		if (i < 0 || isnan(c->ns[i])) {
			out->mech_ns = NAN;
			if (!out->state[0])
				snprintf(out->state, sizeof(out->state), "%s",
					 i < 0 ? "not-measured: no such mechanism" : c->why[i]);
			continue;
		}
		out->mech_ns += c->ns[i];
	}
	if (!out->state[0])
		snprintf(out->state, sizeof(out->state), "measured");
	out->book_ns = overhead_ns - out->mech_ns;
}

/* cob-sweep's meta.json: the config, options, hook axis as it ran, axes,
 * counts, monitors, files and resume history of a completed sweep. */
#include "kprobe_opt.h"
#include "meta.h"
#include "reports.h"
#include "sweep.h"

#include <string.h>

/* Everything meta.json says about the sweep itself (cob_meta_new has the
 * machine, kernel and start time). */
void sweep_meta_finish(struct sweep *s, json_t *meta, const struct cob_config *c, const struct point_acc *acc,
			size_t npoints)
{
	json_t *backends = json_array(), *axes = json_object(), *files, *mons = json_array();
	json_t *plots = json_array();

	for (size_t p = 0; p < npoints; p++) {
		const char *b = acc[p].backend;
		int seen = 0;

		for (size_t i = 0; b && i < json_array_size(backends); i++)
			seen |= !strcmp(json_string_value(json_array_get(backends, i)), b);
		if (b && !seen)
			json_array_append_new(backends, json_string(b));
	}
	for (size_t k = 0; k < c->naxes; k++) {
		json_t *vals = json_array();

		for (size_t i = 0; i < c->axes[k].n; i++)
			json_array_append_new(vals, json_string(c->axes[k].v[i].text));
		json_object_set_new(axes, c->axes[k].param->key, vals);
	}
	/* reads.csv, the reports every sweep writes, plots.txt, the config's report */
	files = json_pack("[s]", "reads.csv");
	for (size_t i = 0; i < s->nreport; i++)
		if (s->report[i].ops->always)
			json_array_append_new(files, json_string(s->report[i].ops->file));
	json_array_append_new(files, json_string("plots.txt"));
	for (size_t i = 0; i < s->nreport; i++)
		if (!s->report[i].ops->always)
			json_array_append_new(files, json_string(s->report[i].ops->file));
	for (size_t i = 0; i < s->nmon; i++) {
		json_array_append_new(mons, json_string(s->mon[i].name));
		json_array_append_new(files, json_sprintf("%s.csv", s->mon[i].name));
	}
	json_array_append_new(files, json_string("meta.json"));
	for (size_t i = 0; i < c->nplots; i++)
		json_array_append_new(plots, json_sprintf("plots/%s.gp", c->plots[i]));

	cob_meta_set_config(meta, s->opt.config, c->text);
	if (s->opt.command)
		cob_meta_set_command(meta, s->opt.command);
	cob_meta_set_where(meta, s->opt.where);
	json_object_set_new(meta, "experiment", json_string(c->name));
	json_object_set_new(meta, "description", json_string(c->description));
	json_object_set_new(meta, "function", json_string(c->function));
	json_object_set_new(meta, "mode", json_string(c->mode));
	{
		/* the hook axis as it ran: one backend as before, else a list */
		const struct cob_axis *h = &c->axes[cob_config_axis(c, "hook")];
		json_t *hooks = json_array();

		for (size_t i = 0; i < h->n; i++)
			json_array_append_new(hooks, json_string(h->v[i].text));
		if (h->n == 1)
			json_object_set_new(meta, "hook", json_string(h->v[0].text));
		else
			json_object_set_new(meta, "hook", json_incref(hooks));
		json_object_set_new(meta, "hooks", hooks);
		json_object_set_new(meta, "hooks_skipped", s->skipped ? json_incref(s->skipped)
								    : json_object());
	}
	{
		/* E17: which hooks ran with debug.kprobes-optimization=0
		 * (kprobe-copyout-unopt), and the sysctl as the sweep leaves it
		 * (null: no such sysctl, no optprobes) */
		const struct cob_axis *h = &c->axes[cob_config_axis(c, "hook")];
		json_t *ko = json_object(), *unopt = json_array();
		int v = kprobe_opt_sysctl();

		for (size_t i = 0; i < h->n; i++)
			if (strstr(h->v[i].text, "-unopt"))
				json_array_append_new(unopt, json_string(h->v[i].text));
		json_object_set_new(ko, "hooks_run_unoptimized", unopt);
		json_object_set_new(ko, "sysctl_after", v < 0 ? json_null() : json_integer(v));
		json_object_set_new(meta, "kprobes_optimization", ko);
	}
	json_object_set_new(meta, "storage", sweep_storage_meta(s, c));
	json_object_set_new(meta, "storage_skipped",
			    s->storage_skipped ? json_incref(s->storage_skipped) : json_object());
	json_object_set_new(meta, "conditions", sweep_conditions_meta(s));
	json_object_set_new(meta, "report", json_string(c->report));
	json_object_set_new(meta, "backends", backends);
	json_object_set_new(meta, "quick", json_boolean(c->quick));
	json_object_set_new(meta, "axes", axes);
	json_object_set_new(meta, "repetitions", json_integer(c->repetitions));
	json_object_set_new(meta, "points", json_integer((json_int_t)npoints));
	json_object_set_new(meta, "runs", json_integer((json_int_t)(npoints * c->repetitions)));
	json_object_set_new(meta, "reads", json_integer((json_int_t)cob_csvw_rows(s->reads)));
	json_object_set_new(meta, "monitors", mons);
	if (s->mon_skipped)
		json_object_set_new(meta, "monitors_skipped", json_incref(s->mon_skipped));
	json_object_set_new(meta, "plots", plots);
	json_object_set_new(meta, "cache_method",
			    json_string("cob-read, per run, outside the timed reads (column cache)"));
	json_object_set_new(meta, "bin", json_string(s->opt.bin));
	json_object_set_new(meta, "out", json_string(s->opt.out));
	json_object_set_new(meta, "files", files);
	if (s->resumed && json_array_size(s->resumed))
		json_object_set_new(meta, "resumed_after_runs", json_incref(s->resumed));
	json_object_set_new(meta, "status", json_string("complete"));
}

/* Report summary (every sweep): summary.csv, one row per sweep point with the
 * statistics of its read latencies over all repetitions and its success
 * (match) and ok rates. */
#include "reports.h"
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void summary_write(struct sweep *s, struct sweep_report *r)
{
	const struct cob_config *c = &s->cfg;
	struct point_acc *acc = s->acc;
	static const char *const fixed[] = { "experiment", "backend", "mode", "function", "kernel",
					     "where" };
	static const char *const tail[] = { "n",	   "reps",	 "lat_median_ns",
					    "lat_mean_ns", "lat_sd_ns",	 "lat_min_ns",
					    "lat_max_ns",  "lat_ci95_ns", "success_rate",
					    "ok_rate" };
	const size_t nf = sizeof(fixed) / sizeof(fixed[0]), nt = sizeof(tail) / sizeof(tail[0]);
	size_t ncols = nf + c->naxes + nt, npoints = cob_config_points(c), nax = 0;
	const char **cols = calloc(ncols, sizeof(*cols));
	char (*bufs)[32] = calloc(nt, sizeof(*bufs));
	size_t *sel = calloc(c->naxes, sizeof(*sel));

	if (!cols || !bufs || !sel)
		sweep_fail(s, 1, "out of memory");
	memcpy(cols, fixed, sizeof(fixed));
	/* function and hook are the fixed columns function and backend */
	for (size_t k = 0; k < c->naxes; k++)
		if (!c->axes[k].param->from_experiment)
			cols[nf + nax++] = c->axes[k].param->key;
	ncols = nf + nax + nt;
	memcpy(cols + nf + nax, tail, sizeof(tail));
	cob_report_open(s, r, cols, ncols);
	for (size_t p = 0; p < npoints; p++) {
		struct point_acc *a = &acc[p];
		struct cob_summary sum = cob_stats_summary(&a->lat);
		size_t i = 0;

		cob_config_point(c, p, sel);
		cols[i++] = c->name;
		cols[i++] = a->backend ? a->backend : cob_config_value(c, sel, "hook")->text;
		cols[i++] = a->mode ? a->mode : c->mode;
		cols[i++] = a->function ? a->function : cob_config_value(c, sel, "function")->text;
		cols[i++] = a->kernel ? a->kernel : s->kernel;
		cols[i++] = s->opt.where;
		for (size_t k = 0; k < c->naxes; k++)
			if (!c->axes[k].param->from_experiment)
				cols[i++] = sweep_axis_text(c, sel, k);
		snprintf(bufs[0], 32, "%zu", a->rows);
		snprintf(bufs[1], 32, "%u", a->reps);
		cob_report_num(sum.median, bufs[2], 32);
		cob_report_num(sum.mean, bufs[3], 32);
		cob_report_num(sum.sd, bufs[4], 32);
		cob_report_num(sum.min, bufs[5], 32);
		cob_report_num(sum.max, bufs[6], 32);
		cob_report_num(sum.ci95, bufs[7], 32);
		cob_report_rate(a->match, a->rows, bufs[8], 32);
		cob_report_rate(a->ok, a->rows, bufs[9], 32);
		for (size_t t = 0; t < nt; t++)
			cols[i++] = bufs[t];
		if (cob_csvw_row(r->w, cols, ncols))
			sweep_fail(s, 1, "writing summary.csv: %s", strerror(errno));
	}
	free(cols);
	free(bufs);
	free(sel);
}

/* name, help, file, always, check, write, print */
const struct cob_report report_summary = {
	"summary", "one row per sweep point: latency statistics, success rate", "summary.csv",
	1, NULL, summary_write, NULL, NULL,
};
